"""What an evaluation returns: a score per route and the whole evaluation, with its signature."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from polyglot_news.evaluate.parallel import Target
from polyglot_news.signature import Signature
from polyglot_news.version import __version__

SCHEMA = "polyglot-news/evaluate/v1"
_PERCENT_DIGITS = 2

BLEU_NOTE = (
    "BLEU uses sacrebleu's default 13a tokenizer, which is language-agnostic (whitespace and "
    "punctuation rules only): compare BLEU only between routes into the same language; chrF++ is the main score."
)

# ---------------------------------------------------------------- scores


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, _PERCENT_DIGITS) if whole else None


@dataclass(frozen=True)
class RouteScore:
    """The scores of one target language, or the error that stopped it (``error``)."""

    target: str
    column: str
    route: str = ""
    models: tuple[dict[str, Any], ...] = ()
    rows: int = 0
    sentences: int = 0
    chrf: float | None = None
    bleu: float | None = None
    markers_identical: int = 0
    markers_end_in_place: int = 0
    citation_errors: int = 0
    detected: dict[str, int] = field(default_factory=dict)
    flag_counts: dict[str, int] = field(default_factory=dict)
    flagged: int = 0
    seconds: float = 0.0
    signature: str = ""
    error: str | None = None
    exit_code: int = 0

    @property
    def test_model(self) -> bool:
        """True when any package of the route is one of the project's test models."""
        return any(m.get("test_model") for m in self.models)

    @property
    def marker_fidelity(self) -> float | None:
        """Percent of sentences whose markers came back identical, in order."""
        return _percent(self.markers_identical, self.sentences)

    @property
    def language_ok(self) -> float | None:
        """Percent of translated segments detected as the target language."""
        return _percent(self.detected.get(self.target, 0), self.rows)

    @property
    def language_und(self) -> float | None:
        """Percent of translated segments the detector would not call (``und``)."""
        return _percent(self.detected.get("und", 0), self.rows)

    @property
    def flagged_share(self) -> float | None:
        """Percent of sentences the engine's guard flagged."""
        return _percent(self.flagged, self.sentences)

    @property
    def sentences_per_second(self) -> float | None:
        return round(self.sentences / self.seconds, 1) if self.seconds > 0 else None

    def to_dict(self) -> dict[str, Any]:
        if self.error is not None:
            return {"target": self.target, "column": self.column, "error": self.error, "exit_code": self.exit_code}
        return {
            "target": self.target,
            "column": self.column,
            "route": self.route,
            "models": list(self.models),
            "test_model": self.test_model,
            "rows": self.rows,
            "sentences": self.sentences,
            "chrf": self.chrf,
            "bleu": self.bleu,
            "markers": {
                "fidelity": self.marker_fidelity,
                "identical": self.markers_identical,
                "end_in_place": self.markers_end_in_place,
                "citation_errors": self.citation_errors,
            },
            "language": {
                "ok": self.language_ok,
                "und": self.language_und,
                "detected": dict(sorted(self.detected.items(), key=lambda kv: (-kv[1], kv[0]))),
            },
            "flags": {"flagged": self.flagged_share, "counts": dict(sorted(self.flag_counts.items()))},
            "seconds": round(self.seconds, 3),
            "sentences_per_second": self.sentences_per_second,
            "signature": self.signature,
        }


@dataclass(frozen=True)
class Evaluation:
    """Every target's scores on one parallel file, with what is needed to reproduce them."""

    file: str
    source: Target
    rows: int
    sentences: int
    seed: int
    results: tuple[RouteScore, ...]
    chrf_signature: str
    bleu_signature: str

    @property
    def signature(self) -> str:
        """E.g. ``eval:v1|src:eng=en|rows:452|markers:s0|chrF2++:nrefs:1|…|bleu:…|v:0.1.0``."""
        return str(
            Signature()
            .add("eval", "v1")
            .add("src", f"{self.source.column}={self.source.language}")
            .add("rows", self.rows)
            .add("markers", f"s{self.seed}")
            .add("chrF2++", self.chrf_signature)
            .add("bleu", self.bleu_signature)
            .add("v", __version__)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "file": self.file,
            "source": {"column": self.source.column, "language": self.source.language},
            "rows": self.rows,
            "sentences": self.sentences,
            "metrics": {"chrf": self.chrf_signature, "bleu": self.bleu_signature, "bleu_note": BLEU_NOTE},
            "results": [r.to_dict() for r in self.results],
            "signature": self.signature,
        }



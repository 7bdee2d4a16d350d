"""Score installed translation routes on a parallel file: chrF++, BLEU, markers, language, flags.

A parallel file is UTF-8 TSV with a header row and one segment a row (tab-separated, no
quoting), e.g. ``id  doc_id  eng  rus  bel``. Each source segment is split into sentences
the way the pipeline splits text, translated along the route ``digest`` would use
(:func:`polyglot_news.translation.translate_sentences`) and joined again; the joined
segment is scored against the reference column with sacrebleu (chrF++ and BLEU, corpus
level). Three checks run on the same sentences:

* **markers**: a copy of every source sentence gets synthetic citation markers (``[1]`` at
  its end, ``[2]`` after a seeded random inner word in half of them) and is translated again;
  a sentence passes when its translation carries the same marker texts in the same order.
  A :class:`~polyglot_news.errors.CitationError` from the engine fails the sentences it
  concerns (found by halving the batch), never the evaluation.
* **language**: each translated segment is run through :func:`polyglot_news.detect.detect`;
  the share detected as the target language is reported, ``und`` separately.
* **flags**: the engine guard's flags (``script``, ``repetition`` …) per sentence.

sacrebleu is needed by this module only and is imported when scoring starts.
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .citations import check_invariant, extract
from .detect import detect
from .document import Marker, Sentence
from .errors import CitationError, InputError, ModelError, PolyglotNewsError, RouteError
from .io import read_article
from .models import list_packages
from .routing import find_route
from .segment import split_sentences
from .translate import DecodeOptions, Translated, load
from .translation import is_test_model, translate_sentences

__all__ = [
    "ISO639_3",
    "MAX_BYTES",
    "SCHEMA",
    "Evaluation",
    "ParallelFile",
    "RouteScore",
    "Target",
    "default_targets",
    "evaluate",
    "find_column",
    "inject_markers",
    "language_of_column",
    "read_parallel",
    "require_sacrebleu",
]

SCHEMA = "polyglot-news/evaluate/v1"
MAX_BYTES = 256 * 1024 * 1024
"""Largest parallel file accepted (NTREX-128 with all 128 languages is about 60 MB)."""

ISO639_3: dict[str, str] = {
    "eng": "en", "rus": "ru", "bel": "be", "ukr": "uk", "pol": "pl", "lit": "lt", "lav": "lv",
    "est": "et", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "spa": "es", "ita": "it",
    "por": "pt", "nld": "nl", "dut": "nl", "ces": "cs", "cze": "cs", "slk": "sk", "slv": "sl",
    "hrv": "hr", "srp": "sr", "bos": "bs", "bul": "bg", "mkd": "mk", "ron": "ro", "rum": "ro",
    "hun": "hu", "fin": "fi", "swe": "sv", "dan": "da", "nob": "nb", "nor": "no", "isl": "is",
    "ell": "el", "gre": "el", "tur": "tr", "aze": "az", "kaz": "kk", "kir": "ky", "tgk": "tg",
    "uzb": "uz", "kat": "ka", "geo": "ka", "hye": "hy", "arm": "hy", "heb": "he", "ara": "ar",
    "fas": "fa", "per": "fa", "pes": "fa", "urd": "ur", "hin": "hi", "zho": "zh", "chi": "zh",
    "cmn": "zh", "jpn": "ja", "kor": "ko", "vie": "vi", "mon": "mn", "sqi": "sq", "alb": "sq",
    "cat": "ca", "eus": "eu", "glg": "gl", "gle": "ga", "cym": "cy", "epo": "eo",
}  # fmt: skip
"""ISO 639-3 (and 639-2/B) column names mapped to the ISO 639-1 codes packages use.

Indonesian (``ind``/``id``) is left out on purpose: ``id`` is the usual name of a row-id column."""

_LANG_2 = frozenset(ISO639_3.values())
_MARKER_END = "[1]"
_MARKER_INNER = "[2]"
_INNER_WORD = re.compile(r"\w+(?=[\s,;:])")
_PERCENT_DIGITS = 2

BLEU_NOTE = (
    "BLEU uses sacrebleu's default 13a tokenizer, which is language-agnostic (whitespace and "
    "punctuation rules only): compare BLEU only between routes into the same language; chrF++ is the main score."
)


# ---------------------------------------------------------------- the file


@dataclass(frozen=True)
class ParallelFile:
    """A parallel TSV: its header and its data rows (every row as long as the header)."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def column(self, name: str) -> list[str]:
        """The cells of column ``name``, in row order.

        Raises:
            InputError: the file has no such column.
        """
        if name not in self.columns:
            raise InputError(f"{self.name}: no column {name!r} (columns: {', '.join(self.columns)})")
        i = self.columns.index(name)
        return [row[i] for row in self.rows]


def read_parallel(path: str | Path, *, limit: int | None = None, max_bytes: int = MAX_BYTES) -> ParallelFile:
    """Read a tab-separated parallel file with a header row (``-`` is standard input).

    Blank lines are skipped; ``limit`` keeps the first N data rows.

    Raises:
        InputError: unreadable, not UTF-8, empty, no data rows, a duplicated or empty column
            name, or a row whose field count differs from the header's (the line is named).
    """
    name = "<stdin>" if str(path) == "-" else str(path)
    lines = read_article(path, max_bytes=max_bytes).split("\n")
    numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
    header_line, header = numbered[0]
    columns = tuple(c.strip() for c in header.split("\t"))
    if any(not c for c in columns):
        raise InputError(f"{name}: line {header_line}: the header has an empty column name")
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        raise InputError(f"{name}: line {header_line}: duplicated column {duplicated[0]!r} in the header")
    rows: list[tuple[str, ...]] = []
    for number, line in numbered[1:]:
        if limit is not None and len(rows) >= limit:
            break
        cells = tuple(c.strip() for c in line.split("\t"))
        if len(cells) != len(columns):
            raise InputError(
                f"{name}: line {number} has {len(cells)} fields, the header has {len(columns)} "
                "(tab-separated, no quoting)"
            )
        rows.append(cells)
    if not rows:
        raise InputError(f"{name}: no data rows after the header")
    return ParallelFile(name, columns, tuple(rows))


def language_of_column(column: str) -> str | None:
    """The ISO 639-1 code a column name stands for (``rus``, ``ru``, ``rus_Cyrl`` → ``ru``), if any."""
    base = re.split(r"[_\-]", column.strip().lower(), maxsplit=1)[0]
    if base in ISO639_3:
        return ISO639_3[base]
    return base if base in _LANG_2 else None


def find_column(data: ParallelFile, language: str) -> str:
    """The one column of ``data`` whose name stands for ``language``.

    Raises:
        InputError: no such column, or more than one.
    """
    found = [c for c in data.columns if language_of_column(c) == language]
    if len(found) == 1:
        return found[0]
    if not found:
        raise InputError(
            f"{data.name}: no column for {language!r} (columns: {', '.join(data.columns)}); "
            f"name it with --target {language}=COLUMN"
        )
    raise InputError(
        f"{data.name}: several columns for {language!r} ({', '.join(found)}); "
        f"pick one with --target {language}=COLUMN"
    )


@dataclass(frozen=True)
class Target:
    """A language and the column that holds its text."""

    language: str
    column: str


def default_targets(data: ParallelFile, source: Target) -> list[Target]:
    """Every column named like a language other than the source's, in file order."""
    out: list[Target] = []
    for column in data.columns:
        language = language_of_column(column)
        if column != source.column and language and language != source.language:
            if language not in {t.language for t in out}:
                out.append(Target(language, column))
    return out


# ---------------------------------------------------------------- markers


def inject_markers(sentences: Sequence[Sentence], seed: int = 0) -> list[Sentence]:
    """Copies of ``sentences`` with synthetic citation markers, the same for the same seed.

    Every sentence gets ``[1]`` at its very end; a seeded half of them also get ``[2]``
    right after a random inner word (one followed by a space or ``,;:``). Markers a sentence
    already has are kept, in order.
    """
    rng = random.Random(seed)
    chosen = set(rng.sample(range(len(sentences)), len(sentences) // 2))
    out: list[Sentence] = []
    for i, sentence in enumerate(sentences):
        added = [Marker(_MARKER_END, ("1",), len(sentence.plain))]
        words = list(_INNER_WORD.finditer(sentence.plain))
        if i in chosen and words:
            added.append(Marker(_MARKER_INNER, ("2",), words[rng.randrange(len(words))].end()))
        markers = sorted([*sentence.markers, *added], key=lambda m: m.offset)  # stable: old ones first
        out.append(Sentence(sentence.plain, tuple(markers), sentence.index))
    return out


def _marker_texts(text: str) -> list[str]:
    return [m.text for m in extract(text)[1]]


def _end_in_place(sentence: Sentence) -> bool:
    """True when the last marker is ``[1]`` and no letter or digit follows it."""
    if not sentence.markers or sentence.markers[-1].text != _MARKER_END:
        return False
    return not any(ch.isalnum() for ch in sentence.plain[sentence.markers[-1].offset :])


Translate = Callable[[Sequence[Sentence]], list[Translated]]


def _tolerant(translate: Translate, sentences: Sequence[Sentence]) -> list[Translated | None]:
    """Translate; where the engine raises CitationError, halve the batch to find the culprits."""
    if not sentences:
        return []
    try:
        return list(translate(sentences))
    except CitationError:
        if len(sentences) == 1:
            return [None]
        middle = len(sentences) // 2
        return _tolerant(translate, sentences[:middle]) + _tolerant(translate, sentences[middle:])


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
        return (
            f"eval:v1|src:{self.source.column}={self.source.language}|rows:{self.rows}|markers:s{self.seed}"
            f"|chrF2++:{self.chrf_signature}|bleu:{self.bleu_signature}|v:{__version__}"
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


def require_sacrebleu() -> None:
    """Check that sacrebleu can be imported.

    Raises:
        ModelError: sacrebleu is not installed (the message names the pip command).
    """
    _metrics()


def _metrics() -> tuple[Any, Any]:
    """sacrebleu's chrF++ and BLEU (13a) metric objects."""
    try:
        from sacrebleu.metrics.bleu import BLEU
        from sacrebleu.metrics.chrf import CHRF
    except ImportError:
        raise ModelError(
            "models evaluate needs sacrebleu: pip install sacrebleu (or pip install 'polyglot-news[eval]')"
        ) from None
    chrf, bleu = CHRF(word_order=2), BLEU()
    for metric in (chrf, bleu):
        metric.corpus_score(["-"], [["-"]])  # fixes nrefs:1 in the signature, even if nothing is scored
    return chrf, bleu


def _segments(texts: Sequence[str], language: str) -> list[list[Sentence]]:
    """Each segment split into sentences as the pipeline splits text, indexed across all."""
    out: list[list[Sentence]] = []
    index = 0
    for text in texts:
        parts = []
        for sentence in split_sentences([text], language) if text.strip() else []:
            parts.append(Sentence(sentence.plain, sentence.markers, index))
            index += 1
        out.append(parts)
    return out


def evaluate(
    data: ParallelFile,
    source: Target,
    targets: Sequence[Target],
    *,
    models: Path | None = None,
    options: DecodeOptions | None = None,
    seed: int = 0,
    explicit: bool = True,
    progress: Callable[[str], None] | None = None,
) -> Evaluation:
    """Score the route into every target on ``data`` (see the module docstring).

    A target that cannot be scored (no route, a broken package) gets a :class:`RouteScore`
    with ``error`` and the error's exit code (``0`` for a missing route when ``explicit`` is
    False: the targets were guessed from the columns); the other targets go on.

    Raises:
        ModelError: sacrebleu is not installed.
        InputError: a column named by ``source`` or ``targets`` is missing.
    """
    chrf_metric, bleu_metric = _metrics()
    options = options or DecodeOptions()
    source_texts = data.column(source.column)
    references = [data.column(t.column) for t in targets]
    segments = _segments(source_texts, source.language)
    flat = [s for parts in segments for s in parts]
    marked = inject_markers(flat, seed)
    packages = list_packages(models)
    results: list[RouteScore] = []
    for target, reference in zip(targets, references, strict=True):
        if progress:
            progress(f"{source.language}→{target.language}: {len(source_texts)} rows, {len(flat)} sentences")
        try:
            route = find_route(source.language, target.language, packages)

            def translate(batch: Sequence[Sentence], language: str = target.language) -> list[Translated]:
                return translate_sentences(batch, source.language, language, models=models, options=options).results

            # The marker pass goes first: it also loads the models, so the timed pass below
            # measures translation alone.
            with_markers = _tolerant(translate, marked)
            # ... but it, and any earlier target sharing a hop, filled the packages' memos of
            # outputs: forget them, so the timed pass decodes every hop whatever the --to order.
            for package in route:
                load(package.path, options).memo.clear()
            started = time.perf_counter()
            routed = translate_sentences(flat, source.language, target.language, models=models, options=options)
            done, route_text, signature = routed.results, routed.route, routed.signature
            seconds = time.perf_counter() - started
        except PolyglotNewsError as error:
            code = error.exit_code if explicit or not isinstance(error, RouteError) else 0
            results.append(RouteScore(target.language, target.column, error=str(error), exit_code=code))
            continue
        results.append(
            _score(
                target, reference, segments, marked, with_markers, done,
                route_text if route else f"{source.language} (identity)",
                tuple(_model_entry(p.metadata, p.name, p.pair, p.version) for p in route),
                seconds, f"mt:{target.language}={signature}", chrf_metric, bleu_metric,
            )
        )
    return Evaluation(
        file=data.name,
        source=source,
        rows=len(data.rows),
        sentences=len(flat),
        seed=seed,
        results=tuple(results),
        chrf_signature=str(chrf_metric.get_signature()),
        bleu_signature=str(bleu_metric.get_signature()),
    )


def _model_entry(metadata: dict[str, Any], name: str, pair: str, version: str) -> dict[str, Any]:
    return {
        "name": str(metadata.get("name") or name),
        "pair": pair,
        "version": version,
        "test_model": is_test_model(metadata),
    }


def _score(
    target: Target,
    references: list[str],
    segments: list[list[Sentence]],
    marked: list[Sentence],
    with_markers: list[Translated | None],
    done: list[Translated],
    route: str,
    models: tuple[dict[str, Any], ...],
    seconds: float,
    signature: str,
    chrf_metric: Any,
    bleu_metric: Any,
) -> RouteScore:
    results = iter(done)
    hypotheses = [" ".join(next(results).sentence.text for _ in parts).strip() for parts in segments]
    chrf = chrf_metric.corpus_score(hypotheses, [references]).score
    bleu = bleu_metric.corpus_score(hypotheses, [references]).score
    identical = end_kept = errors = 0
    for sent, out in zip(marked, with_markers, strict=True):
        if out is None:
            errors += 1
            continue
        try:
            check_invariant(sent.markers, out.sentence.markers, "evaluation")
        except CitationError:
            continue
        # What a reader sees must re-read as the same markers, too.
        if _marker_texts(out.sentence.text) == _marker_texts(sent.text):
            identical += 1
            end_kept += _end_in_place(out.sentence)
    detected = Counter(detect(h).language for h in hypotheses)
    flag_counts = Counter(flag for t in done for flag in t.flags)
    return RouteScore(
        target=target.language,
        column=target.column,
        route=route,
        models=models,
        rows=len(hypotheses),
        sentences=len(done),
        chrf=round(chrf, 2),
        bleu=round(bleu, 2),
        markers_identical=identical,
        markers_end_in_place=end_kept,
        citation_errors=errors,
        detected=dict(detected),
        flag_counts=dict(flag_counts),
        flagged=sum(1 for t in done if t.flags),
        seconds=seconds,
        signature=signature,
    )

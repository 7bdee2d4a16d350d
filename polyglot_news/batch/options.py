"""Batch options: what shapes each article's output, and the hash ``--resume`` compares."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from polyglot_news.languages import DEFAULT_DETECTOR
from polyglot_news.render import FORMATS
from polyglot_news.summarize.extract import signature_name
from polyglot_news.summarize.methods import DEFAULT_METHOD
from polyglot_news.summarize.request import SummaryRequest
from polyglot_news.translation.request import TranslationRequest
from polyglot_news.version import __version__

DEFAULT_CHUNK = 32
"""Articles per translation window (one engine call per route covers a window)."""


@dataclass(frozen=True, init=False)
class BatchOptions:
    """What shapes every output: the summary request, the translation request, the file format.

    ``BatchOptions(summary=SummaryRequest(...), ...)``, or the summary's fields as keywords
    (``method``, ``sentences``, ``ratio``, ``source_lang``, ``detector``), as before there was one.
    """

    summary: SummaryRequest
    translation: TranslationRequest | None
    fmt: str
    strict: bool
    """With translation: an article with a flagged sentence fails instead of being written."""

    def __init__(
        self,
        method: str = DEFAULT_METHOD,
        sentences: int | None = None,
        ratio: float | None = None,
        source_lang: str | None = None,
        translation: TranslationRequest | None = None,
        fmt: str = "json",
        strict: bool = False,
        *,
        detector: str = DEFAULT_DETECTOR,
        summary: SummaryRequest | None = None,
    ) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}: choose from {', '.join(FORMATS)}")
        request = SummaryRequest.of(
            summary, method=method, sentences=sentences, ratio=ratio, source_lang=source_lang, detector=detector
        )
        object.__setattr__(self, "summary", request)
        object.__setattr__(self, "translation", translation)
        object.__setattr__(self, "fmt", fmt)
        object.__setattr__(self, "strict", strict)

    @property
    def method(self) -> str:
        return self.summary.method

    def signature(self) -> str:
        """A short hash of everything that changes an output file, installed models included.

        Resume compares it with the one stored in each output (``batch.options``). A field added
        since (the detector) enters only when it is not its default, so earlier outputs made
        with the default stay complete.
        """
        request = self.summary
        shape: dict[str, Any] = {
            "v": __version__,
            "method": signature_name(request.method),  # auto's version: new constants, new outputs
            "sentences": request.sentences,
            "ratio": request.ratio,
            "source_lang": request.source_lang,
            "format": self.fmt,
            "strict": self.strict,
        }
        if request.detector != DEFAULT_DETECTOR:
            shape["detector"] = request.detector
        if self.translation is not None:
            translation = self.translation
            shape["translation"] = {
                "targets": list(translation.targets) if translation.targets is not None else None,
                "parts": list(translation.parts),
                "decode": translation.options.signature(),
                "glossary": translation.glossary.signature() if translation.glossary is not None else None,
                "models": sorted([p.name, p.pair, p.version] for p in translation.installed()),
                **({"model": translation.model} if translation.model else {}),
            }
        canonical = json.dumps(shape, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]

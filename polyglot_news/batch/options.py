"""Batch options: what shapes each article's output, and the hash ``--resume`` compares."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from polyglot_news.languages import check_language_code
from polyglot_news.render import FORMATS
from polyglot_news.summarize import DEFAULT_METHOD, METHODS, signature_name
from polyglot_news.translation.request import TranslationRequest
from polyglot_news.version import __version__

DEFAULT_CHUNK = 32
"""Articles per translation window (one engine call per route covers a window)."""

@dataclass(frozen=True)
class BatchOptions:
    """What shapes every output: summary settings, the translation request, the file format."""

    method: str = DEFAULT_METHOD
    sentences: int | None = None
    ratio: float | None = None
    source_lang: str | None = None
    translation: TranslationRequest | None = None
    fmt: str = "json"
    strict: bool = False
    """With translation: an article with a flagged sentence fails instead of being written."""

    def __post_init__(self) -> None:
        if self.fmt not in FORMATS:
            raise ValueError(f"unknown format {self.fmt!r}: choose from {', '.join(FORMATS)}")
        if self.method not in METHODS:
            raise ValueError(f"unknown summary method {self.method!r}; choose one of: {', '.join(sorted(METHODS))}")
        if self.sentences is not None and self.ratio is not None:
            raise ValueError("use `sentences` or `ratio`, not both")
        if self.source_lang is not None:
            object.__setattr__(self, "source_lang", check_language_code(self.source_lang, "`source_lang`"))

    def signature(self) -> str:
        """A short hash of everything that changes an output file, installed models included.

        Resume compares it with the one stored in each output (``batch.options``).
        """
        shape: dict[str, Any] = {
            "v": __version__,
            "method": signature_name(self.method),  # auto's version: new constants, new outputs
            "sentences": self.sentences,
            "ratio": self.ratio,
            "source_lang": self.source_lang,
            "format": self.fmt,
            "strict": self.strict,
        }
        if self.translation is not None:
            request = self.translation
            shape["translation"] = {
                "targets": list(request.targets) if request.targets is not None else None,
                "parts": list(request.parts),
                "decode": request.options.signature(),
                "glossary": request.glossary.signature() if request.glossary is not None else None,
                "models": sorted([p.name, p.pair, p.version] for p in request.installed()),
                **({"model": request.model} if request.model else {}),
            }
        canonical = json.dumps(shape, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]



"""Small helpers shared by the translation tests."""

from __future__ import annotations

from typing import Any

from polyglot_news.citations import extract
from polyglot_news.document import Sentence


def marked_sentences(*texts: str) -> list[Sentence]:
    """One Sentence per text, its citation markers taken out as the pipeline does (index = position)."""
    out = []
    for i, text in enumerate(texts):
        plain, markers = extract(text)
        out.append(Sentence(plain, tuple(markers), i))
    return out


class Spy:
    """Wraps a CTranslate2 translator and records each translate_batch call: batch, size, options."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls: list[dict[str, Any]] = []

    def translate_batch(self, batch: list[list[str]], **kwargs: Any) -> Any:
        self.calls.append({"batch": batch, "n": len(batch), **kwargs})
        return self.inner.translate_batch(batch, **kwargs)

"""Small helpers shared by the translation tests."""

from __future__ import annotations

import subprocess
import sys
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


def finishes_within(code: str, seconds: float) -> None:
    """Run ``code`` in a fresh interpreter; fail if it takes longer than ``seconds`` (or fails).

    For inputs where a quadratic pattern takes minutes and a linear one milliseconds: the
    bound is generous, so a busy machine does not fail it, and no timing is asserted.
    """
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=seconds)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"still running after {seconds:g} s (super-linear?): {code}") from None
    assert done.returncode == 0, done.stderr

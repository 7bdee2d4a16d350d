"""What to summarize and how: one :class:`SummaryRequest`, checked once, for every caller.

The CLI's options, ``batch``'s options, the server's ``/digest`` parameters and the Python
API's keywords all become this value, so a bad length or method is refused the same way
everywhere (a ``ValueError`` naming the parameter in backticks, which the CLI turns into its
option's name).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from polyglot_news.languages import DEFAULT_DETECTOR, DETECTORS, check_language_code
from polyglot_news.summarize.methods import DEFAULT_METHOD, check_method

#: Summary length when neither ``sentences`` nor ``ratio`` is given (the Lead-3 convention).
DEFAULT_COUNT: int = 3


@dataclass(frozen=True)
class SummaryRequest:
    """A summary's method and length, and the article's language or the detector that finds it.

    Give ``sentences`` (at least 1) or ``ratio`` (a share of the body's sentences, in (0, 1]),
    not both; with neither, :data:`DEFAULT_COUNT` sentences. ``source_lang`` skips detection;
    ``detector`` is ``langdetect`` or ``lingua`` (the optional extra).

    Raises:
        ValueError: an unknown method or detector, a bad ``sentences``, ``ratio`` or
            ``source_lang``, or both a count and a ratio.
    """

    method: str = DEFAULT_METHOD
    sentences: int | None = None
    ratio: float | None = None
    source_lang: str | None = None
    detector: str = DEFAULT_DETECTOR

    def __post_init__(self) -> None:
        check_method(self.method)
        if self.sentences is not None and self.ratio is not None:
            raise ValueError("use `sentences` or `ratio`, not both")
        count = self.sentences
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
            raise ValueError(f"`sentences` must be a whole number >= 1, got {count!r}")
        ratio = self.ratio
        if ratio is not None and (
            isinstance(ratio, bool) or not isinstance(ratio, (int, float)) or math.isnan(ratio) or not 0 < ratio <= 1
        ):
            raise ValueError(f"`ratio` must be a number in (0, 1], got {ratio!r}")
        if self.detector not in DETECTORS:
            raise ValueError(f"unknown detector {self.detector!r}; choose one of {', '.join(DETECTORS)}")
        if self.source_lang is not None:
            object.__setattr__(self, "source_lang", check_language_code(self.source_lang, "`source_lang`"))

    def length(self, total: int) -> int:
        """How many of ``total`` sentences the summary keeps (a ratio rounds half up, at least 1)."""
        if self.sentences is not None:
            return min(self.sentences, total)
        if self.ratio is not None:
            return min(total, max(1, math.floor(self.ratio * total + 0.5)))
        return min(DEFAULT_COUNT, total)

    def length_label(self, chosen: int) -> str:
        """The length as a signature names it: ``r0.2`` for a ratio, else the sentences kept."""
        return f"r{self.ratio:g}" if self.ratio is not None else str(chosen)

    @classmethod
    def of(cls, request: SummaryRequest | None = None, **fields: Any) -> SummaryRequest:
        """``request`` itself, or one built from its fields given as keywords (``None`` = default).

        Raises:
            ValueError: both a request and fields that differ from their defaults.
        """
        given = {name: value for name, value in fields.items() if value is not None and value != _DEFAULTS[name]}
        if request is None:
            return cls(**given)
        if given:
            names = ", ".join(f"`{name}`" for name in sorted(given))
            raise ValueError(f"give a SummaryRequest or its fields ({names}), not both")
        return request


_DEFAULTS: dict[str, Any] = {
    "method": DEFAULT_METHOD, "sentences": None, "ratio": None, "source_lang": None, "detector": DEFAULT_DETECTOR,
}


def summary_length(total: int, *, count: int | None = None, ratio: float | None = None) -> int:
    """How many of ``total`` sentences a summary of ``count`` sentences or ``ratio`` keeps."""
    return SummaryRequest(sentences=count, ratio=ratio).length(total)

"""Citation markers: ``[1]``, ``[2–5]``, ``[n 7]``, ``[citation needed]``, kept through every step.

Names load on first use.

- ``grammar``: what a marker is (the grammar and its context rules), extraction, the references cited
- ``invariant``: a translation keeps its source's markers, in order and on their side of the final stop
- ``verbatim``: bracket groups that stay text, held out of the model and put back
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from polyglot_news.lazy import lazy_names

if TYPE_CHECKING:
    from polyglot_news.citations.grammar import (
        BRACKET_GROUP,
        MARKER_PATTERN,
        MAX_RANGE,
        cited_references,
        extract,
        is_marker,
        parse_refs,
    )
    from polyglot_news.citations.invariant import check_brackets, check_invariant, final_side
    from polyglot_news.citations.verbatim import drop_brackets, hold_out, put_back

__all__ = [
    "BRACKET_GROUP",
    "MARKER_PATTERN",
    "MAX_RANGE",
    "check_brackets",
    "check_invariant",
    "cited_references",
    "drop_brackets",
    "extract",
    "final_side",
    "hold_out",
    "is_marker",
    "parse_refs",
    "put_back",
]

__getattr__, __dir__ = lazy_names(
    __name__,
    {
        **dict.fromkeys(
            ("BRACKET_GROUP", "MARKER_PATTERN", "MAX_RANGE", "cited_references", "extract", "is_marker", "parse_refs"),
            "grammar",
        ),
        **dict.fromkeys(("check_brackets", "check_invariant", "final_side"), "invariant"),
        **dict.fromkeys(("drop_brackets", "hold_out", "put_back"), "verbatim"),
    },
)

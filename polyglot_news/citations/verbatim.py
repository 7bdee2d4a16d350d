"""Bracket groups that stay text (``[sic]``, ``x[1]``): held out of the model like markers, put back
after, and those a model invents dropped."""

from __future__ import annotations

import re
from dataclasses import replace

from polyglot_news.citations.grammar import BRACKET_GROUP
from polyglot_news.document import Marker, Sentence, Verbatim

__all__ = ["drop_brackets", "hold_out", "put_back"]


def hold_out(sentence: Sentence) -> Sentence:
    """The sentence with each bracket group of its plain text moved out, as a :class:`Verbatim`.

    A held-out group travels like a marker (the whitespace before it is its ``lead``), merged
    with the real markers in text order, so a translator never shows it to the model and
    :mod:`polyglot_news.translation.placement` re-anchors it. A group that holds a marker (``[see [3]]``) stays in the
    text. :func:`put_back` undoes this: ``put_back(hold_out(s)) == s``.
    """
    plain = sentence.plain
    if "[" not in plain:
        return sentence
    inside = [m.offset for m in sentence.markers]
    cuts: list[tuple[int, int, int]] = []  # (lead start, group start, group end)
    floor = 0
    for found in BRACKET_GROUP.finditer(plain):
        start, end = found.span()
        lead = start
        while lead > floor and plain[lead - 1].isspace():
            lead -= 1
        if any(lead < offset < end for offset in inside):
            continue
        cuts.append((lead, start, end))
        floor = end
    if not cuts:
        return sentence
    out: list[str] = []
    merged: list[Marker] = []
    pending = list(sentence.markers)
    cursor = removed = 0
    for lead, start, end in cuts:
        while pending and pending[0].offset <= lead:
            marker = pending.pop(0)
            merged.append(replace(marker, offset=marker.offset - removed))
        out.append(plain[cursor:lead])
        merged.append(Verbatim(plain[start:end], (), lead - removed, plain[lead:start]))
        removed += end - lead
        cursor = end
    out.append(plain[cursor:])
    merged.extend(replace(m, offset=m.offset - removed) for m in pending)
    return Sentence("".join(out), tuple(merged), sentence.index)


def put_back(sentence: Sentence) -> Sentence:
    """Write each :class:`Verbatim` group back into the plain text; only real markers stay markers."""
    if not any(isinstance(m, Verbatim) for m in sentence.markers):
        return sentence
    out: list[str] = []
    markers: list[Marker] = []
    cursor = shift = 0
    for marker in sentence.markers:
        offset = min(max(marker.offset, cursor), len(sentence.plain))
        if isinstance(marker, Verbatim):
            out.append(sentence.plain[cursor:offset])
            out.append(marker.lead + marker.text)
            shift += len(marker.lead) + len(marker.text)
            cursor = offset
        else:
            markers.append(replace(marker, offset=offset + shift))
    out.append(sentence.plain[cursor:])
    return Sentence("".join(out), tuple(markers), sentence.index)


def drop_brackets(text: str, source: str = "") -> str:
    """``text`` without the bracket groups ``source`` lacks (and the whitespace before each).

    For a model's output: its input (``source``) held its bracket groups out, so a group in
    the output is invented, and would read as a citation.
    """
    if "[" not in text:
        return text
    allowed = [m.group(0) for m in BRACKET_GROUP.finditer(source)]

    def drop(found: re.Match[str]) -> str:
        group = found.group(0).lstrip()
        if group in allowed:
            allowed.remove(group)
            return found.group(0)
        return ""

    return re.sub(r"\s*" + BRACKET_GROUP.pattern, drop, text)

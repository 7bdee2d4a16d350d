"""Citation markers: the grammar, extraction from a paragraph, and the invariant check.

A *marker* is one bracket group that cites something: ``[1]``, ``[12]``, ``[1, 4]``,
``[17,18]``, ``[2–5]``, ``[1-9]``, a note ``[n 7]`` / ``[note 3]`` / ``[a]``, an inline tag
such as ``[citation needed]`` (no refs), optionally with a page suffix ``[1]: 207`` /
``[3]:p. 234``. A dash-joined pair of single numbers, ``[4]–[7]``, is one marker (refs 4..7).
Runs ``[2][3]``, ``[1][1]`` and ``[3], [12]`` are one marker per bracket group; the later
ones carry the separator (``""`` or ``", "``) as their ``lead``.

Not markers (they stay text): anything outside the grammar (``[sic]``, ``[…]``, ``[0]``,
``[i]`` glued to a word), and index expressions in code-like context. The code rule: a
group glued to an identifier character (``x[1]``) is code when the text right after it
continues the expression (``x[1]=``, ``a[1].b``, ``f[1](``, ``a[1]b``), when the next
non-space character is an operator (``= + * / % < > ^ | &``), when its token holds
code characters before it (``obj.items[1]``, ``my_list[1]``, a backtick; a domain such as
``mozilla.org[4]`` is prose), when it sits inside a backtick span, or when it is a single
letter (``array[i]``: letter notes count only after punctuation or space, ``citizens.[a]``).
Prose keeps ``source[17] codec`` and ``Empire,[54] reflecting``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from polyglot_news.document import Marker
from polyglot_news.errors import CitationError

__all__ = [
    "MARKER_PATTERN",
    "MAX_RANGE",
    "check_invariant",
    "extract",
    "is_marker",
    "parse_refs",
]

MAX_RANGE = 100
"""A range spanning more numbers than this is not expanded (only its ends are kept)."""

_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2212"
_NUM = r"[1-9]\d{0,3}"
_NUMERIC = rf"{_NUM}(?:\s*(?:,|[{_DASHES}])\s*{_NUM})*"
_NOTE = r"(?:n|nb|note|прим\.?|заўв\.?)\s?\d{1,3}|[a-z]"
_TAG = (
    r"(?:(?:full\s+|better\s+|non-primary\s+|verification\s+|clarification\s+|page\s+|year\s+|"
    r"quotation\s+|specify\s+|)(?:citation|source|sources|reference|clarification|verification|"
    r"page|quotation|year)\s+needed"
    r"|who\??|when\??|where\??|which\??|why\??|by\s+whom\??|according\s+to\s+whom\??|"
    r"dubious\s*[\u2013\u2014-]\s*discuss|failed\s+verification|original\s+research\??|"
    r"unreliable\s+source\??|dead\s+link|permanent\s+dead\s+link|"
    r"источник\s+не\s+указан[^\[\]\n]{0,40}|нет\s+АИ[^\[\]\n]{0,40}|"
    r"неавторитетный\s+источник\??|няма\s+крыніцы|джерело\??)"
)
_PAGE = rf"(?::\s?(?:pp?\.\s?)?\d{{1,5}}(?:[{_DASHES}]\d{{1,5}})?)"

MARKER_PATTERN: re.Pattern[str] = re.compile(
    rf"\[(?:(?P<num>{_NUMERIC})|(?P<note>{_NOTE})|(?P<tag>(?i:{_TAG})))\](?P<page>{_PAGE})?"
)
"""One bracket group of the grammar (with its optional page suffix). Use :func:`extract`
for the context rules (code, dash-joined pairs, separators)."""

_JOIN = re.compile(rf"[ \u00a0]?[{_DASHES}][ \u00a0]?")
_SEPARATOR = re.compile(r"\s*[,;]\s*|\s*")
_IDENT = re.compile(r"[^\W]", re.UNICODE)
_OPERATOR = "=+*/%<>^|&"
_CODE_IN_TOKEN = re.compile(r"[_`(){}$@#\\;<>=]|->|::|[A-Za-z_]\w*\.[A-Za-z_]")
_NEXT_NONSPACE = re.compile(r" *(\S)")
_TOKEN_MAX = 200
_TLDS = frozenset(
    {"com", "org", "net", "gov", "edu", "io", "by", "ru", "ua", "uk", "de", "fr", "info", "int", "eu", "co"}
)


def parse_refs(marker_text: str) -> tuple[str, ...]:
    """The references a marker cites, ranges expanded: ``[2–5]`` -> ``("2", "3", "4", "5")``.

    ``[4]–[7]`` gives 4..7; ``[1, 4]`` gives 1, 4; a note ``[n 7]`` gives ``("n 7",)``; a tag
    such as ``[citation needed]`` gives ``()``. A page suffix is ignored. A range wider than
    :data:`MAX_RANGE` or running backwards keeps only its two ends.
    """
    groups = re.findall(r"\[([^\[\]]*)\]", marker_text)
    if len(groups) == 2 and all(re.fullmatch(_NUM, g.strip()) for g in groups):
        return _expand(groups[0].strip(), groups[1].strip())
    if not groups:
        return ()
    body = groups[0].strip()
    if re.fullmatch(_NUMERIC, body):
        refs: list[str] = []
        for part in body.split(","):
            ends = [p.strip() for p in re.split(rf"[{_DASHES}]", part) if p.strip()]
            if len(ends) == 2:
                refs.extend(_expand(ends[0], ends[1]))
            else:
                refs.extend(ends)
        return tuple(refs)
    if re.fullmatch(_NOTE, body):
        return (re.sub(r"\s+", " ", body),)
    return ()


def _expand(first: str, last: str) -> tuple[str, ...]:
    lo, hi = int(first), int(last)
    if lo > hi or hi - lo > MAX_RANGE:
        return (first, last)
    return tuple(str(n) for n in range(lo, hi + 1))


def is_marker(text: str) -> bool:
    """Whether ``text`` is exactly one marker (context rules aside)."""
    plain, markers = extract(text)
    return plain == "" and len(markers) == 1


def _is_code(text: str, start: int, end: int, group_end: int, in_ticks: bool) -> bool:
    """Whether the group ``text[start:end]`` (its run ending at ``group_end``) is code."""
    if in_ticks:
        return True
    if start == 0 or not _IDENT.match(text[start - 1]):
        return False
    if re.fullmatch(r"\[[a-z]\]", text[start:end]):
        return True  # ``array[i]``: a letter glued to a word is an index, not a note
    after = text[group_end : group_end + 2]
    if after[:1] and (_IDENT.match(after[0]) or after[0] in "([{"):
        return True
    if after[:1] in (".", ":") and len(after) > 1 and (_IDENT.match(after[1]) or after[1] in "_("):
        return True
    rest = _NEXT_NONSPACE.match(text, group_end)
    if rest is not None and rest.group(1) in _OPERATOR:
        return True
    token_start = start
    while token_start > 0 and start - token_start < _TOKEN_MAX and not text[token_start - 1].isspace():
        token_start -= 1
    token = text[token_start:start]
    found = _CODE_IN_TOKEN.search(token)
    if found is None:
        return False
    dotted = re.fullmatch(r"(?:[\w-]+\.)+([A-Za-z]+)", token)
    return not (dotted is not None and dotted.group(1).lower() in _TLDS and found.group(0)[-1:] != "_")


def _groups(text: str) -> list[tuple[int, int]]:
    """Spans of the grammar's groups, dash-joined pairs merged, code excluded."""
    spans: list[tuple[int, int]] = []
    raw = list(MARKER_PATTERN.finditer(text))
    i = 0
    while i < len(raw):
        m = raw[i]
        start, end = m.span()
        if i + 1 < len(raw) and m.group("num") and not m.group("page"):
            nxt = raw[i + 1]
            join = _JOIN.fullmatch(text, end, nxt.start())
            if (
                join
                and re.fullmatch(_NUM, m.group("num"))
                and nxt.group("num")
                and re.fullmatch(_NUM, nxt.group("num"))
            ):
                end = nxt.end()
                i += 1
        spans.append((start, end))
        i += 1
    # The code rule looks at the whole run a group belongs to (``a[1][2] = 3``).
    ticks = [i for i, ch in enumerate(text) if ch == "`"] if "`" in text else []
    result: list[tuple[int, int]] = []
    j = 0
    while j < len(spans):
        k = j
        while k + 1 < len(spans) and spans[k + 1][0] == spans[k][1]:
            k += 1
        run_end = spans[k][1]
        in_ticks = bisect.bisect_left(ticks, spans[j][0]) % 2 == 1
        if not _is_code(text, spans[j][0], spans[j][1], run_end, in_ticks):
            result.extend(spans[j : k + 1])
        j = k + 1
    return result


def extract(text: str) -> tuple[str, list[Marker]]:
    """Remove every marker from ``text``; return the plain text and the markers in order.

    Each marker's ``offset`` is its anchor in the returned plain text and its ``lead`` the
    separator removed with it: the whitespace before it, or ``", "`` between two markers.
    ``Sentence(plain, tuple(markers)).text == text`` always holds.
    """
    out: list[str] = []
    markers: list[Marker] = []
    cursor = 0
    length = 0
    prev_end = -1
    for start, end in _groups(text):
        between = text[cursor:start]
        if prev_end == cursor and _SEPARATOR.fullmatch(between):
            lead = between
        else:
            stripped = between.rstrip()
            lead = between[len(stripped) :]
            out.append(stripped)
            length += len(stripped)
        marker_text = text[start:end]
        markers.append(Marker(marker_text, parse_refs(marker_text), length, lead))
        cursor = prev_end = end
    out.append(text[cursor:])
    return "".join(out), markers


def check_invariant(expected: Sequence[Marker], actual: Sequence[Marker], where: str) -> None:
    """Raise :class:`CitationError` unless both carry the same marker texts in the same order."""
    want = [m.text for m in expected]
    got = [m.text for m in actual]
    if want == got:
        return
    missing = [t for t in want if t not in got]
    extra = [t for t in got if t not in want]
    detail = f"missing {missing}" if missing else f"unexpected {extra}" if extra else f"order {got} != {want}"
    raise CitationError(f"citation markers changed in {where}: {detail}")

"""Citation markers: the grammar and their extraction from a paragraph.

A *marker* is one bracket group that cites something: ``[1]``, ``[12]``, ``[1, 4]``,
``[17,18]``, ``[2–5]``, ``[1-9]``, a note ``[n 7]`` / ``[note 3]`` / ``[a]``, an inline tag
such as ``[citation needed]`` (no refs), optionally with a page suffix ``[1]: 207`` /
``[3]:p. 234``. A dash-joined pair of single numbers, ``[4]–[7]``, is one marker (refs 4..7).
Runs ``[2][3]``, ``[1][1]`` and ``[3], [12]`` are one marker per bracket group; the later
ones carry the separator (``""`` or ``", "``) as their ``lead``.

Context rules: a group of the grammar is a marker unless a *text* row applies; rows are
tried in order and the first that applies decides. A run such as ``[1][2]`` is judged as
one (``a[1][2] = 4`` is text throughout).

| # | the group ...                                          | example                          | verdict |
|---|--------------------------------------------------------|----------------------------------|---------|
| 1 | sits inside a backtick span                            | ```a[1]```                       | text    |
| 2 | is followed by ``= < > ≤ ≥`` and a number (statistics) | ``F[1,12] = 8.42``, ``t [23] < 2`` | text    |
| 3 | is glued to a letter, digit, ``_`` or ``)`` and the    | ``x[1]=``, ``a[1].b``, ``f[1](``,  | text    |
|   | expression goes on: glued text, ``.x``/``:x``, or an   | ``a[1]b``, ``f(x)[1] = 2``,      |         |
|   | operator next (``= + * / % < > ^ &``, a pipe)          | ``a[1] + b``                     |         |
| 4 | is a letter ``[a]`` glued to a word (not to a number)  | ``array[i]``, ``x[a]``           | text    |
| 5 | is glued to a token holding code characters            | ``obj.items[1]``, ``my_list[1]``, | text    |
|   | (``_ ` ( ) { } $ @ # ; < > =``, a backslash, ``->``,   | ``$x[1]``, ``f(a[1]``            |         |
|   | ``::``, ``name.attr``) once the prose shapes of rows   |                                  |         |
|   | 6-8 and opening quotes/parentheses are set aside       |                                  |         |
| 6 | follows a number or an amount (``$ € £ ₽ ¥ ₹ ₴``,      | ``in 2012[3]``, ``2012[a]``,     | marker  |
|   | ``US$``, ``Br``; ``bn``/``m``/``k``/``tn`` suffixes)   | ``US$2,500[7]``, ``$5bn[8]``,    |         |
|   |                                                        | ``€5m[3]``, ``Br500[4]``         |         |
| 7 | follows a hashtag, a number sign or a handle           | ``#MeToo[9]``, ``#1[3]``,        | marker  |
|   |                                                        | ``@mfa_by[3]``                   |         |
| 8 | follows an e-mail or a web address                     | ``press@mfa.gov.by[10]``,        | marker  |
|   |                                                        | ``mozilla.org[4]``,              |         |
|   |                                                        | ``https://mfa.gov.by/en[2]``     |         |
| 9 | follows a closing quote or parenthesis                 | ``"Godzilla"[5]``, ``(2001)[3]`` | marker  |
| 10| follows a word, punctuation or a space                 | ``source[17] codec``,            | marker  |
|   |                                                        | ``Empire,[54]``, ``citizens.[a]``|         |

Outside the grammar a bracket group is always text: ``[sic]``, ``[…]``, ``[0]``,
``[12345]``, ``[A]``. A bracket group that stays text is never lost either: the translation
engine holds it out of the model like a marker (:mod:`.verbatim`) and :mod:`.invariant`
checks markers and these *verbatim* groups together. Verbatim
groups are part of ``Sentence.plain``; they never appear among a sentence's markers and
cite no reference.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from polyglot_news.document import Marker, Reference, Sentence

__all__ = ["BRACKET_GROUP", "MARKER_PATTERN", "MAX_RANGE", "cited_references", "extract", "is_marker", "parse_refs"]

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

BRACKET_GROUP: re.Pattern[str] = re.compile(r"\[[^\[\]\n]*\]")
"""Any bracket group (innermost, on one line): a marker, or text such as ``[sic]`` or ``x[1]``."""

_JOIN = re.compile(rf"[ \u00a0]?[{_DASHES}][ \u00a0]?")
_SEPARATOR = re.compile(r"\s*[,;]\s*|\s*")
_IDENT = re.compile(r"[^\W]", re.UNICODE)
_OPERATOR = "=+*/%<>^|&"
_CODE_IN_TOKEN = re.compile(r"[_`(){}$@#\\;<>=]|->|::|[A-Za-z_]\w*\.[A-Za-z_]")
_NEXT_NONSPACE = re.compile(r" *(\S)")
_TOKEN_MAX = 200
_STATISTIC = re.compile(r"[ \u00a0]*[=<>\u2264\u2265][ \u00a0]*[-+\u2212]?\.?\d")
_OPENING = "([{\"'\u00ab\u201c\u201e\u2018"
_CURRENCY = "$\u20ac\u00a3\u20bd\u00a5\u20b9\u20b4"  # $ € £ ₽ ¥ ₹ ₴
_NUMBER = re.compile(rf"(?:[A-Z]{{0,3}}[{_CURRENCY}]|Br)?\d[\d,.\u00a0\u202f]*(?:[a-z]{{0,3}}|%|[{_CURRENCY}])")
"""A number or an amount as one token: ``2012``, ``1,200``, ``US$2,500``, ``$5bn``, ``€5m``, ``5%``."""
_TLDS = frozenset(
    {"com", "org", "net", "gov", "edu", "io", "by", "ru", "ua", "uk", "de", "fr", "info", "int", "eu", "co"}
)
_PROSE_SHAPE = re.compile(
    rf"(?<![\w{_CURRENCY}])(?:[A-Z]{{0,3}}[{_CURRENCY}]|Br)\d[\d,.]*(?:[a-z]{{0,3}}|%)"  # an amount
    r"|(?<![\w#])#\w+"  # a hashtag, a number sign (``#1``)
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # an e-mail address
    r"|(?<![\w@])@\w+"  # a handle
    r"|(?:https?://|www\.)\S+"  # a web address
    rf"|(?<![\w.])(?:[\w-]+\.)+(?i:{'|'.join(sorted(_TLDS))})/\S*"  # a domain with a path
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
    """Whether the group ``text[start:end]`` (its run ending at ``group_end``) is text, not a marker.

    Rows 1-5 of the module's table; rows 6-10 are what remains.
    """
    if in_ticks:
        return True  # row 1
    if _STATISTIC.match(text, group_end):
        return True  # row 2
    if start == 0:
        return False
    before = text[start - 1]
    glued = bool(_IDENT.match(before))
    if not glued and before != ")":
        return False
    if _continues(text, group_end):
        return True  # row 3
    if not glued:
        return False  # row 9: ``(2001)[3]``
    token_start = start
    while token_start > 0 and start - token_start < _TOKEN_MAX and not text[token_start - 1].isspace():
        token_start -= 1
    token = text[token_start:start].lstrip(_OPENING)
    if re.fullmatch(r"\[[a-z]\]", text[start:end]):
        return not _NUMBER.fullmatch(token)  # row 4: ``array[i]``, but ``2012[a]`` is a note
    rest = _PROSE_SHAPE.sub("", token)  # rows 6-8: amounts, hashtags, handles, addresses
    found = _CODE_IN_TOKEN.search(rest)
    if found is None:
        return False
    dotted = re.fullmatch(r"(?:[\w-]+\.)+([A-Za-z]+)", rest)
    return not (dotted is not None and dotted.group(1).lower() in _TLDS and found.group(0)[-1:] != "_")


def _continues(text: str, group_end: int) -> bool:
    """Whether an expression goes on after a glued group: ``a[1]b``, ``a[1].b``, ``x[1] = 2``."""
    after = text[group_end : group_end + 2]
    if after[:1] and (_IDENT.match(after[0]) or after[0] in "([{"):
        return True
    if after[:1] in (".", ":") and len(after) > 1 and (_IDENT.match(after[1]) or after[1] in "_("):
        return True
    rest = _NEXT_NONSPACE.match(text, group_end)
    return rest is not None and rest.group(1) in _OPERATOR


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


def cited_references(sentences: Sequence[Sentence], references: Sequence[Reference]) -> tuple[Reference, ...]:
    """The references ``sentences`` cite, in the order of the reference list."""
    cited = {ref for sentence in sentences for marker in sentence.markers for ref in marker.refs}
    return tuple(r for r in references if r.id in cited)

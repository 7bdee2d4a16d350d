"""Split an article into headline, body paragraphs, reference list and boilerplate.

Rules (``\\r\\n`` and ``\\r`` line ends are read as ``\\n``):

* **Headline**: the first non-empty line, when more body follows and it is one line of at
  most 300 characters, carries no citation marker, holds at most one sentence, and is not
  itself a reference or boilerplate heading. (A period at its end is fine: digests often
  end their titles with one.)
* **References**: a heading line such as ``References:``, ``Sources:``, ``Источники:``,
  ``Крыніцы:``, ``Джерела:``, ``Литература:``, with entries on the same line or below:
  one per line (``1. Title``, ``2) Title``, ``[3] Title``: each such line is an entry,
  numbering gaps allowed), run together on one line (``1. Title 2. Title``: split at the
  numbers 1, 2, 3… in sequence, so a title may hold ``U.S. 2.`` of its own only if the
  next number is not its successor), or one unnumbered entry per line. A numbered entry
  may hold a marker-like group (``1. Report [a]``). The section ends at a blank line, a
  boilerplate heading, or a line holding a citation marker that is not an entry; once the
  entries are numbered or bulleted, also at a line that is neither an entry nor a
  continuation (indented, or lower case after a title without final punctuation).
* **Boilerplate**: a heading such as ``Read also:``, ``See also:``, ``Related:``,
  ``Читайте также:``, ``Чытайце таксама:``, ``Читайте також:`` and the lines under it, up
  to a blank line or the end; each block is kept verbatim, one string per block. Once the
  block holds list lines (``- …``, ``* …``, ``• …``), a line that is not one ends it, and
  so does any line over 160 characters: that is body text again. A heading with its title
  on the same line (``See also: Title``) takes only the list lines right under it.
* **Body**: every other non-empty line. A line break inside a sentence (hard-wrapped text:
  the line before has no final punctuation and either is long or the next line starts in
  lower case) is joined with a space; otherwise each line is a paragraph.
"""

from __future__ import annotations

import re

from polyglot_news.citations.grammar import extract
from polyglot_news.document import Article, Reference
from polyglot_news.segment import sentence_spans

__all__ = ["HEADLINE_MAX", "parse_article", "parse_references"]

HEADLINE_MAX = 300
_LINK_MAX = 160  # a boilerplate line longer than this is body text

_REF_HEADING = re.compile(
    r"^\s*(?:references|reference list|sources|source list|bibliography|citations|footnotes|"
    r"notes and references|works cited|источники|список источников|литература|"
    r"список литературы|ссылки|примечания|крыніцы|літаратура|спасылкі|заўвагі|джерела|"
    r"список джерел|література|посилання|примітки)\s*(?::\s*(?P<rest>.*))?$",
    re.IGNORECASE,
)
_BOILER_HEADING = re.compile(
    r"^\s*(?:read also|see also|also read|read more|related|related articles|related stories|"
    r"related news|more on this|more on this story|recommended|you may also like|"
    r"читайте также|смотрите также|см\. также|читать также|по теме|"
    r"чытайце таксама|глядзіце таксама|па тэме|"
    r"читайте також|дивіться також|за темою|по темі)\s*(?::\s*(?P<rest>.*))?$",
    re.IGNORECASE,
)
_BRACKET_ENTRY = re.compile(r"^\s*\[(\d{1,4})\]\s*")
_NUMBER_ENTRY = re.compile(r"^\s*(\d{1,4})[.)]\s+")
_ENTRY_LINE = re.compile(r"^[ \t]*(?:(?P<n>\d{1,4})[.)][ \t]+|\[(?P<b>\d{1,4})\][ \t]*)", re.MULTILINE)
_BULLET = re.compile(r"^\s*(?:[-*•–—^]\s+)")
_TERMINAL = tuple(".!?…:;\"'»”’)]")


def _split_numbered(text: str, bracket: bool) -> list[Reference]:
    """Cut ``text`` into numbered entries.

    With two or more lines starting with an entry number (``N.``, ``N)``, ``[N]``), every
    such line starts an entry, whatever its number (gaps happen). Otherwise the entries run
    together on one line and are cut at the numbers n, n+1, n+2… in order.
    """
    line_starts = list(_ENTRY_LINE.finditer(text))
    if len(line_starts) >= 2:
        refs: list[Reference] = []
        for i, line in enumerate(line_starts):
            end = line_starts[i + 1].start() if i + 1 < len(line_starts) else len(text)
            title = re.sub(r"\s+", " ", text[line.end() : end]).strip()
            refs.append(Reference(str(int(line.group("n") or line.group("b"))), title))
        return refs
    first = (_BRACKET_ENTRY if bracket else _NUMBER_ENTRY).match(text)
    if first is None:
        return []
    number = int(first.group(1))
    starts: list[tuple[int, int, int]] = [(number, first.start(1), first.end())]
    pos = first.end()
    while True:
        nxt = number + 1
        if bracket:
            pattern = rf"(?:^|(?<=\s))\[{nxt}\]\s*"
        else:
            pattern = rf"(?:^|(?<=\s)){nxt}[.)]\s+"
        m = re.compile(pattern, re.MULTILINE).search(text, pos)
        if m is None:
            break
        starts.append((nxt, m.start(), m.end()))
        number, pos = nxt, m.end()
    refs = []
    for i, (n, _, body_start) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else len(text)
        title = re.sub(r"\s+", " ", text[body_start:end]).strip()
        refs.append(Reference(str(n), title))
    return refs


def parse_references(text: str) -> tuple[Reference, ...]:
    """Parse the entries of a reference section (the text after its heading)."""
    body = text.strip()
    if not body:
        return ()
    if _BRACKET_ENTRY.match(body):
        return tuple(_split_numbered(body, bracket=True))
    if _NUMBER_ENTRY.match(body):
        return tuple(_split_numbered(body, bracket=False))
    lines = [_BULLET.sub("", line).strip() for line in body.split("\n")]
    return tuple(Reference(str(i), line) for i, line in enumerate((x for x in lines if x), start=1))


def _is_entry(line: str) -> bool:
    return bool(_BRACKET_ENTRY.match(line) or _NUMBER_ENTRY.match(line))


def _ends_references(block: list[str], raw: str, line: str) -> bool:
    """Whether ``line`` (``raw`` unstripped) is body text rather than part of the references.

    Once the entries are numbered or bulleted, one per line, a new line must be another entry
    or a continuation: indented, or starting in lower case after a title without final
    punctuation. A line holding a citation marker is body text, unless it is a numbered entry
    (``2. Report [a]``, ``[3] Study [2]``): a title may cite, or hold brackets of its own.
    """
    numbered = _ENTRY_LINE.match(line)
    entry = numbered or _BULLET.match(line)
    if not numbered and extract(line[entry.end() if entry else 0 :])[1]:
        return True
    if entry or not block or not (_ENTRY_LINE.match(block[0]) or _BULLET.match(block[0])):
        return False
    continuation = raw[:1].isspace() or (line[0].islower() and not block[-1].endswith(_TERMINAL))
    return not continuation


def _looks_like_headline(line: str) -> bool:
    if len(line) > HEADLINE_MAX or _REF_HEADING.match(line) or _BOILER_HEADING.match(line):
        return False
    plain, markers = extract(line)
    return not markers and len(sentence_spans(plain)) <= 1


def parse_article(text: str, *, headline: bool = True) -> Article:
    """Split an article's text into its parts (see the module docstring for the rules).

    ``headline=False``: the text is a body whose headline is known (a page's ``<h1>``, a feed
    item's title); its first line is never taken as one.
    """
    find_headline = headline
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.lstrip("\ufeff").split("\n")]
    headline_found: str | None = None
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return Article(None, ())
    start = first
    if find_headline and _looks_like_headline(lines[first].strip()) and any(
        line.strip() and not _REF_HEADING.match(line) and not _BOILER_HEADING.match(line)
        for line in lines[first + 1 :]
    ):
        headline_found = lines[first].strip()
        start = first + 1

    paragraphs: list[str] = []
    references: list[Reference] = []
    boilerplate: list[str] = []
    section: str | None = None  # "refs" or "boiler" while inside one
    block: list[str] = []
    joinable = False  # whether the last body line may continue on the next one

    heading_rest = False
    seen_bullet = False
    after_refs = False

    def close() -> None:
        nonlocal section, block, after_refs
        after_refs = section == "refs"
        if section == "refs":
            references.extend(parse_references("\n".join(block)))
        elif section == "boiler":
            boilerplate.append("\n".join(block))
        section, block = None, []

    for raw in lines[start:]:
        line = raw.strip()
        if not line:
            if section == "refs" and not block:
                continue  # ``References:`` alone so far: its entries may follow a blank line
            if section == "boiler" and len(block) == 1 and not heading_rest:
                continue
            close()
            joinable = False
            continue
        ref_heading = _REF_HEADING.match(line)
        boiler_heading = _BOILER_HEADING.match(line)
        if ref_heading or boiler_heading:
            close()
            if ref_heading:
                rest = ref_heading.group("rest")
                section, block = "refs", [rest] if rest else []
            else:
                heading_rest = bool(boiler_heading and boiler_heading.group("rest"))
                section, block, seen_bullet = "boiler", [line], False
            joinable = False
            continue
        if section == "boiler":
            bullet = bool(_BULLET.match(line))
            # A heading with its title inline (``See also: Title``) is one line, plus the
            # ``- …`` list that may follow it.
            if bullet or (not seen_bullet and not heading_rest and len(line) <= _LINK_MAX):
                seen_bullet = seen_bullet or bullet
                block.append(line)
                continue
            close()  # a body line after the list: the block is over
        if section is None and references and not joinable and after_refs and _is_entry(line):
            section, block = "refs", []  # entries of the list, separated by blank lines
        if section == "refs" and _ends_references(block, raw, line):
            close()  # body text again right after a list of one entry per line
        if section is not None:
            block.append(line)
            continue
        if joinable and paragraphs and (line[0].islower() or len(paragraphs[-1]) >= 60):
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
        after_refs = False
        joinable = not line.endswith(_TERMINAL) and not _BULLET.match(line)
    close()
    return Article(headline_found, tuple(paragraphs), tuple(references), tuple(boilerplate))

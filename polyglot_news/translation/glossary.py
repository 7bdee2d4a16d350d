"""Newsroom glossary: names and terms spelled the way the style guide spells them.

A glossary is a UTF-8 TSV file with a header row: the source term's column (``source``, or
a language code such as ``en``), then one column per target language::

    source	ru	be
    Lukashenko	Лукашенко	Лукашэнка
    Minsk	Минск	Мінск

An empty cell means no rule for that language; blank lines and lines starting with ``#``
are skipped. Lines end with LF or CRLF; a cell holds at most :data:`MAX_CELL_CHARS`
characters and no control or formatting character (a bare CR, ESC, U+202E). For a source
language that has its own column (``ru`` above), that column is the source form, so one
file serves en→be and ru→be alike.

Two ways to enforce it, both measured by ``benchmarks/glossary_bench.py``:

* **post-edit** (:func:`apply`, the default): translate normally, then find the target words
  that are a known spelling of the term — any cell of its row, inflected or not — and rewrite
  them to the glossary's spelling. For a Cyrillic word the stem is replaced and the inflected
  ending kept (``Лукашенку`` → ``Лукашэнку``, ``Минске`` → ``Мінску``): the word must start
  with the variant's stem (at least :data:`MIN_STEM` letters, the word minus its final vowels)
  and the rest must be a known noun or adjective ending of at most three letters. A few
  Russian endings are respelled for Belarusian (``и`` → ``і``, ``ом`` → ``ам``, ``е`` → ``у``
  after к/г/х) and the reverse for Russian; an uninflected variant, or a Latin one, becomes
  the glossary's base form. Only terms found in the source sentence are touched.
* **protect** (:func:`protect` / :func:`restore`): replace each source occurrence with a
  placeholder the model should copy (``X0GL``), then put the glossary spelling in its place
  after translation. The model never sees the term, so the *source's* inflection is lost and
  the target always gets the base form (``Лукашенку`` → ``Лукашэнка``) unless the model
  glued an ending onto the placeholder; a model that drops or mangles the placeholder loses
  the term altogether, and a sentence with a code word in it may read worse.

Either way each sentence gets one :class:`GlossaryHit` per term found in its source:
``hit`` (already spelled per glossary), ``fixed`` (rewritten here) or ``miss`` (not found in
the translation). Citation markers are re-anchored when a rewrite changes the text's length
and checked with :func:`polyglot_news.citations.check_invariant`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from polyglot_news.errors import InputError
from polyglot_news.languages import normalize_code

MAX_BYTES = 2 * 1024 * 1024
"""Largest glossary file accepted."""

MAX_CELL_CHARS = 200
"""Longest term or spelling accepted (a name or a phrase; longer is not a glossary entry)."""

_CODE = re.compile(r"^[a-z]{2,3}$")
_INVISIBLE = frozenset(("Cc", "Cf", "Cs", "Zl", "Zp"))
"""Unicode categories refused in a cell: control, format (bidi overrides such as U+202E,
zero-width characters), surrogates, line and paragraph separators."""


@dataclass(frozen=True)
class Term:
    """One glossary row: the source term and its spelling per language (only non-empty cells)."""

    source: str
    spellings: dict[str, str]
    line: int


@dataclass(frozen=True)
class Rule:
    """What a term means for one language pair: how to find it, how to spell it, what to fix."""

    term: str
    source_form: str
    target: str
    variants: tuple[str, ...]


@dataclass(frozen=True)
class Glossary:
    """A loaded glossary: the source column's name, the language columns and the terms."""

    source_column: str
    languages: tuple[str, ...]
    terms: tuple[Term, ...]
    digest: str = ""

    def rules(self, source_lang: str, target_lang: str) -> list[Rule]:
        """The terms that have a ``target_lang`` spelling, longest source form first.

        The source form is the ``source_lang`` column where the glossary has one (a Russian
        article is matched on the ``ru`` column), else the source column.
        """
        rules: list[Rule] = []
        for term in self.terms:
            target = term.spellings.get(target_lang)
            if not target:
                continue
            source_form = term.spellings.get(source_lang) or term.source
            variants = tuple(dict.fromkeys([target, term.source, *term.spellings.values()]))
            rules.append(Rule(term.source, source_form, target, variants))
        return sorted(rules, key=lambda r: (-len(r.source_form.split()), -len(r.source_form)))

    def signature(self) -> str:
        """``gloss:<first 8 hex digits of the file's sha256>`` for the output signature."""
        return f"gloss:{self.digest[:8]}"


def load_glossary(path: Path | str) -> Glossary:
    """Read a glossary TSV file (strict UTF-8, at most :data:`MAX_BYTES`).

    Raises:
        InputError: unreadable, too large, not UTF-8 (the line is named), no header, or a
            malformed row (too many cells, no term, no spelling, a duplicate term, a cell too
            long or holding a control character).
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read glossary {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise InputError(f"glossary {path} is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"glossary {path} line {line}: invalid UTF-8 at byte {exc.start}") from None
    return parse_glossary(text, str(path), hashlib.sha256(data).hexdigest())


def parse_glossary(text: str, name: str = "glossary", digest: str = "") -> Glossary:
    """Parse glossary text (see :func:`load_glossary`); ``name`` is used in error messages."""
    if not digest:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    header: list[str] | None = None
    terms: list[Term] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.removeprefix("\ufeff").replace("\r\n", "\n").split("\n"), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in raw.split("\t")]
        _check_cells(cells, f"{name} line {number}")
        if header is None:
            header = _header(cells, f"{name} line {number}")
            continue
        where = f"{name} line {number}"
        if len(cells) > len(header):
            raise InputError(f"{where}: {len(cells)} tab-separated cells, the header has {len(header)}")
        cells += [""] * (len(header) - len(cells))
        if not cells[0]:
            raise InputError(f"{where}: the first cell (the source term) is empty")
        bracketed = next((cell for cell in cells if "[" in cell or "]" in cell), None)
        if bracketed is not None:
            raise InputError(
                f"{where}: {bracketed!r} holds a square bracket, which in a translation would read as a "
                "citation marker such as [1] or [citation needed]; write the term without brackets"
            )
        spellings = {code: cell for code, cell in zip(header[1:], cells[1:], strict=True) if cell}
        if not spellings:
            raise InputError(f"{where}: {cells[0]!r} has no spelling in any language column")
        key = " ".join(cells[0].split()).casefold()
        if key in seen:
            raise InputError(f"{where}: {cells[0]!r} is already defined on line {seen[key]}")
        seen[key] = number
        terms.append(Term(cells[0], spellings, number))
    if header is None:
        raise InputError(f"{name}: empty glossary (expected a header such as 'source<TAB>ru<TAB>be')")
    return Glossary(header[0], tuple(header[1:]), tuple(terms), digest)


def _check_cells(cells: list[str], where: str) -> None:
    """Refuse a cell that is too long or holds a character that would reach the output unseen."""
    for cell in cells:
        if len(cell) > MAX_CELL_CHARS:
            raise InputError(f"{where}: a cell of {len(cell):,} characters (at most {MAX_CELL_CHARS})")
        bad = next((c for c in cell if unicodedata.category(c) in _INVISIBLE), None)
        if bad == "\r":
            raise InputError(
                f"{where}: a carriage return (CR) that does not end a line; save the file with LF or CRLF line endings"
            )
        if bad is not None:
            raise InputError(
                f"{where}: {cell[:40]!r} holds the control or formatting character U+{ord(bad):04X} "
                f"({unicodedata.name(bad, 'unnamed')}), which would reach the translation unseen; remove it"
            )


def _header(cells: list[str], where: str) -> list[str]:
    if len(cells) < 2 or not all(cells):
        raise InputError(f"{where}: the header needs a source column and language columns, e.g. 'source<TAB>ru<TAB>be'")
    codes = [normalize_code(c) for c in cells[1:]]  # "BEL", "rus" → be, ru
    for code in codes:
        if not _CODE.match(code):
            raise InputError(f"{where}: header column {code!r} is not a language code such as 'ru' or 'be'")
    if len(set(codes)) != len(codes):
        raise InputError(f"{where}: a language column is repeated in the header")
    return [cells[0], *codes]



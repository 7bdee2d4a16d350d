"""Newsroom glossary: names and terms spelled the way the style guide spells them.

A glossary is a UTF-8 TSV file with a header row: the source term's column (``source``, or
a language code such as ``en``), then one column per target language::

    source	ru	be
    Lukashenko	Лукашенко	Лукашэнка
    Minsk	Минск	Мінск

An empty cell means no rule for that language; blank lines and lines starting with ``#``
are skipped. For a source language that has its own column (``ru`` above), that column is
the source form, so one file serves en→be and ru→be alike.

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
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .citations import BRACKET_GROUP, check_invariant
from .document import Marker, Sentence
from .errors import InputError
from .translate import Translated

__all__ = [
    "MAX_BYTES",
    "MIN_STEM",
    "Glossary",
    "GlossaryHit",
    "Protected",
    "Rule",
    "Term",
    "apply",
    "load_glossary",
    "parse_glossary",
    "protect",
    "restore",
]

MAX_BYTES = 2 * 1024 * 1024
"""Largest glossary file accepted."""

MIN_STEM = 4
"""Shortest stem that may carry an ending; shorter terms match only uninflected (``ЕС``, ``Рада``)."""

_CODE = re.compile(r"^[a-z]{2,3}$")
# Letters and digits; an apostrophe inside a Cyrillic word belongs to it (сям'я, Дзям'янаў).
_WORD = re.compile(r"[^\W_]+(?:['’ʼ][\u0400-\u04ff]+)*")
_JOINER = re.compile(r"[\s\-‐‑]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_STEM_STRIP = "аяоёеэыиіїуюьйъє"
_ENDINGS = frozenset(
    # Russian, Belarusian and Ukrainian noun and adjective endings, up to three letters.
    "а я о е ё ы и і ї у ю ь й є "
    "ой ей ай яй ом ем ам ям ём ах ях ов ев оў аў еў ёў ью ию ии ія іі ія ія іе ие ья ьи ье "
    "ым им ім ых их іх ая яя ое ее ае ую юю ыя ія ую ого его ага яга ому ему аму яму ові еві "
    "ами ями амі ямі ою єю ої ії ией іяй ію".split()
)
_VELAR = "кгх"
_FOREIGN = {"be": set("иъщ"), "ru": set("іўї"), "uk": set("ыэъёў")}
_ENDING_MAP: dict[str, dict[str, str]] = {
    # Russian endings respelled for Belarusian (unstressed о → а: most names stress the stem).
    "be": {
        "и": "і", "ии": "іі", "ие": "іе", "ия": "ія", "ом": "ам", "ов": "аў", "ев": "еў",
        "ами": "амі", "ями": "ямі", "ого": "ага", "ому": "аму", "ой": "ай", "ией": "іяй", "ию": "ію",
    },
    # Belarusian endings respelled for Russian.
    "ru": {
        "і": "и", "іі": "ии", "іе": "ие", "ія": "ия", "ам": "ом", "аў": "ов", "оў": "ов", "еў": "ев",
        "амі": "ами", "ямі": "ями", "ага": "ого", "аму": "ому",
    },
}
_PLACEHOLDER = "X{}GL"
_PLACEHOLDER_RE = re.compile(r"X(\d{1,3})GL([\u0400-\u04ff]*)")


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


@dataclass(frozen=True)
class GlossaryHit:
    """One term of a sentence's source: ``hit``, ``fixed`` or ``miss`` in its translation."""

    term: str
    status: str

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.term, "status": self.status}


def load_glossary(path: Path | str) -> Glossary:
    """Read a glossary TSV file (strict UTF-8, at most :data:`MAX_BYTES`).

    Raises:
        InputError: unreadable, too large, not UTF-8 (the line is named), no header, or a
            malformed row (too many cells, no term, no spelling, a duplicate term).
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
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in raw.split("\t")]
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


def _header(cells: list[str], where: str) -> list[str]:
    if len(cells) < 2 or not all(cells):
        raise InputError(f"{where}: the header needs a source column and language columns, e.g. 'source<TAB>ru<TAB>be'")
    codes = [c.lower() for c in cells[1:]]
    for code in codes:
        if not _CODE.match(code):
            raise InputError(f"{where}: header column {code!r} is not a language code such as 'ru' or 'be'")
    if len(set(codes)) != len(codes):
        raise InputError(f"{where}: a language column is repeated in the header")
    return [cells[0], *codes]


# --- matching -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    words: tuple[tuple[str, str], ...]  # per word: (text as found, ending kept; "" = exact)
    variant: str
    exact: bool


def _stem(word: str) -> str:
    stem = word
    while len(stem) > 1 and stem[-1].lower() in _STEM_STRIP and len(word) - len(stem) < 2:
        stem = stem[:-1]
    return stem


def _case_ok(found: str, variant: str) -> bool:
    """A capitalized variant (a name) matches only a capitalized word, an acronym only itself."""
    if len(variant) > 1 and variant.isupper():
        return found.isupper()
    return not variant[:1].isupper() or found[:1].isupper()


def _word_ending(found: str, variant: str, inflect: bool) -> str | None:
    """The ending ``found`` adds to ``variant``'s stem; ``""`` for an exact match; None if no match."""
    if not _case_ok(found, variant):
        return None
    f, v = found.casefold(), variant.casefold()
    if f == v:
        return ""
    if not inflect or not _CYRILLIC.search(v):
        return None
    stem = _stem(v)
    if len(stem) < MIN_STEM or not f.startswith(stem):
        return None
    ending = f[len(stem) :]
    return found[len(stem) :] if ending in _ENDINGS else None


def _find(text: str, variant: str, inflect: bool = True) -> list[_Match]:
    """Every occurrence of ``variant`` (one or more words) in ``text``, inflected or not."""
    parts = variant.split()
    words = list(_WORD.finditer(text))
    found: list[_Match] = []
    i = 0
    while i + len(parts) <= len(words):
        endings: list[tuple[str, str]] = []
        for k, part in enumerate(parts):
            word = words[i + k]
            if k and not _JOINER.fullmatch(text[words[i + k - 1].end() : word.start()]):
                break
            ending = _word_ending(word.group(), part, inflect)
            if ending is None:
                break
            endings.append((word.group(), ending))
        if len(endings) == len(parts):
            exact = all(f.casefold() == p.casefold() for (f, _), p in zip(endings, parts, strict=True))
            found.append(_Match(words[i].start(), words[i + len(parts) - 1].end(), tuple(endings), variant, exact))
            i += len(parts)
        else:
            i += 1
    return found


def _source_matches(text: str, rule: Rule, language: str) -> list[_Match]:
    return _find(text, rule.source_form, inflect=language not in ("en",))


def _match_case(found: str, spelled: str) -> str:
    if len(found) > 1 and found.isupper():
        return spelled.upper()
    if found[:1].isupper() and spelled[:1].islower():
        return spelled[:1].upper() + spelled[1:]
    return spelled


def _map_ending(ending: str, stem: str, variant: str, target: str, language: str) -> str:
    """The ending respelled for ``language`` when it came from another language's variant.

    On the glossary's own stem only endings with letters ``language`` lacks are respelled
    (``Беларуси`` → ``Беларусі``): the model may have kept the right stem and a Russian ending.
    """
    if not ending or (variant == target and not set(ending.lower()) & _FOREIGN.get(language, set())):
        return ending
    lower = ending.lower()
    mapped = _ENDING_MAP.get(language, {}).get(lower, lower)
    if language == "be" and lower == "е" and stem[-1:].lower() in _VELAR:
        mapped = "у"  # locative after к/г/х: Минске → Мінску, Петербурге → Пецярбургу
    return mapped.upper() if ending.isupper() and len(ending) > 1 else mapped


def _spell(match: _Match, rule: Rule, language: str) -> str:
    """The glossary spelling for one occurrence, keeping its endings where that is safe."""
    found_text = " ".join(f for f, _ in match.words)
    targets = rule.target.split()
    if match.exact or len(targets) != len(match.words):
        return _match_case(found_text, rule.target)
    out = []
    for (found, ending), word in zip(match.words, targets, strict=True):
        if not ending:
            out.append(_match_case(found, word))
            continue
        stem = _stem(word)
        if not _CYRILLIC.search(word):
            out.append(_match_case(found, word))
            continue
        out.append(_match_case(found, stem + _map_ending(ending, stem, match.variant, rule.target, language)))
    return " ".join(out)


def _rewrite(
    plain: str, markers: Sequence[Marker], edits: Sequence[tuple[int, int, str]]
) -> tuple[str, tuple[Marker, ...]]:
    """Apply non-overlapping ``(start, end, new)`` edits; markers keep their place in the text."""
    edits = sorted(edits)
    out: list[str] = []
    cursor = 0
    for start, end, new in edits:
        out.append(plain[cursor:start])
        out.append(new)
        cursor = end
    out.append(plain[cursor:])
    moved: list[Marker] = []
    for marker in markers:
        offset = marker.offset
        shift = 0
        for start, end, new in edits:
            if end <= offset:
                shift += len(new) - (end - start)
            elif start < offset:  # inside a rewritten word: keep it after the new word
                shift += len(new) - (offset - start)
        moved.append(replace(marker, offset=offset + shift))
    check_invariant(markers, moved, "glossary rewrite")
    return "".join(out), tuple(moved)


# --- post-edit ------------------------------------------------------------------------


def apply(
    glossary: Glossary,
    source_sentences: Sequence[Sentence],
    translated: Sequence[Translated],
    source_lang: str,
    target_lang: str,
) -> tuple[list[Translated], list[list[GlossaryHit]]]:
    """Post-edit translations so glossary terms found in each source come out as spelled.

    Returns the edited results (same order, flags and markers kept, markers re-anchored)
    and, per sentence, one :class:`GlossaryHit` per term found in its source.

    Raises:
        CitationError: a rewrite would move a marker out of order (a bug, never expected).
    """
    rules = glossary.rules(source_lang, target_lang)
    results: list[Translated] = []
    report: list[list[GlossaryHit]] = []
    for source, done in zip(source_sentences, translated, strict=True):
        hits: list[tuple[int, GlossaryHit]] = []
        edits: list[tuple[int, int, str]] = []
        plain = done.sentence.plain
        taken = [m.span() for m in BRACKET_GROUP.finditer(plain)]  # text in brackets stays verbatim
        claimed: list[tuple[int, int]] = []  # source spans of the (longer) terms already found
        for rule in rules:
            # "Minsk" inside "Minsk Region" is part of the longer term, not a term of its own.
            in_source = [
                m
                for m in _source_matches(source.plain, rule, source_lang)
                if not any(m.start < e and s < m.end for s, e in claimed)
            ]
            if not in_source:
                continue
            claimed += [(m.start, m.end) for m in in_source]
            statuses: list[str] = []
            for variant in rule.variants:
                for match in _find(plain, variant):
                    if any(match.start < e and s < match.end for s, e in taken):
                        continue
                    taken.append((match.start, match.end))
                    spelled = _spell(match, rule, target_lang)
                    if spelled == plain[match.start : match.end]:
                        statuses.append("hit")
                    else:
                        statuses.append("fixed")
                        edits.append((match.start, match.end, spelled))
            status = "miss" if not statuses else "fixed" if "fixed" in statuses else "hit"
            hits.append((in_source[0].start, GlossaryHit(rule.term, status)))
        if edits:
            new_plain, markers = _rewrite(plain, done.sentence.markers, edits)
            done = Translated(replace(done.sentence, plain=new_plain, markers=markers), done.flags)
        results.append(done)
        report.append([hit for _, hit in sorted(hits, key=lambda pair: pair[0])])  # source order
    return results, report


# --- protect / restore ----------------------------------------------------------------


@dataclass(frozen=True)
class Protected:
    """Sentences with terms replaced by placeholders, and what each placeholder stands for."""

    sentences: list[Sentence]
    slots: list[dict[str, Rule]] = field(default_factory=list)
    target_lang: str = ""


def protect(glossary: Glossary, sentences: Sequence[Sentence], source_lang: str, target_lang: str) -> Protected:
    """Replace every glossary term in each sentence's plain text by a placeholder (``X0GL``).

    Markers are re-anchored; a sentence that already holds placeholder-like text is left as is.
    """
    rules = glossary.rules(source_lang, target_lang)
    out: list[Sentence] = []
    slots: list[dict[str, Rule]] = []
    for sentence in sentences:
        mine: dict[str, Rule] = {}
        edits: list[tuple[int, int, str]] = []
        spans: list[tuple[int, int, Rule]] = []
        verbatim = [m.span() for m in BRACKET_GROUP.finditer(sentence.plain)]  # text in brackets stays as is
        if not _PLACEHOLDER_RE.search(sentence.plain):
            for rule in rules:
                for match in _source_matches(sentence.plain, rule, source_lang):
                    taken = [(s, e) for s, e, _ in spans] + verbatim
                    if not any(match.start < e and s < match.end for s, e in taken):
                        spans.append((match.start, match.end, rule))
        for start, end, rule in sorted(spans, key=lambda span: span[0]):
            token = _PLACEHOLDER.format(len(mine))
            mine[token] = rule
            edits.append((start, end, token))
        if edits:
            plain, markers = _rewrite(sentence.plain, sentence.markers, edits)
            sentence = replace(sentence, plain=plain, markers=markers)
        out.append(sentence)
        slots.append(mine)
    return Protected(out, slots, target_lang)


def restore(protected: Protected, translated: Sequence[Translated]) -> tuple[list[Translated], list[list[GlossaryHit]]]:
    """Put each term's glossary spelling where the model left its placeholder.

    An ending the model glued to a placeholder is kept (``X0GLу`` → ``Лукашэнку``); a
    placeholder the model dropped is a ``miss``.
    """
    results: list[Translated] = []
    report: list[list[GlossaryHit]] = []
    for slots, done in zip(protected.slots, translated, strict=True):
        plain = done.sentence.plain
        edits: list[tuple[int, int, str]] = []
        found: set[str] = set()
        for m in _PLACEHOLDER_RE.finditer(plain):
            token = f"X{m.group(1)}GL"
            rule = slots.get(token)
            if rule is None:
                continue
            found.add(token)
            spelled = rule.target
            stem = _stem(spelled)
            glued = m.group(2)
            if glued and glued.lower() in _ENDINGS and _CYRILLIC.search(spelled):
                spelled = stem + glued
            elif glued:
                spelled += glued  # not an ending we know: left visible, never dropped
            edits.append((m.start(), m.end(), spelled))
        hits = [GlossaryHit(rule.term, "fixed" if token in found else "miss") for token, rule in slots.items()]
        # One entry per term, as apply() reports: a term restored anywhere counts as fixed.
        merged: dict[str, str] = {}
        for hit in hits:
            merged[hit.term] = "fixed" if "fixed" in (merged.get(hit.term), hit.status) else hit.status
        if edits:
            new_plain, markers = _rewrite(plain, done.sentence.markers, edits)
            done = Translated(replace(done.sentence, plain=new_plain, markers=markers), done.flags)
        results.append(done)
        report.append([GlossaryHit(term, status) for term, status in merged.items()])
    return results, report

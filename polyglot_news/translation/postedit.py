"""Glossary post-edit: find each term's forms in a translation and respell them, case ending kept.

:func:`apply` is the post-edit; :func:`find_term`, :func:`source_matches`, :func:`term_stem`,
:data:`ENDINGS` and :func:`rewrite` are its matching and rewriting steps, public for the glossary
benchmark's baseline strategy (``benchmarks/glossary_protect.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from polyglot_news.citations.grammar import BRACKET_GROUP
from polyglot_news.citations.invariant import check_invariant
from polyglot_news.document import GlossaryHit, Marker, Sentence, Translated
from polyglot_news.translation.glossary import Glossary, Rule

MIN_STEM = 4
"""Shortest stem that may carry an ending; shorter terms match only uninflected (``ЕС``, ``Рада``)."""

# Letters and digits; an apostrophe inside a Cyrillic word belongs to it (сям'я, Дзям'янаў).
_WORD = re.compile(r"[^\W_]+(?:['’ʼ][\u0400-\u04ff]+)*")
_JOINER = re.compile(r"[\s\-‐‑]+")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_STEM_STRIP = "аяоёеэыиіїуюьйъє"
ENDINGS = frozenset(
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
# --- matching -------------------------------------------------------------------------


@dataclass(frozen=True)
class TermMatch:
    """One occurrence of a term in a text: its span and, per word, the ending found."""

    start: int
    end: int
    words: tuple[tuple[str, str], ...]  # per word: (text as found, ending kept; "" = exact)
    variant: str
    exact: bool
    tail: str = ""  # the term's closing punctuation, when the match covers it


def term_stem(word: str) -> str:
    """``word`` without up to two final vowels or soft signs: what an inflected form starts with."""
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
    if not inflect or not CYRILLIC.search(v):
        return None
    stem = term_stem(v)
    if len(stem) < MIN_STEM or not f.startswith(stem):
        return None
    ending = f[len(stem) :]
    return found[len(stem) :] if ending in ENDINGS else None


def _tokens(variant: str) -> tuple[list[str], list[str]]:
    """The words of a term and what joins them: ``U.S.`` → ``(["U", "S"], ["."])``.

    Punctuation before the first word and after the last (the final dot of ``U.S.``) is not
    part of the match: the sentence's own punctuation may stand there.
    """
    spans = list(_WORD.finditer(variant))
    words = [m.group() for m in spans]
    seps = [variant[a.end() : b.start()] for a, b in zip(spans, spans[1:], strict=False)]
    return words, seps


def _tail(term: str) -> str:
    """What follows a term's last word (the final dot of ``U.S.``); ``""`` for most terms."""
    words = list(_WORD.finditer(term))
    return term[words[-1].end() :].strip() if words else ""


def _joined(between: str, sep: str) -> bool:
    """Whether the text ``between`` two words joins them as the term's ``sep`` does.

    A space or hyphen in the term accepts any run of spaces and hyphens (``Санкт-Петербург``,
    ``Санкт Петербург``); other punctuation (the dots of ``U.S.``) must be there as written.
    """
    if _JOINER.fullmatch(sep):
        return _JOINER.fullmatch(between) is not None
    return between == sep.strip()


def find_term(text: str, variant: str, inflect: bool = True) -> list[TermMatch]:
    """Every occurrence of ``variant`` (one or more words) in ``text``, inflected or not."""
    parts, seps = _tokens(variant)
    if not parts:
        return []
    words = list(_WORD.finditer(text))
    found: list[TermMatch] = []
    i = 0
    while i + len(parts) <= len(words):
        endings: list[tuple[str, str]] = []
        for k, part in enumerate(parts):
            word = words[i + k]
            if k and not _joined(text[words[i + k - 1].end() : word.start()], seps[k - 1]):
                break
            ending = _word_ending(word.group(), part, inflect)
            if ending is None:
                break
            endings.append((word.group(), ending))
        if len(endings) == len(parts):
            exact = all(f.casefold() == p.casefold() for (f, _), p in zip(endings, parts, strict=True))
            end = words[i + len(parts) - 1].end()
            # The final dot of "U.S." belongs to the term, unless it also ends the sentence.
            tail = _tail(variant)
            if not (tail and text.startswith(tail, end) and text[end + len(tail) :].strip()):
                tail = ""
            found.append(TermMatch(words[i].start(), end + len(tail), tuple(endings), variant, exact, tail))
            i += len(parts)
        else:
            i += 1
    return found


def source_matches(text: str, rule: Rule, language: str) -> list[TermMatch]:
    """The rule's source term in a source text (inflected forms too, but for English)."""
    return find_term(text, rule.source_form, inflect=language not in ("en",))


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


def _spell(match: TermMatch, rule: Rule, language: str) -> str:
    """The glossary spelling for one occurrence, keeping its endings where that is safe.

    Only the words, what joins them and the closing punctuation the match covered are
    written (``U.S.`` → ``ЗША``; at the end of a sentence the dot stays the sentence's).
    """
    found_text = " ".join(f for f, _ in match.words)
    targets, seps = _tokens(rule.target)
    if not targets:
        return _match_case(found_text, rule.target)
    core = rule.target[rule.target.find(targets[0]) : rule.target.rfind(targets[-1]) + len(targets[-1])]
    closing = _tail(rule.target) if match.tail else ""
    if match.exact or len(targets) != len(match.words):
        return _match_case(found_text, core) + closing
    out = []
    for (found, ending), word in zip(match.words, targets, strict=True):
        if not ending:
            out.append(_match_case(found, word))
            continue
        stem = term_stem(word)
        if not CYRILLIC.search(word):
            out.append(_match_case(found, word))
            continue
        out.append(_match_case(found, stem + _map_ending(ending, stem, match.variant, rule.target, language)))
    return "".join(word + sep for word, sep in zip(out, [*seps, ""], strict=True)) + closing


def _dressed(plain: str, match: TermMatch, target: str, spelled: str) -> str:
    """``spelled`` with the punctuation the glossary writes around the term's words.

    ``«Белавиа»``, ``(Минск)``, ``Яху!``, ``Кока-Кола®``: the opening mark is added unless the
    text already has it right before the match, the closing one unless it already follows.
    """
    words = list(_WORD.finditer(target))
    if not words:
        return spelled
    opening, closing = target[: words[0].start()].strip(), target[words[-1].end() :].strip()
    if opening and not plain[: match.start].endswith(opening):
        spelled = opening + spelled
    if closing and not match.tail and not plain.startswith(closing, match.end):
        spelled += closing
    return spelled


def rewrite(
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
    text = "".join(out)
    check_invariant(markers, moved, "glossary rewrite", plains=(plain, text))
    return text, tuple(moved)


# --- index ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Index:
    """A pair's rules (longest first) keyed by their source form's first word.

    ``exact`` maps the casefolded first word, ``stems`` the stem an inflected occurrence starts
    with, so the rules a sentence may hold are found from its words (a few dictionary lookups
    each) instead of trying every term on every sentence.
    """

    rules: tuple[Rule, ...]
    exact: dict[str, tuple[int, ...]]
    stems: dict[str, tuple[int, ...]]


_LONGEST_ENDING = max(len(e) for e in ENDINGS)
_INDEXES: dict[tuple[int, str, str], tuple[Glossary, _Index]] = {}
_INDEXES_KEPT = 8


def _build_index(glossary: Glossary, source_lang: str, target_lang: str) -> _Index:
    rules = tuple(glossary.rules(source_lang, target_lang))
    inflect = source_lang not in ("en",)
    exact: dict[str, list[int]] = {}
    stems: dict[str, list[int]] = {}
    for number, rule in enumerate(rules):
        words, _ = _tokens(rule.source_form)
        if not words:
            continue
        first = words[0].casefold()
        exact.setdefault(first, []).append(number)
        stem = term_stem(first)
        if inflect and CYRILLIC.search(first) and len(stem) >= MIN_STEM:
            stems.setdefault(stem, []).append(number)
    return _Index(
        rules,
        {k: tuple(v) for k, v in exact.items()},
        {k: tuple(v) for k, v in stems.items()},
    )


def _index(glossary: Glossary, source_lang: str, target_lang: str) -> _Index:
    """The (cached) index of ``glossary`` for one pair; built once per glossary and pair."""
    key = (id(glossary), source_lang, target_lang)
    cached = _INDEXES.get(key)
    if cached is not None and cached[0] is glossary:
        return cached[1]
    index = _build_index(glossary, source_lang, target_lang)
    _INDEXES[key] = (glossary, index)  # holding the glossary keeps its id from being reused
    while len(_INDEXES) > _INDEXES_KEPT:
        del _INDEXES[next(iter(_INDEXES))]
    return index


def _candidates(index: _Index, text: str) -> list[Rule]:
    """The rules whose first word may occur in ``text``, in rule order (a superset of matches)."""
    found: set[int] = set()
    for match in _WORD.finditer(text):
        word = match.group().casefold()
        found.update(index.exact.get(word, ()))
        for cut in range(1, min(_LONGEST_ENDING, len(word) - MIN_STEM) + 1):
            found.update(index.stems.get(word[:-cut], ()))
    return [index.rules[number] for number in sorted(found)]


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
    index = _index(glossary, source_lang, target_lang)
    results: list[Translated] = []
    report: list[list[GlossaryHit]] = []
    for source, done in zip(source_sentences, translated, strict=True):
        hits: list[tuple[int, GlossaryHit]] = []
        edits: list[tuple[int, int, str]] = []
        plain = done.sentence.plain
        taken = [m.span() for m in BRACKET_GROUP.finditer(plain)]  # text in brackets stays verbatim
        claimed: list[tuple[int, int]] = []  # source spans of the (longer) terms already found
        for rule in _candidates(index, source.plain):
            # "Minsk" inside "Minsk Region" is part of the longer term, not a term of its own.
            in_source = [
                m
                for m in source_matches(source.plain, rule, source_lang)
                if not any(m.start < e and s < m.end for s, e in claimed)
            ]
            if not in_source:
                continue
            claimed += [(m.start, m.end) for m in in_source]
            statuses: list[str] = []
            for variant in rule.variants:
                for match in find_term(plain, variant):
                    if any(match.start < e and s < match.end for s, e in taken):
                        continue
                    taken.append((match.start, match.end))
                    spelled = _dressed(plain, match, rule.target, _spell(match, rule, target_lang))
                    if spelled == plain[match.start : match.end]:
                        statuses.append("hit")
                    else:
                        statuses.append("fixed")
                        edits.append((match.start, match.end, spelled))
            status = "miss" if not statuses else "fixed" if "fixed" in statuses else "hit"
            hits.append((in_source[0].start, GlossaryHit(rule.term, status)))
        if edits:
            new_plain, markers = rewrite(plain, done.sentence.markers, edits)
            done = Translated(replace(done.sentence, plain=new_plain, markers=markers), done.flags)
        results.append(done)
        report.append([hit for _, hit in sorted(hits, key=lambda pair: pair[0])])  # source order
    return results, report



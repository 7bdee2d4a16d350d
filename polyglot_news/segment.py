"""Offline sentence and word segmentation (en, ru, be, uk; sane for other Latin/Cyrillic text).

The splitter is rule-based and needs no model data. A sentence ends at ``.``, ``!``, ``?``,
``…`` (optionally followed by closing quotes or brackets) when whitespace follows and the
next sentence starts with an upper-case letter, a digit, or an opening quote, bracket or
dialogue dash before one. A period does not end a sentence after:

* a title or fixed abbreviation (``Mr.``, ``Gen.``, ``т.е.``, ``им.``, ``ул.``, ``вул.``);
* an abbreviation used before numbers when a number follows (``p. 5``, ``No. 3``, ``Jan. 5``);
* a Slavic month abbreviation between a day and a number or before a year (``1 янв. 2024``);
* an amount (``тыс.``, ``млн``, ``руб.``, ``грн.``) unless a capitalised word that is not an
  initialism follows (``100 млн руб. Сделка`` ends; ``5 тыс. человек``, ``млн долл. США`` go on);
* an initial (``Ф. Скарына``, ``J. K. Rowling``);
* a list number that is all the sentence holds so far (``1. Title``);
* an address abbreviation before a number (``буд. 7``, ``кв. 3``, ``д. 4``; ``вул.``/``ул.``
  always, ``пр.`` unless a sentence opener follows);
* an initialism or company suffix (``U.S.``, ``a.m.``, ``Inc.``) unless the next word is a
  common sentence opener (``The``, ``Он``…) or a citation marker sat right after the period
  (``the U.S.[3] The``);
* ``г.``/``р.`` after a year, unless a sentence opener, a marker or a capitalised word
  follows (``в 1956 г. Сейчас``, ``1956 р. Зараз`` end); a sentence that so far is only
  the date goes on (``В 1956 г. Москва …``).

Citation markers are removed first (:func:`polyglot_news.citations.extract`) so they never
split or become sentences; each is attached to the sentence whose text precedes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from polyglot_news.citations.grammar import extract
from polyglot_news.citations.invariant import check_invariant
from polyglot_news.document import Marker, Sentence

__all__ = ["Tokenizer", "sentence_spans", "split_sentences"]

# Abbreviations are matched lower-cased, without their final period; compound ones with
# their inner periods and no spaces (``т. е.`` -> ``т.е``).
_NEVER_END = frozenset(
    {
        "mr", "mrs", "ms", "messrs", "mmes", "mme", "mlle", "dr", "prof", "gen", "lt",
        "col", "maj", "capt", "cpt", "sgt", "cmdr", "adm", "brig", "gov", "sen", "rep",
        "reps", "rev", "fr", "hon", "pres", "supt", "insp", "det", "st", "mt", "ft", "e.g",
        "i.e", "cf", "viz", "vs", "approx", "dept", "est", "univ", "т.е", "т.к", "т.н",
        "т.ч", "т.о", "им", "ул", "пр-т", "просп", "пер", "пл", "наб", "бул", "обл", "р-н",
        "кв", "корп", "ген", "акад", "проф", "доц", "канд", "д-р", "зам", "зав", "нач",
        "пос", "дер", "св", "см", "ср", "напр", "рис", "табл", "ст", "гл", "ок", "ред",
        "изд", "г.зн", "т.зв", "ім", "вул", "праспект", "абл", "праф", "дац", "мал", "сп",
        "нам", "т.б", "пров", "див",
    }
)
_BEFORE_NUMBER = frozenset(
    {
        "no", "nos", "nr", "p", "pp", "vol", "vols", "ch", "chap", "sec", "art", "fig",
        "figs", "para", "pt", "ed", "eq", "tab", "op", "ca", "jan", "feb", "mar", "apr",
        "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "с", "стр", "т", "ч", "п",
        "пп", "д", "буд",
    }
)
# Slavic month abbreviations: not an end between a day and a year (``1 янв. 2024``,
# ``у ліст. 2023``). Several are also words (``лист``, ``лют``, ``трав``), so a number
# alone after them is not enough.
_MONTHS = frozenset(
    {
        "янв", "февр", "фев", "мар", "апр", "авг", "сент", "сен", "окт", "нояб", "дек",
        "студз", "лют", "сак", "крас", "трав", "чэрв", "ліп", "жн", "вер", "кастр", "ліст",
        "снеж", "січ", "бер", "квіт", "черв", "лип", "серп", "верес", "жовт", "лист", "груд",
    }
)
# Amounts (``100 млн руб.``, ``5 тыс.``): an end only before a capitalised word that is
# not an initialism (``млн долл. США`` goes on).
_QUANTITY = frozenset({"тыс", "млн", "млрд", "трлн", "руб", "коп", "долл", "грн", "тис"})
_AMBIGUOUS = frozenset({"inc", "ltd", "co", "corp", "plc", "llc", "bros", "jr", "sr", "al", "пр"})
_AFTER_YEAR = frozenset({"г", "гг", "р", "рр"})
_ENDING = frozenset({"etc", "т.д", "т.п", "г.д", "г.г", "т.ін", "і.т.д"})

_STARTERS = frozenset(
    {
        "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "this", "that",
        "these", "those", "there", "here", "in", "on", "at", "but", "however", "and", "so",
        "if", "as", "after", "when", "while", "for", "his", "her", "their", "its", "our",
        "my", "one", "two", "three", "according", "meanwhile", "also", "yet", "still",
        "then", "since", "although", "though", "despite", "many", "some", "most", "all",
        "no", "он", "она", "оно", "они", "это", "этот", "эта", "эти", "в", "во", "на",
        "но", "однако", "и", "а", "по", "после", "когда", "так", "если", "мы", "я", "там",
        "тогда", "при", "с", "за", "для", "из", "к", "у", "ещё", "еще", "также", "кроме",
        "впрочем", "их", "его", "её", "ее", "ён", "яна", "яно", "яны", "гэта", "гэты",
        "гэтая", "ў", "але", "аднак", "пасля", "калі", "тады", "пры", "з", "таксама", "іх",
        "яго", "яе", "він", "вона", "воно", "вони", "це", "цей", "ця", "ці", "однак", "і",
        "після", "коли", "ми", "тоді", "до", "також", "їх", "його", "її",
    }
)

_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
_END = re.compile(r"(?:\.\.\.|[.!?…]+)[\"'”’»)\]\u200b-\u200f\u2060\ufeff]*")
_OPENERS = "\"'“‘«„([¿¡" + _INVISIBLE
_INITIALISM = re.compile(r"(?:[^\W\d_]{1,3}\.)+[^\W\d_]{1,3}")
_ENUMERATOR = re.compile(r"(?:\d{1,3}|[IVXLC]{1,5}|[a-zA-Zа-яА-Я])")
_HARD_BREAK = re.compile(r"\n[ \t]*\n")
_WORD = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+(?:['’ʼ\-‐][^\W_]+)*")
_TOKEN_STRIP = "\"'“‘«„”’»([{)]}"


def _starts_sentence(text: str, pos: int) -> bool:
    """Whether a sentence may start at ``text[pos]`` (the first non-space character)."""
    i = pos
    while i < len(text) and text[i] in _OPENERS:
        i += 1
    if i < len(text) and text[i] in "—–" and i + 1 < len(text) and text[i + 1].isspace():
        i += 1
        while i < len(text) and text[i].isspace():
            i += 1
    return i < len(text) and (text[i].isupper() or text[i].isdigit() or text[i].istitle())


_LOOKBACK = 64  # characters; keeps every decision local, so long inputs stay linear
_DOTTED_WORD = re.compile(r"(?:^|\s)([^\W\d_]{1,3}\.)\s*$")
_NEXT_WORD = re.compile(r"[\W_]*([^\W_]+)")
_DAY_BEFORE = re.compile(r"(?:^|\s)\d{1,2}\s*$")
_YEAR_AFTER = re.compile(r"\d{4}(?!\d)")
_DATE_OPENING = re.compile(r"(?:[^\W\d_]{1,5}\s+)?(?:\d{1,2}\s+)?(?:[^\W\d_]+\.?\s+)?\d{3,4}\s*(?:г|гг|р|рр)", re.I)
"""A sentence that so far holds only a date: ``В 1956 г``, ``У мае 1956 г``, ``12 студз. 2024 г``."""


def _token_before(text: str, dot: int) -> tuple[str, str]:
    """The word before the period at ``dot`` (stripped of quotes) and its compound form."""
    start = dot
    while start > 0 and dot - start < _LOOKBACK and not text[start - 1].isspace():
        start -= 1
    token = text[start:dot].strip(_TOKEN_STRIP)
    compound = token
    # ``т. е.``, ``і г. д.``: gather short dotted words before it.
    cursor = start
    while token:
        window_start = max(0, cursor - 8)
        m = _DOTTED_WORD.search(text[window_start:cursor])
        if m is None or (m.start(1) == 0 and window_start > 0 and not text[window_start - 1].isspace()):
            break
        compound = m.group(1) + compound
        cursor = window_start + m.start(1)
    return token, compound.lower()


def _next_word(text: str, pos: int, lower: bool = True) -> str:
    m = _NEXT_WORD.match(text[pos : pos + _LOOKBACK])
    word = m.group(1) if m else ""
    return word.lower() if lower else word


def _period_ends(text: str, dot: int, next_pos: int, sentence_start: int, hinted: bool) -> bool:
    """Decide whether the single period at ``text[dot]`` ends a sentence."""
    token, compound = _token_before(text, dot)
    key = token.lower()
    if not token:
        return True
    if (
        dot - sentence_start <= 12
        and text[sentence_start:dot].strip(_TOKEN_STRIP + " ") == token
        and _ENUMERATOR.fullmatch(token)
    ):
        return False
    starter = _next_word(text, next_pos) in _STARTERS
    for candidate in (compound, key):
        if candidate in _ENDING:
            return True
        if candidate in _NEVER_END:
            return False
    if key in _AFTER_YEAR:
        before = text[max(0, dot - len(token) - 8) : dot - len(token)].rstrip()
        if not before or not before[-1].isdigit():
            return False
        if starter or hinted:
            return True
        # ``в 1956 г. Сейчас``: a capitalised word (not an initialism) after a year ends the
        # sentence, unless the sentence so far is only the date (``В 1956 г. Москва …``).
        word = _next_word(text, next_pos, lower=False)
        opening = _DATE_OPENING.fullmatch(text[sentence_start:dot].strip())
        return word[:1].isupper() and word[1:2].islower() and opening is None
    if key in _BEFORE_NUMBER and text[next_pos : next_pos + 1].isdigit():
        return False
    if key in _MONTHS and text[next_pos : next_pos + 1].isdigit():
        day = _DAY_BEFORE.search(text, max(0, dot - len(token) - 8), dot - len(token))
        if day or _YEAR_AFTER.match(text, next_pos):
            return False
    if key in _QUANTITY:
        word = _next_word(text, next_pos, lower=False)
        return hinted or starter or (word[:1].isupper() and word[1:2].islower())
    if len(token) == 1 and token.isalpha():
        return hinted and starter
    if key in _AMBIGUOUS or _INITIALISM.fullmatch(token):
        return starter or hinted
    return True


def sentence_spans(text: str, hints: Iterable[int] = ()) -> list[tuple[int, int]]:
    """Split ``text`` into sentences; return ``(start, end)`` spans, whitespace trimmed.

    ``hints`` are offsets where a citation marker stood: a marker right after a period is
    evidence that the period ends a sentence (``the U.S.[3] The …``).
    """
    hint_set = set(hints)
    cuts: list[int] = []
    for m in _HARD_BREAK.finditer(text):
        cuts.append(m.start())
    sentence_start = 0
    for m in _END.finditer(text):
        end = m.end()
        ws = end
        while ws < len(text) and (text[ws].isspace() or text[ws] in _INVISIBLE):
            ws += 1
        if ws == end or ws == len(text):
            continue
        if not _starts_sentence(text, ws):
            continue
        punct = m.group(0).rstrip("\"'”’»)]" + _INVISIBLE)
        if punct == "." and not _period_ends(text, m.start(), ws, sentence_start, end in hint_set):
            continue
        cuts.append(end)
        sentence_start = ws
    spans: list[tuple[int, int]] = []
    start = 0
    for cut in sorted(set(cuts)) + [len(text)]:
        s, e = start, cut
        while s < e and (text[s].isspace() or text[s] in _INVISIBLE):
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in _INVISIBLE):
            e -= 1
        if e > s:
            spans.append((s, e))
        start = cut
    return _merge_empty(text, spans)


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _merge_empty(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Fold spans with no letter or digit (``"…"``, ``"—"``) into a neighbour."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and not (_has_word(text[s:e]) and _has_word(text[out[-1][0] : out[-1][1]])):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def split_sentences(paragraphs: Sequence[str], language: str = "en") -> list[Sentence]:
    """Split body paragraphs into sentences carrying their citation markers.

    A marker belongs to the sentence whose text precedes it: one anchored between the end
    of sentence *k* and the first character of sentence *k+1* stays with *k*; one at the
    very start of a paragraph goes with its first sentence. A paragraph that holds only
    markers hands them to the previous sentence of the body. Offsets are rebased to each
    sentence's plain text, which is stripped (except the space after a marker that opens
    the paragraph, so that ``[1] Text`` renders as written); ``index`` counts sentences
    across the whole body.

    Raises:
        CitationError: a marker was lost or reordered (a bug; checked per paragraph).
    """
    del language  # one rule set serves every supported language (abbreviations are merged)
    out: list[Sentence] = []
    for paragraph in paragraphs:
        plain, markers = extract(paragraph)
        spans = sentence_spans(plain, (m.offset for m in markers))
        if not spans or not any(ch.isalnum() for ch in plain):
            if markers and out:
                last = out[-1]
                moved = tuple(Marker(m.text, m.refs, len(last.plain), m.lead) for m in markers)
                out[-1] = Sentence(last.plain, last.markers + moved, last.index)
            elif markers or spans:
                body, cut = plain.strip(), len(plain) - len(plain.lstrip())
                kept = tuple(replace(m, offset=min(max(m.offset - cut, 0), len(body))) for m in markers)
                check_invariant(markers, kept, "segmentation", plains=(plain[cut:], body))
                out.append(Sentence(body, kept, len(out)))
            continue
        if markers and markers[0].offset < spans[0][0]:
            # Keep the space after a marker that opens the paragraph (``[1] Text``) so the
            # sentence still renders as written.
            spans[0] = (markers[0].offset, spans[0][1])
        buckets: list[list[Marker]] = [[] for _ in spans]
        k = 0  # markers come in order, so the holder index only moves forward
        for marker in markers:
            while k + 1 < len(spans) and spans[k + 1][0] < marker.offset:
                k += 1
            s, e = spans[k]
            offset = min(max(marker.offset - s, 0), e - s)
            buckets[k].append(Marker(marker.text, marker.refs, offset, marker.lead))
        check_invariant(markers, [m for bucket in buckets for m in bucket], "segmentation")
        held = iter(markers)
        for (s, e), bucket in zip(spans, buckets, strict=False):
            mine = [next(held) for _ in bucket]
            check_invariant(mine, bucket, "segmentation", plains=(plain[:e], plain[s:e]))
            out.append(Sentence(plain[s:e], tuple(bucket), len(out)))
    return out


class Tokenizer:
    """sumy's tokenizer protocol (``to_sentences``, ``to_words``) without NLTK data."""

    def __init__(self, language: str) -> None:
        self.language = language

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        """Sentences of a paragraph as written (citation markers kept in place)."""
        return tuple(s.text for s in split_sentences([paragraph], self.language))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        """Words: letters and digits (any script), inner apostrophes and hyphens kept."""
        plain, _ = extract(sentence)
        return tuple(_WORD.findall(plain))

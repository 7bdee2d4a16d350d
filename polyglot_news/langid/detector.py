"""Language detection: seeded langdetect, plus orthography and an n-gram model for Cyrillic text.

langdetect has no Belarusian profile (it calls Belarusian ``uk`` or ``ru``) and none for Serbian,
Kazakh or Mongolian. Text written mostly in Cyrillic is therefore scored by a small character
n-gram model (``data/langid_cyrillic.json``, built by ``lang_models/build_langid_model.py`` from
sentences the project wrote, langdetect's profiles and lingua's letter models) over be, bg,
kk, mk, mn, ru, sr and uk, plus the words of those sentences and frequent function words
(:mod:`.words`), combined with langdetect's own opinion on the four Cyrillic languages it
knows. The n-gram model carries the orthography:
a letter a language never writes (``ў`` for Russian, ``и`` for Belarusian, ``ы`` for Ukrainian)
costs that language dearly. Other scripts go to langdetect with its full profile set; short
Latin-script text (under 100 letters) is scored by :mod:`.latin`: langdetect's profiles read
without sampling, frequent words, and English first.

Short strings are called from three letters on; a text under eight letters must be called at
least 0.95 surely, anything longer 0.5, or it is ``und`` (uncertain). ``detector="lingua"``
swaps langdetect for lingua (:mod:`.lingua_backend`, an optional extra), the Cyrillic model
still on top.

Everything is deterministic: langdetect is seeded and loaded in a fixed order, and nothing is
loaded until the first call.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from polyglot_news.document import Detection
from polyglot_news.langid import langdetect_fast, latin, lingua_backend
from polyglot_news.langid.charmodel import cyrillic_model, events, word_tokens
from polyglot_news.langid.words import ALPHABETS, FUNCTION_WORDS
from polyglot_news.languages import DEFAULT_DETECTOR, DETECTORS

SEED = 0
MODEL_VERSION = 4

# Reasons carried by Detection.reason.
DETECTED = "detected"
TOO_SHORT = "too-short"
NO_LETTERS = "no-letters"
MIXED = "mixed"
UNCERTAIN = "uncertain"

# Tuned on the development set (see benchmarks/langid_eval.py); few knobs on purpose.
_FOREIGN_LETTER_PENALTY = 10.0  # nats per letter outside a language's alphabet
_FUNCTION_WORD_BONUS = 8.0  # nats per word found in a language's function-word list
_LEXICON_BONUS = 2.0  # nats per other word found in a language's training text
_LD_WEIGHT = 0.5  # weight of langdetect's log-probability against the letter log-likelihood
_LD_FLOOR = 1e-4  # langdetect probability floor, so that it never vetoes alone
_LD_NEUTRAL = 0.25  # what langdetect "says" for a language it has no profile for
# The same for Serbian, which langdetect cannot name (it reads Serbian as mk): the floor, as for a
# language it ruled out, so a Serbian call rests on the letters and words alone, and a short
# string Macedonian writes the same way goes to mk.
_LD_NEUTRAL_SR = _LD_FLOOR
_LINGUA_WEIGHT = 10.0  # the same for lingua, which knows all eight Cyrillic languages
_TEMPERATURE = 0.5  # scales the summed log-likelihoods into a calibrated confidence
_MIXED_SHARE = 0.3  # a second script or language holding this share of the letters is "mixed"
_MIN_CONFIDENCE = 0.5  # below this the answer is "und" (uncertain)
_FEW_LETTERS = 8  # a text with fewer letters (one short word or two) must be called more surely:
_MIN_CONFIDENCE_FEW = 0.95  # below this it is "und" (uncertain); the 4-gram model knows whole short
# words of its training text, so one word several languages write must clear a higher bar
_CHUNK_CONFIDENCE = 0.9  # only chunks decided at least this surely vote in the mixed check
_CHUNK_LETTERS = 80  # a chunk for the mixed-language check holds at least this many letters
_MAX_WORDS = 2000  # the n-gram model reads at most this many words (long articles)
_MAX_CHUNKS = 12  # chunks the mixed-language check classifies at most: enough to see a 30 % share; costs ~10 ms each

_LANGDETECT_CYRILLIC = ("bg", "mk", "ru", "uk")
_CYRILLIC_LETTERS = frozenset().union(*ALPHABETS.values())
_SHORT_LETTERS = 100  # Latin-script texts with fewer letters are "short" (:mod:`.latin`)
# Web and e-mail addresses, dropped before detection. The e-mail branch starts only where a
# token starts and takes the token's first ``@`` (possessive: no backtracking over other
# ``@``), so a long token costs linear time; it removes the same spans as ``\S+@\S+\.\w+``.
_URL = re.compile(r"(?:https?://|www\.)\S+|(?<!\S)\S[^\s@]*+@\S+\.\w+", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
# Latin letters that look like Cyrillic ones, found inside Cyrillic words (OCR, keyboard slips).
_HOMOGLYPHS = str.maketrans("abceijkmopthxy", "авсеіјкмортнху")


def detect(text: str, *, min_chars: int = 3, detector: str = DEFAULT_DETECTOR) -> Detection:
    """Detect the language of ``text``.

    Returns a :class:`Detection` with an ISO 639-1 code and the reason ``detected``, or
    ``"und"`` with the reason ``too-short`` (fewer than ``min_chars`` letters), ``no-letters``,
    ``mixed`` (two scripts or two languages of comparable weight) or ``uncertain`` (the best
    guess has a confidence under 0.5). The same text always gets the same answer.

    ``detector`` names the general-purpose detector (:data:`DETECTORS`): ``langdetect`` (the
    default) or ``lingua`` (an optional extra); the Cyrillic model is combined with either.

    Raises:
        DetectorUnavailableError: ``detector`` is ``lingua`` and lingua is not installed.
        ValueError: an unknown ``detector``.
    """
    backend = _backend(detector)
    text = _URL.sub(" ", unicodedata.normalize("NFC", text))
    scripts = _script_counts(_unmix(word_tokens(text)))
    letters = sum(scripts.values())
    if letters == 0:
        return Detection("und", 0.0, NO_LETTERS, detector)
    if letters < min_chars:
        return Detection("und", 0.0, TOO_SHORT, detector)
    ranked = sorted(scripts.items(), key=lambda kv: (-kv[1], kv[0]))
    if len(ranked) > 1 and ranked[1][1] >= _MIXED_SHARE * letters:
        return Detection("und", 0.0, MIXED, detector)
    script = ranked[0][0]
    language, confidence = _classify(_script_words(text, script), script, backend)
    if _mixed_languages(text, script, language, letters, backend):
        return Detection("und", 0.0, MIXED, detector)
    if confidence < (_MIN_CONFIDENCE if letters >= _FEW_LETTERS else _MIN_CONFIDENCE_FEW):
        return Detection("und", confidence, UNCERTAIN, detector)
    return Detection(language, confidence, DETECTED, detector)


def detector_signature(detector: str = DEFAULT_DETECTOR) -> str:
    """What names a detector's outputs: ``langdetect-1.0.9+cyr4+lat1-s0`` or ``lingua-2.1.1/54+cyr4``.

    ``/54``: the number of languages lingua is asked about (:func:`.lingua_backend.languages`).
    """
    _backend(detector)
    if detector == "lingua":
        return f"lingua-{lingua_backend.version()}/{len(lingua_backend.languages())}+cyr{MODEL_VERSION}"
    from importlib import metadata

    try:
        version = metadata.version("langdetect")
    except metadata.PackageNotFoundError:
        version = "?"
    return f"langdetect-{version}+cyr{MODEL_VERSION}+lat{latin.VERSION}-s{SEED}"


@dataclass(frozen=True)
class _Backend:
    """How a general-purpose detector's opinion enters the Cyrillic scores."""

    name: str
    known: frozenset[str]  # Cyrillic languages it has a model of; the others get ``neutral``
    weight: float  # weight of its log-probability against the letter log-likelihood
    floor: float = _LD_FLOOR  # probability floor, so that it never vetoes alone
    neutral: float = _LD_NEUTRAL  # what it "says" for a Cyrillic language it has no model of
    neutral_sr: float = _LD_NEUTRAL_SR  # the same for Serbian, which it reads as mk or bg

    def assumed(self, lang: str) -> float:
        """The probability it is taken to give a Cyrillic language it has no model of."""
        return self.neutral_sr if lang == "sr" else self.neutral

    def cyrillic_opinion(self, text: str) -> dict[str, float]:
        """Its probability for each Cyrillic language it knows."""
        if self.name == "lingua":
            found = lingua_backend.probabilities(text, lingua_backend.languages())
            return {lang: found.get(lang, 0.0) for lang in self.known}
        return _langdetect_probabilities(_factory("cyrillic"), text)


_BACKENDS = {
    "langdetect": _Backend("langdetect", frozenset(_LANGDETECT_CYRILLIC), _LD_WEIGHT),
    "lingua": _Backend("lingua", frozenset(ALPHABETS), _LINGUA_WEIGHT),
}
assert tuple(_BACKENDS) == DETECTORS  # the names languages.py lists for ``detector=`` and ``--detector``


def _backend(detector: str) -> _Backend:
    if detector not in _BACKENDS:
        raise ValueError(f"unknown detector {detector!r}; choose one of {', '.join(DETECTORS)}")
    if detector == "lingua":
        lingua_backend.require()
    return _BACKENDS[detector]



@lru_cache(maxsize=4096)
def _script(ch: str) -> str:
    """The script of a letter, from its Unicode name (``CYRILLIC``, ``LATIN``, ``CJK``…)."""
    return unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]


def _script_counts(words: Iterable[str]) -> Counter[str]:
    return Counter(_script(ch) for word in words for ch in word if ch.isalpha())


def _unmix(words: list[str]) -> list[str]:
    """Map Latin look-alike letters inside Cyrillic words to Cyrillic ("эканамiчны" with a Latin i)."""
    out: list[str] = []
    for word in words:
        kinds = {_script(ch) for ch in word}
        if "LATIN" in kinds and "CYRILLIC" in kinds:
            word = word.translate(_HOMOGLYPHS)
        out.append(word)
    return out


def _script_words(text: str, script: str) -> list[str]:
    """The words of ``text`` written in ``script`` (Latin look-alikes mapped in Cyrillic text)."""
    words = _unmix(word_tokens(text))
    if script == "CYRILLIC":
        # The conjunction "i" typed on a Latin layout between Cyrillic words.
        words = [w.translate(_HOMOGLYPHS) if len(w) == 1 else w for w in words]
    return [w for w in words if all(_script(ch) == script for ch in w)]


def _classify(words: list[str], script: str, backend: _Backend, sure: float = 1.0) -> tuple[str, float]:
    """The best language and its confidence.

    With ``sure`` < 1 the caller only needs to know whether the confidence reaches ``sure``: the
    Cyrillic classifier may then answer ``(language, sure)`` without asking the backend when the
    n-gram scores alone prove that its opinion cannot change that verdict, and other scripts are
    read with langdetect's profiles in one deterministic pass instead of its sampling
    (:func:`.latin.plain_scores`).
    """
    if script == "CYRILLIC":
        return _classify_cyrillic(words, backend, sure)
    if backend.name == "lingua":
        return _classify_lingua(words)
    if sure < 1.0:
        scores = latin.plain_scores(_factory("all"), words, latin.CHUNK_TEMPERATURE)
        return _best(scores, 1.0) if scores else ("und", 0.0)
    return _classify_langdetect(words)


def _classify_cyrillic(words: list[str], backend: _Backend, sure: float = 1.0) -> tuple[str, float]:
    """Combine the n-gram model (all Cyrillic languages) with the backend (those it knows)."""
    words = words[:_MAX_WORDS]
    model = cyrillic_model()
    scores = model.log_likelihoods(events(words))
    for lang, bonus in _orthography(words, model.lexicon).items():
        scores[lang] += bonus
    settled = _settled(scores, sure, backend)
    if settled is not None:
        return settled, sure
    opinion = backend.cyrillic_opinion(" ".join(words))
    for lang in scores:
        p = opinion.get(lang, backend.floor) if lang in backend.known else backend.assumed(lang)
        scores[lang] += backend.weight * math.log(max(p, backend.floor))
    return _best(scores)


def _settled(scores: dict[str, float], sure: float, backend: _Backend) -> str | None:
    """The language that wins with a confidence of at least ``sure`` whatever the backend says.

    The backend adds ``weight * log(p)`` with ``p`` in [``floor``, 1] to the languages it knows
    (a constant to the others), so each final score lies in a known interval. When the worst case
    of the leader still beats every rival's best case by enough, the answer is known: for
    ``sure == 1`` the margin makes every rival's softmax weight vanish below 2**-60, so
    :func:`_best` would return exactly 1.0, and the result is bit-identical.
    """
    lowest = backend.weight * math.log(backend.floor)
    neutral = {lang: backend.weight * math.log(max(backend.assumed(lang), backend.floor)) for lang in scores}
    low = {lang: s + (lowest if lang in backend.known else neutral[lang]) for lang, s in scores.items()}
    high = {lang: s + (0.0 if lang in backend.known else neutral[lang]) for lang, s in scores.items()}
    top = max(sorted(low), key=low.__getitem__)
    if sure >= 1.0:
        need = 60 * math.log(2) / _TEMPERATURE
    else:
        need = math.log((len(scores) - 1) * sure / (1.0 - sure)) / _TEMPERATURE
    need += 1e-6  # rounding slack
    if all(low[top] - high[lang] >= need for lang in scores if lang != top):
        return top
    return None


def _classify_langdetect(words: list[str]) -> tuple[str, float]:
    """langdetect over all its profiles; short text is scored by :mod:`.latin` instead."""
    letters = sum(len(w) for w in words)
    if letters < _SHORT_LETTERS:
        scores = latin.scores(_factory("all"), words, english_first=letters >= _FEW_LETTERS)
        return _best(scores, 1.0) if scores else ("und", 0.0)
    opinion = _langdetect_probabilities(_factory("all"), " ".join(words))
    if not opinion:
        return "und", 0.0
    lang = max(sorted(opinion), key=opinion.__getitem__)
    return _iso639_1(lang), opinion[lang]


def _classify_lingua(words: list[str]) -> tuple[str, float]:
    """lingua over :func:`.lingua_backend.languages` (it needs no help on short text).

    The confidence is the leader's share of the top two: lingua spreads its own values over
    related languages on short text, so only a near tie (about 0.5) means "cannot tell".
    """
    opinion = lingua_backend.probabilities(" ".join(words), lingua_backend.languages())
    ranked = sorted(opinion.items(), key=lambda kv: (-kv[1], kv[0]))
    if not ranked or ranked[0][1] <= 0.0:
        return "und", 0.0
    top = ranked[0][1]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    return ranked[0][0], top / (top + second)


def _best(scores: dict[str, float], temperature: float = _TEMPERATURE) -> tuple[str, float]:
    """The top language and its softmax probability at the calibration ``temperature``."""
    top = max(scores.values())
    weights = {lang: math.exp(temperature * (s - top)) for lang, s in sorted(scores.items())}
    lang = max(sorted(weights), key=weights.__getitem__)
    return lang, weights[lang] / sum(weights.values())


def _mixed_languages(text: str, script: str, language: str, letters: int, backend: _Backend) -> bool:
    """Whether a second language holds a comparable share of the letters (long texts only).

    The text is cut into chunks of about :data:`_CHUNK_LETTERS` letters at sentence ends; at most
    :data:`_MAX_CHUNKS` of them, evenly spaced over the text, are classified, so that a very long
    text costs no more than a long article (every chunk is a langdetect call). Classification
    stops as soon as the chunks left could no longer give a second language its share.
    """
    if letters < 2 * _CHUNK_LETTERS:
        return False
    parts = [_script_words(part, script) for part in _SENTENCE_END.split(text)]
    spans: list[tuple[int, int, int]] = []  # (letters, first part, end part) of each chunk
    start, size = 0, 0
    for end, part in enumerate(parts, 1):
        size += sum(len(w) for w in part)
        if size >= _CHUNK_LETTERS:
            spans.append((size, start, end))
            start, size = end, 0
    if len(spans) > _MAX_CHUNKS:
        # The middle chunk of each of _MAX_CHUNKS equal runs: deterministic, covers the whole text.
        spans = [spans[(2 * k + 1) * len(spans) // (2 * _MAX_CHUNKS)] for k in range(_MAX_CHUNKS)]
    votes: Counter[str] = Counter()  # letters of the chunks decided at least _CHUNK_CONFIDENCE surely
    left = sum(size for size, _, _ in spans)
    decided = 0
    for size, first, end in spans:
        left -= size
        words = [w for part in parts[first:end] for w in part]
        lang, confidence = _classify(words, script, backend, _CHUNK_CONFIDENCE)
        if confidence >= _CHUNK_CONFIDENCE:  # close relatives (nl/af) are not a mixture
            votes[lang] += size
            decided += 1
        rival = max((n for other, n in votes.items() if other != language), default=0)
        if rival + left < _MIXED_SHARE * (sum(votes.values()) + left) - 1e-9:
            return False  # even if every chunk left went to the strongest rival
    if decided < 2:
        return False
    total = sum(votes.values())
    return any(lang != language and n >= _MIXED_SHARE * total for lang, n in votes.items())




def _orthography(words: list[str], lexicon: dict[str, frozenset[str]]) -> dict[str, float]:
    """Penalty for letters outside each alphabet; bonus for each known word.

    A function word (:data:`FUNCTION_WORDS`) earns :data:`_FUNCTION_WORD_BONUS`, any other word
    of the language's training text :data:`_LEXICON_BONUS`. A word two languages share earns
    both the bonus, so only the words that set a language apart count.
    """
    letters = Counter(ch for word in words for ch in word)
    out: dict[str, float] = {}
    for lang, alphabet in ALPHABETS.items():
        foreign = sum(n for ch, n in letters.items() if ch in _CYRILLIC_LETTERS and ch not in alphabet)
        known = lexicon.get(lang, frozenset())
        bonus = 0.0
        for word in words:
            if word in FUNCTION_WORDS[lang]:
                bonus += _FUNCTION_WORD_BONUS
            elif word in known:
                bonus += _LEXICON_BONUS
        out[lang] = bonus - _FOREIGN_LETTER_PENALTY * foreign
    return out


_LOCK = threading.Lock()
_CACHE: dict[str, Any] = {}


def _factory(name: str) -> Any:
    """A seeded langdetect DetectorFactory: ``all`` profiles, or the ``cyrillic`` four."""
    with _LOCK:
        if name not in _CACHE:
            import os

            from langdetect.detector_factory import PROFILES_DIRECTORY  # type: ignore[import-untyped]

            langs = sorted(os.listdir(PROFILES_DIRECTORY)) if name == "all" else list(_LANGDETECT_CYRILLIC)
            _CACHE[name] = langdetect_fast.factory([os.path.join(PROFILES_DIRECTORY, lang) for lang in langs], SEED)
        return _CACHE[name]


def _langdetect_probabilities(factory: Any, text: str) -> dict[str, float]:
    """langdetect's full probability vector (``get_probabilities()`` drops those under 0.1).

    Computed by :mod:`.langdetect_fast`, which returns exactly what langdetect would, faster.
    """
    found = langdetect_fast.probabilities(factory, text)
    if found is None:  # no usable n-gram in the text
        return {}
    return dict(zip(factory.langlist, found, strict=True))


def _iso639_1(lang: str) -> str:
    """langdetect's codes are ISO 639-1 except ``zh-cn``/``zh-tw``."""
    return lang.split("-", 1)[0]

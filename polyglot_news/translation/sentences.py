"""Sentences along one route: engine, glossary post-edit, then the output-language check."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from polyglot_news.document import GlossaryHit, Sentence, Translated
from polyglot_news.langid.detector import detect
from polyglot_news.models.store import Package, list_packages
from polyglot_news.translation.decoding import DecodeOptions
from polyglot_news.translation.engine import ArgosTranslator, PivotTranslator, Translator, build_translator
from polyglot_news.translation.glossary import Glossary
from polyglot_news.translation.postedit import apply as apply_glossary
from polyglot_news.translation.routing import Route, find_route

_BE_ONLY = re.compile(r"[ўі]|(?<=[а-яёўі])['’ʼ](?=[а-яёўі])", re.IGNORECASE)
_RU_ONLY = re.compile(r"[иъщ]", re.IGNORECASE)
_UK_ONLY = re.compile(r"[їєґ]", re.IGNORECASE)
_EAST_SLAVIC = ("be", "ru", "uk")


def letter_verdict(text: str) -> str | None:
    """``be``, ``ru`` or ``uk`` by letters only that orthography uses; ``None`` if they do not decide.

    For text the detector cannot call (``und``: short, or mixed with Latin names): Belarusian
    writes ``ў``, ``і`` and the apostrophe (``з'езд``) where Russian writes ``и``, ``щ`` and
    ``ъ``; ``ї``, ``є`` and ``ґ`` are Ukrainian.
    """
    if _UK_ONLY.search(text):
        return "uk"
    be, ru = len(_BE_ONLY.findall(text)), len(_RU_ONLY.findall(text))
    if be > ru:
        return "be"
    if ru > be:
        return "ru"
    return None


def check_language(results: Sequence[Translated], target: str) -> list[Translated]:
    """Add a ``language:<code>`` flag where a sentence is not in ``target``.

    Catches the classic failure for Belarusian: a model or pivot that answers in Russian.
    The detector decides; where it cannot (``und``: too short, mixed), a Cyrillic sentence
    for an East Slavic target gets :func:`letter_verdict`. Otherwise ``und`` is not flagged.
    """
    checked: list[Translated] = []
    for result in results:
        plain = result.sentence.plain
        found = detect(plain).language if plain.strip() else None
        if found == "und" and target in _EAST_SLAVIC:
            found = letter_verdict(plain)
        if found is not None and found not in ("und", target):
            result = Translated(result.sentence, (*result.flags, f"language:{found}"))
        checked.append(result)
    return checked


def flag_summary(results: Sequence[Translated]) -> str:
    """``"2 of 5 sentences flagged (language:ru 2, script 1)"``, or ``""`` when none is."""
    counts: dict[str, int] = {}
    for result in results:
        for flag in result.flags:
            counts[flag] = counts.get(flag, 0) + 1
    flagged = sum(1 for r in results if r.flags)
    if not flagged:
        return ""
    detail = ", ".join(f"{flag} {n}" for flag, n in sorted(counts.items()))
    return f"{flagged} of {len(results)} sentences flagged ({detail})"


@dataclass(frozen=True)
class Routed:
    """Sentences translated along one route: results, glossary terms per sentence, route, signature.

    ``route`` is the languages passed through (:meth:`Route.describe`; the source alone when
    nothing was translated); ``via`` is the route as loaded and ``packages`` its packages.
    """

    results: list[Translated]
    terms: list[list[GlossaryHit]]
    route: str
    signature: str
    packages: tuple[Package, ...] = ()
    via: Route | None = None

    @property
    def test_model(self) -> bool:
        """True when a TEST MODEL made this output: it is not a translation."""
        return any(p.info.test_model for p in self.packages)


def translate_sentences(
    sentences: Sequence[Sentence],
    source: str,
    target: str,
    *,
    models: Path | None = None,
    options: DecodeOptions | None = None,
    glossary: Glossary | None = None,
    model: str | None = None,
    packages: Sequence[Package] | None = None,
) -> Routed:
    """Translate sentences along the best installed route (post-edited by ``glossary`` if given).

    ``model`` (``--model NAME``) forces that package wherever it serves a hop. ``packages``
    are the installed packages to route between, when the caller has scanned ``models`` already.

    Raises:
        RouteError: no installed route from ``source`` to ``target``.
        ModelError: ``model`` names no installed package, or a package of the route cannot be loaded.
    """
    installed = list_packages(models) if packages is None else packages
    route = find_route(source, target, installed, model)
    chosen = options or DecodeOptions()
    translator = build_translator(route, chosen) if route.hops else None
    return translate_along(route, translator, sentences, chosen, glossary)


def translate_along(
    route: Route,
    translator: ArgosTranslator | PivotTranslator | None,
    sentences: Sequence[Sentence],
    options: DecodeOptions,
    glossary: Glossary | None = None,
) -> Routed:
    """Sentences through ``translator`` (``build_translator(route, options)``; ``None`` for a route
    with no hops: the sentences come back as they are), glossary post-edit, then the output-language
    check; signed with the route as loaded.
    """
    if translator is None:
        return Routed([Translated(s) for s in sentences], [[] for _ in sentences], route.source, "identity", (), route)
    check = options.guard != "off"  # the guard off checks nothing, the output language included
    results, terms = _translate_checked(translator, sentences, route.source, route.target, glossary, check=check)
    loaded = translator.route
    return Routed(results, terms, loaded.describe(), loaded.signature(options, glossary), loaded.hops, loaded)


def glossary_summary(terms: Sequence[Sequence[GlossaryHit]]) -> str:
    """``"3 hit, 2 fixed, 1 missed"`` over all sentences, or ``""`` when no term occurred."""
    statuses = [hit.status for row in terms for hit in row]
    if not statuses:
        return ""
    return f"{statuses.count('hit')} hit, {statuses.count('fixed')} fixed, {statuses.count('miss')} missed"


def _translate_checked(
    translator: Translator,
    sentences: Sequence[Sentence],
    source: str,
    target: str,
    glossary: Glossary | None,
    *,
    check: bool = True,
) -> tuple[list[Translated], list[list[GlossaryHit]]]:
    """Translate, post-edit glossary terms, then check the output language of the final text
    (unless ``check`` is off: the guard ``off`` checks nothing)."""
    results = translator.translate(list(sentences))
    terms: list[list[GlossaryHit]] = [[] for _ in sentences]
    if glossary is not None:
        results, terms = apply_glossary(glossary, list(sentences), results, source, target)
    return (check_language(results, target) if check else results), terms

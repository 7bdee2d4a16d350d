"""Translating digests: every part of every article in one batch per route, per target."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from polyglot_news import signature as signatures
from polyglot_news.citations.grammar import cited_references
from polyglot_news.document import GlossaryHit, Place, Reference, Sentence, Summary, Translated, Translation
from polyglot_news.errors import PolyglotNewsError
from polyglot_news.segment import split_sentences
from polyglot_news.signature import Signature
from polyglot_news.translation.engine import build_translator
from polyglot_news.translation.request import DEFAULT_TARGETS, TranslationRequest
from polyglot_news.translation.routing import Route, find_route
from polyglot_news.translation.sentences import flag_summary, glossary_summary, translate_along


@dataclass
class Outcome:
    """What translation added to one article's digest."""

    translations: dict[str, Translation] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    errors: list[PolyglotNewsError] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)


def translate_summaries(summaries: Sequence[Summary], request: TranslationRequest) -> list[Outcome]:
    """Translate many summarized articles; one engine call per route covers all of them.

    Each summary's cited references are translated with it. A target that fails for an
    article (no route, a broken package) does not stop the other targets or articles.
    """
    packages = request.installed()
    outcomes = [Outcome() for _ in summaries]
    units = [_units(s, request.parts) for s in summaries]
    targets = request.targets if request.targets is not None else DEFAULT_TARGETS
    by_source: dict[str, list[int]] = {}
    for i, summary in enumerate(summaries):
        by_source.setdefault(summary.source.language, []).append(i)
    for target in dict.fromkeys(targets):
        for source, members in sorted(by_source.items()):
            try:
                route = find_route(source, target, packages, request.model)
                translator = build_translator(route, request.options) if route.hops else None
            except PolyglotNewsError as error:
                for i in members:
                    if request.targets is None:
                        outcomes[i].notes.append(f"not translated into {target}: {error}")
                    else:
                        outcomes[i].errors.append(error)
                        outcomes[i].translations[target] = Translation(error=str(error))
                continue
            batch = [sentence for i in members for _, sentence in units[i]]
            routed = translate_along(route, translator, batch, request.options, request.glossary)
            loaded = routed.via or route
            sign = signatures.translation(target, routed.signature)
            done, found = iter(routed.results), iter(routed.terms)
            for i in members:
                mine = [next(done) for _ in units[i]]
                terms = [next(found) for _ in units[i]]
                glossary = terms if translator and request.glossary is not None else None
                outcomes[i].translations[target] = _assemble(units[i], mine, loaded, glossary)
                outcomes[i].signatures.append(sign)
                if loaded.test_model:
                    outcomes[i].notes.append(f"{target} comes from a TEST MODEL: its output is not a translation")
                flagged = flag_summary(mine)
                if flagged:
                    outcomes[i].notes.append(f"{target}: {flagged}")
                counted = glossary_summary(terms)
                if counted:
                    outcomes[i].notes.append(f"{target} glossary: {counted}")
    return outcomes


def _units(summary: Summary, parts: tuple[str, ...]) -> list[tuple[str, Sentence]]:
    """Every sentence to translate, tagged with its part (``reference:<id>`` for a title)."""
    units: list[tuple[str, Sentence]] = []
    if "headline" in parts and summary.article.headline:
        units += [("headline", s) for s in split_sentences([summary.article.headline], summary.source.language)]
    if "summary" in parts:
        units += [("summary", s) for s in summary.summary]
    if "references" in parts:  # with the full text, what it cites too
        cited = cited_references(summary.sentences, summary.article.references) if "full" in parts else None
        units += [(f"reference:{r.id}", Sentence(r.title)) for r in cited or summary.references]
    if "full" in parts:
        units += [("full", s) for s in summary.sentences]
    return units


def _assemble(
    units: list[tuple[str, Sentence]],
    done: list[Translated],
    route: Route,
    terms: list[list[GlossaryHit]] | None,
) -> Translation:
    """One target's :class:`Translation` of an article from its translated units (``route`` as loaded)."""
    parts = [part for part, _ in units]
    places = [_place(part, sentence) for part, sentence in units]
    pick = [t.sentence for t in done]

    def sentences(name: str) -> tuple[Sentence, ...] | None:
        return tuple(s for part, s in zip(parts, pick, strict=True) if part == name) if name in parts else None

    headline = [s.text for part, s in zip(parts, pick, strict=True) if part == "headline"]
    titles = [
        Reference(place.ref_id, s.text) for place, s in zip(places, pick, strict=True) if place.ref_id is not None
    ]
    return Translation(
        route=route.describe() if route.hops else f"{route.source} (no translation needed)",
        models=route.models_used(),
        headline=" ".join(headline) if headline else None,
        summary=sentences("summary"),
        full=sentences("full"),
        references=tuple(titles) if titles else None,
        flags=tuple((place, t.flags) for place, t in zip(places, done, strict=True) if t.flags),
        glossary=None
        if terms is None
        else tuple((place, tuple(row)) for place, row in zip(places, terms, strict=True) if row),
    )


def _place(part: str, sentence: Sentence) -> Place:
    if part.startswith("reference:"):
        return Place("references", ref_id=part.split(":", 1)[1])
    return Place(part, sentence.index)

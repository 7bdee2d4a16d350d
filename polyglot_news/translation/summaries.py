"""Translating digests: every part of every article in one batch per route, per target."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from polyglot_news.document import Reference, Sentence, Summary
from polyglot_news.errors import PolyglotNewsError
from polyglot_news.models.store import Package, list_packages
from polyglot_news.segment import split_sentences
from polyglot_news.translation.engine import Translated, build_translator
from polyglot_news.translation.glossary import GlossaryHit
from polyglot_news.translation.request import DEFAULT_TARGETS, TranslationRequest
from polyglot_news.translation.routing import describe, find_route
from polyglot_news.translation.sentences import _signature, _translate_checked, flag_summary, glossary_summary


@dataclass
class Outcome:
    """What translation added to one article's digest."""

    translations: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    errors: list[PolyglotNewsError] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)


def translate_summaries(
    summaries: Sequence[Summary], references: Sequence[tuple[Reference, ...]], request: TranslationRequest
) -> list[Outcome]:
    """Translate many summarized articles; one engine call per route covers all of them.

    ``references[i]`` are the references shown with ``summaries[i]``. A target that fails for
    an article (no route, a broken package) does not stop the other targets or articles.
    """
    packages = list_packages(request.models)
    outcomes = [Outcome() for _ in summaries]
    units = [_units(s, refs, request.parts) for s, refs in zip(summaries, references, strict=False)]
    targets = request.targets if request.targets is not None else DEFAULT_TARGETS
    by_source: dict[str, list[int]] = {}
    for i, summary in enumerate(summaries):
        by_source.setdefault(summary.source.language, []).append(i)
    for target in dict.fromkeys(targets):
        for source, members in sorted(by_source.items()):
            try:
                route = find_route(source, target, packages, request.model)
                translator = (
                    build_translator([p.path for p in route], request.options, targets=[p.to_code for p in route])
                    if route
                    else None
                )
            except PolyglotNewsError as error:
                for i in members:
                    if request.targets is None:
                        outcomes[i].notes.append(f"not translated into {target}: {error}")
                    else:
                        outcomes[i].errors.append(error)
                        outcomes[i].translations[target] = {"error": str(error)}
                continue
            batch = [sentence for i in members for _, sentence in units[i]]
            if translator:
                results, hits = _translate_checked(translator, batch, source, target, request.glossary)
                sign = f"mt:{target}={_signature(translator, request.glossary)}"
            else:
                results, hits = [Translated(s) for s in batch], [[] for _ in batch]
                sign = f"mt:{target}=identity"
            done, found = iter(results), iter(hits)
            for i in members:
                mine = [next(done) for _ in units[i]]
                terms = [next(found) for _ in units[i]]
                entry = _assemble(units[i], mine, route, source)
                if translator and request.glossary is not None:
                    entry["glossary"] = _glossary_report(units[i], terms)
                outcomes[i].translations[target] = entry
                outcomes[i].signatures.append(sign)
                if any(p.info.test_model for p in route):
                    outcomes[i].notes.append(f"{target} comes from a TEST MODEL: its output is not a translation")
                flagged = flag_summary(mine)
                if flagged:
                    outcomes[i].notes.append(f"{target}: {flagged}")
                counted = glossary_summary(terms)
                if counted:
                    outcomes[i].notes.append(f"{target} glossary: {counted}")
    return outcomes


def _units(summary: Summary, references: tuple[Reference, ...], parts: tuple[str, ...]) -> list[tuple[str, Sentence]]:
    """Every sentence to translate, tagged with its part (``reference:<id>`` for a title)."""
    units: list[tuple[str, Sentence]] = []
    if "headline" in parts and summary.article.headline:
        units += [("headline", s) for s in split_sentences([summary.article.headline], summary.source.language)]
    if "summary" in parts:
        units += [("summary", s) for s in summary.summary]
    if "references" in parts:
        units += [(f"reference:{r.id}", Sentence(r.title)) for r in references]
    if "full" in parts:
        units += [("full", s) for s in summary.sentences]
    return units


def _assemble(
    units: list[tuple[str, Sentence]], done: list[Translated], route: list[Package], source: str
) -> dict[str, Any]:
    """The ``translations.<lang>`` object of the digest JSON."""
    out: dict[str, Any] = {
        "route": describe(route) or f"{source} (no translation needed)",
        "models": [
            {
                "name": p.info.title or p.name,
                "pair": p.pair,
                "version": p.version,
                "origin": p.origin,
                "identity": p.identity,
                "test_model": p.info.test_model,
            }
            for p in route
        ],
    }
    pairs = [(part, t) for (part, _), t in zip(units, done, strict=False)]
    headline = [t.sentence.text for part, t in pairs if part == "headline"]
    if headline:
        out["headline"] = " ".join(headline)
    for name in ("summary", "full"):
        if any(part == name for part, _ in pairs):
            out[name] = [t.sentence.to_dict() for part, t in pairs if part == name]
    if any(part.startswith("reference:") for part, _ in pairs):
        out["references"] = [
            {"id": part.split(":", 1)[1], "title": t.sentence.text}
            for part, t in pairs
            if part.startswith("reference:")
        ]
    out["flags"] = [
        _flag(part, source_sentence, t) for (part, source_sentence), t in zip(units, done, strict=False) if t.flags
    ]
    return out


def _glossary_report(units: list[tuple[str, Sentence]], terms: list[list[GlossaryHit]]) -> list[dict[str, Any]]:
    """``[{"part", "index" | "id", "terms": [{"term", "status"}]}]`` for sentences with glossary terms."""
    return [
        {**_where(part, sentence), "terms": [hit.to_dict() for hit in row]}
        for (part, sentence), row in zip(units, terms, strict=True)
        if row
    ]


def _where(part: str, sentence: Sentence) -> dict[str, Any]:
    if part.startswith("reference:"):
        return {"part": "references", "id": part.split(":", 1)[1]}
    return {"part": part, "index": sentence.index}


def _flag(part: str, sentence: Sentence, result: Translated) -> dict[str, Any]:
    return {**_where(part, sentence), "flags": list(result.flags)}

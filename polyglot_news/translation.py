"""Translating digests: routes per target, every part of every article in one batch per route.

The engine (``translate.py``) translates sentences; this module decides what to translate
(headline, summary, references, full text), along which route (``routing.py``), and puts the
results back into the ``translations.<lang>`` objects of the digest JSON.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .detect import detect
from .document import Reference, Sentence, Summary
from .errors import PolyglotNewsError
from .glossary import Glossary, GlossaryHit
from .glossary import apply as apply_glossary
from .models import Package, list_packages
from .routing import describe, find_route
from .segment import split_sentences
from .translate import DecodeOptions, Translated, Translator, build_translator

DEFAULT_TARGETS = ("ru", "be")
"""Languages ``digest`` translates into when no target is named (those with an installed route)."""

PARTS = ("headline", "summary", "references", "full")
"""What ``digest`` can translate: ``full`` is every body sentence."""

DEFAULT_PARTS = ("headline", "summary", "references")

_LANG_CODE = re.compile(r"^[a-z]{2,3}$")


def check_language_code(code: str, option: str) -> str:
    """The code, trimmed and lower-cased; ValueError naming ``option`` if it is no language code."""
    clean = code.strip().lower()
    if not _LANG_CODE.match(clean):
        raise ValueError(f"{option} takes language codes like 'en' or 'be', not {code!r}")
    return clean


@dataclass(frozen=True)
class TranslationRequest:
    """Which languages and parts to translate, with which models and decoding options.

    ``targets=None`` means the default targets (:data:`DEFAULT_TARGETS`) that have an
    installed route; the others are skipped with a note. Named targets without a route get
    an ``error`` entry instead of a translation.
    """

    targets: tuple[str, ...] | None = None
    parts: tuple[str, ...] = DEFAULT_PARTS
    models: Path | None = None
    options: DecodeOptions = field(default_factory=DecodeOptions)
    glossary: Glossary | None = None

    def __post_init__(self) -> None:
        unknown = sorted(set(self.parts) - set(PARTS))
        if unknown:
            raise ValueError(f"cannot translate {', '.join(unknown)}: choose from {', '.join(PARTS)}")
        for code in self.targets or ():
            check_language_code(code, "--to")


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
                route = find_route(source, target, packages)
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
                if any(is_test_model(p.metadata) for p in route):
                    outcomes[i].notes.append(f"{target} comes from a TEST MODEL: its output is not a translation")
                flagged = flag_summary(mine)
                if flagged:
                    outcomes[i].notes.append(f"{target}: {flagged}")
                counted = glossary_summary(terms)
                if counted:
                    outcomes[i].notes.append(f"{target} glossary: {counted}")
    return outcomes


def check_language(results: Sequence[Translated], target: str) -> list[Translated]:
    """Add a ``language:<code>`` flag where the detector says a sentence is not in ``target``.

    Catches the classic failure for Belarusian: a model or pivot that answers in Russian.
    Sentences too short to call (``und``) are not flagged.
    """
    checked: list[Translated] = []
    for result in results:
        found = detect(result.sentence.plain) if result.sentence.plain.strip() else None
        if found is not None and found.language not in ("und", target):
            result = Translated(result.sentence, (*result.flags, f"language:{found.language}"))
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
    """Sentences translated along one route: results, glossary terms per sentence, route, signature."""

    results: list[Translated]
    terms: list[list[GlossaryHit]]
    route: str
    signature: str


def translate_sentences(
    sentences: Sequence[Sentence],
    source: str,
    target: str,
    *,
    models: Path | None = None,
    options: DecodeOptions | None = None,
    glossary: Glossary | None = None,
) -> Routed:
    """Translate sentences along the best installed route (post-edited by ``glossary`` if given).

    Raises:
        RouteError: no installed route from ``source`` to ``target``.
    """
    route = find_route(source, target, list_packages(models))
    if not route:
        return Routed([Translated(s) for s in sentences], [[] for _ in sentences], source, "identity")
    chosen = options or DecodeOptions()
    translator = build_translator([p.path for p in route], chosen, targets=[p.to_code for p in route])
    results, terms = _translate_checked(translator, sentences, source, target, glossary)
    return Routed(results, terms, describe(route), _signature(translator, glossary))


def glossary_summary(terms: Sequence[Sequence[GlossaryHit]]) -> str:
    """``"3 hit, 2 fixed, 1 missed"`` over all sentences, or ``""`` when no term occurred."""
    statuses = [hit.status for row in terms for hit in row]
    if not statuses:
        return ""
    return f"{statuses.count('hit')} hit, {statuses.count('fixed')} fixed, {statuses.count('miss')} missed"


def _signature(translator: Translator, glossary: Glossary | None) -> str:
    return translator.signature() + (f"|{glossary.signature()}" if glossary is not None else "")


def _translate_checked(
    translator: Translator, sentences: Sequence[Sentence], source: str, target: str, glossary: Glossary | None
) -> tuple[list[Translated], list[list[GlossaryHit]]]:
    """Translate, post-edit glossary terms, then check the output language (of the final text)."""
    results = translator.translate(list(sentences))
    terms: list[list[GlossaryHit]] = [[] for _ in sentences]
    if glossary is not None:
        results, terms = apply_glossary(glossary, list(sentences), results, source, target)
    return check_language(results, target), terms


def is_test_model(package_metadata: dict[str, Any]) -> bool:
    """True for the project's own test packages, whose output must never pass for a translation."""
    marker = package_metadata.get("polyglot_news")
    return isinstance(marker, dict) and bool(marker.get("test_model"))


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
                "name": str(p.metadata.get("name") or p.name),
                "pair": p.pair,
                "version": p.version,
                "origin": p.origin,
                "test_model": is_test_model(p.metadata),
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

"""The protect/restore glossary strategy, kept only as the benchmark's baseline.

Terms are swapped for placeholders before translation and restored after; post-edit
(:mod:`polyglot_news.translation.postedit`) replaced it as the product's strategy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from polyglot_news.citations import BRACKET_GROUP
from polyglot_news.document import GlossaryHit, Sentence, Translated
from polyglot_news.translation.glossary import Glossary, Rule
from polyglot_news.translation.postedit import CYRILLIC, ENDINGS, rewrite, source_matches, term_stem

_PLACEHOLDER = "X{}GL"
_PLACEHOLDER_RE = re.compile(r"X(\d{1,3})GL([\u0400-\u04ff]*)")

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
                for match in source_matches(sentence.plain, rule, source_lang):
                    taken = [(s, e) for s, e, _ in spans] + verbatim
                    if not any(match.start < e and s < match.end for s, e in taken):
                        spans.append((match.start, match.end, rule))
        for start, end, rule in sorted(spans, key=lambda span: span[0]):
            token = _PLACEHOLDER.format(len(mine))
            mine[token] = rule
            edits.append((start, end, token))
        if edits:
            plain, markers = rewrite(sentence.plain, sentence.markers, edits)
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
            stem = term_stem(spelled)
            glued = m.group(2)
            if glued and glued.lower() in ENDINGS and CYRILLIC.search(spelled):
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
            new_plain, markers = rewrite(plain, done.sentence.markers, edits)
            done = Translated(replace(done.sentence, plain=new_plain, markers=markers), done.flags)
        results.append(done)
        report.append([GlossaryHit(term, status) for term, status in merged.items()])
    return results, report

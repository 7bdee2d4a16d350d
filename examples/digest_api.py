"""Use polyglot-news from Python: digest the example article and print its summary."""

from __future__ import annotations

from pathlib import Path

import polyglot_news

text = (Path(__file__).parent / "belarus_us_relations.txt").read_text(encoding="utf-8")
result = polyglot_news.digest(text, sentences=3)

print(f"language: {result.source.language} ({result.source.confidence:.2f})")
for sentence in result.summary:
    cited = ", ".join(ref for marker in sentence.markers for ref in marker.refs)
    print(f"- {sentence.text}  (cites: {cited or 'nothing'})")
for reference in result.references:
    print(f"[{reference.id}] {reference.title}")

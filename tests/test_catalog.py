"""The catalog of known packages: every entry cited."""

from __future__ import annotations

import json

from polyglot_news import models
from tests.archives import CATALOG


def test_catalog_entries_are_cited() -> None:
    data = json.loads(CATALOG.read_text(encoding="utf-8"))
    assert data["index_url"] == models.DEFAULT_INDEX_URL
    official = [e for e in data["packages"] if not e["test_only"]]
    assert sorted(e["pair"] for e in official) == ["en→ru", "ru→en"]
    for entry in data["packages"]:
        assert entry["pair"] == f"{entry['from_code']}→{entry['to_code']}"
        assert entry["source"]
        assert entry["sha256"] is None or len(entry["sha256"]) == 64
        assert all(link.startswith("https://") for link in entry.get("links", []))

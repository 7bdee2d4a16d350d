"""The reader of a package's ``metadata.json``: validation and what it declares."""

from __future__ import annotations

from typing import Any


def is_test_model(package_metadata: dict[str, Any]) -> bool:
    """True for the project's own test packages, whose output must never pass for a translation."""
    marker = package_metadata.get("polyglot_news")
    return isinstance(marker, dict) and bool(marker.get("test_model"))



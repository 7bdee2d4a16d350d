"""What metadata.json declares: deeply nested files are a problem, not a crash; the package format Argos sees."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from polyglot_news import models
from tests.archives import DEEP, meta, package_files, write_tree


@pytest.mark.parametrize(
    ("origin", "files"),
    [
        ("argos", {"metadata.json": DEEP}),
        ("argos", {**package_files(), "metadata.json": DEEP}),
        ("store", {"metadata.json": DEEP}),
        ("store", {**package_files(), "metadata.json": b'{"x":' * 100_000}),
    ],
)
def test_deeply_nested_metadata_is_a_problem_not_a_crash(
    isolated_home: Path, store: Path, good: Path, origin: str, files: dict[str, bytes]
) -> None:
    models.install(good)
    root = isolated_home / "argos-packages" if origin == "argos" else store
    write_tree(root / "deep", files)
    packages, problems = models.scan_packages()
    assert [(p.pair, p.origin) for p in packages] == [("en→ru", "store")]
    assert [(p.path.name, p.origin, "nested too deeply" in p.message) for p in problems] == [("deep", origin, True)]
    assert [p.pair for p in models.list_packages()] == ["en→ru"]
    assert [(r.name, r.ok) for r in models.verify()] == [("translate-en_ru", True), ("deep", False)]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, "argos"),
        ({"target_prefix": "__be__"}, "argos"),  # Argos forces a package-level target prefix too
        ({"source_prefix": ">>bel<<"}, "polyglot-news"),
        ({"targets": {"be": {}, "ru": {}}}, "polyglot-news"),
        ({"source_sentencepiece": "source.spm", "target_sentencepiece": "target.spm"}, "polyglot-news"),
        ({"type": "polyglot-news-translate"}, "polyglot-news"),
    ],
)
def test_format_says_whether_argos_runs_the_package_as_we_do(fields: dict[str, Any], expected: str) -> None:
    from polyglot_news.models.metadata import OWN_TYPE, package_type, read_info, validate_metadata

    data = meta("en", "be", **fields)
    assert read_info(validate_metadata(dict(data), "x")).format == expected
    # What `models build` writes: Argos only loads type "translate", so it skips the others.
    if "type" not in fields:
        assert package_type(data) == (OWN_TYPE if expected == "polyglot-news" else "translate")

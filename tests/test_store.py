"""The store: where it is, never created by reading; what a scan finds (Argos folders read-only, broken
folders reported)."""

from __future__ import annotations

from pathlib import Path

import pytest

from polyglot_news import models
from polyglot_news.errors import ModelError
from tests.archives import meta, package_files, write_tree


@pytest.mark.parametrize(
    ("env", "explicit", "expected"),
    [
        ({"POLYGLOT_NEWS_MODELS": "/m", "XDG_DATA_HOME": "/x"}, "/e", "/e"),
        ({"POLYGLOT_NEWS_MODELS": "/m", "XDG_DATA_HOME": "/x"}, None, "/m"),
        ({"XDG_DATA_HOME": "/x"}, None, "/x/polyglot-news/models"),
        ({"HOME": "/h"}, None, "/h/.local/share/polyglot-news/models"),
    ],
)
def test_store_dir_resolution(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], explicit: str | None, expected: str
) -> None:
    for name in ("POLYGLOT_NEWS_MODELS", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert models.store_dir(Path(explicit) if explicit else None) == Path(expected)


def test_reading_never_creates_the_store(store: Path) -> None:
    assert models.list_packages() == []
    assert models.verify() == []
    assert models.store_dir() == store
    assert not store.exists()


def test_argos_dirs_only_existing(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert models.argos_dirs() == []
    (isolated_home / "argos-packages").mkdir(parents=True)
    assert models.argos_dirs() == [isolated_home / "argos-packages"]
    monkeypatch.delenv("ARGOS_PACKAGES_DIR")
    (isolated_home / "data" / "argos-translate" / "packages").mkdir(parents=True)
    assert models.argos_dirs() == [isolated_home / "data" / "argos-translate" / "packages"]


def test_argos_dir_discovered_read_only(isolated_home: Path, store: Path, good: Path) -> None:
    argos = isolated_home / "argos-packages"
    write_tree(argos / "translate-en_ru-1_9", package_files(meta(version="1.9")))
    write_tree(argos / "sbd-en", {"metadata.json": b'{"type": "sbd", "from_code": "en"}'})
    models.install(good)
    packages, problems = models.scan_packages()
    assert [(p.pair, p.version, p.origin) for p in packages] == [
        ("en→ru", "1.0", "store"),
        ("en→ru", "1.9", "argos"),
    ]
    assert problems == []
    assert models.list_packages(include_argos=False) == packages[:1]
    results = models.verify()
    assert [(r.origin, r.ok) for r in results] == [("store", True), ("argos", True)]
    assert "installed by Argos: no manifest, structure checked only" in results[1].notes
    models.remove("en→ru")
    with pytest.raises(ModelError, match="read-only"):
        models.remove("en→ru")
    assert (argos / "translate-en_ru-1_9" / "metadata.json").exists()


def test_broken_store_folder_reported_not_listed(store: Path, good: Path) -> None:
    models.install(good)
    write_tree(store / "junk", {"metadata.json": b"{oops"})
    packages, problems = models.scan_packages()
    assert [p.pair for p in packages] == ["en→ru"]
    assert [(p.path.name, "not valid JSON" in p.message) for p in problems] == [("junk", True)]
    assert [(r.name, r.ok) for r in models.verify()] == [("translate-en_ru", True), ("junk", False)]

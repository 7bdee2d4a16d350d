"""``models verify``: tampering found, an unreadable manifest, the catalog's sha256."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from polyglot_news import models
from tests.archives import DEEP


def test_deeply_nested_manifest_fails_verify(store: Path, good: Path) -> None:
    (package,) = models.install(good)
    (package.path / models.MANIFEST).write_bytes(DEEP)
    (result,) = models.verify()
    assert (result.ok, result.problems) == (False, ("unreadable manifest: nested too deeply",))


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        (
            lambda p: (p / "model" / "model.bin").write_bytes(b"changed"),
            "model/model.bin has changed",
        ),
        (lambda p: (p / "README.md").unlink(), "README.md is missing"),
        (lambda p: (p / "extra.txt").write_text("x"), "extra.txt was not installed"),
        (lambda p: (p / models.MANIFEST).unlink(), "no .polyglot-news.json manifest"),
    ],
)
def test_verify_detects_tampering(
    store: Path, good: Path, tamper: Callable[[Path], Any], problem: str
) -> None:
    (package,) = models.install(good)
    tamper(package.path)
    (result,) = models.verify()
    assert not result.ok
    assert any(problem in p for p in result.problems)


@pytest.mark.parametrize(("matches", "ok"), [(True, True), (False, False)])
def test_verify_against_catalog_sha256(
    tmp_path: Path, store: Path, good: Path, matches: bool, ok: bool
) -> None:
    models.install(good)
    sha = hashlib.sha256(good.read_bytes()).hexdigest() if matches else "0" * 64
    catalog = tmp_path / "catalog.json"
    catalog.write_text(
        json.dumps(
            {
                "packages": [
                    {
                        "name": "t",
                        "from_code": "en",
                        "to_code": "ru",
                        "package_version": "1.0",
                        "sha256": sha,
                    }
                ]
            }
        )
    )
    (result,) = models.verify(catalog=catalog)
    assert result.ok is ok
    assert ("archive matches catalog entry t" in result.notes) is matches

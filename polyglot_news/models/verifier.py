"""``models verify``: structure, per-file sha256 against the manifest, archive sha256 against the catalog."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from polyglot_news.models.archive import (
    check_manifest,
)
from polyglot_news.models.catalog import load_catalog
from polyglot_news.models.store import Package, scan_packages


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of :func:`verify` for one package folder."""

    path: Path
    name: str
    pair: str
    version: str
    origin: str
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "pair": self.pair,
            "version": self.version,
            "origin": self.origin,
            "path": str(self.path),
            "ok": self.ok,
            "problems": list(self.problems),
            "notes": list(self.notes),
        }


# ---------------------------------------------------------------- verify


def _catalog_entry(catalog: list[dict[str, Any]], package: Package) -> dict[str, Any] | None:
    for entry in catalog:
        if (
            entry.get("from_code") == package.from_code
            and entry.get("to_code") == package.to_code
            and entry.get("package_version") == package.version
            and not entry.get("test_only")
        ):
            return entry
    return None


def verify(
    store: Path | None = None, *, include_argos: bool = True, catalog: Path | None = None
) -> list[VerifyResult]:
    """Check every package: structure, per-file sha256 against the manifest, and the archive
    sha256 against the catalog where the catalog knows it. Broken folders fail too."""
    packages, broken = scan_packages(store, include_argos=include_argos)
    entries = load_catalog(catalog)
    results: list[VerifyResult] = []
    for package in packages:
        problems, notes, manifest_sha = check_manifest(package.path, package.origin)
        entry = _catalog_entry(entries, package)
        if entry is not None and entry.get("sha256"):
            if manifest_sha is None:
                notes.append("catalog knows a sha256 but the archive's is not recorded")
            elif manifest_sha == entry["sha256"]:
                notes.append(f"archive matches catalog entry {entry.get('name')}")
            else:
                problems.append(f"archive sha256 differs from catalog entry {entry.get('name')}")
        elif entry is not None:
            notes.append(f"catalog entry {entry.get('name')} has no sha256 to compare")
        results.append(
            VerifyResult(
                package.path,
                package.name,
                package.pair,
                package.version,
                package.origin,
                tuple(problems),
                tuple(notes),
            )
        )
    for problem in broken:
        results.append(
            VerifyResult(
                problem.path, problem.path.name, "?", "?", problem.origin, (problem.message,)
            )
        )
    return results


# ---------------------------------------------------------------- fetch (the one networked call)

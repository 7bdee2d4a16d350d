"""Model packages for the store tests: metadata, files, ``.argosmodel`` archives, snapshots of a folder."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

CATALOG = Path(__file__).resolve().parents[1] / "polyglot_news" / "data" / "catalog.json"


def meta(
    from_code: str = "en", to_code: str = "ru", version: str = "1.0", **extra: Any
) -> dict[str, Any]:
    return {
        "package_version": version,
        "argos_version": "1.9",
        "from_code": from_code,
        "from_name": from_code.upper(),
        "to_code": to_code,
        "to_name": to_code.upper(),
        **extra,
    }


def package_files(metadata: dict[str, Any] | None = None) -> dict[str, bytes]:
    """A structurally valid package: all the store checks is structure."""
    return {
        "metadata.json": json.dumps(metadata or meta()).encode(),
        "model/model.bin": b"\x01\x02ctranslate2 placeholder" * 8,
        "model/config.json": b"{}",
        "model/shared_vocabulary.txt": b"<unk>\n<s>\n</s>\n",
        "sentencepiece.model": b"sentencepiece placeholder",
        "README.md": b"test package\n",
    }


def make_archive(
    path: Path,
    files: dict[str, bytes] | None = None,
    *,
    top: str = "translate-en_ru-1_0",
    extra: Callable[[zipfile.ZipFile], None] | None = None,
) -> Path:
    """Write a .argosmodel: ``files`` under one folder ``top``, then whatever ``extra`` adds."""
    files = package_files() if files is None else files
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{top}/", b"")
        for name, data in files.items():
            zf.writestr(f"{top}/{name}", data)
        if extra is not None:
            extra(zf)
    return path


def write_tree(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def snapshot(root: Path) -> dict[str, str]:
    """Every entry under root (dot files included) with the sha256 of each file."""
    if not root.exists():
        return {}
    result: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            result[rel] = "link"
        elif path.is_dir():
            result[rel] = "dir"
        else:
            result[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


DEEP = b"[" * 100_000
"""JSON nested deeper than a parser can follow: a metadata.json or manifest that must not crash a scan."""


def member(name: str, data: bytes = b"x") -> Callable[[zipfile.ZipFile], None]:
    return lambda zf: zf.writestr(name, data)

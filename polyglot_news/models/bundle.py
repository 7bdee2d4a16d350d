"""Writing a built package: its name, its licence in SPDX form, the size cap, metadata, the zip.

Shared by ``models build`` (a converted Hugging Face model, :mod:`.build`) and by the wrapping
of a ready CTranslate2 model folder (:mod:`.wrap`). Nothing here imports torch or the hub client.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from polyglot_news.errors import ModelError
from polyglot_news.models import archive
from polyglot_news.models.archive import validate_metadata
from polyglot_news.version import __version__

__all__ = ["card_license", "destination_for", "spdx", "write_package"]

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)

#: Licence ids as model cards spell them (lower case, the hub's list) -> SPDX identifiers.
_SPDX = {
    name.lower(): name
    for name in (
        "Apache-2.0", "MIT", "BSD-2-Clause", "BSD-3-Clause", "CC0-1.0", "CC-BY-2.0", "CC-BY-3.0",
        "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC-BY-NC-2.0", "CC-BY-NC-3.0", "CC-BY-NC-4.0",
        "CC-BY-NC-SA-3.0", "CC-BY-NC-SA-4.0", "CC-BY-NC-ND-4.0", "CC-BY-ND-4.0", "MPL-2.0",
        "LGPL-3.0-only", "GPL-2.0-only", "GPL-3.0-only", "AGPL-3.0-only", "Unlicense", "ODC-By-1.0",
        "EPL-2.0", "Artistic-2.0", "BSL-1.0", "ISC", "Zlib", "OpenRAIL",
    )
}  # fmt: skip
_SPDX.update({"gpl-3.0": "GPL-3.0-only", "gpl-2.0": "GPL-2.0-only", "lgpl-3.0": "LGPL-3.0-only",
              "agpl-3.0": "AGPL-3.0-only", "cc0": "CC0-1.0", "apache 2.0": "Apache-2.0",
              "apache-2": "Apache-2.0", "apache license 2.0": "Apache-2.0", "cc-by-nc": "CC-BY-NC-4.0",
              "odc-by": "ODC-By-1.0", "bsd-3": "BSD-3-Clause"})  # fmt: skip


def spdx(licence: str) -> str:
    """``cc-by-4.0`` -> ``CC-BY-4.0``, ``apache-2.0`` -> ``Apache-2.0``; an unknown id is kept as given."""
    text = licence.strip().strip("'\"").strip()
    return _SPDX.get(text.lower(), text)


def card_license(folder: Path) -> str | None:
    """The ``license:`` of a model card's front matter, in SPDX form (``cc-by-4.0`` -> ``CC-BY-4.0``)."""
    try:
        card = (folder / "README.md").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    front = re.match(r"^---\s*\n(.*?)\n---", card, re.S)
    found = re.search(r"^license:\s*['\"]?([\w.+-]+)", front.group(1), re.M) if front else None
    return spdx(found.group(1)) if found else None


def destination_for(
    model: str, from_code: str, targets: Sequence[str], version: str, out: Path | None
) -> tuple[str, Path]:
    """The package's folder name and the ``.argosmodel`` path ``out`` asks for."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", model.rsplit("/", 1)[-1]).strip(".-")
    name = f"{slug or 'model'}-{from_code}_{'_'.join(targets)}-{version.replace('.', '_')}"
    if out is None:
        return name, Path.cwd() / f"{name}.argosmodel"
    if out.suffix == ".argosmodel":
        return name, out
    return name, out / f"{name}.argosmodel"


def readme(metadata: dict[str, Any]) -> str:
    prov = metadata["provenance"]
    targets = ", ".join(metadata["targets"])
    revision = f", revision {prov['revision']}" if prov.get("revision") else ""
    return (
        f"# {metadata['name']}\n\n"
        f"Built by polyglot-news {__version__} (`polyglot-news models build`) from "
        f"{prov['model']} ({prov['origin']}{revision}).\n"
        f"Translates {metadata['from_code']} into {targets}. Licence of the model: "
        f"{metadata['license']}; the original model card is MODEL_CARD.md where the model had one.\n"
    )


def _zip(root: Path, destination: Path) -> None:
    """Zip ``root`` as one top folder, reproducibly (sorted entries, fixed dates)."""
    top = root.name
    paths = sorted(root.rglob("*"), key=lambda p: p.relative_to(root).as_posix())
    with zipfile.ZipFile(destination, "w") as zf:
        zf.writestr(zipfile.ZipInfo(f"{top}/", date_time=_ZIP_DATE), b"")
        for path in paths:
            rel = f"{top}/{path.relative_to(root).as_posix()}"
            info = zipfile.ZipInfo(rel + ("/" if path.is_dir() else ""), date_time=_ZIP_DATE)
            if path.is_dir():
                zf.writestr(info, b"")
                continue
            # int8 weights barely compress: storing them saves minutes on a 600M model.
            info.compress_type = zipfile.ZIP_STORED if path.name == "model.bin" else zipfile.ZIP_DEFLATED
            with open(path, "rb") as src, zf.open(info, "w") as out:
                shutil.copyfileobj(src, out, 1 << 20)


def _check_size(root: Path) -> None:
    """Refuse at build time what ``models install`` would refuse: more than the install cap unpacked."""
    total = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    limit = archive.MAX_UNPACKED_BYTES
    if total > limit:
        raise ModelError(
            f"the package would unpack to {total / 1024**3:.2f} GiB, over the {limit / 1024**3:g} GiB "
            "that `models install` accepts; build it with --quantization int8, or a smaller model"
        )


def write_package(
    name: str, destination: Path, fill: Callable[[Path], dict[str, Any]]
) -> dict[str, Any]:
    """Build ``destination`` whole or not at all: ``fill(root)`` writes the files and returns the metadata.

    The metadata is validated as ``models install`` would, the size cap is checked before the
    zip is written, and the zip is renamed into place only when complete.
    """
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".pn-build-", dir=destination.parent) as tmp:
            root = Path(tmp) / name
            root.mkdir()
            metadata = fill(root)
            validate_metadata(metadata, str(destination))  # never write what install refuses
            text = json.dumps(metadata, indent=2, ensure_ascii=False) + "\n"
            (root / "metadata.json").write_text(text, encoding="utf-8")
            (root / "README.md").write_text(readme(metadata), encoding="utf-8")
            _check_size(root)
            partial = Path(tmp) / "package.zip"
            _zip(root, partial)
            os.replace(partial, destination)
    except OSError as exc:
        raise ModelError(f"cannot write {destination}: {exc.strerror or exc}") from None
    return metadata

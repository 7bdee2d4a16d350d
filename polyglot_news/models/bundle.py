"""A built package, planned and written: language tokens, metadata, licence, the size cap, the zip.

Shared by ``models build`` (a converted Hugging Face model, :mod:`.build`) and by the wrapping
of a ready CTranslate2 model folder (:mod:`.wrap`): the plan of a package's language tokens
(:class:`Plan`, checked against the model's vocabulary), its ``metadata.json``, its name, its
licence in SPDX form, and the ``.argosmodel`` written whole or not at all. Nothing here
imports torch or the hub client.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from polyglot_news.errors import ModelError
from polyglot_news.models import archive
from polyglot_news.models.metadata import package_type, validate_metadata
from polyglot_news.version import __version__

__all__ = [
    "LANGUAGES",
    "MARIAN_LANGUAGE_TOKEN",
    "SOURCE_SPM",
    "TARGET_SPM",
    "BuildResult",
    "Plan",
    "card_license",
    "copy_card",
    "destination_for",
    "model_kind",
    "package_metadata",
    "read_vocabulary",
    "spdx",
    "write_package",
]

#: ISO 639-1 code -> (English name, OPUS-MT target token code, NLLB-200 code).
LANGUAGES: dict[str, tuple[str, str, str]] = {
    "be": ("Belarusian", "bel", "bel_Cyrl"),
    "ru": ("Russian", "rus", "rus_Cyrl"),
    "uk": ("Ukrainian", "ukr", "ukr_Cyrl"),
    "en": ("English", "eng", "eng_Latn"),
    "pl": ("Polish", "pol", "pol_Latn"),
    "lt": ("Lithuanian", "lit", "lit_Latn"),
    "lv": ("Latvian", "lav", "lvs_Latn"),
    "et": ("Estonian", "est", "est_Latn"),
    "de": ("German", "deu", "deu_Latn"),
    "fr": ("French", "fra", "fra_Latn"),
    "es": ("Spanish", "spa", "spa_Latn"),
    "it": ("Italian", "ita", "ita_Latn"),
    "cs": ("Czech", "ces", "ces_Latn"),
    "ka": ("Georgian", "kat", "kat_Geor"),
    "kk": ("Kazakh", "kaz", "kaz_Cyrl"),
    "tr": ("Turkish", "tur", "tur_Latn"),
    "zh": ("Chinese", "zho", "zho_Hans"),
}

SOURCE_SPM = "sentencepiece.model"
TARGET_SPM = "target_sentencepiece.model"
MARIAN_LANGUAGE_TOKEN = re.compile(r"^>>[a-z]{2,3}(?:_[A-Za-z]+)?<<$")
"""A multi-target Marian model's target token in its vocabulary (``>>bel<<``)."""

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



@dataclass(frozen=True)
class BuildResult:
    """A built package: its ``.argosmodel`` file, its metadata and what the build noticed."""

    path: Path
    metadata: dict[str, Any]
    notes: tuple[str, ...] = field(default=())


def read_vocabulary(folder: Path) -> set[str]:
    """The tokens of the CTranslate2 model in ``folder`` (its shared, else its source vocabulary).

    Raises:
        ModelError: no vocabulary file, or one that is not a list of tokens.
    """
    for side in ("shared", "source"):
        for ext in ("json", "txt"):
            path = folder / f"{side}_vocabulary.{ext}"
            if not path.is_file():
                continue
            try:
                text = path.read_text(encoding="utf-8")
                tokens = json.loads(text) if ext == "json" else text.splitlines()
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                raise ModelError(f"{path}: unreadable vocabulary ({exc})") from None
            if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
                raise ModelError(f"{path}: not a list of tokens")
            return set(tokens)
    raise ModelError(f"{folder}: no shared_vocabulary.json or source_vocabulary.json: not a CTranslate2 model")


def model_kind(from_code: str, vocabulary: Collection[str], *, model_type: str = "", tokenizer_class: str = "") -> str:
    """``marian``, ``nllb`` or ``m2m100``: how the model names its languages.

    From the Hugging Face ``model_type`` (and tokenizer class) when converting a model;
    for a ready CTranslate2 model, from the language tokens of its ``vocabulary``.
    """
    if model_type == "marian":
        return "marian"
    if model_type:
        return "nllb" if tokenizer_class.startswith("Nllb") else "m2m100"
    if any(MARIAN_LANGUAGE_TOKEN.match(t) for t in vocabulary):
        return "marian"
    nllb = LANGUAGES.get(from_code, ("", "", ""))[2]
    if (nllb and nllb in vocabulary) or any(t.endswith(("_Latn", "_Cyrl")) for t in vocabulary):
        return "nllb"
    if f"__{from_code}__" in vocabulary:
        return "m2m100"
    return "marian"


class Plan:
    """Per-target prefix tokens of one model, checked against its vocabulary."""

    def __init__(self, kind: str, source: str, targets: Sequence[str], vocabulary: set[str]) -> None:
        self.kind = kind
        self.source_prefix = ""
        self.targets: dict[str, dict[str, str]] = {}
        if kind == "nllb":
            self.source_prefix = self._token(source, 2, vocabulary)
            for code in targets:
                self.targets[code] = {"target_prefix": self._token(code, 2, vocabulary)}
        elif kind == "m2m100":
            self.source_prefix = self._present(f"__{source}__", vocabulary)
            for code in targets:
                self.targets[code] = {"target_prefix": self._present(f"__{code}__", vocabulary)}
        elif any(MARIAN_LANGUAGE_TOKEN.match(t) for t in vocabulary):  # multi-target Marian
            for code in targets:
                self.targets[code] = {"source_prefix": self._token(code, 1, vocabulary, ">>{}<<")}
        else:
            if len(targets) != 1:
                raise ModelError(
                    f"this Marian model has no >>xxx<< target tokens: it serves one target, not {', '.join(targets)}"
                )
            self.targets[targets[0]] = {}

    @staticmethod
    def _present(token: str, vocabulary: set[str]) -> str:
        if token not in vocabulary:
            raise ModelError(f"the model's vocabulary has no {token!r} language token")
        return token

    def _token(self, code: str, column: int, vocabulary: set[str], pattern: str = "{}") -> str:
        known = LANGUAGES.get(code)
        candidates = [pattern.format(known[column])] if known else []
        candidates += [pattern.format(code)]  # a code the table lacks may be the model's own
        for token in candidates:
            if token in vocabulary:
                return token
        if self.kind == "marian":
            offered = sorted(t for t in vocabulary if MARIAN_LANGUAGE_TOKEN.match(t))
        else:
            offered = []
        hint = f" (it has {', '.join(offered[:20])})" if offered else ""
        raise ModelError(f"the model has no language token for {code!r}: tried {', '.join(candidates)}{hint}")


def copy_card(folder: Path, root: Path) -> None:
    """The model card (as MODEL_CARD.md) and licence files travel with the package."""
    if (folder / "README.md").is_file():
        shutil.copyfile(folder / "README.md", root / "MODEL_CARD.md")
    for licence_file in sorted(folder.glob("LICENSE*")):
        if licence_file.is_file():
            shutil.copyfile(licence_file, root / licence_file.name)


def package_metadata(
    plan: Plan, from_code: str, targets: Sequence[str], version: str, *,
    name: str, two_spm: bool, license: str, provenance: dict[str, Any],
) -> dict[str, Any]:  # fmt: skip
    """``metadata.json`` of a built package (the extended layout of lang_models/README.md)."""
    metadata: dict[str, Any] = {
        "package_version": version,
        "argos_version": "1.9.0",
        "type": "translate",
        "name": name,
        "from_code": from_code,
        "from_name": LANGUAGES.get(from_code, (from_code,))[0],
        "to_code": targets[0],
        "to_name": LANGUAGES.get(targets[0], (targets[0],))[0],
        "source_sentencepiece": SOURCE_SPM,
        "target_sentencepiece": TARGET_SPM if two_spm else SOURCE_SPM,
        "targets": plan.targets,
        "license": license,
        "provenance": provenance,
    }
    if plan.source_prefix:
        metadata["source_prefix"] = plan.source_prefix
    if "target_prefix" in plan.targets[targets[0]]:
        metadata["target_prefix"] = plan.targets[targets[0]]["target_prefix"]
    metadata["type"] = package_type(metadata)  # Argos must not run what it would run wrongly
    return metadata


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

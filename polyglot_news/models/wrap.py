"""Wrap a ready CTranslate2 model folder into a package: validation, prefixes, licence, provenance.

No conversion and no torch: the folder already holds ``model.bin``, its ``config.json`` and
vocabulary, and the SentencePiece models (OPUS-MT conversions ship ``source.spm`` and
``target.spm``; NLLB conversions ``sentencepiece.bpe.model``). The language tokens the package
needs (``>>bel<<``, ``>>rus<<``, or ``eng_Latn``/``bel_Cyrl``) are checked against the model's
own vocabulary before anything is written.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from polyglot_news.errors import ModelError
from polyglot_news.models.bundle import (
    SOURCE_SPM,
    TARGET_SPM,
    BuildResult,
    Plan,
    card_license,
    copy_card,
    destination_for,
    model_kind,
    package_metadata,
    read_vocabulary,
    spdx,
    write_package,
)
from polyglot_news.version import __version__

__all__ = ["wrap_folder"]

#: SentencePiece layouts of converted models: (source, target) file names, first match wins.
_SPM_LAYOUTS = (
    ("source.spm", "target.spm"),
    ("sentencepiece.bpe.model", "sentencepiece.bpe.model"),
    (SOURCE_SPM, TARGET_SPM),
    (SOURCE_SPM, SOURCE_SPM),
    ("spm.model", "spm.model"),
)
_MODEL_FILES = ("model.bin", "config.json", "shared_vocabulary.json", "shared_vocabulary.txt",
                "source_vocabulary.json", "source_vocabulary.txt", "target_vocabulary.json",
                "target_vocabulary.txt", "vmap.txt")  # fmt: skip


def _config(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ModelError(f"{folder / 'config.json'}: unreadable ({exc})") from None
    if not isinstance(data, dict):
        raise ModelError(f"{folder / 'config.json'}: not a JSON object")
    if "model_type" in data and not (folder / "model.bin").is_file():
        raise ModelError(f"{folder}: a Hugging Face model, not a CTranslate2 one")
    return data


def wrap_folder(
    folder: Path,
    out: Path | None,
    *,
    from_code: str,
    targets: Sequence[str],
    license: str | None,
    provenance: dict[str, Any],
    version: str = "1.0",
) -> BuildResult:
    """Package the CTranslate2 model in ``folder`` as it is (no conversion, no torch).

    ``config.json`` gets ``add_source_eos: true`` where it lacks it: the Hugging Face tokenizers
    of Marian and NLLB end every source with ``</s>`` and the models expect it; the change is
    recorded in the provenance.

    Raises:
        ModelError: not a CTranslate2 folder, no SentencePiece model, a language the model's
            vocabulary lacks, a package over the install cap, an unwritable output.
    """
    if not (folder / "model.bin").is_file():
        raise ModelError(f"{folder}: no model.bin: not a CTranslate2 model folder")
    config = _config(folder)
    vocabulary = read_vocabulary(folder)
    spm = next(((s, t) for s, t in _SPM_LAYOUTS if (folder / s).is_file() and (folder / t).is_file()), None)
    if spm is None:
        raise ModelError(
            f"{folder}: no SentencePiece model (source.spm and target.spm, or sentencepiece.bpe.model); "
            "copy the original model's tokenizer files into the folder"
        )
    kind = model_kind(from_code, vocabulary)
    plan = Plan(kind, from_code, targets, vocabulary)
    notes: list[str] = []
    found_license = spdx(license) if license else card_license(folder)
    if not found_license:
        notes.append("the model's licence is unknown: pass --license and check it before sharing")
    name, destination = destination_for(str(provenance["model"]), from_code, targets, version, out)
    two_spm = spm[0] != spm[1]

    def fill(root: Path) -> dict[str, Any]:
        (root / "model").mkdir()
        for file_name in _MODEL_FILES:
            if (folder / file_name).is_file() and file_name != "config.json":
                shutil.copyfile(folder / file_name, root / "model" / file_name)
        adjusted = {}
        if config.get("add_source_eos") is not True:
            adjusted["add_source_eos"] = "set to true: the model's tokenizer ends every source with </s>"
        (root / "model" / "config.json").write_text(
            json.dumps({**config, "add_source_eos": True}, indent=2) + "\n", encoding="utf-8"
        )
        shutil.copyfile(folder / spm[0], root / SOURCE_SPM)
        if two_spm:
            shutil.copyfile(folder / spm[1], root / TARGET_SPM)
        copy_card(folder, root)
        return package_metadata(
            plan, from_code, targets, version,
            name=f"{provenance['model']} {from_code}→{','.join(targets)} (CTranslate2, as published)",
            two_spm=two_spm,
            license=found_license or "unknown",
            provenance={
                **provenance,
                "architecture": kind,
                "converter": "none: a ready CTranslate2 model, wrapped as it is",
                **({"config_adjusted": adjusted} if adjusted else {}),
                "builder": f"polyglot-news {__version__} models build",
            },
        )  # fmt: skip

    metadata = write_package(name, destination, fill)
    return BuildResult(destination, metadata, tuple(notes))

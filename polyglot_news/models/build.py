"""``polyglot-news models build``: turn an open Marian (OPUS-MT) or NLLB/M2M-100 model into a package.

The source is a local folder in Hugging Face format, or a model id that only this module
downloads, only when asked and only when online. The weights go through CTranslate2's own
``TransformersConverter`` (int8 by default), the SentencePiece models are copied beside them,
and ``metadata.json`` records the targets with their prefix tokens, the licence and the
provenance. The result is a ``.argosmodel`` zip that ``models install`` validates like any
other (the extended layout is documented in ``lang_models/README.md``).

torch, transformers and protobuf are build-time extras (see :data:`BUILD_HINT`), imported only
when a conversion runs. A folder (or hub repository) that already holds a CTranslate2 model is
only wrapped into a package (:mod:`.wrap`): no conversion, no torch.

Only a model id goes online, through :mod:`.hub`: the repository's real file list picks the
weight file to download (``model.safetensors`` if present, else ``pytorch_model.bin``; never
both, never ``tf_model.h5``), and the download lands in the hub cache (``~/.cache/huggingface/hub``).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from polyglot_news.errors import ModelError
from polyglot_news.languages import check_language_code
from polyglot_news.models import hub
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
from polyglot_news.models.metadata import validate_metadata
from polyglot_news.version import __version__, install_hint

__all__ = ["ARCHITECTURES", "BuildResult", "build_package", "guess_languages"]

#: How to get the conversion extras. torch's CPU-only wheel: a plain ``pip install torch`` on
#: Linux x86_64 pulls the CUDA build (gigabytes of CUDA wheels).
TORCH_CPU = "pip install torch --index-url https://download.pytorch.org/whl/cpu"
BUILD_HINT = (
    f"on Linux `{TORCH_CPU}` (CPU-only; on macOS/Windows `pip install torch`), then `{{extra}}`; "
    "or skip torch: fetch or wrap a ready CTranslate2 model"
)

#: ``config.json`` model_type -> the SentencePiece files a model of that kind ships.
ARCHITECTURES: dict[str, tuple[str, ...]] = {
    "marian": ("source.spm", "target.spm"),
    "m2m_100": ("sentencepiece.bpe.model",),
}

_MODEL_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_OPUS_NAME = re.compile(r"opus-mt-(?:tc-big-)?([a-z]{2,3})-([a-z]{2,3})$")
_TOKENIZER_FILE = re.compile(r"^(?:[^/]*\.(?:json|spm|model)|README\.md|LICENSE[^/]*)$")


def _known_code(code: str) -> str:
    """``bel``/``BE`` → ``be``; anything that is no language code is left for validation to name."""
    try:
        return check_language_code(code, "--to") if code else code
    except ValueError:
        return code


def guess_languages(name: str) -> tuple[str | None, list[str]]:
    """Source and targets read off an OPUS-MT name (``opus-mt-en-ru`` -> en, [ru]).

    Group codes such as ``zle`` give no target: the caller must name them.
    """
    match = _OPUS_NAME.search(name.rstrip("/").lower())
    if not match:
        return None, []
    source, target = match.groups()
    return (source if len(source) == 2 else None), ([target] if len(target) == 2 else [])


def _require_build_extras() -> None:
    try:
        import ctranslate2.converters  # type: ignore[import-untyped]  # noqa: F401
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as exc:
        hint = BUILD_HINT.format(extra=install_hint("build"))
        raise ModelError(f"models build needs {exc.name}: {hint}") from None


def _resolve(source: str, revision: str | None) -> tuple[Path, dict[str, Any]]:
    """A local model folder for ``source`` and the provenance fields it contributes."""
    path = Path(source).expanduser()
    if path.is_dir():
        return path, {"model": path.resolve().name, "origin": "local folder"}
    if not _MODEL_ID.match(source) or path.exists():
        raise ModelError(f"{source}: no such model folder (nor a model id like Helsinki-NLP/opus-mt-en-zle)")
    commit, files = hub.list_files(source, revision)
    names = [f.path for f in files]
    if is_ct2_listing(names):  # a ready CTranslate2 model: its files, no weights to convert
        wanted = [n for n in names if "/" not in n]
    else:
        _require_build_extras()
        weights = hub.choose_weights(names)
        wanted = [n for n in names if _TOKENIZER_FILE.match(n) and not n.endswith(".index.json")]
        wanted = sorted(set(wanted) | set(weights))
    folder = hub.snapshot(source, commit, wanted)
    listed = {f.path: f for f in files}
    for name in wanted:
        problem = listed[name].check(folder / name) if (folder / name).is_file() else "missing after download"
        if problem:
            raise ModelError(f"{source}/{name} at {commit[:12]}: {problem}; clear it from the hub cache and retry")
    return folder, {"model": source, "origin": "huggingface", "revision": commit}


def is_ct2_listing(names: Sequence[str]) -> bool:
    """Whether a folder's file names are those of a CTranslate2 model (``model.bin`` + vocabulary)."""
    top = set(names)
    vocabulary = any(
        f"{side}vocabulary.{ext}" in top for side in ("shared_", "source_") for ext in ("json", "txt")
    )
    return "model.bin" in top and vocabulary and "pytorch_model.bin" not in top


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{path.parent}: no {path.name}; is this a Hugging Face model folder?") from None
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: unreadable ({exc})") from None
    except RecursionError:
        raise ModelError(f"{path}: unreadable (nested too deeply)") from None
    if not isinstance(data, dict):
        raise ModelError(f"{path}: not a JSON object")
    return data


def _check_planned(from_code: str, targets: Sequence[str], version: str) -> None:
    """Refuse, before any conversion, what ``models install`` would refuse in the metadata."""
    planned = {
        "package_version": version,
        "type": "translate",
        "from_code": from_code,
        "to_code": targets[0],
        "targets": {code: {} for code in targets},
    }
    validate_metadata(planned, "models build (check --from, --to and --version)")


def _tokenizer_class(folder: Path) -> str:
    tokenizer_config = folder / "tokenizer_config.json"
    if not tokenizer_config.is_file():
        return ""
    return str(_read_json(tokenizer_config).get("tokenizer_class") or "")


def _convert(folder: Path, model_dir: Path, quantization: str) -> None:
    from ctranslate2.converters import TransformersConverter

    class _Converter(TransformersConverter):  # type: ignore[misc]
        """CTranslate2 appends ``</s>`` to every source, as the Hugging Face tokenizers do."""

        def _load(self) -> Any:
            spec = super()._load()
            spec.config.add_source_eos = True
            return spec

    try:
        _Converter(str(folder)).convert(str(model_dir), quantization=quantization, force=True)
    except (ValueError, RuntimeError, OSError, KeyError, ImportError) as exc:
        raise ModelError(f"{folder}: CTranslate2 could not convert the model: {exc}") from None


def build_package(
    source: str | Path,
    out: Path | None = None,
    *,
    from_code: str | None = None,
    to_codes: Sequence[str] | None = None,
    license: str | None = None,
    revision: str | None = None,
    version: str = "1.0",
    quantization: str = "int8",
) -> BuildResult:
    """Convert a Marian or NLLB/M2M-100 model into a ``.argosmodel`` package, or wrap a CTranslate2 one.

    A folder (or hub repository) holding a CTranslate2 model (``model.bin`` + vocabulary) is
    wrapped as it is by :func:`polyglot_news.models.wrap.wrap_folder`: no conversion, no torch.

    Args:
        source: a local model folder, or a model id (downloaded: needs the network).
        out: the ``.argosmodel`` file to write, or a folder for it (default: the current folder).
        from_code, to_codes: ISO 639-1 codes; read off OPUS-MT names such as ``opus-mt-en-ru``
            when not given. The first target is the package's default ``to_code``.
        license: the model's licence, when its model card does not state it.
        revision: the hub revision to download (ignored for a local folder); the package records
            the commit it resolved to.

    Raises:
        ModelError: missing build extras (for a conversion), an unreachable hub, an unsupported
            or incomplete model, a language the model lacks, a package over the install cap, or
            an unwritable output.
    """
    local = Path(str(source)).expanduser()
    if local.is_dir() and not is_ct2_listing([p.name for p in local.iterdir()]):
        if not (local / "config.json").is_file():  # say what is missing before asking for torch
            raise ModelError(
                f"{local}: not a model folder: no config.json (a Hugging Face model) and no model.bin with "
                "its vocabulary (a CTranslate2 model)"
            )
        _require_build_extras()  # before anything else: a conversion needs torch
    folder, provenance = _resolve(str(source), revision)
    from_code, targets = _languages(provenance["model"], from_code, to_codes, version)
    if is_ct2_listing([p.name for p in folder.iterdir()]):
        from polyglot_news.models.wrap import wrap_folder

        return wrap_folder(
            folder, out, from_code=from_code, targets=targets, license=license, provenance=provenance, version=version
        )
    config = _read_json(folder / "config.json")
    model_type = str(config.get("model_type"))
    if model_type not in ARCHITECTURES:
        raise ModelError(
            f"{folder}: model_type {model_type!r} is not supported (supported: {', '.join(ARCHITECTURES)})"
        )
    spm_files = [folder / name for name in ARCHITECTURES[model_type]]
    for spm_file in spm_files:
        if not spm_file.is_file():
            raise ModelError(f"{folder}: no {spm_file.name} (the model's SentencePiece tokenizer)")
    kind = model_kind(from_code, (), model_type=model_type, tokenizer_class=_tokenizer_class(folder))
    notes: list[str] = []
    found_license = spdx(license) if license else card_license(folder)
    if not found_license:
        notes.append("the model's licence is unknown: pass --license and check it before sharing")
    name, destination = destination_for(str(provenance["model"]), from_code, targets, version, out)

    def fill(root: Path) -> dict[str, Any]:
        _convert(folder, root / "model", quantization)
        plan = Plan(kind, from_code, targets, read_vocabulary(root / "model"))
        shutil.copyfile(spm_files[0], root / SOURCE_SPM)
        shutil.copyfile(spm_files[-1], root / (TARGET_SPM if len(spm_files) > 1 else SOURCE_SPM))
        copy_card(folder, root)
        import ctranslate2
        import transformers

        return package_metadata(
            plan, from_code, targets, version,
            name=f"{provenance['model']} {from_code}→{','.join(targets)} ({quantization})",
            two_spm=len(spm_files) > 1,
            license=found_license or "unknown",
            provenance={
                **provenance,
                "architecture": kind,
                "converter": f"ctranslate2 {ctranslate2.__version__} TransformersConverter",
                "transformers": transformers.__version__,
                "quantization": quantization,
                "builder": f"polyglot-news {__version__} models build",
            },
        )  # fmt: skip

    metadata = write_package(name, destination, fill)
    return BuildResult(destination, metadata, tuple(notes))


def _languages(
    model: str, from_code: str | None, to_codes: Sequence[str] | None, version: str
) -> tuple[str, list[str]]:
    """The source and targets asked for (or read off an OPUS-MT name), checked before any work."""
    guessed_from, guessed_to = guess_languages(model)
    from_code = _known_code(from_code or guessed_from or "") or None
    targets = list(dict.fromkeys(_known_code(c) for c in (to_codes or guessed_to)))
    if not from_code or not targets:
        raise ModelError(f"{model}: name the languages with --from and --to (e.g. --from en --to be,ru)")
    if from_code in targets:
        raise ModelError(f"{from_code} is both the source and a target")
    _check_planned(from_code, targets, version)
    return from_code, targets

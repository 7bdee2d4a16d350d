"""Loading packages onto CTranslate2 + SentencePiece, once per process (the package cache)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from polyglot_news.errors import ModelError
from polyglot_news.translation.decoding import DecodeOptions, resolve_compute_type


@dataclass(frozen=True)
class TargetSpec:
    """What a package needs to produce one target language.

    ``source_prefix`` tokens go before the source tokens (Marian's ``>>bel<<``, NLLB's
    ``eng_Latn``); ``target_prefix`` is forced as the first target token (NLLB's ``bel_Cyrl``).
    """

    source_prefix: tuple[str, ...] = ()
    target_prefix: str = ""


@dataclass(frozen=True)
class LoadedPackage:
    """A package ready to translate: metadata, CTranslate2 translator and tokenizers.

    ``tokenizer`` encodes the source; ``target_tokenizer`` decodes the output (the same
    object unless the package names a separate ``target_sentencepiece``). ``targets`` maps
    every language the package produces to its :class:`TargetSpec`; ``to_code`` is the default.
    """

    path: Path
    from_code: str
    to_code: str
    version: str
    target_prefix: str
    compute_type: str
    translator: Any = field(repr=False, compare=False)
    tokenizer: Any = field(repr=False, compare=False)
    target_tokenizer: Any = field(default=None, repr=False, compare=False)
    targets: dict[str, TargetSpec] = field(default_factory=dict, compare=False)
    memo: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False, compare=False)
    """Recent outputs by (target, options, attention, text): a pivot's first hop and a direct
    route to the same language share it, and so do repeated sentences across articles."""

    def spec(self, target: str | None = None) -> TargetSpec:
        """The prefixes for ``target`` (default: ``to_code``).

        Raises:
            ModelError: the package does not produce ``target``.
        """
        code = target or self.to_code
        found = self.targets.get(code)
        if found is None:
            if code == self.to_code:
                return TargetSpec((), self.target_prefix)
            served = ", ".join(sorted(self.targets) or [self.to_code])
            raise ModelError(f"{self.path} translates {self.from_code} into {served}, not into {code!r}")
        return found


_CACHE: dict[tuple[str, str, int, int], LoadedPackage] = {}
_CACHE_LOCK = threading.Lock()


def clear_cache() -> None:
    """Forget every loaded package (they are freed once no translator holds them)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def _metadata(package_dir: Path) -> dict[str, Any]:
    path = package_dir / "metadata.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{package_dir} is not a model package: metadata.json is missing") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"cannot read {path}: {exc}") from None
    except RecursionError:
        raise ModelError(f"cannot read {path}: JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise ModelError(f"{path} does not hold a JSON object")
    for key in ("from_code", "to_code"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise ModelError(f"{path} lacks a {key!r} string")
    return data


def _prefix_tokens(value: object, where: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if not isinstance(value, str):
        raise ModelError(f"{where}: a source_prefix must be a string of tokens")
    return tuple(value.split())


def _target_specs(meta: dict[str, Any], where: str) -> dict[str, TargetSpec]:
    """Every target of a package; a key a ``targets`` entry omits takes the package-level value."""
    base_source = meta.get("source_prefix")
    base_target = meta.get("target_prefix") or ""
    specs = {meta["to_code"]: TargetSpec(_prefix_tokens(base_source, where), str(base_target))}
    extra = meta.get("targets")
    if extra is None:
        return specs
    if not isinstance(extra, dict):
        raise ModelError(f"{where}: 'targets' must map language codes to objects")
    for code, entry in extra.items():
        entry = {} if entry is None else entry
        if not isinstance(entry, dict):
            raise ModelError(f"{where}: targets[{code!r}] is not an object")
        target_prefix = entry.get("target_prefix", base_target) or ""
        if not isinstance(target_prefix, str):
            raise ModelError(f"{where}: targets[{code!r}].target_prefix is not a string")
        specs[str(code)] = TargetSpec(_prefix_tokens(entry.get("source_prefix", base_source), where), target_prefix)
    return specs


def _tokenizer_file(package_dir: Path, meta: dict[str, Any], key: str, default: str) -> Path:
    name = meta.get(key) or default
    if not isinstance(name, str) or "/" in name or "\\" in name or name.startswith("."):
        raise ModelError(f"{package_dir}: metadata {key} {name!r} is not a plain file name")
    return package_dir / name


def load(package_dir: Path, options: DecodeOptions | None = None) -> LoadedPackage:
    """Load an unpacked package (once per path, compute type and thread setting in a process).

    Raises:
        ModelError: the directory is not a usable package (metadata, model or tokenizer).
    """
    options = options or DecodeOptions()
    package_dir = Path(package_dir).resolve()
    compute_type = resolve_compute_type(options.compute_type)
    key = (str(package_dir), compute_type, options.inter_threads, options.intra_threads)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            return cached
        meta = _metadata(package_dir)
        targets = _target_specs(meta, str(package_dir / "metadata.json"))
        model_dir = package_dir / "model"
        sp_model = _tokenizer_file(package_dir, meta, "source_sentencepiece", "sentencepiece.model")
        sp_target = _tokenizer_file(package_dir, meta, "target_sentencepiece", sp_model.name)
        if not (model_dir / "model.bin").is_file():
            raise ModelError(f"{package_dir} has no CTranslate2 model (model/model.bin)")
        for sp_file in dict.fromkeys((sp_model, sp_target)):
            if not sp_file.is_file():
                hint = " (BPE-tokenized packages are not supported)" if sp_file.name == "sentencepiece.model" else ""
                raise ModelError(f"{package_dir} has no {sp_file.name}{hint}")
        import ctranslate2  # type: ignore[import-untyped]
        import sentencepiece

        try:
            translator = ctranslate2.Translator(
                str(model_dir),
                device="cpu",
                compute_type=compute_type,
                inter_threads=options.inter_threads,
                intra_threads=options.intra_threads,
            )
            tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(sp_model))
            target_tokenizer = (
                tokenizer if sp_target == sp_model else sentencepiece.SentencePieceProcessor(model_file=str(sp_target))
            )
        except (RuntimeError, ValueError, OSError, IndexError, KeyError) as exc:
            raise ModelError(f"cannot load the model in {package_dir}: {exc}") from None
        package = LoadedPackage(
            path=package_dir,
            from_code=meta["from_code"],
            to_code=meta["to_code"],
            version=str(meta.get("package_version", "")),
            target_prefix=str(meta.get("target_prefix") or ""),
            compute_type=compute_type,
            translator=translator,
            tokenizer=tokenizer,
            target_tokenizer=target_tokenizer,
            targets=targets,
        )
        _CACHE[key] = package
        return package



"""Loading packages onto CTranslate2 + SentencePiece, once per process (the package cache).

What a package declares comes from :mod:`polyglot_news.models.metadata` (through the store's
:class:`Package`); nothing here reads ``metadata.json`` itself.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from polyglot_news.errors import ModelError
from polyglot_news.models.metadata import PackageInfo, TargetSpec
from polyglot_news.models.store import Package, load_package
from polyglot_news.translation.decoding import DecodeOptions, resolve_compute_type


@dataclass(frozen=True)
class LoadedPackage:
    """A package ready to translate: the installed :class:`Package`, CTranslate2 translator and tokenizers.

    ``tokenizer`` encodes the source; ``target_tokenizer`` decodes the output (the same
    object unless the package names a separate ``target_sentencepiece``). ``targets`` maps
    every language the package produces to its :class:`TargetSpec`; ``to_code`` is the default.
    """

    package: Package
    compute_type: str
    translator: Any = field(repr=False, compare=False)
    tokenizer: Any = field(repr=False, compare=False)
    target_tokenizer: Any = field(default=None, repr=False, compare=False)
    memo: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False, compare=False)
    """Recent calls' outputs by (target, options, attention, every text of the call): a pivot's
    first hop repeats the direct route's call exactly and reuses it (see ``engine._remember``)."""

    @property
    def path(self) -> Path:
        return self.package.path

    @property
    def info(self) -> PackageInfo:
        return self.package.info

    @property
    def from_code(self) -> str:
        return self.package.info.from_code

    @property
    def to_code(self) -> str:
        return self.package.info.to_code

    @property
    def version(self) -> str:
        return self.package.info.version

    @property
    def targets(self) -> dict[str, TargetSpec]:
        return self.package.info.targets

    def spec(self, target: str | None = None) -> TargetSpec:
        """The prefixes for ``target`` (default: ``to_code``).

        Raises:
            ModelError: the package does not produce ``target``.
        """
        code = target or self.to_code
        found = self.targets.get(code)
        if found is None:
            served = ", ".join(sorted(self.targets))
            raise ModelError(f"{self.path} translates {self.from_code} into {served}, not into {code!r}")
        return found


_CACHE: dict[tuple[str, str, int, int], LoadedPackage] = {}
_CACHE_LOCK = threading.Lock()


def clear_cache() -> None:
    """Forget every loaded package (they are freed once no translator holds them)."""
    with _CACHE_LOCK:
        _CACHE.clear()


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
        if not (package_dir / "metadata.json").is_file():
            raise ModelError(f"{package_dir} is not a model package: metadata.json is missing")
        installed = load_package(package_dir, "path")
        info = installed.info
        model_dir = package_dir / "model"
        sp_model = package_dir / info.source_sentencepiece
        sp_target = package_dir / info.target_sentencepiece
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
            package=installed,
            compute_type=compute_type,
            translator=translator,
            tokenizer=tokenizer,
            target_tokenizer=target_tokenizer,
        )
        _CACHE[key] = package
        return package



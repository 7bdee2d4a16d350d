"""Loading packages onto CTranslate2 + SentencePiece, once per process and package version (the cache).

What a package declares comes from :mod:`polyglot_news.models.metadata` (through the store's
:class:`Package`); nothing here reads ``metadata.json`` itself. What was loaded is known down
to its bytes: the loader snapshots the identity (device, inode, size, times) of every file it
reads before and after reading them, keeps the load only if nothing changed in between, takes
each file's sha256 (:mod:`polyglot_news.models.identity`; a package of our store must still
match its install manifest) and records the model's on the loaded :class:`Package`. A cached
load serves only while its files keep the identities they had: a package replaced, changed or
removed since is loaded again (or refused), never served under its old name.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from polyglot_news.errors import ModelError
from polyglot_news.models.archive import MANIFEST
from polyglot_news.models.identity import (
    MODEL_FILE,
    PackageChanged,
    Snapshot,
    check,
    file_id,
    gone,
    loaded_files,
    snapshot,
)
from polyglot_news.models.metadata import PackageInfo, TargetSpec
from polyglot_news.models.store import Package, load_package
from polyglot_news.translation.decoding import DecodeOptions, resolve_compute_type


@dataclass(frozen=True)
class LoadedPackage:
    """A package ready to translate: the :class:`Package` as loaded, CTranslate2 translator and tokenizers.

    ``package`` holds the metadata read with the model and the model's sha256 (``sha256``).
    ``tokenizer`` encodes the source; ``target_tokenizer`` decodes the output (the same
    object unless the package names a separate ``target_sentencepiece``). ``targets`` maps
    every language the package produces to its :class:`TargetSpec`; ``to_code`` is the default.
    ``files`` is the identity of every file the load read.
    """

    package: Package
    compute_type: str
    translator: Any = field(repr=False, compare=False)
    tokenizer: Any = field(repr=False, compare=False)
    target_tokenizer: Any = field(default=None, repr=False, compare=False)
    memo: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False, compare=False)
    """Recent calls' outputs by (target, options, attention, every text of the call): a pivot's
    first hop repeats the direct route's call exactly and reuses it (see ``engine._remember``)."""
    files: Snapshot = field(default=(), repr=False, compare=False)

    def hop(self, given: Package, target: str) -> Package:
        """``given`` (as a route found it) producing ``target``, with the metadata and model hash loaded."""
        loaded = self.package
        return dataclasses.replace(
            given, info=loaded.info, metadata_id=loaded.metadata_id, sha256=loaded.sha256, to_code=target
        )

    def current(self) -> bool:
        """True while every file the load read still has the identity it had (same version on disk)."""
        try:
            return snapshot(self.path, [rel for rel, _ in self.files if rel != MANIFEST]) == self.files
        except ModelError:
            return False

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


def load(package: Package | Path, options: DecodeOptions | None = None) -> LoadedPackage:
    """Load a package (once per package version, compute type and thread setting in a process).

    ``package`` is a :class:`Package` a route names, or (read afresh) an unpacked package folder.
    A package whose ``metadata.json`` changed since the store was scanned is read again, and
    a cached load whose files changed since is replaced: the result always describes the files
    the model was read from.

    Raises:
        ModelError: the folder is not a usable package (metadata, model or tokenizer), its files
            differ from its install manifest, it no longer translates the given package's
            source language, or it kept changing (or vanished) while being loaded.
    """
    options = options or DecodeOptions()
    package_dir = (package.path if isinstance(package, Package) else Path(package)).resolve()
    compute_type = resolve_compute_type(options.compute_type)
    key = (str(package_dir), compute_type, options.inter_threads, options.intra_threads)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None and cached.current():
            return _checked(cached, package)
        _CACHE.pop(key, None)  # a version no longer on disk: freed once no translator holds it
        for attempt in range(3):
            try:
                loaded = _load(package_dir, package, compute_type, options)
            except PackageChanged:
                if attempt == 2:
                    raise
                continue
            _CACHE[key] = loaded
            return _checked(loaded, package)
    raise AssertionError("unreachable")


def _checked(loaded: LoadedPackage, wanted: Package | Path) -> LoadedPackage:
    """``loaded``, unless it no longer translates from the language the given package did."""
    if isinstance(wanted, Package) and wanted.from_code != loaded.from_code:
        raise ModelError(
            f"{loaded.path} now translates {loaded.from_code}, not {wanted.from_code}: it was replaced "
            "since the route was chosen; run the command again"
        )
    return loaded


def _load(package_dir: Path, wanted: Package | Path, compute_type: str, options: DecodeOptions) -> LoadedPackage:
    """One attempt; PackageChanged when a file changed (or vanished) while it was read."""
    scanned = wanted if isinstance(wanted, Package) else None
    try:
        metadata_id = file_id(os.stat(package_dir / "metadata.json"))
    except FileNotFoundError:
        if scanned is not None:
            raise gone(package_dir) from None
        raise ModelError(f"{package_dir} is not a model package: metadata.json is missing") from None
    if scanned is not None and scanned.metadata_id == metadata_id:  # as the scan read it
        installed = dataclasses.replace(scanned, path=package_dir, to_code=scanned.info.to_code)
    else:  # a folder, or a package changed since the scan: read it now
        origin, name = (scanned.origin, scanned.name) if scanned is not None else ("path", None)
        installed = load_package(package_dir, origin, name)
    for sp_name in dict.fromkeys((installed.info.source_sentencepiece, installed.info.target_sentencepiece)):
        if not (package_dir / sp_name).is_file():
            hint = " (BPE-tokenized packages are not supported)" if sp_name == "sentencepiece.model" else ""
            raise ModelError(f"{package_dir} has no {sp_name}{hint}")
    files = loaded_files(package_dir, installed.info)
    before = snapshot(package_dir, files)
    if dict(before)["metadata.json"] != installed.metadata_id:
        raise PackageChanged(f"{package_dir}: metadata.json changed while it was being read")
    digests = check(package_dir, before)
    translator, tokenizer, target_tokenizer = _open(package_dir, installed.info, compute_type, options)
    if snapshot(package_dir, files) != before:
        raise PackageChanged(f"{package_dir} changed while it was being loaded; run the command again")
    return LoadedPackage(
        package=dataclasses.replace(installed, sha256=digests[MODEL_FILE]),
        compute_type=compute_type,
        translator=translator,
        tokenizer=tokenizer,
        target_tokenizer=target_tokenizer,
        files=before,
    )


def _open(package_dir: Path, info: PackageInfo, compute_type: str, options: DecodeOptions) -> tuple[Any, Any, Any]:
    """The CTranslate2 translator and the source and target SentencePiece processors of a package."""
    sp_model = package_dir / info.source_sentencepiece
    sp_target = package_dir / info.target_sentencepiece
    import ctranslate2  # type: ignore[import-untyped]
    import sentencepiece

    try:
        translator = ctranslate2.Translator(
            str(package_dir / "model"),
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
    return translator, tokenizer, target_tokenizer

"""The model store: find, install, verify and remove Argos-format translation packages.

An Argos package (``.argosmodel``) is a zip holding ONE folder with ``metadata.json``
(``from_code``, ``to_code``, ``package_version``, …), a CTranslate2 model in ``model/`` and a
tokenizer (``sentencepiece.model``, or ``bpe.model`` in older packages).

Store layout (one folder per package: ``translate-<from>_<targets>`` like argospm's package
codes, plus ``-<model>`` for a package built from a model, see
:func:`polyglot_news.models.installer.package_folder_name`). What a package declares is parsed
once, by :mod:`polyglot_news.models.metadata`, into the :class:`Package`'s ``info``::

    <store>/.lock                     every write holds an exclusive flock on it
    <store>/translate-en_ru/          an installed package, with our manifest
            .polyglot-news.json       sha256 of the archive and of every file (for verify)
    <store>/.tmp-install-*/           an install in progress (gone on success or failure)
    <store>/.old-translate-en_ru.*    the replaced version, for the instant of the swap

Writes (install, remove, fetch) validate first (:mod:`polyglot_news.archive`), then extract
into a temporary folder inside the store and rename it into place under the lock, so a failed
or interrupted install leaves the store as it was. Existing Argos package folders are
discovered read-only. Only :func:`fetch` touches the network (through :mod:`polyglot_news.fetch`).
An install never silently replaces a package of another model, a real one by a TEST MODEL, or a
higher version (:func:`polyglot_news.models.installer.replacement_refusal`).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from polyglot_news.errors import ModelError
from polyglot_news.models.archive import RECORD, check_required, walk_files
from polyglot_news.models.identity import FileId, content_hash, file_id
from polyglot_news.models.metadata import TYPES, PackageInfo, declared_type, parse_info
from polyglot_news.models.temporaries import swapped_out

# ORIGIN_RANK: how listings order the same pair, our store's copy before an Argos dir's.
ORIGIN_RANK = {"store": 0, "argos": 1}


@dataclass(frozen=True)
class Package:
    """An installed translation package (a folder on disk) and its parsed ``metadata.json``.

    ``to_code`` is the target this view of the package serves: its ``info.to_code`` unless
    routing made one view per target of a multilingual package. ``metadata_id`` is the
    identity of the ``metadata.json`` that ``info`` was read from; ``sha256`` is that of
    ``model/model.bin`` as the loader read it (``None`` until the package is loaded).
    """

    path: Path
    name: str
    size_bytes: int
    origin: str  # "store" (ours, writable) or "argos" (an Argos packages dir, read-only)
    info: PackageInfo = field(compare=False, repr=False)
    to_code: str = ""
    metadata_id: FileId | None = field(default=None, compare=False, repr=False)
    sha256: str | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.to_code:
            object.__setattr__(self, "to_code", self.info.to_code)

    @property
    def from_code(self) -> str:
        return self.info.from_code

    @property
    def version(self) -> str:
        return self.info.version

    @property
    def target_prefix(self) -> str | None:
        spec = self.info.targets.get(self.to_code)
        return (spec.target_prefix if spec else None) or None

    @property
    def pair(self) -> str:
        return f"{self.from_code}→{self.to_code}"

    @property
    def model_name(self) -> str:
        """The model's name in signatures and listings: its source model, else the folder name."""
        return self.info.model_name or self.name

    @property
    def identity(self) -> str:
        """``NAME@HASH8``: which model, down to its bytes: those the loader read (``sha256``), or
        for a package not loaded, ``model.bin`` as it is on disk now (:func:`.identity.content_hash`)."""
        digest = self.sha256[:8] if self.sha256 else content_hash(self.path)
        return f"{self.model_name}@{digest}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "pair": self.pair,
            "from_code": self.from_code,
            "to_code": self.to_code,
            "version": self.version,
            "size_bytes": self.size_bytes,
            "origin": self.origin,
            "path": str(self.path),
            "target_prefix": self.target_prefix,
        }


@dataclass(frozen=True)
class Problem:
    """A package folder that could not be read; listing skips it and reports it."""

    path: Path
    message: str
    origin: str = "store"



# ---------------------------------------------------------------- paths


def _data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share"))


def store_dir(explicit: Path | None = None) -> Path:
    """The store: ``explicit``, else ``$POLYGLOT_NEWS_MODELS``, else the per-user data dir.

    Never created here; only a write (install, fetch) creates it.
    """
    if explicit is not None:
        return Path(explicit).expanduser()
    env = os.environ.get("POLYGLOT_NEWS_MODELS")
    if env:
        return Path(env).expanduser()
    return _data_home() / "polyglot-news" / "models"


def argos_dirs() -> list[Path]:
    """Existing Argos Translate package dirs, used read-only.

    Same lookup as argostranslate's settings: ``$ARGOS_PACKAGES_DIR``, else the legacy
    ``$ARGOS_TRANSLATE_PACKAGES_DIR``, else ``$XDG_DATA_HOME/argos-translate/packages``.
    """
    env = os.environ.get("ARGOS_PACKAGES_DIR") or os.environ.get("ARGOS_TRANSLATE_PACKAGES_DIR")
    if env:
        candidate = Path(env).expanduser()
    else:
        candidate = _data_home() / "argos-translate" / "packages"
    return [candidate] if candidate.is_dir() else []


# ---------------------------------------------------------------- reading and listing


def load_package(path: Path, origin: str = "store", name: str | None = None) -> Package:
    """Read one unpacked package folder; raise ModelError if it is not a usable package."""
    where = str(path)
    try:
        meta_file = path / "metadata.json"
        if meta_file.is_symlink() or not meta_file.is_file():
            raise ModelError(f"{where}: no metadata.json")
        with open(meta_file, "rb") as handle:
            metadata_id = file_id(os.fstat(handle.fileno()))
            info = parse_info(handle.read(), where)
        names: set[str] = set()
        size = 0
        for rel, st in walk_files(path):
            if stat.S_ISREG(st.st_mode) and rel != RECORD:  # the size is the package's and our manifest's
                names.add(rel)
                size += st.st_size
    except OSError as exc:
        raise ModelError(f"{where}: unreadable: {exc.strerror or exc}") from None
    check_required(names, where, info)
    return Package(
        path=path, name=name or path.name, size_bytes=size, origin=origin, info=info, metadata_id=metadata_id
    )


def _is_argos_sbd(path: Path) -> bool:
    """An Argos sentence-boundary package: valid for Argos, not a translation package."""
    try:
        kind = declared_type((path / "metadata.json").read_bytes())
    except OSError:
        return False
    return kind is not None and kind not in TYPES


def _store_entries(store: Path) -> list[Path]:
    """Package folders of the store, with a swapped-out version standing in for a missing one."""
    if not store.is_dir():
        return []
    entries = sorted(store.iterdir())
    live = {e.name for e in entries}
    chosen: list[Path] = []
    for entry in entries:
        if not entry.name.startswith("."):
            if entry.is_dir():
                chosen.append(entry)
        elif entry.name.startswith(".old-"):
            original = swapped_out(entry.name)
            # An install died between its two renames: the old version is still the truth.
            if original not in live and entry.is_dir():
                live.add(original)
                chosen.append(entry)
    return chosen


def scan_packages(
    store: Path | None = None, *, include_argos: bool = True
) -> tuple[list[Package], list[Problem]]:
    """All packages of the store (and of Argos dirs), plus the folders that could not be read.

    Sorted by pair, then origin (store before argos), then name and path.
    """
    check_store(store_dir(store))
    sources: list[tuple[str, list[Path]]] = [("store", _store_entries(store_dir(store)))]
    packages: list[Package] = []
    problems: list[Problem] = []
    for adir in argos_dirs() if include_argos else []:
        try:
            sources.append(("argos", sorted(p for p in adir.iterdir() if p.is_dir())))
        except OSError as exc:
            problems.append(Problem(adir, f"unreadable: {exc.strerror or exc}", "argos"))
    seen: set[Path] = set()
    for origin, paths in sources:
        for path in paths:
            real = path.resolve()
            if real in seen:
                continue
            seen.add(real)
            name = path.name
            if name.startswith(".old-"):
                name = swapped_out(name)
            try:
                packages.append(load_package(path, origin, name))
            except ModelError as exc:
                if origin == "argos" and _is_argos_sbd(path):
                    continue
                problems.append(Problem(path, str(exc), origin))
    packages.sort(
        key=lambda p: (p.from_code, p.to_code, ORIGIN_RANK[p.origin], p.name, str(p.path))
    )
    return packages, problems


def list_packages(store: Path | None = None, *, include_argos: bool = True) -> list[Package]:
    """The usable packages (see :func:`scan_packages` for the broken ones)."""
    return scan_packages(store, include_argos=include_argos)[0]


# ---------------------------------------------------------------- locking and journal




# ---------------------------------------------------------------- store checks


def _named(store: Path) -> str:
    """How an error names the store: where its path came from, then the path."""
    env = os.environ.get("POLYGLOT_NEWS_MODELS")
    if env and Path(env).expanduser() == store:
        return f"model store {store} (from $POLYGLOT_NEWS_MODELS)"
    return f"model store {store}"


def check_store(store: Path, *, write: bool = False) -> None:
    """Raise ModelError if ``store`` cannot serve as the model store.

    A missing store is fine (the first install creates it). One that is a file, that cannot be
    read, or (with ``write``) cannot be written is refused with the same words whether it came
    from ``--models`` or ``$POLYGLOT_NEWS_MODELS``, naming the fix instead of a package.
    """
    hint = "point --models or $POLYGLOT_NEWS_MODELS at a folder you can write"
    if not store.exists():
        parent = store.parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        if not parent.is_dir():
            raise ModelError(f"{_named(store)}: {parent} is a file, not a folder; {hint}")
        if write and not os.access(parent, os.W_OK | os.X_OK):
            raise ModelError(f"{_named(store)}: cannot create it, {parent} is read-only; {hint}")
        return
    if not store.is_dir():
        raise ModelError(f"{_named(store)} is a file, not a folder; {hint}")
    if not os.access(store, os.R_OK | os.X_OK):
        raise ModelError(f"{_named(store)} is not readable; {hint}")
    if write and not os.access(store, os.W_OK):
        raise ModelError(f"{_named(store)} is read-only; {hint}")


def prepare_store(store: Path) -> None:
    """Check ``store`` for writing and create it; ModelError (naming the store) if impossible."""
    check_store(store, write=True)
    try:
        store.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelError(f"{_named(store)}: cannot create it: {exc.strerror or exc}") from None

"""The model store: find, install, verify and remove Argos-format translation packages.

An Argos package (``.argosmodel``) is a zip holding ONE folder with ``metadata.json``
(``from_code``, ``to_code``, ``package_version``, …), a CTranslate2 model in ``model/`` and a
tokenizer (``sentencepiece.model``, or ``bpe.model`` in older packages).

Store layout (one folder per language pair, named like argospm's package codes)::

    <store>/.lock                     every write holds an exclusive flock on it
    <store>/translate-en_ru/          an installed package, with our manifest
            .polyglot-news.json       sha256 of the archive and of every file (for verify)
    <store>/.tmp-install-*/           an install in progress (gone on success or failure)
    <store>/.old-translate-en_ru.*    the replaced version, for the instant of the swap

Writes (install, remove, fetch) validate first (:mod:`polyglot_news.archive`), then extract
into a temporary folder inside the store and rename it into place under the lock, so a failed
or interrupted install leaves the store as it was. Existing Argos package folders are
discovered read-only. Only :func:`fetch` touches the network (through :mod:`polyglot_news.fetch`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from polyglot_news.archive import (
    CHUNK,
    MAX_METADATA_BYTES,
    MAX_UNPACKED_BYTES,
    check_manifest,
    check_required,
    parse_metadata,
    plan_archive,
    plan_tree,
    sha256_stream,
    walk_files,
    write_manifest,
)
from polyglot_news.archive import INSTALL_HINT as INSTALL_HINT
from polyglot_news.archive import MANIFEST as MANIFEST
from polyglot_news.archive import version_key as version_key
from polyglot_news.errors import ModelError
from polyglot_news.fetch import DEFAULT_INDEX_URL as DEFAULT_INDEX_URL
from polyglot_news.fetch import download, load_catalog, locate

# Names imported "as" themselves are re-exported: the CLI and tests use them as models.NAME.
# ORIGIN_RANK: how listings order the same pair, our store's copy before an Argos dir's.
ORIGIN_RANK = {"store": 0, "argos": 1}


@dataclass(frozen=True)
class Package:
    """An installed translation package (a folder on disk)."""

    path: Path
    from_code: str
    to_code: str
    version: str
    name: str
    size_bytes: int
    origin: str  # "store" (ours, writable) or "argos" (an Argos packages dir, read-only)
    target_prefix: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def pair(self) -> str:
        return f"{self.from_code}→{self.to_code}"

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
        data = parse_metadata(meta_file.read_bytes(), where)
        names: set[str] = set()
        size = 0
        for rel, st in walk_files(path):
            if stat.S_ISREG(st.st_mode):
                names.add(rel)
                size += st.st_size
    except OSError as exc:
        raise ModelError(f"{where}: unreadable: {exc.strerror or exc}") from None
    check_required(names, where, data)
    return Package(
        path=path,
        from_code=data["from_code"],
        to_code=data["to_code"],
        version=data["package_version"],
        name=name or path.name,
        size_bytes=size,
        origin=origin,
        target_prefix=data.get("target_prefix") or None,
        metadata=data,
    )


def _is_argos_sbd(path: Path) -> bool:
    """An Argos sentence-boundary package: valid for Argos, not a translation package."""
    try:
        data = json.loads((path / "metadata.json").read_bytes()[:MAX_METADATA_BYTES])
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and data.get("type") not in (None, "translate")


def _swapped_out(name: str) -> str:
    """The package folder a ``.old-<name>.<random>`` entry was swapped out of."""
    return name[len(".old-") :].rsplit(".", 1)[0]


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
            original = _swapped_out(entry.name)
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
                name = _swapped_out(name)
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


@contextlib.contextmanager
def _locked(store: Path) -> Iterator[None]:
    """Hold the store's exclusive inter-process lock; tidy what a killed writer left."""
    store.mkdir(parents=True, exist_ok=True)
    fd = os.open(store / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - no flock on Windows: single writer assumed
            pass
        else:
            fcntl.flock(fd, fcntl.LOCK_EX)
        _recover(store)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def _recover(store: Path) -> None:
    """Roll back or clean up after a writer that died (only ever called under the lock)."""
    for entry in sorted(store.iterdir()):
        name = entry.name
        if name.startswith(".old-"):
            original = store / _swapped_out(name)
            if not original.exists():
                os.rename(entry, original)
                continue
        if name.startswith((".old-", ".del-", ".tmp-install-")):
            shutil.rmtree(entry, ignore_errors=True)


def _publish(new: Path, dest: Path) -> None:
    """Rename ``new`` into ``dest``; an existing ``dest`` is swapped out, then deleted."""
    if dest.exists():
        old = dest.with_name(f".old-{dest.name}.{os.urandom(4).hex()}")
        os.rename(dest, old)
        os.rename(new, dest)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(new, dest)
    _fsync_dir(dest.parent)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ---------------------------------------------------------------- install


def _copy_hashed(src: IO[bytes], dest: Path, limit: int, where: str) -> str:
    """Copy at most ``limit`` bytes into a new file, returning its sha256."""
    digest = hashlib.sha256()
    written = 0
    with open(dest, "xb") as out:
        for chunk in iter(lambda: src.read(CHUNK), b""):
            written += len(chunk)
            if written > limit:
                raise ModelError(f"{where}: more data than declared (zip bomb?); not installed")
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest()


def _install_archive(archive: Path, store: Path, label: str | None = None) -> Package:
    where = label or str(archive)
    try:
        with open(archive, "rb") as handle:
            archive_sha = sha256_stream(handle)
            handle.seek(0)
            try:
                zf = zipfile.ZipFile(handle)
            except (zipfile.BadZipFile, EOFError, ValueError) as exc:
                raise ModelError(f"{where}: not a valid .argosmodel zip archive ({exc})") from None
            with zf:
                members, data = plan_archive(zf, where, MAX_UNPACKED_BYTES)

                def extract(root: Path) -> dict[str, str]:
                    hashes: dict[str, str] = {}
                    for info, inner in members:
                        target = root / inner
                        if info.is_dir():
                            target.mkdir(parents=True, exist_ok=True)
                            continue
                        target.parent.mkdir(parents=True, exist_ok=True)
                        with zf.open(info) as src:
                            hashes[inner] = _copy_hashed(src, target, info.file_size, where)
                    return hashes

                return _stage_and_publish(store, data, extract, where, archive.name, archive_sha)
    except ModelError:
        raise
    except (zipfile.BadZipFile, EOFError, NotImplementedError, ValueError) as exc:
        raise ModelError(f"{where}: corrupt archive ({exc}); not installed") from None
    except OSError as exc:
        raise ModelError(f"{where}: cannot install: {exc.strerror or exc}") from None


def _install_tree(folder: Path, store: Path) -> Package:
    where = str(folder)
    files, data = plan_tree(folder, where, MAX_UNPACKED_BYTES)

    def copy(root: Path) -> dict[str, str]:
        hashes: dict[str, str] = {}
        for rel, size in files:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            with open(folder / rel, "rb") as src:
                hashes[rel] = _copy_hashed(src, root / rel, size, where)
        return hashes

    try:
        return _stage_and_publish(store, data, copy, where, folder.name, None)
    except OSError as exc:
        raise ModelError(f"{where}: cannot install: {exc.strerror or exc}") from None


def package_folder_name(data: dict[str, Any]) -> str:
    """``translate-en_ru``; a multilingual package names all its targets (``translate-en_be_ru``)."""
    targets = sorted(data.get("targets") or ())
    codes = targets if len(targets) > 1 else [data["to_code"]]
    return f"translate-{data['from_code']}_{'_'.join(codes)}"


def _stage_and_publish(
    store: Path,
    data: dict[str, Any],
    fill: Callable[[Path], dict[str, str]],
    where: str,
    source: str,
    archive_sha: str | None,
) -> Package:
    """Under the lock: fill a temp folder inside the store, write the manifest, rename it in."""
    name = package_folder_name(data)
    with _locked(store):
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-install-", dir=store))
        try:
            root = tmp / name
            root.mkdir()
            write_manifest(root, source, archive_sha, fill(root))
            load_package(root, "store")  # re-check exactly what will go live
            dest = store / name
            _publish(root, dest)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return load_package(dest, "store")


def install(source: Path, store: Path | None = None) -> list[Package]:
    """Install a ``.argosmodel`` file, an unpacked package folder, or a folder of archives.

    Each package is validated before anything is written, staged in a temporary folder inside
    the store and renamed into place under the store lock; a same-pair package is replaced.
    For a folder of archives they are installed in name order, stopping at the first bad one
    (those before it stay installed).

    Raises:
        ModelError: a one-line message naming the file and the problem.
    """
    source = Path(source)
    target = store_dir(store)
    if source.is_dir():
        if (source / "metadata.json").exists():
            return [_install_tree(source, target)]
        archives = sorted(p for p in source.iterdir() if p.suffix == ".argosmodel" and p.is_file())
        if not archives:
            raise ModelError(f"{source}: no .argosmodel files and no metadata.json in this folder")
        return [_install_archive(a, target) for a in archives]
    if not source.exists():
        raise ModelError(f"{source}: no such file")
    return [_install_archive(source, target)]


# ---------------------------------------------------------------- remove


def _matches(package: Package, wanted: str) -> bool:
    spelled = wanted.strip().replace("->", "→")
    return package.pair == spelled or package.name in (spelled, f"translate-{spelled}")


def remove(pair_or_name: str, store: Path | None = None) -> Package | Problem:
    """Remove a package from our store, by pair ("en→ru", "en->ru") or folder name.

    A damaged package folder (one ``models list`` reports as a problem) can be removed by its
    folder name, and is returned as that :class:`Problem`.

    Raises:
        ModelError: no such package, or it lives in an Argos dir (read-only for us).
    """
    target = store_dir(store)
    packages, problems = scan_packages(target, include_argos=True)
    found = [p for p in packages if _matches(p, pair_or_name)]
    ours: list[Package | Problem] = [p for p in found if p.origin == "store"]
    wanted = pair_or_name.strip()
    ours += [p for p in problems if p.origin == "store" and p.path.name in (wanted, f"translate-{wanted}")]
    if not ours:
        if found:
            raise ModelError(
                f"{pair_or_name}: only found in the Argos packages dir {found[0].path.parent}, "
                "which polyglot-news uses read-only; remove it with argospm"
            )
        raise ModelError(
            f"{pair_or_name}: no such package in {target} (see `polyglot-news models list`)"
        )
    doomed_package = ours[0]
    with _locked(target):
        if doomed_package.path.exists():
            doomed = target / f".del-{doomed_package.path.name}.{os.urandom(4).hex()}"
            os.rename(doomed_package.path, doomed)
            _fsync_dir(target)
            shutil.rmtree(doomed, ignore_errors=True)
    return doomed_package


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


def fetch(
    from_code: str,
    to_code: str,
    store: Path | None = None,
    *,
    index_url: str = DEFAULT_INDEX_URL,
    catalog: Path | None = None,
    timeout: float = 20.0,
) -> list[Package]:
    """Download the Argos index, pick the newest FROM→TO package, download, check, install.

    The sha256 is checked when the catalog knows it. This is the only function that uses the
    network; nothing else calls it.

    Raises:
        ModelError: offline, no such package in the index, checksum mismatch, bad package.
    """
    link, known = locate(from_code, to_code, index_url=index_url, catalog=catalog, timeout=timeout)
    target = store_dir(store)
    target.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".fetch-", suffix=".argosmodel", dir=target)
    try:
        with os.fdopen(fd, "wb") as out:
            sha = download(link, out, MAX_UNPACKED_BYTES, timeout)
        if known is not None and sha != known:
            raise ModelError(
                f"{link}: sha256 {sha} does not match the catalog's {known}; not installed"
            )
        return [_install_archive(Path(tmp_name), target, label=link)]
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)

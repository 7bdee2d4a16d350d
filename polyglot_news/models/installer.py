"""Writing the store: the lock, the journal, staged extraction and the atomic rename; install and remove."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from polyglot_news.errors import ModelError
from polyglot_news.models.archive import (
    CHUNK,
    MAX_UNPACKED_BYTES,
    open_archive,
    plan_archive,
    plan_tree,
    sha256_stream,
    write_manifest,
)
from polyglot_news.models.archive import INSTALL_HINT as INSTALL_HINT
from polyglot_news.models.archive import MANIFEST as MANIFEST
from polyglot_news.models.archive import version_key as version_key
from polyglot_news.models.catalog import DEFAULT_INDEX_URL as DEFAULT_INDEX_URL
from polyglot_news.models.store import Package, Problem, _swapped_out, load_package, scan_packages, store_dir
from polyglot_news.models.store import prepare_store as prepare_store
from polyglot_news.models.temporaries import remove_stale_fetches


@contextlib.contextmanager
def _locked(store: Path) -> Iterator[None]:
    """Hold the store's exclusive inter-process lock; tidy what a killed writer left."""
    prepare_store(store)
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
    remove_stale_fetches(store)


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
            with open_archive(handle, where) as zf:
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


"""Writing the store: the lock, the journal, staged extraction and the atomic rename; install and remove."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from polyglot_news.errors import ModelError
from polyglot_news.languages import normalize_code
from polyglot_news.models.archive import (
    CHUNK,
    MAX_UNPACKED_BYTES,
    open_archive,
    plan_archive,
    plan_tree,
    sha256_stream,
    version_key,
    write_manifest,
)
from polyglot_news.models.identity import write_record
from polyglot_news.models.metadata import PackageInfo
from polyglot_news.models.store import Package, Problem, load_package, prepare_store, scan_packages, store_dir
from polyglot_news.models.temporaries import remove_stale_fetches, swapped_out


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
            original = store / swapped_out(name)
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


Replaced = Callable[[Package, Package], None]
"""Called with (the package that was replaced, the new one) after an install replaced one."""


def install_archive(
    archive: Path, store: Path, label: str | None = None, *, replace: bool = False, on_replace: Replaced | None = None
) -> Package:
    """Install one ``.argosmodel`` into the store folder ``store`` (``label`` names it in errors).

    Raises:
        ModelError: the archive is refused (the message names ``label`` and the problem).
    """
    where = label or str(archive)
    try:
        with open(archive, "rb") as handle:
            archive_sha = sha256_stream(handle)
            with open_archive(handle, where) as zf:
                members, info = plan_archive(zf, where, MAX_UNPACKED_BYTES)

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

                return _stage_and_publish(
                    store, info, extract, where, archive.name, archive_sha, replace=replace, on_replace=on_replace
                )
    except ModelError:
        raise
    except (zipfile.BadZipFile, EOFError, NotImplementedError, ValueError) as exc:
        raise ModelError(f"{where}: corrupt archive ({exc}); not installed") from None
    except OSError as exc:
        raise ModelError(f"{where}: cannot install: {exc.strerror or exc}") from None


def _install_tree(folder: Path, store: Path, *, replace: bool = False, on_replace: Replaced | None = None) -> Package:
    where = str(folder)
    files, info = plan_tree(folder, where, MAX_UNPACKED_BYTES)

    def copy(root: Path) -> dict[str, str]:
        hashes: dict[str, str] = {}
        for rel, size in files:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            with open(folder / rel, "rb") as src:
                hashes[rel] = _copy_hashed(src, root / rel, size, where)
        return hashes

    try:
        return _stage_and_publish(store, info, copy, where, folder.name, None, replace=replace, on_replace=on_replace)
    except OSError as exc:
        raise ModelError(f"{where}: cannot install: {exc.strerror or exc}") from None


def package_folder_name(info: PackageInfo) -> str:
    """The store folder of a package: ``translate-en_ru`` for an Argos (or test) package.

    A multilingual package names all its targets; a package built from a model also names that
    model (``translate-en_be_ru-opus-mt-tc-big-en-zle``), so packages of different models for
    the same languages sit side by side and routing chooses (see :mod:`..translation.routing`).
    """
    codes = sorted(info.targets) if info.multilingual else [info.to_code]
    name = f"translate-{info.from_code}_{'_'.join(codes)}"
    if info.source_model and not info.test_model:
        slug = re.sub(r"[^a-z0-9._-]+", "-", info.source_model.rsplit("/", 1)[-1].lower()).strip(".-")
        if slug:
            name += f"-{slug[:80]}"
    return name


def replacement_refusal(old: PackageInfo, new: PackageInfo) -> str | None:
    """Why installing ``new`` over ``old`` needs ``--replace`` (``None`` when it does not).

    A package of another model (or a TEST MODEL over a real one) or a lower version is never
    replaced silently. A newer or equal version of the same model is, and so is a TEST MODEL
    by a real package.
    """
    reasons = []
    if new.test_model and not old.test_model:
        reasons.append("a TEST MODEL would replace a real translation model")
    elif old.provenance_key != new.provenance_key and not old.test_model:
        reasons.append("it comes from a different model")
    if version_key(new.version) < version_key(old.version):
        reasons.append(f"version {new.version} is lower than the installed {old.version}")
    return "; ".join(reasons) or None


def _stage_and_publish(
    store: Path,
    info: PackageInfo,
    fill: Callable[[Path], dict[str, str]],
    where: str,
    source: str,
    archive_sha: str | None,
    *,
    replace: bool = False,
    on_replace: Replaced | None = None,
) -> Package:
    """Under the lock: fill a temp folder inside the store, write the manifest, rename it in."""
    name = package_folder_name(info)
    with _locked(store):
        dest = store / name
        old = _installed(dest)
        if old is not None and not replace:
            refusal = replacement_refusal(old.info, info)
            if refusal:
                raise ModelError(
                    f"{where}: not installed: it would replace {dest.name} ({old.info.describe()}) with "
                    f"{info.describe()}, and {refusal}; pass --replace to replace it"
                )
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-install-", dir=store))
        try:
            root = tmp / name
            root.mkdir()
            hashes = fill(root)
            write_manifest(root, source, archive_sha, hashes)
            write_record(root, hashes)  # a loader trusts these hashes while the files stay untouched
            load_package(root, "store")  # re-check exactly what will go live
            _publish(root, dest)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    new = load_package(dest, "store")
    if old is not None and on_replace is not None:
        on_replace(old, new)
    return new


def _installed(dest: Path) -> Package | None:
    """The readable package at ``dest`` (``None``: nothing there, or a damaged folder we may overwrite)."""
    if not dest.is_dir():
        return None
    try:
        return load_package(dest, "store")
    except ModelError:
        return None


class PartialInstall(ModelError):
    """Some archives of a folder were installed, others refused: both are listed.

    Its message is the first refusal (and how many more there were); ``installed`` holds the
    packages that went in, ``failures`` every refusal, each a one-line :class:`ModelError`.
    """

    def __init__(self, installed: list[Package], failures: list[ModelError]) -> None:
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        super().__init__(f"{failures[0]}{more}")
        self.installed = tuple(installed)
        self.failures = tuple(failures)


def install(
    source: Path, store: Path | None = None, *, replace: bool = False, on_replace: Replaced | None = None
) -> list[Package]:
    """Install a ``.argosmodel`` file, an unpacked package folder, or a folder of archives.

    Each package is validated before anything is written, staged in a temporary folder inside
    the store and renamed into place under the store lock. It goes into the folder
    :func:`package_folder_name` gives; a package already there is replaced only if
    :func:`replacement_refusal` has no objection or ``replace`` is true (``on_replace`` is told).
    A folder's archives are installed in name order, each on its own: a bad one costs only
    itself.

    Raises:
        PartialInstall: some archives of a folder were refused (the others are installed).
        ModelError: a one-line message naming the file and the problem (nothing installed).
    """
    source = Path(source)
    target = store_dir(store)
    if source.is_dir():
        if (source / "metadata.json").exists():
            return [_install_tree(source, target, replace=replace, on_replace=on_replace)]
        archives = sorted(p for p in source.iterdir() if p.suffix == ".argosmodel" and p.is_file())
        if not archives:
            raise ModelError(f"{source}: no .argosmodel files and no metadata.json in this folder")
        installed: list[Package] = []
        failures: list[ModelError] = []
        for archive in archives:
            try:
                installed.append(install_archive(archive, target, replace=replace, on_replace=on_replace))
            except ModelError as error:
                failures.append(error)
        if failures:
            raise PartialInstall(installed, failures)
        return installed
    if not source.exists():
        raise ModelError(f"{source}: no such file")
    if not source.is_file():
        raise ModelError(f"{source}: not a regular file (a device, pipe or socket); name a .argosmodel file")
    return [install_archive(source, target, replace=replace, on_replace=on_replace)]


# ---------------------------------------------------------------- remove


def _matches(package: Package, wanted: str) -> bool:
    spelled = wanted.strip().replace("->", "→")
    if "→" in spelled:
        source, _, target = spelled.partition("→")
        return normalize_code(source) == package.from_code and normalize_code(target) in package.info.targets
    return package.name in (spelled, f"translate-{spelled}")


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
    if len({p.path for p in ours}) > 1:
        names = ", ".join(sorted(p.path.name for p in ours))
        raise ModelError(f"{pair_or_name}: {len(ours)} installed packages match ({names}); name the one to remove")
    doomed_package = ours[0]
    with _locked(target):
        if doomed_package.path.exists():
            doomed = target / f".del-{doomed_package.path.name}.{os.urandom(4).hex()}"
            os.rename(doomed_package.path, doomed)
            _fsync_dir(target)
            shutil.rmtree(doomed, ignore_errors=True)
    return doomed_package


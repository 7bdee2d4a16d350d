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

Writes (install, remove, fetch) validate first, then extract into a temporary folder inside
the store and rename it into place under the lock, so a failed or interrupted install leaves
the store as it was. Existing Argos package folders are discovered read-only.
Only :func:`fetch` touches the network.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from polyglot_news.errors import ModelError

# Caps against hostile archives. The official en→ru package is about 100 MB; an NLLB-1.3B
# conversion in float16 about 2.7 GB. Anything past these is refused as a zip bomb.
MAX_UNPACKED_BYTES = 4 * 1024**3
MAX_RATIO = 100  # uncompressed/compressed, for members above RATIO_MIN_BYTES
RATIO_MIN_BYTES = 1024**2
MAX_ENTRIES = 10_000
MAX_METADATA_BYTES = 1024**2

MANIFEST = ".polyglot-news.json"
DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
INSTALL_HINT = "polyglot-news models install FILE"

_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$")
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]{0,31}$")
_TOKENIZERS = ("sentencepiece.model", "bpe.model")
_ORIGIN_RANK = {"store": 0, "argos": 1}
_CHUNK = 1024 * 1024


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


def store_dir(explicit: Path | None = None) -> Path:
    """The store: ``explicit``, else ``$POLYGLOT_NEWS_MODELS``, else the per-user data dir.

    Never created here; only a write (install, fetch) creates it.
    """
    if explicit is not None:
        return Path(explicit).expanduser()
    env = os.environ.get("POLYGLOT_NEWS_MODELS")
    if env:
        return Path(env).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "polyglot-news" / "models"


def argos_dirs() -> list[Path]:
    """Existing Argos Translate package dirs, used read-only.

    Same lookup as argostranslate's settings: ``$ARGOS_PACKAGES_DIR``, else the legacy
    ``$ARGOS_TRANSLATE_PACKAGES_DIR``, else ``$XDG_DATA_HOME/argos-translate/packages``.
    """
    env = os.environ.get("ARGOS_PACKAGES_DIR") or os.environ.get("ARGOS_TRANSLATE_PACKAGES_DIR")
    if env:
        candidate = Path(env).expanduser()
    else:
        data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        candidate = Path(data_home) / "argos-translate" / "packages"
    return [candidate] if candidate.is_dir() else []


def catalog_path() -> Path:
    """``$POLYGLOT_NEWS_CATALOG``, else ``lang_models/catalog.json`` next to the package."""
    env = os.environ.get("POLYGLOT_NEWS_CATALOG")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1] / "lang_models" / "catalog.json"


def load_catalog(path: Path | None = None) -> list[dict[str, Any]]:
    """The catalog's package entries; an absent catalog is an empty one."""
    path = catalog_path() if path is None else path
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: unreadable catalog: {exc}") from None
    entries = data.get("packages") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ModelError(f"{path}: catalog has no 'packages' list")
    return [e for e in entries if isinstance(e, dict)]


def version_key(version: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key for package versions: numeric parts compare as numbers ("1.10" > "1.9")."""
    return tuple(
        (1, int(part), "") if part.isdigit() else (0, 0, part)
        for part in re.split(r"[.+_-]", version)
    )


# ---------------------------------------------------------------- metadata and reading


def validate_metadata(data: object, where: str) -> dict[str, Any]:
    """Check a parsed ``metadata.json``; return it, or raise ModelError naming ``where``."""
    if not isinstance(data, dict):
        raise ModelError(f"{where}: metadata.json is not a JSON object")
    for key in ("from_code", "to_code", "package_version"):
        if key not in data:
            raise ModelError(f"{where}: metadata.json lacks the required field {key!r}")
        if not isinstance(data[key], str):
            raise ModelError(f"{where}: metadata.json field {key!r} is not a string")
    for key in ("from_code", "to_code"):
        if not _CODE.match(data[key]):
            raise ModelError(f"{where}: metadata.json {key} {data[key]!r} is not a language code")
    if data["from_code"] == data["to_code"]:
        raise ModelError(f"{where}: metadata.json translates {data['from_code']!r} into itself")
    if not _VERSION.match(data["package_version"]):
        raise ModelError(
            f"{where}: metadata.json package_version {data['package_version']!r} is malformed"
        )
    for key in ("argos_version", "from_name", "to_name", "target_prefix", "type"):
        if key in data and data[key] is not None and not isinstance(data[key], str):
            raise ModelError(f"{where}: metadata.json field {key!r} is not a string")
    if data.get("type", "translate") not in (None, "translate"):
        raise ModelError(f"{where}: not a translation package (type {data['type']!r})")
    _validate_extended(data, where)
    return data


_FILE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$")


def _validate_extended(data: dict[str, Any], where: str) -> None:
    """The fields of packages built by ``models build`` (see lang_models/README.md)."""
    for key in ("source_prefix", "license", "source_sentencepiece", "target_sentencepiece"):
        if key in data and data[key] is not None and not isinstance(data[key], str):
            raise ModelError(f"{where}: metadata.json field {key!r} is not a string")
    for key in ("source_sentencepiece", "target_sentencepiece"):
        if data.get(key) and not _FILE_NAME.match(data[key]):
            raise ModelError(f"{where}: metadata.json {key} {data[key]!r} is not a plain file name")
    if "provenance" in data and not isinstance(data["provenance"], dict):
        raise ModelError(f"{where}: metadata.json field 'provenance' is not an object")
    targets = data.get("targets")
    if targets is None:
        return
    if not isinstance(targets, dict) or not targets:
        raise ModelError(f"{where}: metadata.json 'targets' is not a non-empty object")
    for code, entry in targets.items():
        if not _CODE.match(code) or code == data["from_code"]:
            raise ModelError(f"{where}: metadata.json targets key {code!r} is not a target language")
        if entry is not None and not isinstance(entry, dict):
            raise ModelError(f"{where}: metadata.json targets[{code!r}] is not an object")
        for key, value in (entry or {}).items():
            if key in ("source_prefix", "target_prefix") and not isinstance(value, str):
                raise ModelError(f"{where}: metadata.json targets[{code!r}].{key} is not a string")
    if data["to_code"] not in targets:
        raise ModelError(f"{where}: metadata.json to_code {data['to_code']!r} is not among its targets")


def _parse_metadata(raw: bytes, where: str) -> dict[str, Any]:
    if len(raw) > MAX_METADATA_BYTES:
        raise ModelError(f"{where}: metadata.json is larger than {MAX_METADATA_BYTES} bytes")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ModelError(f"{where}: metadata.json is not valid JSON: {exc}") from None
    return validate_metadata(data, where)


def _check_required(names: set[str], where: str, data: dict[str, Any]) -> None:
    if "model/model.bin" not in names:
        raise ModelError(f"{where}: missing model/model.bin (the CTranslate2 model)")
    for key in ("source_sentencepiece", "target_sentencepiece"):
        if data.get(key) and data[key] not in names:
            raise ModelError(f"{where}: missing {data[key]}, the {key} its metadata.json names")
    if not data.get("source_sentencepiece") and not any(t in names for t in _TOKENIZERS):
        raise ModelError(f"{where}: missing the tokenizer (sentencepiece.model or bpe.model)")


def _walk_files(root: Path) -> Iterator[tuple[str, os.stat_result]]:
    """Yield (posix relative path, lstat) for every entry under root; links are not followed."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            full = Path(dirpath) / name
            yield full.relative_to(root).as_posix(), full.lstat()


def load_package(path: Path, origin: str = "store", name: str | None = None) -> Package:
    """Read one unpacked package folder; raise ModelError if it is not a usable package."""
    where = str(path)
    try:
        meta_file = path / "metadata.json"
        if meta_file.is_symlink() or not meta_file.is_file():
            raise ModelError(f"{where}: no metadata.json")
        data = _parse_metadata(meta_file.read_bytes(), where)
        names: set[str] = set()
        size = 0
        for rel, st in _walk_files(path):
            if stat.S_ISREG(st.st_mode):
                names.add(rel)
                size += st.st_size
    except OSError as exc:
        raise ModelError(f"{where}: unreadable: {exc.strerror or exc}") from None
    _check_required(names, where, data)
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
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("type") not in (None, "translate")


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
            original = entry.name[len(".old-") :].rsplit(".", 1)[0]
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
                name = name[len(".old-") :].rsplit(".", 1)[0]
            try:
                packages.append(load_package(path, origin, name))
            except ModelError as exc:
                if origin == "argos" and _is_argos_sbd(path):
                    continue
                problems.append(Problem(path, str(exc), origin))
    packages.sort(
        key=lambda p: (p.from_code, p.to_code, _ORIGIN_RANK[p.origin], p.name, str(p.path))
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
            original = store / name[len(".old-") :].rsplit(".", 1)[0]
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


def _sha256_stream(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(_CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _copy_hashed(src: IO[bytes], dest: Path, limit: int, where: str) -> str:
    """Copy at most ``limit`` bytes into a new file, returning its sha256."""
    digest = hashlib.sha256()
    written = 0
    with open(dest, "xb") as out:
        for chunk in iter(lambda: src.read(_CHUNK), b""):
            written += len(chunk)
            if written > limit:
                raise ModelError(f"{where}: more data than declared (zip bomb?); not installed")
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest()


def _member_parts(info: zipfile.ZipInfo, where: str) -> list[str]:
    """The checked path components of one archive member."""
    name = info.filename
    if "\\" in name or "\x00" in name:
        raise ModelError(f"{where}: member {name!r} has a backslash or NUL in its path")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise ModelError(f"{where}: member {name!r} has an absolute path")
    parts = name.rstrip("/").split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise ModelError(f"{where}: member {name!r} escapes its folder ('..', '.' or empty part)")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise ModelError(f"{where}: member {name!r} is a symbolic link")
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise ModelError(f"{where}: member {name!r} is not a regular file or folder")
    if info.flag_bits & 0x1:
        raise ModelError(f"{where}: member {name!r} is encrypted")
    return parts


def _plan_archive(
    zf: zipfile.ZipFile, where: str
) -> tuple[list[tuple[zipfile.ZipInfo, str]], dict[str, Any]]:
    """Validate the archive's listing and metadata; return (members with inner paths, metadata)."""
    infos = zf.infolist()
    if not infos:
        raise ModelError(f"{where}: the archive is empty")
    if len(infos) > MAX_ENTRIES:
        raise ModelError(f"{where}: {len(infos)} members, more than the cap of {MAX_ENTRIES}")
    tops: set[str] = set()
    members: list[tuple[zipfile.ZipInfo, str]] = []
    seen: set[str] = set()
    total = 0
    for info in infos:
        parts = _member_parts(info, where)
        tops.add(parts[0])
        if len(parts) == 1 and not info.is_dir():
            raise ModelError(f"{where}: {info.filename!r} lies outside the package folder")
        inner = "/".join(parts[1:])
        if "/".join(parts).casefold() in seen:
            raise ModelError(f"{where}: member {info.filename!r} appears twice")
        seen.add("/".join(parts).casefold())
        total += info.file_size
        if total > MAX_UNPACKED_BYTES:
            raise ModelError(
                f"{where}: unpacks to more than {MAX_UNPACKED_BYTES} bytes (zip bomb?)"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_MIN_BYTES and ratio > MAX_RATIO:
            raise ModelError(
                f"{where}: member {info.filename!r} compresses {ratio:.0f}:1, above {MAX_RATIO}:1 (zip bomb?)"
            )
        if inner and inner != MANIFEST:
            members.append((info, inner))
    if len(tops) != 1:
        raise ModelError(f"{where}: holds {len(tops)} top-level folders; a package has exactly one")
    files = {inner for info, inner in members if not info.is_dir()}
    top = tops.pop()
    if "metadata.json" not in files:
        raise ModelError(f"{where}: no {top}/metadata.json")
    meta_info = zf.getinfo(f"{top}/metadata.json")
    if meta_info.file_size > MAX_METADATA_BYTES:
        raise ModelError(f"{where}: metadata.json is larger than {MAX_METADATA_BYTES} bytes")
    data = _parse_metadata(zf.read(meta_info), where)
    _check_required(files, where, data)
    return members, data


def _install_archive(archive: Path, store: Path, label: str | None = None) -> Package:
    where = label or str(archive)
    try:
        with open(archive, "rb") as handle:
            archive_sha = _sha256_stream(handle)
            handle.seek(0)
            try:
                zf = zipfile.ZipFile(handle)
            except (zipfile.BadZipFile, EOFError, ValueError) as exc:
                raise ModelError(f"{where}: not a valid .argosmodel zip archive ({exc})") from None
            with zf:
                members, data = _plan_archive(zf, where)

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
    files: list[tuple[str, int]] = []
    total = 0
    try:
        for rel, st in _walk_files(folder):
            if stat.S_ISLNK(st.st_mode):
                raise ModelError(f"{where}: {rel} is a symbolic link")
            if stat.S_ISREG(st.st_mode):
                if rel != MANIFEST:
                    files.append((rel, st.st_size))
                total += st.st_size
            elif not stat.S_ISDIR(st.st_mode):
                raise ModelError(f"{where}: {rel} is not a regular file or folder")
            if total > MAX_UNPACKED_BYTES:
                raise ModelError(f"{where}: larger than {MAX_UNPACKED_BYTES} bytes")
        data = _parse_metadata((folder / "metadata.json").read_bytes(), where)
    except FileNotFoundError:
        raise ModelError(f"{where}: no metadata.json") from None
    except OSError as exc:
        raise ModelError(f"{where}: unreadable: {exc.strerror or exc}") from None
    _check_required({rel for rel, _ in files}, where, data)

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
            hashes = fill(root)
            manifest = {
                "format": 1,
                "source": source,
                "archive_sha256": archive_sha,
                "files": dict(sorted(hashes.items())),
            }
            with open(root / MANIFEST, "x", encoding="utf-8") as out:
                json.dump(manifest, out, indent=1)
                out.flush()
                os.fsync(out.fileno())
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


def remove(pair_or_name: str, store: Path | None = None) -> Package:
    """Remove a package from our store, by pair ("en→ru", "en->ru") or folder name.

    Raises:
        ModelError: no such package, or it lives in an Argos dir (read-only for us).
    """
    target = store_dir(store)
    packages, _ = scan_packages(target, include_argos=True)
    found = [p for p in packages if _matches(p, pair_or_name)]
    ours = [p for p in found if p.origin == "store"]
    if not ours:
        if found:
            raise ModelError(
                f"{pair_or_name}: only found in the Argos packages dir {found[0].path.parent}, "
                "which polyglot-news uses read-only; remove it with argospm"
            )
        raise ModelError(
            f"{pair_or_name}: no such package in {target} (see `polyglot-news models list`)"
        )
    package = ours[0]
    with _locked(target):
        if package.path.exists():
            doomed = target / f".del-{package.path.name}.{os.urandom(4).hex()}"
            os.rename(package.path, doomed)
            _fsync_dir(target)
            shutil.rmtree(doomed, ignore_errors=True)
    return package


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


def _verify_manifest(package: Package) -> tuple[list[str], list[str], str | None]:
    """Problems, notes and the recorded archive sha256 for one package."""
    problems: list[str] = []
    notes: list[str] = []
    try:
        manifest = json.loads((package.path / MANIFEST).read_text(encoding="utf-8"))
        recorded: dict[str, str] = dict(manifest["files"])
    except FileNotFoundError:
        if package.origin == "store":
            problems.append(f"no {MANIFEST} manifest: reinstall with `{INSTALL_HINT}`")
        else:
            notes.append("installed by Argos: no manifest, structure checked only")
        return problems, notes, None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [f"unreadable manifest: {exc}"], notes, None
    present: dict[str, str] = {}
    for rel, st in _walk_files(package.path):
        if stat.S_ISLNK(st.st_mode):
            problems.append(f"{rel} is a symbolic link")
        elif stat.S_ISREG(st.st_mode) and rel != MANIFEST:
            with open(package.path / rel, "rb") as handle:
                present[rel] = _sha256_stream(handle)
    for rel in sorted(set(recorded) - set(present)):
        problems.append(f"{rel} is missing")
    for rel in sorted(set(present) - set(recorded)):
        problems.append(f"{rel} was not installed with the package")
    for rel in sorted(set(recorded) & set(present)):
        if recorded[rel] != present[rel]:
            problems.append(f"{rel} has changed since install (sha256 differs)")
    if not problems:
        notes.append(f"{len(present)} files match the manifest")
    archive_sha = manifest.get("archive_sha256")
    if archive_sha:
        notes.append(f"archive sha256 {archive_sha}")
    return problems, notes, archive_sha if isinstance(archive_sha, str) else None


def verify(
    store: Path | None = None, *, include_argos: bool = True, catalog: Path | None = None
) -> list[VerifyResult]:
    """Check every package: structure, per-file sha256 against the manifest, and the archive
    sha256 against the catalog where the catalog knows it. Broken folders fail too."""
    packages, broken = scan_packages(store, include_argos=include_argos)
    entries = load_catalog(catalog)
    results: list[VerifyResult] = []
    for package in packages:
        problems, notes, manifest_sha = _verify_manifest(package)
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


def _offline(url: str, exc: BaseException) -> ModelError:
    from urllib.parse import urlsplit

    host = urlsplit(url).netloc or url
    return ModelError(
        f"cannot reach {host} ({exc}): you appear to be offline; copy the .argosmodel file "
        f"to this machine and run `{INSTALL_HINT}`"
    )


def _download(url: str, out: IO[bytes], limit: int, timeout: float) -> str:
    """Stream ``url`` into ``out`` (at most ``limit`` bytes); return its sha256."""
    import urllib.error
    import urllib.request

    if not url.startswith(("https://", "http://", "file:")):
        raise ModelError(f"{url}: unsupported link scheme")
    digest = hashlib.sha256()
    size = 0
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            while chunk := response.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ModelError(f"{url}: larger than {limit} bytes; not installed")
                digest.update(chunk)
                try:
                    out.write(chunk)
                except OSError as exc:
                    raise ModelError(
                        f"{url}: cannot save the download: {exc.strerror or exc}"
                    ) from None
    except urllib.error.HTTPError as exc:
        raise ModelError(f"{url}: download failed: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise _offline(url, getattr(exc, "reason", exc)) from None
    return digest.hexdigest()


def fetch(
    from_code: str,
    to_code: str,
    store: Path | None = None,
    *,
    index_url: str = DEFAULT_INDEX_URL,
    catalog: Path | None = None,
    timeout: float = 60.0,
) -> list[Package]:
    """Download the Argos index, pick the newest FROM→TO package, download, check, install.

    The sha256 is checked when the catalog knows it. This is the only function that uses the
    network; nothing else calls it.

    Raises:
        ModelError: offline, no such package in the index, checksum mismatch, bad package.
    """
    import io

    buffer = io.BytesIO()
    _download(index_url, buffer, 64 * 1024**2, timeout)
    try:
        index = json.loads(buffer.getvalue().decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ModelError(f"{index_url}: the package index is not valid JSON ({exc})") from None
    candidates = [
        e
        for e in (index if isinstance(index, list) else [])
        if isinstance(e, dict)
        and e.get("from_code") == from_code
        and e.get("to_code") == to_code
        and e.get("type", "translate") == "translate"
        and isinstance(e.get("package_version"), str)
    ]
    if not candidates:
        raise ModelError(
            f"the package index {index_url} has no {from_code}→{to_code} package; "
            f"see lang_models/ for how to build one, or install a pivot pair with `{INSTALL_HINT}`"
        )
    entry = max(candidates, key=lambda e: version_key(e["package_version"]))
    # A remote index may not point at local files; a local (file:) index may (tests, mirrors).
    schemes = (
        ("https://", "http://", "file:")
        if index_url.startswith("file:")
        else ("https://", "http://")
    )
    links = [
        link
        for link in entry.get("links", [])
        if isinstance(link, str) and link.startswith(schemes)
    ]
    if not links:
        raise ModelError(
            f"{from_code}→{to_code} {entry['package_version']}: the index gives no download link"
        )
    known = None
    for item in load_catalog(catalog):
        if (item.get("from_code"), item.get("to_code"), item.get("package_version")) == (
            from_code,
            to_code,
            entry["package_version"],
        ) and item.get("sha256"):
            known = item["sha256"]
    target = store_dir(store)
    target.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".fetch-", suffix=".argosmodel", dir=target)
    try:
        with os.fdopen(fd, "wb") as out:
            sha = _download(links[0], out, MAX_UNPACKED_BYTES, timeout)
        if known is not None and sha != known:
            raise ModelError(
                f"{links[0]}: sha256 {sha} does not match the catalog's {known}; not installed"
            )
        return [_install_archive(Path(tmp_name), target, label=links[0])]
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)

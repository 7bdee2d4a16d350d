"""What a package must hold before it is trusted: metadata, members, caps and our manifest.

Pure checks over a ``.argosmodel`` zip or an unpacked package folder; nothing here writes to the
store except :func:`write_manifest` into a staging folder. The store (:mod:`polyglot_news.models`)
passes its size cap in, so one policy governs archives, folders and downloads alike.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from polyglot_news.errors import ModelError
from polyglot_news.io import zip_member_count
from polyglot_news.models.metadata import (
    MAX_METADATA_BYTES,
    TOKENIZERS,
    PackageInfo,
    named_tokenizers,
    parse_info,
    shown,
)

# Caps against hostile archives. The official en→ru package is about 100 MB; an NLLB-1.3B
# conversion in float16 about 2.7 GB. Anything past these is refused as a zip bomb.
MAX_UNPACKED_BYTES = 4 * 1024**3
# Expansion (declared unpacked bytes over compressed bytes) is capped per member above
# RATIO_MIN_BYTES and for the whole archive once it declares more than RATIO_MIN_BYTES in all:
# many members of just under 1 MiB each must not add up to a bomb. Model weights barely
# compress (about 1.1:1); text files such as vocabularies reach 5-10:1.
MAX_RATIO = 100
RATIO_MIN_BYTES = 1024**2
# A package holds a few dozen files; the count is checked from the end-of-archive record
# before the central directory is read, so a million-entry listing is never loaded.
MAX_ENTRIES = 2_000
# A package is a few folders deep (``model/``, a tokenizer folder); a member or a folder far
# deeper is hostile (1,000 levels made path handling recurse past Python's limit).
MAX_DEPTH = 32

MANIFEST = ".polyglot-news.json"
RECORD = ".polyglot-news-ids.json"
"""The identity each file had when installed, beside its sha256 (see :mod:`.identity`)."""
BOOKKEEPING = (MANIFEST, RECORD)
"""Our own files in an installed package: never copied from a package, never part of its content."""
INSTALL_HINT = "polyglot-news models install FILE"
CHUNK = 1024 * 1024



def version_key(version: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key for package versions: numeric parts compare as numbers ("1.10" > "1.9")."""
    return tuple(
        (1, int(part), "") if part.isdigit() else (0, 0, part)
        for part in re.split(r"[.+_-]", version)
    )


# ---------------------------------------------------------------- required files


def check_required(names: set[str], where: str, info: PackageInfo) -> None:
    """Raise unless ``names`` (package-relative paths) hold the model and its tokenizer(s)."""
    if "model/model.bin" not in names:
        raise ModelError(f"{where}: missing model/model.bin (the CTranslate2 model)")
    named = named_tokenizers(info)
    for key, file_name in named.items():
        if file_name not in names:
            raise ModelError(f"{where}: missing {file_name}, the {key} its metadata.json names")
    if "source_sentencepiece" not in named and not any(t in names for t in TOKENIZERS):
        raise ModelError(f"{where}: missing the tokenizer (sentencepiece.model or bpe.model)")


# ---------------------------------------------------------------- folders and hashing


def walk_files(root: Path) -> Iterator[tuple[str, os.stat_result]]:
    """Yield (posix relative path, lstat) for every entry under root; links are not followed.

    Raises:
        ModelError: a folder lies more than :data:`MAX_DEPTH` levels below ``root``.
    """
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel_dir = Path(dirpath).relative_to(root)
        if dirnames and len(rel_dir.parts) >= MAX_DEPTH:
            deep = shown(rel_dir.as_posix(), 120)
            raise ModelError(f"{root}: {deep} holds folders more than {MAX_DEPTH} levels deep")
        for name in sorted(dirnames + filenames):
            full = Path(dirpath) / name
            yield full.relative_to(root).as_posix(), full.lstat()


def sha256_stream(stream: IO[bytes]) -> str:
    """The sha256 of everything left in ``stream``."""
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def plan_tree(folder: Path, where: str, limit: int) -> tuple[list[tuple[str, int]], PackageInfo]:
    """Validate an unpacked package folder; return (files to copy with their sizes, metadata).

    Refuses links, special files and more than ``limit`` bytes; our bookkeeping files are not copied.
    """
    files: list[tuple[str, int]] = []
    total = 0
    try:
        for rel, st in walk_files(folder):
            if stat.S_ISLNK(st.st_mode):
                raise ModelError(f"{where}: {rel} is a symbolic link")
            if stat.S_ISREG(st.st_mode):
                if rel not in BOOKKEEPING:
                    files.append((rel, st.st_size))
                total += st.st_size
            elif not stat.S_ISDIR(st.st_mode):
                raise ModelError(f"{where}: {rel} is not a regular file or folder")
            if total > limit:
                raise ModelError(f"{where}: larger than {limit} bytes")
        info = parse_info((folder / "metadata.json").read_bytes(), where)
    except FileNotFoundError:
        raise ModelError(f"{where}: no metadata.json") from None
    except OSError as exc:
        raise ModelError(f"{where}: unreadable: {exc.strerror or exc}") from None
    check_required({rel for rel, _ in files}, where, info)
    return files, info


# ---------------------------------------------------------------- archives


def _member_parts(info: zipfile.ZipInfo, where: str) -> list[str]:
    """The checked path components of one archive member."""
    name = info.filename
    member = f"{where}: member {shown(name, 120)}"
    if "\\" in name or "\x00" in name:
        raise ModelError(f"{member} has a backslash or NUL in its path")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise ModelError(f"{member} has an absolute path")
    parts = name.rstrip("/").split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise ModelError(f"{member} escapes its folder ('..', '.' or empty part)")
    if len(parts) > MAX_DEPTH:
        raise ModelError(f"{member} is {len(parts)} folders deep (at most {MAX_DEPTH}); not installed")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise ModelError(f"{member} is a symbolic link")
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise ModelError(f"{member} is not a regular file or folder")
    if info.flag_bits & 0x1:
        raise ModelError(f"{member} is encrypted")
    return parts


declared_entries = zip_member_count
"""The member count a zip's end record declares (shared with the Word-file guard, in :mod:`polyglot_news.io`)."""


def open_archive(handle: IO[bytes], where: str) -> zipfile.ZipFile:
    """Open ``handle`` as a zip after checking the declared member count; ModelError if not a zip."""
    count = declared_entries(handle)
    if count is not None and count > MAX_ENTRIES:
        raise ModelError(f"{where}: {count} members, more than the cap of {MAX_ENTRIES}")
    handle.seek(0)
    try:
        return zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, OverflowError) as exc:
        raise ModelError(f"{where}: not a valid .argosmodel zip archive ({exc})") from None
    except (UnicodeDecodeError, struct.error) as exc:  # mangled names or records
        raise ModelError(f"{where}: not a valid .argosmodel zip archive ({exc})") from None


def _archive_bytes(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> int:
    """The compressed bytes behind the members: their declared sizes, at most the file's size.

    Bounding by the file size defeats members that overlap (all pointing at the same data).
    """
    declared = sum(info.compress_size for info in infos)
    fp = zf.fp
    if fp is None or not fp.seekable():
        return declared
    here = fp.tell()
    try:
        return min(declared, fp.seek(0, os.SEEK_END))
    finally:
        fp.seek(here)


def plan_archive(
    zf: zipfile.ZipFile, where: str, limit: int
) -> tuple[list[tuple[zipfile.ZipInfo, str]], PackageInfo]:
    """Validate the archive's listing and metadata; return (members with inner paths, metadata).

    Everything is decided from the listing before a byte is extracted: at most
    :data:`MAX_ENTRIES` members; ``limit`` caps their declared unpacked size together; and
    :data:`MAX_RATIO` caps the expansion of each big member and of the archive as a whole.
    Raises ModelError (nothing else) for any archive it refuses.
    """
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
            raise ModelError(f"{where}: {shown(info.filename)} lies outside the package folder")
        inner = "/".join(parts[1:])
        # One file on a case-insensitive or normalizing file system (macOS: NFD, any case).
        key = unicodedata.normalize("NFC", "/".join(parts)).casefold()
        if key in seen:
            raise ModelError(
                f"{where}: member {shown(info.filename)} appears twice (names equal up to case or "
                "Unicode normalization)"
            )
        seen.add(key)
        total += info.file_size
        if total > limit:
            raise ModelError(f"{where}: unpacks to more than {limit} bytes (zip bomb?)")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_MIN_BYTES and ratio > MAX_RATIO:
            raise ModelError(
                f"{where}: member {shown(info.filename)} compresses {ratio:.0f}:1, above {MAX_RATIO}:1 (zip bomb?)"
            )
        if inner and inner not in BOOKKEEPING:
            members.append((info, inner))
    packed = max(_archive_bytes(zf, infos), 1)
    if total > RATIO_MIN_BYTES and total / packed > MAX_RATIO:
        raise ModelError(
            f"{where}: {packed} bytes unpack to {total} ({total / packed:.0f}:1, above "
            f"{MAX_RATIO}:1 for the whole archive; zip bomb?)"
        )
    if len(tops) != 1:
        raise ModelError(f"{where}: holds {len(tops)} top-level folders; a package has exactly one")
    files = {inner for info, inner in members if not info.is_dir()}
    top = tops.pop()
    if "metadata.json" not in files:
        raise ModelError(f"{where}: no {top}/metadata.json")
    meta_info = zf.getinfo(f"{top}/metadata.json")
    if meta_info.file_size > MAX_METADATA_BYTES:
        raise ModelError(f"{where}: metadata.json is larger than {MAX_METADATA_BYTES} bytes")
    try:
        raw = zf.read(meta_info)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError) as exc:
        raise ModelError(f"{where}: corrupt archive ({exc}); not installed") from None
    package_info = parse_info(raw, where)
    check_required(files, where, package_info)
    return members, package_info


# ---------------------------------------------------------------- our manifest


def write_manifest(root: Path, source: str, archive_sha: str | None, hashes: dict[str, str]) -> None:
    """Write (and fsync) the manifest of a freshly staged package folder."""
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


def check_manifest(path: Path, origin: str) -> tuple[list[str], list[str], str | None]:
    """Problems, notes and the recorded archive sha256 for the package folder ``path``."""
    problems: list[str] = []
    notes: list[str] = []
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        recorded: dict[str, str] = dict(manifest["files"])
    except FileNotFoundError:
        if origin == "store":
            problems.append(f"no {MANIFEST} manifest: reinstall with `{INSTALL_HINT}`")
        else:
            notes.append("installed by Argos: no manifest, structure checked only")
        return problems, notes, None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [f"unreadable manifest: {exc}"], notes, None
    except RecursionError:
        return ["unreadable manifest: nested too deeply"], notes, None
    present: dict[str, str] = {}
    for rel, st in walk_files(path):
        if stat.S_ISLNK(st.st_mode):
            problems.append(f"{rel} is a symbolic link")
        elif stat.S_ISREG(st.st_mode) and rel not in BOOKKEEPING:
            with open(path / rel, "rb") as handle:
                present[rel] = sha256_stream(handle)
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

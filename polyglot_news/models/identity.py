"""Which bytes a package is: the identities and sha256 of the files a load reads, checked as it loads.

Loading a package reads ``metadata.json``, every file of ``model/`` and the tokenizer(s)
(:func:`loaded_files`). The loader (:mod:`polyglot_news.translation.loader`) takes a
:func:`snapshot` of their :data:`FileId` before and after reading them and keeps the load
only if the two agree, so what it loaded is one version of the package. :func:`check` gives
the sha256 of each file and refuses a package of our store whose files no longer match its
install manifest. The content hash in signatures is that of ``model/model.bin``.

Hashing a large model costs a few tenths of a second, so ``models install`` leaves a record
in the package (:data:`~.archive.RECORD`): each file's sha256 with the :data:`FileId` it had
when written. A file that still has that very identity has not been written, truncated,
replaced or chmod-ed since, and its sha256 is taken from the record; any other file is read
and hashed (once per process and file version).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from pathlib import Path

from polyglot_news.errors import ModelError
from polyglot_news.models.archive import INSTALL_HINT, MANIFEST, RECORD, sha256_stream
from polyglot_news.models.metadata import PackageInfo

MODEL_FILE = "model/model.bin"

FileId = tuple[int, int, int, int, int]
"""A file version: (device, inode, size, mtime ns, ctime ns). A write, a truncation, a chmod or a
replacement (a new inode) changes it, and no program can set a ctime back."""

Snapshot = tuple[tuple[str, FileId], ...]
"""Each file a load reads, with its identity: ``(("metadata.json", (dev, inode, …)), …)``."""


class PackageChanged(ModelError):
    """A package's files changed while it was being read (an install or a remove at work)."""


def gone(where: object) -> PackageChanged:
    """The error for a package file or folder that vanished while in use."""
    return PackageChanged(f"{where} is gone: the package was removed or replaced while in use; run the command again")


_DIGESTS: dict[tuple[str, FileId], str] = {}
_DIGESTS_LOCK = threading.Lock()


def file_id(st: os.stat_result) -> FileId:
    """The :data:`FileId` of a ``stat`` result."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def loaded_files(path: Path, info: PackageInfo) -> list[str]:
    """The package-relative files a load reads: ``metadata.json``, ``model/*``, the tokenizer(s)."""
    try:
        model = sorted(f"model/{e.name}" for e in os.scandir(path / "model") if e.is_file(follow_symlinks=False))
    except OSError:
        model = [MODEL_FILE]  # the snapshot names what is missing
    tokenizers = dict.fromkeys((info.source_sentencepiece, info.target_sentencepiece))
    return ["metadata.json", *model, *tokenizers]


def snapshot(path: Path, files: list[str]) -> Snapshot:
    """The identity of every one of ``files`` (and of our manifest, where there is one).

    Raises:
        PackageChanged: a file is gone (the package was removed, or is being replaced).
    """
    ids: list[tuple[str, FileId]] = []
    for rel in files:
        try:
            ids.append((rel, file_id(os.stat(path / rel))))
        except FileNotFoundError:
            raise gone(path / rel) from None
        except OSError as exc:
            raise ModelError(f"{path}: cannot read {rel}: {exc.strerror or exc}") from None
    with contextlib.suppress(OSError):  # an Argos dir's package has no manifest
        ids.append((MANIFEST, file_id(os.stat(path / MANIFEST))))
    return tuple(ids)


def sha256_of(file: Path, expected: FileId) -> str:
    """The sha256 of ``file``, which must be the version ``expected`` names (computed once per version).

    Raises:
        PackageChanged: the file is another version, or changed while it was read.
    """
    key = (str(file), expected)
    with _DIGESTS_LOCK:
        known = _DIGESTS.get(key)
    if known is not None:
        return known
    changed = PackageChanged(f"{file} changed while it was being loaded; run the command again")
    try:
        with open(file, "rb") as handle:
            if file_id(os.fstat(handle.fileno())) != expected:
                raise changed
            digest = sha256_stream(handle)
            if file_id(os.fstat(handle.fileno())) != expected:
                raise changed
    except FileNotFoundError:
        raise gone(file) from None
    except OSError as exc:
        raise ModelError(f"cannot read {file}: {exc.strerror or exc}") from None
    with _DIGESTS_LOCK:
        _DIGESTS[key] = digest
    return digest


def write_record(root: Path, hashes: dict[str, str]) -> None:
    """Record each file's sha256 with its identity now (the installer, for a staged package folder)."""
    files = {rel: {"sha256": sha, "id": list(file_id(os.stat(root / rel)))} for rel, sha in sorted(hashes.items())}
    with open(root / RECORD, "x", encoding="utf-8") as out:
        json.dump({"format": 1, "files": files}, out)


def _recorded(path: Path) -> dict[str, tuple[str, FileId]]:
    """The install record's (sha256, identity) per file; empty when there is none or it is unusable."""
    try:
        files = json.loads((path / RECORD).read_text(encoding="utf-8"))["files"]
        return {
            str(rel): (str(entry["sha256"]), (int(i[0]), int(i[1]), int(i[2]), int(i[3]), int(i[4])))
            for rel, entry in files.items()
            for i in [entry["id"]]
        }
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError):
        return {}


def _manifest(path: Path) -> dict[str, str]:
    """The sha256 per file our install manifest records."""
    try:
        data = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        return {str(rel): str(digest) for rel, digest in data["files"].items()}
    except FileNotFoundError:
        raise gone(path / MANIFEST) from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        reason = f"unreadable install manifest {MANIFEST} ({exc})"
        raise ModelError(f"{path}: {reason}; reinstall with `{INSTALL_HINT}`") from None


def digest_of(path: Path, rel: str, fid: FileId, recorded: dict[str, tuple[str, FileId]]) -> str:
    """The sha256 of ``path/rel`` (version ``fid``): from the install record if it names that version."""
    known = recorded.get(rel)
    return known[0] if known is not None and known[1] == fid else sha256_of(path / rel, fid)


def check(path: Path, taken: Snapshot) -> dict[str, str]:
    """The sha256 of every file of ``taken``; a package of our store must match its manifest.

    Raises:
        ModelError: a file differs from what was installed (or was added since), naming them.
        PackageChanged: a file changed while it was read.
    """
    recorded = _recorded(path)
    digests = {rel: digest_of(path, rel, fid, recorded) for rel, fid in taken if rel != MANIFEST}
    if any(rel == MANIFEST for rel, _ in taken):
        installed = _manifest(path)
        changed = [rel for rel, digest in digests.items() if installed.get(rel) != digest]
        if changed and snapshot(path, list(digests)) != taken:  # read across an install's swap
            raise PackageChanged(f"{path} changed while it was being loaded; run the command again")
        if changed:
            raise ModelError(
                f"{path}: {', '.join(changed)} changed since the package was installed (not the sha256 its "
                "manifest records): it is not the package that was installed; `polyglot-news models verify` "
                f"lists the damage; reinstall it with `{INSTALL_HINT}`"
            )
    return digests


def content_hash(path: Path) -> str:
    """The first 8 hex digits of the sha256 of ``model/model.bin`` as it is on disk now (``unknown``
    when it cannot be read)."""
    try:
        return digest_of(path, MODEL_FILE, file_id(os.stat(path / MODEL_FILE)), _recorded(path))[:8]
    except (OSError, ModelError):
        return "unknown"

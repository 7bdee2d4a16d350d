"""Leftovers of killed store writers: found for ``models list``/``verify``, removed by the next write.

A store write works in hidden entries of the store folder: an install in ``.tmp-install-*``
(and, for the instant of a swap, ``.old-<name>.*``), a remove in ``.del-<name>.*``, a fetch
downloads into ``.fetch-*.argosmodel``. ``kill -9`` leaves them behind. Writers hold the store
lock (``.lock``) while their entries exist, so those are stale when nobody holds it. A fetch
locks its download while writing it; one unlocked and unchanged for :data:`FETCH_GRACE_S`
is stale.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

# Entries a writer makes under the store lock.
LOCKED_PREFIXES = (".tmp-install-", ".old-", ".del-")
FETCH_PREFIX = ".fetch-"
# A download is locked by its fetch while it is written; after that (closed, waiting for the
# store lock to install it) it is left alone this long since its last write.
FETCH_GRACE_S = 3600.0


@dataclass(frozen=True)
class Temporary:
    """A leftover entry of a killed writer."""

    path: Path
    size_bytes: int


def hold(fd: int) -> None:
    """Lock a download's descriptor so other writers see it is alive (until it is closed)."""
    with contextlib.suppress(ImportError, OSError):
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlocked(path: Path) -> bool:
    """True if nobody holds a flock on ``path`` (and it exists)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - no flock on Windows: single writer assumed
        return path.exists()
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    finally:
        os.close(fd)  # also releases the lock just taken
    return True


def _size(path: Path) -> int:
    if not path.is_dir() or path.is_symlink():
        with contextlib.suppress(OSError):
            return path.lstat().st_size
        return 0
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += (Path(dirpath) / name).lstat().st_size
    return total


def swapped_out(name: str) -> str:
    """The package folder a ``.old-<name>.<random>`` entry was swapped out of."""
    return name[len(".old-") :].rsplit(".", 1)[0]


def _stale_fetch(entry: Path, now: float) -> bool:
    if not (entry.name.startswith(FETCH_PREFIX) and entry.name.endswith(".argosmodel")):
        return False
    try:
        young = now - entry.lstat().st_mtime < FETCH_GRACE_S
    except OSError:
        return False
    return not young and entry.is_file() and _unlocked(entry)


def stale_temporaries(store: Path, *, locked: bool = False) -> list[Temporary]:
    """The leftovers of killed writers in ``store``, with their sizes; never writes.

    ``locked``: the caller holds the store lock (a writer), so every locked-prefix entry is
    stale. Otherwise they count only if no writer holds the lock now. A ``.old-`` entry whose
    package folder is missing is the live version (see ``store._store_entries``), not a leftover.
    """
    try:
        entries = sorted(store.iterdir())
    except OSError:
        return []
    lock = store / ".lock"
    writer_gone = locked or not lock.exists() or _unlocked(lock)
    now = time.time()
    found: list[Temporary] = []
    for entry in entries:
        name = entry.name
        if name.startswith(LOCKED_PREFIXES):
            if not writer_gone:
                continue
            if name.startswith(".old-") and not (store / swapped_out(name)).exists():
                continue
        elif not _stale_fetch(entry, now):
            continue
        found.append(Temporary(entry, _size(entry)))
    return found


def remove_stale_fetches(store: Path) -> None:
    """Delete downloads whose fetch died (called by writers, under the store lock)."""
    now = time.time()
    with contextlib.suppress(OSError):
        for entry in sorted(store.iterdir()):
            if _stale_fetch(entry, now):
                with contextlib.suppress(OSError):
                    entry.unlink()


def describe(found: list[Temporary], store: Path) -> str:
    """One line for stderr: what a killed writer left and what removes it."""
    total = sum(t.size_bytes for t in found)
    names = ", ".join(t.path.name for t in found[:3]) + (", …" if len(found) > 3 else "")
    return (
        f"Warning: {len(found)} leftover temporar{'y' if len(found) == 1 else 'ies'} of an "
        f"interrupted install or fetch in {store} ({total:,} bytes: {names}); the next "
        "`polyglot-news models install` or `remove` deletes them"
    )


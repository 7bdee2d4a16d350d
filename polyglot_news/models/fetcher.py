"""Where packages come from: the Argos index, and ready CTranslate2 models on the model hub.

With :mod:`.hub`, the only modules that touch the network (urllib and the hub client are
imported inside the functions that use them); only ``models fetch`` and ``models build HUB_ID``
call them.

Two kinds of catalog entry (``data/catalog.json``): ``packages`` (Argos ``.argosmodel`` files,
found through the Argos index) and ``hub_models`` (a hub repository + subfolder pinned to a
commit, wrapped into a package after download). For a pair the catalog knows an Argos package
for, the Argos index is used (the official release); otherwise a ``hub_models`` entry serving
the pair. A hub entry is downloaded only at a pinned commit: the catalog's, or ``--revision``;
an entry without one is refused, since nothing could say what it would download. Every file is
checked against the catalog's sha256 where it pins one and the hub's published checksums at
that commit (sha256 of LFS files, git blob id of the others); a mismatch deletes the file and
installs nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import IO, Any

from polyglot_news.errors import ModelError
from polyglot_news.models.archive import (
    CHUNK,
    INSTALL_HINT,
    MAX_UNPACKED_BYTES,
    version_key,
)
from polyglot_news.models.catalog import DEFAULT_INDEX_URL, load_catalog, load_hub_models
from polyglot_news.models.hub import DownloadProgress
from polyglot_news.models.installer import install_archive
from polyglot_news.models.store import Package, store_dir
from polyglot_news.models.temporaries import hold


def _offline(url: str, exc: BaseException) -> ModelError:
    from urllib.parse import urlsplit

    host = urlsplit(url).netloc or url
    return ModelError(
        f"cannot reach {host} ({exc}): you appear to be offline; copy the .argosmodel file "
        f"to this machine and run `{INSTALL_HINT}`"
    )


def download(
    url: str, out: IO[bytes], limit: int, timeout: float, progress: DownloadProgress | None = None
) -> str:
    """Stream ``url`` into ``out`` (at most ``limit`` bytes); return its sha256.

    ``progress`` is told the file name, the bytes so far and the size the server announced.
    """
    import urllib.error
    import urllib.request

    if not url.startswith(("https://", "http://", "file:")):
        raise ModelError(f"{url}: unsupported link scheme")
    digest = hashlib.sha256()
    size = 0
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            announced = response.headers.get("Content-Length")
            total = int(announced) if announced and announced.isdigit() else None
            label = url.rstrip("/").rsplit("/", 1)[-1]
            while chunk := response.read(CHUNK):
                size += len(chunk)
                if progress is not None:
                    progress(label, size, total)
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


def locate(
    from_code: str, to_code: str, *, index_url: str, catalog: Path | None, timeout: float
) -> tuple[str, str | None]:
    """Read the Argos index; return the newest FROM→TO package's link and its known sha256.

    The sha256 comes from our catalog, ``None`` where the catalog does not know the package.

    Raises:
        ModelError: offline, the index is unreadable, or it has no such package or no link.
    """
    import io

    buffer = io.BytesIO()
    download(index_url, buffer, 64 * 1024**2, timeout)
    try:
        index = json.loads(buffer.getvalue().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
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
    return links[0], known


def hub_entry(
    from_code: str | None, to_code: str | None, *, name: str | None = None, catalog: Path | None = None
) -> dict[str, Any] | None:
    """The ``hub_models`` entry to fetch for FROM→TO (or the one named), ``None`` for the Argos index."""
    entries = load_hub_models(catalog)
    if name is not None:
        for entry in entries:
            if entry.get("name") == name:
                return entry
        known = ", ".join(str(e.get("name")) for e in entries) or "none"
        raise ModelError(f"the catalog has no hub model named {name!r} (it has: {known})")
    official = [
        e for e in load_catalog(catalog)
        if not e.get("test_only") and (e.get("from_code"), e.get("to_code")) == (from_code, to_code)
    ]  # fmt: skip
    if official:
        return None
    for entry in entries:
        if entry.get("from_code") == from_code and to_code in (entry.get("targets") or []):
            return entry
    return None


def fetch_hub(
    entry: dict[str, Any],
    store: Path | None = None,
    *,
    revision: str | None = None,
    progress: bool | DownloadProgress = False,
) -> list[Package]:
    """Download a ``hub_models`` entry at its pinned commit, check every file, wrap it, install it.

    Files already downloaded and matching are kept between runs (in ``<store>/.fetch/``), so a
    second run resumes an interrupted one; the folder is removed once the package is installed.

    Raises:
        ModelError: no pinned commit, offline, a file missing or not matching its checksums,
            not a CTranslate2 model, or a package ``models install`` refuses.
    """
    from polyglot_news.models import hub
    from polyglot_news.models.wrap import wrap_folder

    name, repo = str(entry.get("name")), str(entry["repo"])
    sub = str(entry.get("subfolder") or "").strip("/")
    commit = revision or entry.get("revision")
    if not commit:
        raise ModelError(
            f"catalog entry {name} ({repo}) pins no revision, so what it would download cannot be "
            "verified; check the repository and run again with --revision COMMIT (the hub's own "
            "checksums at that commit are then checked)"
        )
    if not hub.COMMIT.match(str(commit)):
        raise ModelError(f"revision {commit!r}: give a full 40-character commit hash (a branch or tag can move)")
    resolved, files = hub.list_files(repo, str(commit))
    if resolved != commit:
        raise ModelError(f"{repo}: the hub resolved {commit} to {resolved}; not installed")
    prefix = f"{sub}/" if sub else ""
    wanted = [f for f in files if f.path.startswith(prefix) and "/" not in f.path[len(prefix) :]]
    if not any(f.path == f"{prefix}model.bin" for f in wanted):
        raise ModelError(f"{repo}/{sub} at {commit[:12]}: no model.bin: not a CTranslate2 model folder")
    pins = entry.get("files") if isinstance(entry.get("files"), dict) else {}
    target = store_dir(store)
    staging = target / ".fetch" / f"{re.sub(r'[^A-Za-z0-9._-]+', '-', repo)}-{commit[:12]}"
    try:
        staging.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelError(f"cannot write {staging}: {exc.strerror or exc}") from None
    pinned = {prefix + str(k): str(v) for k, v in (pins or {}).items()}
    hub.download_files(repo, str(commit), wanted, staging, pinned=pinned, progress=progress)
    provenance = {
        "model": f"{repo}/{sub}" if sub else repo,
        "origin": "huggingface",
        "revision": commit,
        "catalog_entry": name,
        "release": entry.get("release") or "unknown",
        **({"converts": entry["converts"]} if entry.get("converts") else {}),
    }
    with tempfile.TemporaryDirectory(prefix=".fetch-", dir=target) as tmp:
        built = wrap_folder(
            staging / sub if sub else staging, Path(tmp),
            from_code=str(entry["from_code"]), targets=[str(t) for t in entry["targets"]],
            license=entry.get("license"), provenance=provenance,
            version=str(entry.get("package_version") or "1.0"),
        )  # fmt: skip
        package = install_archive(built.path, target, label=f"{repo}@{commit[:12]}")
    shutil.rmtree(staging, ignore_errors=True)
    with contextlib.suppress(OSError):
        (target / ".fetch").rmdir()
    return [package]


def fetch(
    from_code: str,
    to_code: str,
    store: Path | None = None,
    *,
    index_url: str = DEFAULT_INDEX_URL,
    catalog: Path | None = None,
    timeout: float = 20.0,
    name: str | None = None,
    revision: str | None = None,
    progress: bool | DownloadProgress = False,
) -> list[Package]:
    """Fetch FROM→TO: a ``hub_models`` entry of the catalog, else the newest Argos index package.

    The Argos package's sha256 is checked when the catalog knows it; a hub model's files always
    are (see the module docstring). Only ``models fetch`` calls this. ``progress`` is told how
    each download goes (the library prints nothing); ``True`` shows the hub client's own bars.

    Raises:
        ModelError: offline, no such package, checksum mismatch, bad package.
    """
    entry = hub_entry(from_code, to_code, name=name, catalog=catalog)
    if entry is not None:
        return fetch_hub(entry, store, revision=revision, progress=progress)
    link, known = locate(from_code, to_code, index_url=index_url, catalog=catalog, timeout=timeout)
    target = store_dir(store)
    target.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".fetch-", suffix=".argosmodel", dir=target)
    hold(fd)  # a later writer sees this download is alive (models/temporaries.py)
    try:
        with os.fdopen(fd, "wb") as out:
            sha = download(link, out, MAX_UNPACKED_BYTES, timeout, progress if callable(progress) else None)
        if known is not None and sha != known:
            raise ModelError(
                f"{link}: sha256 {sha} does not match the catalog's {known}; not installed"
            )
        return [install_archive(Path(tmp_name), target, label=link)]
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)

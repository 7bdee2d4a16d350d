"""Where packages come from: our catalog of known packages, and the Argos index on the network.

The only module that touches the network (urllib is imported inside the functions that use
it); :func:`polyglot_news.models.fetcher` calls it, then installs what it downloaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import IO

from polyglot_news.errors import ModelError
from polyglot_news.models.archive import (
    CHUNK,
    INSTALL_HINT,
    MAX_UNPACKED_BYTES,
    version_key,
)
from polyglot_news.models.archive import MANIFEST as MANIFEST
from polyglot_news.models.catalog import DEFAULT_INDEX_URL as DEFAULT_INDEX_URL
from polyglot_news.models.catalog import load_catalog
from polyglot_news.models.installer import _install_archive
from polyglot_news.models.store import Package, store_dir
from polyglot_news.models.temporaries import hold


def _offline(url: str, exc: BaseException) -> ModelError:
    from urllib.parse import urlsplit

    host = urlsplit(url).netloc or url
    return ModelError(
        f"cannot reach {host} ({exc}): you appear to be offline; copy the .argosmodel file "
        f"to this machine and run `{INSTALL_HINT}`"
    )


def download(url: str, out: IO[bytes], limit: int, timeout: float) -> str:
    """Stream ``url`` into ``out`` (at most ``limit`` bytes); return its sha256."""
    import urllib.error
    import urllib.request

    if not url.startswith(("https://", "http://", "file:")):
        raise ModelError(f"{url}: unsupported link scheme")
    digest = hashlib.sha256()
    size = 0
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            while chunk := response.read(CHUNK):
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
    hold(fd)  # a later writer sees this download is alive (models/temporaries.py)
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

"""The catalog of known packages and hub models (package data, read with importlib.resources)."""

from __future__ import annotations

import json
import os
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from polyglot_news.errors import ModelError

DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"


def catalog_path() -> Path | Traversable:
    """``$POLYGLOT_NEWS_CATALOG``, else the catalog shipped as package data (``data/catalog.json``)."""
    env = os.environ.get("POLYGLOT_NEWS_CATALOG")
    if env:
        return Path(env)
    return resources.files("polyglot_news") / "data" / "catalog.json"


def load_catalog(path: Path | Traversable | None = None) -> list[dict[str, Any]]:
    """The catalog's package entries; an absent catalog is an empty one."""
    path = catalog_path() if path is None else path
    data = _read(path)
    if data is None:
        return []
    entries = data.get("packages")
    if not isinstance(entries, list):
        raise ModelError(f"{path}: catalog has no 'packages' list")
    return [e for e in entries if isinstance(e, dict)]




def load_hub_models(path: Path | Traversable | None = None) -> list[dict[str, Any]]:
    """The catalog's ready CTranslate2 models on the model hub (``hub_models``); see :mod:`.fetcher`.

    Each names a repository (+ subfolder), the revision (a commit) it is pinned to or ``null``
    where none could be checked, optional per-file sha256 pins, languages, licence, size and
    whether it is an official release or a third-party conversion (and of which model).
    """
    path = catalog_path() if path is None else path
    entries = (_read(path) or {}).get("hub_models", [])
    if not isinstance(entries, list):
        raise ModelError(f"{path}: catalog 'hub_models' is not a list")
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("repo"), str)]


def _read(path: Path | Traversable) -> dict[str, Any] | None:
    """The catalog file as a JSON object, or ``None`` when there is no catalog file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RecursionError) as exc:
        raise ModelError(f"{path}: unreadable catalog: {exc}") from None
    if not isinstance(data, dict):
        raise ModelError(f"{path}: catalog is not a JSON object")
    return data

"""The model store: metadata, archives, install, verify, catalog, fetch (the only networked module), build."""

from __future__ import annotations

from typing import TYPE_CHECKING

from polyglot_news.lazy import lazy_names

if TYPE_CHECKING:
    from polyglot_news.models.archive import INSTALL_HINT, MANIFEST, version_key
    from polyglot_news.models.catalog import DEFAULT_INDEX_URL, load_catalog
    from polyglot_news.models.fetcher import fetch
    from polyglot_news.models.installer import install, remove
    from polyglot_news.models.store import Package, Problem, argos_dirs, list_packages, scan_packages, store_dir
    from polyglot_news.models.temporaries import Temporary, stale_temporaries
    from polyglot_news.models.verifier import VerifyResult, verify

__all__ = [
    "DEFAULT_INDEX_URL",
    "INSTALL_HINT",
    "MANIFEST",
    "Package",
    "Problem",
    "Temporary",
    "VerifyResult",
    "argos_dirs",
    "fetch",
    "install",
    "list_packages",
    "load_catalog",
    "remove",
    "scan_packages",
    "stale_temporaries",
    "store_dir",
    "verify",
    "version_key",
]

__getattr__, __dir__ = lazy_names(
    __name__,
    {
        "INSTALL_HINT": "archive",
        "MANIFEST": "archive",
        "version_key": "archive",
        "DEFAULT_INDEX_URL": "catalog",
        "load_catalog": "catalog",
        "fetch": "fetcher",
        "install": "installer",
        "remove": "installer",
        "Package": "store",
        "Problem": "store",
        "argos_dirs": "store",
        "list_packages": "store",
        "scan_packages": "store",
        "store_dir": "store",
        "Temporary": "temporaries",
        "stale_temporaries": "temporaries",
        "VerifyResult": "verifier",
        "verify": "verifier",
    },
)

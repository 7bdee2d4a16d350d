"""Language identification: seeded langdetect (or lingua) with a Cyrillic character model on top.

``detect`` lives in :mod:`.detector` (not a module named ``detect``, so that the function and a
submodule never compete for one attribute of this package).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from polyglot_news.lazy import lazy_names

if TYPE_CHECKING:
    from polyglot_news.langid.detector import MODEL_VERSION, SEED, detect, detector_signature

__all__ = ["MODEL_VERSION", "SEED", "detect", "detector_signature"]

__getattr__, __dir__ = lazy_names(
    __name__,
    {
        "MODEL_VERSION": "detector",
        "SEED": "detector",
        "detect": "detector",
        "detector_signature": "detector",
    },
)

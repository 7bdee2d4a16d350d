"""Package faces that import a name's module only when the name is first used.

``import polyglot_news`` or ``import polyglot_news.cli`` then costs only the modules really
needed: the faces name the public API without loading the translation stack behind it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_names(package: str, where: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: ``where`` maps each name to its module
    (relative to ``package``, or absolute when it starts with ``polyglot_news.``)."""
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        absolute = module if module.startswith("polyglot_news.") else f"{package}.{module}"
        value = getattr(importlib.import_module(absolute), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(where)

    return __getattr__, __dir__

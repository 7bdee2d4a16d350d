"""Language codes: the one check every code entering the library goes through."""

from __future__ import annotations

import re

_LANG_CODE = re.compile(r"^[a-z]{2,3}$")


def check_language_code(code: str, option: str) -> str:
    """The code, trimmed and lower-cased; ValueError naming ``option`` if it is no language code."""
    clean = code.strip().lower()
    if not _LANG_CODE.match(clean):
        raise ValueError(f"{option} takes language codes like 'en' or 'be', not {code!r}")
    return clean


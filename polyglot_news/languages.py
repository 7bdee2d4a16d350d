"""Language codes: the one place every code entering the library is checked and normalised.

The project speaks ISO 639-1 (``en``, ``ru``, ``be``, ``uk``). A user who has seen ``>>bel<<``
or ``rus_Cyrl`` will type three-letter codes, and any case (``--to RU,Be``): every option,
package ``metadata.json`` and parallel-file column goes through :func:`normalize_code`, so
``bel``, ``BEL``, ``Be`` and ``be`` all mean Belarusian.
"""

from __future__ import annotations

import re

ISO639_3: dict[str, str] = {
    "eng": "en", "rus": "ru", "bel": "be", "ukr": "uk", "pol": "pl", "lit": "lt", "lav": "lv",
    "est": "et", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "spa": "es", "ita": "it",
    "por": "pt", "nld": "nl", "dut": "nl", "ces": "cs", "cze": "cs", "slk": "sk", "slo": "sk",
    "slv": "sl", "hrv": "hr", "srp": "sr", "bos": "bs", "bul": "bg", "mkd": "mk", "mac": "mk",
    "ron": "ro", "rum": "ro", "hun": "hu", "fin": "fi", "swe": "sv", "dan": "da", "nob": "nb",
    "nor": "no", "isl": "is", "ice": "is", "ell": "el", "gre": "el", "tur": "tr", "aze": "az",
    "kaz": "kk", "kir": "ky", "tgk": "tg", "uzb": "uz", "kat": "ka", "geo": "ka", "hye": "hy",
    "arm": "hy", "heb": "he", "ara": "ar", "fas": "fa", "per": "fa", "pes": "fa", "urd": "ur",
    "hin": "hi", "zho": "zh", "chi": "zh", "cmn": "zh", "jpn": "ja", "kor": "ko", "vie": "vi",
    "mon": "mn", "sqi": "sq", "alb": "sq", "cat": "ca", "eus": "eu", "baq": "eu", "glg": "gl",
    "gle": "ga", "cym": "cy", "wel": "cy", "epo": "eo",
}  # fmt: skip
"""ISO 639-3 (and 639-2/B) codes mapped to the ISO 639-1 codes packages use.

Indonesian (``ind``/``id``) is left out on purpose: ``id`` is the usual name of a row-id
column in parallel files."""

KNOWN_TWO_LETTER = frozenset(ISO639_3.values())
"""The two-letter codes :data:`ISO639_3` maps onto."""

_LANG_CODE = re.compile(r"^[a-z]{2,3}$")


def normalize_code(code: str) -> str:
    """``code`` trimmed, lower-cased and, if it is a known ISO 639-2/3 code, made two-letter.

    ``"BEL"`` → ``"be"``, ``"Ru"`` → ``"ru"``; an unknown code is returned lower-cased.
    Script or region suffixes are the caller's business (see :func:`check_language_code`).
    """
    clean = code.strip().lower()
    return ISO639_3.get(clean, clean)


def check_language_code(code: str, name: str) -> str:
    """The project's code for ``code`` (see :func:`normalize_code`).

    ``name`` is what the code was given as: a parameter in backticks (```source_lang```) for
    the library, an option (``--source-lang``) for the CLI.

    Raises:
        TypeError: naming ``name``, if ``code`` is not a string.
        ValueError: naming ``name``, if ``code`` is no language code.
    """
    if not isinstance(code, str):
        raise TypeError(f"{name} takes a language code (a str) like 'en' or 'be', not {type(code).__name__}")
    clean = normalize_code(code)
    if not _LANG_CODE.match(clean):
        raise ValueError(f"{name} takes language codes like 'en' or 'be', not {code!r}")
    return clean


DETECTORS = ("langdetect", "lingua")
"""The general-purpose detectors ``detector=`` and ``--detector`` accept (lingua: the optional extra)."""

DEFAULT_DETECTOR = "langdetect"

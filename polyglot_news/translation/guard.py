"""Spot degenerate machine translation, one sentence at a time.

NMT models sometimes loop (``the the the …``), stop at once, run far past the source, or
answer in the wrong script. :func:`check` names what is wrong with a translation; the
engine retries flagged sentences once with safer decoding and reports what still fails.
Every rule is a plain deterministic test on the strings, cheap next to decoding.
"""

from __future__ import annotations

import functools
import re

__all__ = [
    "FLAGS",
    "MAX_LENGTH_RATIO",
    "SCRIPTS",
    "check",
    "repetition",
    "script_share",
]

FLAGS = ("empty", "garbage", "repetition", "length-ratio", "script")
"""Every flag :func:`check` can return, in the order it returns them."""

MAX_LENGTH_RATIO = 3.0
"""A translation longer than this many times the source (or shorter than its inverse) is flagged."""

_LENGTH_SLACK = 10
"""Characters added to both lengths before the ratio, so short sentences are not flagged."""

MIN_SCRIPT_SHARE = 0.5
"""At least this share of a translation's letters must be in the target language's script."""

_MIN_LETTERS = 4

SCRIPTS: dict[str, str] = {
    **dict.fromkeys(("ru", "be", "uk", "bg", "sr", "mk", "kk", "ky", "tg", "mn"), "Cyrillic"),
    **dict.fromkeys(
        (
            "en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "sk", "sl", "hr", "bs", "lt",
            "lv", "et", "fi", "sv", "da", "nb", "no", "is", "ro", "hu", "tr", "az", "sq", "ca",
            "eu", "gl", "ga", "cy", "id", "ms", "vi", "tl", "sw", "eo",
        ),
        "Latin",
    ),
    "el": "Greek",
    "ka": "Georgian",
    "hy": "Armenian",
    "he": "Hebrew",
    "ar": "Arabic",
    "fa": "Arabic",
    "ur": "Arabic",
}  # fmt: skip
"""The script a language is written in; languages not listed are not script-checked."""

_SCRIPT_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "Cyrillic": ((0x0400, 0x052F), (0x1C80, 0x1C8F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F)),
    "Latin": ((0x0041, 0x005A), (0x0061, 0x007A), (0x00C0, 0x024F), (0x1E00, 0x1EFF)),
    "Greek": ((0x0370, 0x03FF), (0x1F00, 0x1FFF)),
    "Georgian": ((0x10A0, 0x10FF),),
    "Armenian": ((0x0530, 0x058F),),
    "Hebrew": ((0x0590, 0x05FF),),
    "Arabic": ((0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
}

_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_MAX_LOOP = 16
_LETTER = re.compile(r"[^\W\d_]")
# Control characters, U+FFFD (broken bytes) and SentencePiece's unknown-token surface.
_GARBAGE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\u2047]")


def script_share(text: str, script: str) -> float | None:
    """Share of the letters of ``text`` written in ``script``; None when it has too few letters."""
    letters = _LETTER.findall(text)
    if len(letters) < _MIN_LETTERS:
        return None
    inside = len(_script_pattern(script).findall(text))
    return inside / len(letters)


@functools.cache
def _script_pattern(script: str) -> re.Pattern[str]:
    ranges = "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in _SCRIPT_RANGES[script])
    return re.compile(f"(?=[^\\W\\d_])[{ranges}]")


def repetition(text: str) -> int:
    """How many words a back-to-back loop covers in ``text`` (0 when there is none).

    A loop is one word (or punctuation mark) repeated four times or more, or a run of 2–16
    words repeated three times or more: ``"a b a b a b c"`` gives 6, ``"a a a"`` gives 0.
    """
    tokens = [t.lower() for t in _TOKEN.findall(text)]
    best = 0
    for size in range(1, _MAX_LOOP + 1):
        needed = 4 if size == 1 else 3
        # A unit repeated n times back to back is a run of (n - 1) * size positions where
        # tokens[i] == tokens[i + size]; so one linear pass per size finds the longest loop.
        longest = run = 0
        for i in range(len(tokens) - size):
            if tokens[i] == tokens[i + size]:
                run += 1
                longest = max(longest, run)
            else:
                run = 0
        count = 1 + longest // size
        if count >= needed:
            best = max(best, count * size)
    return best


def check(source: str, target: str, target_lang: str | None) -> tuple[str, ...]:
    """Name what looks degenerate in ``target``, a translation of ``source`` into ``target_lang``.

    Returns a tuple of flags from :data:`FLAGS` (empty when the translation looks sane):
    ``empty`` (nothing came back for a non-empty source), ``garbage`` (control characters,
    broken bytes or unknown-token marks the source does not have), ``repetition`` (a loop, see
    :func:`repetition`, longer than any in the source), ``length-ratio``
    (far longer or shorter than the source), ``script`` (mostly not in the target
    language's script; languages missing from :data:`SCRIPTS` are not checked).
    """
    if not source.strip():
        return ()
    if not target.strip():
        return ("empty",)
    flags: list[str] = []
    if set(_GARBAGE.findall(target)) - set(_GARBAGE.findall(source)):
        flags.append("garbage")
    # A faithful translation may repeat what the source repeats; a loop repeats more.
    if repetition(target) > repetition(source):
        flags.append("repetition")
    ratio = (len(target.strip()) + _LENGTH_SLACK) / (len(source.strip()) + _LENGTH_SLACK)
    if ratio > MAX_LENGTH_RATIO or ratio < 1 / MAX_LENGTH_RATIO:
        flags.append("length-ratio")
    script = SCRIPTS.get((target_lang or "").lower())
    if script is not None:
        share = script_share(target, script)
        if share is not None and share < MIN_SCRIPT_SHARE:
            flags.append("script")
    return tuple(flags)

"""Decoding markup (HTML pages, XML feeds) whose encoding is declared, undeclared or misdeclared.

The rules, in order:

1. A byte-order mark decides (UTF-8, UTF-16, UTF-32).
2. Bytes that are valid UTF-8 are UTF-8, whatever the page declares: a legacy single-byte
   text (windows-1251, KOI8-R, latin-1 …) with letters beyond ASCII is practically never
   valid UTF-8, so a ``<meta charset="windows-1251">`` on UTF-8 bytes is a lie.
3. Otherwise the declaration (``<meta charset>``, ``http-equiv`` Content-Type, the XML
   declaration) names the encoding. Russian pages lie between the Cyrillic single-byte
   encodings too (a KOI8-R page declared windows-1251): within that family the candidate
   whose decoding reads most like real text wins (:func:`cyrillic_score`).
4. Nothing declared (or UTF-8 declared over bytes that are not): a single-byte text (read as
   UTF-8, broken at most of its bytes beyond ASCII) that reads as Cyrillic prose is decoded as
   the best of that family, any other as windows-1252 (what browsers assume of a legacy page);
   UTF-8 with a few broken bytes is refused with the offset of the first one.
"""

from __future__ import annotations

import codecs
import re

from polyglot_news.errors import InputError
from polyglot_news.io import refuse_binary

__all__ = ["CYRILLIC", "cyrillic_score", "declared_encoding", "decode_markup"]

CYRILLIC = ("windows-1251", "koi8-r", "koi8-u", "iso-8859-5", "cp866")
"""The single-byte Cyrillic encodings a Russian, Ukrainian or Belarusian page may use (or lie about).

Mac Cyrillic is read only when declared: it puts lower-case letters where windows-1251 has
capitals, so its score cannot tell the two apart."""

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
_HEAD_BYTES = 4096
_SAMPLE = 1 << 16


def declared_encoding(data: bytes) -> str | None:
    """The encoding the XML declaration or a ``<meta>`` in the first 4 KB names (a Python codec), or None."""
    head = data[:_HEAD_BYTES]
    found = _XML_DECL.match(head) or _META.search(head)
    if found is None:
        return None
    try:
        return codecs.lookup(found.group(1).decode("ascii")).name
    except LookupError:
        return None


def cyrillic_score(text: str) -> float:
    """How much ``text`` reads like Cyrillic prose: the share of its non-ASCII characters that are
    lower-case Cyrillic letters.

    Real Russian, Ukrainian and Belarusian text is about 95 % lower case; the same bytes read
    in the wrong Cyrillic encoding come out mostly upper case or as symbols (KOI8-R puts the
    lower-case letters where windows-1251 has the capitals; Mac Cyrillic has symbols there),
    so the right candidate scores highest.
    """
    beyond = lower = 0
    for ch in text:
        if ch > "\x7f":
            beyond += 1
            lower += "\u0400" <= ch <= "\u04ff" and ch.islower()
    return lower / beyond if beyond else 0.0


def _best_cyrillic(data: bytes, declared: str | None = None) -> tuple[str, float]:
    """The Cyrillic encoding whose reading scores best; the declared one unless another is clearly better."""
    sample = data[:_SAMPLE]
    scored = [(cyrillic_score(sample.decode(enc, errors="replace")), -i, enc) for i, enc in enumerate(CYRILLIC)]
    # equal scores: the earlier (more common) encoding wins
    score, _, best = max(scored)
    for mine, _, enc in scored:
        if enc == declared and mine >= score - 0.05:
            return enc, mine
    return best, score


def _single_byte(data: bytes) -> bool:
    """Whether the bytes beyond ASCII are a single-byte text's, not UTF-8 with a few broken bytes.

    Read as UTF-8, a legacy text is broken at nearly every byte beyond ASCII; a UTF-8 text
    with a stray byte is broken once among many good characters.
    """
    read = data[:_SAMPLE].decode("utf-8", errors="replace")
    broken = read.count("\ufffd")
    beyond = sum(1 for ch in read if ch > "\x7f")
    return broken >= 1 and broken >= 0.5 * beyond


def decode_markup(data: bytes, name: str) -> tuple[str, str]:
    """Decode a page or feed by the rules of the module docstring: ``(text, encoding used)``.

    Bytes that are not text (a NUL) are refused first, as text input is (:func:`polyglot_news.io.refuse_binary`).

    Raises:
        InputError: binary data, or bytes that are not text in any encoding the rules accept (the
            message names the byte offset and the way out).
    """
    refuse_binary(data, name)
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            try:
                return data.decode(encoding), encoding.removesuffix("-sig")
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{name}: starts with a {encoding.removesuffix('-sig').upper()} byte-order mark but holds "
                    f"invalid bytes at offset {exc.start}; repair it, e.g. `iconv -c -f "
                    f"{encoding.removesuffix('-sig').upper()} -t UTF-8`"
                ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    declared = declared_encoding(data)
    if declared is not None and declared not in ("utf-8", "ascii"):
        family = {codecs.lookup(e).name: e for e in CYRILLIC}
        if declared in family:
            best, _ = _best_cyrillic(data, family[declared])
            return data.decode(best, errors="replace"), best
        return data.decode(declared, errors="replace"), declared
    if _single_byte(data):
        best, score = _best_cyrillic(data)
        if score >= 0.6:
            return data.decode(best, errors="replace"), best
        return data.decode("windows-1252", errors="replace"), "cp1252"  # HTML's default for legacy pages
    said = f"declared {declared}" if declared else "no encoding declared"
    raise InputError(
        f"{name}: invalid UTF-8 at byte offset {bad_at} (byte 0x{data[bad_at]:02x}; {said}); "
        "convert it to UTF-8 or declare its encoding, e.g. `iconv -f WINDOWS-1251 -t UTF-8`"
    )

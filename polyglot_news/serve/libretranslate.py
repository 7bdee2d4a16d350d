"""LibreTranslate's API: ``/translate``, ``/detect``, ``/languages``, ``/frontend/settings``, ``/suggest``.

Shapes (LibreTranslate 1.x): ``{"translatedText": str | [str]}``, with ``detectedLanguage``
(``{"confidence": 0–100, "language": code}``, a list for a list ``q``) when ``source`` is
``auto`` and ``alternatives`` (always empty lists: see :func:`translate`) when asked for;
``/detect`` answers ``[{"confidence", "language"}]``; ``/languages`` answers
``[{"code", "name", "targets"}]``. Errors are ``{"error": message}`` with 400 (bad request,
unsupported language), 403 (API key, a feature that is off), 408 (body too slow), 413 (body
cap), 429, 500, 503 (busy or past ``--timeout``, with Retry-After). Citation markers in ``q``
come back in place: each text is split into sentences whose markers the engine carries.
Language codes may be ISO 639-1 or 639-3 (``eng``, ``bel``), any case.
"""

from __future__ import annotations

import asyncio
import unicodedata
from collections import Counter
from typing import Any

from polyglot_news.readers.markup import Piece, join_markup, split_markup
from polyglot_news.serve.batching import Engine
from polyglot_news.serve.config import ServeConfig
from polyglot_news.serve.requests import ApiError, text_param, whole_number

NAMES = {
    "be": "Belarusian", "ru": "Russian", "en": "English", "uk": "Ukrainian", "pl": "Polish", "de": "German",
    "fr": "French", "es": "Spanish", "it": "Italian", "lt": "Lithuanian", "lv": "Latvian", "et": "Estonian",
    "kk": "Kazakh", "ka": "Georgian", "hy": "Armenian", "az": "Azerbaijani", "ro": "Romanian", "cs": "Czech",
}
CYRILLIC = frozenset({"ru", "be", "uk", "bg", "mk", "sr", "kk", "ky", "tg", "mn"})
"""Languages written in Cyrillic, for the last-resort guess on text no detector can place."""
SHORT_TEXT = 40
"""A ``q`` item this short is guessed from all the items together when ``source`` is ``auto``
(LibreTranslate's rule: too little text to tell on its own)."""
SUGGESTIONS_OFF = "Suggestions are disabled on this server."
"""``/suggest``'s answer (403), LibreTranslate's own when its suggestions are off."""
GUESS_CONFIDENCE = 50.0
"""Highest confidence reported for a guess made on text too short or too mixed to decide."""


def languages(config: ServeConfig) -> list[dict[str, Any]]:
    """Every installed language with the targets a route reaches (direct or by pivot)."""
    from polyglot_news.errors import RouteError
    from polyglot_news.models.store import list_packages
    from polyglot_news.translation.routing import find_route

    packages = list_packages(config.models)
    codes = sorted({p.from_code for p in packages} | {p.to_code for p in packages})
    out = []
    for code in codes:
        targets = []
        for other in codes:
            if other == code:
                continue
            try:
                find_route(code, other, packages)
            except RouteError:
                continue
            targets.append(other)
        out.append({"code": code, "name": NAMES.get(code, code), "targets": targets})
    return out


def language_param(params: dict[str, Any], name: str) -> str:
    """A language code parameter, normalised (``ENG`` → ``en``); 400 when missing."""
    from polyglot_news.languages import normalize_code

    value = text_param(params, name)
    if value is None:
        raise ApiError(400, f"Invalid request: missing {name} parameter")
    return normalize_code(value)


async def translate(
    params: dict[str, Any], config: ServeConfig, engine: Engine, installed: list[dict[str, Any]]
) -> dict[str, Any]:
    """LibreTranslate's ``/translate``; ``installed`` is what :func:`languages` answered (cached).

    ``alternatives`` (n-best hypotheses) is accepted and answered with empty lists: the engine
    decodes one hypothesis a sentence and places the citation markers through its attention,
    so it has no alternative with markers in place to offer.
    """
    q = params.get("q")
    if q is None or q == "" or q == []:
        raise ApiError(400, "Invalid request: missing q parameter")
    batch = isinstance(q, list)
    items = q if batch else [q]
    if not all(isinstance(item, str) for item in items):
        raise ApiError(400, "Invalid request: q must be a string or a list of strings")
    source = language_param(params, "source")
    target = language_param(params, "target")
    fmt = text_param(params, "format") or "text"
    if fmt not in ("text", "html"):
        raise ApiError(400, f"{fmt} format is not supported")
    alternatives = whole_number(params, "alternatives", 0, 100) or 0
    if len(items) > config.max_items:
        raise ApiError(400, f"Invalid request: request ({len(items)}) exceeds text limit ({config.max_items})")
    chars = sum(len(item) for item in items)
    if chars > config.max_chars:
        raise ApiError(400, f"Invalid request: request ({chars}) exceeds text limit ({config.max_chars})")
    known = {entry["code"]: entry for entry in installed}
    check_pair(source, target, known)
    # markup as in ``translate page.html``, kept byte for byte (no charset rewritten: it stays a string)
    pieces = [split_markup(item) if fmt == "html" else [Piece(True, item, item)] for item in items]
    detected: list[dict[str, Any]] = []
    if source == "auto":
        texts = ["".join(piece.value for piece in item if piece.text) for item in pieces]
        detected = await engine.aside(lambda: guess_each(texts, known))
    sources = [d["language"] for d in detected] or [source] * len(items)
    for code in dict.fromkeys(sources):
        check_pair(code, target, known)
    translated = await translate_pieces(pieces, sources, target, engine)
    texts_out = [join_markup(item, done, utf8=False) if fmt == "html" else done.get(0, item[0].value)
                 for item, done in zip(pieces, translated, strict=True)]
    out: dict[str, Any] = {"translatedText": texts_out if batch else texts_out[0]}
    if source == "auto":
        out["detectedLanguage"] = detected if batch else detected[0]
    if alternatives:
        out["alternatives"] = [[] for _ in items] if batch else []
    return out


def check_pair(source: str, target: str, known: dict[str, dict[str, Any]]) -> None:
    """400 unless both languages are installed and a route joins them (``auto``: any source)."""
    if source != "auto" and source not in known:
        raise ApiError(400, f"{source} is not supported")
    if target not in known:
        raise ApiError(400, f"{target} is not supported")
    if source not in ("auto", target) and target not in known[source]["targets"]:
        raise ApiError(400, f"{source} ({NAMES.get(source, source)}) cannot be translated to {target}")


async def detect_languages(params: dict[str, Any], config: ServeConfig, engine: Engine,
                           installed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """LibreTranslate's ``/detect``: always a best guess with its confidence (see :func:`guess`)."""
    q = text_param(params, "q")
    if q is None:
        raise ApiError(400, "Invalid request: missing q parameter")
    if len(q) > config.max_chars:
        raise ApiError(400, f"Invalid request: request ({len(q)}) exceeds text limit ({config.max_chars})")
    known = {entry["code"]: entry for entry in installed}
    return [await engine.aside(lambda: guess(q, known))]


def guess_each(texts: list[str], known: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """:func:`guess` for every text; a short one borrows the guess for all of them together."""
    overall: dict[str, Any] | None = None
    out = []
    for text in texts:
        if len(text.strip()) <= SHORT_TEXT and len(texts) > 1:
            overall = overall or guess("\n".join(texts), known)
            out.append(overall)
        else:
            out.append(guess(text, known))
    return out


def guess(text: str, known: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The language of ``text`` as LibreTranslate gives it: always a code, never ``und``.

    A confident detection comes with its confidence (0–100), installed or not. Text too short
    or too mixed to decide gets the detector's guess on looser terms (the whole text, then the
    main script's words alone) if that language is installed, at most :data:`GUESS_CONFIDENCE`;
    otherwise the installed language written in the text's main script (the one with the most
    targets), with confidence 0 (where LibreTranslate answers ``en``).
    """
    from polyglot_news.langid.detector import detect

    found = detect(text)
    if found.language != "und":
        return {"confidence": round(found.confidence * 100, 1), "language": found.language}
    script, share = _main_script(text)
    main = " ".join(word for word in text.split() if _main_script(word)[0] == script) if script else ""
    for candidate, weight in ((text, 1.0), (main, share)):
        loose = detect(candidate, min_chars=1) if candidate.strip() else found
        if loose.language in known:  # a loose guess counts only where it can be used
            return {"confidence": round(min(GUESS_CONFIDENCE, loose.confidence * 100 * weight), 1),
                    "language": loose.language}
    sources = sorted(known, key=lambda code: (-len(known[code]["targets"]), code))
    written = [code for code in sources if ("CYRILLIC" if code in CYRILLIC else "LATIN") == script]
    return {"confidence": 0.0, "language": (written or sources or ["en"])[0]}


def _main_script(text: str) -> tuple[str | None, float]:
    """The script most letters of ``text`` are in (``LATIN``, ``CYRILLIC``, …) and its share of them."""
    scripts = Counter(unicodedata.name(ch, "UNKNOWN ").split(" ")[0] for ch in text if ch.isalpha())
    if not scripts:
        return None, 0.0
    script, count = scripts.most_common(1)[0]
    return script, count / sum(scripts.values())


async def translate_pieces(
    items: list[list[Piece]], sources: list[str], target: str, engine: Engine
) -> list[dict[int, str]]:
    """The translation of every text piece of every item (by piece index), one engine job per source language.

    A piece keeps the whitespace around its text; a piece without words, or of an item already
    in ``target``, is left out (it stays as it is).
    """
    by_source: dict[str, list[tuple[int, int]]] = {}
    for i, (pieces, code) in enumerate(zip(items, sources, strict=True)):
        for j, piece in enumerate(pieces):
            if piece.text and piece.value.strip() and code != target:
                by_source.setdefault(code, []).append((i, j))
    jobs = {code: engine.translate([items[i][j].value.strip() for i, j in where], code, target)
            for code, where in by_source.items()}
    results = dict(zip(jobs, await asyncio.gather(*jobs.values()), strict=True))
    out: list[dict[int, str]] = [{} for _ in items]
    for code, where in by_source.items():
        for (i, j), text in zip(where, results[code], strict=True):
            original = items[i][j].value
            lead = original[: len(original) - len(original.lstrip())]
            trail = original[len(original.rstrip()) :]
            out[i][j] = lead + text + trail
    return out


def frontend_settings(config: ServeConfig, installed: list[dict[str, Any]], file_formats: list[str]) -> dict[str, Any]:
    """LibreTranslate's ``/frontend/settings``: limits and features (suggestions are off)."""
    codes = [entry["code"] for entry in installed]
    target = next((code for code in ("ru", "be") if code in codes), codes[0] if codes else "en")
    return {
        "charLimit": config.max_chars,
        "frontendTimeout": round(config.timeout_s * 1000),
        "apiKeys": config.needs_key,
        "keyRequired": config.needs_key,
        "suggestions": False,
        "filesTranslation": bool(file_formats),
        "supportedFilesFormat": file_formats,
        "language": {
            "source": {"code": "auto", "name": "Auto Detect"},
            "target": {"code": target, "name": NAMES.get(target, target)},
        },
    }

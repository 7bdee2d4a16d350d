"""LibreTranslate's API: ``POST /translate``, ``POST /detect``, ``GET /languages``, same JSON shapes.

Shapes (LibreTranslate 1.x): ``{"translatedText": str | [str]}``, with ``detectedLanguage``
(``{"confidence": 0–100, "language": code}``, a list for a list ``q``) when ``source`` is
``auto``; ``/detect`` answers ``[{"confidence", "language"}]``; ``/languages`` answers
``[{"code", "name", "targets"}]``. Errors are ``{"error": message}`` with 400 (bad request,
unsupported language), 403 (API key), 413 (body cap), 500, 503 (busy, with Retry-After).
Citation markers in ``q`` come back in place: each text is split into sentences whose
markers the engine carries through translation.
"""

from __future__ import annotations

import asyncio
from html import escape
from html.parser import HTMLParser
from typing import Any

from polyglot_news.serve.batching import Engine
from polyglot_news.serve.config import ServeConfig
from polyglot_news.serve.requests import ApiError, text_param

NAMES = {
    "be": "Belarusian", "ru": "Russian", "en": "English", "uk": "Ukrainian", "pl": "Polish", "de": "German",
    "fr": "French", "es": "Spanish", "it": "Italian", "lt": "Lithuanian", "lv": "Latvian", "et": "Estonian",
    "kk": "Kazakh", "ka": "Georgian", "hy": "Armenian", "az": "Azerbaijani", "ro": "Romanian", "cs": "Czech",
}


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


async def translate(
    params: dict[str, Any], config: ServeConfig, engine: Engine, installed: list[dict[str, Any]]
) -> dict[str, Any]:
    """LibreTranslate's ``/translate``; ``installed`` is what :func:`languages` answered (cached)."""
    q = params.get("q")
    if q is None or q == "" or q == []:
        raise ApiError(400, "Invalid request: missing q parameter")
    batch = isinstance(q, list)
    items = q if batch else [q]
    if not all(isinstance(item, str) for item in items):
        raise ApiError(400, "Invalid request: q must be a string or a list of strings")
    source = text_param(params, "source")
    target = text_param(params, "target")
    if source is None:
        raise ApiError(400, "Invalid request: missing source parameter")
    if target is None:
        raise ApiError(400, "Invalid request: missing target parameter")
    fmt = text_param(params, "format") or "text"
    if fmt not in ("text", "html"):
        raise ApiError(400, f"{fmt} format is not supported")
    chars = sum(len(item) for item in items)
    if chars > config.max_chars:
        raise ApiError(400, f"Invalid request: request ({chars}) exceeds text limit ({config.max_chars})")
    known = {entry["code"]: entry for entry in installed}
    source, target = source.strip().lower(), target.strip().lower()
    if source != "auto" and source not in known:
        raise ApiError(400, f"{source} is not supported")
    if target not in known:
        raise ApiError(400, f"{target} is not supported")
    detected: list[dict[str, Any]] = []
    sources: list[str] = []
    for item in items:
        if source == "auto":
            found = _detect(item)
            if found["language"] == "und":
                raise ApiError(400, "Cannot detect the language of q: pass a source language")
            if found["language"] not in known:
                raise ApiError(400, f"{found['language']} is not supported")
            detected.append(found)
            sources.append(found["language"])
        else:
            sources.append(source)
    for code in set(sources):
        if code != target and target not in known[code]["targets"]:
            raise ApiError(400, f"{code} ({NAMES.get(code, code)}) cannot be translated to {target}")
    translated = await _translate_items(items, sources, target, fmt, engine)
    out: dict[str, Any] = {"translatedText": translated if batch else translated[0]}
    if source == "auto":
        out["detectedLanguage"] = detected if batch else detected[0]
    return out


async def detect_languages(params: dict[str, Any], config: ServeConfig) -> list[dict[str, Any]]:
    q = text_param(params, "q")
    if q is None:
        raise ApiError(400, "Invalid request: missing q parameter")
    if len(q) > config.max_chars:
        raise ApiError(400, f"Invalid request: request ({len(q)}) exceeds text limit ({config.max_chars})")
    return [_detect(q)]


def _detect(text: str) -> dict[str, Any]:
    from polyglot_news.langid.detector import detect

    found = detect(text)
    return {"confidence": round(found.confidence * 100, 1), "language": found.language}


async def _translate_items(
    items: list[str], sources: list[str], target: str, fmt: str, engine: Engine
) -> list[str]:
    """Translate every item (text, or the text nodes of HTML), one engine job per source language."""
    pieces: list[list[tuple[bool, str]]] = [_html_pieces(item) if fmt == "html" else [(True, item)] for item in items]
    by_source: dict[str, list[tuple[int, int]]] = {}
    for i, (item_pieces, code) in enumerate(zip(pieces, sources, strict=True)):
        for j, (is_text, text) in enumerate(item_pieces):
            if is_text and text.strip():
                by_source.setdefault(code, []).append((i, j))
    jobs = {
        code: engine.translate([pieces[i][j][1].strip() for i, j in where], code, target)
        for code, where in by_source.items()
        if code != target
    }
    results = dict(zip(jobs, await asyncio.gather(*jobs.values()), strict=True))
    for code, where in by_source.items():
        for (i, j), text in zip(where, results.get(code, [pieces[i][j][1] for i, j in where]), strict=True):
            original = pieces[i][j][1]
            lead = original[: len(original) - len(original.lstrip())]
            trail = original[len(original.rstrip()) :]
            pieces[i][j] = (True, lead + text + trail if code != target else original)
    return [
        "".join(escape(text, quote=False) if is_text and fmt == "html" else text for is_text, text in item_pieces)
        for item_pieces in pieces
    ]


class _Splitter(HTMLParser):
    """HTML as a list of (is_text, piece): markup kept verbatim, text nodes unescaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[tuple[bool, str]] = []
        self.raw = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.pieces.append((False, self.get_starttag_text() or ""))
        if tag in ("script", "style"):
            self.raw += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.pieces.append((False, self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        self.pieces.append((False, f"</{tag}>"))
        if tag in ("script", "style") and self.raw:
            self.raw -= 1

    def handle_data(self, data: str) -> None:
        if self.raw:
            self.pieces.append((False, data))
        elif self.pieces and self.pieces[-1][0]:
            self.pieces[-1] = (True, self.pieces[-1][1] + data)
        else:
            self.pieces.append((True, data))

    def handle_comment(self, data: str) -> None:
        self.pieces.append((False, f"<!--{data}-->"))

    def handle_decl(self, decl: str) -> None:
        self.pieces.append((False, f"<!{decl}>"))


def _html_pieces(text: str) -> list[tuple[bool, str]]:
    splitter = _Splitter()
    splitter.feed(text)
    splitter.close()
    return splitter.pieces

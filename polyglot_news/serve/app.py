"""The ASGI application: routes, keys and limits, errors as JSON, Host and Origin checks, security headers.

Built by :func:`create_app`; :mod:`.server` runs it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from polyglot_news.errors import DetectorUnavailableError, ModelError, PolyglotNewsError
from polyglot_news.serve import files, libretranslate, native, page
from polyglot_news.serve.batching import Busy, Engine, TimedOut
from polyglot_news.serve.config import ServeConfig
from polyglot_news.serve.requests import ApiError, RateLimit, check_key, parameters
from polyglot_news.version import __version__

log = logging.getLogger("polyglot_news.serve")
Handler = Callable[[Request], Awaitable[Response]]
LANGUAGES_TTL_S = 5.0
PRUNE_EVERY_S = 30.0
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
SCHEMA_ID = "urn:polyglot-news:schema:"  # the shipped JSON Schemas' $id prefix


class State:
    """What every request shares: the config, the engine, the rate limit, files to download, the languages."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.engine = Engine(config)
        self.limit = RateLimit(config.req_limit, keyed=config.needs_key)
        self.downloads = files.Downloads()
        self._languages: list[dict[str, Any]] = []
        self._checked = float("-inf")
        self._lock = asyncio.Lock()

    async def languages(self) -> list[dict[str, Any]]:
        """The installed languages, rescanned at most every few seconds (off the event loop)."""
        async with self._lock:
            if time.monotonic() - self._checked > LANGUAGES_TTL_S:
                self._languages = await asyncio.to_thread(libretranslate.languages, self.config)
                self._checked = time.monotonic()
            return self._languages

    async def prune(self) -> None:
        """Forget idle rate-limit buckets and expired downloads, every :data:`PRUNE_EVERY_S` seconds."""
        while True:
            await asyncio.sleep(PRUNE_EVERY_S)
            self.limit.prune()
            self.downloads.prune()


def create_app(config: ServeConfig) -> Starlette:
    """The server for ``config`` (checked first: an exposed address needs keys or ``no_auth``)."""
    config.check()
    state = State(config)

    def api(
        handler: Callable[[Request, dict[str, Any]], Awaitable[Response]], *, key: bool = True, work: bool = False
    ) -> Handler:
        async def endpoint(request: Request) -> Response:
            try:
                params = await parameters(request, config)
                if key:
                    check_key(params, config)
                if work:
                    state.limit.check(request, params)
                return await handler(request, params)
            except ApiError as error:
                return _error(error.status, error.message, error.headers)
            except Busy as busy:
                return _error(503, str(busy), {"Retry-After": str(busy.retry_after)})
            except TimedOut as late:
                return _error(503, str(late), {"Retry-After": "5"})
            except ModelError as error:
                log.warning("model error: %s", error)
                return _error(500, f"Cannot translate text: {error}")
            except DetectorUnavailableError:
                # Not the install command: it is the operator's to run, and it names the server's paths.
                return _error(400, f"the {params.get('detector')} detector is not installed on this server")
            except (PolyglotNewsError, ValueError) as error:
                if isinstance(error, UnicodeError):
                    raise
                return _error(400, str(error))

        return endpoint

    async def translate(request: Request, params: dict[str, Any]) -> Response:
        installed = await state.languages()
        return JSONResponse(await libretranslate.translate(params, config, state.engine, installed))

    async def detect(request: Request, params: dict[str, Any]) -> Response:
        installed = await state.languages()
        return JSONResponse(await libretranslate.detect_languages(params, config, state.engine, installed))

    async def translate_file(request: Request, params: dict[str, Any]) -> Response:
        installed = await state.languages()
        base = str(request.base_url)
        return JSONResponse(
            await files.translate_file(params, config, state.engine, installed, state.downloads, base)
        )

    async def download_file(request: Request) -> Response:
        name = request.path_params["name"]
        stored = state.downloads.get(name)
        if stored is None:
            return _error(404, f"No such file (translated files are kept {files.KEEP_S / 60:g} minutes)")
        disposition = f"attachment; filename*=UTF-8''{quote(stored.filename, safe='')}"
        return Response(stored.data, media_type=stored.media_type, headers={"Content-Disposition": disposition})

    async def languages(request: Request, params: dict[str, Any]) -> Response:
        return JSONResponse(await state.languages())

    async def settings(request: Request, params: dict[str, Any]) -> Response:
        installed = await state.languages()
        return JSONResponse(libretranslate.frontend_settings(config, installed, files.file_formats()))

    async def suggest(request: Request, params: dict[str, Any]) -> Response:
        raise ApiError(403, libretranslate.SUGGESTIONS_OFF)

    async def digest(request: Request, params: dict[str, Any]) -> Response:
        body, kind = await native.digest(params, config, state.engine)
        if kind == "json":
            return JSONResponse(body)
        if kind == "html":
            return HTMLResponse(body, headers={"Content-Security-Policy": page.DIGEST_CSP})
        return PlainTextResponse(body, media_type="text/markdown" if kind == "markdown" else "text/plain")

    async def models(request: Request, params: dict[str, Any]) -> Response:
        return JSONResponse(await asyncio.to_thread(native.models, config))

    async def health(request: Request, params: dict[str, Any]) -> Response:
        return JSONResponse(native.health(config, state.engine) | {"rate_limited_clients": state.limit.clients})

    async def review(request: Request) -> Response:
        return HTMLResponse(page.PAGE, headers={"Content-Security-Policy": page.PAGE_CSP})

    async def script(request: Request) -> Response:
        return Response(page.SCRIPT, media_type="text/javascript")

    async def style(request: Request) -> Response:
        return Response(page.STYLE, media_type="text/css")

    async def openapi(request: Request) -> Response:
        return JSONResponse(openapi_document())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await state.engine.start()
        pruning = asyncio.create_task(state.prune())
        try:
            yield
        finally:
            pruning.cancel()
            await state.engine.stop()

    routes = [
        Route("/", review, methods=["GET"]),
        Route("/static/review.js", script, methods=["GET"]),
        Route("/static/review.css", style, methods=["GET"]),
        Route("/translate", api(translate, work=True), methods=["POST"]),
        Route("/detect", api(detect, work=True), methods=["POST"]),
        Route("/translate_file", api(translate_file, work=True), methods=["POST"]),
        Route("/download_file/{name}", download_file, methods=["GET"]),
        Route("/languages", api(languages, key=False), methods=["GET", "POST"]),
        Route("/frontend/settings", api(settings, key=False), methods=["GET"]),
        Route("/suggest", api(suggest, key=False), methods=["POST"]),
        Route("/digest", api(digest, work=True), methods=["POST"]),
        Route("/models", api(models), methods=["GET"]),
        Route("/health", api(health, key=False), methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
    ]
    middleware = [Middleware(_Hardened, config=config)]
    if config.cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        middleware.append(
            Middleware(
                CORSMiddleware, allow_origins=list(config.cors_origins), allow_methods=["GET", "POST"],
                allow_headers=["Content-Type"],
            )
        )
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan, debug=False)
    app.state.polyglot = state
    return app


@functools.cache
def openapi_document() -> dict[str, Any]:
    """The OpenAPI description (package data ``data/openapi.json``) with the output JSON Schemas added.

    Each ``data/schemas/NAME.schema.json`` becomes ``components/schemas/NAME``; its references
    (``#/$defs/…`` and other schemas' ``urn:polyglot-news:schema:…`` ids) are rewritten to point
    inside this one document, and ``$id`` dropped, so any OpenAPI 3.1 reader resolves them.
    """
    from importlib import resources

    data = resources.files("polyglot_news") / "data"
    document: dict[str, Any] = json.loads((data / "openapi.json").read_text(encoding="utf-8"))
    document["info"]["version"] = __version__
    schemas = document["components"]["schemas"]
    for entry in sorted((data / "schemas").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".schema.json"):
            name = entry.name.removesuffix(".schema.json")
            schemas[name] = _bundled(json.loads(entry.read_text(encoding="utf-8")), name)
    return document


def _bundled(node: Any, name: str) -> Any:
    """A shipped schema's node with its references pointing into ``#/components/schemas``."""
    if isinstance(node, list):
        return [_bundled(item, name) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _bundled(value, name) for key, value in node.items() if key not in ("$id", "$schema")}
    ref = node.get("$ref")
    if isinstance(ref, str):
        other, _, fragment = ref.removeprefix(SCHEMA_ID).partition("#")
        out["$ref"] = f"#/components/schemas/{other if ref.startswith(SCHEMA_ID) else name}{fragment}"
    return out


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


class _Hardened:
    """Before the app: a ``Host`` this server is not (DNS rebinding) is refused with 400, a
    cross-origin POST from a page not in ``--cors-origin`` (CSRF) with 403. After it: security
    headers on every answer, and any unexpected error as ``{"error": …}`` 500, logged here only."""

    HEADERS = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
        (b"cache-control", b"no-store"),
    ]

    def __init__(self, app: ASGIApp, config: ServeConfig) -> None:
        self.app = app
        self.hosts = config.hosts()
        self.origins = frozenset(o.rstrip("/").lower() for o in config.cors_origins)

    def refusal(self, scope: Scope) -> JSONResponse | None:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host", "")
        if self.hosts and _host_name(host) not in self.hosts:
            return _error(400, "Invalid host header: this server answers to " + ", ".join(self.hosts))
        origin = headers.get("origin")
        if scope.get("method") not in SAFE_METHODS and origin is not None:
            same = urlsplit(origin).netloc.lower() == host.lower()
            if not same and origin.rstrip("/").lower() not in self.origins:
                return _error(403, "Cross-origin request refused: the server allows pages from --cors-origin only")
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_hardened(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + self.HEADERS
            await send(message)

        refused = self.refusal(scope)
        if refused is not None:
            await refused(scope, receive, send_hardened)
            return
        try:
            await self.app(scope, receive, send_hardened)
        except Exception:
            log.exception("unexpected error in %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            response = _error(500, "Internal error (logged on the server)")
            await response(scope, receive, send_hardened)


def _host_name(host: str) -> str:
    """``Host`` header → lower-case name without its port (``[::1]:5000`` → ``::1``)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host

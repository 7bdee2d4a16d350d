"""The ASGI application: routes, limits, errors as JSON, security headers. Built by :func:`create_app`."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from polyglot_news.errors import DetectorUnavailableError, ModelError, PolyglotNewsError
from polyglot_news.serve import libretranslate, native, page
from polyglot_news.serve.batching import Busy, Engine, TimedOut
from polyglot_news.serve.config import ServeConfig
from polyglot_news.serve.requests import ApiError, RateLimit, check_key, parameters
from polyglot_news.version import __version__

log = logging.getLogger("polyglot_news.serve")
Handler = Callable[[Request], Awaitable[Response]]
LANGUAGES_TTL_S = 5.0
SCHEMA_ID = "urn:polyglot-news:schema:"  # the shipped JSON Schemas' $id prefix


class State:
    """What every request shares: the config, the engine and the cached language list."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.engine = Engine(config)
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


def create_app(config: ServeConfig) -> Starlette:
    """The server for ``config`` (checked first: an exposed address needs keys or ``no_auth``)."""
    config.check()
    state = State(config)
    limit = RateLimit(config.req_limit)

    def api(
        handler: Callable[[Request, dict[str, Any]], Awaitable[Response]], *, key: bool = True, work: bool = False
    ) -> Handler:
        async def endpoint(request: Request) -> Response:
            try:
                params = await parameters(request, config)
                if key:
                    check_key(params, config)
                if work:
                    limit.check(request, params)
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
        return JSONResponse(await libretranslate.detect_languages(params, config))

    async def languages(request: Request, params: dict[str, Any]) -> Response:
        return JSONResponse(await state.languages())

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
        return JSONResponse(native.health(config, state.engine))

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
        try:
            yield
        finally:
            await state.engine.stop()

    routes = [
        Route("/", review, methods=["GET"]),
        Route("/static/review.js", script, methods=["GET"]),
        Route("/static/review.css", style, methods=["GET"]),
        Route("/translate", api(translate, work=True), methods=["POST"]),
        Route("/detect", api(detect, work=True), methods=["POST"]),
        Route("/languages", api(languages), methods=["GET", "POST"]),
        Route("/digest", api(digest, work=True), methods=["POST"]),
        Route("/models", api(models), methods=["GET"]),
        Route("/health", api(health, key=False), methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
    ]
    middleware = [Middleware(_Hardened)]
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
    """Security headers on every answer, and any unexpected error as ``{"error": …}`` 500, logged here only."""

    HEADERS = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
        (b"cache-control", b"no-store"),
    ]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

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

        try:
            await self.app(scope, receive, send_hardened)
        except Exception:
            log.exception("unexpected error in %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            response = _error(500, "Internal error (logged on the server)")
            await response(scope, receive, send_hardened)


@contextlib.contextmanager
def running(config: ServeConfig, log_level: str = "warning") -> Iterator[str]:
    """Run a server for ``config`` in a background thread; yield its base URL; stop it on exit.

    Binds ``config.host`` with ``config.port`` (0: any free port). For tests and benchmarks.
    """
    import socket
    import threading

    import uvicorn

    app = create_app(config)
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((config.host, config.port))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level=log_level, server_header=False, timeout_keep_alive=5))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.01)
    try:
        host = f"[{config.host}]" if ":" in config.host else config.host
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()

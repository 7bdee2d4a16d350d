"""Reading API requests: capped bodies, JSON or form parameters, keys; errors as LibreTranslate's."""

from __future__ import annotations

import json
import time
from collections import deque
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request

from polyglot_news.serve.config import ServeConfig


class ApiError(Exception):
    """An answer for the client: an HTTP status and a one-line message (``{"error": …}``)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


async def read_body(request: Request, cap: int) -> bytes:
    """The request body, refused (413) once it passes ``cap`` bytes, declared or streamed."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > cap:
        raise ApiError(413, f"Request body too large (limit {cap} bytes)")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise ApiError(413, f"Request body too large (limit {cap} bytes)")
        chunks.append(chunk)
    return b"".join(chunks)


async def parameters(request: Request, config: ServeConfig) -> dict[str, Any]:
    """Query parameters, then the body's: a JSON object or a urlencoded form (as LibreTranslate takes)."""
    found: dict[str, Any] = dict(request.query_params)
    body = await read_body(request, config.max_body_bytes)
    if not body.strip():
        return found
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json" or (not kind and body.lstrip()[:1] in (b"{", b"[")):
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "Invalid JSON format") from None
        if not isinstance(data, dict):
            raise ApiError(400, "Invalid JSON format")
        found.update(data)
        return found
    if kind in ("application/x-www-form-urlencoded", "text/plain", ""):
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError:
            raise ApiError(400, "Invalid request: the body is not UTF-8") from None
        for key, values in form.items():
            found[key] = values if key == "q" and len(values) > 1 else values[-1]
        return found
    raise ApiError(400, f"Invalid request: send JSON or a urlencoded form, not {kind}")


def check_key(params: dict[str, Any], config: ServeConfig) -> None:
    """403 unless the server asks for no key or ``api_key`` is one of its keys."""
    if not config.needs_key:
        return
    key = params.get("api_key")
    if not isinstance(key, str) or key not in config.api_keys:
        raise ApiError(403, "Invalid API key")


def text_param(params: dict[str, Any], name: str) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ApiError(400, f"Invalid request: {name} must be a string")
    return value


class RateLimit:
    """At most ``per_minute`` requests per client (its API key, else its address) in any 60 s."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: dict[str, deque[float]] = {}

    def check(self, request: Request, params: dict[str, Any]) -> None:
        """429 with Retry-After once the client is over its limit (no-op when the limit is 0)."""
        if self.per_minute <= 0:
            return
        key = params.get("api_key")
        who = f"key:{key}" if isinstance(key, str) and key else f"addr:{request.client.host if request.client else '-'}"
        now = time.monotonic()
        times = self._seen.setdefault(who, deque())
        while times and now - times[0] >= 60:
            times.popleft()
        if len(times) >= self.per_minute:
            wait = max(1, int(60 - (now - times[0])) + 1)
            raise ApiError(
                429, f"Too many requests, limit: {self.per_minute} per 1 minute", {"Retry-After": str(wait)}
            )
        times.append(now)
        if len(self._seen) > 10_000:  # forget idle clients
            for name in [n for n, t in self._seen.items() if not t or now - t[-1] >= 60]:
                del self._seen[name]

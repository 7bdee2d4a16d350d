"""Reading API requests: capped, timed bodies; JSON, urlencoded or multipart parameters; keys; rate limits.

Errors are LibreTranslate's: :class:`ApiError` carries the status and the one-line message.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request

from polyglot_news.serve.config import ServeConfig

RATE_WINDOW_S = 60.0


class ApiError(Exception):
    """An answer for the client: an HTTP status and a one-line message (``{"error": …}``)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass(frozen=True)
class Upload:
    """A file sent in a multipart form (``/translate_file``): its name, bytes and declared type."""

    filename: str
    data: bytes
    content_type: str


async def read_body(request: Request, cap: int, timeout_s: float) -> bytes:
    """The request body: 413 once it passes ``cap`` bytes (declared or streamed), 408 if it takes
    longer than ``timeout_s`` to arrive (a client dribbling its body holds no connection for long)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > cap:
        raise ApiError(413, f"Request body too large (limit {cap} bytes)")

    async def read() -> bytes:
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > cap:
                raise ApiError(413, f"Request body too large (limit {cap} bytes)")
            chunks.append(chunk)
        return b"".join(chunks)

    try:
        return await asyncio.wait_for(read(), timeout_s)
    except asyncio.TimeoutError:
        raise ApiError(408, f"Request body not received within {timeout_s:g} s") from None


async def parameters(request: Request, config: ServeConfig) -> dict[str, Any]:
    """Query parameters, then the body's: a JSON object, a urlencoded form or a multipart form.

    Refused with 400: JSON with ``NaN``/``Infinity``, nested too deep, or holding a lone
    surrogate (text no tokenizer can take); ``text/plain`` bodies (a cross-site page can send
    those without asking); anything else that is not one of the three.
    """
    found: dict[str, Any] = dict(request.query_params)
    body = await read_body(request, config.max_body_bytes, config.read_timeout_s)
    if not body.strip():
        return found
    header = request.headers.get("content-type", "")
    kind = header.split(";")[0].strip().lower()
    if kind == "application/json" or (not kind and body.lstrip()[:1] in (b"{", b"[")):
        found.update(_json_object(body))
    elif kind == "application/x-www-form-urlencoded":
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError:
            raise ApiError(400, "Invalid request: the body is not UTF-8") from None
        for key, values in form.items():
            found[key] = values if key == "q" and len(values) > 1 else values[-1]
    elif kind == "multipart/form-data":
        found.update(_multipart(header, body))
    else:
        sent = kind or "an untyped body"
        raise ApiError(400, f"Invalid request: send JSON, a urlencoded form or multipart/form-data, not {sent}")
    return found


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body, parse_constant=_refuse_constant)
        # a lone surrogate ("\ud800") is valid JSON but no text: refused here, before any engine
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(400, "Invalid request: the text holds a lone surrogate, not Unicode text") from None
    except RecursionError:
        raise ApiError(400, "Invalid JSON format: nested too deep") from None
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "Invalid JSON format") from None
    if not isinstance(data, dict):
        raise ApiError(400, "Invalid JSON format")
    return data


def _multipart(header: str, body: bytes) -> dict[str, Any]:
    """The fields of a multipart form (the stdlib's MIME parser): text fields as str, files as :class:`Upload`."""
    import email.parser
    import email.policy

    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + header.encode("latin-1", "replace") + b"\r\n\r\n" + body
    )
    if not message.is_multipart():
        raise ApiError(400, "Invalid request: a multipart/form-data body without its boundary")
    found: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            found[name] = Upload(filename, data, part.get_content_type())
            continue
        try:
            found[name] = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError(400, f"Invalid request: the {name} field is not UTF-8") from None
    return found


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


def whole_number(params: dict[str, Any], name: str, low: int | None, high: int) -> int | None:
    """A whole-number parameter in ``[low, high]`` (``3``, ``3.0`` or ``"3"``; ``low`` None: no
    lower bound here); 400 for ``2.7``, ``true``, ``Infinity``, words or numbers out of range."""
    value = params.get(name)
    if value is None or value == "":
        return None
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().lstrip("+-").isdigit() and len(value) < 20:
        number = int(value)
    if number is None:
        raise ApiError(400, f"Invalid request: {name} must be a whole number")
    if number > high:
        raise ApiError(400, f"Invalid request: {name} must be at most {high}")
    if low is not None and number < low:
        raise ApiError(400, f"Invalid request: {name} must be at least {low}")
    return number


def fraction(params: dict[str, Any], name: str) -> float | None:
    """A number parameter in ``(0, 1]``; 400 for anything else (``true``, ``NaN``, words)."""
    value = params.get(name)
    if value is None or value == "":
        return None
    number: float | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            number = None
    if number is None or not 0 < number <= 1:
        raise ApiError(400, f"Invalid request: {name} must be a number above 0 and at most 1")
    return number


class RateLimit:
    """At most ``per_minute`` work requests per client in any 60 s.

    A client is its API key when the server has keys (the key is checked first, so only real
    keys get a bucket, stored as a hash), else its address: with no keys configured an
    ``api_key`` is ignored, or a new key per request would be a new client. Buckets idle for a
    minute are dropped by :meth:`prune` (the server calls it on a timer).
    """

    def __init__(self, per_minute: int, *, keyed: bool = False) -> None:
        self.per_minute = per_minute
        self.keyed = keyed
        self._seen: dict[str, deque[float]] = {}

    @property
    def clients(self) -> int:
        """Buckets held now."""
        return len(self._seen)

    def check(self, request: Request, params: dict[str, Any]) -> None:
        """429 with Retry-After once the client is over its limit (no-op when the limit is 0)."""
        if self.per_minute <= 0:
            return
        key = params.get("api_key")
        if self.keyed and isinstance(key, str) and key:
            who = "key:" + hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        else:
            who = f"addr:{request.client.host if request.client else '-'}"
        now = time.monotonic()
        times = self._seen.setdefault(who, deque())
        while times and now - times[0] >= RATE_WINDOW_S:
            times.popleft()
        if len(times) >= self.per_minute:
            wait = max(1, int(RATE_WINDOW_S - (now - times[0])) + 1)
            raise ApiError(
                429, f"Too many requests, limit: {self.per_minute} per 1 minute", {"Retry-After": str(wait)}
            )
        times.append(now)

    def prune(self, now: float | None = None) -> int:
        """Drop every bucket with no request in the last minute; how many were dropped."""
        now = time.monotonic() if now is None else now
        idle = [name for name, times in self._seen.items() if not times or now - times[-1] >= RATE_WINDOW_S]
        for name in idle:
            del self._seen[name]
        return len(idle)

"""A live server on loopback for a test, with the socket guard opened for 127.0.0.1 only."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

# Captured at import, before the autouse guard in conftest replaces them for each test.
REAL_CONNECT = socket.socket.connect
REAL_CONNECT_EX = socket.socket.connect_ex
REAL_CREATE_CONNECTION = socket.create_connection
REAL_GETADDRINFO = socket.getaddrinfo
LOOPBACK = ("127.0.0.1", "localhost")


def allow_loopback(monkeypatch: pytest.MonkeyPatch, attempts: list[tuple[Any, ...]]) -> None:
    """Let connections to 127.0.0.1 through; anything else is still refused and recorded."""
    from .conftest import NetworkBlocked

    def refuse(*args: Any) -> Any:
        attempts.append(args)
        raise NetworkBlocked(f"network access in a test: {args!r}")

    def is_loopback(address: Any) -> bool:
        return isinstance(address, tuple) and address[0] in LOOPBACK

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family == socket.AF_UNIX or is_loopback(address):
            return REAL_CONNECT(self, address)
        return refuse(address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        if self.family == socket.AF_UNIX or is_loopback(address):
            return REAL_CONNECT_EX(self, address)
        return refuse(address)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
        return REAL_CREATE_CONNECTION(address, *args, **kwargs) if is_loopback(address) else refuse(address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        return REAL_GETADDRINFO(host, *args, **kwargs) if host in LOOPBACK else refuse(host)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body (text fields, then files as ``name: (filename, data)``) and its type."""
    boundary = "polyglot-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (filename, data) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        parts.append(head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def call(url: str, body: Any = None, *, method: str | None = None, form: bool = False,
         headers: dict[str, str] | None = None, raw: bytes | None = None) -> tuple[int, dict[str, str], Any]:
    """One request: status, headers, the parsed JSON body (or text). ``raw``: these bytes as the body."""
    data = raw
    sent = dict(headers or {})
    if body is not None:
        if form:
            data = urllib.parse.urlencode(body).encode()
        else:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=sent)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, got, content = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, got, content = error.code, dict(error.headers), error.read()
    text = content.decode("utf-8")
    try:
        return status, got, json.loads(text)
    except ValueError:
        return status, got, text


def served(config: Any) -> Iterator[str]:
    from polyglot_news.serve.server import running

    with running(config) as url:
        yield url

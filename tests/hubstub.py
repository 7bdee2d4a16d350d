"""A stand-in model hub on 127.0.0.1: the API answers and file routes the real hub client uses.

Serves, for each repository, what ``huggingface_hub`` asks for: ``GET /api/models/{repo}``
(``/revision/{rev}``, with per-file size, git blob id and LFS sha256), ``GET
/api/models/{repo}/tree/{rev}``, and ``HEAD``/``GET /{repo}/resolve/{rev}/{path}`` with the
hub's headers (``X-Repo-Commit``, ``ETag``, ``X-Linked-Size``) and Range requests. A file can
be served tampered, truncated, cut once mid-body (the client then resumes with Range) or
failing. Every request is recorded. Nothing here fakes the client: tests run the real one.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

LFS_SUFFIXES = (".bin", ".safetensors", ".h5", ".spm", ".model", ".msgpack")


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(f"blob {len(data)}\0".encode() + data).hexdigest()


@dataclass
class Repo:
    """One repository at one commit (also served as ``main``)."""

    files: dict[str, bytes]
    commit: str = "0123456789abcdef0123456789abcdef01234567"
    card: dict[str, Any] = field(default_factory=dict)
    tampered: dict[str, bytes] = field(default_factory=dict)  # served instead of the listed bytes
    truncated: dict[str, int] = field(default_factory=dict)  # GET sends only this many bytes
    cut_once: dict[str, int] = field(default_factory=dict)  # first GET drops the connection here
    failing: set[str] = field(default_factory=set)  # GET answers 500

    def sibling(self, path: str) -> dict[str, Any]:
        data = self.files[path]
        entry: dict[str, Any] = {"rfilename": path, "size": len(data), "blobId": git_blob_id(data)}
        if path.endswith(LFS_SUFFIXES):
            entry["lfs"] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "pointerSize": 134}
        return entry


class StandInHub:
    """``with StandInHub({...}).serving() as hub:`` -> ``hub.url`` for ``HF_ENDPOINT``."""

    def __init__(self, repos: dict[str, Repo]) -> None:
        self.repos = repos
        self.requests: list[tuple[str, str, str | None]] = []  # (method, path, Range header)
        self.url = ""

    def gets(self, suffix: str) -> list[str | None]:
        """The Range headers of the GET requests for files ending in ``suffix``."""
        return [r for m, p, r in self.requests if m == "GET" and "/resolve/" in p and p.endswith(suffix)]

    @contextmanager
    def serving(self) -> Iterator[StandInHub]:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_HEAD(self) -> None:
                hub._serve(self, head=True)

            def do_GET(self) -> None:
                hub._serve(self, head=False)

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()

    # ------------------------------------------------------------------ routes

    def _find(self, name: str) -> Repo | None:
        return self.repos.get(name)

    def _serve(self, handler: BaseHTTPRequestHandler, *, head: bool) -> None:
        path = unquote(urlsplit(handler.path).path)
        self.requests.append(("HEAD" if head else "GET", path, handler.headers.get("Range")))
        api = re.match(r"^/api/models/([^/]+/[^/]+)(?:/revision/([^/]+))?$", path)
        tree = re.match(r"^/api/models/([^/]+/[^/]+)/tree/([^/]+)(?:/(.*))?$", path)
        resolve = re.match(r"^/([^/]+/[^/]+)/resolve/([^/]+)/(.+)$", path)
        if api:
            self._info(handler, api.group(1), api.group(2) or "main")
        elif tree:
            self._tree(handler, tree.group(1), tree.group(2), tree.group(3) or "")
        elif resolve:
            self._file(handler, resolve.group(1), resolve.group(2), resolve.group(3), head=head)
        else:
            self._send(handler, 404, b"{}", {"X-Error-Code": "RepoNotFound"}, head=head)

    def _repo(self, handler: BaseHTTPRequestHandler, name: str, revision: str, head: bool) -> Repo | None:
        repo = self._find(name)
        if repo is None:
            self._send(handler, 404, b'{"error": "Repository not found"}', {"X-Error-Code": "RepoNotFound"}, head=head)
            return None
        if revision not in ("main", repo.commit):
            body = b'{"error": "Invalid rev id"}'
            self._send(handler, 404, body, {"X-Error-Code": "RevisionNotFound"}, head=head)
            return None
        return repo

    def _info(self, handler: BaseHTTPRequestHandler, name: str, revision: str) -> None:
        repo = self._repo(handler, name, revision, head=False)
        if repo is None:
            return
        body = {
            "id": name,
            "modelId": name,
            "sha": repo.commit,
            "private": False,
            "cardData": repo.card,
            "siblings": [repo.sibling(p) for p in sorted(repo.files)],
        }
        self._json(handler, body)

    def _tree(self, handler: BaseHTTPRequestHandler, name: str, revision: str, under: str) -> None:
        repo = self._repo(handler, name, revision, head=False)
        if repo is None:
            return
        entries = []
        for path in sorted(repo.files):
            if under and not path.startswith(under.rstrip("/") + "/"):
                continue
            sibling = repo.sibling(path)
            entry: dict[str, Any] = {"type": "file", "oid": sibling["blobId"], "size": sibling["size"], "path": path}
            if "lfs" in sibling:
                entry["lfs"] = {"oid": sibling["lfs"]["sha256"], "size": sibling["size"], "pointerSize": 134}
            entries.append(entry)
        self._json(handler, entries)

    def _file(self, handler: BaseHTTPRequestHandler, name: str, revision: str, path: str, *, head: bool) -> None:
        repo = self._repo(handler, name, revision, head=head)
        if repo is None:
            return
        if path not in repo.files:
            self._send(handler, 404, b"{}", {"X-Error-Code": "EntryNotFound", "X-Repo-Commit": repo.commit}, head=head)
            return
        listed = repo.sibling(path)
        etag = listed["lfs"]["sha256"] if "lfs" in listed else listed["blobId"]
        data = repo.tampered.get(path, repo.files[path])
        headers = {"X-Repo-Commit": repo.commit, "ETag": f'"{etag}"', "Accept-Ranges": "bytes"}
        if head:
            headers["X-Linked-Size"] = str(len(repo.files[path]))
            self._send(handler, 200, b"", {**headers, "Content-Length": str(len(repo.files[path]))}, head=True)
            return
        if path in repo.failing:
            self._send(handler, 500, b"{}", {}, head=False)
            return
        if path in repo.truncated:
            data = data[: repo.truncated[path]]
        start = 0
        ranged = re.match(r"bytes=(\d+)-$", handler.headers.get("Range") or "")
        status = 200
        if ranged:
            start, status = int(ranged.group(1)), 206
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        body = data[start:]
        cut = repo.cut_once.pop(path, None)
        handler.send_response(status)
        for key, value in {**headers, "Content-Length": str(len(body))}.items():
            handler.send_header(key, value)
        handler.end_headers()
        if cut is not None:  # send part of the body, then drop the connection
            handler.wfile.write(body[:cut])
            handler.wfile.flush()
            handler.close_connection = True
            handler.connection.shutdown(2)
            return
        handler.wfile.write(body)

    def _json(self, handler: BaseHTTPRequestHandler, body: Any) -> None:
        self._send(handler, 200, json.dumps(body).encode(), {"Content-Type": "application/json"}, head=False)

    @staticmethod
    def _send(
        handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str], *, head: bool
    ) -> None:
        handler.send_response(status)
        for key, value in headers.items():
            handler.send_header(key, value)
        if "Content-Length" not in headers:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if not head:
            handler.wfile.write(body)

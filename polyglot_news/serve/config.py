"""What a server is allowed to do: address, keys, caps, timeouts, queue size, connections, CORS, proxies."""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

from polyglot_news.errors import InputError
from polyglot_news.translation.decoding import DecodeOptions, usable_cores

LOOPBACK_NAMES = ("localhost",)


def server_threads(options: DecodeOptions) -> DecodeOptions:
    """``options`` with a server's CTranslate2 threads: a model replica per core, one thread each.

    The engine's calls are mostly small (a few requests' sentences) and share two cores with the
    event loop: with several threads per call, every operation waits for a sleeping OpenMP
    thread to wake and be scheduled, so a one-sentence call on a tiny model cost about 10× the
    single-threaded one. The server cuts a batch of requests into a call per replica
    (:func:`.batching.translate_texts`), and a call longer than ``batch_tokens`` runs its batches
    side by side, one per replica (they share the weights). Threads never change an output.
    """
    return replace(options, inter_threads=usable_cores(), intra_threads=1)


@dataclass(frozen=True)
class ServeConfig:
    """Every limit of one server; the defaults are the safe ones (loopback, caps on, CORS off)."""

    host: str = "127.0.0.1"
    port: int = 5000
    models: Path | None = None
    api_keys: frozenset[str] = frozenset()
    """Accepted ``api_key`` values; empty: no key asked for (only allowed on loopback or with no_auth)."""
    no_auth: bool = False
    max_body_bytes: int = 2_000_000
    max_chars: int = 50_000
    """Most characters of text in one request (LibreTranslate's ``--char-limit``)."""
    max_items: int = 128
    """Most texts in one ``q`` list (LibreTranslate's ``--batch-limit``)."""
    timeout_s: float = 60.0
    """Longest a request may take once read; then it is answered 503 and its engine work stops."""
    read_timeout_s: float = 10.0
    """Longest a client may take to send a request's head, and then its body."""
    queue_size: int = 64
    """Most requests waiting for the engine; one more is answered 503 with Retry-After."""
    window_s: float = 0.005
    """How long the batcher waits for the company of the previous batch once a request arrived."""
    max_batch_sentences: int = 256
    """Most sentences in one engine call; a larger request is translated in pieces this size."""
    max_connections: int = 512
    """Open connections at once (idle ones included); past it new requests get 503."""
    client_connections: int = 32
    """Open connections from one address (a trusted proxy's are not counted); past it: 503, closed."""
    cors_origins: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    """``Host`` header names accepted; empty: loopback names on a loopback address, else any."""
    trusted_proxies: tuple[str, ...] = ()
    """Addresses whose ``X-Forwarded-For``/``-Proto`` are believed; empty: no proxy header is."""
    req_limit: int = 0
    """Most work requests (translate, detect, digest, files) per minute from one key or address; 0: no limit."""
    digest_formats: tuple[str, ...] = field(default=("json", "html", "markdown", "text"))
    decoding: DecodeOptions = field(default_factory=lambda: server_threads(DecodeOptions()))
    """How the engine decodes; the default runs a replica per core, one thread each (:func:`server_threads`)."""

    @property
    def needs_key(self) -> bool:
        return bool(self.api_keys)

    def check(self) -> None:
        """Refuse an exposed server without keys (unless ``no_auth``), and bad limits: ValueError naming the option."""
        if not is_loopback(self.host) and not self.api_keys and not self.no_auth:
            raise ValueError(
                f"--host {self.host} is reachable from other machines: pass --api-keys FILE "
                "(one key a line), or --no-auth to serve without keys"
            )
        for name in (
            "max_body_bytes", "max_chars", "max_items", "queue_size", "max_batch_sentences", "max_connections",
            "client_connections",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"--{name.replace('_', '-')} must be at least 1")
        if self.req_limit < 0:
            raise ValueError("--req-limit must be 0 (off) or more")
        for option, value in (("--timeout", self.timeout_s), ("--read-timeout", self.read_timeout_s)):
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{option} must be a positive number of seconds, not {value}")
        if not (math.isfinite(self.window_s) and 0 <= self.window_s <= 10):
            raise ValueError(f"--batch-window must be between 0 and 10,000 ms, not {self.window_s * 1000:g}")
        for address in self.trusted_proxies:
            try:
                ipaddress.ip_network(address, strict=False)
            except ValueError:
                raise ValueError(f"--trust-proxy takes IP addresses or networks, not {address!r}") from None

    def hosts(self) -> tuple[str, ...]:
        """The ``Host`` names to accept (lower case, no port); empty: any."""
        if self.allowed_hosts:
            return tuple(h.lower().strip("[]") for h in self.allowed_hosts)
        if is_loopback(self.host):  # a page on another name reaching us is DNS rebinding
            return tuple(dict.fromkeys(("localhost", "127.0.0.1", "::1", self.host.lower().strip("[]"))))
        return ()


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``; anything else may be reached from outside."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def load_api_keys(path: Path) -> frozenset[str]:
    """Keys from a file, one a line (a UTF-8 BOM, blank lines and ``#`` comments skipped)."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the API keys ({exc})") from None
    keys = frozenset(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#"))
    if not keys:
        raise InputError(f"{path}: no API key in the file (one key a line)")
    return keys

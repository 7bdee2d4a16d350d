"""What a server is allowed to do: address, keys, caps, timeouts, queue size, CORS."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from polyglot_news.errors import InputError
from polyglot_news.translation.decoding import DecodeOptions

LOOPBACK_NAMES = ("localhost",)


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
    timeout_s: float = 60.0
    """Longest a request waits for the engine before it is answered 503."""
    queue_size: int = 64
    """Most requests waiting for the engine; one more is answered 503 with Retry-After."""
    window_s: float = 0.005
    """How long the batcher waits for more requests once one arrived."""
    max_batch_sentences: int = 256
    cors_origins: tuple[str, ...] = ()
    req_limit: int = 0
    """Most work requests (translate, detect, digest) per minute from one key or address; 0: no limit."""
    digest_formats: tuple[str, ...] = field(default=("json", "html", "markdown", "text"))
    decoding: DecodeOptions = field(default_factory=DecodeOptions)

    @property
    def needs_key(self) -> bool:
        return bool(self.api_keys)

    def check(self) -> None:
        """Refuse an exposed server without keys (unless ``no_auth``); ValueError naming the option."""
        if not is_loopback(self.host) and not self.api_keys and not self.no_auth:
            raise ValueError(
                f"--host {self.host} is reachable from other machines: pass --api-keys FILE "
                "(one key a line), or --no-auth to serve without keys"
            )
        for name in ("max_body_bytes", "max_chars", "queue_size", "max_batch_sentences"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name.replace('_', '-')} must be at least 1")
        if self.req_limit < 0:
            raise ValueError("--req-limit must be 0 (off) or more")
        if self.timeout_s <= 0:
            raise ValueError("--timeout must be positive")


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``; anything else may be reached from outside."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def load_api_keys(path: Path) -> frozenset[str]:
    """Keys from a file, one a line (blank lines and ``#`` comments skipped)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the API keys ({exc})") from None
    keys = frozenset(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#"))
    if not keys:
        raise InputError(f"{path}: no API key in the file (one key a line)")
    return keys

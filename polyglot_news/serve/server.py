"""Running the app: bind first (so the address and port announced are the real ones), then uvicorn
with the connection guard, proxy headers only from trusted proxies, and logs on stderr.

:class:`Server` runs uvicorn in a thread; ``polyglot-news serve`` waits on it in the main thread
and turns SIGINT/SIGTERM into a graceful stop (exit 0), and :func:`running` gives tests and
benchmarks a live server on a free port.
"""

from __future__ import annotations

import contextlib
import copy
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

from polyglot_news.serve.config import ServeConfig

START_TIMEOUT_S = 60.0
KEEP_ALIVE_S = 5


def bind(config: ServeConfig) -> socket.socket:
    """A socket bound to ``config.host``/``config.port`` (0: a free port).

    Raises:
        ValueError: the address cannot be had (in use, not this machine's, no permission).
    """
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    # proto given, so asyncio sets TCP_NODELAY on each connection (it looks at proto): without
    # it, a response's head and body wait on the client's delayed ACK, 40 ms a request
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((config.host.strip("[]"), config.port))
    except OSError as exc:
        sock.close()
        raise ValueError(
            f"cannot listen on {config.host}:{config.port} ({exc.strerror or exc}): choose another --port or --host"
        ) from None
    return sock


def log_config(access_log: bool) -> dict[str, Any]:
    """uvicorn's logging configuration with every record on stderr (stdout carries data only)."""
    from uvicorn.config import LOGGING_CONFIG

    found = copy.deepcopy(LOGGING_CONFIG)
    for handler in found["handlers"].values():
        handler["stream"] = "ext://sys.stderr"
    if not access_log:
        found["loggers"]["uvicorn.access"]["level"] = "WARNING"
    return found


class Server:
    """The app for ``config`` on a bound socket, run by uvicorn in a background thread."""

    def __init__(self, config: ServeConfig, *, log_level: str = "warning", access_log: bool = False) -> None:
        import uvicorn

        from polyglot_news.serve.app import create_app
        from polyglot_news.serve.connections import guarded_protocol

        self.config = config
        self.app = create_app(config)
        self.socket = bind(config)
        self.port: int = self.socket.getsockname()[1]
        self.uvicorn = uvicorn.Server(
            uvicorn.Config(
                self.app, http=guarded_protocol(config), log_level=log_level, log_config=log_config(access_log),
                access_log=access_log, server_header=False, date_header=False,
                limit_concurrency=config.max_connections, timeout_keep_alive=KEEP_ALIVE_S,
                proxy_headers=bool(config.trusted_proxies),
                forwarded_allow_ips=list(config.trusted_proxies) or None,
            )
        )
        self.thread = threading.Thread(
            target=self.uvicorn.run, kwargs={"sockets": [self.socket]}, daemon=True, name="polyglot-http"
        )

    @property
    def url(self) -> str:
        host = f"[{self.config.host.strip('[]')}]" if ":" in self.config.host else self.config.host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        """Start serving; return once requests are answered.

        Raises:
            RuntimeError: the server stopped or did not start within a minute.
        """
        self.thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.uvicorn.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the server did not start (see the log above)")
            time.sleep(0.01)

    def stop(self, *, force: bool = False) -> None:
        """Ask for a graceful stop (``force``: stop now, open requests dropped)."""
        self.uvicorn.should_exit = True
        if force:
            self.uvicorn.force_exit = True

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the server to stop (in short steps, so signals reach the main thread); whether it did."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.thread.is_alive():
            if deadline is not None and time.monotonic() > deadline:
                return False
            self.thread.join(0.2)
        self.socket.close()
        return True


@contextlib.contextmanager
def running(config: ServeConfig, log_level: str = "warning") -> Iterator[str]:
    """Run a server for ``config`` in a background thread; yield its base URL; stop it on exit.

    Binds ``config.host`` with ``config.port`` (0: any free port). For tests and benchmarks.
    """
    server = Server(config, log_level=log_level)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()
        server.wait(30)

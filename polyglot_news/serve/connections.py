"""Connection limits uvicorn lacks: a deadline for each request head, and a cap per client address.

uvicorn closes idle keep-alive connections and caps connections in total, but a client may hold
a connection forever by sending its request head slowly (slowloris), and one address may
take every connection there is. The protocol :func:`guarded_protocol` makes wraps uvicorn's own
HTTP protocol (h11 or httptools, whichever it picks) and adds:

* a request head (request line and headers) must arrive within ``read_timeout_s`` of the
  connection opening or of the previous answer, or the connection is closed (the body has its
  own deadline where the app reads it);
* at most ``client_connections`` open connections per address (a ``trusted_proxies`` address is
  not counted: the proxy limits its own clients); one more is answered 503 and closed.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
from collections import Counter
from typing import Any

from polyglot_news.serve.config import ServeConfig

_BODY = json.dumps({"error": "Too many connections from your address"}).encode()
TOO_MANY = (
    b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 5\r\n"
    b"connection: close\r\ncontent-length: " + str(len(_BODY)).encode() + b"\r\n\r\n" + _BODY
)


def guarded_protocol(config: ServeConfig) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol class with the head deadline and the per-address cap (pass as ``http=``)."""
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    open_from: Counter[str] = Counter()
    proxies = [ipaddress.ip_network(address, strict=False) for address in config.trusted_proxies]

    def counted(address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return True
        return not any(ip in network for network in proxies)

    class Guarded(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
        """uvicorn's protocol, closing slow request heads and refusing one connection too many."""

        refused = False
        address: str | None = None
        head_timer: asyncio.TimerHandle | None = None
        request: Any = None

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            peer = transport.get_extra_info("peername")
            address = peer[0] if isinstance(peer, tuple) and peer else None
            if address is not None and counted(address):
                if open_from[address] >= config.client_connections:
                    self.refused = True
                    if isinstance(transport, asyncio.WriteTransport):
                        transport.write(TOO_MANY)
                    transport.close()
                    return
                open_from[address] += 1
                self.address = address
            super().connection_made(transport)
            self.arm()

        def data_received(self, data: bytes) -> None:
            if self.refused:
                return
            super().data_received(data)
            if self.started_another():
                self.disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.started_another():  # waiting for the next head, not handling a pipelined one
                self.arm()

        def connection_lost(self, exc: Exception | None) -> None:
            if self.refused:
                return
            self.disarm()
            if self.address is not None:
                open_from[self.address] -= 1
                if open_from[self.address] <= 0:
                    del open_from[self.address]
                self.address = None
            super().connection_lost(exc)

        def started_another(self) -> bool:
            """Whether a request head arrived since the last look (uvicorn starts a ``cycle`` for each)."""
            cycle = getattr(self, "cycle", None)
            if cycle is None or cycle is self.request:
                return False
            self.request = cycle
            return True

        def arm(self) -> None:
            self.disarm()
            self.head_timer = asyncio.get_running_loop().call_later(config.read_timeout_s, self.too_slow)

        def disarm(self) -> None:
            if self.head_timer is not None:
                self.head_timer.cancel()
                self.head_timer = None

        def too_slow(self) -> None:
            self.head_timer = None
            transport = getattr(self, "transport", None)
            if transport is not None and not transport.is_closing():
                transport.close()

    return Guarded

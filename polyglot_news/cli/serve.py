"""``polyglot-news serve``: the review page and the HTTP APIs (needs the ``serve`` extra).

Everything heavy (Starlette, uvicorn, the models) is imported when the command runs, so
``--help`` stays instant and the CLI works without the extra.
"""

from __future__ import annotations

import importlib.util
import math
import signal
from pathlib import Path
from types import FrameType

import click

from polyglot_news.cli.options import decode_options, decoding_options, models_option
from polyglot_news.version import install_hint


def finite(ctx: click.Context, param: click.Parameter, value: float) -> float:
    """Refuse ``nan`` and ``inf``, which click's float ranges let through."""
    if not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a finite number", ctx, param)
    return value


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback needs --api-keys FILE or --no-auth.")
@click.option("--port", type=click.IntRange(0, 65535), default=5000, show_default=True,
              help="TCP port (0: any free port; the one taken is announced).")
@models_option()
@decoding_options
@click.option("--api-keys", "api_keys", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Accept only requests carrying one of these keys (api_key parameter), one key a line.")
@click.option("--no-auth", is_flag=True, help="Serve a non-loopback --host without keys (anyone who can reach it).")
@click.option("--max-chars", type=click.IntRange(min=1), default=50_000, show_default=True,
              help="Most characters of text in one request.")
@click.option("--batch-limit", "max_items", type=click.IntRange(min=1), default=128, show_default=True,
              help="Most texts in one /translate q list.")
@click.option("--max-body", "max_body", type=click.IntRange(min=1), default=2_000_000, show_default=True,
              metavar="BYTES", help="Largest request body.")
@click.option("--timeout", type=click.FloatRange(0, min_open=True), callback=finite, default=60.0, show_default=True,
              metavar="SECONDS", help="Longest a request may take once read (then 503; its engine work stops).")
@click.option("--read-timeout", type=click.FloatRange(0, min_open=True), callback=finite, default=10.0,
              show_default=True, metavar="SECONDS",
              help="Longest a client may take to send a request's head, then its body.")
@click.option("--queue-size", type=click.IntRange(min=1), default=64, show_default=True,
              help="Requests that may wait for the engine; more are answered 503 with Retry-After.")
@click.option("--batch-window", type=click.FloatRange(0, 10_000), callback=finite, default=5.0, show_default=True,
              metavar="MS", help="Longest the engine waits for the requests it expects to batch with (0: never waits).")
@click.option("--max-connections", type=click.IntRange(min=1), default=512, show_default=True,
              help="Open connections at once, idle ones included; past it requests get 503.")
@click.option("--client-connections", type=click.IntRange(min=1), default=32, show_default=True,
              help="Open connections from one address (a --trust-proxy address is not counted).")
@click.option("--req-limit", type=click.IntRange(min=0), default=0, show_default=True, metavar="N",
              help="Most translate/detect/digest/file requests per minute from one key or address (0: no limit).")
@click.option("--cors-origin", "cors", multiple=True, metavar="ORIGIN",
              help="Allow browser pages from ORIGIN to call the API (repeatable; default: none).")
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="Answer requests for this Host name (repeatable; default: loopback names on loopback, else any).")
@click.option("--trust-proxy", "trusted_proxies", multiple=True, metavar="ADDRESS",
              help="Take the client address from X-Forwarded-For only on connections from ADDRESS (repeatable).")
@click.option("--access-log", is_flag=True, help="Log every request (to stderr).")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]), default="info",
              show_default=True)
def serve(
    host: str, port: int, models: Path | None, beam_size: int, max_length: int, compute_type: str,
    batch_tokens: int | None, guard: str, api_keys: Path | None, no_auth: bool, max_chars: int, max_items: int,
    max_body: int, timeout: float, read_timeout: float, queue_size: int, batch_window: float, max_connections: int,
    client_connections: int, req_limit: int, cors: tuple[str, ...], allowed_hosts: tuple[str, ...],
    trusted_proxies: tuple[str, ...], access_log: bool, log_level: str,
) -> None:
    """Serve the review page (/) and a LibreTranslate-compatible API on http://HOST:PORT.

    \b
    API: POST /translate, /detect, /translate_file; GET /languages, /frontend/settings
         (LibreTranslate's shapes); POST /digest; GET /models, /health.
    Offline: nothing is fetched. SIGINT or SIGTERM stops it gracefully (exit 0).
    """
    missing = [name for name in ("starlette", "uvicorn") if importlib.util.find_spec(name) is None]
    if missing:
        raise click.UsageError(
            f"serve needs the serve extra ({', '.join(missing)} missing): {install_hint('serve')}"
        )
    from polyglot_news.serve.config import ServeConfig, is_loopback, load_api_keys, server_threads
    from polyglot_news.serve.server import Server

    config = ServeConfig(
        host=host, port=port, models=models, api_keys=load_api_keys(api_keys) if api_keys else frozenset(),
        no_auth=no_auth, max_body_bytes=max_body, max_chars=max_chars, max_items=max_items, timeout_s=timeout,
        read_timeout_s=read_timeout, queue_size=queue_size, window_s=batch_window / 1000,
        max_connections=max_connections, client_connections=client_connections, cors_origins=cors,
        allowed_hosts=allowed_hosts, trusted_proxies=trusted_proxies, req_limit=req_limit,
        decoding=server_threads(decode_options(beam_size, max_length, compute_type, batch_tokens, guard)),
    )
    server = Server(config, log_level=log_level, access_log=access_log)
    if no_auth and not is_loopback(host) and not config.api_keys:
        click.echo(f"Warning: --no-auth: anyone who can reach {host}:{server.port} may use this server", err=True)
    def stop(signum: int, frame: FrameType | None) -> None:
        server.stop(force=signum == signal.SIGINT and server.uvicorn.should_exit)  # a second Ctrl-C: now

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.start()
        click.echo(f"Serving polyglot-news on {server.url}/ (Ctrl-C to stop)", err=True)
        server.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("Stopped.", err=True)

"""``polyglot-news serve``: the review page and the HTTP APIs (needs the ``serve`` extra).

Everything heavy (Starlette, uvicorn, the models) is imported when the command runs, so
``--help`` stays instant and the CLI works without the extra.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import click

from polyglot_news.cli.options import decode_options, decoding_options, models_option
from polyglot_news.version import install_hint


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback needs --api-keys FILE or --no-auth.")
@click.option("--port", type=click.IntRange(0, 65535), default=5000, show_default=True, help="TCP port.")
@models_option()
@decoding_options
@click.option("--api-keys", "api_keys", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Accept only requests carrying one of these keys (api_key parameter), one key a line.")
@click.option("--no-auth", is_flag=True, help="Serve a non-loopback --host without keys (anyone who can reach it).")
@click.option("--max-chars", type=click.IntRange(min=1), default=50_000, show_default=True,
              help="Most characters of text in one request.")
@click.option("--max-body", "max_body", type=click.IntRange(min=1), default=2_000_000, show_default=True,
              metavar="BYTES", help="Largest request body.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
              metavar="SECONDS", help="Longest a request may wait for the engine (then 503).")
@click.option("--queue-size", type=click.IntRange(min=1), default=64, show_default=True,
              help="Requests that may wait for the engine; more are answered 503 with Retry-After.")
@click.option("--batch-window", type=click.FloatRange(min=0), default=5.0, show_default=True, metavar="MS",
              help="How long the engine waits for concurrent requests to batch with.")
@click.option("--req-limit", type=click.IntRange(min=0), default=0, show_default=True, metavar="N",
              help="Most translate/detect/digest requests per minute from one key or address (0: no limit).")
@click.option("--cors-origin", "cors", multiple=True, metavar="ORIGIN",
              help="Allow browser pages from ORIGIN to call the API (repeatable; default: none).")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]), default="info",
              show_default=True)
def serve(
    host: str, port: int, models: Path | None, beam_size: int, max_length: int, compute_type: str,
    batch_tokens: int | None, api_keys: Path | None, no_auth: bool, max_chars: int, max_body: int, timeout: float,
    queue_size: int, batch_window: float, req_limit: int, cors: tuple[str, ...], log_level: str,
) -> None:
    """Serve the review page (/) and a LibreTranslate-compatible API on http://HOST:PORT.

    \b
    API: POST /translate, POST /detect, GET /languages (LibreTranslate's shapes),
         POST /digest, GET /models, GET /health. Offline: nothing is fetched.
    """
    missing = [name for name in ("starlette", "uvicorn") if importlib.util.find_spec(name) is None]
    if missing:
        raise click.UsageError(
            f"serve needs the serve extra ({', '.join(missing)} missing): {install_hint('serve')}"
        )
    import uvicorn

    from polyglot_news.serve.app import create_app
    from polyglot_news.serve.config import ServeConfig, is_loopback, load_api_keys

    config = ServeConfig(
        host=host, port=port, models=models, api_keys=load_api_keys(api_keys) if api_keys else frozenset(),
        no_auth=no_auth, max_body_bytes=max_body, max_chars=max_chars, timeout_s=timeout, queue_size=queue_size,
        window_s=batch_window / 1000, cors_origins=cors, req_limit=req_limit,
        decoding=decode_options(beam_size, max_length, compute_type, batch_tokens),
    )
    app = create_app(config)
    if no_auth and not is_loopback(host) and not config.api_keys:
        click.echo(f"Warning: --no-auth: anyone who can reach {host}:{port} may use this server", err=True)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"Serving polyglot-news on http://{shown}:{port}/ (Ctrl-C to stop)", err=True)
    uvicorn.run(
        app, host=host, port=port, log_level=log_level, server_header=False, date_header=False,
        limit_concurrency=config.queue_size * 4, timeout_keep_alive=5,
    )

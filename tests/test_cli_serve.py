"""The ``polyglot-news serve`` process: announced once bound, a signal is a normal stop, logs off stdout."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

from click.testing import CliRunner  # noqa: E402

from polyglot_news.cli import cli  # noqa: E402

from .serving import allow_loopback, call  # noqa: E402


def start(*options: str) -> tuple[subprocess.Popen[str], str, list[str]]:
    """``serve`` in a process of its own; the process, its URL and the stderr lines up to the announcement."""
    process = subprocess.Popen(
        [sys.executable, "-m", "polyglot_news", "serve", *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stderr is not None
    lines: list[str] = []
    while not lines or not lines[-1].startswith("Serving polyglot-news on "):
        line = process.stderr.readline()
        if not line:
            process.kill()
            raise AssertionError(f"serve stopped: {''.join(lines)}")
        lines.append(line)
    return process, lines[-1].split(" on ")[1].split("/ ")[0], lines


@pytest.mark.parametrize(("sig", "access_log"), [(signal.SIGTERM, True), (signal.SIGINT, False)])
def test_announced_once_bound_and_a_signal_stops_it_cleanly(
    monkeypatch: pytest.MonkeyPatch, network_attempts: list[tuple[Any, ...]], install_packages: Any,
    sig: signal.Signals, access_log: bool,
) -> None:
    allow_loopback(monkeypatch, network_attempts)
    install_packages("echo-en_ru")
    process, url, before = start("--port", "0", *(["--access-log"] if access_log else []))
    port = int(url.rsplit(":", 1)[1])
    assert port != 0 and [line for line in before if line.startswith("Serving")] == [
        f"Serving polyglot-news on http://127.0.0.1:{port}/ (Ctrl-C to stop)\n"
    ]
    assert call(f"{url}/health")[0] == 200  # the port announced is the one that answers
    process.send_signal(sig)
    out, err = process.communicate(timeout=60)
    assert (process.returncode, out) == (0, "")  # a service stop is a normal stop; stdout carries no log
    assert "Error" not in err and err.rstrip().endswith("Stopped.")
    assert ('"GET /health HTTP/1.1" 200' in err) is access_log


def test_an_address_in_use_is_one_line_and_no_announcement() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "polyglot_news", "serve", "--port", str(port)],
            capture_output=True, text=True, timeout=60,
        )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"Error: cannot listen on 127.0.0.1:{port} (Address already in use): choose another --port or --host\n"
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--timeout", "nan"], "nan is not a finite number"),
        (["--timeout", "inf"], "inf is not a finite number"),
        (["--read-timeout", "inf"], "inf is not a finite number"),
        (["--batch-window", "inf"], "is not in the range"),
        (["--batch-window", "nan"], "nan is not a finite number"),
        (["--timeout", "0"], "is not in the range"),
        (["--trust-proxy", "proxy.local"], "--trust-proxy takes IP addresses or networks, not 'proxy.local'"),
    ],
)
def test_absurd_numbers_are_refused(options: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["serve", "--port", "0", *options])
    assert result.exit_code == 2 and message in result.stderr, result.stderr

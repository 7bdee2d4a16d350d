"""Every command against a full disk, a closed stdout and a closed stdin; Ctrl-C and SIGTERM.

Each row runs the real entry point in a subprocess (``python -m polyglot_news``) and expects
the documented outcome: exit 3 and exactly one ``Error:`` line on stderr, never a traceback.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import EXAMPLES

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(EXAMPLES / "belarus_us_relations.txt")

# Every command that writes to standard output, with an input file where it takes one.
WRITERS: list[list[str]] = [
    ["--help"],
    ["--version"],
    ["batch", "--help"],
    ["detect", EXAMPLE],
    ["summarize", "-n", "1", EXAMPLE],
    ["digest", "--to", "none", EXAMPLE],
    ["translate", "--to", "ru", "--source-lang", "en", EXAMPLE],
    ["batch", "--to", "none", "-j", "1", EXAMPLE],
    ["batch", "--to", "none", "-o", "{tmp}/out", EXAMPLE],
    ["models", "list"],
    ["models", "verify"],
    ["models", "path"],
]

# Every command that reads standard input when given no INPUT.
READERS: list[list[str]] = [
    ["detect"],
    ["summarize"],
    ["digest", "--to", "none"],
    ["translate", "--to", "ru", "--source-lang", "en"],
    ["batch", "--to", "none"],
]


def polyglot(
    args: list[str], tmp: Path, *, stdout: Any = subprocess.PIPE, preexec: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    args = [a.replace("{tmp}", str(tmp)) for a in args]
    return subprocess.run(
        [sys.executable, "-m", "polyglot_news", *args], cwd=ROOT, env=dict(os.environ), stdout=stdout,
        stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, preexec_fn=preexec, text=True, timeout=120, check=False,
    )


def assert_one_error(done: subprocess.CompletedProcess[str], message: str) -> None:
    assert "Traceback" not in done.stderr, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error: ")]
    assert errors == [f"Error: {message}"], done.stderr
    assert done.returncode == 3, done.stderr


@pytest.fixture
def with_package(install_packages: Callable[..., None]) -> None:
    install_packages("echo-en_ru")


@pytest.mark.parametrize("args", WRITERS, ids=" ".join)
def test_full_disk_is_exit_3_and_one_line(args: list[str], tmp_path: Path, with_package: None) -> None:
    with open("/dev/full", "w") as full:
        done = polyglot(args, tmp_path, stdout=full)
    assert_one_error(done, "<stdout>: cannot write (No space left on device)")


@pytest.mark.parametrize("args", WRITERS, ids=" ".join)
def test_closed_stdout_is_exit_3_and_one_line(args: list[str], tmp_path: Path, with_package: None) -> None:
    done = polyglot(args, tmp_path, stdout=None, preexec=lambda: os.close(1))
    assert_one_error(done, "<stdout>: cannot write (standard output is closed)")


@pytest.mark.parametrize("args", READERS, ids=" ".join)
def test_closed_stdin_is_exit_3_and_one_line(args: list[str], tmp_path: Path, with_package: None) -> None:
    done = polyglot(args, tmp_path, preexec=lambda: os.close(0))
    assert_one_error(done, "<stdin>: standard input is closed")
    assert done.stdout == ""


@pytest.mark.parametrize("args", [["detect", EXAMPLE], ["models", "path"]], ids=" ".join)
def test_closed_stdin_is_fine_when_not_read(args: list[str], tmp_path: Path) -> None:
    done = polyglot(args, tmp_path, preexec=lambda: os.close(0))
    assert done.returncode == 0, done.stderr
    assert done.stdout


def test_closed_stdout_is_fine_with_an_output_file(tmp_path: Path) -> None:
    out = tmp_path / "d.json"
    done = polyglot(["digest", "--to", "none", "-o", str(out), EXAMPLE], tmp_path, stdout=None,
                    preexec=lambda: os.close(1))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").startswith("{")


def test_dash_o_dev_stdout_into_a_pipe(tmp_path: Path) -> None:
    for command in (["detect"], ["summarize", "-n", "1"]):
        done = polyglot([*command, "-o", "/dev/stdout", EXAMPLE], tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stdout == polyglot([*command, EXAMPLE], tmp_path).stdout != ""


# ---------------------------------------------------------------- Ctrl-C and SIGTERM


def _waiting_for_stdin(pid: int, deadline: float) -> None:
    """Wait until the process blocks reading its (pipe) stdin, i.e. the command is running."""
    wchan = Path(f"/proc/{pid}/wchan")
    while time.monotonic() < deadline:
        try:
            state = wchan.read_text()
        except OSError:  # no wchan here: give the interpreter time to start instead
            time.sleep(3)
            return
        if "pipe" in state:
            return
        time.sleep(0.02)
    raise AssertionError("the command never read its standard input")


@pytest.mark.parametrize(
    ("sig", "code", "message"),
    [(signal.SIGINT, 130, "Error: interrupted (SIGINT)"), (signal.SIGTERM, 143, "Error: terminated (SIGTERM)")],
)
@pytest.mark.parametrize(
    "args",
    [["detect"], ["summarize"], ["digest", "--to", "none"], ["translate", "--to", "ru", "--source-lang", "en"]],
    ids=" ".join,
)
def test_interrupted_article_command_exits_like_batch(
    args: list[str], sig: signal.Signals, code: int, message: str
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "polyglot_news", *args], cwd=ROOT, env=dict(os.environ),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdin is not None
        process.stdin.write("A first sentence that never ends")
        process.stdin.flush()
        _waiting_for_stdin(process.pid, time.monotonic() + 60)
        process.send_signal(sig)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == code, stderr
    assert stderr.strip().splitlines() == [message]
    assert stdout == ""


def test_dash_o_dev_stderr_into_a_pipe(tmp_path: Path) -> None:
    done = polyglot(["detect", "-o", "/dev/stderr", EXAMPLE], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert done.stderr == polyglot(["detect", EXAMPLE], tmp_path).stdout

"""Batch on a real Dask cluster (``distributed.LocalCluster``, 2 worker processes): same bytes as a local run.

Dask talks TCP, so these tests allow connections to loopback addresses, and only those
(every other test keeps the socket guard of ``conftest``). Skipped without ``[dask]``.
"""

from __future__ import annotations

import ipaddress
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from polyglot_news import batch as B
from polyglot_news.batch.inputs import iter_paths
from polyglot_news.cli.batch import batch

from .test_batch import ROOT, tree, write_folder

distributed = pytest.importorskip("distributed")

TRANSLATE = ["--to", "ru,be", "--translate", "headline,summary", "--chunk", "4", "--beam-size", "1"]


def _loopback(address: Any) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if host in ("localhost", None):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch, network_attempts: list[Any]) -> Iterator[None]:
    """Let Dask reach 127.0.0.1; any other address still fails as in every test."""
    blocked_connect, blocked_connect_ex = socket.socket.connect, socket.socket.connect_ex
    blocked_lookup, blocked_create = socket.getaddrinfo, socket.create_connection
    real_connect, real_connect_ex, real_lookup, real_create = _REAL

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family != socket.AF_UNIX and _loopback(address):
            return real_connect(self, address)
        return blocked_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        if self.family != socket.AF_UNIX and _loopback(address):
            return real_connect_ex(self, address)
        return blocked_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        return real_lookup(host, *args, **kwargs) if _loopback(host) else blocked_lookup(host, *args, **kwargs)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
        if _loopback(address):
            return real_create(address, *args, **kwargs)
        return blocked_create(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    yield
    assert network_attempts == [], "only loopback connections are allowed"


_REAL = (socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo, socket.create_connection)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, test_packages: dict[str, Path]) -> Path:
    """A model store every worker and the client read (``--models``), with the echo packages."""
    from polyglot_news.models.installer import install

    root = tmp_path_factory.mktemp("dask-store")
    for name in ("echo-en_ru", "echo-ru_be"):
        install(test_packages[name], root)
    return root


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One LocalCluster of 2 worker processes for the module; its workers see no other models."""
    home = tmp_path_factory.mktemp("dask-home")
    env = {
        "POLYGLOT_NEWS_MODELS": str(home / "models"),
        "ARGOS_PACKAGES_DIR": str(home / "argos-packages"),
        "XDG_DATA_HOME": str(home / "data"),
    }
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1", env=env,
    ) as local:
        yield local


@pytest.fixture
def client(cluster: Any) -> Iterator[Any]:
    with distributed.Client(cluster.scheduler_address) as c:
        c.wait_for_workers(2, timeout=60)
        yield c


def run(*args: str) -> Result:
    return CliRunner().invoke(batch, list(args))


def test_folder_and_jsonl_are_byte_identical_to_a_local_run(tmp_path: Path, store: Path, client: Any) -> None:
    feed = tmp_path / "feed"
    write_folder(feed, 14)
    common = [str(feed), *TRANSLATE, "--models", str(store)]
    local_files = run(*common, "-o", str(tmp_path / "local"), "-j", "1")
    dask_files = run(*common, "-o", str(tmp_path / "dask"), "--dask", client.scheduler.address)
    assert local_files.exit_code == dask_files.exit_code == 0, dask_files.stderr
    assert dask_files.stdout == local_files.stdout
    assert len(tree(tmp_path / "local")) == 14
    assert tree(tmp_path / "dask") == tree(tmp_path / "local")

    local_lines = run(*common, "-j", "2")
    assert local_lines.exit_code == 0
    records = [json.loads(line) for line in local_lines.stdout.splitlines()]
    assert [set(r["digest"]["translations"]) for r in records] == [{"ru", "be"}] * 14
    # the Python API: JSON Lines re-ordered by input position on the client
    out: list[str] = []
    options = B.BatchOptions(translation=_request(store))
    report = B.run_batch(iter_paths([feed]), options, emit=out.append, chunk=4, dask=client)
    assert report.ok == 14 and report.exit_code == 0
    assert "".join(out) == local_lines.stdout


def _request(store: Path) -> Any:
    from polyglot_news.cli.options import translation_request

    return translation_request("ru,be", "headline,summary", store, 1, 256, "int8", None)


def test_a_worker_killed_mid_run_is_replaced_and_the_bytes_are_the_same(
    tmp_path: Path, store: Path, client: Any
) -> None:
    feed, out, clean = tmp_path / "feed", tmp_path / "out", tmp_path / "clean"
    write_folder(feed, 24)
    before = client.run(os.getpid)
    killed: list[int] = []

    def observe(result: B.ArticleResult, report: B.Report) -> None:
        if not killed and report.done >= 2:  # windows are in flight on both workers now
            victim = sorted(before.values())[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    lines: list[str] = []
    options = B.BatchOptions(translation=_request(store))
    report = B.run_batch(iter_paths([feed]), options, emit=lines.append, output_dir=out, chunk=4, dask=client,
                         observe=observe)
    assert killed and report.ok == 24, report
    client.wait_for_workers(2, timeout=60)
    assert set(client.run(os.getpid).values()) != set(before.values()), "the killed worker was replaced"
    assert run(str(feed), *TRANSLATE, "--models", str(store), "-o", str(clean), "-j", "1").exit_code == 0
    assert tree(out) == tree(clean)
    assert len(tree(clean)) == 24


def test_resume_after_the_client_is_killed(tmp_path: Path, store: Path, client: Any) -> None:
    feed, out, clean = tmp_path / "feed", tmp_path / "out", tmp_path / "clean"
    total = 32
    write_folder(feed, total)
    args = [str(feed), *TRANSLATE, "--models", str(store), "-o", str(out)]
    process = subprocess.Popen(
        [sys.executable, "-m", "polyglot_news.cli.batch", *args, "--dask", client.scheduler.address],
        cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if out.is_dir() and sum(1 for p in out.rglob("*.json")) >= 4:
            break
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    _, stderr = process.communicate(timeout=60)
    done = sum(1 for p in out.rglob("*.json"))
    assert 4 <= done < total, stderr.decode()

    resumed = run(*args, "--resume", "--dask", client.scheduler.address)
    assert resumed.exit_code == 0, resumed.stderr
    assert "already done" in resumed.stderr
    assert run(str(feed), *TRANSLATE, "--models", str(store), "-o", str(clean), "-j", "1").exit_code == 0
    assert tree(out) == tree(clean)


def _setenv(name: str, value: str | None) -> None:
    """Set (or, for None, remove) a variable in a worker's environment."""
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def test_workers_with_other_models_stop_the_run_before_any_article(
    tmp_path: Path, store: Path, client: Any, test_packages: dict[str, Path]
) -> None:
    from polyglot_news.models.installer import install

    extra = tmp_path / "worker-argos"  # an Argos packages folder only the workers read
    install(test_packages["loop-en_ru"], extra)
    before = client.run(os.environ.get, "ARGOS_PACKAGES_DIR")
    client.run(_setenv, "ARGOS_PACKAGES_DIR", str(extra))
    write_folder(tmp_path / "feed", 3)
    try:
        result = run(str(tmp_path / "feed"), *TRANSLATE, "--models", str(store), "-o", str(tmp_path / "out"),
                     "--dask", client.scheduler.address)
    finally:
        for worker, value in before.items():
            client.run(_setenv, "ARGOS_PACKAGES_DIR", value, workers=[worker])
    assert result.exit_code == 5, result.stderr
    assert "Error: Dask worker tcp://127.0.0.1:" in result.stderr
    assert "different version or files: translate-en_ru" in result.stderr
    assert not (tmp_path / "out").exists()
    assert result.stdout == ""


def test_bad_scheduler_specs_are_usage_errors() -> None:
    result = run("--dask", "local:zero", "-")
    assert result.exit_code == 2
    assert "local:N" in result.stderr


def test_workers_share_their_machines_cores_among_the_dask_threads_on_it(store: Path, client: Any) -> None:
    from polyglot_news.batch.cluster import share_cores_here

    request = _request(store)
    options = B.BatchOptions(translation=request)
    cores = len(os.sched_getaffinity(0))
    shared = client.submit(share_cores_here, options, {"127.0.0.1": 2}, pure=False).result()
    assert shared.translation.options.intra_threads == max(1, min(8, cores // 2))
    assert shared.translation.options.signature() == request.options.signature()
    assert share_cores_here(options, {"127.0.0.1": 2}) == options  # not on a worker: unchanged


def _lost_window() -> None:
    raise MemoryError("the window's task ran out of memory on every worker")


def test_a_window_that_fails_for_good_becomes_error_records(tmp_path: Path, client: Any) -> None:
    from polyglot_news.batch.cluster import finish
    from polyglot_news.batch.windows import Run

    write_folder(tmp_path / "feed", 3)
    lines: list[str] = []
    report = B.Report()
    run = Run(B.BatchOptions(), "sig", None, False, lines.append, None, report)
    [window] = run.windows(iter_paths([tmp_path / "feed"]), 4)
    finish(run, window, client.submit(_lost_window, pure=False))
    records = [json.loads(line) for line in lines]
    assert [r["error"]["type"] for r in records] == ["MemoryError"] * 3
    assert report.failed == 3 and report.exit_code == 7


# ---------------------------------------------------------------- interruption and the caller's report


def test_an_interrupted_run_leaves_its_counts_in_the_callers_report(tmp_path: Path, client: Any) -> None:
    """As on one machine: ``report`` is the caller's object, counted line by line, so Ctrl-C keeps the counts."""
    write_folder(tmp_path / "feed", 12)
    lines: list[str] = []

    def interrupt(result: B.ArticleResult, report: B.Report) -> None:
        if report.done == 5:
            raise KeyboardInterrupt

    report = B.Report()
    with pytest.raises(KeyboardInterrupt):
        B.run_batch(iter_paths([tmp_path / "feed"]), B.BatchOptions(source_lang="en"), emit=lines.append,
                    chunk=2, dask=client, observe=interrupt, report=report)
    assert report.ok == report.done == len(lines) == 5


def test_an_unreadable_input_stops_the_run_only_after_what_was_read_is_written(client: Any) -> None:
    from polyglot_news.batch.inputs import Item
    from polyglot_news.errors import InputError

    from .test_batch import article

    def feed() -> Iterator[Item]:
        for n in range(5):
            yield Item(f"a{n}", text=article(n))
        raise OSError(5, "Input/output error")

    lines: list[str] = []
    report = B.Report()
    with pytest.raises(InputError, match="cannot read the input"):
        B.run_batch(feed(), B.BatchOptions(source_lang="en"), emit=lines.append, chunk=2, dask=client,
                    report=report)
    assert [json.loads(line)["id"] for line in lines] == [f"a{n}" for n in range(5)]
    assert report.ok == 5


def test_sigterm_summary_counts_the_lines_the_client_wrote(tmp_path: Path, client: Any) -> None:
    feed, out = tmp_path / "feed", tmp_path / "out"
    write_folder(feed, 60)
    process = subprocess.Popen(
        [sys.executable, "-m", "polyglot_news", "batch", "--to", "none", "--source-lang", "en", "--chunk", "2",
         str(feed), "-o", str(out), "--dask", client.scheduler.address],
        cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    first = [process.stdout.readline() for _ in range(3)]
    process.send_signal(signal.SIGTERM)
    rest = process.stdout.read()  # through the pipe's buffer, which may hold more than the lines read
    stderr = process.stderr.read()
    process.wait(timeout=60)
    written = len([line for line in [*first, *rest.splitlines()] if line.strip()])
    assert process.returncode == 143, stderr
    assert 3 <= written < 60
    assert f"batch: interrupted after {written} articles ({written} ok, 0 failed)" in stderr
    # the workers stage each file; only the client's rename makes it an output, counted as it is made
    assert len([p for p in out.rglob("*.json") if not p.name.startswith(".")]) == written


# ---------------------------------------------------------------- an address where no scheduler answers


def test_an_address_without_a_scheduler_fails_at_once_naming_it(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on: bound, then released
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    write_folder(tmp_path / "feed", 1)
    address = f"tcp://127.0.0.1:{port}"
    start = time.monotonic()
    result = run(str(tmp_path / "feed"), "--to", "none", "--dask", address)
    elapsed = time.monotonic() - start
    assert result.exit_code == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: --dask {address}: no Dask scheduler answers there")
    assert result.stdout == ""
    assert elapsed < 5, f"took {elapsed:.1f} s"


class _Peer(threading.Thread):
    """A TCP server on loopback that is no Dask scheduler: it greets every connection with ``banner`` (or
    says nothing, as an HTTP server waiting for a request does)."""

    def __init__(self, banner: bytes) -> None:
        super().__init__(daemon=True)
        self.banner = banner
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.stop = threading.Event()

    def run(self) -> None:
        held = []
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            conn.sendall(self.banner)
            held.append(conn)
        for conn in held:
            conn.close()
        self.server.close()


@pytest.mark.parametrize(
    "banner", [b"", b"SSH-2.0-OpenSSH_9.6\r\n", b"HTTP/1.0 400 Bad Request\r\n\r\n"], ids=["silent", "ssh", "http"]
)
def test_an_address_where_something_else_answers_fails_within_the_deadline(tmp_path: Path, banner: bytes) -> None:
    from polyglot_news.batch.cluster import CONNECT_TIMEOUT

    peer = _Peer(banner)
    peer.start()
    write_folder(tmp_path / "feed", 1)
    address = f"tcp://127.0.0.1:{peer.port}"
    start = time.monotonic()
    try:
        result = run(str(tmp_path / "feed"), "--to", "none", "--dask", address)
    finally:
        peer.stop.set()
    elapsed = time.monotonic() - start
    assert result.exit_code == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: --dask {address}: no Dask scheduler answers there (")
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert elapsed < 3 * CONNECT_TIMEOUT, f"took {elapsed:.1f} s"


class _Stop(Exception):
    pass


def test_a_signal_that_comes_during_a_finalizer_is_not_lost() -> None:
    """A raising handler fired inside ``__del__`` (Dask futures have one) is dropped by Python; held, it is not."""
    from polyglot_news.batch.cluster import _Checkpoints

    def stop(signum: int, frame: Any) -> None:
        raise _Stop

    class Finalized:
        def __del__(self) -> None:
            signal.raise_signal(signal.SIGTERM)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        with pytest.raises(_Stop), _Checkpoints() as held:
            Finalized()
            held.check()
            pytest.fail("the held signal was not raised at the checkpoint")
        assert signal.getsignal(signal.SIGTERM) is stop
    finally:
        signal.signal(signal.SIGTERM, previous)


def _profiling(dask_worker: Any) -> bool:
    return "profile" in dask_worker.periodic_callbacks


def test_a_local_cluster_runs_without_the_statistical_profiler() -> None:
    """It samples the running task's stack 100 times a second: CPU a translating worker needs."""
    from polyglot_news.batch.cluster import _connect

    with _connect("local:1") as client:
        assert list(client.run(_profiling).values()) == [False]

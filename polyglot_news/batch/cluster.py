"""Batch on a Dask cluster: the same windows, the same bytes, on as many machines as the cluster has.

The client reads the input, claims output names and checks ``--resume`` exactly as a local
run does, then sends each window (the ``--chunk`` articles translated together) to the
cluster as one task. A worker summarizes and translates the window with the code a local
run uses, so its translation batches, and therefore its outputs, are the same; it writes
the window's files with the same atomic writer into the output folder (a filesystem every
worker and the client share) and returns the window's JSON Lines records, which the
client emits in input order. A worker that dies mid-window is replaced and the scheduler
runs the window again elsewhere: rewriting a file atomically with the same bytes is
harmless, so the folder ends as a clean run's would.

Each worker process keeps the packages it loaded (the engine's per-process package cache),
so a model is loaded once per worker, not per window. Before any article, every worker
reports the packages it sees (names, versions, content hashes); a worker whose models
differ from the client's stops the run with a :class:`ModelError`.

Needs the ``dask`` extra (:func:`polyglot_news.version.install_hint` names the command); only this
module imports Dask.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import signal
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from polyglot_news.batch.inputs import Item
from polyglot_news.batch.options import BatchOptions
from polyglot_news.batch.outputs import OutputFolder
from polyglot_news.batch.report import ArticleResult, Report
from polyglot_news.batch.windows import Done, Run, Window, WindowTask
from polyglot_news.batch.workers import restore_malloc, run_window, share_cores
from polyglot_news.errors import InputError, ModelError
from polyglot_news.version import install_hint

LOCAL_CONFIG = {"distributed.worker.profile.enabled": False}
"""Dask settings of a ``local:N`` cluster: no statistical profiler, which samples the running task's
stack a hundred times a second (measured: 5-15 % more CPU in a worker running pure-Python work);
on a cluster of your own, start the workers with ``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False``."""

WINDOWS_PER_THREAD = 2
"""Windows in flight per worker thread: enough to keep every worker busy, few enough to bound memory."""

CONNECT_TIMEOUT = 5.0
"""Seconds a scheduler address gets to accept a connection, and then as many to greet the client as
a Dask scheduler does (Dask's own default, 30 s, would keep a mistyped address waiting, and it waits
for a greeting without end): a refused connection fails at once, a silent host or a server of
another kind (HTTP, SSH) after this."""


def run_on_dask(
    items: Iterable[Item],
    options: BatchOptions,
    *,
    scheduler: Any,
    emit: Callable[[str], None],
    output_dir: Path | None = None,
    chunk: int,
    resume: bool = False,
    observe: Callable[[ArticleResult, Report], None] | None = None,
    report: Report | None = None,
) -> Report:
    """:func:`~polyglot_news.batch.runner.run_batch` with the windows run on a Dask cluster.

    ``scheduler``: a scheduler address (``tcp://host:8786``), ``local:N`` for a local cluster
    of N worker processes started for this run, or a ``distributed.Client``. ``report`` is
    updated as articles are emitted, as on one machine: an interrupted caller still knows
    how many were written. An error reading the input stops the run only after every window
    read before it is finished.

    Raises:
        ModelError: a worker sees other packages than the client (or none where it needs some).
        InputError: the input could not be read to the end (what was read before is written).
        ValueError: Dask is not installed, ``scheduler`` is not understood, or no Dask
            scheduler answers at its address (within :data:`CONNECT_TIMEOUT` for the connection).
    """
    report = report if report is not None else Report()
    with _connect(scheduler) as client, _Checkpoints() as held:
        sign = options.signature()
        if options.translation is not None:
            check_models(client, options.translation.models)
        folder = OutputFolder(output_dir, options.fmt, sign) if output_dir is not None else None
        run = Run(options, sign, folder, resume, emit, observe, report)
        on_host: dict[str, int] = {}
        for address, threads in client.nthreads().items():
            on_host[_host(address)] = on_host.get(_host(address), 0) + int(threads)
        limit = max(2, WINDOWS_PER_THREAD * max(1, sum(on_host.values())))
        pending: deque[tuple[Window, Any]] = deque()
        windows = run.windows(items, chunk)
        stopped: BaseException | None = None
        while True:
            held.check()
            try:
                window = next(windows)
            except StopIteration:
                break
            except Exception as error:  # finish what was read before, then stop (as a local run does)
                stopped = InputError(f"cannot read the input: {error}") if isinstance(error, OSError) else error
                break
            task = run.task(window, stage=True)
            future = None
            if task is not None:
                future = client.submit(run_window_here, task, on_host, pure=False, retries=2)
            pending.append((window, future))
            while pending and (len(pending) >= limit or pending[0][1] is None or pending[0][1].done()):
                finish(run, *pending.popleft(), held.check)  # in input order, as soon as the oldest window is back
        while pending:
            finish(run, *pending.popleft(), held.check)
        if stopped is not None:
            raise stopped
        return report


class _Checkpoints:
    """SIGINT and SIGTERM held while Dask's client code runs, raised again at this module's checkpoints.

    A handler that raises (Ctrl-C's KeyboardInterrupt, the CLI's SIGTERM exit) may fire inside a
    Dask future's ``__del__``, where Python prints the exception and drops it, and the run would
    go on. Held, a signal is raised by :meth:`check` between windows and while waiting for one,
    with the handlers it was meant for (main thread only; elsewhere nothing is held).
    """

    def __init__(self) -> None:
        self.caught: list[int] = []
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> _Checkpoints:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self.previous[sig] = signal.signal(sig, lambda signum, frame: self.caught.append(signum))
        return self

    def check(self) -> None:
        """Raise a held signal here, through the handler it was meant for."""
        if self.caught:
            self._release()

    def _release(self) -> None:
        caught, self.caught = list(dict.fromkeys(self.caught)), []
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)
        self.previous = {}
        for signum in caught:
            signal.raise_signal(signum)

    def __exit__(self, *exc: object) -> None:
        self._release()


def finish(run: Run, window: Window, future: Any, check: Callable[[], None] | None = None) -> None:
    """Wait for a window's task (``check`` called meanwhile: where a held signal is raised), then let
    the client commit, emit and count its articles in order; a task that failed for good makes each
    of its articles an error record."""
    if future is not None:
        while check is not None and not future.done():
            check()
            time.sleep(0.02)
    try:
        done: list[Done] | BaseException | None = future.result() if future is not None else None
    except Exception as error:  # the window's task failed for good (e.g. it killed every worker it ran on)
        done = error
    run.finish(window, done, where="Dask task")


_MALLOC: list[bool] = []


def run_window_here(task: WindowTask, on_host: dict[str, int] | None = None) -> list[Done]:
    """:func:`~polyglot_news.batch.workers.run_window` on a Dask worker: its own store, its share of the cores.

    The first window in a worker process also undoes the nanny's ``MALLOC_TRIM_THRESHOLD_``
    (:func:`~polyglot_news.batch.workers.restore_malloc`): with it, translating cost as much
    kernel time as work.
    """
    if not _MALLOC:
        _MALLOC.append(restore_malloc())
    options = _scanned_here(share_cores_here(task.options, on_host or {}))
    return run_window(dataclasses.replace(task, options=options), _still_wanted())


def _still_wanted() -> Callable[[], bool]:
    """Whether the running task is still wanted: once its client is gone the scheduler releases it, and the
    worker marks it ``cancelled`` while it runs on (a thread cannot be stopped)."""
    try:
        from distributed import get_worker

        worker = get_worker()
        key = worker.get_current_task()
    except (ImportError, ValueError, KeyError):  # not on a Dask worker (a direct call)
        return lambda: True

    def wanted() -> bool:
        try:
            state = worker.state.tasks[key].state
        except (AttributeError, KeyError):  # forgotten already, or another Dask's layout: judge by presence
            return key in getattr(getattr(worker, "state", None), "tasks", {key: None})
        return state not in ("cancelled", "released", "forgotten")

    return wanted


_SCANS: dict[tuple[str | None, ...], tuple[Any, ...]] = {}


def _scanned_here(options: BatchOptions) -> BatchOptions:
    """The request with this worker's own store scanned, once per process (as a local run does once per run)."""
    request = options.translation
    if request is None or request.packages is not None:
        return options
    key = (str(request.models), os.environ.get("POLYGLOT_NEWS_MODELS"), os.environ.get("ARGOS_PACKAGES_DIR"),
           os.environ.get("ARGOS_TRANSLATE_PACKAGES_DIR"), os.environ.get("XDG_DATA_HOME"))
    if key not in _SCANS:
        _SCANS[key] = request.scanned().packages or ()
    return dataclasses.replace(options, translation=dataclasses.replace(request, packages=_SCANS[key]))


def _host(address: str) -> str:
    """``tcp://10.0.0.5:40123`` → ``10.0.0.5``."""
    return address.rsplit("://", 1)[-1].rsplit(":", 1)[0]


def share_cores_here(options: BatchOptions, on_host: dict[str, int]) -> BatchOptions:
    """On a Dask worker: CTranslate2 gets this machine's cores shared among the Dask threads on it
    (``on_host``: threads per host), not the client's default; elsewhere ``options`` unchanged."""
    if options.translation is None:
        return options
    try:
        from distributed import get_worker

        host = _host(get_worker().address)
    except (ImportError, ValueError):  # not on a Dask worker (a direct call)
        return options
    return share_cores(options, on_host.get(host, 1))


# ---------------------------------------------------------------- models on every worker


def model_inventory(models: Path | None) -> list[tuple[str, str, str, str]]:
    """The packages this process would translate with: (name, pair, version, content hash)."""
    from polyglot_news.models.store import list_packages

    return sorted((p.name, p.pair, p.version, _tree_hash(p.path)) for p in list_packages(models))


def _tree_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def check_models(client: Any, models: Path | None) -> None:
    """Every worker must see the client's packages, byte for byte; else a ModelError names the first that does not.

    Raises:
        ModelError: a worker's packages differ from the client's.
    """
    mine = model_inventory(models)
    theirs: dict[str, list[list[str]]] = client.run(model_inventory, models)
    for worker, found in sorted(theirs.items()):
        got = sorted(tuple(row) for row in found)
        if got != mine:
            missing = sorted({r[0] for r in mine} - {r[0] for r in got})
            extra = sorted({r[0] for r in got} - {r[0] for r in mine})
            changed = sorted({a[0] for a in mine for b in got if a[0] == b[0] and a != b})
            parts = [f"missing {', '.join(missing)}" if missing else "", f"extra {', '.join(extra)}" if extra else "",
                     f"different version or files: {', '.join(changed)}" if changed else ""]
            where = models or os.environ.get("POLYGLOT_NEWS_MODELS") or "the per-user store"
            raise ModelError(
                f"Dask worker {worker} has other translation packages than this machine "
                f"({'; '.join(p for p in parts if p)}): install the same packages on every node, "
                f"or point --models at a store they share (here: {where})"
            )


class _connect:  # noqa: N801 - used as a context manager, like a function
    """A Dask client for ``scheduler``, and the local cluster it started, closed on exit."""

    def __init__(self, scheduler: Any) -> None:
        self.scheduler = scheduler
        self.owned: list[Any] = []

    def __enter__(self) -> Any:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ValueError(f"--dask needs Dask: {install_hint('dask')}") from None
        if isinstance(self.scheduler, Client):
            return self.scheduler
        spec = str(self.scheduler).strip()
        if spec.startswith("local:"):
            count = spec.removeprefix("local:")
            if not count.isdigit() or int(count) < 1:
                raise ValueError(f"--dask {spec}: write local:N with N the number of worker processes, e.g. local:4")
            import dask

            with dask.config.set(LOCAL_CONFIG):
                cluster = LocalCluster(  # type: ignore[no-untyped-call,unused-ignore]
                    n_workers=int(count), threads_per_worker=1, processes=True, dashboard_address=None,
                    host="127.0.0.1",
                )
            self.owned.append(cluster)
            client = Client(cluster)  # type: ignore[no-untyped-call,unused-ignore]
        elif spec:
            try:
                _knock(spec)
                client = _greeted(spec, CONNECT_TIMEOUT)
            except Exception as error:  # whatever a peer that is no scheduler makes Dask raise (MemoryError too)
                reason = str(error) if isinstance(error, OSError) else (
                    f"something answers, not as a Dask scheduler does: {type(error).__name__}: {error}"
                )
                raise ValueError(f"--dask {spec}: no Dask scheduler answers there ({reason[:200]})") from None
        else:
            raise ValueError("--dask needs a scheduler address (tcp://host:8786) or local:N")
        self.owned.insert(0, client)
        return client

    def __exit__(self, *exc: object) -> None:
        for thing in self.owned:
            thing.close()


def _greeted(spec: str, seconds: float) -> Any:
    """A Dask client connected to ``spec`` and greeted by its scheduler within ``seconds``.

    Dask waits without end for the handshake of a peer that accepts the connection and never
    answers as a scheduler does (an HTTP server), and takes the first bytes of one that does
    answer for a message length (``MemoryError`` for a banner); so the client is made in a
    thread that is given up after ``seconds``, and whatever it raised comes back here.

    Raises:
        TimeoutError: no greeting within ``seconds``.
        Exception: what Dask raised (``OSError`` for a scheduler that went away, …).
    """
    from distributed import Client

    got: list[Any] = []
    late = threading.Event()

    def connect() -> None:
        try:
            client = Client(spec, timeout=f"{seconds:g}s")  # type: ignore[no-untyped-call,unused-ignore]
        except BaseException as error:  # handed to the caller
            got.append(error)
            return
        if late.is_set():  # given up on meanwhile: nobody will close it
            client.close()  # type: ignore[no-untyped-call,unused-ignore]
        got.append(client)

    thread = threading.Thread(target=connect, name="dask-connect", daemon=True)
    thread.start()
    thread.join(seconds)
    late.set()
    if not got:
        raise TimeoutError(f"no greeting from a Dask scheduler within {seconds:g} s")
    if isinstance(got[0], BaseException):
        raise got[0]
    return got[0]


def _knock(spec: str) -> None:
    """Open (and close) a plain TCP connection to a TCP-based scheduler address, within :data:`CONNECT_TIMEOUT`.

    Dask itself retries a refused connection until its timeout; this fails at once instead.

    Raises:
        OSError: nothing accepts the connection (refused, unknown host, timed out).
    """
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(spec)  # a bare host:port is tcp
        host, port = parse_host_port(location, default_port=8786)
    except ValueError:
        return  # not a host and port: Dask judges it
    if scheme in ("tcp", "tls", "ws", "wss"):
        with socket.create_connection((str(host), int(port)), timeout=CONNECT_TIMEOUT):
            pass

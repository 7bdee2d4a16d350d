"""Many articles on one machine: a folder, paths or JSON Lines in; files or JSON Lines out; resumable.

Stages: a reader thread lists or streams the inputs, claims output names and checks
``--resume``, and queues *windows* (:mod:`polyglot_news.batch.windows`) into a bounded queue;
worker processes each run whole windows — read, summarize, translate with one engine call per
route, render (:func:`polyglot_news.batch.workers.run_window`); the main process writes every
result in input order. Window boundaries depend only on an article's position in the input,
so the output is the same whatever ``workers`` is, and a resumed run recomputes a partly
written window whole: its translations see the same batch as in a clean run.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path
from typing import Any

from polyglot_news.batch.inputs import Item
from polyglot_news.batch.options import DEFAULT_CHUNK, BatchOptions
from polyglot_news.batch.outputs import OutputFolder
from polyglot_news.batch.report import ArticleResult, Report
from polyglot_news.batch.windows import Done, Run, Window, WindowTask
from polyglot_news.batch.workers import InProcess, make_pool, run_window, share_cores
from polyglot_news.errors import InputError

_EOF = object()


def run_batch(
    items: Iterable[Item],
    options: BatchOptions,
    *,
    emit: Callable[[str], None],
    output_dir: Path | None = None,
    workers: int = 1,
    chunk: int = DEFAULT_CHUNK,
    resume: bool = False,
    observe: Callable[[ArticleResult, Report], None] | None = None,
    dask: Any = None,
    report: Report | None = None,
) -> Report:
    """Digest every article; write one output each, or emit one JSON Lines record each, in input order.

    Without ``output_dir`` each record (``{"id", ...passed-through fields, "digest", "batch"}``
    or ``{"id", ..., "error"}``) goes to ``emit`` as one line. With it, outputs are written
    atomically under ``output_dir`` and ``emit`` gets a short line per article (``output`` or
    ``error``). A failing article never stops the run; an error reading the input stops it
    only after every article read before it has been written.

    ``report`` (a fresh one by default) is updated as articles finish, so a caller that is
    interrupted still knows how many were written.

    ``dask`` (a scheduler address, ``local:N`` or a ``distributed.Client``) runs the windows
    on a Dask cluster instead of local worker processes (``workers`` is then unused): same
    outputs, see :mod:`polyglot_news.batch.cluster`.

    Raises:
        ValueError: ``resume`` without ``output_dir``, or ``workers``/``chunk`` below 1.
        ModelError: the model store cannot be read (when translating).
    """
    if resume and output_dir is None:
        raise ValueError("`resume` needs `output_dir`")
    if workers < 1 or chunk < 1:
        raise ValueError("workers and chunk must be at least 1")
    if dask is not None:
        from polyglot_news.batch.cluster import run_on_dask

        return run_on_dask(
            items, options, scheduler=dask, emit=emit, output_dir=output_dir, chunk=chunk, resume=resume,
            observe=observe, report=report,
        )
    translating = options.translation is not None
    if options.translation is not None:  # the store is scanned once, here, for the whole run
        options = replace(options, translation=options.translation.scanned())
    size = chunk if translating else 1
    sign = options.signature()
    report = report if report is not None else Report()
    folder = OutputFolder(output_dir, options.fmt, sign) if output_dir is not None else None
    run = Run(options, sign, folder, resume, emit, observe, report)
    executor = make_pool(workers)
    pooled = not isinstance(executor, InProcess)
    shared = share_cores(options, workers if pooled else 1)  # each worker process its share of the cores
    stop = threading.Event()
    windows: queue.Queue[Any] = queue.Queue(maxsize=max(2, 8 // size))
    reader = threading.Thread(
        target=_read_windows, args=(run, items, size, windows, stop), name="batch-reader", daemon=True
    )
    max_in_flight = max(2, (4 if size == 1 else 2) * workers)  # windows: every worker busy, memory bounded
    reader.start()
    pending: deque[_Pending] = deque()
    finished = False
    try:
        eof = False
        stopped: BaseException | None = None
        while True:
            while not eof and len(pending) < max_in_flight:
                try:
                    got = windows.get(timeout=0.05 if pending else None)
                except queue.Empty:
                    break
                if got is _EOF:
                    eof = True
                    break
                if isinstance(got, BaseException):  # finish what was read before, then stop
                    stopped, eof = got, True
                    break
                entry = _Pending(got, run.task(got, shared))
                executor = entry.submit(executor, workers)
                pending.append(entry)
            while pending and pending[0].ready():
                broken = [e for e in pending if e.broken() and e.tries < MAX_TRIES]
                if broken:  # a worker died: its pool is gone; run its windows again in a new one
                    executor = _renew(executor, workers)
                    for entry in broken:
                        executor = entry.submit(executor, workers)
                    break
                entry = pending.popleft()
                run.finish(entry.window, entry.outcome())
            if eof and not pending:
                finished = True
                if stopped is not None:
                    raise stopped
                return report
            if pending and (eof or len(pending) >= max_in_flight) and pending[0].future is not None:
                wait([pending[0].future], timeout=0.5)
    finally:
        stop.set()
        if not finished:  # interrupted: what the workers were doing is not needed any more
            _terminate(executor)
        executor.shutdown(wait=True, cancel_futures=True)


MAX_TRIES = 2
"""Runs a window gets when the worker process running it dies (then its articles are error records)."""


class _Pending:
    """A window in flight: the task sent for it, its future, how many times it was sent."""

    def __init__(self, window: Window, task: WindowTask | None) -> None:
        self.window = window
        self.task = task
        self.future: Future[list[Done]] | None = None
        self.tries = 0

    def submit(self, executor: Executor, workers: int) -> Executor:
        if self.task is None:
            return executor
        self.tries += 1
        try:
            self.future = executor.submit(run_window, self.task)
        except BrokenProcessPool:
            executor = _renew(executor, workers)
            self.future = executor.submit(run_window, self.task)
        return executor

    def ready(self) -> bool:
        return self.future is None or self.future.done()

    def broken(self) -> bool:
        return self.future is not None and self.future.done() and isinstance(self.future.exception(), BrokenProcessPool)

    def outcome(self) -> list[Done] | BaseException | None:
        if self.future is None:
            return None
        error = self.future.exception()
        return error if error is not None else self.future.result()


def _renew(executor: Executor, workers: int) -> Executor:
    executor.shutdown(wait=False, cancel_futures=True)
    return make_pool(workers)


def _terminate(executor: Executor) -> None:
    """End a pool's worker processes now (a window takes seconds; a stopped run must not wait for it)."""
    processes = getattr(executor, "_processes", None) or {}
    for process in list(processes.values()):
        process.terminate()


def _read_windows(run: Run, items: Iterable[Item], size: int, out: queue.Queue[Any], stop: threading.Event) -> None:
    """The reader thread: group items into windows (claimed and checked for resume), queue them."""

    def put(value: Any) -> bool:
        while not stop.is_set():
            try:
                out.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    try:
        for window in run.windows(items, size):
            if not put(window):
                return
        put(_EOF)
    except Exception as error:  # reported by the main thread as the run's own failure, after what was read
        put(InputError(f"cannot read the input: {error}") if isinstance(error, OSError) else error)

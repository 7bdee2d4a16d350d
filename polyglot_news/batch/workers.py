"""Batch workers: the processes that read and summarize articles, or this process for one worker."""

from __future__ import annotations

import os
import select
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from polyglot_news.batch.inputs import Failure, load_text
from polyglot_news.document import Article, Summary
from polyglot_news.pipeline import summarize_article
from polyglot_news.summarize.request import SummaryRequest


@dataclass(frozen=True)
class Task:
    """One article for a worker: its name for messages, its file or text, the summary request.

    ``text`` may be the article a feed item already is; ``input_format`` says how to read the file.
    """

    name: str
    path: str | None
    text: str | Article | None
    summary: SummaryRequest
    input_format: str = "auto"


def summarize_task(task: Task) -> Summary | Failure:
    """Read and summarize one article; any failure becomes a :class:`Failure`, never a crash."""
    try:
        text = load_text(task.name, task.path, task.text, task.input_format)
        return summarize_article(text, summary=task.summary)
    except Exception as error:  # one article's failure, whatever it is, must not stop the others
        return Failure.of(error)


def _init_worker(batch_pid: int) -> None:
    # Ctrl-C reaches the whole process group: the main process decides, workers just finish.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with(batch_pid)
    try:  # load the detector's and summarizer's lazy imports and data before the first article
        summarize_article("The worker warms up before its first article. It loads every model it needs.")
    except Exception:  # noqa: S110 - warming up is optional
        pass


PR_SET_PDEATHSIG = 1


def die_with(batch_pid: int) -> None:
    """End this worker when the batch process ends, even by ``kill -9``.

    A forkserver worker's parent is the fork server, not the batch process, so two guards:
    Linux's parent-death signal (SIGKILL when the fork server goes, which it does once the
    batch process is gone), and a thread that waits for the batch process itself to exit
    (a pidfd on Linux, else a poll every second).
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the watch thread alone
        pass
    threading.Thread(target=_watch, args=(batch_pid,), name="batch-watch", daemon=True).start()


def _watch(batch_pid: int) -> None:
    try:
        handle = os.pidfd_open(batch_pid)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):
        handle = None
    if handle is not None:
        select.select([handle], [], [])  # readable once the process has exited
        os._exit(1)
    while True:
        time.sleep(1.0)
        try:
            os.kill(batch_pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # the pid was reused by someone else's process: ours is gone
            os._exit(1)


class _InProcess(Executor):
    """``--workers 1``: run each task at once in this process."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def make_pool(workers: int) -> Executor:
    """Worker processes that read and summarize, or with ``workers`` <= 1 this process."""
    if workers <= 1 or _unguarded(workers):
        return _InProcess()
    import multiprocessing

    # forkserver: workers never inherit the main process's threads (reader, CTranslate2).
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context(method), initializer=_init_worker, initargs=(os.getpid(),)
    )


def default_workers() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _unguarded(workers: int) -> bool:
    """Warn and say so when workers would re-run an unguarded script (see batch/mainguard.py)."""
    from polyglot_news.batch.mainguard import FIX, unguarded_script

    script = unguarded_script()
    if script is None:
        return False
    import warnings

    warnings.warn(
        f"{script}: run_batch(workers={workers}) is called at the script's top level, which worker "
        f"processes would run again; the articles are processed in this process instead (same "
        f"output, one core): {FIX} to use {workers} workers",
        RuntimeWarning,
        stacklevel=4,
    )
    return True

"""Batch workers: a window run whole (read, summarize, translate, render), and the processes that run them.

:func:`run_window` is the same code wherever it runs — in the batch process (one worker), in a
local worker process, or on a Dask worker — so the window's translation batch, and every output
byte, is the same. Each process loads each model once and keeps it (the engine's package cache).
"""

from __future__ import annotations

import json
import os
import select
import signal
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import replace
from typing import Any

from polyglot_news.batch.inputs import Failure, load_text
from polyglot_news.batch.options import BatchOptions
from polyglot_news.batch.outputs import OutputFolder
from polyglot_news.batch.windows import ArticleRef, Done, WindowTask
from polyglot_news.document import Summary
from polyglot_news.errors import EXIT_PARTIAL, OutputError, exit_code_of
from polyglot_news.pipeline import assemble_digest, summarize_article
from polyglot_news.translation.summaries import Outcome, translate_summaries


def run_window(task: WindowTask, wanted: Callable[[], bool] | None = None) -> list[Done]:
    """Summarize, translate and render every article of a window; one :class:`Done` each, in order.

    A failing article (unreadable, undetectable, no route, flagged under ``strict``) is a failed
    :class:`Done`; it never stops the others. Articles done already (``--resume``) are still
    summarized and translated when the window is translated, so that the others get the batch a
    clean run gives them, but they are not written again. ``wanted`` (with ``task.stage``) is
    asked before each file is staged: once nobody waits for the window (its client is gone),
    nothing more is staged.
    """
    options = task.options
    translating = options.translation is not None
    summaries: list[Summary | Failure | None] = [
        summarize(a, options) if translating or not a.complete else None for a in task.articles
    ]
    outcomes = _translate(summaries, options)
    folder = OutputFolder(task.output_dir, options.fmt, task.sign) if task.output_dir is not None else None
    triples = zip(task.articles, summaries, outcomes, strict=True)
    return [_done(article, result, outcome, task, folder, wanted) for article, result, outcome in triples]


def summarize(article: ArticleRef, options: BatchOptions) -> Summary | Failure:
    """Read and summarize one article; any failure becomes a :class:`Failure`, never a crash."""
    item = article.item
    try:
        text = load_text(str(item.id), str(item.path) if item.path is not None else None, item.text, item.input_format)
        return summarize_article(text, summary=options.summary)
    except Exception as error:  # one article's failure, whatever it is, must not stop the others
        return Failure.of(error)


def _translate(results: list[Summary | Failure | None], options: BatchOptions) -> list[Outcome | Failure | None]:
    """The window's summaries translated together (one engine call per route), or one by one to isolate a failure."""
    request = options.translation
    good = [i for i, r in enumerate(results) if isinstance(r, Summary)]
    outcomes: list[Outcome | Failure | None] = [None] * len(results)
    if request is None or not good:
        return outcomes
    summaries = [r for r in results if isinstance(r, Summary)]
    try:
        done: list[Outcome | Failure] = list(translate_summaries(summaries, request))
    except Exception:  # isolate the culprit: translate the window's articles one by one
        done = []
        for summary in summaries:
            try:
                done.append(translate_summaries([summary], request)[0])
            except Exception as error:  # one article's failure must not stop the others
                done.append(Failure.of(error))
    for i, outcome in zip(good, done, strict=True):
        outcomes[i] = outcome
    return outcomes


def _done(
    article: ArticleRef,
    result: Summary | Failure | None,
    outcome: Outcome | Failure | None,
    task: WindowTask,
    folder: OutputFolder | None,
    wanted: Callable[[], bool] | None = None,
) -> Done:
    """One article's :class:`Done`: its digest assembled and rendered (or staged), or why it failed."""
    item, options = article.item, task.options
    failure = result if isinstance(result, Failure) else outcome if isinstance(outcome, Failure) else None
    if failure is None and article.complete:
        return Done("resumed")
    if failure is not None or not isinstance(result, Summary):
        return Done("failed", failure)
    digest = assemble_digest(
        result, options.method, outcome if isinstance(outcome, Outcome) else None,
        strict=options.strict, label=str(item.id),
    )
    notes = tuple(dict.fromkeys(digest.notes))
    flagged = sorted(lang for lang, t in digest.translations.items() if t.flags)
    if options.strict and flagged and not digest.errors:
        message = f"{item.id}: flagged translation into {', '.join(flagged)} and `strict` is on"
        return Done("failed", Failure(EXIT_PARTIAL, "FlaggedTranslation", message), notes, True)
    if digest.errors:
        worst = max(digest.errors, key=exit_code_of)
        message = f"{item.id}: " + "; ".join(str(e) for e in digest.errors)
        return Done("failed", Failure(exit_code_of(worst), type(worst).__name__, message), notes, bool(flagged))
    record = {"id": item.id, **item.extra, "digest": digest.to_dict(), "batch": {"options": task.sign}}
    if folder is None or article.output is None:
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        return Done("ok", notes=notes, flagged=bool(flagged), line=line)
    text = folder.render(record, digest)
    if not task.stage:
        return Done("ok", notes=notes, flagged=bool(flagged), text=text)
    if wanted is not None and not wanted():  # an orphan's file would only be litter beside the outputs
        return Done("failed", Failure(1, "Cancelled", f"{item.id}: the window was cancelled"), notes)
    try:
        staged = folder.stage(article.output, text)
    except OutputError as error:
        return Done("failed", Failure.of(error), notes, bool(flagged))
    return Done("ok", notes=notes, flagged=bool(flagged), staged=staged)


# ---------------------------------------------------------------- cores and memory


def default_workers() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


MAX_INTRA_THREADS = 8
"""Most CTranslate2 threads one translator gets (as :class:`~polyglot_news.translation.decoding.DecodeOptions`)."""


def share_cores(options: BatchOptions, sharing: int) -> BatchOptions:
    """``options`` with CTranslate2 given this machine's cores shared among ``sharing`` workers (at least one each).

    One process per core, each translating with one thread, keeps the machine busy without
    oversubscribing it; thread counts never change an output (they are not in the signature).
    """
    request = options.translation
    if request is None:
        return options
    threads = max(1, min(MAX_INTRA_THREADS, default_workers() // max(1, sharing)))
    if threads == request.options.intra_threads:
        return options
    return replace(options, translation=replace(request, options=replace(request.options, intra_threads=threads)))


M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20
"""Largest block glibc serves from its heap rather than a fresh ``mmap`` (its own dynamic ceiling)."""


def restore_malloc(environ: Mapping[str, str] = os.environ) -> bool:
    """Undo ``MALLOC_TRIM_THRESHOLD_`` (which Dask's nanny sets, 64 KiB) for this process; True if it was set.

    Setting it turns off glibc's dynamic thresholds, so every block over 128 KiB is a fresh
    ``mmap`` and every free returns memory to the kernel: CTranslate2 allocates such buffers
    at every decoding step, and a translating Dask worker spent as much time in the kernel,
    faulting pages in again, as in its own code. The thresholds set here are the ones glibc
    itself would reach (blocks up to 32 MiB from the heap, free memory kept up to twice that).
    """
    if "MALLOC_TRIM_THRESHOLD_" not in environ and "MALLOC_MMAP_THRESHOLD_" not in environ:
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
        libc.mallopt(M_TRIM_THRESHOLD, 2 * MMAP_THRESHOLD)
    except (OSError, AttributeError):  # not glibc: nothing to undo
        return False
    return True


# ---------------------------------------------------------------- local worker processes


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


class InProcess(Executor):
    """One worker: run each task at once in this process."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:  # as a pool would: the caller reads it from the future
            future.set_exception(error)
        return future


def make_pool(workers: int) -> Executor:
    """Worker processes that run windows, or with ``workers`` <= 1 this process."""
    if workers <= 1 or _unguarded(workers):
        return InProcess()
    import multiprocessing

    # forkserver: workers never inherit the main process's threads (reader, CTranslate2).
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context(method), initializer=_init_worker, initargs=(os.getpid(),)
    )


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

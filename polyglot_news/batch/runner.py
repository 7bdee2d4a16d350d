"""Many articles at once: a folder, paths or JSON Lines in; files or JSON Lines out; resumable.

Stages: a reader thread lists or streams the inputs into a bounded queue; worker processes
read, decode and summarize them (parse, segment, detect, summarize); the main process
translates *windows* of consecutive articles with one engine call per route and writes every
result in input order. Window boundaries depend only on an article's position in the input,
so the output is the same whatever ``workers`` is, and a resumed run recomputes a partly
written window whole: its translations see the same batch as in a clean run.
"""

from __future__ import annotations

import json
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from polyglot_news.batch.inputs import Failure, Item
from polyglot_news.batch.options import DEFAULT_CHUNK, BatchOptions
from polyglot_news.batch.outputs import OutputFolder
from polyglot_news.batch.report import ArticleResult, Report
from polyglot_news.batch.workers import Task, make_pool, summarize_task
from polyglot_news.document import Digest, Summary
from polyglot_news.errors import EXIT_PARTIAL, InputError, OutputError, exit_code_of
from polyglot_news.io import signals_deferred
from polyglot_news.pipeline import assemble_digest
from polyglot_news.translation.summaries import Outcome, translate_summaries


@dataclass
class _Slot:
    item: Item
    output: str | None = None
    complete: bool = False
    failure: Failure | None = None
    future: Future[Summary | Failure] | None = None


@dataclass
class _Window:
    slots: list[_Slot]
    skip: bool = False

    def ready(self) -> bool:
        return all(s.future is None or s.future.done() for s in self.slots)


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
    window = chunk if translating else 1
    sign = options.signature()
    report = report if report is not None else Report()
    folder = OutputFolder(output_dir, options.fmt, sign) if output_dir is not None else None
    run = _Run(options, sign, folder, resume, emit, observe, report)
    stop = threading.Event()
    windows: queue.Queue[Any] = queue.Queue(maxsize=max(2, 8 // window))
    reader = threading.Thread(
        target=_read_windows, args=(items, window, run, windows, stop), name="batch-reader", daemon=True
    )
    max_in_flight = max(2 * window, 4 * workers)
    executor = make_pool(workers)
    reader.start()
    try:
        pending: deque[_Window] = deque()
        in_flight = 0
        eof = False
        stopped: BaseException | None = None
        while True:
            while not eof and in_flight < max_in_flight:
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
                executor = run.submit(got, executor, workers)
                in_flight += len(got.slots)
                pending.append(got)
            while pending and pending[0].ready():
                done = pending.popleft()
                in_flight -= len(done.slots)
                run.finish(done)
            if eof and not pending:
                if stopped is not None:
                    raise stopped
                return report
            if pending and (eof or in_flight >= max_in_flight):
                wait([s.future for s in pending[0].slots if s.future is not None], timeout=0.5)
    finally:
        stop.set()
        executor.shutdown(wait=True, cancel_futures=True)


def _read_windows(
    items: Iterable[Item], size: int, run: _Run, out: queue.Queue[Any], stop: threading.Event
) -> None:
    """The reader thread: group items into windows, check them for resume, queue them."""

    def put(value: Any) -> bool:
        while not stop.is_set():
            try:
                out.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    slots: list[_Slot] = []
    try:
        for item in items:
            slots.append(run.prepare(item))
            if len(slots) == size:
                if not put(run.window(slots)):
                    return
                slots = []
        if slots and not put(run.window(slots)):
            return
        put(_EOF)
    except Exception as error:  # reported by the main thread as the run's own failure, after what was read
        if slots and not put(run.window(slots)):
            return
        put(InputError(f"cannot read the input: {error}") if isinstance(error, OSError) else error)


class _Run:
    """State shared by the reader thread (prepare/window) and the main thread (submit/finish)."""

    def __init__(
        self,
        options: BatchOptions,
        sign: str,
        folder: OutputFolder | None,
        resume: bool,
        emit: Callable[[str], None],
        observe: Callable[[ArticleResult, Report], None] | None,
        report: Report,
    ) -> None:
        self.options = options
        self.sign = sign
        self.folder = folder
        self.resume = resume
        self.emit = emit
        self.observe = observe
        self.report = report
        self.notes: set[str] = set()

    # reader thread ------------------------------------------------------
    def prepare(self, item: Item) -> _Slot:
        slot = _Slot(item, failure=item.failure)
        if self.folder is None or slot.failure is not None:
            return slot
        try:
            slot.output = self.folder.claim(item)
        except InputError as error:
            slot.failure = Failure.of(error)
            return slot
        slot.complete = self.resume and self.folder.is_complete(slot.output, item.id)
        return slot

    def window(self, slots: list[_Slot]) -> _Window:
        todo = [s for s in slots if s.failure is None]
        return _Window(slots, skip=bool(todo) and all(s.complete for s in todo))

    # main thread --------------------------------------------------------
    def submit(self, window: _Window, executor: Executor, workers: int) -> Executor:
        if window.skip:
            return executor
        o = self.options
        for slot in window.slots:
            if slot.failure is not None:
                continue
            item = slot.item
            task = Task(
                str(item.id), str(item.path) if item.path is not None else None, item.text,
                o.summary, item.input_format,
            )
            try:
                slot.future = executor.submit(summarize_task, task)
            except BrokenProcessPool:
                executor.shutdown(wait=False)
                executor = make_pool(workers)
                slot.future = executor.submit(summarize_task, task)
        return executor

    def finish(self, window: _Window) -> None:
        results: list[Summary | Failure | None] = []
        for slot in window.slots:
            if slot.future is None:
                results.append(None)
                continue
            try:
                results.append(slot.future.result())
            except Exception as error:  # a worker died (BrokenProcessPool) or its result did not come back
                results.append(Failure(1, type(error).__name__, f"{slot.item.id}: the worker failed ({error})"))
        outcomes = self._translate(results)
        for slot, result, outcome in zip(window.slots, results, outcomes, strict=True):
            self._finish_one(slot, result, outcome, window.skip)

    def _translate(self, results: list[Summary | Failure | None]) -> list[Outcome | Failure | None]:
        request = self.options.translation
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

    def _finish_one(
        self, slot: _Slot, result: Summary | Failure | None, outcome: Outcome | Failure | None, skipped: bool
    ) -> None:
        item = slot.item
        failure = slot.failure or (result if isinstance(result, Failure) else None)
        failure = failure or (outcome if isinstance(outcome, Failure) else None)
        notes: tuple[str, ...] = ()
        if failure is None and (skipped or slot.complete):
            self._sweep(slot)
            fields: dict[str, Any] = {"output": slot.output, "resumed": True}
            self._done(item, ArticleResult(item.id, "resumed", output=slot.output), fields)
            return
        if failure is None and isinstance(result, Summary):
            digest = assemble_digest(result, self.options.method, outcome if isinstance(outcome, Outcome) else None)
            notes = self._new_notes(digest.notes)
            flagged = sorted(lang for lang, t in digest.translations.items() if t.flags)
            self.report.flagged += bool(flagged)
            if self.options.strict and flagged and not digest.errors:
                message = f"{item.id}: flagged translation into {', '.join(flagged)} and `strict` is on"
                failure = Failure(EXIT_PARTIAL, "FlaggedTranslation", message)
            elif digest.errors:
                worst = max(digest.errors, key=exit_code_of)
                failure = Failure(
                    exit_code_of(worst), type(worst).__name__,
                    f"{item.id}: " + "; ".join(str(e) for e in digest.errors),
                )
            elif self.folder is None or slot.output is None:
                record = {"digest": digest.to_dict(), "batch": {"options": self.sign}}
                self._done(item, ArticleResult(item.id, "ok", notes=notes), record)
                return
            else:
                with signals_deferred():  # a file written is a file counted, even if Ctrl-C comes now
                    failure = self._write(slot, digest)
                    if failure is None:
                        result_ok = ArticleResult(item.id, "ok", output=slot.output, notes=notes)
                        self._done(item, result_ok, {"output": slot.output})
                        return
        failure = failure or Failure(1, "RuntimeError", f"{item.id}: no result (a bug: please report it)")
        self._done(item, ArticleResult(item.id, "failed", failure=failure, notes=notes), {"error": failure.to_dict()})

    def _write(self, slot: _Slot, digest: Digest) -> Failure | None:
        assert self.folder is not None and slot.output is not None
        item = slot.item
        record = {"id": item.id, **item.extra, "digest": digest.to_dict(), "batch": {"options": self.sign}}
        try:
            self.folder.write(slot.output, record, digest)
        except OutputError as error:
            return Failure.of(error)
        return None

    def _done(self, item: Item, result: ArticleResult, fields: dict[str, Any]) -> None:
        """Emit the article's line, count it, tell the observer.

        A line emitted is a line counted: SIGINT/SIGTERM wait until both are done.
        """
        line: dict[str, Any] = {"id": item.id}
        if self.folder is None or result.status == "failed":
            line.update(item.extra)
        line.update(fields)
        with signals_deferred():
            self.emit(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
            self.report.count(result.status)
        if self.observe is not None:
            self.observe(result, self.report)

    def _new_notes(self, notes: Sequence[str]) -> tuple[str, ...]:
        fresh = tuple(n for n in dict.fromkeys(notes) if n not in self.notes)
        self.notes.update(fresh)
        self.report.notes.extend(fresh)
        return fresh

    def _sweep(self, slot: _Slot) -> None:
        if self.folder is not None and slot.output is not None:
            self.folder.sweep(slot.output)

"""Windows: the articles a batch translates together, and the client's side of running them.

A *window* is ``chunk`` consecutive articles by input position (one article when nothing is
translated). The client (the ``batch`` process) reads the input, claims each article's output
name and checks ``--resume`` (:meth:`Run.prepare`, :meth:`Run.windows`), hands each window to
a worker as a :class:`WindowTask` — this process, a local worker process or a Dask worker run
:func:`polyglot_news.batch.workers.run_window` — and gets back one :class:`Done` per article.
:meth:`Run.finish` then writes or commits each output, emits its line and counts it, in input
order. Window boundaries depend only on positions, so the translation batches, and therefore
every output byte, are the same whoever runs the windows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from polyglot_news.batch.inputs import Failure, Item
from polyglot_news.batch.options import BatchOptions
from polyglot_news.batch.outputs import OutputFolder
from polyglot_news.batch.report import ArticleResult, Report, Status
from polyglot_news.errors import InputError, OutputError
from polyglot_news.io import signals_deferred


@dataclass
class Slot:
    """One article of a window on the client: its output name, whether it is done already, why it failed."""

    item: Item
    output: str | None = None
    complete: bool = False
    """``--resume`` found its output written with the same options."""
    failure: Failure | None = None
    """Set when the article failed before any worker saw it (a bad input line, an unusable output name)."""


@dataclass
class Window:
    """Consecutive articles translated together; ``skip`` when every article that can run is done already."""

    slots: list[Slot]
    skip: bool = False

    def runnable(self) -> list[Slot]:
        """The slots a worker gets (those that did not fail on the client)."""
        return [s for s in self.slots if s.failure is None]


@dataclass(frozen=True)
class ArticleRef:
    """One article as a worker gets it: the item, its output name and whether it is done already."""

    item: Item
    output: str | None
    complete: bool


@dataclass(frozen=True)
class WindowTask:
    """A window for a worker: its articles, the run's options and signature, and where outputs go.

    ``stage``: write each output to a hidden temp file beside it and let the client rename it
    (a Dask worker, on the shared folder); otherwise the rendered text comes back to the client,
    which writes it (a local worker).
    """

    articles: tuple[ArticleRef, ...]
    options: BatchOptions
    sign: str
    output_dir: Path | None
    stage: bool = False


@dataclass(frozen=True)
class Done:
    """What a worker made of one article: its status, and the line, the text or the staged file to keep."""

    status: Status
    failure: Failure | None = None
    notes: tuple[str, ...] = ()
    flagged: bool = False
    """A translated sentence was flagged by the guard (counted in :attr:`Report.flagged`)."""
    line: str | None = None
    """JSON Lines output: the article's whole record line."""
    text: str | None = None
    """Folder output from a local worker: the output file's content, written by the client."""
    staged: str | None = None
    """Folder output from a Dask worker: the temp file holding it, renamed onto the output by the client."""


class Run:
    """The client's state: claims, resume checks, and emitting finished windows in input order.

    :meth:`prepare` and :meth:`windows` may run in a reader thread, :meth:`finish` in another.
    """

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

    # reading ------------------------------------------------------------
    def prepare(self, item: Item) -> Slot:
        """The article's slot: its output name claimed and, with ``resume``, whether it is done."""
        slot = Slot(item, failure=item.failure)
        if self.folder is None or slot.failure is not None:
            return slot
        try:
            slot.output = self.folder.claim(item)
        except InputError as error:  # the id names no usable file, or another article's
            slot.failure = Failure.of(error)
            return slot
        slot.complete = self.resume and self.folder.is_complete(slot.output, item.id)
        return slot

    def window(self, slots: list[Slot]) -> Window:
        todo = [s for s in slots if s.failure is None]
        return Window(slots, skip=bool(todo) and all(s.complete for s in todo))

    def windows(self, items: Iterable[Item], size: int) -> Iterator[Window]:
        """``size`` articles a window; an error reading the input comes after the window read before it."""
        slots: list[Slot] = []
        try:
            for item in items:
                slots.append(self.prepare(item))
                if len(slots) == size:
                    yield self.window(slots)
                    slots = []
        except Exception:
            if slots:
                yield self.window(slots)
            raise
        if slots:
            yield self.window(slots)

    def task(self, window: Window, options: BatchOptions | None = None, *, stage: bool = False) -> WindowTask | None:
        """What a worker needs to run ``window`` (``options``: this run's, with the worker's share of cores);
        ``None`` when nothing needs to run (every article failed on the client, or ``--resume`` skips it)."""
        runnable = window.runnable()
        if window.skip or not runnable:
            return None
        articles = tuple(ArticleRef(s.item, s.output, s.complete) for s in runnable)
        output_dir = self.folder.root if self.folder is not None else None
        return WindowTask(articles, options or self.options, self.sign, output_dir, stage)

    # finishing ----------------------------------------------------------
    def finish(self, window: Window, done: Sequence[Done] | BaseException | None, where: str = "worker") -> None:
        """Write or commit, emit and count every article of a finished window, in order.

        ``done``: the worker's results (one per runnable slot), the error that lost the whole
        window (each article becomes an error record naming it), or ``None`` for a window that
        did not run (see :meth:`task`).
        """
        results = iter(done) if isinstance(done, Sequence) else None
        for slot in window.slots:
            if slot.failure is not None:
                self._emit(slot, Done("failed", slot.failure))
            elif window.skip or done is None:
                self._emit(slot, Done("resumed"))
            elif results is None:
                error = done
                name = type(error).__name__
                message = f"{slot.item.id}: the {where} failed ({name}: {error})"
                self._emit(slot, Done("failed", Failure(1, name, message)))
            else:
                self._emit(slot, next(results))

    def _emit(self, slot: Slot, done: Done) -> None:
        """Keep the article's output, emit its line, count it, tell the observer.

        A file written is a file counted: SIGINT/SIGTERM wait until the write (or the rename
        of a staged file), the line and the count are all done.
        """
        item = slot.item
        self.report.flagged += done.flagged
        notes = self._new_notes(done.notes)
        with signals_deferred():
            if done.status == "ok" and done.line is not None:  # JSON Lines: the worker wrote the record
                result, line = ArticleResult(item.id, "ok", notes=notes), done.line
            else:
                result, fields = self._settle(slot, done, notes)
                passed = item.extra if self.folder is None or result.status == "failed" else {}
                record = {"id": item.id, **passed, **fields}
                line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
            self.emit(line)
            self.report.count(result.status)
        if self.observe is not None:
            self.observe(result, self.report)

    def _settle(self, slot: Slot, done: Done, notes: tuple[str, ...]) -> tuple[ArticleResult, dict[str, Any]]:
        """The article's result and the fields of its line, its output kept where it has one."""
        item = slot.item
        if done.status == "resumed":
            self._sweep(slot)
            return ArticleResult(item.id, "resumed", output=slot.output), {"output": slot.output, "resumed": True}
        failure: Failure | None = self._keep(slot, done) if done.status == "ok" else done.failure
        if done.status == "failed" and failure is None:
            failure = Failure(1, "RuntimeError", f"{item.id}: no result (a bug: please report it)")
        if failure is None:
            return ArticleResult(item.id, "ok", output=slot.output, notes=notes), {"output": slot.output}
        return ArticleResult(item.id, "failed", failure=failure, notes=notes), {"error": failure.to_dict()}

    def _keep(self, slot: Slot, done: Done) -> Failure | None:
        """Write the text a local worker rendered, or rename the file a Dask worker staged."""
        if self.folder is None or slot.output is None or (done.text is None and done.staged is None):
            return Failure(1, "RuntimeError", f"{slot.item.id}: no output came back (a bug: please report it)")
        try:
            if done.staged is not None:
                self.folder.commit(done.staged, slot.output)
            else:
                assert done.text is not None
                self.folder.write_text(slot.output, done.text)
        except OutputError as error:
            return Failure.of(error)
        return None

    def _new_notes(self, notes: Sequence[str]) -> tuple[str, ...]:
        fresh = tuple(n for n in dict.fromkeys(notes) if n not in self.notes)
        self.notes.update(fresh)
        self.report.notes.extend(fresh)
        return fresh

    def _sweep(self, slot: Slot) -> None:
        if self.folder is not None and slot.output is not None:
            self.folder.sweep(slot.output)

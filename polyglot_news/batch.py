"""Many articles at once: a folder, paths or JSON Lines in; files or JSON Lines out; resumable.

Stages: a reader thread lists or streams the inputs into a bounded queue; worker processes
read, decode and summarize them (parse, segment, detect, summarize); the main process
translates *windows* of consecutive articles with one engine call per route and writes every
result in input order. Window boundaries depend only on an article's position in the input,
so the output is the same whatever ``workers`` is, and a resumed run recomputes a partly
written window whole: its translations see the same batch as in a clean run.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Literal

from . import __version__, render
from .document import Digest, Summary
from .errors import EXIT_PARTIAL, InputError, OutputError, PolyglotNewsError
from .io import MAX_BYTES, decode, to_json, write_atomic
from .pipeline import assemble_digest, cited_references, summarize_article
from .summarize import DEFAULT_METHOD, METHODS
from .translation import Outcome, TranslationRequest, check_language_code, translate_summaries

FORMATS: dict[str, str] = {"json": ".json", "text": ".txt", "markdown": ".md"}
"""Output formats of ``--output-dir`` and the extension of their files."""

DEFAULT_CHUNK = 32
"""Articles per translation window (one engine call per route covers a window)."""

MAX_LINE_BYTES = 2 * MAX_BYTES
"""Longest JSON Lines input line: an article at the size cap plus JSON escapes and other fields."""

Status = Literal["ok", "failed", "resumed"]


@dataclass(frozen=True)
class Failure:
    """Why one article produced no output: the exit code its error carries, its type, a message."""

    code: int
    type: str
    message: str

    @classmethod
    def of(cls, error: BaseException) -> Failure:
        if isinstance(error, PolyglotNewsError):
            code = error.exit_code
        else:
            code = 2 if isinstance(error, ValueError) else 1
        return cls(code, type(error).__name__, str(error))

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "type": self.type, "message": self.message}


@dataclass(frozen=True)
class Item:
    """One input article: its id, the fields passed through, and a file or the text itself.

    ``failure`` is set when the input was already unusable when read (a bad JSON line).
    """

    id: str | int
    extra: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    text: str | None = None
    failure: Failure | None = None


@dataclass(frozen=True)
class BatchOptions:
    """What shapes every output: summary settings, the translation request, the file format."""

    method: str = DEFAULT_METHOD
    sentences: int | None = None
    ratio: float | None = None
    source_lang: str | None = None
    translation: TranslationRequest | None = None
    fmt: str = "json"
    strict: bool = False
    """With translation: an article with a flagged sentence fails instead of being written."""

    def __post_init__(self) -> None:
        if self.fmt not in FORMATS:
            raise ValueError(f"unknown format {self.fmt!r}: choose from {', '.join(FORMATS)}")
        if self.method not in METHODS:
            raise ValueError(f"unknown summary method {self.method!r}; choose one of: {', '.join(sorted(METHODS))}")
        if self.sentences is not None and self.ratio is not None:
            raise ValueError("use --sentences or --ratio, not both")
        if self.source_lang is not None:
            object.__setattr__(self, "source_lang", check_language_code(self.source_lang, "--source-lang"))

    def signature(self) -> str:
        """A short hash of everything that changes an output file, installed models included.

        Resume compares it with the one stored in each output (``batch.options``).
        """
        shape: dict[str, Any] = {
            "v": __version__,
            "method": self.method,
            "sentences": self.sentences,
            "ratio": self.ratio,
            "source_lang": self.source_lang,
            "format": self.fmt,
            "strict": self.strict,
        }
        if self.translation is not None:
            from .models import list_packages

            request = self.translation
            shape["translation"] = {
                "targets": list(request.targets) if request.targets is not None else None,
                "parts": list(request.parts),
                "decode": request.options.signature(),
                "glossary": request.glossary.signature() if request.glossary is not None else None,
                "models": sorted([p.name, p.pair, p.version] for p in list_packages(request.models)),
            }
        canonical = json.dumps(shape, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class ArticleResult:
    """What happened to one article, for progress and messages (the data went to ``emit``)."""

    id: str | int
    status: Status
    failure: Failure | None = None
    output: str | None = None
    notes: tuple[str, ...] = ()
    """Translation notes not seen before in this run (each distinct note is reported once)."""


@dataclass
class Report:
    """Counts of a run; ``exit_code`` is 0 when every article succeeded, else 7 (partial)."""

    ok: int = 0
    failed: int = 0
    resumed: int = 0
    flagged: int = 0
    """Articles with a translated sentence the guard flagged (``translations.LANG.flags``)."""
    notes: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.ok + self.failed + self.resumed

    @property
    def exit_code(self) -> int:
        return EXIT_PARTIAL if self.failed else 0


# ---------------------------------------------------------------- inputs


def iter_paths(paths: Sequence[str | Path], glob: str = "*.txt") -> list[Item]:
    """Articles from files and folders, in argument order; each folder's files sorted.

    A folder is searched recursively for files whose name (or, for a pattern with ``/``, whose
    path relative to the folder) matches ``glob``; hidden files and folders are skipped. Ids:
    the path relative to its folder, or a file argument's path as given. Missing paths become
    articles that fail with "no such file".
    """
    items: list[Item] = []
    for given in paths:
        root = Path(given)
        if root.is_dir():
            items += [Item(rel, path=root / rel) for rel in _walk(root, glob)]
        else:
            items.append(Item(root.as_posix(), path=root))
    return items


def _walk(root: Path, glob: str) -> list[str]:
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel_folder = Path(folder).relative_to(root)
        for name in files:
            rel = (rel_folder / name).as_posix()
            if not name.startswith(".") and fnmatch(rel if "/" in glob else name, glob):
                found.append(rel)
    return sorted(found)


def iter_jsonl(stream: BinaryIO, *, max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[Item]:
    """Articles from JSON Lines, one ``{"id": ..., "text": ...}`` object a line, read lazily.

    Fields other than ``id`` and ``text`` pass through to the output record. A missing ``id``
    becomes the 1-based line number; blank lines are skipped. A line that is too long, not
    UTF-8, not a JSON object, or without a ``text`` string becomes a failing article.
    """
    lineno = 0
    while True:
        line = stream.readline(max_line_bytes + 1)
        if not line:
            return
        lineno += 1
        if len(line) > max_line_bytes and not line.endswith(b"\n"):
            while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield _bad_line(lineno, f"line {lineno}: longer than the {max_line_bytes:,}-byte limit")
            continue
        if not line.strip():
            continue
        yield _parse_line(line, lineno)


def _bad_line(lineno: int, message: str) -> Item:
    return Item(lineno, failure=Failure(InputError.exit_code, "InputError", message))


def _parse_line(line: bytes, lineno: int) -> Item:
    try:
        obj = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return _bad_line(lineno, f"line {lineno}: invalid UTF-8 at byte offset {exc.start} of the line")
    except json.JSONDecodeError as exc:
        return _bad_line(lineno, f"line {lineno}: not JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(obj, dict):
        return _bad_line(lineno, f"line {lineno}: expected a JSON object with an \"id\" and a \"text\"")
    ident = obj.get("id", lineno)
    if isinstance(ident, bool) or not isinstance(ident, (str, int)) or ident == "":
        return _bad_line(lineno, f"line {lineno}: \"id\" must be a non-empty string or an integer")
    extra = {k: v for k, v in obj.items() if k not in ("id", "text")}
    text = obj.get("text")
    if not isinstance(text, str):
        failure = Failure(InputError.exit_code, "InputError", f"{ident}: no \"text\" string on line {lineno}")
        return Item(ident, extra, failure=failure)
    return Item(ident, extra, text=text)


def parse_shard(spec: str) -> tuple[int, int]:
    """``"K/N"`` → ``(K, N)``: this run takes the K-th of every N articles (1 <= K <= N)."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", spec)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ValueError(f"--shard takes K/N with 1 <= K <= N, e.g. 2/4, not {spec!r}")
    return int(match[1]), int(match[2])


def select_shard(items: Iterable[Item], k: int, n: int) -> Iterator[Item]:
    """Articles number k, k+N, k+2N, … (1-based, in input order): shards 1/N … N/N partition the input."""
    for position, item in enumerate(items):
        if position % n == k - 1:
            yield item


# ---------------------------------------------------------------- outputs


def output_name(item: Item, fmt: str) -> str:
    """The output file of an article, relative to the output folder.

    A file keeps its relative path with the format's extension (``a/b.txt`` → ``a/b.json``);
    a JSON Lines id gets the extension appended (``2024/story.v2`` → ``2024/story.v2.json``).
    ``..``, ``.`` and leading ``/`` are dropped so that no id writes outside the folder.

    Raises:
        InputError: the id names no usable file.
    """
    raw = str(item.id).replace("\\", "/")
    parts = [p for p in raw.split("/") if p not in ("", ".", "..")]
    if not parts or "\x00" in raw:
        raise InputError(f"{item.id}: this id cannot name an output file")
    rel = PurePosixPath(*parts)
    ext = FORMATS[fmt]
    return (rel.with_suffix(ext) if item.path is not None else rel.with_name(rel.name + ext)).as_posix()


def stamp(fmt: str, item_id: str | int, options: str) -> str:
    """The trailer line that names the article and the options in a text or Markdown output."""
    who = json.dumps(item_id, ensure_ascii=False)
    if fmt == "markdown":
        return f"<!-- polyglot-news batch: id={who} options={options} -->\n"
    return f"[polyglot-news batch: id={who} options={options}]\n"


def is_complete(path: Path, item_id: str | int, fmt: str, options: str) -> bool:
    """True if ``path`` is this article's output, written with the same options signature."""
    try:
        data = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if fmt != "json":
        return data.endswith("\n" + stamp(fmt, item_id, options))
    try:
        record = json.loads(data)
    except json.JSONDecodeError:
        return False
    return (
        isinstance(record, dict)
        and record.get("id") == item_id
        and record.get("batch") == {"options": options}
        and "digest" in record
    )


def render_output(record: dict[str, Any], digest: Digest, fmt: str, options: str) -> str:
    """An output file's text: the JSON record, or the rendered digest with its stamp line."""
    if fmt == "json":
        return to_json(record)
    return render.digest(digest, fmt) + "\n" + stamp(fmt, record["id"], options)


class _TempSweeper:
    """Removes temp files that a killed run left beside outputs this run owns.

    Each folder is listed once; only temps of our own targets are removed, so runs on other
    shards writing into the same folder are never disturbed.
    """

    _TEMP = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp$")

    def __init__(self) -> None:
        self._seen: dict[Path, dict[str, list[Path]]] = {}

    def sweep(self, target: Path) -> None:
        folder = target.parent
        if folder not in self._seen:
            temps: dict[str, list[Path]] = {}
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        match = self._TEMP.match(entry.name)
                        if match:
                            temps.setdefault(match["name"], []).append(Path(entry.path))
            except OSError:
                pass
            self._seen[folder] = temps
        for temp in self._seen[folder].pop(target.name, []):
            temp.unlink(missing_ok=True)


# ---------------------------------------------------------------- workers


@dataclass(frozen=True)
class _Task:
    name: str
    path: str | None
    text: str | None
    method: str
    sentences: int | None
    ratio: float | None
    source_lang: str | None


def _load(task: _Task) -> str:
    if task.path is None:
        try:
            data = (task.text or "").encode("utf-8")
        except UnicodeEncodeError:
            raise InputError(f"{task.name}: the text holds a lone surrogate, not Unicode text") from None
    else:
        try:
            with open(task.path, "rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except IsADirectoryError:
            raise InputError(f"{task.name}: is a directory, not a text file") from None
        except FileNotFoundError:
            raise InputError(f"{task.name}: no such file") from None
        except OSError as exc:
            raise InputError(f"{task.name}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise InputError(f"{task.name}: input is larger than the {MAX_BYTES:,}-byte limit")
    return decode(data, task.name)


def _summarize(task: _Task) -> Summary | Failure:
    """Read and summarize one article; any failure becomes a :class:`Failure`, never a crash."""
    try:
        text = _load(task)
        return summarize_article(
            text, source_lang=task.source_lang, method=task.method, sentences=task.sentences, ratio=task.ratio
        )
    except Exception as error:  # one article's failure, whatever it is, must not stop the others
        return Failure.of(error)


def _init_worker() -> None:
    # Ctrl-C reaches the whole process group: the main process decides, workers just finish.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:  # load the detector's and summarizer's lazy imports and data before the first article
        summarize_article("The worker warms up before its first article. It loads every model it needs.")
    except Exception:  # noqa: S110 - warming up is optional
        pass


class _InProcess(Executor):
    """``--workers 1``: run each task at once in this process."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def _pool(workers: int) -> Executor:
    if workers <= 1:
        return _InProcess()
    import multiprocessing

    # forkserver: workers never inherit the main process's threads (reader, CTranslate2).
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method), initializer=_init_worker)


def default_workers() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# ---------------------------------------------------------------- the run


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
) -> Report:
    """Digest every article; write one output each, or emit one JSON Lines record each, in input order.

    Without ``output_dir`` each record (``{"id", ...passed-through fields, "digest", "batch"}``
    or ``{"id", ..., "error"}``) goes to ``emit`` as one line. With it, outputs are written
    atomically under ``output_dir`` and ``emit`` gets a short line per article (``output`` or
    ``error``). A failing article never stops the run.

    Raises:
        ValueError: ``resume`` without ``output_dir``, or ``workers``/``chunk`` below 1.
        ModelError: the model store cannot be read (when translating).
    """
    if resume and output_dir is None:
        raise ValueError("--resume needs --output-dir")
    if workers < 1 or chunk < 1:
        raise ValueError("workers and chunk must be at least 1")
    translating = options.translation is not None
    window = chunk if translating else 1
    sign = options.signature()
    report = Report()
    run = _Run(options, sign, output_dir, resume, emit, observe, report)
    stop = threading.Event()
    windows: queue.Queue[Any] = queue.Queue(maxsize=max(2, 8 // window))
    reader = threading.Thread(
        target=_read_windows, args=(items, window, run, windows, stop), name="batch-reader", daemon=True
    )
    max_in_flight = max(2 * window, 4 * workers)
    executor = _pool(workers)
    reader.start()
    try:
        pending: deque[_Window] = deque()
        in_flight = 0
        eof = False
        while True:
            while not eof and in_flight < max_in_flight:
                try:
                    got = windows.get(timeout=0.05 if pending else None)
                except queue.Empty:
                    break
                if got is _EOF:
                    eof = True
                    break
                if isinstance(got, BaseException):
                    raise got
                executor = run.submit(got, executor, workers)
                in_flight += len(got.slots)
                pending.append(got)
            while pending and pending[0].ready():
                done = pending.popleft()
                in_flight -= len(done.slots)
                run.finish(done)
            if eof and not pending:
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

    try:
        slots: list[_Slot] = []
        for item in items:
            slots.append(run.prepare(item))
            if len(slots) == size:
                if not put(run.window(slots)):
                    return
                slots = []
        if slots and not put(run.window(slots)):
            return
        put(_EOF)
    except Exception as error:  # reported by the main thread as the run's own failure
        put(InputError(f"cannot read the input: {error}") if isinstance(error, OSError) else error)


class _Run:
    """State shared by the reader thread (prepare/window) and the main thread (submit/finish)."""

    def __init__(
        self,
        options: BatchOptions,
        sign: str,
        output_dir: Path | None,
        resume: bool,
        emit: Callable[[str], None],
        observe: Callable[[ArticleResult, Report], None] | None,
        report: Report,
    ) -> None:
        self.options = options
        self.sign = sign
        self.output_dir = output_dir
        self.resume = resume
        self.emit = emit
        self.observe = observe
        self.report = report
        self.claimed: dict[str, str | int] = {}
        self.sweeper = _TempSweeper()
        self.notes: set[str] = set()

    # reader thread ------------------------------------------------------
    def prepare(self, item: Item) -> _Slot:
        slot = _Slot(item, failure=item.failure)
        if self.output_dir is None or slot.failure is not None:
            return slot
        try:
            name = output_name(item, self.options.fmt)
        except InputError as error:
            slot.failure = Failure.of(error)
            return slot
        target = self.output_dir / name
        if name in self.claimed:
            slot.failure = Failure(
                InputError.exit_code, "InputError", f"{item.id}: same output file {name} as {self.claimed[name]}"
            )
        elif item.path is not None and _same_file(item.path, target):
            message = f"{item.id}: the output would overwrite the input"
            slot.failure = Failure(InputError.exit_code, "InputError", message)
        else:
            self.claimed[name] = item.id
            slot.output = name
            slot.complete = self.resume and is_complete(target, item.id, self.options.fmt, self.sign)
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
            task = _Task(
                str(item.id), str(item.path) if item.path is not None else None, item.text,
                o.method, o.sentences, o.ratio, o.source_lang,
            )
            try:
                slot.future = executor.submit(_summarize, task)
            except BrokenProcessPool:
                executor.shutdown(wait=False)
                executor = _pool(workers)
                slot.future = executor.submit(_summarize, task)
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
        references = [cited_references(s.summary, s.article.references) for s in summaries]
        try:
            done: list[Outcome | Failure] = list(translate_summaries(summaries, references, request))
        except Exception:  # isolate the culprit: translate the window's articles one by one
            done = []
            for summary, refs in zip(summaries, references, strict=True):
                try:
                    done.append(translate_summaries([summary], [refs], request)[0])
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
            flagged = sorted(lang for lang, t in digest.translations.items() if t.get("flags"))
            self.report.flagged += bool(flagged)
            if self.options.strict and flagged and not digest.errors:
                message = f"{item.id}: flagged translation into {', '.join(flagged)} and --strict is on"
                failure = Failure(EXIT_PARTIAL, "FlaggedTranslation", message)
            elif digest.errors:
                worst = max(digest.errors, key=lambda e: getattr(e, "exit_code", 1))
                failure = Failure(
                    getattr(worst, "exit_code", 1), type(worst).__name__,
                    f"{item.id}: " + "; ".join(str(e) for e in digest.errors),
                )
            elif self.output_dir is None or slot.output is None:
                record = {"digest": digest.to_dict(), "batch": {"options": self.sign}}
                self._done(item, ArticleResult(item.id, "ok", notes=notes), record)
                return
            else:
                failure = self._write(slot, digest)
                if failure is None:
                    result_ok = ArticleResult(item.id, "ok", output=slot.output, notes=notes)
                    self._done(item, result_ok, {"output": slot.output})
                    return
        failure = failure or Failure(1, "RuntimeError", f"{item.id}: no result (a bug: please report it)")
        self._done(item, ArticleResult(item.id, "failed", failure=failure, notes=notes), {"error": failure.to_dict()})

    def _write(self, slot: _Slot, digest: Digest) -> Failure | None:
        assert self.output_dir is not None and slot.output is not None
        item = slot.item
        record = {"id": item.id, **item.extra, "digest": digest.to_dict(), "batch": {"options": self.sign}}
        target = self.output_dir / slot.output
        text = render_output(record, digest, self.options.fmt, self.sign)
        try:
            with _signals_deferred():
                self._sweep(slot)
                _mkdir(target.parent)
                write_atomic(target, text)
        except OutputError as error:
            return Failure.of(error)
        return None

    def _done(self, item: Item, result: ArticleResult, fields: dict[str, Any]) -> None:
        """Emit the article's line, count it, tell the observer."""
        line: dict[str, Any] = {"id": item.id}
        if self.output_dir is None or result.status == "failed":
            line.update(item.extra)
        line.update(fields)
        self.emit(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
        if result.status == "ok":
            self.report.ok += 1
        elif result.status == "failed":
            self.report.failed += 1
        else:
            self.report.resumed += 1
        if self.observe is not None:
            self.observe(result, self.report)

    def _new_notes(self, notes: Sequence[str]) -> tuple[str, ...]:
        fresh = tuple(n for n in dict.fromkeys(notes) if n not in self.notes)
        self.notes.update(fresh)
        self.report.notes.extend(fresh)
        return fresh

    def _sweep(self, slot: _Slot) -> None:
        if self.output_dir is not None and slot.output is not None:
            self.sweeper.sweep(self.output_dir / slot.output)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while a file is written, so no temp file is left behind.

    Python runs signal handlers in the main thread whichever thread the signal hit, so the
    handlers themselves are swapped (main thread only); a signal that arrives meanwhile is
    re-raised right after the write.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda signum, frame: caught.append(signum)) for sig in held}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for signum in dict.fromkeys(caught):
            signal.raise_signal(signum)


def _same_file(source: Path, target: Path) -> bool:
    try:
        return source.resolve() == target.resolve()
    except OSError:
        return False


def _mkdir(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create the folder ({exc.strerror or exc})") from None

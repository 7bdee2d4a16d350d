"""``polyglot-news batch``: digest a folder, a list of files or a JSON Lines stream."""

from __future__ import annotations

import io
import signal
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from polyglot_news.cli import streams
from polyglot_news.cli.options import (
    INPUT_FORMAT_HELP,
    detector_option,
    report_library_errors,
    summary_options,
    summary_request,
    target_options,
    translation_options,
    translation_request,
)
from polyglot_news.errors import InputError
from polyglot_news.readers.sources import INPUT_FORMATS
from polyglot_news.render import FORMATS

if TYPE_CHECKING:
    from polyglot_news import batch as B

EXIT_INTERRUPTED = streams.EXIT_INTERRUPTED
EXIT_TERMINATED = streams.EXIT_TERMINATED
EXIT_BROKEN_PIPE = streams.EXIT_BROKEN_PIPE
MAX_NOTES = 5
"""Distinct notes shown without --verbose (each article's flag counts make many distinct ones)."""


def progress_line(done: int, total: int | None, failed: int, rate: float) -> str:
    """One progress line: count, failures, rate (articles a second) and, when the total is known, the ETA."""
    parts = [f"{done}/{total} articles" if total is not None else f"{done} articles"]
    if failed:
        parts.append(f"{failed} failed")
    parts.append(f"{rate:.1f}/s")
    if total is not None:
        if rate > 0:
            left = int(round((total - done) / rate))
            parts.append(f"ETA {left // 3600}:{left % 3600 // 60:02d}:{left % 60:02d}")
        else:
            parts.append("ETA --:--:--")
    return " · ".join(parts)


class RateMeter:
    """Articles a second over the last :attr:`span` seconds, from samples of the running count.

    Articles finish in bursts (a translation window at a time) and the first ones wait for the
    models to load: a rate over a sliding span follows the run's real pace, where the average
    since the start would be skewed by the start for the whole run.
    """

    span = 30.0

    def __init__(self, start: float) -> None:
        self.samples: deque[tuple[float, int]] = deque([(start, 0)])

    def add(self, now: float, done: int) -> None:
        self.samples.append((now, done))
        while len(self.samples) > 2 and self.samples[1][0] <= now - self.span:
            self.samples.popleft()

    def rate(self) -> float:
        (t0, d0), (t1, d1) = self.samples[0], self.samples[-1]
        return (d1 - d0) / (t1 - t0) if t1 > t0 else 0.0


class _Progress:
    """A progress line on a terminal, redrawn in place twice a second whether or not an article finished."""

    interval = 0.5

    def __init__(self, stream: TextIO, total: int | None, enabled: bool) -> None:
        self.stream = stream
        self.total = total
        self.enabled = enabled
        self.meter = RateMeter(time.monotonic())
        self.counts = (0, 0)
        self.width = 0
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.ticker = threading.Thread(target=self._tick, name="batch-progress", daemon=True)

    def __enter__(self) -> _Progress:
        if self.enabled:
            self.ticker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        if self.ticker.is_alive():
            self.ticker.join()
        self.clear()

    def update(self, done: int, failed: int) -> None:
        """The counts to show at the next redraw."""
        self.counts = (done, failed)

    def _tick(self) -> None:
        while not self.stopped.wait(self.interval):
            self.draw()

    def draw(self) -> None:
        with self.lock:
            done, failed = self.counts
            self.meter.add(time.monotonic(), done)
            line = progress_line(done, self.total, failed, self.meter.rate())
            self.stream.write("\r" + line.ljust(self.width))
            self.stream.flush()
            self.width = len(line)

    def clear(self) -> None:
        with self.lock:
            if self.enabled and self.width:
                self.stream.write("\r" + " " * self.width + "\r")
                self.stream.flush()
                self.width = 0

    def say(self, text: str) -> None:
        """Print lines above the progress line."""
        self.clear()
        with self.lock:
            click.echo(text, err=True)


@click.command("batch")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--glob", default="*.txt", show_default=True, help="File pattern inside folders (searched recursively).")
@click.option(
    "--input-format", type=click.Choice(INPUT_FORMATS), default="auto", show_default=True,
    help=INPUT_FORMAT_HELP.replace("INPUT", "each file (or JSON Lines text)").replace(" (batch only)", "")
    + " A feed gives one article per item; standard input is a feed when its first bytes say so.",
)
@click.option(
    "-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
    help="Write one file per article under DIR (same relative path) instead of JSON Lines on stdout.",
)
@click.option(
    "--format", "fmt", type=click.Choice(tuple(FORMATS)), default="json", show_default=True,
    help="Format of the files in --output-dir (standard output is always JSON Lines).",
)
@click.option("--resume", is_flag=True, help="Skip articles whose output in DIR exists with the same options.")
@click.option(
    "-j", "--workers", type=click.IntRange(min=1), metavar="N",
    help="Worker processes that read, summarize and translate, a window at a time [default: the cores]; 1 runs "
    "in this process. Each holds its own copy of the models. Capped at the cores and at the number of "
    "articles: more only cost memory.",
)
@click.option(
    "--chunk", type=click.IntRange(min=1), default=32, show_default=True, metavar="N",
    help="Articles translated together (one engine call per route); 1 for a live feed.",
)
@click.option(
    "--follow-symlinks", is_flag=True,
    help="In folders, also read links to files or folders outside the folder (skipped by default).",
)
@click.option("--shard", metavar="K/N", help="Take only articles K, K+N, K+2N, … (1-based) of the input.")
@click.option(
    "--dask", "dask_scheduler", metavar="SCHEDULER",
    help="Run the windows on a Dask cluster: its scheduler address (tcp://host:8786), or local:N for N "
    "worker processes here. Same outputs; --output-dir must be a folder every worker can write. "
    "Needs the dask extra (in a checkout: pip install -e '.[dask]').",
)
@summary_options
@detector_option
@target_options
@translation_options
@click.option("-q", "--quiet", is_flag=True, help="Nothing on stderr but an error that stops the run.")
@click.option("-v", "--verbose", is_flag=True, help="Also report every failed article on stderr.")
@report_library_errors
def batch(
    paths: tuple[str, ...], glob: str, input_format: str, output_dir: Path | None, fmt: str, resume: bool,
    workers: int | None, chunk: int, follow_symlinks: bool, shard: str | None, dask_scheduler: str | None,
    method: str, sentences: int | None, ratio: float | None, source_lang: str | None, detector: str,
    targets: str | None, parts: str,
    models: Path | None, model: str | None, beam_size: int, max_length: int, compute_type: str,
    batch_tokens: int | None, guard: str, glossary: Path | None, strict: bool, quiet: bool, verbose: bool,
) -> None:
    """Digest many articles: the files of folders (recursively, --glob), several files, or
    JSON Lines on standard input ('-' or no PATH), one {"id": ..., "text": ...} object a line.
    Web pages and Word files are read as digest reads them; a feed (RSS, Atom, JSON Feed; a
    file, or standard input) gives one article per item, its id the item's guid or link and
    its link, published and author passed through like JSON Lines fields.

    \b
    Output: JSON Lines on standard output, one record per article in input order
    ({"id", ...other input fields, "digest", "batch"}), or with --output-dir one file per
    article, written atomically, and one {"id", "output"} line per article on stdout.
    A failing article gives {"id", "error": {"code", "type", "message"}} and the run goes on;
    so does a JSON Lines line that cannot be read (id = its line number). Non-finite numbers
    (NaN, Infinity) are not JSON: such a line is an error record too.

    \b
    In folders only regular files are read: FIFOs, devices and links leading out of the
    folder (unless --follow-symlinks) are skipped with a note.

    \b
    Examples:
      polyglot-news batch feed/ --output-dir digests/ --to ru,be
      polyglot-news batch feed/ -o digests/ --resume          # after an interruption
      cat feed.jsonl | polyglot-news batch --to ru > digests.jsonl
      polyglot-news batch feeds/ --glob '*.xml' --to none > items.jsonl
      polyglot-news batch feed/ -o /shared/digests/ --dask tcp://scheduler:8786

    \b
    Exit codes: 0 every article ok, 7 some failed (their error records say why), or the
    code of the error that stopped the run (2 usage, 3 input/output, 5 models); 130/143
    when interrupted (SIGINT/SIGTERM): rerun with --resume.
    """
    from polyglot_news import batch as B  # noqa: F811 - imported late: `--help` stays light
    from polyglot_news.batch.inputs import expand_feeds, parse_shard, scan_paths, select_shard
    from polyglot_news.batch.workers import default_workers

    if quiet and verbose:
        raise click.UsageError("use --quiet or --verbose, not both")
    if output_dir is None and fmt != "json":
        raise click.UsageError(f"--format {fmt} needs --output-dir (standard output is JSON Lines)")
    if resume and output_dir is None:
        raise click.UsageError("--resume needs --output-dir")
    if "-" in paths and len(paths) > 1:
        raise click.UsageError("read either standard input ('-') or paths, not both")
    summary = summary_request(method, sentences, ratio, source_lang, detector)
    request = translation_request(
        targets, parts, models, beam_size, max_length, compute_type, glossary, model, batch_tokens, guard
    )
    options = B.BatchOptions(summary=summary, translation=request, fmt=fmt, strict=strict)
    from_stdin = not paths or paths == ("-",)
    if output_dir is not None and not from_stdin:
        _check_output_dir(output_dir, paths)

    total: int | None = None
    if from_stdin:
        if streams.stdin_closed():
            raise InputError("<stdin>: standard input is closed")
        stdin = sys.stdin.buffer
        if stdin.isatty() and not quiet:
            click.echo("Reading JSON Lines from standard input (end with Ctrl-D)…", err=True)
        items: Any = _stdin_items(stdin, input_format)
    else:
        scan = scan_paths(paths, glob, follow_symlinks=follow_symlinks)
        items = list(expand_feeds(scan.items, input_format))
        total = len(items)
        if not quiet:
            for note in scan.notes():
                click.echo(f"Note: {note}", err=True)
        if not items and not quiet:
            click.echo(f"Note: no input articles (no file matches --glob {glob!r})", err=True)
    if shard is not None:
        k, n = parse_shard(shard)
        items = select_shard(items, k, n)
        total = None if total is None else len(range(k - 1, total, n))

    err = sys.stderr
    progress = _Progress(err, total, enabled=not quiet and err.isatty())
    cores = default_workers()
    wanted = workers or cores
    useful = max(1, min(wanted, cores, total if total is not None else wanted))
    if workers is not None and useful < workers and not quiet:
        click.echo(f"Note: --workers {workers} capped at {useful} (cores: {cores}, articles: {total})", err=True)

    def emit(line: str) -> None:
        streams.write_stdout(line.encode("utf-8"))

    def observe(result: B.ArticleResult, report: B.Report) -> None:
        messages: list[str] = []
        if result.notes and not quiet:
            shown = len(report.notes) - len(result.notes)
            for note in result.notes:
                if verbose or shown < MAX_NOTES:
                    messages.append(f"Note: {note}")
                elif shown == MAX_NOTES:
                    messages.append("Note: more notes follow; --verbose shows them")
                shown += 1
        if verbose and result.failure is not None:
            message = result.failure.message
            named = message if message.startswith(f"{result.id}: ") else f"{result.id}: {message}"
            messages.append(f"Error: {named}")
        if messages:
            progress.say("\n".join(messages))
        progress.update(report.done, report.failed)

    report: B.Report = B.Report()
    start = time.monotonic()
    previous = signal.signal(signal.SIGTERM, streams.on_sigterm)
    code = 0
    try:
        with progress:
            report = B.run_batch(  # the same object, updated as it goes: counts survive an interruption
                items, options, emit=emit, output_dir=output_dir, workers=useful,
                chunk=chunk, resume=resume, observe=observe, dask=dask_scheduler, report=report,
            )
        code = report.exit_code
    except BrokenPipeError:  # stdout closed early (`| head`): stop quietly
        streams.abandon_stdout()
        code = EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    except streams.Terminated:
        code = EXIT_TERMINATED
    finally:
        signal.signal(signal.SIGTERM, previous)
        progress.clear()
    if not quiet and code != EXIT_BROKEN_PIPE:
        click.echo(_summary(report, code, time.monotonic() - start, output_dir is not None), err=True)
    if code:
        sys.exit(code)


def _summary(report: B.Report, code: int, elapsed: float, to_files: bool) -> str:
    counts = f"{report.ok} ok, {report.failed} failed"
    if report.resumed:
        counts += f", {report.resumed} already done"
    rate = report.done / elapsed if elapsed > 0 else 0.0
    if code in (EXIT_INTERRUPTED, EXIT_TERMINATED):
        hint = "; rerun with --resume to continue" if to_files else ""
        return f"batch: interrupted after {report.done} articles ({counts}){hint}"
    line = f"batch: {report.done} articles, {counts} in {elapsed:.1f} s ({rate:.1f}/s)"
    if report.flagged:
        line += f"; {report.flagged} with flagged translations (translations.LANG.flags)"
    return line + ("; error records on stdout" if report.failed else "")


class _Prefixed(io.RawIOBase):
    """A stream's first bytes, read to sniff it, then the rest of it: ``peek`` for any stream."""

    def __init__(self, head: bytes, rest: Any) -> None:
        super().__init__()
        self.head, self.rest = head, rest

    @classmethod
    def around(cls, stream: Any) -> io.BufferedReader:
        return io.BufferedReader(cls(stream.read(4096), stream), 65536)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.head:
            size = min(len(buffer), len(self.head))
            buffer[:size], self.head = self.head[:size], self.head[size:]
            return size
        data = self.rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _stdin_items(stdin: Any, input_format: str) -> Any:
    """Standard input's articles: a feed's items (when named, or sniffed), else JSON Lines."""
    from dataclasses import replace

    from polyglot_news.batch.inputs import feed_items, iter_jsonl
    from polyglot_news.readers.feeds import MAX_FEED_BYTES
    from polyglot_news.readers.sources import sniff

    if not hasattr(stdin, "peek"):  # a test runner's or a wrapper's stream: put its head back in front
        stdin = _Prefixed.around(stdin)
    head = stdin.peek(4096)[:4096]
    feed = input_format == "feed"
    if input_format == "auto" and head.lstrip()[:1] in (b"<", b"{"):
        try:
            feed = sniff(head) == "feed"
        except InputError:
            feed = False
    if feed:
        return feed_items(stdin.read(MAX_FEED_BYTES + 1), "<stdin>")
    return (replace(item, input_format=input_format) for item in iter_jsonl(stdin))


def _check_output_dir(output_dir: Path, paths: tuple[str, ...]) -> None:
    out = output_dir.resolve()
    for given in paths:
        source = Path(given)
        if source.is_dir() and (out == source.resolve() or source.resolve() in out.parents):
            raise click.UsageError(f"--output-dir {output_dir} is inside the input folder {given}; choose another")


if __name__ == "__main__":  # the same stream handling as `polyglot-news batch`
    with streams.guarded():
        batch(prog_name="polyglot-news batch")

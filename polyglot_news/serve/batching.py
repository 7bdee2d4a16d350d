"""The shared engine: one thread owns the models; concurrent requests are batched together.

Every request that needs the models becomes a job on a bounded asyncio queue. The collector
takes the first waiting job and everything queued behind it; if fewer jobs came than it
expects back (those it answered last time, plus those that queued meanwhile), it waits for
them a short while (``window_s``, or 5 % of its own recent batch time when that is longer,
at most 100 ms). Then it runs the batch on the engine thread: translation jobs with the same
source and target go through one ``translate_sentences`` call per piece of at most
``max_batch_sentences`` sentences, cut at job boundaries into a call per CTranslate2 replica
that run side by side, and each job gets back exactly its own sentences. While
the engine runs, new jobs queue up and form the next batch.

Every job has a deadline (``timeout_s`` after it was queued): its waiter is answered 503 then
(:class:`TimedOut`), and the engine stops its work at the next CTranslate2 batch (pieces of
a request whose waiters are gone are skipped; :func:`.decoding.deadline` inside a call). A
full queue answers at once (:class:`Busy`, HTTP 503 with Retry-After). A grouped call that
fails is rerun job by job, so one bad request fails alone. Detection (``source=auto``,
``/detect``) runs on a side thread, off the event loop and off the engine.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from polyglot_news.document import Sentence
from polyglot_news.errors import DeadlineError
from polyglot_news.serve.config import ServeConfig

T = TypeVar("T")
PACKAGES_TTL_S = 5.0
MAX_WAIT_S = 0.1
WAIT_SHARE = 0.05
log = logging.getLogger("polyglot_news.serve")


class Busy(Exception):
    """The queue is full: try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("the server is busy: too many requests are waiting")
        self.retry_after = retry_after


class TimedOut(Exception):
    """The request took longer than the per-request timeout."""


@dataclass
class _Job:
    future: asyncio.Future[Any]
    deadline: float
    texts: list[str] | None = None
    source: str = ""
    target: str = ""
    call: Callable[[], Any] | None = None
    dropped: bool = False
    sentences: int = 0

    def live(self) -> bool:
        """Still worth working on: its waiter is there and its time is not up (any thread may ask)."""
        return not self.dropped and time.monotonic() < self.deadline


@dataclass
class Stats:
    batches: int = 0
    jobs: int = 0
    sentences: int = 0
    largest_batch: int = 0
    reruns: int = 0
    engine_s: float = 0.0
    started: float = field(default_factory=time.monotonic)

    def to_dict(self) -> dict[str, Any]:
        return {
            "batches": self.batches,
            "jobs": self.jobs,
            "sentences": self.sentences,
            "largest_batch_sentences": self.largest_batch,
            "jobs_rerun_alone": self.reruns,
            "busy_s": round(self.engine_s, 3),
            "uptime_s": round(time.monotonic() - self.started, 1),
        }


class Engine:
    """The one owner of the models in a server process (start it inside the event loop)."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.stats = Stats()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="polyglot-engine")
        self._side = ThreadPoolExecutor(max_workers=1, thread_name_prefix="polyglot-detect")
        self._side_waiting = 0
        self._queue: asyncio.Queue[_Job] | None = None
        self._task: asyncio.Task[None] | None = None
        self._installed: list[Any] = []
        self._scanned = float("-inf")
        self._expected = 1
        self._batch_s = 0.0

    async def start(self) -> None:
        self._queue = asyncio.Queue(maxsize=self.config.queue_size)
        self._task = asyncio.create_task(self._collect())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._side.shutdown(wait=False, cancel_futures=True)

    @property
    def waiting(self) -> int:
        return self._queue.qsize() if self._queue is not None else 0

    async def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        """Each text translated (lines kept, markers in place), batched with other requests."""
        job = _Job(self._future(), self._deadline(), texts=texts, source=source, target=target)
        return list(await self._submit(job))

    async def run(self, call: Callable[[], T]) -> T:
        """Run ``call`` on the engine thread, in turn with the batches (digests, model listing).

        ``call`` runs under the request's :func:`.decoding.deadline`: its translation stops there.
        """
        result: T = await self._submit(_Job(self._future(), self._deadline(), call=call))
        return result

    async def aside(self, call: Callable[[], T]) -> T:
        """Run ``call`` on the side thread (language detection): off the event loop, not holding
        up translation; as many may wait as the queue holds, each at most the timeout."""
        if self._side_waiting >= self.config.queue_size:
            raise Busy(retry_after=self._retry_after())
        self._side_waiting += 1
        try:
            future = asyncio.get_running_loop().run_in_executor(self._side, call)
            return await asyncio.wait_for(future, self.config.timeout_s)
        except asyncio.TimeoutError:
            raise TimedOut(f"the request took longer than {self.config.timeout_s:g} s") from None
        finally:
            self._side_waiting -= 1

    def _future(self) -> asyncio.Future[Any]:
        return asyncio.get_running_loop().create_future()

    def _deadline(self) -> float:
        return time.monotonic() + self.config.timeout_s

    def _retry_after(self) -> int:
        return max(1, round(self.config.timeout_s / 10))

    async def _submit(self, job: _Job) -> Any:
        assert self._queue is not None, "Engine.start() was not called"
        try:
            self._queue.put_nowait(job)
        except asyncio.QueueFull:
            raise Busy(retry_after=self._retry_after()) from None
        try:
            return await asyncio.wait_for(asyncio.shield(job.future), max(0.0, job.deadline - time.monotonic()))
        except asyncio.TimeoutError:
            job.dropped = True
            raise TimedOut(f"the request took longer than {self.config.timeout_s:g} s") from None
        except asyncio.CancelledError:  # the client went away
            job.dropped = True
            raise

    async def _collect(self) -> None:
        assert self._queue is not None
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._queue.get()]
            size = _size(batch[0])
            wait = max(self.config.window_s, min(MAX_WAIT_S, WAIT_SHARE * self._batch_s))
            until = loop.time() + (wait if self.config.window_s > 0 else 0.0)
            while size < self.config.max_batch_sentences:
                if self._queue.empty():
                    left = until - loop.time()
                    if len(batch) >= self._expected or left <= 0:
                        break
                    try:  # let the clients answered last time come back and join this batch
                        job = await asyncio.wait_for(self._queue.get(), left)
                    except asyncio.TimeoutError:
                        break
                else:
                    job = self._queue.get_nowait()
                batch.append(job)
                size += _size(job)
            live = [job for job in batch if job.live()]
            if not live:
                continue
            started = time.monotonic()
            try:
                outcomes = await loop.run_in_executor(self._executor, self._run_batch, live)
            except Exception as exc:  # the engine thread failed as a whole: every job hears of it
                outcomes = [exc] * len(live)
            took = time.monotonic() - started
            self._batch_s = took if not self._batch_s else 0.7 * self._batch_s + 0.3 * took
            self._expected = len(live) + self._queue.qsize()
            for job, outcome in zip(live, outcomes, strict=True):
                if job.future.done():
                    continue
                if isinstance(outcome, DeadlineError):
                    job.future.set_exception(TimedOut(f"the request took longer than {self.config.timeout_s:g} s"))
                elif isinstance(outcome, BaseException):
                    job.future.set_exception(outcome)
                else:
                    job.future.set_result(outcome)

    def _packages(self) -> list[Any]:
        """The installed packages, rescanned at most every few seconds (engine thread only)."""
        from polyglot_news.models.store import list_packages

        if time.monotonic() - self._scanned > PACKAGES_TTL_S:
            self._installed = list_packages(self.config.models)
            self._scanned = time.monotonic()
        return self._installed

    def _run_batch(self, jobs: list[_Job]) -> list[Any]:
        """On the engine thread: calls one by one, translation jobs grouped by route; a failed
        group is rerun job by job, so that only the job that broke it fails."""
        started = time.monotonic()
        outcomes: list[Any] = [None] * len(jobs)
        groups: dict[tuple[str, str], list[int]] = {}
        for i, job in enumerate(jobs):
            if job.call is not None:
                outcomes[i] = _attempt(job.call, job.deadline) if job.live() else DeadlineError("gone")
            else:
                groups.setdefault((job.source, job.target), []).append(i)
        for (source, target), members in groups.items():
            group = [jobs[i] for i in members]
            done = _attempt(functools.partial(self._translate, group, source, target), max(j.deadline for j in group))
            if isinstance(done, Exception) and not isinstance(done, DeadlineError) and len(members) > 1:
                log.warning("a batch of %d requests failed (%s): each is run alone", len(members), done)
                self.stats.reruns += len(members)
                for i in members:
                    alone = _attempt(functools.partial(self._translate, [jobs[i]], source, target), jobs[i].deadline)
                    outcomes[i] = alone if isinstance(alone, Exception) else alone[0]
                continue
            for k, i in enumerate(members):
                outcomes[i] = done if isinstance(done, Exception) else done[k]
        sentences = sum(_size(job) for job in jobs)
        self.stats.batches += 1
        self.stats.jobs += len(jobs)
        self.stats.sentences += sentences
        self.stats.largest_batch = max(self.stats.largest_batch, sentences)
        self.stats.engine_s += time.monotonic() - started
        log.debug("batch of %d jobs, %d sentences", len(jobs), sentences)
        return outcomes

    def _translate(self, jobs: list[_Job], source: str, target: str) -> list[list[str]]:
        return translate_texts(
            [job.texts or [] for job in jobs], source, target, self.config, self._packages(),
            live=lambda k: jobs[k].live(),
        )


def _attempt(call: Callable[[], T], at: float) -> T | Exception:
    """``call()`` under the deadline ``at``, or the exception it raised."""
    from polyglot_news.translation.decoding import deadline

    try:
        with deadline(at):
            return call()
    except Exception as exc:
        return exc


def _size(job: _Job) -> int:
    if job.texts is None:
        return 1
    if not job.sentences:
        job.sentences = max(1, sum(text.count(".") + text.count("\n") + 1 for text in job.texts))
    return job.sentences


def split_text(text: str, language: str) -> list[list[Sentence]]:
    """A text as paragraphs (its lines) of sentences; blank lines are empty paragraphs."""
    from polyglot_news.segment import split_sentences

    return [split_sentences([line.strip()], language) if line.strip() else [] for line in text.split("\n")]


def split_by_owner(indices: list[int], owner: list[int], parts: int) -> list[list[int]]:
    """``indices`` (in order) cut into at most ``parts`` runs of about equal length, never
    splitting one owner's sentences, so each request is decoded within one call.

    >>> split_by_owner([0, 1, 2, 3, 4, 5], [0, 0, 1, 1, 2, 2], 2)
    [[0, 1, 2, 3], [4, 5]]
    >>> split_by_owner([0, 1, 2], [0, 0, 0], 2)
    [[0, 1, 2]]
    """
    runs: list[list[int]] = []
    target = max(1, -(-len(indices) // max(1, parts)))  # ceiling: the first runs take the extra
    for i in indices:
        if runs and (len(runs[-1]) < target or owner[runs[-1][-1]] == owner[i] or len(runs) == parts):
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def translate_texts(
    groups: list[list[str]], source: str, target: str, config: ServeConfig, packages: list[Any] | None = None,
    *, live: Callable[[int], bool] | None = None,
) -> list[list[str]]:
    """Every text of every group translated together; each group gets back its own texts.

    The sentences go to the engine in pieces of at most ``config.max_batch_sentences``; a piece
    is one ``translate`` call per replica (``inter_threads``), cut between groups
    (:func:`split_by_owner`), the calls side by side; a lone smaller request is one call.
    Before each piece, the sentences of groups for which ``live(g)`` is false are left out:
    their results are not used.
    This is the engine path of ``translate_sentences`` (route, CTranslate2 batch, markers
    placed, guard) without its output-language check: LibreTranslate's answer has no place for
    flags, and that check (langdetect on every output sentence) would cost more than the
    translation.
    """
    from polyglot_news.models.store import list_packages
    from polyglot_news.translation.engine import build_translator
    from polyglot_news.translation.routing import find_route

    split = [[split_text(text, source) for text in texts] for texts in groups]
    flat: list[Sentence] = []
    owner: list[int] = []
    for g, texts in enumerate(split):
        for paragraphs in texts:
            for paragraph in paragraphs:
                flat.extend(paragraph)
                owner.extend([g] * len(paragraph))
    route = find_route(source, target, packages if packages is not None else list_packages(config.models))
    done = list(flat)
    if route.hops and flat:
        translator = build_translator(route, config.decoding)
        step = config.max_batch_sentences
        for start in range(0, len(flat), step):
            wanted = [i for i in range(start, min(start + step, len(flat))) if live is None or live(owner[i])]
            if not wanted:
                continue
            parts = split_by_owner(wanted, owner, config.decoding.inter_threads)
            if len(parts) == 1:
                outcomes = [translator.translate([flat[i] for i in wanted])]
            else:  # one call per replica, side by side (CTranslate2 releases the GIL while it decodes)
                with ThreadPoolExecutor(len(parts), thread_name_prefix="polyglot-news-replica") as pool:
                    calls = [
                        pool.submit(contextvars.copy_context().run, translator.translate, [flat[i] for i in part])
                        for part in parts
                    ]
                    outcomes = [call.result() for call in calls]
            for part, outcome in zip(parts, outcomes, strict=True):
                for i, t in zip(part, outcome, strict=True):
                    done[i] = t.sentence
    out = iter(done)
    return [
        ["\n".join(" ".join(next(out).text for _ in paragraph) for paragraph in paragraphs) for paragraphs in texts]
        for texts in split
    ]

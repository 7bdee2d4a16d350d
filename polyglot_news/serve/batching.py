"""The shared engine: one thread owns the models; concurrent requests are batched together.

Every request that needs the models becomes a job on a bounded asyncio queue. The collector
takes the first waiting job, keeps collecting for a short window (or until the batch is
full), then runs the batch on the engine thread: translation jobs with the same source and
target go through ONE ``translate_sentences`` call (one CTranslate2 batch per route), and
each job gets back exactly its own sentences. While the engine runs, new jobs queue up and
form the next batch. A full queue answers at once (:class:`Busy`, HTTP 503 with
Retry-After); a job that waits past the timeout is dropped before it runs (:class:`TimedOut`).
Models are loaded once per process by the translation loader's cache and reused.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from polyglot_news.document import Sentence
from polyglot_news.serve.config import ServeConfig

T = TypeVar("T")
PACKAGES_TTL_S = 5.0
log = logging.getLogger("polyglot_news.serve")


class Busy(Exception):
    """The queue is full: try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("the server is busy: too many requests are waiting")
        self.retry_after = retry_after


class TimedOut(Exception):
    """The request waited longer than the per-request timeout."""


@dataclass
class _Job:
    future: asyncio.Future[Any]
    texts: list[str] | None = None
    source: str = ""
    target: str = ""
    call: Callable[[], Any] | None = None
    dropped: bool = False
    sentences: int = 0


@dataclass
class Stats:
    batches: int = 0
    jobs: int = 0
    sentences: int = 0
    largest_batch: int = 0
    started: float = field(default_factory=time.monotonic)

    def to_dict(self) -> dict[str, Any]:
        return {
            "batches": self.batches,
            "jobs": self.jobs,
            "sentences": self.sentences,
            "largest_batch_sentences": self.largest_batch,
            "uptime_s": round(time.monotonic() - self.started, 1),
        }


class Engine:
    """The one owner of the models in a server process (start it inside the event loop)."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.stats = Stats()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="polyglot-engine")
        self._queue: asyncio.Queue[_Job] | None = None
        self._task: asyncio.Task[None] | None = None
        self._installed: list[Any] = []
        self._scanned = float("-inf")

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

    @property
    def waiting(self) -> int:
        return self._queue.qsize() if self._queue is not None else 0

    async def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        """Each text translated (lines kept, markers in place), batched with other requests."""
        return list(await self._submit(_Job(self._future(), texts=texts, source=source, target=target)))

    async def run(self, call: Callable[[], T]) -> T:
        """Run ``call`` on the engine thread, in turn with the batches (digests, model listing)."""
        result: T = await self._submit(_Job(self._future(), call=call))
        return result

    def _future(self) -> asyncio.Future[Any]:
        return asyncio.get_running_loop().create_future()

    async def _submit(self, job: _Job) -> Any:
        assert self._queue is not None, "Engine.start() was not called"
        try:
            self._queue.put_nowait(job)
        except asyncio.QueueFull:
            raise Busy(retry_after=max(1, round(self.config.timeout_s / 10))) from None
        try:
            return await asyncio.wait_for(asyncio.shield(job.future), self.config.timeout_s)
        except asyncio.TimeoutError:
            job.dropped = True
            raise TimedOut(f"the request took longer than {self.config.timeout_s:g} s") from None

    async def _collect(self) -> None:
        assert self._queue is not None
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._queue.get()]
            await asyncio.sleep(self.config.window_s)  # let concurrent requests join this batch
            size = _size(batch[0])
            while size < self.config.max_batch_sentences and not self._queue.empty():
                job = self._queue.get_nowait()
                batch.append(job)
                size += _size(job)
            live = [job for job in batch if not job.dropped and not job.future.done()]
            if not live:
                continue
            try:
                outcomes = await loop.run_in_executor(self._executor, self._run_batch, live)
            except Exception as exc:  # the engine thread failed as a whole: every job hears of it
                outcomes = [exc] * len(live)
            for job, outcome in zip(live, outcomes, strict=True):
                if job.future.done():
                    continue
                if isinstance(outcome, BaseException):
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
        """On the engine thread: translation jobs grouped by route, calls one by one."""
        outcomes: list[Any] = [None] * len(jobs)
        groups: dict[tuple[str, str], list[int]] = {}
        for i, job in enumerate(jobs):
            if job.call is not None:
                try:
                    outcomes[i] = job.call()
                except Exception as exc:
                    outcomes[i] = exc
            else:
                groups.setdefault((job.source, job.target), []).append(i)
        for (source, target), members in groups.items():
            try:
                texts = [jobs[i].texts or [] for i in members]
                done = translate_texts(texts, source, target, self.config, self._packages())
                for i, result in zip(members, done, strict=True):
                    outcomes[i] = result
            except Exception as exc:
                for i in members:
                    outcomes[i] = exc
        sentences = sum(_size(job) for job in jobs)
        self.stats.batches += 1
        self.stats.jobs += len(jobs)
        self.stats.sentences += sentences
        self.stats.largest_batch = max(self.stats.largest_batch, sentences)
        log.debug("batch of %d jobs, %d sentences", len(jobs), sentences)
        return outcomes


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


def translate_texts(
    groups: list[list[str]], source: str, target: str, config: ServeConfig, packages: list[Any] | None = None
) -> list[list[str]]:
    """Every text of every job translated in ONE engine call; each job gets back its own texts.

    The engine path of ``translate_sentences`` (route, CTranslate2 batch, markers placed,
    guard) without its output-language check: LibreTranslate's answer has no place for flags,
    and that check (langdetect on every output sentence) would cost more than the translation.
    """
    from polyglot_news.models.store import list_packages
    from polyglot_news.translation.engine import build_translator
    from polyglot_news.translation.routing import find_route

    split = [[split_text(text, source) for text in texts] for texts in groups]
    flat = [s for texts in split for paragraphs in texts for paragraph in paragraphs for s in paragraph]
    route = find_route(source, target, packages if packages is not None else list_packages(config.models))
    done = flat
    if route.hops and flat:
        translator = build_translator(route, config.decoding)
        done = [t.sentence for t in translator.translate(flat)]
    out = iter(done)
    return [
        ["\n".join(" ".join(next(out).text for _ in paragraph) for paragraph in paragraphs) for paragraphs in texts]
        for texts in split
    ]

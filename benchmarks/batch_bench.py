"""Batch throughput: articles per second for 1, 2 and N worker processes, and peak memory.

Usage (from the repository root)::

    .venv/bin/python benchmarks/batch_bench.py [--articles 1000] [--workers 1,2,N] [--dask 2] [--skip-translation]

Corpus: ``--articles`` articles written into a temporary folder from the project's own texts
(``examples/belarus_us_relations.txt``, ``tests/data/minsk_transport_ru.txt`` and articles
assembled from ``lang_models/testdata/{en,ru,be}.txt``), each with a small variation (a numbered
headline, rotated sentences, a different citation), so no two are identical. No eval-dev text.
``--corpus long``: BBC/CNN-length stories read from eval-dev at run time (``$POLYGLOT_NEWS_EVAL_DEV``
or ``../shared/eval-dev``), cycled, into the temporary folder only.

Two settings, each run once per worker count in a fresh process (``run_batch`` writing JSON
files into a temporary output folder, as ``polyglot-news batch DIR -o OUT`` does):

* **summary**: detect + summarize (``--to none``);
* **translation**: the same plus translation of headline, summary and references into ru
  through the echo test packages (``echo-en_ru``, ``echo-be_ru``; Russian articles need
  none), 32 articles per engine call, beam 1. Echo models copy their input, so the guard
  flags every sentence as "not Russian" and the engine re-decodes it once: a worst case for
  the translation stage, not a measure of real models.

**Dask column** (``--dask N``, needs the ``[dask]`` extra): the same run through
``run_batch(dask="local:N")`` — a ``distributed.LocalCluster`` of N single-threaded worker
processes started by the run (its start-up time is printed on its own: the per-worker-start
cost), every window a task. Its "largest worker" is the largest Dask worker process.

Peak memory, read from ``/proc`` (Linux): ``VmHWM`` (peak resident set) of the main process
and of the largest worker, and the peak sum of ``VmRSS`` over the whole process tree, sampled
every 50 ms. ``resource.getrusage`` cannot give these here: ``RUSAGE_CHILDREN`` only counts
children that were waited for (the pool's workers are the forkserver's children, not ours),
and ``ru_maxrss`` survives ``exec``, so a fresh process reports its parent's peak. The machine
may be shared: run it when it is quiet, and read the speed-up, not the absolute rate.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TRANSLATION_PACKAGES = ("echo-en_ru", "echo-be_ru")


def corpus_texts() -> list[str]:
    """The project's own articles: the example, the Russian test article, and testdata assemblies."""
    texts = [
        (ROOT / "examples" / "belarus_us_relations.txt").read_text(encoding="utf-8"),
        (ROOT / "tests" / "data" / "minsk_transport_ru.txt").read_text(encoding="utf-8"),
    ]
    headlines = {"en": "News in brief", "ru": "Коротко о главном", "be": "Коратка пра галоўнае"}
    refs = {"en": "References:", "ru": "Источники:", "be": "Крыніцы:"}
    for lang in ("en", "ru", "be"):
        lines = (ROOT / "lang_models" / "testdata" / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
        lines = [line for line in lines if line.strip()]
        for start in range(0, len(lines) - 8, 8):
            body = lines[start : start + 8]
            body[1] = body[1].rstrip(".") + " [1]."
            body[4] = body[4].rstrip(".") + " [2]."
            texts.append(
                f"{headlines[lang]} {start // 8 + 1}\n"
                + " ".join(body[:4]) + "\n" + " ".join(body[4:])
                + f"\n{refs[lang]}\n1. Agency report\n2. Press office statement\n"
            )
    return texts


def vary(text: str, n: int) -> str:
    """A small, deterministic variation: numbered headline, body paragraphs rotated, a citation moved."""
    head, *rest = text.split("\n")
    body_end = next((i for i, line in enumerate(rest) if line.strip().rstrip(":") in _REF_HEADINGS), len(rest))
    body, tail = rest[:body_end], rest[body_end:]
    paragraphs = [p for p in body if p.strip()]
    if paragraphs:
        k = n % len(paragraphs)
        paragraphs = paragraphs[k:] + paragraphs[:k]
        if n % 3 == 0:
            paragraphs[-1] = paragraphs[-1].rstrip() + " [1]"
    return "\n".join([f"{head} (#{n})", *paragraphs, *tail]) + "\n"


_REF_HEADINGS = {"References", "Источники", "Крыніцы", "Read also"}


def write_corpus(folder: Path, count: int) -> int:
    """Write ``count`` varied articles into ``folder`` (100 a subfolder); return the bytes written."""
    texts = corpus_texts()
    size = 0
    for n in range(count):
        path = folder / f"batch{n // 100:02d}" / f"article{n:04d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = vary(texts[n % len(texts)], n).encode("utf-8")
        path.write_bytes(data)
        size += len(data)
    return size


def _status(pid: int | str) -> dict[str, int]:
    """``VmRSS``, ``VmHWM`` (KiB) and the parent pid of a process, from ``/proc``."""
    found: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM", "PPid"):
                    found[key] = int(value.split()[0])
    except (OSError, ValueError):
        pass
    return found


class MemoryWatch(threading.Thread):
    """Samples the memory of this process and all its descendants until stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.peak_tree_kib = 0
        self.worker_hwm_kib: dict[int, int] = {}

    def run(self) -> None:
        me = os.getpid()
        while not self.stop.wait(0.05):
            table = {int(p): _status(p) for p in os.listdir("/proc") if p.isdigit()}
            tree, frontier = {me}, [me]
            while frontier:
                parent = frontier.pop()
                kids = [pid for pid, st in table.items() if st.get("PPid") == parent and pid not in tree]
                tree.update(kids)
                frontier += kids
            self.peak_tree_kib = max(self.peak_tree_kib, sum(table[p].get("VmRSS", 0) for p in tree if p in table))
            for pid in tree - {me}:
                hwm = table.get(pid, {}).get("VmHWM", 0)
                self.worker_hwm_kib[pid] = max(self.worker_hwm_kib.get(pid, 0), hwm)


def one_run(corpus: Path, out: Path, workers: int, translate: bool, dask: int = 0) -> dict[str, Any]:
    """Run one batch in this process (``dask``: on a LocalCluster of that many workers); time, counts, memory."""
    from polyglot_news import batch as B
    from polyglot_news.batch.inputs import iter_paths
    from polyglot_news.translation.decoding import DecodeOptions
    from polyglot_news.translation.request import TranslationRequest

    request = TranslationRequest(targets=("ru",), options=DecodeOptions(beam_size=1)) if translate else None
    items = iter_paths([corpus])
    watch = MemoryWatch()
    watch.start()
    start = time.perf_counter()
    cluster_start = 0.0
    if dask:
        import importlib

        dist: Any = importlib.import_module("distributed")  # the optional [dask] extra
        cluster = dist.LocalCluster(n_workers=dask, threads_per_worker=1, processes=True, dashboard_address=None)
        client = dist.Client(cluster)
        client.wait_for_workers(dask)
        cluster_start = time.perf_counter() - start
        report = B.run_batch(
            items, B.BatchOptions(translation=request), emit=lambda line: None, output_dir=out, dask=client
        )
        seconds = time.perf_counter() - start
        client.close()
        cluster.close()
    else:
        report = B.run_batch(
            items, B.BatchOptions(translation=request), emit=lambda line: None, output_dir=out, workers=workers
        )
        seconds = time.perf_counter() - start
    watch.stop.set()
    watch.join()
    return {
        "articles": report.done,
        "ok": report.ok,
        "failed": report.failed,
        "seconds": seconds,
        "rate": report.done / seconds,
        "main_mib": _status("self").get("VmHWM", 0) / 1024,
        "worker_mib": max(watch.worker_hwm_kib.values(), default=0) / 1024,
        "tree_mib": watch.peak_tree_kib / 1024,
        "cluster_start": cluster_start,
    }


LONG_SOURCES = (  # eval-dev files of whole news stories (BBC/CNN length), read at run time only
    "a_summ/bbc_news_summary_55.jsonl", "a_summ/cnndm_frank_en.jsonl", "a_summ/cnn_dailymail_20.jsonl",
    "a_summ/xlsum_en_15.jsonl", "d_ru_summ/xlsum_ru_uk_30.jsonl",
)


def eval_dev() -> Path:
    """The eval-dev folder: ``$POLYGLOT_NEWS_EVAL_DEV`` or ``../shared/eval-dev`` beside the repo."""
    env = os.environ.get("POLYGLOT_NEWS_EVAL_DEV")
    return Path(env) if env else ROOT.parent / "shared" / "eval-dev"


def write_long_corpus(folder: Path, count: int) -> int:
    """``--corpus long``: ``count`` long news stories from eval-dev (BBC, CNN/Daily Mail, XL-Sum; en,
    ru, uk), cycled, each numbered in its headline; written only into the temporary ``folder``."""
    stories = []
    for name in LONG_SOURCES:
        with (eval_dev() / name).open(encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                stories.append(((row.get("title") or "News story").strip(), row["article"].strip()))
    size = 0
    for n in range(count):
        title, article = stories[n % len(stories)]
        path = folder / f"batch{n // 100:02d}" / f"article{n:04d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = f"{title} (#{n})\n{article}\n".encode()
        path.write_bytes(data)
        size += len(data)
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--workers", default="1,2,N", help="comma-separated worker counts; N = the cores")
    parser.add_argument("--skip-translation", action="store_true")
    parser.add_argument("--dask", type=int, default=0, metavar="N", help="add a LocalCluster of N workers (column)")
    parser.add_argument("--corpus", choices=("project", "long"), default="project",
                        help="the project's own short articles, or long stories from eval-dev (never committed)")
    parser.add_argument("--one", nargs=5, metavar=("CORPUS", "OUT", "WORKERS", "TRANSLATE", "DASK"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        corpus, out, workers, translate, dask = args.one
        print(json.dumps(one_run(Path(corpus), Path(out), int(workers), translate == "1", int(dask))))
        return

    from polyglot_news.batch.workers import default_workers

    cores = default_workers()
    counts = list(dict.fromkeys(cores if w.strip() == "N" else int(w) for w in args.workers.split(",")))
    with tempfile.TemporaryDirectory(prefix="batch-bench-") as tmp:
        base = Path(tmp)
        env = dict(os.environ, POLYGLOT_NEWS_MODELS=str(base / "models"), ARGOS_PACKAGES_DIR=str(base / "argos"))
        size = (write_long_corpus if args.corpus == "long" else write_corpus)(base / "corpus", args.articles)
        print(f"corpus: {args.articles} articles, {size / 1024:.0f} KiB; cores: {cores}")
        settings = [("summary", False)] + ([] if args.skip_translation else [("translation", True)])
        if not args.skip_translation:
            from lang_models.build_test_packages import build
            from polyglot_news.models.installer import install

            os.environ.update(env)
            for package in build(base / "packages", which=list(TRANSLATION_PACKAGES)).values():
                install(package)
        for name, translate in settings:
            rates: dict[str, float] = {}
            runs = [(str(w), w, 0) for w in counts] + ([(f"dask:{args.dask}", 1, args.dask)] if args.dask else [])
            for label, workers, dask in runs:
                out = base / f"out-{name}-{label}"
                command = [sys.executable, __file__, "--one", str(base / "corpus"), str(out), str(workers)]
                done = subprocess.run(
                    [*command, str(int(translate)), str(dask)], env=env, capture_output=True, text=True, check=True
                )
                result = json.loads(done.stdout.strip().splitlines()[-1])
                rates[label] = result["rate"]
                started = f" (cluster start {result['cluster_start']:.1f} s included)" if dask else ""
                print(
                    f"{name:<12} workers={label:<7} {result['articles']} articles ({result['failed']} failed) "
                    f"in {result['seconds']:.1f} s{started} = {result['rate']:.1f} articles/s; speed-up "
                    f"{result['rate'] / rates[runs[0][0]]:.2f}x; peak RSS: main {result['main_mib']:.0f} MiB, "
                    f"largest worker {result['worker_mib']:.0f} MiB, all processes {result['tree_mib']:.0f} MiB",
                    flush=True,
                )
            outputs = [sorted((base / f"out-{name}-{label}").rglob("*.json")) for label, _, _ in runs]
            same = all(
                [p.read_bytes() for p in outputs[0]] == [p.read_bytes() for p in other] for other in outputs[1:]
            )
            print(f"{name:<12} outputs byte-identical across worker counts{' and Dask' if args.dask else ''}: {same}")


if __name__ == "__main__":
    main()

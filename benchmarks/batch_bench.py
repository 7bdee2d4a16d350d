"""Batch throughput: articles per second for 1, 2 and N worker processes, and peak memory.

Usage (from the repository root)::

    .venv/bin/python benchmarks/batch_bench.py [--articles 1000] [--workers 1,2,N] [--dask 2] [--skip-translation]
    .venv/bin/python benchmarks/batch_bench.py --articles 200 --workers 1,2 --dask 2 --model base --rounds 3 --check

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
  none), 32 articles per engine call (a window), beam 1. Echo models copy their input, so
  the guard flags every sentence as "not Russian" and the engine re-decodes it once: a worst
  case for the translation stage, not a measure of real models.

**Dask column** (``--dask N``, needs the ``[dask]`` extra): the same run on a
``distributed.LocalCluster`` of N single-threaded worker processes set up as ``--dask local:N``
sets it up, started by the run (its start-up time is included and printed on its own: the
per-worker-start cost), every window a task.

``--model base`` translates English articles with the random-weight Transformer base package
(``lang_models/build_test_packages.py --benchmark``; ``--max-length`` target tokens a sentence,
48 by default, beam 4: random weights decode to the limit and every output is flagged and
re-decoded once by the guard, an upper bound for a real model) and Belarusian ones through
the echo package. ``--rounds N`` runs every configuration N times, rotating their order; the
speed-up and CPU ratios printed are medians of the ratios paired within a round, and
``--check`` compares them with the bands in ``speed_baseline.json``.

CPU time (user and system), minor page faults and peak memory (``VmHWM`` of the largest
process, the peak sum of ``VmRSS`` over the whole process tree) are read from ``/proc`` for
the run's whole process tree (``measure.py``: ``getrusage`` misses the pool's workers, which
are the fork server's children). CPU is also given per article, and for the batch process
itself (the client: reading, claiming, writing and emitting), the part that does not spread
over workers. The machine may be shared: read the ratios and the CPU, not the absolute rate.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

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


def one_run(corpus: Path, out: Path, workers: int, translate: bool, dask: int = 0, model: str = "echo",
            max_length: int = 48) -> dict[str, Any]:
    """Run one batch in this process (``dask``: on a LocalCluster of that many workers); its time and counts."""
    from polyglot_news import batch as B
    from polyglot_news.batch.inputs import iter_paths
    from polyglot_news.translation.decoding import DecodeOptions
    from polyglot_news.translation.request import TranslationRequest

    decode = DecodeOptions(beam_size=1) if model == "echo" else DecodeOptions(max_decoding_length=max_length)
    request = TranslationRequest(targets=("ru",), options=decode) if translate else None
    items = iter_paths([corpus])
    start = time.perf_counter()
    cluster_start = 0.0
    if dask:
        import importlib

        dist: Any = importlib.import_module("distributed")  # the optional [dask] extra
        from polyglot_news.batch.cluster import LOCAL_CONFIG

        with importlib.import_module("dask").config.set(LOCAL_CONFIG):  # as `--dask local:N` makes it
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
    return {"articles": report.done, "ok": report.ok, "failed": report.failed, "seconds": seconds,
            "cluster_start": cluster_start}


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


def install_models(base: Path, model: str) -> None:
    """Build and install the translation packages into the store ``POLYGLOT_NEWS_MODELS`` names."""
    from lang_models.build_test_packages import build, build_benchmark_package
    from polyglot_news.models.installer import install

    if model == "echo":
        for package in build(base / "packages", which=list(TRANSLATION_PACKAGES)).values():
            install(package)
        return
    install(build_benchmark_package(base / "packages"))  # Transformer base, random weights, en→ru
    for package in build(base / "packages", which=["echo-be_ru"]).values():  # Belarusian articles: cheap
        install(package)


def main() -> int:
    from measure import Measured, check, median_ratio, rotated, run_watched

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--workers", default="1,2,N", help="comma-separated worker counts; N = the cores")
    parser.add_argument("--skip-translation", action="store_true")
    parser.add_argument("--skip-summary", action="store_true", help="only the translation setting")
    parser.add_argument("--dask", type=int, default=0, metavar="N", help="add a LocalCluster of N workers (column)")
    parser.add_argument("--model", choices=("echo", "base"), default="echo",
                        help="translate through the echo test packages, or the random-weight Transformer base")
    parser.add_argument("--max-length", type=int, default=48, help="--model base: target tokens a sentence")
    parser.add_argument("--rounds", type=int, default=1, help="paired rounds (configurations rotated each round)")
    parser.add_argument("--check", action="store_true",
                        help="compare the paired ratios with their bands in speed_baseline.json (exit 1 outside)")
    parser.add_argument("--corpus", choices=("project", "long"), default="project",
                        help="the project's own short articles, or long stories from eval-dev (never committed)")
    parser.add_argument("--one", nargs=7, metavar=("CORPUS", "OUT", "WORKERS", "TRANSLATE", "DASK", "MODEL", "LEN"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        corpus, out, workers, translate, dask, model, length = args.one
        result = one_run(Path(corpus), Path(out), int(workers), translate == "1", int(dask), model, int(length))
        print(json.dumps(result))
        return 0

    from polyglot_news.batch.workers import default_workers

    cores = default_workers()
    counts = list(dict.fromkeys(cores if w.strip() == "N" else int(w) for w in args.workers.split(",")))
    labels = [f"j{w}" for w in counts] + ([f"dask{args.dask}"] if args.dask else [])
    measured: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="batch-bench-") as tmp:
        base = Path(tmp)
        env = dict(os.environ, POLYGLOT_NEWS_MODELS=str(base / "models"), ARGOS_PACKAGES_DIR=str(base / "argos"))
        size = (write_long_corpus if args.corpus == "long" else write_corpus)(base / "corpus", args.articles)
        print(f"corpus: {args.articles} articles, {size / 1024:.0f} KiB; cores: {cores}; load average "
              f"{os.getloadavg()[0]:.1f}; {args.rounds} round(s), configurations rotated each round")
        settings = ([] if args.skip_summary else [("summary", False)]) + (
            [] if args.skip_translation else [("translation", True)]
        )
        if not args.skip_translation:
            os.environ.update(env)
            install_models(base, args.model)
        for name, translate in settings:
            runs: dict[str, list[Measured]] = {label: [] for label in labels}
            rates: dict[str, list[float]] = {label: [] for label in labels}
            for round_ in range(args.rounds):
                for label in rotated(labels, round_):
                    workers, dask = (1, int(label[4:])) if label.startswith("dask") else (int(label[1:]), 0)
                    out = base / f"out-{name}-{label}"
                    shutil.rmtree(out, ignore_errors=True)
                    argv = [sys.executable, __file__, "--one", str(base / "corpus"), str(out), str(workers),
                            str(int(translate)), str(dask), args.model, str(args.max_length)]
                    got = run_watched(argv, env=env)
                    if got.returncode:
                        sys.exit(f"{name} {label}: exit {got.returncode}: {got.stderr.strip()[-800:]}")
                    result = json.loads(got.stdout.strip().splitlines()[-1])
                    runs[label].append(got)
                    rates[label].append(result["articles"] / result["seconds"])
                    started = f" (cluster start {result['cluster_start']:.1f} s included)" if dask else ""
                    print(
                        f"{name:<12} round {round_ + 1} {label:<6} {result['articles']} articles "
                        f"({result['failed']} failed) in {result['seconds']:.1f} s{started} = "
                        f"{rates[label][-1]:.1f} articles/s; CPU {got.user:.1f} user + {got.system:.1f} system s "
                        f"({1000 * got.cpu / result['articles']:.1f} ms an article, the batch process itself "
                        f"{1000 * got.root_cpu / result['articles']:.1f} ms), "
                        f"{got.faults / 1000:.0f}k page faults; peak RSS: largest process {got.largest_mib:.0f} MiB, "
                        f"all {got.peak_tree_mib:.0f} MiB",
                        flush=True,
                    )
            anchor = labels[0]
            for label in labels[1:]:
                speed = median_ratio(rates[label], rates[anchor])
                cpu = median_ratio([r.cpu for r in runs[label]], [r.cpu for r in runs[anchor]])
                system = median_ratio([r.system + 0.01 for r in runs[label]], [r.system + 0.01 for r in runs[anchor]])
                measured[f"{name}.{label}.speed"] = speed
                measured[f"{name}.{label}.cpu"] = cpu
                print(f"{name:<12} {label} against {anchor}, median of {args.rounds} paired ratio(s): articles/s "
                      f"{speed:.2f}x, CPU {cpu:.2f}x (system time {system:.2f}x)")
            outputs = [sorted((base / f"out-{name}-{label}").rglob("*.json")) for label in labels]
            same = all(
                [p.read_bytes() for p in outputs[0]] == [p.read_bytes() for p in other] for other in outputs[1:]
            )
            measured[f"{name}.identical"] = float(same)
            print(f"{name:<12} outputs byte-identical across {', '.join(labels)}: {same}")
    return check(f"batch_bench --model {args.model}", measured) if args.check else 0


if __name__ == "__main__":
    sys.exit(main())

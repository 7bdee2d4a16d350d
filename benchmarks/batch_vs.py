"""Per-article speed of this checkout against another one: the same ``batch`` run, side by side.

Usage (from the repository root)::

    git worktree add /tmp/before 0b08556        # e.g. main before issue 13's speed work
    .venv/bin/python benchmarks/batch_vs.py /tmp/before [--articles 300] [--rounds 3] [--unique] [--corpus long]

Both trees run ``python -m polyglot_news batch CORPUS -o OUT -j 1`` with this venv's
dependencies (``PYTHONPATH`` picks the tree), on the corpus of ``batch_bench.py`` (the project's
own texts), in two settings: summary only (``--to none``) and with translation into ru through
the echo test packages (beam 1), built once by ``lang_models/build_test_packages.py``. The
summary method is pinned (``reduction-lead``, the old default) so that both trees do the same
work. Runs alternate (before, after, before, …) so that a change in the machine's load hits
both; each round gives a ratio of wall times and one of CPU times (user + system of the child),
and the medians of those paired ratios are printed. CPU time is the figure to read on a shared
machine. Outputs are not compared: the other tree may label them differently.

The corpus repeats sentences across articles (13 texts, varied), which an engine that remembers
single sentences across calls serves from memory; ``--unique`` numbers every sentence end with
its article's number, so that each article's sentences are its own, as in a real feed.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from batch_bench import TRANSLATION_PACKAGES, write_corpus, write_long_corpus  # noqa: E402


def timed(tree: Path, args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one ``python -m polyglot_news`` run from ``tree``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "polyglot_news", *args],
        env=dict(env, PYTHONPATH=str(tree)),
        cwd=tempfile.gettempdir(),
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:  # a failed article or run would make the comparison meaningless
        sys.exit(f"{tree}: batch exited {done.returncode}: {done.stderr.strip()[-500:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def make_unique(corpus: Path) -> None:
    """Number every sentence end after a letter with its article's number, so that no sentence repeats across
    articles (batch_bench's corpus varies 13 texts: most sentences recur in every window)."""
    for n, path in enumerate(sorted(corpus.rglob("*.txt"))):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?<=[^\W\d_])([.!?])(?=[ \n])", rf" {n}\1", text), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("before", type=Path, help="the other checkout (a git worktree)")
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--unique", action="store_true", help="no sentence repeats across articles")
    parser.add_argument("--corpus", choices=("project", "long"), default="project",
                        help="batch_bench's corpus: the project's own short articles, or long stories from eval-dev")
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": ROOT}
    with tempfile.TemporaryDirectory(prefix="batch-vs-") as tmp:
        base = Path(tmp)
        env = dict(os.environ, POLYGLOT_NEWS_MODELS=str(base / "models"), ARGOS_PACKAGES_DIR=str(base / "argos"))
        (write_long_corpus if args.corpus == "long" else write_corpus)(base / "corpus", args.articles)
        if args.unique:
            make_unique(base / "corpus")
        os.environ.update(env)
        from lang_models.build_test_packages import build
        from polyglot_news.models.installer import install

        for package in build(base / "packages", which=list(TRANSLATION_PACKAGES)).values():
            install(package)
        print(f"{args.articles} articles, {args.rounds} alternating rounds, -j 1, --method reduction-lead")
        for setting, extra in (("summary", ["--to", "none"]), ("translation", ["--to", "ru", "--beam-size", "1"])):
            walls: dict[str, list[float]] = {"before": [], "after": []}
            cpus: dict[str, list[float]] = {"before": [], "after": []}
            for _ in range(args.rounds):
                for name, tree in trees.items():
                    out = base / f"out-{name}"
                    shutil.rmtree(out, ignore_errors=True)
                    command = ["batch", str(base / "corpus"), "-o", str(out), "-j", "1"]
                    wall, cpu = timed(tree, [*command, "--method", "reduction-lead", *extra], env)
                    walls[name].append(wall)
                    cpus[name].append(cpu)
            wall_ratio = statistics.median(b / a for b, a in zip(walls["before"], walls["after"], strict=True))
            cpu_ratio = statistics.median(b / a for b, a in zip(cpus["before"], cpus["after"], strict=True))
            print(
                f"{setting:<12} before {statistics.median(cpus['before']):.1f} CPU-s, "
                f"after {statistics.median(cpus['after']):.1f} CPU-s (medians); "
                f"speed-up, median of paired ratios: CPU {cpu_ratio:.2f}x, wall {wall_ratio:.2f}x "
                f"({args.articles / statistics.median(walls['after']):.1f} vs "
                f"{args.articles / statistics.median(walls['before']):.1f} articles/s)",
                flush=True,
            )


if __name__ == "__main__":
    main()

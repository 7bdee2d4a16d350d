"""Where a batch spends its time: py-spy over ``polyglot-news batch -j 1``, summary only or translating.

Writes the batch benchmark's corpus (``batch_bench.write_corpus``: the project's own articles,
no eval-dev text), records the run with py-spy (``pip install py-spy`` into the venv; it is not
a project dependency) and prints the top functions by own time, plus the share of the batch
spent in language detection, summarization, the atomic writer and, translating, the engine.

    .venv/bin/python benchmarks/profile_top.py [--articles 1000] [--top 5] [--raw FILE]
    .venv/bin/python benchmarks/profile_top.py --translate [--unique] [--tree /tmp/before]

``--translate`` runs ``--to ru --beam-size 1`` through the echo test packages (built and
installed in a temporary store, as ``batch_vs.py`` does) and records idle time too, so that
the time spent waiting for CTranslate2 counts; ``--unique`` numbers every sentence with its
article (``batch_vs.make_unique``); ``--tree`` profiles another checkout (a git worktree)
with this venv. The summary method is pinned (``reduction-lead``) so that trees compare.
``--raw FILE`` reads an existing py-spy ``-f raw`` profile instead of recording one.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SHARES = {
    "language detection (all of it)": "detect",
    "  the mixed-language check": "_mixed_languages",
    "  the translations' language check": "check_language",
    "summarization": "summarize",
    "atomic writer": "write_atomic",
    "translation engine (CTranslate2 included)": "ArgosTranslator.translate",
    "  the guard's retries": "ArgosTranslator._retry",
}
"""Shares printed: label → function name (any module, so that trees with other layouts compare)."""


def record(args: argparse.Namespace, folder: Path) -> Path:
    """Run the batch under py-spy (100 samples/s); return the raw profile."""
    from batch_bench import TRANSLATION_PACKAGES, write_corpus
    from batch_vs import make_unique

    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if spy is None:
        raise SystemExit("py-spy not found: .venv/bin/pip install py-spy")
    write_corpus(folder / "corpus", args.articles)
    if args.unique:
        make_unique(folder / "corpus")
    env = dict(os.environ, POLYGLOT_NEWS_MODELS=str(folder / "models"), ARGOS_PACKAGES_DIR=str(folder / "argos"))
    env["PYTHONPATH"] = str((args.tree or ROOT).resolve())
    extra = ["--to", "none"]
    if args.translate:
        os.environ.update(env)
        from lang_models.build_test_packages import build
        from polyglot_news.models.installer import install

        for package in build(folder / "packages", which=list(TRANSLATION_PACKAGES)).values():
            install(package)
        extra = ["--to", "ru", "--beam-size", "1"]
    raw = folder / "profile.txt"
    command = [
        spy, "record", "-r", "100", "-f", "raw", "-o", str(raw), *(["--idle"] if args.translate else []), "--",
        sys.executable, "-m", "polyglot_news", "batch", str(folder / "corpus"), *extra,
        "--method", "reduction-lead", "-j", "1", "-o", str(folder / "out"), "--quiet",
    ]
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=tempfile.gettempdir()
    )
    return raw


def summarize(raw: Path, top: int) -> None:
    """Print the top functions by own samples and the shares, over the batch's own thread."""
    own: Counter[str] = Counter()
    inside: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [re.sub(r":\d+\)$", ")", frame) for frame in stack.split(";")]
        if not any(frame.startswith("run_batch ") for frame in frames):
            continue  # py-spy also samples other threads (the input reader, the progress watcher)
        n = int(count)
        total += n
        own[frames[-1]] += n
        for name in {frame.split(" (")[0] for frame in frames}:
            inside[name] += n
    print(f"# {total} samples inside run_batch")
    print(f"top {top} by own time:")
    for frame, n in own.most_common(top):
        print(f"  {100 * n / total:5.1f} %  {frame}")
    for label, name in SHARES.items():
        print(f"{label:<44} {100 * inside[name] / max(total, 1):5.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--translate", action="store_true", help="--to ru through the echo test packages")
    parser.add_argument("--unique", action="store_true", help="no sentence repeats across articles")
    parser.add_argument("--tree", type=Path, help="profile another checkout (a git worktree)")
    parser.add_argument("--raw", type=Path, help="an existing py-spy raw profile")
    args = parser.parse_args()
    if args.raw:
        summarize(args.raw, args.top)
        return
    with tempfile.TemporaryDirectory(prefix="profile-top-") as tmp:
        summarize(record(args, Path(tmp)), args.top)


if __name__ == "__main__":
    main()

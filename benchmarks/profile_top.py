"""Where a summary-only batch spends its time: py-spy over ``polyglot-news batch --to none -j 1``.

Writes the batch benchmark's corpus (``batch_bench.write_corpus``: the project's own articles,
no eval-dev text), records the run with py-spy (``pip install py-spy`` into the venv; it is not
a project dependency) and prints the top functions by own time, plus the share of the batch
spent inside language detection, the mixed-language check, summarization and the atomic writer.

    .venv/bin/python benchmarks/profile_top.py [--articles 1000] [--top 5] [--raw FILE]

``--raw FILE`` reads an existing py-spy ``-f raw`` profile instead of recording one.
"""

from __future__ import annotations

import argparse
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
    "language detection": "detect (polyglot_news/detect.py)",
    "  of which the mixed-language check": "_mixed_languages (polyglot_news/detect.py)",
    "summarization": "summarize (polyglot_news/summarize.py)",
    "atomic writer": "write_atomic (polyglot_news/io.py)",
}


def record(articles: int, folder: Path) -> Path:
    """Run the batch under py-spy (100 samples/s); return the raw profile."""
    from batch_bench import write_corpus

    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if spy is None:
        raise SystemExit("py-spy not found: .venv/bin/pip install py-spy")
    write_corpus(folder / "corpus", articles)
    raw = folder / "profile.txt"
    command = [
        spy, "record", "-r", "100", "-f", "raw", "-o", str(raw), "--",
        sys.executable, "-m", "polyglot_news", "batch", str(folder / "corpus"),
        "--to", "none", "-j", "1", "-o", str(folder / "out"), "--quiet",
    ]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
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
            continue  # py-spy also samples other threads (the progress watcher)
        n = int(count)
        total += n
        own[frames[-1]] += n
        for frame in set(frames):
            inside[frame] += n
    print(f"# {total} samples inside run_batch")
    print(f"top {top} by own time:")
    for frame, n in own.most_common(top):
        print(f"  {100 * n / total:5.1f} %  {frame}")
    for name, frame in SHARES.items():
        print(f"{name:<38} {100 * inside[frame] / max(total, 1):5.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--raw", type=Path, help="an existing py-spy raw profile")
    args = parser.parse_args()
    if args.raw:
        summarize(args.raw, args.top)
        return
    with tempfile.TemporaryDirectory(prefix="profile-top-") as tmp:
        summarize(record(args.articles, Path(tmp)), args.top)


if __name__ == "__main__":
    main()

"""Before a release: run every benchmark's ``--check``, so that each figure the docs quote still holds.

Usage (from the repository root, on a quiet machine, 1-2 hours)::

    .venv/bin/python benchmarks/release_check.py [--only NAME ...] [--list]

Each check is one benchmark command with ``--check``: it prints its figures and exits non-zero
when one has left the band pinned for it (``speed_baseline.json`` for speed, whose bands are the
figure's stated noise around what the docs quote; ``quality_baseline.json`` for quality). This
script runs them one after another, keeps going after a failure, and ends with a table and a
non-zero exit if any failed. A benchmark whose ``--help`` offers no ``--check`` is listed as
skipped. Timings are not tests: this is a maintainer's step before a release, not part of CI
(``.ci/run`` runs the quality gates, which are deterministic).

Why a Python script rather than a Makefile target: the checks are independent, long, and have
no build graph for ``make`` to order; a script runs with the venv's interpreter on every OS the
project supports, is type-checked with the rest, and can say which figure failed in one table.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHECKS: dict[str, list[str]] = {
    "translate base": ["translate_bench.py", "--size", "base", "-n", "100", "--rounds", "3"],
    "translate big": ["translate_bench.py", "--size", "big", "-n", "60", "--rounds", "3", "--naive-rounds", "0",
                      "--cold-rounds", "0"],
    "translate windows": ["translate_bench.py", "--size", "base", "--windows", "50,1000", "-n", "1000"],
    "batch echo": ["batch_bench.py", "--articles", "1000", "--workers", "1,2", "--dask", "2", "--rounds", "3"],
    "batch base": ["batch_bench.py", "--articles", "200", "--workers", "1,2", "--dask", "2", "--model", "base",
                   "--rounds", "3", "--skip-summary"],
    "serve": ["serve_bench.py"],
    "cold start": ["cold_start.py", "--model", "both"],
    "summaries": ["summary_bench.py"],
    "language ID": ["langid_eval.py"],
    "segmentation": ["segment_eval.py"],
}
"""Check name → benchmark script and arguments (``--check`` is added)."""


def has_check(script: Path) -> bool:
    done = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, check=False)
    return done.returncode == 0 and "--check" in done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=sorted(CHECKS), metavar="NAME", help="run only these checks")
    parser.add_argument("--list", action="store_true", help="print the checks and their commands")
    args = parser.parse_args()
    chosen = args.only or list(CHECKS)
    if args.list:
        for name in chosen:
            print(f"{name:<14} python benchmarks/{' '.join(CHECKS[name])} --check")
        return 0
    results: list[tuple[str, str, float]] = []
    for name in chosen:
        script, *rest = CHECKS[name]
        path = ROOT / "benchmarks" / script
        if not path.exists() or not has_check(path):
            results.append((name, "skipped (no --check)", 0.0))
            continue
        print(f"\n### {name}: python benchmarks/{script} {' '.join(rest)} --check", flush=True)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, str(path), *rest, "--check"], cwd=ROOT, check=False)
        results.append((name, "passed" if done.returncode == 0 else f"FAILED (exit {done.returncode})",
                        time.perf_counter() - start))
    print("\n| check | result | minutes |\n| --- | --- | ---: |")
    for name, result, seconds in results:
        print(f"| {name} | {result} | {seconds / 60:.1f} |")
    return 1 if any(r.startswith("FAILED") for _, r, _ in results) else 0


if __name__ == "__main__":
    sys.exit(main())

"""Cold start of a one-sentence ``polyglot-news translate --to ru`` against a minimal CTranslate2 script.

Usage (from the repository root)::

    .venv/bin/python benchmarks/cold_start.py [--rounds 7] [--tree /tmp/before]

Builds the echo test package ``echo-en_ru`` (``lang_models/build_test_packages.py``) into a
temporary store, then alternates fresh processes: ``python -m polyglot_news translate --to ru``
on one English sentence (the source language detected, the output language checked, as a user
runs it), and a minimal script that loads the same package's model with ``ctranslate2`` and
``sentencepiece`` and translates the same sentence (interpreter start included in both).
``--tree`` adds the same ``translate`` from another checkout (``PYTHONPATH``). Prints the
median wall and CPU seconds of each and the median of the paired ratios: the machine may be
shared, and alternating rounds put a change in its load on every column.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SENTENCE = "The regional council approved the new budget for schools on Tuesday.\n"
MINIMAL = """
import sys, ctranslate2, sentencepiece
folder = sys.argv[1]
sp = sentencepiece.SentencePieceProcessor(model_file=folder + "/sentencepiece.model")
translator = ctranslate2.Translator(folder + "/model", device="cpu", compute_type="int8")
pieces = sp.encode(sys.stdin.read().strip(), out_type=str)
result = translator.translate_batch([pieces], beam_size=4, max_decoding_length=256)
print(sp.decode(result[0].hypotheses[0]))
"""


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # cwd outside every checkout: ``python -m`` puts the working directory before PYTHONPATH.
    done = subprocess.run(
        argv, input=SENTENCE, capture_output=True, text=True, env=env, cwd=tempfile.gettempdir(), check=False
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{argv[:4]} exited {done.returncode}: {done.stderr.strip()[-400:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--tree", type=Path, default=None, help="another checkout to time the same command in")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cold-start-") as tmp:
        base = Path(tmp)
        env = dict(os.environ, POLYGLOT_NEWS_MODELS=str(base / "models"), ARGOS_PACKAGES_DIR=str(base / "argos"))
        os.environ.update(env)
        from lang_models.build_test_packages import build
        from polyglot_news.models.installer import install

        for package in build(base / "packages", which=["echo-en_ru"]).values():
            install(package)
        folder = next(p for p in (base / "models").rglob("metadata.json")).parent
        translate = [sys.executable, "-m", "polyglot_news", "translate", "--to", "ru", "-"]
        runs = {"minimal CTranslate2 script": ([sys.executable, "-c", MINIMAL, str(folder)], env),
                "polyglot-news translate": (translate, dict(env, PYTHONPATH=str(ROOT)))}
        if args.tree:
            runs[f"polyglot-news translate ({args.tree})"] = (translate, dict(env, PYTHONPATH=str(args.tree.resolve())))
        walls: dict[str, list[float]] = {name: [] for name in runs}
        cpus: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(args.rounds):
            for name, (argv, run_env) in runs.items():
                wall, cpu = timed(argv, run_env)
                walls[name].append(wall)
                cpus[name].append(cpu)
        minimal = "minimal CTranslate2 script"
        print(f"cold start, one sentence, {args.rounds} alternating rounds (medians; ratio = median of paired ratios)")
        for name in runs:
            ratio = statistics.median(w / m for w, m in zip(walls[name], walls[minimal], strict=True))
            print(f"{name:<40} wall {statistics.median(walls[name]):.2f} s  CPU {statistics.median(cpus[name]):.2f} s"
                  f"  {ratio:.2f}x the minimal script's wall")


if __name__ == "__main__":
    main()

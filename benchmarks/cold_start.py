"""Cold start of a one-sentence ``polyglot-news translate --to ru`` against a minimal CTranslate2 script.

Usage (from the repository root)::

    .venv/bin/python benchmarks/cold_start.py [--model base|echo|both] [--rounds 7] [--tree /tmp/before] [--check]

The measure of a cold one-sentence ``translate`` (``translate_bench.py`` runs the same commands
on its own package). A fresh process translates one English sentence as a user runs it: the
source language detected, the output language checked. Packages, built into a temporary store:

* ``base`` (the default, and the one ``--check`` holds to its goal): a seeded random-weight
  package with the official Argos en→ru architecture (Transformer base, int8;
  ``build_benchmark_package``), the load and compute of a real model. Random weights never
  stop, so both sides decode exactly ``--tokens`` tokens, and ``translate`` runs with
  ``--guard flag``: every random output is flagged, and the default guard would decode it a
  second time, which a real model's sound output is not;
* ``echo``: the tiny test package that copies its input (a near-free model: what is left is
  the program's own start).

The minimal script loads the same package's model with ``ctranslate2`` and ``sentencepiece``
and translates the same sentence (interpreter start included in both). Cold means a fresh
process, not a fresh install: the bytecode is compiled (as ``pip install`` leaves it; this
script lets its children write it even under ``PYTHONDONTWRITEBYTECODE``, which would
otherwise time the compiling of every module) and the files are in the OS cache, which one
untimed round before the timed ones ensures. ``--tree`` adds the same ``translate`` from
another checkout (``PYTHONPATH``). Rounds alternate the commands; it prints the median wall
and CPU seconds of each and the median of the paired ratios (the machine may be shared).

``--check`` (a maintainer's pre-release run, not CI): exit 1 when the base ``translate`` takes
longer than 1.5 s (noise 0.15 s).
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
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SENTENCE = "The regional council approved the new budget for schools on Tuesday.\n"
TOKENS = 32
GOAL_S, NOISE_S = 1.5, 0.15
"""``--check``: the base package's cold ``translate`` fails above GOAL_S + NOISE_S seconds."""
MINIMAL = """
import sys, ctranslate2, sentencepiece
folder, length = sys.argv[1], int(sys.argv[2])
sp = sentencepiece.SentencePieceProcessor(model_file=folder + "/sentencepiece.model")
translator = ctranslate2.Translator(folder + "/model", device="cpu", compute_type="int8")
pieces = sp.encode(sys.stdin.read().strip(), out_type=str)
result = translator.translate_batch([pieces], beam_size=4, max_decoding_length=length)
print(sp.decode(result[0].hypotheses[0]))
"""


def translate_argv(store: Path, random_weights: bool, tokens: int = TOKENS) -> list[str]:
    """``polyglot-news translate --to ru`` of stdin with the models in ``store``, as a user runs it."""
    forced = ["--max-length", str(tokens), "--guard", "flag"] if random_weights else []
    return [sys.executable, "-m", "polyglot_news", "translate", "--to", "ru", "--models", str(store), *forced, "-"]


def minimal_argv(folder: Path, random_weights: bool, tokens: int = TOKENS) -> list[str]:
    """The minimal CTranslate2 script on the unpacked package ``folder``."""
    return [sys.executable, "-c", MINIMAL, str(folder), str(tokens if random_weights else 256)]


def child_env(tree: Path | None = None, **extra: str) -> dict[str, str]:
    """This environment for a child that may write bytecode (and imports ``tree`` first, if given)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if tree is not None:
        env["PYTHONPATH"] = str(tree) + os.pathsep + env.get("PYTHONPATH", "")
    return {**env, **extra}


def timed(argv: list[str], env: dict[str, str], sentence: str = SENTENCE) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one fresh process reading ``sentence`` on stdin."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # cwd outside every checkout: ``python -m`` puts the working directory before PYTHONPATH.
    done = subprocess.run(
        argv, input=sentence, capture_output=True, text=True, env=env, cwd=tempfile.gettempdir(), check=False
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{argv[:4]} exited {done.returncode}: {done.stderr.strip()[-400:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(model: str, base: Path, rounds: int, tree: Path | None) -> float:
    """Print one package's table; the median wall seconds of this tree's ``translate``."""
    from lang_models.build_test_packages import build, build_benchmark_package
    from polyglot_news.models.installer import install

    store = base / model
    random_weights = model == "base"
    archive = (build_benchmark_package(base / "packages") if random_weights
               else build(base / "packages", which=["echo-en_ru"])["echo-en_ru"])
    install(archive, store)
    folder = next(store.rglob("metadata.json")).parent
    minimal = "minimal CTranslate2 script"
    ours = "polyglot-news translate"
    runs = {minimal: (minimal_argv(folder, random_weights), child_env()),
            ours: (translate_argv(store, random_weights), child_env(ROOT))}
    if tree:
        runs[f"{ours} ({tree})"] = (translate_argv(store, random_weights), child_env(tree.resolve()))
    for argv, env in runs.values():  # untimed: bytecode written, files in the OS cache
        timed(argv, env)
    walls: dict[str, list[float]] = {name: [] for name in runs}
    cpus: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, (argv, env) in runs.items():
            wall, cpu = timed(argv, env)
            walls[name].append(wall)
            cpus[name].append(cpu)
    label = (f"random-weight Transformer base, int8, {TOKENS} tokens, --guard flag" if random_weights
             else "echo test package")
    print(f"\ncold start, one sentence, {model} ({label}), {rounds} alternating rounds "
          "(medians; ratio = median of paired ratios)")
    for name in runs:
        ratio = statistics.median(w / m for w, m in zip(walls[name], walls[minimal], strict=True))
        print(f"{name:<40} wall {statistics.median(walls[name]):.2f} s  CPU {statistics.median(cpus[name]):.2f} s"
              f"  {ratio:.2f}x the minimal script's wall")
    return statistics.median(walls[ours])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--model", choices=["base", "echo", "both"], default="base")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--tree", type=Path, default=None, help="another checkout to time the same command in")
    parser.add_argument("--check", action="store_true", help=f"exit 1 when base takes over {GOAL_S:g} s + noise")
    args = parser.parse_args(argv)
    models = ["base", "echo"] if args.model == "both" else [args.model]
    with tempfile.TemporaryDirectory(prefix="cold-start-") as tmp:
        os.environ.update(ARGOS_PACKAGES_DIR=str(Path(tmp) / "argos"))
        found = {model: measure(model, Path(tmp), args.rounds, args.tree) for model in models}
    if not args.check:
        return 0
    if "base" not in found:
        print("check: --check holds the base package's figure: run it with --model base or both")
        return 1
    ok = found["base"] <= GOAL_S + NOISE_S
    print(f"check base: cold translate {found['base']:.2f} s (goal {GOAL_S:g} s, noise {NOISE_S:g}) "
          f"{'ok' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Translation throughput: our engine against raw CTranslate2 batching and one call per sentence.

Usage (from the repository root)::

    .venv/bin/python benchmarks/translate_bench.py [--package PATH] [-n 200] [--tokens 32]

``--package`` takes an ``.argosmodel`` file or an unpacked package directory; without it a
seeded random-weight package with the official Argos en→ru architecture (Transformer base,
int8) is built in a temporary folder. Input: the first ``n`` English sentences of
``c_parallel/ntrex128_eng_rus_bel_ukr.tsv`` in the eval-dev folder (``POLYGLOT_NEWS_EVAL_DEV``
overrides where it is). Random weights never stop on their own, so every path decodes exactly
``--tokens`` target tokens per sentence (min = max decoding length): the runs are comparable.

Paths, all with the same decoding options and the same loaded model:

* **raw bound**: one ``translate_batch`` over all pre-tokenized sentences (the same batch
  size in tokens as the engine), timing the call alone;
* **engine**: ``ArgosTranslator.translate`` on ``Sentence`` objects, end to end (tokenize,
  sort, translate, detokenize, guard checks, marker placement); once without markers and
  once with an inner and a final marker in every sentence (cross-attention requested);
* **naive**: one ``translate_batch`` call per sentence (what Argos does with its 32-token
  batches);
* **engine overhead**: the engine again with CTranslate2's results replayed, i.e. the
  time it adds around the model (noise-free ratio to the bound);
* **cold start**: a fresh ``python -m polyglot_news translate`` of one sentence with the
  package installed in a temporary store (interpreter start, imports, model load included),
  next to the same process's ``--help``. For scale, the ``argos-translate`` CLI took about
  6 s for one sentence from a cold start on this machine (issue 3).

The machine is shared, so each timed path runs ``--rounds`` times interleaved and the best
(least disturbed) run counts; the median is printed too. Guard retries are off here: on a
random-weight model every output is degenerate, and retrying all of it would time the
retry, not the engine.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from polyglot_news.document import Marker, Sentence
from polyglot_news.translation.decoding import DecodeOptions
from polyglot_news.translation.engine import ArgosTranslator
from polyglot_news.translation.loader import load

TSV = Path("c_parallel") / "ntrex128_eng_rus_bel_ukr.tsv"


def eval_dev() -> Path:
    """The eval-dev folder: ``POLYGLOT_NEWS_EVAL_DEV`` or ``../shared/eval-dev`` beside the repo."""
    override = os.environ.get("POLYGLOT_NEWS_EVAL_DEV")
    return Path(override) if override else REPO.parent / "shared" / "eval-dev"


def english_sentences(count: int) -> list[str]:
    """The first ``count`` English sentences of the NTREX parallel file."""
    path = eval_dev() / TSV
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        out = [row["eng"].strip() for row in rows if row.get("eng", "").strip()]
    if len(out) < count:
        raise SystemExit(f"{path} has only {len(out)} sentences, {count} asked for")
    return out[:count]


def package_dir(arg: str | None, scratch: Path) -> Path:
    """An unpacked package directory: the one given, an unzipped ``.argosmodel``, or a fresh build."""
    if arg is None:
        from lang_models.build_test_packages import build_benchmark_package

        start = time.perf_counter()
        archive = build_benchmark_package(scratch / "zips")
        print(f"built {archive.name} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    else:
        archive = Path(arg)
        if archive.is_dir():
            return archive
    with zipfile.ZipFile(archive) as zf:
        top = zf.namelist()[0].split("/")[0]
        zf.extractall(scratch / "unpacked")
    return scratch / "unpacked" / top


def with_markers(plain: str, index: int) -> Sentence:
    """The sentence with ``[1]`` after its middle word and ``[2]`` before its final punctuation."""
    words = [(m, m + len(w)) for m, w in _spans(plain)]
    middle = words[len(words) // 2 - 1][1] if len(words) > 1 else 0
    core = len(plain.rstrip(".!?\"'»”) "))
    markers = (Marker("[1]", ("1",), min(middle, core), " "), Marker("[2]", ("2",), core, " "))
    return Sentence(plain, markers, index)


def _spans(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    for word in text.split():
        pos = text.index(word, pos)
        out.append((pos, word))
        pos += len(word)
    return out


class _Recorder:
    """Wraps the CTranslate2 translator; can replay its last results to time the engine alone."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.last: dict[bool, Any] = {}
        self.replay = False

    def translate_batch(self, source: list[list[str]], **kwargs: Any) -> Any:
        key = bool(kwargs.get("return_attention"))
        if not self.replay:
            self.last[key] = self.inner.translate_batch(source, **kwargs)
        return self.last[key]


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def cold_start(store: Path, sentence: str, beam: int, k: int) -> tuple[float, float]:
    """Wall time of a fresh ``polyglot-news translate`` of one sentence (interpreter start included).

    Random weights never stop, so ``--max-length k`` makes it decode exactly k tokens, like the
    other paths. The second number is the same process's time for ``--help`` (start-up alone).
    """
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    base = [sys.executable, "-m", "polyglot_news"]
    args = ["translate", "--to", "ru", "--source-lang", "en", "--models", str(store),
            "--beam-size", str(beam), "--max-length", str(k), "-"]
    start = time.perf_counter()
    done = subprocess.run(base + args, input=sentence, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 7):  # 7: --strict only; flags alone exit 0
        raise SystemExit(f"cold-start run failed:\n{done.stderr}")
    start = time.perf_counter()
    subprocess.run(base + ["--help"], capture_output=True, env=env, check=True)
    return wall, time.perf_counter() - start


def _fmt(times: Sequence[float]) -> str:
    return f"best {min(times):7.2f} s  median {statistics.median(times):7.2f} s"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Translation throughput benchmark (see module docstring).")
    parser.add_argument("--package", help=".argosmodel file or unpacked package directory (default: build one)")
    parser.add_argument("-n", "--sentences", type=int, default=200)
    parser.add_argument("--tokens", type=int, default=32, help="target tokens decoded per sentence (K)")
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--batch-tokens", type=int, default=DecodeOptions().batch_tokens)
    parser.add_argument("--inter-threads", type=int, default=1)
    parser.add_argument("--intra-threads", type=int, default=DecodeOptions().intra_threads)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each fast path (best counts)")
    parser.add_argument("--naive-rounds", type=int, default=1)
    parser.add_argument("--cold-rounds", type=int, default=3)
    args = parser.parse_args(argv)

    import ctranslate2  # type: ignore[import-untyped]

    texts = english_sentences(args.sentences)
    k = args.tokens
    options = DecodeOptions(
        beam_size=args.beam,
        min_decoding_length=k,
        max_decoding_length=k,
        batch_tokens=args.batch_tokens,
        inter_threads=args.inter_threads,
        intra_threads=args.intra_threads,
        retry=False,
    )
    with tempfile.TemporaryDirectory(prefix="pn-bench-") as tmp:
        package = package_dir(args.package, Path(tmp))
        load_time, loaded = _timed(lambda: load(package, options))
        engine = ArgosTranslator(package, options)
        recorder = _Recorder(engine.package.translator)
        engine.package = dataclasses.replace(engine.package, translator=recorder)
        tokenizer, raw_translator = loaded.tokenizer, loaded.translator
        tokens: list[list[str]] = tokenizer.encode(texts, out_type=str)
        plain = [Sentence(t, (), i) for i, t in enumerate(texts)]
        marked = [with_markers(t, i) for i, t in enumerate(texts)]
        raw_kwargs: dict[str, Any] = {
            "max_batch_size": options.batch_tokens,
            "batch_type": "tokens",
            "beam_size": options.beam_size,
            "length_penalty": options.length_penalty,
            "max_input_length": options.max_input_length,
            "min_decoding_length": k,
            "max_decoding_length": k,
            "replace_unknowns": options.replace_unknowns,
        }

        print(f"machine: {os.cpu_count()} cores, {_cpu_model()}, {platform.system()} {platform.release()}")
        print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (a shared machine adds noise)")
        print(f"ctranslate2 {ctranslate2.__version__}, python {platform.python_version()}")
        print(f"package: {package.name} (loaded in {load_time:.2f} s)")
        print(
            f"options: {options.signature()}, batch {options.batch_tokens} tokens, "
            f"inter_threads {options.inter_threads}, intra_threads {options.intra_threads}"
        )
        source_tokens = sum(len(t) for t in tokens)
        print(
            f"input: {len(texts)} sentences from {TSV}, {source_tokens} source tokens "
            f"({source_tokens / len(texts):.1f}/sentence), {k} target tokens decoded per sentence"
        )

        def cold_engine(batch: list[Sentence]) -> list[Any]:
            """The engine with its memo of earlier outputs emptied, so every round decodes."""
            engine.package.memo.clear()
            return engine.translate(batch)

        timings: dict[str, list[float]] = {"raw": [], "engine": [], "engine+markers": []}
        produced = 0
        flagged = 0
        for round_ in range(args.rounds):
            seconds, raw = _timed(lambda: raw_translator.translate_batch(tokens, **raw_kwargs))
            timings["raw"].append(seconds)
            produced = sum(len(r.hypotheses[0]) for r in raw)
            seconds, out = _timed(lambda: cold_engine(plain))
            timings["engine"].append(seconds)
            flagged = sum(1 for r in out if r.flags)
            seconds, out = _timed(lambda: cold_engine(marked))
            timings["engine+markers"].append(seconds)
            assert all([m.text for m in r.sentence.markers] == ["[1]", "[2]"] for r in out)
            progress = ", ".join(f"{name} {times[-1]:.2f} s" for name, times in timings.items())
            print(f"round {round_ + 1}: {progress}", file=sys.stderr, flush=True)
        if produced != k * len(texts):
            print(f"warning: raw path produced {produced} target tokens, expected {k * len(texts)}")
        # The engine's own work (tokenize, sort, detokenize, guard, placement), CTranslate2 replayed.
        recorder.replay = True
        overhead: dict[str, float] = {}
        for name, batch in (("engine", plain), ("engine+markers", marked)):
            overhead[name] = min(_timed(partial(cold_engine, batch))[0] for _ in range(3))
        naive: list[float] = []
        for _ in range(args.naive_rounds):
            seconds, _out = _timed(lambda: [raw_translator.translate_batch([t], **raw_kwargs) for t in tokens])
            naive.append(seconds)
            print(f"naive: {seconds:.2f} s", file=sys.stderr, flush=True)
        from polyglot_news.models.installer import install

        store = Path(tmp) / "store"
        install(package, store)
        cold = [cold_start(store, texts[0], options.beam_size, k) for _ in range(args.cold_rounds)]

    n = len(texts)
    bound = min(timings["raw"])
    print()
    print(f"{'path':<34}{'time':>36}{'sent/s':>10}{'tok/s':>10}")
    rows = [
        ("raw translate_batch (the bound)", timings["raw"]),
        ("engine, no markers", timings["engine"]),
        ("engine, 2 markers/sentence (attn)", timings["engine+markers"]),
        ("naive, one call per sentence", naive),
    ]
    for label, times in rows:
        best = min(times)
        print(f"{label:<34}{_fmt(times):>36}{n / best:>10.2f}{n * k / best:>10.1f}")
    print()
    print(f"engine / bound:              {bound / min(timings['engine']):.3f}  (goal >= 0.9)")
    print(f"engine+markers / bound:      {bound / min(timings['engine+markers']):.3f}")
    print(f"engine speed-up over naive:  {min(naive) / min(timings['engine']):.2f}x  (goal >= 3x)")
    print(f"engine+markers over naive:   {min(naive) / min(timings['engine+markers']):.2f}x")
    for name, seconds in overhead.items():
        print(
            f"{name} overhead outside CTranslate2: {seconds:.3f} s "
            f"(bound / (bound + overhead) = {bound / (bound + seconds):.3f})"
        )
    walls = [w for w, _ in cold]
    inner = [i for _, i in cold]
    print(
        f"cold `polyglot-news translate`, 1 sentence: {_fmt(walls)} wall (process start included); "
        f"`polyglot-news --help` {min(inner):.2f} s"
    )
    print(f"guard flags on this random-weight model: {flagged}/{n} sentences (retries off)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Translation speed and memory: our engine against the raw CTranslate2 call, per-sentence calls, Argos.

Usage (from the repository root)::

    .venv/bin/python benchmarks/translate_bench.py [--size base|big|both] [-n 200] [--tokens 32]
    .venv/bin/python benchmarks/translate_bench.py --size base --windows 50,1000 -n 1000

Packages: seeded random-weight packages of the real en→ru sizes, built in a temporary
folder — **base** (Transformer base as in the Argos en→ru package: 6+6 layers, d_model 512,
32,000-piece vocabulary) and **big** (Transformer big: d_model 1024, FFN 4096, 16 heads,
50,000 pieces), int8. ``--package`` times an existing ``.argosmodel`` or unpacked folder.

Tokenization: a SentencePiece unigram model trained here on English text the project
ships (README and docs/, docstrings, examples, the test texts; never on the evaluation data),
padded with made-up pieces to the package's full vocabulary. It cuts the input into about
as many tokens per sentence as a real news model does (printed below). Input: the first
``n`` English sentences of ``c_parallel/ntrex128_eng_rus_bel_ukr.tsv`` in eval-dev
(``POLYGLOT_NEWS_EVAL_DEV`` overrides where it is), read at run time, never stored.
Random weights never stop on their own, so every path decodes exactly ``--tokens``
target tokens per sentence (min = max decoding length): equal output lengths.

Paths, all with the same decoding options and the same loaded model:

* **raw**: one ``translate_batch`` over the pre-tokenized sentences with the engine's own
  batching (``--batch-tokens`` source tokens a batch) — the CTranslate2 call alone, the bound;
* **engine**: ``ArgosTranslator.translate`` end to end (tokenize, sort, translate with
  ``--batch-tokens`` batches, detokenize, guard, marker placement);
* **Argos batching**: one ``translate_batch`` with argostranslate 1.11's batching, 32
  *tokens* a batch (``max_batch_size=32, batch_type="tokens"``): about one news sentence
  a batch;
* **naive**: one ``translate_batch`` call per sentence;
* **argostranslate** (a column only when the package is installed here):
  ``argostranslate.translate`` on the same package, same beam, one sentence a call, run
  offline with ``ARGOS_CHUNK_TYPE=SPACY`` and a blank spaCy pipeline in its cache, as
  ``tests/test_argos_parity.py`` does (it cannot force output lengths, so its time is
  printed but not compared);
* **cold start**: ``benchmarks/cold_start.py``'s commands on this package (installed in a
  temporary store): a fresh ``python -m polyglot_news translate`` of one sentence (source
  detected, ``--guard flag``, ``--tokens`` tokens; beam 4 whatever ``--beam`` says), paired
  round by round with a minimal CTranslate2 script (import, load the model and tokenizer,
  translate the sentence) on the same package, and the ``argos-translate`` CLI on the same
  sentence when it is installed. ``cold_start.py`` is the measure the docs quote.

Speed: each round runs raw, engine, Argos batching and naive back to back; the ratio of
each pair is taken within its round, and the **median of those paired ratios** is printed
(the machine is shared: a ratio taken within one round cancels most of the disturbance).
``--check`` compares them with the bands pinned in ``speed_baseline.json``
(``benchmarks/release_check.py`` runs it before a release).
Memory: each path runs once more in a fresh process, and its peak resident set size
(``VmHWM``, model load included) is printed. Guard retries are off: on random
weights every output is degenerate, and retrying all of it would time the retry.

``--windows 50,1000 -n 1000`` measures instead how the engine's memory depends on how many
sentences one ``translate`` call holds (a ``batch`` window of ``--chunk`` articles is one
call per route): for each window size, a fresh process translates the same ``n`` distinct
English news sentences — NTREX first, then the sentences of the eval-dev English news
articles (``a_summ``), about 1,100 in all — in calls of that many sentences, each sentence
with an inner citation marker after its middle word (so the engine needs the model's
attention for every one). It prints each run's peak RSS, the peak of Python's own heap
during the calls (``tracemalloc``, in a second run, as its bookkeeping inflates the RSS:
what the engine holds, not CTranslate2's buffers), and a
hash of the translated sentences (the same before and after a change that must not alter
output; it may differ between window sizes, as CTranslate2's batches do).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

sys.path.insert(0, str(REPO / "benchmarks"))

from cold_start import child_env, minimal_argv, timed, translate_argv  # noqa: E402
from measure import check, median_ratio  # noqa: E402

from polyglot_news.document import Sentence  # noqa: E402
from polyglot_news.translation.decoding import DEFAULT_BATCH_TOKENS, DecodeOptions  # noqa: E402

TSV = Path("c_parallel") / "ntrex128_eng_rus_bel_ukr.tsv"
SIZES: dict[str, dict[str, int]] = {
    "base": {"layers": 6, "d_model": 512, "ffn": 2048, "heads": 8, "vocab": 32000},
    "big": {"layers": 6, "d_model": 1024, "ffn": 4096, "heads": 16, "vocab": 50000},
}
ARGOS_BATCH = 32
"""argostranslate 1.11's ``max_batch_size``, counted in tokens (``batch_type="tokens"``): a news
sentence of 40-odd tokens is a batch of its own."""
SPM_PIECES = 8000


def eval_dev() -> Path:
    """The eval-dev folder: ``POLYGLOT_NEWS_EVAL_DEV`` or ``../shared/eval-dev`` beside the repo."""
    override = os.environ.get("POLYGLOT_NEWS_EVAL_DEV")
    return Path(override) if override else REPO.parent / "shared" / "eval-dev"


def english_sentences(count: int | None) -> list[str]:
    """The first ``count`` English sentences of the NTREX parallel file (``None``: all)."""
    path = eval_dev() / TSV
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        out = [row["eng"].strip() for row in rows if row.get("eng", "").strip()]
    if count is None:
        return out
    if len(out) < count:
        raise SystemExit(f"{path} has only {len(out)} sentences, {count} asked for")
    return out[:count]


def news_sentences(count: int) -> list[Sentence]:
    """``count`` distinct English news sentences, each with an inner marker ``[k]`` after its middle word."""
    from polyglot_news.citations import extract
    from polyglot_news.segment import split_sentences

    texts = dict.fromkeys(t for t in english_sentences(None) if len(t.split()) >= 4)
    for name in ("bbc_news_summary_55", "cnn_dailymail_20", "xlsum_en_15"):
        with (eval_dev() / "a_summ" / f"{name}.jsonl").open(encoding="utf-8") as handle:
            for line in handle:
                paragraphs = [p for p in json.loads(line)["article"].split("\n") if p.strip()]
                texts.update((s.plain, None) for s in split_sentences(paragraphs, "en") if len(s.plain.split()) >= 4)
    chosen = list(texts)[:count]
    if len(chosen) < count:
        raise SystemExit(f"only {len(chosen)} distinct news sentences in eval-dev, {count} asked for")
    out: list[Sentence] = []
    for index, text in enumerate(chosen):
        words = text.split()
        middle = len(words) // 2
        plain, markers = extract(" ".join([*words[:middle], f"[{index % 9 + 1}]", *words[middle:]]))
        out.append(Sentence(plain, tuple(markers), index))
    return out


def project_english() -> list[str]:
    """English lines the project ships: README and docs/, module docstrings/comments, examples, test texts."""
    files = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md")), REPO / "CHANGELOG.md"]
    files += [REPO / "lang_models" / "README.md", REPO / "lang_models" / "testdata" / "en.txt"]
    files += sorted((REPO / "examples").glob("*.txt")) + sorted((REPO / "polyglot_news").rglob("*.py"))
    lines: list[str] = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip().strip("#\"|`*-").strip()
            if len(line) > 20 and re.search("[A-Za-z]{3}", line):
                lines.append(line)
    return lines


def train_tokenizer() -> bytes:
    """A SentencePiece unigram model (up to 8,000 pieces) trained on :func:`project_english`."""
    import sentencepiece as spm

    from lang_models.build_test_packages import PREFIX_TOKENS

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(project_english()), model_writer=buffer, vocab_size=SPM_PIECES,
        hard_vocab_limit=False, model_type="unigram", character_coverage=1.0, byte_fallback=True,
        normalization_rule_name="identity", control_symbols=list(PREFIX_TOKENS), num_threads=1,
        shuffle_input_sentence=False, input_sentence_size=0, minloglevel=2,
    )
    return buffer.getvalue()


def package_dir(arg: str | None, size: str, scratch: Path) -> Path:
    """An unpacked package directory: the one given, an unzipped ``.argosmodel``, or a fresh build."""
    if arg is None:
        from lang_models.build_test_packages import build_benchmark_package

        start = time.perf_counter()
        shape = SIZES[size]
        archive = build_benchmark_package(
            scratch / "zips", spm_model=train_tokenizer(), tag="-news", layers=shape["layers"],
            d_model=shape["d_model"], ffn=shape["ffn"], heads=shape["heads"], vocab=shape["vocab"],
        )
        print(f"built {archive.name} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    else:
        archive = Path(arg)
        if archive.is_dir():
            return archive
    with zipfile.ZipFile(archive) as zf:
        top = zf.namelist()[0].split("/")[0]
        zf.extractall(scratch / "unpacked")
    return scratch / "unpacked" / top


def decode_options(args: argparse.Namespace) -> DecodeOptions:
    k = args.tokens
    return DecodeOptions(
        beam_size=args.beam, min_decoding_length=k, max_decoding_length=k, batch_tokens=args.batch_tokens,
        intra_threads=args.intra_threads, retry=False,
    )


def raw_kwargs(options: DecodeOptions, batch: int | None = None) -> dict[str, Any]:
    """``translate_batch`` arguments for the options, batched like the engine (or ``batch`` tokens a batch)."""
    return {
        "max_batch_size": batch or options.batch_tokens,
        "batch_type": "tokens",
        "beam_size": options.beam_size,
        "length_penalty": options.length_penalty,
        "max_input_length": options.max_input_length,
        "min_decoding_length": options.min_decoding_length,
        "max_decoding_length": options.max_decoding_length,
        "replace_unknowns": options.replace_unknowns,
    }


class Paths:
    """The timed paths over one loaded model."""

    def __init__(self, package: Path, options: DecodeOptions, texts: list[str]) -> None:
        from polyglot_news.translation.engine import ArgosTranslator
        from polyglot_news.translation.loader import load

        self.options = options
        self.loaded = load(package, options)
        self.engine = ArgosTranslator(package, options)
        self.tokens: list[list[str]] = self.loaded.tokenizer.encode(texts, out_type=str)
        self.sentences = [Sentence(t, (), i) for i, t in enumerate(texts)]
        self.kwargs = raw_kwargs(options)

    def raw(self) -> Any:
        return self.loaded.translator.translate_batch(self.tokens, **self.kwargs)

    def engine_run(self) -> Any:
        self.engine.package.memo.clear()  # every round decodes
        return self.engine.translate(self.sentences)

    def argos_batching(self) -> Any:
        return self.loaded.translator.translate_batch(self.tokens, **raw_kwargs(self.options, ARGOS_BATCH))

    def naive(self) -> Any:
        one = {**self.kwargs, "max_batch_size": 0}
        return [self.loaded.translator.translate_batch([t], **one) for t in self.tokens]


def _timed(fn: Callable[[], Any], cpu: list[float] | None = None) -> float:
    """Wall seconds of ``fn()``; its CPU seconds (this process, every thread) appended to ``cpu``."""
    start, used = time.perf_counter(), time.process_time()
    fn()
    if cpu is not None:
        cpu.append(time.process_time() - used)
    return time.perf_counter() - start


def _peak_mb() -> float:
    """This process's peak resident set (``VmHWM``; ``ru_maxrss`` would carry the parent's peak over exec)."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(args: argparse.Namespace) -> int:
    """``--child PATH``: run one path once in this fresh process; print its time and peak RSS."""
    if args.child == "window":
        import tracemalloc

        from polyglot_news.translation.engine import ArgosTranslator

        sentences = news_sentences(args.sentences)
        engine = ArgosTranslator(Path(args.package), decode_options(args))
        loaded_mb = _peak_mb()
        if args.heap:  # Python's own allocations only (what the engine holds, not CTranslate2's buffers)
            tracemalloc.start()  # its bookkeeping inflates the RSS: that run reports the heap alone
        start = time.perf_counter()
        step = args.window or len(sentences)
        done = [t for k in range(0, len(sentences), step) for t in engine.translate(sentences[k : k + step])]
        seconds = time.perf_counter() - start
        python_mb = tracemalloc.get_traced_memory()[1] / 2**20 if args.heap else 0.0
        tracemalloc.stop()
        digest = hashlib.sha256("\n".join(f"{t.sentence.text}\t{t.flags}" for t in done).encode("utf-8"))
        print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb(), "loaded_mb": loaded_mb,
                          "python_mb": python_mb, "sha": digest.hexdigest()[:12]}))
        return 0
    texts = english_sentences(args.sentences)
    if args.child == "argos":
        loaded_mb = _peak_mb()
        seconds = _timed(lambda: argos_run(args, texts))
    else:
        paths = Paths(Path(args.package), decode_options(args), texts)
        loaded_mb = _peak_mb()
        seconds = _timed(paths.raw if args.child == "raw" else paths.engine_run)
    print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb(), "loaded_mb": loaded_mb}))
    return 0


def argos_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("argostranslate") is not None


SPACY_CACHE = (
    "import spacy\n"
    "from argostranslate import settings\n"
    "cache = settings.cache_dir / 'spacy'\n"
    "spacy.blank('xx').to_disk(cache)\n"
    "(cache / 'senter' / 'model').mkdir(parents=True, exist_ok=True)\n"
)
"""A blank multilingual spaCy pipeline in Argos's cache (with ``senter/model``, so Argos does not try to
download ``xx_sent_ud_sm``): with ``ARGOS_CHUNK_TYPE=SPACY`` Argos then splits sentences offline."""


def offline_argos(home: Path) -> dict[str, str]:
    """An environment where argostranslate runs offline in private folders under ``home`` (prepared once)."""
    env = {
        **os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"), "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_CONFIG_HOME": str(home / "config"), "ARGOS_PACKAGES_DIR": str(home / "packages"),
        "ARGOS_CHUNK_TYPE": "SPACY", "ARGOS_DEVICE_TYPE": "cpu",
    }
    if not (home / "cache").exists():
        subprocess.run([sys.executable, "-c", SPACY_CACHE], env=env, capture_output=True, check=True)
    return env


def argos_run(args: argparse.Namespace, texts: list[str]) -> None:
    """argostranslate on the package: one ``translate`` call per sentence (its own batching), offline."""
    import argostranslate.package
    import argostranslate.translate

    argostranslate.package.install_from_path(args.archive)
    for text in texts:
        argostranslate.translate.translate(text, "en", "ru")


def run_child(args: argparse.Namespace, package: Path, path: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    argv = [sys.executable, __file__, "--child", path, "--package", str(package), "-n", str(args.sentences),
            "--tokens", str(args.tokens), "--beam", str(args.beam), "--batch-tokens", str(args.batch_tokens),
            "--intra-threads", str(args.intra_threads), "--archive", str(args.archive or ""),
            "--window", str(getattr(args, "window", 0) or 0), *(["--heap"] if getattr(args, "heap", False) else [])]
    done = subprocess.run(argv, capture_output=True, text=True, check=False, env=env)
    if done.returncode:
        lines = done.stderr.strip().splitlines()
        return {"error": lines[-1] if lines else f"exit {done.returncode}"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def bench_windows(args: argparse.Namespace, size: str, scratch: Path, measured: dict[str, float]) -> None:
    """Peak RSS of translating the same sentences in calls of each window size, each in a fresh process."""
    package = package_dir(args.package, size, scratch)
    options = decode_options(args)
    windows = [int(c) for c in args.windows.split(",")]
    print(f"\n## {size}: {package.name}, memory against sentences per translate call")
    print(f"input: {args.sentences} distinct English news sentences, an inner marker in each; {args.tokens} target "
          f"tokens each; options {options.signature()}, --batch-tokens {options.batch_tokens}, "
          f"intra_threads {options.intra_threads}")
    print(f"{'sentences a call':>17}{'seconds':>10}{'peak RSS MB':>13}{'after load MB':>15}"
          f"{'Python heap MB':>16}{'outputs sha256':>16}")
    peaks: list[tuple[float, float]] = []
    for window in windows:
        mem = run_child(argparse.Namespace(**{**vars(args), "window": window}), package, "window")
        heap = run_child(argparse.Namespace(**{**vars(args), "window": window, "heap": True}), package, "window")
        if "peak_mb" not in mem or "python_mb" not in heap:
            print(f"{window:>17}{'failed':>10}")
            continue
        peaks.append((mem["peak_mb"], heap["python_mb"]))
        print(f"{window:>17}{mem['seconds']:>10.1f}{mem['peak_mb']:>13.0f}{mem['loaded_mb']:>15.0f}"
              f"{heap['python_mb']:>16.1f}{mem['sha']:>16}")
    if len(peaks) == len(windows) >= 2:
        measured["windows.peak_rss"] = peaks[-1][0] / peaks[0][0]
        measured["windows.python_heap"] = peaks[-1][1] / peaks[0][1]
        print(f"{windows[-1]} sentences a call against {windows[0]}: peak RSS {peaks[-1][0] / peaks[0][0]:.2f}x, "
              f"Python heap peak (tracemalloc) {peaks[-1][1] / peaks[0][1]:.2f}x")


def cold_argos(archive: Path, home: Path, sentence: str) -> float | None:
    """Wall time of the ``argos-translate`` CLI on one sentence, or None when it is not installed."""
    cli = shutil.which("argos-translate") or str(Path(sys.executable).with_name("argos-translate"))
    if not Path(cli).exists():
        return None
    fresh = not home.exists()
    env = offline_argos(home)
    if fresh:
        subprocess.run([Path(cli).with_name("argospm"), "install", str(archive)], env=env, capture_output=True,
                       check=False)
    start = time.perf_counter()
    done = subprocess.run([cli, "--from-lang", "en", "--to-lang", "ru", sentence], env=env, capture_output=True,
                          check=False)
    return time.perf_counter() - start if done.returncode == 0 else None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _median(values: Sequence[float]) -> str:
    return f"{statistics.median(values):.2f}" if values else "-"


def bench_size(args: argparse.Namespace, size: str, scratch: Path, measured: dict[str, float]) -> Path:
    """Every path on one package size; prints its table, adds its paired ratios to ``measured``."""
    package = package_dir(args.package, size, scratch)
    texts = english_sentences(args.sentences)
    options = decode_options(args)
    paths = Paths(package, options, texts)
    n, k = len(texts), args.tokens
    source_tokens = sum(len(t) for t in paths.tokens)
    print(f"\n## {size}: {package.name}")
    print(
        f"input: {n} NTREX sentences, {source_tokens / n:.1f} source tokens/sentence "
        f"({sum(len(t.split()) for t in texts) / n:.1f} words), {k} target tokens each; "
        f"options {options.signature()}, engine and raw batches {options.batch_tokens} tokens, "
        f"Argos batches {ARGOS_BATCH} tokens, intra_threads {options.intra_threads}"
    )
    times: dict[str, list[float]] = {"raw": [], "engine": [], "argos": [], "naive": []}
    cpu: dict[str, list[float]] = {name: [] for name in times}
    for round_ in range(args.rounds):
        times["raw"].append(_timed(paths.raw, cpu["raw"]))
        times["engine"].append(_timed(paths.engine_run, cpu["engine"]))
        if round_ < args.naive_rounds:
            times["argos"].append(_timed(paths.argos_batching, cpu["argos"]))
            times["naive"].append(_timed(paths.naive, cpu["naive"]))
        print(f"round {round_ + 1}: " + ", ".join(f"{name} {t[-1]:.2f} s" for name, t in times.items() if
                                                  len(t) == round_ + 1), file=sys.stderr, flush=True)
    del paths
    memory = {path: run_child(args, package, path) for path in ("raw", "engine")}

    print(f"{'path':<46}{'median s':>10}{'sent/s':>9}{'peak RSS MB':>13}")
    rows = [("raw translate_batch (the engine's batches)", times["raw"], memory["raw"]),
            (f"engine (--batch-tokens {options.batch_tokens})", times["engine"], memory["engine"]),
            (f"Argos batching ({ARGOS_BATCH} tokens a batch)", times["argos"], {}),
            ("naive, one call per sentence", times["naive"], {})]
    for label, spent, mem in rows:
        if not spent:
            continue
        med = statistics.median(spent)
        rss = f"{mem['peak_mb']:.0f}" if "peak_mb" in mem else "-"
        print(f"{label:<46}{med:>10.2f}{(n / med if med else 0):>9.1f}{rss:>13}")
    if argos_available():
        archives = sorted(package.parent.parent.glob("zips/*.argosmodel"))
        argos = run_child(argparse.Namespace(**{**vars(args), "archive": archives[0] if archives else args.package}),
                          package, "argos", offline_argos(scratch / "argos-home"))
        label = "argostranslate.translate (own lengths)"
        if "seconds" in argos:
            print(f"{label:<46}{argos['seconds']:>10.2f}{n / argos['seconds']:>9.1f}{argos['peak_mb']:>13.0f}")
        else:
            print(f"{label:<46}{'failed':>10}  ({str(argos['error'])[:160]})")
    else:
        print("argostranslate: not installed here (no column)")
    if "peak_mb" in memory["raw"] and "peak_mb" in memory["engine"]:
        ratio = memory["engine"]["peak_mb"] / memory["raw"]["peak_mb"]
        measured[f"{size}.engine_vs_raw.peak_rss"] = ratio
        print(f"engine peak RSS / raw: {ratio:.2f}; peak after loading the model: {memory['raw']['loaded_mb']:.0f} MB")
    engine = times["engine"]
    for name, label in (("raw", "raw"), ("argos", "Argos batching"), ("naive", "naive")):
        if times[name]:
            ratio = median_ratio(times[name], engine[: len(times[name])])
            work = median_ratio(cpu[name], cpu["engine"][: len(cpu[name])])
            measured[f"{size}.engine_vs_{name}.speed"] = ratio
            measured[f"{size}.engine_vs_{name}.cpu"] = work
            print(f"engine speed / {label}, median of {len(times[name])} paired ratios: {ratio:.2f}x "
                  f"(CPU time: {label} / engine {work:.2f}x)")
    return package


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Translation speed and memory benchmark (see module docstring).")
    parser.add_argument("--size", choices=("base", "big", "both"), default="both")
    parser.add_argument("--package", help=".argosmodel file or unpacked package directory (default: build one)")
    parser.add_argument("-n", "--sentences", type=int, default=200)
    parser.add_argument("--tokens", type=int, default=32, help="target tokens decoded per sentence (K)")
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--batch-tokens", type=int, default=DEFAULT_BATCH_TOKENS)
    parser.add_argument("--intra-threads", type=int, default=DecodeOptions().intra_threads)
    parser.add_argument("--rounds", type=int, default=3, help="paired rounds of raw and engine")
    parser.add_argument("--naive-rounds", type=int, default=1)
    parser.add_argument("--cold-rounds", type=int, default=3)
    parser.add_argument("--windows", help="comma-separated sentences per translate call: peak RSS of translating "
                        "-n sentences in calls of each size (only this table is printed)")
    parser.add_argument("--check", action="store_true",
                        help="compare the paired ratios with their bands in speed_baseline.json (exit 1 outside)")
    parser.add_argument("--window", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--heap", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child", choices=("raw", "engine", "argos", "window"), help=argparse.SUPPRESS)
    parser.add_argument("--archive", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)

    import ctranslate2  # type: ignore[import-untyped]

    print(f"machine: {os.cpu_count()} cores, {_cpu_model()}, {platform.system()} {platform.release()}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (a shared machine adds noise)")
    print(f"ctranslate2 {ctranslate2.__version__}, python {platform.python_version()}")
    sizes = ("base", "big") if args.size == "both" else (args.size,)
    if args.windows:
        found: dict[str, float] = {}
        with tempfile.TemporaryDirectory(prefix="pn-bench-") as tmp:
            for size in sizes:
                bench_windows(args, size, Path(tmp) / size, found)
        return check(f"translate_bench --windows {args.windows}", found) if args.check else 0
    measured: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="pn-bench-") as tmp:
        built = [bench_size(args, size, Path(tmp) / size, measured) for size in sizes]
        if args.cold_rounds:
            from polyglot_news.models.installer import install

            package = built[0]
            archives = sorted((Path(tmp) / sizes[0] / "zips").glob("*.argosmodel"))
            archive = archives[0] if archives else Path(args.package)
            store = Path(tmp) / "store"
            install(package, store)
            sentence = english_sentences(1)[0]
            ours: list[float] = []
            minimal: list[float] = []
            theirs: list[float] = []
            commands = [(translate_argv(store, True, args.tokens), child_env(REPO)),
                        (minimal_argv(package, True, args.tokens), child_env())]
            for argv, env in commands:  # untimed: bytecode written, files in the OS cache
                timed(argv, env, sentence)
            for _ in range(args.cold_rounds):
                ours.append(timed(*commands[0], sentence)[0])
                minimal.append(timed(*commands[1], sentence)[0])
                argos = cold_argos(archive, Path(tmp) / "argos-home", sentence)
                if argos is not None:
                    theirs.append(argos)
            against = median_ratio(ours, minimal)
            measured["cold.translate_vs_minimal"] = against
            print(f"\ncold `polyglot-news translate`, 1 sentence, median of {len(ours)}: {_median(ours)} s"
                  " (process start and model load included; cold_start.py's command: source detected, "
                  f"--guard flag, {args.tokens} tokens); a minimal CTranslate2 script on the same "
                  f"package and sentence: {_median(minimal)} s; median paired ratio {against:.2f}x")
            if theirs:
                ratios = [t / o for t, o in zip(theirs, ours, strict=False)]
                print(f"cold `argos-translate` CLI, same sentence and package: {_median(theirs)} s "
                      f"(median paired ratio {_median(ratios)}x; it decodes to its own length)")
            else:
                print("cold `argos-translate` CLI: not installed here (no comparison)")
    if args.check:
        return sum(check(f"translate_bench --size {size}", {
            name.split(".", 1)[1] if name.startswith(f"{size}.") else name: value
            for name, value in measured.items() if name.startswith((f"{size}.", "cold."))
        }) for size in sizes)
    return 0


if __name__ == "__main__":
    sys.exit(main())

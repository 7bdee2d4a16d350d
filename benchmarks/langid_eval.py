"""Language-identification accuracy on eval-dev: plain detectors against polyglot_news.langid.detect().

Reads ``eval-dev/b_langid/all_core.jsonl`` (every item; the Leipzig word pairs are part of it) and
prints one table, a row per detector (an abstention counts as a miss):

  langdetect (seeded)           plain langdetect, all 55 profiles (no be, sr, kk, mn profile)
  lingua 2.x (all languages)    plain lingua, when installed (``pip install '.[lingua]'``)
  polyglot-news (langdetect)    detect(), the default
  polyglot-news (lingua)        detect(detector="lingua"), when lingua is installed

Columns: accuracy on be, ru, uk short (<= 60 chars) and longer items, en, mk and bg short, all
20 languages, be/ru/uk together, then the abstentions (``und``) and the milliseconds per item.
``--detail`` adds the per-language x per-length table of detect(), ``--errors`` lists its misses.
``--memory`` runs detect(detector="lingua") with lingua asked about all its 75 languages and about
those the detector can name, each in fresh processes over the items: accuracy and peak RSS.

``--short`` adds a table of short text built from eval-dev at run time: headlines and sentences
of up to 60 characters (NTREX en/ru/be/uk, XL-Sum, CNN/Daily Mail highlights, BBC titles) and
word pairs (two words of 4+ letters, drawn with a fixed seed from the longer items of each
language, at most 100 a language), as Leipzig's word-pair test data is made.
``--check`` measures detect() alone and compares its figures with the floors of the ``langid``
section of ``quality_baseline.json`` (``benchmarks/gate.py``): exit 1 when one is below its floor.

    .venv/bin/python benchmarks/langid_eval.py [--items FILE.jsonl] [--detail] [--errors] [--memory]
    .venv/bin/python benchmarks/langid_eval.py --check

The eval-dev folder is ``../shared/eval-dev`` beside the repo, or ``$POLYGLOT_NEWS_EVAL_DEV``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from polyglot_news.langid import lingua_backend
from polyglot_news.langid.detector import detect

BUCKETS = ("short", "medium", "long")


def eval_dev() -> Path:
    """The eval-dev folder: ``$POLYGLOT_NEWS_EVAL_DEV`` or ``../shared/eval-dev`` beside the repo."""
    env = os.environ.get("POLYGLOT_NEWS_EVAL_DEV")
    return Path(env) if env else ROOT.parent / "shared" / "eval-dev"


def load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def plain_langdetect(text: str) -> str:
    """langdetect as a user would call it, seeded (its module-level factory, all profiles)."""
    from langdetect import DetectorFactory  # type: ignore[import-untyped]
    from langdetect import detect as ld_detect
    from langdetect.lang_detect_exception import LangDetectException  # type: ignore[import-untyped]

    DetectorFactory.seed = 0
    try:
        return str(ld_detect(text)).split("-", 1)[0]
    except LangDetectException:
        return "und"


def plain_lingua() -> Any:
    """lingua as a user would call it: all languages, ``detect_language_of``."""
    from lingua import LanguageDetectorBuilder

    detector = LanguageDetectorBuilder.from_all_languages().build()

    def run(text: str) -> str:
        found = detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found is not None else "und"

    return run


SUMMARY = (  # (column, languages, length buckets)
    ("be short", ("be",), ("short",)),
    ("be longer", ("be",), ("medium", "long")),
    ("ru short", ("ru",), ("short",)),
    ("ru longer", ("ru",), ("medium", "long")),
    ("uk short", ("uk",), ("short",)),
    ("uk longer", ("uk",), ("medium", "long")),
    ("en short", ("en",), ("short",)),
    ("mk short", ("mk",), ("short",)),
    ("bg short", ("bg",), ("short",)),
    ("all 20", (), ()),
    ("be/ru/uk", ("be", "ru", "uk"), ()),
    ("be/ru/uk short", ("be", "ru", "uk"), ("short",)),
)


def summary_row(name: str, items: list[dict[str, Any]], found: list[str], seconds: float) -> str:
    """One line of the detector table: accuracy per column, abstentions, ms per item."""
    cells = []
    for _, langs, buckets in SUMMARY:
        picked = [
            (item, got)
            for item, got in zip(items, found, strict=True)
            if (not langs or item["lang"] in langs) and (not buckets or item.get("length_bucket") in buckets)
        ]
        cells.append(pct(sum(item["lang"] == got for item, got in picked), len(picked)))
    und = sum(got == "und" for got in found)
    return f"| {name} | " + " | ".join(cells) + f" | {und} | {1000 * seconds / max(len(items), 1):.1f} |"


def pct(num: int, den: int) -> str:
    return f"{100.0 * num / den:5.1f}" if den else "    -"


def table(rows: list[dict[str, Any]], title: str) -> None:
    """Print per-language x per-bucket accuracy for langdetect and detect()."""
    cells: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for row in rows:
        for key in (
            (row["lang"], row["length_bucket"]),
            (row["lang"], "all"),
            ("ALL", row["length_bucket"]),
            ("ALL", "all"),
        ):
            c = cells[key]
            c["n"] += 1
            c["ld"] += row["ld"] == row["lang"]
            c["ours"] += row["ours"] == row["lang"]
            c["und"] += row["ours"] == "und"
    langs = sorted({r["lang"] for r in rows}) + ["ALL"]
    print(f"\n## {title} ({len(rows)} items)")
    print("accuracy %: ld = plain langdetect (seeded); ours = detect() with und counted wrong;")
    print("dec = detect() over decided items; und = abstentions")
    header = f"{'lang':<5}" + "".join(f" | {b:^27}" for b in (*BUCKETS, "all"))
    print(header)
    print(f"{'':<5}" + " | {:>4} {:>5} {:>5} {:>5} {:>4}".format("n", "ld", "ours", "dec", "und") * 4)
    for lang in langs:
        line = f"{lang:<5}"
        for bucket in (*BUCKETS, "all"):
            c = cells.get((lang, bucket), Counter())
            decided = c["n"] - c["und"]
            ours = f"{pct(c['ours'], c['n'])} {pct(c['ours'], decided)}"
            line += f" | {c['n']:>4} {pct(c['ld'], c['n'])} {ours} {c['und']:>4}"
        print(line)


_MEMORY_RUN = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
items = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8") if line.strip()]
from lingua import Language
from polyglot_news.langid import lingua_backend
from polyglot_news.langid.detector import detect
if sys.argv[3] == "all":  # as before the detector named its languages: all of lingua's
    every = tuple(sorted(language.iso_code_639_1.name.lower() for language in Language.all()))
    lingua_backend.languages = lambda: every
started = time.perf_counter()
right = sum(detect(item["text"], detector="lingua").language == item["lang"] for item in items)
# VmHWM, not ru_maxrss: Linux carries the parent's peak into a forked child's ru_maxrss.
status = open("/proc/self/status", encoding="ascii").read()
peak = int(status.split("VmHWM:", 1)[1].split()[0]) / 1024
print(json.dumps({"accuracy": 100.0 * right / len(items), "peak_mb": peak, "seconds": time.perf_counter() - started}))
"""


def memory_rows(path: Path, rounds: int = 3) -> None:
    """detect(detector="lingua") over all of lingua's languages and over the detector's own: accuracy
    and peak RSS, each run in a fresh process, alternating, medians of ``rounds`` (lingua loads its
    models on several threads, so a process's peak varies from run to run)."""
    import statistics
    import subprocess

    modes = (("all", 75), ("ours", len(lingua_backend.languages())))
    runs: dict[str, list[dict[str, float]]] = {mode: [] for mode, _ in modes}
    for _ in range(rounds):
        for mode, _count in modes:
            command = [sys.executable, "-c", _MEMORY_RUN, str(ROOT), str(path), mode]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            runs[mode].append(json.loads(done.stdout))
    print(f"\n| `--detector lingua`, lingua asked about | all 20 | peak RSS MB (median of {rounds}, range) | seconds |")
    print("|---|---:|---:|---:|")
    for mode, count in modes:
        peaks = [run["peak_mb"] for run in runs[mode]]
        accuracy = runs[mode][0]["accuracy"]
        seconds = statistics.median(run["seconds"] for run in runs[mode])
        spread = f"{statistics.median(peaks):.0f} ({min(peaks):.0f}-{max(peaks):.0f})"
        print(f"| {count} languages | {accuracy:.1f} | {spread} | {seconds:.1f} |")


GATED = (  # (name in quality_baseline.json, languages, length buckets): accuracy %, und a miss
    ("all_20", (), ()),
    ("be_ru_uk", ("be", "ru", "uk"), ()),
    ("en_short", ("en",), ("short",)),
    ("bg_short", ("bg",), ("short",)),
    ("ru_short", ("ru",), ("short",)),
)


def short_items(root: Path, core: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Headlines, short sentences and word pairs from eval-dev (see ``--short``), deduplicated."""
    import csv
    import random
    import re

    word = re.compile(r"[^\W\d_]{4,}")
    out: list[dict[str, Any]] = []
    longer: list[tuple[str, str]] = [(i["lang"], i["text"]) for i in core if i.get("length_bucket") != "short"]
    with (root / "c_parallel" / "ntrex128_eng_rus_bel_ukr.tsv").open(encoding="utf-8") as handle:
        seen_docs: set[str] = set()
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            first = row["doc_id"] not in seen_docs
            seen_docs.add(row["doc_id"])
            for column, lang in (("eng", "en"), ("rus", "ru"), ("bel", "be"), ("ukr", "uk")):
                if first or len(row[column]) <= 60:
                    out.append({"text": row[column], "lang": lang, "kind": "headline"})
                longer.append((lang, row[column]))
    for name in ("a_summ/xlsum_en_15.jsonl", "d_ru_summ/xlsum_ru_uk_30.jsonl", "a_summ/cnndm_frank_en.jsonl",
                 "a_summ/bbc_news_summary_55.jsonl", "a_summ/cnn_dailymail_20.jsonl"):
        for story in load(root / name):
            lang = story.get("lang", "en")
            titles = [story["title"]] if story.get("title") else []
            bullets = [s for s in story.get("reference_summary_sentences") or [] if len(s) <= 60]
            out += [{"text": text, "lang": lang, "kind": "headline"} for text in titles + bullets]
            longer.append((lang, story["article"]))
    rng = random.Random(0)
    pairs: dict[str, list[str]] = defaultdict(list)
    for lang, text in longer:
        words = [w.lower() for w in word.findall(text)]
        if len(words) >= 2 and len(pairs[lang]) < 100:
            one, two = sorted(rng.sample(range(len(words)), 2))
            pairs[lang].append(f"{words[one]} {words[two]}")
    out += [{"text": text, "lang": lang, "kind": "pair"} for lang, texts in pairs.items() for text in texts]
    unique = {(item["text"], item["lang"]): item for item in out}
    return list(unique.values())


def short_table(items: list[dict[str, Any]], detectors: list[tuple[str, Any]]) -> None:
    """Accuracy on the short items: headlines (en, be/ru/uk), word pairs (en, bg, be/ru/uk, others)."""
    groups = (
        ("headlines en", "headline", ("en",)), ("headlines be/ru/uk", "headline", ("be", "ru", "uk")),
        ("pairs en", "pair", ("en",)), ("pairs bg", "pair", ("bg",)), ("pairs mk", "pair", ("mk",)),
        ("pairs be/ru/uk", "pair", ("be", "ru", "uk")), ("pairs other", "pair", ()),
    )
    print(f"\n# short text from eval-dev ({len(items)} items); accuracy %, an abstention a miss")
    print("| detector | " + " | ".join(f"{name} ({sum(_in(i, kind, langs) for i in items)})"
                                      for name, kind, langs in groups) + " | abstains |")
    print("|---|" + "---:|" * (len(groups) + 1))
    for name, call in detectors:
        found = [call(item["text"]) for item in items]
        cells = []
        for _, kind, langs in groups:
            picked = [item["lang"] == got for item, got in zip(items, found, strict=True) if _in(item, kind, langs)]
            cells.append(pct(sum(picked), len(picked)))
        print(f"| {name} | " + " | ".join(cells) + f" | {sum(got == 'und' for got in found)} |", flush=True)


def _in(item: dict[str, Any], kind: str, langs: tuple[str, ...]) -> bool:
    named = ("en", "bg", "mk", "be", "ru", "uk")
    return item["kind"] == kind and (item["lang"] in langs if langs else item["lang"] not in named)


def gate_figures(items: list[dict[str, Any]], found: list[str]) -> dict[str, float]:
    """The figures the quality gate pins, and ``decided``: 100 - the share of abstentions (%)."""
    figures = {}
    for name, langs, buckets in GATED:
        picked = [
            item["lang"] == got
            for item, got in zip(items, found, strict=True)
            if (not langs or item["lang"] in langs) and (not buckets or item.get("length_bucket") in buckets)
        ]
        figures[name] = 100.0 * sum(picked) / len(picked)
    figures["decided"] = 100.0 - 100.0 * sum(got == "und" for got in found) / len(found)
    return figures


def run_detector(items: list[dict[str, Any]], call: Any) -> tuple[list[str], float]:
    """Each item's detected language (``und`` for an abstention) and the seconds it took."""
    started = time.perf_counter()
    found = [call(item["text"]) for item in items]
    return found, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=Path, default=None, help="a JSONL file of {text, lang, length_bucket}")
    parser.add_argument("--detail", action="store_true", help="the per-language x per-length table of detect()")
    parser.add_argument("--errors", action="store_true", help="list every item detect() got wrong")
    parser.add_argument("--memory", action="store_true", help="lingua's peak RSS: all languages vs the detector's")
    parser.add_argument("--check", action="store_true", help="detect() against the quality gate's floors")
    parser.add_argument("--short", action="store_true", help="headlines and word pairs built from eval-dev")
    args = parser.parse_args()
    path = args.items or eval_dev() / "b_langid" / "all_core.jsonl"
    items = load(path)
    if args.check:
        from gate import check

        found, _ = run_detector(items, lambda text: detect(text).language)
        print(f"# detect() on {path.name}, {len(items)} items (accuracy %, an abstention counted as a miss)")
        sys.exit(check("langid", gate_figures(items, found)))
    have_lingua = lingua_backend.available()
    detectors: list[tuple[str, Any]] = [("langdetect (seeded)", plain_langdetect)]
    if have_lingua:
        detectors.append((f"lingua {lingua_backend.version()} (all languages)", plain_lingua()))
    detectors.append(("polyglot-news (langdetect)", lambda text: detect(text).language))
    if have_lingua:
        detectors.append(("polyglot-news (lingua)", lambda text: detect(text, detector="lingua").language))
    print(f"# langid eval: {path.name}, {len(items)} items in {len({i['lang'] for i in items})} languages;")
    print("# accuracy %, an abstention counted as a miss; short = up to 60 characters; ms/item includes")
    print("# the first call's model loading" + ("" if have_lingua else "; lingua not installed: its rows left out"))
    print("| detector | " + " | ".join(name for name, _, _ in SUMMARY) + " | abstains | ms/item |")
    print("|---|" + "---:|" * (len(SUMMARY) + 2))
    results: dict[str, list[str]] = {}
    for name, call in detectors:
        found, seconds = run_detector(items, call)
        results[name] = found
        print(summary_row(name, items, found, seconds), flush=True)
    if args.short:
        short_table(short_items(eval_dev(), items), detectors)
    if args.memory and have_lingua:
        memory_rows(path)
    if not (args.detail or args.errors):
        return
    rows: list[dict[str, Any]] = []
    plain, ours_all = results["langdetect (seeded)"], results["polyglot-news (langdetect)"]
    for item, ld, ours in zip(items, plain, ours_all, strict=True):
        found_ours = detect(item["text"])
        rows.append(
            {
                "id": item.get("id", ""),
                "lang": item["lang"],
                "length_bucket": item.get("length_bucket", "all"),
                "ld": ld,
                "ours": ours,
                "reason": found_ours.reason,
                "confidence": found_ours.confidence,
                "text": item["text"],
            }
        )
    if args.detail:
        table(rows, path.name)
        pairs = [r for r in rows if "wordpair" in r["id"]]
        if pairs:
            table(pairs, "Leipzig word pairs (subset)")
    reasons = Counter(r["reason"] for r in rows if r["ours"] == "und")
    print("\nabstentions by reason:", dict(sorted(reasons.items())) or "none")
    confusions = Counter((r["lang"], r["ours"]) for r in rows if r["ours"] not in (r["lang"], "und"))
    print("confusions (gold -> ours):", ", ".join(f"{g}->{o} {n}" for (g, o), n in confusions.most_common()) or "none")
    if args.errors:
        for r in rows:
            if r["ours"] != r["lang"]:
                where = f"{r['lang']}->{r['ours']} ({r['reason']}, {r['confidence']:.2f}) {r['id']}"
                print(f"  {where}: {r['text'][:80]!r}")


if __name__ == "__main__":
    main()

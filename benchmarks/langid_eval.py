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

    .venv/bin/python benchmarks/langid_eval.py [--items FILE.jsonl] [--detail] [--errors]

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
    args = parser.parse_args()
    path = args.items or eval_dev() / "b_langid" / "all_core.jsonl"
    items = load(path)
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

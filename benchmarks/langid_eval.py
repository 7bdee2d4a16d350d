"""Language-identification accuracy of polyglot_news.detect() against plain seeded langdetect.

Reads ``eval-dev/b_langid/all_core.jsonl`` (every item; the Leipzig word pairs are part of it) and
prints, per language and per length bucket (short <= 60 chars, medium <= 400, long):

  ld      plain langdetect, seeded, all 55 profiles (it has no be, sr, kk, mn profile)
  ours    detect(), counting "und" as wrong
  dec     detect() over the items it decided (abstentions left out)
  und     how many items detect() abstained on

Then the same for the word-pair subset, the abstention reasons and the confusions.

    .venv/bin/python benchmarks/langid_eval.py [--items FILE.jsonl] [--errors]

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

from polyglot_news.detect import detect

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=Path, default=None, help="a JSONL file of {text, lang, length_bucket}")
    parser.add_argument("--errors", action="store_true", help="list every item detect() got wrong")
    args = parser.parse_args()
    path = args.items or eval_dev() / "b_langid" / "all_core.jsonl"
    items = load(path)
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    ours_time = 0.0
    for item in items:
        t0 = time.perf_counter()
        found = detect(item["text"])
        ours_time += time.perf_counter() - t0
        rows.append(
            {
                "id": item.get("id", ""),
                "lang": item["lang"],
                "length_bucket": item.get("length_bucket", "all"),
                "ld": plain_langdetect(item["text"]),
                "ours": found.language,
                "reason": found.reason,
                "confidence": found.confidence,
                "text": item["text"],
            }
        )
    print(f"# langid eval: {path.name}, {len(rows)} items, {time.perf_counter() - started:.1f}s total,")
    print(f"# detect() {1000 * ours_time / max(len(rows), 1):.1f} ms/item (first call loads the models)")
    table(rows, path.name)
    pairs = [r for r in rows if "wordpair" in r["id"]]
    if pairs:
        table(pairs, "Leipzig word pairs (subset)")
    reasons = Counter(r["reason"] for r in rows if r["ours"] == "und")
    print("\nabstentions by reason:", dict(sorted(reasons.items())) or "none")
    confusions = Counter((r["lang"], r["ours"]) for r in rows if r["ours"] not in (r["lang"], "und"))
    print("confusions (gold -> ours):", ", ".join(f"{g}->{o} {n}" for (g, o), n in confusions.most_common()) or "none")
    wrong = [r for r in rows if r["ours"] != r["lang"]]
    right = [r for r in rows if r["ours"] == r["lang"]]
    if right:
        mean_right = sum(r["confidence"] for r in right) / len(right)
        mean_wrong = sum(r["confidence"] for r in wrong if r["ours"] != "und") / max(1, len(wrong))
        print(f"mean confidence: correct {mean_right:.3f}, wrong (decided) {mean_wrong:.3f}")
    if args.errors:
        for r in wrong:
            print(f"  {r['lang']}->{r['ours']} ({r['reason']}, {r['confidence']:.2f}) {r['id']}: {r['text'][:80]!r}")


if __name__ == "__main__":
    main()

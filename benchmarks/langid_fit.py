"""How the Cyrillic model's ``LINGUA_MASS`` and ``LINGUA_MIN_COUNT`` were chosen, rerunnable.

``lang_models/build_langid_model.py`` adds lingua 1.x's letter models to the Cyrillic character
model, scaled to ``LINGUA_MASS`` letters and pruned below ``LINGUA_MIN_COUNT``. This builds a
candidate model in memory for every cell of a small grid (no lingua; mass 1M-100M letters x min
count 0, 30, 100) and
runs detect() with it over eval-dev's ``b_langid/all_core.jsonl`` plus fragments cut with a fixed
seed from its longer be/bg/mk/ru/sr/uk items (three an item: a word pair of 4+-letter words, as
Leipzig's word-pair data is made, or 2-5 consecutive words). An item's fold is its source
(leipzig-sent, leipzig-wordpair, tatoeba, udhr, ntrex); a fragment's, that of its item.

A cell's score is the number of items it gets right (an abstention a miss); ties go to the
smaller model (fewer n-grams). Printed: each cell's accuracy on all the data; leave one source
out (the cell chosen on the other sources and its accuracy on the held-out one, beside the
committed cell's); the cell all the data chooses, against the committed constants.

    .venv/bin/pip download --no-deps lingua-language-detector==1.3.5 -d /tmp/lingua1
    .venv/bin/pip install brotli
    .venv/bin/python benchmarks/langid_fit.py \\
        --lingua-wheel /tmp/lingua1/lingua_language_detector-1.3.5-py3-none-any.whl

A benchmark, not a test: it needs the downloaded wheel, and nothing in CI runs it. The eval-dev
folder is ``../shared/eval-dev`` beside the repo, or ``$POLYGLOT_NEWS_EVAL_DEV``.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, cast
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from langid_eval import eval_dev, load, pct

from lang_models.build_langid_model import LINGUA_MASS, LINGUA_MIN_COUNT, build
from polyglot_news.langid import detector
from polyglot_news.langid.charmodel import CharModel

MASSES = (1_000_000.0, 3_000_000.0, 10_000_000.0, 30_000_000.0, 100_000_000.0)
MIN_COUNTS = (0.0, 30.0, 100.0)
Cell = tuple[float, float]  # (lingua mass, lingua min count); (0, 0): lingua left out
CELLS: tuple[Cell, ...] = ((0.0, 0.0), *((m, c) for m in MASSES for c in MIN_COUNTS))
FOLDS = ("leipzig-sent", "leipzig-wordpair", "tatoeba", "udhr", "ntrex")
FRAGMENT_LANGS = ("be", "bg", "mk", "ru", "sr", "uk")
Item = dict[str, Any]
COLUMNS: tuple[tuple[str, Callable[[Item], bool]], ...] = (
    ("bg short", lambda i: i["lang"] == "bg" and i["length_bucket"] == "short"),
    ("mk short", lambda i: i["lang"] == "mk" and i["length_bucket"] == "short"),
    ("be/ru/uk", lambda i: i["lang"] in ("be", "ru", "uk")),
    ("all", lambda i: True),
)


def fold(item: Item) -> str:
    """The item's source: its id less the language and number (``leipzig-sent-be-002``)."""
    return "ntrex" if item["id"].startswith("ntrex") else str(item["id"].rsplit("-", 2)[0])


def fragments(core: list[Item], seed: int = 0, per_item: int = 3) -> list[Item]:
    """Word pairs and 2-5-word fragments of the longer Cyrillic items (short items of their fold)."""
    rng = random.Random(seed)
    word = re.compile(r"[^\W\d_]+")
    out: list[Item] = []
    for item in core:
        if item["length_bucket"] == "short" or item["lang"] not in FRAGMENT_LANGS:
            continue
        words = word.findall(item["text"])
        long_words = [w.lower() for w in words if len(w) >= 4]
        if len(words) < 6:
            continue
        for _ in range(per_item):
            if rng.random() < 0.4 and len(long_words) >= 2:
                one, two = sorted(rng.sample(range(len(long_words)), 2))
                text, kind = f"{long_words[one]} {long_words[two]}", "pair"
            else:
                size = rng.choice((2, 3, 4, 5))
                start = rng.randrange(len(words) - size + 1)
                text, kind = " ".join(words[start : start + size]), "words"
            out.append({"text": text, "lang": item["lang"], "length_bucket": "short", "fold": fold(item), "kind": kind})
    return out


def candidate(wheel: Path, cell: Cell) -> tuple[CharModel, int]:
    """The model ``build_langid_model.py`` would write with this cell's constants, and its n-grams."""
    mass, min_count = cell
    data = build(lingua_wheel=wheel if mass else None, lingua_mass=mass, lingua_min_count=min_count)
    counts = cast(dict[str, dict[str, float]], data["counts"])
    words = cast(dict[str, list[str]], data["words"])
    model = replace(CharModel.from_counts(counts), lexicon={lang: frozenset(w) for lang, w in words.items()})
    return model, sum(len(grams) for grams in counts.values())


def score(items: list[Item], model: CharModel) -> list[bool]:
    """Whether detect(), reading ``model`` as its Cyrillic model, names each item's language."""
    with mock.patch.object(detector, "cyrillic_model", lambda: model):
        return [detector.detect(item["text"]).language == item["lang"] for item in items]


class Fit:
    """Every cell's right/wrong per item, and the rule that picks a cell."""

    def __init__(self, items: list[Item], right: dict[Cell, list[bool]], grams: dict[Cell, int]) -> None:
        self.items, self.right, self.grams = items, right, grams

    def choose(self, use: Callable[[Item], bool]) -> Cell:
        """The cell with the most items of ``use`` right; ties to the fewer n-grams."""

        def value(cell: Cell) -> tuple[int, int]:
            return sum(r for i, r in zip(self.items, self.right[cell], strict=True) if use(i)), -self.grams[cell]

        return max(CELLS, key=value)

    def cells(self, cell: Cell, use: Callable[[Item], bool]) -> list[str]:
        """Accuracy of ``cell`` in each column over the items of ``use`` (with the count)."""
        out = []
        for _, column in COLUMNS:
            picked = [r for i, r in zip(self.items, self.right[cell], strict=True) if use(i) and column(i)]
            out.append(f"{pct(sum(picked), len(picked))} ({len(picked)})" if picked else "-")
        return out


def in_fold(held: str, inside: bool) -> Callable[[Item], bool]:
    """Whether an item is of the fold ``held`` (``inside``) or of another."""
    return lambda item: (item["fold"] == held) == inside


def name(cell: Cell) -> str:
    mass, min_count = cell
    return "no lingua" if not mass else f"{mass / 1e6:g}M, {min_count:g}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lingua-wheel", type=Path, required=True, help="lingua-language-detector 1.3.5's wheel")
    args = parser.parse_args()
    core = [dict(item, fold=fold(item), kind="core") for item in load(eval_dev() / "b_langid" / "all_core.jsonl")]
    cut = fragments(core)
    items = core + cut
    right: dict[Cell, list[bool]] = {}
    grams: dict[Cell, int] = {}
    for cell in CELLS:
        started = time.perf_counter()
        model, grams[cell] = candidate(args.lingua_wheel, cell)
        right[cell] = score(items, model)
        print(f"{name(cell)}: {sum(right[cell])}/{len(items)} right, {time.perf_counter() - started:.0f} s",
              file=sys.stderr, flush=True)
    fit = Fit(items, right, grams)
    kinds = Counter(i["kind"] for i in cut)
    print(f"# eval-dev b_langid: {len(core)} items and {len(cut)} fragments ({kinds['pair']} word pairs, "
          f"{kinds['words']} of 2-5 words) of its longer be/bg/mk/ru/sr/uk items (seed 0)")
    print("# accuracy %, an abstention a miss (items); a cell is (lingua mass in letters, min count)")
    header = " | ".join(c for c, _ in COLUMNS)
    print(f"\n| cell | n-grams | {header} | right |\n|---|---:|" + "---:|" * (len(COLUMNS) + 1))
    for cell in CELLS:
        print(f"| {name(cell)} | {grams[cell]:,} | " + " | ".join(fit.cells(cell, lambda i: True))
              + f" | {sum(right[cell])} |")
    committed = (LINGUA_MASS, LINGUA_MIN_COUNT)
    print(f"\n# leave one source out: the cell chosen on the other sources, scored on the held-out one "
          f"(committed: {name(committed)})")
    print(f"| held out | chosen | {header} | committed: {header} |\n|---|---|" + "---:|" * 2 * len(COLUMNS))
    for held in FOLDS:
        chosen = fit.choose(in_fold(held, False))
        test = in_fold(held, True)
        print(f"| {held} | {name(chosen)} | " + " | ".join(fit.cells(chosen, test) + fit.cells(committed, test)) + " |")
    full = fit.choose(lambda i: True)
    verdict = "the procedure picks the committed constants" if full == committed else (
        "the procedure does NOT pick the committed constants")
    print(f"\nall the data chooses {name(full)}; committed LINGUA_MASS={LINGUA_MASS:,.0f}, "
          f"LINGUA_MIN_COUNT={LINGUA_MIN_COUNT:g}: {verdict}")


if __name__ == "__main__":
    main()

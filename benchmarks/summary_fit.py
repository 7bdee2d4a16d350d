"""How ``auto``'s three constants were fitted, and the alternatives that were measured and left out.

Run through ``summary_bench.py --derive`` / ``--tried`` (it loads the articles and scores).

The fit. ``auto`` (polyglot_news/summarize/auto.py) has three constants: ``lead_until`` (up to
this requested share of the sentences the summary is the article's first sentences),
``reduction_from`` (from this share on, Reduction's ranking alone; linear between) and
``overlap`` (near-repeat threshold; 1.0 = off). Every cell of a grid (``lead_until`` 0.20-0.45
and ``reduction_from`` up to 0.60 in steps of 0.025, ``overlap`` 0.5-0.8 and off) is scored on
each goal set (BBC, CNN/DM pooled, XL-Sum en/ru/uk) by its slack against the set's goal: ROUGE-1
of ``auto`` minus the set's anchor (Lead-N; on BBC the best single method) plus the goal's
tolerance (0.3 on BBC and CNN/DM, 0.5 on XL-Sum). A cell's value is the smallest slack over the
sets, averaged over the cell and its neighbours in the two ratio constants (a plateau, not a lucky
spike); ties go to the larger mean slack. The sets count alike, whatever their size: a goal
holds per set. Cross-validation: (a) five folds of articles within every set (an article's fold
is its id's SHA-256 mod 5): fit on four, summarize the fifth with the fitted cell; the
out-of-fold ROUGE per set estimates what held-out articles of the same sources get. (b) leave one
set out: fit on the others, score the one left out (a new kind of text).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Sequence

from summary_bench import GOALS, SINGLE, Article, rouge_of

from polyglot_news import summarize as S

GRID_LEAD = tuple(round(0.2 + 0.025 * i, 3) for i in range(11))
GRID_REDUCTION = tuple(round(0.225 + 0.025 * i, 3) for i in range(16))
GRID_OVERLAP = (0.5, 0.6, 0.7, 0.8, 1.0)
Cell = tuple[float, float, float]
CELLS: tuple[Cell, ...] = tuple((a, b, o) for a in GRID_LEAD for b in GRID_REDUCTION if b > a for o in GRID_OVERLAP)


def auto_pick(article: Article, params: S.AutoParams) -> list[int]:
    """What ``auto`` with ``params`` picks, from the article's stored Reduction scores."""
    sentences, k = article["sentences"], article["k"]
    if k >= len(sentences):
        return list(range(len(sentences)))
    scores = S.auto_scores(sentences, article["language"], None, k, params,  # type: ignore[arg-type]
                           reduction=article["scores"]["reduction"])
    from polyglot_news.summarize.auto import pick

    return pick(scores, article["content"], sentences, k, params.overlap)


def r1(article: Article, chosen: Sequence[int]) -> float:
    return 100 * rouge_of(article, chosen)["r1"]


class Fit:
    """Every grid cell's ROUGE-1 on every article of the goal sets, and the rule that picks a cell."""

    def __init__(self, data: dict[str, list[Article]]) -> None:
        self.sets = {name: data[name] for name in GOALS}
        articles = [a for arts in self.sets.values() for a in arts]
        self.cell_r1 = {
            cell: {a["id"]: r1(a, auto_pick(a, S.AutoParams(*cell))) for a in articles} for cell in CELLS
        }
        self.single = {m: {a["id"]: r1(a, a["chosen"][m]) for a in articles} for m in SINGLE}

    def anchor(self, name: str, ids: Sequence[str]) -> float:
        """The set's goal anchor on these articles: Lead-N, or (BBC) the best single method."""
        kind = GOALS[name][0]
        means = {m: _mean(self.single[m][i] for i in ids) for m in (("lead",) if kind == "lead" else SINGLE)}
        return max(means.values())

    def slack(self, cell: Cell, name: str, ids: Sequence[str]) -> float:
        return _mean(self.cell_r1[cell][i] for i in ids) - self.anchor(name, ids) + GOALS[name][1]

    def choose(self, subsets: dict[str, list[str]]) -> Cell:
        """The best cell by the smoothed smallest slack over ``subsets`` (set -> article ids)."""
        slack = {cell: {s: self.slack(cell, s, ids) for s, ids in subsets.items()} for cell in CELLS}

        def value(cell: Cell) -> tuple[float, float]:
            near = _neighbours(cell)
            smoothed = [_mean(slack[c][s] for c in near) for s in subsets]
            return (min(smoothed), _mean(smoothed))

        return max(CELLS, key=value)


def _neighbours(cell: Cell) -> list[Cell]:
    a, b, o = cell
    ia, ib = GRID_LEAD.index(a), GRID_REDUCTION.index(b)
    return [
        (GRID_LEAD[x], GRID_REDUCTION[y], o)
        for x in range(max(0, ia - 1), min(len(GRID_LEAD), ia + 2))
        for y in range(max(0, ib - 1), min(len(GRID_REDUCTION), ib + 2))
        if GRID_REDUCTION[y] > GRID_LEAD[x]
    ]


def _mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items)


def fold_of(article: Article) -> int:
    return int(hashlib.sha256(article["id"].encode("utf-8")).hexdigest(), 16) % 5


def _cell(cell: Cell) -> str:
    return f"lead_until {cell[0]}, reduction_from {cell[1]}, overlap {cell[2]}"


def derive(data: dict[str, list[Article]]) -> Cell:
    """Rerun the fit and both cross-validations; print each fold's choice and score."""
    fit = Fit(data)
    everything = {name: [a["id"] for a in arts] for name, arts in fit.sets.items()}
    chosen = fit.choose(everything)
    shipped = (S.AUTO.lead_until, S.AUTO.reduction_from, S.AUTO.overlap)
    print(f"fit on all of eval-dev ({len(CELLS)} cells): {_cell(chosen)}; in auto.py: {_cell(shipped)}")
    for name, ids in everything.items():
        print(f"  {name:<10} ROUGE-1 {_mean(fit.cell_r1[chosen][i] for i in ids):5.1f}, goal slack "
              f"{fit.slack(chosen, name, ids):+.2f} (>= 0: goal met)")
    print(f"smallest slack over the sets by lead_until (rows) x reduction_from (columns), overlap {chosen[2]}:")
    print("       " + "".join(f"{b:>7}" for b in GRID_REDUCTION))
    for lead in GRID_LEAD:
        cells = [
            f"{min(fit.slack((lead, b, chosen[2]), s, ids) for s, ids in everything.items()):>7.2f}"
            if b > lead else " " * 7
            for b in GRID_REDUCTION
        ]
        print(f"{lead:>6} " + "".join(cells))
    print("\ncross-validation (a): five folds of articles within every set")
    out_of_fold: dict[str, float] = {}
    for k in range(5):
        train = {name: [a["id"] for a in arts if fold_of(a) != k] for name, arts in fit.sets.items()}
        cell = fit.choose(train)
        print(f"  fold {k}: fitted on {sum(len(v) for v in train.values())} articles: {_cell(cell)}")
        for arts in fit.sets.values():
            for a in arts:
                if fold_of(a) == k:
                    out_of_fold[a["id"]] = fit.cell_r1[cell][a["id"]]
    print("  out-of-fold, per set (each article summarized with the cell fitted without its fold):")
    for name, ids in everything.items():
        ours = _mean(out_of_fold[i] for i in ids)
        anchor = fit.anchor(name, ids)
        margin = ours - anchor
        met = "met" if margin >= -GOALS[name][1] else "NOT MET"
        print(f"    {name:<10} auto {ours:5.1f}, anchor {anchor:5.1f}: {margin:+.2f} "
              f"(goal >= -{GOALS[name][1]}: {met})")
    print("cross-validation (b): leave one set out")
    for name, ids in everything.items():
        cell = fit.choose({s: v for s, v in everything.items() if s != name})
        margin = fit.slack(cell, name, ids) - GOALS[name][1]
        print(f"  without {name:<10}: {_cell(cell)}; on {name}: {margin:+.2f} vs its anchor")
    print()
    return chosen


Picker = Callable[[Article], list[int]]


def _window(method: str, extra: int) -> Picker:
    """Reduction's (or another method's) best k among the first k + ``extra`` sentences."""

    def choose(a: Article) -> list[int]:
        k = min(a["k"], len(a["sentences"]))
        order = a["scores"][method] if method in a["scores"] else None
        window = list(range(min(len(a["sentences"]), k + extra)))
        if order is None:
            return window[:k]
        return sorted(sorted(window, key=lambda i: (-order[i], i))[:k])

    return choose


def _oracle(extra: int) -> Picker:
    """The best k of the first k + ``extra`` sentences by ROUGE-1 against the reference: a ceiling."""
    import itertools

    def choose(a: Article) -> list[int]:
        k = min(a["k"], len(a["sentences"]))
        window = range(min(len(a["sentences"]), k + extra))
        return list(max(itertools.combinations(window, k), key=lambda c: rouge_of(a, list(c))["r1"]))

    return choose


def _old_auto(a: Article) -> list[int]:
    """``auto`` version 1: Reduction blended with position, weight 0.8 x (1 - ratio / 0.35)."""
    ratio = a["k"] / len(a["sentences"])
    scores = S.position_blend(a["scores"]["reduction"], 0.8 * max(0.0, 1 - ratio / 0.35))
    return sorted(sorted(range(len(scores)), key=lambda i: (-scores[i], i))[: a["k"]])


def _lead_heavy(threshold: float) -> Picker:
    """Lead-N where the lead covers the article (cosine of content-word counts) at least ``threshold``
    times as well as Reduction's picks do, else Reduction: a per-article lead-heaviness switch."""

    def cosine(a: Article, chosen: Sequence[int]) -> float:
        whole: dict[str, int] = {}
        for words in a["content"]:
            for w in words:
                whole[w] = whole.get(w, 0) + 1
        part: dict[str, int] = {}
        for i in chosen:
            for w in a["content"][i]:
                part[w] = part.get(w, 0) + 1
        dot = sum(c * whole[w] for w, c in part.items())
        norm = math.sqrt(sum(c * c for c in part.values()) * sum(c * c for c in whole.values()))
        return dot / norm if norm else 0.0

    def choose(a: Article) -> list[int]:
        lead: list[int] = a["chosen"]["lead"]
        red: list[int] = a["chosen"]["reduction"]
        return lead if cosine(a, lead) >= threshold * cosine(a, red) else red

    return choose


def tried(data: dict[str, list[Article]]) -> None:
    """Score the alternatives left out, on every goal set, against the set's goal."""
    candidates: dict[str, Picker] = {
        "auto version 1 (the previous default)": _old_auto,
        **{f"{m}'s best 3 of the first {3 + e}": _window(m, e) for m in ("reduction",) for e in (1, 2)},
        **{f"lead-heaviness switch, lead if its coverage >= {t} x Reduction's": _lead_heavy(t)
           for t in (0.8, 0.9, 1.0)},
        "ceiling: best 3 of the first 4 by ROUGE (not a method)": _oracle(1),
        "ceiling: best 3 of the first 5 by ROUGE (not a method)": _oracle(2),
    }
    fit_sets = {name: data[name] for name in GOALS}
    print("alternatives left out: ROUGE-1 per set (margin against the set's goal anchor)")
    for label, choose in candidates.items():
        cells = []
        for name, arts in fit_sets.items():
            ours = _mean(r1(a, choose(a)) for a in arts)
            anchor = max(_mean(r1(a, a["chosen"][m]) for a in arts)
                         for m in (("lead",) if GOALS[name][0] == "lead" else SINGLE))
            cells.append(f"{name} {ours:.1f} ({ours - anchor:+.1f})")
        print(f"  {label}: " + ", ".join(cells))
    print()

"""ROUGE of every summary method, the default first, per news set of ../shared/eval-dev.

Usage: .venv/bin/python benchmarks/summary_bench.py [--derive] [--tried] [--check] [--stemmers] [--json PATH]

Sets and summary lengths (the same for every method): BBC News Summary takes as many sentences as
its extractive reference has (~45 % of the article: long summaries); CNN/Daily Mail (the 10
stories of ``cnn_dailymail_20`` and the 108 of ``cnndm_frank_en``, pooled as ``cnndm``, the goal's
set) and XL-Sum (en, ru, uk) take 3, the Lead-3 convention. Scores are ROUGE-1/2/L F1 x 100 from
benchmarks/rouge.py (Unicode ``\\w+`` tokens, lowercased, no stemming: the ``rouge-score``
package's tokenizer drops Cyrillic), averaged over the articles of a set; for the English sets
the same table with ``rouge-score`` and its stemmer follows when the package is installed
(``pip install -e '.[eval]'``), comparable with published figures. Speed: sentence scoring only
(split and ROUGE excluded), articles per second on one core. The eval texts are read, never copied.

The goals the default is held to (``--check`` pins them in quality_baseline.json): ROUGE-1 at
least Lead-3 - 0.3 on CNN/DM, at least the best single method - 0.3 on BBC, never more than 0.5
below Lead-N on an XL-Sum set. ``--derive`` reruns the procedure that fitted ``auto``'s three
constants, with its cross-validation (benchmarks/summary_fit.py says how); ``--tried`` scores
the alternatives that were measured and left out.

``--stemmers`` checks the Belarusian stemmer without Belarusian reference summaries: on the
NTREX-128 documents (sentence-aligned eng/rus/ukr/bel), it counts how many of the 3 sentences
picked from the English text are also picked from the translation, for several stemmers.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from rouge import rouge

from polyglot_news import segment
from polyglot_news import summarize as S

FILES: dict[str, tuple[str, str]] = {
    # name: (file under eval-dev, language: the "lang" field's value where the file mixes them)
    "bbc": ("a_summ/bbc_news_summary_55.jsonl", "en"),
    "cnn": ("a_summ/cnn_dailymail_20.jsonl", "en"),
    "cnndm_frank": ("a_summ/cnndm_frank_en.jsonl", "en"),
    "xlsum_en": ("a_summ/xlsum_en_15.jsonl", "en"),
    "xlsum_ru": ("d_ru_summ/xlsum_ru_uk_30.jsonl", "ru"),
    "xlsum_uk": ("d_ru_summ/xlsum_ru_uk_30.jsonl", "uk"),
}
POOLED = {"cnndm": ("cnn", "cnndm_frank")}
"""Sets made of files: CNN/DM is the goal's set, its two files are shown too."""

GOALS: dict[str, tuple[str, float]] = {
    # set: (what the default is held against, tolerance in ROUGE-1 points)
    "bbc": ("best", 0.3),
    "cnndm": ("lead", 0.3),
    "xlsum_en": ("lead", 0.5),
    "xlsum_ru": ("lead", 0.5),
    "xlsum_uk": ("lead", 0.5),
}
SINGLE = ("lead", "lexrank", "textrank", "lsa", "luhn", "edmundson", "kl", "sumbasic", "reduction")
METRICS = ("r1", "r2", "rL")

Article = dict[str, Any]  # id, sentences, reference, k, language, scores {method: [...]}, content
Table = dict[str, dict[str, dict[str, float]]]  # set -> method -> r1/r2/rL (and s: seconds)


def eval_dev() -> Path:
    """The eval-dev folder: $POLYGLOT_NEWS_EVAL_DEV or ../shared/eval-dev beside the repo."""
    env = os.environ.get("POLYGLOT_NEWS_EVAL_DEV")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "eval-dev"


def segmenter(language: str) -> tuple[S.WordTokenizer, Callable[[str], list[str]]]:
    """The product's word tokenizer and a text -> body sentences splitter for ``language``."""
    tokenizer = segment.Tokenizer(language)

    def split(text: str) -> list[str]:
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
        return [s.plain for s in segment.split_sentences(paragraphs, language)]

    return tokenizer, split


def length_for(name: str, row: dict[str, Any]) -> int:
    """BBC: the reference's sentence count; every other set: 3."""
    if name == "bbc":
        return len(row["reference_summary_sentences"])
    return 3


def load(name: str) -> list[dict[str, Any]]:
    path, language = FILES[name]
    rows = [json.loads(line) for line in (eval_dev() / path).read_text("utf-8").splitlines() if line.strip()]
    if "lang" in rows[0] and path.startswith("d_"):
        rows = [r for r in rows if r["lang"] == language]
    return rows


def pick(scores: Sequence[float], k: int) -> list[int]:
    return sorted(sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:k])


def score_all(methods: Sequence[str], files: Sequence[str] = tuple(FILES)) -> tuple[dict[str, list[Article]], Table]:
    """Every article's sentence scores by each method, and the seconds each method took per set."""
    data: dict[str, list[Article]] = {}
    seconds: Table = {}
    for name in files:
        language = FILES[name][1]
        tokenizer, split = segmenter(language)
        warm = ["One short sentence here.", "Another short sentence there.", "A third one.", "And a fourth."]
        for m in methods:  # import sumy and its stemmer before the clock runs
            S.summarize(warm, language, tokenizer, method=m, count=1)
        articles: list[Article] = []
        spent: dict[str, float] = {}
        for row in load(name):
            sentences = split(row["article"])
            k = length_for(name, row)
            chosen: dict[str, list[int]] = {}
            scores: dict[str, list[float]] = {}
            for m in methods:
                start = time.perf_counter()
                chosen[m] = S.summarize(sentences, language, tokenizer, method=m, count=k)
                spent[m] = spent.get(m, 0.0) + time.perf_counter() - start
                if m in ("reduction", "lead"):
                    scores[m] = S.sentence_scores(sentences, language, tokenizer, method=m)
            content = S.content_words((tokenizer.to_words(s) for s in sentences), language)
            articles.append({"id": row["id"], "sentences": sentences, "reference": row["reference_summary"],
                             "k": k, "language": language, "chosen": chosen, "scores": scores, "content": content})
        data[name] = articles
        seconds[name] = {m: {"s": s} for m, s in spent.items()}
        print(f"{name}: {len(articles)} articles", file=sys.stderr)
    for pooled, parts in POOLED.items():
        if all(p in data for p in parts):
            data[pooled] = [a for p in parts for a in data[p]]
            seconds[pooled] = {m: {"s": sum(seconds[p][m]["s"] for p in parts)} for m in methods}
    return data, seconds


_ROUGE: dict[tuple[str, str, tuple[int, ...]], dict[str, float]] = {}


def rouge_of(article: Article, chosen: Sequence[int], scorer: str = "unicode") -> dict[str, float]:
    """ROUGE F1 of the summary made of ``chosen``: benchmarks/rouge.py, or rouge-score with its stemmer."""
    key = (scorer, article["id"], tuple(chosen))
    if key not in _ROUGE:
        text = " ".join(article["sentences"][i] for i in chosen)
        if scorer == "unicode":
            _ROUGE[key] = rouge(text, article["reference"])
        else:
            got = _rouge_score().score(article["reference"], text)
            _ROUGE[key] = {"r1": got["rouge1"].fmeasure, "r2": got["rouge2"].fmeasure, "rL": got["rougeL"].fmeasure}
    return _ROUGE[key]


def _rouge_score() -> Any:
    if "scorer" not in _SCORER:
        from rouge_score import rouge_scorer  # type: ignore[import-not-found,import-untyped,unused-ignore]

        _SCORER["scorer"] = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    return _SCORER["scorer"]


_SCORER: dict[str, Any] = {}


def have_rouge_score() -> bool:
    try:
        _rouge_score()
    except ImportError:
        return False
    return True


def mean_rouge(articles: Sequence[Article], method: str, scorer: str = "unicode") -> dict[str, float]:
    """Mean ROUGE F1 x 100 of ``method``'s summaries."""
    total = {m: 0.0 for m in METRICS}
    for article in articles:
        got = rouge_of(article, article["chosen"][method], scorer)
        for m in METRICS:
            total[m] += got[m]
    return {m: 100 * v / len(articles) for m, v in total.items()}


def per_article_r1(articles: Sequence[Article], method: str) -> list[float]:
    return [100 * rouge_of(a, a["chosen"][method])["r1"] for a in articles]


def table_of(data: dict[str, list[Article]], methods: Sequence[str], scorer: str = "unicode") -> Table:
    return {name: {m: mean_rouge(articles, m, scorer) for m in methods} for name, articles in data.items()}


def best_single(table: Table, name: str) -> str:
    return max((m for m in SINGLE if m in table[name]), key=lambda m: table[name][m]["r1"])


def print_table(table: Table, seconds: Table | None, data: dict[str, list[Article]], title: str) -> None:
    sets = list(table)
    methods = list(next(iter(table.values())))
    print(title)
    counts = "".join(f"{f'{s} ({len(data[s])})':>20}" for s in sets)
    print(f"{'method':<16}{counts}" + (f"{'art/s':>8}" if seconds else ""))
    for m in methods:
        cells = "".join(
            f"{table[s][m]['r1']:>10.1f}/{table[s][m]['r2']:>4.1f}/{table[s][m]['rL']:>4.1f}" for s in sets
        )
        speed = ""
        if seconds:
            files = [s for s in sets if s in FILES]
            spent = sum(seconds[s][m]["s"] for s in files)
            speed = f"{sum(len(data[s]) for s in files) / spent:>8.0f}" if spent else ""
        print(f"{m + (' *' if m == S.DEFAULT_METHOD else ''):<16}{cells}{speed}")
    print()


def goals(table: Table, data: dict[str, list[Article]]) -> dict[str, float]:
    """Print the default against each goal's anchor (paired standard error); return the gate's figures."""
    default = S.DEFAULT_METHOD
    figures: dict[str, float] = {}
    print(f"goals: the default ({default}) against Lead-N or the best single method, ROUGE-1 "
          "(+- standard error of the mean paired difference over the articles)")
    for name, (anchor, tolerance) in GOALS.items():
        if name not in table:
            continue
        against = "lead" if anchor == "lead" else best_single(table, name)
        ours, theirs = per_article_r1(data[name], default), per_article_r1(data[name], against)
        diffs = [a - b for a, b in zip(ours, theirs, strict=True)]
        mean = sum(diffs) / len(diffs)
        spread = (sum((d - mean) ** 2 for d in diffs) / max(1, len(diffs) - 1)) ** 0.5 / len(diffs) ** 0.5
        met = "met" if mean >= -tolerance else "NOT MET"
        print(f"  {name:<12}{len(diffs):>4} articles: {default} {table[name][default]['r1']:5.1f}, {against} "
              f"{table[name][against]['r1']:5.1f}: {mean:+.2f} +- {spread:.2f} (goal >= -{tolerance}: {met})")
        figures[f"{name}.r1"] = table[name][default]["r1"]
        figures[f"{name}.r1_minus_{anchor}"] = mean
    for name in table:
        if name not in GOALS:
            figures[f"{name}.r1"] = table[name][default]["r1"]
    print()
    return figures


def _constant(stem: Callable[[str], str]) -> Callable[[str], Callable[[str], str]]:
    return lambda _language: stem


def stemmer_check() -> None:
    """Cross-lingual agreement of 3-sentence picks, per method, language and stemmer."""
    from sumy.nlp.stemmers import Stemmer  # type: ignore[import-untyped]

    from polyglot_news.summarize import methods

    path = eval_dev() / "c_parallel" / "ntrex128_eng_rus_bel_ukr.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    docs: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        docs.setdefault(row["doc_id"], []).append(row)
    docs = {d: rs for d, rs in docs.items() if len(rs) >= 6}
    variants: dict[str, Callable[[str], str]] = {
        "none": str.lower,
        "be-light": S.stem_belarusian,
        "ru-snowball": Stemmer("russian"),
        "uk-sumy": Stemmer("ukrainian"),
    }
    print(f"agreement with the English pick, {len(docs)} NTREX docs of >= 6 sentences, 3 picked")
    print(f"{'method':<10}{'lang':<6}" + "".join(f"{v:>13}" for v in variants))
    for method in ("lexrank", "textrank", "luhn", "reduction"):
        tokenizer, _ = segmenter("en")
        english = {d: set(S.summarize([r["eng"] for r in rs], "en", tokenizer,
                                      method=method, count=3)) for d, rs in docs.items()}
        for column, language in (("rus", "ru"), ("ukr", "uk"), ("bel", "be")):
            tokenizer, _ = segmenter(language)
            cells = []
            for stem in variants.values():
                with mock.patch.object(methods, "stemmer", _constant(stem)):
                    same = sum(
                        len(english[d] & set(S.summarize([r[column] for r in rs], language,
                                                         tokenizer, method=method, count=3)))
                        for d, rs in docs.items()
                    )
                cells.append(same / (3 * len(docs)))
            print(f"{method:<10}{language:<6}" + "".join(f"{c:>13.3f}" for c in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--derive", action="store_true", help="rerun the fit of auto's constants, with its folds")
    parser.add_argument("--tried", action="store_true", help="score the alternatives to auto that were left out")
    parser.add_argument("--check", action="store_true",
                        help="the quality gate: the default's figures against quality_baseline.json (section summary)")
    parser.add_argument("--stemmers", action="store_true", help="only the Belarusian stemmer check")
    parser.add_argument("--json", type=Path, help="also write the tables as JSON here")
    args = parser.parse_args()
    start = time.perf_counter()
    if args.stemmers:
        stemmer_check()
        return
    # The gate needs the default, Lead-N, and the single methods on BBC (its goal's anchor) only.
    methods = [S.DEFAULT_METHOD] + [m for m in S.METHODS if m != S.DEFAULT_METHOD]
    if args.check:
        data, seconds = score_all([S.DEFAULT_METHOD, "lead"], [f for f in FILES if f != "bbc"])
        bbc, bbc_seconds = score_all([S.DEFAULT_METHOD, *SINGLE], ["bbc"])
        data.update(bbc)
        seconds.update(bbc_seconds)
        table = {name: table_of({name: arts}, list(arts[0]["chosen"]))[name] for name, arts in data.items()}
    else:
        data, seconds = score_all(methods)
        table = table_of(data, methods)
    order = ["bbc", "cnndm", "cnn", "cnndm_frank", "xlsum_en", "xlsum_ru", "xlsum_uk"]
    table = {name: table[name] for name in order if name in table}
    tables = {"unicode": table}
    if not args.check:
        print_table(table, seconds, data, "ROUGE F1 x100 as R1/R2/RL (benchmarks/rouge.py: Unicode tokens, no "
                    "stemming); * = the default; art/s = articles per second, sentence scoring only")
        english = {name: data[name] for name in table if data[name][0]["language"] == "en"}
        if have_rouge_score():
            tables["rouge_score"] = table_of(english, methods, "stemmed")
            print_table(tables["rouge_score"], None, english,
                        "English sets, ROUGE F1 x100 as R1/R2/RL with the rouge-score package (stemmer on)")
        else:
            print("rouge-score not installed: its English table left out (pip install -e '.[eval]')\n")
    figures = goals(table, data)
    if args.derive or args.tried:
        import summary_fit

        if args.derive:
            summary_fit.derive(data)
        if args.tried:
            summary_fit.tried(data)
    print(f"({time.perf_counter() - start:.1f} s)", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(tables, indent=1), encoding="utf-8")
    if args.check:
        from gate import check

        sys.exit(check("summary", figures))


if __name__ == "__main__":
    main()

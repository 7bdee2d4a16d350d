"""Sentence segmentation and citation-marker attachment: our splitter against alternatives.

Usage::

    .venv/bin/python benchmarks/segment_eval.py            # pysbd is optional (measurement only)
    .venv/bin/python benchmarks/segment_eval.py --check    # the quality gate (section "markers")

Datasets:
  * ``tests/data/segmentation_golden.jsonl`` (ours): paragraphs with expected sentences.
  * ``$POLYGLOT_NEWS_EVAL_DEV/e_citations/*.jsonl`` (third-party, read in place, default
    ``../shared/eval-dev``): paragraphs with marker offsets, no sentence boundaries.
  * ``$POLYGLOT_NEWS_EVAL_DEV/a_summ/bbc_news_summary_55.jsonl``: the extractive reference
    sentences, an independent check of boundaries on news text (``bbc sent``).

Metrics:
  * boundary P/R/F1 and exact paragraphs: sentence ends compared with the golden ones;
  * marker attachment: a marker is correct when the sentence holding it also holds the
    text right before it (other markers and separators skipped); ``own`` counts markers that
    ended up in a sentence with no letter or digit besides markers.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from polyglot_news.citations import extract
from polyglot_news.segment import split_sentences

Span = tuple[int, int]
Splitter = Callable[[str, str], list[Span]]


def eval_dev_dir() -> Path:
    env = os.environ.get("POLYGLOT_NEWS_EVAL_DEV")
    return Path(env) if env else ROOT.parent / "shared" / "eval-dev"


def locate(text: str, sentences: Sequence[str]) -> list[Span]:
    """Spans of ``sentences`` found in order in ``text`` (stripped); unfound ones are skipped."""
    spans: list[Span] = []
    pos = 0
    for sentence in sentences:
        s = sentence.strip()
        if not s:
            continue
        i = text.find(s, pos)
        if i < 0:
            continue
        spans.append((i, i + len(s)))
        pos = i + len(s)
    return spans


def ours(text: str, lang: str) -> list[Span]:
    return locate(text, [s.text for s in split_sentences([text], lang)])


def naive(text: str, lang: str) -> list[Span]:
    del lang
    return locate(text, re.split(r"(?<=[.!?…])\s+", text))


def punkt_untrained(text: str, lang: str) -> list[Span]:
    from nltk.tokenize.punkt import PunktSentenceTokenizer  # type: ignore[import-untyped,unused-ignore]

    del lang
    return [(s, e) for s, e in PunktSentenceTokenizer().span_tokenize(text)]


_PYSBD: dict[str, object] = {}


def pysbd_split(text: str, lang: str) -> list[Span]:
    import pysbd  # type: ignore[import-untyped,import-not-found,unused-ignore]

    code = lang if lang in ("en", "ru") else ("ru" if lang in ("be", "uk") else "en")
    seg = _PYSBD.get(code)
    if seg is None:
        seg = _PYSBD[code] = pysbd.Segmenter(language=code, clean=False)
    return locate(text, seg.segment(text))  # type: ignore[attr-defined]


def marker_spans(text: str) -> list[Span]:
    """Source spans of the markers our grammar finds in ``text``."""
    _, markers = extract(text)
    spans: list[Span] = []
    shift = 0
    for m in markers:
        start = m.offset + shift + len(m.lead)
        spans.append((start, start + len(m.text)))
        shift += len(m.lead) + len(m.text)
    return spans


def attachment(text: str, sentences: list[Span], markers: list[Span]) -> tuple[int, int, int]:
    """(correct, own-sentence, total) for the markers of one paragraph."""
    def holder(pos: int) -> int | None:
        for k, (s, e) in enumerate(sentences):
            if s <= pos < e:
                return k
        return None

    covered = [False] * len(text)
    for s, e in markers:
        for i in range(s, e):
            covered[i] = True
    correct = own = 0
    for s, _ in markers:
        got = holder(s)
        p = s - 1
        while p >= 0 and (covered[p] or text[p].isspace() or text[p] in ",;"):
            p -= 1
        want = holder(p) if p >= 0 else 0
        if got is not None and got == want:
            correct += 1
        if got is not None:
            ss, se = sentences[got]
            if not any(text[i].isalnum() and not covered[i] for i in range(ss, se)):
                own += 1
    return correct, own, len(markers)


def boundaries(spans: list[Span]) -> set[int]:
    return {e for _, e in spans[:-1]}


def run_golden(splitter: Splitter, items: list[dict[str, object]]) -> dict[str, float]:
    tp = fp = fn = exact = 0
    ok = own = total = 0
    for item in items:
        text = str(item["text"])
        gold = locate(text, [str(s) for s in item["sentences"]])  # type: ignore[attr-defined]
        pred = splitter(text, str(item["lang"]))
        g, p = boundaries(gold), boundaries(pred)
        tp += len(g & p)
        fp += len(p - g)
        fn += len(g - p)
        exact += int(gold == pred)
        c, o, t = attachment(text, pred, marker_spans(text))
        ok, own, total = ok + c, own + o, total + t
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    return {
        "exact": exact / len(items),
        "P": prec,
        "R": rec,
        "F1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0,
        "attach": ok / total if total else 1.0,
        "own": own,
        "markers": total,
    }


def run_citations(splitter: Splitter, items: list[dict[str, object]]) -> dict[str, float]:
    ok = own = total = 0
    for item in items:
        text = str(item["text"])
        markers = [(int(m["start"]), int(m["end"])) for m in item["markers"]]  # type: ignore[attr-defined]
        c, o, t = attachment(text, splitter(text, "en"), markers)
        ok, own, total = ok + c, own + o, total + t
    return {"attach": ok / total if total else 1.0, "own": own, "markers": total}


def run_bbc(splitter: Splitter, items: list[dict[str, object]]) -> float:
    """Share of BBC extractive reference sentences that come out as one of our sentences."""
    found = total = 0
    for item in items:
        ours_set: set[str] = set()
        for para in re.split(r"\n\s*\n", str(item["article"])):
            ours_set.update(para[s:e].strip() for s, e in splitter(para.strip(), "en"))
        for ref in item["reference_summary_sentences"]:  # type: ignore[attr-defined]
            total += 1
            found += int(str(ref).strip() in ours_set)
    return found / total if total else 1.0


_STATISTIC = re.compile(r"\w\[[^\[\]\n]+\]\s*[=<>≤≥]\s*[-−+]?\.?\d")
"""An index glued to a symbol and compared with a number: ``F[1,12] = 8.42``, ``t[23] < 2``."""


def grammar_scores(items: list[dict[str, object]]) -> dict[str, int]:
    """Labelled markers our grammar recognises, and statistics expressions it takes for markers.

    A labelled span inside a statistics expression (``F[1,12] = 8.42``: the data's labeller
    took it for a citation) is counted under ``stats_labelled``, not as a marker to find.
    """
    found = extra = labelled = stats = taken = stats_labelled = 0
    for item in items:
        text = str(item["text"])
        ours_spans = marker_spans(text)
        statistic = [(m.start() + 1, text.index("]", m.start()) + 1) for m in _STATISTIC.finditer(text)]
        theirs = [(int(m["start"]), int(m["end"])) for m in item["markers"]]  # type: ignore[attr-defined]

        def covered(a: int, b: int, spans: list[Span]) -> bool:
            return any(s <= a and b <= e for s, e in spans)

        for a, b in theirs:
            if covered(a, b, statistic):
                stats_labelled += 1
                continue
            labelled += 1
            found += covered(a, b, ours_spans)
        extra += sum(not any(covered(a, b, [(s, e)]) for a, b in theirs) for s, e in ours_spans)
        stats += len(statistic)
        taken += sum(any(a <= s < b for s, _ in ours_spans) for a, b in statistic)
    return {"found": found, "labelled": labelled, "extra": extra, "stats": stats,
            "stats_taken": taken, "stats_labelled": stats_labelled}


def marker_figures(golden: list[dict[str, object]], cites: list[dict[str, object]]) -> dict[str, float]:
    """The gate's figures (section ``markers``), each a percentage where higher is better."""
    g = run_golden(ours, golden)
    c = run_citations(ours, cites)
    scores = grammar_scores(cites)
    return {
        "golden.boundary_f1": 100 * g["F1"],
        "golden.attached": 100 * g["attach"],
        "e_citations.attached": 100 * c["attach"],
        "e_citations.kept_with_text": 100 * (1 - c["own"] / max(c["markers"], 1)),
        "grammar.recognised": 100 * scores["found"] / max(scores["labelled"], 1),
        "grammar.no_extra": 100 * (1 - scores["extra"] / max(scores["found"] + scores["extra"], 1)),
        "grammar.statistics_left_as_text": 100 * (1 - scores["stats_taken"] / max(scores["stats"], 1)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="the quality gate: our figures against quality_baseline.json (section markers)")
    args = parser.parse_args()
    golden_path = ROOT / "tests" / "data" / "segmentation_golden.jsonl"
    golden = [json.loads(line) for line in golden_path.read_text(encoding="utf-8").splitlines() if line]
    cit_dir = eval_dev_dir() / "e_citations"
    cites = [
        json.loads(line)
        for path in sorted(cit_dir.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    if args.check:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from gate import check

        sys.exit(check("markers", marker_figures(golden, cites)))
    bbc_path = eval_dev_dir() / "a_summ" / "bbc_news_summary_55.jsonl"
    bbc = [json.loads(line) for line in bbc_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    systems: dict[str, Splitter] = {
        "polyglot_news.segment": ours,
        "naive regex (?<=[.!?…])\\s+": naive,
        "nltk Punkt, untrained": punkt_untrained,
    }
    try:
        import pysbd  # type: ignore[import-untyped,import-not-found,unused-ignore]

        systems[f"pysbd {pysbd.__version__} (be/uk as ru)"] = pysbd_split
    except ImportError:
        print("pysbd not installed: skipped (pip install pysbd==0.3.4 to compare)", file=sys.stderr)

    print(f"golden: {len(golden)} paragraphs ({golden_path.relative_to(ROOT)}); "
          f"e_citations: {len(cites)} paragraphs ({cit_dir})")
    header = (f"{'system':34} {'exact':>6} {'bP':>6} {'bR':>6} {'bF1':>6} {'attach':>7} {'own':>4}"
              f" | {'e_cit attach':>12} {'own':>4} | {'bbc sent':>8} {'ms':>6}")
    print(header)
    print("-" * len(header))
    for name, fn in systems.items():
        t0 = time.perf_counter()
        g = run_golden(fn, golden)
        c = run_citations(fn, cites)
        b = run_bbc(fn, bbc)
        ms = (time.perf_counter() - t0) * 1000
        print(f"{name:34} {g['exact']:6.1%} {g['P']:6.1%} {g['R']:6.1%} {g['F1']:6.1%} {g['attach']:7.1%}"
              f" {g['own']:4.0f} | {c['attach']:12.1%} {c['own']:4.0f} | {b:8.1%} {ms:6.0f}")
    print(f"(golden markers: {g['markers']:.0f}; e_citations markers: {c['markers']:.0f}; "
          f"bbc sent = share of {bbc_path.name} reference sentences split out exactly)")
    scores = grammar_scores(cites)
    print(f"marker grammar on e_citations: {scores['found']}/{scores['labelled']} labelled markers recognised "
          f"({scores['found'] / max(scores['labelled'], 1):.1%}), {scores['extra']} extra; statistics expressions "
          f"taken as markers: {scores['stats_taken']}/{scores['stats']} (labels on statistics set aside: "
          f"{scores['stats_labelled']})")
    print("command: .venv/bin/python benchmarks/segment_eval.py")


if __name__ == "__main__":
    main()

"""Newsroom inputs, measured: main-text extraction, citations and notes, feeds, Word files, speed.

Usage: .venv/bin/python benchmarks/extract_bench.py [--trafilatura-eval DIR] [--speed-pages N] [--rounds R]
       [--feed-items N] [--skip-extraction] [--skip-feed]

1. Extraction on trafilatura's own evaluation set (``tests/evaldata.json`` with the pages of
   ``tests/eval/`` and ``tests/cache/`` in https://github.com/adbar/trafilatura, not in this
   repository: clone it and pass its ``tests`` folder, ``--trafilatura-eval DIR`` or
   ``$TRAFILATURA_EVAL``): snippets that must and must not appear, counted as that project
   counts them (whitespace-normalised substrings; a crash or a refusal is an empty result), for
   this project's page reader (headline, body, headings, references), trafilatura alone (its
   evaluation's settings), readability-lxml (its HTML as text) and jusText (all stop lists).
2. Speed: pages/s of the page reader against ``trafilatura.extract`` alone on the first
   ``--speed-pages`` pages, alternating rounds, medians of paired ratios, CPU and wall.
3. On ``f_inputs/`` of the evaluation data (``$POLYGLOT_NEWS_EVAL_DEV``): body citation
   superscripts that became markers on the right sentence (label and the text before it as the
   page has them), reference entries recovered, headline and body against the reference
   extractions (readability's ``expected.html``, fundus's ``expected.json``), records per feed
   item, Word footnotes and endnotes as markers and references.
4. A ``--feed-items`` RSS feed built from the evaluation data's news articles through
   ``polyglot-news batch FEED --to none`` with 1 and 2 workers, articles/s.

The competitors: jusText comes with trafilatura; ``pip install readability-lxml`` (alone: pip
23's resolver trips over installing it in one command with the others). Third-party pages are
read where they lie, never copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lxml import html as lxml_html  # noqa: E402

from polyglot_news.errors import InputError  # noqa: E402
from polyglot_news.readers.docx import docx_article  # noqa: E402
from polyglot_news.readers.feeds import read_feed  # noqa: E402
from polyglot_news.readers.html import page_article  # noqa: E402
from polyglot_news.readers.sources import article_text  # noqa: E402
from polyglot_news.segment import split_sentences  # noqa: E402

EVAL_DEV = Path(os.environ.get("POLYGLOT_NEWS_EVAL_DEV", ROOT.parent / "shared" / "eval-dev"))
F_INPUTS = EVAL_DEV / "f_inputs"
_SPACE = re.compile(r"\s+")


def norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


# ------------------------------------------------------------------ extraction


def ours(data: bytes) -> str:
    """The page reader's main text: headline, paragraphs, references, and the headings it keeps out of summaries."""
    article = page_article(data, "page")
    return article_text(article).replace("\nReferences:\n", "\n") + "\n".join(article.boilerplate)


def trafilatura_alone(data: bytes) -> str | None:
    import trafilatura

    result: str | None = trafilatura.extract(
        data, include_comments=False, include_tables=True, include_formatting=False
    )
    return result


def readability_lxml(data: bytes) -> str:
    from readability import Document
    from trafilatura.utils import decode_file

    summary = Document(decode_file(data)).summary()
    return str(lxml_html.fromstring(summary).text_content()) if summary.strip() else ""


def justext_all(data: bytes) -> str:
    import justext

    stop = frozenset(w for lang in justext.get_stoplists() for w in justext.get_stoplist(lang))
    paragraphs = justext.justext(data, stop, 50, 200, 0.1, 0.2, 0.2, 200, True)
    return " ".join(p.text for p in paragraphs if not p.is_boilerplate)


EXTRACTORS: dict[str, Callable[[bytes], str | None]] = {
    "polyglot-news": ours, "trafilatura": trafilatura_alone, "readability-lxml": readability_lxml,
    "jusText": justext_all,
}


def eval_pages(folder: Path) -> list[tuple[str, bytes, dict[str, Any]]]:
    data = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url in sorted(data):
        for sub in ("cache", "eval"):
            path = folder / sub / data[url]["file"]
            if path.is_file():
                pages.append((url, path.read_bytes(), data[url]))
                break
    return pages


def score(pages: list[tuple[str, bytes, dict[str, Any]]], extract: Callable[[bytes], str | None]) -> dict[str, float]:
    tp = fp = fn = tn = failed = 0
    for _, data, item in pages:
        try:
            result = extract(data)
        except (InputError, Exception):  # noqa: BLE001 - a refusal or a crash is an empty result, as upstream counts it
            result, failed = None, failed + 1
        text = norm(result) if result else ""
        hits = sum(norm(w) in text for w in item["with"]) if text else 0
        leaks = sum(norm(w) in text for w in item["without"]) if text else 0
        tp, fn = tp + hits, fn + len(item["with"]) - hits
        fp, tn = fp + leaks, tn + len(item["without"]) - leaks
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return {"precision": precision, "recall": recall, "f1": 2 * precision * recall / max(precision + recall, 1e-9),
            "accuracy": (tp + tn) / max(tp + fp + fn + tn, 1), "empty": failed}


def speed(pages: list[tuple[str, bytes, dict[str, Any]]], rounds: int) -> dict[str, float]:
    cpu_ratios, wall_ratios, rates = [], [], []
    for _ in range(rounds):
        timing: dict[str, tuple[float, float]] = {}
        for name in ("trafilatura", "polyglot-news"):  # alternating in every round
            fn = EXTRACTORS[name]
            cpu, wall = time.process_time(), time.perf_counter()
            for _, data, _ in pages:
                try:
                    fn(data)
                except InputError:
                    pass
            timing[name] = (time.process_time() - cpu, time.perf_counter() - wall)
        cpu_ratios.append(timing["trafilatura"][0] / timing["polyglot-news"][0])
        wall_ratios.append(timing["trafilatura"][1] / timing["polyglot-news"][1])
        rates.append((len(pages) / timing["polyglot-news"][1], len(pages) / timing["trafilatura"][1]))
    return {
        "cpu_ratio": statistics.median(cpu_ratios), "wall_ratio": statistics.median(wall_ratios),
        "ours_pages_s": statistics.median(r[0] for r in rates),
        "trafilatura_pages_s": statistics.median(r[1] for r in rates),
    }


# ------------------------------------------------------------------ citations on f_inputs


def manifest() -> dict[str, dict[str, Any]]:
    rows = [json.loads(line) for line in (F_INPUTS / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    return {row["path"]: row for row in rows}


def _context(sup: Any) -> str:
    """The 20 characters of text right before a superscript, within its block (other superscripts as their label)."""
    block = sup
    while block.getparent() is not None and block.tag not in ("p", "li", "td", "dd", "div", "blockquote"):
        block = block.getparent()
    out: list[str] = []

    def walk(node: Any) -> bool:
        if node is sup:
            return True
        if isinstance(node.tag, str) and node.tag not in ("style", "script"):
            out.append(node.text or "")
            for child in node:
                if walk(child):
                    return True
                out.append(child.tail or "")
        return False

    walk(block)
    return norm("".join(out))[-20:]


def citation_row(path: Path, row: dict[str, Any]) -> dict[str, Any]:
    """Superscripts on the right sentence and references recovered, for one page."""
    data = path.read_bytes()
    tree = lxml_html.document_fromstring(data.decode("utf-8"))
    sups = [  # a page suffix (``<sup class="reference">: 207</sup>`` after ``[1]``) belongs to the marker before it
        s for s in tree.iter("sup")
        if "reference" in (s.get("class") or "").split() and not norm(s.text_content()).startswith(":")
    ]
    in_lists = [
        s for s in sups
        if any(a.tag in ("ol", "ul") and "references" in (a.get("class") or "") for a in s.iterancestors())
    ]
    body_sups = [s for s in sups if s not in in_lists]
    wanted = [(norm(s.text_content()), _context(s)) for s in body_sups]
    try:
        article = page_article(data, path.name)
    except InputError as error:
        return {"page": path.parent.name if path.name == "source.html" else path.stem, "error": str(error)}
    found: list[tuple[str, str]] = []
    for sentence in split_sentences(article.paragraphs, row.get("lang", "en")):
        text, starts = sentence.render()
        for marker, start in zip(sentence.markers, starts, strict=True):
            found.append((marker.text.split(":")[0].strip(), norm(text[:start])))
    right = 0
    pool = list(found)
    for label, context in wanted:
        for i, (got, before) in enumerate(pool):
            if got == label and before.endswith(context[-12:]):
                right += 1
                del pool[i]
                break
    reference_titles = " ".join(r.title for r in article.references)
    body_text = norm(" ".join(article.paragraphs))
    kept = sum(1 for _, context in wanted if norm(context[-12:]) in body_text)
    counts = row["counts"]
    return {
        "page": path.parent.name if path.name == "source.html" else path.stem,
        "superscripts": counts["citation_superscripts"], "in_body": len(body_sups), "right_sentence": right,
        "in_main_text": kept, "entries": counts["reference_list_entries"], "recovered": len(article.references),
        "in_lists": len(in_lists), "in_lists_kept": sum(norm(s.text_content()) in reference_titles for s in in_lists),
    }


def reference_text(folder: Path) -> tuple[str | None, str] | None:
    """The reference extraction's headline and body text, where the page comes with one."""
    if (folder / "expected.html").exists():
        meta = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        body = lxml_html.fromstring((folder / "expected.html").read_text(encoding="utf-8")).text_content()
        return meta.get("title"), str(body)
    if (folder / "expected.json").exists():
        record = next(iter(json.loads((folder / "expected.json").read_text(encoding="utf-8")).values()))
        paragraphs = [p for section in record["body"]["sections"] for p in section["paragraphs"]]
        return record.get("title"), " ".join(record["body"]["summary"] + paragraphs)
    return None


def overlap(got: str, want: str) -> tuple[float, float]:
    """Word-level precision and recall of ``got`` against ``want`` (bags of lower-cased ``\\w+`` words)."""
    from collections import Counter

    a, b = Counter(re.findall(r"\w+", got.lower())), Counter(re.findall(r"\w+", want.lower()))
    common = sum((a & b).values())
    return common / max(sum(a.values()), 1), common / max(sum(b.values()), 1)


# ------------------------------------------------------------------ feeds, Word files, a big feed


def feed_rows(rows: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for path, row in sorted(rows.items()):
        if row["kind"] not in ("feed", "hostile_feed", "hostile_xml"):
            continue
        try:
            items = read_feed((F_INPUTS / path).read_bytes(), path)
        except InputError as error:
            out.append({"file": path, "items": row["counts"].get("items", "-"), "records": 1, "ok": 0,
                        "note": str(error).split(": ", 1)[1][:70]})
            continue
        ok = sum(i.article is not None for i in items)
        out.append(
            {"file": path, "items": row["counts"].get("items", "-"), "records": len(items), "ok": ok, "note": ""}
        )
    return out


def docx_rows(rows: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for path, row in sorted(rows.items()):
        if row["kind"] != "docx":
            continue
        counts = row["counts"]
        notes = counts["fn_refs"] + counts["en_refs"]
        try:
            article = docx_article((F_INPUTS / path).read_bytes(), path)
        except InputError as error:
            out.append({"file": path, "notes": notes, "markers": 0, "references": 0, "note": str(error)[:60]})
            continue
        markers = sum(len(s.markers) for s in split_sentences(article.paragraphs, row.get("lang", "en")))
        out.append(
            {"file": path, "notes": notes, "markers": markers, "references": len(article.references), "note": ""}
        )
    return out


def big_feed(items: int) -> list[tuple[int, float, int, int]]:
    """Build a ``items``-item RSS feed from eval-dev news articles and time ``batch`` over it."""
    articles = []
    for name in ("bbc_news_summary_55.jsonl", "cnndm_frank_en.jsonl", "cnn_dailymail_20.jsonl"):
        for line in (EVAL_DEV / "a_summ" / name).read_text(encoding="utf-8").splitlines():
            articles.append(json.loads(line)["article"])
    entries = []
    for i in range(items):
        text = articles[i % len(articles)]
        body = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n") if p.strip())
        entries.append(
            f"<item><title>Item {i}</title><guid>item-{i}</guid><link>https://example.org/{i}</link>"
            f"<description>{escape(body)}</description></item>"
        )
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "feed.xml"
        feed.write_text(f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
                        f'{"".join(entries)}</channel></rss>', encoding="utf-8")
        for workers in (1, 2):
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "polyglot_news", "batch", str(feed), "--to", "none", "-j", str(workers), "-q"],
                capture_output=True, text=True, check=False,
            )
            elapsed = time.perf_counter() - start
            records = done.stdout.splitlines()
            ok = sum('"digest"' in line for line in records)
            results.append((workers, elapsed, len(records), ok))
    return results


# ------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trafilatura-eval", type=Path, default=os.environ.get("TRAFILATURA_EVAL"),
                        help="trafilatura's tests/ folder (evaldata.json, eval/, cache/)")
    parser.add_argument("--speed-pages", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--feed-items", type=int, default=1000)
    parser.add_argument("--skip-extraction", action="store_true")
    parser.add_argument("--skip-feed", action="store_true")
    args = parser.parse_args()

    if not args.skip_extraction:
        if args.trafilatura_eval is None or not (Path(args.trafilatura_eval) / "evaldata.json").exists():
            print("Extraction: no trafilatura evaluation set (--trafilatura-eval DIR or $TRAFILATURA_EVAL): skipped\n")
        else:
            pages = eval_pages(Path(args.trafilatura_eval))
            print(f"Extraction, trafilatura's evaluation set: {len(pages)} pages")
            print("| extractor | precision | recall | F1 | accuracy | empty or refused |")
            print("|---|---:|---:|---:|---:|---:|")
            for name, fn in EXTRACTORS.items():
                s = score(pages, fn)
                print(f"| {name} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['accuracy']:.3f} "
                      f"| {s['empty']} |")
            sp = speed(pages[: args.speed_pages], args.rounds)
            shown = min(args.speed_pages, len(pages))
            print(f"\nSpeed, first {shown} pages, {args.rounds} alternating rounds (medians): "
                  f"polyglot-news {sp['ours_pages_s']:.1f} pages/s, trafilatura alone {sp['trafilatura_pages_s']:.1f}; "
                  f"ratio {sp['wall_ratio']:.2f}x wall, {sp['cpu_ratio']:.2f}x CPU\n")

    rows = manifest()
    print("Citations on f_inputs (body superscripts → markers on the right sentence; notes lists → references)")
    print("| page | superscripts | in body | in the main text | right sentence | entries | recovered "
          "| in lists (kept in entries) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    totals = [0, 0, 0, 0, 0]
    for path, row in sorted(rows.items()):
        if row["kind"] != "wiki_html" or not row["counts"].get("citation_superscripts"):
            continue
        r = citation_row(F_INPUTS / path, row)
        if "error" in r:
            print(f"| {r['page']} | error: {r['error']} |")
            continue
        totals = [totals[0] + r["in_body"], totals[1] + r["right_sentence"], totals[2] + r["entries"],
                  totals[3] + r["recovered"], totals[4] + r["in_main_text"]]
        print(f"| {r['page']} | {r['superscripts']} | {r['in_body']} | {r['in_main_text']} | {r['right_sentence']} "
              f"({r['right_sentence'] / max(r['in_body'], 1):.1%}) | {r['entries']} | {r['recovered']} "
              f"({r['recovered'] / max(r['entries'], 1):.1%}) | {r['in_lists']} ({r['in_lists_kept']}) |")
    print(f"| all | | {totals[0]} | {totals[4]} | {totals[1]} ({totals[1] / max(totals[0], 1):.1%}; of those in the "
          f"main text {totals[1] / max(totals[4], 1):.1%}) | {totals[2]} | {totals[3]} "
          f"({totals[3] / max(totals[2], 1):.1%}) | |\n")

    print("Headline and main text against the reference extractions")
    print("| page | headline exact | body precision | body recall |\n|---|---|---:|---:|")
    exact = shown = 0
    for path, row in sorted(rows.items()):
        if row["kind"] not in ("news_html", "wiki_html") or not path.endswith("source.html"):
            continue
        reference = reference_text((F_INPUTS / path).parent)
        if reference is None:
            continue
        try:
            article = page_article((F_INPUTS / path).read_bytes(), path)
        except InputError as error:
            print(f"| {path} | error: {error} | | |")
            continue
        precision, recall = overlap(" ".join(article.paragraphs), reference[1])
        same = norm(article.headline or "") == norm(reference[0] or "")
        exact += same
        shown += 1
        print(f"| {Path(path).parent.name} | {'yes' if same else 'no: ' + repr(article.headline)} "
              f"| {precision:.3f} | {recall:.3f} |")
    print(f"headline exact on {exact} of {shown} pages\n")

    print("Feeds (one record per item; a feed refused whole is one record)")
    print("| file | items (manifest) | records | articles |  |\n|---|---:|---:|---:|---|")
    for r in feed_rows(rows):
        print(f"| {r['file']} | {r['items']} | {r['records']} | {r['ok']} | {r['note']} |")
    print("\nWord files (footnote and endnote references → markers; notes → references)")
    print("| file | notes (manifest) | markers | references |  |\n|---|---:|---:|---:|---|")
    for r in docx_rows(rows):
        print(f"| {r['file']} | {r['notes']} | {r['markers']} | {r['references']} | {r['note']} |")

    if not args.skip_feed:
        print(f"\nA {args.feed_items:,}-item feed through `batch --to none` (eval-dev news articles as items)")
        print("| workers | seconds | records | ok | articles/s |\n|---:|---:|---:|---:|---:|")
        for workers, elapsed, records, ok in big_feed(args.feed_items):
            print(f"| {workers} | {elapsed:.1f} | {records} | {ok} | {records / elapsed:.1f} |")


if __name__ == "__main__":
    main()

"""Newsroom glossary: post-edit (``glossary.apply``) against protect (``protect``/``restore``).

Usage (from the repository root)::

    .venv/bin/python benchmarks/glossary_bench.py [--json]

Everything runs through the project's echo test packages (built in a temporary folder, about
1 s), whose "translation" is a copy of the input, so what is measured is what the glossary
code does to a model's output, not what a real model would make of a placeholder:

* **ru→be, written**: Russian sentences written for this benchmark, with names in inflected
  positions and citation markers; the echo "Belarusian" output is Russian, the classic
  failure the glossary must repair. Each sentence lists the Belarusian forms a correct
  translation has (``Мінску``, ``Беларусі``), so *inflection kept* can be counted.
* **en→be, written** and **en→be, example**: English sentences written for this benchmark,
  and every body sentence of ``examples/belarus_us_relations.txt``; the echo output keeps the
  English names, which the glossary must replace.

Per approach (``none`` is the plain translation):

* ``terms ok``: source term occurrences whose translation holds the glossary spelling (any
  inflection of it), over all occurrences found in the sources;
* ``inflected``: expected Belarusian forms found verbatim in the output (written ru set only);
* ``markers``: sentences whose markers are identical, in order, and still follow the same
  word as in the plain translation (terms counted as one word);
* ``chrF``: sacrebleu chrF of the output against the plain translation (100 = unchanged), a
  crude proxy for how much the text was disturbed. Real fluency needs real models: a
  placeholder may change how a real model translates the whole sentence, which an echo
  model cannot show;
* ``hit/fixed/miss``: the statuses the library reports, and its time per sentence.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from glossary_protect import protect, restore  # noqa: I001 - beside this script
from polyglot_news.citations import extract
from polyglot_news.document import GlossaryHit, Sentence
from polyglot_news.pipeline import summarize_article
from polyglot_news.translation import glossary as gl
from polyglot_news.translation import postedit as pe
from polyglot_news.translation.postedit import apply
from polyglot_news.translation.decoding import DecodeOptions
from polyglot_news.document import Translated
from polyglot_news.translation.engine import build_translator

GLOSSARY = """\
# Benchmark glossary: source term, Russian, Belarusian (the newsroom's spellings).
source\tru\tbe
Lukashenko\tЛукашенко\tЛукашэнка
Minsk\tМинск\tМінск
Belarus\tБеларусь\tБеларусь
Washington\tВашингтон\tВашынгтон
United States\tСША\tЗША
Russia\tРоссия\tРасія
Trump\tТрамп\tТрамп
Armenia\tАрмения\tАрменія
Azerbaijan\tАзербайджан\tАзербайджан
"""

# (Russian sentence, the Belarusian forms of its glossary terms in a correct translation)
RU_CASES: list[tuple[str, list[str]]] = [
    ("Лукашенко заявил, что Минск готов к диалогу с Вашингтоном [1].", ["Лукашэнка", "Мінск", "Вашынгтонам"]),
    ("Встреча Лукашенко с помощником госсекретаря прошла в Минске [2].", ["Лукашэнкі", "Мінску"]),
    ("Власти Беларуси надеются, что санкции не помешают диалогу [1].", ["Беларусі"]),
    ("Посланник Трампа посетил Минск [2] в июне.", ["Трампа", "Мінск"]),
    (
        "Лукашенко похвалил Трампа за мирное соглашение между Арменией и Азербайджаном [3].",
        ["Лукашэнка", "Трампа", "Арменіяй", "Азербайджанам"],
    ),
    ("В Вашингтоне считают, что отношения с Беларусью могут улучшиться [4].", ["Вашынгтоне", "Беларуссю"]),
    ("Россия и Беларусь [5] остаются союзниками, заявил Лукашенко.", ["Расія", "Беларусь", "Лукашэнка"]),
    ("Санкции против Минска [1] могут ослабнуть, если США пойдут навстречу.", ["Мінска", "ЗША"]),
    ("Ранее Лукашенко встречался с представителями США [2] в Минске.", ["Лукашэнка", "ЗША", "Мінску"]),
    ("Из России в Минск прибыла делегация, сообщили в Вашингтоне [3].", ["Расіі", "Мінск", "Вашынгтоне"]),
    ("Президенту Беларуси Лукашенко [4] направили приглашение из Вашингтона.", ["Беларусі", "Лукашэнку"]),
    ("Между Минском и Вашингтоном [5] снова работают посольства.", ["Мінскам", "Вашынгтонам"]),
]

EN_CASES = [
    "Lukashenko said Minsk was ready for talks with Washington [1].",
    "The envoy met Lukashenko in Minsk [2], officials in Washington said.",
    "Belarus and Russia remain allies, Lukashenko's office said [3].",
    "Trump praised the peace deal between Armenia and Azerbaijan [4].",
    "Sanctions against Belarus [5] may ease if the United States agrees.",
    "Lukashenko’s envoy flew from Minsk to Washington on Monday [6].",
]

_WORD = re.compile(r"\S+")


def _sentence(text: str, index: int) -> Sentence:
    plain, markers = extract(text)
    return Sentence(plain, tuple(markers), index)


def _unpack(archive: Path, into: Path) -> Path:
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(into)
        top = zf.namelist()[0].split("/")[0]
    return into / top


def _spelled(text: str, target: str) -> int:
    """Occurrences of ``target`` in ``text``, in any inflection (no minimum stem, unlike the library)."""
    parts = target.split()
    if len(parts) > 1 or not pe.CYRILLIC.search(target):
        return len(pe.find_term(text, target, inflect=False))
    stem = pe.term_stem(target).casefold()
    words = re.findall(r"[^\W_]+", text)
    return sum(
        1 for w in words if w.casefold() == target.casefold()
        or (w.casefold().startswith(stem) and w.casefold()[len(stem):] in pe.ENDINGS)
    )


def _masked_marker_words(sentence: Sentence, rules: Sequence[gl.Rule]) -> list[int]:
    """For each marker, how many words precede it, every glossary term counted as one word."""
    text = sentence.plain
    spans: list[tuple[int, int]] = []
    for rule in rules:
        for variant in rule.variants:
            for match in pe.find_term(text, variant):
                if not any(match.start < e and s < match.end for s, e in spans):
                    spans.append((match.start, match.end))
    out = []
    for marker in sentence.markers:
        words = [m for m in _WORD.finditer(text[: marker.offset])]
        inside = sum(
            1 for m in words for s, e in spans if s <= m.start() < e and m.start() != s
        )
        out.append(len(words) - inside)
    return out


def _score(
    name: str,
    approach: str,
    sources: list[Sentence],
    plain: list[Translated],
    output: list[Translated],
    hits: list[list[GlossaryHit]],
    expected: list[list[str]] | None,
    rules: Sequence[gl.Rule],
    source_lang: str,
    seconds: float,
) -> dict[str, Any]:
    from sacrebleu.metrics.chrf import CHRF

    total = correct = 0
    for source, done in zip(sources, output, strict=True):
        for rule in rules:
            n_src = len(pe.source_matches(source.plain, rule, source_lang))
            if n_src:
                n_ok = _spelled(done.sentence.plain, rule.target)
                total += n_src
                correct += min(n_src, n_ok)
    inflected = None
    if expected is not None:
        want = found = 0
        for forms, done in zip(expected, output, strict=True):
            words = Counter(re.findall(r"[^\W_]+", done.sentence.plain))
            for form, n in Counter(forms).items():
                want += n
                found += min(n, words[form])
        inflected = found / want if want else None
    markers_ok = 0
    for base, done in zip(plain, output, strict=True):
        same = [m.text for m in base.sentence.markers] == [m.text for m in done.sentence.markers]
        if same and _masked_marker_words(base.sentence, rules) == _masked_marker_words(done.sentence, rules):
            markers_ok += 1
    chrf = CHRF().corpus_score([d.sentence.text for d in output], [[p.sentence.text for p in plain]]).score
    statuses = Counter(h.status for row in hits for h in row)
    return {
        "set": name,
        "approach": approach,
        "sentences": len(sources),
        "term_occurrences": total,
        "terms_ok": correct / total if total else None,
        "inflected": inflected,
        "markers_ok": markers_ok / len(sources),
        "chrf_vs_plain": round(chrf, 1),
        "hit": statuses["hit"],
        "fixed": statuses["fixed"],
        "miss": statuses["miss"],
        "ms_per_sentence": round(1000 * seconds / max(len(sources), 1), 3),
    }


def run() -> list[dict[str, Any]]:
    from lang_models.build_test_packages import build

    glossary = gl.parse_glossary(GLOSSARY, "benchmark glossary")
    example = (REPO / "examples" / "belarus_us_relations.txt").read_text(encoding="utf-8")
    example_sentences = list(summarize_article(example, source_lang="en", method="lead", sentences=1).sentences)
    sets = [
        ("ru→be written", "ru", [_sentence(t, i) for i, (t, _) in enumerate(RU_CASES)], [f for _, f in RU_CASES]),
        ("en→be written", "en", [_sentence(t, i) for i, t in enumerate(EN_CASES)], None),
        ("en→be example", "en", example_sentences, None),
    ]
    rows: list[dict[str, Any]] = []
    options = DecodeOptions(beam_size=1, retry=False)
    with tempfile.TemporaryDirectory() as tmp:
        packages = build(Path(tmp) / "zips", which=["echo-ru_be", "echo-en_be"])
        dirs = {name: _unpack(path, Path(tmp) / "unpacked") for name, path in packages.items()}
        for name, source_lang, sources, expected in sets:
            translator = build_translator([dirs[f"echo-{source_lang}_be"]], options)
            rules = glossary.rules(source_lang, "be")
            plain = translator.translate(sources)
            empty: list[list[GlossaryHit]] = [[] for _ in sources]
            rows.append(_score(name, "none", sources, plain, plain, empty, expected, rules, source_lang, 0.0))

            start = time.perf_counter()
            edited, hits = apply(glossary, sources, plain, source_lang, "be")
            spent = time.perf_counter() - start
            rows.append(_score(name, "post-edit", sources, plain, edited, hits, expected, rules, source_lang, spent))

            start = time.perf_counter()
            protected = protect(glossary, sources, source_lang, "be")
            spent = time.perf_counter() - start
            through = translator.translate(protected.sentences)
            start = time.perf_counter()
            restored, hits = restore(protected, through)
            spent += time.perf_counter() - start
            rows.append(_score(name, "protect", sources, plain, restored, hits, expected, rules, source_lang, spent))
    return rows


# --- the big-glossary case (issue 11 item 22) ---------------------------------------------

_SYLLABLES = [  # (Latin, Russian, Belarusian)
    ("ka", "ка", "ка"), ("ro", "ро", "ра"), ("vi", "ви", "ві"), ("le", "ле", "ле"), ("su", "су", "су"),
    ("ma", "ма", "ма"), ("to", "то", "та"), ("ne", "не", "не"), ("da", "да", "да"), ("bu", "бу", "бу"),
    ("sa", "са", "са"), ("go", "го", "га"), ("mi", "ми", "мі"), ("pe", "пе", "пе"), ("ku", "ку", "ку"),
    ("ry", "ры", "ры"), ("ti", "ти", "ці"), ("zo", "зо", "за"), ("ba", "ба", "ба"), ("lu", "лу", "лу"),
]
BIG_TERMS = 42_000


def big_glossary_text(count: int = BIG_TERMS) -> str:
    """``count`` made-up names (Latin, Russian and Belarusian spellings), plus :data:`GLOSSARY`.

    Deterministic; 42,000 rows stay under the 2 MiB glossary cap.
    """
    lines = [GLOSSARY.rstrip("\n")]
    n = len(_SYLLABLES)
    for i in range(count):
        parts, k = [], i + n * n * n  # four syllables: 20**4 names to draw from
        while k:
            k, r = divmod(k, n)
            parts.append(_SYLLABLES[r])
        en, ru, be = ("".join(p[j] for p in parts) for j in range(3))
        lines.append(f"{en.capitalize()}\t{ru.capitalize()}\t{be.capitalize()}")
    return "\n".join(lines) + "\n"


def run_big(repeat: int = 3) -> list[dict[str, Any]]:
    """Post-edit time per sentence with the 42,000-term glossary against the 9-term one.

    The echo output of each written set stands in for a translation (the sources themselves:
    the cost is in matching terms, which does not depend on the model).
    """
    text = big_glossary_text()
    small = gl.parse_glossary(GLOSSARY, "benchmark glossary")
    start = time.perf_counter()
    big = gl.parse_glossary(text, "big glossary")
    parsed = time.perf_counter() - start
    rows: list[dict[str, Any]] = []
    sets = [
        ("ru→be written", "ru", [_sentence(t, i) for i, (t, _) in enumerate(RU_CASES)]),
        ("en→be written", "en", [_sentence(t, i) for i, t in enumerate(EN_CASES)]),
    ]
    for name, source_lang, sources in sets:
        plain = [Translated(s) for s in sources]
        outputs = {}
        for label, glossary in (("9 terms", small), (f"{len(big.terms):,} terms", big)):
            times = []
            for _ in range(repeat):  # the first call also builds the glossary's index
                start = time.perf_counter()
                edited, hits = apply(glossary, sources, plain, source_lang, "be")
                times.append(time.perf_counter() - start)
            first, best = times[0], min(times[1:] or times)
            outputs[label] = [d.sentence.text for d in edited], [[h.to_dict() for h in row] for row in hits]
            rows.append({
                "set": name, "glossary": label, "bytes": len(text.encode()) if glossary is big else None,
                "sentences": len(sources), "ms_per_sentence_first": round(1000 * first / len(sources), 3),
                "ms_per_sentence": round(1000 * best / len(sources), 3),
                "parse_s": round(parsed, 3) if glossary is big else None,
            })
        small_out, big_out = outputs.values()
        rows[-1]["same_output_as_small"] = small_out == big_out
    return rows


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    parser.add_argument("--big", action="store_true", help="only the 42,000-term glossary timing")
    args = parser.parse_args(argv)
    if args.big:
        big_rows = run_big()
        if args.json:
            print(json.dumps(big_rows, ensure_ascii=False, indent=2))
            return 0
        _print_big(big_rows)
        return 0
    rows = run()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    head = f"{'set':<15} {'approach':<10} {'sent':>4} {'terms':>5} {'terms ok':>9} {'inflected':>9} "
    head += f"{'markers':>8} {'chrF':>6} {'hit':>4} {'fixed':>5} {'miss':>4} {'ms/sent':>8}"
    print(head)
    for r in rows:
        print(
            f"{r['set']:<15} {r['approach']:<10} {r['sentences']:>4} {r['term_occurrences']:>5} "
            f"{_pct(r['terms_ok']):>9} {_pct(r['inflected']):>9} {_pct(r['markers_ok']):>8} "
            f"{r['chrf_vs_plain']:>6} {r['hit']:>4} {r['fixed']:>5} {r['miss']:>4} {r['ms_per_sentence']:>8}"
        )
    print("Echo test packages copy their input: these numbers measure the glossary code, not translation quality.")
    print()
    _print_big(run_big())
    return 0


def _print_big(rows: list[dict[str, Any]]) -> None:
    print(f"{'set':<15} {'glossary':<14} {'sent':>4} {'ms/sent 1st':>11} {'ms/sent':>8}  same output")
    for r in rows:
        same = r.get("same_output_as_small")
        print(
            f"{r['set']:<15} {r['glossary']:<14} {r['sentences']:>4} {r['ms_per_sentence_first']:>11} "
            f"{r['ms_per_sentence']:>8}  {'' if same is None else 'yes' if same else 'NO'}"
        )
    big = next(r for r in rows if r["bytes"])
    print(f"Big glossary: {big['glossary']}, {big['bytes']:,} bytes, parsed in {big['parse_s']} s.")


if __name__ == "__main__":
    raise SystemExit(main())

"""Build ``polyglot_news/data/langid_cyrillic.json``: character n-gram counts per Cyrillic language.

Three sources, all shippable:
- ``lang_models/langid_corpus/<lang>.txt``: sentences the project wrote itself (be, bg, kk, mk, mn,
  ru, sr, uk; largely parallel everyday and news sentences);
- langdetect's own profiles (Apache-2.0, Wikipedia n-gram counts) for bg, mk, ru and uk, and its
  Croatian profile transliterated into Serbian Cyrillic for sr. They are scaled to
  ``PROFILE_MASS`` letters so that they refine, not drown, the written corpus;
- the letter 1-4-gram models of lingua 1.x (``lingua-language-detector`` 1.3.5, Apache-2.0, Leipzig
  corpora statistics) for all eight languages, read from its pure-Python wheel at build time
  only: conditional frequencies turned back into counts, with the word starts and ends they
  imply, scaled to ``LINGUA_MASS`` letters and pruned below ``LINGUA_MIN_COUNT``.

Run from the repository root (needs langdetect and ``brotli`` installed, and lingua's wheel):

    .venv/bin/pip download --no-deps lingua-language-detector==1.3.5 -d /tmp/lingua1
    .venv/bin/pip install brotli
    .venv/bin/python lang_models/build_langid_model.py \
        --lingua-wheel /tmp/lingua1/lingua_language_detector-1.3.5-py3-none-any.whl

``LINGUA_MASS`` and ``LINGUA_MIN_COUNT`` are fitted by ``benchmarks/langid_fit.py --lingua-wheel
WHEEL``: leave-one-source-out cross-validation over eval-dev's sources (leipzig-sent,
leipzig-wordpair, tatoeba, udhr, ntrex) plus word pairs and 2-5-word fragments cut from its longer
Cyrillic items. On all of it 30M letters pruned below 30 get the most right (2,090 of 2,171; no
lingua 2,034, 3M 2,079, 10M 2,089, 100M 2,080, all pruned below 30); the held-out folds choose 10M
or 30M. At 30M, pruning nothing (a 1.0M-gram model, not 0.28M) gets 2,080, pruning below 100
2,084. The written corpus and the langdetect profiles still supply whole short words and what
lingua's pruned model lacks.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from polyglot_news.langid.charmodel import MAX_ORDER, char_ngrams, word_tokens
from polyglot_news.langid.detector import MODEL_VERSION

CORPUS = ROOT / "lang_models" / "langid_corpus"
TARGET = ROOT / "polyglot_news" / "data" / "langid_cyrillic.json"
PROFILE_MASS = 20000.0  # letters' worth of counts each langdetect profile contributes
PROFILES = {"bg": "bg", "mk": "mk", "ru": "ru", "uk": "uk", "sr": "hr"}
LINGUA_MASS = 30_000_000.0  # letters' worth of counts each lingua model contributes
LINGUA_MIN_COUNT = 30.0  # scaled lingua counts under this are dropped (model size: 4 MB, not 13)
LINGUA_VERSION = "1.3.5"
_LINGUA_FILES = ("unigrams", "bigrams", "trigrams", "quadrigrams")
# Croatian Latin -> Serbian Cyrillic (Gaj's alphabet maps one-to-one onto Vuk's).
_DIGRAPHS = {"lj": "љ", "nj": "њ", "dž": "џ"}
_LETTERS = dict(zip("abcčćdđefghijklmnoprsštuvzž ", "абцчћдђефгхијклмнопрсштувзж ", strict=False))


def transliterate_hr(gram: str) -> str | None:
    """Croatian Latin n-gram in Serbian Cyrillic, or None if it has another letter."""
    out: list[str] = []
    i = 0
    while i < len(gram):
        if gram[i : i + 2] in _DIGRAPHS:
            out.append(_DIGRAPHS[gram[i : i + 2]])
            i += 2
        elif gram[i] in _LETTERS:
            out.append(_LETTERS[gram[i]])
            i += 1
        else:
            return None
    return "".join(out)


def profile_counts(name: str) -> Counter[str]:
    """A langdetect profile's 1-3-gram counts, scaled to PROFILE_MASS unigrams (hr: in Cyrillic)."""
    from langdetect.detector_factory import PROFILES_DIRECTORY  # type: ignore[import-untyped]

    raw = json.loads((Path(PROFILES_DIRECTORY) / name).read_text(encoding="utf-8"))["freq"]
    grams: Counter[str] = Counter()
    for gram, count in raw.items():
        if not 1 <= len(gram) <= MAX_ORDER:
            continue
        if name == "hr":
            cyrillic = transliterate_hr(gram.lower())
            if cyrillic is None or len(cyrillic) != len(gram):  # a digraph would shift the order
                continue
            gram = cyrillic
        grams[gram] += count
    scale = PROFILE_MASS / sum(v for g, v in grams.items() if len(g) == 1)
    return Counter({g: v * scale for g, v in grams.items()})


def lingua_counts(
    wheel: Path, lang: str, mass: float = LINGUA_MASS, min_count: float = LINGUA_MIN_COUNT
) -> dict[str, float]:
    """lingua 1.x's letter 1-4-grams of ``lang`` as counts scaled to ``mass`` letters, those under
    ``min_count`` dropped."""
    relative = lingua_relative_counts(wheel, lang)
    scale = mass / sum(v for g, v in relative.items() if len(g) == 1)
    return {g: v * scale for g, v in relative.items() if v * scale >= min_count}


@functools.cache  # read once per wheel and language (benchmarks/langid_fit.py builds many models)
def lingua_relative_counts(wheel: Path, lang: str) -> dict[str, float]:
    """lingua 1.x's letter 1-4-grams of ``lang`` as relative counts, word starts and ends included.

    lingua stores P(gram | its first letters) within words, without word boundaries. Chaining
    those from the unigrams gives relative counts; a gram's count less the counts of its
    one-letter extensions to the right (left) is how often it ends (starts) a word, which gives
    the space-padded grams (``"ът "``, ``" ще"``) the model reads.
    """
    import brotli  # build time only (untyped; installed or not: see setup.cfg)

    conditional: dict[str, float] = {}
    with zipfile.ZipFile(wheel) as archive:
        for name in _LINGUA_FILES:
            raw = archive.read(f"lingua/language-models/{lang}/{name}.json.br")
            for fraction, grams in json.loads(brotli.decompress(raw))["ngrams"].items():
                num, den = fraction.split("/")
                for gram in grams.split():
                    conditional[gram] = int(num) / int(den)
    counts: dict[str, float] = {}
    for gram in sorted(conditional, key=lambda g: (len(g), g)):
        if len(gram) == 1:
            counts[gram] = conditional[gram]
        elif gram[:-1] in counts:
            counts[gram] = counts[gram[:-1]] * conditional[gram]
    right: defaultdict[str, float] = defaultdict(float)
    left: defaultdict[str, float] = defaultdict(float)
    for gram, count in counts.items():
        if len(gram) > 1:
            right[gram[:-1]] += count
            left[gram[1:]] += count
    padded = dict(counts)
    for gram, count in counts.items():
        if len(gram) < MAX_ORDER:
            for key, rest in ((gram + " ", count - right[gram]), (" " + gram, count - left[gram])):
                if rest > 1e-9 * count:  # not rounding noise
                    padded[key] = rest
    return padded


def build(
    corpus: Path = CORPUS,
    lingua_wheel: Path | None = None,
    lingua_mass: float = LINGUA_MASS,
    lingua_min_count: float = LINGUA_MIN_COUNT,
) -> dict[str, object]:
    """Count every 1..MAX_ORDER-gram of each ``<lang>.txt`` in ``corpus``, plus the profiles.

    With ``lingua_wheel`` (lingua-language-detector 1.x's wheel) its models are added too, scaled
    to ``lingua_mass`` letters and pruned below ``lingua_min_count``.
    """
    counts: dict[str, dict[str, float]] = {}
    words: dict[str, list[str]] = {}
    for path in sorted(corpus.glob("*.txt")):
        tokens = word_tokens(path.read_text(encoding="utf-8"))
        words[path.stem] = sorted(set(tokens))
        grams: Counter[str] = Counter(char_ngrams(tokens))
        if path.stem in PROFILES:
            grams.update(profile_counts(PROFILES[path.stem]))
        if lingua_wheel is not None:
            grams.update(lingua_counts(lingua_wheel, path.stem, lingua_mass, lingua_min_count))
        counts[path.stem] = {g: round(float(v), 3) for g, v in sorted(grams.items())}
    return {
        "version": MODEL_VERSION,
        "max_order": MAX_ORDER,
        "languages": sorted(counts),
        "sources": "lang_models/langid_corpus (project-written); langdetect profiles bg mk ru uk, hr->sr"
        + (f"; lingua-language-detector {LINGUA_VERSION} letter models (Apache-2.0)" if lingua_wheel else ""),
        "counts": counts,
        "words": words,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--lingua-wheel", type=Path, required=True,  # without it the shipped model would silently lose lingua
        help=f"lingua-language-detector {LINGUA_VERSION}'s wheel",
    )
    model = build(lingua_wheel=parser.parse_args().lingua_wheel)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(model, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    TARGET.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}: {len(text)} chars, languages {model['languages']}")


if __name__ == "__main__":
    main()

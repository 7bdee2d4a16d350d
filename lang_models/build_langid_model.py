"""Build ``polyglot_news/data/langid_cyrillic.json``: character n-gram counts per Cyrillic language.

Two sources, both shippable:
- ``lang_models/langid_corpus/<lang>.txt``: sentences the project wrote itself (be, bg, kk, mk, mn,
  ru, sr, uk; largely parallel everyday and news sentences);
- langdetect's own profiles (Apache-2.0, Wikipedia n-gram counts) for bg, mk, ru and uk, and its
  Croatian profile transliterated into Serbian Cyrillic for sr. They are scaled to
  ``PROFILE_MASS`` letters so that they refine, not drown, the written corpus.

Run from the repository root (needs langdetect installed):

    .venv/bin/python lang_models/build_langid_model.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from polyglot_news.langid.charmodel import MAX_ORDER, char_ngrams, word_tokens
from polyglot_news.langid.detector import MODEL_VERSION

CORPUS = ROOT / "lang_models" / "langid_corpus"
TARGET = ROOT / "polyglot_news" / "data" / "langid_cyrillic.json"
PROFILE_MASS = 20000.0  # letters' worth of counts each langdetect profile contributes
PROFILES = {"bg": "bg", "mk": "mk", "ru": "ru", "uk": "uk", "sr": "hr"}
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


def build(corpus: Path = CORPUS) -> dict[str, object]:
    """Count every 1..MAX_ORDER-gram of each ``<lang>.txt`` in ``corpus``, plus the profiles."""
    counts: dict[str, dict[str, float]] = {}
    words: dict[str, list[str]] = {}
    for path in sorted(corpus.glob("*.txt")):
        tokens = word_tokens(path.read_text(encoding="utf-8"))
        words[path.stem] = sorted(set(tokens))
        grams: Counter[str] = Counter(char_ngrams(tokens))
        if path.stem in PROFILES:
            grams.update(profile_counts(PROFILES[path.stem]))
        counts[path.stem] = {g: round(float(v), 3) for g, v in sorted(grams.items())}
    return {
        "version": MODEL_VERSION,
        "max_order": MAX_ORDER,
        "languages": sorted(counts),
        "sources": "lang_models/langid_corpus (project-written); langdetect profiles bg mk ru uk, hr->sr",
        "counts": counts,
        "words": words,
    }


def main() -> None:
    model = build()
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(model, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    TARGET.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}: {len(text)} chars, languages {model['languages']}")


if __name__ == "__main__":
    main()

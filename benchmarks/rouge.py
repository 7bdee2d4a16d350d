"""A small ROUGE-1/2/L F1 that works for any script, Cyrillic included.

Tokens are the lowercased runs of Unicode letters and digits (``\\w+``), so Russian, Ukrainian
and Belarusian words count exactly as English ones do. (The ``rouge-score`` package's default
tokenizer drops every non-Latin letter, which scores all Cyrillic summaries as empty.) No
stemming and no stop-word removal. ROUGE-L is the sentence-level variant: the longest common
subsequence of the whole candidate and the whole reference.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """Lowercased word tokens of ``text`` (letters and digits of any script)."""
    return _TOKEN.findall(text.lower().replace("ё", "е"))


def _f1(overlap: int, candidate: int, reference: int) -> float:
    if overlap == 0 or candidate == 0 or reference == 0:
        return 0.0
    precision = overlap / candidate
    recall = overlap / reference
    return 2 * precision * recall / (precision + recall)


def rouge_n(candidate: Sequence[str], reference: Sequence[str], n: int) -> float:
    """ROUGE-N F1 of two token lists (clipped n-gram overlap)."""
    cand = Counter(tuple(candidate[i : i + n]) for i in range(len(candidate) - n + 1))
    ref = Counter(tuple(reference[i : i + n]) for i in range(len(reference) - n + 1))
    overlap = sum((cand & ref).values())
    return _f1(overlap, sum(cand.values()), sum(ref.values()))


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    if len(a) < len(b):
        a, b = b, a
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def rouge_l(candidate: Sequence[str], reference: Sequence[str]) -> float:
    """ROUGE-L F1 of two token lists (longest common subsequence)."""
    return _f1(_lcs(candidate, reference), len(candidate), len(reference))


def rouge(candidate: str, reference: str) -> dict[str, float]:
    """ROUGE-1, ROUGE-2 and ROUGE-L F1 of a candidate summary against one reference."""
    cand, ref = tokens(candidate), tokens(reference)
    return {"r1": rouge_n(cand, ref, 1), "r2": rouge_n(cand, ref, 2), "rL": rouge_l(cand, ref)}


if __name__ == "__main__":
    # Hand-checked values: 5 of 6 unigrams, 3 of 5 bigrams, LCS 5 of 6.
    got = rouge("the cat sat on the mat", "the cat sat on a mat")
    assert abs(got["r1"] - 5 / 6) < 1e-9 and abs(got["r2"] - 3 / 5) < 1e-9, got
    assert abs(got["rL"] - 5 / 6) < 1e-9, got
    assert rouge("Кот сидел на ковре", "кот сидел")["r1"] == 2 * 1.0 * 0.5 / 1.5
    print("rouge self-check ok")

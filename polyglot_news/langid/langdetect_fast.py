"""langdetect's probability estimate, bit for bit, with its inner loop over languages in numpy.

``langdetect.Detector.get_probabilities`` samples n-grams of the text at random and multiplies a
per-language probability vector by each n-gram's profile row, in pure Python, one language at a
time: most of the time of a detection. :func:`probabilities` runs the same algorithm (langdetect
1.0.9's ``_detect_block``) with the same random generator, the same draws in the same order and the
same floating-point operations in the same order, so it returns exactly the same vector; only the
loop over languages is one numpy operation. The text cleaning and n-gram extraction are
langdetect's own methods.

``tests/test_detect.py`` checks the equality against langdetect itself.
"""

from __future__ import annotations

import random
from typing import Any

_ROWS = "_polyglot_news_rows"  # attribute of the factory: n-gram -> its profile row (numpy)


def probabilities(factory: Any, text: str) -> list[float] | None:
    """langdetect's probability per language of ``factory.langlist`` for ``text``, or None.

    None where langdetect raises "no features in text". ``factory`` is a seeded
    ``langdetect.detector_factory.DetectorFactory``.
    """
    import numpy as np

    detector = factory.create()
    detector.append(text)
    detector.cleaning_text()
    ngrams = detector._extract_ngrams()  # every one of them is in the profile map
    if not ngrams:
        return None
    rows: dict[str, Any] = factory.__dict__.setdefault(_ROWS, {})  # filled lazily, kept with the factory
    size = len(detector.langlist)
    langprob = np.zeros(size)
    rng = random.Random()
    rng.seed(detector.seed)
    for _ in range(detector.n_trial):
        prob = np.full(size, 1.0 / size)  # langdetect's _init_probability (no prior map)
        alpha = detector.alpha + rng.gauss(0.0, 1.0) * detector.ALPHA_WIDTH
        weight = alpha / detector.BASE_FREQ
        i = 0
        while True:
            word = rng.choice(ngrams)
            row = rows.get(word)
            if row is None:
                row = rows[word] = np.array(detector.word_lang_prob_map[word], dtype=np.float64)
            prob *= weight + row
            if i % 5 == 0:
                # langdetect's _normalize_prob: Python's own sum, then one division per language.
                prob /= sum(prob.tolist())
                if float(prob.max()) > detector.CONV_THRESHOLD or i >= detector.ITERATION_LIMIT:
                    break
            i += 1
        langprob += prob / detector.n_trial
    return [float(p) for p in langprob]


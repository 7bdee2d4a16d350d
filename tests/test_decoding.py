"""Decoding options: their signature and refusals, special tokens dropped from an output, deadlines."""

from __future__ import annotations

from typing import Any

import pytest

from polyglot_news.translation.decoding import DecodeOptions


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (DecodeOptions(), "beam4|lp0.2|max256|int8"),
        (DecodeOptions(beam_size=1, length_penalty=1.0, max_decoding_length=64), "beam1|lp1|max64|int8"),
        (DecodeOptions(batch_tokens=512), "beam4|lp0.2|max256|bt512|int8"),  # may flip a real model's near-tie
        (
            DecodeOptions(repetition_penalty=1.3, no_repeat_ngram_size=3, min_decoding_length=48,
                          max_decoding_length=48, replace_unknowns=False, retry=False),
            "beam4|lp0.2|rp1.3|nrng3|min48|max48|unk|int8|noretry",
        ),
    ],
)  # fmt: skip
def test_options_signature(options: DecodeOptions, expected: str) -> None:
    assert options.signature() == expected


@pytest.mark.parametrize(
    "kwargs",
    [
        {"beam_size": 0},
        {"beam_size": 17},  # the library holds the CLI's --beam-size cap too (memory grows with the beam)
        {"min_decoding_length": 10, "max_decoding_length": 5},
        {"batch_tokens": 0},
        {"inter_threads": 0},
    ],
)
def test_bad_options(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        DecodeOptions(**kwargs)


def test_unknown_compute_type_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown compute type 'bogus'"):
        DecodeOptions(compute_type="bogus")


@pytest.mark.parametrize(
    ("tokens", "kept"),
    [
        ([">>bel<<", "▁Пра", "цяг"], ["▁Пра", "цяг"]),
        (["bel_Cyrl", "▁Пра"], ["▁Пра"]),
        (["▁Пра", "<unk>", "</s>", "<s>", "<pad>"], ["▁Пра"]),
        (["__be__", "▁a", "__en_US__"], ["▁a"]),
        (["▁Пра", "_", "ru"], ["▁Пра", "_", "ru"]),  # ordinary pieces stay
    ],
)
def test_special_tokens_are_dropped_with_their_attention_rows(tokens: list[str], kept: list[str]) -> None:
    from polyglot_news.translation.decoding import drop_special

    rows = [[float(i)] for i in range(len(tokens))]
    out, out_rows = drop_special(tokens, rows)
    assert out == kept
    assert out_rows is not None and [tokens[int(r[0])] for r in out_rows] == kept  # attention rows follow


@pytest.mark.parametrize(
    ("lengths", "budget", "runs"),
    [
        ([5, 3, 9], 100, None),  # fits one batch: one call, as without a deadline
        ([5], 1, None),  # one sentence is one call however long
        ([5, 3, 9, 4], 8, [[1, 3], [0], [2]]),  # shortest first, runs of at most the budget
        ([2, 2, 2, 2], 4, [[0, 1], [2, 3]]),
    ],
)
def test_a_deadline_cuts_a_call_into_batches(lengths: list[int], budget: int, runs: list[list[int]] | None) -> None:
    import time

    from polyglot_news.translation.decoding import deadline, pieces

    assert pieces(lengths, budget) is None  # no deadline: one call
    with deadline(time.monotonic() + 60):
        found = pieces(lengths, budget)
        assert (list(found) if found is not None else None) == runs

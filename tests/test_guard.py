"""The degenerate-output guard on crafted translations."""

from __future__ import annotations

import pytest

from polyglot_news.translation.guard import FLAGS, check, repetition, script_share

SOURCE = "The talks between Minsk and Washington resumed on Tuesday."


@pytest.mark.parametrize(
    ("source", "target", "lang", "expected"),
    [
        (SOURCE, "Переговоры между Минском и Вашингтоном возобновились во вторник.", "ru", ()),
        (SOURCE, "Перамовы паміж Мінскам і Вашынгтонам аднавіліся ў аўторак.", "be", ()),
        (SOURCE, "", "ru", ("empty",)),
        (SOURCE, "   ", "be", ("empty",)),
        ("", "", "ru", ()),
        ("   ", "что-то", "ru", ()),
        (SOURCE, "Переговоры переговоры переговоры переговоры возобновились.", "ru", ("repetition",)),
        (SOURCE, "Минск и и и и и Вашингтон возобновили переговоры во вторник.", "ru", ("repetition",)),
        (SOURCE, "в Минске в Минске в Минске в Минске возобновились переговоры.", "ru", ("repetition",)),
        ("Ha ha ha ha ha, he said.", "Ха ха ха ха ха, сказал он.", "ru", ()),
        (SOURCE, "Переговоры.", "ru", ("length-ratio",)),
        ("Yes.", "Да.", "ru", ()),
        (SOURCE, "Переговоры между Минском и Вашингтоном возобновились во вторник, " * 4, "ru",
         ("repetition", "length-ratio")),
        (SOURCE, "The talks between Minsk and Washington resumed on Tuesday.", "ru", ("script",)),
        (SOURCE, "Talks Минск Washington resumed вторник.", "be", ("script",)),
        (SOURCE, "Переговоры NATO, EU и OSCE во вторник возобновились в Минске.", "ru", ()),
        (SOURCE, "Переговоры возобновились во вторник в Минске.", "en", ("script",)),
        (SOURCE, "Переговоры возобновились во вторник в Минске.", "xx", ()),
        (SOURCE, "Переговоры возобновились во вторник в Минске.", None, ()),
        (SOURCE, "2024 — 15:30, 7/8.", "ru", ()),
        (SOURCE, "Переговоры в Минске\x06 возобновились во вторник.", "ru", ("garbage",)),
        (SOURCE, "Переговоры в Минске \ufffd возобновились во вторник.", "ru", ("garbage",)),
        (SOURCE, "Переговоры в \u2047 возобновились во вторник.", "ru", ("garbage",)),
        ("Talks \u2047 resumed in Minsk on Tuesday.", "Переговоры \u2047 возобновились во вторник.", "ru", ()),
        (SOURCE, "T T T T T\x05", "ru", ("garbage", "repetition", "length-ratio", "script")),
    ],
)  # fmt: skip
def test_check(source: str, target: str, lang: str | None, expected: tuple[str, ...]) -> None:
    flags = check(source, target, lang)
    assert flags == expected
    assert all(flag in FLAGS for flag in flags)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("one", 0),
        ("a a a", 0),
        ("a a a a", 4),
        ("a b a b c", 0),
        ("a b a b a b c", 6),
        ("The the THE the", 4),
        ("x y z w x y z w", 0),
        ("x y z w x y z w x y z w", 12),
        ("!!!!", 4),
    ],
)
def test_repetition(text: str, expected: int) -> None:
    assert repetition(text) == expected


def _repetition_by_definition(text: str) -> int:
    """The plain quadratic reading of the docstring, to pin the fast version to it."""
    tokens = text.lower().split()
    best = 0
    for size in range(1, 17):
        needed = 4 if size == 1 else 3
        for start in range(len(tokens)):
            unit = tokens[start : start + size]
            count, pos = 1, start + size
            while tokens[pos : pos + size] == unit:
                count, pos = count + 1, pos + size
            if count >= needed:
                best = max(best, count * size)
    return best


@pytest.mark.parametrize(
    "text",
    [
        "a b a b a b a b a",
        "a a a b a a a b a a a b",
        "x a b c a b c a b c a b a b a b a b y",
        "a b c d e f g h i j k l m n o p q " * 3,
        "a b c d e f g h i j k l m n o p " * 3,
        "b a a a a b a a a a b",
        "c c c d c c c d c c c d c c c",
    ],
)
def test_repetition_matches_definition(text: str) -> None:
    assert repetition(text) == _repetition_by_definition(text)


# Huge inputs: the former search was quadratic (a minute for 10,000 words); these must
# return at once with the same answer the definition gives.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a b c " * 7_000, 21_000),
        ("x " + "a b " * 10_000 + "y", 20_000),
        ("word " * 20_000, 20_000),
        (" ".join(f"w{i}" for i in range(20_000)), 0),
        (" ".join(f"w{i % 17}" for i in range(20_000)), 0),
        (" ".join(f"w{i % 16}" for i in range(20_000)), 20_000),
    ],
)
def test_repetition_huge_input(text: str, expected: int) -> None:
    assert repetition(text) == expected


@pytest.mark.parametrize(
    ("text", "script", "expected"),
    [
        ("Минск", "Cyrillic", 1.0),
        ("Minsk", "Cyrillic", 0.0),
        ("Минск Minsk", "Latin", 0.5),
        ("abc", "Latin", None),
        ("12345 !!", "Latin", None),
        ("Ўладзімір і Ігар", "Cyrillic", 1.0),
    ],
)
def test_script_share(text: str, script: str, expected: float | None) -> None:
    assert script_share(text, script) == expected

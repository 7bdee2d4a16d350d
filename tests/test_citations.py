"""Citation marker grammar: extraction, refs, code context, invariant."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from polyglot_news.citations import (
    MARKER_PATTERN,
    check_brackets,
    check_invariant,
    drop_brackets,
    extract,
    final_side,
    hold_out,
    is_marker,
    parse_refs,
    put_back,
)
from polyglot_news.document import Marker, Sentence, Verbatim
from polyglot_news.errors import CitationError

EXTRACT_CASES = [
    # text, plain, [(marker text, offset, lead)]
    ("from Washington [1].", "from Washington.", [("[1]", 15, " ")]),
    ("Washington. [1]", "Washington.", [("[1]", 11, " ")]),
    ("exceptions.[1] The", "exceptions. The", [("[1]", 11, "")]),
    ("source[17] codec", "source codec", [("[17]", 6, "")]),
    ("Empire,[54] reflecting", "Empire, reflecting", [("[54]", 7, "")]),
    ("in 2012 [3].", "in 2012.", [("[3]", 7, " ")]),
    ("humans [4]–[7]. In", "humans. In", [("[4]–[7]", 6, " ")]),
    ("cutin [12], [13]. As", "cutin. As", [("[12]", 5, " "), ("[13]", 5, ", ")]),
    ("runs.[2][3] x", "runs. x", [("[2]", 5, ""), ("[3]", 5, "")]),
    ("again.[1][1]", "again.", [("[1]", 6, ""), ("[1]", 6, "")]),
    ("a [1, 4] b [17,18] c", "a b c", [("[1, 4]", 1, " "), ("[17,18]", 3, " ")]),
    ("r [2–5] s [1-9]", "r s", [("[2–5]", 1, " "), ("[1-9]", 3, " ")]),
    ("citizens.[136][n 7]", "citizens.", [("[136]", 9, ""), ("[n 7]", 9, "")]),
    ("name.[a] Then", "name. Then", [("[a]", 5, "")]),
    ("shown[citation needed] that", "shown that", [("[citation needed]", 5, "")]),
    ("page [1]: 207 here", "page here", [("[1]: 207", 4, " ")]),
    ("as:[3]:p. 234[5]", "as:", [("[3]:p. 234", 3, ""), ("[5]", 3, "")]),
    ("Минска [1].", "Минска.", [("[1]", 6, " ")]),
    ("[1] Opening marker.", " Opening marker.", [("[1]", 0, "")]),
]


@pytest.mark.parametrize(("text", "plain", "expected"), EXTRACT_CASES)
def test_extract(text: str, plain: str, expected: list[tuple[str, int, str]]) -> None:
    got_plain, markers = extract(text)
    assert got_plain == plain
    assert [(m.text, m.offset, m.lead) for m in markers] == expected
    assert Sentence(got_plain, tuple(markers)).text == text


NOT_MARKERS = [
    "He wrote [sic] twice.",
    "x[1] = 5",
    "set array[1]=2 now",
    "a[1][2] = 4",
    "loop over array[i] and stop",
    "call self.items[1] later",
    "use my_list[3] here",
    "value a[1].real is",
    "in code `a[1]` only",
    "index [0] is not a citation",
    "an ellipsis [...] or […] stays",
    "plan [A] stays",
    "year [12345] stays",
]


@pytest.mark.parametrize("text", NOT_MARKERS)
def test_not_markers(text: str) -> None:
    plain, markers = extract(text)
    assert markers == []
    assert plain == text


@pytest.mark.parametrize(
    ("text", "markers"),
    [
        ("registered mozilla.org[4] later", ["[4]"]),
        ("the Trenches[154] further north.[152]", ["[154]", "[152]"]),
        ('of "Mosaic and Godzilla"[5] and', ["[5]"]),
        ("include[55] Alcatel", ["[55]"]),
        ("see [1], and [2]", ["[1]", "[2]"]),
    ],
)
def test_prose_markers(text: str, markers: list[str]) -> None:
    assert [m.text for m in extract(text)[1]] == markers


# The context table of ``citations/grammar.py``, row by row: (row, text, markers found).
GRAMMAR_TABLE = [
    (1, "in code `a[1]` only", []),
    (2, "a positive relation (F[1,12] = 8.42, p = 0.01)", []),
    (2, "a spaced statistic t [23] < 2.1 here", []),
    (2, "weak (χ2[2] ≥ 5.1)", []),
    (3, "x[1] = 5", []),
    (3, "value a[1].real is", []),
    (3, "f(x)[1] = 2 holds", []),
    (3, "g()[1].y is read", []),
    (4, "loop over array[i] and stop", []),
    (5, "call self.items[1] later", []),
    (5, "print $x[1] now", []),
    (5, "f(a[1] is odd", []),
    (6, "paid US$2,500[7] in fees", ["[7]"]),
    (6, "The loan totalled $5bn[8] last year [1].", ["[8]", "[1]"]),
    (6, "cost €5m[3], or £1.2tn[2], Br500[4], ₽300[5], 5%[6].", ["[3]", "[2]", "[4]", "[5]", "[6]"]),
    (6, "in 2012[3] and 1,200[4] and in 1998[a]", ["[3]", "[4]", "[a]"]),
    (6, "founded (in 1998[3]) here", ["[3]"]),
    (7, "the #MeToo[9] campaign", ["[9]"]),
    (7, "posted by @mfa_by[3] today", ["[3]"]),
    (7, "the song ranked #1[3] in May", ["[3]"]),
    (8, "write to press@mfa.gov.by[10] now", ["[10]"]),
    (8, "registered mozilla.org[4] later", ["[4]"]),
    (8, "see https://mfa.gov.by/en/news[10] and mozilla.org/en-US[4] now", ["[10]", "[4]"]),
    (5, "then a.b/c[1] runs", []),
    (9, 'of "Mosaic and Godzilla"[5] and', ["[5]"]),
    (9, "the act (2001)[3] says", ["[3]"]),
    (9, "назвал «партнёром»[2] страну", ["[2]"]),
    (10, "source[17] codec and Empire,[54] reflecting", ["[17]", "[54]"]),
    (10, "citizens.[a] Then", ["[a]"]),
]


@pytest.mark.parametrize(("row", "text", "markers"), GRAMMAR_TABLE)
def test_grammar_table(row: int, text: str, markers: list[str]) -> None:
    plain, found = extract(text)
    assert [m.text for m in found] == markers, f"row {row}"
    assert Sentence(plain, tuple(found)).text == text


@pytest.mark.parametrize(
    ("marker", "refs"),
    [
        ("[1]", ("1",)),
        ("[12]", ("12",)),
        ("[1, 4]", ("1", "4")),
        ("[17,18]", ("17", "18")),
        ("[2–5]", ("2", "3", "4", "5")),
        ("[1-3]", ("1", "2", "3")),
        ("[4]–[7]", ("4", "5", "6", "7")),
        ("[26,27,33-35]", ("26", "27", "33", "34", "35")),
        ("[n 7]", ("n 7",)),
        ("[a]", ("a",)),
        ("[1]: 207", ("1",)),
        ("[citation needed]", ()),
        ("[1-9999]", ("1", "9999")),
        ("[9-2]", ("9", "2")),
    ],
)
def test_parse_refs(marker: str, refs: tuple[str, ...]) -> None:
    assert parse_refs(marker) == refs


@pytest.mark.parametrize(("text", "expected"), [("[1]", True), ("[1] x", False), ("[sic]", False)])
def test_is_marker(text: str, expected: bool) -> None:
    assert is_marker(text) is expected


def test_marker_pattern_exported() -> None:
    assert MARKER_PATTERN.fullmatch("[1, 4]") is not None
    assert MARKER_PATTERN.fullmatch("[sic]") is None


def _m(text: str) -> Marker:
    return Marker(text, parse_refs(text), 0)


@pytest.mark.parametrize(
    ("expected", "actual", "message"),
    [
        (["[1]", "[2]"], ["[1]"], "missing"),
        (["[1]"], ["[1]", "[3]"], "unexpected"),
        (["[1]", "[2]"], ["[2]", "[1]"], "order"),
        (["[1]", "[1]"], ["[1]"], "order"),
    ],
)
def test_check_invariant_raises(expected: list[str], actual: list[str], message: str) -> None:
    with pytest.raises(CitationError, match=message) as info:
        check_invariant([_m(t) for t in expected], [_m(t) for t in actual], "test")
    assert info.value.exit_code == 6


@pytest.mark.parametrize(
    ("text", "sides"),
    [
        ("met [1].", ["before"]),
        ("met. [1]", ["after"]),
        ("met.[1]", ["after"]),
        ("[1].", ["before"]),
        ('said "yes.[1]"', ["inside"]),
        ("met [1] there [2].", [None, "before"]),
        ("met [1]. [2]", ["before", "after"]),
        ("met [1]", ["after"]),
    ],
)
def test_final_side(text: str, sides: list[str | None]) -> None:
    plain, markers = extract(text)
    assert [final_side(plain, m.offset) for m in markers] == sides


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("[1].", ".[1]", r"\[1\] moved from before to after"),
        ("met [1].", "встретились.[1]", "from before to after"),
        ("met. [1]", "встретились [1].", "from after to before"),
        ("a [1]. [2]", "б [1] [2].", r"\[2\] moved from after to before"),
    ],
)
def test_check_invariant_with_texts_keeps_the_side_of_the_full_stop(
    source: str, target: str, message: str
) -> None:
    (plain, markers), (done, placed) = extract(source), extract(target)
    check_invariant(markers, placed, "test")  # texts and order alone agree
    with pytest.raises(CitationError, match=message):
        check_invariant(markers, placed, "test", plains=(plain, done))
    with pytest.raises(CitationError, match=message):
        check_brackets(_sentence(source), _sentence(target), "test")


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("met [1].", "встретились [1]."),
        ("met [1].", "встретились [1]"),  # the translation dropped the full stop: nothing to compare
        ("met [1]", "встретились.[1]"),  # the source has none
        ('said "yes.[1]"', 'сказал «да». [1]'),  # inside two marks: no side to keep
    ],
)
def test_check_invariant_with_texts_passes(source: str, target: str) -> None:
    (plain, markers), (done, placed) = extract(source), extract(target)
    check_invariant(markers, placed, "test", plains=(plain, done))
    assert [m.text for m in placed] == [m.text for m in markers]


def test_check_invariant_passes() -> None:
    markers = [_m("[1]"), _m("[2][3]")]
    check_invariant(markers, list(markers), "test")
    check_invariant([], [], "test")
    assert [m.text for m in markers] == ["[1]", "[2][3]"]


@given(st.text(alphabet="ab []1234,-–.:n\u00a0`=_x", max_size=60))
def test_extract_is_lossless(text: str) -> None:
    plain, markers = extract(text)
    assert Sentence(plain, tuple(markers)).text == text
    offsets = [m.offset for m in markers]
    assert offsets == sorted(offsets)
    assert all(0 <= o <= len(plain) for o in offsets)


# ------------------------------------------------ bracket groups that stay text (verbatim)


def _sentence(text: str) -> Sentence:
    plain, markers = extract(text)
    return Sentence(plain, tuple(markers), 3)


@pytest.mark.parametrize(
    ("text", "plain", "held"),
    [
        # text, plain the model sees, [(group, offset, lead, verbatim?)]
        ("He wrote [sic] twice [1].", "He wrote twice.", [("[sic]", 8, " ", True), ("[1]", 14, " ", False)]),
        ("x[1] = 5 [3].", "x = 5.", [("[1]", 1, "", True), ("[3]", 5, " ", False)]),
        ("[Note] Text.", " Text.", [("[Note]", 0, "", True)]),
        (
            "claim[3] [sic][4] end.",
            "claim end.",
            [("[3]", 5, "", False), ("[sic]", 5, " ", True), ("[4]", 5, "", False)],
        ),
        ("[see [3]] here", "[see] here", [("[3]", 4, " ", False)]),  # a group holding a marker stays text
        ("no brackets [1].", "no brackets.", [("[1]", 11, " ", False)]),
    ],
)
def test_hold_out_and_put_back(text: str, plain: str, held: list[tuple[str, int, str, bool]]) -> None:
    sentence = _sentence(text)
    out = hold_out(sentence)
    assert out.plain == plain
    assert [(m.text, m.offset, m.lead, isinstance(m, Verbatim)) for m in out.markers] == held
    assert out.text == text
    assert out.index == 3
    assert put_back(out) == sentence


@given(st.text(alphabet="ab []1234,-=.sic x", max_size=60))
def test_put_back_undoes_hold_out(text: str) -> None:
    sentence = _sentence(text)
    held = hold_out(sentence)
    assert held.text == text
    assert put_back(held) == sentence
    check_brackets(sentence, put_back(held), "test")


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("a [sic] b [1].", "a b [1].", "missing"),
        ("a b [1].", "a [x] b [1].", "unexpected"),
        ("a [sic] b [1].", "a b [1] [sic].", "order"),
        ("F[1,12] = 8 [2].", "F = 8 [2].", "missing"),
    ],
)
def test_check_brackets_raises(source: str, target: str, message: str) -> None:
    with pytest.raises(CitationError, match=f"bracket groups changed in here: {message}"):
        check_brackets(_sentence(source), _sentence(target), "here")


@pytest.mark.parametrize(
    ("text", "source", "expected"),
    [
        ("Привет [x] мир [1].", "Hello world.", "Привет мир."),
        ("[Note] Текст", "Text", " Текст"),
        ("Привет [see] мир", "[see] here", "Привет [see] мир"),
        ("без скобок", "", "без скобок"),
    ],
)
def test_drop_brackets(text: str, source: str, expected: str) -> None:
    assert drop_brackets(text, source) == expected

"""Article structure: headline, body, references, boilerplate."""

from __future__ import annotations

from pathlib import Path

import pytest

from polyglot_news.document import Reference
from polyglot_news.parse import parse_article, parse_references

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "belarus_us_relations.txt"

EXAMPLE_REFERENCES = (
    ("1", "Belarus' Lukashenko says sanctions should not be a stumbling block for dialogue with U.S."),
    ("2", "U.S. shifts policy toward greater engagement with Belarus"),
    ("3", "Belarus' Lukashenko praises Trump for Armenia-Azerbaijan peace deal"),
    ("4", "Belarus' Lukashenko meets U.S. Assistant Secretary of State for European and Eurasian Affairs"),
    ("5", "Belarus' Lukashenko says Belarus wants to be open to the whole world"),
    ("6", "U.S. understands close relations between Belarus and Russia"),
    ("7", 'Lukashenko does not express intention to give up S-400s or "Iskanders" systems'),
    (
        "8",
        "If progress is made, Lukashenko promises Belarus will be reliable, honest, and sincere partners for the U.S.",
    ),
)
READ_ALSO = (
    "- Southwest region's most popular posts, accompanied by an inquiry:",
    "- Discussion between Putin and Trump in Alaska could potentially overshadow Ukraine's concerns",
    (
        "- Tinubu's administration allegedly causing issues within every political party as Peter Obi's "
        "name surfaces - Obidient Movement asserts"
    ),
    "- Court petitions to reverse established decision on same-sex marriage legalization",
)


def test_example_article() -> None:
    article = parse_article(EXAMPLE.read_text(encoding="utf-8"))
    assert article.headline == (
        "US Assistant Secretary of State vows to Belarusians: You can count on us to be your most "
        "trustworthy, truthful, and sincere associates."
    )
    assert tuple((r.id, r.title) for r in article.references) == EXAMPLE_REFERENCES
    assert article.boilerplate == ("Read also:\n" + "\n".join(READ_ALSO),)
    assert len(article.paragraphs) == 9
    assert article.paragraphs[0].startswith("In a significant shift, Belarusian President")
    assert article.paragraphs[-1].endswith("the broader geopolitical landscape.")
    body = "\n".join(article.paragraphs)
    for line in READ_ALSO:
        assert line[2:] not in body
    assert "References" not in body and "stumbling block for dialogue with U.S. 2." not in body


@pytest.mark.parametrize(
    ("text", "headline", "paragraphs", "references", "boilerplate"),
    [
        (
            "Title here\n\nBody one [1].\nBody two.\n\nSources:\n[1] First source\n[2] Second source\n",
            "Title here",
            ("Body one [1].", "Body two."),
            (("1", "First source"), ("2", "Second source")),
            (),
        ),
        (
            (
                "Заголовак\nПершы абзац [1].\nКрыніцы:\n1. Першая крыніца\n2. Другая крыніца\n"
                "Чытайце таксама:\n- Іншая навіна\n"
            ),
            "Заголовак",
            ("Першы абзац [1].",),
            (("1", "Першая крыніца"), ("2", "Другая крыніца")),
            ("Чытайце таксама:\n- Іншая навіна",),
        ),
        (
            (
                "Заголовок\nАбзац [2].\nИсточники: 1. Первый 2. Второй в г. Минске 3. Третий\n"
                "Читайте также:\n\n- Другое\n\nЕщё абзац.\n"
            ),
            "Заголовок",
            ("Абзац [2].", "Ещё абзац."),
            (("1", "Первый"), ("2", "Второй в г. Минске"), ("3", "Третий")),
            ("Читайте также:\n- Другое",),
        ),
        (
            "Заголовок\nАбзац.\nДжерела:\n\n1. Перше\n\n2. Друге\n",
            "Заголовок",
            ("Абзац.",),
            (("1", "Перше"), ("2", "Друге")),
            (),
        ),
        (
            "Only one paragraph here. It has two sentences.",
            None,
            ("Only one paragraph here. It has two sentences.",),
            (),
            (),
        ),
        (
            "A first paragraph that cites [1]. It is not a title.\nSecond paragraph.",
            None,
            ("A first paragraph that cites [1]. It is not a title.", "Second paragraph."),
            (),
            (),
        ),
        (
            (
                "Wrapped story\n\nThis paragraph was wrapped by an old mail client at a short\n"
                "width, so its lines must be joined back together.\n\nSecond paragraph.\n"
            ),
            "Wrapped story",
            (
                (
                    "This paragraph was wrapped by an old mail client at a short width, so its "
                    "lines must be joined back together."
                ),
                "Second paragraph.",
            ),
            (),
            (),
        ),
        (
            "Title\nBackground\nBody text.\nSee also: Another story\n",
            "Title",
            ("Background", "Body text."),
            (),
            ("See also: Another story",),
        ),
        (
            ("Title\nBody one.\nRead also:\n- Link one\n- Link two\n"
             "Body two is a real paragraph that goes on for a while, like body text does.\n"),
            "Title",
            ("Body one.", "Body two is a real paragraph that goes on for a while, like body text does."),
            (),
            ("Read also:\n- Link one\n- Link two",),
        ),
        ("", None, (), (), ()),
        ("\n \n", None, (), (), ()),
        # An inline boilerplate heading is that one line; the body goes on under it.
        (
            (
                "Заголовок новости\nПрезидент провёл переговоры [1].\n"
                "Читайте также: Лукашенко помиловал 16 человек\nСтороны обсудили санкции [2].\n"
                "Встреча длилась три часа.\n"
            ),
            "Заголовок новости",
            ("Президент провёл переговоры [1].", "Стороны обсудили санкции [2].", "Встреча длилась три часа."),
            (),
            ("Читайте также: Лукашенко помиловал 16 человек",),
        ),
        # ... but a bullet list right under it still belongs to it.
        (
            "Title\nBody one.\nSee also: Two stories\n- Link one\n- Link two\nBody two.\n",
            "Title",
            ("Body one.", "Body two."),
            (),
            ("See also: Two stories\n- Link one\n- Link two",),
        ),
        # Body text right after a reference list (no blank line) is body again.
        (
            (
                "Headline here\nBody one [1]. Body two [2].\nReferences:\n1. First\n2. Second\n"
                "The story continues with details [2]. Officials declined to comment.\n"
            ),
            "Headline here",
            ("Body one [1]. Body two [2].", "The story continues with details [2]. Officials declined to comment."),
            (("1", "First"), ("2", "Second")),
            (),
        ),
        (
            "Title\nBody [1].\nSources:\n[1] First\n[2] Second\nMore body without a marker.\n",
            "Title",
            ("Body [1].", "More body without a marker."),
            (("1", "First"), ("2", "Second")),
            (),
        ),
        (
            "Title\nBody [1].\nSources: 1. First 2. Second\nMore body.\n",
            "Title",
            ("Body [1].", "More body."),
            (("1", "First"), ("2", "Second")),
            (),
        ),
        # Continuations of a long title (indented, or lower case after no final punctuation).
        (
            "Title\nBody [1].\nReferences:\n1. A long title that\n   wraps here\n2. Another that\ngoes on\n",
            "Title",
            ("Body [1].",),
            (("1", "A long title that wraps here"), ("2", "Another that goes on")),
            (),
        ),
        # Unnumbered entries, one per line: a line with a citation marker is body text.
        (
            "Title\nBody [1].\nSources:\nReuters\nBelTA\nThe ministry confirmed it [1].\n",
            "Title",
            ("Body [1].", "The ministry confirmed it [1]."),
            (("1", "Reuters"), ("2", "BelTA")),
            (),
        ),
        # A numbered entry holding a marker-like group stays an entry (not body text).
        (
            (
                "Title\nBody [1]. More [2].\nReferences:\n1. Report on Belarus [a] notes\n2. Study citing [2]\n"
                "[3] Third [b]\n"
            ),
            "Title",
            ("Body [1]. More [2].",),
            (("1", "Report on Belarus [a] notes"), ("2", "Study citing [2]"), ("3", "Third [b]")),
            (),
        ),
        (
            "Title\nBody [1].\n\nSources:\n1. Report [a]\n\n2. Second [2]\n",
            "Title",
            ("Body [1].",),
            (("1", "Report [a]"), ("2", "Second [2]")),
            (),
        ),
        # A numbering gap keeps one entry per line.
        (
            "Title\nBody [1].\nReferences:\n1. One\n2. Two\n4. Four\n5. Five\n",
            "Title",
            ("Body [1].",),
            (("1", "One"), ("2", "Two"), ("4", "Four"), ("5", "Five")),
            (),
        ),
        # CR LF and lone CR line ends, without io.decode.
        (
            "Title\r\nBody one [1].\r\n\r\nSources:\r\n[1] First\r\n",
            "Title",
            ("Body one [1].",),
            (("1", "First"),),
            (),
        ),
        (
            "Title\rBody one.\rRead also:\r- Link\r\rBody two.\r",
            "Title",
            ("Body one.", "Body two."),
            (),
            ("Read also:\n- Link",),
        ),
    ],
)
def test_parse_article(
    text: str,
    headline: str | None,
    paragraphs: tuple[str, ...],
    references: tuple[tuple[str, str], ...],
    boilerplate: tuple[str, ...],
) -> None:
    article = parse_article(text)
    assert article.headline == headline
    assert article.paragraphs == paragraphs
    assert tuple((r.id, r.title) for r in article.references) == references
    assert article.boilerplate == boilerplate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1. A 2. B", (Reference("1", "A"), Reference("2", "B"))),
        ("1. Deal with U.S. 2. U.S. shifts 3. Done", (
            Reference("1", "Deal with U.S."), Reference("2", "U.S. shifts"), Reference("3", "Done"))),
        ("1. Report on 2. wave 2. Next", (Reference("1", "Report on"), Reference("2", "wave 2. Next"))),
        ("[1] A\n[2] B", (Reference("1", "A"), Reference("2", "B"))),
        ("1. A\n2. B\n4. C\n5. D", (
            Reference("1", "A"), Reference("2", "B"), Reference("4", "C"), Reference("5", "D"))),
        ("[1] A\n[3] C\n[4] D", (Reference("1", "A"), Reference("3", "C"), Reference("4", "D"))),
        ("1) A\n3) C\n  more of C", (Reference("1", "A"), Reference("3", "C more of C"))),
        ("1. Report on 2. wave\n2. Next", (Reference("1", "Report on 2. wave"), Reference("2", "Next"))),
        ("- A\n- B", (Reference("1", "A"), Reference("2", "B"))),
        ("", ()),
    ],
)
def test_parse_references(text: str, expected: tuple[Reference, ...]) -> None:
    assert parse_references(text) == expected

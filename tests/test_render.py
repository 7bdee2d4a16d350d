"""Rendering: Markdown output is inert when rendered, whatever HTML or links the article holds."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from polyglot_news.cli import cli
from polyglot_news.render import markdown_text

HOSTILE = """<script>alert("headline")</script> Minsk talks resume
Officials in Minsk said talks resumed on Monday <img src=x onerror=alert(1)> after a long pause [1]. \
The ministry published the schedule on its site.
Readers were told to [click here](javascript:alert(document.cookie)) for the full text [2]. \
Diplomats from both sides met again in the afternoon.
[1]: javascript:alert(2) The final statement came late in the evening & was brief <b>bold</b> [2].
References:
1. <a href="javascript:alert(3)">Talks resume</a>
2. Schedule & agenda
"""

# What must never appear in Markdown output: a tag, an inline link, a link definition.
_ACTIVE = [
    re.compile(r"<\s*/?\s*[a-z!]", re.I),
    re.compile(r"\]\("),
    re.compile(r"^\s*(?:-\s*)?\[[^\]]*\]:", re.M),
]


@pytest.mark.parametrize(
    ("text", "inert"),
    [
        ("<script>x</script>", "&lt;script&gt;x&lt;/script&gt;"),
        ("a & b", "a &amp; b"),
        ("[x](javascript:alert(1))", "[x]\\(javascript:alert(1))"),
        ("[1]: javascript:alert(1)", "[1]\\: javascript:alert(1)"),
        ("Talks [1], [2-3]. Obi's party: “yes” — 5 > 4", "Talks [1], [2-3]. Obi's party: “yes” — 5 &gt; 4"),
    ],
)
def test_markdown_text(text: str, inert: str) -> None:
    assert markdown_text(text) == inert


@pytest.mark.parametrize(
    "args",
    [
        ["digest", "--format", "markdown", "--source-lang", "en", "--sentences", "5"],
        ["summarize", "--format", "markdown", "--source-lang", "en", "--sentences", "5"],
    ],
)
def test_markdown_output_of_a_hostile_article_is_inert(tmp_path: Path, args: list[str]) -> None:
    article = tmp_path / "hostile.txt"
    article.write_text(HOSTILE, encoding="utf-8")
    result = CliRunner().invoke(cli, [*args, str(article)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    for pattern in _ACTIVE:
        assert not pattern.search(out), (pattern.pattern, out)
    assert "&lt;img src=x onerror=alert(1)&gt;" in out  # shown as written, not dropped
    assert "[click here]\\(javascript:alert(document.cookie))" in out
    assert "[1]" in out and "[2]" in out  # citation markers untouched
    if args[0] == "digest":
        assert out.startswith('# &lt;script&gt;alert("headline")&lt;/script&gt; Minsk talks resume\n')
        assert "2. Schedule &amp; agenda\n" in out


def test_text_and_json_are_not_escaped(tmp_path: Path) -> None:
    article = tmp_path / "hostile.txt"
    article.write_text(HOSTILE, encoding="utf-8")
    text = CliRunner().invoke(cli, ["digest", "--format", "text", "--source-lang", "en", str(article)])
    assert text.stdout.startswith('<script>alert("headline")</script> Minsk talks resume\n')
    as_json = CliRunner().invoke(cli, ["digest", "--format", "json", "--source-lang", "en", str(article)])
    assert '"headline": "<script>alert(\\"headline\\")</script> Minsk talks resume"' in as_json.stdout


def test_markdown_translation_is_inert(install_packages: Any, tmp_path: Path) -> None:
    install_packages("echo-en_ru")
    article = tmp_path / "hostile.txt"
    article.write_text(HOSTILE, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["translate", "--to", "ru", "--source-lang", "en", "--format", "markdown", str(article)]
    )
    assert result.exit_code == 0, result.output
    for pattern in _ACTIVE:
        assert not pattern.search(result.stdout), (pattern.pattern, result.stdout)
    digest = CliRunner().invoke(
        cli, ["digest", "--to", "ru", "--source-lang", "en", "--format", "markdown", str(article)]
    )
    assert digest.exit_code == 0, digest.output
    assert "## [ru] en→ru — TEST MODEL" in digest.stdout
    for pattern in _ACTIVE:
        assert not pattern.search(digest.stdout), (pattern.pattern, digest.stdout)


def test_batch_markdown_stamp_keeps_a_hostile_id_inside_its_comment(tmp_path: Path) -> None:
    import json

    from polyglot_news.batch.outputs import is_complete, stamp

    item_id = 'x --><script>alert(1)</script><!-- "'
    line = stamp("markdown", item_id, "sum:lead-3")
    assert line.count("-->") == 1 and line.endswith(" -->\n") and "<script" not in line
    who = line.split("id=", 1)[1].split(" options=", 1)[0]
    assert json.loads(who) == item_id
    output = tmp_path / "x.md"
    output.write_text("# Title\n\n" + line, encoding="utf-8")
    assert is_complete(output, item_id, "markdown", "sum:lead-3")

"""``--format html``: one self-contained page, every article string escaped, markers linked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from polyglot_news import pipeline, render
from polyglot_news.cli import cli
from polyglot_news.document import Digest, GlossaryHit, ModelUsed, Place, Reference, Sentence, Translation
from polyglot_news.render_html import anchor, digest_html

from .conftest import EXAMPLES
from .htmlcheck import active_content, parse

EXAMPLE = str(EXAMPLES / "belarus_us_relations.txt")

HOSTILE = (
    "<script>alert(1)</script> Minsk <img src=x onerror=alert(1)> opens a line\n\n"
    "The city opened a new tram line <script>alert(2)</script> on Monday [1]. "
    'Officials said <a href="javascript:alert(3)">click</a> it links two suburbs [2]. '
    "Residents <img src=x onerror=alert(4)> welcomed the line, the mayor said.\n\n"
    "References:\n"
    "1. <script>alert(5)</script> City council report\n"
    "2. javascript:alert(6) <img src=x onerror=alert(7)>\n"
)


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


def test_html_digest_of_the_example_has_its_parts(install_packages: Any) -> None:
    install_packages("echo-en_ru", "echo-ru_be")
    result = run("digest", "--to", "ru,be", "--format", "html", EXAMPLE)
    assert result.exit_code == 0, result.stderr
    data = json.loads(run("digest", "--to", "ru,be", EXAMPLE).stdout)
    page = parse(result.stdout)
    assert page.errors == []
    assert result.stdout.startswith("<!DOCTYPE html>\n")
    assert page.find("html")[0].attrs["lang"] == "en"
    assert page.find("h1")[0].text == data["headline"]
    # self-contained: inline CSS with a print stylesheet, nothing fetched, nothing run
    assert page.find("style") and "@media print" in page.find("style")[0].text
    assert not page.find("link") and not page.find("script") and active_content(page) == []
    assert not [e for e in page.elements if "src" in e.attrs]
    # one column per target with its lang, sentences aligned by index in rows
    summary = next(e for e in page.find("table") if "summary" in e.attrs["class"])
    assert summary.text
    heads = [e.attrs.get("data-lang") for e in page.find("th") if "data-lang" in e.attrs]
    assert heads[:3] == ["en", "ru", "be"]
    rows = [e for e in page.find("tr") if "data-index" in e.attrs and "table" in e.parents]
    indexes = [int(e.attrs["data-index"]) for e in rows][: len(data["summary"])]
    assert indexes == [s["index"] for s in data["summary"]]
    for lang in ("ru", "be"):
        texts = [s["text"] for s in data["translations"][lang]["summary"]]
        mine = [e.text for e in _spans_in(page, lang)]
        assert mine[1 : 1 + len(texts)] == texts  # after the headline row
    # every marker is a superscript link to an entry that exists
    ids = page.ids()
    links = [e for e in page.find("a") if "sup" in e.parents]
    assert len(links) == sum(len(s["markers"]) for s in data["summary"]) * 3
    assert all(a.attrs["href"].startswith("#") and a.attrs["href"][1:] in ids for a in links)
    assert {a.attrs["href"] for a in links} >= {f"#ref-{r['id']}" for r in data["references"]}
    assert {a.attrs["href"] for a in links} >= {f"#ref-be-{r['id']}" for r in data["references"]}
    # footer: models, TEST MODEL warnings, signature
    footer = page.find("footer")[0].text
    assert "TEST MODEL" in footer and "version 1.0" in footer and "licence not recorded" in footer
    assert data["signature"] in footer
    assert page.with_class("test-warning")


def test_a_target_equal_to_the_source_is_said_once_not_given_a_column(install_packages: Any) -> None:
    install_packages("echo-ru_be")
    article = str(Path(__file__).parent / "data" / "minsk_transport_ru.txt")
    result = run("digest", "--to", "ru,be", "--format", "html", article)
    assert result.exit_code == 0, result.stderr
    page = parse(result.stdout)
    heads = [e.attrs["data-lang"] for e in page.find("th") if "data-lang" in e.attrs]
    assert heads == ["ru", "be"] * 2  # summary and references: the source and be, no second ru column
    said = [e.text for e in page.with_class("already")]
    assert said == ["The article is already in ru: no translation needed."]
    first = json.loads(run("digest", "--to", "ru", article).stdout)["summary"][0]["text"][:40]
    assert result.stdout.count(first) == 2  # the source column and the be column, not a third time for ru


def test_html_is_byte_identical_across_runs(install_packages: Any) -> None:
    install_packages("echo-en_ru")
    first = run("digest", "--to", "ru", "--format", "html", EXAMPLE).stdout
    assert first == run("digest", "--to", "ru", "--format", "html", EXAMPLE).stdout


def test_article_markup_is_text_never_markup(install_packages: Any) -> None:
    install_packages("echo-en_ru")
    result = run("digest", "--to", "ru", "--translate", "headline,summary,references,full", "--format", "html",
                 "--source-lang", "en", "-n", "3", stdin=HOSTILE)
    assert result.exit_code == 0, result.stderr
    page = parse(result.stdout)
    assert page.errors == []
    assert active_content(page) == []
    assert not page.find("img") and not page.find("script")
    assert [a for a in page.find("a") if not a.attrs["href"].startswith("#")] == []
    text = page.text()
    for shown in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<script>alert(5)</script>",
                  "javascript:alert(6)", '<a href="javascript:alert(3)">'):
        assert shown in text, shown
    assert "<script>" not in result.stdout and "<img" not in result.stdout


def test_markers_link_to_their_own_column() -> None:
    s = Sentence("Trams run again.", (), 0)
    cited = Sentence("Fares rose.", (_marker("[1, 9]", ("1", "9"), 10),), 1)
    translated = Sentence("Цэны выраслі.", (_marker("[1, 9]", ("1", "9"), 12),), 1)
    digest = Digest(
        source=_detection(), headline="H & <b>", summary=(s, cited),
        references=(Reference("1", "Report <i>"),), signature="sig",
        translations={
            "be": Translation(
                route="en→be", models=(ModelUsed("M", "en→be", "2.0", "store", False),),
                summary=(s, translated), references=(Reference("1", "Справаздача"),),
                flags=((Place("summary", 1), ("script", "language:ru")),),
                glossary=((Place("summary", 0), (GlossaryHit("tram", "miss"),)),),
            ),
            "ru": Translation(error="no route en→ru"),
        },
    )
    page = parse(digest_html(digest, licences={"M": "CC-BY-4.0"}))
    assert page.errors == []
    hrefs = [a.attrs["href"] for a in page.find("a")]
    assert hrefs == [f"#{anchor(None, '1')}", f"#{anchor('be', '1')}"]  # ref 9 is not in the list: first known
    assert {h[1:] for h in hrefs} <= page.ids()
    flags = [e.attrs["data-flag"] for e in page.with_class("flag")]
    assert flags == ["glossary-miss: tram", "script", "language:ru"]
    legend = [e.text for e in page.find("dt")]
    assert legend == ["glossary-miss", "language:*", "script"]
    footer = page.find("footer")[0].text
    assert "CC-BY-4.0" in footer and "no route en→ru" in footer and "TEST MODEL" not in footer
    assert page.find("h1")[0].text == "H & <b>"


def test_batch_writes_html_files(install_packages: Any, tmp_path: Path) -> None:
    install_packages("echo-en_ru")
    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "a-->b.txt").write_text(Path(EXAMPLE).read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    args = ("batch", str(feed), "--to", "ru", "-j", "1", "--format", "html", "-o", str(out))
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    page_text = (out / "a-->b.html").read_text(encoding="utf-8")
    page = parse(page_text)
    assert page.errors == [] and page.find("td", lang="ru")
    assert page_text.rstrip().endswith("-->") and page_text.count("-->") == 1
    again = run(*args, "--resume")
    assert again.exit_code == 0 and "1 already done" in again.stderr


def test_html_only_for_digests() -> None:
    assert run("summarize", "--format", "html", EXAMPLE).exit_code == 2
    assert render.FORMATS["html"] == ".html"
    assert "html" in render.digest(pipeline.digest(Path(EXAMPLE).read_text(encoding="utf-8")), "html")


def _spans_in(page: Any, lang: str) -> list[Any]:
    """The ``span.text`` of every summary-table cell in ``lang``'s column, in order."""
    out: list[Any] = []
    current = None
    for e in page.elements:
        if e.tag == "td":
            current = e.attrs.get("lang")
        elif e.tag == "span" and "text" in e.attrs.get("class", "").split() and current == lang:
            out.append(e)
    return out


def _marker(text: str, refs: tuple[str, ...], offset: int) -> Any:
    from polyglot_news.document import Marker

    return Marker(text, refs, offset, " ")


def _detection() -> Any:
    from polyglot_news.document import Detection

    return Detection("en", 1.0, "given")

"""The Python API: digest, translation into several targets, and what happens without models."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import polyglot_news
from polyglot_news.errors import RouteError

from .conftest import DATA

RU_ARTICLE = (DATA / "minsk_transport_ru.txt").read_text(encoding="utf-8")


def marker_texts(items: list[dict[str, Any]]) -> list[list[str]]:
    return [[m["text"] for m in item["markers"]] for item in items]


def test_digest_of_a_russian_article_keeps_structure() -> None:
    result = polyglot_news.digest(RU_ARTICLE, sentences=3)
    assert result.source.language == "ru"
    assert result.headline == "Минск повышает тарифы на общественный транспорт с первого марта"
    assert [s.index for s in result.summary] == sorted(s.index for s in result.summary)
    cited = sorted({ref for s in result.summary for m in s.markers for ref in m.refs})
    assert [r.id for r in result.references] == cited
    assert not any("Погода" in s.text or "Источники" in s.text for s in result.summary)
    assert "translations" not in result.to_dict()


@pytest.mark.parametrize(
    ("kwargs", "part"),
    [
        ({"sentences": 3}, "|sum:auto.v2-3|"),
        ({"ratio": 0.4}, "|sum:auto.v2-r0.4|"),
        ({"sentences": 2, "method": "reduction-lead"}, "|sum:reduction-lead-2|"),
    ],
)
def test_the_signature_names_the_summary_method_and_its_version(kwargs: dict[str, Any], part: str) -> None:
    assert part in polyglot_news.digest(RU_ARTICLE, **kwargs).signature


def test_default_targets_without_models_are_skipped_with_notes() -> None:
    result = polyglot_news.digest(RU_ARTICLE, translation=polyglot_news.TranslationRequest())
    # Russian needs no model for a Russian article; Belarusian does.
    assert list(result.translations) == ["ru"]
    assert result.translations["ru"].route == "ru (no translation needed)"
    assert result.errors == ()
    assert [n.split(":")[0] for n in result.notes] == ["not translated into be"]


def test_translation_into_ru_and_be_keeps_every_marker(install_packages: Callable[..., None]) -> None:
    install_packages("echo-ru_be")
    parts = ("headline", "summary", "references", "full")
    request = polyglot_news.TranslationRequest(targets=("ru", "be"), parts=parts)
    result = polyglot_news.digest(RU_ARTICLE, sentences=3, translation=request).to_dict()
    source_summary = result["summary"]
    for lang in ("ru", "be"):
        out = result["translations"][lang]
        assert marker_texts(out["summary"]) == marker_texts(source_summary)
        assert [s["index"] for s in out["summary"]] == [s["index"] for s in source_summary]
        assert [r["id"] for r in out["references"]] == [r["id"] for r in result["references"]]
        assert len(out["full"]) == 6
    be = result["translations"]["be"]
    assert be["route"] == "ru→be"
    assert be["models"][0]["test_model"] is True
    # The echo test model copies its input, so text and marker positions come back unchanged.
    assert be["summary"] == source_summary
    assert be["headline"] == result["headline"]
    # ...which is Russian: the output-language check flags every sentence delivered as "Belarusian".
    assert {tuple(f["flags"]) for f in be["flags"]} == {("language:ru",)}
    assert len(be["flags"]) == 1 + 3 + len(result["references"]) + 6
    assert result["translations"]["ru"]["route"] == "ru (no translation needed)"
    assert "mt:be=ru_be-1.0~test-echo-ru_be@" in result["signature"]


def test_pivot_route_and_test_model_note(install_packages: Callable[..., None], example_text: str) -> None:
    install_packages("echo-en_ru", "echo-ru_be")
    result = polyglot_news.digest(example_text, translation=polyglot_news.TranslationRequest(targets=("be",)))
    be = result.translations["be"]
    assert be.route == "en→ru→be"
    assert [m.pair for m in be.models] == ["en→ru", "ru→be"]
    assert be.test_model
    assert be.summary is not None
    assert [[m.text for m in s.markers] for s in be.summary] == [[m.text for m in s.markers] for s in result.summary]
    # English out of a "Belarusian" model is caught by the guard, never passed on silently.
    assert {place.part for place, _ in be.flags} >= {"summary"}
    assert any("TEST MODEL" in note for note in result.notes)


def test_missing_explicit_route_is_an_error_entry(install_packages: Callable[..., None]) -> None:
    install_packages("echo-ru_be")
    result = polyglot_news.digest(
        RU_ARTICLE, translation=polyglot_news.TranslationRequest(targets=("be", "en"))
    )
    assert result.translations["be"].summary is not None
    assert (result.translations["en"].error or "").startswith("no route ru→en: install")
    assert result.to_dict()["translations"]["en"] == {"error": result.translations["en"].error}
    assert [type(e) for e in result.errors] == [RouteError]


@pytest.mark.parametrize(
    ("parts", "listed"),
    [
        (("summary", "references"), ["1", "2"]),  # what the summary (the first five sentences) cites
        (("summary", "references", "full"), ["1", "2", "3", "4", "5", "6", "7", "8"]),  # and the full text
        (("summary", "full"), ["1", "2", "3", "4", "5", "6", "7", "8"]),  # titles untranslated, still listed
    ],
)
def test_references_list_what_the_translated_parts_cite(
    install_packages: Callable[..., None], example_text: str, parts: tuple[str, ...], listed: list[str]
) -> None:
    install_packages("echo-en_ru")
    request = polyglot_news.TranslationRequest(targets=("ru",), parts=parts)
    result = polyglot_news.digest(example_text, method="lead", sentences=5, translation=request)
    assert [r.id for r in result.references] == listed
    translated = result.translations["ru"]
    if "references" in parts:
        assert [r.id for r in translated.references or ()] == listed
    cited = {ref for s in (*result.summary, *(translated.full or ())) for m in s.markers for ref in m.refs}
    assert cited <= set(listed)  # no marker points at nothing


@pytest.mark.parametrize(
    ("text", "given", "doubted"),
    [
        ("example", "be", "en"),
        ("example", "en", None),
        (RU_ARTICLE, "be", "ru"),
        (RU_ARTICLE, "ru", None),
        ("Hi [1].", "be", None),  # too short to tell: no doubt
    ],
)
def test_source_mismatch(example_text: str, text: str, given: str, doubted: str | None) -> None:
    found = polyglot_news.pipeline.source_mismatch(example_text if text == "example" else text, given)
    assert (found is None) is (doubted is None)
    if doubted is not None:
        assert found is not None and found.startswith(f"the text reads as {doubted} (confidence ")


def test_a_given_source_language_is_one_reason_defined_in_one_leaf() -> None:
    """The reason ``given`` is spelled once, in ``document``; the detection and its signature both use it."""
    import ast

    from polyglot_news.document import GIVEN

    package = Path(polyglot_news.__file__).parent
    spelled = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and node.value == GIVEN
    )
    assert spelled == ["document.py"]
    result = polyglot_news.summarize_article(RU_ARTICLE, source_lang="ru", sentences=1)
    assert result.source.reason == GIVEN
    assert polyglot_news.digest(RU_ARTICLE, source_lang="ru").signature.startswith(f"det:{GIVEN}|seg:")


def test_translate_text_keeps_lines_and_markers(install_packages: Callable[..., None]) -> None:
    install_packages("echo-ru_be")
    text = "Первая строка с маркером [1]. Второе предложение.\nВторая строка,[2] с маркером внутри."
    result = polyglot_news.translate_text(text, "be", source_lang="ru")
    assert result.route == "ru→be"
    assert result.text == text  # the text of a translation gains no newline
    assert [[m.text for m in s.markers] for p in result.paragraphs for s in p] == [["[1]"], [], ["[2]"]]


def test_translate_text_without_route(tmp_path: Path) -> None:
    with pytest.raises(RouteError, match="no route ru→be"):
        polyglot_news.translate_text("Просто текст на русском языке.", "be", source_lang="ru")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"parts": ("summary", "everything")}, "cannot translate everything"),
        ({"targets": ("be", "Belarusian!")}, "`targets` takes language codes"),
    ],
)
def test_bad_translation_request(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        polyglot_news.TranslationRequest(**kwargs)


ARTICLE = "Minsk opened a tram line on Monday. The council said more would follow next year [1]. People cheered."


@pytest.mark.parametrize(
    ("entry", "args", "kwargs", "message"),
    [
        # A string where a sequence is meant is not read character by character.
        ("TranslationRequest", (), {"targets": "ru"}, "`targets` takes a sequence such as ('ru', 'be'), not str 'ru'"),
        ("TranslationRequest", (), {"parts": "summary"}, "`parts` takes a sequence such as ('headline', 'summary'"),
        ("TranslationRequest", (), {"targets": 5}, "`targets` takes a sequence such as ('ru', 'be'), not int '5'"),
        ("TranslationRequest", (), {"options": {"beam_size": 2}}, "`options` takes a DecodeOptions, not dict"),
        ("TranslationRequest", (), {"glossary": "style.tsv"}, "`glossary` takes a Glossary (load_glossary(path))"),
        ("digest", (ARTICLE.encode(),), {}, "`text` takes the article as a str, not bytes: decode it first"),
        ("digest", (None,), {}, "`text` takes the article as a str, not NoneType"),
        ("detect_language", (5,), {}, "`text` takes the article as a str, not int"),
        ("summarize_article", (["a", "b"],), {}, "`text` takes the article as a str, not list"),
        ("digest", (ARTICLE,), {"translation": "ru"}, "`translation` takes a TranslationRequest(targets=(...))"),
        ("digest", (ARTICLE,), {"source_lang": 1}, "`source_lang` takes a language code (a str) like 'en'"),
        ("translate_text", (ARTICLE, ["ru"]), {}, "`target` takes a language code (a str) like 'en' or 'be', not list"),
        ("translate_text", (b"x", "ru"), {}, "`text` takes the article as a str, not bytes"),
    ],
)  # fmt: skip
def test_wrong_types_at_the_public_entry_points_raise_type_error(
    entry: str, args: tuple[Any, ...], kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(TypeError) as caught:
        getattr(polyglot_news, entry)(*args, **kwargs)
    assert str(caught.value).startswith(message)


def test_a_list_is_as_good_as_a_tuple_in_a_translation_request() -> None:
    lists: dict[str, Any] = {"targets": ["ru", "BE"], "parts": ["summary"]}
    request = polyglot_news.TranslationRequest(**lists)
    assert (request.targets, request.parts) == (("ru", "be"), ("summary",))


def test_translate_text_keeps_blank_lines_between_paragraphs(install_packages: Callable[..., None]) -> None:
    install_packages("echo-ru_be")
    text = "\nПервый абзац [1].\n\nВторой абзац.\n\n\nТретий.\n\n"
    result = polyglot_news.translate_text(text, "be", source_lang="ru")
    assert result.text == "Первый абзац [1].\n\nВторой абзац.\n\n\nТретий."


def test_a_summary_request_is_the_same_as_its_keywords() -> None:
    request = polyglot_news.SummaryRequest(method="lead", sentences=2, source_lang="ru")
    by_value = polyglot_news.digest(RU_ARTICLE, summary=request)
    by_keywords = polyglot_news.digest(RU_ARTICLE, method="lead", sentences=2, source_lang="ru")
    assert by_value == by_keywords
    assert polyglot_news.summarize_article(RU_ARTICLE, summary=request).summary == by_value.summary


def test_the_detector_of_a_summary_request_is_the_one_used(monkeypatch: pytest.MonkeyPatch) -> None:
    from polyglot_news.errors import DetectorUnavailableError

    monkeypatch.setitem(sys.modules, "lingua", None)  # absent, whatever is installed
    with pytest.raises(DetectorUnavailableError, match="lingua"):
        polyglot_news.digest(RU_ARTICLE, summary=polyglot_news.SummaryRequest(detector="lingua"))
    assert polyglot_news.digest(RU_ARTICLE).signature.startswith("det:langdetect-")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sentences": 2, "ratio": 0.5}, "use `sentences` or `ratio`, not both"),
        ({"summary": polyglot_news.SummaryRequest(), "ratio": 0.5}, r"its fields \(`ratio`\), not both"),
        ({"method": "nope"}, "unknown summary method"),
    ],
)
def test_a_bad_summary_request_is_refused_before_any_work(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        polyglot_news.digest("", **kwargs)  # the empty text is never looked at

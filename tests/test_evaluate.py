"""``models evaluate``: parallel files, synthetic markers, scores through the echo test packages."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from polyglot_news import evaluate as ev
from polyglot_news.cli.evaluate import evaluate_command
from polyglot_news.document import Marker, Sentence
from polyglot_news.errors import CitationError, InputError
from polyglot_news.evaluate import scores
from polyglot_news.version import install_hint

# Written for these tests; "same" repeats the English source (an echo model scores 100 on it).
COLUMNS = ("id", "eng", "rus", "bel", "same")
ROWS = (
    (
        "1",
        "The city council approved a new budget for public transport on Monday.",
        "В понедельник городской совет утвердил новый бюджет на общественный транспорт.",
        "У панядзелак гарадскі савет зацвердзіў новы бюджэт на грамадскі транспарт.",
    ),
    (
        "2",
        "Officials said the money will pay for forty new electric buses.",
        "По словам чиновников, эти деньги пойдут на сорок новых электрических автобусов.",
        "Па словах чыноўнікаў, гэтыя грошы пойдуць на сорак новых электрычных аўтобусаў.",
    ),
    (
        "3",
        "Residents of Minsk have complained about crowded trams for years.",
        "Жители Минска уже много лет жалуются на переполненные трамваи.",
        "Жыхары Мінска ўжо шмат гадоў скардзяцца на перапоўненыя трамваі.",
    ),
    (
        "4",
        "The mayor promised that ticket prices will not rise this year.",
        "Мэр пообещал, что цены на билеты в этом году не вырастут.",
        "Мэр паабяцаў, што цэны на квіткі ў гэтым годзе не вырастуць.",
    ),
    (
        "5",
        "Critics argue that the plan ignores the needs of the suburbs.",
        "Критики утверждают, что план не учитывает потребности пригородов.",
        "Крытыкі сцвярджаюць, што план не ўлічвае патрэбы прыгарадаў.",
    ),
    (
        "6",
        "Trams will run every five minutes. Buses will come every ten minutes.",
        "Трамваи будут ходить каждые пять минут. Автобусы будут приходить каждые десять минут.",
        "Трамваі будуць хадзіць кожныя пяць хвілін. Аўтобусы будуць прыходзіць кожныя дзесяць хвілін.",
    ),
)
SENTENCES = 7  # row 6 holds two


def write_tsv(path: Path, columns: Sequence[str] = COLUMNS, rows: Sequence[Sequence[str]] | None = None) -> Path:
    if rows is None:
        rows = [(*row, row[1]) for row in ROWS]
    path.write_text("\n".join("\t".join(r) for r in [columns, *rows]) + "\n", encoding="utf-8")
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(evaluate_command, list(args))


# ---------------------------------------------------------------- reading


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "input is empty"),
        (b"id\teng\trus\n", "no data rows after the header"),
        (b"id\teng\trus\n1\tA cat.\n", "line 2 has 2 fields, the header has 3"),
        (b"id\teng\n1\tA cat.\n\n2\tA dog.\tSobaka.\n", "line 4 has 3 fields, the header has 2"),
        (b"id\teng\teng\n1\ta\tb\n", "duplicated column 'eng'"),
        (b"id\t\teng\n1\ta\tb\n", "the header has an empty column name"),
        (b"id\teng\n1\t\xff\n", "invalid UTF-8 at byte offset 9"),
    ],
)
def test_bad_parallel_files_are_input_errors(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        ev.read_parallel(path)


def test_read_parallel_keeps_the_first_rows(tmp_path: Path) -> None:
    data = ev.read_parallel(write_tsv(tmp_path / "p.tsv"), limit=2)
    assert data.columns == COLUMNS
    assert data.column("id") == ["1", "2"]
    with pytest.raises(InputError, match=r"no column 'ukr' \(columns: id, eng, rus, bel, same\)"):
        data.column("ukr")


@pytest.mark.parametrize(
    ("column", "language"),
    [("eng", "en"), ("rus", "ru"), ("bel", "be"), ("ukr", "uk"), ("ru", "ru"), ("eng_Latn", "en"),
     ("BEL", "be"), ("id", None), ("doc_id", None), ("same", None), ("text", None)],
)  # fmt: skip
def test_language_of_column(column: str, language: str | None) -> None:
    assert ev.language_of_column(column) == language


def test_find_column_and_default_targets(tmp_path: Path) -> None:
    data = ev.read_parallel(write_tsv(tmp_path / "p.tsv"))
    assert ev.find_column(data, "be") == "bel"
    with pytest.raises(InputError, match="no column for 'uk'.*--target uk=COLUMN"):
        ev.find_column(data, "uk")
    source = ev.Target("en", "eng")
    assert ev.default_targets(data, source) == [ev.Target("ru", "rus"), ev.Target("be", "bel")]


# ---------------------------------------------------------------- markers


def test_inject_markers_is_seeded_and_complete() -> None:
    sentences = [Sentence(f"Word number {i} stands here, then more.", (), i) for i in range(10)]
    sentences.append(Sentence("Alone.", (Marker("[7]", ("7",), 0, ""),), 10))
    marked = ev.inject_markers(sentences, seed=3)
    assert marked == ev.inject_markers(sentences, seed=3)
    assert [s.plain for s in marked] == [s.plain for s in sentences]
    assert all(s.markers[-1] == Marker("[1]", ("1",), len(s.plain)) for s in marked)
    assert sum(any(m.text == "[2]" for m in s.markers) for s in marked) == 5
    assert [m.text for m in marked[10].markers] == ["[7]", "[1]"]
    inner = [m.offset for s in marked for m in s.markers if m.text == "[2]"]
    assert all(0 < offset < len("Word number 0 stands here, then more.") - 1 for offset in inner)


def test_citation_error_fails_only_its_sentences(
    install_packages: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_packages("echo-en_ru")
    from polyglot_news.translation.sentences import translate_sentences as real


    def flaky(sentences: Sequence[Sentence], *args: Any, **kwargs: Any) -> Any:
        if any(s.markers and "Minsk" in s.plain for s in sentences):
            raise CitationError("citation markers changed in test: missing ['[1]']")
        return real(sentences, *args, **kwargs)

    monkeypatch.setattr(scores, "translate_sentences", flaky)
    data = ev.read_parallel(write_tsv(tmp_path / "p.tsv"))
    result = ev.evaluate(data, ev.Target("en", "eng"), [ev.Target("ru", "same")]).results[0]
    assert (result.citation_errors, result.markers_identical, result.sentences) == (1, 6, 7)
    assert result.marker_fidelity == 85.71
    assert result.chrf == 100.0


# ---------------------------------------------------------------- the command


def test_echo_routes_scored_as_json(install_packages: Any, tmp_path: Path) -> None:
    install_packages("echo-en_ru", "echo-ru_be")
    tsv = write_tsv(tmp_path / "p.tsv")
    result = run(
        "--source-column", "eng", "--target", "ru=same", "--target", "ru=rus", "--to", "be",
        "--target", "uk=same", "--format", "json", str(tsv),
    )
    assert result.exit_code == 8, result.stderr
    out = json.loads(result.stdout)
    assert out["schema"] == "polyglot-news/evaluate/v1"
    assert (out["rows"], out["sentences"], out["source"]) == (6, SENTENCES, {"column": "eng", "language": "en"})
    assert "tok:13a" in out["metrics"]["bleu"] and "nw:2" in out["metrics"]["chrf"]
    same, rus, ukr, bel = out["results"]  # --target ones first, then --to ones
    assert (same["column"], same["route"], same["chrf"], same["bleu"]) == ("same", "en→ru", 100.0, 100.0)
    assert rus["chrf"] < 10 and bel["chrf"] < 10
    assert bel["route"] == "en→ru→be" and bel["signature"].startswith(
        "mt:be=en_ru-1.0~test-echo-en_ru@"
    )
    for scored in (same, rus, bel):
        assert scored["test_model"] is True
        assert scored["markers"] == {"fidelity": 100.0, "identical": 7, "end_in_place": 7, "citation_errors": 0}
        # The echo model answers in English: nothing passes the language check for ru or be.
        assert scored["language"]["ok"] == 0.0
        assert scored["language"]["detected"] == {"en": 6}
        assert scored["flags"]["flagged"] == 100.0 and scored["flags"]["counts"]["script"] == 7
        assert scored["sentences_per_second"] > 0
    assert ukr == {
        "target": "uk",
        "column": "same",
        "error": ukr["error"],
        "exit_code": 8,
    } and ukr["error"].startswith("no route en→uk")
    assert "Error: uk: no route en→uk" in result.stderr
    assert "Note: ru comes from a TEST MODEL" in result.stderr


def test_text_table_and_identity_route(tmp_path: Path) -> None:
    tsv = write_tsv(tmp_path / "p.tsv")
    result = run("--source-column", "rus", "--target", "ru=rus", "--target", "be=bel", str(tsv))
    assert result.exit_code == 8
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["TARGET", "ROUTE", "N", "CHRF++", "BLEU", "MARKERS", "LANG", "FLAGGED", "SENT/S"]
    assert lines[1].split() == ["ru", "ru", "(identity)", "6", "100.0", "100.0", "100.0%", "100.0%", "0.0%"] + [
        lines[1].split()[-1]
    ]
    assert lines[2].split()[:6] == ["be", "error:", "no", "route", "ru→be", "6"]
    assert any(line.startswith("BLEU: nrefs:1") and "language-agnostic" in line for line in lines)
    assert lines[-1].startswith("signature: eval:v1|src:rus=ru|rows:6|markers:s0|chrF2++:")
    assert result.stderr.splitlines()[-1].startswith("Error: be: no route ru→be: install")


def test_guessed_targets_without_route_do_not_fail(tmp_path: Path) -> None:
    result = run("--source-column", "eng", "--limit", "2", str(write_tsv(tmp_path / "p.tsv")))
    assert result.exit_code == 0, result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()[1:3]] == ["ru", "be"]
    assert "Note: ru: no route en→ru" in result.stderr


def test_belarusian_delivered_as_russian_fails_the_language_check(install_packages: Any, tmp_path: Path) -> None:
    install_packages("echo-ru_be")
    result = run("--source-column", "rus", "--to", "be", "--format", "json", str(write_tsv(tmp_path / "p.tsv")))
    assert result.exit_code == 0, result.stderr
    scored = json.loads(result.stdout)["results"][0]
    assert (scored["route"], scored["language"]["ok"], scored["language"]["detected"]) == ("ru→be", 0.0, {"ru": 6})


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--source-column", "deu"], 3, "Error: {tsv}: no column 'deu' (columns: id, eng, rus, bel, same)"),
        (["--source-column", "eng", "--to", "uk"], 3, "Error: {tsv}: no column for 'uk'"),
        (["--source-column", "eng", "--target", "uk=ukr"], 3, "Error: {tsv}: no column 'ukr'"),
        (["--source-column", "same", "--to", "ru"], 2, "cannot tell the language of column 'same'"),
        (["--to", "ru"], 2, "name the source with --source-column"),
        (["--source-column", "eng", "--target", "be"], 2, "expected LANG=COLUMN"),
        (["--source-column", "eng", "--to", "b,e1"], 2, "--to takes language codes"),
    ],
)
def test_bad_requests(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    tsv = write_tsv(tmp_path / "p.tsv")
    result = run(*args, str(tsv))
    assert result.exit_code == code
    assert message.format(tsv=tsv) in result.stderr
    assert result.stdout == ""


def test_ragged_file_is_one_line_exit_3(tmp_path: Path) -> None:
    rows = [("1", "A cat sat.", "Кошка села.", "Котка села.", "A cat sat."), ("2", "x")]
    tsv = write_tsv(tmp_path / "p.tsv", rows=rows)
    result = run("--source-column", "eng", str(tsv))
    assert result.exit_code == 3
    assert result.stderr == f"Error: {tsv}: line 3 has 2 fields, the header has 5 (tab-separated, no quoting)\n"


def test_missing_sacrebleu_names_the_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("sacrebleu", "sacrebleu.metrics", "sacrebleu.metrics.bleu", "sacrebleu.metrics.chrf"):
        monkeypatch.setitem(sys.modules, name, None)
    result = run("--source-column", "eng", str(write_tsv(tmp_path / "p.tsv")))
    assert result.exit_code == 5
    assert result.stderr == f"Error: models evaluate needs sacrebleu (the eval extra): {install_hint('eval')}\n"


@pytest.mark.parametrize("order", [("ru", "be"), ("be", "ru"), ("be", "be"), ("ru", "ru")])
def test_timed_pass_decodes_every_hop_whatever_the_target_order(
    install_packages: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, order: tuple[str, str]
) -> None:
    """SENT/S must not depend on --to order: outputs remembered earlier are not reused when timed."""
    from polyglot_news.translation.engine import ArgosTranslator
    from polyglot_news.translation.sentences import translate_sentences as real_translate

    install_packages("echo-en_ru", "echo-ru_be")
    timed: list[dict[str, set[str]]] = []  # per timed pass: the texts each hop decoded
    timing = [False]
    real_decode = ArgosTranslator._decode

    def decode(self: ArgosTranslator, sources: Any, plains: list[str], *args: Any) -> Any:
        if timing[0]:
            timed[-1].setdefault(f"{self.from_code}_{self.to_code}", set()).update(plains)
        return real_decode(self, sources, plains, *args)

    def translate(sentences: Sequence[Sentence], source: str, target: str, **kwargs: Any) -> Any:
        # The timed pass is the one call over the sentences without markers.
        timing[0] = not any(s.markers for s in sentences)
        if timing[0]:
            timed.append({})
        try:
            return real_translate(sentences, source, target, **kwargs)
        finally:
            timing[0] = False

    monkeypatch.setattr(ArgosTranslator, "_decode", decode)
    monkeypatch.setattr(scores, "translate_sentences", translate)
    data = ev.read_parallel(write_tsv(tmp_path / "p.tsv"))
    ev.evaluate(data, ev.Target("en", "eng"), [ev.Target(code, "same") for code in order])
    hops = {"ru": {"en_ru": SENTENCES}, "be": {"en_ru": SENTENCES, "ru_be": SENTENCES}}
    assert [{hop: len(texts) for hop, texts in run.items()} for run in timed] == [hops[code] for code in order]

"""The command line as a user meets it: data on stdout, one-line errors on stderr, exit codes."""

from __future__ import annotations

import json
import socket
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import polyglot_news
from polyglot_news.cli import cli
from polyglot_news.parse import parse_article
from polyglot_news.segment import split_sentences
from polyglot_news.version import install_hint

from .conftest import EXAMPLES, NetworkBlocked

EXAMPLE = str(EXAMPLES / "belarus_us_relations.txt")


def run(*args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


def test_digest_of_the_example_article(example_text: str) -> None:
    result = run("digest", EXAMPLE)
    assert result.exit_code == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if line.startswith("Note: ")]
    assert [n.split(":")[1] for n in notes[:2]] == [" not translated into ru", " not translated into be"]
    assert notes[2] == "Note: no installed model translates this article. To get one:"
    out = json.loads(result.stdout)
    assert out["schema"] == "polyglot-news/digest/v1"
    assert out["source"]["language"] == "en"
    assert out["headline"].startswith("US Assistant Secretary of State vows to Belarusians")
    body = {s.index: s for s in split_sentences(parse_article(example_text).paragraphs, "en")}
    assert 1 <= len(out["summary"]) <= 3
    for item in out["summary"]:
        source = body[item["index"]]
        assert item["text"] == source.text
        assert [m["text"] for m in item["markers"]] == [m.text for m in source.markers]
        for marker in item["markers"]:
            assert item["text"][marker["start"] :].startswith(marker["text"])
    cited = {ref for item in out["summary"] for m in item["markers"] for ref in m["refs"]}
    assert {r["id"] for r in out["references"]} == cited
    leaked = ("Read also", "Southwest region", "Tinubu", "Court petitions", "References:")
    assert not [item for item in out["summary"] for word in leaked if word in item["text"]]
    assert out["signature"].startswith("det:langdetect-")


def test_digest_is_byte_identical_across_runs() -> None:
    assert run("digest", EXAMPLE).stdout == run("digest", EXAMPLE).stdout


def test_digest_reads_stdin(example_text: str) -> None:
    from_file = run("digest", EXAMPLE)
    from_stdin = run("digest", "-", stdin=example_text.encode())
    assert from_stdin.exit_code == 0
    assert from_stdin.stdout == from_file.stdout


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("text", "US Assistant Secretary"), ("markdown", "# US Assistant Secretary"), ("json", '"schema"')],
)
def test_digest_formats(fmt: str, expected: str) -> None:
    result = run("digest", "--format", fmt, EXAMPLE)
    assert result.exit_code == 0
    assert result.stdout.startswith(expected) or expected in result.stdout.splitlines()[1]


def test_summarize_length_and_method() -> None:
    result = run("summarize", "--sentences", "2", "--method", "lead", EXAMPLE)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines == [
        ("In a significant shift, Belarusian President Alexander Lukashenko has expressed a clear "
        "intention to improve and strengthen relations with the United States."),
        ("Lukashenko emphasized Belarus's commitment to developing ties and highlighted the steps the "
        "country has already taken to foster cooperation, awaiting a response from Washington [1]."),
    ]


def test_summarize_json_emits_summary_objects() -> None:
    out = json.loads(run("summarize", "--format", "json", "-n", "4", EXAMPLE).stdout)
    assert len(out["summary"]) == 4
    assert [s["index"] for s in out["summary"]] == sorted(s["index"] for s in out["summary"])
    assert set(out["summary"][0]) == {"text", "markers", "index"}


def test_detect_json() -> None:
    result = run("detect", "--format", "json", EXAMPLE)
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    assert out["language"] == "en"
    assert 0.9 <= out["confidence"] <= 1.0


def test_detect_text_is_tab_separated() -> None:
    result = run("detect", "-", stdin="Мы пайшлі ў лес па грыбы, бо ўчора ішоў дождж.".encode())
    assert result.stdout.split("\t")[0] == "be"


@pytest.mark.parametrize(
    ("stdin", "code", "message"),
    [
        (b"", 3, "input is empty"),
        (b"   \n\n", 3, "input is empty"),
        (b"\x00\x01\x02binary", 3, "binary data"),
        ("Текст.".encode("utf-16"), 3, "UTF-16 text, expected UTF-8: convert with `iconv -f UTF-16 -t UTF-8`"),
        (b"Bad \xc3\x28 bytes here.", 3, "invalid UTF-8 at byte offset 4"),
        (b"Hi.", 4, "set --source-lang to its code"),
    ],
)
@pytest.mark.parametrize("command", ["digest", "summarize"])
def test_bad_input_gives_one_line_error_and_exit_code(command: str, stdin: bytes, code: int, message: str) -> None:
    result = run(command, "-", stdin=stdin)
    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1


def test_oversized_input_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"Word. " * 1_000_000)
    result = run("digest", str(big))
    assert result.exit_code == 3
    assert "limit" in result.stderr


def test_missing_file() -> None:
    result = run("digest", "no-such-file.txt")
    assert result.exit_code == 3
    assert result.stderr == "Error: no-such-file.txt: no such file\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sentences", "2", "--ratio", "0.5"], "not both"),
        (["--sentences", "0"], "--sentences"),
        (["--ratio", "1.5"], "--ratio"),
        (["--method", "nonsense"], "--method"),
        (["--source-lang", "english!"], "--source-lang"),
        (["--compute-type", "bogus"], "unknown compute type 'bogus'"),
        (["--to", "ru,", "--translate", "summary,everything"], "cannot translate everything"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = run("digest", *args, EXAMPLE)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("command", ["summarize", "digest"])
def test_the_length_is_checked_once_in_the_libraries_words(command: str) -> None:
    result = run(command, "--sentences", "2", "--ratio", "0.5", EXAMPLE)
    assert (result.exit_code, result.stderr) == (2, "Error: use --sentences or --ratio, not both\n")


@pytest.mark.parametrize("command", ["summarize", "digest"])
def test_the_detector_reaches_the_summary(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "lingua", None)  # absent, whatever is installed
    result = run(command, "--detector", "lingua", EXAMPLE)
    assert result.exit_code == 2
    assert install_hint("lingua") in result.stderr
    assert run(command, "--detector", "lingua", "--source-lang", "en", EXAMPLE).exit_code == 0


def test_output_file_is_written_atomically_and_kept_on_failure(tmp_path: Path) -> None:
    out = tmp_path / "digest.json"
    assert run("digest", "-o", str(out), EXAMPLE).exit_code == 0
    written = out.read_bytes()
    assert json.loads(written)["source"]["language"] == "en"
    failed = run("digest", "-o", str(out), "-", stdin=b"\xff\xfe")
    assert failed.exit_code == 3
    assert out.read_bytes() == written
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == ["digest.json"]


def test_source_lang_overrides_detection() -> None:
    out = json.loads(run("digest", "--source-lang", "ru", EXAMPLE).stdout)
    assert out["source"] == {"language": "ru", "confidence": 1.0, "reason": "given"}
    assert "det:given" in out["signature"]


def test_socket_guard_really_blocks(network_attempts: list[Any]) -> None:
    with pytest.raises(OSError, match="network access in a test"):
        urllib.request.urlopen("http://127.0.0.1:9/", timeout=1)
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("example.org", 80))
    assert len(network_attempts) == 2


def test_digest_opens_no_network_connection(network_attempts: list[Any]) -> None:
    assert run("digest", EXAMPLE).exit_code == 0
    assert network_attempts == []


def test_help_teaches() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for word in ("digest", "summarize", "detect", "Exit codes"):
        assert word in result.stdout


def test_digest_to_ru_be_with_test_packages(
    install_packages: Any, example_text: str, network_attempts: list[Any]
) -> None:
    install_packages("echo-en_ru", "echo-ru_be")
    result = run("digest", "--to", "ru,be", EXAMPLE)
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    expected = [[m["text"] for m in s["markers"]] for s in out["summary"]]
    for lang, route in (("ru", "en→ru"), ("be", "en→ru→be")):
        translated = out["translations"][lang]
        assert translated["route"] == route
        assert [[m["text"] for m in s["markers"]] for s in translated["summary"]] == expected
        assert all(m["test_model"] for m in translated["models"])
    assert "Note: ru comes from a TEST MODEL" in result.stderr
    assert network_attempts == []


def test_explicit_target_without_route_exits_8_after_writing(install_packages: Any, tmp_path: Path) -> None:
    install_packages("echo-en_ru")
    out_file = tmp_path / "d.json"
    result = run("digest", "--to", "ru,uk", "-o", str(out_file), EXAMPLE)
    assert result.exit_code == 8
    assert result.stderr.splitlines()[-1].startswith("Error: no route en→uk: install")
    out = json.loads(out_file.read_text(encoding="utf-8"))
    assert "summary" in out["translations"]["ru"]
    assert out["translations"]["uk"]["error"].startswith("no route en→uk")


# (packages installed, options) -> whether the first-run note says where models come from
FIRST_RUN_NOTE = [
    ((), (), True),
    ((), ("--source-lang", "en"), True),
    ((), ("--to", "none"), False),
    (("echo-en_ru",), (), False),  # Russian translated: the note on be's missing route suffices
    (("echo-ru_be",), (), True),  # a package, but none that this article's language reaches
]


@pytest.mark.parametrize(("packages", "options", "shown"), FIRST_RUN_NOTE)
def test_first_digest_says_where_models_come_from(
    packages: tuple[str, ...], options: tuple[str, ...], shown: bool, install_packages: Any
) -> None:
    install_packages(*packages)
    result = run("digest", *options, EXAMPLE)
    assert result.exit_code == 0, result.stderr
    note = result.stderr.partition("Note: no installed model translates this article. To get one:\n")[2]
    assert bool(note) == shown
    if shown:
        lines = note.splitlines()
        assert len(lines) == 3 and all(line.startswith("  ") for line in lines)
        assert "on a machine with internet, `polyglot-news models fetch en ru`" in lines[0]
        assert "'Translate into Belarusian'" in lines[1]
        assert lines[2].endswith("`polyglot-news models install PATH`.")
    assert "README" not in result.stderr


def test_digest_to_none_skips_translation() -> None:
    result = run("digest", "--to", "none", EXAMPLE)
    assert result.exit_code == 0
    assert result.stderr == ""
    assert "translations" not in json.loads(result.stdout)


def test_translate_command(install_packages: Any, network_attempts: list[Any]) -> None:
    install_packages("echo-ru_be")
    text = "Власти объявили о повышении тарифов [1]. Жители недовольны,[2] но молчат."
    result = run("translate", "--to", "be", "--source-lang", "ru", "-", stdin=text.encode())
    assert result.exit_code == 0, result.stderr
    assert result.stdout == text + "\n"
    as_json = json.loads(run("translate", "--to", "be", "--format", "json", "-", stdin=text.encode()).stdout)
    assert as_json["route"] == "ru→be"
    assert [[m["text"] for m in s["markers"]] for s in as_json["paragraphs"][0]] == [["[1]"], ["[2]"]]
    assert network_attempts == []


def test_translate_keeps_markers_after_amounts_and_text_brackets(install_packages: Any) -> None:
    install_packages("echo-ru_be")
    text = "Кредит составил $5bn[8] в прошлом году [1]. Он написал [sic] дважды: F[1,12] = 8.42."
    result = run("translate", "--to", "be", "--source-lang", "ru", "--format", "json", "-", stdin=text.encode())
    assert result.exit_code == 0, result.stderr
    sentences = json.loads(result.stdout)["paragraphs"][0]
    assert [[m["text"] for m in s["markers"]] for s in sentences] == [["[8]", "[1]"], []]
    assert " ".join(s["text"] for s in sentences) == text


@pytest.mark.parametrize("text", ["[1].", "We met [1].", "[1]. [2]", "Done. [1]", "— [2]!"])
def test_translate_keeps_a_final_marker_on_its_side_of_the_full_stop(install_packages: Any, text: str) -> None:
    install_packages("echo-en_ru")  # the echo model copies its input: markers must stand as written
    result = run("translate", "--to", "ru", "--source-lang", "en", "-", stdin=f"{text}\n".encode())
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{text}\n"


@pytest.mark.parametrize(
    "command",
    [
        ("digest", "--to", "ru", EXAMPLE),
        ("translate", "--to", "ru", "--source-lang", "en", EXAMPLE),
        ("batch", "--to", "ru", EXAMPLE),
        ("models", "list"),
        ("models", "verify"),
        ("models", "evaluate", "--source-column", "eng", EXAMPLE),
    ],
)
def test_a_mistyped_models_folder_is_a_usage_error_naming_it(tmp_path: Path, command: tuple[str, ...]) -> None:
    typo = tmp_path / "modles"
    result = run(*command, "--models", str(typo))
    assert (result.exit_code, result.stdout) == (2, "")  # not "No packages" (0), then "no route" (8)
    assert f"Invalid value for '--models': {typo}: no such folder" in result.stderr
    assert not typo.exists()


def test_a_new_models_folder_is_fine_where_it_is_made(tmp_path: Path) -> None:
    store = tmp_path / "new-store"
    assert run("models", "path", "--models", str(store)).stdout == f"{store}\n"
    assert run("models", "install", "--models", str(store), str(tmp_path / "none.argosmodel")).exit_code == 5


def test_translate_without_route_exits_8() -> None:
    result = run("translate", "--to", "be", "--source-lang", "ru", "-", stdin="Просто текст.".encode())
    assert result.exit_code == 8
    assert result.stderr.startswith("Error: no route ru→be")
    assert result.stdout == ""


RU_ARTICLE = str(Path(__file__).parent / "data" / "minsk_transport_ru.txt")


@pytest.mark.parametrize(("strict", "code"), [((), 0), (("--strict",), 7)])
def test_wrong_language_is_flagged_and_strict_fails(install_packages: Any, strict: tuple[str, ...], code: int) -> None:
    install_packages("echo-ru_be")  # "Belarusian" that is really the Russian input copied
    result = run("digest", "--to", "be", *strict, RU_ARTICLE)
    assert result.exit_code == code
    assert "Note: be: " in result.stderr and "language:ru" in result.stderr
    flags = json.loads(result.stdout)["translations"]["be"]["flags"]
    assert flags and all(f["flags"] == ["language:ru"] for f in flags)


@pytest.mark.parametrize(
    ("fmt", "said"),
    [
        ("text", "=== [ru] the article is already in ru: no translation needed\n"),
        ("markdown", "## [ru] the article is already in ru: no translation needed\n"),
    ],
)
def test_a_target_equal_to_the_source_is_said_once(install_packages: Any, fmt: str, said: str) -> None:
    install_packages("echo-ru_be")
    result = run("digest", "--to", "ru,be", "--format", fmt, RU_ARTICLE)
    assert result.exit_code == 0, result.stderr
    assert said in result.stdout
    first = json.loads(run("digest", "--to", "ru", RU_ARTICLE).stdout)["summary"][0]["text"]
    assert result.stdout.count(first) == 2  # the digest and the be column, not a third time for ru


MISMATCH = "the text reads as en (confidence 1.00), not be as its source language was given"


@pytest.mark.parametrize(
    ("args", "code", "warned"),
    [
        (("digest", "--source-lang", "be", "--to", "ru"), 0, True),  # warned, still written
        (("digest", "--source-lang", "be", "--to", "ru", "--strict"), 4, True),  # refused before translating
        (("digest", "--source-lang", "en", "--to", "ru", "--strict"), 7, False),  # right: only the echo's flags
        (("digest", "--source-lang", "be", "--to", "none"), 0, False),  # nothing translated: not checked
        (("translate", "--source-lang", "be", "--to", "ru"), 0, True),
        (("translate", "--source-lang", "be", "--to", "ru", "--strict"), 4, True),
    ],
)
def test_a_source_language_the_text_contradicts_is_warned_and_refused_under_strict(
    install_packages: Any, args: tuple[str, ...], code: int, warned: bool
) -> None:
    install_packages("echo-en_ru", "echo-be_ru")
    result = run(*args, EXAMPLE)
    assert result.exit_code == code, result.stderr
    assert (MISMATCH in result.stderr) is warned
    if code == 4:
        assert result.stdout == ""
        assert result.stderr.startswith(f"Error: {MISMATCH}") and "--strict refuses it" in result.stderr
    elif warned:
        assert f"Note: {MISMATCH}" in result.stderr and result.stdout


def test_translate_reports_flags_on_stderr(install_packages: Any) -> None:
    install_packages("echo-ru_be")
    text = "Городские власти объявили о повышении тарифов на проезд в автобусах."
    result = run("translate", "--to", "be", "--strict", "-", stdin=text.encode())
    assert result.exit_code == 7
    assert result.stdout == text + "\n"
    assert result.stderr == (
        "Note: be comes from a TEST MODEL: its output is not a translation\n"
        "Note: be: 1 of 1 sentences flagged (language:ru 1)\n"
    )


GLOSSARY = "source\tbe\nМинск\tМінск\nгорисполком\tгарвыканкам\n"


def test_glossary_rewrites_terms_and_reports_them(install_packages: Any, tmp_path: Path) -> None:
    install_packages("echo-ru_be")
    glossary = tmp_path / "style.tsv"
    glossary.write_text(GLOSSARY, encoding="utf-8")
    result = run("digest", "--to", "be", "--glossary", str(glossary), "--translate", "headline,summary", RU_ARTICLE)
    assert result.exit_code == 0, result.stderr
    be = json.loads(result.stdout)["translations"]["be"]
    assert be["headline"].startswith("Мінск повышает")
    assert {t["term"] for row in be["glossary"] for t in row["terms"]} >= {"Минск"}
    assert "Note: be glossary: " in result.stderr
    assert "|gloss:" in json.loads(result.stdout)["signature"]
    text = "Власти Минска объявили о повышении тарифов [1]."
    translated = run("translate", "--to", "be", "--glossary", str(glossary), "-", stdin=text.encode())
    assert translated.stdout == "Власти Мінска объявили о повышении тарифов [1].\n"
    assert "Note: be glossary: 0 hit, 1 fixed, 0 missed" in translated.stderr


def test_malformed_glossary_is_bad_input(install_packages: Any, tmp_path: Path) -> None:
    install_packages("echo-ru_be")
    glossary = tmp_path / "bad.tsv"
    glossary.write_text("source\tbe\nМинск\tМінск\tлишнее\n", encoding="utf-8")
    result = run("digest", "--to", "be", "--glossary", str(glossary), RU_ARTICLE)
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: ") and "line 2" in result.stderr
    assert result.stdout == ""


def test_translations_show_in_text_and_markdown(install_packages: Any) -> None:
    install_packages("echo-en_ru")
    text = run("digest", "--to", "ru,uk", "--format", "text", "-n", "1", EXAMPLE)
    assert text.exit_code == 8
    assert "=== [ru] en→ru — TEST MODEL, not a translation\n" in text.stdout
    assert "=== [uk] not translated: no route en→uk" in text.stdout
    markdown = run("digest", "--to", "ru", "--format", "markdown", "-n", "1", EXAMPLE)
    assert "## [ru] en→ru — TEST MODEL, not a translation\n" in markdown.stdout


def test_article_without_body_is_bad_input() -> None:
    result = run("summarize", "--source-lang", "en", "-", stdin=b"Head line\nReferences:\n1. A title\n")
    assert result.exit_code == 3
    assert result.stderr == (
        "Error: the article has no body text to summarize (only a headline, references or boilerplate)\n"
    )


@pytest.mark.parametrize("target", ["dir", "missing/x.json"])
def test_unwritable_output_exits_3(tmp_path: Path, target: str) -> None:
    (tmp_path / "dir").mkdir()
    result = run("digest", "--to", "none", "-o", str(tmp_path / target), EXAMPLE)
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1


def test_output_dash_is_stdout() -> None:
    result = run("detect", "-o", "-", EXAMPLE)
    assert result.exit_code == 0
    assert result.stdout.startswith("en\t")


def test_stdout_write_failure_is_one_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "polyglot_news", "summarize", "-n", "1", EXAMPLE],
            stdout=full, stderr=subprocess.PIPE, text=True, check=False,
        )
    assert done.returncode == 3
    assert done.stderr == "Error: <stdout>: cannot write (No space left on device)\n"


def test_closed_stdin_is_bad_input() -> None:
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "polyglot_news", "detect"],
        preexec_fn=lambda: os.close(0), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 3
    assert done.stderr == "Error: <stdin>: standard input is closed\n"


def test_language_codes_in_any_case_and_three_letters(install_packages: Any) -> None:
    install_packages("echo-en_ru", "echo-ru_be")
    result = run("digest", "--to", "RU,Be", EXAMPLE)
    assert result.exit_code == 0, result.stderr
    assert sorted(json.loads(result.stdout)["translations"]) == ["be", "ru"]
    text = "Власти объявили о повышении тарифов [1]."
    result = run("translate", "--to", "BEL", "--source-lang", "rus", "--format", "json", "-", stdin=text.encode())
    assert result.exit_code == 0, result.stderr
    assert (json.loads(result.stdout)["target"], json.loads(result.stdout)["route"]) == ("be", "ru→be")


def test_model_option_forces_a_package(
    install_packages: Any, test_packages: dict[str, Path], isolated_home: Path
) -> None:
    """Two en→be packages: ours in the store (preferred), another in an Argos dir (forced by --model)."""
    import zipfile

    install_packages("echo-en_be")
    with zipfile.ZipFile(test_packages["echo-prefix-en_be"]) as zf:
        zf.extractall(isolated_home / "argos-packages")
    text = "Talks in Minsk resumed [1]."
    args = ("translate", "--to", "be", "--source-lang", "en", "--format", "json", "-")
    default = json.loads(run(*args, stdin=text.encode()).stdout)["signature"]
    assert "~test-echo-en_be@" in default
    for name in ("test-echo-prefix-en_be", "test-echo-prefix-en_be-1_0"):  # model name or folder name
        forced = run(*args[:-1], "--model", name, "-", stdin=text.encode())
        assert forced.exit_code == 0, forced.stderr
        assert "~test-echo-prefix-en_be@" in json.loads(forced.stdout)["signature"]
    digest = run("digest", "--to", "be", "--model", "test-echo-prefix-en_be", EXAMPLE)
    assert "~test-echo-prefix-en_be@" in json.loads(digest.stdout)["signature"]
    unknown = run(*args[:-1], "--model", "opus-mt-en-de", "-", stdin=text.encode())
    assert unknown.exit_code == 5
    assert unknown.stderr.startswith("Error: --model opus-mt-en-de: no installed package")
    for command in (["batch"], ["models", "evaluate"]):
        assert "--model NAME" in run(*command, "--help").stdout


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["digest", "--to", "none", "-"], "Ok.", "Error: cannot tell the article's language"),
        (["summarize", "--source-lang", "xx!", "-"], "Some text here.", "Error: --source-lang takes language codes"),
        (["translate", "--to", "ru", "--source-lang", "r u", "-"], "Some text.", "Error: --source-lang takes"),
    ],
)
def test_library_messages_name_options_on_the_command_line(args: list[str], stdin: str, message: str) -> None:
    result = CliRunner().invoke(cli, args, input=stdin)
    assert result.stderr.startswith(message)
    assert "`" not in result.stderr  # the library's `parameter` names are translated


def test_library_messages_name_parameters_in_python() -> None:
    with pytest.raises(polyglot_news.DetectionError, match="set `source_lang` to its code"):
        polyglot_news.digest("Ok.")
    with pytest.raises(ValueError, match="`source_lang` takes language codes"):
        polyglot_news.summarize_article("Some text here.", source_lang="r u")



# (the words typed so far, the last one being completed) -> what bash offers
COMPLETIONS = [
    (["models", "fe"], ["fetch"]),
    (["digest", "--fo"], ["--format"]),
    (["digest", "--format", "ma"], ["markdown"]),
    (["de"], ["detect"]),
]


@pytest.mark.parametrize(("words", "offered"), COMPLETIONS)
def test_bash_completion_as_documented(words: list[str], offered: list[str], tmp_path: Path) -> None:
    """The script docs/reference/cli.md has bash read, run by a real bash."""
    import os
    import shlex
    import subprocess
    import sys

    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    script = tmp_path / "complete.bash"
    written = subprocess.run(["polyglot-news"], env={**env, "_POLYGLOT_NEWS_COMPLETE": "bash_source"},
                             capture_output=True, text=True, check=True)
    script.write_text(written.stdout, encoding="utf-8")
    typed = " ".join(shlex.quote(w) for w in ["polyglot-news", *words])
    probe = f". {script}\nCOMP_WORDS=({typed}); COMP_CWORD={len(words)}\n_polyglot_news_completion polyglot-news\n"
    probe += 'printf "%s\\n" "${COMPREPLY[@]}"\n'
    done = subprocess.run(["bash", "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.split() == offered


@pytest.mark.parametrize(("shell", "marker"), [("zsh", "compdef _polyglot_news_completion polyglot-news"),
                                               ("fish", "complete --no-files --command polyglot-news")])
def test_zsh_and_fish_scripts_are_written(shell: str, marker: str) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "_POLYGLOT_NEWS_COMPLETE": f"{shell}_source"}
    written = subprocess.run(["polyglot-news"], env=env, capture_output=True, text=True, check=True)
    assert marker in written.stdout

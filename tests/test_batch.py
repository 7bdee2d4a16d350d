"""Batch mode: folders and JSON Lines in, files and JSON Lines out, failure isolation, resume."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import polyglot_news
from polyglot_news import batch as B
from polyglot_news import summarize as S
from polyglot_news.batch.inputs import Item, iter_jsonl, iter_paths, parse_shard, select_shard
from polyglot_news.batch.outputs import output_name
from polyglot_news.cli.batch import batch, progress_line
from polyglot_news.io import MAX_BYTES
from polyglot_news.version import install_hint

from .conftest import DATA, EXAMPLES

ROOT = Path(__file__).resolve().parents[1]
RU_ARTICLE = (DATA / "minsk_transport_ru.txt").read_text(encoding="utf-8")

HEADLINE_1 = "Brest changes its school meals (report 1)"
CITIES = ("Minsk", "Brest", "Hrodna", "Vitebsk", "Mahilyow", "Homel", "Pinsk", "Lida", "Barysaw", "Orsha")
TOPICS = ("bus routes", "school meals", "heating prices", "river bridges", "library hours", "bike lanes")


def article(n: int) -> str:
    """A small English news article with citation markers; ``n`` varies names, numbers and order."""
    city, topic = CITIES[n % len(CITIES)], TOPICS[n % len(TOPICS)]
    body = [
        f"The council of {city} voted on Tuesday to change its rules on {topic} [1].",
        f"Officials said the plan would cost {n + 12} million roubles over three years.",
        f"Residents of {city} had asked for the change at {n % 7 + 2} public meetings [2].",
        f"Critics warned that the budget for {topic} was already stretched thin [1][2].",
        f"The mayor promised a review of the first results in {n % 11 + 1} months.",
    ]
    if n % 2:
        body = body[1:] + body[:1]
    return (
        f"{city} changes its {topic} (report {n})\n"
        + " ".join(body)
        + "\nReferences:\n1. City council minutes\n2. Residents' association letter\n"
    )


@pytest.fixture(autouse=True)
def no_network_in_batch(network_attempts: list[Any]) -> Iterator[None]:
    """The worker pool's Unix-domain sockets are allowed (conftest); nothing else may connect."""
    yield
    assert network_attempts == []


def write_folder(folder: Path, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        path = folder / f"day{n % 3}" / f"story{n:03d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article(n), encoding="utf-8")


def run(*args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(batch, list(args), input=stdin)


def lines(result: Result) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones included) and its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- failure isolation


BAD_FILES: list[tuple[str, bytes, str]] = [
    ("empty.txt", b"", "empty.txt: input is empty"),
    ("blank.txt", b"  \n\n", "blank.txt: input is empty"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary.txt: binary data (NUL byte at offset 8)"),
    ("latin1.txt", "Café au lait in Minsk.".encode("latin-1"), "latin1.txt: invalid UTF-8 at byte offset 3"),
    ("huge.txt", b"Word. " * (MAX_BYTES // 6 + 1), "huge.txt: input is larger than the 5,242,880-byte limit"),
]


def test_folder_with_bad_articles_gives_outputs_error_records_and_exit_7(tmp_path: Path) -> None:
    feed, out = tmp_path / "feed", tmp_path / "out"
    feed.mkdir()
    (feed / "good.txt").write_text(article(1), encoding="utf-8")
    (feed / "ru").mkdir()
    (feed / "ru" / "minsk.txt").write_text(RU_ARTICLE, encoding="utf-8")
    for name, data, _ in BAD_FILES:
        (feed / name).write_bytes(data)
    (feed / "notes.md").write_text("not matched by --glob", encoding="utf-8")

    result = run(str(feed), "--output-dir", str(out), "--to", "none", "--workers", "2")

    assert result.exit_code == 7, result.stderr
    records = {r["id"]: r for r in lines(result)}
    assert list(records) == sorted(["good.txt", "ru/minsk.txt", *(name for name, _, _ in BAD_FILES)])
    for name, _, message in BAD_FILES:
        assert records[name]["error"]["code"] == 3
        assert records[name]["error"]["type"] == "InputError"
        assert records[name]["error"]["message"].startswith(message)
    assert records["good.txt"] == {"id": "good.txt", "output": "good.json"}
    assert records["ru/minsk.txt"] == {"id": "ru/minsk.txt", "output": "ru/minsk.json"}
    assert sorted(tree(out)) == ["good.json", "ru/minsk.json"]
    written = json.loads((out / "ru" / "minsk.json").read_text(encoding="utf-8"))
    assert written["id"] == "ru/minsk.txt"
    assert written["digest"] == polyglot_news.digest(RU_ARTICLE).to_dict()
    assert result.stderr.splitlines() == [
        result.stderr.splitlines()[0]
    ] and result.stderr.startswith("batch: 7 articles, 2 ok, 5 failed in ")


def test_undetectable_language_is_an_error_record_with_code_4(tmp_path: Path) -> None:
    (tmp_path / "short.txt").write_text("Hi.", encoding="utf-8")
    result = run(str(tmp_path / "short.txt"), "--to", "none", "-j", "1")
    assert result.exit_code == 7
    [record] = lines(result)
    assert record["id"] == str(tmp_path / "short.txt")
    assert record["error"]["code"] == 4
    assert record["error"]["type"] == "DetectionError"


def test_verbose_names_every_failure_and_quiet_says_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_text(article(2), encoding="utf-8")
    verbose = run(str(tmp_path), "--to", "none", "-j", "1", "--verbose")
    quiet = run(str(tmp_path), "--to", "none", "-j", "1", "--quiet")
    assert verbose.stderr.splitlines()[0] == "Error: a.txt: input is empty"
    assert verbose.stderr.splitlines()[1].startswith("batch: 2 articles, 1 ok, 1 failed")
    assert quiet.stderr == ""
    assert quiet.exit_code == verbose.exit_code == 7
    assert quiet.stdout == verbose.stdout


# ---------------------------------------------------------------- JSON Lines


def test_jsonl_in_jsonl_out_keeps_order_ids_and_passes_fields_through() -> None:
    feed = [
        {"id": "z-last-alphabetically", "text": article(3), "source": "BelTA", "tags": ["city"]},
        {"id": 42, "text": RU_ARTICLE, "published": "2025-03-01"},
        {"text": article(5)},
        {"id": "no-text", "url": "https://example.org/x"},
        {"id": "a-empty", "text": "   ", "desk": "night"},
    ]
    stdin = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in feed[:3])
    stdin += "this is not json\n\n" + "".join(json.dumps(r) + "\n" for r in feed[3:])

    result = run("--to", "none", "-j", "2", stdin=stdin.encode())

    assert result.exit_code == 7, result.stderr
    out = lines(result)
    assert [r["id"] for r in out] == ["z-last-alphabetically", 42, 3, 4, "no-text", "a-empty"]
    assert [sorted(r) for r in out] == [
        ["batch", "digest", "id", "source", "tags"],
        ["batch", "digest", "id", "published"],
        ["batch", "digest", "id"],
        ["error", "id"],
        ["error", "id", "url"],
        ["desk", "error", "id"],
    ]
    assert out[0]["source"] == "BelTA" and out[0]["tags"] == ["city"]
    assert out[1]["digest"] == polyglot_news.digest(RU_ARTICLE).to_dict()
    assert out[3]["error"] == {
        "code": 3, "type": "InputError", "message": "line 4: not JSON (Expecting value at column 1)"
    }
    assert out[4]["error"]["message"] == 'no-text: no "text" string on line 6'
    assert out[5]["error"]["message"] == "a-empty: input is empty"
    assert not [r for r in out if "text" in r]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"id": "a", "text": "x"}\n', [("a", None)]),
        (b'{"id": true, "text": "x"}\n', [(1, 'line 1: "id" must be a non-empty string or an integer')]),
        (b'[1, 2]\n', [(1, 'line 1: expected a JSON object with an "id" and a "text"')]),
        (b'\xff{"id": "a"}\n', [(1, "line 1: invalid UTF-8 at byte offset 0 of the line")]),
        (b'{"id": "long", "text": "' + b"x" * 100 + b'"}\n{"id": "b", "text": "y"}', [
            (1, "line 1: longer than the 64-byte limit"), ("b", None),
        ]),
    ],
)
def test_jsonl_reader(raw: bytes, expected: list[tuple[Any, str | None]]) -> None:
    items = list(iter_jsonl(io.BytesIO(raw), max_line_bytes=64))
    assert [(i.id, i.failure.message if i.failure else None) for i in items] == expected


def test_jsonl_stream_is_read_lazily() -> None:
    """An endless stream is never read ahead of what the run asks for."""

    class Endless(io.RawIOBase):
        lines_read = 0

        def readable(self) -> bool:
            return True

        def readline(self, size: int | None = -1) -> bytes:
            Endless.lines_read += 1
            return json.dumps({"id": Endless.lines_read, "text": article(Endless.lines_read)}).encode() + b"\n"

    items = iter_jsonl(Endless())  # type: ignore[arg-type]
    first = [next(items) for _ in range(3)]
    assert [i.id for i in first] == [1, 2, 3]
    assert Endless.lines_read == 3


def test_run_pulls_an_endless_stream_only_a_bounded_way_ahead() -> None:
    pulled = 0

    def endless() -> Iterator[Item]:
        nonlocal pulled
        while True:
            pulled += 1
            yield Item(pulled, text=article(pulled))

    class Enough(Exception):
        pass

    def observe(result: B.ArticleResult, report: B.Report) -> None:
        if report.done == 10:
            raise Enough

    emitted: list[str] = []
    with pytest.raises(Enough):
        B.run_batch(endless(), B.BatchOptions(source_lang="en"), emit=emitted.append, workers=1, observe=observe)
    assert [json.loads(line)["id"] for line in emitted] == list(range(1, 11))
    assert pulled <= 10 + 8 + 4 + 2  # done + queued windows + in flight + the one being queued


# ---------------------------------------------------------------- determinism and translation


def test_workers_1_and_2_give_byte_identical_outputs(tmp_path: Path) -> None:
    write_folder(tmp_path / "feed", 12)
    one = run(str(tmp_path / "feed"), "-o", str(tmp_path / "one"), "--to", "none", "--workers", "1")
    two = run(str(tmp_path / "feed"), "-o", str(tmp_path / "two"), "--to", "none", "--workers", "2")
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout
    assert len(tree(tmp_path / "one")) == 12
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    lines_one = run(str(tmp_path / "feed"), "--to", "none", "-j", "1").stdout
    assert lines_one == run(str(tmp_path / "feed"), "--to", "none", "-j", "2").stdout
    assert [r["id"] for r in map(json.loads, lines_one.splitlines())] == sorted(tree(tmp_path / "feed"))


def test_translation_with_echo_packages_in_cross_article_windows(
    tmp_path: Path, install_packages: Callable[..., None]
) -> None:
    install_packages("echo-en_ru", "echo-ru_be")
    feed = tmp_path / "feed"
    write_folder(feed, 3)
    (feed / "minsk_ru.txt").write_text(RU_ARTICLE, encoding="utf-8")

    result = run(str(feed), "--to", "ru,be", "--chunk", "4", "-j", "2")

    assert result.exit_code == 0, result.stderr
    assert "Note: ru comes from a TEST MODEL" in result.stderr
    request = polyglot_news.TranslationRequest(targets=("ru", "be"))
    for record in lines(result):
        text = (feed / record["id"]).read_text(encoding="utf-8")
        expected = polyglot_news.digest(text, translation=request).to_dict()
        assert record["digest"] == expected
        markers = [[m["text"] for m in s["markers"]] for s in expected["summary"]]
        for lang in ("ru", "be"):
            translated = record["digest"]["translations"][lang]
            assert [[m["text"] for m in s["markers"]] for s in translated["summary"]] == markers
    routes = {r["id"]: r["digest"]["translations"]["be"]["route"] for r in lines(result)}
    assert routes["minsk_ru.txt"] == "ru→be"
    assert routes["day0/story000.txt"] == "en→ru→be"


def test_missing_route_for_named_target_fails_each_article(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(article(1), encoding="utf-8")
    result = run(str(tmp_path), "--to", "be", "-j", "1")
    assert result.exit_code == 7
    [record] = lines(result)
    assert record["error"]["code"] == 8
    assert record["error"]["type"] == "RouteError"
    assert record["error"]["message"].startswith("a.txt: no route en→be")


# ---------------------------------------------------------------- output folder and resume


@pytest.mark.parametrize(
    ("fmt", "name", "head", "tail"),
    [
        ("json", "day1/story001.json", '{\n  "id": "day1/story001.txt",', '"batch": {\n    "options": "'),
        ("text", "day1/story001.txt", f"{HEADLINE_1}\n", '[polyglot-news batch: id="day1/story001.txt" options='),
        ("markdown", "day1/story001.md", f"# {HEADLINE_1}\n", '<!-- polyglot-news batch: id="day1/story001.txt"'),
    ],
)
def test_output_formats_carry_the_id_and_options(tmp_path: Path, fmt: str, name: str, head: str, tail: str) -> None:
    write_folder(tmp_path / "feed", 3)
    result = run(str(tmp_path / "feed"), "-o", str(tmp_path / "out"), "--format", fmt, "--to", "none", "-j", "1")
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "out" / name).read_text(encoding="utf-8")
    assert text.startswith(head)
    assert tail in text
    again = run(str(tmp_path / "feed"), "-o", str(tmp_path / "out"), "--format", fmt, "--to", "none", "--resume")
    assert [r.get("resumed") for r in lines(again)] == [True, True, True]
    assert "3 already done" in again.stderr


def test_resume_redoes_outputs_written_with_other_options(tmp_path: Path) -> None:
    write_folder(tmp_path / "feed", 4)
    feed, out = str(tmp_path / "feed"), str(tmp_path / "out")
    assert run(feed, "-o", out, "--to", "none", "-n", "2").exit_code == 0
    (tmp_path / "out" / "day0" / "story000.json").unlink()
    redo = run(feed, "-o", out, "--to", "none", "-n", "2", "--resume")
    assert [r.get("resumed", False) for r in lines(redo)] == [False, True, True, True]
    other = run(feed, "-o", out, "--to", "none", "-n", "3", "--resume")
    assert [r.get("resumed", False) for r in lines(other)] == [False, False, False, False]
    digest = json.loads((tmp_path / "out" / "day1" / "story001.json").read_text(encoding="utf-8"))["digest"]
    assert len(digest["summary"]) == 3


def run_in_subprocess(args: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
    """``python -m polyglot_news.cli_batch`` with this test's environment (its isolated model store)."""
    return subprocess.Popen(
        [sys.executable, "-m", "polyglot_news.cli.batch", *args], cwd=ROOT, env=dict(os.environ),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True, **kwargs,
    )


@pytest.mark.parametrize(
    ("sig", "options"),
    [
        (signal.SIGKILL, ["--to", "ru,be", "--translate", "headline", "--chunk", "8", "--beam-size", "1", "-j", "2"]),
        (signal.SIGTERM, ["--to", "none", "--workers", "2"]),
        (signal.SIGINT, ["--to", "none", "--workers", "1", "--format", "markdown"]),
    ],
)
def test_killed_run_resumes_to_the_bytes_of_a_clean_run(
    tmp_path: Path, install_packages: Callable[..., None], sig: signal.Signals, options: list[str]
) -> None:
    install_packages("echo-en_ru", "echo-ru_be")
    feed, out, clean = tmp_path / "feed", tmp_path / "out", tmp_path / "clean"
    total = 40
    options = [*options, "--source-lang", "en"]
    write_folder(feed, total)
    process = run_in_subprocess([str(feed), "-o", str(out), *options])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if out.is_dir() and sum(1 for p in out.rglob("*.*") if not p.name.startswith(".")) >= 5:
            break
        time.sleep(0.005)
    if sig == signal.SIGKILL:
        os.killpg(process.pid, sig)  # the whole group, workers too: nothing gets to clean up
    else:
        process.send_signal(sig)
    _, stderr = process.communicate(timeout=60)
    visible = [p for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert 5 <= len(visible) < total, "the run should have been stopped mid-way"
    if sig != signal.SIGKILL:
        assert process.returncode == {signal.SIGTERM: 143, signal.SIGINT: 130}[sig]
        assert b"rerun with --resume to continue" in stderr
        assert not [p for p in out.rglob(".*.tmp")]
    for path in visible:  # every file there is whole: its stamp is its last line
        assert path.read_text(encoding="utf-8").rstrip().endswith(("}", "-->"))

    resumed = run(str(feed), "-o", str(out), "--resume", *options)
    assert resumed.exit_code == 0, resumed.stderr
    assert f"{len(visible)} already done" in resumed.stderr or len(visible) == total
    assert run(str(feed), "-o", str(clean), *options).exit_code == 0
    assert tree(out) == tree(clean)
    assert len(tree(clean)) == total


# ---------------------------------------------------------------- helpers and usage


@pytest.mark.parametrize(
    ("item", "fmt", "expected"),
    [
        (Item("a/b.txt", path=Path("x")), "json", "a/b.json"),
        (Item("a/b.txt", path=Path("x")), "text", "a/b.txt"),
        (Item("README", path=Path("x")), "markdown", "README.md"),
        (Item("../../etc/passwd", path=Path("x")), "json", "etc/passwd.json"),
        (Item("/abs/story.txt", path=Path("x")), "json", "abs/story.json"),
        (Item("2024/story.v2"), "json", "2024/story.v2.json"),
        (Item(17), "markdown", "17.md"),
        (Item("a\\..\\b"), "text", "a/b.txt"),
    ],
)
def test_output_name(item: Item, fmt: str, expected: str) -> None:
    assert output_name(item, fmt) == expected


@pytest.mark.parametrize(
    ("ident", "expected"),
    [
        ("https://courier.example.org/transport/metro-4", "courier.example.org/transport/metro-4.json"),
        ("http://Courier.Example.org/transport/metro-4", "courier.example.org/transport/metro-4.json"),
        ("https://courier.example.org/transport/", "courier.example.org/transport/index.json"),
        ("https://courier.example.org", "courier.example.org/index.json"),
        ("https://courier.example.org/?p=123", "courier.example.org/%3Fp=123.json"),  # a WordPress guid
        ("https://courier.example.org/news?id=7&lang=ru", "courier.example.org/news%3Fid=7%26lang=ru.json"),
        ("https://courier.example.org/news#part-2", "courier.example.org/news%23part-2.json"),
        ("https://ru.example.org/wiki/%D0%9C%D0%B8%D0%BD%D1%81%D0%BA", "ru.example.org/wiki/Минск.json"),
        ("https://courier.example.org/a%2Fb", "courier.example.org/a%252Fb.json"),  # an escaped / is no folder
        ("https://courier.example.org/a b:c*d", "courier.example.org/a%20b%3Ac%2Ad.json"),
        ("https://courier.example.org/~desk/x", "courier.example.org/%7Edesk/x.json"),
        ("https://editor:secret@courier.example.org:8443/x", "courier.example.org%3A8443/x.json"),
        ("https://courier.example.org/%2E%2E/%2E%2E/etc/passwd", "courier.example.org/etc/passwd.json"),
        ("https://courier.example.org/a/../../b", "courier.example.org/b.json"),
        ("tag:courier.example.org,2026:culture-101", "courier.example.org,2026/culture-101.json"),
        ("urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a", "uuid/1225c695-cfb8-4ebb-aaaa-80da344efa6a.json"),
        ("tag:example.org,2008:Repository/12", "example.org,2008/Repository%2F12.json"),
        ("story:7", "story:7.json"),  # not an address: as any id
    ],
)
def test_an_address_id_names_a_host_and_path(ident: str, expected: str) -> None:
    assert output_name(Item(ident), "json") == expected


def test_different_addresses_name_different_files() -> None:
    addresses = [
        "https://h.by/a", "https://h.by/a/", "https://h.by/a/index.html", "https://h.by/a?x=1", "https://h.by/a?x=2",
        "https://h.by/a?x=1#f", "https://h.by/a#f", "https://h.by/a%3Fx=1", "https://h.by/a%2Fb", "https://h.by/a/b",
        "https://h.by:8080/a", "https://h.by/%25", "https://h.by/%", "https://H.by.example/a", "https://h.by/a%20b",
        "https://h.by/a+b", "https://h.by/" + "я" * 300, "https://h.by/" + "я" * 299 + "ю", "https://h.by/a?q=%26",
        "https://h.by/a?q=&", "tag:h.by,2026:a/b:c", "tag:h.by,2026:a:b/c", "urn:x:..", "urn:x:.",
    ]
    names = [output_name(Item(a), "json") for a in addresses]
    assert len(set(names)) == len(names)
    assert all(len(part.encode()) <= 255 for name in names for part in name.split("/"))
    # the same address spelled two ways (escaped letters, the host's case) is one file
    assert output_name(Item("https://H.BY/%D0%AF"), "json") == output_name(Item("https://h.by/Я"), "json")


def test_feed_items_are_written_under_their_host_and_path(tmp_path: Path) -> None:
    feed = EXAMPLES / "feeds" / "minsk-courier.xml"
    out = tmp_path / "out"
    result = run(str(feed), "-o", str(out), "--to", "none", "-j", "1")
    assert result.exit_code == 0, result.stderr
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*.json"))
    assert written == [
        "courier.example.org/city/parks.json", "courier.example.org/transport/metro-4.json",
        "courier.example.org/transport/trams.json",
    ]
    record = json.loads((out / "courier.example.org/transport/metro-4.json").read_text(encoding="utf-8"))
    assert record["id"] == "https://courier.example.org/transport/metro-4"  # the id stays the real one
    assert [line["output"] for line in lines(result)][0] == "courier.example.org/transport/metro-4.json"
    again = run(str(feed), "-o", str(out), "--to", "none", "-j", "1", "--resume")
    assert again.exit_code == 0 and all(line.get("resumed") for line in lines(again))


@pytest.mark.parametrize("spec", ["..", "/", "./."])
def test_output_name_refuses_ids_that_name_no_file(spec: str) -> None:
    with pytest.raises(polyglot_news.InputError, match="cannot name an output file"):
        output_name(Item(spec), "json")


@pytest.mark.parametrize(
    ("spec", "shown"),
    [
        ("a\nb", "id 'a\\u000Ab' holds U+000A (a control character)"),
        ("news/\x1b[31mred", "id 'news/\\u001B[31mred' holds U+001B (a control character)"),
        ("invoice\u202etxt.exe", "id 'invoice\\u202Etxt.exe' holds U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("a\x00b", "holds U+0000"),
        ("a\u2028b", "holds U+2028 (LINE SEPARATOR)"),
        ("zero\u200bwidth", "holds U+200B (ZERO WIDTH SPACE)"),
    ],
)
def test_output_name_refuses_ids_with_control_or_formatting_characters(spec: str, shown: str) -> None:
    with pytest.raises(polyglot_news.InputError, match=re.escape(shown)) as caught:
        output_name(Item(spec), "json")
    assert all(c.isprintable() for c in str(caught.value))  # the message shows them escaped


def test_a_jsonl_id_with_a_newline_costs_only_its_article(tmp_path: Path) -> None:
    feed = "".join(
        json.dumps({"id": ident, "text": article(n)}) + "\n"
        for n, ident in enumerate(["good", "bad\nname", "evil\u202etxt.exe", "also-good"])
    )
    result = run("-o", str(tmp_path / "out"), "--to", "none", "-j", "1", stdin=feed.encode())
    assert result.exit_code == 7
    records = lines(result)
    assert [r["id"] for r in records] == ["good", "bad\nname", "evil\u202etxt.exe", "also-good"]
    assert [r.get("error", {}).get("code") for r in records] == [None, 3, 3, None]
    assert sorted(tree(tmp_path / "out")) == ["also-good.json", "good.json"]


@pytest.mark.parametrize(
    ("spec", "expected"), [("1/1", (1, 1)), ("2/4", (2, 4)), (" 3 / 3 ", (3, 3))]
)
def test_parse_shard(spec: str, expected: tuple[int, int]) -> None:
    assert parse_shard(spec) == expected


@pytest.mark.parametrize("spec", ["0/4", "5/4", "2", "a/b", "1/0"])
def test_parse_shard_refuses(spec: str) -> None:
    with pytest.raises(ValueError, match="--shard takes K/N"):
        parse_shard(spec)


def test_shards_partition_the_input(tmp_path: Path) -> None:
    write_folder(tmp_path, 10)
    ids = [i.id for i in iter_paths([tmp_path])]
    shards = [[i.id for i in select_shard(iter_paths([tmp_path]), k, 3)] for k in (1, 2, 3)]
    assert shards[0] == ids[0::3] and shards[1] == ids[1::3] and shards[2] == ids[2::3]
    assert sorted(sum(shards, [])) == sorted(ids)
    result = run(str(tmp_path), "--shard", "2/3", "--to", "none", "-j", "1")
    assert [r["id"] for r in lines(result)] == shards[1]


@pytest.mark.parametrize(
    ("done", "total", "failed", "rate", "expected"),
    [
        (50, 200, 0, 5.0, "50/200 articles · 5.0/s · ETA 0:00:30"),
        (0, 200, 0, 0.0, "0/200 articles · 0.0/s · ETA --:--:--"),
        (10, 5000, 2, 2.5, "10/5000 articles · 2 failed · 2.5/s · ETA 0:33:16"),
        (7, None, 1, 3.5, "7 articles · 1 failed · 3.5/s"),
    ],
)
def test_progress_line(done: int, total: int | None, failed: int, rate: float, expected: str) -> None:
    assert progress_line(done, total, failed, rate) == expected


@pytest.mark.parametrize(
    ("samples", "rate"),
    [
        ([], 0.0),
        ([(0.5, 0), (1.0, 0)], 0.0),  # models loading: nothing done yet
        ([(4.5, 0), (5.0, 40)], 8.0),  # a 40-article run whose first window came back at 5 s
        ([(t / 2, 0) for t in range(1, 40)] + [(20.0 + t, 10 * t) for t in range(1, 61)], 10.0),  # after a 20 s start
        ([(8.0 * k, 32 * k) for k in range(1, 20)], 4.0),  # bursts of 32 every 8 s
    ],
)
def test_the_rate_follows_the_last_half_minute(samples: list[tuple[float, int]], rate: float) -> None:
    from polyglot_news.cli.batch import RateMeter

    meter = RateMeter(0.0)
    for now, done in samples:
        meter.add(now, done)
    assert meter.rate() == pytest.approx(rate, rel=0.12)


def test_progress_is_redrawn_twice_a_second_without_new_articles() -> None:
    from polyglot_news.cli.batch import _Progress

    stream = io.StringIO()
    with _Progress(stream, 40, enabled=True) as progress:
        progress.update(1, 0)
        time.sleep(1.3)
        progress.update(7, 1)
        time.sleep(0.7)
    frames = [f for f in stream.getvalue().split("\r") if f.strip()]
    assert len(frames) >= 3
    assert frames[0].startswith("1/40 articles · ")
    assert frames[-1].startswith("7/40 articles · 1 failed · ")
    assert stream.getvalue().endswith("\r")  # cleared at the end


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_progress_on_a_terminal_counts_up_while_the_run_goes(tmp_path: Path) -> None:
    write_folder(tmp_path / "feed", 40)
    primary, secondary = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "polyglot_news", "batch", str(tmp_path / "feed"), "--to", "none", "-j", "1"],
        cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=secondary,
    )
    os.close(secondary)
    seen = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    os.close(primary)
    assert process.wait(timeout=60) == 0
    text = seen.decode("utf-8")
    frames = [f.strip() for f in text.split("\r") if "articles ·" in f]
    counts = [int(f.split("/", 1)[0]) for f in frames]
    assert counts and counts == sorted(counts) and all(f.split(" · ")[-1].startswith("ETA ") for f in frames)
    assert "batch: 40 articles, 40 ok, 0 failed" in text


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    write_folder(tmp_path, 3)
    result = run(str(tmp_path), "--to", "none", "-j", "1")
    assert result.exit_code == 0
    assert "\r" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "text"], "--format text needs --output-dir"),
        (["--resume"], "--resume needs --output-dir"),
        (["-", "x.txt"], "not both"),
        (["--shard", "4/3"], "--shard takes K/N"),
        (["-q", "-v"], "--quiet or --verbose"),
        (["--sentences", "2", "--ratio", "0.5"], "not both"),
        (["--workers", "0"], "--workers"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = run(*args, stdin=b"")
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_output_dir_inside_the_input_folder_is_refused(tmp_path: Path) -> None:
    write_folder(tmp_path, 2)
    result = run(str(tmp_path), "-o", str(tmp_path / "digests"))
    assert result.exit_code == 2
    assert "inside the input folder" in result.stderr
    assert not (tmp_path / "digests").exists()


def test_empty_folder_is_a_successful_run_with_a_note(tmp_path: Path) -> None:
    result = run(str(tmp_path), "--to", "none")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.startswith("Note: no input articles")


def test_the_options_signature_follows_the_summary_algorithm(monkeypatch: pytest.MonkeyPatch) -> None:
    # Resume must not keep outputs of an older auto: a new AUTO_VERSION is a new signature.
    from polyglot_news.summarize import extract

    before = B.BatchOptions(source_lang="en").signature()
    assert B.BatchOptions(source_lang="en", method="reduction-lead").signature() != before
    monkeypatch.setattr(extract, "AUTO_VERSION", S.AUTO_VERSION + 1)
    assert B.BatchOptions(source_lang="en").signature() != before


@pytest.mark.parametrize(
    ("options", "signature"),
    [
        # Computed by the options hash before SummaryRequest existed: outputs stay complete for --resume.
        (B.BatchOptions(method="lead", sentences=2, source_lang="en"), "ccc1565b134c6531"),
        (B.BatchOptions(method="lexrank", ratio=0.3, fmt="text"), "f55b726b8cbda9e5"),
        (B.BatchOptions(summary=S.SummaryRequest(method="lead", sentences=2, source_lang="EN")), "ccc1565b134c6531"),
    ],
)
def test_unchanged_options_keep_their_resume_hash(options: B.BatchOptions, signature: str) -> None:
    assert options.signature() == signature


def test_another_detector_is_another_resume_hash() -> None:
    plain = B.BatchOptions(method="lead", sentences=2)
    assert B.BatchOptions(method="lead", sentences=2, detector="langdetect").signature() == plain.signature()
    assert B.BatchOptions(method="lead", sentences=2, detector="lingua").signature() != plain.signature()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sentences": 2, "ratio": 0.5}, "use `sentences` or `ratio`, not both"),
        ({"summary": S.SummaryRequest(), "sentences": 2}, "give a SummaryRequest or its fields"),
        ({"detector": "guess"}, "unknown detector 'guess'"),
    ],
)
def test_batch_options_check_the_summary_request(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        B.BatchOptions(**kwargs)


def test_batch_honours_the_detector(monkeypatch: pytest.MonkeyPatch) -> None:
    # lingua made absent whatever is installed: the articles detected with it fail, naming it;
    # the default detector and a given language are not affected. -j 1: in this process.
    monkeypatch.setitem(sys.modules, "lingua", None)
    stdin = "".join(json.dumps({"id": n, "text": article(n)}) + "\n" for n in range(2)).encode()
    with_lingua = run("--to", "none", "-j", "1", "--detector", "lingua", stdin=stdin)
    assert with_lingua.exit_code == 7
    assert [r["error"]["type"] for r in lines(with_lingua)] == ["DetectorUnavailableError"] * 2
    assert install_hint("lingua") in lines(with_lingua)[0]["error"]["message"]
    plain = run("--to", "none", "-j", "1", stdin=stdin)
    assert plain.exit_code == 0
    assert all(r["digest"]["signature"].startswith("det:langdetect-") for r in lines(plain))
    given = run("--to", "none", "-j", "1", "--detector", "lingua", "--source-lang", "en", stdin=stdin)
    assert given.exit_code == 0
    assert all(r["digest"]["signature"].startswith("det:given|") for r in lines(given))


def test_the_store_is_scanned_once_per_run(
    tmp_path: Path, install_packages: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    from polyglot_news.models import store

    install_packages("echo-en_ru")
    write_folder(tmp_path / "feed", 5)
    scans: list[object] = []
    real = store.scan_packages

    def counting(*args: Any, **kwargs: Any) -> Any:
        scans.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "scan_packages", counting)
    request = polyglot_news.TranslationRequest(targets=("ru",))
    lines: list[str] = []
    report = B.run_batch(
        iter_paths([tmp_path / "feed"]), B.BatchOptions(source_lang="en", translation=request),
        emit=lines.append, chunk=1,
    )
    assert report.ok == 5 and len(lines) == 5
    assert len(scans) == 1  # five translation windows, one scan of the store


# ------------------------------------------------------------------ a source language the text contradicts

EN_ARTICLE = (EXAMPLES / "belarus_us_relations.txt").read_text(encoding="utf-8")
CONTRADICTED = "the text reads as en (confidence 1.00), not ru as its source language was given"


@pytest.mark.parametrize(
    ("options", "code", "said"),
    [
        (("--to", "be", "-v"), 0, "note"),  # a note naming the article; its record written
        (("--to", "be", "--strict"), 7, "error"),  # an error record for that article only
        (("--to", "none", "-v"), 0, None),  # nothing translated: not checked (no detection on that path)
    ],
)
def test_batch_says_which_articles_contradict_the_source_language(
    install_packages: Any, options: tuple[str, ...], code: int, said: str | None
) -> None:
    install_packages("echo-ru_be")
    stdin = "".join(
        json.dumps({"id": ident, "text": text}) + "\n"
        for ident, text in (("wire-ru", RU_ARTICLE), ("wire-en", EN_ARTICLE), ("wire-en-2", EN_ARTICLE))
    )
    result = run("--source-lang", "ru", *options, stdin=stdin.encode())
    assert result.exit_code == code, result.stderr
    records = {record["id"]: record for record in lines(result)}
    assert "wire-ru: the text reads" not in result.stderr  # Russian, as given: no word about it
    if said == "error":  # only the echo test model's flags (its "Belarusian" is the Russian input)
        assert records["wire-ru"]["error"]["type"] == "FlaggedTranslation"
    else:
        assert "digest" in records["wire-ru"]
    for ident in ("wire-en", "wire-en-2"):
        if said == "error":
            error = records[ident]["error"]
            assert (error["code"], error["type"]) == (4, "DetectionError")
            assert error["message"].startswith(f"{ident}: {CONTRADICTED}") and "--strict refuses it" in error["message"]
        else:
            assert "digest" in records[ident]
            assert (f"Note: {ident}: {CONTRADICTED}" in result.stderr) is (said == "note")
    assert (CONTRADICTED in result.stderr) is (said == "note")

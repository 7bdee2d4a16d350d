"""Batch inputs a hostile feed may hold: bad JSON Lines lines, FIFOs, links out, absurd options.

One bad line must never cost a batch; nothing in a feed folder may hang it or lead it out of
the folder; killing it must not leave processes behind.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polyglot_news import batch as B
from polyglot_news.batch.inputs import MAX_DEPTH, Item, iter_jsonl, scan_paths
from polyglot_news.cli import cli
from polyglot_news.errors import InputError

from .test_batch import ROOT, article, write_folder

GOOD = json.dumps({"id": "good", "text": article(1)})


def run(*args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(cli, ["batch", *args], input=stdin)


def records(result: Result) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


# ---------------------------------------------------------------- one bad line never costs a batch


DEEP = f"line 2: nested deeper than {MAX_DEPTH} levels"
BAD_LINES: list[tuple[str, str]] = [
    ('{"id": "big", "n": 1' + "0" * 4301 + ', "text": "x"}', "line 2: unreadable value (Exceeds the limit (4300"),
    ('{"id": "deep", "n": ' + "[" * 3000 + "]" * 3000 + ', "text": "x"}', DEEP),
    ('{"id": "deepish", "n": ' + "[" * 100 + "]" * 100 + ', "text": "x"}', DEEP),
    ('{"id": "nan", "n": NaN, "text": "x"}', "line 2: the number NaN is not finite (NaN and Infinity are not JSON)"),
    ('{"id": "inf", "n": -Infinity, "text": "x"}', "line 2: the number -Infinity is not finite"),
    ('{"id": "overflow", "n": 1e999, "text": "x"}', "line 2: the number 1e999 is not finite"),
    ('{"id": "surrogate", "n": "\\ud800", "text": "x"}', 'line 2: a field other than "text" holds a lone surrogate'),
]


@pytest.mark.parametrize(("bad", "message"), BAD_LINES, ids=[m.split(": ", 1)[1][:30] for _, m in BAD_LINES])
def test_a_bad_line_is_an_error_record_and_the_run_goes_on(bad: str, message: str) -> None:
    later = json.dumps({"id": "later", "text": article(2), "score": 1.5})
    result = run("--to", "none", "-j", "1", stdin=f"{GOOD}\n{bad}\n{later}\n".encode())
    assert "Traceback" not in result.stderr
    assert result.exit_code == 7, result.stderr
    out = records(result)
    assert [r["id"] for r in out] == ["good", 2, "later"]
    assert "digest" in out[0] and "digest" in out[2] and out[2]["score"] == 1.5
    assert out[1]["error"]["code"] == 3
    assert out[1]["error"]["message"].startswith(message)
    for line in result.stdout.splitlines():  # strict JSON: no bare NaN or Infinity
        json.loads(line, parse_constant=_refuse)


def _refuse(token: str) -> Any:
    raise AssertionError(f"{token} is not JSON")


@pytest.mark.parametrize("translating", [False, True])
def test_an_unreadable_input_stops_the_run_only_after_what_was_read_is_written(
    install_packages: Any, translating: bool
) -> None:
    def feed() -> Iterator[Item]:
        yield Item("a", text=article(1))
        yield Item("b", text=article(2))
        yield Item("c", text=article(3))
        raise OSError(5, "Input/output error")

    request = None
    if translating:  # articles go in windows of --chunk: the one being read when the error came is written too
        from polyglot_news.cli.options import translation_request

        install_packages("echo-en_ru")
        request = translation_request("ru", "headline", None, 1, 256, "int8", None)
    emitted: list[str] = []
    report = B.Report()
    with pytest.raises(InputError, match="cannot read the input"):
        B.run_batch(feed(), B.BatchOptions(source_lang="en", translation=request), emit=emitted.append, workers=1,
                    chunk=2, report=report)
    assert [json.loads(line)["id"] for line in emitted] == ["a", "b", "c"]
    assert report.ok == 3


def _check_item(item: Item) -> None:
    """The only outcomes: an article with text, or an article that fails with an input error."""
    assert isinstance(item, Item)
    assert isinstance(item.id, (str, int)) and not isinstance(item.id, bool)
    if item.failure is None:
        assert isinstance(item.text, str)
    else:
        assert item.failure.code == 3 and item.failure.type == "InputError" and item.failure.message
    # whatever is passed through must go out again as strict JSON in UTF-8
    json.dumps({"id": item.id, **item.extra}, ensure_ascii=False, allow_nan=False).encode("utf-8")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)


@st.composite
def jsonl_lines(draw: st.DrawFn) -> bytes:
    """Arbitrary bytes, near-JSON objects, deep nesting, huge numbers and non-finite floats."""
    kind = draw(st.sampled_from(["bytes", "object", "deep", "number"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200)).replace(b"\n", b" ")
    if kind == "deep":
        depth = draw(st.integers(1, 5000))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
        return f'{{"text": "x", "n": {opener * depth}1{closer * depth}}}'.encode()
    if kind == "number":
        digits = draw(st.integers(1, 6000))
        number = draw(st.sampled_from(["1" + "0" * digits, "-1" + "0" * digits, f"1e{digits}", "NaN", "Infinity"]))
        return f'{{"id": {draw(st.sampled_from([number, "1"]))}, "text": "x", "n": {number}}}'.encode()
    obj = draw(st.dictionaries(st.sampled_from(["id", "text", "x", "\ud800"]), JSON_VALUES, max_size=4))
    return json.dumps(obj, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")


@settings(
    derandomize=True, max_examples=150, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(jsonl_lines(), max_size=6))
def test_fuzz_jsonl_reader_gives_only_articles_and_error_records(lines: list[bytes]) -> None:
    items = list(iter_jsonl(io.BytesIO(b"\n".join(lines)), max_line_bytes=1 << 16))
    assert len(items) <= len(lines)
    for item in items:
        _check_item(item)


# ---------------------------------------------------------------- folders: FIFOs and links


def test_fifo_in_a_feed_folder_is_skipped_with_a_note_and_never_hangs(tmp_path: Path) -> None:
    feed = tmp_path / "feed"
    write_folder(feed, 2)
    os.mkfifo(feed / "day0" / "pipe.txt")
    done = subprocess.run(
        [sys.executable, "-m", "polyglot_news", "batch", "--to", "none", "-j", "1", str(feed)],
        cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == ["day0/story000.txt", "day1/story001.txt"]
    assert f"Note: skipped {feed / 'day0' / 'pipe.txt'}: a FIFO, not a regular file" in done.stderr


def test_links_out_of_the_folder_are_not_followed_unless_asked(tmp_path: Path) -> None:
    feed, outside = tmp_path / "feed", tmp_path / "private"
    write_folder(feed, 1)
    outside.mkdir()
    (outside / "secret.txt").write_text(article(7), encoding="utf-8")
    (feed / "secret.txt").symlink_to(outside / "secret.txt")
    (feed / "inside.txt").symlink_to(feed / "day0" / "story000.txt")
    (feed / "elsewhere").symlink_to(outside, target_is_directory=True)

    scan = scan_paths([feed])
    assert [i.id for i in scan.items] == ["day0/story000.txt", "inside.txt"]
    assert sorted(p for p, _ in scan.skipped) == [str(feed / "elsewhere"), str(feed / "secret.txt")]
    result = run("--to", "none", "-j", "1", str(feed))
    assert result.exit_code == 0, result.stderr
    assert "secret" not in result.stdout
    assert "a link leading outside the input folder (--follow-symlinks reads it)" in result.stderr

    followed = run("--to", "none", "-j", "1", "--follow-symlinks", str(feed))
    assert followed.exit_code == 0, followed.stderr
    assert [r["id"] for r in records(followed)] == [
        "day0/story000.txt", "elsewhere/secret.txt", "inside.txt", "secret.txt"
    ]


def test_follow_symlinks_survives_a_link_loop(tmp_path: Path) -> None:
    feed = tmp_path / "feed"
    write_folder(feed, 1)
    (feed / "day0" / "loop").symlink_to(feed, target_is_directory=True)
    assert [i.id for i in scan_paths([feed], follow_symlinks=True).items] == ["day0/story000.txt"]


# ---------------------------------------------------------------- sanity limits


def test_workers_are_capped_at_the_articles_and_cores(tmp_path: Path) -> None:
    write_folder(tmp_path, 2)
    result = run("--to", "none", "-j", "1000", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    cores = len(os.sched_getaffinity(0))
    assert f"Note: --workers 1000 capped at {min(2, cores)} (cores: {cores}, articles: 2)" in result.stderr
    assert len(records(result)) == 2


@pytest.mark.parametrize("command", [["batch"], ["digest"], ["translate", "--to", "ru"]])
def test_beam_size_has_a_documented_maximum(command: list[str]) -> None:
    result = CliRunner().invoke(cli, [*command, "--beam-size", "100000", "-"], input="x")
    assert result.exit_code == 2
    assert "100000 is not in the range 1<=x<=16" in result.stderr
    assert "at most 16" in CliRunner().invoke(cli, [*command, "--help"]).stdout


# ---------------------------------------------------------------- output is not the input


@pytest.mark.parametrize(
    "command", [["detect"], ["summarize"], ["digest", "--to", "none"], ["translate", "--to", "ru"]], ids=" ".join
)
@pytest.mark.parametrize("how", ["same", "symlink", "hardlink"])
def test_output_that_is_the_input_is_refused(tmp_path: Path, command: list[str], how: str) -> None:
    source = tmp_path / "story.txt"
    source.write_text(article(1), encoding="utf-8")
    output = tmp_path / "out.txt"
    if how == "same":
        output = source
    elif how == "symlink":
        output.symlink_to(source)
    else:
        os.link(source, output)
    result = CliRunner().invoke(cli, [*command, str(source), "-o", str(output)])
    assert result.exit_code == 3, result.stderr
    assert result.stderr == f"Error: {output}: the output is the input file {source}; choose another --output\n"
    assert source.read_text(encoding="utf-8") == article(1)


# ---------------------------------------------------------------- processes: kill -9, interruption


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_kill_9_leaves_no_forkserver_tracker_or_worker_behind(tmp_path: Path) -> None:
    feed = tmp_path / "feed"
    write_folder(feed, 60)
    process = subprocess.Popen(
        [sys.executable, "-m", "polyglot_news", "batch", "--to", "none", "-j", "2", "--source-lang", "en", str(feed)],
        cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    family: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        assert process.stdout is not None
        process.stdout.readline()  # the workers have produced a first article
        while time.monotonic() < deadline:
            family = _descendants(process.pid)
            if len(family) >= 4:  # resource tracker, fork server, two workers
                break
            time.sleep(0.05)
        assert len(family) >= 4, family
        process.kill()  # SIGKILL to the batch process alone: nothing gets to clean up
        process.wait(timeout=30)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(_alive(p) for p in family):
            time.sleep(0.1)
        assert [p for p in family if _alive(p)] == []
    finally:
        for pid in family:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_sigterm_summary_counts_the_files_written(tmp_path: Path) -> None:
    feed, out = tmp_path / "feed", tmp_path / "out"
    write_folder(feed, 40)
    process = subprocess.Popen(
        [sys.executable, "-m", "polyglot_news", "batch", "--to", "none", "-j", "1", "--source-lang", "en",
         str(feed), "-o", str(out)],
        cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if out.is_dir() and sum(1 for p in out.rglob("*.json")) >= 5:
            break
        time.sleep(0.005)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    written = sum(1 for p in out.rglob("*.json"))
    assert process.returncode == 143, stderr
    assert 5 <= written < 40
    assert f"batch: interrupted after {written} articles ({written} ok, 0 failed)" in stderr


# ---------------------------------------------------------------- --batch-tokens


def test_batch_tokens_is_settable_and_checked(install_packages: Any) -> None:
    install_packages("echo-en_ru")
    text = "The council met on Tuesday [1]. It voted for the plan [2]. The mayor spoke last."
    default = CliRunner().invoke(cli, ["translate", "--to", "ru", "--source-lang", "en", "-"], input=text)
    small = CliRunner().invoke(
        cli, ["translate", "--to", "ru", "--source-lang", "en", "--batch-tokens", "8", "-"], input=text
    )
    assert default.exit_code == small.exit_code == 0, small.stderr
    assert small.stdout == default.stdout
    refused = CliRunner().invoke(cli, ["digest", "--batch-tokens", "0", "-"], input=text)
    assert refused.exit_code == 2 and "--batch-tokens" in refused.stderr
    for command in ("digest", "translate", "batch"):
        assert "--batch-tokens" in CliRunner().invoke(cli, [command, "--help"]).stdout


def test_batch_tokens_reaches_the_decoding_options() -> None:
    from polyglot_news.cli.options import translation_request

    request = translation_request("ru", "summary", None, 4, 256, "int8", None, batch_tokens=512)
    assert request is not None and request.options.batch_tokens == 512


@pytest.mark.parametrize("one", ["feed", Path("feed"), b"feed"])
def test_one_path_where_a_sequence_is_meant_is_a_type_error(one: Any) -> None:
    # Not read character by character ("f", "e", "e", "d" as four missing files).
    with pytest.raises(TypeError, match=r"`paths` takes a sequence of files and folders, e.g. \['feed'\]"):
        B.iter_paths(one)

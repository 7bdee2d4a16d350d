"""Strict reading of articles and atomic writing of outputs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from polyglot_news.errors import InputError, OutputError
from polyglot_news.io import decode, decode_text, read_article, to_json, write_atomic


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Hello.\n", "Hello.\n"),
        (b"\xef\xbb\xbfHello.", "Hello."),
        (b"a\r\nb\rc\n", "a\nb\nc\n"),
        ("Прывітанне, свет.".encode(), "Прывітанне, свет."),
    ],
)
def test_decode_accepts_utf8_with_bom_and_any_line_end(data: bytes, expected: str) -> None:
    assert decode(data) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "input is empty"),
        (b" \n\t\r\n", "input is empty"),
        (b"abc\x00def", "binary data (NUL byte at offset 3)"),
        (b"caf\xe9 au lait", "invalid UTF-8 at byte offset 3 (byte 0xe9)"),
        (b"\xef\xbb\xbfok \xff", "invalid UTF-8 at byte offset 6 (byte 0xff)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary data"),
        ("Мінск, 5 мая.".encode("utf-16"), "UTF-16 text, expected UTF-8: convert with `iconv -f UTF-16 -t UTF-8`"),
        (b"\xfe\xff" + "abc".encode("utf-16-be"), "UTF-16 text"),
        ("Мінск".encode("utf-32"), "UTF-32 text, expected UTF-8: convert with `iconv -f UTF-32 -t UTF-8`"),
        (b"\x00\x00\xfe\xff" + "abc".encode("utf-32-be"), "UTF-32 text"),
        # Without a byte-order mark (Windows "Unicode" files saved without one): named, not "binary".
        ("Мінск, 5 мая.".encode("utf-16-le"), "UTF-16 LE text without a byte-order mark, expected UTF-8"),
        ("Мінск, 5 мая.".encode("utf-16-le"), "convert with `iconv -f UTF-16LE -t UTF-8`"),
        ("Minsk opened a tram line.".encode("utf-16-be"), "UTF-16 BE text without a byte-order mark"),
        ("Минск открыл линию.".encode("utf-32-le"), "UTF-32 LE text without a byte-order mark"),
        ("Minsk.".encode("utf-32-be"), "convert with `iconv -f UTF-32BE -t UTF-8`"),
        (b"\x00" * 64, "binary data (NUL byte at offset 0)"),  # NUL characters are not text
        (b"hello\x00world", "binary data (NUL byte at offset 5)"),
    ],
)
def test_decode_rejects_bad_input_naming_the_problem(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match="^<input>: ") as info:
        decode(data)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_read_article_caps_size(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 101)
    with pytest.raises(InputError, match="larger than the 100-byte limit"):
        read_article(big, max_bytes=100)
    assert read_article(big, max_bytes=101) == "a" * 101


def test_read_article_from_stdin_stream() -> None:
    assert read_article("-", stdin=io.BytesIO(b"Line one.\r\n")) == "Line one.\n"


@pytest.mark.parametrize(("name", "message"), [("missing.txt", "no such file"), (".", "is a directory")])
def test_read_article_unreadable(tmp_path: Path, name: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_article(tmp_path / name)


def test_write_atomic_replaces_whole_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    write_atomic(target, "new ✓\n")
    assert target.read_text(encoding="utf-8") == "new ✓\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_write_atomic_into_missing_folder_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot write"):
        write_atomic(tmp_path / "no" / "out.json", "x")


def test_to_json_keeps_cyrillic_and_is_deterministic() -> None:
    assert to_json({"b": "Мінск", "a": [1]}) == '{\n  "b": "Мінск",\n  "a": [\n    1\n  ]\n}\n'


def test_read_article_names_errors_as_asked(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_bytes(b"ok \xff")
    with pytest.raises(InputError, match=r"^day1/x\.txt: invalid UTF-8 at byte offset 3"):
        read_article(tmp_path / "x.txt", name="day1/x.txt")


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "input is empty"), ("a\x00b", "NUL byte at offset 1"), ("\ud800", "lone surrogate"), ("é" * 6, "limit")],
)
def test_decode_text_checks_like_a_file(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        decode_text(text, "id-7", max_bytes=10)


def test_decode_text_passes_good_text() -> None:
    assert decode_text("Мінск\r\n", "id-7") == "Мінск\n"


def test_write_atomic_keeps_mode_and_follows_links(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    real.chmod(0o644)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert link.is_symlink()
    assert real.read_text() == "new"
    assert real.stat().st_mode & 0o777 == 0o644


def test_write_atomic_new_file_follows_umask(tmp_path: Path) -> None:
    import os

    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.json", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "new.json").stat().st_mode & 0o777 == 0o644


def test_write_atomic_refuses_a_directory(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a directory"):
        write_atomic(tmp_path, "x")


def test_ctrl_c_during_write_arrives_after_the_file_is_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import signal

    real_fsync = os.fsync

    def interrupted_fsync(fd: int) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # held until write_atomic is done
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", interrupted_fsync)
    target = tmp_path / "out.json"
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "whole\n")
    assert target.read_text() == "whole\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]

"""The archive validator: hostile and corrupt archives and folders refused with the store unchanged, the
member-count pre-check, version order, and a fuzz proving it only ever plans or refuses."""

from __future__ import annotations

import io
import json
import os
import stat
import struct
import subprocess
import sys
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, seed, settings
from hypothesis import strategies as st

from polyglot_news import models
from polyglot_news.errors import ModelError
from polyglot_news.models import installer as install_module
from polyglot_news.models.archive import MAX_ENTRIES, declared_entries, open_archive, plan_archive
from tests.archives import make_archive, member, meta, package_files, snapshot, write_tree

TOP = "translate-en_ru-1_0"
GOOD_META = {"from_code": "en", "to_code": "ru", "package_version": "1.0"}


def _zip(members: list[tuple[str, bytes]], *, zip64: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=zip64) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("count", [0, 3, MAX_ENTRIES + 1])
def test_declared_entries_reads_the_end_record(count: int) -> None:
    data = _zip([(f"{TOP}/{i}", b"") for i in range(count)])
    assert declared_entries(io.BytesIO(data)) == count


def test_zip64_member_count_refused_before_the_listing_is_read() -> None:
    data = _zip([(f"{TOP}/{i}", b"") for i in range(0x10000)], zip64=True)
    assert data.find(b"PK\x06\x06") > 0  # really a zip64 end record
    assert declared_entries(io.BytesIO(data)) == 0x10000
    with pytest.raises(ModelError, match="65536 members, more than the cap of 2000"):
        open_archive(io.BytesIO(data), "big.argosmodel")


def test_not_a_zip_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="not a valid .argosmodel zip archive"):
        open_archive(io.BytesIO(b"PK\x03\x04 not really a zip"), "x")


# ---------------------------------------------------------------- fuzz

_PARTS = [TOP, "model", "model.bin", "metadata.json", "sentencepiece.model", "bpe.model", "x",
          "..", ".", "", "a\\b", "C:", "\x00", "ü", ".polyglot-news.json"]
_MODES = [0, stat.S_IFREG | 0o644, stat.S_IFDIR | 0o755, stat.S_IFLNK | 0o777, stat.S_IFIFO | 0o644]

_names = st.one_of(
    st.sampled_from(["model/config.json", "README.md", "model/", "stanza/x.pt"]).map(f"{TOP}/{{}}".format),
    st.lists(st.sampled_from(_PARTS), min_size=1, max_size=4).map("/".join),
)
_meta = st.one_of(
    st.just(json.dumps(GOOD_META).encode()),
    st.dictionaries(
        st.sampled_from(["from_code", "to_code", "package_version", "type", "targets", "source_sentencepiece"]),
        st.one_of(st.sampled_from(["en", "ru", "be", "../x", "1.0", ""]), st.integers(), st.none(),
                  st.dictionaries(st.sampled_from(["ru", "be", "en"]), st.none(), max_size=2)),
        max_size=6,
    ).map(lambda d: json.dumps({**GOOD_META, **d}).encode()),
    st.binary(max_size=64),
)
_member = st.tuples(
    _names,
    st.binary(max_size=256) | st.integers(0, 3 * 1024**2).map(bytes),
    st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]),
    st.sampled_from(_MODES),
    st.booleans(),
)


def _build(required: bool, meta: bytes, members: list[tuple[str, bytes, int, int, bool]]) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as zf:
        warnings.simplefilter("ignore")  # duplicate names are part of the fuzz
        if required:
            for name, data in ((f"{TOP}/metadata.json", meta), (f"{TOP}/model/model.bin", b"m"),
                               (f"{TOP}/sentencepiece.model", b"s")):
                zf.writestr(name, data)
        for name, data, method, mode, encrypted in members:
            info = zipfile.ZipInfo(name)
            info.compress_type = method
            info.external_attr = mode << 16
            if encrypted:
                info.flag_bits |= 0x1
            zf.writestr(info, data)
    return buffer.getvalue()


_archives = st.builds(_build, st.booleans(), _meta, st.lists(_member, max_size=6))


@st.composite
def _mangled(draw: st.DrawFn) -> bytes:
    """A valid-looking archive, then a few bytes overwritten, or cut short."""
    data = bytearray(draw(_archives))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if data:
            data[at] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


@seed(20261130)
@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_archives, _mangled()))
def test_fuzz_archive_validator_plans_or_refuses(data: bytes) -> None:
    """Whatever the bytes: a plan (members inside the one folder, valid metadata) or a ModelError."""
    try:
        with open_archive(io.BytesIO(data), "fuzz.argosmodel") as zf:
            members, metadata = plan_archive(zf, "fuzz.argosmodel", 4 * 1024**2)
    except ModelError as exc:
        assert str(exc).startswith("fuzz.argosmodel: ") and "\n" not in str(exc)
        event("refused")
        return
    event("planned")
    assert metadata.from_code != metadata.to_code
    inner = {name for _, name in members}
    assert "metadata.json" in inner and "model/model.bin" in inner
    assert all(".." not in name.split("/") and not name.startswith("/") for name in inner)


@pytest.mark.parametrize(
    ("version", "bigger_than"),
    [("1.10", "1.9"), ("2.0", "1.99"), ("1.9.1", "1.9"), ("1.9", "1.9b")],
)
def test_version_key(version: str, bigger_than: str) -> None:
    assert models.version_key(version) > models.version_key(bigger_than)


def _symlink(zf: zipfile.ZipFile) -> None:
    info = zipfile.ZipInfo("translate-en_ru-1_0/evil")
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    zf.writestr(info, "/etc/passwd")


def _fifo(zf: zipfile.ZipFile) -> None:
    info = zipfile.ZipInfo("translate-en_ru-1_0/pipe")
    info.create_system = 3
    info.external_attr = (stat.S_IFIFO | 0o644) << 16
    zf.writestr(info, b"")




def _members(count: int, size: int) -> Callable[[zipfile.ZipFile], None]:
    """``count`` members of ``size`` zero bytes each."""

    def add(zf: zipfile.ZipFile) -> None:
        for i in range(count):
            zf.writestr(f"translate-en_ru-1_0/pad/{i:05d}.bin", bytes(size))

    return add


def _members_named(*names: str) -> Callable[[zipfile.ZipFile], None]:
    def add(zf: zipfile.ZipFile) -> None:
        for name in names:
            zf.writestr(name, b"x")

    return add


def _without(name: str, **changes: Any) -> dict[str, bytes]:
    files = package_files(meta(**changes)) if changes else package_files()
    files.pop(name, None)
    return files


def _with_meta(raw: bytes) -> dict[str, bytes]:
    files = package_files()
    files["metadata.json"] = raw
    return files


HOSTILE: list[
    tuple[str, dict[str, bytes] | None, Callable[[zipfile.ZipFile], None] | None, str]
] = [
    ("traversal", None, member("translate-en_ru-1_0/../../evil.txt"), "escapes its folder"),
    ("traversal-top", None, member("../x"), "escapes its folder"),
    ("absolute", None, member("/etc/evil"), "absolute path"),
    ("drive", None, member("C:/evil"), "absolute path"),
    ("backslash", None, member("translate-en_ru-1_0\\..\\evil"), "backslash"),
    ("symlink", None, _symlink, "symbolic link"),
    ("fifo", None, _fifo, "not a regular file"),
    ("two-tops", None, member("other/metadata.json", b"{}"), "2 top-level folders"),
    ("file-at-top", None, member("stray.txt"), "outside the package folder"),
    ("no-metadata", _without("metadata.json"), None, "no translate-en_ru-1_0/metadata.json"),
    ("bad-json", _with_meta(b"{not json"), None, "not valid JSON"),
    ("deep-json", _with_meta(b"[" * 100_000), None, "nested too deeply"),
    ("deep-json-closed", _with_meta(b"[" * 100_000 + b"]" * 100_000), None, "nested too deeply"),
    ("deep-object", _with_meta(b'{"a":' * 100_000), None, "nested too deeply"),
    ("not-object", _with_meta(b"[1, 2]"), None, "not a JSON object"),
    (
        "missing-field",
        _with_meta(b'{"from_code": "en", "package_version": "1"}'),
        None,
        "lacks the required field 'to_code'",
    ),
    (
        "number-version",
        _with_meta(b'{"from_code": "en", "to_code": "ru", "package_version": 1.9}'),
        None,
        "'package_version' is not a string",
    ),
    (
        "bad-code",
        _with_meta(b'{"from_code": "../x", "to_code": "ru", "package_version": "1"}'),
        None,
        "is not a language code",
    ),
    (
        "same-codes",
        _with_meta(b'{"from_code": "ru", "to_code": "ru", "package_version": "1"}'),
        None,
        "into itself",
    ),
    (
        "bad-version",
        _with_meta(b'{"from_code": "en", "to_code": "ru", "package_version": "../1"}'),
        None,
        "is malformed",
    ),
    (
        "sbd-type",
        _with_meta(b'{"from_code": "en", "to_code": "ru", "package_version": "1", "type": "sbd"}'),
        None,
        "not a translation package",
    ),
    ("no-model", _without("model/model.bin"), None, "missing model/model.bin"),
    ("no-tokenizer", _without("sentencepiece.model"), None, "missing the tokenizer"),
    ("ratio-bomb", None, member("translate-en_ru-1_0/zeros.bin", bytes(4 * 1024**2)), "zip bomb"),
    # Issue 11 item 3: no member is over 1 MiB, together they inflate 1000:1.
    ("many-small-bombs", None, _members(24, 1024**2), "above 100:1 for the whole archive; zip bomb"),
    ("too-many-members", None, _members(2_001, 0), "2008 members, more than the cap of 2000"),
    # A member 1,000 folders deep made path handling recurse past Python's limit (a traceback).
    ("deep-member", None, member("translate-en_ru-1_0/" + "d/" * 1_000 + "x"), "is 1002 folders deep (at most 32)"),
    # Two names for one file on macOS (NFD) or any case-insensitive file system.
    ("nfc-nfd", None, _members_named("translate-en_ru-1_0/caf\u00e9.txt", "translate-en_ru-1_0/cafe\u0301.txt"),
     "appears twice (names equal up to case or Unicode normalization)"),
]


@pytest.mark.parametrize(
    ("case", "files", "extra", "message"), HOSTILE, ids=[h[0] for h in HOSTILE]
)
def test_hostile_archive_refused_and_store_unchanged(
    tmp_path: Path,
    store: Path,
    good: Path,
    case: str,
    files: dict[str, bytes] | None,
    extra: Callable[[zipfile.ZipFile], None] | None,
    message: str,
) -> None:
    models.install(good)
    before = snapshot(store)
    bad = make_archive(tmp_path / f"{case}.argosmodel", files, extra=extra)
    with pytest.raises(ModelError) as caught:
        models.install(bad)
    text = str(caught.value)
    assert message in text
    assert text.startswith(str(bad)) and "\n" not in text
    assert snapshot(store) == before
    assert not (tmp_path / "evil.txt").exists()


def _good_bytes(tmp_path: Path) -> bytes:
    return make_archive(tmp_path / "src.argosmodel").read_bytes()


def _lying_sizes(data: bytes) -> bytes:
    """Declare 1000 bytes for model.bin while the stored data inflates to more."""
    raw = bytearray(data)
    name = b"translate-en_ru-1_0/model/model.bin"
    local = raw.find(b"PK\x03\x04" + raw[4:4])  # first local header
    while local != -1:
        name_len = struct.unpack_from("<H", raw, local + 26)[0]
        if raw[local + 30 : local + 30 + name_len] == name:
            struct.pack_into("<I", raw, local + 22, 10)
        local = raw.find(b"PK\x03\x04", local + 4)
    central = raw.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", raw, central + 28)[0]
        if raw[central + 46 : central + 46 + name_len] == name:
            struct.pack_into("<I", raw, central + 24, 10)
        central = raw.find(b"PK\x01\x02", central + 4)
    return bytes(raw)


RAW_CASES: list[tuple[str, Callable[[bytes], bytes], str]] = [
    ("truncated", lambda data: data[: len(data) // 2], "not a valid .argosmodel zip"),
    ("not-a-zip", lambda data: b"hello, I am text\n" * 10, "not a valid .argosmodel zip"),
    ("empty-file", lambda data: b"", "not a valid .argosmodel zip"),
    ("lying-sizes", _lying_sizes, "not installed"),
]


@pytest.mark.parametrize(("case", "mangle", "message"), RAW_CASES, ids=[c[0] for c in RAW_CASES])
def test_corrupt_archive_refused_and_store_unchanged(
    tmp_path: Path,
    store: Path,
    good: Path,
    case: str,
    mangle: Callable[[bytes], bytes],
    message: str,
) -> None:
    models.install(good)
    before = snapshot(store)
    bad = tmp_path / f"{case}.argosmodel"
    bad.write_bytes(mangle(_good_bytes(tmp_path)))
    with pytest.raises(ModelError) as caught:
        models.install(bad)
    assert message in str(caught.value)
    assert snapshot(store) == before


def test_declared_size_over_cap_refused(
    tmp_path: Path, store: Path, good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models.install(good)
    before = snapshot(store)
    monkeypatch.setattr(install_module, "MAX_UNPACKED_BYTES", 4096)
    big = package_files()
    big["model/model.bin"] = os.urandom(8192)
    with pytest.raises(ModelError, match="unpacks to more than 4096 bytes"):
        models.install(make_archive(tmp_path / "big.argosmodel", big))
    assert snapshot(store) == before


def test_duplicate_member_refused(tmp_path: Path, store: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate it writes
        bad = make_archive(
            tmp_path / "dup.argosmodel", extra=member("translate-en_ru-1_0/model/model.bin")
        )
    with pytest.raises(ModelError, match="appears twice"):
        models.install(bad)
    assert not store.exists()


def test_unpacked_folder_with_symlink_refused(tmp_path: Path, store: Path) -> None:
    tree = write_tree(tmp_path / "unpacked", package_files())
    (tree / "model" / "link").symlink_to("/etc/passwd")
    with pytest.raises(ModelError, match="model/link is a symbolic link"):
        models.install(tree)
    assert not store.exists()


def test_unpacked_folder_nested_too_deep_refused(tmp_path: Path, store: Path) -> None:
    tree = write_tree(tmp_path / "unpacked", package_files())
    folder = tree
    for _ in range(40):
        folder = folder / "d"
        folder.mkdir()
    with pytest.raises(ModelError, match="more than 32 levels deep"):
        models.install(tree)
    assert not store.exists()


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "fifo"])
def test_a_device_or_pipe_is_refused_not_read_forever(tmp_path: Path, store: Path, device: str) -> None:
    if device == "fifo":  # opening a FIFO with no writer would block forever
        device = str(tmp_path / "pipe.argosmodel")
        os.mkfifo(device)
    command = [sys.executable, "-m", "polyglot_news", "models", "install", device]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout) == (5, "")
    assert done.stderr == f"Error: {device}: not a regular file (a device, pipe or socket); name a .argosmodel file\n"
    assert not store.exists()


def test_zipinfo_helper_builds_valid_archive(tmp_path: Path) -> None:
    data = make_archive(tmp_path / "x.argosmodel").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        assert "translate-en_ru-1_0/metadata.json" in zf.namelist()

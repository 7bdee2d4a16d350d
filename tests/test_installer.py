"""The model store: install validation (hostile archives), round trips, locking, fetch."""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import multiprocessing
import os
import socket
import stat
import struct
import subprocess
import sys
import time
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from polyglot_news import models
from polyglot_news.errors import ModelError
from polyglot_news.models import installer as install_module
from polyglot_news.models.archive import RECORD

CATALOG = Path(__file__).resolve().parents[1] / "polyglot_news" / "data" / "catalog.json"


def meta(
    from_code: str = "en", to_code: str = "ru", version: str = "1.0", **extra: Any
) -> dict[str, Any]:
    return {
        "package_version": version,
        "argos_version": "1.9",
        "from_code": from_code,
        "from_name": from_code.upper(),
        "to_code": to_code,
        "to_name": to_code.upper(),
        **extra,
    }


def package_files(metadata: dict[str, Any] | None = None) -> dict[str, bytes]:
    """A structurally valid package: all the store checks is structure."""
    return {
        "metadata.json": json.dumps(metadata or meta()).encode(),
        "model/model.bin": b"\x01\x02ctranslate2 placeholder" * 8,
        "model/config.json": b"{}",
        "model/shared_vocabulary.txt": b"<unk>\n<s>\n</s>\n",
        "sentencepiece.model": b"sentencepiece placeholder",
        "README.md": b"test package\n",
    }


def make_archive(
    path: Path,
    files: dict[str, bytes] | None = None,
    *,
    top: str = "translate-en_ru-1_0",
    extra: Callable[[zipfile.ZipFile], None] | None = None,
) -> Path:
    """Write a .argosmodel: ``files`` under one folder ``top``, then whatever ``extra`` adds."""
    files = package_files() if files is None else files
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{top}/", b"")
        for name, data in files.items():
            zf.writestr(f"{top}/{name}", data)
        if extra is not None:
            extra(zf)
    return path


def write_tree(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def snapshot(root: Path) -> dict[str, str]:
    """Every entry under root (dot files included) with the sha256 of each file."""
    if not root.exists():
        return {}
    result: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            result[rel] = "link"
        elif path.is_dir():
            result[rel] = "dir"
        else:
            result[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


@pytest.fixture
def store(isolated_home: Path) -> Path:
    return isolated_home / "models"


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return make_archive(tmp_path / "translate-en_ru-1_0.argosmodel")


# ---------------------------------------------------------------- paths


@pytest.mark.parametrize(
    ("env", "explicit", "expected"),
    [
        ({"POLYGLOT_NEWS_MODELS": "/m", "XDG_DATA_HOME": "/x"}, "/e", "/e"),
        ({"POLYGLOT_NEWS_MODELS": "/m", "XDG_DATA_HOME": "/x"}, None, "/m"),
        ({"XDG_DATA_HOME": "/x"}, None, "/x/polyglot-news/models"),
        ({"HOME": "/h"}, None, "/h/.local/share/polyglot-news/models"),
    ],
)
def test_store_dir_resolution(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], explicit: str | None, expected: str
) -> None:
    for name in ("POLYGLOT_NEWS_MODELS", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert models.store_dir(Path(explicit) if explicit else None) == Path(expected)


def test_reading_never_creates_the_store(store: Path) -> None:
    assert models.list_packages() == []
    assert models.verify() == []
    assert models.store_dir() == store
    assert not store.exists()


def test_argos_dirs_only_existing(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert models.argos_dirs() == []
    (isolated_home / "argos-packages").mkdir(parents=True)
    assert models.argos_dirs() == [isolated_home / "argos-packages"]
    monkeypatch.delenv("ARGOS_PACKAGES_DIR")
    (isolated_home / "data" / "argos-translate" / "packages").mkdir(parents=True)
    assert models.argos_dirs() == [isolated_home / "data" / "argos-translate" / "packages"]


@pytest.mark.parametrize(
    ("version", "bigger_than"),
    [("1.10", "1.9"), ("2.0", "1.99"), ("1.9.1", "1.9"), ("1.9", "1.9b")],
)
def test_version_key(version: str, bigger_than: str) -> None:
    assert models.version_key(version) > models.version_key(bigger_than)


# ---------------------------------------------------------------- round trip


def test_install_list_verify_remove_round_trip(store: Path, good: Path) -> None:
    installed = models.install(good)
    assert [(p.pair, p.version, p.origin, p.name) for p in installed] == [
        ("en→ru", "1.0", "store", "translate-en_ru")
    ]
    package = installed[0]
    assert package.path == store / "translate-en_ru"
    # The package's files and our manifest; the identity record is not counted.
    assert package.size_bytes == sum(
        f.stat().st_size for f in package.path.rglob("*") if f.is_file() and f.name != RECORD
    )
    assert package.to_dict()["pair"] == "en→ru"
    manifest = json.loads((package.path / models.MANIFEST).read_text())
    assert manifest["archive_sha256"] == hashlib.sha256(good.read_bytes()).hexdigest()
    assert sorted(manifest["files"]) == sorted(package_files())
    assert models.list_packages() == installed
    results = models.verify()
    assert [(r.pair, r.ok) for r in results] == [("en→ru", True)]
    assert "6 files match the manifest" in results[0].notes
    removed = models.remove("en->ru")
    assert isinstance(removed, models.Package) and removed.pair == "en→ru"
    assert models.list_packages() == []
    assert sorted(p.name for p in store.iterdir()) == [".lock"]
    with pytest.raises(ModelError, match="no such package"):
        models.remove("en→ru")


def test_reinstall_replaces_the_same_pair(tmp_path: Path, store: Path, good: Path) -> None:
    models.install(good)
    newer = make_archive(tmp_path / "newer.argosmodel", package_files(meta(version="1.9")))
    models.install(newer)
    assert [(p.pair, p.version) for p in models.list_packages()] == [("en→ru", "1.9")]
    assert sorted(p.name for p in store.iterdir()) == [".lock", "translate-en_ru"]
    assert all(r.ok for r in models.verify())


@pytest.mark.parametrize(
    ("spelling", "removed"),
    [("en→ru", "en→ru"), ("en->ru", "en→ru"), ("translate-en_ru", "en→ru"), ("en_ru", "en→ru")],
)
def test_remove_spellings(store: Path, good: Path, spelling: str, removed: str) -> None:
    models.install(good)
    gone = models.remove(spelling)
    assert isinstance(gone, models.Package) and gone.pair == removed


@pytest.mark.parametrize("spelling", ["translate-en_ru", "en_ru"])
def test_a_damaged_package_can_be_removed_by_folder_name(store: Path, good: Path, spelling: str) -> None:
    [package] = models.install(good)
    (package.path / "model" / "model.bin").unlink()
    assert models.list_packages() == []
    with pytest.raises(ModelError, match="no such package"):
        models.remove("en→ru")
    gone = models.remove(spelling)
    assert isinstance(gone, models.Problem) and gone.path == package.path
    assert not package.path.exists()
    assert models.scan_packages() == ([], [])


def test_install_unpacked_folder_and_folder_of_archives(tmp_path: Path, store: Path) -> None:
    tree = write_tree(tmp_path / "unpacked", package_files(meta("be", "ru")))
    assert [p.pair for p in models.install(tree)] == ["be→ru"]
    stick = tmp_path / "usb"
    stick.mkdir()
    make_archive(stick / "a.argosmodel", package_files(meta("en", "ru")))
    make_archive(stick / "b.argosmodel", package_files(meta("ru", "be")))
    (stick / "notes.txt").write_text("ignored")
    assert [p.pair for p in models.install(stick)] == ["en→ru", "ru→be"]
    assert [p.pair for p in models.list_packages()] == ["be→ru", "en→ru", "ru→be"]
    assert all(r.ok for r in models.verify())


def test_bpe_tokenizer_and_target_prefix(tmp_path: Path, store: Path) -> None:
    files = package_files(meta("en", "be", target_prefix="__bel_Cyrl__"))
    files["bpe.model"] = files.pop("sentencepiece.model")
    (package,) = models.install(make_archive(tmp_path / "p.argosmodel", files))
    assert (package.pair, package.target_prefix) == ("en→be", "__bel_Cyrl__")


# ---------------------------------------------------------------- hostile archives


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


def _member(name: str, data: bytes = b"x") -> Callable[[zipfile.ZipFile], None]:
    return lambda zf: zf.writestr(name, data)


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
    ("traversal", None, _member("translate-en_ru-1_0/../../evil.txt"), "escapes its folder"),
    ("traversal-top", None, _member("../x"), "escapes its folder"),
    ("absolute", None, _member("/etc/evil"), "absolute path"),
    ("drive", None, _member("C:/evil"), "absolute path"),
    ("backslash", None, _member("translate-en_ru-1_0\\..\\evil"), "backslash"),
    ("symlink", None, _symlink, "symbolic link"),
    ("fifo", None, _fifo, "not a regular file"),
    ("two-tops", None, _member("other/metadata.json", b"{}"), "2 top-level folders"),
    ("file-at-top", None, _member("stray.txt"), "outside the package folder"),
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
    ("ratio-bomb", None, _member("translate-en_ru-1_0/zeros.bin", bytes(4 * 1024**2)), "zip bomb"),
    # Issue 11 item 3: no member is over 1 MiB, together they inflate 1000:1.
    ("many-small-bombs", None, _members(24, 1024**2), "above 100:1 for the whole archive; zip bomb"),
    ("too-many-members", None, _members(2_001, 0), "2008 members, more than the cap of 2000"),
    # A member 1,000 folders deep made path handling recurse past Python's limit (a traceback).
    ("deep-member", None, _member("translate-en_ru-1_0/" + "d/" * 1_000 + "x"), "is 1002 folders deep (at most 32)"),
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
            tmp_path / "dup.argosmodel", extra=_member("translate-en_ru-1_0/model/model.bin")
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


def test_a_folder_installs_every_good_archive_and_names_every_bad_one(tmp_path: Path, store: Path) -> None:
    stick = tmp_path / "usb"
    stick.mkdir()
    make_archive(stick / "a-en_ru.argosmodel", package_files(meta("en", "ru")))
    (stick / "b-broken.argosmodel").write_bytes(b"not a zip")
    make_archive(stick / "c-ru_be.argosmodel", package_files(meta("ru", "be")))
    deep = _member("translate-en_ru-1_0/" + "d/" * 40 + "x")
    make_archive(stick / "d-deep.argosmodel", package_files(meta("be", "ru")), extra=deep)
    make_archive(stick / "e-ru_en.argosmodel", package_files(meta("ru", "en")))
    with pytest.raises(install_module.PartialInstall) as caught:
        models.install(stick)
    partial = caught.value
    assert [p.pair for p in partial.installed] == ["en→ru", "ru→be", "ru→en"]
    assert [str(e).split(":")[0] for e in partial.failures] == [
        str(stick / "b-broken.argosmodel"), str(stick / "d-deep.argosmodel")
    ]
    assert str(partial).startswith(f"{stick / 'b-broken.argosmodel'}: not a valid .argosmodel zip")
    assert str(partial).endswith("(and 1 more)") and partial.exit_code == 5
    assert [p.pair for p in models.list_packages()] == ["en→ru", "ru→be", "ru→en"]


def test_missing_source_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no such file"):
        models.install(tmp_path / "absent.argosmodel")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="no .argosmodel files"):
        models.install(tmp_path / "empty")


# ---------------------------------------------------------------- interruption and journal


def test_interrupted_install_leaves_store_as_it_was(
    tmp_path: Path, store: Path, good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models.install(good)
    before = snapshot(store)
    real = install_module._copy_hashed
    calls: list[int] = []

    def dying(*args: Any) -> str:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(install_module, "_copy_hashed", dying)
    newer = make_archive(tmp_path / "newer.argosmodel", package_files(meta(version="2.0")))
    with pytest.raises(KeyboardInterrupt):
        models.install(newer)
    assert snapshot(store) == before
    assert [p.version for p in models.list_packages()] == ["1.0"]


def test_swap_interrupted_between_renames_is_recovered(
    tmp_path: Path, store: Path, good: Path
) -> None:
    models.install(good)
    # What a writer killed between its two renames leaves: the old version swapped out.
    os.rename(store / "translate-en_ru", store / ".old-translate-en_ru.dead")
    (store / ".tmp-install-dead").mkdir()
    assert [(p.pair, p.name) for p in models.list_packages()] == [("en→ru", "translate-en_ru")]
    models.install(make_archive(tmp_path / "rube.argosmodel", package_files(meta("ru", "be"))))
    assert sorted(p.name for p in store.iterdir()) == [
        ".lock",
        "translate-en_ru",
        "translate-ru_be",
    ]
    assert all(r.ok for r in models.verify())


# ---------------------------------------------------------------- concurrency


def _install_many(archives: list[str], store: str) -> None:
    for archive in archives:
        models.install(Path(archive), Path(store), replace=True)  # versions go down too


def test_concurrent_installs_leave_a_valid_store(tmp_path: Path, store: Path) -> None:
    archives = [
        str(make_archive(tmp_path / f"v{v}.argosmodel", package_files(meta(version=f"1.{v}"))))
        for v in range(4)
    ]
    other = str(make_archive(tmp_path / "rube.argosmodel", package_files(meta("ru", "be"))))
    ctx = multiprocessing.get_context("fork")
    workers = [
        ctx.Process(target=_install_many, args=(archives + [other], str(store))),
        ctx.Process(target=_install_many, args=(list(reversed(archives)) + [other], str(store))),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0, 0]
    packages = models.list_packages()
    assert [p.pair for p in packages] == ["en→ru", "ru→be"]
    assert packages[0].version in {"1.0", "1.1", "1.2", "1.3"}
    assert all(r.ok for r in models.verify())
    assert sorted(p.name for p in store.iterdir()) == [
        ".lock",
        "translate-en_ru",
        "translate-ru_be",
    ]


def test_install_waits_for_the_store_lock(store: Path, good: Path) -> None:
    store.mkdir(parents=True)
    fd = os.open(store / ".lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    # spawn, not fork: a forked child would share (and so keep) the parent's lock.
    worker = multiprocessing.get_context("spawn").Process(
        target=_install_many, args=([str(good)], str(store))
    )
    try:
        worker.start()
        time.sleep(1.5)
        assert worker.is_alive()
        assert not (store / "translate-en_ru").exists()
    finally:
        os.close(fd)
    worker.join(30)
    if worker.is_alive():
        worker.kill()
    assert worker.exitcode == 0
    assert [p.pair for p in models.list_packages()] == ["en→ru"]


# ---------------------------------------------------------------- argos dirs and broken folders


def test_argos_dir_discovered_read_only(isolated_home: Path, store: Path, good: Path) -> None:
    argos = isolated_home / "argos-packages"
    write_tree(argos / "translate-en_ru-1_9", package_files(meta(version="1.9")))
    write_tree(argos / "sbd-en", {"metadata.json": b'{"type": "sbd", "from_code": "en"}'})
    models.install(good)
    packages, problems = models.scan_packages()
    assert [(p.pair, p.version, p.origin) for p in packages] == [
        ("en→ru", "1.0", "store"),
        ("en→ru", "1.9", "argos"),
    ]
    assert problems == []
    assert models.list_packages(include_argos=False) == packages[:1]
    results = models.verify()
    assert [(r.origin, r.ok) for r in results] == [("store", True), ("argos", True)]
    assert "installed by Argos: no manifest, structure checked only" in results[1].notes
    models.remove("en→ru")
    with pytest.raises(ModelError, match="read-only"):
        models.remove("en→ru")
    assert (argos / "translate-en_ru-1_9" / "metadata.json").exists()


def test_broken_store_folder_reported_not_listed(store: Path, good: Path) -> None:
    models.install(good)
    write_tree(store / "junk", {"metadata.json": b"{oops"})
    packages, problems = models.scan_packages()
    assert [p.pair for p in packages] == ["en→ru"]
    assert [(p.path.name, "not valid JSON" in p.message) for p in problems] == [("junk", True)]
    assert [(r.name, r.ok) for r in models.verify()] == [("translate-en_ru", True), ("junk", False)]


DEEP = b"[" * 100_000


@pytest.mark.parametrize(
    ("origin", "files"),
    [
        ("argos", {"metadata.json": DEEP}),
        ("argos", {**package_files(), "metadata.json": DEEP}),
        ("store", {"metadata.json": DEEP}),
        ("store", {**package_files(), "metadata.json": b'{"x":' * 100_000}),
    ],
)
def test_deeply_nested_metadata_is_a_problem_not_a_crash(
    isolated_home: Path, store: Path, good: Path, origin: str, files: dict[str, bytes]
) -> None:
    models.install(good)
    root = isolated_home / "argos-packages" if origin == "argos" else store
    write_tree(root / "deep", files)
    packages, problems = models.scan_packages()
    assert [(p.pair, p.origin) for p in packages] == [("en→ru", "store")]
    assert [(p.path.name, p.origin, "nested too deeply" in p.message) for p in problems] == [("deep", origin, True)]
    assert [p.pair for p in models.list_packages()] == ["en→ru"]
    assert [(r.name, r.ok) for r in models.verify()] == [("translate-en_ru", True), ("deep", False)]


def test_deeply_nested_manifest_fails_verify(store: Path, good: Path) -> None:
    (package,) = models.install(good)
    (package.path / models.MANIFEST).write_bytes(DEEP)
    (result,) = models.verify()
    assert (result.ok, result.problems) == (False, ("unreadable manifest: nested too deeply",))


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        (
            lambda p: (p / "model" / "model.bin").write_bytes(b"changed"),
            "model/model.bin has changed",
        ),
        (lambda p: (p / "README.md").unlink(), "README.md is missing"),
        (lambda p: (p / "extra.txt").write_text("x"), "extra.txt was not installed"),
        (lambda p: (p / models.MANIFEST).unlink(), "no .polyglot-news.json manifest"),
    ],
)
def test_verify_detects_tampering(
    store: Path, good: Path, tamper: Callable[[Path], Any], problem: str
) -> None:
    (package,) = models.install(good)
    tamper(package.path)
    (result,) = models.verify()
    assert not result.ok
    assert any(problem in p for p in result.problems)


# ---------------------------------------------------------------- catalog


def test_catalog_entries_are_cited() -> None:
    data = json.loads(CATALOG.read_text(encoding="utf-8"))
    assert data["index_url"] == models.DEFAULT_INDEX_URL
    official = [e for e in data["packages"] if not e["test_only"]]
    assert sorted(e["pair"] for e in official) == ["en→ru", "ru→en"]
    for entry in data["packages"]:
        assert entry["pair"] == f"{entry['from_code']}→{entry['to_code']}"
        assert entry["source"]
        assert entry["sha256"] is None or len(entry["sha256"]) == 64
        assert all(link.startswith("https://") for link in entry.get("links", []))


@pytest.mark.parametrize(("matches", "ok"), [(True, True), (False, False)])
def test_verify_against_catalog_sha256(
    tmp_path: Path, store: Path, good: Path, matches: bool, ok: bool
) -> None:
    models.install(good)
    sha = hashlib.sha256(good.read_bytes()).hexdigest() if matches else "0" * 64
    catalog = tmp_path / "catalog.json"
    catalog.write_text(
        json.dumps(
            {
                "packages": [
                    {
                        "name": "t",
                        "from_code": "en",
                        "to_code": "ru",
                        "package_version": "1.0",
                        "sha256": sha,
                    }
                ]
            }
        )
    )
    (result,) = models.verify(catalog=catalog)
    assert result.ok is ok
    assert ("archive matches catalog entry t" in result.notes) is matches


# ---------------------------------------------------------------- fetch


def test_fetch_offline_fails_clearly(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OSError("Network is unreachable")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    with pytest.raises(ModelError) as caught:
        models.fetch("en", "ru")
    text = str(caught.value)
    assert text.startswith("cannot reach raw.githubusercontent.com")
    assert "you appear to be offline" in text
    assert "`polyglot-news models install FILE`" in text
    assert not store.exists()


def _index(tmp_path: Path, archive: Path, version: str = "1.0") -> str:
    index = tmp_path / "index.json"
    index.write_text(
        json.dumps(
            [
                {
                    "from_code": "en",
                    "to_code": "ru",
                    "package_version": "0.9",
                    "links": ["https://x.invalid/old"],
                },
                {
                    "from_code": "en",
                    "to_code": "ru",
                    "package_version": version,
                    "links": [archive.as_uri()],
                },
                {"from_code": "ru", "to_code": "en", "package_version": "9.9", "links": []},
            ]
        )
    )
    return index.as_uri()


def test_fetch_from_a_local_index(tmp_path: Path, store: Path, good: Path) -> None:
    packages = models.fetch(
        "en", "ru", index_url=_index(tmp_path, good), catalog=tmp_path / "none.json"
    )
    assert [(p.pair, p.version) for p in packages] == [("en→ru", "1.0")]
    assert sorted(p.name for p in store.iterdir()) == [".lock", "translate-en_ru"]
    manifest = json.loads((store / "translate-en_ru" / models.MANIFEST).read_text())
    assert manifest["archive_sha256"] == hashlib.sha256(good.read_bytes()).hexdigest()


def test_fetch_from_the_index_tells_its_progress(tmp_path: Path, store: Path) -> None:
    big = package_files()
    big["model/model.bin"] = os.urandom(3 * 1024 * 1024)  # random: the archive stays 3 MB
    archive = make_archive(tmp_path / "translate-en_ru-1_0.argosmodel", big)
    told: list[tuple[str, int, int | None]] = []
    models.fetch(
        "en", "ru", index_url=_index(tmp_path, archive), catalog=tmp_path / "none.json",
        progress=lambda name, done, total: told.append((name, done, total)),
    )  # fmt: skip
    size = archive.stat().st_size
    assert {name for name, _, _ in told} == {"translate-en_ru-1_0.argosmodel"}
    assert [done for _, done, _ in told] == sorted(done for _, done, _ in told) and told[-1][1] == size
    assert {total for _, _, total in told} == {size}  # the size the server announced
    assert len(told) >= 3  # one call per chunk read, not one at the end


def test_fetch_checksum_mismatch_installs_nothing(tmp_path: Path, store: Path, good: Path) -> None:
    catalog = tmp_path / "catalog.json"
    catalog.write_text(
        json.dumps(
            {
                "packages": [
                    {
                        "from_code": "en",
                        "to_code": "ru",
                        "package_version": "1.0",
                        "sha256": "0" * 64,
                    }
                ]
            }
        )
    )
    with pytest.raises(ModelError, match="does not match the catalog"):
        models.fetch("en", "ru", index_url=_index(tmp_path, good), catalog=catalog)
    assert sorted(p.name for p in store.iterdir()) == []


@pytest.mark.parametrize(
    ("pair", "message"),
    [(("en", "be"), "has no en→be package"), (("ru", "en"), "gives no download link")],
)
def test_fetch_missing_package(
    tmp_path: Path, good: Path, pair: tuple[str, str], message: str
) -> None:
    with pytest.raises(ModelError, match=message):  # no hub models in this catalog: the index is asked
        models.fetch(*pair, index_url=_index(tmp_path, good), catalog=tmp_path / "none.json")


def test_no_network_outside_fetch(
    tmp_path: Path, good: Path, network_attempts: list[tuple[Any, ...]]
) -> None:
    models.install(good)
    models.list_packages()
    models.verify()
    models.remove("en→ru")
    assert network_attempts == []


# ---------------------------------------------------------------- real packages (helper D1's builder)


def test_project_test_packages_install(tmp_path: Path, store: Path) -> None:
    builder = pytest.importorskip("lang_models.build_test_packages")
    built: dict[str, Path] = builder.build(tmp_path / "built", which=sorted(builder.PACKAGES))
    catalog = json.loads(CATALOG.read_text(encoding="utf-8"))
    test_entries = {e["name"]: e for e in catalog["packages"] if e["test_only"]}
    assert sorted(test_entries) == sorted(built)
    pairs = set()
    for name, path in built.items():
        (package,) = models.install(path)
        assert package.pair == test_entries[name]["pair"]
        assert package.target_prefix == test_entries[name].get("target_prefix")
        pairs.add(package.pair)
    assert {p.pair for p in models.list_packages()} == pairs
    assert all(r.ok for r in models.verify())


def test_zipinfo_helper_builds_valid_archive(tmp_path: Path) -> None:
    data = make_archive(tmp_path / "x.argosmodel").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        assert "translate-en_ru-1_0/metadata.json" in zf.namelist()


# ---------------------------------------------------------------- extended layout (models build)

EXTENDED = meta(
    "en",
    "be",
    source_sentencepiece="sentencepiece.model",
    target_sentencepiece="target.spm",
    targets={"be": {"source_prefix": ">>bel<<"}, "ru": {"source_prefix": ">>rus<<"}},
    license="CC-BY-4.0",
    provenance={"model": "Helsinki-NLP/opus-mt-en-zle", "origin": "huggingface"},
)


def extended_files(**changes: Any) -> dict[str, bytes]:
    files = package_files({k: v for k, v in {**EXTENDED, **changes}.items() if v is not None})
    files["target.spm"] = b"target sentencepiece placeholder"
    return files


def test_multilingual_package_installs_beside_a_dedicated_one(tmp_path: Path, store: Path) -> None:
    (multi,) = models.install(make_archive(tmp_path / "multi.argosmodel", extended_files()))
    (single,) = models.install(make_archive(tmp_path / "single.argosmodel", package_files(meta("en", "be"))))
    assert (multi.name, single.name) == ("translate-en_be_ru-opus-mt-en-zle", "translate-en_be")
    assert [(p.name, p.info.license) for p in models.list_packages()] == [
        ("translate-en_be", None),
        ("translate-en_be_ru-opus-mt-en-zle", "CC-BY-4.0"),
    ]
    assert all(r.ok for r in models.verify())


@pytest.mark.parametrize(
    ("changes", "drop", "message"),
    [
        ({"targets": ["be", "ru"]}, None, "'targets' is not a non-empty object"),
        ({"targets": {"ru": {}}}, None, "to_code 'be' is not among its targets"),
        ({"targets": {"be": {}, "en": {}}}, None, "targets key 'en' is not a target language"),
        ({"targets": {"be": {"source_prefix": 7}}}, None, "targets['be'].source_prefix is not a string"),
        ({"targets": {"be": "bel"}}, None, "targets['be'] is not an object"),
        ({"target_sentencepiece": "../target.spm"}, None, "is not a plain file name"),
        ({"source_sentencepiece": ".hidden"}, None, "is not a plain file name"),
        ({"license": ["MIT"]}, None, "field 'license' is not a string"),
        ({"provenance": "hub"}, None, "field 'provenance' is not an object"),
        ({}, "target.spm", "missing target.spm, the target_sentencepiece"),
        ({"source_sentencepiece": "source.spm"}, None, "missing source.spm, the source_sentencepiece"),
    ],
)
def test_bad_extended_metadata_refused(
    tmp_path: Path, store: Path, changes: dict[str, Any], drop: str | None, message: str
) -> None:
    files = extended_files(**changes)
    if drop:
        files.pop(drop)
    with pytest.raises(ModelError) as caught:
        models.install(make_archive(tmp_path / "bad.argosmodel", files))
    assert message in str(caught.value)
    assert not store.exists() or snapshot(store) == {}


# ---------------------------------------------------------------- identity: names, replacement, format

OPUS = {"provenance": {"model": "Helsinki-NLP/opus-mt-en-zle"}, "license": "Apache-2.0"}
NLLB = {"provenance": {"model": "facebook/nllb-200-distilled-600M"}, "license": "CC-BY-NC-4.0"}
TEST = {"polyglot_news": {"test_model": True, "package": "echo-en_be"}}


def _archive(tmp_path: Path, label: str, **fields: Any) -> Path:
    version = str(fields.pop("version", "1.0"))
    return make_archive(tmp_path / f"{label}.argosmodel", package_files(meta("en", "be", version, **fields)))


def test_built_packages_are_named_after_their_model_and_sit_side_by_side(tmp_path: Path, store: Path) -> None:
    (opus,) = models.install(_archive(tmp_path, "opus", **OPUS))
    (nllb,) = models.install(_archive(tmp_path, "nllb", **NLLB))
    assert (opus.name, nllb.name) == ("translate-en_be-opus-mt-en-zle", "translate-en_be-nllb-200-distilled-600m")
    assert sorted(p.name for p in models.list_packages()) == sorted([opus.name, nllb.name])
    # Both serve en→be: removing by pair is ambiguous, by folder name it is not.
    with pytest.raises(ModelError, match=r"2 installed packages match .*name the one to remove"):
        models.remove("en→be")
    assert models.remove(nllb.name) == nllb


@pytest.mark.parametrize(
    ("first", "second", "reason"),
    [
        ({}, TEST, "a TEST MODEL would replace a real translation model"),
        ({"version": "1.9"}, {"version": "1.0"}, "version 1.0 is lower than the installed 1.9"),
        (
            {"provenance": {"model": "/home/me/opus-mt-en-zle"}, "license": "CC-BY-4.0"},
            OPUS,
            "it comes from a different model",
        ),
    ],
    ids=["test-over-real", "downgrade", "other-model-same-folder"],
)
def test_replacing_another_model_a_real_one_or_a_newer_version_needs_replace(
    tmp_path: Path, store: Path, first: dict[str, Any], second: dict[str, Any], reason: str
) -> None:
    (old,) = models.install(_archive(tmp_path, "first", **first))
    before = snapshot(store)
    with pytest.raises(ModelError) as refused:
        models.install(_archive(tmp_path, "second", **second))
    message = str(refused.value)
    # Says what would be replaced, with its licence, and how to do it anyway.
    assert f"would replace {old.name} ({old.info.describe()})" in message
    assert "licence" in message and reason in message and "--replace" in message
    assert snapshot(store) == before
    replaced: list[tuple[str, str]] = []
    (new,) = models.install(
        _archive(tmp_path, "second", **second),
        replace=True,
        on_replace=lambda was, now: replaced.append((was.info.describe(), now.info.describe())),
    )
    assert replaced == [(old.info.describe(), new.info.describe())]
    assert new.path == old.path and new.version == str(second.get("version", "1.0"))


def test_a_real_package_replaces_a_test_model_and_upgrades_need_no_flag(tmp_path: Path, store: Path) -> None:
    models.install(_archive(tmp_path, "test", **TEST))
    (real,) = models.install(_archive(tmp_path, "real"))
    assert not real.info.test_model
    (newer,) = models.install(_archive(tmp_path, "newer", version="1.1"))
    assert newer.version == "1.1"


def test_three_letter_and_upper_case_codes_in_metadata_are_normalised(tmp_path: Path, store: Path) -> None:
    files = package_files(meta("ENG", "bel", targets={"bel": {"source_prefix": ">>bel<<"}, "rus": {}}))
    (package,) = models.install(make_archive(tmp_path / "x.argosmodel", files))
    assert (package.from_code, package.to_code, package.info.target_codes) == ("en", "be", ("be", "ru"))
    assert package.name == "translate-en_be_ru"
    assert package.info.targets["be"].source_prefix == (">>bel<<",)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, "argos"),
        ({"target_prefix": "__be__"}, "argos"),  # Argos forces a package-level target prefix too
        ({"source_prefix": ">>bel<<"}, "polyglot-news"),
        ({"targets": {"be": {}, "ru": {}}}, "polyglot-news"),
        ({"source_sentencepiece": "source.spm", "target_sentencepiece": "target.spm"}, "polyglot-news"),
        ({"type": "polyglot-news-translate"}, "polyglot-news"),
    ],
)
def test_format_says_whether_argos_runs_the_package_as_we_do(fields: dict[str, Any], expected: str) -> None:
    from polyglot_news.models.metadata import OWN_TYPE, package_type, read_info, validate_metadata

    data = meta("en", "be", **fields)
    assert read_info(validate_metadata(dict(data), "x")).format == expected
    # What `models build` writes: Argos only loads type "translate", so it skips the others.
    if "type" not in fields:
        assert package_type(data) == (OWN_TYPE if expected == "polyglot-news" else "translate")

"""`polyglot-news models …`: data on stdout, one-line errors on stderr, exit codes."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from polyglot_news.cli.models import models
from tests.archives import make_archive, meta, package_files, write_tree


def run(*args: str) -> Result:
    return CliRunner().invoke(models, list(args))


def test_path_prints_the_store(isolated_home: Path, tmp_path: Path) -> None:
    assert run("path").stdout == f"{isolated_home / 'models'}\n"
    assert run("path", "--models", str(tmp_path / "x")).stdout == f"{tmp_path / 'x'}\n"
    assert not (isolated_home / "models").exists()


@pytest.mark.parametrize(("args", "stdout"), [(("list",), ""), (("list", "--json"), "[]\n")])
def test_list_empty(args: tuple[str, ...], stdout: str) -> None:
    result = run(*args)
    assert (result.exit_code, result.stdout) == (0, stdout)
    if "--json" not in args:
        assert "install FILE" in result.stderr


def test_install_list_verify_remove(isolated_home: Path, good: Path) -> None:
    result = run("install", str(good))
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr.startswith("Installed en→ru 1.0 (Argos package, licence not stated) into ")

    listed = run("list")
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["PAIR", "VERSION", "SIZE", "ORIGIN", "FORMAT", "LICENSE", "MODEL", "PATH"]
    assert lines[1].split()[:2] == ["en→ru", "1.0"]
    assert lines[1].split()[-5:] == ["store", "argos", "-", "-", str(isolated_home / "models" / "translate-en_ru")]

    as_json = json.loads(run("list", "--json").stdout)
    assert [(p["pair"], p["version"], p["origin"]) for p in as_json] == [("en→ru", "1.0", "store")]

    verified = run("verify", "--json")
    assert verified.exit_code == 0
    assert [(r["pair"], r["ok"]) for r in json.loads(verified.stdout)] == [("en→ru", True)]
    assert run("verify").stdout.splitlines()[1].split()[:2] == ["ok", "en→ru"]

    removed = run("remove", "en->ru")
    assert (removed.exit_code, removed.stdout) == (0, "")
    assert removed.stderr.startswith("Removed en→ru 1.0")
    assert run("list", "--json").stdout == "[]\n"


def test_models_option_overrides_env(tmp_path: Path, isolated_home: Path, good: Path) -> None:
    other = tmp_path / "other-store"
    assert run("install", "--models", str(other), str(good)).exit_code == 0
    assert (other / "translate-en_ru").is_dir()
    assert run("list", "--json").stdout == "[]\n"
    assert len(json.loads(run("list", "--json", "--models", str(other)).stdout)) == 1


def _symlinked(tmp_path: Path) -> Path:
    import stat
    import zipfile

    def add_link(zf: zipfile.ZipFile) -> None:
        info = zipfile.ZipInfo("translate-en_ru-1_0/evil")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")

    return make_archive(tmp_path / "evil.argosmodel", extra=add_link)


def test_hostile_install_fails_with_one_line(tmp_path: Path, good: Path) -> None:
    evil = _symlinked(tmp_path)
    result = run("install", str(evil), str(good))
    assert (result.exit_code, result.stdout) == (5, "")
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: {evil}: member 'translate-en_ru-1_0/evil' is a symbolic link"]
    assert "Installed en→ru 1.0" in result.stderr  # the good file still went in
    assert [p["pair"] for p in json.loads(run("list", "--json").stdout)] == ["en→ru"]


def test_a_folder_with_bad_files_installs_the_good_ones_and_names_each_bad_one(tmp_path: Path) -> None:
    stick = tmp_path / "usb"
    stick.mkdir()
    (stick / "a-broken.argosmodel").write_bytes(b"not a zip")
    make_archive(stick / "b-en_ru.argosmodel", package_files(meta("en", "ru")))
    (stick / "c-broken.argosmodel").write_bytes(b"")
    make_archive(stick / "d-ru_be.argosmodel", package_files(meta("ru", "be")))
    result = run("install", str(stick))
    assert (result.exit_code, result.stdout) == (5, "")
    lines = result.stderr.splitlines()
    installed = [line.split(" (")[0] for line in lines if line.startswith("Installed")]
    assert installed == ["Installed en→ru 1.0", "Installed ru→be 1.0"]
    assert [line.split(": not a valid")[0] for line in lines if line.startswith("Error:")] == [
        f"Error: {stick / 'a-broken.argosmodel'}", f"Error: {stick / 'c-broken.argosmodel'}"
    ]
    assert [p["pair"] for p in json.loads(run("list", "--json").stdout)] == ["en→ru", "ru→be"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("remove", "en→be"), "Error: en→be: no such package in "),
        (("install", "/nonexistent.argosmodel"), "Error: /nonexistent.argosmodel: no such file"),
    ],
)
def test_errors_exit_5_with_one_line(args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert (result.exit_code, result.stdout) == (5, "")
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1


def test_verify_failure_exit_code(good: Path, isolated_home: Path) -> None:
    assert run("install", str(good)).exit_code == 0
    (isolated_home / "models" / "translate-en_ru" / "model" / "model.bin").write_bytes(b"x")
    result = run("verify")
    assert result.exit_code == 5
    assert result.stdout.splitlines()[1].split()[:2] == ["FAILED", "en→ru"]
    assert "model/model.bin has changed since install" in result.stderr
    assert result.stderr.splitlines()[-1] == "Error: 1 of 1 packages failed verification"


def test_list_reports_broken_folders_on_stderr(isolated_home: Path, good: Path) -> None:
    assert run("install", str(good)).exit_code == 0
    write_tree(isolated_home / "models" / "junk", package_files(meta(version="../x")))
    result = run("list", "--json")
    assert [p["pair"] for p in json.loads(result.stdout)] == ["en→ru"]
    assert result.stderr.startswith(f"Warning: skipped {isolated_home / 'models' / 'junk'}: ")


def test_huge_metadata_fields_are_shortened_where_printed(isolated_home: Path, tmp_path: Path) -> None:
    huge = "L" * 900_000
    licensed = make_archive(tmp_path / "a.argosmodel", package_files(meta(license=huge)))
    built = make_archive(tmp_path / "b.argosmodel", package_files(meta("en", "be", provenance={"model": huge})))
    write_tree(isolated_home / "models" / "junk", package_files(meta(version="1." + "0" * 900_000)))
    printed = {
        "install": run("install", str(licensed), str(built)),
        "list": run("list"),
        "verify": run("verify"),
    }
    for command, result in printed.items():
        assert len(result.stdout) + len(result.stderr) < 3_000, command
    assert "…(900,000 characters)…" in printed["install"].stderr
    assert "…(900,000 characters)…" in printed["list"].stdout
    assert "…(900,004 characters)…" in printed["verify"].stderr and "0' is malformed" in printed["verify"].stderr
    assert huge in run("list", "--json").stdout  # the machine view keeps the data whole


@pytest.mark.parametrize("files", [(), ("README.md",), ("model.bin",)])
def test_build_of_a_folder_without_a_model_says_what_is_missing(tmp_path: Path, files: tuple[str, ...]) -> None:
    folder = tmp_path / "opus-mt-en-be"
    folder.mkdir()
    for name in files:
        (folder / name).write_text("x")
    result = run("build", str(folder), "--to", "be")
    assert (result.exit_code, result.stdout) == (5, "")
    assert result.stderr == (
        f"Error: {folder}: not a model folder: no config.json (a Hugging Face model) and no model.bin with its "
        "vocabulary (a CTranslate2 model)\n"
    )  # not "needs torch": torch would not help


MB = 1_000_000


@pytest.mark.parametrize(
    ("terminal", "updates", "expected"),
    [
        # A terminal: the line is redrawn in place (at most every 0.25 s) and ended when complete.
        (True, [(0.0, "model.bin", MB, 4 * MB), (0.1, "model.bin", 2 * MB, 4 * MB), (1.0, "model.bin", 4 * MB, 4 * MB)],
         ("\rdownloading model.bin: 1.0 of 4.0 MB (25 %)"
          "\rdownloading model.bin: 4.0 of 4.0 MB (100 %), 4.0 MB/s\n")),
        (True, [(0.0, "model.bin", MB, 4 * MB), (2.0, "model.bin", 2 * MB, 4 * MB), (2.1, "x.bin", 3 * MB, 4 * MB)],
         ("\rdownloading model.bin: 1.0 of 4.0 MB (25 %)"
          "\rdownloading model.bin: 2.0 of 4.0 MB (50 %), 1.0 MB/s\n"  # the next file ends the line
          "\rdownloading x.bin: 3.0 of 4.0 MB (75 %)\n")),
        # Small files get no line; a size the server did not announce is shown without a share.
        (True, [(0.0, "config.json", 900, 900), (1.0, "x.argosmodel", 2 * MB, None)],
         "\rdownloading x.argosmodel: 2.0 MB\n"),
        # Not a terminal: a plain line every 30 s while a download runs; a short one prints nothing.
        (False, [(0.0, "model.bin", MB, 9 * MB), (29.0, "model.bin", 2 * MB, 9 * MB),
                 (31.0, "model.bin", 3 * MB, 9 * MB), (45.0, "model.bin", 5 * MB, 9 * MB),
                 (62.0, "model.bin", 9 * MB, 9 * MB)],
         "downloading model.bin: 3.0 of 9.0 MB (33 %), 0.1 MB/s\n"),
        (False, [(0.0, "model.bin", MB, 2 * MB), (3.0, "model.bin", 2 * MB, 2 * MB)], ""),
    ],
)  # fmt: skip
def test_download_report(terminal: bool, updates: list[tuple[float, str, int, int | None]], expected: str) -> None:
    import io

    from polyglot_news.cli.downloads import DownloadReport

    stream, now = io.StringIO(), [0.0]
    with DownloadReport(stream, terminal=terminal, clock=lambda: now[0]) as report:
        for when, name, done, total in updates:
            now[0] = when
            report(name, done, total)
    assert stream.getvalue() == expected


def test_fetch_offline(monkeypatch: pytest.MonkeyPatch, isolated_home: Path) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OSError("Network is unreachable")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    result = run("fetch", "en", "ru")
    assert (result.exit_code, result.stdout) == (5, "")
    assert result.stderr.startswith("Error: cannot reach raw.githubusercontent.com")
    assert "you appear to be offline" in result.stderr
    assert not (isolated_home / "models").exists()


def test_install_refuses_a_test_model_over_a_real_one_without_replace(
    tmp_path: Path, isolated_home: Path, good: Path
) -> None:
    assert run("install", str(good)).exit_code == 0
    test = make_archive(
        tmp_path / "test.argosmodel",
        package_files(meta(polyglot_news={"test_model": True, "package": "echo-en_ru"})),
    )
    refused = run("install", str(test))
    assert refused.exit_code == 5
    assert refused.stderr.count("\n") == 1 and refused.stderr.startswith("Error: ")
    assert "would replace translate-en_ru (en→ru 1.0 (Argos package, licence not stated))" in refused.stderr
    assert "a TEST MODEL would replace a real translation model; pass --replace" in refused.stderr
    done = run("install", "--replace", str(test))
    assert done.exit_code == 0, done.stderr
    folder = isolated_home / "models" / "translate-en_ru"
    real, fake = "en→ru 1.0 (Argos package, licence not stated)", "en→ru 1.0 (TEST MODEL, licence not stated)"
    replaced = f"Replaced {real} in {folder} with {fake}"
    assert done.stderr.splitlines() == [
        replaced,
        f"Installed en→ru 1.0 (TEST MODEL, licence not stated) into {isolated_home / 'models' / 'translate-en_ru'}",
    ]
    row = run("list").stdout.splitlines()[1]
    assert "TEST MODEL (echo-en_ru)" in row
    assert json.loads(run("list", "--json").stdout)[0]["test_model"] is True


def test_list_shows_which_packages_argos_would_run_wrongly(tmp_path: Path, isolated_home: Path) -> None:
    multi = meta(
        "en", "be",
        targets={"be": {"source_prefix": ">>bel<<"}, "ru": {"source_prefix": ">>rus<<"}},
        type="polyglot-news-translate", license="CC-BY-4.0",
        provenance={"model": "Helsinki-NLP/opus-mt-tc-big-en-zle"},
    )  # fmt: skip
    assert run("install", str(make_archive(tmp_path / "m.argosmodel", package_files(multi)))).exit_code == 0
    lines = run("list").stdout.splitlines()
    assert lines[1].split()[:2] == ["en→{be,ru}", "1.0"] and lines[1].split()[4] == "store"
    assert lines[1].split()[5:8] == ["polyglot-news", "CC-BY-4.0", "Helsinki-NLP/opus-mt-tc-big-en-zle"]
    assert lines[1].endswith("translate-en_be_ru-opus-mt-tc-big-en-zle")


@pytest.mark.parametrize(("args", "bad"), [(("../x", "ru"), "'../x'"), (("en", "r u"), "'r u'")])
def test_fetch_checks_codes_before_any_io(
    network_attempts: list[tuple[Any, ...]], isolated_home: Path, args: tuple[str, str], bad: str
) -> None:
    result = run("fetch", *args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert f"takes language codes like 'en' or 'be', not {bad}" in result.stderr
    assert network_attempts == []
    assert not (isolated_home / "models").exists()


@pytest.mark.parametrize("command", [("list",), ("list", "--json"), ("verify",), ("install", "x.argosmodel")])
@pytest.mark.parametrize("how", ["env", "option"])
def test_store_that_is_a_file_is_refused_alike(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: tuple[str, ...], how: str
) -> None:
    a_file = tmp_path / "store.txt"
    a_file.write_text("not a folder\n")
    if how == "env":
        monkeypatch.setenv("POLYGLOT_NEWS_MODELS", str(a_file))
        result = run(*command)
    else:
        result = run(*command, "--models", str(a_file))
    assert (result.exit_code, result.stdout) == (2, "")
    assert f"Directory '{a_file}' is a file." in result.stderr
    assert "No packages" not in result.stderr and "File exists" not in result.stderr


def test_store_below_a_file_names_the_store_not_the_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, good: Path
) -> None:
    a_file = tmp_path / "store.txt"
    a_file.write_text("not a folder\n")
    monkeypatch.setenv("POLYGLOT_NEWS_MODELS", str(a_file / "models"))
    for command in (("install", str(good)), ("list",)):
        result = run(*command)
        assert (result.exit_code, result.stdout) == (5, ""), command
        assert result.stderr == (
            f"Error: model store {a_file / 'models'} (from $POLYGLOT_NEWS_MODELS): {a_file} is a "
            "file, not a folder; point --models or $POLYGLOT_NEWS_MODELS at a folder you can write\n"
        )


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_store_is_refused_naming_the_store(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, good: Path
) -> None:
    read_only = tmp_path / "ro"
    read_only.mkdir()
    read_only.chmod(0o555)
    monkeypatch.setenv("POLYGLOT_NEWS_MODELS", str(read_only))
    result = run("install", str(good))
    assert result.exit_code == 5
    assert result.stderr.startswith(f"Error: model store {read_only} (from $POLYGLOT_NEWS_MODELS) is read-only")
    assert str(good) not in result.stderr
    read_only.chmod(0o000)
    listed = run("list")
    assert listed.exit_code == 5 and "is not readable" in listed.stderr


def test_library_scan_refuses_a_file_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from polyglot_news import models as store
    from polyglot_news.errors import ModelError

    (tmp_path / "store.txt").write_text("x")
    monkeypatch.setenv("POLYGLOT_NEWS_MODELS", str(tmp_path / "store.txt"))
    with pytest.raises(ModelError, match=r"store\.txt \(from \$POLYGLOT_NEWS_MODELS\) is a file"):
        store.list_packages()

"""Installing and removing packages: the round trip, folders of archives, interruption and the journal,
concurrent installs under the store lock, real test packages, extended layouts, names and replacement."""

from __future__ import annotations

import fcntl
import hashlib
import json
import multiprocessing
import os
import time
from pathlib import Path
from typing import Any

import pytest

from polyglot_news import models
from polyglot_news.errors import ModelError
from polyglot_news.models import installer as install_module
from polyglot_news.models.archive import RECORD
from tests.archives import CATALOG, make_archive, member, meta, package_files, snapshot, write_tree


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


def test_a_folder_installs_every_good_archive_and_names_every_bad_one(tmp_path: Path, store: Path) -> None:
    stick = tmp_path / "usb"
    stick.mkdir()
    make_archive(stick / "a-en_ru.argosmodel", package_files(meta("en", "ru")))
    (stick / "b-broken.argosmodel").write_bytes(b"not a zip")
    make_archive(stick / "c-ru_be.argosmodel", package_files(meta("ru", "be")))
    deep = member("translate-en_ru-1_0/" + "d/" * 40 + "x")
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

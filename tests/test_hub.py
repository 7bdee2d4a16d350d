"""Ready CTranslate2 models and builds from a hub id, against a stand-in hub on 127.0.0.1.

The real ``huggingface_hub`` client talks to :class:`tests.hubstub.StandInHub` (``HF_ENDPOINT``),
which serves the hub's API answers and file routes: the layouts of the real repositories, a
tampered file, a truncated download, a connection cut mid-file. Only these tests may reach
loopback (the ``loopback_only`` fixture); everything else stays blocked.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from polyglot_news.cli.models import models
from polyglot_news.errors import ModelError
from polyglot_news.models import archive, fetcher
from polyglot_news.models.build import build_package
from polyglot_news.models.bundle import card_license, spdx
from polyglot_news.models.hub import HubFile, choose_weights
from polyglot_news.models.store import list_packages
from polyglot_news.version import install_hint

from .hubstub import Repo, StandInHub
from .test_build import hf_models  # noqa: F401  (the tiny Marian and NLLB models, made once)

pytest.importorskip("huggingface_hub")

REPO = "example-org/opus-mt-en-zle-ct2"  # served by the stand-in only
COMMIT = "a" * 40
CARD = "---\nlicense: cc-by-4.0\n---\n# CTranslate2 conversion (test model: echoes its input)\n"


@pytest.fixture(scope="session")
def ct2_files() -> dict[str, bytes]:
    """A CTranslate2 model folder as OPUS-MT conversions publish it, with >>bel<< and >>rus<<.

    The model is the project's echo test model (it copies its input): not a translation.
    """
    import tempfile

    from lang_models.build_test_packages import (
        PACKAGES,
        sentencepiece_vocabulary,
        train_sentencepiece,
        write_echo_model,
    )

    spm = train_sentencepiece()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_echo_model(folder, sentencepiece_vocabulary(spm) + [">>bel<<", ">>rus<<"], PACKAGES["echo-en_be"])
        config = json.loads((folder / "config.json").read_text())
        config.pop("add_source_eos")  # as older conversions publish it: wrapping sets it
        (folder / "config.json").write_text(json.dumps(config))
        files = {p.name: p.read_bytes() for p in folder.iterdir()}
    return {**files, "source.spm": spm, "target.spm": spm, "README.md": CARD.encode()}


@pytest.fixture
def stand_in(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, loopback_only: list[Any]
) -> Iterator[Callable[..., StandInHub]]:
    """Start a stand-in hub serving the given repositories; the client is pointed at it."""
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    started: list[Any] = []

    def start(repos: dict[str, Repo]) -> StandInHub:
        hub = StandInHub(repos)
        context = hub.serving()
        context.__enter__()
        started.append(context)
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        return hub

    yield start
    for context in started:
        context.__exit__(None, None, None)
    assert loopback_only == []  # nothing but the stand-in was contacted


def _catalog(tmp_path: Path, **entry: Any) -> Path:
    fields = {
        "name": "opus-mt-en-zle-ct2",
        "kind": "hub-ct2",
        "repo": REPO,
        "subfolder": "",
        "revision": COMMIT,
        "from_code": "en",
        "targets": ["be", "ru"],
        "license": "cc-by-4.0",
        "release": "third-party conversion",
        "converts": "Helsinki-NLP/opus-mt-en-zle",
    }
    fields.update(entry)
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"packages": [], "hub_models": [fields]}), encoding="utf-8")
    return path


def _meta(package: Any) -> dict[str, Any]:
    """An installed package's ``metadata.json``."""
    data: dict[str, Any] = json.loads((package.path / "metadata.json").read_text(encoding="utf-8"))
    return data


def _installed() -> list[str]:
    return [p.pair for p in list_packages()]


# ---------------------------------------------------------------- models fetch: hub entries


def test_fetch_en_be_from_the_catalog(
    stand_in: Callable[..., StandInHub], ct2_files: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub = stand_in({REPO: Repo(ct2_files, commit=COMMIT)})
    monkeypatch.setenv("POLYGLOT_NEWS_CATALOG", str(_catalog(tmp_path)))
    result = CliRunner().invoke(models, ["fetch", "en", "--to", "be"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "Installed en→{be,ru} 1.0" in result.stderr
    (package,) = list_packages()
    meta = _meta(package)
    assert meta["targets"] == {"be": {"source_prefix": ">>bel<<"}, "ru": {"source_prefix": ">>rus<<"}}
    assert meta["license"] == "CC-BY-4.0"
    assert {k: meta["provenance"][k] for k in ("model", "revision", "release", "converts", "catalog_entry")} == {
        "model": REPO, "revision": COMMIT, "release": "third-party conversion",
        "converts": "Helsinki-NLP/opus-mt-en-zle", "catalog_entry": "opus-mt-en-zle-ct2",
    }  # fmt: skip
    config = json.loads((package.path / "model" / "config.json").read_text())
    assert config["add_source_eos"] is True and "add_source_eos" in meta["provenance"]["config_adjusted"]
    assert (package.path / "model" / "model.bin").read_bytes() == ct2_files["model.bin"]
    assert not (package.path.parent / ".fetch").exists()  # the staging folder is gone
    assert hub.gets("model.bin") == [None], "\n".join(map(str, hub.requests))


def test_fetched_package_translates_with_the_prefix(
    stand_in: Callable[..., StandInHub], ct2_files: dict[str, bytes], tmp_path: Path
) -> None:
    import dataclasses

    from polyglot_news.translation.decoding import DecodeOptions
    from polyglot_news.translation.engine import ArgosTranslator, build_translator

    from .helpers import Spy, marked_sentences

    stand_in({REPO: Repo(ct2_files, commit=COMMIT)})
    (package,) = fetcher.fetch("en", "be", catalog=_catalog(tmp_path))
    options = DecodeOptions(beam_size=1, max_decoding_length=40, retry=False, intra_threads=1)
    translator = build_translator([package.path], options, targets=["be"])
    assert isinstance(translator, ArgosTranslator)
    spy = Spy(translator.package.translator)
    translator.package = dataclasses.replace(translator.package, translator=spy)
    results = translator.translate(marked_sentences("The minister met the envoy [1]."))
    assert spy.calls[0]["batch"][0][0] == ">>bel<<"
    assert [m.text for m in results[0].sentence.markers] == ["[1]"]


def test_tampered_file_is_refused(
    stand_in: Callable[..., StandInHub], ct2_files: dict[str, bytes], tmp_path: Path
) -> None:
    bad = bytearray(ct2_files["model.bin"])
    bad[100] ^= 0xFF
    stand_in({REPO: Repo(ct2_files, commit=COMMIT, tampered={"model.bin": bytes(bad)})})
    with pytest.raises(ModelError) as caught:
        fetcher.fetch("en", "be", catalog=_catalog(tmp_path))
    assert "model.bin at aaaaaaaaaaaa: checksum" in str(caught.value)
    assert "does not match the hub's sha256" in str(caught.value)
    assert _installed() == []
    assert not list(Path(list_store()).glob(".fetch/*/model.bin"))


def test_catalog_pin_is_checked_too(
    stand_in: Callable[..., StandInHub], ct2_files: dict[str, bytes], tmp_path: Path
) -> None:
    stand_in({REPO: Repo(ct2_files, commit=COMMIT)})
    catalog = _catalog(tmp_path, files={"source.spm": "0" * 64})
    with pytest.raises(ModelError, match="source.spm at aaaaaaaaaaaa: checksum .* does not match the catalog's sha256"):
        fetcher.fetch("en", "be", catalog=catalog)
    assert _installed() == []


def test_truncated_download_is_refused(
    stand_in: Callable[..., StandInHub], ct2_files: dict[str, bytes], tmp_path: Path
) -> None:
    stand_in({REPO: Repo(ct2_files, commit=COMMIT, truncated={"model.bin": 1000})})
    with pytest.raises(ModelError, match="model.bin: the download was cut short .*run the command again to resume"):
        fetcher.fetch("en", "be", catalog=_catalog(tmp_path))
    assert _installed() == []


def test_cut_connection_is_resumed_with_a_range_request(
    stand_in: Callable[..., StandInHub], ct2_files: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import huggingface_hub

    # The client resumes from its last whole read chunk (10 MB); this model is 1.5 MB.
    monkeypatch.setattr(huggingface_hub.constants, "DOWNLOAD_CHUNK_SIZE", 4096)
    hub = stand_in({REPO: Repo(ct2_files, commit=COMMIT, cut_once={"model.bin": 50_000})})
    (package,) = fetcher.fetch("en", "be", catalog=_catalog(tmp_path))
    first, second = hub.gets("model.bin")
    assert first is None and second is not None
    assert 0 < int(second.removeprefix("bytes=").rstrip("-")) <= 50_000
    assert (package.path / "model" / "model.bin").read_bytes() == ct2_files["model.bin"]


def test_interrupted_run_resumes_where_it_stopped(
    stand_in: Callable[..., StandInHub], ct2_files: dict[str, bytes], tmp_path: Path
) -> None:
    repo = Repo(ct2_files, commit=COMMIT, failing={"target.spm"})
    hub = stand_in({REPO: repo})
    with pytest.raises(ModelError, match="target.spm: the hub answered with an error"):
        fetcher.fetch("en", "be", catalog=_catalog(tmp_path))
    assert _installed() == []
    first = {p for m, p, _ in hub.requests if m == "GET" and "/resolve/" in p}
    repo.failing.clear()
    hub.requests.clear()
    fetcher.fetch("en", "be", catalog=_catalog(tmp_path))
    again = {p.rsplit("/", 1)[-1] for m, p, _ in hub.requests if m == "GET" and "/resolve/" in p}
    assert again == {"target.spm"}  # what the first run got whole was kept and checked, not fetched again
    assert len(first) >= 2 and _installed() == ["en→be"]


def test_unpinned_entry_is_refused_unless_given_a_revision(
    stand_in: Callable[..., StandInHub], ct2_files: dict[str, bytes], tmp_path: Path
) -> None:
    hub = stand_in({REPO: Repo(ct2_files, commit=COMMIT)})
    catalog = _catalog(tmp_path, revision=None)
    with pytest.raises(ModelError, match="pins no revision, so what it would download cannot be verified"):
        fetcher.fetch("en", "be", catalog=catalog)
    with pytest.raises(ModelError, match="give a full 40-character commit hash"):
        fetcher.fetch("en", "be", catalog=catalog, revision="main")
    assert hub.requests == []
    (package,) = fetcher.fetch("en", "be", catalog=catalog, revision=COMMIT)
    assert _meta(package)["provenance"]["revision"] == COMMIT


def test_unknown_revision_and_repository(
    stand_in: Callable[..., StandInHub], ct2_files: dict[str, bytes], tmp_path: Path
) -> None:
    stand_in({REPO: Repo(ct2_files, commit=COMMIT)})
    with pytest.raises(ModelError, match="no such revision"):
        fetcher.fetch("en", "be", catalog=_catalog(tmp_path), revision="b" * 40)
    with pytest.raises(ModelError, match="no such repository"):
        fetcher.fetch("en", "be", catalog=_catalog(tmp_path, repo="example-org/missing"))


def test_fetch_hub_model_offline_fails_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("POLYGLOT_NEWS_CATALOG", str(_catalog(tmp_path)))
    result = CliRunner().invoke(models, ["fetch", "en", "be"])
    assert (result.exit_code, result.stdout) == (5, "")
    assert result.stderr.startswith(f"Error: cannot download {REPO}@{COMMIT}: cannot reach huggingface.co")
    assert "you appear to be offline" in result.stderr and result.stderr.count("\n") == 1


def test_fetch_list_shows_kind_size_licence_and_release() -> None:
    result = CliRunner().invoke(models, ["fetch", "--list"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["NAME", "PAIR", "KIND", "SIZE", "LICENSE", "RELEASE", "SOURCE"]
    nllb = next(line for line in lines if line.startswith("nllb-200-distilled-600M-ct2"))
    assert "CC-BY-NC-4.0" in nllb and "third-party conversion of facebook/nllb-200-distilled-600M" in nllb
    assert nllb.endswith("@unpinned") and "unknown" in nllb
    assert any(line.startswith("translate-en_ru ") and "official (Argos index)" in line for line in lines)
    assert not any(line.startswith(("echo-", "loop-")) for line in lines)


def test_argos_pairs_still_use_the_argos_index() -> None:
    assert fetcher.hub_entry("en", "ru") is None
    assert fetcher.hub_entry("en", "be") is not None


# ---------------------------------------------------------------- wrapping a CTranslate2 folder


def _folder(root: Path, files: dict[str, bytes]) -> Path:
    root.mkdir(parents=True)
    for name, data in files.items():
        (root / name).write_bytes(data)
    return root


def test_wrap_local_folder_imports_no_torch(ct2_files: dict[str, bytes], tmp_path: Path) -> None:
    folder = _folder(tmp_path / "opus-mt-en-zle-ct2", ct2_files)
    probe = (
        "import sys, json\nfrom pathlib import Path\nfrom polyglot_news.models.build import build_package\n"
        f"r = build_package(Path({str(folder)!r}), Path({str(tmp_path / 'out')!r}),"
        " from_code='en', to_codes=['be', 'ru'])\n"
        "print(json.dumps([r.metadata['license'], sorted(m for m in ('torch', 'transformers', 'huggingface_hub')"
        " if m in sys.modules)]))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == ["CC-BY-4.0", []]


@pytest.mark.parametrize(
    ("drop", "kwargs", "message"),
    [
        ("source.spm", {"from_code": "en", "to_codes": ["be"]}, "no SentencePiece model"),
        ("shared_vocabulary.json", {"to_codes": ["be"]}, "no shared_vocabulary.json"),
        (None, {"from_code": "en", "to_codes": ["uk"]}, "no language token for 'uk'"),
    ],
)
def test_wrap_errors(
    ct2_files: dict[str, bytes], tmp_path: Path, drop: str | None, kwargs: dict[str, Any], message: str
) -> None:
    files = {k: v for k, v in ct2_files.items() if k != drop}
    folder = _folder(tmp_path / "opus-mt-en-zle-ct2", files)
    if drop == "shared_vocabulary.json":  # still a model.bin folder, but no vocabulary: refused as such
        from polyglot_news.models.wrap import wrap_folder

        with pytest.raises(ModelError, match=message):
            wrap_folder(folder, tmp_path / "out", from_code="en", targets=["be"], license=None,
                        provenance={"model": "x"})  # fmt: skip
    else:
        with pytest.raises(ModelError, match=message):
            build_package(folder, tmp_path / "out", **kwargs)
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_install_cap_is_checked_at_build_time(
    ct2_files: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path / "opus-mt-en-zle-ct2", ct2_files)
    monkeypatch.setattr(archive, "MAX_UNPACKED_BYTES", 100_000)
    with pytest.raises(ModelError, match=r"would unpack to .* GiB, over the .* GiB that `models install` accepts"):
        build_package(folder, tmp_path / "out", from_code="en", to_codes=["be", "ru"])
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize(
    ("given", "expected"),
    [("cc-by-4.0", "CC-BY-4.0"), ("apache-2.0", "Apache-2.0"), ("cc-by-nc-4.0", "CC-BY-NC-4.0"),
     ("mit", "MIT"), ("CC-BY-SA-4.0", "CC-BY-SA-4.0"), ("gpl-3.0", "GPL-3.0-only"), ("other", "other")],
)  # fmt: skip
def test_licences_are_spelled_in_spdx_form(given: str, expected: str, tmp_path: Path) -> None:
    assert spdx(given) == expected
    (tmp_path / "README.md").write_text(f"---\nlanguage: en\nlicense: {given}\n---\n# card\n")
    assert card_license(tmp_path) == expected


def test_build_hub_id_of_a_ct2_repository_needs_no_torch(
    stand_in: Callable[..., StandInHub], ct2_files: dict[str, bytes], tmp_path: Path
) -> None:
    stand_in({REPO: Repo({**ct2_files, "tokenizer_config.json": b"{}"}, commit=COMMIT)})
    args = ["build", REPO, "--revision", COMMIT, "--from", "en", "--to", "be,ru", "--license", "apache-2.0"]
    result = CliRunner().invoke(models, [*args, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(result.stdout.strip()) as zf:
        meta = json.loads(zf.read(next(n for n in zf.namelist() if n.endswith("/metadata.json"))))
    assert (meta["license"], meta["provenance"]["revision"], meta["provenance"]["origin"]) == (
        "Apache-2.0", COMMIT, "huggingface"
    )


# ---------------------------------------------------------------- weight choice (item 1)


@pytest.mark.parametrize(
    ("listing", "chosen"),
    [
        (["config.json", "model.safetensors", "pytorch_model.bin", "tf_model.h5"], ["model.safetensors"]),
        (["config.json", "pytorch_model.bin", "source.spm"], ["pytorch_model.bin"]),
        (["pytorch_model.bin", "tf_model.h5", "flax_model.msgpack"], ["pytorch_model.bin"]),
        (["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json",
          "pytorch_model.bin"], ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                                 "model.safetensors.index.json"]),
        (["onnx/model.safetensors", "pytorch_model.bin"], ["pytorch_model.bin"]),
    ],
)  # fmt: skip
def test_choose_weights(listing: list[str], chosen: list[str]) -> None:
    assert choose_weights(listing) == chosen


def test_choose_weights_refuses_tensorflow_only() -> None:
    with pytest.raises(ModelError, match="no weights that can be converted .*; it has tf_model.h5"):
        choose_weights(["config.json", "tf_model.h5"])


def test_hub_file_check_uses_the_git_blob_id_for_small_files(tmp_path: Path) -> None:
    from .hubstub import git_blob_id

    (tmp_path / "config.json").write_bytes(b"{}")
    assert HubFile("config.json", 2, None, git_blob_id(b"{}")).check(tmp_path / "config.json") is None
    assert "git blob id" in str(HubFile("config.json", 2, None, git_blob_id(b"[]")).check(tmp_path / "config.json"))


def list_store() -> Path:
    from polyglot_news.models.store import store_dir

    return store_dir(None)


# ---------------------------------------------------------------- models build HUB_ID (needs torch)


def _hf_files(folder: Path, weights: str) -> dict[str, bytes]:
    """A tiny model's files in one of the layouts the real repositories have."""
    files = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name != "model.safetensors"}
    if weights in ("safetensors", "all"):
        files["model.safetensors"] = (folder / "model.safetensors").read_bytes()
    if weights in ("bin", "all"):
        import io

        import torch
        from safetensors.torch import load_file

        buffer = io.BytesIO()
        torch.save(load_file(str(folder / "model.safetensors")), buffer)
        files["pytorch_model.bin"] = buffer.getvalue()
    if weights == "all":
        files["tf_model.h5"] = b"HDF5 weights the build must never download"
    return files


@pytest.mark.parametrize(
    ("repo", "model", "weights", "kwargs", "expected"),
    [
        # main of Helsinki-NLP/opus-mt-tc-big-en-zle: model.safetensors + pytorch_model.bin + tf_model.h5
        ("Helsinki-NLP/opus-mt-tc-big-en-zle", "marian", "all", {"to_codes": ["be", "ru"]}, "model.safetensors"),
        # main of Helsinki-NLP/opus-mt-en-zle and facebook/nllb-200-distilled-600M: pytorch_model.bin only
        ("Helsinki-NLP/opus-mt-en-zle", "marian", "bin", {"to_codes": ["be", "ru"]}, "pytorch_model.bin"),
        ("facebook/nllb-200-distilled-600M", "nllb", "bin", {"from_code": "en", "to_codes": ["be"]},
         "pytorch_model.bin"),
    ],
)  # fmt: skip
def test_build_from_a_hub_id_downloads_one_weight_file(
    stand_in: Callable[..., StandInHub], tmp_path: Path, repo: str, model: str, weights: str,
    kwargs: dict[str, Any], expected: str, request: pytest.FixtureRequest,
) -> None:  # fmt: skip
    pytest.importorskip("torch")
    made = request.getfixturevalue("hf_models")
    hub = stand_in({repo: Repo(_hf_files(made[model], weights), commit=COMMIT)})
    result = build_package(repo, tmp_path / "out", **kwargs)
    fetched = {p.rsplit("/", 1)[-1] for m, p, _ in hub.requests if m == "GET" and "/resolve/" in p}
    weight_files = {"model.safetensors", "pytorch_model.bin", "tf_model.h5"}
    assert fetched & weight_files == {expected}
    assert result.metadata["provenance"]["revision"] == COMMIT
    assert result.path.is_file()


# ---------------------------------------------------------------- install hints


def test_missing_torch_hint_gives_the_cpu_wheel_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # as on a machine without torch
    folder = tmp_path / "opus-mt-en-ru"
    folder.mkdir()
    (folder / "config.json").write_text('{"model_type": "marian"}')
    with pytest.raises(ModelError) as caught:
        build_package(folder, tmp_path / "out")
    text = str(caught.value)
    cpu = "pip install torch --index-url https://download.pytorch.org/whl/cpu"
    assert text.startswith(f"models build needs torch: on Linux `{cpu}`")
    assert "on macOS/Windows `pip install torch`" in text and f"then `{install_hint('build')}`;" in text
    assert "polyglot-news[build]" not in text and "\n" not in text


def test_missing_hub_client_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)
    hint = f"needs the hub client (the fetch extra): {install_hint('fetch')}"
    with pytest.raises(ModelError, match=re.escape(hint)):
        fetcher.fetch("en", "be", catalog=_catalog(tmp_path))
    assert _installed() == []


def test_fetch_a_subfolder_of_a_repository(
    stand_in: Callable[..., StandInHub], ct2_files: dict[str, bytes], tmp_path: Path
) -> None:
    files = {f"ct2-int8/{name}": data for name, data in ct2_files.items()}
    files["pytorch_model.bin"] = b"the original weights: never downloaded by fetch"
    hub = stand_in({REPO: Repo({**files, "README.md": CARD.encode()}, commit=COMMIT)})
    (package,) = fetcher.fetch("en", "be", catalog=_catalog(tmp_path, subfolder="ct2-int8"))
    fetched = {p.split("/resolve/")[1].split("/", 1)[1] for m, p, _ in hub.requests if m == "GET" and "/resolve/" in p}
    assert fetched == {f"ct2-int8/{name}" for name in ct2_files}
    assert _meta(package)["provenance"]["model"] == f"{REPO}/ct2-int8"


def test_fetch_in_a_fresh_process_fails_clearly_when_the_hub_is_down(tmp_path: Path) -> None:
    """The command as a user runs it: a new process, the client imported for the first time."""
    env = {
        **{k: v for k, v in __import__("os").environ.items() if not k.startswith("HF_")},
        "HF_ENDPOINT": "http://127.0.0.1:9",  # loopback, nothing listening
        "HF_HOME": str(tmp_path / "hf-home"),
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "POLYGLOT_NEWS_CATALOG": str(_catalog(tmp_path)),
    }
    done = subprocess.run(
        [sys.executable, "-m", "polyglot_news", "models", "fetch", "en", "be"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert (done.returncode, done.stdout) == (5, ""), done.stderr
    assert done.stderr.startswith(f"Error: cannot download {REPO}@{COMMIT}: cannot reach 127.0.0.1:9 (")
    assert done.stderr.count("\n") == 1


@pytest.mark.parametrize("progress", [True, False])
def test_progress_bars_only_when_asked(
    stand_in: Callable[..., StandInHub], ct2_files: dict[str, bytes], tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, progress: bool,
) -> None:  # fmt: skip
    """``progress=True``: the client's own bars; otherwise the library never prints."""
    monkeypatch.setenv("TQDM_POSITION", "-1")  # the client's switch: bars even without a terminal
    stand_in({REPO: Repo(ct2_files, commit=COMMIT)})
    fetcher.fetch("en", "be", catalog=_catalog(tmp_path), progress=progress)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert ("model.bin" in captured.err and "100%" in captured.err) is progress
    assert captured.err == "" or progress


def test_fetch_tells_its_progress_file_by_file(
    stand_in: Callable[..., StandInHub], ct2_files: dict[str, bytes], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    stand_in({REPO: Repo(ct2_files, commit=COMMIT)})
    told: list[tuple[str, int, int | None]] = []
    fetcher.fetch("en", "be", catalog=_catalog(tmp_path), progress=lambda *update: told.append(update))
    assert capsys.readouterr() == ("", "")  # the library tells; it prints nothing
    size = len(ct2_files["model.bin"])
    model = [(done, total) for name, done, total in told if name == "model.bin"]
    assert model[-1] == (size, size) and [d for d, _ in model] == sorted(d for d, _ in model)
    assert {name for name, _, _ in told} <= set(ct2_files)


def test_fetch_shows_progress_on_a_terminal_and_never_on_stdout(
    stand_in: Callable[..., StandInHub], ct2_files: dict[str, bytes], tmp_path: Path
) -> None:
    """The command as a user runs it, stderr a terminal (a pseudo-terminal here), stdout a pipe."""
    import os
    import pty

    hub = stand_in({REPO: Repo(ct2_files, commit=COMMIT)})
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("HF_")},
        "HF_ENDPOINT": hub.url, "HF_HOME": str(tmp_path / "hf-home"), "HF_HUB_DISABLE_TELEMETRY": "1",
        "POLYGLOT_NEWS_CATALOG": str(_catalog(tmp_path)), "POLYGLOT_NEWS_MODELS": str(tmp_path / "store"),
    }  # fmt: skip
    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "polyglot_news", "models", "fetch", "en", "be"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=follower, env=env) as proc:
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal is closed once the command exits
                break
            if not chunk:
                break
            shown += chunk
        stdout = proc.stdout.read() if proc.stdout else b""
    os.close(leader)
    assert (proc.returncode, stdout) == (0, b"")
    terminal = shown.decode()
    size = len(ct2_files["model.bin"]) / 1e6
    assert f"\rdownloading model.bin: {size:.1f} of {size:.1f} MB (100 %)" in terminal
    assert "config.json" not in terminal  # small files get no line
    assert "Installed en→{be,ru} 1.0" in terminal

"""Model identity that cannot lie: what signs an output is what was loaded, down to the bytes.

Real packages from ``lang_models/build_test_packages.py``: ``echo-en_ru`` copies its source,
``loop-en_ru`` repeats the first token (other weights, so another model.bin). A package is
replaced in place, changed and removed while a process holds it, as ``models install`` and a
user would do under a running ``serve`` or a long-lived worker.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from polyglot_news.cli import cli
from polyglot_news.errors import ModelError, RouteError
from polyglot_news.models.installer import install, remove
from polyglot_news.models.store import list_packages
from polyglot_news.translation.decoding import DecodeOptions
from polyglot_news.translation.engine import build_translator
from polyglot_news.translation.routing import find_route
from polyglot_news.translation.sentences import Routed, translate_sentences

from .conftest import EXAMPLES
from .helpers import marked_sentences
from .serving import allow_loopback, call

FAST = DecodeOptions(beam_size=1, max_decoding_length=32, retry=False, intra_threads=1)
TEXT = ("Minsk opened a new tram line on Monday [1].", "It links two suburbs [2], officials said.")
REAL = {"package_version": "1.9", "license": "CC-BY-4.0", "name": "en→ru stand-in for a real package"}
"""Metadata of a real package, put on test weights: only these tests ever see its output."""


def relabelled(archive: Path, out: Path, changes: dict[str, Any], *, real: bool = False) -> Path:
    """``archive`` rezipped with ``changes`` to its metadata (``real``: without the TEST MODEL mark)."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith("/metadata.json"):
                meta = {**json.loads(data), **changes}
                if real:
                    del meta["polyglot_news"]
                data = json.dumps(meta).encode()
            target.writestr(item, data)
    return out


def model_sha(archive: Path) -> str:
    """The first 8 hex digits of the sha256 of the archive's model.bin."""
    with zipfile.ZipFile(archive) as zf:
        name = next(n for n in zf.namelist() if n.endswith("/model/model.bin"))
        return hashlib.sha256(zf.read(name)).hexdigest()[:8]


@pytest.fixture
def packages(test_packages: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    """echo and loop as built, loop relabelled as a real v1.9, and loop under echo's very metadata."""
    with zipfile.ZipFile(test_packages["echo-en_ru"]) as zf:
        echo_meta = json.loads(next(zf.read(n) for n in zf.namelist() if n.endswith("/metadata.json")))
    return {
        "echo": test_packages["echo-en_ru"],
        "loop": test_packages["loop-en_ru"],
        "loop-real": relabelled(test_packages["loop-en_ru"], tmp_path / "loop-real.argosmodel", REAL, real=True),
        "loop-as-echo": relabelled(test_packages["loop-en_ru"], tmp_path / "loop-as-echo.argosmodel", echo_meta),
    }


def echoed(routed: Routed) -> bool:
    """True when the output is the echo model's (its source, markers in place)."""
    return [r.sentence.text for r in routed.results] == list(TEXT)


def identity(routed: Routed) -> tuple[str, str, bool, str | None]:
    """(version, model hash, TEST MODEL flag, licence) as the output is labelled."""
    (package,) = routed.packages
    return package.version, package.identity.rsplit("@", 1)[1], routed.test_model, package.info.license


@pytest.mark.parametrize(
    ("replacement", "expected"),
    [
        ("loop-real", ("1.9", "loop", False, "CC-BY-4.0")),  # other weights, other metadata
        ("loop-as-echo", ("1.0", "loop", True, None)),  # other weights, byte-identical metadata.json
    ],
)
def test_a_package_replaced_in_place_is_loaded_again_and_named_as_loaded(
    packages: dict[str, Path], replacement: str, expected: tuple[str, str, bool, str | None]
) -> None:
    install(packages["echo"])
    scanned = list_packages()  # what a serve (or a Dask worker) scanned before the install
    held = build_translator(find_route("en", "ru", scanned), FAST)  # a translator kept across it
    before = translate_sentences(marked_sentences(*TEXT), "en", "ru", options=FAST, packages=scanned)
    assert (echoed(before), identity(before)) == (True, ("1.0", model_sha(packages["echo"]), True, None))

    install(packages[replacement], replace=True)
    shas = {"loop": model_sha(packages["loop"])}
    want = tuple(shas.get(str(v), v) for v in expected)
    for scan in (scanned, None):  # the stale scan, and a fresh one
        after = translate_sentences(marked_sentences(*TEXT), "en", "ru", options=FAST, packages=scan)
        assert (echoed(after), identity(after)) == (False, want)
        assert after.signature != before.signature  # other weights never share a signature
    # The translator built before the replace still runs the echo model, and says so.
    assert [r.sentence.text for r in held.translate(marked_sentences(*TEXT))] == list(TEXT)
    assert f"@{model_sha(packages['echo'])}|" in held.signature()


def test_a_changed_model_file_is_refused_with_the_way_out(packages: dict[str, Path], isolated_home: Path) -> None:
    install(packages["echo"])
    scanned = list_packages()
    translate_sentences(marked_sentences(*TEXT), "en", "ru", options=FAST, packages=scanned)  # loaded, cached
    with open(isolated_home / "models" / "translate-en_ru" / "model" / "model.bin", "ab") as model:
        model.write(b"\0")  # what a new user tried: one byte appended
    with pytest.raises(ModelError, match=r"model/model.bin changed since the package was installed"):
        translate_sentences(marked_sentences(*TEXT), "en", "ru", options=FAST, packages=scanned)
    runner = CliRunner()
    result = runner.invoke(cli, ["translate", "--to", "ru", "--source-lang", "en"], input=TEXT[0])
    assert (result.exit_code, result.stdout) == (5, "")
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "model/model.bin changed since the package was installed" in result.stderr
    assert "models verify" in result.stderr and "models install" in result.stderr
    (verified,) = json.loads(runner.invoke(cli, ["models", "verify", "--json"]).stdout)
    assert verified["problems"] == ["model/model.bin has changed since install (sha256 differs)"]


def test_a_package_removed_during_use_is_an_error_never_unknown(packages: dict[str, Path]) -> None:
    install(packages["echo"])
    scanned = list_packages()
    held = build_translator(find_route("en", "ru", scanned), FAST)
    remove("en→ru")
    # What is already loaded still runs, under the identity it was loaded with.
    assert [r.sentence.text for r in held.translate(marked_sentences(*TEXT))] == list(TEXT)
    assert f"~test-echo-en_ru@{model_sha(packages['echo'])}|" in held.signature()
    with pytest.raises(ModelError, match=r"removed or replaced while in use; run the command again"):
        translate_sentences(marked_sentences(*TEXT), "en", "ru", options=FAST, packages=scanned)


def _swap(archives: list[str], store: str, stop: Any) -> None:
    while not stop.is_set():
        for archive in archives:
            install(Path(archive), Path(store), replace=True)


def test_installs_racing_loads_never_mislabel(packages: dict[str, Path], isolated_home: Path) -> None:
    """Every output is labelled with the model that made it, whatever an install does meanwhile."""
    install(packages["echo"])
    shas = {model_sha(packages["echo"]): True, model_sha(packages["loop"]): False}  # hash -> echoes?
    context = multiprocessing.get_context("fork")
    stop = context.Event()
    archives = [str(packages["loop-as-echo"]), str(packages["echo"])]
    swapper = context.Process(target=_swap, args=(archives, str(isolated_home / "models"), stop))
    swapper.start()
    outcomes = {"echo": 0, "loop": 0, "refused": 0}
    deadline = time.monotonic() + 120
    try:
        while (min(outcomes["echo"], outcomes["loop"]) < 3 or sum(outcomes.values()) < 30) and (
            time.monotonic() < deadline
        ):
            try:
                routed = translate_sentences(marked_sentences(*TEXT), "en", "ru", options=FAST)
            except (ModelError, RouteError) as error:
                assert "while" in str(error) or "no route" in str(error), error  # mid-swap: said so
                outcomes["refused"] += 1
                continue
            sha = identity(routed)[1]
            assert shas[sha] == echoed(routed), (sha, [r.sentence.text for r in routed.results])
            outcomes["echo" if shas[sha] else "loop"] += 1
    finally:
        stop.set()
        swapper.join(60)
    assert swapper.exitcode == 0
    assert min(outcomes["echo"], outcomes["loop"]) >= 3, outcomes  # both models really ran, often


@pytest.fixture
def licensed(packages: dict[str, Path], test_packages: dict[str, Path], tmp_path: Path) -> Iterator[None]:
    """echo-en_ru and echo-ru_be installed, stating a licence in their metadata."""
    for name in ("echo-en_ru", "echo-ru_be"):
        install(relabelled(test_packages[name], tmp_path / f"{name}.argosmodel", {"license": "CC-BY-4.0"}))
    yield


@pytest.mark.parametrize(
    "command",
    [
        ["digest", "--to", "ru,be", "--format", "html", str(EXAMPLES / "belarus_us_relations.txt")],
        ["batch", "{feed}", "--to", "ru,be", "--format", "html", "--output-dir", "{out}", "-j", "1"],
    ],
    ids=["digest", "batch"],
)
def test_every_html_page_names_the_licence_the_package_states(
    licensed: None, tmp_path: Path, command: list[str]
) -> None:
    out, feed = tmp_path / "out", tmp_path / "feed"
    feed.mkdir()
    for name in ("a", "b"):
        (feed / f"{name}.txt").write_text((EXAMPLES / "belarus_us_relations.txt").read_text(encoding="utf-8"))
    result = CliRunner().invoke(cli, [arg.format(out=out, feed=feed) for arg in command])
    assert result.exit_code == 0, result.stderr
    pages = [result.stdout] if command[0] == "digest" else [p.read_text(encoding="utf-8") for p in out.glob("*.html")]
    assert len(pages) == (1 if command[0] == "digest" else 2)
    assert all(page.count(", CC-BY-4.0 (store, <code>test-echo-") == 3 for page in pages)
    assert not any("licence not recorded" in page for page in pages)


def test_a_running_server_names_the_model_it_ran(
    packages: dict[str, Path], monkeypatch: pytest.MonkeyPatch, network_attempts: list[tuple[Any, ...]]
) -> None:
    from polyglot_news.serve.config import ServeConfig
    from polyglot_news.serve.server import running

    allow_loopback(monkeypatch, network_attempts)
    install(packages["echo"])
    body = {"text": (EXAMPLES / "belarus_us_relations.txt").read_text(encoding="utf-8"), "targets": "ru"}
    with running(ServeConfig(port=0)) as url:
        status, _, first = call(f"{url}/digest", body)
        install(packages["loop-real"], replace=True)
        again, _, second = call(f"{url}/digest", body)
        _, _, page = call(f"{url}/digest", {**body, "format": "html"})
    assert (status, again) == (200, 200)
    models = [d["translations"]["ru"]["models"][0] for d in (first, second)]
    assert [(m["version"], m["test_model"], m["identity"].rsplit("@", 1)[1]) for m in models] == [
        ("1.0", True, model_sha(packages["echo"])),
        ("1.9", False, model_sha(packages["loop"])),
    ]
    assert f"@{model_sha(packages['loop'])}|" in second["signature"]
    assert "TEST MODEL" not in page and "version 1.9, CC-BY-4.0" in page
    assert network_attempts == []

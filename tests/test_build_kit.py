"""The offline install kit (tools/build_kit.py): what it resolves, how it is checked, and a real install.

The first tests run offline on the kit's parts. ``test_a_kit_installs_offline_and_digests`` builds
a real kit for this machine from the package index (pip's own cache and configured indexes),
installs it into a fresh virtual environment with ``--no-index`` by running INSTALL.md's
commands as written, and digests the example; it needs the index, so it runs where
POLYGLOT_NEWS_KIT_TEST=1 (as in .ci/run) and is skipped, saying so, elsewhere.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tools import build_kit

ROOT = Path(__file__).resolve().parents[1]


def _wheel(folder: Path, name: str, version: str, requires: list[str], tag: str = "py3-none-any") -> Path:
    """A minimal wheel whose METADATA lists ``requires`` (what build_kit reads of a wheel)."""
    path = folder / f"{name.replace('-', '_')}-{version}-{tag}.whl"
    lines = [f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"] + [f"Requires-Dist: {r}\n" for r in requires]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{name.replace('-', '_')}-{version}.dist-info/METADATA", "".join(lines))
    return path


# (target platform, the root's extras, wheels present) -> requirements pip left out on that target
MARKERS = [
    ("windows-x86_64", "", ("news", "click"), ["colorama"]),
    ("linux-x86_64", "", ("news", "click"), []),
    ("macos-arm64", "", ("news", "click"), []),
    ("linux-x86_64", "[eval]", ("news", "click"), ["sacrebleu>=2.4"]),
    ("linux-x86_64", "[eval]", ("news", "click", "sacrebleu"), ["portalocker"]),
    ("linux-x86_64", "", ("news",), ["click>=8.2"]),
]
REQUIRES = {
    "news": ["click>=8.2", "sacrebleu>=2.4; extra == 'eval'", "tomli; python_version < '3.11'"],
    "click": ["colorama; platform_system == 'Windows'"],
    "sacrebleu": ["portalocker", "colorama; sys_platform == 'win32'"],
}


@pytest.mark.parametrize(("target", "extras", "present", "missing"), MARKERS)
def test_requirements_are_evaluated_for_the_target(
    target: str, extras: str, present: tuple[str, ...], missing: list[str], tmp_path: Path
) -> None:
    wheels = [_wheel(tmp_path, name, "1.0", REQUIRES[name]) for name in present]
    environment = build_kit.marker_environment(build_kit.PLATFORMS[target], "3.11")
    assert build_kit.missing_requirements(wheels, [f"news{extras}"], environment) == missing


def test_python_version_markers_follow_the_target_version(tmp_path: Path) -> None:
    wheels = [_wheel(tmp_path, "news", "1.0", REQUIRES["news"]), _wheel(tmp_path, "click", "1.0", [])]
    linux = build_kit.PLATFORMS["linux-x86_64"]
    assert build_kit.missing_requirements(wheels, ["news"], build_kit.marker_environment(linux, "3.10")) == ["tomli"]
    assert build_kit.missing_requirements(wheels, ["news"], build_kit.marker_environment(linux, "3.12")) == []


# (target, wheel platform tags) -> the oldest system the kit runs on
FLOORS = [
    ("linux-x86_64", ["manylinux_2_27_x86_64.manylinux_2_28_x86_64", "manylinux2014_x86_64"], "glibc 2.27 or later"),
    ("linux-x86_64", ["manylinux1_x86_64", "any"], "glibc 2.5 or later"),
    ("macos-arm64", ["macosx_11_0_arm64", "macosx_14_0_arm64"], "macOS 14 or later"),
    ("windows-x86_64", ["win_amd64"], ""),
    ("linux-x86_64", ["any"], ""),
]


@pytest.mark.parametrize(("target", "tags", "floor"), FLOORS)
def test_install_names_the_oldest_system_the_wheels_run_on(target: str, tags: list[str], floor: str) -> None:
    wheels = [Path(f"pkg{i}-1.0-cp311-cp311-{tag}.whl") for i, tag in enumerate(tags)]
    assert build_kit.oldest_system(target, wheels) == floor


def test_default_targets_are_the_four_newsroom_platforms() -> None:
    assert set(build_kit.DEFAULT_PLATFORMS) == {"linux-x86_64", "linux-aarch64", "macos-arm64", "windows-x86_64"}
    assert "manylinux2014_aarch64" in build_kit.PLATFORMS["linux-aarch64"].tags
    assert build_kit.PLATFORMS["windows-x86_64"].markers["platform_system"] == "Windows"


def _checked(kit: Path) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    """The kit's own check and ``sha256sum -c``, run in the kit's folder."""
    own = subprocess.run([sys.executable, "check_kit.py"], cwd=kit, capture_output=True, text=True, check=False)
    tool = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=kit, capture_output=True, text=True,
                          check=False)
    return own, tool


@pytest.fixture
def small_kit(tmp_path: Path) -> Path:
    kit = tmp_path / "kit"
    (kit / "wheels").mkdir(parents=True)
    (kit / "models").mkdir()
    _wheel(kit / "wheels", "news", "1.0", [])
    (kit / "models" / "m.argosmodel").write_bytes(b"model bytes")
    (kit / "check_kit.py").write_text(build_kit.CHECK_KIT, encoding="utf-8")
    (kit / "INSTALL.md").write_text("# Install\n", encoding="utf-8")
    build_kit.write_checksums(kit)
    return kit


# (how the kit is changed after it was built) -> what check_kit.py says, and whether sha256sum -c notices
TAMPERING: list[tuple[str, Callable[[Path], Any], str, bool]] = [
    ("a byte of a wheel", lambda kit: next((kit / "wheels").iterdir()).write_bytes(b"PK tampered"), "changed: wheels/",
     True),
    ("a model removed", lambda kit: (kit / "models" / "m.argosmodel").unlink(), "missing: models/m.argosmodel", True),
    ("a wheel added", lambda kit: _wheel(kit / "wheels", "evil", "9.9", []), "not in SHA256SUMS: wheels/evil", False),
    ("the instructions edited", lambda kit: (kit / "INSTALL.md").write_text("pip install --index-url …"),
     "changed: INSTALL.md", True),
]


def test_an_untouched_kit_passes_both_checks(small_kit: Path) -> None:
    own, tool = _checked(small_kit)
    assert own.returncode == 0 and "4 files checked: all intact" in own.stdout, own.stderr
    assert tool.returncode == 0, tool.stdout


@pytest.mark.parametrize(("change", "tamper", "said", "sha256sum_notices"), TAMPERING, ids=[t[0] for t in TAMPERING])
def test_a_tampered_kit_fails_the_checksum_step(
    change: str, tamper: Callable[[Path], Any], said: str, sha256sum_notices: bool, small_kit: Path
) -> None:
    tamper(small_kit)
    own, tool = _checked(small_kit)
    assert own.returncode == 1 and said in own.stderr and "FAILED, do not install this kit" in own.stdout
    assert (tool.returncode != 0) == sha256sum_notices  # an added file is why check_kit.py exists


def test_install_page_never_reaches_an_index() -> None:
    text = build_kit.install_text("0.1.0", {"linux-x86_64": "glibc 2.28 or later", "windows-x86_64": ""}, ["3.11"],
                                  ["eval"], ["translate-en_ru.argosmodel"])
    installs = [line for line in text.splitlines() if "pip install" in line]
    assert len(installs) == 2 and all("--no-index --find-links wheels" in line for line in installs)
    assert all("polyglot-news[eval]==0.1.0" in line for line in installs)
    assert "\n- Linux x86-64, glibc 2.28 or later\n- Windows x86-64\n" in text
    assert "Python\n3.11 with the extras eval" in text
    assert "index-url" not in text and "http" not in text


KIT_TEST = os.environ.get("POLYGLOT_NEWS_KIT_TEST") == "1"


@pytest.mark.skipif(not KIT_TEST, reason="downloads from the package index: POLYGLOT_NEWS_KIT_TEST=1 (.ci/run sets it)")
def test_a_kit_installs_offline_and_digests(tmp_path: Path, test_packages: dict[str, Path]) -> None:
    from polyglot_news.models.installer import install

    store = tmp_path / "store"  # an installed package's folder travels too (zipped by the kit)
    (installed,) = install(test_packages["echo-en_be"], store)
    kit = tmp_path / "kit"
    build = [sys.executable, str(ROOT / "tools" / "build_kit.py"), str(kit), "--platform", "host",
             "--model", str(test_packages["echo-en_ru"]), "--model", str(installed.path)]
    if shutil.which("pip") and _has_setuptools():
        build.append("--no-build-isolation")
    done = subprocess.run(build, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    summed = re.search(r"sha256 of SHA256SUMS: ([0-9a-f]{64})", done.stdout)
    assert summed is not None
    models = sorted(p.name for p in (kit / "models").iterdir())
    assert models == ["test-echo-en_ru-1_0.argosmodel", "translate-en_be.argosmodel"]
    assert len(list((kit / "wheels").glob("polyglot_news-*.whl"))) == 1

    # INSTALL.md's Linux commands, as written, in the kit's folder, with a fresh HOME and no index
    home = tmp_path / "home"
    home.mkdir()
    page = (kit / "INSTALL.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```sh\n(.*?)^```", page, re.S | re.M)
    check, install_block = blocks[0], blocks[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "POLYGLOT_NEWS", "VIRTUAL_ENV"))}
    env |= {"HOME": str(home), "PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull,
            "POLYGLOT_NEWS_MODELS": str(home / "models")}
    first = subprocess.run(["bash", "-c", f"set -euo pipefail\n{check}"], cwd=kit, env=env, capture_output=True,
                           text=True, check=False)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0] == summed.group(1)
    second = subprocess.run(["bash", "-c", f"set -euo pipefail\n{install_block}"], cwd=kit, env=env,
                            capture_output=True, text=True, timeout=900, check=False)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "=== [ru]" in second.stdout and "TEST MODEL" in second.stdout, second.stdout[-2000:]
    python = str(home / "polyglot-news" / "bin" / "python")
    code = "from polyglot_news.version import install_hint; print(install_hint('lingua')); print(install_hint())"
    hint = subprocess.run([python, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert hint.stdout.splitlines() == [build_kit_hint("lingua"), build_kit_hint(None)]


def build_kit_hint(extra: str | None) -> str:
    from polyglot_news.version import DISTRIBUTION, KIT_HINT, KIT_REINSTALL_HINT

    return (KIT_HINT if extra else KIT_REINSTALL_HINT).format(name=DISTRIBUTION, extra=extra)


def _has_setuptools() -> bool:
    import importlib.util

    return importlib.util.find_spec("setuptools") is not None

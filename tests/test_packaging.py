"""What the package ships and declares: licence and notices in the wheel, extras, honest install hints."""

from __future__ import annotations

import ast
import configparser
import os
import re
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from polyglot_news.version import install_hint

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [*sorted((ROOT / "polyglot_news").rglob("*.py")), *sorted((ROOT / "tools").glob("*.py"))]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _config() -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    return config


def _requirements(value: str) -> list[str]:
    """Requirement names of a setup.cfg list (comments dropped, lower case, `-` for `_`)."""
    lines = [line.split("#", 1)[0].strip() for line in value.splitlines()]
    return [re.split(r"[<>=!~\[; ]", line, maxsplit=1)[0].lower().replace("_", "-") for line in lines if line]


EXTRAS = {name: _requirements(value) for name, value in _config()["options.extras_require"].items()}


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's wheel, built once (offline: with this environment's setuptools)."""
    pytest.importorskip("setuptools")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(out),
         str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    (built,) = out.glob("polyglot_news-*-py3-none-any.whl")
    return built


def test_wheel_holds_the_licence_the_notices_and_the_schemas(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
    assert {f"{info}/licenses/LICENSE", f"{info}/licenses/NOTICE"} <= names
    shipped = {n for n in names if n.startswith("polyglot_news/data/")}
    on_disk = {
        p.relative_to(ROOT).as_posix() for p in (ROOT / "polyglot_news" / "data").rglob("*") if p.is_file()
    }
    assert shipped == on_disk  # every data file ships: schemas, OpenAPI, stop words and their README
    metadata = zipfile.ZipFile(wheel).read(f"{info}/METADATA").decode("utf-8")
    assert re.search(r"^Requires-Dist: numpy\b", metadata, re.M)
    assert "License-Expression: MIT" in metadata or "License: MIT" in metadata
    classifiers = ("Operating System :: POSIX :: Linux", "Programming Language :: Python :: 3.10", "Typing :: Typed")
    for classifier in classifiers:
        assert f"Classifier: {classifier}" in metadata


def test_notice_names_every_shipped_file_that_others_wrote() -> None:
    notice = (ROOT / "NOTICE").read_text(encoding="utf-8")
    table = (ROOT / "polyglot_news" / "data" / "stopwords" / "README.md").read_text(encoding="utf-8")
    borrowed = re.findall(r"^\| `(\w+\.txt)` \|[^\n]*(?:Apache|BSD)", table, re.M)
    assert sorted(borrowed) == ["en.txt", "ru.txt", "uk.txt"]
    for name in borrowed:
        assert f"polyglot_news/data/stopwords/{name}" in notice
    for path in ("polyglot_news/data/langid_cyrillic.json", "polyglot_news/langid/langdetect_fast.py"):
        assert path in notice
    for licence in ("Apache License", "Version 2.0", "BSD 3-Clause", "Cybozu Labs", "Michal Belica", "Martin Porter"):
        assert licence in notice
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")


def test_numpy_is_declared_since_the_package_imports_it() -> None:
    imported = set()
    for path in SOURCES:
        if path.parts[-2] == "tools":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
    assert "numpy" in imported
    assert "numpy" in _requirements(_config()["options"]["install_requires"])


def test_test_extra_is_what_the_test_command_needs_and_dev_adds_the_rest() -> None:
    assert {"pytest", "hypothesis", "jsonschema"} <= set(EXTRAS["test"])
    assert not {"mypy", "ruff", "selenium", "mkdocs"} & set(EXTRAS["test"]), "heavy tools stay in dev"
    assert {"mypy", "ruff", "selenium"} <= set(EXTRAS["dev"])
    assert "polyglot-news" in EXTRAS["dev"]  # polyglot-news[test,docs]: the same project, never an index
    # A test module that imports what neither the package nor [test] installs must skip without it.
    allowed = {*_requirements(_config()["options"]["install_requires"]), *EXTRAS["test"], "referencing"}
    allowed = {name.replace("-", "_") for name in allowed} | {"polyglot_news", "tests", "lang_models", "tools"}
    for path in sorted((ROOT / "tests").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for node in ast.parse(text).body:
            names = (
                [a.name for a in node.names] if isinstance(node, ast.Import)
                else [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
            )
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in allowed or top == "__future__":
                    continue
                assert f'importorskip("{top}' in text, f"{path.name} imports {top} without importorskip"


HINT = re.compile(r"pip install[^\n`]*?(?P<target>'[^']*'|\S+\[[\w,]+\])")


def test_no_hint_installs_the_project_by_name_from_an_index() -> None:
    """Every pip command names a checkout, a wheel or the kit's wheels, never `polyglot-news[…]` on an index."""
    for path in [*SOURCES, *DOCS]:
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            for match in re.finditer(r"pip install[^\n`]*", line):
                command = match.group(0)
                named = re.search(r"polyglot[-_]news\[", command)
                if named and "--no-index" not in command and ".whl" not in command:
                    pytest.fail(f"{path.relative_to(ROOT)}: {command}")


def test_every_extra_a_hint_names_exists() -> None:
    named = set()
    for path in [*SOURCES, *DOCS, ROOT / ".ci" / "run"]:
        named |= set(re.findall(r"-e '\.\[([\w,]+)\]'", path.read_text(encoding="utf-8")))
    extras = {extra for group in named for extra in group.split(",")} - {"EXTRA", "extra"}
    assert extras and extras <= set(EXTRAS), extras - set(EXTRAS)


# Run from a checkout (as the tests are): (the current folder, relative to it) -> the hint for the lingua
# extra. The kit test checks the hint of an installation from the kit's wheels.
# Without an extra (a core dependency went missing), the hint installs polyglot-news itself again.
HINTS = [
    (".", "pip install -e '.[lingua]'", "pip install -e ."),
    ("..", "pip install -e '{root}[lingua]'", "pip install -e {root}"),
]


@pytest.mark.parametrize(("folder", "expected", "reinstall"), HINTS)
def test_install_hint_works_from_where_the_user_is(
    folder: str, expected: str, reinstall: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT / folder)
    assert install_hint("lingua") == expected.format(root=ROOT)
    assert install_hint() == reinstall.format(root=shlex.quote(str(ROOT)))
    assert os.path.isdir(ROOT / folder)

"""The README and the documentation site: examples run as written, sample outputs are real, pages hold together.

Every ```python block of README.md and of every page under docs/ runs offline, from a folder
holding a copy of examples/; the README's shell examples run one by one in such a folder with
the installed ``polyglot-news`` on the PATH, as after its quick start.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from polyglot_news.cli import cli

from .conftest import EXAMPLES

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
EXAMPLE = EXAMPLES / "belarus_us_relations.txt"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _blocks(path: Path, language: str) -> list[str]:
    return [code for lang, code in FENCE.findall(path.read_text(encoding="utf-8")) if lang == language]


PYTHON_BLOCKS = [(page, i, code) for page in [README, *PAGES] for i, code in enumerate(_blocks(page, "python"))]

# Runs the snippet as the main script, with every connection that leaves the machine refused.
OFFLINE_RUNNER = """
import runpy, socket, sys
real = socket.socket.connect
def connect(self, *args):
    if self.family == socket.AF_UNIX:
        return real(self, *args)
    raise OSError("network access from a documentation snippet")
def lookup(*args, **kwargs):
    raise OSError("network access from a documentation snippet")
socket.socket.connect = connect
socket.create_connection = lookup
socket.getaddrinfo = lookup
runpy.run_path(sys.argv[1], run_name="__main__")
"""


def _work_folder(tmp_path: Path) -> Path:
    """A folder like the top of a checkout, for the examples: a copy of examples/."""
    work = tmp_path / "work"
    shutil.copytree(EXAMPLES, work / "examples")
    return work


def test_docs_have_the_python_examples_they_promise() -> None:
    codes = [code for _, _, code in PYTHON_BLOCKS]
    assert len(codes) >= 3
    assert any("run_batch" in c for c in codes) and any("translate_text" in c for c in codes)


@pytest.mark.parametrize(
    ("page", "number", "block"), PYTHON_BLOCKS, ids=[f"{_name(p)}:{i + 1}" for p, i, _ in PYTHON_BLOCKS]
)
def test_python_block_runs(
    page: Path, number: int, block: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if "translat" in block:
        install: Any = request.getfixturevalue("install_packages")
        install("echo-en_ru", "echo-en_be")
    work = _work_folder(tmp_path)
    (work / "snippet.py").write_text(block, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", OFFLINE_RUNNER, "snippet.py"],
        cwd=work, env=dict(os.environ), capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, f"{_name(page)} block {number + 1}:\n{block}\n--- stderr\n{done.stderr}"
    assert "Traceback" not in done.stderr and "Warning" not in done.stderr, done.stderr
    if "run_batch" in block:
        articles = sorted(p.relative_to(EXAMPLES).with_suffix(".json").as_posix() for p in EXAMPLES.rglob("*.txt"))
        written = sorted(p.relative_to(work / "digests").as_posix() for p in (work / "digests").rglob("*.json"))
        assert written == articles
        assert done.stdout.splitlines()[-1] == f"{len(articles)} 0 0 0"


# The README's setup lines (the test already runs inside an installed, active environment).
SETUP = ("python3 -m venv .venv", ". .venv/bin/activate", "pip install -e .")


def _readme_shell_commands() -> list[str]:
    """The quick start's commands after its setup lines, then the commands table's examples."""
    text = README.read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    lines = [line.split("  #", 1)[0].strip() for code in FENCE.findall(quick) for line in code[1].splitlines()]
    commands = [line for line in lines if line and not line.startswith(SETUP)]
    table = text.split("## Commands", 1)[1].split("\n## ", 1)[0]
    commands += [cell for cell in re.findall(r"\| `(polyglot-news [^`]+)` \|$", table, re.M) if " serve" not in cell]
    return commands


def test_readme_shell_examples_run_as_written(tmp_path: Path) -> None:
    commands = _readme_shell_commands()
    assert len(commands) >= 8, commands
    assert not any("fetch" in c or "http" in c for c in commands), "the tested examples stay offline"
    work = _work_folder(tmp_path)
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),  # `python -m lang_models…` from the top of a checkout
    }
    for command in commands:
        done = subprocess.run(
            ["bash", "-c", command], cwd=work, env=env, capture_output=True, text=True, timeout=300, check=False
        )
        assert done.returncode == 0, f"{command}\n--- stderr\n{done.stderr}"
        assert "Traceback" not in done.stderr, done.stderr
    assert (work / "digests" / "belarus_us_relations.json").is_file()


def test_readme_links_lead_to_files() -> None:
    links = re.findall(r"\]\(((?!https?:)[^)#]+)(?:#[^)]*)?\)", README.read_text(encoding="utf-8"))
    assert links
    assert [link for link in links if not (ROOT / link).exists()] == []


def test_every_page_is_in_the_navigation() -> None:
    nav = set(re.findall(r":\s*([\w/.-]+\.md)\s*$", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M))
    assert nav == {p.relative_to(DOCS).as_posix() for p in PAGES}


@pytest.mark.parametrize("page", [README, *PAGES], ids=_name)
def test_headings_start_at_one_and_never_skip_a_level(page: Path) -> None:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    levels = [len(m) for m in re.findall(r"^(#{1,6}) ", text, re.M)]
    assert levels[:1] == [1] and levels.count(1) == 1, levels
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels


def test_sample_outputs_are_what_the_code_prints() -> None:
    """Every page's detect line of the example, and the schema page's reason, offsets and default method."""
    detected = CliRunner().invoke(cli, ["detect", str(EXAMPLE)]).stdout.strip()
    shown = [
        line.split("# ", 1)[1]
        for page in [README, *PAGES]
        for line in page.read_text(encoding="utf-8").splitlines()
        if re.match(r"polyglot-news detect examples/belarus_us_relations\.txt +# ", line)
    ]
    assert len(shown) >= 2 and set(shown) == {detected}
    digest = json.loads(CliRunner().invoke(cli, ["digest", "--to", "none", str(EXAMPLE)]).stdout)
    page = (DOCS / "reference" / "output-schema.md").read_text(encoding="utf-8")
    schema = page.split("## Digest JSON", 1)[1].split("```json\n", 1)[1].split("```", 1)[0]
    assert f'"source": {json.dumps(digest["source"])},' in schema
    second = digest["summary"][1]
    assert f'"markers": {json.dumps(second["markers"])},' in schema
    assert f'"index": {second["index"]}' in schema
    method = re.search(r"\|sum:([a-z0-9.-]+-\d+)\|", digest["signature"])
    assert method is not None and f"|sum:{method.group(1)}|" in schema

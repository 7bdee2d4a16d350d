"""Every ```python block of README.md runs as written, and the README's sample outputs are real."""

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

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), re.S | re.M)
EXAMPLE = EXAMPLES / "belarus_us_relations.txt"

# Runs the snippet as the main script, with every connection that leaves the machine refused.
OFFLINE_RUNNER = """
import runpy, socket, sys
real = socket.socket.connect
def connect(self, *args):
    if self.family == socket.AF_UNIX:
        return real(self, *args)
    raise OSError("network access from a README snippet")
def lookup(*args, **kwargs):
    raise OSError("network access from a README snippet")
socket.socket.connect = connect
socket.create_connection = lookup
socket.getaddrinfo = lookup
runpy.run_path(sys.argv[1], run_name="__main__")
"""


def _needs_models(block: str) -> bool:
    return "translat" in block


def test_readme_has_python_blocks() -> None:
    assert len(BLOCKS) >= 3
    assert any("run_batch" in b for b in BLOCKS) and any("translate_text" in b for b in BLOCKS)


@pytest.mark.parametrize("number", range(len(BLOCKS)), ids=[f"block{i + 1}" for i in range(len(BLOCKS))])
def test_readme_python_block_runs(number: int, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    block = BLOCKS[number]
    if _needs_models(block):
        install: Any = request.getfixturevalue("install_packages")
        install("echo-en_ru", "echo-en_be")
    work = tmp_path / "work"
    (work / "feed" / "2025").mkdir(parents=True)
    shutil.copy(EXAMPLE, work / "story.txt")
    shutil.copy(EXAMPLE, work / "feed" / "belarus.txt")
    shutil.copy(EXAMPLE, work / "feed" / "2025" / "again.txt")
    (work / "snippet.py").write_text(block, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", OFFLINE_RUNNER, "snippet.py"],
        cwd=work, env=dict(os.environ), capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, f"README block {number + 1}:\n{block}\n--- stderr\n{done.stderr}"
    assert "Traceback" not in done.stderr and "Warning" not in done.stderr, done.stderr
    if "run_batch" in block:
        assert sorted(p.relative_to(work / "digests").as_posix() for p in (work / "digests").rglob("*.json")) == [
            "2025/again.json", "belarus.json",
        ]
        assert done.stdout.splitlines()[-1] == "2 0 0 0"


def test_readme_sample_outputs_are_what_the_code_prints() -> None:
    """The detect line of Commands and the schema's reason, offsets and default method."""
    text = README.read_text(encoding="utf-8")
    detected = CliRunner().invoke(cli, ["detect", str(EXAMPLE)]).stdout
    assert f"polyglot-news detect story.txt                      # {detected.strip()}\n" in text
    digest = json.loads(CliRunner().invoke(cli, ["digest", "--to", "none", str(EXAMPLE)]).stdout)
    schema = text.split("## Output schema", 1)[1].split("```json\n", 1)[1].split("```", 1)[0]
    assert f'"source": {json.dumps(digest["source"])},' in schema
    second = digest["summary"][1]
    assert f'"markers": {json.dumps(second["markers"])},' in schema
    assert f'"index": {second["index"]}' in schema
    method = re.search(r"\|sum:([a-z0-9.-]+-\d+)\|", digest["signature"])
    assert method is not None and f"|sum:{method.group(1)}|" in schema

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
from dataclasses import dataclass
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


# Shell blocks. Each page's ```sh blocks run in order, as one reader would paste them, in one folder
# holding a copy of examples/, with this environment's `polyglot-news` on the PATH (as after the
# quick start), every outgoing connection refused, and -- except on the pages that install their
# own -- the echo test packages in the default model store, standing in for real models.
#
# Two explicit exceptions, both visible in the Markdown source:
# - A block preceded by `<!-- not run: REASON -->` is not run; REASON starts with one of NOT_RUN's
#   keys, and each such block is reported as a skipped test with its reason.
# - The setup lines of a block (SETUP, and `pip install -e '.[EXTRA]'`) are not run: the test runs
#   inside that environment already. An extra whose requirements are not installed here skips
#   the page, naming the extra (CI installs every extra).
NOT_RUN = {
    "network": "it goes online (models fetch, models build HUB_ID, a package index)",
    "installs software": "it creates an environment or installs packages; CI's .ci/run does that from a fresh clone",
    "real model": "it needs a real translation model, which no machine here can download",
    "server": "it runs until stopped; tests/test_serve.py drives a real server",
    "cluster": "it needs SSH hosts, SLURM or Kubernetes",
    "test suite": "it runs the test suite itself",
}
NOT_RUN_MARK = re.compile(r"<!-- not run: (?P<reason>[^>]+?) -->\s*$")
SETUP = ("python3 -m venv .venv", ". .venv/bin/activate", "pip install -e .")
EXTRA = re.compile(r"^pip install -e '\.\[(?P<extra>[\w,]+)\]'$")
OWN_MODELS = {"README.md", "docs/tutorials/first-digest.md"}  # pages that install their own packages
ECHO_PACKAGES = ("echo-en_ru", "echo-en_be", "echo-ru_be", "echo-be_ru", "echo-ru_en")
OFFLINE_SITE = """
import socket
def _refuse(*args, **kwargs):
    raise OSError("network access from a documentation example")
_connect = socket.socket.connect
def _connect_local(self, *args):
    if self.family == socket.AF_UNIX:
        return _connect(self, *args)
    _refuse()
socket.socket.connect = _connect_local
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
"""


@dataclass(frozen=True)
class ShellBlock:
    page: Path
    number: int  # 1-based among the page's shell blocks
    code: str
    not_run: str | None  # the reason given in the Markdown source, or None: it runs

    @property
    def name(self) -> str:
        return f"{_name(self.page)}:sh{self.number}"


def _reason_key(block: ShellBlock) -> str:
    """The NOT_RUN key a not-run block's reason starts with (``network`` of ``network (…)``)."""
    return (block.not_run or "").split(" (", 1)[0]


def _shell_blocks(page: Path) -> list[ShellBlock]:
    text = page.read_text(encoding="utf-8")
    blocks: list[ShellBlock] = []
    for match in FENCE.finditer(text):
        if match.group(1) != "sh":
            continue
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        mark = NOT_RUN_MARK.match(before.strip())
        blocks.append(ShellBlock(page, len(blocks) + 1, match.group(2), mark.group("reason") if mark else None))
    return blocks


SHELL_BLOCKS = [block for page in [README, *PAGES] for block in _shell_blocks(page)]
SHELL_PAGES = sorted({b.page for b in SHELL_BLOCKS if b.not_run is None}, key=_name)
NOT_RUN_BLOCKS = [b for b in SHELL_BLOCKS if b.not_run is not None]


def _extra_installed(extra: str) -> bool:
    """Whether every requirement of setup.cfg's [EXTRA] is installed in this environment."""
    from importlib.metadata import PackageNotFoundError, version

    for requirement in _extras()[extra]:
        name = re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0]
        try:
            version(name)
        except PackageNotFoundError:
            return False
    return True


def _extras() -> dict[str, list[str]]:
    import configparser

    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    return {
        name: [line.strip() for line in value.splitlines() if line.strip() and not line.strip().startswith("#")]
        for name, value in config["options.extras_require"].items()
    }


def _runnable(block: ShellBlock) -> tuple[str, list[str]]:
    """The block's script without its setup lines, and the extras those lines install."""
    lines: list[str] = []
    extras: list[str] = []
    for line in block.code.splitlines():
        command = line.split("  #", 1)[0].strip()
        extra = EXTRA.match(command)
        if extra:
            extras += extra.group("extra").split(",")
        elif command not in SETUP:
            lines.append(line)
    return "\n".join(lines) + "\n", extras


def _shell_env(tmp_path: Path) -> dict[str, str]:
    site = tmp_path / "offline-site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(OFFLINE_SITE, encoding="utf-8")
    (tmp_path / "home").mkdir(exist_ok=True)
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": f"{site}{os.pathsep}{ROOT}",  # offline; `python -m lang_models…` as from a checkout
        "HOME": str(tmp_path / "home"),
        "HF_HUB_OFFLINE": "1",
    }


def test_every_shell_block_runs_or_says_why_not() -> None:
    assert len(SHELL_BLOCKS) >= 20
    assert not [lang for page in [README, *PAGES] for lang, _ in FENCE.findall(page.read_text(encoding="utf-8"))
                if lang in ("bash", "shell", "console", "zsh")], "shell examples are ```sh blocks"
    unknown = [(b.name, b.not_run) for b in NOT_RUN_BLOCKS if _reason_key(b) not in NOT_RUN]
    assert unknown == [], f"a not-run block's reason starts with one of {sorted(NOT_RUN)}"
    assert len(NOT_RUN_BLOCKS) <= len(SHELL_BLOCKS) // 2, "most examples run"


@pytest.mark.parametrize("block", NOT_RUN_BLOCKS, ids=[b.name for b in NOT_RUN_BLOCKS])
def test_block_marked_not_run(block: ShellBlock) -> None:
    """Reported, not hidden: each block the docs mark as not run shows up as a skip with its reason."""
    pytest.skip(f"not run: {block.not_run} ({NOT_RUN[_reason_key(block)]})")


@pytest.mark.parametrize("page", SHELL_PAGES, ids=_name)
def test_shell_blocks_run_as_written(page: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    blocks = [(b, *_runnable(b)) for b in _shell_blocks(page) if b.not_run is None]
    if page == README:
        blocks.append((ShellBlock(page, 0, "", None), _readme_table_commands(), []))
    missing = sorted({extra for _, _, extras in blocks for extra in extras if not _extra_installed(extra)})
    if missing:
        pytest.skip(f"needs the {', '.join(missing)} extra(s), not installed here (CI installs them)")
    if _name(page) not in OWN_MODELS:
        install: Any = request.getfixturevalue("install_packages")
        install(*ECHO_PACKAGES)
    work = _work_folder(tmp_path)
    env = _shell_env(tmp_path)
    for block, script, _ in blocks:
        done = subprocess.run(
            ["bash", "-c", "set -euo pipefail\ntrap 'echo \"failed: $BASH_COMMAND\" >&2' ERR\n" + script],
            cwd=work, env=env, capture_output=True, text=True, timeout=600, check=False,
        )
        assert done.returncode == 0, f"{block.name}:\n{script}--- stderr\n{done.stderr[-4000:]}"
        assert "Traceback" not in done.stderr, f"{block.name}:\n{done.stderr[-4000:]}"


def _readme_table_commands() -> str:
    """The README commands table's examples, run after its quick start (whose store they use)."""
    text = README.read_text(encoding="utf-8")
    table = text.split("## Commands", 1)[1].split("\n## ", 1)[0]
    commands = [cell for cell in re.findall(r"\| `(polyglot-news [^`]+)` \|$", table, re.M) if " serve" not in cell]
    assert len(commands) >= 6, commands
    return "\n".join(commands) + "\ntest -f digests/belarus_us_relations.json\n"


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


def test_tutorial_shows_the_first_run_note_as_printed() -> None:
    printed = CliRunner().invoke(cli, ["digest", str(EXAMPLE)]).stderr
    note = printed[printed.index("Note: no installed model translates") :]
    page = (DOCS / "tutorials" / "first-digest.md").read_text(encoding="utf-8")
    shown = page.split("then where models come from:", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    assert shown == note

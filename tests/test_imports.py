"""Start-up stays light: importing the package or asking for --help loads no heavy library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "ctranslate2", "sentencepiece", "sumy", "nltk", "langdetect", "lingua", "numpy", "torch", "stanza",
    "argostranslate", "dask", "distributed", "trafilatura", "feedparser", "mammoth", "lxml",
)

HELP = "from polyglot_news.cli import cli\ntry:\n    cli({args!r})\nexcept SystemExit:\n    pass"

SCRIPTS = {
    "import": "import polyglot_news",
    "import-cli": "import polyglot_news.cli",
    "help": HELP.format(args=["--help"]),
    "digest-help": HELP.format(args=["digest", "--help"]),
    "detect-help": HELP.format(args=["detect", "--help"]),
    "batch-help": HELP.format(args=["batch", "--help"]),
    "models-help": HELP.format(args=["models", "list", "--help"]),
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_no_heavy_module_is_imported(name: str) -> None:
    probe = SCRIPTS[name] + "\nimport sys, json\nprint(json.dumps(sorted(sys.modules)), file=sys.stderr)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = set(json.loads(done.stderr.strip().splitlines()[-1]))
    assert sorted(m for m in loaded if m.split(".")[0] in HEAVY) == []


def test_a_local_batch_never_imports_dask(tmp_path: Path) -> None:
    """Dask is the optional ``[dask]`` extra: only ``batch --dask`` imports it."""
    (tmp_path / "a.txt").write_text("Minsk opens a new bridge. The city paid for it. Residents are glad.", "utf-8")
    probe = (
        "import sys, json\nfrom polyglot_news.cli import cli\n"
        f"try:\n    cli(['batch', {str(tmp_path)!r}, '--to', 'none', '-j', '1', '-q'])\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = set(json.loads(done.stderr.strip().splitlines()[-1]))
    assert "polyglot_news.batch.runner" in loaded
    assert sorted(m for m in loaded if m.split(".")[0] in ("dask", "distributed")) == []
    assert "polyglot_news.batch.cluster" not in loaded

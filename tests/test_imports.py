"""Start-up stays light: importing the package or asking for --help loads no heavy library."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "ctranslate2", "sentencepiece", "sumy", "nltk", "langdetect", "lingua", "numpy", "torch", "stanza",
    "argostranslate",
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

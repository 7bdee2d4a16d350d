"""What killed installs and fetches leave in the store: reported by list/verify, removed by the next write."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner

from polyglot_news import models
from polyglot_news.cli.models import models as models_group
from polyglot_news.models.temporaries import FETCH_GRACE_S, hold
from tests.archives import make_archive

# A writer killed the way `kill -9` kills it: in the middle of its work, holding its locks.
KILLED_INSTALL = """
import os, signal, sys, tempfile
from pathlib import Path
from polyglot_news.models.installer import _locked
store = Path(sys.argv[1])
with _locked(store):
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-install-", dir=store))
    (tmp / "translate-en_ru").mkdir()
    (tmp / "translate-en_ru" / "model.bin").write_bytes(b"w" * 5000)
    os.kill(os.getpid(), signal.SIGKILL)
"""
KILLED_FETCH = """
import os, signal, sys, tempfile
from polyglot_news.models.temporaries import hold
fd, name = tempfile.mkstemp(prefix=".fetch-", suffix=".argosmodel", dir=sys.argv[1])
hold(fd)
os.write(fd, b"z" * 3000)
print(name, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""
HOLDING_INSTALL = """
import sys, tempfile
from pathlib import Path
from polyglot_news.models.installer import _locked
with _locked(Path(sys.argv[1])):
    tempfile.mkdtemp(prefix=".tmp-install-", dir=sys.argv[1])
    print("ready", flush=True)
    sys.stdin.readline()
"""


def _kill(script: str, store: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", script, str(store)], capture_output=True, text=True, check=False
    )
    assert done.returncode == -9, done.stderr
    return done.stdout.strip()


def _old(path: Path) -> None:
    then = time.time() - FETCH_GRACE_S - 5
    os.utime(path, (then, then))


def test_leftovers_reported_then_removed_by_the_next_install(tmp_path: Path, isolated_home: Path) -> None:
    store = isolated_home / "models"
    store.mkdir(parents=True)
    _kill(KILLED_INSTALL, store)
    fetched = Path(_kill(KILLED_FETCH, store))
    _old(fetched)
    (leftover,) = [p for p in store.iterdir() if p.name.startswith(".tmp-install-")]

    found = models.stale_temporaries(store)
    assert sorted((t.path, t.size_bytes) for t in found) == sorted([(leftover, 5000), (fetched, 3000)])
    for command in (["list"], ["list", "--json"], ["verify"]):
        result = CliRunner().invoke(models_group, command)
        assert result.exit_code == 0, result.output
        warning = f"Warning: 2 leftover temporaries of an interrupted install or fetch in {store} "
        assert warning + "(8,000 bytes: " in result.stderr
        assert "the next `polyglot-news models install` or `remove` deletes them" in result.stderr

    models.install(make_archive(tmp_path / "good.argosmodel"))
    assert sorted(p.name for p in store.iterdir()) == [".lock", "translate-en_ru"]
    assert "leftover" not in CliRunner().invoke(models_group, ["list"]).stderr


def test_live_fetch_and_young_download_are_left_alone(tmp_path: Path, isolated_home: Path) -> None:
    store = isolated_home / "models"
    store.mkdir(parents=True)
    fd, live = tempfile.mkstemp(prefix=".fetch-", suffix=".argosmodel", dir=store)
    try:
        hold(fd)  # a fetch still downloading, in this very process
        _old(Path(live))
        young = Path(_kill(KILLED_FETCH, store))  # killed just now: still within the grace
        assert models.stale_temporaries(store) == []
        models.install(make_archive(tmp_path / "good.argosmodel"))
        assert Path(live).exists() and young.exists()
    finally:
        os.close(fd)
    _old(Path(live))
    assert [t.path for t in models.stale_temporaries(store)] == [Path(live)]


def test_install_in_progress_is_not_reported(isolated_home: Path) -> None:
    store = isolated_home / "models"
    store.mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDING_INSTALL, str(store)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "ready\n"
        assert models.stale_temporaries(store) == []
    finally:
        holder.communicate("\n", timeout=30)

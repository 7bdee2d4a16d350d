"""run_batch(workers=N) from a script's unguarded top level: runs in-process with a warning, never BrokenProcessPool."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from polyglot_news.batch.mainguard import _guarded_lines

from .conftest import EXAMPLES

UNGUARDED = """
import sys
from pathlib import Path
from polyglot_news import batch

items = batch.iter_paths(["feed/"], glob="*.txt")
report = batch.run_batch(items, batch.BatchOptions(sentences=2), emit=sys.stdout.write, workers=2)
print(report.ok, report.failed)
"""

GUARDED = """
import sys
from polyglot_news import batch

def main():
    items = batch.iter_paths(["feed/"], glob="*.txt")
    report = batch.run_batch(items, batch.BatchOptions(sentences=2), emit=sys.stdout.write, workers=2)
    print(report.ok, report.failed)

if __name__ == "__main__":
    main()
"""


@pytest.mark.parametrize(("script", "warned"), [(UNGUARDED, True), (GUARDED, False)], ids=["unguarded", "guarded"])
def test_script_without_main_guard_still_digests_every_article(tmp_path: Path, script: str, warned: bool) -> None:
    (tmp_path / "feed").mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        shutil.copy(EXAMPLES / "belarus_us_relations.txt", tmp_path / "feed" / name)
    (tmp_path / "job.py").write_text(script, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "job.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "3 0"  # before: "0 3", every article BrokenProcessPool
    assert "BrokenProcessPool" not in done.stdout + done.stderr
    assert ("RuntimeWarning" in done.stderr) is warned, done.stderr
    if warned:
        assert 'put the call under `if __name__ == "__main__":` to use 2 workers' in done.stderr


@pytest.mark.parametrize(
    ("source", "ranges"),
    [
        ('x = 1\nif __name__ == "__main__":\n    main()\n', [(2, 3)]),
        ("if '__main__' == __name__:\n    pass\n", [(1, 2)]),
        ('if __name__ != "__main__":\n    pass\nif name == "__main__":\n    pass\n', []),
        ('def f():\n    if __name__ == "__main__":\n        pass\n', []),
    ],
)
def test_guarded_lines(source: str, ranges: list[tuple[int, int]]) -> None:
    assert _guarded_lines(source) == ranges

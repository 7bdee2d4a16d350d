"""The quality gate: figures a benchmark measured, against floors pinned in ``quality_baseline.json``.

Each quality benchmark (``summary_bench.py``, ``langid_eval.py``, ``segment_eval.py``) passes its
``--check`` figures here under its own section. A figure below its floor, or a pinned figure the
benchmark no longer measures, fails the gate. Raising a floor is a commit that says why; lowering
one needs an argument in the commit message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

BASELINE = Path(__file__).with_name("quality_baseline.json")


def floors(section: str, baseline: Path = BASELINE) -> dict[str, float]:
    """The floors pinned for ``section`` (``{}`` when the section pins none)."""
    pinned: dict[str, dict[str, float]] = json.loads(baseline.read_text(encoding="utf-8"))
    return dict(pinned.get(section, {}))


def check(section: str, measured: Mapping[str, float], baseline: Path = BASELINE) -> int:
    """Print every pinned figure beside its measurement; 0 when all hold, 1 when one does not."""
    failed = 0
    for name, floor in sorted(floors(section, baseline).items()):
        value = measured.get(name)
        ok = value is not None and value >= floor
        failed += not ok
        shown = "missing" if value is None else f"{value:.2f}"
        print(f"gate {section}: {name}: {shown} (floor {floor:.2f}) {'ok' if ok else 'BELOW FLOOR'}")
    print(f"gate {section}: {'passed' if not failed else f'{failed} figure(s) below their floor'}")
    return 1 if failed else 0

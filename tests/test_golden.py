"""Every command's output for fixed inputs is byte-identical to the recorded golden files."""

from __future__ import annotations

from tests.golden import GOLDEN, record


def test_every_golden_output_is_unchanged() -> None:
    assert GOLDEN.is_dir()
    assert record(update=False) == [], "re-record with `python -m tests.golden --update` if the change is intended"

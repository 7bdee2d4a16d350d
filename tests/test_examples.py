"""The runnable snippets in examples/ keep working."""

from __future__ import annotations

import runpy

import pytest

from .conftest import EXAMPLES


def test_digest_api_example(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(EXAMPLES / "digest_api.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert out.startswith("language: en (")
    assert out.count("\n- ") == 3

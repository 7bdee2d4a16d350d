"""The module map of docs/development.md names every module, and no module imports the package's face."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "polyglot_news"
MODULES = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if p.name != "__main__.py")


def test_module_map_names_every_module_and_no_other() -> None:
    development = (ROOT / "docs" / "development.md").read_text(encoding="utf-8")
    named = set(re.findall(r"^\| `([a-z_/]+\.py)` \|", development, re.M))
    folders = {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("__init__.py")} - {"__init__.py"}
    assert named - set(MODULES) == set()
    assert set(MODULES) - named - folders == set()


@pytest.mark.parametrize("module", MODULES)
def test_no_module_imports_names_from_its_own_face(module: str) -> None:
    """``from polyglot_news import X`` (or from the module's own folder) may only bring a module."""
    if module.endswith("__init__.py"):
        return
    own = module.rpartition("/")[0]
    faces = {"polyglot_news": PACKAGE, **({f"polyglot_news.{own}": PACKAGE / own} if own else {})}
    for node in ast.walk(ast.parse((PACKAGE / module).read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module in faces:
            folder = faces[node.module]
            for alias in node.names:
                assert (folder / f"{alias.name}.py").exists() or (folder / alias.name).is_dir(), (
                    f"{module} imports {alias.name!r} from the face {node.module}"
                )

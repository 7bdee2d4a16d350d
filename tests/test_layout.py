"""The module map of docs/development.md names every module, and no module imports the package's face."""

from __future__ import annotations

import ast
import importlib
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


def _face(init: Path) -> tuple[dict[str, str], set[str], set[str] | None]:
    """A face's three lists: TYPE_CHECKING imports (name → module), ``__all__``, and its lazy table."""
    tree = ast.parse(init.read_text(encoding="utf-8"))
    typed: dict[str, str] = {}
    exported: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for imported in node.body:
                assert isinstance(imported, ast.ImportFrom) and imported.module
                typed.update({alias.asname or alias.name: imported.module for alias in imported.names})
        elif isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            exported = set(ast.literal_eval(node.value))
    face = importlib.import_module(".".join(init.relative_to(ROOT).parent.parts))
    return typed, exported, set(face.__dir__()) if "__getattr__" in face.__dict__ else None


FACES = sorted(p for p in PACKAGE.rglob("__init__.py") if "lazy_names" in p.read_text(encoding="utf-8"))


@pytest.mark.parametrize("init", FACES, ids=[str(p.relative_to(PACKAGE)) for p in FACES])
def test_a_faces_three_lists_agree(init: Path) -> None:
    """TYPE_CHECKING imports, the lazy table and ``__all__`` name the same names, each from its module."""
    typed, exported, lazy = _face(init)
    assert lazy is not None
    eager = {"__version__"}  # imported for real at the top of the package face
    assert set(typed) == set(lazy), "TYPE_CHECKING imports and the lazy table differ"
    assert exported - eager == set(lazy), "__all__ and the lazy table differ"
    package = ".".join(init.relative_to(ROOT).parent.parts)
    for name, module in typed.items():
        loaded = getattr(importlib.import_module(package), name)
        assert loaded is getattr(importlib.import_module(module), name), f"{name} is not {module}.{name}"


NOT_ON_THE_FACE = {
    "Verbatim": "a kind of Marker, met through it",
    "assemble_digest": "for batch callers, who import polyglot_news.pipeline",
    "source_mismatch": "a check the CLI and batch make, from polyglot_news.pipeline",
}


@pytest.mark.parametrize("module", ["document", "pipeline"])
def test_the_package_face_offers_every_result_type_and_pipeline_function(module: str) -> None:
    import polyglot_news

    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    public = {
        node.name for node in tree.body
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and not node.name.startswith("_")
    }
    assert public - set(NOT_ON_THE_FACE) <= set(polyglot_news.__all__)

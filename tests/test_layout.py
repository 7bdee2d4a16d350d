"""The package's structure, as rules a test keeps true (docs/development.md, "Layout", says the same):

- dependencies flow one way, along ``BELOW``; no import cycle (imports inside functions and under
  ``if TYPE_CHECKING:`` count);
- no module takes another's private (``_name``) names: not in the package, ``benchmarks/``,
  ``lang_models/`` or ``tools/``; a test file only from the modules it is named after;
- a module imports only modules from the package's face or its own folder's face, never names;
- a lazy face's three lists (``TYPE_CHECKING`` imports, its table, ``__all__``) agree, and the package's
  face offers every result type and pipeline function;
- no module of the package is over ``MAX_LINES`` lines, and at most ``MAX_FLAT`` sit at its top level;
- nothing is defined that nothing uses (but what ``KEPT`` lists, with why);
- test files are named after what they test (but what ``CROSS_CUTTING`` lists);
- the docs' module map names every module, and their dependency table is ``BELOW``.

Each check is a function of a ``Tree`` (sources by path, parsed once) that returns what breaks its rule,
one line each naming the module and the rule. ``SMALL_TREES`` runs every check on small trees, broken and
sound, so a check that finds nothing on the real tree is known to be able to find something.
"""

from __future__ import annotations

import ast
import functools
import graphlib
import importlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "polyglot_news"
EVERYTHING = ("polyglot_news", "tests", "benchmarks", "lang_models", "tools")

# ---------------------------------------------------------------- the rules
# A unit is a flat module or a folder of polyglot_news/. A unit may import its own modules, the units listed
# beside it and, through them, everything those may import; every unit but a leaf may import every leaf.
LEAVES: dict[str, tuple[str, ...]] = {
    "document": (),
    "errors": (),
    "languages": (),
    "version": (),
    "lazy": (),
    "io": ("errors",),
}
BELOW: dict[str, tuple[str, ...]] = {
    "__main__": ("cli",),
    "__init__": ("pipeline",),  # the package face: lazy names only
    "cli": ("serve", "batch", "evaluate"),
    "serve": ("pipeline",),
    "batch": ("pipeline",),
    "evaluate": ("pipeline",),
    "pipeline": ("translation", "readers", "render", "summarize", "langid"),
    "translation": ("models", "signature", "segment", "langid"),
    "models": (),
    # the pipeline's parts: beside translation and models, never importing them
    "readers": ("parse",),
    "render": ("render_html",),
    "render_html": (),
    "parse": ("segment",),
    "segment": ("citations",),
    "citations": (),
    "signature": ("langid", "summarize"),  # composes the detector's and the method's names
    "langid": (),
    "summarize": (),
    **LEAVES,
}
MAX_LINES = 420
MAX_FLAT = 15

# Definitions nothing in the package uses, kept on purpose: public API for callers outside it (tests,
# benchmarks, lang_models/, the documentation). Anything else nothing uses is dead, and goes.
KEPT: dict[str, str] = {
    "polyglot_news.batch.inputs.iter_paths": "the batch API's reader of files and folders (docs: Python API)",
    "polyglot_news.langid.charmodel.char_ngrams": "lang_models/build_langid_model.py trains on the same n-grams",
    "polyglot_news.serve.server.running": "a server on a free port for the duration of a with block (tests)",
    "polyglot_news.summarize.extract.sentence_scores": "every sentence's score under a method (benchmarks, tests)",
    "polyglot_news.summarize.request.summary_length": "on the summarize face: public API, kept as it is",
    "polyglot_news.translation.guard.FLAGS": "the guard's flag names, as its docstring documents them (tests)",
    "polyglot_news.translation.loader.clear_cache": "drops the loaded models (tests; a long-lived caller)",
}

# Test files named after no module: each checks something across the package.
CROSS_CUTTING: dict[str, str] = {
    "test_argos_parity": "the engine against Argos Translate itself",
    "test_browser": "a real browser reads the review page and a saved HTML digest",
    "test_docs": "every example in README.md and docs/ runs",
    "test_examples": "every file under examples/ runs",
    "test_golden": "every command's output against tests/data/golden/",
    "test_guard_switch": "--guard through options, engine, every translating command, batch and the server",
    "test_imports": "start-up imports no heavy library",
    "test_layout": "this file: the package's structure",
    "test_packaging": "the wheel and the sdist",
    "test_schemas": "every machine output against its JSON Schema",
}


# ---------------------------------------------------------------- the rules, on the real tree
@functools.cache
def real(*folders: str) -> Tree:
    return Tree({
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
        for folder in folders
        for path in sorted((ROOT / folder).rglob("*.py"))
    })


def test_dependencies_flow_one_way() -> None:
    assert order_violations(real("polyglot_news")) == []


def test_no_import_cycle() -> None:
    assert cycles(real("polyglot_news")) == []


def test_no_module_takes_another_modules_private_names() -> None:
    assert private_imports(real(*EVERYTHING)) == []


def test_no_module_imports_names_from_a_face_of_its_own() -> None:
    assert names_from_own_face(real("polyglot_news")) == []


def test_no_module_is_too_long() -> None:
    assert oversized(real("polyglot_news")) == []


def test_few_flat_modules() -> None:
    assert flat_modules(real("polyglot_news")) == []


def test_no_dead_code() -> None:
    """KEPT names exactly what nothing in the package uses: an entry for what is gone or used goes too."""
    unused = unused_definitions(real("polyglot_news"))
    assert [line for line in unused if line.split(":")[0] not in KEPT] == []
    names = {line.split(":")[0] for line in unused}
    assert [f"{name}: listed in KEPT, but used or gone" for name in KEPT if name not in names] == []


def test_tests_are_named_after_what_they_test() -> None:
    assert unmirrored_tests(real(*EVERYTHING)) == []
    assert [f"tests/{name}.py: listed in CROSS_CUTTING, but gone" for name in CROSS_CUTTING
            if not (ROOT / "tests" / f"{name}.py").exists()] == []


def test_the_dependency_table_names_every_unit() -> None:
    assert {unit(module) for module in real("polyglot_news").modules} == set(BELOW)


def test_the_docs_dependency_table_is_this_one() -> None:
    """docs/development.md's table: one row per unit, ``unit`` | what it may import (folders with a slash)."""
    section = _development().split("### Dependencies", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| `([a-z_]+)/?` \| (.*) \|$", section, re.M)
    written = {name: tuple(re.findall(r"`([a-z_]+)/?`", cell)) for name, cell in rows}
    assert written == {name: lower for name, lower in BELOW.items() if name not in ("__init__", "__main__")}


def test_the_docs_module_map_names_every_module_and_no_other() -> None:
    named = set(re.findall(r"^\| `([a-z_/]+\.py)` \|", _development(), re.M))
    modules = {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if p.name != "__main__.py"}
    faces = {module for module in modules if module.endswith("/__init__.py")}  # a folder's row names it
    assert sorted(named - modules) == [], "named in the module map, but no such module"
    assert sorted(modules - named - faces) == [], "missing from the module map"


# ---------------------------------------------------------------- the lazy faces (imported: tables built at run time)
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
    missing = public - set(NOT_ON_THE_FACE) - set(polyglot_news.__all__)
    assert sorted(missing) == [], f"polyglot_news.{module} names missing from polyglot_news.__all__"


def _development() -> str:
    return (ROOT / "docs" / "development.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------- a tree of sources, and its imports
@functools.cache
def _parse(text: str) -> ast.Module:
    return ast.parse(text)


def module_name(path: str) -> str:
    """``polyglot_news/models/store.py`` → ``polyglot_news.models.store``; a folder's ``__init__.py`` is the folder."""
    parts = path.removesuffix(".py").split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def unit(module: str) -> str:
    """``polyglot_news.models.store`` → ``models``; the package face → ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def face_names(tree: ast.Module) -> dict[str, str]:
    """A lazy face's names and their modules, from its ``if TYPE_CHECKING:`` imports."""
    names: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for imported in node.body:
                if isinstance(imported, ast.ImportFrom) and imported.module and not imported.level:
                    names.update({alias.asname or alias.name: imported.module for alias in imported.names})
    return names


@dataclass(frozen=True)
class Import:
    """``source`` imports ``target`` (a module of the tree), taking ``name`` from it (None: the module itself)."""

    source: str
    target: str
    name: str | None
    line: int


class Tree:
    """Python sources by path relative to the repository (``polyglot_news/parse.py`` → its text)."""

    def __init__(self, sources: Mapping[str, str]) -> None:
        self.paths = {module_name(path): path for path in sources}
        self.texts = {module_name(path): text for path, text in sources.items()}
        self.modules = {module: _parse(text) for module, text in self.texts.items()}
        self.faces = {module: face_names(tree) for module, tree in self.modules.items()
                      if self.paths[module].endswith("__init__.py")}
        self.imports = [edge for module in self.modules for edge in self._imports_of(module)]

    def _imports_of(self, source: str) -> Iterable[Import]:
        """Every import ``source`` makes of a module of the tree, wherever it stands. ``from a import name``
        imports the module ``a.name`` when there is one, else the module a lazy face ``a`` takes ``name``
        from, else ``a``; ``module._name`` on a module bound by an import counts as taking ``_name``."""
        path = self.paths[source]
        package = source if path.endswith("__init__.py") else source.rpartition(".")[0]
        bound: dict[str, str] = {}
        for node in ast.walk(self.modules[source]):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if target := self._known(alias.name, path):
                        yield Import(source, target, None, node.lineno)
                        if alias.asname and target == alias.name:
                            bound[alias.asname] = target
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    stem = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*stem, *([base] if base else [])])
                for alias in node.names:
                    if f"{base}.{alias.name}" in self.modules:
                        yield Import(source, f"{base}.{alias.name}", None, node.lineno)
                        bound[alias.asname or alias.name] = f"{base}.{alias.name}"
                    elif alias.name in self.faces.get(base, {}):
                        yield Import(source, self.faces[base][alias.name], alias.name, node.lineno)
                    elif target := self._known(base, path):
                        yield Import(source, target, alias.name, node.lineno)
        for node in ast.walk(self.modules[source]):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in bound:
                if is_private(node.attr):
                    yield Import(source, bound[node.value.id], node.attr, node.lineno)

    def _known(self, dotted: str, importer: str) -> str | None:
        """The module of the tree ``dotted`` is, or the longest part of it that is one, else None. A script
        folder's (no ``__init__.py``: ``benchmarks/``) bare ``import sibling`` names the sibling."""
        folder = importer.rpartition("/")[0]
        script = f"{folder}/__init__.py" not in self.paths.values()
        for floor in ["", *([folder.replace("/", ".")] if script else [])]:
            candidate = f"{floor}.{dotted}" if floor else dotted
            while len(candidate) > len(floor) and candidate not in self.modules:
                candidate = candidate.rpartition(".")[0]
            if len(candidate) > len(floor):
                return candidate
        return None


# ---------------------------------------------------------------- the checks
def allowed(below: Mapping[str, tuple[str, ...]], leaves: Mapping[str, tuple[str, ...]]) -> dict[str, set[str]]:
    """What each unit may import: itself, what is below it, transitively, and (but for a leaf) every leaf."""
    reach: dict[str, set[str]] = {}

    def visit(name: str) -> set[str]:
        if name not in reach:
            reach[name] = set()
            for lower in below.get(name, ()):
                reach[name] |= {lower} | visit(lower)
        return reach[name]

    return {name: visit(name) | ({name} if name in leaves else {name, *leaves}) for name in below}


def order_violations(
    tree: Tree, below: Mapping[str, tuple[str, ...]] = BELOW, leaves: Mapping[str, tuple[str, ...]] = LEAVES
) -> list[str]:
    """Imports against the dependency table; a module of a unit the table does not name is one too."""
    may = allowed(below, leaves)
    found = set()
    for edge in tree.imports:
        source, target = unit(edge.source), unit(edge.target)
        if source not in may:
            found.add(f"{edge.source}: the unit {source!r} is not in the dependency table")
        elif target not in may[source]:
            found.add(f"{edge.source}:{edge.line} imports {edge.target}: {source} may not import {target}")
    return sorted(found)


def cycles(tree: Tree) -> list[str]:
    """An import cycle between modules, if there is one, starting at its first module by name."""
    graph: dict[str, set[str]] = {module: set() for module in tree.modules}
    for edge in tree.imports:
        if edge.target != edge.source:
            graph[edge.source].add(edge.target)
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        loop = list(reversed(error.args[1]))[:-1]  # each module imports the next
        start = loop.index(min(loop))
        loop = loop[start:] + loop[:start]
        return ["an import cycle: " + " → ".join([*loop, loop[0]])]
    return []


def mirrored(test: str, modules: Iterable[str]) -> set[str]:
    """The modules ``tests/test_N.py`` is named after: N is a module's file name (``parse``, ``store``,
    ``build_kit``), a folder (``batch``: all of it), a folder and a module (``batch_inputs``) or a folder
    and an aspect of it (``serve_limits``: all of it)."""
    name = test.removeprefix("test_")
    found = set()
    for module in modules:
        parts = module.split(".")[1:]
        folder = parts[0] if len(parts) > 1 else None
        if parts and (name == parts[-1] or name == folder or (folder and name.startswith(f"{folder}_"))):
            found.add(module)
    return found


def private_imports(tree: Tree) -> list[str]:
    """Private names (``_x``) a module takes from another. A test file may take them from the modules it is
    named after (a module's own tests may reach inside it), from no other."""
    code = [module for module in tree.modules if not module.startswith("tests.")]

    def own(module: str) -> set[str]:
        test = module.removeprefix("tests.")
        return {module, *mirrored(test, code)} if test.startswith("test_") else {module}

    return sorted({
        f"{edge.source}:{edge.line} takes the private name {edge.name} from {edge.target}"
        for edge in tree.imports
        if edge.name and is_private(edge.name) and edge.target not in own(edge.source)
    })


def names_from_own_face(tree: Tree) -> list[str]:
    """``from polyglot_news import X`` (or from the module's own folder) in a module of the package: X must
    be a module. A name from a face the module sits under would load the face's table from inside it."""
    found = []
    for module, parsed in tree.modules.items():
        if module in tree.faces:
            continue
        own = {"polyglot_news", module.rpartition(".")[0]}
        for node in ast.walk(parsed):
            if isinstance(node, ast.ImportFrom) and node.module in own and not node.level:
                found += [f"{module}:{node.lineno} imports the name {alias.name} from its own face {node.module}"
                          for alias in node.names if f"{node.module}.{alias.name}" not in tree.modules]
    return sorted(found)


def oversized(tree: Tree, limit: int = MAX_LINES) -> list[str]:
    return sorted(f"{tree.paths[module]}: {n} lines, over the limit of {limit}"
                  for module, text in tree.texts.items() if (n := len(text.splitlines())) > limit)


def flat_modules(tree: Tree, limit: int = MAX_FLAT) -> list[str]:
    flat = sorted(path for path in tree.paths.values() if re.fullmatch(r"polyglot_news/[^/]+\.py", path))
    return [f"{len(flat)} flat modules in polyglot_news/, over the limit of {limit} (a new subsystem gets a folder): "
            + ", ".join(flat)] if len(flat) > limit else []


def _registers(decorator: ast.expr) -> bool:
    """``@group.command(...)``, ``@click.group()``: a decorator that registers what it decorates (click)."""
    called = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(called, ast.Attribute) and called.attr in ("command", "group")


def _definitions(parsed: ast.Module) -> Iterable[str]:
    """The names a module defines at its top level, but click commands (used: their decorator registers them)."""
    for node in parsed.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if not any(_registers(decorator) for decorator in node.decorator_list):
                yield node.name
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            yield from (target.id for target in targets if isinstance(target, ast.Name))


def unused_definitions(tree: Tree) -> list[str]:
    """Top-level functions, classes and constants that no module uses: not their own module, not another (by
    name, or as an attribute of their module or its face). A face naming them does not use them."""
    taken = {(edge.target, edge.name) for edge in tree.imports
             if edge.name and edge.name not in tree.faces.get(edge.source, {})}
    importers = defaultdict(set)  # module → the modules (not faces) that import it as a module
    for edge in tree.imports:
        if edge.name is None and edge.source not in tree.faces:
            importers[edge.target].add(edge.source)
    read = {
        module: Counter(node.id if isinstance(node, ast.Name) else node.attr for node in ast.walk(parsed)
                        if (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load))
                        or isinstance(node, ast.Attribute))
        for module, parsed in tree.modules.items()
    }
    unused = []
    for module, parsed in tree.modules.items():
        if module in tree.faces or module.endswith(".__main__"):
            continue
        readers = importers[module] | importers[module.rpartition(".")[0]]
        unused += [
            f"{module}.{name}: defined, but nothing uses it (remove it, or list it in KEPT with why)"
            for name in _definitions(parsed)
            if not name.startswith("__") and not read[module][name] and (module, name) not in taken
            and not any(read[reader][name] for reader in readers)
        ]
    return sorted(unused)


def unmirrored_tests(tree: Tree, cross_cutting: Mapping[str, str] = CROSS_CUTTING) -> list[str]:
    code = [module for module in tree.modules if not module.startswith("tests.")]
    return sorted(
        f"{tree.paths[module]}: named after no module (rename it, or list it in CROSS_CUTTING with why)"
        for module in tree.modules
        if (test := module.removeprefix("tests.")).startswith("test_") and module.startswith("tests.")
        and test not in cross_cutting and not mirrored(test, code)
    )


# ---------------------------------------------------------------- every check finds what it should in a small tree
P = "polyglot_news"
LAZY_FACE = (
    "from typing import TYPE_CHECKING\nfrom polyglot_news.lazy import lazy_names\n"
    "if TYPE_CHECKING:\n    from polyglot_news.models.store import Package\n"
)
SMALL_TREES: list[tuple[str, Callable[[Tree], list[str]], dict[str, str], list[str]]] = [
    ("upward import", order_violations,
     {f"{P}/models/store.py": "from polyglot_news.pipeline import digest", f"{P}/pipeline.py": ""},
     [f"{P}.models.store:1 imports {P}.pipeline: models may not import pipeline"]),
    ("upward import inside a function", order_violations,
     {f"{P}/segment.py": "def f():\n    from polyglot_news import parse", f"{P}/parse.py": ""},
     [f"{P}.segment:2 imports {P}.parse: segment may not import parse"]),
    ("sideways import between parts", order_violations,
     {f"{P}/citations.py": "import polyglot_news.langid.detector", f"{P}/langid/detector.py": ""},
     [f"{P}.citations:1 imports {P}.langid.detector: citations may not import langid"]),
    ("a leaf importing a sibling", order_violations,
     {f"{P}/document.py": "from .errors import Error", f"{P}/errors.py": ""},
     [f"{P}.document:1 imports {P}.errors: document may not import errors"]),
    ("a name through a lazy face", order_violations,
     {f"{P}/citations.py": "from polyglot_news.models import Package", f"{P}/models/__init__.py": LAZY_FACE,
      f"{P}/models/store.py": ""},
     [f"{P}.citations:1 imports {P}.models.store: citations may not import models"]),
    ("a unit outside the table", order_violations,
     {f"{P}/extra/x.py": "from polyglot_news import errors", f"{P}/errors.py": ""},
     [f"{P}.extra.x: the unit 'extra' is not in the dependency table"]),
    ("downward and leaf imports", order_violations,
     {f"{P}/cli/a.py": "from polyglot_news.models.store import x\nfrom polyglot_news import io",
      f"{P}/models/store.py": "from ..io import write\nfrom polyglot_news.errors import E",
      f"{P}/io.py": "from polyglot_news.errors import E", f"{P}/errors.py": ""},
     []),
    ("a cycle hidden in a function", cycles,
     {f"{P}/batch/a.py": "from polyglot_news.batch.b import run", f"{P}/batch/b.py": "def f():\n    from . import a"},
     [f"an import cycle: {P}.batch.a → {P}.batch.b → {P}.batch.a"]),
    ("a cycle under TYPE_CHECKING", cycles,
     {f"{P}/a.py": "from polyglot_news.b import x",
      f"{P}/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import polyglot_news.a"},
     [f"an import cycle: {P}.a → {P}.b → {P}.a"]),
    ("no cycle", cycles, {f"{P}/a.py": "from polyglot_news.b import x", f"{P}/b.py": "import os"}, []),
    ("a private name imported", private_imports,
     {f"{P}/a.py": "def f():\n    from polyglot_news.b import _x", f"{P}/b.py": ""},
     [f"{P}.a:2 takes the private name _x from {P}.b"]),
    ("a private name through a module", private_imports,
     {f"{P}/a.py": "from polyglot_news import b\nb._x()", f"{P}/b.py": ""},
     [f"{P}.a:2 takes the private name _x from {P}.b"]),
    ("a private name in a script folder", private_imports,
     {"benchmarks/a.py": "from b import _x", "benchmarks/b.py": ""},
     ["benchmarks.a:1 takes the private name _x from benchmarks.b"]),
    ("a test file takes private names from what it is named after only", private_imports,
     {"tests/test_store.py": "from polyglot_news.models.store import _scan\n"
                             "from polyglot_news.models.installer import _lock",
      "tests/helpers.py": "from polyglot_news.models.store import _scan",
      f"{P}/models/store.py": "", f"{P}/models/installer.py": ""},
     [f"tests.helpers:1 takes the private name _scan from {P}.models.store",
      f"tests.test_store:2 takes the private name _lock from {P}.models.installer"]),
    ("dunder and own names", private_imports,
     {f"{P}/a.py": "from polyglot_news.b import __version__\n_y = 1\nimport polyglot_news.a as me\nme._y",
      f"{P}/b.py": ""},
     []),
    ("a name from a face of its own", names_from_own_face,
     {f"{P}/models/store.py": "from polyglot_news.models import Package\nfrom polyglot_news.models import build",
      f"{P}/models/build.py": "from polyglot_news import errors\nfrom polyglot_news import digest",
      f"{P}/models/__init__.py": LAZY_FACE, f"{P}/errors.py": ""},
     [f"{P}.models.build:2 imports the name digest from its own face {P}",
      f"{P}.models.store:1 imports the name Package from its own face {P}.models"]),
    ("too long", oversized, {f"{P}/a.py": "x = 1\n" * (MAX_LINES + 1), f"{P}/b.py": "x = 1\n" * MAX_LINES},
     [f"{P}/a.py: {MAX_LINES + 1} lines, over the limit of {MAX_LINES}"]),
    ("too many flat modules", flat_modules,
     {**{f"{P}/m{i:02}.py": "" for i in range(MAX_FLAT + 1)}, f"{P}/sub/a.py": ""},
     [f"{MAX_FLAT + 1} flat modules in {P}/, over the limit of {MAX_FLAT} (a new subsystem gets a folder): "
      + ", ".join(f"{P}/m{i:02}.py" for i in range(MAX_FLAT + 1))]),
    ("unused definitions", unused_definitions,
     {f"{P}/a.py": "import click\nX = 1\nY = 2\n_z = Y\ndef f(): pass\ndef g(): f()\n"
                   "@click.command()\ndef cmd(): pass\n@functools.cache\ndef cached(): pass",
      f"{P}/b.py": "from polyglot_news.a import g\nfrom polyglot_news import c\nc.h()\nclass K: pass",
      f"{P}/c.py": "def h(): pass\ndef i(): pass", f"{P}/d.py": "from polyglot_news.sub import j",
      f"{P}/sub/__init__.py": (
          "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from polyglot_news.sub.e import j"
      ),
      f"{P}/sub/e.py": "def j(): pass\ndef k(): pass"},
     [f"{P}.{name}: defined, but nothing uses it (remove it, or list it in KEPT with why)"
      for name in ("a.X", "a._z", "a.cached", "b.K", "c.i", "sub.e.k")]),
    ("a test named after nothing", unmirrored_tests,
     {"tests/test_translate.py": "", "tests/test_store.py": "", "tests/test_batch_inputs.py": "",
      "tests/test_serve_limits.py": "", "tests/test_build_kit.py": "", "tests/test_layout.py": "",
      "tests/helpers.py": "", f"{P}/models/store.py": "", f"{P}/batch/inputs.py": "", f"{P}/serve/app.py": "",
      "tools/build_kit.py": ""},
     ["tests/test_translate.py: named after no module (rename it, or list it in CROSS_CUTTING with why)"]),
]


@pytest.mark.parametrize(("case", "check", "sources", "expected"), SMALL_TREES, ids=[row[0] for row in SMALL_TREES])
def test_each_check_finds_what_it_should_in_a_small_tree(
    case: str, check: Callable[[Tree], list[str]], sources: dict[str, str], expected: list[str]
) -> None:
    assert check(Tree(sources)) == expected

"""The JSON Schemas the package ships describe what the commands really print.

Each machine output is produced for real (the CLI, the echo test packages, a batch with a bad
file and a bad JSON line) and validated against its schema, made strict for the test: an
object that has ``properties`` may then hold no other field, so a new field fails here until
its schema (and the reference page that includes it) says what it is.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from polyglot_news.cli import cli

from .conftest import EXAMPLES

jsonschema = pytest.importorskip("jsonschema")
referencing = pytest.importorskip("referencing")

SCHEMAS = resources.files("polyglot_news") / "data" / "schemas"
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(EXAMPLES / "belarus_us_relations.txt")
ARTICLES = EXAMPLES / "articles"
ECHO = ("echo-en_ru", "echo-en_be", "echo-ru_be", "echo-be_ru")


def _load() -> dict[str, dict[str, Any]]:
    return {
        entry.name.removesuffix(".schema.json"): json.loads(entry.read_text(encoding="utf-8"))
        for entry in SCHEMAS.iterdir()
        if entry.name.endswith(".schema.json")
    }


def strict(schema: Any) -> Any:
    """The schema with ``additionalProperties: false`` wherever an object lists its properties."""
    if isinstance(schema, list):
        return [strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: strict(value) for key, value in schema.items()}
    if "properties" in out and "additionalProperties" not in out and "allOf" not in out:
        out["additionalProperties"] = False
    return out


def validator(name: str, *, exact: bool = True) -> Any:
    """A Draft 2020-12 validator for the schema NAME, every shipped schema resolvable by its ``$id``."""
    loaded = {key: strict(value) if exact else value for key, value in _load().items()}
    registry = referencing.Registry().with_resources(
        (schema["$id"], referencing.Resource.from_contents(schema)) for schema in loaded.values()
    )
    return jsonschema.Draft202012Validator(loaded[name], registry=registry)


def check(name: str, instance: Any) -> None:
    errors = list(validator(name).iter_errors(instance))
    assert not errors, "\n".join(_explain(e) for e in errors[:5])


def _explain(error: Any) -> str:
    """The deepest reason of a failed validation (a oneOf's own errors), path first, briefly."""
    while error.context:
        error = min(error.context, key=lambda e: (-len(e.absolute_path), len(e.message)))
    return f"{list(error.absolute_path)}: {error.message[:300]}"


def run(*args: str, stdin: str | None = None, codes: tuple[int, ...] = (0,)) -> str:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    assert result.exit_code in codes, result.stderr
    return result.stdout


def test_every_schema_is_valid_and_named_after_its_id() -> None:
    schemas = _load()
    assert set(schemas) == {
        "detection", "digest-v1", "summary-v1", "translation", "batch-record", "models-list", "models-verify",
        "evaluate-v1",
    }
    for name, schema in schemas.items():
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$id"] == f"urn:polyglot-news:schema:{name}"
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_a_schema_rejects_what_it_does_not_describe() -> None:
    good = json.loads(run("digest", "--to", "none", EXAMPLE))
    check("digest-v1", good)
    bad: list[dict[str, Any]] = [copy.deepcopy(good) for _ in range(4)]
    del bad[0]["signature"]
    bad[1]["summary"][1]["markers"][0]["start"] = -1
    bad[2]["source"]["reason"] = "guessed"
    bad[3]["undocumented"] = 1
    for instance in bad:
        assert list(validator("digest-v1").iter_errors(instance)), instance
    assert not list(validator("digest-v1", exact=False).iter_errors(bad[3])), "published schemas allow new fields"


# (schema, packages to install, command) -> the command's stdout is one document of that schema
DOCUMENTS: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("digest-v1", (), ("digest", EXAMPLE)),
    ("digest-v1", (), ("digest", "--source-lang", "en", "--method", "lexrank", EXAMPLE)),
    ("digest-v1", ECHO, ("digest", "--to", "ru,be", "--translate", "headline,summary,references,full",
                         "--glossary", str(EXAMPLES / "glossary.tsv"), EXAMPLE)),
    ("digest-v1", ECHO, ("digest", "--to", "ru,be", str(ARTICLES / "ru_rail_timetable.txt"))),
    ("digest-v1", ("echo-en_ru",), ("digest", "--to", "ru,uk", EXAMPLE)),  # uk: no route, exit 8
    ("detection", (), ("detect", "--format", "json", EXAMPLE)),
    ("detection", (), ("detect", "--format", "json", str(ARTICLES / "be_library_reopens.txt"))),
    ("detection", (), ("detect", "--format", "json", str(EXAMPLES / "letter.docx"))),
    ("digest-v1", ECHO, ("digest", "--to", "ru", str(EXAMPLES / "page.html"))),
    ("translation", ECHO, ("translate", "--format", "json", "--no-markup", "--to", "ru", str(EXAMPLES / "page.html"))),
    ("translation", ECHO, ("translate", "--format", "json", "--to", "ru", str(EXAMPLES / "page.html"))),  # + page
    ("summary-v1", (), ("summarize", "--format", "json", "--ratio", "0.3", EXAMPLE)),
    ("translation", ECHO, ("translate", "--format", "json", "--to", "be", "--glossary",
                           str(EXAMPLES / "glossary.tsv"), EXAMPLE)),
    ("models-list", ECHO, ("models", "list", "--json")),
    ("models-list", (), ("models", "list", "--json")),
    ("models-verify", ECHO, ("models", "verify", "--json")),
]


@pytest.mark.parametrize(("schema", "packages", "command"), DOCUMENTS, ids=lambda v: str(v)[:60])
def test_command_output_matches_its_schema(
    schema: str, packages: tuple[str, ...], command: tuple[str, ...], install_packages: Callable[..., None]
) -> None:
    install_packages(*packages)
    check(schema, json.loads(run(*command, codes=(0, 8))))


# Text that cannot be called, one per reason the schema lists for und
UNDETERMINED = [
    ("Hi.", "too-short"),
    ("12345 67890", "no-letters"),
    ("The weather is nice today and everybody is walking in the park. Сегодня хорошая погода, и все гуляют.", "mixed"),
    ("Maybe", "uncertain"),
]


@pytest.mark.parametrize(("text", "reason"), UNDETERMINED)
def test_undetermined_detection_matches_its_schema(text: str, reason: str) -> None:
    found = json.loads(run("detect", "--format", "json", "-", stdin=text))
    assert (found["language"], found["reason"]) == ("und", reason)
    check("detection", found)


def test_evaluation_matches_its_schema(install_packages: Callable[..., None], tmp_path: Path) -> None:
    pytest.importorskip("sacrebleu")
    install_packages("echo-en_ru", "echo-en_be")
    rows = (EXAMPLES / "parallel_en_ru_be.tsv").read_text(encoding="utf-8").splitlines()
    parallel = tmp_path / "parallel.tsv"  # a Ukrainian column, which no installed route reaches
    parallel.write_text("\n".join(f"{row}\t{'ukr' if i == 0 else 'текст'}" for i, row in enumerate(rows)) + "\n")
    out = json.loads(run("models", "evaluate", "--source-column", "eng", "--format", "json", str(parallel),
                         codes=(0,)))
    assert {"error" in r for r in out["results"]} == {True, False}
    check("evaluate-v1", out)


def test_batch_records_match_their_schema(install_packages: Callable[..., None], tmp_path: Path) -> None:
    install_packages(*ECHO)
    feed = (EXAMPLES / "feed.jsonl").read_text(encoding="utf-8") + "not json\n" + '{"id": 7, "text": ""}\n'
    lines = run("batch", "--to", "ru", "-j", "1", "-", stdin=feed, codes=(7,)).splitlines()
    records = [json.loads(line) for line in lines]
    assert [("digest" in r, "error" in r) for r in records] == [(True, False)] * 3 + [(False, True)] * 2
    assert records[0]["desk"] == "city"
    if (EXAMPLES / "feeds").is_dir():  # feed items: their link, published, author and feed passed through
        feeds = run("batch", "--to", "none", "-j", "1", "--glob", "*.xml", str(EXAMPLES / "feeds"), codes=(0, 7))
        records += [json.loads(line) for line in feeds.splitlines()]
        assert any("link" in r for r in records)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "story.txt").write_text(Path(EXAMPLE).read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    for _ in range(2):  # the second run keeps the file: "resumed"
        printed = run("batch", "--to", "none", "-j", "1", "--resume", "-o", str(out), str(folder), codes=(7,))
        records += [json.loads(line) for line in printed.splitlines()]
    assert any(r.get("resumed") for r in records) and any("output" in r for r in records)
    records.append(json.loads((out / "story.json").read_text(encoding="utf-8")))
    for record in records:
        check("batch-record", record)


def test_every_schema_is_published_in_the_docs() -> None:
    """The reference pages include each schema file as it ships (the snippet line mkdocs expands)."""
    pages = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs" / "reference").glob("*.md"))
    for name in _load():
        assert f'--8<-- "polyglot_news/data/schemas/{name}.schema.json"' in pages, name

"""Golden outputs: what every command prints for fixed inputs, recorded byte for byte.

``tests/test_golden.py`` replays each case and compares. A change that is meant to change an
output re-records the files and shows the diff in its commit::

    python -m tests.golden --update            # rewrite tests/data/golden/

Project-written inputs are stored as full outputs; outputs of third-party evaluation texts
(``../shared/eval-dev``, never copied into the repository) are stored as sha256 only.
Temporary paths and timings are replaced by placeholders before comparing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "data" / "golden"
EXAMPLE = ROOT / "examples" / "belarus_us_relations.txt"
RU_ARTICLE = ROOT / "tests" / "data" / "minsk_transport_ru.txt"
PAGE = ROOT / "examples" / "page.html"
FEEDS = ROOT / "examples" / "feeds"
LETTER = ROOT / "examples" / "letter.docx"
EVAL_DEV = Path(os.environ.get("POLYGLOT_NEWS_EVAL_DEV", ROOT.parent / "shared" / "eval-dev"))

PARALLEL = (
    "id\teng\trus\tbel\n"
    "1\tThe city council approved a new budget on Monday [1].\tГорсовет утвердил бюджет.\tГарсавет зацвердзіў бюджэт.\n"
    "2\tOfficials said the money will pay for forty new buses."
    "\tДеньги пойдут на автобусы.\tГрошы пойдуць на аўтобусы.\n"
    "3\tResidents of Minsk have complained about trams [2][3].\tЖители жалуются.\tЖыхары скардзяцца.\n"
)
NOTES = "Minsk opened a new tram line on Monday [1].\nThe line links the centre with two suburbs [2], officials said.\n"
PACKAGES = ("echo-en_ru", "echo-ru_be", "echo-ru_en")


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]
    stdin: str | None = None
    models: bool = False
    hashed: bool = False


def cases(work: Path) -> Iterator[Case]:
    """Every golden case; ``work`` holds inputs written for the run (feed folder, TSV)."""
    example, ru = str(EXAMPLE), str(RU_ARTICLE)
    yield Case("detect.txt", ("detect", example))
    yield Case("detect.json", ("detect", "--format", "json", ru))
    for fmt in ("text", "json", "markdown"):
        yield Case(f"summarize-n2.{fmt}", ("summarize", "-n", "2", "--format", fmt, example))
        yield Case(f"digest.{fmt}", ("digest", "--to", "none", "--format", fmt, example))
        yield Case(
            f"digest-ru-be.{fmt}",
            ("digest", "--to", "ru,be", "--translate", "headline,summary,references,full", "--format", fmt, example),
            models=True,
        )
    yield Case(
        "digest-ru-be.html",
        ("digest", "--to", "ru,be", "--translate", "headline,summary,references,full", "--format", "html", example),
        models=True,
    )
    lexrank = ("digest", "--to", "none", "--method", "lexrank", "--ratio", "0.3", example)
    yield Case("digest-ratio-lexrank.json", lexrank)
    yield Case("digest-ru-to-be.json", ("digest", "--to", "be", ru), models=True)
    yield Case("digest-default-targets.json", ("digest", example), models=True)
    yield Case("translate-ru.txt", ("translate", "--to", "ru", "--source-lang", "en"), stdin=NOTES, models=True)
    yield Case(
        "translate-be.json", ("translate", "--to", "be", "--source-lang", "en", "--format", "json"),
        stdin=NOTES, models=True,
    )
    yield Case("batch.jsonl", ("batch", str(work / "feed"), "--to", "ru,be", "-j", "1"), models=True)
    yield Case("batch-none.jsonl", ("batch", str(work / "feed"), "--to", "none", "-j", "1"))
    yield Case("digest-page.json", ("digest", "--to", "none", "--ratio", "0.99", str(PAGE)))
    yield Case("digest-page-ru.html", ("digest", "--to", "ru", "--format", "html", str(PAGE)), models=True)
    yield Case("translate-page-ru.html", ("translate", "--to", "ru", str(PAGE)), models=True)
    yield Case("batch-feeds.jsonl", ("batch", str(FEEDS), "--glob", "*.xml", "--to", "none", "-j", "1"))
    yield Case("digest-letter.json", ("digest", "--to", "none", "--ratio", "0.99", str(LETTER)))
    yield Case("models-list.txt", ("models", "list"), models=True)
    yield Case("models-list.json", ("models", "list", "--json"), models=True)
    yield Case(
        "models-evaluate.json",
        ("models", "evaluate", "--source-column", "eng", "--to", "ru,be", "--format", "json", str(work / "par.tsv")),
        models=True,
    )
    for name, path, field, count in (
        ("bbc", EVAL_DEV / "a_summ" / "bbc_news_summary_55.jsonl", "article", 3),
        ("xlsum-ru-uk", EVAL_DEV / "d_ru_summ" / "xlsum_ru_uk_30.jsonl", "article", 4),
    ):
        if not path.exists():
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()[:count]):
            text = json.loads(line)[field]
            yield Case(f"eval-dev-{name}-{i}.json.sha256", ("digest", "--to", "none", "-"), stdin=text, hashed=True)


def prepare(work: Path) -> None:
    """Write the inputs the cases read: a feed folder and a parallel TSV."""
    feed = work / "feed"
    (feed / "ru").mkdir(parents=True, exist_ok=True)
    (feed / "example.txt").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (feed / "ru" / "minsk.txt").write_text(RU_ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    (feed / "empty.txt").write_text("", encoding="utf-8")
    (work / "par.tsv").write_text(PARALLEL, encoding="utf-8")


def install_store(store: Path, packages: Path) -> None:
    """Build the test packages and install the golden set into ``store``."""
    from click.testing import CliRunner

    from lang_models.build_test_packages import build
    from polyglot_news.cli import cli

    built = build(packages, which=list(PACKAGES))
    runner = CliRunner()
    for name in PACKAGES:
        result = runner.invoke(cli, ["models", "install", str(built[name])], env={"POLYGLOT_NEWS_MODELS": str(store)})
        assert result.exit_code == 0, result.output


def run(case: Case, work: Path, store: Path, empty_store: Path) -> str:
    """The case's stdout, then its exit code and stderr, with paths and timings normalised."""
    from click.testing import CliRunner

    from polyglot_news.cli import cli

    env = {"POLYGLOT_NEWS_MODELS": str(store if case.models else empty_store)}
    result = CliRunner().invoke(cli, list(case.args), input=case.stdin, env=env)
    if case.hashed:
        return hashlib.sha256(result.stdout.encode("utf-8")).hexdigest() + f"\nexit {result.exit_code}\n"
    out = f"{result.stdout}\n--- exit {result.exit_code}\n--- stderr\n{result.stderr}"
    return normalise(out, work, store, empty_store)


def normalise(text: str, work: Path, store: Path, empty_store: Path) -> str:
    for path, name in ((store, "$STORE"), (empty_store, "$EMPTY_STORE"), (work, "$WORK")):
        text = text.replace(str(path), name)
    text = re.sub(r'"(seconds|sentences_per_second|elapsed)": [0-9.e+-]+', r'"\1": 0', text)
    summary = r"\d+ articles?, (\d+) ok, (\d+) failed in [0-9.]+ s \([0-9.]+/s\)"
    return re.sub(summary, r"ARTICLES \1 ok \2 failed", text)


def record(update: bool) -> list[str]:
    """Run every case; rewrite the golden files (``update``) or return the names that differ."""
    differ: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        prepare(work)
        store, empty_store = work / "store", work / "empty-store"
        install_store(store, work / "packages")
        for case in cases(work):
            got = run(case, work, store, empty_store)
            path = GOLDEN / case.name
            if update:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(got, encoding="utf-8")
            elif not path.exists() or path.read_text(encoding="utf-8") != got:
                differ.append(case.name)
    return differ


if __name__ == "__main__":
    update = "--update" in sys.argv
    changed = record(update)
    print("\n".join(changed) or ("written to " if update else "all match ") + str(GOLDEN), file=sys.stderr)
    sys.exit(1 if changed else 0)

"""Parallel files (TSV with a header row): reading, language columns, targets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from polyglot_news.errors import InputError
from polyglot_news.io import read_article
from polyglot_news.languages import ISO639_3 as ISO639_3
from polyglot_news.languages import KNOWN_TWO_LETTER

MAX_BYTES = 256 * 1024 * 1024
"""Largest parallel file accepted (NTREX-128 with all 128 languages is about 60 MB)."""

_LANG_2 = KNOWN_TWO_LETTER
# ---------------------------------------------------------------- the file


@dataclass(frozen=True)
class ParallelFile:
    """A parallel TSV: its header and its data rows (every row as long as the header)."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def column(self, name: str) -> list[str]:
        """The cells of column ``name``, in row order.

        Raises:
            InputError: the file has no such column.
        """
        if name not in self.columns:
            raise InputError(f"{self.name}: no column {name!r} (columns: {', '.join(self.columns)})")
        i = self.columns.index(name)
        return [row[i] for row in self.rows]


def read_parallel(path: str | Path, *, limit: int | None = None, max_bytes: int = MAX_BYTES) -> ParallelFile:
    """Read a tab-separated parallel file with a header row (``-`` is standard input).

    Blank lines are skipped; ``limit`` keeps the first N data rows.

    Raises:
        InputError: unreadable, not UTF-8, empty, no data rows, a duplicated or empty column
            name, or a row whose field count differs from the header's (the line is named).
    """
    name = "<stdin>" if str(path) == "-" else str(path)
    lines = read_article(path, max_bytes=max_bytes).split("\n")
    numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
    header_line, header = numbered[0]
    columns = tuple(c.strip() for c in header.split("\t"))
    if any(not c for c in columns):
        raise InputError(f"{name}: line {header_line}: the header has an empty column name")
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        raise InputError(f"{name}: line {header_line}: duplicated column {duplicated[0]!r} in the header")
    rows: list[tuple[str, ...]] = []
    for number, line in numbered[1:]:
        if limit is not None and len(rows) >= limit:
            break
        cells = tuple(c.strip() for c in line.split("\t"))
        if len(cells) != len(columns):
            raise InputError(
                f"{name}: line {number} has {len(cells)} fields, the header has {len(columns)} "
                "(tab-separated, no quoting)"
            )
        rows.append(cells)
    if not rows:
        raise InputError(f"{name}: no data rows after the header")
    return ParallelFile(name, columns, tuple(rows))


def language_of_column(column: str) -> str | None:
    """The ISO 639-1 code a column name stands for (``rus``, ``ru``, ``rus_Cyrl`` → ``ru``), if any."""
    base = re.split(r"[_\-]", column.strip().lower(), maxsplit=1)[0]
    if base in ISO639_3:
        return ISO639_3[base]
    return base if base in _LANG_2 else None


def find_column(data: ParallelFile, language: str) -> str:
    """The one column of ``data`` whose name stands for ``language``.

    Raises:
        InputError: no such column, or more than one.
    """
    found = [c for c in data.columns if language_of_column(c) == language]
    if len(found) == 1:
        return found[0]
    if not found:
        raise InputError(
            f"{data.name}: no column for {language!r} (columns: {', '.join(data.columns)}); "
            f"name it with --target {language}=COLUMN"
        )
    raise InputError(
        f"{data.name}: several columns for {language!r} ({', '.join(found)}); "
        f"pick one with --target {language}=COLUMN"
    )


@dataclass(frozen=True)
class Target:
    """A language and the column that holds its text."""

    language: str
    column: str


def default_targets(data: ParallelFile, source: Target) -> list[Target]:
    """Every column named like a language other than the source's, in file order."""
    out: list[Target] = []
    for column in data.columns:
        language = language_of_column(column)
        if column != source.column and language and language != source.language:
            if language not in {t.language for t in out}:
                out.append(Target(language, column))
    return out



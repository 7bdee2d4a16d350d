"""``polyglot-news models evaluate``: score installed routes on a parallel TSV file.

A thin layer over :mod:`polyglot_news.evaluate`: it resolves the columns, prints the table
or the JSON on stdout, progress and ``Error: …`` lines on stderr, and exits with the
errors' own codes (8 when an explicitly requested target has no route).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from polyglot_news.cli.options import decode_options, decoding_options, library_errors, model_option, models_option
from polyglot_news.cli.tables import table
from polyglot_news.errors import InputError

if TYPE_CHECKING:
    from polyglot_news.evaluate import Evaluation, ParallelFile, RouteScore, Target

HEADER = ["TARGET", "ROUTE", "N", "CHRF++", "BLEU", "MARKERS", "LANG", "FLAGGED", "SENT/S"]


def _number(value: float | None, suffix: str = "") -> str:
    return "-" if value is None else f"{value:.1f}{suffix}"


def _row(result: RouteScore, rows: int) -> list[str]:
    if result.error is not None:
        return [result.target, f"error: {result.error.split(':')[0]}", str(rows)] + ["-"] * 6
    route = result.route + (" (TEST MODEL)" if result.test_model else "")
    return [
        result.target,
        route,
        str(result.rows),
        _number(result.chrf),
        _number(result.bleu),
        _number(result.marker_fidelity, "%"),
        _number(result.language_ok, "%"),
        _number(result.flagged_share, "%"),
        _number(result.sentences_per_second),
    ]


def render_text(evaluation: Evaluation) -> str:
    """The table (one row per target) and the lines that make it reproducible."""
    from polyglot_news.evaluate import BLEU_NOTE

    rows = [HEADER] + [_row(r, evaluation.rows) for r in evaluation.results]
    lines = table(rows).split("\n")
    lines += [
        "",
        (
            f"{evaluation.rows} rows ({evaluation.sentences} sentences) of {evaluation.file}, "
            f"source column {evaluation.source.column} ({evaluation.source.language})."
        ),
        (
            "MARKERS: sentences whose synthetic citation markers came back identical; LANG: segments "
            "detected as the target language; FLAGGED: sentences the engine's guard flagged."
        ),
        f"chrF++: {evaluation.chrf_signature}",
        f"BLEU: {evaluation.bleu_signature}. {BLEU_NOTE}",
    ]
    lines += [f"{r.target}: {r.signature}" for r in evaluation.results if r.error is None]
    if any(r.test_model for r in evaluation.results):
        lines.append(
            "TEST MODEL: a project test package (it copies its input); its scores check the command, "
            "they say nothing about translation quality."
        )
    lines.append(f"signature: {evaluation.signature}")
    return "\n".join(lines) + "\n"


def _resolve_source(data: ParallelFile, column: str | None, language: str | None) -> Target:
    from polyglot_news.evaluate import Target, find_column, language_of_column

    if column is None and language is None:
        raise click.UsageError("name the source with --source-column COLUMN (or --source-lang LANG)")
    if column is None:
        assert language is not None
        return Target(language, find_column(data, language))
    data.column(column)  # InputError when the file lacks it
    language = language or language_of_column(column)
    if language is None:
        raise click.UsageError(f"cannot tell the language of column {column!r}: add --source-lang LANG")
    return Target(language, column)


def _resolve_targets(
    data: ParallelFile, source: Target, pairs: tuple[str, ...], to: str | None
) -> tuple[list[Target], bool]:
    """The targets and whether they were asked for (else guessed from the column names)."""
    from polyglot_news.evaluate import Target, default_targets, find_column

    targets: list[Target] = []
    for pair in pairs:
        language, sep, column = pair.partition("=")
        if not sep or not column.strip():
            raise click.BadParameter(f"expected LANG=COLUMN (e.g. be=bel), not {pair!r}", param_hint="--target")
        targets.append(Target(_code(language, "--target"), column.strip()))
    for language in (to or "").split(","):
        if language.strip():
            code = _code(language, "--to")
            targets.append(Target(code, find_column(data, code)))
    if pairs or (to or "").strip():
        for target in targets:
            data.column(target.column)
        return list(dict.fromkeys(targets)), True
    guessed = default_targets(data, source)
    if not guessed:
        raise InputError(f"{data.name}: no target column besides {source.column!r}; name one with --target")
    return guessed, False


def _code(value: str, option: str) -> str:
    from polyglot_news.languages import check_language_code

    try:
        return check_language_code(value, option)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint=option) from None


@click.command("evaluate")
@click.argument("file", metavar="FILE")
@click.option("--source-column", metavar="COLUMN", help="The source text's column, e.g. eng.")
@click.option(
    "--source-lang", metavar="LANG",
    help="The source language [default: from the column name: eng, en or eng_Latn give en].",
)
@click.option(
    "--target", "pairs", multiple=True, metavar="LANG=COLUMN",
    help="A target language and its reference column, e.g. be=bel (repeatable).",
)
@click.option(
    "--to", metavar="LANGS",
    help="Target languages, comma-separated (e.g. be,ru); the columns are found by name. "
    "Default: every column named like a language other than the source.",
)
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Use only the first N rows.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for the synthetic citation markers.")
@models_option()
@model_option
@decoding_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def evaluate_command(
    ctx: click.Context, file: str, source_column: str | None, source_lang: str | None, pairs: tuple[str, ...],
    to: str | None, limit: int | None, seed: int, models: Path | None, beam_size: int, max_length: int,
    compute_type: str, batch_tokens: int | None, guard: str, model: str | None, fmt: str,
) -> None:
    """Score the installed translation routes on a parallel FILE ('-' for standard input).

    FILE is tab-separated with a header row, one segment a row, e.g. columns id, eng, rus,
    bel. Each target gets chrF++ and BLEU (sacrebleu) against its reference column, the
    share of sentences whose citation markers survive, the share detected as the target
    language, the share the engine flagged, and the speed. Needs sacrebleu
    (pip install sacrebleu).

    \b
    Examples:
      polyglot-news models evaluate --source-column eng --to be,ru ntrex.tsv
      polyglot-news models evaluate --source-column eng --target be=bel --limit 100 --format json ntrex.tsv
    """
    from polyglot_news import evaluate as lib

    try:
        options = decode_options(beam_size, max_length, compute_type, batch_tokens, guard)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    with library_errors():
        lib.require_sacrebleu()  # fail before reading anything
        data = lib.read_parallel(file, limit=limit)
        source = _resolve_source(data, source_column, _code(source_lang, "--source-lang") if source_lang else None)
        targets, explicit = _resolve_targets(data, source, pairs, to)
        result = lib.evaluate(
            data, source, targets, models=models, options=options, seed=seed, explicit=explicit, model=model,
            progress=lambda line: click.echo(f"Evaluating {line}…", err=True),
        )
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(result), nl=False)
    for failed in result.results:
        if failed.error is not None:
            label = "Error" if failed.exit_code else "Note"
            click.echo(f"{label}: {failed.target}: {failed.error}", err=True)
        elif failed.test_model:
            click.echo(f"Note: {failed.target} comes from a TEST MODEL: its output is not a translation", err=True)
    code = max((r.exit_code for r in result.results), default=0)
    if code:
        ctx.exit(code)


"""The ``polyglot-news`` command line: a thin layer over the library.

stdout carries data only; every message goes to stderr as one ``Error: …`` line with the
exit code documented in :mod:`polyglot_news.errors`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .cli_options import (
    ErrorGroup,
    check_length,
    decode_options,
    detector_option,
    emit,
    glossary_file,
    input_argument,
    output_options,
    read_input,
    summary_options,
    target_options,
    translation_options,
    translation_request,
)
from .errors import EXIT_PARTIAL


@click.group(cls=ErrorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="polyglot-news")
def cli() -> None:
    """Offline digests of news articles: detect the language, summarize, keep citations.

    Every command reads a file, or standard input when INPUT is '-' or left out, and writes
    data only to standard output (or to --output FILE, replaced atomically). Messages go to
    standard error.

    \b
    Examples:
      polyglot-news digest story.txt
      cat story.txt | polyglot-news summarize --sentences 3 --format markdown
      polyglot-news detect --format json story.txt

    \b
    Exit codes: 0 ok, 1 internal error, 2 usage, 3 bad input or output, 4 language unknown,
    5 model problem, 6 citation invariant broken, 7 partial success, 8 no route for --to.
    """


@cli.command()
@input_argument
@detector_option
@output_options("text")
def detect(input: str, detector: str, fmt: str, output: str | None) -> None:
    """Detect the language of INPUT (an ISO 639-1 code, or 'und' when unsure)."""
    from . import pipeline, render

    found = pipeline.detect_language(read_input(input), detector=detector)
    emit(render.detection(found, fmt), output)


@cli.command()
@input_argument
@summary_options
@detector_option
@output_options("text")
def summarize(
    input: str, method: str, sentences: int | None, ratio: float | None, source_lang: str | None,
    detector: str, fmt: str, output: str | None,
) -> None:
    """Summarize INPUT: the chosen body sentences in source order, citations kept."""
    from . import pipeline, render

    check_length(sentences, ratio)
    result = pipeline.summarize_article(
        read_input(input), source_lang=source_lang, method=method, sentences=sentences, ratio=ratio,
        detector=detector,
    )
    emit(render.summary(result, fmt), output)


@cli.command()
@input_argument
@summary_options
@detector_option
@target_options
@translation_options
@output_options("json")
def digest(
    input: str, method: str, sentences: int | None, ratio: float | None, source_lang: str | None,
    detector: str, targets: str | None, parts: str, models: Path | None, beam_size: int, max_length: int,
    compute_type: str, glossary: Path | None, strict: bool, fmt: str, output: str | None,
) -> None:
    """Digest INPUT: language, headline, summary with citations, the cited references, and
    their translations into Russian and Belarusian (or the --to languages).

    A default target without an installed model is skipped with a note on stderr; a --to
    language without a route is reported in the JSON (translations.LANG.error) and the
    command exits with code 8 after writing the rest.
    """
    from . import pipeline, render

    check_length(sentences, ratio)
    request = translation_request(targets, parts, models, beam_size, max_length, compute_type, glossary)
    result = pipeline.digest(
        read_input(input), source_lang=source_lang, method=method, sentences=sentences, ratio=ratio,
        translation=request, detector=detector,
    )
    for note in result.notes:
        click.echo(f"Note: {note}", err=True)
    emit(render.digest(result, fmt), output)
    if result.errors:
        for error in result.errors:
            click.echo(f"Error: {error}", err=True)
        sys.exit(max(getattr(e, "exit_code", 1) for e in result.errors))
    if strict and any(t.get("flags") for t in result.translations.values()):
        click.echo("Error: flagged translations (see translations.LANG.flags) and --strict is on", err=True)
        sys.exit(EXIT_PARTIAL)


@cli.command()
@input_argument
@click.option("--to", "target", required=True, metavar="LANG", help="Target language, e.g. ru or be.")
@click.option("--source-lang", metavar="CODE", help="Skip detection: the text's language.")
@detector_option
@translation_options
@output_options("text")
def translate(
    input: str, target: str, source_lang: str | None, detector: str, models: Path | None, beam_size: int,
    max_length: int, compute_type: str, glossary: Path | None, strict: bool, fmt: str, output: str | None,
) -> None:
    """Translate INPUT (any text) into LANG offline, citation markers kept in place.

    Paragraphs (lines) are kept; each sentence is translated on its own, all in one batch.
    """
    from . import pipeline, render, translation

    result = pipeline.translate_text(
        read_input(input), target, source_lang=source_lang, models=models,
        options=decode_options(beam_size, max_length, compute_type), glossary=glossary_file(glossary),
        detector=detector,
    )
    emit(render.translation(result, fmt), output)
    counted = translation.glossary_summary(result.terms)
    if counted:
        click.echo(f"Note: {target} glossary: {counted}", err=True)
    flagged = translation.flag_summary(result.results)
    if flagged:
        click.echo(f"Note: {target}: {flagged}", err=True)
        if strict:
            sys.exit(EXIT_PARTIAL)


def _attach_subcommands() -> None:
    from .cli_batch import batch
    from .cli_evaluate import evaluate_command
    from .cli_models import models

    models.add_command(evaluate_command)
    cli.add_command(models)
    cli.add_command(batch)


_attach_subcommands()


def main() -> None:
    cli()

"""The ``polyglot-news`` command line: a thin layer over the library.

stdout carries data only; every message goes to stderr as one ``Error: …`` line with the
exit code documented in :mod:`polyglot_news.errors`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .errors import EXIT_PARTIAL, PolyglotNewsError
from .summarize import DEFAULT_METHOD, METHODS

FORMATS = ("text", "json", "markdown")

F = TypeVar("F", bound=Callable[..., Any])


class _Group(click.Group):
    """Shows library errors as one ``Error: …`` line on stderr and exits with their code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PolyglotNewsError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(error.exit_code)
        except ValueError as error:  # a bad option value the library caught: a usage error
            click.echo(f"Error: {error}", err=True)
            ctx.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
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


def _input_argument(func: F) -> F:
    return click.argument("input", default="-", metavar="[INPUT]")(func)


def _output_options(default: str) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        func = click.option(
            "--format", "fmt", type=click.Choice(FORMATS), default=default, show_default=True,
            help="Output format.",
        )(func)
        return click.option(
            "-o", "--output", type=click.Path(dir_okay=False, writable=True),
            help="Write to FILE (atomically) instead of standard output.",
        )(func)

    return decorate


def _summary_options(func: F) -> F:
    options = [
        click.option(
            "--method", type=click.Choice(sorted(METHODS)), default=DEFAULT_METHOD, show_default=True,
            help="Extractive algorithm ('lead' = the first sentences).",
        ),
        click.option("--sentences", "-n", type=click.IntRange(min=1), help="Summary length in sentences [default: 3]."),
        click.option("--ratio", type=click.FloatRange(0, 1, min_open=True), help="Summary length as a share of the body."),
        click.option("--source-lang", metavar="CODE", help="Skip detection: the article's language (e.g. en, ru, be)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _codes(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    codes = tuple(c.strip() for c in value.split(",") if c.strip())
    if not codes:
        raise click.BadParameter("name at least one language code, e.g. --to ru,be", param_hint="--to")
    return codes


def _translation_options(func: F) -> F:
    options = [
        click.option(
            "--models", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
            help="Model store [default: $POLYGLOT_NEWS_MODELS or the per-user store; see `models path`].",
        ),
        click.option("--beam-size", type=click.IntRange(min=1), default=4, show_default=True, help="Beam width."),
        click.option(
            "--max-length", type=click.IntRange(min=1), default=256, show_default=True,
            help="Most target tokens per sentence.",
        ),
        click.option(
            "--compute-type", default="int8", show_default=True,
            help="CTranslate2 compute type (int8, int8_float32, float32, …).",
        ),
        click.option(
            "--glossary", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
            help="TSV of newsroom spellings (header: source<TAB>ru<TAB>be): terms are rewritten in "
            "the translation, inflection kept where safe; hits and misses are reported.",
        ),
        click.option(
            "--strict", is_flag=True,
            help="Exit with code 7 when any translated sentence is flagged (wrong language or "
            "script, loops, absurd length), after writing the output.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _decode_options(beam_size: int, max_length: int, compute_type: str) -> Any:
    from .translate import DecodeOptions

    return DecodeOptions(beam_size=beam_size, max_decoding_length=max_length, compute_type=compute_type)


def _glossary(path: Path | None) -> Any:
    if path is None:
        return None
    from .glossary import load_glossary

    return load_glossary(path)


def _read(source: str) -> str:
    from .io import read_article

    if source == "-" and sys.stdin.isatty():
        click.echo("Reading the article from standard input (end with Ctrl-D)…", err=True)
    return read_article(source)


def _emit(text: str, output: str | None) -> None:
    if output:
        from .io import write_atomic

        write_atomic(output, text)
    else:
        click.echo(text, nl=False)


def _check_length(sentences: int | None, ratio: float | None) -> None:
    if sentences is not None and ratio is not None:
        raise click.UsageError("use --sentences or --ratio, not both")


@cli.command()
@_input_argument
@_output_options("text")
def detect(input: str, fmt: str, output: str | None) -> None:
    """Detect the language of INPUT (an ISO 639-1 code, or 'und' when unsure)."""
    from . import pipeline, render

    found = pipeline.detect_language(_read(input))
    _emit(render.detection(found, fmt), output)


@cli.command()
@_input_argument
@_summary_options
@_output_options("text")
def summarize(
    input: str, method: str, sentences: int | None, ratio: float | None, source_lang: str | None,
    fmt: str, output: str | None,
) -> None:
    """Summarize INPUT: the chosen body sentences in source order, citations kept."""
    from . import pipeline, render

    _check_length(sentences, ratio)
    result = pipeline.summarize_article(
        _read(input), source_lang=source_lang, method=method, sentences=sentences, ratio=ratio
    )
    _emit(render.summary(result, fmt), output)


@cli.command()
@_input_argument
@_summary_options
@click.option(
    "--to", "targets", metavar="LANGS",
    help="Translate into these languages, comma-separated (e.g. ru,be). Default: ru and be where "
    "a model is installed; 'none' to skip translation.",
)
@click.option(
    "--translate", "parts", default="headline,summary,references", show_default=True, metavar="PARTS",
    help="What to translate: any of headline, summary, references, full (every body sentence).",
)
@_translation_options
@_output_options("json")
def digest(
    input: str, method: str, sentences: int | None, ratio: float | None, source_lang: str | None,
    targets: str | None, parts: str, models: Path | None, beam_size: int, max_length: int,
    compute_type: str, glossary: Path | None, strict: bool, fmt: str, output: str | None,
) -> None:
    """Digest INPUT: language, headline, summary with citations, the cited references, and
    their translations into Russian and Belarusian (or the --to languages).

    A default target without an installed model is skipped with a note on stderr; a --to
    language without a route is reported in the JSON (translations.LANG.error) and the
    command exits with code 8 after writing the rest.
    """
    from . import pipeline, render, translation

    _check_length(sentences, ratio)
    request = None
    if (targets or "").strip().lower() != "none":
        request = translation.TranslationRequest(
            targets=_codes(targets),
            parts=tuple(p.strip() for p in parts.split(",") if p.strip()),
            models=models,
            options=_decode_options(beam_size, max_length, compute_type),
            glossary=_glossary(glossary),
        )
    result = pipeline.digest(
        _read(input), source_lang=source_lang, method=method, sentences=sentences, ratio=ratio,
        translation=request,
    )
    for note in result.notes:
        click.echo(f"Note: {note}", err=True)
    _emit(render.digest(result, fmt), output)
    if result.errors:
        for error in result.errors:
            click.echo(f"Error: {error}", err=True)
        sys.exit(max(getattr(e, "exit_code", 1) for e in result.errors))
    if strict and any(t.get("flags") for t in result.translations.values()):
        click.echo("Error: flagged translations (see translations.LANG.flags) and --strict is on", err=True)
        sys.exit(EXIT_PARTIAL)


@cli.command()
@_input_argument
@click.option("--to", "target", required=True, metavar="LANG", help="Target language, e.g. ru or be.")
@click.option("--source-lang", metavar="CODE", help="Skip detection: the text's language.")
@_translation_options
@_output_options("text")
def translate(
    input: str, target: str, source_lang: str | None, models: Path | None, beam_size: int,
    max_length: int, compute_type: str, glossary: Path | None, strict: bool, fmt: str, output: str | None,
) -> None:
    """Translate INPUT (any text) into LANG offline, citation markers kept in place.

    Paragraphs (lines) are kept; each sentence is translated on its own, all in one batch.
    """
    from . import pipeline, render, translation

    result = pipeline.translate_text(
        _read(input), target, source_lang=source_lang, models=models,
        options=_decode_options(beam_size, max_length, compute_type), glossary=_glossary(glossary),
    )
    _emit(render.translation(result, fmt), output)
    counted = translation.glossary_summary(result.terms)
    if counted:
        click.echo(f"Note: {target} glossary: {counted}", err=True)
    flagged = translation.flag_summary(result.results)
    if flagged:
        click.echo(f"Note: {target}: {flagged}", err=True)
        if strict:
            sys.exit(EXIT_PARTIAL)


def _attach_models() -> None:
    from .cli_evaluate import evaluate_command
    from .cli_models import models

    models.add_command(evaluate_command)
    cli.add_command(models)


_attach_models()


def main() -> None:
    cli()

"""The article commands: detect, summarize, digest, translate."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from polyglot_news.cli.options import (
    decode_options,
    detector_option,
    emit,
    glossary_file,
    input_argument,
    input_format_option,
    output_options,
    read_data,
    read_input,
    summary_options,
    summary_request,
    target_options,
    translation_options,
    translation_request,
)
from polyglot_news.errors import EXIT_PARTIAL, DetectionError, InputError, exit_code_of

if TYPE_CHECKING:
    from polyglot_news.document import Article


def how_to_get_models(source: str) -> str:
    """The note after a digest that no installed model could translate: where models come from."""
    fetch = (
        f"`polyglot-news models fetch {source} ru` installs the official package"
        if source == "en"
        else "`polyglot-news models fetch --list` shows what can be fetched"
    )
    return (
        "Note: no installed model translates this article. To get one:\n"
        f"  on a machine with internet, {fetch};\n"
        "  Belarusian has no official package: build one there (see 'Translate into Belarusian' in the docs);\n"
        "  offline, copy the .argosmodel file (or an installed package's folder) over and run "
        "`polyglot-news models install PATH`."
    )


@click.command()
@input_argument
@input_format_option
@detector_option
@output_options("text")
def detect(input: str, input_format: str, detector: str, fmt: str, output: str | None) -> None:
    """Detect the language of INPUT (an ISO 639-1 code, or 'und' when unsure)."""
    from polyglot_news import pipeline, render

    found = pipeline.detect_language(read_input(input, output, input_format), detector=detector)
    emit(render.detection(found, fmt), output)


@click.command()
@input_argument
@input_format_option
@summary_options
@detector_option
@output_options("text")
def summarize(
    input: str, input_format: str, method: str, sentences: int | None, ratio: float | None, source_lang: str | None,
    detector: str, fmt: str, output: str | None,
) -> None:
    """Summarize INPUT: the chosen body sentences in source order, citations kept."""
    from polyglot_news import pipeline, render

    request = summary_request(method, sentences, ratio, source_lang, detector)
    result = pipeline.summarize_article(read_input(input, output, input_format), summary=request)
    emit(render.summary(result, fmt), output)


@click.command()
@input_argument
@input_format_option
@summary_options
@detector_option
@target_options
@translation_options
@output_options("json", pages=True)
def digest(
    input: str, input_format: str, method: str, sentences: int | None, ratio: float | None, source_lang: str | None,
    detector: str, targets: str | None, parts: str, models: Path | None, model: str | None, beam_size: int,
    max_length: int, compute_type: str, batch_tokens: int | None, guard: str, glossary: Path | None, strict: bool,
    fmt: str, output: str | None,
) -> None:
    """Digest INPUT: language, headline, summary with citations, the cited references, and
    their translations into Russian and Belarusian (or the --to languages).

    A default target without an installed model is skipped with a note on stderr; a --to
    language without a route is reported in the JSON (translations.LANG.error) and the
    command exits with code 8 after writing the rest.
    """
    from polyglot_news import pipeline, render

    summary = summary_request(method, sentences, ratio, source_lang, detector)
    request = translation_request(
        targets, parts, models, beam_size, max_length, compute_type, glossary, model, batch_tokens, guard
    )
    text = read_input(input, output, input_format)
    if strict and source_lang and request is not None:
        _refuse_mismatch(text, source_lang, detector)
    result = pipeline.digest(text, summary=summary, translation=request)
    for note in result.notes:
        click.echo(f"Note: {note}", err=True)
    if targets is None and not result.translations:
        click.echo(how_to_get_models(result.source.language), err=True)
    emit(render.digest(result, fmt), output)
    if result.errors:
        for error in result.errors:
            click.echo(f"Error: {error}", err=True)
        sys.exit(max(exit_code_of(e) for e in result.errors))
    if strict and any(t.flags for t in result.translations.values()):
        click.echo("Error: flagged translations (see translations.LANG.flags) and --strict is on", err=True)
        sys.exit(EXIT_PARTIAL)


def _refuse_mismatch(text: str | Article, source_lang: str, detector: str) -> None:
    """``--strict`` with ``--source-lang``: stop before translating text that reads as another language."""
    from polyglot_news import pipeline

    problem = pipeline.source_mismatch(text, source_lang, detector=detector)
    if problem is not None:
        raise DetectionError(f"{problem}; {pipeline.STRICT_REFUSAL}")


@click.command()
@input_argument
@input_format_option
@click.option("--to", "target", required=True, metavar="LANG", help="Target language, e.g. ru or be.")
@click.option("--source-lang", metavar="CODE", help="Skip detection: the text's language.")
@click.option(
    "--markup/--no-markup", default=True, show_default=True,
    help="A web page: keep its markup and translate every text node (the page comes back as HTML; "
    "--format json: the translation record with the page as 'page'), or translate only its main text, "
    "as digest reads it, and write text (--format applies).",
)
@detector_option
@translation_options
@output_options("text")
def translate(
    input: str, input_format: str, target: str, source_lang: str | None, markup: bool, detector: str,
    models: Path | None, model: str | None, beam_size: int, max_length: int, compute_type: str,
    batch_tokens: int | None, guard: str, glossary: Path | None, strict: bool, fmt: str,
    output: str | None,
) -> None:
    """Translate INPUT into LANG offline, citation markers kept in place.

    Paragraphs (lines) are kept; each sentence is translated on its own, all in one batch.
    A web page keeps its markup (or, with --no-markup, its main text is translated); a Word
    file's text is translated with its footnotes as a reference list.
    """
    from polyglot_news import pipeline, render
    from polyglot_news.readers.markup import read_page
    from polyglot_news.readers.sources import article_text, format_of, read_input
    from polyglot_news.translation import sentences as translation

    name, data = read_data(input, output)
    options = decode_options(beam_size, max_length, compute_type, batch_tokens, guard)
    if markup and format_of(name, data, input_format) == "html":
        if fmt == "markdown":
            raise click.UsageError(
                "--format markdown: a web page is translated with its markup kept (HTML); add --no-markup "
                "to translate its main text into Markdown, or --format json for the record with the page"
            )
        if strict and source_lang:
            _refuse_mismatch(read_input(data, name, "html"), source_lang, detector)
        markup_text = read_page(data, name)
        try:
            page = pipeline.translate_markup(
                markup_text, target, source_lang=source_lang, models=models, options=options,
                glossary=glossary_file(glossary), model=model, detector=detector,
            )
        except InputError as error:  # the page's own problem (no text): name the file, as the readers do
            raise InputError(f"{name}: {error}") from None
        emit(render.translation(page, fmt), output)
        result = page.text
    else:
        source = read_input(data, name, input_format)
        text = source if isinstance(source, str) else article_text(source)
        if strict and source_lang:
            _refuse_mismatch(text, source_lang, detector)
        result = pipeline.translate_text(
            text, target, source_lang=source_lang, models=models, options=options,
            glossary=glossary_file(glossary), model=model, detector=detector,
        )
        emit(render.translation(result, fmt), output)
    for note in result.notes:
        click.echo(f"Note: {note}", err=True)
    counted = translation.glossary_summary(result.terms)
    if counted:
        click.echo(f"Note: {target} glossary: {counted}", err=True)
    flagged = translation.flag_summary(result.results)
    if flagged:
        click.echo(f"Note: {target}: {flagged}", err=True)
        if strict:
            sys.exit(EXIT_PARTIAL)



"""Click plumbing shared by the command modules: the error-reporting group and common options.

Library errors become one ``Error: …`` line on stderr and the error's own exit code; every
command module builds its options from the decorators here, so they cannot drift apart.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from polyglot_news.cli import streams
from polyglot_news.errors import InputError, PolyglotNewsError, exit_code_of
from polyglot_news.languages import DEFAULT_DETECTOR, DETECTORS
from polyglot_news.readers.sources import INPUT_FORMATS
from polyglot_news.render import FORMATS
from polyglot_news.summarize.methods import DEFAULT_METHOD, METHODS
from polyglot_news.translation.decoding import DEFAULT_BATCH_TOKENS, GUARDS, MAX_BEAM_SIZE

if TYPE_CHECKING:
    from polyglot_news.document import Article
    from polyglot_news.summarize.request import SummaryRequest
    from polyglot_news.translation.decoding import DecodeOptions
    from polyglot_news.translation.glossary import Glossary
    from polyglot_news.translation.request import TranslationRequest

F = TypeVar("F", bound=Callable[..., Any])


OPTION_OF = {
    "source_lang": "--source-lang",
    "target": "--to",
    "targets": "--to",
    "sentences": "--sentences",
    "ratio": "--ratio",
    "resume": "--resume",
    "output_dir": "--output-dir",
    "strict": "--strict",
    "model": "--model",
    "models": "--models",
}
"""Library parameters (named in messages in backticks) and the options that set them."""


def in_cli_words(message: str) -> str:
    """A library message with each backticked parameter replaced by its option: `source_lang` → --source-lang."""
    return re.sub(r"`([a-z_]+)`", lambda m: OPTION_OF.get(m.group(1), m.group(0)), message)


@contextlib.contextmanager
def library_errors() -> Iterator[None]:
    """Turn a library error into one ``Error: …`` line on stderr and the error's exit code.

    A ``ValueError`` is a bad option value the library caught: a usage error (2). Encoding
    errors (also ``ValueError``) are bugs and propagate.
    """
    try:
        yield
    except PolyglotNewsError as error:
        click.echo(f"Error: {in_cli_words(str(error))}", err=True)
        sys.exit(exit_code_of(error))
    except UnicodeError:
        raise
    except ValueError as error:
        click.echo(f"Error: {in_cli_words(str(error))}", err=True)
        sys.exit(exit_code_of(error))


def report_library_errors(func: F) -> F:
    """Run a standalone command inside :func:`library_errors` (grouped commands get it from the group)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with library_errors():
            return func(*args, **kwargs)

    return cast(F, wrapper)


class ErrorGroup(click.Group):
    """A group whose commands report library errors through :func:`library_errors`.

    Everything, ``--help`` included, runs inside :func:`streams.guarded`: a closed or full
    standard stream is one ``Error:`` line and exit 3; Ctrl-C exits 130 and SIGTERM 143.
    """

    def main(self, *args: Any, **kwargs: Any) -> Any:
        with streams.guarded():
            return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with streams.interruptible(), library_errors():
            return super().invoke(ctx)


def _stack(options: list[Callable[[F], F]], func: F) -> F:
    for option in reversed(options):
        func = option(func)
    return func


def input_argument(func: F) -> F:
    return click.argument("input", default="-", metavar="[INPUT]")(func)


INPUT_FORMAT_HELP = (
    "What INPUT is: plain text, a saved web page (main text, headline, citation superscripts and "
    "notes list kept), a feed (batch only) or a Word .docx (footnotes and endnotes kept). "
    "auto: by the file's extension, else by its first bytes (standard input too)."
)


def input_format_option(func: F) -> F:
    """``--input-format auto|text|html|feed|docx`` (declared here only)."""
    return click.option(
        "--input-format", type=click.Choice(INPUT_FORMATS), default="auto", show_default=True, help=INPUT_FORMAT_HELP,
    )(func)


PAGE_FORMATS = ("html",)
"""Formats only whole digests have (``digest``, ``batch``)."""


def output_options(default: str, *, pages: bool = False) -> Callable[[F], F]:
    """``--format`` (with ``default``; ``pages``: HTML too) and ``-o/--output FILE``."""
    choices = tuple(f for f in FORMATS if pages or f not in PAGE_FORMATS)

    def decorate(func: F) -> F:
        return _stack(
            [
                click.option(
                    "-o", "--output", metavar="FILE",
                    help="Write to FILE (replaced atomically) instead of standard output ('-': stdout).",
                ),
                click.option(
                    "--format", "fmt", type=click.Choice(choices), default=default, show_default=True,
                    help="Output format.",
                ),
            ],
            func,
        )

    return decorate


def detector_option(func: F) -> F:
    """``--detector langdetect|lingua`` (lingua: the ``lingua`` extra, see :func:`.version.install_hint`)."""
    return click.option(
        "--detector", type=click.Choice(DETECTORS), default=DEFAULT_DETECTOR, show_default=True,
        help="Language detector; the Cyrillic model refines either. lingua is an optional extra "
        "(in a checkout: pip install -e '.[lingua]').",
    )(func)


def summary_options(func: F) -> F:
    """``--method``, ``--sentences``, ``--ratio``, ``--source-lang``."""
    return _stack(
        [
            click.option(
                "--method", type=click.Choice(sorted(METHODS)), default=DEFAULT_METHOD, show_default=True,
                help=(
                    "Extractive algorithm ('lead' = the first sentences; 'auto' = the article's opening for a "
                    "short summary, Reduction's ranking for a long one, page furniture and repeats left out)."
                ),
            ),
            click.option(
                "--sentences", "-n", type=click.IntRange(min=1), help="Summary length in sentences [default: 3]."
            ),
            click.option(
                "--ratio", type=click.FloatRange(0, 1, min_open=True), help="Summary length as a share of the body."
            ),
            click.option("--source-lang", metavar="CODE", help="Skip detection: the article's language (e.g. en, be)."),
        ],
        func,
    )


def target_options(func: F) -> F:
    """``--to LANGS`` and ``--translate PARTS`` of digest-like commands."""
    return _stack(
        [
            click.option(
                "--to", "targets", metavar="LANGS",
                help="Translate into these languages, comma-separated (e.g. ru,be). Default: ru and be "
                "where a model is installed; 'none' to skip translation.",
            ),
            click.option(
                "--translate", "parts", default="headline,summary,references", show_default=True, metavar="PARTS",
                help="What to translate: any of headline, summary, references, full (every body sentence).",
            ),
        ],
        func,
    )


MODEL_HELP = (
    "Use this installed package (its folder name, or the model it was built from, as `models list` shows) "
    "for every language pair it serves, whatever the default preference (see 'Choosing between packages' "
    "in the documentation's Manage translation models)."
)


def model_option(func: F) -> F:
    """``--model NAME``: force one installed package (declared here only; every command uses this)."""
    return click.option("--model", "model", metavar="NAME", help=MODEL_HELP)(func)


def models_option(param: str = "models") -> Callable[[F], F]:
    """``--models DIR``, declared once for every command that reads the model store."""
    return click.option(
        "--models", param, type=click.Path(file_okay=False, path_type=Path), metavar="DIR", default=None,
        callback=_env_store,
        help="Model store [default: $POLYGLOT_NEWS_MODELS or the per-user store; see `models path`].",
    )


_CREATES_STORE = ("path", "install", "fetch", "build")
"""Commands for which a --models folder that does not exist yet is fine (they create it, or print it)."""


def _env_store(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Give $POLYGLOT_NEWS_MODELS the same check (and message) as --models (`models path` excepted).

    A --models folder that does not exist is a usage error for a command that only reads the
    store (a typo would otherwise read as an empty store: "no route").
    """
    env = os.environ.get("POLYGLOT_NEWS_MODELS")
    if value is not None and not value.exists() and ctx.command.name not in _CREATES_STORE:
        raise click.BadParameter(
            f"{value}: no such folder; a store is made by `polyglot-news models install --models DIR FILE`",
            ctx, param,
        )
    if value is not None or not env or ctx.command.name == "path":
        return value
    try:
        return Path(click.Path(file_okay=False, path_type=Path).convert(env, param, ctx))
    except click.BadParameter as exc:
        raise click.BadParameter(exc.message, ctx, param, param_hint="'--models' ($POLYGLOT_NEWS_MODELS)") from None


def decoding_options(func: F) -> F:
    """``--beam-size``, ``--max-length``, ``--compute-type``, ``--batch-tokens`` and ``--guard`` (see
    :func:`decode_options`)."""
    return _stack(
        [
            click.option(
                "--beam-size", type=click.IntRange(1, MAX_BEAM_SIZE), default=4, show_default=True,
                help=f"Beam width (at most {MAX_BEAM_SIZE}: wider beams cost memory and time, not quality).",
            ),
            click.option(
                "--max-length", type=click.IntRange(min=1), default=256, show_default=True,
                help="Most target tokens per sentence.",
            ),
            click.option(
                "--compute-type", default="int8", show_default=True,
                help="CTranslate2 compute type (int8, int8_float32, float32, …).",
            ),
            click.option(
                "--batch-tokens", type=click.IntRange(min=1), default=None, metavar="N",
                help=f"Source tokens per CTranslate2 batch: fewer use less memory; a real model may word "
                f"a rare sentence differently, so it is part of the signature [default: {DEFAULT_BATCH_TOKENS}].",
            ),
            click.option(
                "--guard", type=click.Choice(GUARDS), default="retry", show_default=True,
                help="Checks of each translated sentence (loops, wrong script or language, absurd length): retry = "
                "flag it and decode it once more with safer settings; flag = only flag it (no second decoding); "
                "off = check nothing. Part of the signature unless retry.",
            ),
        ],
        func,
    )


def translation_options(func: F) -> F:
    """Model store, ``--model``, decoding, glossary and ``--strict``."""
    return _stack(
        [
            models_option(),
            model_option,
            decoding_options,
            click.option(
                "--glossary", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
                help="TSV of newsroom spellings (header: source<TAB>ru<TAB>be): terms are rewritten in the "
                "translation, inflection kept where safe; hits and misses are reported.",
            ),
            click.option(
                "--strict", is_flag=True,
                help="Treat flagged translations (wrong language or script, loops, absurd length) as "
                "failures: exit code 7.",
            ),
        ],
        func,
    )


def decode_options(
    beam_size: int, max_length: int, compute_type: str, batch_tokens: int | None = None, guard: str = "retry"
) -> DecodeOptions:
    from polyglot_news.translation.decoding import DecodeOptions

    return DecodeOptions(
        beam_size=beam_size, max_decoding_length=max_length, compute_type=compute_type,
        batch_tokens=batch_tokens or DEFAULT_BATCH_TOKENS, guard=guard,
    )


def glossary_file(path: Path | None) -> Glossary | None:
    if path is None:
        return None
    from polyglot_news.translation.glossary import load_glossary

    return load_glossary(path)


def translation_request(
    targets: str | None, parts: str, models: Path | None, beam_size: int, max_length: int,
    compute_type: str, glossary: Path | None, model: str | None = None, batch_tokens: int | None = None,
    guard: str = "retry",
) -> TranslationRequest | None:
    """The request the target and translation options describe; None for ``--to none``."""
    if (targets or "").strip().lower() == "none":
        return None
    from polyglot_news.translation.request import TranslationRequest

    codes = None
    if targets is not None:
        from polyglot_news.languages import check_language_code

        try:
            codes = tuple(check_language_code(c, "--to") for c in targets.split(",") if c.strip())
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--to") from None
        if not codes:
            raise click.BadParameter("name at least one language code, e.g. --to ru,be", param_hint="--to")
    return TranslationRequest(
        targets=codes,
        parts=tuple(p.strip() for p in parts.split(",") if p.strip()),
        models=models,
        options=decode_options(beam_size, max_length, compute_type, batch_tokens, guard),
        glossary=glossary_file(glossary),
        model=model,
    )


def summary_request(
    method: str, sentences: int | None, ratio: float | None, source_lang: str | None, detector: str
) -> SummaryRequest:
    """The :class:`SummaryRequest` of ``--method``, ``--sentences``/``--ratio``, ``--source-lang``, ``--detector``.

    Its checks are the library's: a bad value is a ``ValueError`` that :func:`library_errors`
    reports in the options' words (exit 2).
    """
    from polyglot_news.summarize.request import SummaryRequest

    return SummaryRequest(method, sentences, ratio, source_lang, detector)


def check_output(source: str, output: str | None) -> None:
    """Refuse an ``--output`` that is the input file itself (it would be replaced by its result).

    Raises:
        InputError: ``output`` names the same file as ``source`` (also through a link).
    """
    if not output or streams.is_stdout(output) or source == "-":
        return
    try:
        same = os.path.samefile(source, output)
    except OSError:
        same = False
    if same:
        raise InputError(f"{output}: the output is the input file {source}; choose another --output")


def read_data(source: str, output: str | None = None) -> tuple[str, bytes]:
    """The name and bytes at ``source`` (``-``: stdin), with a hint when stdin is a terminal.

    ``output`` (the command's ``--output``) must not be the same file. At most one byte more
    than the largest input any reader takes is read.
    """
    from polyglot_news.io import read_bytes
    from polyglot_news.readers.sources import MAX_INPUT_BYTES

    check_output(source, output)
    if source == "-" and streams.stdin_closed():
        raise InputError("<stdin>: standard input is closed")
    if source == "-" and sys.stdin is not None and sys.stdin.isatty():
        click.echo("Reading the article from standard input (end with Ctrl-D)…", err=True)
    name = "<stdin>" if source == "-" else source
    return name, read_bytes(source, max_bytes=MAX_INPUT_BYTES, name=name)


def read_input(source: str, output: str | None = None, input_format: str = "auto") -> str | Article:
    """The article at ``source`` (``-``: stdin): its text, or the article a page or Word file holds."""
    from polyglot_news.readers.sources import read_input as read_source

    name, data = read_data(source, output)
    return read_source(data, name, input_format)


def emit(text: str, output: str | None) -> None:
    """Data to ``output`` (atomically) or to stdout (also for ``-o /dev/stdout``)."""
    if output and not streams.is_stdout(output):
        from polyglot_news.io import write_atomic

        write_atomic(output, text)
        return
    try:
        streams.write_stdout(text)
    except BrokenPipeError as exc:
        raise streams.stdout_error(exc) from None

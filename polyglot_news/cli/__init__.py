"""The ``polyglot-news`` command line: a thin layer over the library.

stdout carries data only; every message goes to stderr as one ``Error: …`` line with the
exit code documented in :mod:`polyglot_news.errors`.
"""

from __future__ import annotations

import click

from polyglot_news.cli.options import ErrorGroup
from polyglot_news.version import __version__


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
    Exit codes: 0 ok, 1 internal error, 2 usage, 3 bad input or output (a full disk or a
    closed stream too), 4 language unknown, 5 model problem, 6 citation invariant broken,
    7 partial success, 8 no route for --to, 130 Ctrl-C, 143 SIGTERM.
    """


def _attach_subcommands() -> None:
    from polyglot_news.cli.articles import detect, digest, summarize, translate
    from polyglot_news.cli.batch import batch
    from polyglot_news.cli.evaluate import evaluate_command
    from polyglot_news.cli.models import models
    from polyglot_news.cli.serve import serve

    models.add_command(evaluate_command)
    for command in (detect, summarize, digest, translate, models):
        cli.add_command(command)
    cli.add_command(batch)
    cli.add_command(serve)


_attach_subcommands()


def main() -> None:
    cli()

"""``python -m polyglot_news`` runs the command line."""

from polyglot_news.cli import main

main()

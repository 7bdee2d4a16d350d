"""``python -m polyglot_news`` runs the command line."""

from polyglot_news.cli import main

if __name__ == "__main__":  # batch workers re-import the main module: they must not run the CLI again
    main()

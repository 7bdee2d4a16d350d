"""``polyglot-news serve``: the review page, a LibreTranslate-compatible API and the native API.

Needs the optional extra ``pip install -e '.[serve]'`` (Starlette + uvicorn). Nothing here
is imported by the rest of the package; ``polyglot_news.cli.serve`` imports it on use.
"""

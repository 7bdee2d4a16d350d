"""The native API: ``POST /digest`` (the CLI's options, any output format), ``GET /models``, ``GET /health``."""

from __future__ import annotations

from typing import Any

from polyglot_news.serve.batching import Engine
from polyglot_news.serve.config import ServeConfig
from polyglot_news.serve.requests import ApiError, fraction, text_param, whole_number
from polyglot_news.version import __version__

MAX_SENTENCES = 1000


async def digest(params: dict[str, Any], config: ServeConfig, engine: Engine) -> tuple[Any, str]:
    """The digest of ``text`` and its format: ``json`` (the digest schema), ``html``, ``markdown``, ``text``.

    Options as the CLI's: ``targets`` (list or comma-separated; ``none``; default ru and be
    where installed), ``parts``, ``method``, ``sentences``, ``ratio``, ``source_lang``, ``detector``.
    """
    text = text_param(params, "text")
    if text is None:
        raise ApiError(400, "Invalid request: missing text parameter")
    if len(text) > config.max_chars:
        raise ApiError(400, f"Invalid request: request ({len(text)}) exceeds text limit ({config.max_chars})")
    fmt = text_param(params, "format") or "json"
    if fmt not in config.digest_formats:
        raise ApiError(400, f"{fmt} format is not supported")
    summary = _summary(params)
    request = _request(params, config)

    def run() -> tuple[Any, str]:
        from polyglot_news import pipeline, render

        result = pipeline.digest(text, summary=summary, translation=request)
        if fmt == "json":
            return result.to_dict() | {"notes": list(result.notes)}, fmt
        return render.digest(result, fmt, notes=True), fmt  # no stderr here: the notes go in the answer

    return await engine.run(run)


def models(config: ServeConfig) -> list[dict[str, Any]]:
    from polyglot_news.models.store import list_packages

    return [
        {k: v for k, v in p.to_dict().items() if k != "path"}  # no server paths to clients
        | {"license": p.info.license, "test_model": p.info.test_model}
        for p in list_packages(config.models)
    ]


def health(config: ServeConfig, engine: Engine) -> dict[str, Any]:
    return {
        "status": "ok",
        "version": __version__,
        "waiting": engine.waiting,
        "queue_size": config.queue_size,
        "engine": engine.stats.to_dict(),
    }


def _summary(params: dict[str, Any]) -> Any:
    """The request's :class:`SummaryRequest`; a bad field is a 400 naming it, as the library does."""
    from polyglot_news.summarize.request import SummaryRequest

    try:
        return SummaryRequest.of(
            None, sentences=whole_number(params, "sentences", None, MAX_SENTENCES), ratio=fraction(params, "ratio"),
            **{name: text_param(params, name) or None for name in ("method", "source_lang", "detector")},
        )
    except ValueError as error:
        raise ApiError(400, f"Invalid request: {str(error).replace('`', '')}") from None


def _request(params: dict[str, Any], config: ServeConfig) -> Any:
    from polyglot_news.translation.request import DEFAULT_PARTS, TranslationRequest

    targets = params.get("targets")
    if isinstance(targets, str):
        if targets.strip().lower() == "none":
            return None
        targets = [t for t in targets.split(",") if t.strip()]
    if targets is not None and (not isinstance(targets, list) or not all(isinstance(t, str) for t in targets)):
        raise ApiError(400, "Invalid request: targets must be a list of language codes or a comma-separated string")
    if targets == []:
        return None
    parts = params.get("parts") or ",".join(DEFAULT_PARTS)
    if isinstance(parts, str):
        parts = [p for p in parts.split(",") if p.strip()]
    if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
        raise ApiError(400, "Invalid request: parts must be a list or a comma-separated string")
    return TranslationRequest(
        targets=tuple(t.strip() for t in targets) if targets is not None else None,
        parts=tuple(p.strip() for p in parts),
        models=config.models,
        options=config.decoding,
    )



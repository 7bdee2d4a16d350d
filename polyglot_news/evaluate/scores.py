"""Score installed translation routes on a parallel file: chrF++, BLEU, markers, language, flags.

A parallel file is UTF-8 TSV with a header row and one segment a row (tab-separated, no
quoting), e.g. ``id  doc_id  eng  rus  bel``. Each source segment is split into sentences
the way the pipeline splits text, translated along the route ``digest`` would use
(:func:`polyglot_news.translation.translate_sentences`) and joined again; the joined
segment is scored against the reference column with sacrebleu (chrF++ and BLEU, corpus
level). Three checks run on the same sentences:

* **markers**: a copy of every source sentence gets synthetic citation markers (``[1]`` at
  its end, ``[2]`` after a seeded random inner word in half of them) and is translated again;
  a sentence passes when its translation carries the same marker texts in the same order.
  A :class:`~polyglot_news.errors.CitationError` from the engine fails the sentences it
  concerns (found by halving the batch), never the evaluation.
* **language**: each translated segment is run through :func:`polyglot_news.langid.detector.detect`;
  the share detected as the target language is reported, ``und`` separately.
* **flags**: the engine guard's flags (``script``, ``repetition`` …) per sentence.

sacrebleu is needed by this module only and is imported when scoring starts.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from polyglot_news import signature as signatures
from polyglot_news.citations.invariant import check_invariant
from polyglot_news.document import Sentence, Translated
from polyglot_news.errors import CitationError, ModelError, PolyglotNewsError, RouteError
from polyglot_news.evaluate.markers import end_in_place, inject_markers, marker_texts, tolerant
from polyglot_news.evaluate.parallel import ParallelFile, Target
from polyglot_news.evaluate.results import Evaluation, RouteScore
from polyglot_news.langid.detector import detect
from polyglot_news.models.store import Package, list_packages
from polyglot_news.segment import split_sentences
from polyglot_news.translation.decoding import DecodeOptions
from polyglot_news.translation.loader import load
from polyglot_news.translation.routing import find_route
from polyglot_news.translation.sentences import translate_sentences
from polyglot_news.version import install_hint


def require_sacrebleu() -> None:
    """Check that sacrebleu can be imported.

    Raises:
        ModelError: sacrebleu is not installed (the message names the pip command).
    """
    _metrics()


def _metrics() -> tuple[Any, Any]:
    """sacrebleu's chrF++ and BLEU (13a) metric objects."""
    try:
        from sacrebleu.metrics.bleu import BLEU
        from sacrebleu.metrics.chrf import CHRF
    except ImportError:
        raise ModelError(
            f"models evaluate needs sacrebleu (the eval extra): {install_hint('eval')}"
        ) from None
    chrf, bleu = CHRF(word_order=2), BLEU()
    for metric in (chrf, bleu):
        metric.corpus_score(["-"], [["-"]])  # fixes nrefs:1 in the signature, even if nothing is scored
    return chrf, bleu


def _segments(texts: Sequence[str], language: str) -> list[list[Sentence]]:
    """Each segment split into sentences as the pipeline splits text, indexed across all."""
    out: list[list[Sentence]] = []
    index = 0
    for text in texts:
        parts = []
        for sentence in split_sentences([text], language) if text.strip() else []:
            parts.append(Sentence(sentence.plain, sentence.markers, index))
            index += 1
        out.append(parts)
    return out


def evaluate(
    data: ParallelFile,
    source: Target,
    targets: Sequence[Target],
    *,
    models: Path | None = None,
    options: DecodeOptions | None = None,
    seed: int = 0,
    explicit: bool = True,
    progress: Callable[[str], None] | None = None,
    model: str | None = None,
) -> Evaluation:
    """Score the route into every target on ``data`` (see the module docstring).

    A target that cannot be scored (no route, a broken package) gets a :class:`RouteScore`
    with ``error`` and the error's exit code (``0`` for a missing route when ``explicit`` is
    False: the targets were guessed from the columns); the other targets go on.

    Raises:
        ModelError: sacrebleu is not installed.
        InputError: a column named by ``source`` or ``targets`` is missing.
    """
    chrf_metric, bleu_metric = _metrics()
    options = options or DecodeOptions()
    source_texts = data.column(source.column)
    references = [data.column(t.column) for t in targets]
    segments = _segments(source_texts, source.language)
    flat = [s for parts in segments for s in parts]
    marked = inject_markers(flat, seed)
    packages = list_packages(models)
    results: list[RouteScore] = []
    for target, reference in zip(targets, references, strict=True):
        if progress:
            progress(f"{source.language}→{target.language}: {len(source_texts)} rows, {len(flat)} sentences")
        try:
            route = find_route(source.language, target.language, packages, model)

            def translate(batch: Sequence[Sentence], language: str = target.language) -> list[Translated]:
                return translate_sentences(
                    batch, source.language, language, options=options, model=model, packages=packages
                ).results

            # The marker pass goes first: it also loads the models, so the timed pass below
            # measures translation alone.
            with_markers = tolerant(translate, marked)
            # ... but it, and any earlier target sharing a hop, filled the packages' memos of
            # outputs: forget them, so the timed pass decodes every hop whatever the --to order.
            for package in route.hops:
                load(package, options).memo.clear()
            started = time.perf_counter()
            routed = translate_sentences(
                flat, source.language, target.language, options=options, model=model, packages=packages
            )
            done, route_text, signature = routed.results, routed.route, routed.signature
            used = tuple(_model_entry(p) for p in routed.packages)
            seconds = time.perf_counter() - started
        except PolyglotNewsError as error:
            code = error.exit_code if explicit or not isinstance(error, RouteError) else 0
            results.append(RouteScore(target.language, target.column, error=str(error), exit_code=code))
            continue
        results.append(
            _score(
                target, reference, segments, marked, with_markers, done,
                route_text if route.hops else f"{source.language} (identity)",
                used,
                seconds, str(signatures.translation(target.language, signature)), chrf_metric, bleu_metric,
            )
        )
    return Evaluation(
        file=data.name,
        source=source,
        rows=len(data.rows),
        sentences=len(flat),
        seed=seed,
        results=tuple(results),
        chrf_signature=str(chrf_metric.get_signature()),
        bleu_signature=str(bleu_metric.get_signature()),
    )


def _model_entry(package: Package) -> dict[str, Any]:
    return {
        "name": package.info.title or package.name,
        "pair": package.pair,
        "version": package.version,
        "identity": package.identity,
        "test_model": package.info.test_model,
    }


def _score(
    target: Target,
    references: list[str],
    segments: list[list[Sentence]],
    marked: list[Sentence],
    with_markers: list[Translated | None],
    done: list[Translated],
    route: str,
    models: tuple[dict[str, Any], ...],
    seconds: float,
    signature: str,
    chrf_metric: Any,
    bleu_metric: Any,
) -> RouteScore:
    results = iter(done)
    hypotheses = [" ".join(next(results).sentence.text for _ in parts).strip() for parts in segments]
    chrf = chrf_metric.corpus_score(hypotheses, [references]).score
    bleu = bleu_metric.corpus_score(hypotheses, [references]).score
    identical = end_kept = errors = 0
    for sent, out in zip(marked, with_markers, strict=True):
        if out is None:
            errors += 1
            continue
        try:
            check_invariant(sent.markers, out.sentence.markers, "evaluation")
        except CitationError:
            continue
        # What a reader sees must re-read as the same markers, too.
        if marker_texts(out.sentence.text) == marker_texts(sent.text):
            identical += 1
            end_kept += end_in_place(out.sentence)
    detected = Counter(detect(h).language for h in hypotheses)
    flag_counts = Counter(flag for t in done for flag in t.flags)
    return RouteScore(
        target=target.language,
        column=target.column,
        route=route,
        models=models,
        rows=len(hypotheses),
        sentences=len(done),
        chrf=round(chrf, 2),
        bleu=round(bleu, 2),
        markers_identical=identical,
        markers_end_in_place=end_kept,
        citation_errors=errors,
        detected=dict(detected),
        flag_counts=dict(flag_counts),
        flagged=sum(1 for t in done if t.flags),
        seconds=seconds,
        signature=signature,
    )

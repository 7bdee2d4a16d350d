"""Offline translation with Argos-format packages, run directly on CTranslate2 + SentencePiece.

An unpacked package directory holds ``metadata.json``, a CTranslate2 model in ``model/`` and
``sentencepiece.model``. Packages built from OPUS-MT or NLLB models (``polyglot-news models
build``) extend that layout: separate source and target SentencePiece models, a source-side
prefix token (``>>bel<<``, ``eng_Latn``) and several targets in one package, chosen per
translator (see ``lang_models/README.md``). :class:`ArgosTranslator` translates all the sentences it is given in
one batched, length-sorted ``translate_batch`` call (batch size counted in tokens), checks
each output with :mod:`.guard` (retrying degenerate ones once with safer decoding) and puts
the citation markers back with :mod:`.placement`. Memory stays bounded however many
sentences one call holds: CTranslate2's results are taken one at a time as its batches
finish, and each is reduced at once to its text, flags and word alignment (a few integers;
the attention matrix is dropped), which is also all the package's memo keeps. The model only ever sees
``Sentence.plain``. :class:`PivotTranslator` chains translators (en→ru→be), markers carried
through every hop. Packages are loaded once per process and kept.

``argostranslate`` itself is never imported (it pulls in stanza and torch); ctranslate2 and
sentencepiece are imported the first time a package is loaded.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from polyglot_news.citations.invariant import check_brackets, check_invariant
from polyglot_news.citations.verbatim import drop_brackets, hold_out, put_back
from polyglot_news.document import Marker, Sentence, Translated
from polyglot_news.errors import ModelError
from polyglot_news.models.store import Package
from polyglot_news.translation import guard
from polyglot_news.translation.decoding import TRUNCATED, DecodeOptions, clean_text, cut_input, drop_special, pieces
from polyglot_news.translation.loader import load
from polyglot_news.translation.placement import Alignment, WordTargets, place, word_targets
from polyglot_news.translation.routing import Route

MEMO_SIZE = 2048
_MEMO_LOCK = threading.Lock()
"""Outputs each loaded package keeps, counted over the whole calls it remembers (oldest call
dropped first; a call with more sentences is not kept); bounds memory in long batch runs. An
output is its text, flags and word alignment, well under a kilobyte: no attention."""


class Translator(Protocol):
    """Anything that translates sentences, keeping their markers, one result per sentence."""

    from_code: str
    to_code: str

    def translate(self, sentences: Sequence[Sentence]) -> list[Translated]:
        """Translate all ``sentences`` together; results come back in the same order."""
        ...

    def signature(self) -> str:
        """The route, package versions and decoding options, e.g. ``en_ru-1.9|beam4|…``."""
        ...


@dataclass
class _Output:
    text: str
    aligned: WordTargets | None
    """The source words' target words (:func:`.placement.word_targets`), when attention was asked for."""
    flags: tuple[str, ...]


def _remember(memo: dict[Any, list[_Output]], key: Any, outputs: list[_Output]) -> None:
    """Keep one call's outputs, dropping the oldest calls while more than MEMO_SIZE outputs are kept."""
    if len(outputs) > MEMO_SIZE:
        return
    with _MEMO_LOCK:  # the server decodes on several replicas at once
        memo[key] = outputs
        while sum(len(kept) for kept in memo.values()) > MEMO_SIZE:
            del memo[next(iter(memo))]


def _has_inner_marker(sentence: Sentence) -> bool:
    return any(any(c.isalnum() for c in sentence.plain[m.offset :]) for m in sentence.markers)


def _safer(options: DecodeOptions, source_tokens: int) -> DecodeOptions:
    """Decoding less prone to loops and run-ons, its length limit tied to the source's.

    The limit is twice the source's tokens + 10, rounded up to a power of two (16, 32, 64,
    …): flagged sentences that share a limit are retried in one call, so a window's retries
    take a few CTranslate2 calls, not one per source length.
    """
    need = max(16, 2 * source_tokens + 10)
    limit = min(options.max_decoding_length, 1 << (need - 1).bit_length())
    limit = max(limit, options.min_decoding_length)
    return replace(
        options,
        beam_size=max(options.beam_size, 5),
        repetition_penalty=max(options.repetition_penalty, 1.2),
        no_repeat_ngram_size=options.no_repeat_ngram_size or 3,
        max_decoding_length=limit,
    )


class ArgosTranslator:
    """One package, run directly: batched CTranslate2 over SentencePiece tokens.

    ``package`` is a :class:`Package` (a route's hop) or an unpacked package folder. ``target``
    picks the language of a package that serves several (default: the hop's ``to_code``).
    ``route`` is the one-hop :class:`Route` as loaded: metadata and model hash of what runs.

    Raises:
        ModelError: the package cannot be loaded, or does not produce ``target``.
    """

    def __init__(
        self, package: Package | Path, options: DecodeOptions | None = None, target: str | None = None
    ) -> None:
        self.options = options or DecodeOptions()
        self.package = load(package, self.options)
        given = package if isinstance(package, Package) else self.package.package
        self.from_code = self.package.from_code
        self.to_code = target or given.to_code
        self.spec = self.package.spec(self.to_code)
        self.route = Route(self.from_code, self.to_code, (self.package.hop(given, self.to_code),))

    def signature(self) -> str:
        """``en_be-1.0~MODEL@HASH8|beam4|…``: the package as loaded and the decoding options."""
        return self.route.signature(self.options)

    def translate(self, sentences: Sequence[Sentence]) -> list[Translated]:
        """Translate every sentence in one batched call; flagged ones are retried once.

        Bracket groups that are text (``[sic]``, ``x[1]``) are held out of the model like
        markers and put back verbatim; every bracket group is checked to have come through.

        Raises:
            CitationError: a sentence's markers or bracket groups did not survive (a bug,
                never expected).
        """
        done = self._translate_held([hold_out(s) for s in sentences])
        results: list[Translated] = []
        for source, result in zip(sentences, done, strict=True):
            target = put_back(result.sentence)
            check_brackets(source, target, f"translation of sentence {source.index}")
            results.append(Translated(target, result.flags))
        return results

    def _translate_held(self, sentences: Sequence[Sentence]) -> list[Translated]:
        # Each distinct text is translated once (a summary sentence is also in the full text).
        # CTranslate2's int8 arithmetic depends a little on which sentences share a batch, so a
        # call's outputs are a function of all its texts: the memo keeps whole calls (a pivot's
        # first hop repeats the direct call exactly) and never serves one sentence decoded in
        # another company, which would make an output depend on what the process did before.
        plains = list(dict.fromkeys(s.plain for s in sentences if s.plain.strip()))
        attention = any(_has_inner_marker(s) for s in sentences if s.plain.strip())
        memo, key = self.package.memo, (self.to_code, self.options, attention, tuple(plains))
        outputs: list[_Output] | None = memo.get(key)
        if outputs is None:
            seen = [cut_input(p, self.options) for p in plains]  # what the model may see of each
            sources: list[list[str]] = self.package.tokenizer.encode(seen, out_type=str)
            outputs = self._decode(sources, seen, self.options, attention)
            if self.options.guard == "retry":
                self._retry(sources, seen, outputs, attention)
            for out, plain, cut in zip(outputs, plains, seen, strict=True):
                if len(cut) < len(plain) and TRUNCATED not in out.flags:
                    out.flags = (*out.flags, TRUNCATED)
            _remember(memo, key, outputs)
        by_plain = dict(zip(plains, outputs, strict=True))
        results: list[Translated] = []
        for sentence in sentences:
            if sentence.plain not in by_plain:
                markers = place(sentence.markers, sentence.plain, "")
                results.append(Translated(Sentence("", markers, sentence.index)))
                continue
            out = by_plain[sentence.plain]
            output = drop_brackets(out.text, sentence.plain)  # a group the model saw none of is invented
            markers = place(sentence.markers, sentence.plain, output, out.aligned)
            text, markers = _keep_leading_space(sentence.plain, output, markers)
            results.append(Translated(Sentence(text, markers, sentence.index), out.flags))
        return results

    def _retry(
        self,
        sources: list[list[str]],
        plains: list[str],
        outputs: list[_Output],
        attention: bool,
    ) -> None:
        """Re-decode flagged outputs with safer settings; keep whichever has fewer flags."""
        groups: dict[DecodeOptions, list[int]] = {}
        for i, out in enumerate(outputs):
            if set(out.flags) - {TRUNCATED}:  # safer decoding cannot make room for a cut-off output
                groups.setdefault(_safer(self.options, len(sources[i])), []).append(i)
        for options, indices in groups.items():
            again = self._decode([sources[i] for i in indices], [plains[i] for i in indices], options, attention)
            for i, new in zip(indices, again, strict=True):
                if len(new.flags) < len(outputs[i].flags):
                    outputs[i] = new

    def _decode(
        self,
        sources: list[list[str]],
        plains: list[str],
        options: DecodeOptions,
        attention: bool,
    ) -> list[_Output]:
        if not sources:
            return []
        runs = pieces([len(s) for s in sources], options.batch_tokens)  # under a deadline: a call a batch
        if runs is not None:
            outputs_by_run = {i: out for run in runs for i, out in zip(run, self._decode(
                [sources[i] for i in run], [plains[i] for i in run], options, attention), strict=True)}
            return [outputs_by_run[i] for i in range(len(sources))]
        prefix_token = self.spec.target_prefix
        skip = len(self.spec.source_prefix)
        order = sorted(range(len(sources)), key=lambda i: len(sources[i]))
        batch = [[*self.spec.source_prefix, *sources[i]] for i in order]
        prefix = [[prefix_token] for _ in batch] if prefix_token else None
        translator = self.package.translator
        # One call, so CTranslate2 forms the very batches it always did (its outputs depend on
        # which sentences share a batch). Asked for asynchronous results, it hands each one over
        # as its batch finishes: taken longest first, the order it decodes them in, each is
        # reduced at once and dropped, so at most about one batch of full results is alive.
        asynchronous = _is_ctranslate2(translator)
        extra = {"asynchronous": True} if asynchronous else {}
        limit = options.max_decoding_length - (1 if prefix_token else 0)
        failed = f"translation failed with {self.package.path}"
        try:
            raw: list[Any] = translator.translate_batch(
                batch,
                target_prefix=prefix,
                max_batch_size=options.batch_tokens,
                batch_type="tokens",
                beam_size=options.beam_size,
                length_penalty=options.length_penalty,
                repetition_penalty=options.repetition_penalty,
                no_repeat_ngram_size=options.no_repeat_ngram_size,
                max_input_length=options.max_input_length,
                max_decoding_length=options.max_decoding_length,
                min_decoding_length=options.min_decoding_length,
                replace_unknowns=options.replace_unknowns,
                return_attention=attention,
                **extra,
            )
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"{failed}: {exc}") from None
        del batch, prefix
        outputs: list[_Output | None] = [None] * len(sources)
        for k in sorted(range(len(order)), key=lambda k: -len(sources[order[k]])):
            try:
                result = raw[k].result() if asynchronous else raw[k]
            except (RuntimeError, ValueError) as exc:
                raise ModelError(f"{failed}: {exc}") from None
            raw[k] = None
            i = order[k]
            outputs[i] = self._output(result, sources[i], plains[i], options, attention, skip, limit)
            del result
        return [out for out in outputs if out is not None]

    def _output(
        self,
        result: Any,
        source: list[str],
        plain: str,
        options: DecodeOptions,
        attention: bool,
        skip: int,
        limit: int,
    ) -> _Output:
        """One CTranslate2 result reduced to what placement and the memo need."""
        prefix_token = self.spec.target_prefix
        tokens = list(result.hypotheses[0])
        rows = list(result.attention[0]) if attention and result.attention else None
        if rows is not None and skip:
            rows = [list(row[skip:]) for row in rows]  # columns of the source-prefix tokens
        if prefix_token and tokens[:1] == [prefix_token]:
            tokens = tokens[1:]
            if rows is not None and len(rows) > len(tokens):
                rows = rows[1:]
        count = len(tokens)
        tokens, rows = drop_special(tokens, rows)
        text = clean_text(self.package.target_tokenizer.decode_pieces(tokens))
        aligned = word_targets(Alignment(source, tokens, rows), plain, drop_brackets(text, plain)) if rows else None
        checked = guard.check(plain, text, self.to_code) if options.guard != "off" else ()
        flags = checked + _cut(skip + len(source), count, limit, options)
        return _Output(text, aligned, flags)


def _is_ctranslate2(translator: Any) -> bool:
    """Whether ``translator`` is CTranslate2's own (which can return results asynchronously)."""
    import ctranslate2  # type: ignore[import-untyped]

    return isinstance(translator, ctranslate2.Translator)


def _keep_leading_space(source: str, text: str, markers: tuple[Marker, ...]) -> tuple[str, tuple[Marker, ...]]:
    """Put back the space a sentence-opening marker had before the text (``[1] The …``).

    The model drops leading whitespace, so without this ``[1] The`` would come back ``[1]The``.
    """
    lead = source[: len(source) - len(source.lstrip())]
    if not lead or not text or text[0].isspace():
        return text, markers
    return lead + text, tuple(m if m.offset == 0 else replace(m, offset=m.offset + len(lead)) for m in markers)


def _cut(source_tokens: int, target_tokens: int, limit: int, options: DecodeOptions) -> tuple[str, ...]:
    """``("truncated",)`` when the output filled its length limit or the input passed its own."""
    if target_tokens >= limit or source_tokens > options.max_input_length:
        return (TRUNCATED,)
    return ()


class PivotTranslator:
    """Translators chained hop by hop (e.g. en→ru then ru→be), markers carried through each."""

    def __init__(self, hops: Sequence[Translator]) -> None:
        if not hops:
            raise ValueError("a pivot needs at least one translator")
        for first, second in itertools.pairwise(hops):
            if first.to_code != second.from_code:
                raise ModelError(
                    f"cannot chain {first.from_code}→{first.to_code} with {second.from_code}→{second.to_code}"
                )
        self.hops = tuple(hops)
        self.from_code = hops[0].from_code
        self.to_code = hops[-1].to_code

    @property
    def route(self) -> Route:
        """Every hop's packages as loaded, in order (TypeError for a hop that is no package translator)."""
        packages: list[Package] = []
        for hop in self.hops:
            if not isinstance(hop, ArgosTranslator | PivotTranslator):
                raise TypeError(f"{type(hop).__name__} is not a package translator: it has no route")
            packages += hop.route.hops
        return Route(self.from_code, self.to_code, tuple(packages))

    def signature(self) -> str:
        """``en_ru-1.9~…+ru_be-1.0~…|beam4|…`` when the hops share options, else each hop's own."""
        hops = [h for h in self.hops if isinstance(h, ArgosTranslator)]
        if len(hops) == len(self.hops) and len({h.options.signature() for h in hops}) == 1:
            return self.route.signature(hops[0].options)
        return "+".join(hop.signature() for hop in self.hops)

    def translate(self, sentences: Sequence[Sentence]) -> list[Translated]:
        """Translate through every hop; a sentence's flags are those of all hops, in order."""
        current = list(sentences)
        flags: list[list[str]] = [[] for _ in sentences]
        for hop in self.hops:
            step = hop.translate(current)
            current = [t.sentence for t in step]
            for collected, t in zip(flags, step, strict=False):
                collected.extend(f for f in t.flags if f not in collected)
        results = []
        for source, target, collected in zip(sentences, current, flags, strict=False):
            check_invariant(source.markers, target.markers, f"pivot translation of sentence {source.index}")
            results.append(Translated(target, tuple(collected)))
        return results


def build_translator(
    route: Route | Sequence[Path],
    options: DecodeOptions | None = None,
    *,
    targets: Sequence[str | None] | None = None,
) -> ArgosTranslator | PivotTranslator:
    """The translator for a route: one package is direct, several are a pivot chain.

    A :class:`Route` (what :func:`.routing.find_route` chose) is loaded as it is, each package
    producing its hop's language; the translator's ``route`` names the packages as loaded. For
    package folders, ``targets[i]`` is the language hop ``i`` must produce (without it, a hop
    produces the next hop's source language where it can, the last hop its package's default).

    Raises:
        ModelError: no package given, a package cannot be loaded or lacks the wanted target,
            or the hops do not chain.
    """
    folders = [] if isinstance(route, Route) else [Path(p) for p in route]
    if targets is not None and len(targets) != len(folders):
        raise ModelError(f"{len(folders)} packages but {len(targets)} targets for the route")
    wanted: list[str | None] = list(targets) if targets is not None else [None] * len(folders)
    if targets is None:
        loaded = [load(p, options) for p in folders]
        for i, (package, following) in enumerate(itertools.pairwise(loaded)):
            if following.from_code in package.targets:
                wanted[i] = following.from_code
    sources: Sequence[Package | Path] = route.hops if isinstance(route, Route) else folders
    targets = [None] * len(sources) if isinstance(route, Route) else wanted
    hops = [ArgosTranslator(p, options, target) for p, target in zip(sources, targets, strict=True)]
    if not hops:
        raise ModelError("no model package given for the translation route")
    if len(hops) == 1:
        return hops[0]
    return PivotTranslator(hops)

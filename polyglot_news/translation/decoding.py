"""Decoding settings for CTranslate2, the compute types this CPU supports, and what decoded output must lose."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import time
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import InitVar, dataclass, field

from polyglot_news.errors import DeadlineError

MAX_THREADS = 8
"""Most CTranslate2 threads (or replicas) a default setting asks for."""


def usable_cores() -> int:
    """The cores this process may use (its CPU affinity where known), at most :data:`MAX_THREADS`."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, MAX_THREADS))


DEFAULT_BATCH_TOKENS = 1024
"""CTranslate2 batch size in source tokens. Measured with ``benchmarks/translate_bench.py`` on
random-weight packages of the real en→ru sizes: with 1,024 the engine's peak RSS is 0.70× (base)
and 0.67× (big) that of a raw ``translate_batch`` with Argos's 32-sentence batches, at 1.11× and
1.32× its speed; in a 200-sentence probe (base size, 76 tokens a sentence) 4,096-token batches
doubled the peak: 683 vs 333 MB.
Batching changes no output of the project's test packages; with real int8 models it can flip a
near-tie now and then (CTranslate2's arithmetic depends a little on which sentences share a
batch: 2 of 120 sentences on random-weight base weights), so a non-default value is part of
:meth:`DecodeOptions.signature`."""

GUARDS = ("off", "flag", "retry")
"""What the guard does with each output (:mod:`polyglot_news.translation.guard`): ``off`` checks nothing
(only ``truncated``, a fact about lengths, is still reported), ``flag`` names what looks degenerate,
``retry`` (the default) also decodes a flagged sentence once more with safer settings and keeps the
better output — which doubles the decoding of a window whose outputs are all flagged."""

MAX_BEAM_SIZE = 16
"""Widest beam: memory grows with the beam (100,000 took 12 GB); past ~8 news sentences gain
nothing (Argos Translate uses 4)."""


@dataclass(frozen=True)
class DecodeOptions:
    """Decoding settings for CTranslate2; :meth:`signature` records those that change output.

    The defaults follow Argos Translate (beam 4, length penalty 0.2, unknown tokens replaced
    from the source). ``batch_tokens`` is the CTranslate2 batch size counted in source tokens.
    ``intra_threads`` defaults to the machine's cores (at most 8), with one translator replica.
    ``guard`` is one of :data:`GUARDS` (default ``retry``: sentences the guard flags are re-decoded
    once with safer settings); ``retry=False`` is the older spelling of ``guard="flag"``.
    """

    beam_size: int = 4
    max_decoding_length: int = 256
    min_decoding_length: int = 1
    max_input_length: int = 1024
    batch_tokens: int = DEFAULT_BATCH_TOKENS
    length_penalty: float = 0.2
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    replace_unknowns: bool = True
    compute_type: str = "int8"
    inter_threads: int = 1
    intra_threads: int = field(default_factory=usable_cores)
    guard: str = "retry"
    retry: InitVar[bool | None] = None

    def __post_init__(self, retry: bool | None) -> None:
        if self.guard not in GUARDS:
            raise ValueError(f"unknown guard {self.guard!r}: choose from {', '.join(GUARDS)}")
        if retry is False and self.guard == "retry":
            object.__setattr__(self, "guard", "flag")
        if not 1 <= self.beam_size <= MAX_BEAM_SIZE:
            raise ValueError(f"beam_size must be between 1 and {MAX_BEAM_SIZE}, not {self.beam_size}")
        if not 1 <= self.min_decoding_length <= self.max_decoding_length:
            raise ValueError(
                "need 1 <= min_decoding_length <= max_decoding_length, got "
                f"{self.min_decoding_length} and {self.max_decoding_length}"
            )
        if self.batch_tokens < 1 or self.max_input_length < 1:
            raise ValueError("batch_tokens and max_input_length must be positive")
        if self.inter_threads < 1 or self.intra_threads < 0:
            raise ValueError("inter_threads must be >= 1 and intra_threads >= 0")
        if self.compute_type not in COMPUTE_TYPES:
            raise ValueError(f"unknown compute type {self.compute_type!r}: choose from {', '.join(COMPUTE_TYPES)}")

    def signature(self) -> str:
        """The settings that change the output, e.g. ``beam4|lp0.2|max256|int8`` (``|noretry`` for the
        guard ``flag``, ``|noguard`` for ``off``)."""
        parts = [f"beam{self.beam_size}", f"lp{self.length_penalty:g}"]
        if self.repetition_penalty != 1.0:
            parts.append(f"rp{self.repetition_penalty:g}")
        if self.no_repeat_ngram_size:
            parts.append(f"nrng{self.no_repeat_ngram_size}")
        if self.min_decoding_length > 1:
            parts.append(f"min{self.min_decoding_length}")
        parts.append(f"max{self.max_decoding_length}")
        if self.max_input_length != 1024:
            parts.append(f"in{self.max_input_length}")
        if self.batch_tokens != DEFAULT_BATCH_TOKENS:
            parts.append(f"bt{self.batch_tokens}")
        if not self.replace_unknowns:
            parts.append("unk")
        parts.append(resolve_compute_type(self.compute_type))
        if self.guard != "retry":
            parts.append("noretry" if self.guard == "flag" else "noguard")
        return "|".join(parts)


COMPUTE_TYPES = (
    "default", "auto", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16",
    "float32",
)  # fmt: skip
"""CTranslate2's compute types; one this CPU lacks falls back to the nearest it has."""

TRUNCATED = "truncated"
"""Flag of an output that hit ``max_decoding_length`` or whose source passed ``max_input_length``."""

CHARS_PER_INPUT_TOKEN = 8
"""Characters of a sentence kept per token of ``max_input_length`` (see :func:`cut_input`)."""


def cut_input(plain: str, options: DecodeOptions) -> str:
    """``plain`` cut, before it is tokenized, to :data:`CHARS_PER_INPUT_TOKEN` characters per
    input token the model takes (at a space near the end when there is one).

    The model drops what passes ``max_input_length`` tokens anyway (text runs 2-5 characters a
    token), and a 5 MB table dump with no full stop must not be tokenized whole: the engine
    translates the cut text and flags the sentence :data:`TRUNCATED`.
    """
    limit = CHARS_PER_INPUT_TOKEN * options.max_input_length
    if len(plain) <= limit:
        return plain
    space = plain.rfind(" ", limit * 9 // 10, limit)
    return plain[: space if space > 0 else limit]


_COMPUTE_FALLBACK = ("int8_float32", "int8", "float32")


@functools.cache
def resolve_compute_type(requested: str) -> str:
    """``requested`` if this CPU supports it, else the closest supported type (int8 → float32).

    Raises:
        ValueError: ``requested`` is no CTranslate2 compute type at all.
    """
    if requested not in COMPUTE_TYPES:
        raise ValueError(f"unknown compute type {requested!r}: choose from {', '.join(COMPUTE_TYPES)}")
    import ctranslate2  # type: ignore[import-untyped]

    supported = set(ctranslate2.get_supported_compute_types("cpu"))
    if requested in supported or requested in ("auto", "default"):
        return requested
    for candidate in _COMPUTE_FALLBACK:
        if candidate in supported:
            return candidate
    return "default"


SPECIAL_TOKEN = re.compile(
    r"^▁?(?:>>[A-Za-z0-9_-]{2,12}<<|__[a-z]{2,3}(?:_[A-Za-z]{2,8})?__|[a-z]{2,3}_[A-Z][a-z]{3}|<unk>|<s>|</s>|<pad>|<mask>)$"
)
"""Tokens that must never reach the text: language tags (``>>bel<<``, ``__be__``, NLLB's
``bel_Cyrl``) a model may emit anywhere, and control tokens (``<unk>`` decodes to ``⁇``)."""


def drop_special(
    tokens: list[str], rows: list[list[float]] | None
) -> tuple[list[str], list[list[float]] | None]:
    """``tokens`` without :data:`SPECIAL_TOKEN` ones (and their attention rows)."""
    joined = "".join(tokens)
    if "<" not in joined and "_" not in joined:  # every special token has one or the other
        return tokens, rows
    keep = [i for i, token in enumerate(tokens) if not SPECIAL_TOKEN.match(token)]
    if len(keep) == len(tokens):
        return tokens, rows
    if rows is not None and len(rows) == len(tokens):
        rows = [rows[i] for i in keep]
    elif rows is not None:
        rows = None  # cannot tell which rows belong to the dropped tokens: no alignment
    return [tokens[i] for i in keep], rows


def clean_text(text: str) -> str:
    """Decoded text without raw SentencePiece ``▁`` (pieces the tokenizer did not know)."""
    if "▁" not in text:
        return text
    return re.sub(" {2,}", " ", text.replace("▁", " ")).strip()


_DEADLINE: ContextVar[float | None] = ContextVar("polyglot_news_deadline", default=None)


@contextlib.contextmanager
def deadline(at: float | None) -> Iterator[None]:
    """Within the block, decoding stops at ``at`` (a ``time.monotonic()`` time; ``None``: never).

    Under a deadline each CTranslate2 batch is a call of its own, and the deadline is checked
    before each (:func:`pieces`), so a request past its time stops within one batch. The server
    uses it; elsewhere a call stays one ``translate_batch`` over all its sentences.
    """
    token = _DEADLINE.set(at)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def pieces(lengths: Sequence[int], budget: int) -> Iterator[list[int]] | None:
    """Under a :func:`deadline`, the CTranslate2 calls to make for sentences of ``lengths`` tokens:
    runs of about ``budget`` tokens in length order (``None``: one call, as without a deadline).
    The deadline is checked now and before each run is handed over.

    Raises:
        DeadlineError: the deadline has passed.
    """
    at = _DEADLINE.get()
    if at is None:
        return None
    _check(at)
    if sum(lengths) <= budget or len(lengths) < 2:
        return None
    runs: list[list[int]] = [[]]
    tokens = 0
    for i in sorted(range(len(lengths)), key=lambda i: lengths[i]):
        if runs[-1] and tokens + lengths[i] > budget:
            runs.append([])
            tokens = 0
        runs[-1].append(i)
        tokens += lengths[i]
    return _checked(runs, at)


def _checked(runs: list[list[int]], at: float) -> Iterator[list[int]]:
    for run in runs:
        _check(at)
        yield run


def _check(at: float) -> None:
    if time.monotonic() >= at:
        raise DeadlineError("the translation ran past its deadline")

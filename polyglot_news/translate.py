"""Offline translation with Argos-format packages, run directly on CTranslate2 + SentencePiece.

An unpacked package directory holds ``metadata.json``, a CTranslate2 model in ``model/`` and
``sentencepiece.model``. Packages built from OPUS-MT or NLLB models (``polyglot-news models
build``) extend that layout: separate source and target SentencePiece models, a source-side
prefix token (``>>bel<<``, ``eng_Latn``) and several targets in one package, chosen per
translator (see ``lang_models/README.md``). :class:`ArgosTranslator` translates all the sentences it is given in
one batched, length-sorted ``translate_batch`` call (batch size counted in tokens), checks
each output with :mod:`.guard` (retrying degenerate ones once with safer decoding) and puts
the citation markers back with :mod:`.placement`. The model only ever sees
``Sentence.plain``. :class:`PivotTranslator` chains translators (en→ru→be), markers carried
through every hop. Packages are loaded once per process and kept.

``argostranslate`` itself is never imported (it pulls in stanza and torch); ctranslate2 and
sentencepiece are imported the first time a package is loaded.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from . import guard
from .citations import check_brackets, check_invariant, drop_brackets, hold_out, put_back
from .document import Marker, Sentence
from .errors import ModelError
from .placement import Alignment, place

__all__ = [
    "ArgosTranslator",
    "DecodeOptions",
    "LoadedPackage",
    "TargetSpec",
    "PivotTranslator",
    "Translated",
    "Translator",
    "build_translator",
    "clear_cache",
    "load",
    "resolve_compute_type",
]


def _default_intra_threads() -> int:
    """The cores this process may use (its CPU affinity where known), at most 8."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, 8))


@dataclass(frozen=True)
class DecodeOptions:
    """Decoding settings for CTranslate2; :meth:`signature` records those that change output.

    The defaults follow Argos Translate (beam 4, length penalty 0.2, unknown tokens replaced
    from the source). ``batch_tokens`` is the CTranslate2 batch size counted in source tokens.
    ``intra_threads`` defaults to the machine's cores (at most 8), with one translator replica.
    ``retry`` re-decodes sentences the guard flags, once, with safer settings.
    """

    beam_size: int = 4
    max_decoding_length: int = 256
    min_decoding_length: int = 1
    max_input_length: int = 1024
    batch_tokens: int = 4096
    length_penalty: float = 0.2
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    replace_unknowns: bool = True
    compute_type: str = "int8"
    inter_threads: int = 1
    intra_threads: int = field(default_factory=_default_intra_threads)
    retry: bool = True

    def __post_init__(self) -> None:
        if self.beam_size < 1:
            raise ValueError(f"beam_size must be at least 1, not {self.beam_size}")
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
        """The settings that change the output, e.g. ``beam4|lp0.2|max256|int8``."""
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
        if not self.replace_unknowns:
            parts.append("unk")
        parts.append(resolve_compute_type(self.compute_type))
        if not self.retry:
            parts.append("noretry")
        return "|".join(parts)


MEMO_SIZE = 2048
"""Outputs each loaded package keeps (oldest dropped first); bounds memory in long batch runs."""

COMPUTE_TYPES = (
    "default", "auto", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16",
    "float32",
)  # fmt: skip
"""CTranslate2's compute types; one this CPU lacks falls back to the nearest it has."""

TRUNCATED = "truncated"
"""Flag of an output that hit ``max_decoding_length`` or whose source passed ``max_input_length``."""

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


@dataclass(frozen=True)
class TargetSpec:
    """What a package needs to produce one target language.

    ``source_prefix`` tokens go before the source tokens (Marian's ``>>bel<<``, NLLB's
    ``eng_Latn``); ``target_prefix`` is forced as the first target token (NLLB's ``bel_Cyrl``).
    """

    source_prefix: tuple[str, ...] = ()
    target_prefix: str = ""


@dataclass(frozen=True)
class LoadedPackage:
    """A package ready to translate: metadata, CTranslate2 translator and tokenizers.

    ``tokenizer`` encodes the source; ``target_tokenizer`` decodes the output (the same
    object unless the package names a separate ``target_sentencepiece``). ``targets`` maps
    every language the package produces to its :class:`TargetSpec`; ``to_code`` is the default.
    """

    path: Path
    from_code: str
    to_code: str
    version: str
    target_prefix: str
    compute_type: str
    translator: Any = field(repr=False, compare=False)
    tokenizer: Any = field(repr=False, compare=False)
    target_tokenizer: Any = field(default=None, repr=False, compare=False)
    targets: dict[str, TargetSpec] = field(default_factory=dict, compare=False)
    memo: dict[tuple[Any, ...], _Output] = field(default_factory=dict, repr=False, compare=False)
    """Recent outputs by (target, options, attention, text): a pivot's first hop and a direct
    route to the same language share it, and so do repeated sentences across articles."""

    def spec(self, target: str | None = None) -> TargetSpec:
        """The prefixes for ``target`` (default: ``to_code``).

        Raises:
            ModelError: the package does not produce ``target``.
        """
        code = target or self.to_code
        found = self.targets.get(code)
        if found is None:
            if code == self.to_code:
                return TargetSpec((), self.target_prefix)
            served = ", ".join(sorted(self.targets) or [self.to_code])
            raise ModelError(f"{self.path} translates {self.from_code} into {served}, not into {code!r}")
        return found


_CACHE: dict[tuple[str, str, int, int], LoadedPackage] = {}
_CACHE_LOCK = threading.Lock()


def clear_cache() -> None:
    """Forget every loaded package (they are freed once no translator holds them)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def _metadata(package_dir: Path) -> dict[str, Any]:
    path = package_dir / "metadata.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{package_dir} is not a model package: metadata.json is missing") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"cannot read {path}: {exc}") from None
    except RecursionError:
        raise ModelError(f"cannot read {path}: JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise ModelError(f"{path} does not hold a JSON object")
    for key in ("from_code", "to_code"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise ModelError(f"{path} lacks a {key!r} string")
    return data


def _prefix_tokens(value: object, where: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if not isinstance(value, str):
        raise ModelError(f"{where}: a source_prefix must be a string of tokens")
    return tuple(value.split())


def _target_specs(meta: dict[str, Any], where: str) -> dict[str, TargetSpec]:
    """Every target of a package; a key a ``targets`` entry omits takes the package-level value."""
    base_source = meta.get("source_prefix")
    base_target = meta.get("target_prefix") or ""
    specs = {meta["to_code"]: TargetSpec(_prefix_tokens(base_source, where), str(base_target))}
    extra = meta.get("targets")
    if extra is None:
        return specs
    if not isinstance(extra, dict):
        raise ModelError(f"{where}: 'targets' must map language codes to objects")
    for code, entry in extra.items():
        entry = {} if entry is None else entry
        if not isinstance(entry, dict):
            raise ModelError(f"{where}: targets[{code!r}] is not an object")
        target_prefix = entry.get("target_prefix", base_target) or ""
        if not isinstance(target_prefix, str):
            raise ModelError(f"{where}: targets[{code!r}].target_prefix is not a string")
        specs[str(code)] = TargetSpec(_prefix_tokens(entry.get("source_prefix", base_source), where), target_prefix)
    return specs


def _tokenizer_file(package_dir: Path, meta: dict[str, Any], key: str, default: str) -> Path:
    name = meta.get(key) or default
    if not isinstance(name, str) or "/" in name or "\\" in name or name.startswith("."):
        raise ModelError(f"{package_dir}: metadata {key} {name!r} is not a plain file name")
    return package_dir / name


def load(package_dir: Path, options: DecodeOptions | None = None) -> LoadedPackage:
    """Load an unpacked package (once per path, compute type and thread setting in a process).

    Raises:
        ModelError: the directory is not a usable package (metadata, model or tokenizer).
    """
    options = options or DecodeOptions()
    package_dir = Path(package_dir).resolve()
    compute_type = resolve_compute_type(options.compute_type)
    key = (str(package_dir), compute_type, options.inter_threads, options.intra_threads)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            return cached
        meta = _metadata(package_dir)
        targets = _target_specs(meta, str(package_dir / "metadata.json"))
        model_dir = package_dir / "model"
        sp_model = _tokenizer_file(package_dir, meta, "source_sentencepiece", "sentencepiece.model")
        sp_target = _tokenizer_file(package_dir, meta, "target_sentencepiece", sp_model.name)
        if not (model_dir / "model.bin").is_file():
            raise ModelError(f"{package_dir} has no CTranslate2 model (model/model.bin)")
        for sp_file in dict.fromkeys((sp_model, sp_target)):
            if not sp_file.is_file():
                hint = " (BPE-tokenized packages are not supported)" if sp_file.name == "sentencepiece.model" else ""
                raise ModelError(f"{package_dir} has no {sp_file.name}{hint}")
        import ctranslate2
        import sentencepiece

        try:
            translator = ctranslate2.Translator(
                str(model_dir),
                device="cpu",
                compute_type=compute_type,
                inter_threads=options.inter_threads,
                intra_threads=options.intra_threads,
            )
            tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(sp_model))
            target_tokenizer = (
                tokenizer if sp_target == sp_model else sentencepiece.SentencePieceProcessor(model_file=str(sp_target))
            )
        except (RuntimeError, ValueError, OSError, IndexError, KeyError) as exc:
            raise ModelError(f"cannot load the model in {package_dir}: {exc}") from None
        package = LoadedPackage(
            path=package_dir,
            from_code=meta["from_code"],
            to_code=meta["to_code"],
            version=str(meta.get("package_version", "")),
            target_prefix=str(meta.get("target_prefix") or ""),
            compute_type=compute_type,
            translator=translator,
            tokenizer=tokenizer,
            target_tokenizer=target_tokenizer,
            targets=targets,
        )
        _CACHE[key] = package
        return package


@dataclass(frozen=True)
class Translated:
    """One translated sentence (same index, markers placed) and the guard's flags for it."""

    sentence: Sentence
    flags: tuple[str, ...] = ()


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
    tokens: list[str]
    text: str
    attention: list[list[float]] | None
    flags: tuple[str, ...]


def _has_inner_marker(sentence: Sentence) -> bool:
    return any(any(c.isalnum() for c in sentence.plain[m.offset :]) for m in sentence.markers)


def _safer(options: DecodeOptions, source_tokens: int) -> DecodeOptions:
    """Decoding less prone to loops and run-ons, its length tied to the source's."""
    limit = min(options.max_decoding_length, max(16, 2 * source_tokens + 10))
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

    ``target`` picks the language of a package that serves several (default: its ``to_code``).

    Raises:
        ModelError: the package cannot be loaded, or does not produce ``target``.
    """

    def __init__(self, package_dir: Path, options: DecodeOptions | None = None, target: str | None = None) -> None:
        self.options = options or DecodeOptions()
        self.package = load(package_dir, self.options)
        self.from_code = self.package.from_code
        self.to_code = target or self.package.to_code
        self.spec = self.package.spec(self.to_code)

    @property
    def route(self) -> str:
        """The package as a route step, e.g. ``en_ru-1.9``."""
        version = f"-{self.package.version}" if self.package.version else ""
        return f"{self.from_code}_{self.to_code}{version}"

    def signature(self) -> str:
        return f"{self.route}|{self.options.signature()}"

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
        # Each distinct text is translated once (a summary sentence is also in the full text),
        # and not again while it is in the package's memo.
        plains = list(dict.fromkeys(s.plain for s in sentences if s.plain.strip()))
        sources: list[list[str]] = self.package.tokenizer.encode(plains, out_type=str)
        attention = any(_has_inner_marker(s) for s in sentences if s.plain.strip())
        memo, key = self.package.memo, (self.to_code, self.options, attention)
        todo = [i for i, plain in enumerate(plains) if (*key, plain) not in memo]
        outputs = self._decode([sources[i] for i in todo], [plains[i] for i in todo], self.options, attention)
        if self.options.retry:
            self._retry([sources[i] for i in todo], [plains[i] for i in todo], outputs, attention)
        fresh = {plains[i]: out for i, out in zip(todo, outputs, strict=True)}
        by_plain = {
            plain: (source, fresh[plain] if plain in fresh else memo[(*key, plain)])
            for plain, source in zip(plains, sources, strict=True)
        }
        memo.update(((*key, plain), out) for plain, out in fresh.items())
        while len(memo) > MEMO_SIZE:
            del memo[next(iter(memo))]
        results: list[Translated] = []
        for sentence in sentences:
            if sentence.plain not in by_plain:
                markers = place(sentence.markers, sentence.plain, "")
                results.append(Translated(Sentence("", markers, sentence.index)))
                continue
            source, out = by_plain[sentence.plain]
            alignment = Alignment(source, out.tokens, out.attention) if out.attention else None
            output = drop_brackets(out.text, sentence.plain)  # a group the model saw none of is invented
            markers = place(sentence.markers, sentence.plain, output, alignment)
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
            for i, new in zip(indices, again, strict=False):
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
        prefix_token = self.spec.target_prefix
        source_prefix = list(self.spec.source_prefix)
        skip = len(source_prefix)
        order = sorted(range(len(sources)), key=lambda i: len(sources[i]))
        batch = [source_prefix + sources[i] for i in order]
        prefix = [[prefix_token] for _ in batch] if prefix_token else None
        try:
            raw = self.package.translator.translate_batch(
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
            )
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"translation failed with {self.package.path}: {exc}") from None
        hypotheses: list[list[str]] = [[] for _ in sources]
        attentions: list[list[list[float]] | None] = [None for _ in sources]
        for position, result in zip(order, raw, strict=False):
            tokens = list(result.hypotheses[0])
            rows = list(result.attention[0]) if attention and result.attention else None
            if rows is not None and skip:
                rows = [list(row[skip:]) for row in rows]  # columns of the source-prefix tokens
            if prefix_token and tokens[:1] == [prefix_token]:
                tokens = tokens[1:]
                if rows is not None and len(rows) > len(tokens):
                    rows = rows[1:]
            hypotheses[position] = tokens
            attentions[position] = rows
        texts: list[str] = self.package.target_tokenizer.decode(hypotheses)
        limit = options.max_decoding_length - (1 if prefix_token else 0)
        return [
            _Output(
                tokens,
                text,
                rows,
                guard.check(plain, text, self.to_code) + _cut(skip + len(source), len(tokens), limit, options),
            )
            for tokens, text, rows, plain, source in zip(hypotheses, texts, attentions, plains, sources, strict=True)
        ]


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

    def signature(self) -> str:
        """``en_ru-1.9+ru_be-1.0|beam4|…`` when the hops share options, else each hop's own."""
        hops = [h for h in self.hops if isinstance(h, ArgosTranslator)]
        if len(hops) == len(self.hops) and len({h.options.signature() for h in hops}) == 1:
            return "+".join(h.route for h in hops) + "|" + hops[0].options.signature()
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
    package_dirs: Sequence[Path],
    options: DecodeOptions | None = None,
    *,
    targets: Sequence[str | None] | None = None,
) -> Translator:
    """A translator for a route: one package directory is direct, several are a pivot chain.

    ``targets[i]`` is the language hop ``i`` must produce, for packages that serve several
    (``routing.find_route`` gives it as each package's ``to_code``). Without it, a hop produces
    the next hop's source language where it can, and the last hop its package's default.

    Raises:
        ModelError: no package given, a package cannot be loaded or lacks the wanted target,
            or the hops do not chain.
    """
    if not package_dirs:
        raise ModelError("no model package given for the translation route")
    if targets is not None and len(targets) != len(package_dirs):
        raise ModelError(f"{len(package_dirs)} packages but {len(targets)} targets for the route")
    wanted: list[str | None] = list(targets) if targets is not None else [None] * len(package_dirs)
    if targets is None:
        loaded = [load(Path(p), options) for p in package_dirs]
        for i, (package, following) in enumerate(itertools.pairwise(loaded)):
            if following.from_code in package.targets:
                wanted[i] = following.from_code
    hops = [ArgosTranslator(Path(p), options, target) for p, target in zip(package_dirs, wanted, strict=True)]
    if len(hops) == 1:
        return hops[0]
    return PivotTranslator(hops)

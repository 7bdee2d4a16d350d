"""Build small, real Argos-format test packages from the project's own data.

No torch and no downloads: a SentencePiece model is trained on the texts in
``lang_models/testdata/`` and CTranslate2 models are written from numpy arrays
through ctranslate2's own OpenNMT-py converter code (the path the official
Argos packages take: OpenNMT-py checkpoint -> ``ct2-opennmt-py-converter
--quantization int8``).

Two kinds of model:

* **echo** (``echo-en_ru`` ...): a one-layer Transformer whose weights are set
  by hand so that decoder step *t* attends to source position *t* and copies
  that token; the model config appends ``</s>`` to the source, so the copy ends
  with ``</s>``. The "translation" equals the input text, decoding terminates,
  and the cross-attention is a clean diagonal. The ``echo-prefix-en_be``
  variant declares a ``target_prefix`` token that must be forced as the first
  target token (as in multilingual packages); it copies from the next step on.
  ``loop-en_ru`` repeats the first source token until the length limit (a
  degenerate model for output guards).
* **benchmark** (:func:`build_benchmark_package`): seeded random weights with
  the architecture of the official Argos packages (Transformer base). Random
  weights never emit ``</s>``, so benchmarks must force the decoding length.

Every package says in its metadata that it is a test model, not a translation.
Builds are deterministic: the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import os
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float32]

BUILDER_VERSION = 1
ARGOS_VERSION = "1.9.0"
PACKAGE_VERSION = "1.0"
TESTDATA_DIR = Path(__file__).resolve().parent / "testdata"
TESTDATA_FILES = ("en.txt", "ru.txt", "be.txt")
SPM_VOCAB_SIZE = 1000
#: Target-prefix tokens known to the shared SentencePiece model (M2M-100 style).
PREFIX_TOKENS = ("__en__", "__ru__", "__be__")
LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "be": "Belarusian"}

# Echo model geometry (see _echo_variables for how the dimensions are used).
ECHO_CODE_BITS = 64  # token identity: a +-1 code, stored twice (c, -c)
ECHO_FREQUENCIES = 12  # position: cos/sin pairs, stored twice (p, -p)
ECHO_HEADS = 2
# Rows of the position tables (CTranslate2 truncates input at 1024 by default).
ECHO_MAX_POSITIONS = 1100
# Attention logit margin of the aligned source position over any other.
ECHO_ATTENTION_GAP = 30.0
ECHO_PERIODS = (2.5, 2048.0)  # shortest and longest period of the position code

OPENNMT_MAX_POSITIONS = 5000  # OpenNMT-py's default position table length

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class EchoRecipe:
    """One hand-set test package: a language pair, a behaviour, an optional target prefix.

    kind ``echo`` copies the source then ends; ``echo-prefix`` expects
    *target_prefix* forced as the first target token, then copies; ``loop``
    repeats the first source token until the length limit (a degenerate model).
    """

    from_code: str
    to_code: str
    kind: str = "echo"
    target_prefix: str = ""

    def source_position(self, step: int) -> int:
        """The source position that decoder step *step* attends to (and copies)."""
        if self.kind == "loop":
            return 0
        return step - 1 if self.target_prefix else step


#: Registry of the hand-set test packages :func:`build` knows, by name.
PACKAGES: dict[str, EchoRecipe] = {
    "echo-en_ru": EchoRecipe("en", "ru"),
    "echo-ru_en": EchoRecipe("ru", "en"),
    "echo-ru_be": EchoRecipe("ru", "be"),
    "echo-be_ru": EchoRecipe("be", "ru"),
    "echo-en_be": EchoRecipe("en", "be"),
    "echo-prefix-en_be": EchoRecipe("en", "be", "echo-prefix", target_prefix="__be__"),
    "loop-en_ru": EchoRecipe("en", "ru", "loop"),
}
#: What ``build(out_dir)`` builds: one package per language pair, so installing
#: all of them never gives two packages for the same pair.
DEFAULT_PACKAGES = (
    "echo-en_ru",
    "echo-ru_en",
    "echo-ru_be",
    "echo-be_ru",
    "echo-en_be",
)
_LABELS = {"echo": "echo", "echo-prefix": "echo, target prefix", "loop": "loop"}


def package_folder(name: str) -> str:
    """The top-level folder (and file stem) of test package *name*."""
    return f"test-{name}-{PACKAGE_VERSION.replace('.', '_')}"


def testdata_lines() -> list[str]:
    """The non-empty lines of the SentencePiece training texts, in a fixed order."""
    lines: list[str] = []
    for name in TESTDATA_FILES:
        text = (TESTDATA_DIR / name).read_text(encoding="utf-8")
        lines.extend(line.strip() for line in text.splitlines() if line.strip())
    return lines


def train_sentencepiece(vocab_size: int = SPM_VOCAB_SIZE) -> bytes:
    """Train the shared SentencePiece model on the test texts; returns the model bytes.

    Byte fallback makes any input representable; identity normalization keeps
    decode(encode(text)) == text for text with single spaces.
    """
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(testdata_lines()),
        model_writer=buffer,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        byte_fallback=True,
        normalization_rule_name="identity",
        control_symbols=list(PREFIX_TOKENS),
        num_threads=1,
        shuffle_input_sentence=False,
        input_sentence_size=0,
        minloglevel=2,
    )
    return buffer.getvalue()


def sentencepiece_vocabulary(model: bytes) -> list[str]:
    """All pieces of a SentencePiece model, in id order."""
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=model)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


# --------------------------------------------------------------------------- echo


def _token_codes(count: int, bits: int) -> FloatArray:
    """Deterministic +-1 codes, one row per token id (from sha256, not a RNG)."""
    import numpy as np

    per_row = (bits + 255) // 256
    raw = b"".join(
        hashlib.sha256(f"polyglot-news-echo:{i}:{j}".encode()).digest()
        for i in range(count)
        for j in range(per_row)
    )
    unpacked = np.unpackbits(np.frombuffer(raw, dtype=np.uint8)).reshape(count, -1)[
        :, :bits
    ]
    return (unpacked.astype(np.float32) * 2.0 - 1.0).astype(np.float32)


def _frequencies() -> FloatArray:
    import numpy as np

    periods = np.geomspace(ECHO_PERIODS[0], ECHO_PERIODS[1], ECHO_FREQUENCIES)
    return (2.0 * np.pi / periods).astype(np.float32)


def _position_gap(max_positions: int = ECHO_MAX_POSITIONS) -> float:
    """Smallest drop of sum_k cos(w_k * d) from its peak at d=0, over 0 < d < max_positions."""
    import numpy as np

    distance = np.arange(1, max_positions, dtype=np.float64)
    total = np.cos(np.outer(distance, _frequencies().astype(np.float64))).sum(axis=1)
    return float(ECHO_FREQUENCIES - total.max())


def _position_table(positions: Sequence[int], width: int, offset: int) -> FloatArray:
    """Rows [0.., cos, sin, -cos, -sin] of each position, placed at column *offset*."""
    import numpy as np

    k = ECHO_FREQUENCIES
    angles = np.outer(
        np.asarray(positions, dtype=np.float64), _frequencies().astype(np.float64)
    )
    table = np.zeros((len(positions), width), dtype=np.float32)
    table[:, offset : offset + k] = np.cos(angles)
    table[:, offset + k : offset + 2 * k] = np.sin(angles)
    table[:, offset + 2 * k : offset + 4 * k] = -table[:, offset : offset + 2 * k]
    return table


def _echo_variables(vocab_size: int, recipe: EchoRecipe) -> dict[str, FloatArray]:
    """Hand-set weights of a 1+1 layer pre-norm Transformer that copies its source.

    Residual stream layout (d = 2L + 4K):
      [0, L)        token code c          [L, 2L)       -c
      [2L, 2L+2K)   position (cos, sin)   [2L+2K, d)    its negation
    The mirrored halves make every vector zero-mean with a constant norm, so each
    LayerNorm (gamma=1, beta=0) is an exact, known rescaling. Encoder layers and
    decoder self-attention/FFN add nothing (zero output weights). Decoder input
    embeddings are zero: the decoder state is its position code, the cross-attention
    query matches it to source position recipe.source_position(t), the value carries that
    token's code into the token dims, and the output projection scores each vocab
    entry by code agreement, so the attended token wins by a wide margin.
    """
    import numpy as np

    bits, k = ECHO_CODE_BITS, ECHO_FREQUENCIES
    d = 2 * bits + 4 * k
    head_dim = d // ECHO_HEADS
    pos = 2 * bits  # first position column
    codes = _token_codes(vocab_size, bits)

    def zeros(*shape: int) -> FloatArray:
        return np.zeros(shape, dtype=np.float32)

    def ones(n: int) -> FloatArray:
        return np.ones(n, dtype=np.float32)

    token_rows = np.concatenate([codes, -codes, zeros(vocab_size, 4 * k)], axis=1)
    # LayerNorm divides by the std over d; both streams have these fixed stds.
    std_full = math.sqrt((2 * bits + 2 * k) / d)
    std_pos = math.sqrt(2 * k / d)

    v: dict[str, FloatArray] = {}
    # CTranslate2 multiplies embeddings by sqrt(d) (OpenNMT-py convention).
    v["encoder.embeddings.make_embedding.emb_luts.0.weight"] = (
        token_rows / np.float32(math.sqrt(d))
    ).astype(np.float32)
    positions = list(range(ECHO_MAX_POSITIONS))
    v["encoder.embeddings.make_embedding.pe.pe"] = _position_table(positions, d, pos)[
        :, None, :
    ]
    v["decoder.embeddings.make_embedding.emb_luts.0.weight"] = zeros(vocab_size, d)
    shifted = [recipe.source_position(p) for p in positions]
    v["decoder.embeddings.make_embedding.pe.pe"] = _position_table(shifted, d, pos)[
        :, None, :
    ]

    def layer_norm(scope: str) -> None:
        v[f"{scope}.weight"] = ones(d)
        v[f"{scope}.bias"] = zeros(d)

    def linear(scope: str, weight: FloatArray) -> None:
        v[f"{scope}.weight"] = weight
        v[f"{scope}.bias"] = zeros(weight.shape[0])

    def silent_attention(scope: str) -> None:
        for name in ("linear_query", "linear_keys", "linear_values", "final_linear"):
            linear(f"{scope}.{name}", zeros(d, d))

    def silent_ffn(scope: str) -> None:
        layer_norm(f"{scope}.layer_norm")
        linear(f"{scope}.w_1", zeros(4, d))
        linear(f"{scope}.w_2", zeros(d, 4))

    enc = "encoder.transformer.0"
    layer_norm(f"{enc}.layer_norm")
    silent_attention(f"{enc}.self_attn")
    silent_ffn(f"{enc}.feed_forward")
    layer_norm("encoder.layer_norm")

    dec = "decoder.transformer_layers.0"
    layer_norm(f"{dec}.layer_norm_1")
    silent_attention(f"{dec}.self_attn")
    layer_norm(f"{dec}.layer_norm_2")
    silent_ffn(f"{dec}.feed_forward")
    layer_norm("decoder.layer_norm")

    # Cross-attention. Score = q.k / sqrt(head_dim) = a * sum_k cos(w_k (t' - s)).
    a = ECHO_ATTENTION_GAP / _position_gap()
    query, keys, values, out = zeros(d, d), zeros(d, d), zeros(d, d), zeros(d, d)
    for h in range(ECHO_HEADS):
        base = h * head_dim
        for j in range(2 * k):  # cos and sin columns
            query[base + j, pos + j] = a * math.sqrt(head_dim) * std_pos
            keys[base + j, pos + j] = std_full
        for j in range(bits):
            values[base + j, j] = std_full
            # Average the heads' copies into (c, -c).
            out[j, base + j] = 1.0 / ECHO_HEADS
            out[bits + j, base + j] = -1.0 / ECHO_HEADS
    ctx = f"{dec}.context_attn"
    linear(f"{ctx}.linear_query", query)
    linear(f"{ctx}.linear_keys", keys)
    linear(f"{ctx}.linear_values", values)
    linear(f"{ctx}.final_linear", out)

    # Output projection: logit(w) = 2 c(w).c(attended) / std_full.
    linear("generator", token_rows.copy())
    return v


def _transformer_spec(
    variables: dict[str, Any], vocabulary: list[str], *, layers: int, heads: int
) -> Any:
    """A CTranslate2 TransformerSpec filled by ctranslate2's OpenNMT-py converter code."""
    from ctranslate2.converters import opennmt_py  # type: ignore[import-untyped]
    from ctranslate2.specs import transformer_spec  # type: ignore[import-untyped]

    spec = transformer_spec.TransformerSpec.from_config(layers, heads)
    opennmt_py.set_transformer_spec(spec, variables)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    return spec


def _save_spec(spec: Any, model_dir: Path, quantization: str) -> None:
    from ctranslate2.converters.converter import Converter  # type: ignore[import-untyped]

    class _SpecConverter(Converter):  # type: ignore[misc]
        def _load(self) -> Any:
            return spec

    _SpecConverter().convert(str(model_dir), quantization=quantization, force=True)


def write_echo_model(
    model_dir: Path, vocabulary: list[str], recipe: EchoRecipe
) -> None:
    """Write the hand-set CTranslate2 model of *recipe* (int8) into *model_dir*."""
    variables = _echo_variables(len(vocabulary), recipe)
    spec = _transformer_spec(variables, vocabulary, layers=1, heads=ECHO_HEADS)
    spec.config.add_source_eos = True  # the copied </s> ends the output
    _save_spec(spec, model_dir, "int8")


# ---------------------------------------------------------------------- benchmark


def _random_variables(
    *, vocab_size: int, layers: int, d_model: int, ffn: int, seed: int
) -> dict[str, FloatArray]:
    """OpenNMT-py-shaped Transformer weights drawn from a seeded Glorot-like normal."""
    import numpy as np

    rng = np.random.default_rng(seed)

    def normal(*shape: int) -> FloatArray:
        scale = math.sqrt(2.0 / sum(shape))
        return (
            rng.standard_normal(shape, dtype=np.float32) * np.float32(scale)
        ).astype(np.float32)

    v: dict[str, FloatArray] = {}

    def layer_norm(scope: str) -> None:
        v[f"{scope}.weight"] = np.ones(d_model, dtype=np.float32)
        v[f"{scope}.bias"] = np.zeros(d_model, dtype=np.float32)

    def linear(scope: str, n_out: int, n_in: int) -> None:
        v[f"{scope}.weight"] = normal(n_out, n_in)
        v[f"{scope}.bias"] = np.zeros(n_out, dtype=np.float32)

    def attention(scope: str) -> None:
        for name in ("linear_query", "linear_keys", "linear_values", "final_linear"):
            linear(f"{scope}.{name}", d_model, d_model)

    def ffn_block(scope: str) -> None:
        layer_norm(f"{scope}.layer_norm")
        linear(f"{scope}.w_1", ffn, d_model)
        linear(f"{scope}.w_2", d_model, ffn)

    # OpenNMT-py's sinusoidal table (max_len 5000), stored in its checkpoints and
    # copied into model.bin by the converter, as in the official packages.
    position = np.arange(OPENNMT_MAX_POSITIONS, dtype=np.float64)[:, None]
    div_term = np.exp(
        np.arange(0, d_model, 2, dtype=np.float64) * -(math.log(10000.0) / d_model)
    )
    table = np.zeros((OPENNMT_MAX_POSITIONS, d_model), dtype=np.float32)
    table[:, 0::2] = np.sin(position * div_term)
    table[:, 1::2] = np.cos(position * div_term)
    for side in ("encoder", "decoder"):
        v[f"{side}.embeddings.make_embedding.emb_luts.0.weight"] = normal(
            vocab_size, d_model
        )
        v[f"{side}.embeddings.make_embedding.pe.pe"] = table[:, None, :]
        layer_norm(f"{side}.layer_norm")
    for i in range(layers):
        enc = f"encoder.transformer.{i}"
        layer_norm(f"{enc}.layer_norm")
        attention(f"{enc}.self_attn")
        ffn_block(f"{enc}.feed_forward")
        dec = f"decoder.transformer_layers.{i}"
        layer_norm(f"{dec}.layer_norm_1")
        attention(f"{dec}.self_attn")
        layer_norm(f"{dec}.layer_norm_2")
        attention(f"{dec}.context_attn")
        ffn_block(f"{dec}.feed_forward")
    linear("generator", vocab_size, d_model)
    return v


_FILLER_ALPHABETS = {
    "en": "abcdefghijklmnopqrstuvwxyz",
    "ru": "абвгдежзийклмнопрстуфхцчшщыэюя",
    "be": "абвгдежзійклмнопрстуўфхцчшыэюя",
}


def _benchmark_vocabulary(pieces: list[str], size: int, to_code: str) -> list[str]:
    """The SentencePiece pieces padded up to *size* with made-up word pieces.

    The fillers are letters of the target script ("▁вак"), so the random model's
    output is in that script. They are not in the SentencePiece model: encoding
    never produces them, and decoding keeps them literally ("▁" included).
    """
    if size < len(pieces):
        raise ValueError(
            f"vocab must be at least {len(pieces)} (the SentencePiece model's size)"
        )
    alphabet = _FILLER_ALPHABETS.get(to_code, _FILLER_ALPHABETS["en"])
    known = set(pieces)
    vocabulary = list(pieces)
    n = len(alphabet) ** 2  # start at three letters
    while len(vocabulary) < size:
        letters, rest = "", n
        while rest:
            rest, digit = divmod(rest, len(alphabet))
            letters += alphabet[digit]
        n += 1
        piece = "▁" + letters
        if piece not in known:
            vocabulary.append(piece)
    return vocabulary


def build_benchmark_package(
    out_dir: Path,
    *,
    layers: int = 6,
    d_model: int = 512,
    ffn: int = 2048,
    heads: int = 8,
    vocab: int = 32000,
    seed: int = 0,
    from_code: str = "en",
    to_code: str = "ru",
    spm_model: bytes | None = None,
    tag: str = "",
) -> Path:
    """Build a seeded random-weight package with the official Argos architecture.

    The default is Transformer base as in argos-train's OpenNMT-py config
    (6+6 layers, d_model 512, FFN 2048, 8 heads, sinusoidal positions, pre-norm,
    int8). It never emits ``</s>``: force min/max decoding length when timing it.
    ``spm_model`` replaces the small test SentencePiece model (``tag`` then names it in
    the package name). Returns the path of the ``.argosmodel`` file.
    """
    if spm_model is None:
        spm_model = train_sentencepiece()
    vocabulary = _benchmark_vocabulary(
        sentencepiece_vocabulary(spm_model), vocab, to_code
    )
    name = f"bench-{from_code}_{to_code}-l{layers}-d{d_model}-v{vocab}-s{seed}{tag}"
    kind_info = {
        "kind": "random-benchmark",
        "layers": layers,
        "d_model": d_model,
        "ffn": ffn,
        "heads": heads,
        "vocab": vocab,
        "seed": seed,
    }

    def write_model(model_dir: Path) -> None:
        variables = _random_variables(
            vocab_size=vocab, layers=layers, d_model=d_model, ffn=ffn, seed=seed
        )
        spec = _transformer_spec(variables, vocabulary, layers=layers, heads=heads)
        _save_spec(spec, model_dir, "int8")

    label = "random weights, for benchmarks only"
    return _write_package(
        Path(out_dir),
        name,
        from_code,
        to_code,
        "",
        spm_model,
        kind_info,
        label,
        write_model,
        store=("model/model.bin",),
    )


# ------------------------------------------------------------------------ package


def _metadata(
    name: str,
    from_code: str,
    to_code: str,
    target_prefix: str,
    kind_info: dict[str, Any],
    label: str,
) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "package_version": PACKAGE_VERSION,
        "argos_version": ARGOS_VERSION,
        "from_code": from_code,
        "from_name": LANGUAGE_NAMES.get(from_code, from_code),
        "to_code": to_code,
        "to_name": LANGUAGE_NAMES.get(to_code, to_code),
        "type": "translate",
        "package_type": "translate",
        "name": f"TEST MODEL {from_code}→{to_code} ({label}) — not a translation",
    }
    if target_prefix:
        metadata["target_prefix"] = target_prefix
    metadata["polyglot_news"] = {
        "test_model": True,
        "package": name,
        "builder": "lang_models.build_test_packages",
        "builder_version": BUILDER_VERSION,
        **kind_info,
    }
    return metadata


def _readme(metadata: dict[str, Any]) -> str:
    return (
        f"# {metadata['name']}\n\n"
        "Built by polyglot-news `lang_models/build_test_packages.py` for tests and\n"
        "benchmarks. Its weights are hand-set or random: it does not translate.\n"
    )


def _zip_directory(
    source: Path, top: str, destination: Path, *, store: Sequence[str] = ()
) -> None:
    """Zip *source* as folder *top*/, byte-for-byte reproducibly (sorted, fixed dates).

    Files whose relative path is in *store* are stored uncompressed (random weights
    do not compress; deflating 100 MB of them only costs seconds).
    """
    entries: list[tuple[str, Path | None]] = [(f"{top}/", None)]
    for found in sorted(
        source.rglob("*"), key=lambda p: p.relative_to(source).as_posix()
    ):
        rel = found.relative_to(source).as_posix()
        entries.append(
            (f"{top}/{rel}/", None) if found.is_dir() else (f"{top}/{rel}", found)
        )
    with zipfile.ZipFile(destination, "w") as archive:
        for arcname, path in entries:
            info = zipfile.ZipInfo(arcname, date_time=_ZIP_DATE)
            info.create_system = 3  # unix, so external_attr means mode bits everywhere
            if path is None:
                info.external_attr = (0o40755 << 16) | 0x10
                archive.writestr(info, b"")
            else:
                info.external_attr = 0o100644 << 16
                stored = path.relative_to(source).as_posix() in store
                info.compress_type = (
                    zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                )
                with open(path, "rb") as handle, archive.open(info, "w") as out:
                    shutil.copyfileobj(handle, out, 1 << 20)


def _write_package(
    out_dir: Path,
    name: str,
    from_code: str,
    to_code: str,
    target_prefix: str,
    spm_model: bytes,
    kind_info: dict[str, Any],
    label: str,
    write_model: Any,
    store: Sequence[str] = (),
) -> Path:
    top = package_folder(name)
    out_dir.mkdir(parents=True, exist_ok=True)
    destination = out_dir / f"{top}.argosmodel"
    with tempfile.TemporaryDirectory(prefix="pn-build-", dir=out_dir) as tmp:
        root = Path(tmp) / top
        root.mkdir()
        write_model(root / "model")
        (root / "sentencepiece.model").write_bytes(spm_model)
        metadata = _metadata(name, from_code, to_code, target_prefix, kind_info, label)
        (root / "metadata.json").write_text(
            json.dumps(metadata, indent=4, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (root / "README.md").write_text(_readme(metadata), encoding="utf-8")
        partial = Path(tmp) / "package.zip"
        _zip_directory(root, top, partial, store=store)
        os.replace(partial, destination)
    return destination


def build(out_dir: Path, *, which: Sequence[str] | None = None) -> dict[str, Path]:
    """Build the hand-set test packages named in *which* (keys of :data:`PACKAGES`).

    The default is :data:`DEFAULT_PACKAGES`. Returns package name -> path of its
    ``.argosmodel`` file in *out_dir* (created if missing; existing files of the
    same name are replaced). Raises ValueError for an unknown name.
    """
    names = list(DEFAULT_PACKAGES) if which is None else list(dict.fromkeys(which))
    unknown = [n for n in names if n not in PACKAGES]
    if unknown:
        raise ValueError(
            f"unknown test package(s) {unknown}; known: {sorted(PACKAGES)}"
        )
    spm_model = train_sentencepiece()
    vocabulary = sentencepiece_vocabulary(spm_model)
    built: dict[str, Path] = {}
    for name in names:
        recipe = PACKAGES[name]

        def write_model(model_dir: Path, recipe: EchoRecipe = recipe) -> None:
            write_echo_model(model_dir, vocabulary, recipe)

        built[name] = _write_package(
            Path(out_dir),
            name,
            recipe.from_code,
            recipe.to_code,
            recipe.target_prefix,
            spm_model,
            {"kind": recipe.kind},
            _LABELS[recipe.kind],
            write_model,
        )
    return built


def _iter_lines(result: dict[str, Path]) -> Iterator[str]:
    for name, path in result.items():
        yield f"{name}\t{path}"


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: ``python -m lang_models.build_test_packages OUT_DIR [--which NAME ...] [--benchmark]``."""
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("out_dir", type=Path)
    parser.add_argument(
        "--which", nargs="+", choices=sorted(PACKAGES), help="echo packages to build"
    )
    parser.add_argument(
        "--benchmark",
        action="store_true",
        help="build only the random-weight benchmark package",
    )
    parser.add_argument("--layers", type=int, default=6)
    parser.add_argument("--d-model", type=int, default=512)
    parser.add_argument("--ffn", type=int, default=2048)
    parser.add_argument("--heads", type=int, default=8)
    parser.add_argument("--vocab", type=int, default=32000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.benchmark:
        path = build_benchmark_package(
            args.out_dir,
            layers=args.layers,
            d_model=args.d_model,
            ffn=args.ffn,
            heads=args.heads,
            vocab=args.vocab,
            seed=args.seed,
        )
        result = {"benchmark": path}
    else:
        result = build(args.out_dir, which=args.which)
    for line in _iter_lines(result):
        print(line)
    print(
        f"built {len(result)} package(s) in {time.perf_counter() - start:.2f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

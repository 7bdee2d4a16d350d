"""Tests for lang_models.build_test_packages: real Argos-format test packages."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from lang_models import build_test_packages as btp

REQUIRED_FILES = (
    "metadata.json",
    "sentencepiece.model",
    "model/model.bin",
    "model/config.json",
    "model/shared_vocabulary.json",
)


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return btp.build(tmp_path_factory.mktemp("packages"), which=list(btp.PACKAGES))


@pytest.fixture(scope="module")
def unpacked(
    packages: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Package name -> its extracted top folder."""
    root = tmp_path_factory.mktemp("unpacked")
    folders = {}
    for name, path in packages.items():
        with zipfile.ZipFile(path) as archive:
            archive.extractall(root / name)
        folders[name] = root / name / btp.package_folder(name)
    return folders


_loaded: dict[str, tuple[Any, Any, dict[str, Any]]] = {}


def _load(folder: Path) -> tuple[Any, Any, dict[str, Any]]:
    """(ctranslate2.Translator, SentencePieceProcessor, metadata), cached per folder."""
    key = str(folder)
    if key not in _loaded:
        import ctranslate2  # type: ignore[import-untyped]
        import sentencepiece

        translator = ctranslate2.Translator(
            str(folder / "model"), device="cpu", compute_type="int8"
        )
        processor = sentencepiece.SentencePieceProcessor(
            model_file=str(folder / "sentencepiece.model")
        )
        metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
        _loaded[key] = (translator, processor, metadata)
    return _loaded[key]


def test_build_returns_every_requested_package(packages: dict[str, Path]) -> None:
    assert sorted(packages) == [
        "echo-be_ru",
        "echo-en_be",
        "echo-en_ru",
        "echo-prefix-en_be",
        "echo-ru_be",
        "echo-ru_en",
        "loop-en_ru",
    ]
    assert all(p.suffix == ".argosmodel" and p.is_file() for p in packages.values())


def test_default_build_has_one_package_per_pair(tmp_path: Path) -> None:
    built = btp.build(tmp_path)
    assert list(built) == [
        "echo-en_ru",
        "echo-ru_en",
        "echo-ru_be",
        "echo-be_ru",
        "echo-en_be",
    ]
    pairs = [(btp.PACKAGES[n].from_code, btp.PACKAGES[n].to_code) for n in built]
    assert len(set(pairs)) == len(pairs)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in built.values()
    )


@pytest.mark.parametrize("name", sorted(btp.PACKAGES))
def test_zip_has_one_top_folder_and_required_files(
    packages: dict[str, Path], name: str
) -> None:
    top = btp.package_folder(name)
    with zipfile.ZipFile(packages[name]) as archive:
        names = archive.namelist()
        assert archive.testzip() is None
    assert {n.split("/", 1)[0] for n in names} == {top}
    assert not any(n.startswith("/") or ".." in n.split("/") for n in names)
    for required in REQUIRED_FILES:
        assert f"{top}/{required}" in names
    assert names == sorted(names)


@pytest.mark.parametrize(
    ("name", "pair", "names", "prefix", "kind", "label"),
    [
        ("echo-en_ru", "en→ru", ("English", "Russian"), None, "echo", "echo"),
        ("echo-ru_en", "ru→en", ("Russian", "English"), None, "echo", "echo"),
        ("echo-ru_be", "ru→be", ("Russian", "Belarusian"), None, "echo", "echo"),
        ("echo-be_ru", "be→ru", ("Belarusian", "Russian"), None, "echo", "echo"),
        ("echo-en_be", "en→be", ("English", "Belarusian"), None, "echo", "echo"),
        (
            "echo-prefix-en_be",
            "en→be",
            ("English", "Belarusian"),
            "__be__",
            "echo-prefix",
            "echo, target prefix",
        ),
        ("loop-en_ru", "en→ru", ("English", "Russian"), None, "loop", "loop"),
    ],
)
def test_metadata_fields(
    unpacked: dict[str, Path],
    name: str,
    pair: str,
    names: tuple[str, str],
    prefix: str | None,
    kind: str,
    label: str,
) -> None:
    metadata = json.loads(
        (unpacked[name] / "metadata.json").read_text(encoding="utf-8")
    )
    from_code, to_code = pair.split("→")
    assert metadata["package_version"] == "1.0"
    assert metadata["argos_version"] == "1.9.0"
    assert (metadata["from_code"], metadata["to_code"]) == (from_code, to_code)
    assert (metadata["from_name"], metadata["to_name"]) == names
    assert metadata["type"] == "translate"
    assert metadata["package_type"] == "translate"
    assert metadata.get("target_prefix") == prefix
    assert metadata["name"] == f"TEST MODEL {pair} ({label}) — not a translation"
    assert metadata["polyglot_news"]["test_model"] is True
    assert metadata["polyglot_news"]["kind"] == kind
    assert metadata["polyglot_news"]["package"] == name


def test_build_is_byte_for_byte_deterministic(
    packages: dict[str, Path], tmp_path: Path
) -> None:
    again = btp.build(tmp_path, which=["echo-en_ru", "echo-prefix-en_be"])
    for name, path in again.items():
        assert path.read_bytes() == packages[name].read_bytes(), name


def test_build_subset_and_unknown_name(tmp_path: Path) -> None:
    assert list(btp.build(tmp_path, which=["echo-ru_be"])) == ["echo-ru_be"]
    with pytest.raises(ValueError, match="unknown test package"):
        btp.build(tmp_path, which=["echo-xx_yy"])


SENTENCES = [
    "The council approved 120 new buses on Tuesday.",
    'Prices rose by 12.5% in March, the ministry said: "a record".',
    "Цены на газ выросли на 12% — «рекорд» за 2023 год.",
    "Ураджай пшаніцы ў 2024 годзе склаў 4,5 т/га, паведаміла міністэрства!",
    "Мінск і Вашынгтон абмяняліся пасламі; сем'і чакаюць вестак?",
    "Zürich, 東京 and Kraków (3 × 7 = 21).",
    "",
]


@pytest.mark.parametrize("name", ["echo-en_ru", "echo-ru_be", "echo-en_be"])
def test_echo_model_copies_input_terminates_and_attends_diagonally(
    unpacked: dict[str, Path], name: str
) -> None:
    import numpy as np

    translator, processor, _ = _load(unpacked[name])
    sources = [processor.encode(s, out_type=str) for s in SENTENCES]
    results = translator.translate_batch(
        sources,
        beam_size=4,
        max_decoding_length=256,
        return_attention=True,
        return_scores=True,
    )
    for sentence, source, result in zip(SENTENCES, sources, results, strict=False):
        hypothesis = result.hypotheses[0]
        assert processor.decode_pieces(hypothesis) == sentence
        assert hypothesis == source  # ended by </s>, not by the length limit
        attention = np.asarray(result.attention[0])
        if source:
            assert attention.shape == (len(source), len(source))
            assert attention.argmax(axis=1).tolist() == list(range(len(source)))
            assert attention.max(axis=1).min() > 0.99
        assert result.scores[0] > -0.01


def test_echo_greedy_and_batch_padding_agree(unpacked: dict[str, Path]) -> None:
    translator, processor, _ = _load(unpacked["echo-en_ru"])
    sources = [processor.encode(s, out_type=str) for s in SENTENCES]
    greedy = translator.translate_batch(sources, beam_size=1, max_batch_size=3)
    assert [processor.decode_pieces(r.hypotheses[0]) for r in greedy] == SENTENCES


def test_prefix_package_forces_prefix_then_copies(unpacked: dict[str, Path]) -> None:
    import numpy as np

    translator, processor, metadata = _load(unpacked["echo-prefix-en_be"])
    prefix = metadata["target_prefix"]
    assert prefix == "__be__"
    assert processor.piece_to_id(prefix) != processor.unk_id()
    sentences = SENTENCES[:3]
    sources = [processor.encode(s, out_type=str) for s in sentences]
    results = translator.translate_batch(
        sources,
        target_prefix=[[prefix]] * len(sources),
        beam_size=2,
        return_attention=True,
    )
    for sentence, source, result in zip(sentences, sources, results, strict=False):
        hypothesis = result.hypotheses[0]
        assert hypothesis[0] == prefix
        assert hypothesis[1:] == source
        assert processor.decode_pieces(hypothesis[1:]) == sentence
        attention = np.asarray(result.attention[0])
        assert attention[1:].argmax(axis=1).tolist() == list(range(len(source)))


def test_loop_package_repeats_first_token_until_the_limit(
    unpacked: dict[str, Path],
) -> None:
    translator, processor, _ = _load(unpacked["loop-en_ru"])
    sources = [processor.encode(s, out_type=str) for s in ("Prices rose.", "")]
    results = translator.translate_batch(sources, beam_size=2, max_decoding_length=12)
    assert results[0].hypotheses[0] == [sources[0][0]] * 12
    assert results[1].hypotheses[0] == []


def test_echo_source_tokens_are_all_known(unpacked: dict[str, Path]) -> None:
    folder = unpacked["echo-en_ru"]
    vocabulary = json.loads(
        (folder / "model" / "shared_vocabulary.json").read_text(encoding="utf-8")
    )
    _, processor, _ = _load(folder)
    assert len(vocabulary) == btp.SPM_VOCAB_SIZE
    assert vocabulary[:3] == ["<unk>", "<s>", "</s>"]
    pieces = {p for s in SENTENCES for p in processor.encode(s, out_type=str)}
    assert pieces <= set(vocabulary)


def test_benchmark_package_small_builds_and_decodes_forced_length(
    tmp_path: Path,
) -> None:
    import ctranslate2

    path = btp.build_benchmark_package(
        tmp_path, layers=1, d_model=64, ffn=128, heads=2, vocab=1200, seed=3
    )
    assert path.name == "test-bench-en_ru-l1-d64-v1200-s3-1_0.argosmodel"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(tmp_path / "x")
    folder = tmp_path / "x" / path.name.removesuffix(".argosmodel")
    metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["polyglot_news"]["kind"] == "random-benchmark"
    assert metadata["polyglot_news"]["seed"] == 3
    vocabulary = json.loads(
        (folder / "model" / "shared_vocabulary.json").read_text(encoding="utf-8")
    )
    assert len(vocabulary) == len(set(vocabulary)) == 1200
    assert vocabulary[btp.SPM_VOCAB_SIZE] == "▁ааб"
    translator = ctranslate2.Translator(str(folder / "model"), compute_type="int8")
    results = translator.translate_batch(
        [["▁The", "▁council"]],
        beam_size=2,
        min_decoding_length=7,
        max_decoding_length=7,
    )
    assert len(results[0].hypotheses[0]) == 7


def test_benchmark_vocab_smaller_than_sentencepiece_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="vocab must be at least"):
        btp.build_benchmark_package(
            tmp_path, layers=1, d_model=64, ffn=128, heads=2, vocab=10
        )


def test_main_builds_and_prints_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert btp.main([str(tmp_path), "--which", "echo-en_ru"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"echo-en_ru\t{tmp_path / 'test-echo-en_ru-1_0.argosmodel'}"]


def test_echo_geometry_margins() -> None:
    import numpy as np

    codes = btp._token_codes(btp.SPM_VOCAB_SIZE, btp.ECHO_CODE_BITS)
    agreement = codes @ codes.T
    np.fill_diagonal(agreement, -np.inf)
    # Self-agreement is 64; any other token agrees on at most 40: a logit margin of ~50.
    assert float(agreement.max()) == 40.0
    assert round(btp._position_gap(), 3) == 2.983

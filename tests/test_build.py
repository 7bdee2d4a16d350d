"""``models build`` for real: tiny Marian and NLLB models made here, converted, installed, run.

The models have the real classes (``MarianMTModel``, ``M2M100ForConditionalGeneration``) and
real tokenizers, with 1+1 layers, d_model 16, seeded random weights and SentencePiece models
trained on ``lang_models/testdata``. Random weights never emit ``</s>``, so decoding is capped;
what is checked is the plumbing: prefix tokens, targets, markers, metadata, install, routing.
"""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from polyglot_news.cli.models import models
from polyglot_news.errors import ModelError
from polyglot_news.models.build import guess_languages
from polyglot_news.models.installer import install
from polyglot_news.translation.decoding import DecodeOptions
from polyglot_news.translation.engine import ArgosTranslator, build_translator
from polyglot_news.translation.routing import find_route

from .helpers import Spy, marked_sentences

TESTDATA = Path(__file__).resolve().parents[1] / "lang_models" / "testdata"
CARD = "---\nlicense: cc-by-4.0\nlanguage: [en, be, ru]\n---\n# tiny test model\n"
FAST = DecodeOptions(beam_size=1, max_decoding_length=6, retry=False, intra_threads=1)
NLLB_LANGUAGES = ["eng_Latn", "rus_Cyrl", "bel_Cyrl", "ukr_Cyrl"]


def _lines(*names: str) -> list[str]:
    return [
        line.strip()
        for name in names
        for line in (TESTDATA / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def _spm(lines: list[str], vocab_size: int, model_type: str) -> bytes:
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buffer,
        vocab_size=vocab_size,
        model_type=model_type,
        character_coverage=1.0,
        num_threads=1,
        minloglevel=2,
    )
    return buffer.getvalue()


def _tiny_marian(folder: Path, language_tokens: tuple[str, ...]) -> Path:
    """An OPUS-MT-shaped model: separate source/target SentencePiece, one shared vocab.json."""
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    folder.mkdir(parents=True)
    source, target = _spm(_lines("en.txt"), 200, "unigram"), _spm(_lines("ru.txt", "be.txt"), 300, "unigram")
    (folder / "source.spm").write_bytes(source)
    (folder / "target.spm").write_bytes(target)
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for token in language_tokens:
        vocab[token] = len(vocab)
    for model in (source, target):
        processor = spm.SentencePieceProcessor(model_proto=model)
        for i in range(processor.get_piece_size()):
            vocab.setdefault(processor.id_to_piece(i), len(vocab))
    vocab.pop("<s>", None)
    vocab = {piece: i for i, piece in enumerate(vocab)}
    vocab["<pad>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    MarianTokenizer(
        vocab=str(folder / "vocab.json"), source_spm=str(folder / "source.spm"), target_spm=str(folder / "target.spm")
    ).save_pretrained(folder)
    torch.manual_seed(0)
    config = MarianConfig(
        vocab_size=len(vocab), d_model=16, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32,
        max_position_embeddings=256, pad_token_id=vocab["<pad>"], eos_token_id=0,
        decoder_start_token_id=vocab["<pad>"],
    )  # fmt: skip
    MarianMTModel(config).save_pretrained(folder)
    (folder / "README.md").write_text(CARD, encoding="utf-8")
    return folder


def _tiny_nllb(folder: Path) -> Path:
    """An NLLB-shaped model: M2M-100 architecture, NllbTokenizer, language-code tokens."""
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer

    folder.mkdir(parents=True)
    (folder / "sentencepiece.bpe.model").write_bytes(_spm(_lines("en.txt", "ru.txt", "be.txt"), 400, "bpe"))
    NllbTokenizer.from_pretrained(str(folder), extra_special_tokens=NLLB_LANGUAGES).save_pretrained(folder)
    size = len(NllbTokenizer.from_pretrained(str(folder)))
    torch.manual_seed(0)
    config = M2M100Config(
        vocab_size=size, d_model=16, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32,
        max_position_embeddings=256, pad_token_id=1, bos_token_id=0, eos_token_id=2,
        decoder_start_token_id=2, scale_embedding=True,
    )  # fmt: skip
    M2M100ForConditionalGeneration(config).save_pretrained(folder)
    (folder / "README.md").write_text(CARD.replace("cc-by-4.0", "cc-by-nc-4.0"), encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def hf_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny Hugging Face model folders, made once: marian (multi-target), marian-en-ru, nllb."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("google.protobuf")  # the NLLB tokenizer reads SentencePiece protos
    root = tmp_path_factory.mktemp("hf-models")
    return {
        "marian": _tiny_marian(root / "opus-mt-en-zle", (">>bel<<", ">>rus<<", ">>ukr<<")),
        "marian-en-ru": _tiny_marian(root / "opus-mt-en-ru", ()),
        "nllb": _tiny_nllb(root / "nllb-tiny"),
    }


@pytest.fixture(scope="session")
def built(hf_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Each tiny model built once with ``models build``: name -> BuildResult."""
    from polyglot_news.models.build import build_package

    out = tmp_path_factory.mktemp("built")
    return {
        "marian": build_package(hf_models["marian"], out, to_codes=["be", "ru"]),
        "marian-en-ru": build_package(hf_models["marian-en-ru"], out),
        "nllb": build_package(hf_models["nllb"], out, from_code="en", to_codes=["be", "ru"]),
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Helsinki-NLP/opus-mt-en-ru", ("en", ["ru"])),
        ("Helsinki-NLP/opus-mt-en-zle", ("en", [])),
        ("Helsinki-NLP/opus-mt-tc-big-en-be", ("en", ["be"])),
        ("/tmp/models/opus-mt-ru-en/", ("ru", ["en"])),
        ("facebook/nllb-200-distilled-600M", (None, [])),
    ],
)
def test_guess_languages(name: str, expected: tuple[str | None, list[str]]) -> None:
    assert guess_languages(name) == expected


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        (
            "marian",
            {
                "from_code": "en",
                "to_code": "be",
                "source_sentencepiece": "sentencepiece.model",
                "target_sentencepiece": "target_sentencepiece.model",
                "targets": {"be": {"source_prefix": ">>bel<<"}, "ru": {"source_prefix": ">>rus<<"}},
                "license": "CC-BY-4.0",
                "type": "polyglot-news-translate",  # Argos would run it wrongly: it must not load it
            },
        ),
        (
            "marian-en-ru",
            {"from_code": "en", "to_code": "ru", "targets": {"ru": {}}, "license": "CC-BY-4.0"},
        ),
        (
            "nllb",
            {
                "from_code": "en",
                "to_code": "be",
                "source_prefix": "eng_Latn",
                "target_prefix": "bel_Cyrl",
                "source_sentencepiece": "sentencepiece.model",
                "target_sentencepiece": "sentencepiece.model",
                "targets": {"be": {"target_prefix": "bel_Cyrl"}, "ru": {"target_prefix": "rus_Cyrl"}},
                "license": "CC-BY-NC-4.0",
                "type": "polyglot-news-translate",
            },
        ),
    ],
)
def test_build_writes_the_extended_metadata(built: dict[str, Any], name: str, fields: dict[str, Any]) -> None:
    metadata = built[name].metadata
    assert {key: metadata.get(key) for key in fields} == fields
    assert metadata["provenance"]["origin"] == "local folder"
    assert metadata["provenance"]["quantization"] == "int8"
    with zipfile.ZipFile(built[name].path) as archive:
        names = set(archive.namelist())
        stored = json.loads(archive.read(next(n for n in names if n.endswith("/metadata.json"))))
    assert stored == metadata
    top = next(iter(names)).split("/")[0]
    assert {f"{top}/model/model.bin", f"{top}/sentencepiece.model", f"{top}/MODEL_CARD.md"} <= names


@pytest.mark.parametrize(
    ("name", "target", "source_head", "target_prefix"),
    [
        ("marian", "be", ">>bel<<", None),
        ("marian", "ru", ">>rus<<", None),
        ("marian-en-ru", "ru", "▁", None),
        ("nllb", "be", "eng_Latn", "bel_Cyrl"),
        ("nllb", "ru", "eng_Latn", "rus_Cyrl"),
    ],
)
def test_installed_package_translates_with_the_right_tokens(
    built: dict[str, Any], name: str, target: str, source_head: str, target_prefix: str | None
) -> None:
    package = install(built[name].path)[0]
    route = find_route("en", target, [package])
    hops = route.hops
    assert ([p.path for p in hops], [p.to_code for p in hops], route.pivots) == ([package.path], [target], ())
    translator = build_translator(route, FAST)
    assert isinstance(translator, ArgosTranslator)
    spy = Spy(translator.package.translator)
    translator.package = dataclasses.replace(translator.package, translator=spy)
    texts = ("The minister met the envoy [1].", "Talks resumed [2][3] in Minsk.")
    results = translator.translate(marked_sentences(*texts))
    assert (translator.to_code, translator.signature().split("~")[0]) == (target, f"en_{target}-1.0")
    call = spy.calls[0]
    assert {tokens[0] for tokens in call["batch"]} == {source_head}
    assert call["target_prefix"] == ([[target_prefix]] * 2 if target_prefix else None)
    assert [[m.text for m in r.sentence.markers] for r in results] == [["[1]"], ["[2]", "[3]"]]
    assert all(r.sentence.text for r in results)
    assert not any("_Cyrl" in r.sentence.text or ">>" in r.sentence.text for r in results)


def test_cli_build_install_and_list(hf_models: dict[str, Path], tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "en-zle.argosmodel"
    result = runner.invoke(
        models, ["build", str(hf_models["marian"]), "--to", "be,ru", "--out", str(out), "--install"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{out}\n"
    assert "Built en→be,ru (CC-BY-4.0)" in result.stderr
    assert "Installed en→{be,ru} 1.0" in result.stderr
    listed = runner.invoke(models, ["list"])
    row = listed.stdout.splitlines()[1].split()
    assert row[:2] + row[4:8] == ["en→{be,ru}", "1.0", "store", "polyglot-news", "CC-BY-4.0", "opus-mt-en-zle"]
    as_json = json.loads(runner.invoke(models, ["list", "--json"]).stdout)
    assert [(p["targets"], p["license"], p["provenance"]["architecture"]) for p in as_json] == [
        (["be", "ru"], "CC-BY-4.0", "marian")
    ]


def _fake_model(folder: Path, config: dict[str, Any], files: tuple[str, ...] = ()) -> Path:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    for name in files:
        (folder / name).write_bytes(b"")
    return folder


@pytest.mark.parametrize(
    ("case", "kwargs", "message"),
    [
        ("unsupported", {"to_codes": ["ru"]}, "model_type 'bert' is not supported"),
        ("no-spm", {"to_codes": ["ru"]}, "no target.spm"),
        ("no-languages", {}, "name the languages with --from and --to"),
        ("same-language", {"to_codes": ["en"]}, "en is both the source and a target"),
        ("missing-target-token", {"to_codes": ["pl"]}, "no language token for 'pl'"),
        ("one-target-marian", {"to_codes": ["ru", "be"]}, "serves one target"),
        ("nllb-missing-language", {"from_code": "en", "to_codes": ["de"]}, "no language token for 'de'"),
        ("offline-model-id", {"to_codes": ["be"]}, "cannot download Helsinki-NLP/opus-mt-en-zle"),
        ("no-such-folder", {"to_codes": ["be"]}, "no such model folder"),
    ],
)
def test_build_errors(
    hf_models: dict[str, Path], tmp_path: Path, case: str, kwargs: dict[str, Any], message: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from polyglot_news.models.build import build_package

    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    fake = tmp_path / "opus-mt-en-ru"
    sources: dict[str, str | Path] = {
        "no-languages": hf_models["nllb"],
        "same-language": hf_models["marian"],
        "missing-target-token": hf_models["marian"],
        "one-target-marian": hf_models["marian-en-ru"],
        "nllb-missing-language": hf_models["nllb"],
        "offline-model-id": "Helsinki-NLP/opus-mt-en-zle",
        "no-such-folder": str(tmp_path / "nowhere" / "model"),
    }
    if case == "unsupported":
        sources[case] = _fake_model(fake, {"model_type": "bert"})
    elif case == "no-spm":
        sources[case] = _fake_model(fake, {"model_type": "marian"}, ("source.spm",))
    source = sources[case]
    with pytest.raises(ModelError, match=message):
        build_package(source, tmp_path / "out", **kwargs)
    out = tmp_path / "out"
    assert not out.exists() or sorted(out.iterdir()) == []  # nothing half-written is left


def test_build_codes_are_normalised() -> None:
    from polyglot_news.models.build import _known_code

    codes = ("bel", "RUS", "Be", "eng", "Russian", "")
    assert [_known_code(c) for c in codes] == ["be", "ru", "be", "en", "Russian", ""]


class _Converted(Exception):
    """Raised by the stand-in converter: the build got as far as converting."""


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"to_codes": ["ru"], "version": "1 0"}, "package_version '1 0' is malformed"),
        ({"to_codes": ["ru"], "version": "../1"}, "package_version '../1' is malformed"),
        ({"to_codes": ["ru"], "version": ""}, "package_version '' is malformed"),
        ({"from_code": "english", "to_codes": ["ru"]}, "from_code 'english' is not a language code"),
        ({"to_codes": ["Russian"]}, "to_code 'Russian' is not a language code"),
        ({"to_codes": ["ru", "b_e"]}, "targets key 'b_e' is not a target language"),
        ({"from_code": "ENG", "to_codes": ["bel", "RUS"]}, None),  # ISO 639-3, any case: en → be, ru
        ({"to_codes": ["ru"], "version": "2.1"}, None),  # valid: the build goes on to convert
        ({"from_code": "ru", "to_codes": ["be", "uk"]}, None),
    ],
)
def test_build_refuses_metadata_install_would_refuse_before_converting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kwargs: dict[str, Any], message: str | None
) -> None:
    """No torch needed: the check runs before the extras matter and before any conversion."""
    from polyglot_news.models import build

    def convert(*args: Any) -> None:
        raise _Converted

    monkeypatch.setattr(build, "_require_build_extras", lambda: None)
    monkeypatch.setattr(build, "_convert", convert)
    source = _fake_model(tmp_path / "opus-mt-en-ru", {"model_type": "marian"}, ("source.spm", "target.spm"))
    if message is None:
        with pytest.raises(_Converted):
            build.build_package(source, tmp_path / "out", **kwargs)
        return
    with pytest.raises(ModelError) as caught:
        build.build_package(source, tmp_path / "out", **kwargs)
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert str(caught.value).startswith("models build (check --from, --to and --version): metadata.json ")
    assert not (tmp_path / "out").exists()


STORY = (
    "Ministers met in Minsk on Monday to discuss trade [1]. The talks lasted four hours and "
    "ended without a statement [2]. Officials said that a second round would follow in May [3]. "
    "Observers expect new sanctions before the summer [1][2].\n\n"
    "References:\n1. Trade talks in Minsk\n2. No statement after talks\n3. Second round in May\n"
)


@pytest.mark.parametrize("name", ["marian", "nllb"])
def test_digest_to_be_and_ru_through_one_multilingual_package(built: dict[str, Any], name: str) -> None:
    from polyglot_news import digest
    from polyglot_news.translation.request import TranslationRequest

    install(built[name].path)
    result = digest(
        STORY, source_lang="en", sentences=2,
        translation=TranslationRequest(targets=("be", "ru"), options=FAST),
    ).to_dict()  # fmt: skip
    for target in ("be", "ru"):
        translation = result["translations"][target]
        assert translation["route"] == f"en→{target}"
        source_markers = [[m["text"] for m in s["markers"]] for s in result["summary"]]
        assert [[m["text"] for m in s["markers"]] for s in translation["summary"]] == source_markers
        assert f"mt:{target}=en_{target}-1.0~" in result["signature"]

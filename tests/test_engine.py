"""The translation engine, run for real on the project's echo test packages.

An echo package copies its input (so en→ru "translates" English into English, which the
guard rightly flags as the wrong script) and its cross-attention is a clean diagonal, so
every marker must land exactly where it stood in the source.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lang_models.build_test_packages import PACKAGES, build
from polyglot_news.document import Sentence
from polyglot_news.errors import CitationError, ModelError
from polyglot_news.models.identity import content_hash
from polyglot_news.segment import split_sentences
from polyglot_news.translation.decoding import DecodeOptions
from polyglot_news.translation.engine import ArgosTranslator, PivotTranslator, build_translator
from polyglot_news.translation.loader import clear_cache, load

from .helpers import Spy, marked_sentences


@pytest.fixture(scope="session")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The echo test packages, built once and unpacked: name -> package directory."""
    root = tmp_path_factory.mktemp("echo-packages")
    unpacked: dict[str, Path] = {}
    for name, archive in build(root / "zips", which=list(PACKAGES)).items():
        with zipfile.ZipFile(archive) as zf:
            top = zf.namelist()[0].split("/")[0]
            zf.extractall(root / "unpacked")
        unpacked[name] = root / "unpacked" / top
    return unpacked


def _spied(translator: ArgosTranslator) -> Spy:
    spy = Spy(translator.package.translator)
    translator.package = dataclasses.replace(translator.package, translator=spy)
    return spy


RU = (
    "Переговоры в Минске [1] возобновились во вторник [2].",
    "Министр сказал, что «всё идёт по плану». [3]",
    "",
    "Делегации [4][5], по данным агентства, встретились.",
)


@pytest.mark.parametrize(
    ("route", "texts", "flags"),
    [
        (["echo-ru_be"], RU, [(), (), (), ()]),
        (["echo-ru_be", "echo-be_ru"], RU, [(), (), (), ()]),
        (["echo-en_ru"], ("Talks in Minsk [1] resumed on Tuesday [2].",), [("script",)]),
        (["echo-en_ru", "echo-ru_be"], ("Talks in Minsk [1] resumed.", ""), [("script",), ()]),
        (["echo-prefix-en_be"], ("Talks in Minsk [1] resumed. [2]",), [("script",)]),
        (["echo-ru_en"], ("Переговоры [1] возобновились.",), [("script",)]),
    ],
)
def test_echo_routes_keep_text_markers_and_order(
    packages: dict[str, Path], route: list[str], texts: Sequence[str], flags: list[tuple[str, ...]]
) -> None:
    translator = build_translator([packages[name] for name in route])
    results = translator.translate(marked_sentences(*texts))
    assert [r.sentence.text for r in results] == list(texts)
    assert [r.sentence.index for r in results] == list(range(len(texts)))
    assert [r.flags for r in results] == flags


def test_signature_and_codes(packages: dict[str, Path]) -> None:
    options = DecodeOptions(beam_size=2, intra_threads=1)
    direct = build_translator([packages["echo-en_ru"]], options)
    pivot = build_translator([packages["echo-en_ru"], packages["echo-ru_be"]], options)
    assert isinstance(pivot, PivotTranslator)
    assert (direct.from_code, direct.to_code, pivot.from_code, pivot.to_code) == ("en", "ru", "en", "be")
    en_ru, ru_be = (content_hash(packages[name]) for name in ("echo-en_ru", "echo-ru_be"))
    # Pair, version, then the model's identity: its name and the sha256 of model.bin (8 hex).
    assert direct.signature() == f"en_ru-1.0~test-echo-en_ru@{en_ru}|beam2|lp0.2|max256|int8"
    assert pivot.signature() == (
        f"en_ru-1.0~test-echo-en_ru@{en_ru}+ru_be-1.0~test-echo-ru_be@{ru_be}|beam2|lp0.2|max256|int8"
    )
    assert re.fullmatch("[0-9a-f]{8}", en_ru)  # the echo weights are language-blind: ru_be has the same bytes


def test_target_prefix_is_forced_and_stripped(packages: dict[str, Path]) -> None:
    translator = ArgosTranslator(packages["echo-prefix-en_be"])
    assert translator.package.spec().target_prefix == "__be__"
    spy = _spied(translator)
    [result] = translator.translate(marked_sentences("Talks in Minsk [1] resumed."))
    assert result.sentence.text == "Talks in Minsk [1] resumed."
    assert spy.calls[0]["target_prefix"] == [["__be__"]]


@pytest.mark.parametrize(
    ("texts", "attention"),
    [
        (("Переговоры возобновились [1].", "Делегации встретились. [2]", "Без ссылок."), False),
        (("Переговоры возобновились [1].", "Делегации [2] встретились."), True),
    ],
)
def test_attention_only_when_inner_markers(packages: dict[str, Path], texts: tuple[str, ...], attention: bool) -> None:
    translator = ArgosTranslator(packages["echo-ru_be"])
    spy = _spied(translator)
    results = translator.translate(marked_sentences(*texts))
    assert [r.sentence.text for r in results] == list(texts)
    assert [(c["n"], c["return_attention"], c["batch_type"]) for c in spy.calls] == [(len(texts), attention, "tokens")]


def test_repeated_texts_are_translated_once(packages: dict[str, Path]) -> None:
    translator = ArgosTranslator(packages["echo-ru_be"])
    spy = _spied(translator)
    texts = ("Переговоры возобновились [1].", "Делегации встретились.", "Переговоры возобновились. [2]")
    results = translator.translate(marked_sentences(*texts))
    assert [r.sentence.text for r in results] == list(texts)
    assert [c["n"] for c in spy.calls] == [2]


def test_flagged_sentences_are_retried_once_with_safer_decoding(packages: dict[str, Path]) -> None:
    translator = ArgosTranslator(packages["echo-en_ru"], DecodeOptions(beam_size=2))
    spy = _spied(translator)
    sentences = marked_sentences(
        "Talks resumed [1].", "Переговоры возобновились [2].", "Talks in Minsk resumed on Tuesday.", "Talks ended."
    )
    results = translator.translate(sentences)
    assert [r.flags for r in results] == [("script",), (), ("script",), ("script",)]
    # Length limits: 2 × the source's tokens + 10, rounded up to a power of two. The two short
    # sentences (8 and 6 tokens) share 32 and are retried together; the longer one gets 64.
    lengths = [len(t) for t in translator.package.tokenizer.encode([s.plain for s in sentences], out_type=str)]
    assert (lengths[0], lengths[2], lengths[3]) == (8, 20, 6)  # the premise
    calls = [(c["n"], c["beam_size"], c["repetition_penalty"], c["no_repeat_ngram_size"]) for c in spy.calls]
    assert calls == [(4, 2, 1.0, 0), (2, 5, 1.2, 3), (1, 5, 1.2, 3)]
    assert [c["max_decoding_length"] for c in spy.calls[1:]] == [32, 64]


@pytest.mark.parametrize(
    ("source_tokens", "options", "limit"),
    [
        (2, DecodeOptions(), 16),  # never under 16
        (8, DecodeOptions(), 32),  # 2 × 8 + 10 = 26, rounded up to a power of two
        (11, DecodeOptions(), 32),  # 32 exactly
        (12, DecodeOptions(), 64),
        (200, DecodeOptions(), 256),  # never over --max-length
        (12, DecodeOptions(max_decoding_length=40), 40),
        (2, DecodeOptions(min_decoding_length=20), 20),  # never under the minimum length
    ],
)
def test_safer_decoding_limits_length_by_the_source(source_tokens: int, options: DecodeOptions, limit: int) -> None:
    from polyglot_news.translation.engine import _safer

    safer = _safer(options, source_tokens)
    assert (safer.max_decoding_length, safer.beam_size, safer.no_repeat_ngram_size) == (limit, 5, 3)


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        ("Talks in Minsk [1] resumed on Tuesday.", ("repetition", "length-ratio", "script", "truncated")),
        ("Переговоры в Минске [1] возобновились.", ("empty", "truncated")),
    ],
)
def test_looping_model_is_flagged(packages: dict[str, Path], text: str, flags: tuple[str, ...]) -> None:
    options = DecodeOptions(max_decoding_length=64, retry=False)
    [result] = build_translator([packages["loop-en_ru"]], options).translate(marked_sentences(text))
    assert result.flags == flags
    assert [m.text for m in result.sentence.markers] == ["[1]"]
    # The retry cannot repair a broken model: whatever it keeps is still flagged.
    translator = ArgosTranslator(packages["loop-en_ru"], DecodeOptions(max_decoding_length=64))
    spy = _spied(translator)
    [retried] = translator.translate(marked_sentences(text))
    assert (len(spy.calls), retried.flags != ()) == (2, True)


def test_no_retry_when_disabled(packages: dict[str, Path]) -> None:
    translator = ArgosTranslator(packages["echo-en_ru"], DecodeOptions(retry=False))
    spy = _spied(translator)
    [result] = translator.translate(marked_sentences("Talks resumed [1]."))
    assert (result.flags, len(spy.calls)) == (("script",), 1)


def test_packages_load_once(packages: dict[str, Path]) -> None:
    clear_cache()
    first = load(packages["echo-ru_be"])
    assert load(packages["echo-ru_be"]) is first
    assert load(packages["echo-ru_be"], DecodeOptions(intra_threads=1, inter_threads=2)) is not first


def _broken(tmp_path: Path, source: Path, change: str) -> Path:
    target = tmp_path / "pkg"
    shutil.copytree(source, target)
    if change == "no-metadata":
        (target / "metadata.json").unlink()
    elif change == "bad-json":
        (target / "metadata.json").write_text("{not json", encoding="utf-8")
    elif change == "no-codes":
        (target / "metadata.json").write_text(json.dumps({"from_code": "en"}), encoding="utf-8")
    elif change == "no-model":
        shutil.rmtree(target / "model")
    elif change == "no-tokenizer":
        (target / "sentencepiece.model").unlink()
    elif change == "corrupt-model":
        (target / "model" / "model.bin").write_bytes(b"\0" * 64)
    return target


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("no-metadata", "metadata.json is missing"),
        ("bad-json", "metadata.json is not valid JSON"),
        ("no-codes", "lacks the required field 'to_code'"),
        ("no-model", "missing model/model.bin"),
        ("no-tokenizer", "missing the tokenizer"),
        ("corrupt-model", "cannot load the model"),
    ],
)
def test_broken_packages_raise_model_error(
    packages: dict[str, Path], tmp_path: Path, change: str, message: str
) -> None:
    with pytest.raises(ModelError, match=message):
        ArgosTranslator(_broken(tmp_path, packages["echo-ru_be"], change))


def test_route_errors(packages: dict[str, Path]) -> None:
    with pytest.raises(ModelError, match="no model package"):
        build_translator([])
    with pytest.raises(ModelError, match="cannot chain"):
        build_translator([packages["echo-en_ru"], packages["echo-en_be"]])


def test_marker_loss_is_a_citation_error(packages: dict[str, Path]) -> None:
    class Lossy:
        from_code, to_code = "be", "ru"

        def translate(self, sentences: Sequence[Sentence]) -> list[Any]:
            from polyglot_news.document import Translated

            return [Translated(Sentence(s.plain, s.markers[1:], s.index)) for s in sentences]

        def signature(self) -> str:
            return "lossy"

    pivot = PivotTranslator([ArgosTranslator(packages["echo-ru_be"]), Lossy()])
    with pytest.raises(CitationError, match="missing"):
        pivot.translate(marked_sentences("Переговоры [1] возобновились [2]."))


# ------------------------------------------------------------------ property tests

_RU_WORDS = ["Минск", "переговоры", "и", "в", "вторник", "министр", "«план»", "2024", "ЕС", "сказал,", "—", "США"]
_EN_WORDS = ["Minsk", "talks", "and", "in", "Tuesday", "minister", '"plan"', "2024", "EU", "said,", "—", "U.S."]
_MARKERS = ["[1]", "[2][3]", "[1, 4]", "[2–5]", "[12]"]


@st.composite
def marked_text(draw: st.DrawFn, words: list[str]) -> str:
    """A sentence with markers after random words (where the splitter would leave them)."""
    chosen = draw(st.lists(st.sampled_from(words), min_size=1, max_size=14))
    parts = []
    for word in chosen:
        parts.append(word)
        if draw(st.integers(0, 3)) == 0:
            parts[-1] += draw(st.sampled_from(["", " "])) + draw(st.sampled_from(_MARKERS))
    end = draw(st.sampled_from(["", ".", "!", "?"]))
    final = draw(st.sampled_from(["", " [7]", "[8]", "before"]))
    text = " ".join(parts)
    if final == "before":
        return text + " [9]" + end
    return text + end + final


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(marked_text(_RU_WORDS), min_size=1, max_size=6))
def test_property_direct_route_keeps_markers_in_place(packages: dict[str, Path], texts: list[str]) -> None:
    sentences = marked_sentences(*texts)
    results = build_translator([packages["echo-ru_be"]]).translate(sentences)
    assert [[m.text for m in r.sentence.markers] for r in results] == [[m.text for m in s.markers] for s in sentences]
    # The echo model copies its input and its attention is diagonal: same words, same places.
    assert [r.sentence.text for r in results] == texts


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(marked_text(_EN_WORDS), min_size=1, max_size=6))
def test_property_pivot_route_keeps_markers_in_place(packages: dict[str, Path], texts: list[str]) -> None:
    sentences = marked_sentences(*texts)
    route = [packages["echo-en_ru"], packages["echo-ru_be"]]
    expected = [[m.text for m in s.markers] for s in sentences]
    # English through en→ru echoes is flagged (Latin script) and retried with settings that
    # bend the copy (no repeated trigrams), so the text may change; the markers may not.
    retried = build_translator(route).translate(sentences)
    assert [[m.text for m in r.sentence.markers] for r in retried] == expected
    exact = build_translator(route, DecodeOptions(retry=False)).translate(sentences)
    assert [[m.text for m in r.sentence.markers] for r in exact] == expected
    assert [r.sentence.text for r in exact] == texts


# ------------------------------------------------ extended layout (packages from `models build`)

MULTI_TARGETS = {"be": {"target_prefix": "__be__"}, "ru": {"target_prefix": "__ru__"}}


def _extended(tmp_path: Path, source: Path, **fields: Any) -> Path:
    """A copy of an echo package with extra metadata fields (None deletes a field)."""
    target = tmp_path / f"ext-{source.name}"
    shutil.copytree(source, target)
    meta = json.loads((target / "metadata.json").read_text(encoding="utf-8"))
    meta.update(fields)
    meta = {k: v for k, v in meta.items() if v is not None}
    (target / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    return target


def _batch_spied(translator: Any) -> Spy:
    spy = Spy(translator.package.translator)
    translator.package = dataclasses.replace(translator.package, translator=spy)
    return spy


@pytest.mark.parametrize(
    ("target", "to_code", "prefix", "route"),
    [(None, "be", "__be__", "en_be-1.0~"), ("be", "be", "__be__", "en_be-1.0~"), ("ru", "ru", "__ru__", "en_ru-1.0~")],
)
def test_one_package_serves_several_targets(
    packages: dict[str, Path], tmp_path: Path, target: str | None, to_code: str, prefix: str, route: str
) -> None:
    folder = _extended(tmp_path, packages["echo-prefix-en_be"], targets=MULTI_TARGETS)
    translator = ArgosTranslator(folder, target=target)
    spy = _batch_spied(translator)
    [result] = translator.translate(marked_sentences("Talks in Minsk [1] resumed."))
    assert (translator.to_code, translator.signature().startswith(route)) == (to_code, True)
    assert result.sentence.text == "Talks in Minsk [1] resumed."
    assert spy.calls[0]["target_prefix"] == [[prefix]]


def test_source_prefix_goes_before_the_source(packages: dict[str, Path], tmp_path: Path) -> None:
    folder = _extended(tmp_path, packages["echo-ru_be"], targets={"be": {"source_prefix": "__be__"}})
    translator = ArgosTranslator(folder)
    spy = _batch_spied(translator)
    results = translator.translate(marked_sentences(*RU))
    assert {tokens[0] for tokens in spy.calls[0]["batch"]} == {"__be__"}
    assert spy.calls[0]["target_prefix"] is None
    # The echo copies the prefix too; it is a control symbol and decodes to nothing.
    assert [r.sentence.text for r in results] == list(RU)


def test_separate_target_sentencepiece(packages: dict[str, Path], tmp_path: Path) -> None:
    folder = _extended(
        tmp_path, packages["echo-ru_be"], source_sentencepiece="sentencepiece.model", target_sentencepiece="target.spm"
    )
    shutil.copyfile(folder / "sentencepiece.model", folder / "target.spm")
    translator = ArgosTranslator(folder)
    assert translator.package.target_tokenizer is not translator.package.tokenizer
    assert [r.sentence.text for r in translator.translate(marked_sentences(*RU))] == list(RU)


@pytest.mark.parametrize("targets", [None, ["ru", "be"]])
def test_pivot_through_a_multilingual_package(
    packages: dict[str, Path], tmp_path: Path, targets: list[str] | None
) -> None:
    folder = _extended(tmp_path, packages["echo-prefix-en_be"], targets=MULTI_TARGETS)
    translator = build_translator([folder, packages["echo-ru_be"]], targets=targets)
    assert isinstance(translator, PivotTranslator)
    assert [(h.from_code, h.to_code) for h in translator.hops] == [("en", "ru"), ("ru", "be")]
    results = translator.translate(marked_sentences("Talks [1] resumed."))
    assert [r.sentence.text for r in results] == ["Talks [1] resumed."]


@pytest.mark.parametrize(
    ("fields", "target", "message"),
    [
        ({"targets": MULTI_TARGETS}, "uk", r"translates en into be, ru, not into 'uk'"),
        ({"targets": ["be", "ru"]}, None, "'targets' is not a non-empty object"),
        ({"targets": {"ru": "__ru__"}}, None, r"targets\['ru'\] is not an object"),
        ({"target_sentencepiece": "../escape.model"}, None, "is not a plain file name"),
        ({"target_sentencepiece": "target.spm"}, None, "missing target.spm"),
    ],
)
def test_bad_extended_metadata(
    packages: dict[str, Path], tmp_path: Path, fields: dict[str, Any], target: str | None, message: str
) -> None:
    clear_cache()
    folder = _extended(tmp_path, packages["echo-prefix-en_be"], **fields)
    with pytest.raises(ModelError, match=message):
        ArgosTranslator(folder, target=target)


def test_route_targets_must_match_the_packages(packages: dict[str, Path]) -> None:
    with pytest.raises(ModelError, match="2 packages but 1 targets"):
        build_translator([packages["echo-en_ru"], packages["echo-ru_be"]], targets=["ru"])


def test_outputs_are_remembered_per_package_so_a_pivot_reuses_the_direct_hop(packages: dict[str, Path]) -> None:
    direct = ArgosTranslator(packages["echo-ru_be"])
    spy = _spied(direct)
    sentences = marked_sentences(*RU)
    first = direct.translate(sentences)
    assert len(spy.calls) == 1
    # The pivot's first hop is the same package with the same options: nothing is decoded again.
    pivot = PivotTranslator([direct, ArgosTranslator(packages["echo-be_ru"])])
    assert [t.sentence.text for t in pivot.translate(sentences)] == list(RU)
    assert len(spy.calls) == 1
    assert [t.sentence for t in direct.translate(sentences)] == [t.sentence for t in first]
    assert len(spy.calls) == 1
    # Other decoding options make other entries.
    remembered = len(direct.package.memo)
    ArgosTranslator(packages["echo-ru_be"], DecodeOptions(beam_size=2)).translate(sentences)
    assert len(direct.package.memo) == 2 * remembered


def test_a_sentence_is_decoded_again_in_other_company(packages: dict[str, Path]) -> None:
    """CTranslate2's int8 outputs depend a little on which sentences share a batch, so a call is
    remembered whole: a sentence seen in an earlier call is decoded again with its new neighbours,
    and a call's outputs never depend on what the process translated before."""
    translator = ArgosTranslator(packages["echo-ru_be"])
    spy = _spied(translator)
    shared = "Совет собрался в среду [1] по поводу новых маршрутов."
    first = marked_sentences(shared, "Решение отложили до осени.")
    second = marked_sentences(shared, "Жители просили больше автобусов [2].")
    translator.translate(first)
    translator.translate(second)
    assert [call["n"] for call in spy.calls] == [2, 2]
    translator.translate(first)  # the very same call again: remembered
    assert len(spy.calls) == 2


@pytest.mark.parametrize(
    ("options", "truncated"),
    [
        (DecodeOptions(retry=False), False),
        (DecodeOptions(max_decoding_length=5, retry=False), True),
        (DecodeOptions(max_input_length=3, retry=False), True),
    ],
)
def test_cut_off_output_is_flagged_truncated(
    packages: dict[str, Path], options: DecodeOptions, truncated: bool
) -> None:
    [result] = ArgosTranslator(packages["echo-en_ru"], options).translate(
        marked_sentences("The talks in Minsk lasted four hours and ended without a statement [1].")
    )
    assert ("truncated" in result.flags) is truncated
    assert [m.text for m in result.sentence.markers] == ["[1]"]


@pytest.mark.parametrize(
    ("text", "seen"),
    [
        # 16 input tokens → 128 characters: a longer run is cut at a space before tokenizing.
        ("| Minsk | 12 | tram | " * 40 + "end [1].", "| Minsk | 12 | tram | " * 5 + "| Minsk | 12 |"),
        ("x" * 1_000 + " [2]", "x" * 128),  # no space to cut at: cut at the limit
        ("Talks resumed [3].", "Talks resumed."),  # under the limit: whole, not flagged
    ],
)
def test_a_sentence_far_past_the_input_length_is_cut_before_tokenizing(
    packages: dict[str, Path], text: str, seen: str
) -> None:
    translator = ArgosTranslator(packages["echo-en_ru"], DecodeOptions(max_input_length=16, retry=False))
    spy = _spied(translator)
    [source] = marked_sentences(text)
    [result] = translator.translate([source])
    assert translator.package.tokenizer.decode_pieces(spy.calls[0]["batch"][0]) == seen
    assert ("truncated" in result.flags) is (len(seen) < len(source.plain))
    assert [m.text for m in result.sentence.markers] == [m.text for m in source.markers]


def test_a_5_mb_table_dump_translates_in_bounded_memory(tmp_path: Path, install_packages: Any) -> None:
    """One "sentence" of 5 MB (no full stop) took 4.5 GB and 55 s with --to ru; the model sees 8 KiB of it."""
    import subprocess
    import sys

    install_packages("echo-en_ru")
    row = "| Minsk | 48213 | tram line 7 | open | "
    (tmp_path / "table.txt").write_text("Tram lines by district " + row * (5_000_000 // len(row)) + "\n")
    if not Path("/proc/self/status").exists():
        pytest.skip("reads the peak from /proc (Linux)")
    # The command itself reports its own peak: VmHWM belongs to its memory map, unlike ru_maxrss,
    # which Linux carries over from the forking test process across exec.
    measured = (
        "import re, runpy, sys\n"
        "try:\n    runpy.run_module('polyglot_news', run_name='__main__')\n"
        "finally:\n"
        "    status = open('/proc/self/status').read()\n"
        "    sys.stderr.write('peak ' + re.search(r'VmHWM:\\s*(\\d+)', status).group(1) + '\\n')\n"
    )
    command = [sys.executable, "-c", measured, "translate", "--to", "ru", "--source-lang", "en", "table.txt"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "truncated 1" in done.stderr
    assert len(done.stdout) < 10_000
    peak = int(done.stderr.rsplit("peak ", 1)[1])
    assert peak < 600 * 1024  # KiB: under 600 MB (it was 4.5 GB)


@pytest.mark.parametrize("route", [["echo-en_ru"], ["echo-en_ru", "echo-ru_be"]])
def test_marker_opening_a_sentence_keeps_its_space(packages: dict[str, Path], route: list[str]) -> None:
    sentences = split_sentences(["[1] The talks opened in Minsk.", "[2][3] Both sides spoke."], "en")
    results = build_translator([packages[name] for name in route], DecodeOptions(retry=False)).translate(sentences)
    assert [r.sentence.text for r in results] == ["[1] The talks opened in Minsk.", "[2][3] Both sides spoke."]


# ---------------------------------------------------------------- special tokens never reach the text


def test_language_tags_unknown_to_the_tokenizer_are_dropped_before_decoding(packages: dict[str, Path]) -> None:
    """Marian's ``>>bel<<`` and NLLB's ``bel_Cyrl`` are model tokens, not SentencePiece pieces:
    decoded as they are, they come out literally."""
    from polyglot_news.translation.decoding import clean_text, drop_special

    tokenizer = load(packages["echo-en_ru"]).target_tokenizer
    emitted = [">>bel<<", "▁Talks", "▁resumed", "bel_Cyrl", "▁in", "▁Minsk", "<unk>", "."]
    assert ">>bel<<" in tokenizer.decode([emitted])[0]  # the premise
    tokens, _ = drop_special(emitted, None)
    assert clean_text(tokenizer.decode([tokens])[0]) == "Talks resumed in Minsk."


def test_raw_sentencepiece_pieces_become_spaces(tmp_path: Path) -> None:
    """A random-weight model emits pieces its tokenizer does not know; their ``▁`` must not show."""
    from lang_models.build_test_packages import build_benchmark_package

    archive = build_benchmark_package(tmp_path, layers=1, d_model=64, ffn=128, heads=2, vocab=1200)
    with zipfile.ZipFile(archive) as zf:
        top = zf.namelist()[0].split("/")[0]
        zf.extractall(tmp_path / "unpacked")
    translator = ArgosTranslator(tmp_path / "unpacked" / top, DecodeOptions(max_decoding_length=40, retry=False))
    raw = translator.package.translator.translate_batch(
        [translator.package.tokenizer.encode("Talks resumed in Minsk.", out_type=str)], max_decoding_length=40
    )
    assert "▁" in translator.package.target_tokenizer.decode([raw[0].hypotheses[0]])[0]  # the premise
    [result] = translator.translate(marked_sentences("Talks resumed in Minsk."))
    assert "▁" not in result.sentence.text and result.sentence.text == result.sentence.text.strip()


# ------------------------------------------- bracket groups: every one survives, marker or text

_BRACKETS = [
    "[1]", "[2][3]", "[1, 4]", "[n 7]", "[citation needed]",  # markers
    "[sic]", "[…]", "[0]", "[the mayor]", "[12345]", "[A]",  # text outside the grammar
]  # fmt: skip
_GLUED = ["x[1] = 5", "F[1,12] = 8.42,", "array[i]", "$5bn[8]", "US$2,500[7]", "#MeToo[9]", "(2001)[3]"]


@st.composite
def bracketed_text(draw: st.DrawFn, words: list[str]) -> str:
    """A sentence with bracket groups anywhere: markers, text groups, code and amounts."""
    parts = []
    for _ in range(draw(st.integers(1, 10))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            parts.append(draw(st.sampled_from(_BRACKETS)))
        elif kind == 1:
            parts.append(draw(st.sampled_from(_GLUED)))
        else:
            word = draw(st.sampled_from(words))
            if draw(st.booleans()):
                word += draw(st.sampled_from(_BRACKETS))
            parts.append(word)
    return " ".join(parts) + draw(st.sampled_from(["", ".", " [5].", ". [6]"]))


def _groups(text: str) -> list[str]:
    from polyglot_news.citations import BRACKET_GROUP

    return BRACKET_GROUP.findall(text)


@pytest.mark.parametrize(
    ("route", "options"),
    [
        (["echo-en_ru"], DecodeOptions()),
        (["echo-prefix-en_be"], DecodeOptions(retry=False)),
        (["loop-en_ru"], DecodeOptions(max_decoding_length=24)),
        (["echo-en_ru", "echo-ru_be"], DecodeOptions()),
    ],
    ids=["echo", "prefix", "loop", "pivot"],
)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(bracketed_text(_EN_WORDS), min_size=1, max_size=5))
def test_property_every_bracket_group_survives(
    packages: dict[str, Path], route: list[str], options: DecodeOptions, texts: list[str]
) -> None:
    sentences = marked_sentences(*texts)
    results = build_translator([packages[name] for name in route], options).translate(sentences)
    for source, result in zip(sentences, results, strict=True):
        # Every bracket group of the source, marker or text, in the same order, none invented.
        assert _groups(result.sentence.text) == _groups(source.text)
        # Markers stay markers (the JSON list is unchanged); text groups stay in the text.
        assert [m.text for m in result.sentence.markers] == [m.text for m in source.markers]
        assert all(type(m).__name__ == "Marker" for m in result.sentence.markers)
        assert _groups(result.sentence.plain) == _groups(source.plain)


def test_text_brackets_are_held_out_of_the_model(packages: dict[str, Path]) -> None:
    translator = ArgosTranslator(packages["echo-ru_be"], DecodeOptions(retry=False))
    spy = _spied(translator)
    text = "Долг [sic] составил $5bn[8], а x[1] = 5 [1]."
    (result,) = translator.translate(marked_sentences(text))
    seen = "".join(piece for call in spy.calls for row in call["batch"] for piece in row)
    assert "[" not in seen and "]" not in seen
    assert result.sentence.text == text
    assert [m.text for m in result.sentence.markers] == ["[8]", "[1]"]


def test_bracket_invented_by_the_model_is_dropped(packages: dict[str, Path]) -> None:
    translator = ArgosTranslator(packages["echo-ru_be"], DecodeOptions(retry=False))

    class Inventive:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def translate_batch(self, batch: list[list[str]], **kwargs: Any) -> Any:
            results = self.inner.translate_batch(batch, **kwargs)
            return [
                SimpleNamespace(hypotheses=[["▁[", "3", "]", *r.hypotheses[0]]], attention=r.attention)
                for r in results
            ]

    translator.package = dataclasses.replace(translator.package, translator=Inventive(translator.package.translator))
    (result,) = translator.translate(marked_sentences("Выдуманная скобка в Минске [1]."))
    assert "[3]" not in result.sentence.text
    assert [m.text for m in result.sentence.markers] == ["[1]"]


@pytest.mark.parametrize("batch_tokens", [8, 64])
def test_batch_size_changes_no_output(packages: dict[str, Path], batch_tokens: int) -> None:
    """Small decoding batches (less memory) give the very outputs of one large batch."""
    sentences = marked_sentences(
        *(f"Officials in city {n} said the plan [{n % 3 + 1}] would cost {n + 12} million roubles." for n in range(24))
    )
    big = ArgosTranslator(packages["echo-en_ru"], DecodeOptions(batch_tokens=4096)).translate(sentences)
    clear_cache()
    small = ArgosTranslator(packages["echo-en_ru"], DecodeOptions(batch_tokens=batch_tokens)).translate(sentences)
    assert len(big) == len(sentences) > 20
    assert [(r.sentence, r.flags) for r in small] == [(r.sentence, r.flags) for r in big]


def test_batch_tokens_option_reaches_the_engine(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from polyglot_news.cli.options import decode_options
    from polyglot_news.translation.decoding import DEFAULT_BATCH_TOKENS

    assert decode_options(4, 256, "int8").batch_tokens == DEFAULT_BATCH_TOKENS == DecodeOptions().batch_tokens
    assert decode_options(4, 256, "int8", 256).batch_tokens == 256
    from polyglot_news.cli import cli

    for command in (["digest"], ["translate", "--to", "ru"], ["batch"], ["models", "evaluate"], ["serve"]):
        shown = CliRunner().invoke(cli, [*command, "--help"])
        assert "--batch-tokens" in shown.stdout, command
    refused = CliRunner().invoke(cli, ["digest", "--batch-tokens", "0", "-"], input="x")
    assert refused.exit_code == 2


# ---------------------------------------------------------------- memory bounded however many sentences a call holds


class _Counted:
    """A CTranslate2 result as the engine sees it, counted while alive (it may hold a whole attention matrix)."""

    alive = 0
    most = 0

    def __init__(self, inner: Any) -> None:
        self.hypotheses, self.attention = inner.hypotheses, inner.attention
        _Counted.alive += 1
        _Counted.most = max(_Counted.most, _Counted.alive)

    def __del__(self) -> None:
        _Counted.alive -= 1


class _Pending:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def result(self) -> _Counted:
        return _Counted(self.inner.result())


def _counting_translator(model_dir: Path) -> Any:
    import ctranslate2  # type: ignore[import-untyped]

    class Counting(ctranslate2.Translator):  # type: ignore[misc]
        """CTranslate2's own translator, its results counted while the engine holds them."""

        calls: list[int] = []

        def translate_batch(self, batch: list[list[str]], *args: Any, **kwargs: Any) -> Any:
            Counting.calls.append(len(batch))
            results = super().translate_batch(batch, *args, **kwargs)
            if kwargs.get("asynchronous"):
                return [_Pending(r) for r in results]
            return [_Counted(r) for r in results]

    return Counting(str(model_dir / "model"), device="cpu", compute_type="int8", intra_threads=1)


def test_results_are_reduced_one_at_a_time_in_one_call(packages: dict[str, Path]) -> None:
    """However many sentences one call holds, at most one full CTranslate2 result is alive at a time,
    the batch CTranslate2 sees is the same one call, and the outputs are those of the plain engine."""
    texts = [f"Officials in city {n} [1] said the plan would cost {n + 12} million roubles [2]." for n in range(60)]
    options = DecodeOptions(batch_tokens=64, retry=False)
    plain = ArgosTranslator(packages["echo-en_ru"], options).translate(marked_sentences(*texts))
    clear_cache()
    counted = ArgosTranslator(packages["echo-en_ru"], options)
    counting = _counting_translator(packages["echo-en_ru"])
    counted.package = dataclasses.replace(counted.package, translator=counting)
    _Counted.alive = _Counted.most = 0
    results = counted.translate(marked_sentences(*texts))
    assert type(counting).calls == [60]
    assert _Counted.most == 1 and _Counted.alive == 0
    assert [(r.sentence, r.flags) for r in results] == [(r.sentence, r.flags) for r in plain]
    # what the package remembers is the reduced output: a word alignment, no attention matrix
    assert {type(out.aligned) for outs in counted.package.memo.values() for out in outs} == {tuple}


def test_translation_stops_at_its_deadline_between_batches(packages: dict[str, Path]) -> None:
    import time

    from polyglot_news.errors import DeadlineError
    from polyglot_news.translation.decoding import deadline

    texts = [f"Переговоры {i} в Минске [1] возобновились во вторник." for i in range(6)]
    plain = ArgosTranslator(packages["echo-ru_be"], DecodeOptions(batch_tokens=16))
    expected = [r.sentence.text for r in plain.translate(marked_sentences(*texts))]
    clear_cache()
    translator = ArgosTranslator(packages["echo-ru_be"], DecodeOptions(batch_tokens=16))
    spy = _spied(translator)
    with deadline(time.monotonic() + 60):
        assert [r.sentence.text for r in translator.translate(marked_sentences(*texts))] == expected
    assert len(spy.calls) > 1 and sum(c["n"] for c in spy.calls) == len(texts)  # a call a batch
    clear_cache()
    translator = ArgosTranslator(packages["echo-ru_be"], DecodeOptions(batch_tokens=16))
    spy = _spied(translator)
    with deadline(time.monotonic() - 1), pytest.raises(DeadlineError):
        translator.translate(marked_sentences(*texts))
    assert spy.calls == []  # nothing decoded past the deadline

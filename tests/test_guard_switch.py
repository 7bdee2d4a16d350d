"""The guard switch (``--guard off|flag|retry``): in the decoding options, the engine, every translating
command, batch's resume hash and the server, and in the signature whenever it is not the default."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from polyglot_news import batch as B
from polyglot_news.cli import cli
from polyglot_news.translation.decoding import DecodeOptions
from polyglot_news.translation.engine import ArgosTranslator
from polyglot_news.translation.request import TranslationRequest

from .serving import allow_loopback, call
from .test_batch import article, write_folder

SENTENCE = "Talks resumed on Monday in Minsk [1]."


@pytest.mark.parametrize(
    ("options", "guard", "tail"),
    [
        (DecodeOptions(), "retry", "|int8"),
        (DecodeOptions(guard="flag"), "flag", "|int8|noretry"),
        (DecodeOptions(retry=False), "flag", "|int8|noretry"),  # the older spelling
        (DecodeOptions(guard="off"), "off", "|int8|noguard"),
        (DecodeOptions(guard="off", retry=True), "off", "|int8|noguard"),
        (dataclasses.replace(DecodeOptions(retry=False), guard="retry"), "retry", "|int8"),
    ],
)
def test_guard_values_and_their_signature(options: DecodeOptions, guard: str, tail: str) -> None:
    assert options.guard == guard
    assert options.signature().endswith(tail)


def test_an_unknown_guard_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown guard 'never': choose from off, flag, retry"):
        DecodeOptions(guard="never")


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many sentences each CTranslate2 call of the engine decoded (a retry is a second call)."""
    calls: list[int] = []
    real = ArgosTranslator._decode

    def counting(self: ArgosTranslator, sources: list[list[str]], *args: Any) -> Any:
        calls.append(len(sources))
        return real(self, sources, *args)

    monkeypatch.setattr(ArgosTranslator, "_decode", counting)
    return calls


# An echo model copies English into a Russian translation: the guard flags its script and the
# output-language check its language; retry decodes it a second time, to no avail.
@pytest.mark.parametrize(
    ("guard", "flags", "calls", "in_signature"),
    [
        ("retry", ["script", "language:en"], [1, 1], "|int8|v:"),
        ("flag", ["script", "language:en"], [1], "|int8|noretry|v:"),
        ("off", [], [1], "|int8|noguard|v:"),
    ],
)
def test_translate_command_follows_the_guard(
    install_packages: Callable[..., None], decodes: list[int], guard: str, flags: list[str], calls: list[int],
    in_signature: str,
) -> None:
    install_packages("echo-en_ru")
    result = CliRunner().invoke(
        cli, ["translate", "--to", "ru", "--source-lang", "en", "--guard", guard, "--format", "json", "-"],
        input=SENTENCE,
    )
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert [s["flags"] for paragraph in out["paragraphs"] for s in paragraph] == [flags]
    assert in_signature in out["signature"]
    assert decodes == calls
    assert ("flagged" in result.stderr) == bool(flags)


@pytest.mark.parametrize(("guard", "flagged"), [("retry", True), ("flag", True), ("off", False)])
def test_digest_command_follows_the_guard(install_packages: Callable[..., None], guard: str, flagged: bool) -> None:
    install_packages("echo-en_ru")
    result = CliRunner().invoke(cli, ["digest", "--to", "ru", "--source-lang", "en", "--guard", guard, "-"],
                                input=article(3))
    assert result.exit_code == 0, result.stderr
    digest = json.loads(result.stdout)
    assert bool(digest["translations"]["ru"]["flags"]) == flagged
    parts = digest["signature"].split("|")
    assert ("noretry" in parts, "noguard" in parts) == (guard == "flag", guard == "off")


def test_batch_records_the_guard_and_resume_redoes_outputs_of_another(
    tmp_path: Path, install_packages: Callable[..., None]
) -> None:
    install_packages("echo-en_ru")
    signatures = {
        guard: B.BatchOptions(translation=TranslationRequest(options=DecodeOptions(guard=guard))).signature()
        for guard in ("off", "flag", "retry")
    }
    assert len(set(signatures.values())) == 3
    write_folder(tmp_path / "feed", 3)
    common = [str(tmp_path / "feed"), "-o", str(tmp_path / "out"), "--to", "ru", "--source-lang", "en", "-j", "1"]
    first = CliRunner().invoke(cli, ["batch", *common, "--guard", "off"])
    assert first.exit_code == 0, first.stderr
    assert "flagged" not in first.stderr
    again = CliRunner().invoke(cli, ["batch", *common, "--guard", "off", "--resume"])
    assert [json.loads(line).get("resumed", False) for line in again.stdout.splitlines()] == [True] * 3
    other = CliRunner().invoke(cli, ["batch", *common, "--guard", "flag", "--resume"])
    assert [json.loads(line).get("resumed", False) for line in other.stdout.splitlines()] == [False] * 3
    assert "3 with flagged translations" in other.stderr


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch, network_attempts: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    allow_loopback(monkeypatch, network_attempts)
    return network_attempts


@pytest.fixture
def serving(loopback: Any, install_packages: Callable[..., None]) -> Iterator[Callable[[str], Any]]:
    pytest.importorskip("starlette")
    from polyglot_news.serve.config import ServeConfig
    from polyglot_news.serve.server import running

    install_packages("echo-en_ru")

    def start(guard: str) -> Any:
        return running(ServeConfig(port=0, decoding=DecodeOptions(guard=guard)))

    yield start
    assert loopback == []


@pytest.mark.parametrize(("guard", "flagged"), [("retry", True), ("off", False)])
def test_the_server_takes_the_guard_from_its_options(serving: Callable[[str], Any], guard: str, flagged: bool) -> None:
    with serving(guard) as url:
        status, _, body = call(f"{url}/digest", {"text": article(5), "targets": "ru", "source_lang": "en"})
    assert status == 200
    assert bool(body["translations"]["ru"]["flags"]) == flagged
    assert ("noguard" in body["signature"].split("|")) == (guard == "off")


def test_every_translating_command_and_serve_take_guard() -> None:
    for command in (["digest"], ["translate"], ["batch"], ["serve"], ["models", "evaluate"]):
        result = CliRunner().invoke(cli, [*command, "--help"])
        assert result.exit_code == 0
        assert "--guard [off|flag|retry]" in result.stdout, command

"""Parity with Argos Translate: the same package, sentences and decoding options give the same text.

Needs the ``[argos]`` extra (argostranslate pulls in torch through stanza: CI installs it after
the build extras); skipped without it. Argos runs in a subprocess with a private data, cache,
config and packages folder under tmp, and a socket guard: it never reaches the network.

Offline, Argos needs a sentence splitter that downloads nothing. Its default (MiniSBD) and
``STANZA`` download a model on first use, ``NONE`` is not implemented; ``ARGOS_CHUNK_TYPE=SPACY``
works when a spaCy pipeline is in Argos's cache (``$XDG_CACHE_HOME/argos-translate/spacy``,
with ``senter/model`` present so Argos does not try to download ``xx_sent_ud_sm``): a blank
multilingual pipeline, to which Argos adds spaCy's rule-based ``sentencizer``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from lang_models.build_test_packages import build, build_benchmark_package
from polyglot_news.models.metadata import OWN_TYPE
from polyglot_news.translation.decoding import DecodeOptions
from polyglot_news.translation.engine import ArgosTranslator

pytest.importorskip("argostranslate", reason="needs the [argos] extra: pip install -e '.[argos]'")

SENTENCES = [
    "Talks in Minsk resumed on Monday.",
    "The ministry said the tariffs would rise by ten percent.",
    "Officials declined to comment.",
]

# Argos's decoding (argostranslate.translate.apply_packaged_translation with its default
# settings): beam 4, length penalty 0.2, unknown tokens replaced, batches of 32 tokens,
# CTranslate2's default length limit of 256, compute type "auto". Argos does not retry.
ARGOS_OPTIONS = DecodeOptions(
    beam_size=4, length_penalty=0.2, replace_unknowns=True, batch_tokens=32, max_decoding_length=256,
    compute_type="auto", retry=False, intra_threads=1,
)  # fmt: skip

ARGOS_SIDE = r"""
import json, socket, sys

def refuse(*args, **kwargs):
    raise OSError(f"network access from Argos: {args!r}")

for name in ("connect", "connect_ex"):
    setattr(socket.socket, name, lambda self, *a: refuse(*a))
socket.create_connection = refuse
socket.getaddrinfo = refuse

import spacy
from argostranslate import settings
cache = settings.cache_dir / "spacy"
spacy.blank("xx").to_disk(cache)
(cache / "senter" / "model").mkdir(parents=True, exist_ok=True)

from argostranslate import package, translate
job = json.loads(sys.argv[1])
for archive in job["archives"]:
    package.install_from_path(archive)
languages = {lang.code: lang for lang in translate.get_installed_languages()}
out = {"languages": sorted(languages), "translations": {}}
for pair in job["pairs"]:
    source, target = pair.split("_")
    translation = languages[source].get_translation(languages[target])
    out["translations"][pair] = [translation.translate(s) for s in job["sentences"]]
print(json.dumps(out, ensure_ascii=False))
"""


def _argos(tmp_path: Path, archives: list[Path], pairs: list[str]) -> dict[str, Any]:
    env = {
        **os.environ,
        "HOME": str(tmp_path / "argos-home"),
        "XDG_DATA_HOME": str(tmp_path / "argos-data"),
        "XDG_CACHE_HOME": str(tmp_path / "argos-cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "argos-config"),
        "ARGOS_PACKAGES_DIR": str(tmp_path / "argos-packages"),
        "ARGOS_CHUNK_TYPE": "SPACY",
        "ARGOS_DEVICE_TYPE": "cpu",
        "ARGOS_INTER_THREADS": "1",
        "ARGOS_INTRA_THREADS": "1",
    }
    job = {"archives": [str(a) for a in archives], "pairs": pairs, "sentences": SENTENCES}
    done = subprocess.run(
        [sys.executable, "-c", ARGOS_SIDE, json.dumps(job)], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def _unpacked(archive: Path, into: Path) -> Path:
    with zipfile.ZipFile(archive) as zf:
        top = zf.namelist()[0].split("/")[0]
        zf.extractall(into)
    return into / top


def _ours(archive: Path, tmp_path: Path) -> list[str]:
    translator = ArgosTranslator(_unpacked(archive, tmp_path / "ours"), ARGOS_OPTIONS)
    from polyglot_news.segment import split_sentences

    return [translator.translate(split_sentences([s], "en"))[0].sentence.text for s in SENTENCES]


def _own_format(archive: Path, tmp_path: Path) -> Path:
    """``archive`` rewritten as a two-target package with source prefixes (what `models build` makes)."""
    out = tmp_path / "multi.argosmodel"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("/metadata.json"):
                meta = json.loads(data)
                meta.update(to_code="uk", type=OWN_TYPE, source_prefix="__ru__", targets={"uk": {}, "de": {}})
                data = json.dumps(meta).encode()
            dst.writestr(info.filename.replace("test-echo-en_ru", "multi-en_uk_de"), data)
    return out


def test_argos_translates_our_packages_exactly_as_we_do(tmp_path: Path) -> None:
    built = build(tmp_path / "packages", which=["echo-en_ru", "echo-prefix-en_be"])
    random = build_benchmark_package(
        tmp_path / "bench", layers=2, d_model=64, ffn=128, heads=2, vocab=1200, from_code="en", to_code="uk"
    )
    multi = _own_format(built["echo-en_ru"], tmp_path)
    archives = [built["echo-en_ru"], built["echo-prefix-en_be"], random, multi]
    argos = _argos(tmp_path, archives, ["en_ru", "en_be", "en_uk"])
    assert argos["translations"]["en_ru"] == _ours(built["echo-en_ru"], tmp_path) == SENTENCES
    assert argos["translations"]["en_be"] == _ours(built["echo-prefix-en_be"], tmp_path) == SENTENCES
    # Random weights: 256 tokens of noise per sentence, so every decoding option must agree.
    noise = _ours(random, tmp_path)
    assert argos["translations"]["en_uk"] == noise
    assert all(len(text.split()) > 20 for text in noise)
    # A package Argos would run wrongly declares another type: Argos does not offer it.
    assert "de" not in argos["languages"]

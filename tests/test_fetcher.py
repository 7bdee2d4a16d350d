"""``models fetch`` from an Argos index: offline refusal, a local index, progress, checksums; no network elsewhere."""

from __future__ import annotations

import hashlib
import json
import os
import socket
from pathlib import Path
from typing import Any

import pytest

from polyglot_news import models
from polyglot_news.errors import ModelError
from tests.archives import make_archive, package_files


def test_fetch_offline_fails_clearly(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OSError("Network is unreachable")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    with pytest.raises(ModelError) as caught:
        models.fetch("en", "ru")
    text = str(caught.value)
    assert text.startswith("cannot reach raw.githubusercontent.com")
    assert "you appear to be offline" in text
    assert "`polyglot-news models install FILE`" in text
    assert not store.exists()


def _index(tmp_path: Path, archive: Path, version: str = "1.0") -> str:
    index = tmp_path / "index.json"
    index.write_text(
        json.dumps(
            [
                {
                    "from_code": "en",
                    "to_code": "ru",
                    "package_version": "0.9",
                    "links": ["https://x.invalid/old"],
                },
                {
                    "from_code": "en",
                    "to_code": "ru",
                    "package_version": version,
                    "links": [archive.as_uri()],
                },
                {"from_code": "ru", "to_code": "en", "package_version": "9.9", "links": []},
            ]
        )
    )
    return index.as_uri()


def test_fetch_from_a_local_index(tmp_path: Path, store: Path, good: Path) -> None:
    packages = models.fetch(
        "en", "ru", index_url=_index(tmp_path, good), catalog=tmp_path / "none.json"
    )
    assert [(p.pair, p.version) for p in packages] == [("en→ru", "1.0")]
    assert sorted(p.name for p in store.iterdir()) == [".lock", "translate-en_ru"]
    manifest = json.loads((store / "translate-en_ru" / models.MANIFEST).read_text())
    assert manifest["archive_sha256"] == hashlib.sha256(good.read_bytes()).hexdigest()


def test_fetch_from_the_index_tells_its_progress(tmp_path: Path, store: Path) -> None:
    big = package_files()
    big["model/model.bin"] = os.urandom(3 * 1024 * 1024)  # random: the archive stays 3 MB
    archive = make_archive(tmp_path / "translate-en_ru-1_0.argosmodel", big)
    told: list[tuple[str, int, int | None]] = []
    models.fetch(
        "en", "ru", index_url=_index(tmp_path, archive), catalog=tmp_path / "none.json",
        progress=lambda name, done, total: told.append((name, done, total)),
    )  # fmt: skip
    size = archive.stat().st_size
    assert {name for name, _, _ in told} == {"translate-en_ru-1_0.argosmodel"}
    assert [done for _, done, _ in told] == sorted(done for _, done, _ in told) and told[-1][1] == size
    assert {total for _, _, total in told} == {size}  # the size the server announced
    assert len(told) >= 3  # one call per chunk read, not one at the end


def test_fetch_checksum_mismatch_installs_nothing(tmp_path: Path, store: Path, good: Path) -> None:
    catalog = tmp_path / "catalog.json"
    catalog.write_text(
        json.dumps(
            {
                "packages": [
                    {
                        "from_code": "en",
                        "to_code": "ru",
                        "package_version": "1.0",
                        "sha256": "0" * 64,
                    }
                ]
            }
        )
    )
    with pytest.raises(ModelError, match="does not match the catalog"):
        models.fetch("en", "ru", index_url=_index(tmp_path, good), catalog=catalog)
    assert sorted(p.name for p in store.iterdir()) == []


@pytest.mark.parametrize(
    ("pair", "message"),
    [(("en", "be"), "has no en→be package"), (("ru", "en"), "gives no download link")],
)
def test_fetch_missing_package(
    tmp_path: Path, good: Path, pair: tuple[str, str], message: str
) -> None:
    with pytest.raises(ModelError, match=message):  # no hub models in this catalog: the index is asked
        models.fetch(*pair, index_url=_index(tmp_path, good), catalog=tmp_path / "none.json")


def test_no_network_outside_fetch(
    tmp_path: Path, good: Path, network_attempts: list[tuple[Any, ...]]
) -> None:
    models.install(good)
    models.list_packages()
    models.verify()
    models.remove("en→ru")
    assert network_attempts == []

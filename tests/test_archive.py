"""The archive validator: the member-count pre-check, and a fuzz proving it only ever plans or refuses."""

from __future__ import annotations

import io
import json
import stat
import warnings
import zipfile

import pytest
from hypothesis import HealthCheck, event, given, seed, settings
from hypothesis import strategies as st

from polyglot_news.errors import ModelError
from polyglot_news.models.archive import MAX_ENTRIES, declared_entries, open_archive, plan_archive

TOP = "translate-en_ru-1_0"
GOOD_META = {"from_code": "en", "to_code": "ru", "package_version": "1.0"}


def _zip(members: list[tuple[str, bytes]], *, zip64: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=zip64) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("count", [0, 3, MAX_ENTRIES + 1])
def test_declared_entries_reads_the_end_record(count: int) -> None:
    data = _zip([(f"{TOP}/{i}", b"") for i in range(count)])
    assert declared_entries(io.BytesIO(data)) == count


def test_zip64_member_count_refused_before_the_listing_is_read() -> None:
    data = _zip([(f"{TOP}/{i}", b"") for i in range(0x10000)], zip64=True)
    assert data.find(b"PK\x06\x06") > 0  # really a zip64 end record
    assert declared_entries(io.BytesIO(data)) == 0x10000
    with pytest.raises(ModelError, match="65536 members, more than the cap of 2000"):
        open_archive(io.BytesIO(data), "big.argosmodel")


def test_not_a_zip_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="not a valid .argosmodel zip archive"):
        open_archive(io.BytesIO(b"PK\x03\x04 not really a zip"), "x")


# ---------------------------------------------------------------- fuzz

_PARTS = [TOP, "model", "model.bin", "metadata.json", "sentencepiece.model", "bpe.model", "x",
          "..", ".", "", "a\\b", "C:", "\x00", "ü", ".polyglot-news.json"]
_MODES = [0, stat.S_IFREG | 0o644, stat.S_IFDIR | 0o755, stat.S_IFLNK | 0o777, stat.S_IFIFO | 0o644]

_names = st.one_of(
    st.sampled_from(["model/config.json", "README.md", "model/", "stanza/x.pt"]).map(f"{TOP}/{{}}".format),
    st.lists(st.sampled_from(_PARTS), min_size=1, max_size=4).map("/".join),
)
_meta = st.one_of(
    st.just(json.dumps(GOOD_META).encode()),
    st.dictionaries(
        st.sampled_from(["from_code", "to_code", "package_version", "type", "targets", "source_sentencepiece"]),
        st.one_of(st.sampled_from(["en", "ru", "be", "../x", "1.0", ""]), st.integers(), st.none(),
                  st.dictionaries(st.sampled_from(["ru", "be", "en"]), st.none(), max_size=2)),
        max_size=6,
    ).map(lambda d: json.dumps({**GOOD_META, **d}).encode()),
    st.binary(max_size=64),
)
_member = st.tuples(
    _names,
    st.binary(max_size=256) | st.integers(0, 3 * 1024**2).map(bytes),
    st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]),
    st.sampled_from(_MODES),
    st.booleans(),
)


def _build(required: bool, meta: bytes, members: list[tuple[str, bytes, int, int, bool]]) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as zf:
        warnings.simplefilter("ignore")  # duplicate names are part of the fuzz
        if required:
            for name, data in ((f"{TOP}/metadata.json", meta), (f"{TOP}/model/model.bin", b"m"),
                               (f"{TOP}/sentencepiece.model", b"s")):
                zf.writestr(name, data)
        for name, data, method, mode, encrypted in members:
            info = zipfile.ZipInfo(name)
            info.compress_type = method
            info.external_attr = mode << 16
            if encrypted:
                info.flag_bits |= 0x1
            zf.writestr(info, data)
    return buffer.getvalue()


_archives = st.builds(_build, st.booleans(), _meta, st.lists(_member, max_size=6))


@st.composite
def _mangled(draw: st.DrawFn) -> bytes:
    """A valid-looking archive, then a few bytes overwritten, or cut short."""
    data = bytearray(draw(_archives))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if data:
            data[at] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


@seed(20261130)
@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_archives, _mangled()))
def test_fuzz_archive_validator_plans_or_refuses(data: bytes) -> None:
    """Whatever the bytes: a plan (members inside the one folder, valid metadata) or a ModelError."""
    try:
        with open_archive(io.BytesIO(data), "fuzz.argosmodel") as zf:
            members, metadata = plan_archive(zf, "fuzz.argosmodel", 4 * 1024**2)
    except ModelError as exc:
        assert str(exc).startswith("fuzz.argosmodel: ") and "\n" not in str(exc)
        event("refused")
        return
    event("planned")
    assert metadata.from_code != metadata.to_code
    inner = {name for _, name in members}
    assert "metadata.json" in inner and "model/model.bin" in inner
    assert all(".." not in name.split("/") and not name.startswith("/") for name in inner)

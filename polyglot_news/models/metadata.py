"""The ONE reader of a package's ``metadata.json``: validation and what it declares.

Everything else (the store, the installer, routing, the loader, the CLI) works on the
:class:`PackageInfo` parsed here, never on the raw JSON.

Two formats share the Argos layout:

* ``"type": "translate"`` — a plain Argos package: one ``sentencepiece.model`` (or
  ``bpe.model``) for both sides, one target, at most a package-level ``target_prefix``.
  Argos Translate, argospm and LibreTranslate run it exactly as polyglot-news does.
* ``"type": "polyglot-news-translate"`` (:data:`OWN_TYPE`) — a package Argos would run
  wrongly: separate source/target SentencePiece models, a source-side prefix token
  (``>>bel<<``, ``eng_Latn``) or several targets. Argos only loads packages whose type is
  ``translate``, so it skips these instead of translating without the prefix or decoding
  with the source vocabulary. ``models build`` writes this type whenever it is needed.

Language codes are normalised on the way in (``bel`` → ``be``, see
:mod:`polyglot_news.languages`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from polyglot_news.errors import ModelError
from polyglot_news.languages import normalize_code

ARGOS_TYPE = "translate"
OWN_TYPE = "polyglot-news-translate"
TYPES = (ARGOS_TYPE, OWN_TYPE)

MAX_METADATA_BYTES = 1024**2
SHOWN_CHARS = 80
"""Longest field value a message or table shows whole (``models list --json`` gives all)."""


def shortened(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text``, its middle cut and the length named when it is longer than ``limit``."""
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}…({len(text):,} characters)…{text[-half:]}"


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """``value`` quoted for an error message (``repr``), shortened like :func:`shortened`."""
    text = repr(value)
    return text if len(text) <= limit else shortened(text, limit)
TOKENIZERS = ("sentencepiece.model", "bpe.model")

_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$")
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]{0,31}$")
_FILE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$")
_NON_COMMERCIAL = re.compile(r"(?:^|[^A-Za-z])NC(?:[^A-Za-z]|$)|non-?commercial", re.IGNORECASE)


@dataclass(frozen=True)
class TargetSpec:
    """What a package needs to produce one target language.

    ``source_prefix`` tokens go before the source tokens (Marian's ``>>bel<<``, NLLB's
    ``eng_Latn``); ``target_prefix`` is forced as the first target token (NLLB's ``bel_Cyrl``).
    """

    source_prefix: tuple[str, ...] = ()
    target_prefix: str = ""


@dataclass(frozen=True)
class PackageInfo:
    """What one ``metadata.json`` declares, parsed and checked.

    ``targets`` maps every language the package produces to its prefixes, ``to_code`` first.
    ``source_sentencepiece``/``target_sentencepiece`` are file names inside the package
    (the same name for a shared tokenizer). ``source_model`` is the model a built package
    was converted from (``provenance.model``), ``None`` for an official Argos package.
    """

    from_code: str
    to_code: str
    version: str
    type: str
    targets: dict[str, TargetSpec]
    source_sentencepiece: str
    target_sentencepiece: str
    title: str | None = None
    license: str | None = None
    source_model: str | None = None
    provenance: dict[str, Any] | None = None
    test_model: bool = False
    test_package: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def target_codes(self) -> tuple[str, ...]:
        return tuple(self.targets)

    @property
    def multilingual(self) -> bool:
        return len(self.targets) > 1

    @property
    def needs_polyglot_news(self) -> bool:
        """True when Argos Translate would run this package wrongly (see the module docstring)."""
        return (
            self.multilingual
            or any(spec.source_prefix for spec in self.targets.values())
            or self.source_sentencepiece != self.target_sentencepiece
            or self.source_sentencepiece not in TOKENIZERS
        )

    @property
    def format(self) -> str:
        """``argos`` (Argos Translate runs it as we do) or ``polyglot-news`` (only we can)."""
        return "polyglot-news" if self.needs_polyglot_news or self.type == OWN_TYPE else "argos"

    @property
    def non_commercial(self) -> bool:
        """True for a licence that forbids commercial use (CC-BY-NC-4.0 and the like)."""
        return bool(self.license and _NON_COMMERCIAL.search(self.license))

    @property
    def provenance_key(self) -> str:
        """Which model this is, for deciding whether an install replaces "the same" package.

        ``test:<name>`` for the project's test packages, ``model:<hub id or folder>`` for a
        built one, ``argos`` for an official Argos package.
        """
        if self.test_model:
            return f"test:{self.test_package or self.title or ''}"
        if self.source_model:
            return f"model:{self.source_model}"
        return "argos"

    @property
    def model_name(self) -> str | None:
        """A short human name of the model: the hub id it was built from, or the test package."""
        if self.test_model:
            return f"test-{self.test_package}" if self.test_package else "test-model"
        return self.source_model

    def describe(self) -> str:
        """``en→{be,ru} 1.0 (Helsinki-NLP/opus-mt-tc-big-en-zle, CC-BY-4.0)``; long fields shortened."""
        codes = self.target_codes
        pair = f"{self.from_code}→{codes[0]}" if len(codes) == 1 else f"{self.from_code}→{{{','.join(sorted(codes))}}}"
        what = "TEST MODEL" if self.test_model else (self.source_model or "Argos package")
        licence = shortened(self.license or "not stated")
        return f"{pair} {shortened(self.version)} ({shortened(what)}, licence {licence})"


# ---------------------------------------------------------------- validation


def _code(value: str, where: str, key: str) -> str:
    code = normalize_code(value)
    if not _CODE.match(code):
        raise ModelError(f"{where}: metadata.json {key} {shown(value)} is not a language code")
    return code


def validate_metadata(data: object, where: str) -> dict[str, Any]:
    """Check a parsed ``metadata.json``; return it (codes normalised), or raise ModelError naming ``where``."""
    if not isinstance(data, dict):
        raise ModelError(f"{where}: metadata.json is not a JSON object")
    for key in ("from_code", "to_code", "package_version"):
        if key not in data:
            raise ModelError(f"{where}: metadata.json lacks the required field {key!r}")
        if not isinstance(data[key], str):
            raise ModelError(f"{where}: metadata.json field {key!r} is not a string")
    for key in ("from_code", "to_code"):
        data[key] = _code(data[key], where, key)
    if data["from_code"] == data["to_code"]:
        raise ModelError(f"{where}: metadata.json translates {shown(data['from_code'])} into itself")
    if not _VERSION.match(data["package_version"]):
        raise ModelError(f"{where}: metadata.json package_version {shown(data['package_version'])} is malformed")
    for key in ("argos_version", "from_name", "to_name", "target_prefix", "type", "name"):
        if key in data and data[key] is not None and not isinstance(data[key], str):
            raise ModelError(f"{where}: metadata.json field {key!r} is not a string")
    if data.get("type") not in (None, *TYPES):
        raise ModelError(f"{where}: not a translation package (type {shown(data['type'])})")
    _validate_extended(data, where)
    return data


def _validate_extended(data: dict[str, Any], where: str) -> None:
    """The fields of packages built by ``models build`` (see lang_models/README.md)."""
    for key in ("source_prefix", "license", "source_sentencepiece", "target_sentencepiece"):
        if key in data and data[key] is not None and not isinstance(data[key], str):
            raise ModelError(f"{where}: metadata.json field {key!r} is not a string")
    for key in ("source_sentencepiece", "target_sentencepiece"):
        if data.get(key) and not _FILE_NAME.match(data[key]):
            raise ModelError(f"{where}: metadata.json {key} {shown(data[key])} is not a plain file name")
    if "provenance" in data and not isinstance(data["provenance"], dict):
        raise ModelError(f"{where}: metadata.json field 'provenance' is not an object")
    targets = data.get("targets")
    if targets is None:
        return
    if not isinstance(targets, dict) or not targets:
        raise ModelError(f"{where}: metadata.json 'targets' is not a non-empty object")
    normalised: dict[str, Any] = {}
    for raw_code, entry in targets.items():
        code = normalize_code(str(raw_code))
        if not _CODE.match(code) or code == data["from_code"] or code in normalised:
            raise ModelError(f"{where}: metadata.json targets key {shown(raw_code)} is not a target language")
        if entry is not None and not isinstance(entry, dict):
            raise ModelError(f"{where}: metadata.json targets[{shown(raw_code)}] is not an object")
        for key, value in (entry or {}).items():
            if key in ("source_prefix", "target_prefix") and not isinstance(value, str):
                raise ModelError(f"{where}: metadata.json targets[{shown(raw_code)}].{key} is not a string")
        normalised[code] = entry
    data["targets"] = normalised
    if data["to_code"] not in normalised:
        raise ModelError(f"{where}: metadata.json to_code {shown(data['to_code'])} is not among its targets")


def parse_metadata(raw: bytes, where: str) -> dict[str, Any]:
    """Decode and validate the bytes of a ``metadata.json`` (size-capped)."""
    if len(raw) > MAX_METADATA_BYTES:
        raise ModelError(f"{where}: metadata.json is larger than {MAX_METADATA_BYTES} bytes")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ModelError(f"{where}: metadata.json is not valid JSON: {exc}") from None
    except RecursionError:  # json raises it for deep nesting such as 100,000 '['
        raise ModelError(f"{where}: metadata.json is not valid JSON: nested too deeply") from None
    return validate_metadata(data, where)


def declared_type(raw: bytes) -> str | None:
    """The ``type`` a ``metadata.json`` declares, without validating the rest (``None`` if unreadable).

    Lets the store skip Argos's own non-translation packages (sentence boundary models).
    """
    try:
        data = json.loads(raw[:MAX_METADATA_BYTES])
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    kind = data.get("type", ARGOS_TYPE)
    return kind if isinstance(kind, str) else None


# ---------------------------------------------------------------- interpretation


def _prefix_tokens(value: object) -> tuple[str, ...]:
    return tuple(value.split()) if isinstance(value, str) else ()


def _target_specs(data: dict[str, Any]) -> dict[str, TargetSpec]:
    """Every target; a key a ``targets`` entry omits takes the package-level value."""
    base_source = data.get("source_prefix")
    base_target = data.get("target_prefix") or ""
    specs = {data["to_code"]: TargetSpec(_prefix_tokens(base_source), base_target)}
    extra = data.get("targets") or {}
    for code in sorted(extra):
        entry = extra[code] or {}
        spec = TargetSpec(
            _prefix_tokens(entry.get("source_prefix", base_source)),
            entry.get("target_prefix", base_target) or "",
        )
        specs[code] = spec
    return specs


def is_test_model(data: dict[str, Any]) -> bool:
    """True for the project's own test packages, whose output must never pass for a translation."""
    marker = data.get("polyglot_news")
    return isinstance(marker, dict) and bool(marker.get("test_model"))


def read_info(data: dict[str, Any]) -> PackageInfo:
    """The :class:`PackageInfo` of a metadata dict :func:`validate_metadata` accepted."""
    marker = data.get("polyglot_news")
    marker = marker if isinstance(marker, dict) else {}
    provenance = data.get("provenance") if isinstance(data.get("provenance"), dict) else None
    source_model = provenance.get("model") if provenance else None
    source_sp = data.get("source_sentencepiece") or "sentencepiece.model"
    test_package = marker.get("package")
    return PackageInfo(
        from_code=data["from_code"],
        to_code=data["to_code"],
        version=data["package_version"],
        type=data.get("type") or ARGOS_TYPE,
        targets=_target_specs(data),
        source_sentencepiece=source_sp,
        target_sentencepiece=data.get("target_sentencepiece") or source_sp,
        title=data.get("name") or None,
        license=data.get("license") or None,
        source_model=str(source_model) if source_model else None,
        provenance=provenance,
        test_model=is_test_model(data),
        test_package=str(test_package) if isinstance(test_package, str) and test_package else None,
        raw=data,
    )


def parse_info(raw: bytes, where: str) -> PackageInfo:
    """:func:`parse_metadata` then :func:`read_info`."""
    return read_info(parse_metadata(raw, where))


def package_type(data: dict[str, Any]) -> str:
    """The ``type`` a package with this metadata must declare (:data:`OWN_TYPE` when Argos would run it wrongly).

    ``models build`` calls this before writing ``metadata.json``.
    """
    return OWN_TYPE if read_info(validate_metadata(dict(data), "metadata")).needs_polyglot_news else ARGOS_TYPE


def named_tokenizers(info: PackageInfo) -> dict[str, str]:
    """The tokenizer files ``metadata.json`` names explicitly, by key; ``{}`` for a plain Argos
    package (it holds ``sentencepiece.model`` or, in older packages, ``bpe.model``)."""
    return {key: info.raw[key] for key in ("source_sentencepiece", "target_sentencepiece") if info.raw.get(key)}

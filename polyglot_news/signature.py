"""Signatures in sacrebleu's style: every algorithm, version and option that shaped an output.

One :class:`Signature` builds every such string, e.g.
``det:langdetect-1.0.9+cyr1-s0|seg:v1|sum:lexrank-3|sumy:0.13.0|v:0.1.0|mt:ru=en_ru-1.9|beam4|…``;
the same input with the same signature gives byte-identical output.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import metadata

from polyglot_news.document import GIVEN, Detection
from polyglot_news.langid.detector import detector_signature
from polyglot_news.summarize import signature_name
from polyglot_news.version import __version__

SEGMENTER = "v1"


@dataclass(frozen=True)
class Signature:
    """Fields in order; each is ``key:value`` (a value may itself hold ``|``-separated settings)."""

    fields: tuple[str, ...] = ()

    def add(self, key: str, value: object) -> Signature:
        return Signature((*self.fields, f"{key}:{value}"))

    def extend(self, other: Signature) -> Signature:
        return Signature((*self.fields, *other.fields))

    def __str__(self) -> str:
        return "|".join(self.fields)


def detection(source: Detection) -> Signature:
    """``det:given`` when the caller named the language, else the detector, its model and seed."""
    if source.reason == GIVEN:
        return Signature().add("det", GIVEN)
    return Signature().add("det", _detector(source.detector))


@functools.cache  # reads package metadata from disk: once per process, not per article
def _detector(name: str) -> str:
    return detector_signature(name)


def summary(source: Detection, method: str, length: str) -> Signature:
    """The signature of a summary: detection, segmenter, method and length, sumy, our version."""
    return (
        detection(source)
        .add("seg", SEGMENTER)
        .add("sum", f"{signature_name(method)}-{length}")
        .add("sumy", package_version("sumy"))
        .add("v", __version__)
    )


def text_translation(source: Detection, target: str, route: str) -> Signature:
    """The signature of ``translate_text``: detection, segmenter, the route's field, our version."""
    return detection(source).add("seg", SEGMENTER).extend(translation(target, route)).add("v", __version__)


def translation(target: str, route: str) -> Signature:
    """``mt:LANG=ROUTE``: the packages, decoding options (and glossary) behind one target."""
    return Signature().add("mt", f"{target}={route}")


@functools.cache  # reads package metadata from disk: once per process, not per article
def package_version(package: str) -> str:
    """An installed distribution's version, or ``?``."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"

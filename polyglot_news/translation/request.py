"""What to translate: target languages, parts of the digest, models, decoding and glossary."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from polyglot_news.languages import check_language_code
from polyglot_news.models.store import Package, list_packages
from polyglot_news.translation.decoding import DecodeOptions
from polyglot_news.translation.glossary import Glossary

DEFAULT_TARGETS = ("ru", "be")
"""Languages ``digest`` translates into when no target is named (those with an installed route)."""

PARTS = ("headline", "summary", "references", "full")
"""What ``digest`` can translate: ``full`` is every body sentence."""

DEFAULT_PARTS = ("headline", "summary", "references")

@dataclass(frozen=True)
class TranslationRequest:
    """Which languages and parts to translate, with which models and decoding options.

    ``targets=None`` means the default targets (:data:`DEFAULT_TARGETS`) that have an
    installed route; the others are skipped with a note. Named targets without a route get
    an ``error`` entry instead of a translation.
    """

    targets: tuple[str, ...] | None = None
    parts: tuple[str, ...] = DEFAULT_PARTS
    models: Path | None = None
    options: DecodeOptions = field(default_factory=DecodeOptions)
    glossary: Glossary | None = None
    model: str | None = None
    """``--model NAME``: force this package (folder name or source model) wherever it serves a hop."""
    packages: tuple[Package, ...] | None = None
    """The installed packages to route between; ``None``: scan ``models`` when translating.
    Callers that translate many times (``batch``) scan once and pass the result down."""

    def installed(self) -> list[Package]:
        """The packages to route between: the given ones, else a scan of the store."""
        return list(self.packages) if self.packages is not None else list_packages(self.models)

    def scanned(self) -> TranslationRequest:
        """This request with the store scanned now, so later calls do not scan it again."""
        return self if self.packages is not None else replace(self, packages=tuple(list_packages(self.models)))

    def __post_init__(self) -> None:
        for name, value in (("targets", self.targets), ("parts", self.parts)):
            if isinstance(value, (str, bytes)) or not (value is None or isinstance(value, Iterable)):
                raise TypeError(
                    f"`{name}` takes a sequence such as {('ru', 'be') if name == 'targets' else DEFAULT_PARTS}, "
                    f"not {type(value).__name__} {str(value)[:40]!r}"
                )
        if not isinstance(self.options, DecodeOptions):
            raise TypeError(f"`options` takes a DecodeOptions, not {type(self.options).__name__}")
        if self.glossary is not None and not isinstance(self.glossary, Glossary):
            raise TypeError(f"`glossary` takes a Glossary (load_glossary(path)), not {type(self.glossary).__name__}")
        object.__setattr__(self, "parts", tuple(self.parts))
        unknown = sorted(set(self.parts) - set(PARTS))
        if unknown:
            raise ValueError(f"cannot translate {', '.join(unknown)}: choose from {', '.join(PARTS)}")
        if self.targets is not None:
            codes = tuple(check_language_code(code, "`targets`") for code in self.targets)
            object.__setattr__(self, "targets", tuple(dict.fromkeys(codes)))



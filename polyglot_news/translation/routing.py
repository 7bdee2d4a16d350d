"""Route finding: which installed packages translate SOURCE into TARGET, directly or by pivot.

The rule, deterministic for any set of packages:

0. A multilingual package (metadata ``targets``, e.g. OPUS-MT en→{be, ru, uk}) serves every
   pair it lists: it takes part as one package per pair, each with that pair's ``to_code``
   and ``target_prefix``, so the engine is told which language to produce.
1. For each language pair keep one package. ``--model NAME`` (``prefer``) forces it: a
   package whose folder name or source model is NAME wins every pair it serves. Otherwise,
   in this order (:func:`preference`): a real model before a TEST MODEL; our store before an
   Argos dir; a licence that allows commercial use before a non-commercial one (NLLB's
   CC-BY-NC); a package made for that one pair before a multilingual one; the higher
   ``package_version``; then the smaller folder name, then the smaller path.
2. A direct package wins, multilingual or not. Otherwise the shortest chain (at most
   ``MAX_HOPS`` packages), which :func:`pivots` names.
3. Among chains of the same length, pivots are compared in order, each by its rank in
   ``PIVOTS`` (Russian first, being the closest large language to Belarusian and the one
   official Argos packages pair with English; then English, the hub of the Argos index),
   then any other language in alphabetical order.

:func:`find_route` returns a :class:`Route`; the engine loads it as it is
(``translation.engine.build_translator(route)``) and its translator's ``route`` is the same
route as loaded, which alone can sign (:meth:`Route.signature`): what was loaded, down to the
bytes of each model.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from polyglot_news.document import ModelUsed
from polyglot_news.errors import ModelError, RouteError
from polyglot_news.models.archive import INSTALL_HINT, version_key
from polyglot_news.models.store import ORIGIN_RANK, Package
from polyglot_news.translation.decoding import DecodeOptions
from polyglot_news.translation.glossary import Glossary

PIVOTS = ("ru", "en")
MAX_HOPS = 3


@dataclass(frozen=True)
class Route:
    """How to translate ``source`` into ``target``: the packages to apply in order (none: same language).

    Each hop's ``to_code`` is the language that hop produces (a multilingual package serves
    several). A route :func:`find_route` chose names packages as the store scan found them;
    the route of a built translator (``translator.route``) names them as they were loaded,
    each with the sha256 of the model it read: only that one can be signed.
    """

    source: str
    target: str
    hops: tuple[Package, ...] = ()

    def __post_init__(self) -> None:
        codes = [self.source] + [p.to_code for p in self.hops]
        if self.hops and (
            codes[-1] != self.target or any(p.from_code != code for p, code in zip(self.hops, codes, strict=False))
        ):
            raise ValueError(f"the packages do not chain {self.source}→{self.target}: {self.describe()}")

    @property
    def pivots(self) -> tuple[str, ...]:
        """The intermediate languages (``("ru",)`` for en→ru→be; ``()`` when direct)."""
        return tuple(p.to_code for p in self.hops[:-1])

    @property
    def test_model(self) -> bool:
        """True when a hop is a TEST MODEL: the output is not a translation."""
        return any(p.info.test_model for p in self.hops)

    def describe(self) -> str:
        """The languages the route passes through: ``"en→ru→be"`` (``"en"`` when it has no hops)."""
        return "→".join([self.source] + [p.to_code for p in self.hops])

    def signature(self, options: DecodeOptions | None = None, glossary: Glossary | None = None) -> str:
        """``en_ru-1.9~NAME@HASH8+ru_be-1.0~NAME@HASH8|beam4|…[|glossary]``, ``identity`` with no hops.

        Each hop: pair, package version, model name and the first 8 hex digits of the sha256
        of the ``model.bin`` the loader read; then the decoding options every hop used and the
        glossary, if any.

        Raises:
            ValueError: a hop was not loaded (sign ``build_translator(route).route``).
        """
        if not self.hops:
            return "identity"
        for package in self.hops:
            if package.sha256 is None:
                raise ValueError(f"{package.path} is not loaded: only a loaded route can be signed")
        steps = "+".join(
            f"{p.from_code}_{p.to_code}{f'-{p.version}' if p.version else ''}~{p.identity}" for p in self.hops
        )
        options = options or DecodeOptions()
        return f"{steps}|{options.signature()}" + (f"|{glossary.signature()}" if glossary is not None else "")

    def models_used(self) -> tuple[ModelUsed, ...]:
        """Each hop as a digest names it: name, pair, version, origin, TEST MODEL flag, identity, licence."""
        return tuple(
            ModelUsed(
                p.info.title or p.name, p.pair, p.version, p.origin, p.info.test_model, p.identity, p.info.license
            )
            for p in self.hops
        )


def served_pairs(package: Package) -> list[Package]:
    """One view of ``package`` per target it serves (itself alone for a one-pair package)."""
    if not package.info.multilingual:
        return [package]
    return [dataclasses.replace(package, to_code=code) for code in package.info.target_codes]


def matches_model(package: Package, name: str) -> bool:
    """True when ``name`` names ``package``: its folder name, its source model (or that model's last part)."""
    wanted = name.strip()
    model = package.info.model_name or ""
    return wanted in (package.name, str(package.path), model) or (
        bool(model) and "/" in model and wanted == model.rsplit("/", 1)[-1]
    )


def preference(package: Package) -> tuple[int, int, int, int]:
    """Sort key of rule 1 (before version and name): smaller is preferred."""
    info = package.info
    return (
        int(info.test_model),
        ORIGIN_RANK.get(package.origin, len(ORIGIN_RANK)),
        int(info.non_commercial),
        int(info.multilingual),
    )


def best_per_pair(packages: Sequence[Package], prefer: str | None = None) -> dict[tuple[str, str], Package]:
    """The preferred package for every (from, to) pair (rules 0 and 1 of the module docstring)."""
    ordered = sorted(
        (view for package in packages for view in served_pairs(package)),
        key=lambda p: (p.name, str(p.path)),
    )
    ordered.sort(key=lambda p: version_key(p.version), reverse=True)  # stable: ties keep name order
    ordered.sort(key=preference)
    if prefer:
        ordered.sort(key=lambda p: not matches_model(p, prefer))
    best: dict[tuple[str, str], Package] = {}
    for package in ordered:
        best.setdefault((package.from_code, package.to_code), package)
    return best


def check_model(prefer: str | None, packages: Sequence[Package]) -> None:
    """Raise ModelError unless ``prefer`` (``--model``) names an installed package."""
    if prefer and not any(matches_model(p, prefer) for p in packages):
        names = ", ".join(sorted({p.name for p in packages})) or "none installed"
        raise ModelError(f"--model {prefer}: no installed package has that name or source model ({names})")


def _pivot_rank(code: str) -> tuple[int, str]:
    return (PIVOTS.index(code), "") if code in PIVOTS else (len(PIVOTS), code)


def find_route(source: str, target: str, packages: Sequence[Package], prefer: str | None = None) -> Route:
    """The :class:`Route` from ``source`` to ``target`` over ``packages`` (no hops when they are equal).

    ``prefer`` (``--model NAME``) forces that package for every pair it serves.

    Raises:
        RouteError: no direct package and no chain; the message names what would complete one.
        ModelError: ``prefer`` names no installed package.
    """
    check_model(prefer, packages)
    if source == target:
        return Route(source, target)
    best = best_per_pair(packages, prefer)
    # Breadth-first over paths of languages, one length at a time: the first length with any
    # complete path wins, and the pivot ranking picks among them.
    paths: list[list[str]] = [[source]]
    for _ in range(MAX_HOPS):
        extended = [
            path + [nxt]
            for path in paths
            for (frm, nxt) in sorted(best)
            if frm == path[-1] and nxt not in path
        ]
        complete = [p for p in extended if p[-1] == target]
        if complete:
            chosen = min(complete, key=lambda p: [_pivot_rank(code) for code in p[1:-1]])
            return Route(source, target, tuple(best[(a, b)] for a, b in itertools.pairwise(chosen)))
        paths = [p for p in extended if p[-1] != target]
        if not paths:
            break
    raise RouteError(_missing_message(source, target, set(best)))


def _missing_message(source: str, target: str, installed: set[tuple[str, str]]) -> str:
    options = [f"a package for {source}→{target}"]
    for pivot in PIVOTS:
        if pivot in (source, target):
            continue
        first, second = (source, pivot), (pivot, target)
        if first in installed and second not in installed:
            options.append(f"{pivot}→{target} (to pivot through the installed {source}→{pivot})")
        elif second in installed and first not in installed:
            options.append(f"{source}→{pivot} (to pivot through the installed {pivot}→{target})")
        elif first not in installed and second not in installed:
            options.append(f"{source}→{pivot} plus {pivot}→{target}")
    message = f"no route {source}→{target}: install " + ", or ".join(options) + f" (`{INSTALL_HINT}`)"
    if "be" in (source, target):
        message += (
            "; no official package serves Belarusian: build one with `polyglot-news models build` "
            "(see 'Translate into Belarusian' in the documentation)"
        )
    return message

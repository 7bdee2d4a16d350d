"""Route finding: which installed packages translate SOURCE into TARGET, directly or by pivot.

The rule, deterministic for any set of packages:

1. For each language pair keep one package: our store before an Argos dir, then the higher
   ``package_version``, then the smaller folder name, then the smaller path.
2. A direct package wins. Otherwise the shortest chain (at most ``MAX_HOPS`` packages).
3. Among chains of the same length, pivots are compared in order, each by its rank in
   ``PIVOTS`` (Russian first, being the closest large language to Belarusian and the one
   official Argos packages pair with English; then English, the hub of the Argos index),
   then any other language in alphabetical order.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from polyglot_news.errors import RouteError
from polyglot_news.models import INSTALL_HINT, Package, version_key

PIVOTS = ("ru", "en")
MAX_HOPS = 3
_ORIGIN_RANK = {"store": 0, "argos": 1}


def best_per_pair(packages: Sequence[Package]) -> dict[tuple[str, str], Package]:
    """The preferred package for every (from, to) pair (rule 1 of the module docstring)."""
    ordered = sorted(packages, key=lambda p: (p.name, str(p.path)))
    ordered.sort(key=lambda p: version_key(p.version), reverse=True)  # stable: ties keep name order
    ordered.sort(key=lambda p: _ORIGIN_RANK.get(p.origin, len(_ORIGIN_RANK)))
    best: dict[tuple[str, str], Package] = {}
    for package in ordered:
        best.setdefault((package.from_code, package.to_code), package)
    return best


def _pivot_rank(code: str) -> tuple[int, str]:
    return (PIVOTS.index(code), "") if code in PIVOTS else (len(PIVOTS), code)


def find_route(source: str, target: str, packages: Sequence[Package]) -> list[Package]:
    """The packages to apply in order to translate ``source`` into ``target``.

    An empty list means there is nothing to do (``source == target``).

    Raises:
        RouteError: no direct package and no chain; the message names what would complete one.
    """
    if source == target:
        return []
    best = best_per_pair(packages)
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
            return [best[(a, b)] for a, b in itertools.pairwise(chosen)]
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
    return f"no route {source}→{target}: install " + ", or ".join(options) + f" (`{INSTALL_HINT}`)"


def describe(route: Sequence[Package]) -> str:
    """The languages a route passes through, e.g. ``"en→ru→be"`` (``""`` for an empty route)."""
    if not route:
        return ""
    return "→".join([route[0].from_code] + [p.to_code for p in route])

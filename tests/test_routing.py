"""Route finding: direct, pivot, missing, and deterministic tie-breaks."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path
from typing import Any

import pytest

from polyglot_news.document import ModelUsed
from polyglot_news.errors import ModelError, RouteError
from polyglot_news.models.metadata import PackageInfo, read_info
from polyglot_news.models.store import Package
from polyglot_news.translation.decoding import DecodeOptions
from polyglot_news.translation.glossary import parse_glossary
from polyglot_news.translation.routing import Route, best_per_pair, find_route, served_pairs


def info(data: dict[str, Any]) -> PackageInfo:
    return read_info(data)  # not validated: the route tests use made-up one-letter codes


def pkg(pair: str, version: str = "1.0", origin: str = "store", name: str | None = None) -> Package:
    from_code, to_code = pair.split(">")
    folder = name or f"translate-{from_code}_{to_code}"
    return Package(
        path=Path("/m") / origin / folder / version,
        name=folder,
        size_bytes=1,
        origin=origin,
        info=info({"from_code": from_code, "to_code": to_code, "package_version": version}),
    )


ROUTES = [
    ("direct", "en", "ru", ["en>ru", "ru>be"], "en→ru"),
    ("direct-beats-pivot", "en", "be", ["en>ru", "ru>be", "en>be"], "en→be"),
    ("pivot-en-ru-be", "en", "be", ["en>ru", "ru>be"], "en→ru→be"),
    ("pivot-be-ru-en", "be", "en", ["be>ru", "ru>en", "en>ru"], "be→ru→en"),
    ("ru-before-en", "uk", "be", ["uk>en", "en>be", "uk>ru", "ru>be"], "uk→ru→be"),
    ("en-before-others", "be", "de", ["be>uk", "uk>de", "be>en", "en>de"], "be→en→de"),
    ("others-alphabetical", "en", "be", ["en>uk", "uk>be", "en>pl", "pl>be"], "en→pl→be"),
    ("three-hops", "en", "be", ["en>de", "de>uk", "uk>be"], "en→de→uk→be"),
    ("shortest-wins", "en", "be", ["en>de", "de>ru", "ru>be", "de>be"], "en→de→be"),
    (
        "first-pivot-ranks-first",
        "fr",
        "be",
        ["fr>en", "en>uk", "uk>be", "fr>de", "de>ru", "ru>be"],
        "fr→en→uk→be",
    ),
]


@pytest.mark.parametrize(
    ("case", "source", "target", "pairs", "expected"), ROUTES, ids=[r[0] for r in ROUTES]
)
def test_routes(case: str, source: str, target: str, pairs: list[str], expected: str) -> None:
    packages = [pkg(p) for p in pairs]
    assert find_route(source, target, packages).describe() == expected
    # Deterministic whatever the order the packages come in.
    for order in itertools.islice(itertools.permutations(packages), 24):
        assert find_route(source, target, list(order)).describe() == expected


def test_same_language_needs_no_route() -> None:
    route = find_route("ru", "ru", [pkg("en>ru")])
    expected = (Route("ru", "ru"), "ru", "identity", ())
    assert (route, route.describe(), route.signature(), route.models_used()) == expected


def test_a_route_must_chain() -> None:
    with pytest.raises(ValueError, match="do not chain en→be: en→be→ru"):
        Route("en", "be", (pkg("en>be"), pkg("be>ru")))


PREFERENCES = [
    (
        "store-over-argos",
        [pkg("en>ru", "2.0", "argos"), pkg("en>ru", "1.0", "store")],
        ("1.0", "store"),
    ),
    ("higher-version", [pkg("en>ru", "1.9"), pkg("en>ru", "1.10", name="b")], ("1.10", "store")),
    (
        "argos-higher-version",
        [pkg("en>ru", "1.0", "argos"), pkg("en>ru", "1.9", "argos", "z")],
        ("1.9", "argos"),
    ),
    ("name-breaks-tie", [pkg("en>ru", name="zz"), pkg("en>ru", name="aa")], ("1.0", "store")),
]


@pytest.mark.parametrize(
    ("case", "packages", "expected"), PREFERENCES, ids=[p[0] for p in PREFERENCES]
)
def test_package_preference(case: str, packages: list[Package], expected: tuple[str, str]) -> None:
    for order in itertools.permutations(packages):
        (chosen,) = find_route("en", "ru", list(order)).hops
        assert (chosen.version, chosen.origin) == expected
        if case == "name-breaks-tie":
            assert chosen.name == "aa"
    assert len(best_per_pair(packages)) == 1


BELARUSIAN_HINT = (
    "; no official package serves Belarusian: build one with `polyglot-news models build` "
    "(see 'Translate into Belarusian' in the documentation)"
)

MISSING = [
    (
        "nothing",
        "en",
        "be",
        [],
        (
            "no route en→be: install a package for en→be, or en→ru plus ru→be "
            "(`polyglot-news models install FILE`)" + BELARUSIAN_HINT
        ),
    ),
    (
        "half-first",
        "en",
        "be",
        ["en>ru"],
        (
            "no route en→be: install a package for en→be, or ru→be (to pivot through the installed "
            "en→ru) (`polyglot-news models install FILE`)" + BELARUSIAN_HINT
        ),
    ),
    (
        "half-second",
        "be",
        "en",
        ["ru>en"],
        (
            "no route be→en: install a package for be→en, or be→ru (to pivot through the installed "
            "ru→en) (`polyglot-news models install FILE`)" + BELARUSIAN_HINT
        ),
    ),
    (
        "both-pivots",
        "uk",
        "be",
        ["en>ru", "ru>en"],
        (
            "no route uk→be: install a package for uk→be, or uk→ru plus ru→be, or uk→en plus en→be "
            "(`polyglot-news models install FILE`)" + BELARUSIAN_HINT
        ),
    ),
    (
        "too-long",
        "en",
        "be",
        ["en>a", "a>b", "b>c", "c>be"],
        (
            "no route en→be: install a package for en→be, or en→ru plus ru→be "
            "(`polyglot-news models install FILE`)" + BELARUSIAN_HINT
        ),
    ),
]


@pytest.mark.parametrize(
    ("case", "source", "target", "pairs", "message"), MISSING, ids=[m[0] for m in MISSING]
)
def test_missing_route_names_what_completes_it(
    case: str, source: str, target: str, pairs: list[str], message: str
) -> None:
    with pytest.raises(RouteError) as caught:
        find_route(source, target, [pkg(p) for p in pairs])
    assert str(caught.value) == message
    assert caught.value.exit_code == 8  # errors.py: no installed route


def multi(source: str, targets: str, version: str = "1.0", name: str = "opus-mt") -> Package:
    """A multilingual package (metadata ``targets``), e.g. ``multi("en", "be,ru")``."""
    codes = targets.split(",")
    return Package(
        path=Path("/m/store") / name,
        name=name,
        size_bytes=1,
        origin="store",
        info=info(
            {
                "from_code": source,
                "to_code": codes[0],
                "package_version": version,
                "targets": {code: {"source_prefix": f">>{code}<<"} for code in codes},
            }
        ),
    )


MULTI_ROUTES = [
    # (case, source, target, packages, route, hop targets, pivots)
    ("multilingual-second-target", "en", "ru", [multi("en", "be,ru")], "en→ru", ["ru"], []),
    ("multilingual-beats-pivot", "en", "be", [pkg("en>ru"), pkg("ru>be"), multi("en", "uk,be")], "en→be", ["be"], []),
    ("dedicated-beats-multilingual", "en", "ru", [multi("en", "be,ru", "9.0"), pkg("en>ru")], "en→ru", ["ru"], []),
    ("pivot-through-multilingual", "en", "be", [multi("en", "ru,uk"), pkg("ru>be")], "en→ru→be", ["ru", "be"], ["ru"]),
    ("multilingual-second-hop", "de", "be", [pkg("de>en"), multi("en", "ru,be")], "de→en→be", ["en", "be"], ["en"]),
]


@pytest.mark.parametrize(
    ("source", "target", "packages", "expected", "hops", "via"),
    [case[1:] for case in MULTI_ROUTES],
    ids=[case[0] for case in MULTI_ROUTES],
)
def test_multilingual_routes(
    source: str, target: str, packages: list[Package], expected: str, hops: list[str], via: list[str]
) -> None:
    route = find_route(source, target, packages)
    assert (route.describe(), [p.to_code for p in route.hops], list(route.pivots)) == (expected, hops, via)


@pytest.mark.parametrize(
    ("package", "targets", "multilingual"),
    [
        (pkg("en>ru"), ("ru",), False),
        (multi("en", "be,ru,uk"), ("be", "ru", "uk"), True),
        (multi("en", "ru"), ("ru",), False),
    ],
)
def test_served_pairs(package: Package, targets: tuple[str, ...], multilingual: bool) -> None:
    assert (package.info.target_codes, package.info.multilingual) == (targets, multilingual)
    assert [v.to_code for v in served_pairs(package)] == list(targets)
    assert {v.path for v in served_pairs(package)} == {package.path}


def test_missing_route_counts_multilingual_pairs() -> None:
    with pytest.raises(RouteError, match=r"ru→be \(to pivot through the installed en→ru\)"):
        find_route("en", "be", [multi("en", "ru,uk")])


# ---------------------------------------------------------------- preference between packages of one pair


def built(pair: str, model: str, licence: str, *, test: bool = False, origin: str = "store") -> Package:
    """A package built from ``model`` (``provenance.model``), or a test package."""
    from_code, to_code = pair.split(">")
    data: dict[str, Any] = {"from_code": from_code, "to_code": to_code, "package_version": "1.0", "license": licence}
    if test:
        data["polyglot_news"] = {"test_model": True, "package": model}
    else:
        data["provenance"] = {"model": model}
    folder = f"translate-{from_code}_{to_code}-{model.rsplit('/', 1)[-1].lower()}"
    return Package(path=Path("/m") / origin / folder, name=folder, size_bytes=1, origin=origin, info=info(data))


OPUS = built("en>be", "Helsinki-NLP/opus-mt-tc-big-en-zle", "CC-BY-4.0")
NLLB = built("en>be", "facebook/nllb-200-distilled-600M", "CC-BY-NC-4.0")
ECHO = built("en>be", "echo-en_be", "", test=True)
ARGOS_OPUS = built("en>be", "Helsinki-NLP/opus-mt-en-zle", "Apache-2.0", origin="argos")


@pytest.mark.parametrize(
    ("packages", "prefer", "chosen"),
    [
        ([ECHO, NLLB], None, NLLB),  # a real model before a TEST MODEL
        ([NLLB, OPUS], None, OPUS),  # a licence that allows commercial use before CC-BY-NC
        ([OPUS, NLLB], None, OPUS),  # ... whatever the order they are listed in
        ([ARGOS_OPUS, NLLB], None, NLLB),  # our store before an Argos dir
        ([OPUS, NLLB], "facebook/nllb-200-distilled-600M", NLLB),  # --model: the source model
        ([OPUS, NLLB], "nllb-200-distilled-600M", NLLB),  # ... or its last part
        ([OPUS, NLLB], NLLB.name, NLLB),  # ... or the folder name
        ([OPUS, ECHO], ECHO.name, ECHO),  # --model can force a test package
    ],
    ids=["real-before-test", "commercial-before-nc", "order-independent", "store-before-argos",
         "model-id", "model-basename", "folder-name", "force-test"],
)  # fmt: skip
def test_preference_between_packages_of_one_pair(packages: list[Package], prefer: str | None, chosen: Package) -> None:
    assert find_route("en", "be", packages, prefer).hops == (chosen,)


def test_model_forces_only_the_pairs_it_serves() -> None:
    packages = [pkg("en>ru"), pkg("ru>be"), OPUS, NLLB]
    route = find_route("en", "be", packages, "translate-en_ru")
    assert route.hops == (OPUS,)  # a direct route still wins; the forced en→ru package is not on it
    assert find_route("en", "ru", packages, NLLB.name).hops == (pkg("en>ru"),)


def test_model_must_name_an_installed_package() -> None:
    with pytest.raises(ModelError, match=r"--model opus-mt-en-de: no installed package has that name"):
        find_route("en", "be", [OPUS, NLLB], "opus-mt-en-de")


def loaded(package: Package, digest: str) -> Package:
    """``package`` as the loader returns it: with the sha256 of the model.bin it read."""
    return dataclasses.replace(package, sha256=digest * 8)


FAST = DecodeOptions(beam_size=2, intra_threads=1)
GLOSSARY = parse_glossary("en\tbe\nMinsk\tМінск\n")


@pytest.mark.parametrize(
    ("route", "glossary", "signature"),
    [
        (
            Route("en", "be", (loaded(OPUS, "1a2b3c4d"),)),
            None,
            "en_be-1.0~Helsinki-NLP/opus-mt-tc-big-en-zle@1a2b3c4d|beam2|lp0.2|max256|int8",
        ),
        (
            Route("en", "be", (loaded(pkg("en>ru"), "0badf00d"), loaded(pkg("ru>be", "2.1"), "eeeeeeee"))),
            None,
            "en_ru-1.0~translate-en_ru@0badf00d+ru_be-2.1~translate-ru_be@eeeeeeee|beam2|lp0.2|max256|int8",
        ),
        (
            Route("en", "be", (loaded(ECHO, "12345678"),)),
            GLOSSARY,
            f"en_be-1.0~test-echo-en_be@12345678|beam2|lp0.2|max256|int8|{GLOSSARY.signature()}",
        ),
    ],
    ids=["direct", "pivot", "glossary"],
)
def test_signature_names_each_loaded_model(route: Route, glossary: Any, signature: str) -> None:
    assert route.signature(FAST, glossary) == signature


def test_only_a_loaded_route_can_be_signed() -> None:
    with pytest.raises(ValueError, match="is not loaded: only a loaded route can be signed"):
        find_route("en", "be", [OPUS]).signature(FAST)


def test_models_used_name_identity_and_licence() -> None:
    route = Route("en", "be", (loaded(OPUS, "1a2b3c4d"),))
    assert route.models_used() == (
        ModelUsed(
            OPUS.name, "en→be", "1.0", "store", False, "Helsinki-NLP/opus-mt-tc-big-en-zle@1a2b3c4d", "CC-BY-4.0"
        ),
    )
    assert Route("en", "be", (loaded(ECHO, "12345678"),)).test_model

"""``GET /openapi.json`` describes the server as it answers: every route, and real answers validate.

A real server on loopback (the echo test packages installed) serves its description; each row
of REQUESTS is sent to it, and the answer is checked against the schema the description gives
for that path, method, status and content type.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
jsonschema = pytest.importorskip("jsonschema")
referencing = pytest.importorskip("referencing")

from starlette.routing import Route  # noqa: E402

from polyglot_news.serve.app import create_app  # noqa: E402
from polyglot_news.serve.config import ServeConfig  # noqa: E402
from polyglot_news.serve.server import running  # noqa: E402
from polyglot_news.version import __version__  # noqa: E402

from .conftest import EXAMPLES  # noqa: E402
from .serving import allow_loopback, call  # noqa: E402

KEY = "k-openapi"
ARTICLE = (EXAMPLES / "belarus_us_relations.txt").read_text(encoding="utf-8")
BASE = "urn:polyglot-news:openapi"


@pytest.fixture
def server(
    monkeypatch: pytest.MonkeyPatch, network_attempts: list[tuple[Any, ...]], install_packages: Any
) -> Iterator[str]:
    allow_loopback(monkeypatch, network_attempts)
    install_packages("echo-en_ru", "echo-en_be", "echo-ru_be")
    with running(ServeConfig(port=0, api_keys=frozenset({KEY}), no_auth=False)) as url:
        yield url


# (method, path, body, status): requests that together reach every documented answer shape
REQUESTS: list[tuple[str, str, Any, int]] = [
    ("POST", "/translate", {"q": "Minsk [1].", "source": "en", "target": "ru", "api_key": KEY}, 200),
    ("POST", "/translate", {"q": [ARTICLE[:300], ARTICLE[300:600]], "source": "auto", "target": "be", "api_key": KEY},
     200),
    ("POST", "/translate", {"q": "<p>Minsk [1]</p>", "source": "en", "target": "ru", "format": "html", "api_key": KEY},
     200),
    ("POST", "/translate", {"q": "Minsk [1].", "source": "en", "target": "ru", "alternatives": 2, "api_key": KEY}, 200),
    ("POST", "/translate", {"q": "x", "source": "en", "target": "xx", "api_key": KEY}, 400),
    ("POST", "/translate", {"q": "x", "source": "en", "target": "ru", "api_key": "wrong"}, 403),
    ("POST", "/detect", {"q": ARTICLE, "api_key": KEY}, 200),
    ("POST", "/detect", {"q": "Hi.", "api_key": KEY}, 200),
    ("POST", "/detect", {"api_key": KEY}, 400),
    ("GET", "/languages", None, 200),
    ("POST", "/languages", {}, 200),
    ("GET", "/frontend/settings", None, 200),
    ("POST", "/suggest", {"q": "x", "s": "y", "source": "en", "target": "ru"}, 403),
    ("GET", "/download_file/no-such-file", None, 404),
    ("POST", "/digest", {"text": ARTICLE, "api_key": KEY}, 200),
    ("POST", "/digest", {"text": ARTICLE, "targets": "ru,uk", "parts": "headline,summary,full", "api_key": KEY}, 200),
    ("POST", "/digest", {"text": ARTICLE, "targets": "none", "sentences": "2", "api_key": KEY}, 200),
    ("POST", "/digest", {"text": ARTICLE, "format": "pdf", "api_key": KEY}, 400),
    ("GET", f"/models?api_key={KEY}", None, 200),
    ("GET", "/health", None, 200),
    ("GET", "/openapi.json", None, 200),
]


def _registry(document: dict[str, Any]) -> Any:
    """The description as one resource: every reference in it points inside it."""
    spec = referencing.jsonschema.DRAFT202012
    resource = referencing.Resource.from_contents(document, default_specification=spec)
    return referencing.Registry().with_resource(BASE, resource)


def _upload(url: str, name: str, data: bytes, fields: dict[str, str]) -> tuple[int, dict[str, str], Any]:
    """A multipart/form-data POST with one file and text fields (the API key among them)."""
    import urllib.error
    import urllib.request

    boundary = "polyglot-news-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in {**fields, "api_key": KEY}.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: text/plain\r\n\r\n".encode() + data + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def _pointer(*parts: str) -> str:
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _answer(document: dict[str, Any], path: str, method: str, status: int) -> tuple[str, dict[str, Any]]:
    """The JSON pointer of the documented answer (a ``$ref`` to components/responses followed)."""
    answer = document["paths"][path][method.lower()]["responses"][str(status)]
    pointer = _pointer("paths", path, method.lower(), "responses", str(status))
    if "$ref" in answer:
        pointer = answer["$ref"]
        answer = document["components"]["responses"][pointer.rsplit("/", 1)[1]]
    return pointer, answer


def test_every_route_is_described_and_nothing_else() -> None:
    from polyglot_news.serve.app import openapi_document

    app = create_app(ServeConfig(port=0))
    routes = {
        (route.path, method.lower())
        for route in app.routes
        if isinstance(route, Route)
        for method in (route.methods or set()) - {"HEAD"}
    }
    document = openapi_document()
    described = {(path, method) for path, item in document["paths"].items() for method in item}
    assert routes == described
    assert document["openapi"] == "3.1.0" and document["info"]["version"] == __version__
    shipped = {p.name.removesuffix(".schema.json") for p in Path(
        str(Path(__file__).resolve().parents[1] / "polyglot_news" / "data" / "schemas")).glob("*.schema.json")}
    assert shipped <= set(document["components"]["schemas"])
    refs = set(re.findall(r'"\$ref": "([^"]+)"', json.dumps(document)))
    assert all(ref.startswith("#/components/") for ref in refs), "the served document is self-contained"
    for ref in refs:  # every reference points at something
        node: Any = document
        for part in ref[2:].split("/"):
            node = node[part]
        assert isinstance(node, dict), ref


def test_every_answer_matches_the_description(server: str) -> None:
    status, _, document = call(f"{server}/openapi.json")
    assert status == 200
    registry = _registry(document)
    seen: set[tuple[str, str, int]] = set()
    for method, target, body, expected in REQUESTS:
        path = "/download_file/{name}" if target.startswith("/download_file/") else target.split("?", 1)[0]
        got, headers, answer = call(f"{server}{target}", body, method=method)
        assert got == expected, (method, target, got, answer)
        pointer, described = _answer(document, path, method, got)
        kind = headers.get("content-type", "").split(";")[0]
        assert kind in described["content"], (target, kind)
        schema_pointer = f"{pointer}/content/{kind.replace('/', '~1')}/schema"
        if "schema" not in described["content"][kind]:
            continue
        check = jsonschema.Draft202012Validator({"$ref": f"{BASE}{schema_pointer}"}, registry=registry)
        errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in check.iter_errors(answer)]
        assert errors == [], (method, target)
        seen.add((path, method, got))
    # A file: uploaded as multipart, then downloaded from the address the answer gives.
    got, _, answer = _upload(f"{server}/translate_file", "note.txt", b"Minsk [1].\n", {"source": "en", "target": "ru"})
    assert got == 200
    pointer, described = _answer(document, "/translate_file", "POST", 200)
    check = jsonschema.Draft202012Validator({"$ref": f"{BASE}{pointer}/content/application~1json/schema"},
                                            registry=registry)
    assert list(check.iter_errors(answer)) == []
    got, headers, _ = call(answer["translatedFileUrl"])
    assert got == 200 and headers["content-type"].split(";")[0] in _answer(document, "/download_file/{name}", "GET",
                                                                            200)[1]["content"]
    assert {(p, m) for p, m, _ in seen} >= {
        ("/translate", "POST"), ("/detect", "POST"), ("/languages", "GET"), ("/digest", "POST"), ("/models", "GET"),
        ("/health", "GET"), ("/frontend/settings", "GET"), ("/suggest", "POST"),
    }


def test_the_description_rejects_a_wrong_answer(server: str) -> None:
    """The check above could fail: a LibreTranslate detection on a 0–1 scale, or a stray field, does not pass."""
    _, _, document = call(f"{server}/openapi.json")
    check = jsonschema.Draft202012Validator(
        {"$ref": f"{BASE}#/components/schemas/DetectedLanguage"}, registry=_registry(document)
    )
    assert check.is_valid({"confidence": 87.5, "language": "en"})
    assert not check.is_valid({"confidence": 187.5, "language": "en"})
    assert not check.is_valid({"confidence": 87.5, "language": "en", "alternatives": []})

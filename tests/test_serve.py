"""``polyglot-news serve`` on loopback: the real LibreTranslate client, limits, load, XSS."""

from __future__ import annotations

import asyncio
import json
import random
import subprocess
import sys
import threading
import urllib.error
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

from click.testing import CliRunner  # noqa: E402

from polyglot_news.cli import cli  # noqa: E402
from polyglot_news.serve.batching import Busy, Engine, TimedOut  # noqa: E402
from polyglot_news.serve.config import ServeConfig, is_loopback, server_threads  # noqa: E402
from polyglot_news.translation.decoding import DecodeOptions, usable_cores  # noqa: E402

from .conftest import DATA  # noqa: E402
from .htmlcheck import active_content, parse  # noqa: E402
from .serving import allow_loopback, call  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "belarus_us_relations.txt"
XSS = (
    "<script>alert(1)</script> Minsk <img src=x onerror=alert(1)> opens a tram line\n\n"
    "The city opened a new tram line <script>alert(2)</script> on Monday [1]. "
    "Officials said <img src=x onerror=alert(3)> it links two suburbs [2]. "
    "Residents welcomed the line, the mayor said.\n\n"
    "References:\n1. <script>alert(4)</script> Council report\n2. javascript:alert(5) <img src=x onerror=alert(6)>\n"
)


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch, network_attempts: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    allow_loopback(monkeypatch, network_attempts)
    return network_attempts


@pytest.fixture
def server(loopback: Any, install_packages: Any) -> Iterator[str]:
    from polyglot_news.serve.server import running

    install_packages("echo-en_ru", "echo-ru_be", "echo-ru_en")
    with running(ServeConfig(port=0)) as url:
        yield url
    assert loopback == []  # nothing tried to leave the machine


def test_the_libretranslate_client_works_unchanged(server: str) -> None:
    from libretranslatepy import LibreTranslateAPI  # type: ignore[import-untyped]

    lt = LibreTranslateAPI(server)
    text = "Minsk opened a new tram line on Monday [1]. It links two suburbs [2], officials said."
    # the echo test model gives back its input: the markers must come back where they stood
    assert lt.translate(text, "en", "ru") == text
    assert lt.translate(text, "en", "be") == text  # pivot en→ru→be
    languages = lt.languages()
    assert {entry["code"] for entry in languages} == {"en", "ru", "be"}
    assert all(set(entry) == {"code", "name", "targets"} for entry in languages)
    assert next(e for e in languages if e["code"] == "en")["targets"] == ["be", "ru"]
    found = lt.detect("Прывітанне! Сёння ў Мінску адкрылі новую трамвайную лінію, паведамілі ўлады.")
    assert found[0]["language"] == "be" and 0 < found[0]["confidence"] <= 100
    with pytest.raises(urllib.error.HTTPError) as error:
        lt.translate("Hello", "en", "zz")
    assert error.value.code == 400
    assert json.loads(error.value.read()) == {"error": "zz is not supported"}


def test_translate_list_auto_html_and_errors(server: str) -> None:
    texts = [
        "Minsk opened a new tram line on Monday, and the city council said more would follow [1].",
        "Officials said the line links the centre with two suburbs [2][3].\nThe second line opens next year.",
    ]
    status, _, body = call(f"{server}/translate", {"q": texts, "source": "en", "target": "ru"})
    assert status == 200 and body == {"translatedText": texts}
    status, _, body = call(f"{server}/translate", {"q": texts[0], "source": "auto", "target": "ru"}, form=True)
    assert status == 200 and body["translatedText"] == texts[0]
    assert body["detectedLanguage"]["language"] == "en" and body["detectedLanguage"]["confidence"] > 0
    status, _, body = call(f"{server}/translate", {"q": texts, "source": "auto", "target": "ru"})
    assert [d["language"] for d in body["detectedLanguage"]] == ["en", "en"]
    html = '<p class="x">Minsk opened a tram line [1].</p><p>Officials &amp; residents agree.</p>'
    status, _, body = call(f"{server}/translate", {"q": html, "source": "en", "target": "ru", "format": "html"})
    assert status == 200 and body["translatedText"] == html
    for sent, error in (
        ({"source": "en", "target": "ru"}, "Invalid request: missing q parameter"),
        ({"q": [], "source": "en", "target": "ru"}, "Invalid request: missing q parameter"),
        ({"q": "x", "target": "ru"}, "Invalid request: missing source parameter"),
        ({"q": "x", "source": "en"}, "Invalid request: missing target parameter"),
        ({"q": "x", "source": "en", "target": "ru", "format": "xml"}, "xml format is not supported"),
        ({"q": "x", "source": "xx", "target": "ru"}, "xx is not supported"),
    ):
        status, _, body = call(f"{server}/translate", sent)
        assert (status, body) == (400, {"error": error})
    status, _, body = call(f"{server}/translate", ["not", "an", "object"])
    assert (status, body) == (400, {"error": "Invalid JSON format"})
    status, _, body = call(f"{server}/detect", {})
    assert (status, body) == (400, {"error": "Invalid request: missing q parameter"})


@pytest.mark.parametrize("html", ["<b>met</b> [1].", "<p>They <i>met</i> [1].</p>", "<b>met</b>. [2]"])
def test_html_keeps_a_final_marker_before_the_full_stop(server: str, html: str) -> None:
    status, _, body = call(f"{server}/translate", {"q": html, "source": "en", "target": "ru", "format": "html"})
    assert (status, body["translatedText"]) == (200, html)  # not ``<b>met</b> .[1]``


@pytest.mark.parametrize(
    ("extra", "status", "expected"),
    [
        ({}, 200, "det:langdetect-"),
        # lingua absent: it was asked for (no install command: the operator's, naming the server's paths)
        ({"detector": "lingua"}, 400, "the lingua detector is not installed on this server"),
        ({"detector": "lingua", "source_lang": "en"}, 200, "det:given|"),
        ({"detector": "guess"}, 400, "Invalid request: unknown detector 'guess'"),
        ({"sentences": 2, "ratio": 0.5}, 400, "Invalid request: use sentences or ratio, not both"),
        ({"sentences": "0"}, 400, "Invalid request: sentences must be a whole number >= 1, got 0"),
        ({"method": "nope"}, 400, "Invalid request: unknown summary method 'nope'"),
    ],
)
def test_digest_takes_the_summary_request(
    server: str, monkeypatch: pytest.MonkeyPatch, extra: dict[str, Any], status: int, expected: str
) -> None:
    monkeypatch.setitem(sys.modules, "lingua", None)  # absent, whatever is installed
    article = EXAMPLE.read_text(encoding="utf-8")
    got, _, body = call(f"{server}/digest", {"text": article, "targets": "none", **extra})
    assert got == status
    assert expected in (body["signature"] if status == 200 else body["error"])


def test_native_api_and_the_page(server: str) -> None:
    article = EXAMPLE.read_text(encoding="utf-8")
    status, _, body = call(f"{server}/digest", {"text": article, "targets": ["ru", "be"]})
    assert status == 200 and body["schema"] == "polyglot-news/digest/v1"
    assert set(body["translations"]) == {"ru", "be"}
    status, headers, page = call(f"{server}/digest", {"text": article, "targets": "ru,be", "format": "html"})
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in headers["content-security-policy"]
    assert parse(page).find("td", lang="be")
    status, _, markdown = call(f"{server}/digest", {"text": article, "targets": "none", "format": "markdown"})
    assert status == 200 and markdown.startswith("# US Assistant Secretary")
    status, _, models = call(f"{server}/models")
    assert status == 200 and {m["pair"] for m in models} == {"en→ru", "ru→be", "ru→en"}
    assert all(m["test_model"] for m in models)
    status, _, health = call(f"{server}/health")
    assert status == 200 and health["status"] == "ok"
    status, headers, review = call(f"{server}/")
    assert status == 200 and "script-src 'self'" in headers["content-security-policy"]
    page_doc = parse(review)
    assert page_doc.errors == [] and page_doc.find("textarea", id="article")
    scripts = page_doc.find("script")
    assert [s.attrs["src"] for s in scripts] == ["/static/review.js"] and not scripts[0].text.strip()
    assert not [e for e in page_doc.elements if "src" in e.attrs and "://" in e.attrs["src"]]  # no CDN
    assert call(f"{server}/static/review.js")[0] == 200 and call(f"{server}/static/review.css")[0] == 200


def test_xss_probe_comes_back_as_text(server: str) -> None:
    status, _, page = call(f"{server}/digest", {"text": XSS, "targets": "ru", "format": "html", "source_lang": "en",
                                               "parts": "headline,summary,references,full"})
    assert status == 200
    doc = parse(page)
    assert active_content(doc) == [] and not doc.find("img")
    assert "<script>alert(1)</script>" in doc.find("h1")[0].text
    assert "<img src=x onerror=alert(6)>" in doc.text()
    status, _, body = call(f"{server}/translate", {"q": "<img src=x onerror=alert(1)>", "source": "en",
                                                  "target": "ru", "format": "html"})
    assert status == 200 and body["translatedText"] == "<img src=x onerror=alert(1)>"  # markup kept, not made


def test_limits_keys_and_no_traces(loopback: Any, install_packages: Any, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from polyglot_news.serve import native
    from polyglot_news.serve.server import running

    install_packages("echo-en_ru")
    config = ServeConfig(port=0, api_keys=frozenset({"k1"}), max_chars=100, max_body_bytes=2000)
    with running(config) as url:
        q = {"q": "Hello [1].", "source": "en", "target": "ru"}
        assert call(f"{url}/translate", q)[::2] == (403, {"error": "Invalid API key"})
        assert call(f"{url}/translate", q | {"api_key": "nope"})[0] == 403
        assert call(f"{url}/translate", q | {"api_key": "k1"})[::2] == (200, {"translatedText": "Hello [1]."})
        long = {"q": "word " * 30, "source": "en", "target": "ru", "api_key": "k1"}
        assert call(f"{url}/translate", long)[::2] == (
            400, {"error": "Invalid request: request (150) exceeds text limit (100)"}
        )
        huge = {"q": "x" * 5000, "source": "en", "target": "ru", "api_key": "k1"}
        status, _, body = call(f"{url}/translate", huge)
        assert status == 413 and "too large" in body["error"]
        assert call(f"{url}/health")[0] == 200  # no key needed to see that it is up

        def broken(*args: Any) -> Any:
            raise RuntimeError("secret /home/path detail")

        monkeypatch.setattr(native, "models", broken)
        status, _, body = call(f"{url}/models", {"api_key": "k1"}, form=True, method="GET")
        assert status == 500 and body == {"error": "Internal error (logged on the server)"}
        status, headers, _ = call(f"{url}/languages?api_key=k1", headers={"Origin": "http://evil.example"})
        assert status == 200 and "access-control-allow-origin" not in {h.lower() for h in headers}


def test_rate_limit_answers_429(loopback: Any) -> None:
    from polyglot_news.serve.server import running

    with running(ServeConfig(port=0, req_limit=2)) as url:
        q = {"q": "Прывітанне, як справы ў Мінску сёння?"}
        assert [call(f"{url}/detect", q)[0] for _ in range(2)] == [200, 200]
        status, headers, body = call(f"{url}/detect", q)
        assert (status, body) == (429, {"error": "Too many requests, limit: 2 per 1 minute"})
        assert int(headers["retry-after"]) >= 1
        assert call(f"{url}/health")[0] == 200  # only work requests count


def test_cors_only_when_configured(loopback: Any) -> None:
    from polyglot_news.serve.server import running

    with running(ServeConfig(port=0, cors_origins=("http://newsroom.local",))) as url:
        _, headers, _ = call(f"{url}/health", headers={"Origin": "http://newsroom.local"})
        assert {k.lower(): v for k, v in headers.items()}["access-control-allow-origin"] == "http://newsroom.local"
        _, headers, _ = call(f"{url}/health", headers={"Origin": "http://evil.example"})
        assert "access-control-allow-origin" not in {k.lower() for k in headers}


def test_exposed_address_needs_keys_or_no_auth(tmp_path: Path) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    with pytest.raises(ValueError, match="--api-keys FILE"):
        ServeConfig(host="0.0.0.0").check()
    ServeConfig(host="0.0.0.0", no_auth=True).check()
    ServeConfig(host="0.0.0.0", api_keys=frozenset({"k"})).check()
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "--no-auth" in result.stderr
    empty = tmp_path / "keys"
    empty.write_text("# none yet\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--api-keys", str(empty)])
    assert result.exit_code == 3 and "no API key" in result.stderr


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        (ServeConfig().decoding, DecodeOptions()),
        (server_threads(DecodeOptions(beam_size=2, intra_threads=4, guard="flag")),
         DecodeOptions(beam_size=2, guard="flag")),
    ],
)
def test_the_engine_runs_a_replica_per_core_one_thread_each(given: DecodeOptions, kept: DecodeOptions) -> None:
    """Small calls beside the event loop: no OpenMP team to wake per operation; the output settings stay."""
    assert (given.inter_threads, given.intra_threads) == (usable_cores(), 1)
    assert given.signature() == kept.signature()


def test_threads_never_change_an_output(tmp_path: Path) -> None:
    """The server's thread split decodes what the library's default does, byte for byte (random weights,
    so every output is a long, fragile token sequence)."""
    import zipfile

    from lang_models.build_test_packages import build_benchmark_package
    from polyglot_news.document import Sentence
    from polyglot_news.translation.engine import ArgosTranslator

    archive = build_benchmark_package(tmp_path, layers=2, d_model=128, ffn=256, heads=4, vocab=1200)
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path / "unpacked")
    folder = next((tmp_path / "unpacked").iterdir())
    words = EXAMPLE.read_text(encoding="utf-8").split()
    sentences = [Sentence(" ".join(words[i : i + 5 + i % 17]) + ".", (), i) for i in range(0, 240, 12)]
    outputs = set()
    for inter, intra in ((1, 1), (1, 2), (2, 1)):  # several batches of 64 tokens: replicas run side by side
        options = DecodeOptions(max_decoding_length=24, guard="flag", batch_tokens=64, inter_threads=inter,
                                intra_threads=intra)
        translated = ArgosTranslator(folder, options).translate(sentences)
        outputs.add(tuple((t.sentence.text, t.flags) for t in translated))
    assert len(outputs) == 1 and len(next(iter(outputs))) == 20


@pytest.mark.parametrize(
    ("owners", "parts", "runs"),
    [
        ([0, 1, 2, 3, 4, 5, 6], 2, [[0, 1, 2, 3], [4, 5, 6]]),  # 7 one-sentence requests, 2 replicas
        ([0, 0, 1, 1, 2, 2], 2, [[0, 1, 2, 3], [4, 5]]),  # a request is never cut
        ([0, 0, 0, 0, 1], 2, [[0, 1, 2, 3], [4]]),
        ([0, 0, 0], 2, [[0, 1, 2]]),  # one request: one call, as the command line makes it
        ([0, 1, 2], 1, [[0, 1, 2]]),  # one replica: one call
        ([0, 1, 2, 3, 4], 3, [[0, 1], [2, 3], [4]]),
    ],
)
def test_a_batch_is_cut_for_the_replicas_at_request_boundaries(owners: list[int], parts: int,
                                                               runs: list[list[int]]) -> None:
    from polyglot_news.serve.batching import split_by_owner

    assert split_by_owner(list(range(len(owners))), owners, parts) == runs


def test_calls_side_by_side_decode_what_they_decode_one_after_the_other(tmp_path: Path) -> None:
    """With two replicas a batch of requests becomes two calls at once; each request's answer is the
    one the same call gives alone (random weights: long, fragile outputs)."""
    import zipfile

    from lang_models.build_test_packages import build_benchmark_package
    from polyglot_news.serve.batching import split_by_owner, translate_texts

    archive = build_benchmark_package(tmp_path, layers=2, d_model=128, ffn=256, heads=4, vocab=1200)
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path / "models")
    words = EXAMPLE.read_text(encoding="utf-8").split()
    groups = [[" ".join(words[i : i + 5 + i % 13]) + "."] for i in range(0, 96, 12)]
    options = DecodeOptions(max_decoding_length=24, guard="flag", intra_threads=1)
    both = ServeConfig(models=tmp_path / "models", decoding=DecodeOptions(**{**vars(options), "inter_threads": 2}))
    one = ServeConfig(models=tmp_path / "models", decoding=options)
    together = translate_texts(groups, "en", "ru", both)
    runs = split_by_owner(list(range(len(groups))), list(range(len(groups))), 2)
    assert len(runs) == 2
    alone = [answer for run in runs for answer in translate_texts([groups[g] for g in run], "en", "ru", one)]
    assert together == alone and len({answer[0] for answer in together}) == len(groups)


def test_full_queue_is_busy_and_waits_time_out() -> None:
    async def scenario() -> None:
        engine = Engine(ServeConfig(queue_size=1, timeout_s=0.2))
        engine._queue = asyncio.Queue(maxsize=1)  # no collector: nothing is ever taken off
        first = asyncio.create_task(engine.translate(["Hello."], "en", "ru"))
        await asyncio.sleep(0)
        with pytest.raises(Busy) as busy:
            await engine.translate(["Again."], "en", "ru")
        assert busy.value.retry_after >= 1
        with pytest.raises(TimedOut):
            await first

    asyncio.run(scenario())


def test_bounded_load_every_answer_is_its_own(server: str) -> None:
    """8 clients × 50 requests, fixed seed: no error, no lost or swapped answer, and batching happened."""
    words = "tram bus line city council budget suburb mayor station route ticket driver".split()
    failures: list[str] = []

    def client(n: int) -> None:
        rng = random.Random(1000 + n)
        for i in range(50):
            sentence = " ".join(rng.choice(words) for _ in range(rng.randint(3, 12))).capitalize()
            q = f"Request {n}-{i}: {sentence} [{rng.randint(1, 9)}]."
            if rng.random() < 0.3:
                q += f" Second sentence of {n}-{i} [2]."
            status, _, body = call(f"{server}/translate", {"q": q, "source": "en", "target": "ru"})
            if status != 200 or body != {"translatedText": q}:
                failures.append(f"{n}-{i}: {status} {body}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(t.is_alive() for t in threads)
    assert failures == []
    engine = call(f"{server}/health")[2]["engine"]
    assert engine["jobs"] == 400
    assert engine["batches"] < engine["jobs"]  # concurrent requests shared batches


def test_help_stays_light() -> None:
    code = (
        "import sys; from polyglot_news.cli import cli; "
        "from click.testing import CliRunner; r = CliRunner().invoke(cli, ['serve', '--help']); "
        "assert r.exit_code == 0, r.output; "
        "heavy = [m for m in ('starlette', 'uvicorn', 'ctranslate2', 'sumy') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# LibreTranslate parity ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "confident"),
    [
        ("Hi", "en", False),  # too short to decide: the detector's guess, if installed
        ("Ok", "en", False),
        ("12345 !!! ...", "en", False),  # no letters: the installed source with most targets, confidence 0
        ("Прывітанне! Сёння ў Мінску адкрылі новую трамвайную лінію, паведамілі ўлады.", "be", True),
        ("Minsk opened a new tram line on Monday, the city council said.", "en", True),
    ],
)
def test_detect_always_gives_a_best_guess(server: str, text: str, language: str, confident: bool) -> None:
    from libretranslatepy import LibreTranslateAPI

    found = LibreTranslateAPI(server).detect(text)
    assert len(found) == 1 and found[0]["language"] == language
    assert (found[0]["confidence"] > 50) is confident and 0 <= found[0]["confidence"] <= 100
    if language == "en":  # source=auto on a short text: a best guess, not 400
        status, _, body = call(f"{server}/translate", {"q": text, "source": "auto", "target": "ru"})
        assert status == 200 and body["detectedLanguage"] == found[0]


def test_mixed_and_short_items_are_guessed_together(server: str) -> None:
    items = ["Hi", "Minsk opened a new tram line on Monday, the city council said.", "Мінск і Minsk"]
    status, _, body = call(f"{server}/translate", {"q": items, "source": "auto", "target": "ru"})
    assert status == 200 and [d["language"] for d in body["detectedLanguage"]] == ["en", "en", "en"]
    assert body["translatedText"] == items  # the echo test model


@pytest.mark.parametrize(
    ("q", "alternatives", "expected"),
    [
        ("Hello [1].", 3, []),
        (["Hello [1].", "Bye."], 2, [[], []]),
        ("Hello [1].", 0, None),
        ("Hello [1].", "1", []),
    ],
)
def test_alternatives_are_answered_empty(server: str, q: Any, alternatives: Any, expected: Any) -> None:
    sent = {"q": q, "source": "en", "target": "ru", "alternatives": alternatives}
    status, _, body = call(f"{server}/translate", sent)
    assert status == 200 and body.get("alternatives") == expected and body["translatedText"] == q
    status, _, body = call(f"{server}/translate", {"q": q, "source": "en", "target": "ru", "alternatives": 2.5})
    assert (status, body) == (400, {"error": "Invalid request: alternatives must be a whole number"})


def test_translate_file_for_text_and_html(server: str) -> None:
    from .serving import multipart

    cases = [
        ("story.txt", b"Minsk opened a tram line [1].\n\nIt links two suburbs [2].\n", "text/plain"),
        ("page.html", b'<?xml version="1.0"?><p>Minsk &amp; Brest [1].</p><![CDATA[a < b]]>', "text/html"),
    ]
    for name, data, kind in cases:
        body, content_type = multipart({"source": "en", "target": "ru"}, {"file": (name, data)})
        status, _, answer = call(f"{server}/translate_file", headers={"Content-Type": content_type}, raw=body)
        assert status == 200 and answer["translatedFileUrl"].startswith(f"{server}/download_file/")
        status, headers, content = call(answer["translatedFileUrl"])
        assert status == 200 and headers["content-type"].startswith(kind)
        assert headers["content-disposition"] == f"attachment; filename*=UTF-8''{name}"
        assert content.encode() == data  # the echo test model: everything comes back, markup byte for byte
    for fields, files, error in (
        ({"source": "en", "target": "ru"}, {"file": ("a.exe", b"MZ")}, "Invalid request: file format not supported"),
        ({"source": "en", "target": "ru"}, {}, "Invalid request: missing file parameter"),
        ({"target": "ru"}, {"file": ("a.txt", b"Hi")}, "Invalid request: missing source parameter"),
        ({"source": "en", "target": "zz"}, {"file": ("a.txt", b"Hi")}, "zz is not supported"),
        ({"source": "en", "target": "ru"}, {"file": ("a.txt", b"\xff\xfeH")}, "Invalid request: a.txt: UTF-16"),
    ):
        body, content_type = multipart(fields, files)
        status, _, answer = call(f"{server}/translate_file", headers={"Content-Type": content_type}, raw=body)
        assert status == 400 and answer["error"].startswith(error)
    assert call(f"{server}/download_file/nothing.txt")[0] == 404


RU_PAGE = (
    "<html><head><meta charset='windows-1251'><title>Трамвай</title></head><body>"
    "<p>В Минске открыли новую трамвайную линию [1].</p><p>Она связала два района, сообщили власти.</p>"
    "</body></html>"
)


def _translate_file(server: str, name: str, data: bytes, source: str, target: str) -> tuple[int, Any]:
    from .serving import multipart

    body, content_type = multipart({"source": source, "target": target}, {"file": (name, data)})
    status, _, answer = call(f"{server}/translate_file", headers={"Content-Type": content_type}, raw=body)
    return status, answer


@pytest.mark.parametrize(
    ("name", "data", "source", "target", "saved_as", "kind"),
    [
        ("page.html", (EXAMPLE.parent / "page.html").read_bytes(), "en", "ru", "page.html", "text/html"),
        ("cp1251.html", RU_PAGE.encode("cp1251"), "ru", "en", "cp1251.html", "text/html"),
        ("lie.html", RU_PAGE.encode("koi8-r"), "ru", "en", "lie.html", "text/html"),  # KOI8-R declared windows-1251
        ("letter.docx", (EXAMPLE.parent / "letter.docx").read_bytes(), "en", "ru", "letter.txt", "text/plain"),
    ],
)
def test_translate_file_reads_pages_and_word_files_as_translate_does(
    server: str, tmp_path: Path, name: str, data: bytes, source: str, target: str, saved_as: str, kind: str
) -> None:
    (tmp_path / name).write_bytes(data)
    printed = CliRunner().invoke(cli, ["translate", "--to", target, "--source-lang", source, str(tmp_path / name)])
    assert printed.exit_code == 0, printed.stderr
    status, answer = _translate_file(server, name, data, source, target)
    assert status == 200, answer
    status, headers, content = call(answer["translatedFileUrl"])
    assert status == 200 and headers["content-type"].startswith(kind)
    assert headers["content-disposition"] == f"attachment; filename*=UTF-8''{saved_as}"
    assert content.rstrip("\n") == printed.stdout.rstrip("\n")  # the echo test models: the text as read
    if name.endswith(".docx"):
        assert "[1]" in content and "\nReferences:\n[1] " in content  # footnotes as markers and a list
    elif source == "ru":  # decoded from the bytes whatever the page declares, written back as UTF-8
        assert "<p>В Минске открыли новую трамвайную линию [1].</p>" in content
        assert "<meta charset='utf-8'>" in content


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("broken.html", ("<p>" + "В Минске открыли линию. " * 40).encode() + b"\xff</p>"),
        ("photo.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"),  # binary, whatever its name
        ("scripts.html", b"<html><head><script>var a = 1;</script></head><body> </body></html>"),
        ("bomb.docx", b""),
        ("fake.docx", b"PK\x03\x04 not really a zip"),
        ("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"),
    ],
)
def test_translate_file_refuses_what_translate_refuses(server: str, tmp_path: Path, name: str, data: bytes) -> None:
    from .docxmaker import build_docx

    if name == "bomb.docx":
        data = build_docx([["Text."]], extra={"word/media/bomb.bin": b"\0" * (64 << 20)})
    (tmp_path / name).write_bytes(data)
    printed = CliRunner().invoke(cli, ["translate", "--to", "en", "--source-lang", "ru", str(tmp_path / name)])
    assert printed.exit_code != 0 and printed.stderr.startswith(f"Error: {tmp_path / name}: ")
    reason = printed.stderr.strip().removeprefix(f"Error: {tmp_path}/")
    status, answer = _translate_file(server, name, data, "ru", "en")
    assert (status, answer) == (400, {"error": f"Invalid request: {reason}"})
    assert "\n" not in answer["error"]


def test_features_that_are_off_answer_as_libretranslate_does(loopback: Any, install_packages: Any) -> None:
    from libretranslatepy import LibreTranslateAPI

    from polyglot_news.serve.server import running

    install_packages("echo-en_ru")
    with running(ServeConfig(port=0, api_keys=frozenset({"k1"}), max_chars=300)) as url:
        status, _, body = call(f"{url}/suggest", {"q": "Hi", "s": "Привет", "source": "en", "target": "ru"})
        assert (status, body) == (403, {"error": "Suggestions are disabled on this server."})
        status, _, settings = call(f"{url}/frontend/settings")
        assert status == 200 and settings == {
            "charLimit": 300, "frontendTimeout": 60000, "apiKeys": True, "keyRequired": True, "suggestions": False,
            "filesTranslation": True, "supportedFilesFormat": [".docx", ".htm", ".html", ".txt"],
            "language": {"source": {"code": "auto", "name": "Auto Detect"},
                         "target": {"code": "ru", "name": "Russian"}},
        }
        assert [e["code"] for e in LibreTranslateAPI(url).languages()] == ["en", "ru"]  # no key needed
        assert call(f"{url}/translate", {"q": "Hi", "source": "en", "target": "ru"})[0] == 403


@pytest.mark.parametrize(
    ("params", "noted"),
    [
        ({"source_lang": "ru", "targets": "be"}, True),  # English text given as Russian, translated: noted
        ({"source_lang": "en", "targets": "ru"}, False),  # right
        ({"source_lang": "ru", "targets": "none"}, False),  # nothing translated: not checked
    ],
)
def test_digest_notes_a_source_language_the_text_contradicts(server: str, params: dict[str, str], noted: bool) -> None:
    status, _, body = call(f"{server}/digest", {"text": EXAMPLE.read_text(encoding="utf-8"), **params})
    assert status == 200, body
    said = "the text reads as en (confidence 1.00), not ru as its source language was given"
    assert any(note.startswith(said) for note in body["notes"]) is noted


@pytest.mark.parametrize("fmt", ["html", "markdown", "text"])
def test_digest_notes_reach_the_reader_in_every_format(server: str, fmt: str) -> None:
    """The JSON answer's notes (the CLI's ``Note:`` lines on stderr) are in the page, the Markdown and the text too."""
    wrong = {"text": EXAMPLE.read_text(encoding="utf-8"), "source_lang": "ru", "targets": "be"}  # English, said ru
    russian = {"text": (DATA / "minsk_transport_ru.txt").read_text(encoding="utf-8"), "targets": "ru,be"}
    contradicted = "the text reads as en (confidence 1.00), not ru as its source language was given"
    for params in (wrong, russian):
        notes = call(f"{server}/digest", params)[2]["notes"]
        assert "be comes from a TEST MODEL: its output is not a translation" in notes
        assert any(note.startswith(contradicted) for note in notes) is (params is wrong)
        status, _, answer = call(f"{server}/digest", params | {"format": fmt})
        assert status == 200
        if fmt == "html":
            page = parse(answer)
            assert page.find("ul", class_="meta notes") and set(notes) <= {item.text for item in page.find("li")}
            assert bool(page.find("p", class_="meta already")) is (params is russian)
        else:
            shown = "## Notes\n\n" + "".join(f"- {n}\n" for n in notes) if fmt == "markdown" else "".join(
                f"Note: {n}\n" for n in notes)
            assert answer.endswith(shown)
            assert ("the article is already in ru: no translation needed" in answer) is (params is russian)


# Low items of the third adversarial pass ------------------------------------------------------------


def test_codes_multipart_and_no_text_plain(server: str) -> None:
    from .serving import multipart

    q = {"q": "Hello there [1].", "source": "ENG", "target": "rus"}
    assert call(f"{server}/translate", q)[::2] == (200, {"translatedText": "Hello there [1]."})
    body, content_type = multipart(q, {})
    assert call(f"{server}/translate", headers={"Content-Type": content_type}, raw=body)[::2] == (
        200, {"translatedText": "Hello there [1]."}
    )
    status, _, answer = call(f"{server}/translate", headers={"Content-Type": "text/plain"},
                             raw=b"q=Hello&source=en&target=ru")
    assert status == 400 and "not text/plain" in answer["error"]
    status, _, answer = call(f"{server}/digest", {"text": EXAMPLE.read_text(encoding="utf-8"), "targets": "bel,rus"})
    assert status == 200 and set(answer["translations"]) == {"ru", "be"}


@pytest.mark.parametrize(
    ("html"),
    [
        '<?xml version="1.0" encoding="utf-8"?>\n<p>Minsk opened a line [1].</p>',
        "<p>Minsk opened a line [1]. <![CDATA[x < y && z]]> It runs daily.</p>",
        "<p>Minsk opened a line [1].<?php echo 1; ?></p><!-- note --><!DOCTYPE x>",
        "<p>a<script>if (a < b) { c(); }</script>b</p><style>p>b{}</style>",
    ],
)
def test_html_markup_comes_back_byte_for_byte(server: str, html: str) -> None:
    status, _, body = call(f"{server}/translate", {"q": html, "source": "en", "target": "ru", "format": "html"})
    assert (status, body) == (200, {"translatedText": html})


@pytest.mark.parametrize(
    ("config", "headers", "status"),
    [
        ({}, {"Host": "evil.example"}, 400),  # DNS rebinding: a page on another name reaching loopback
        ({}, {"Host": "localhost:8000"}, 200),
        ({}, {"Host": "[::1]:5000"}, 200),
        ({"allowed_hosts": ("news.example.org",)}, {"Host": "news.example.org"}, 200),
        ({"allowed_hosts": ("news.example.org",)}, {"Host": "127.0.0.1"}, 400),
        ({}, {"Origin": "http://evil.example"}, 403),  # cross-site form POST
        ({}, {"Origin": "null"}, 403),
        ({"cors_origins": ("http://newsroom.local",)}, {"Origin": "http://newsroom.local"}, 200),
    ],
)
def test_host_and_origin_checks(loopback: Any, install_packages: Any, config: dict[str, Any],
                                headers: dict[str, str], status: int) -> None:
    from polyglot_news.serve.server import running

    install_packages("echo-en_ru")
    with running(ServeConfig(port=0, **config)) as url:
        got = call(f"{url}/detect", {"q": "Hello world"}, form=True, headers=headers)
        assert got[0] == status, got
        same_origin = {"Origin": url, "Host": url.split("//")[1]}
        assert call(f"{url}/detect", {"q": "Hello"}, form=True, headers=same_origin)[0] in (200, 400)


def test_api_keys_file_with_a_bom(tmp_path: Path) -> None:
    from polyglot_news.serve.config import load_api_keys

    keys = tmp_path / "keys"
    keys.write_bytes("\ufeffk1\r\n# comment\nk2\n".encode())
    assert load_api_keys(keys) == frozenset({"k1", "k2"})

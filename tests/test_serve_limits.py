"""``polyglot-news serve`` under hostile clients, on real sockets: one bad request costs only itself.

Poisoned text among normal requests, fresh API keys per request, a huge ``source=auto`` list,
slow and idle sockets (slowloris), spoofed ``X-Forwarded-For``, a request past ``--timeout``
and malformed JSON numbers and nesting.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

from polyglot_news.serve.batching import Engine  # noqa: E402
from polyglot_news.serve.config import ServeConfig  # noqa: E402
from polyglot_news.serve.requests import RateLimit  # noqa: E402
from polyglot_news.serve.server import running  # noqa: E402
from polyglot_news.translation.decoding import DecodeOptions  # noqa: E402

from .serving import allow_loopback, call  # noqa: E402

NORMAL = "Minsk opened a new tram line on Monday [1]. It links two suburbs [2], officials said."


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch, network_attempts: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    allow_loopback(monkeypatch, network_attempts)
    return network_attempts


@pytest.fixture
def echo(loopback: Any, install_packages: Any) -> None:
    install_packages("echo-en_ru", "echo-ru_be", "echo-ru_en")


def concurrently(*calls: Callable[[], Any]) -> list[Any]:
    """Run every call at once, each in its own thread; their results in order."""
    results: list[Any] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i: int) -> None:
        start.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


# H1 ---------------------------------------------------------------------------------------------


def test_a_poisoned_request_fails_alone_on_the_wire(echo: None) -> None:
    poisoned = b'{"q": "Hi \\ud800 there.", "source": "en", "target": "ru"}'  # valid JSON, no text
    with running(ServeConfig(port=0)) as url:
        for _ in range(5):
            normal = [partial(call, f"{url}/translate", {"q": f"{NORMAL} Round {i}.", "source": "en", "target": "ru"})
                      for i in range(12)]
            bad = partial(call, f"{url}/translate", headers={"Content-Type": "application/json"}, raw=poisoned)
            results = concurrently(*normal, bad)
            assert [r[0] for r in results[:12]] == [200] * 12
            assert all(r[2]["translatedText"].startswith(NORMAL) for r in results[:12])
            refused = {"error": "Invalid request: the text holds a lone surrogate, not Unicode text"}
            assert results[12][::2] == (400, refused)


def test_a_failing_grouped_engine_call_is_rerun_job_by_job(echo: None) -> None:
    """Text that breaks SentencePiece reaching the engine anyway (say, from the Python API): only its job fails."""

    async def scenario() -> tuple[list[Any], Engine]:
        engine = Engine(ServeConfig(window_s=0.05))
        await engine.start()
        try:
            jobs = [engine.translate([f"{NORMAL} Job {i}."], "en", "ru") for i in range(12)]
            jobs.insert(5, engine.translate(["Hi \ud800 there."], "en", "ru"))
            return await asyncio.gather(*jobs, return_exceptions=True), engine
        finally:
            await engine.stop()

    results, engine = asyncio.run(scenario())
    assert [isinstance(r, Exception) for r in results] == [False] * 5 + [True] + [False] * 7
    assert [r for r in results if not isinstance(r, Exception)] == [[f"{NORMAL} Job {i}."] for i in range(12)]
    assert engine.stats.batches == 1 and engine.stats.reruns == 13


# H3 and M1 --------------------------------------------------------------------------------------


def test_fresh_api_keys_neither_dodge_the_limit_nor_pin_memory(echo: None) -> None:
    with running(ServeConfig(port=0, req_limit=300)) as url:
        for i in range(200):  # a new 100 kB key each time, on a server that asks for none
            status, _, _ = call(f"{url}/detect", {"q": "Hello", "api_key": f"{i:06d}" + "k" * 100_000}, form=True)
            assert status == 200
        health = call(f"{url}/health")[2]
        assert health["rate_limited_clients"] == 1  # one address, one bucket, whatever the keys
    with running(ServeConfig(port=0, req_limit=2)) as url:
        answers = [call(f"{url}/detect", {"q": "Hello", "api_key": f"key-{i}"}, form=True)[0] for i in range(3)]
        assert answers == [200, 200, 429]


def test_rate_limit_buckets_are_hashed_and_pruned() -> None:
    from starlette.requests import Request

    limit = RateLimit(5, keyed=True)
    for i in range(50):
        scope = {"type": "http", "client": (f"10.0.0.{i}", 1), "headers": []}
        limit.check(Request(scope), {"api_key": f"{i}" + "x" * 1_000_000})
    assert limit.clients == 50
    assert all(len(name) < 64 for name in limit._seen)  # noqa: SLF001 (the key is not kept)
    assert limit.prune(time.monotonic() + 30) == 0
    assert limit.prune(time.monotonic() + 61) == 50 and limit.clients == 0


@pytest.mark.parametrize(
    ("trusted", "expected"),
    [
        ((), [200, 200, 429]),  # X-Forwarded-For from a client is not believed: one address
        (("127.0.0.1",), [200, 200, 200]),  # behind a trusted proxy: three clients
    ],
)
def test_forwarded_for_counts_only_from_a_trusted_proxy(
    echo: None, trusted: tuple[str, ...], expected: list[int]
) -> None:
    with running(ServeConfig(port=0, req_limit=2, trusted_proxies=trusted)) as url:
        answers = [
            call(f"{url}/detect", {"q": "Hello"}, form=True, headers={"X-Forwarded-For": f"203.0.113.{i}"})[0]
            for i in range(3)
        ]
    assert answers == expected


# H4 ---------------------------------------------------------------------------------------------


def test_health_answers_while_a_large_auto_detect_request_runs(echo: None) -> None:
    items = [f"The council met on day {i} and approved the tram budget." for i in range(800)]
    config = ServeConfig(port=0, max_items=1000, max_chars=100_000)
    with running(config) as url:
        assert call(f"{url}/translate", {"q": items + ["x"] * 201, "source": "auto", "target": "ru"})[::2] == (
            400, {"error": "Invalid request: request (1001) exceeds text limit (1000)"}
        )
        done: list[Any] = []
        big = threading.Thread(
            target=lambda: done.append(call(f"{url}/translate", {"q": items, "source": "auto", "target": "ru"}))
        )
        big.start()
        time.sleep(0.3)
        waits: list[float] = []
        while not done and len(waits) < 50:
            started = time.monotonic()
            assert call(f"{url}/health")[0] == 200
            waits.append(time.monotonic() - started)
            time.sleep(0.05)
        big.join(timeout=120)
    assert done and done[0][0] == 200 and len(done[0][2]["detectedLanguage"]) == 800
    assert len(waits) >= 3 and max(waits) < 1.0, waits  # the event loop stayed free during detection


# H5 ---------------------------------------------------------------------------------------------


def _slow(port: int, source: str) -> socket.socket:
    """A connection from ``source`` that has sent only the first line of its request head."""
    sock = socket.socket()
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", port))
    sock.sendall(b"POST /translate HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    return sock


def _closed_or_refused(sock: socket.socket, wait: float) -> bytes | None:
    """What the server did: its answer (b"" when it just closed), or None if it is still waiting."""
    if not select.select([sock], [], [], wait)[0]:
        return None
    try:
        return sock.recv(4096)
    except ConnectionResetError:
        return b""


@pytest.fixture
def slow_sockets() -> Iterator[list[socket.socket]]:
    opened: list[socket.socket] = []
    yield opened
    for sock in opened:
        sock.close()


def test_slowloris_from_one_address_leaves_other_clients_served(
    echo: None, slow_sockets: list[socket.socket]
) -> None:
    config = ServeConfig(port=0, read_timeout_s=2.0, client_connections=8, max_connections=64)
    with running(config) as url:
        port = int(url.rsplit(":", 1)[1])
        slow_sockets.extend(_slow(port, "127.0.0.2") for _ in range(100))  # more than every connection there is
        time.sleep(1.0)
        answers = [_closed_or_refused(sock, 0) for sock in slow_sockets]
        refused = [a for a in answers if a is not None]
        assert len(refused) == 92 and all(a.startswith(b"HTTP/1.1 503") for a in refused)
        held = [sock for sock, a in zip(slow_sockets, answers, strict=True) if a is None]
        for i in range(10):  # the other clients, while the 8 held sockets dribble their heads
            for sock in held:
                with contextlib.suppress(OSError):  # cut off already
                    sock.sendall(f"X-Slow-{i}: 1\r\n".encode())
            status, _, body = call(f"{url}/translate", {"q": NORMAL, "source": "en", "target": "ru"})
            assert (status, body) == (200, {"translatedText": NORMAL})
        started = time.monotonic()
        closed = [_closed_or_refused(sock, 5.0) for sock in held]
        assert closed == [b""] * 8  # each cut off at its head deadline, with no answer
        assert time.monotonic() - started < 5.0


def test_idle_connections_and_slow_bodies_are_cut_off(echo: None, slow_sockets: list[socket.socket]) -> None:
    with running(ServeConfig(port=0, read_timeout_s=1.0)) as url:
        port = int(url.rsplit(":", 1)[1])
        idle = socket.create_connection(("127.0.0.1", port))
        slow_sockets.append(idle)
        started = time.monotonic()
        assert _closed_or_refused(idle, 5.0) == b""
        assert 0.9 < time.monotonic() - started < 4.0
        body = socket.create_connection(("127.0.0.1", port))
        slow_sockets.append(body)
        body.sendall(b"POST /detect HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"q\": ")
        answer = b""
        while chunk := _closed_or_refused(body, 5.0):
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 408") and b"Request body not received within 1 s" in answer


# M2 ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def slow_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small random-weight package: it never stops decoding, so every sentence costs the maximum."""
    from lang_models.build_test_packages import build_benchmark_package

    return build_benchmark_package(tmp_path_factory.mktemp("slow"), layers=2, d_model=256, ffn=1024, heads=4,
                                   vocab=8000)


def test_a_request_past_the_timeout_stops_using_the_engine(loopback: Any, slow_package: Path) -> None:
    from polyglot_news.models.installer import install

    install(slow_package)
    article = "Tram news\n\n" + " ".join(
        f"The council met on day {i} and discussed the budget of the new tram line [{i % 5 + 1}]." for i in range(80)
    )
    config = ServeConfig(port=0, timeout_s=5.0, decoding=DecodeOptions(batch_tokens=64, max_decoding_length=64))
    with running(config) as url:
        started = time.monotonic()
        status, headers, body = call(f"{url}/digest", {"text": article, "targets": "ru", "parts": "summary,full",
                                                       "source_lang": "en"})
        assert (status, headers["retry-after"]) == (503, "5") and "longer than 5 s" in body["error"]
        assert time.monotonic() - started < 8.0
        # the engine dropped the rest of that digest: a short request fits in the same timeout
        status, _, body = call(f"{url}/translate", {"q": "The council met.", "source": "en", "target": "ru"})
        assert status == 200, body


# M8 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b'{"text": "Minsk [1].", "sentences": Infinity}', "Invalid JSON format"),
        (b'{"text": "Minsk [1].", "sentences": NaN}', "Invalid JSON format"),
        (b'{"text": "Minsk [1].", "ratio": -Infinity}', "Invalid JSON format"),
        (b"[" * 100_000 + b"]" * 100_000, "Invalid JSON format: nested too deep"),
        (b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "Invalid JSON format: nested too deep"),
        (b'{"text": "Minsk [1].", "sentences": 2.7}', "Invalid request: sentences must be a whole number"),
        (b'{"text": "Minsk [1].", "sentences": true}', "Invalid request: sentences must be a whole number"),
        (b'{"text": "Minsk [1].", "sentences": "2.7"}', "Invalid request: sentences must be a whole number"),
        (b'{"text": "Minsk [1].", "sentences": 0}', "Invalid request: sentences must be a whole number >= 1, got 0"),
        (b'{"text": "Minsk [1].", "sentences": 1e300}', "Invalid request: sentences must be at most 1000"),
        (b'{"text": "Minsk [1].", "ratio": true}', "Invalid request: ratio must be a number above 0 and at most 1"),
        (b'{"text": "Minsk [1].", "ratio": 1.5}', "Invalid request: ratio must be a number above 0 and at most 1"),
    ],
)
def test_malformed_numbers_and_nesting_are_400(echo: None, raw: bytes, error: str) -> None:
    with running(ServeConfig(port=0)) as url:
        status, _, body = call(f"{url}/digest", headers={"Content-Type": "application/json"}, raw=raw)
    assert (status, body) == (400, {"error": error})


def test_whole_numbers_in_any_spelling_are_taken(echo: None, example_text: str) -> None:
    with running(ServeConfig(port=0)) as url:
        for sent in (2, 2.0, "2"):
            status, _, body = call(f"{url}/digest", {"text": example_text, "targets": "none", "sentences": sent})
            assert status == 200 and len(body["summary"]) == 2, body
        status, _, body = call(f"{url}/digest", raw=json.dumps({"text": example_text, "ratio": "0.5",
                                                                 "targets": "none"}).encode(),
                               headers={"Content-Type": "application/json"})
        assert status == 200, body

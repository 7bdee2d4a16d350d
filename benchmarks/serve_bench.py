"""The server under load: requests/s, p50/p95 latency, and what batching across clients buys.

Usage (from the repository root, with the serve extra installed)::

    .venv/bin/python benchmarks/serve_bench.py [--model base|echo | --models DIR] [-n 64]
        [--tokens 16] [--clients 8] [--rounds 1]

``--model base`` (the default) builds a seeded random-weight package with the official Argos
en→ru architecture (Transformer base, int8; ``build_benchmark_package``): the compute of a
real model. It never stops on its own, so every sentence decodes exactly ``--tokens`` tokens
(the server runs with ``--max-length`` set to it; the reference uses the same options).
``--model echo`` uses the tiny test package that copies its input (a near-free engine: what
is left is the HTTP and queue overhead per request). ``--models DIR`` takes a store with an
installed en→ru route.
Input: the body sentences of ``examples/belarus_us_relations.txt``, cycled to ``n``
requests, each numbered (the engine remembers translations, so no sentence may repeat),
one per ``POST /translate`` (en→ru), citation markers kept.

Paths, same sentences, same models, same engine path:

* **one batched call**: ``serve.batching.translate_texts`` over all ``n`` sentences in this
  process (what the engine does with one perfect batch), the reference;
* **1 client**: one keep-alive connection sending the requests one after another;
* **C clients**: ``--clients`` connections at once, ``n / C`` requests each; the server
  batches what arrives together. Its throughput is also given as a ratio of the reference
  (goal ≥ 0.8).

The server is a separate ``polyglot-news serve`` process on 127.0.0.1 (a free port); the
clients are threads here. The machine is shared, so each path runs ``--rounds`` times and
the best round counts.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from polyglot_news.parse import parse_article
from polyglot_news.segment import split_sentences
from polyglot_news.serve.batching import translate_texts
from polyglot_news.serve.config import ServeConfig

EXAMPLE = REPO / "examples" / "belarus_us_relations.txt"


def sentences(count: int, tag: str) -> list[str]:
    """``count`` distinct sentences: the engine remembers what it translated (and merges
    duplicates in a batch), so every path and round gets its own numbered set."""
    body = split_sentences(parse_article(EXAMPLE.read_text(encoding="utf-8")).paragraphs, "en")
    texts = [s.text for s in body]
    return [f"Item {tag}{i + 1}. {texts[i % len(texts)]}" for i in range(count)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(store: Path, port: int, tokens: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, POLYGLOT_NEWS_MODELS=str(store))
    server = subprocess.Popen(
        [sys.executable, "-m", "polyglot_news", "serve", "--port", str(port), "--log-level", "warning",
         "--queue-size", "256", "--max-length", str(tokens)],
        env=env, cwd=REPO, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def client(port: int, texts: Sequence[str], latencies: list[float], errors: list[str]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for text in texts:
        body = json.dumps({"q": text, "source": "en", "target": "ru"})
        started = time.perf_counter()
        connection.request("POST", "/translate", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        data = response.read()
        latencies.append(time.perf_counter() - started)
        if response.status != 200 or json.loads(data).get("translatedText") is None:
            errors.append(f"{response.status} {data[:200]!r}")
    connection.close()


def load(port: int, texts: Sequence[str], clients: int) -> tuple[float, list[float], list[str]]:
    """Seconds for all ``texts`` spread over ``clients`` connections, every latency, every error."""
    latencies: list[float] = []
    errors: list[str] = []
    shares = [texts[i::clients] for i in range(clients)]
    threads = [threading.Thread(target=client, args=(port, share, latencies, errors)) for share in shares]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, errors


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", choices=["base", "echo"], default="base", help="package to build")
    parser.add_argument("--models", type=Path, help="a model store with an en→ru route instead")
    parser.add_argument("--tokens", type=int, default=16, help="most target tokens per sentence")
    parser.add_argument("-n", type=int, default=64, help="requests per path")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = args.models
        if store is None:
            from lang_models.build_test_packages import build, build_benchmark_package
            from polyglot_news.models.installer import install

            store = Path(tmp) / "store"
            os.environ["POLYGLOT_NEWS_MODELS"] = str(store)
            if args.model == "base":
                install(build_benchmark_package(Path(tmp) / "packages"))
            else:
                install(build(Path(tmp) / "packages", which=["echo-en_ru"])["echo-en_ru"])
        from polyglot_news.translation.decoding import DecodeOptions

        config = ServeConfig(models=store, decoding=DecodeOptions(max_decoding_length=args.tokens))
        translate_texts([["Warm up."]], "en", "ru", config)  # load the model once
        reference = min(_reference(sentences(args.n, f"R{r}-"), config) for r in range(args.rounds))
        port = free_port()
        server = start_server(store, port, args.tokens)
        try:
            load(port, sentences(16, "W"), 4)  # warm up
            single = min(
                (load(port, sentences(args.n, f"S{r}-"), 1) for r in range(args.rounds)), key=lambda r: r[0]
            )
            many = min(
                (load(port, sentences(args.n, f"C{r}-"), args.clients) for r in range(args.rounds)),
                key=lambda r: r[0],
            )
            health = _health(port)
        finally:
            server.terminate()
            server.wait(timeout=30)
    ref_rate = args.n / reference
    model = args.models or ("random-weight Transformer base, int8" if args.model == "base" else "echo test package")
    print(f"serve_bench: {args.n} requests of one sentence each (en→ru), model: {model}, at most "
          f"{args.tokens} tokens, beam 4, best of {args.rounds} rounds, {os.cpu_count()} CPUs (shared)")
    print(f"{'path':<28} {'seconds':>8} {'sent/s':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} "
          f"{'vs batch':>8}")
    print(f"{'one batched call':<28} {reference:8.2f} {ref_rate:8.1f} {'-':>8} {'-':>8} {'-':>8} {'-':>7} {1:8.2f}")
    for name, (seconds, latencies, errors) in (("1 client", single), (f"{args.clients} clients", many)):
        rate = args.n / seconds
        print(
            f"{name:<28} {seconds:8.2f} {rate:8.1f} {rate:8.1f} {1000 * statistics.median(latencies):8.1f} "
            f"{1000 * percentile(latencies, 0.95):8.1f} {len(errors):7d} {rate / ref_rate:8.2f}"
        )
    engine = health.get("engine", {})
    print(f"engine: {engine.get('jobs')} jobs in {engine.get('batches')} batches, "
          f"largest {engine.get('largest_batch_sentences')} sentences")
    return 1 if single[2] or many[2] else 0


def _reference(texts: list[str], config: ServeConfig) -> float:
    started = time.perf_counter()
    translate_texts([texts], "en", "ru", config)
    return time.perf_counter() - started


def _health(port: int) -> dict[str, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/health")
    data: dict[str, Any] = json.loads(connection.getresponse().read())
    return data


if __name__ == "__main__":
    raise SystemExit(main())

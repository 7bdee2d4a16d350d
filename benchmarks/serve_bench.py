"""The server under load, as paired ratios: what batching across clients keeps of one batched call.

Usage (from the repository root, with the serve extra installed)::

    .venv/bin/python benchmarks/serve_bench.py [--model both|base|echo] [--rounds 3] [--check]
        [-n 64] [--echo-n 400] [--clients 8] [--tokens 16] [--against TREE] [--profile]

Two packages, built in a temporary store: ``base``, a seeded random-weight package with the
official Argos en→ru architecture (Transformer base, int8; ``build_benchmark_package``), the
compute of a real model (it never stops on its own, so every sentence decodes exactly
``--tokens`` tokens: the server runs with ``--max-length`` set to it, and so does the
reference); ``echo``, the tiny test package that copies its input (a near-free engine: what is
left is the cost of HTTP, the queue and the engine's Python per request).

Input: the body sentences of ``examples/belarus_us_relations.txt``, cycled, each numbered (the
engine remembers translations, so none may repeat), one per ``POST /translate`` (en→ru),
citation markers kept. Paths, same sentences, same package, same options:

* **one batched call**: ``serve.batching.translate_texts`` over all the sentences in this
  process (what the engine does with one perfect batch), with the library's default threads
  (one CTranslate2 replica, a thread per core; the server runs a replica per core, one thread
  each): the reference;
* **1 client**: one keep-alive connection sending the requests one after another;
* **C clients**: ``--clients`` keep-alive connections at once, ``n / C`` requests each.

The server is a separate ``polyglot-news serve`` process on 127.0.0.1 (default options but
``--max-length`` and a queue that holds every client). Each round runs every path once, in
turn (paired); the figures are medians over ``--rounds``, with the spread (lowest–highest)
beside them, and CPU seconds (server process, plus this process for the reference and the
clients) beside wall seconds. ``--against TREE`` runs a second server from another checkout
(for example ``git archive OLD | tar -x -C /tmp/before``) in the same rounds and prints the
paired ratio. ``--profile`` records the server with py-spy (``pip install py-spy``) during one
more echo load and prints where each request's time goes.

The figures it checks (``--check``: exit 1 when one falls below its goal by more than its
stated noise; a maintainer's pre-release run, not CI: timings are not tests):

* base: C clients' sentences/s ÷ one batched call's ≥ 0.8 (noise 0.05);
* echo: C clients' requests/s ≥ 200 (noise 10 %).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from polyglot_news.parse import parse_article
from polyglot_news.segment import split_sentences
from polyglot_news.serve.batching import translate_texts
from polyglot_news.serve.config import ServeConfig

EXAMPLE = REPO / "examples" / "belarus_us_relations.txt"
GOALS = {"base": ("batched_share", 0.8, 0.05), "echo": ("clients_rps", 200.0, 20.0)}
"""model → (figure, goal, stated noise): ``--check`` fails below goal − noise."""


def sentences(count: int, tag: str) -> list[str]:
    """``count`` distinct sentences: the engine remembers what it translated (and merges
    duplicates in a batch), so every path and round gets its own numbered set."""
    body = split_sentences(parse_article(EXAMPLE.read_text(encoding="utf-8")).paragraphs, "en")
    texts = [s.text for s in body]
    return [f"Item {tag}{i + 1}: {texts[i % len(texts)]}" for i in range(count)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process, all its threads (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def start_server(name: str, tree: Path, store: Path, tokens: int, clients: int) -> Server:
    port = free_port()
    env = dict(os.environ, POLYGLOT_NEWS_MODELS=str(store), PYTHONPATH=str(tree))
    process = subprocess.Popen(
        [sys.executable, "-m", "polyglot_news", "serve", "--port", str(port), "--log-level", "warning",
         "--queue-size", str(max(64, 4 * clients)), "--max-length", str(tokens)],
        env=env, cwd=tempfile.gettempdir(), stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return Server(name, process, port)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"the {name} server did not start")


def client(port: int, texts: Sequence[str], latencies: list[float], errors: list[str]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    for text in texts:
        body = json.dumps({"q": text, "source": "en", "target": "ru"}).encode()
        started = time.perf_counter()
        connection.request("POST", "/translate", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        data = response.read()
        latencies.append(time.perf_counter() - started)
        if response.status != 200 or json.loads(data).get("translatedText") is None:
            errors.append(f"{response.status} {data[:200]!r}")
    connection.close()


@dataclass
class Run:
    """One path, one round: wall and CPU seconds for ``count`` requests (or sentences)."""

    count: int
    seconds: float
    cpu: float
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    batches: int = 1

    @property
    def rate(self) -> float:
        return self.count / self.seconds


def load(server: Server, texts: Sequence[str], clients: int) -> Run:
    """All ``texts`` spread over ``clients`` connections; CPU of the server and of the clients."""
    latencies: list[float] = []
    errors: list[str] = []
    shares = [texts[i::clients] for i in range(clients)]
    threads = [threading.Thread(target=client, args=(server.port, share, latencies, errors)) for share in shares]
    before = engine_counters(server.port)
    cpu = cpu_seconds(server.process.pid) + time.process_time()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    cpu = cpu_seconds(server.process.pid) + time.process_time() - cpu
    batches = engine_counters(server.port).get("batches", 0) - before.get("batches", 0)
    return Run(len(texts), seconds, cpu, latencies, errors, batches)


def engine_counters(port: int) -> dict[str, int]:
    """The server's engine counters (``/health``)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/health")
    found: dict[str, int] = json.loads(connection.getresponse().read()).get("engine", {})
    connection.close()
    return found


def reference(texts: list[str], config: ServeConfig) -> Run:
    cpu = time.process_time()
    started = time.perf_counter()
    translate_texts([texts], "en", "ru", config)
    return Run(len(texts), time.perf_counter() - started, time.process_time() - cpu)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def spread(values: Sequence[float], fmt: str = "{:.2f}") -> str:
    return f"{fmt.format(min(values))}–{fmt.format(max(values))}" if values else "-"


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def measure(model: str, store: Path, args: argparse.Namespace) -> dict[str, float]:
    """Every path of one package, ``--rounds`` paired rounds; print the table; the checked figures."""
    from polyglot_news.translation.decoding import DecodeOptions

    n = args.n if model == "base" else args.echo_n
    config = ServeConfig(models=store, decoding=DecodeOptions(max_decoding_length=args.tokens),
                         max_batch_sentences=4 * n)  # the reference is one call, however many sentences
    translate_texts([["Warm up."]], "en", "ru", config)  # load the model once
    trees = [("this tree", REPO)] + ([("--against", args.against.resolve())] if args.against else [])
    servers = [start_server(name, tree, store, args.tokens, args.clients) for name, tree in trees]
    runs: dict[str, list[Run]] = {}
    try:
        for server in servers:
            load(server, sentences(4 * args.clients, f"W{server.name[:2]}"), args.clients)  # warm up
        for r in range(args.rounds):
            paths: list[tuple[str, Callable[[], Run]]] = [
                ("one batched call", partial(reference, sentences(n, f"R{r}-"), config))
            ]
            for k, server in enumerate(servers):
                paths.append((f"{server.name}: 1 client", partial(load, server, sentences(n, f"S{k}{r}-"), 1)))
                paths.append((f"{server.name}: {args.clients} clients",
                              partial(load, server, sentences(n, f"C{k}{r}-"), args.clients)))
            order = paths if r % 2 == 0 else [paths[0], *reversed(paths[1:])]  # alternate the servers' turns
            for name, path in order:
                runs.setdefault(name, []).append(path())
    finally:
        for server in servers:
            server.stop()
    label = "random-weight Transformer base, int8" if model == "base" else "echo test package"
    print(f"\nserve_bench {model}: {n} requests of one sentence each (en→ru), {label}, at most {args.tokens} "
          f"tokens, beam 4, medians of {args.rounds} paired rounds (spread lowest–highest), "
          f"{os.cpu_count()} CPUs (shared: read the ratios)")
    print(f"{'path':<26} {'req/s':>7} {'spread':>13} {'CPU s/req':>9} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'req/batch':>9} {'errors':>6} {'÷ batched':>9} {'spread':>11}")
    batched = [run.rate for run in runs["one batched call"]]
    figures: dict[str, float] = {}
    for name, done in runs.items():
        rates = [run.rate for run in done]
        shares = [a / b for a, b in zip(rates, batched, strict=True)]
        latencies = [x for run in done for x in run.latencies]
        cpu = median([run.cpu / run.count for run in done])
        p50 = f"{1000 * median(latencies):7.1f}" if latencies else f"{'-':>7}"
        p95 = f"{1000 * percentile(latencies, 0.95):7.1f}" if latencies else f"{'-':>7}"
        errors = sum(len(run.errors) for run in done)
        per_batch = median([run.count / max(1, run.batches) for run in done])
        print(f"{name:<26} {median(rates):7.1f} {spread(rates, '{:.1f}'):>13} {cpu:9.4f} {p50} {p95} "
              f"{per_batch:9.1f} {errors:6d} {median(shares):9.2f} {spread(shares):>11}")
        if name == f"this tree: {args.clients} clients":
            figures = {"batched_share": median(shares), "clients_rps": median(rates), "errors": errors}
    if args.against:
        mine, theirs = (runs[f"{who}: {args.clients} clients"] for who in ("this tree", "--against"))
        ratios = [a.rate / b.rate for a, b in zip(mine, theirs, strict=True)]
        cpus = [(a.cpu / a.count) / (b.cpu / b.count) for a, b in zip(mine, theirs, strict=True)]
        print(f"this tree ÷ --against at {args.clients} clients: {median(ratios):.2f}× the requests/s "
              f"(spread {spread(ratios)}), {median(cpus):.2f}× the CPU per request")
    return figures


def profile(store: Path, args: argparse.Namespace) -> None:
    """py-spy over the server during one echo load: where a request's time goes, per thread."""
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if spy is None:
        raise SystemExit("py-spy not found: .venv/bin/pip install py-spy")
    server = start_server("profiled", REPO, store, args.tokens, args.clients)
    raw = Path(tempfile.gettempdir()) / f"serve_bench_profile_{os.getpid()}.txt"
    try:
        load(server, sentences(4 * args.clients, "PW"), args.clients)
        recorder = subprocess.Popen([spy, "record", "--pid", str(server.process.pid), "--idle", "--threads", "-r",
                                     "200", "-f", "raw", "-o", str(raw)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(2.0)
        run = load(server, sentences(args.echo_n, "P"), args.clients)
        recorder.send_signal(2)
        recorder.wait(timeout=60)
    finally:
        server.stop()
    shares = where_the_time_goes(raw.read_text(encoding="utf-8"))
    raw.unlink()
    per_request = 1000 * run.seconds / run.count
    print(f"\nwhere a request's time goes: echo package, {args.clients} clients, {run.count} requests, "
          f"{run.rate:.1f} req/s ({per_request:.2f} ms of wall time a request); py-spy at 200 Hz, shares of each "
          f"thread's samples (idle included)")
    for thread, counts in shares.items():
        total = sum(counts.values())
        parts = ", ".join(f"{name} {100 * c / total:.1f} %" for name, c in counts.most_common())
        print(f"  {thread}: {parts}")


CATEGORIES = (
    ("SentencePiece", ("sentencepiece/",)),
    ("segmentation", ("segment.py",)),
    ("markers and guard", ("placement.py", "guard.py", "polyglot_news/citations/")),
    ("engine Python", ("polyglot_news/translation/",)),
    ("HTTP (uvicorn, h11)", ("uvicorn/", "h11/")),
    ("JSON", ("json/",)),
    ("server code (Starlette, polyglot_news.serve)", ("starlette/", "polyglot_news/serve/")),
    ("asyncio", ("asyncio/", "concurrent/")),
)
"""What a sample is spent on: the innermost frame matching one of these substrings decides."""
IDLE = ("EpollSelector.select", "_worker (concurrent", "wait (threading")


def category(frames: list[str]) -> str:
    """The category of one sampled stack (frames outermost first)."""
    if not frames:  # a thread sampled before its first Python frame
        return "idle"
    leaf = frames[-1]
    if any(marker in leaf for marker in IDLE):
        return "idle"
    if "_decode (polyglot_news/translation/engine.py" in leaf:
        return "CTranslate2 (its call and results)"
    for frame in reversed(frames):
        for name, needles in CATEGORIES:
            if any(needle in frame for needle in needles):
                return name
    return "other"


def where_the_time_goes(raw: str) -> dict[str, Counter[str]]:
    """py-spy raw stacks (``thread;frame;…;frame count``) → per thread, samples per :func:`category`."""
    found: dict[str, Counter[str]] = {}
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if "polyglot-engine" in frames[0]:
            thread = "engine thread"
        elif "polyglot-news-replica" in frames[0]:
            thread = "replica calls"  # a batch cut for the replicas: one call per thread, side by side
        elif "polyglot-http" in frames[0]:
            thread = "event loop"
        elif "MainThread" in frames[0]:
            continue  # waits for the server thread
        else:
            thread = "other threads"
        found.setdefault(thread, Counter())[category(frames[1:])] += int(count)
    return found


def check(figures: dict[str, dict[str, float]]) -> int:
    """Each checked figure beside its goal and noise; 0 when all hold."""
    failed = 0
    for model, measured in figures.items():
        name, goal, noise = GOALS[model]
        value = measured.get(name, float("nan"))
        ok = value >= goal - noise and not measured.get("errors")
        failed += not ok
        print(f"check {model}: {name} {value:.2f} (goal {goal:g}, noise {noise:g}) {'ok' if ok else 'FAILED'}")
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--model", choices=["both", "base", "echo"], default="both")
    parser.add_argument("--models", type=Path, help="a model store with an en→ru route instead (one table)")
    parser.add_argument("--tokens", type=int, default=16, help="most target tokens per sentence")
    parser.add_argument("-n", type=int, default=64, help="requests per path, base package")
    parser.add_argument("--echo-n", type=int, default=400, help="requests per path, echo package")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", type=Path, metavar="TREE", help="also run the server of this checkout")
    parser.add_argument("--profile", action="store_true", help="py-spy the server during one more echo load")
    parser.add_argument("--check", action="store_true", help="exit 1 when a figure misses its goal beyond noise")
    args = parser.parse_args(argv)
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        from lang_models.build_test_packages import build, build_benchmark_package
        from polyglot_news.models.installer import install

        if args.models:
            figures["base"] = measure("base", args.models, args)
        models = ["base", "echo"] if args.model == "both" else [args.model]
        for model in models if not args.models else []:
            store = Path(tmp) / model
            os.environ["POLYGLOT_NEWS_MODELS"] = str(store)
            if model == "base":
                install(build_benchmark_package(Path(tmp) / "packages"))
            else:
                install(build(Path(tmp) / "packages", which=["echo-en_ru"])["echo-en_ru"])
            figures[model] = measure(model, store, args)
            if model == "echo" and args.profile:
                profile(store, args)
    if any(f.get("errors") for f in figures.values()):
        print("errors: some requests failed")
    return check(figures) if args.check else (1 if any(f.get("errors") for f in figures.values()) else 0)


if __name__ == "__main__":
    raise SystemExit(main())

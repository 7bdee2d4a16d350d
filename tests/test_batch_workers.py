"""Batch workers: whole windows (translation included) in local worker processes, a dying worker, malloc."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from polyglot_news import batch as B
from polyglot_news.batch.inputs import iter_paths
from polyglot_news.batch.workers import share_cores

from .test_batch import ROOT, run, tree, write_folder

TRANSLATE = ["--to", "ru,be", "--translate", "headline,summary,references", "--chunk", "4", "--beam-size", "1"]


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (the pool's fork server and its workers), from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text(encoding="ascii", errors="replace")
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), [pid]
    while frontier:
        parent = frontier.pop()
        kids = [p for p, pp in parents.items() if pp == parent and p not in found]
        found.update(kids)
        frontier += kids
    return found


@pytest.mark.parametrize("workers", ["2", "3"])
def test_translation_runs_in_the_workers_and_the_bytes_match_one_process(
    tmp_path: Path, install_packages: Callable[..., None], workers: str
) -> None:
    install_packages("echo-en_ru", "echo-ru_be")
    feed = tmp_path / "feed"
    write_folder(feed, 14)
    one = run(str(feed), *TRANSLATE, "-o", str(tmp_path / "one"), "-j", "1")
    many = run(str(feed), *TRANSLATE, "-o", str(tmp_path / "many"), "-j", workers)
    assert one.exit_code == many.exit_code == 0, many.stderr
    assert many.stdout == one.stdout
    assert len(tree(tmp_path / "one")) == 14
    assert tree(tmp_path / "many") == tree(tmp_path / "one")
    assert run(str(feed), *TRANSLATE, "-j", workers).stdout == run(str(feed), *TRANSLATE, "-j", "1").stdout


@pytest.mark.parametrize(("workers", "loads_here"), [(1, 1), (2, 0)])
def test_with_workers_the_batch_process_itself_loads_no_model(
    tmp_path: Path, install_packages: Callable[..., None], workers: int, loads_here: int
) -> None:
    """With worker processes the windows are translated there, each worker loading the model once."""
    install_packages("echo-en_ru")
    write_folder(tmp_path / "feed", 6)
    script = textwrap.dedent(
        f"""
        from polyglot_news import batch as B
        from polyglot_news.translation import engine
        from polyglot_news.translation.request import TranslationRequest

        loads = []
        real = engine.load
        engine.load = lambda *args, **kwargs: loads.append(args) or real(*args, **kwargs)

        if __name__ == "__main__":
            options = B.BatchOptions(source_lang="en", translation=TranslationRequest(targets=("ru",)))
            report = B.run_batch(B.iter_paths([{str(tmp_path / "feed")!r}]), options, emit=lambda line: None,
                                 workers={workers}, chunk=2)
            print(report.ok, len(loads))
        """
    )
    (tmp_path / "main.py").write_text(script, encoding="utf-8")
    done = subprocess.run([sys.executable, str(tmp_path / "main.py")], cwd=ROOT, env=dict(os.environ),
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["6", str(3 * loads_here)]  # one translator a window, the package cached


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")
def test_a_worker_killed_mid_run_costs_nothing_its_windows_run_again(
    tmp_path: Path, install_packages: Callable[..., None]
) -> None:
    install_packages("echo-en_ru", "echo-ru_be")
    feed, out = tmp_path / "feed", tmp_path / "out"
    write_folder(feed, 24)
    killed: list[int] = []

    def observe(result: B.ArticleResult, report: B.Report) -> None:
        if not killed and report.done >= 2:  # the first window is back, others are in flight
            workers = sorted(_descendants(os.getpid()))
            victim = workers[-1]  # the fork server is started first, its workers after it
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    from polyglot_news.cli.options import translation_request

    request = translation_request("ru,be", "headline,summary,references", None, 1, 256, "int8", None)
    options = B.BatchOptions(translation=request)
    lines: list[str] = []
    report = B.run_batch(iter_paths([feed]), options, emit=lines.append, output_dir=out, workers=2, chunk=4,
                         observe=observe)
    assert killed and report.ok == 24 and report.failed == 0, report
    assert run(str(feed), *TRANSLATE, "-o", str(tmp_path / "clean"), "-j", "1").exit_code == 0
    assert tree(out) == tree(tmp_path / "clean")
    assert [json.loads(line)["output"] for line in lines] == sorted(tree(out))


def test_each_worker_gets_its_share_of_the_cores() -> None:
    from polyglot_news.translation.request import TranslationRequest

    options = B.BatchOptions(translation=TranslationRequest(targets=("ru",)))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    for sharing, expected in ((1, min(8, cores)), (cores, 1), (4 * cores, 1)):
        shared = share_cores(options, sharing).translation
        assert shared is not None and shared.options.intra_threads == expected
        assert shared.options.signature() == options.translation.options.signature()  # type: ignore[union-attr]
    assert share_cores(B.BatchOptions(), 2) == B.BatchOptions()


FAULTS = """
import resource, sys
from polyglot_news.batch.workers import restore_malloc
restored = restore_malloc() if sys.argv[1] == "restore" else False
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
before = faults()
for _ in range(100):
    block = bytearray(4 << 20)  # zero-filled: every page is touched
    del block
print(restored, faults() - before)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")
def test_restore_malloc_undoes_a_64_kib_trim_threshold() -> None:
    """Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536: every large block is a fresh mmap, its
    pages faulted in again each time (a translating worker spent as long in the kernel as in its own code)."""
    env = dict(os.environ, MALLOC_TRIM_THRESHOLD_="65536")
    counts = {}
    for mode in ("keep", "restore"):
        done = subprocess.run([sys.executable, "-c", FAULTS, mode], env=env, capture_output=True, text=True,
                              check=True, timeout=60)
        restored, faults = done.stdout.split()
        assert restored == str(mode == "restore")
        counts[mode] = int(faults)
    assert counts["keep"] > 100 * 1000  # 100 blocks of 1,024 pages, each faulted in anew
    assert counts["restore"] < counts["keep"] / 20

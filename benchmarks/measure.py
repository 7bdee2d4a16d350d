"""Shared by the speed benchmarks: a command's wall time, CPU time and memory, paired ratios, the speed gate.

CPU time is read from ``/proc`` for the command's whole process tree (Linux): every process's own
user and system time, the last value seen before it ended, sampled every 50 ms. ``getrusage``
cannot give it: ``RUSAGE_CHILDREN`` counts only children that were waited for, and a process
pool's workers are the fork server's children, which nobody waits for. A process that ends
between two samples loses at most its last 50 ms.

Speed figures are ratios taken within one round (the configurations run back to back, their
order rotated every round) and the median of those paired ratios is what a benchmark prints and
what :func:`check` compares with the band pinned for it in ``speed_baseline.json``: a shared or
throttled machine slows both sides of a pair alike. Absolute rates are printed for reading, not
checked. Timings are not tests: ``benchmarks/release_check.py`` runs the ``--check`` modes
before a release, never CI.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BASELINE = Path(__file__).with_name("speed_baseline.json")
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass
class Measured:
    """One command's run: wall and CPU seconds of its process tree, minor page faults, peak memory."""

    wall: float = 0.0
    user: float = 0.0
    system: float = 0.0
    faults: int = 0
    peak_tree_mib: float = 0.0
    largest_mib: float = 0.0
    processes: int = 0
    root_cpu: float = 0.0
    """CPU seconds of the command's own process (a batch's client), its children not counted."""
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""

    @property
    def cpu(self) -> float:
        return self.user + self.system


@dataclass
class _Seen:
    user: int = 0
    system: int = 0
    faults: int = 0
    hwm_kib: int = 0


@dataclass
class _Watch:
    root: int
    seen: dict[int, _Seen] = field(default_factory=dict)
    peak_tree_kib: int = 0

    def sample(self) -> None:
        parents: dict[int, int] = {}
        stats: dict[int, list[str]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            parents[int(entry)] = int(fields[1])
            stats[int(entry)] = fields
        tree, frontier = {self.root}, [self.root]
        while frontier:
            parent = frontier.pop()
            kids = [pid for pid, pp in parents.items() if pp == parent and pid not in tree]
            tree.update(kids)
            frontier += kids
        rss = 0
        for pid in tree:
            row = stats.get(pid)
            if row is None:
                continue
            seen = self.seen.setdefault(pid, _Seen())
            # after ")": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
            seen.faults, seen.user, seen.system = int(row[7]), int(row[11]), int(row[12])
            status = _status(pid)
            seen.hwm_kib = max(seen.hwm_kib, status.get("VmHWM", 0))
            rss += status.get("VmRSS", 0)
        self.peak_tree_kib = max(self.peak_tree_kib, rss)


def _status(pid: int) -> dict[str, int]:
    found: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    found[key] = int(value.split()[0])
    except (OSError, ValueError):
        pass
    return found


def run_watched(argv: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: Path | None = None,
                interval: float = 0.05) -> Measured:
    """Run ``argv`` to its end; its wall time, and the CPU time, faults and memory of its whole process tree."""
    start = time.perf_counter()
    process = subprocess.Popen(list(argv), env=dict(env) if env is not None else None, cwd=cwd,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watch = _Watch(process.pid)
    out: list[tuple[str, str]] = []

    def drain() -> None:
        out.append(process.communicate())

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    while process.poll() is None:
        watch.sample()
        time.sleep(interval)
    reader.join()
    wall = time.perf_counter() - start
    seen = watch.seen.values()
    return Measured(
        wall=wall,
        user=sum(s.user for s in seen) / TICK,
        system=sum(s.system for s in seen) / TICK,
        faults=sum(s.faults for s in seen),
        peak_tree_mib=watch.peak_tree_kib / 1024,
        largest_mib=max((s.hwm_kib for s in seen), default=0) / 1024,
        processes=len(watch.seen),
        root_cpu=sum((s.user + s.system) for pid, s in watch.seen.items() if pid == process.pid) / TICK,
        returncode=process.returncode,
        stdout=out[0][0] if out else "",
        stderr=out[0][1] if out else "",
    )


def median_ratio(values: Sequence[float], anchors: Sequence[float]) -> float:
    """The median of ``values[i] / anchors[i]``: one ratio per round, taken within that round."""
    return statistics.median(v / a for v, a in zip(values, anchors, strict=True))


def rotated(labels: Sequence[str], round_: int) -> list[str]:
    """The configurations of a round, the first one moved to the end each round (drift hits each alike)."""
    k = round_ % len(labels)
    return [*labels[k:], *labels[:k]]


def bands(section: str, baseline: Path = BASELINE) -> dict[str, dict[str, float]]:
    """The bands pinned for ``section``: figure name → ``{"min": …, "max": …}`` (either may be absent)."""
    pinned: dict[str, dict[str, dict[str, float]]] = json.loads(baseline.read_text(encoding="utf-8"))
    return dict(pinned.get(section, {}))


def check(section: str, measured: Mapping[str, float], baseline: Path = BASELINE) -> int:
    """Print every pinned figure beside its measurement; 0 when all lie in their bands, 1 otherwise."""
    failed = 0
    for name, band in sorted(bands(section, baseline).items()):
        value = measured.get(name)
        low, high = band.get("min"), band.get("max")
        ok = value is not None and (low is None or value >= low) and (high is None or value <= high)
        failed += not ok
        shown = "missing" if value is None else f"{value:.3g}"
        limits = " and ".join(x for x in (f">= {low:g}" if low is not None else "",
                                          f"<= {high:g}" if high is not None else "") if x)
        print(f"check {section}: {name}: {shown} (pinned {limits}) {'ok' if ok else 'OUT OF BAND'}")
    if not bands(section, baseline):
        print(f"check {section}: no figure pinned in {baseline.name}")
        return 1
    print(f"check {section}: {'passed' if not failed else f'{failed} figure(s) out of band'}")
    return 1 if failed else 0

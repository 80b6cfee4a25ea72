"""What the runner measures with: figures, CPU and load watches, process-tree memory.

>>> Figure("S", "x", 1234.5, "s").shown()
'1\u202f234.5 s'
>>> num(35000)
'35\u202f000'
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PASS, FAIL, PENDING, INFO, NA = "PASS", "FAIL", "pending", "", "n/a"
MB = 1_000_000  # request bodies: decimal megabytes, as the API documents its 2 MB


def load_now() -> float:
    """The 1-minute load average (what `uptime` prints first), for the figure being made."""
    return os.getloadavg()[0]


@dataclass
class Figure:
    section: str
    name: str
    value: float | int | str | None
    unit: str = ""
    target: str = ""
    status: str = INFO
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    load: float = field(default_factory=load_now)  # 1-min load average when made

    def shown(self) -> str:
        v = self.value
        if v is None:
            return "—"
        if isinstance(v, float):
            text = f"{v:,.3f}" if abs(v) < 10 else f"{v:,.1f}"
        elif isinstance(v, int):
            text = f"{v:,}"
        else:
            text = str(v)
        return f"{text} {self.unit}".strip().replace(",", "\u202f")


def num(value: float) -> str:
    """A whole number with thin-space thousands: 35 000."""
    return f"{value:,.0f}".replace(",", "\u202f")


def check(ok: bool) -> str:
    return PASS if ok else FAIL


def _busy_jiffies() -> int | None:
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return None
    values = [int(x) for x in fields]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values[:8]) - idle


class CpuWatch:
    """Wall time, our CPU time (self + waited children) and the CPU used by everyone else."""

    def __enter__(self) -> CpuWatch:
        self.t0 = time.perf_counter()
        self.os0 = os.times()
        self.busy0 = _busy_jiffies()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.t0
        t = os.times()
        self.cpu_self = (t.user - self.os0.user) + (t.system - self.os0.system)
        self.cpu_children = ((t.children_user - self.os0.children_user)
                             + (t.children_system - self.os0.children_system))
        busy1 = _busy_jiffies()
        if self.busy0 is None or busy1 is None or self.wall <= 0:
            self.other_cores = None
        else:
            total = (busy1 - self.busy0) / os.sysconf("SC_CLK_TCK")
            self.other_cores = max(0.0, (total - self.cpu_self - self.cpu_children) / self.wall)


def wait_for_idle(limit_s: float) -> float:
    """Wait (at most ``limit_s``) until other processes use less than 0.3 core; the load seen."""
    deadline = time.monotonic() + limit_s
    told = 0.0
    while True:
        with CpuWatch() as watch:
            time.sleep(1.0)
        other = watch.other_cores or 0.0
        if other < 0.3 or time.monotonic() >= deadline:
            return other
        if time.monotonic() - told >= 15:
            told = time.monotonic()
            print(f"  waiting for the machine to be idle (others use {other:.1f} cores)…",
                  file=sys.stderr)


# --------------------------------------------------------------------------- process-tree memory


def _children_map() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _tree(pid: int) -> list[int]:
    tree, out, todo = _children_map(), [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += tree.get(p, [])
    return out


def _memory_kb(pid: int) -> tuple[int, int]:
    """(Pss, Rss) of one process in kB; (0, 0) when it is gone."""
    pss = rss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
            elif line.startswith("Rss:"):
                rss = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return pss, rss


class TreeMemory(threading.Thread):
    """Samples the process tree of ``pid``: peak total PSS and peak single RSS.

    Memory every 100 ms; the tree itself (a scan of /proc) once a second, to stay cheap.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.stop_flag = pid, threading.Event()
        self.peak_pss_kb = self.peak_rss_kb = self.peak_processes = 0

    def run(self) -> None:
        pids: list[int] = []
        scanned = 0.0
        while not self.stop_flag.is_set():
            if time.monotonic() - scanned >= 1.0:
                pids, scanned = _tree(self.pid), time.monotonic()
            sizes = [_memory_kb(p) for p in pids]
            self.peak_pss_kb = max(self.peak_pss_kb, sum(s[0] for s in sizes))
            self.peak_rss_kb = max(self.peak_rss_kb, max((s[1] for s in sizes), default=0))
            self.peak_processes = max(self.peak_processes, sum(1 for s in sizes if s[1]))
            self.stop_flag.wait(0.1)


# --------------------------------------------------------------------------- helpers


def best_of(repeats: int, func: Callable[[], Any]) -> tuple[float, Any, list[float]]:
    times, result = [], None
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return min(times), result, times

"""The one benchmark runner: ``.venv/bin/python benchmarks/run.py [--quick]``.

Prints a markdown table (machine, every figure of issue 7 with its target and PASS/FAIL) and
writes ``benchmarks/results.md`` and ``benchmarks/results.json``. See ``benchmarks/README.md``
for what each figure means. Full mode takes about 5 minutes on a quiet 2-core machine.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.floor import FloorRenderer, floor_content  # noqa: E402
from benchmarks.generate import generate_table, generate_workbook  # noqa: E402

PASS, FAIL, PENDING, INFO, NA = "PASS", "FAIL", "pending", "", "n/a"
EMULATOR_KEY = "impactsheetsBenchmarkNetwork{n:07d}"  # >= 25 alphanumerics: a sheet key
MB = 1_000_000  # request bodies: decimal megabytes, as the API documents its 2 MB


@dataclass
class Plan:
    validation_n: tuple[int, ...]
    render_sample: int
    render_network: int
    sync_n: tuple[int, ...]
    repeats: int
    quick: bool


FULL = Plan((350, 3_500, 35_000), 400, 3_500, (350, 3_500), 3, False)
QUICK = Plan((100, 350, 1_000), 40, 350, (100, 350), 1, True)


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


# --------------------------------------------------------------------------- machine, load


def machine() -> dict[str, Any]:
    import openpyxl
    import reportlab
    import reportlab.lib.rl_accel as rl_accel

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {
        "cpu": cpu, "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(), "implementation": platform.python_implementation(),
        "os": f"{platform.system()} {platform.release()}",
        "reportlab": reportlab.Version,
        "reportlab_c_accelerator": bool(rl_accel._c_funcs),
        "openpyxl": openpyxl.__version__, "commit": commit,
        "loadavg_start": os.getloadavg(),
    }


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


def gsheets_backend_present() -> bool:
    import importlib.util

    try:
        spec = importlib.util.find_spec("impactsheets.google.sheets")
    except (ImportError, ValueError):
        return False
    return spec is not None


@contextmanager
def emulator_or_none(enabled: bool) -> Iterator[Any]:
    if not enabled:
        yield None
        return
    from impactsheets.emulator import Emulator

    with Emulator() as emu:
        yield emu


def run_child(spec: dict[str, Any], work: Path, env: dict[str, str]) -> dict[str, Any]:
    """One sync in a subprocess, its process tree's memory sampled."""
    spec_path = work / f"sync-{time.monotonic_ns()}.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    started = time.perf_counter()
    cpu = CpuWatch().__enter__()
    process = subprocess.Popen([sys.executable, str(HERE / "sync_child.py"), str(spec_path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env, cwd=str(ROOT))
    watch = TreeMemory(process.pid)
    watch.start()
    out, err = process.communicate()
    watch.stop_flag.set()
    watch.join()
    cpu.__exit__(None, None, None)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"sync child failed ({process.returncode}):\n{err[-3000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result.update(process_wall_s=wall, peak_tree_pss_kb=watch.peak_pss_kb,
                  peak_single_rss_kb=watch.peak_rss_kb, peak_processes=watch.peak_processes,
                  other_cores=cpu.other_cores, cpu_s=cpu.cpu_children + cpu.cpu_self)
    return result


# --------------------------------------------------------------------------- phases


def bench_validation(plan: Plan, figures: list[Figure], questionnaire: Any) -> None:
    from impactsheets.validation import validate

    for n in plan.validation_n:
        started = time.perf_counter()
        table = generate_table(n, seed=0, questionnaire=questionnaire)
        generated = time.perf_counter() - started
        repeats = plan.repeats if n <= 3_500 else max(1, plan.repeats - 1)
        best, report, times = best_of(repeats, lambda t=table: validate(t, questionnaire))
        summary = report.summary()
        target, status = "", INFO
        if n == 3_500:
            target, status = "≤ 1 s", check(best <= 1.0)
        figures.append(Figure(
            "Validation", f"validate() {num(n)} sites ({num(len(table.rows))} rows)",
            best, "s", target, status,
            note=f"{num(len(table.rows) / best)} rows/s; {num(summary['errors'])} errors, "
                 f"{num(summary['with_problems'])} rows with errors, "
                 f"{summary['superseded']} superseded",
            details={"rows": len(table.rows), "times_s": times, "generate_s": generated,
                     "summary": summary}))
        del table, report
        gc.collect()


def bench_rendering(plan: Plan, figures: list[Figure], questionnaire: Any, jobs: int) -> dict[str, Any]:
    from impactsheets.report.compose import compose
    from impactsheets.report.parallel import render_many
    from impactsheets.report.template import load_template
    from impactsheets.validation import validate

    template = load_template("default")
    report = validate(generate_table(plan.render_network, seed=0, questionnaire=questionnaire),
                      questionnaire)
    current = report.current
    step = max(1, len(current) // plan.render_sample)
    sample = current[::step][: plan.render_sample]
    tasks = [(i, r) for i, r in enumerate(sample)]
    # The floor's content: the same reports' text, extracted before any timing.
    contents = [floor_content(compose(r, questionnaire, template), template) for r in sample]
    FloorRenderer(template).render(contents[0])  # fonts registered, caches warm
    list(render_many(tasks[:2], None, "default", 1))

    def pipeline_1() -> list[bytes | None]:
        return [pdf for _, pdf, _ in render_many(tasks, None, "default", 1)]

    def pipeline_pool() -> list[bytes | None]:
        return [pdf for _, pdf, _ in render_many(tasks, None, "default", jobs)]

    def floor_1() -> list[bytes]:
        renderer = FloorRenderer(template)
        return [renderer.render(c) for c in contents]

    runs: dict[str, list[CpuWatch]] = {"pipeline": [], "floor": [], "pool": []}
    outputs: dict[str, list[Any]] = {}
    for _ in range(plan.repeats):  # interleaved, so slow phases of the machine hit all three
        for name, func in (("pipeline", pipeline_1), ("floor", floor_1), ("pool", pipeline_pool)):
            gc.collect()
            with CpuWatch() as watch:
                outputs[name] = func()
            runs[name].append(watch)
    n = len(tasks)

    def best(name: str) -> CpuWatch:
        return min(runs[name], key=lambda w: w.wall)

    p, f, pool = best("pipeline"), best("floor"), best("pool")
    p_cpu = min(w.cpu_self for w in runs["pipeline"])
    f_cpu = min(w.cpu_self for w in runs["floor"])
    ratio_cpu = (n / p_cpu) / (n / f_cpu)
    ratio_wall = (n / p.wall) / (n / f.wall)
    speedup = p.wall / pool.wall
    # Load-independent view: CPU the pool spent (workers + parent) for the same reports.
    pool_cpu = pool.cpu_children + pool.cpu_self
    bound = jobs * p_cpu / pool_cpu if pool_cpu else 0.0
    other = max((w.other_cores or 0.0) for ws in runs.values() for w in ws)
    other_best = max(p.other_cores or 0.0, pool.other_cores or 0.0)  # during the runs kept
    noisy = other_best >= 0.3
    failures = sum(pdf is None for pdf in outputs["pipeline"])
    identical = outputs["pipeline"] == outputs["pool"]
    again = [pdf for _, pdf, _ in render_many(tasks[:20], None, "default", 1)]
    deterministic = again == outputs["pipeline"][:20]
    sizes = [len(b) for b in outputs["pipeline"] if b]
    section = f"Rendering ({n} reports sampled from a {num(plan.render_network)}-site network)"
    figures += [
        Figure(section, "Pipeline, 1 process (render_site via render_many, jobs=1)",
               n / p.wall, "reports/s", note=f"CPU-time rate {n / p_cpu:.1f} reports/s per core",
               details={"walls_s": [w.wall for w in runs["pipeline"]],
                        "cpu_s": [w.cpu_self for w in runs["pipeline"]]}),
        Figure(section, "Floor: same content, bare reportlab, 1 process", n / f.wall, "reports/s",
               note=f"CPU-time rate {n / f_cpu:.1f} reports/s per core",
               details={"walls_s": [w.wall for w in runs["floor"]],
                        "cpu_s": [w.cpu_self for w in runs["floor"]]}),
        Figure(section, "Pipeline ÷ floor, per core (CPU time)", ratio_cpu, "×", "≥ 0.7",
               check(ratio_cpu >= 0.7), note=f"wall-clock ratio {ratio_wall:.2f}"),
        Figure(section, f"Pipeline, process pool of {jobs} (render_many, jobs={jobs})",
               n / pool.wall, "reports/s",
               details={"walls_s": [w.wall for w in runs["pool"]],
                        "cpu_children_s": [w.cpu_children for w in runs["pool"]]}),
        Figure(section, f"Speed-up with {jobs} processes (wall clock, same reports)", speedup,
               "×", "≥ 1.7" if jobs == 2 else f"≥ {0.85 * jobs:.1f}",
               check(speedup >= (1.7 if jobs == 2 else 0.85 * jobs)),
               note=(f"other processes used {other_best:.1f} cores during the runs kept: "
                     "speed-up understated, re-run on a quiet machine" if noisy
                     else f"other processes used ≤ {other_best:.1f} core during the runs kept")
               + f"; pool CPU {pool_cpu:.1f} s vs 1 process {p_cpu:.1f} s, so ≤ {bound:.2f}× "
                 f"on {jobs} free cores"),
        Figure(section, "Pool output byte-identical to 1 process; re-render identical",
               "yes" if identical and deterministic else "NO", "", "yes",
               check(identical and deterministic), note=f"{failures} failed renders"),
    ]
    return {"sample_sizes": sizes, "other_cores_max": other}


def bench_syncs(plan: Plan, figures: list[Figure], work: Path, jobs: int) -> dict[str, Any]:
    backend = gsheets_backend_present()
    env = dict(os.environ)
    env.pop("GOOGLE_APPLICATION_CREDENTIALS", None)
    raw: dict[str, Any] = {"backend": "emulator" if backend else "local-file"}
    pdf_sizes: list[int] = []
    where = "Google Sheet on the emulator" if backend else "local .xlsx (emulator backend pending)"
    section = f"Sync ({where}, jobs={jobs})"
    with emulator_or_none(backend) as emu:
        if emu is not None:
            from impactsheets.google.endpoint import EMULATOR_ENV

            env[EMULATOR_ENV] = emu.base_url
        for n in plan.sync_n:
            started = time.perf_counter()
            path = generate_workbook(work / f"network-{n}.xlsx", n, seed=0)
            generated = time.perf_counter() - started
            out = work / f"out-{n}"
            shutil.rmtree(out, ignore_errors=True)
            loaded = None
            if emu is not None:
                key = EMULATOR_KEY.format(n=n)
                started = time.perf_counter()
                emu.load_xlsx(path, key)
                loaded = time.perf_counter() - started
                source = key
            else:
                source = str(path)
            spec = {"config": {"source": source, "output": str(out)}, "jobs": jobs}
            runs = {}
            for label in ("full", "no-change"):
                if emu is not None:
                    emu.reset_requests()
                result = run_child(spec, work, env)
                if emu is not None:
                    log = emu.requests()
                    result["emulator_requests"] = len(log)
                    result["emulator_log"] = [{k: e.get(k) for k in ("method", "path", "status")}
                                              for e in log]
                runs[label] = result
            raw[str(n)] = {"generate_s": generated, "emulator_load_s": loaded, **runs}
            full, again = runs["full"], runs["no-change"]
            s_full, s_again = full["summary"], again["summary"]
            requests_full = full.get("emulator_requests", s_full["api_requests"])
            requests_again = again.get("emulator_requests", s_again["api_requests"])
            biggest = max((r["bytes"] for r in full["requests"] + again["requests"]), default=0)
            size = f"{num(n)} sites"
            pending = emu is None
            if n == max(plan.sync_n) or n == 3_500:
                target_time = "≤ 60 s" if n == 3_500 else ""
                figures.append(Figure(
                    section, f"Full sync, {size} (read, validate, render all, write back)",
                    full["wall_s"], "s", target_time,
                    (PENDING if pending else check(full["wall_s"] <= 60)) if target_time else INFO,
                    note=f"{s_full['rendered']} rendered, {s_full['failed']} failed; "
                         f"{s_full['rendered'] / full['wall_s']:.1f} reports/s end to end; "
                         f"{full['cpu_s']:.0f} CPU-s; other processes used "
                         f"{full['other_cores'] or 0:.1f} cores meanwhile"
                         + ("; local-file sync measured (emulator backend not yet present)"
                            if pending else "")))
                peak_mb, peak_note = peak_memory(full, again)
                figures.append(Figure(
                    section, f"Peak memory, {size} (full and no-change syncs, all processes)",
                    peak_mb, "MB", "≤ 500 MB" if n == 3_500 else "",
                    check(peak_mb <= 500) if n == 3_500 else INFO, note=peak_note))
            else:
                figures.append(Figure(
                    section, f"Full sync, {size}", full["wall_s"], "s",
                    note=f"{s_full['rendered']} rendered, {s_full['failed']} failed; peak "
                         f"{peak_memory(full, again)[0]:.0f} MB"))
            figures.append(Figure(
                section, f"Sheets API requests, full sync, {size}",
                None if pending else requests_full, "", "≤ 3",
                PENDING if pending else check(requests_full <= 3),
                note="local file: no API" if pending else
                f"{s_full['api_requests']} counted by the product's transport"))
            figures.append(Figure(
                section, f"Largest Sheets request body, {size}",
                None if pending else biggest / MB, "MB", "≤ 2 MB",
                PENDING if pending else check(biggest <= 2 * MB),
                note="" if pending else f"{len(full['requests'])} requests sent by the full sync"))
            figures.append(Figure(
                section, f"No-change sync, {size}: time", again["wall_s"], "s", "≤ 5 s",
                PENDING if pending else check(again["wall_s"] <= 5),
                note=f"{s_again['rendered']} rendered, {s_again['skipped']} unchanged; "
                     + ("" if pending else
                        f"{sum(r['wait_s'] for r in again['requests']):.1f} s waiting for the "
                        f"emulator's answers "
                        f"({sum(r['response_bytes'] for r in again['requests']) / MB:.0f} MB); ")
                     + f"other processes used {again['other_cores'] or 0:.1f} cores"
                     + ("; local file (annotated copy rewritten)" if pending else "")))
            figures.append(Figure(
                section, f"No-change sync, {size}: requests / renders",
                f"{'—' if pending else requests_again} / {s_again['rendered']}", "", "≤ 2 / 0",
                PENDING if pending else check(requests_again <= 2 and s_again["rendered"] == 0),
                note="" if not pending else f"renders {check(s_again['rendered'] == 0)}; "
                                           "requests pending"))
            if n == max(plan.sync_n):
                pdf_sizes = [p.stat().st_size for p in (out / "reports").glob("*.pdf")]
    raw["pdf_sizes"] = pdf_sizes  # summarised before writing results.json
    return raw


def peak_memory(full: dict[str, Any], again: dict[str, Any]) -> tuple[float, str]:
    """The larger of the two syncs' peaks: sampled whole-tree PSS, or the main process's
    own peak RSS (VmHWM) when a short peak escaped the sampling (MB = MiB here)."""
    def peak(run: dict[str, Any]) -> float:
        return max(run["peak_tree_pss_kb"], run["maxrss_self_kb"]) / 1024

    note = (f"full sync: main process {full['maxrss_self_kb'] / 1024:.0f} MB (VmHWM), "
            f"largest render worker {full['maxrss_workers_kb'] / 1024:.0f} MB, whole tree "
            f"{full['peak_tree_pss_kb'] / 1024:.0f} MB PSS sampled; no-change sync: main process "
            f"{again['maxrss_self_kb'] / 1024:.0f} MB")
    return max(peak(full), peak(again)), note


def size_figures(figures: list[Figure], sizes: list[int], origin: str) -> None:
    if not sizes:
        return
    median = statistics.median(sizes) / 1024
    figures += [
        Figure("PDF size", f"Median PDF ({num(len(sizes))} reports, {origin})",
               median, "KB", "≤ 60 KB", check(median <= 60)),
        Figure("PDF size", "Largest PDF", max(sizes) / 1024, "KB",
               note=f"p95 {sorted(sizes)[int(len(sizes) * 0.95) - 1] / 1024:.1f} KB"),
    ]


# --------------------------------------------------------------------------- output


def markdown(info: dict[str, Any], figures: list[Figure], plan: Plan, jobs: int,
             elapsed: float) -> str:
    accel = "C accelerator (rl_accel) active" if info["reportlab_c_accelerator"] \
        else "no C accelerator (`rl_accel` not installed: pure-Python fallbacks)"
    lines = [
        f"# impactsheets benchmarks{' (quick)' if plan.quick else ''}",
        "",
        f"- **Machine**: {info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable), "
        f"{info['memory_gb']} GB RAM, {info['os']}",
        f"- **Software**: {info['implementation']} {info['python']}, reportlab "
        f"{info['reportlab']} ({accel}), openpyxl {info['openpyxl']}; commit "
        f"{info['commit'] or '?'}",
        f"- **Run**: `{info['command']}`, {time.strftime('%Y-%m-%d %H:%M')}, {elapsed:.0f} s, "
        f"jobs={jobs}; load average at start {info['loadavg_start'][0]:.2f}; other processes "
        f"used up to {info.get('other_cores_max', 0):.1f} cores during rendering timings",
        "",
        "| Section | Figure | Measured | Target | Result | Notes |",
        "|---|---|---:|---|---|---|",
    ]
    last = None
    for f in figures:
        section = f.section if f.section != last else ""
        last = f.section
        lines.append(f"| {section} | {f.name} | {f.shown()} | {f.target} | {f.status} | "
                     f"{f.note} |")
    passed = sum(f.status == PASS for f in figures)
    failed = [f for f in figures if f.status == FAIL]
    pending = sum(f.status == PENDING for f in figures)
    lines += ["", f"**{passed} pass, {len(failed)} fail, {pending} pending.**"
              + (" Failing: " + "; ".join(f.name for f in failed) + "." if failed else "")]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat (~1 min)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="processes for the pool and the syncs (default: all cores)")
    parser.add_argument("--wait-idle", type=float, default=None, metavar="S",
                        help="wait up to S seconds for other processes to go quiet "
                             "(default 120, quick 0)")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    parser.add_argument("--out", type=Path, default=HERE,
                        help="where results.md/results.json go (default: benchmarks/)")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    started = time.perf_counter()
    info = machine()
    info["command"] = ".venv/bin/python benchmarks/run.py" + (" --quick" if args.quick else "")
    wait = args.wait_idle if args.wait_idle is not None else (0 if args.quick else 120)
    if wait:
        info["other_cores_before"] = wait_for_idle(wait)
    from impactsheets.questionnaire import load_questionnaire

    questionnaire = load_questionnaire()
    figures: list[Figure] = []
    work = args.work or Path(tempfile.mkdtemp(prefix="impactsheets-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    raw: dict[str, Any] = {}
    try:
        print("validation…", file=sys.stderr)
        bench_validation(plan, figures, questionnaire)
        print("rendering…", file=sys.stderr)
        rendering = bench_rendering(plan, figures, questionnaire, args.jobs)
        info["other_cores_max"] = rendering["other_cores_max"]
        print("syncs…", file=sys.stderr)
        raw["sync"] = bench_syncs(plan, figures, work, args.jobs)
        if raw["sync"].get("pdf_sizes"):
            size_figures(figures, raw["sync"]["pdf_sizes"],
                         f"{num(max(plan.sync_n))}-site sync output")
        else:
            size_figures(figures, rendering["sample_sizes"], "rendering sample")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    sizes = raw.get("sync", {}).pop("pdf_sizes", None) or []
    if sizes:
        raw["pdf_sizes"] = {"count": len(sizes), "median": statistics.median(sizes),
                            "max": max(sizes), "min": min(sizes)}
    elapsed = time.perf_counter() - started
    text = markdown(info, figures, plan, args.jobs, elapsed)
    print(text)
    suffix = "-quick" if plan.quick else ""
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"results{suffix}.md").write_text(text, encoding="utf-8")
    (args.out / f"results{suffix}.json").write_text(json.dumps({
        "machine": info, "plan": asdict(plan), "jobs": args.jobs, "elapsed_s": elapsed,
        "figures": [asdict(f) for f in figures], "raw": raw,
    }, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The one benchmark runner: ``.venv/bin/python benchmarks/run.py [--quick] [--only …]``.

Prints a markdown table (machine, every figure with its target, PASS/FAIL and the load
average when it was measured) and writes ``benchmarks/results.md`` and
``benchmarks/results.json`` (``results-<groups>.*`` with ``--only``, ``results-quick.*`` with
``--quick``). See ``benchmarks/README.md`` for what each figure means.

Groups (``--only reads,national``…): reads (the two commands), validation, rendering,
synthesis (the network synthesis of 3,500 sites), sync (350 and 3,500 sites on the
emulator), national (35,000 sites on the emulator).
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
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.floor import (  # noqa: E402
    PAIRED_CHUNK,
    PROBE_REPORTS,
    FloorRenderer,
    floor_content,
    paired_cpu,
    speed_probe,
)
from benchmarks.generate import generate_table  # noqa: E402
from benchmarks.measure import (  # noqa: E402
    FAIL,
    INFO,
    PASS,
    PENDING,
    CpuWatch,
    Figure,
    best_of,
    check,
    num,
    wait_for_idle,
)
from benchmarks.network import bench_synthesis  # noqa: E402
from benchmarks.reads import bench_reads  # noqa: E402
from benchmarks.syncs import bench_syncs  # noqa: E402

GROUPS = ("reads", "validation", "rendering", "synthesis", "sync", "national")


@dataclass
class Plan:
    validation_n: tuple[int, ...]
    render_sample: int
    render_network: int
    sync_n: tuple[int, ...]
    national_n: int
    read_n: int
    repeats: int
    quick: bool


FULL = Plan((350, 3_500, 35_000), 400, 3_500, (350, 3_500), 35_000, 3_500, 3, False)
QUICK = Plan((100, 350, 1_000), 40, 350, (100, 350), 1_000, 350, 1, True)


# --------------------------------------------------------------------------- machine, load


def machine() -> dict[str, Any]:
    from importlib.metadata import version

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
        "openpyxl": version("openpyxl"), "python_calamine": version("python-calamine"),
        "commit": commit,
        "loadavg_start": os.getloadavg(),
    }


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
    # The runner's long-lived objects (the network's validation, earlier groups' data) are
    # frozen, as a sync freezes its own before forking its render workers: a collection
    # walking them would be counted against whichever side allocates more, not its rendering.
    gc.collect()
    gc.freeze()
    try:
        for _ in range(plan.repeats):  # interleaved, so slow phases of the machine hit all three
            for name, func in (("pipeline", pipeline_1), ("floor", floor_1),
                               ("pool", pipeline_pool)):
                gc.collect()
                with CpuWatch() as watch:
                    outputs[name] = func()
                runs[name].append(watch)
        paired = paired_cpu(sample, contents, questionnaire, template, plan.repeats)
    finally:
        gc.unfreeze()
    n = len(tasks)

    def best(name: str) -> CpuWatch:
        return min(runs[name], key=lambda w: w.wall)

    p, f, pool = best("pipeline"), best("floor"), best("pool")
    p_cpu = min(w.cpu_self for w in runs["pipeline"])
    f_cpu = min(w.cpu_self for w in runs["floor"])
    ratio_cpu = paired["floor_s"] / paired["pipeline_s"]
    ratio_runs = (n / p_cpu) / (n / f_cpu)
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
        Figure(section, "Pipeline ÷ floor, per core (CPU time)", ratio_cpu, "×", "≥ 0.85",
               check(ratio_cpu >= 0.85),
               note=f"paired: {n} reports a side, {plan.repeats} times, in alternate chunks of "
                    f"{PAIRED_CHUNK}; {paired['pipeline_s'] / paired['reports'] * 1000:.1f} vs "
                    f"{paired['floor_s'] / paired['reports'] * 1000:.1f} ms of CPU a report. "
                    f"Whole runs, best of each: {ratio_runs:.2f} (CPU), {ratio_wall:.2f} (wall)",
               details=paired),
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
             elapsed: float, groups: tuple[str, ...] = GROUPS) -> str:
    accel = "C accelerator (rl_accel) active" if info["reportlab_c_accelerator"] \
        else "no C accelerator (`rl_accel` not installed: pure-Python fallbacks)"
    lines = [
        f"# impactsheets benchmarks{' (quick)' if plan.quick else ''}"
        + (f" ({', '.join(groups)})" if groups != GROUPS else ""),
        "",
        f"- **Machine**: {info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable), "
        f"{info['memory_gb']} GB RAM, {info['os']}",
        f"- **Software**: {info['implementation']} {info['python']}, reportlab "
        f"{info['reportlab']} ({accel}), python-calamine {info['python_calamine']}, openpyxl "
        f"{info['openpyxl']}; commit "
        f"{info['commit'] or '?'}",
        f"- **Run**: `{info['command']}`, {time.strftime('%Y-%m-%d %H:%M')}, {elapsed:.0f} s, "
        f"jobs={jobs}; load average at start {info['loadavg_start'][0]:.2f}; other processes "
        f"used up to {info.get('other_cores_max', 0):.1f} cores during rendering timings; "
        f"load average at the end {info['loadavg_end'][0]:.2f}",
        *([speed_line(info["speed_ms"])] if info.get("speed_ms") else []),
        "",
        "Load: the 1-minute load average (`uptime`) when the figure was measured; the machine "
        "has 2 cores, so a load above 2 means other processes were competing.",
        "",
        "| Section | Figure | Measured | Target | Result | Load | Notes |",
        "|---|---|---:|---|---|---:|---|",
    ]
    last = None
    for f in figures:
        section = f.section if f.section != last else ""
        last = f.section
        lines.append(f"| {section} | {f.name} | {f.shown()} | {f.target} | {f.status} | "
                     f"{f.load:.1f} | {f.note} |")
    passed = sum(f.status == PASS for f in figures)
    failed = [f for f in figures if f.status == FAIL]
    pending = sum(f.status == PENDING for f in figures)
    lines += ["", f"**{passed} pass, {len(failed)} fail, {pending} pending.**"
              + (" Failing: " + "; ".join(f.name for f in failed) + "." if failed else "")]
    return "\n".join(lines) + "\n"


def speed_line(speeds: dict[str, float]) -> str:
    """The machine-speed probes of a run, in the order taken.

    >>> speed_line({"reads": 18.24, "sync": 24.1, "end": 24.0}).split(": ")[-1]
    'reads 18.2, sync 24.1, end 24.0'
    """
    taken = ", ".join(f"{name} {ms:.1f}" for name, ms in speeds.items())
    return (f"- **Machine speed** (CPU ms a report of the same {PROBE_REPORTS} bare-reportlab "
            f"reports, taken before each group; higher = slower machine): {taken}")


def parse_groups(text: str) -> tuple[str, ...]:
    """``--only``: a comma-separated list of groups, kept in the runner's order.

    >>> parse_groups("national,reads")
    ('reads', 'national')
    """
    wanted = {g.strip() for g in text.split(",") if g.strip()}
    unknown = wanted - set(GROUPS)
    if unknown or not wanted:
        raise argparse.ArgumentTypeError(f"choose among {', '.join(GROUPS)}")
    return tuple(g for g in GROUPS if g in wanted)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat (~1 min)")
    parser.add_argument("--only", type=parse_groups, default=GROUPS, metavar="GROUPS",
                        help=f"run only these groups, comma-separated: {', '.join(GROUPS)}")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="processes for the pool and the syncs (default: all cores)")
    parser.add_argument("--wait-idle", type=float, default=None, metavar="S",
                        help="wait up to S seconds for other processes to go quiet "
                             "(default 120, quick 0)")
    parser.add_argument("--no-render", action="store_true",
                        help="sync and national groups: syncs without rendering the reports "
                             "(read, validate, write back; said so in the figures)")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    parser.add_argument("--out", type=Path, default=HERE,
                        help="where results.md/results.json go (default: benchmarks/)")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    groups: tuple[str, ...] = args.only
    started = time.perf_counter()
    info = machine()
    info["command"] = " ".join([".venv/bin/python benchmarks/run.py"]
                               + (["--quick"] if args.quick else [])
                               + ([f"--only {','.join(groups)}"] if groups != GROUPS else [])
                               + (["--no-render"] if args.no_render else []))
    wait = args.wait_idle if args.wait_idle is not None else (0 if args.quick else 120)
    if wait:
        info["other_cores_before"] = wait_for_idle(wait)
    from impactsheets.questionnaire import load_questionnaire

    questionnaire = load_questionnaire()
    figures: list[Figure] = []
    work = args.work or Path(tempfile.mkdtemp(prefix="impactsheets-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    raw: dict[str, Any] = {}
    speeds: dict[str, float] = info.setdefault("speed_ms", {})

    def probe(group: str) -> None:
        speeds[group] = speed_probe()
        print(f"  machine speed: {speeds[group]:.1f} CPU ms a probe report", file=sys.stderr)

    sizes: list[int] = []
    origin = ""
    try:
        if "reads" in groups:
            probe("reads")
            print("commands…", file=sys.stderr)
            raw["reads"] = bench_reads(figures, work, plan.read_n, runs=3 if plan.quick else 9)
        if "validation" in groups:
            probe("validation")
            print("validation…", file=sys.stderr)
            bench_validation(plan, figures, questionnaire)
        if "rendering" in groups:
            probe("rendering")
            print("rendering…", file=sys.stderr)
            rendering = bench_rendering(plan, figures, questionnaire, args.jobs)
            info["other_cores_max"] = rendering["other_cores_max"]
            sizes, origin = rendering["sample_sizes"], "rendering sample"
        if "synthesis" in groups:
            probe("synthesis")
            print("network synthesis…", file=sys.stderr)
            raw["synthesis"] = bench_synthesis(figures, questionnaire, work,
                                               plan.render_network, plan.repeats)
        if "sync" in groups:
            probe("sync")
            print("syncs…", file=sys.stderr)
            raw["sync"] = bench_syncs(plan.sync_n, figures, work, args.jobs,
                                      render=not args.no_render)
            sizes = raw["sync"][str(max(plan.sync_n))].pop("pdf_sizes")
            origin = f"{num(max(plan.sync_n))}-site sync output"
        if "national" in groups:
            probe("national")
            print(f"national sync ({num(plan.national_n)} sites)…", file=sys.stderr)
            raw["national"] = bench_syncs((plan.national_n,), figures, work, args.jobs,
                                          "National scale", render=not args.no_render)
            national_sizes = raw["national"][str(plan.national_n)].pop("pdf_sizes")
            if not sizes:
                sizes, origin = national_sizes, f"{num(plan.national_n)}-site sync output"
        if sizes:
            size_figures(figures, sizes, origin)
        probe("end")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    for part in ("sync", "national"):
        for run in raw.get(part, {}).values():
            if isinstance(run, dict):
                run.pop("pdf_sizes", None)
    if sizes:
        raw["pdf_sizes"] = {"count": len(sizes), "median": statistics.median(sizes),
                            "max": max(sizes), "min": min(sizes)}
    info["loadavg_end"] = os.getloadavg()
    elapsed = time.perf_counter() - started
    text = markdown(info, figures, plan, args.jobs, elapsed, groups)
    print(text)
    suffix = ("-quick" if plan.quick else "") + ("" if groups == GROUPS else "-" + "-".join(groups))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"results{suffix}.md").write_text(text, encoding="utf-8")
    (args.out / f"results{suffix}.json").write_text(json.dumps({
        "machine": info, "plan": asdict(plan), "groups": groups, "jobs": args.jobs,
        "elapsed_s": elapsed, "figures": [asdict(f) for f in figures], "raw": raw,
    }, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Command figures: ``impactsheets --help`` and ``impactsheets validate`` of an .xlsx, timed as
whole processes (start-up included), the way a user runs them.

Each command runs ``runs`` times, interleaved with the others so that a slow moment of the
machine hits all of them; the figures are medians of wall time and of CPU time (user +
system, from the operating system's accounting of the finished child). "Beyond start-up" is
the validate command's median minus the ``--help`` median (interpreter, click and the CLI).
The workbook keeps its text in shared strings, as a workbook downloaded from Google Sheets
does; the same cells written inline (openpyxl's way) are timed beside it, for information.

>>> median_of([3.0, 1.0, 2.0])
2.0
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import impactsheets
from benchmarks.generate import generate_workbook
from benchmarks.measure import INFO, Figure, best_of, check, num

READ_N = 3_500


def median_of(values: list[float]) -> float:
    return statistics.median(values)


def command() -> list[str]:
    """The installed ``impactsheets`` entry point next to this interpreter, else ``-m``."""
    script = Path(sys.executable).parent / "impactsheets"
    return [str(script)] if script.exists() else [sys.executable, "-m", "impactsheets.cli"]


def timed_run(argv: list[str]) -> tuple[float, float, int]:
    """(wall s, CPU s, exit code) of one whole process."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, process.returncode


def bench_reads(figures: list[Figure], work: Path, n: int = READ_N, runs: int = 9) -> dict[str, Any]:
    from impactsheets.questionnaire import load_questionnaire
    from impactsheets.sources import read_table
    from impactsheets.validation import validate

    path = generate_workbook(work / f"reads-{n}.xlsx", n, seed=0)
    inline = generate_workbook(work / f"reads-{n}-inline.xlsx", n, seed=0, shared_strings=False)
    cli = command()
    commands = {"python": [sys.executable, "-c", "pass"], "help": [*cli, "--help"],
                "validate": [*cli, "validate", str(path)],
                "inline": [*cli, "validate", str(inline)]}
    # Bytecode as an installed tool has it (pip compiles at install): written here even where
    # PYTHONDONTWRITEBYTECODE is set, which would have every timed process compile the
    # modules changed since their .pyc was written.
    compileall.compile_dir(str(Path(impactsheets.__file__).parent), quiet=1)
    for argv in commands.values():  # warm the page cache
        timed_run(argv)
    measured: dict[str, dict[str, list[float]]] = {k: {"wall": [], "cpu": []} for k in commands}
    codes = set()
    for _ in range(runs):
        for name, argv in commands.items():
            wall, cpu, code = timed_run(argv)
            measured[name]["wall"].append(wall)
            measured[name]["cpu"].append(cpu)
            if name in ("validate", "inline"):
                codes.add(code)
    med = {name: {k: median_of(v) for k, v in m.items()} for name, m in measured.items()}
    questionnaire = load_questionnaire()
    read_s, table, _ = best_of(3, lambda: read_table(path))
    validate_s, _, _ = best_of(3, lambda: validate(table, questionnaire))
    section = "Commands (whole processes, start-up included)"
    beyond = med["validate"]["wall"] - med["help"]["wall"]
    beyond_cpu = med["validate"]["cpu"] - med["help"]["cpu"]
    figures += [
        Figure(section, "`impactsheets --help`", med["help"]["wall"], "s", "≤ 0.3 s",
               check(med["help"]["wall"] <= 0.3),
               note=f"median of {runs}; CPU {med['help']['cpu']:.3f} s; the bare interpreter "
                    f"(`python -c pass`) {med['python']['wall']:.3f} s wall"),
        Figure(section, f"`impactsheets validate` of a {num(n)}-site .xlsx, beyond start-up",
               beyond, "s", "≤ 0.5 s", check(beyond <= 0.5),
               note=f"whole command {med['validate']['wall']:.3f} s wall, "
                    f"{med['validate']['cpu']:.3f} CPU-s (beyond start-up {beyond_cpu:.3f} "
                    f"CPU-s); in one process: read_table {read_s:.3f} s, validate() "
                    f"{validate_s:.3f} s; {num(len(table.rows))} rows; exit codes "
                    f"{sorted(codes)}"),
        Figure(section, f"read_table of the {num(n)}-site .xlsx (python-calamine)", read_s, "s",
               "", INFO, note=f"best of 3; file {path.stat().st_size / 1e6:.1f} MB, text in "
                              "shared strings as Google Sheets' download and Excel write it"),
        Figure(section, "the same, text written inline in the cells (as openpyxl writes it), "
                        "beyond start-up", med["inline"]["wall"] - med["help"]["wall"], "s", "",
               INFO, note=f"whole command {med['inline']['wall']:.3f} s wall; sheet part about "
                          "four times larger to parse; same cells, same problems"),
    ]
    return {"runs": measured, "medians": med, "read_s": read_s, "validate_s": validate_s}

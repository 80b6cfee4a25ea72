#!/usr/bin/env python3
"""Run the robustness and security suites and print the figures a reader can quote.

    .venv/bin/python tests/robustness/figures.py            # ~2 minutes
    IMPACTSHEETS_SOAK_KILLS=200 .venv/bin/python tests/robustness/figures.py   # longer soak

Counts come from what the tests record while they run (``figures_log.record``) and from
pytest's own outcomes; known bugs (strict xfail tests) are listed, not hidden.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import textwrap
from collections import Counter
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


class Outcomes:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.xfailed: list[str] = []
        self.failed: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            if hasattr(report, "wasxfail"):
                self.counts["xfailed" if report.skipped else "xpassed"] += 1
                self.xfailed.append(f"{report.nodeid.split('::', 1)[1]}: {report.wasxfail}")
            else:
                self.counts[report.outcome] += 1
                if report.failed:
                    self.failed.append(report.nodeid)


def main() -> int:
    log = Path(tempfile.mkstemp(prefix="impactsheets-figures-", suffix=".jsonl")[1])
    os.environ["IMPACTSHEETS_FIGURES_LOG"] = str(log)
    os.chdir(ROOT)
    outcomes = Outcomes()
    security = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_security_*.py"))
    code = pytest.main(["-q", "-p", "no:cacheprovider", "--no-header", "-o", "addopts=",
                        str(HERE.relative_to(ROOT)), *security], plugins=[outcomes])
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]
    log.unlink()
    by_kind: dict[str, list[dict]] = {}
    for r in records:
        by_kind.setdefault(r["kind"], []).append(r)
    faults = by_kind.get("fault", [])
    fault_table = Counter((f["call"], f["fault"]) for f in faults)
    outcomes_by = Counter(f["outcome"] for f in faults)
    kills = by_kind.get("kill", [])
    commands = Counter(k.get("command", "sync.py") for k in kills)
    cells = by_kind.get("answer_cells", [])
    changed = sum(r.get("answer_cells_changed", 0) for r in cells)
    checked = sum(r.get("answer_cells", 0) for r in cells)
    properties = Counter(r["name"] for r in by_kind.get("property", []))
    shared = by_kind.get("ownership", [])
    checks = by_kind.get("ownership_check", [])
    leaks = (outcomes.failed and [f for f in outcomes.failed if "security" in f]) or []
    env = by_kind.get("env_fault", [])
    env_codes = Counter(str(r["exit"]) for r in env)
    tracebacks = sum(bool(r.get("traceback")) for r in records)
    survivors = sum(r.get("survivors", 0) for r in kills)
    leftovers = sum(r.get("leftovers", 0) for r in records)
    lines = [
        "impactsheets robustness figures",
        "=" * 31,
        f"bad inputs tried (corpus cases, end to end)   {len(by_kind.get('bad_input', []))}",
        f"property-based examples run                   {sum(properties.values())} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(properties.items()))})",
        f"faults injected                               {len(faults)}",
    ]
    for call in ("read", "write-back", "drive-upload"):
        kinds = {k: n for (c, k), n in fault_table.items() if c == call}
        lines.append(f"  {call:<13} {', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}")
    lines += [
        f"  outcomes: {', '.join(f'{k} {v}' for k, v in sorted(outcomes_by.items()))}",
        f"definition cases (questionnaire, template)    {len(by_kind.get('definition', []))}",
        f"environment faults (state, disk, lock…)       {len(env)}",
        *textwrap.wrap(", ".join(sorted(r["case"] for r in env)), 96, initial_indent="  ",
                       subsequent_indent="  "),
        "  exit codes: " + ", ".join(f"{k} ×{v}" for k, v in sorted(env_codes.items(),
                                                                   key=lambda i: int(i[0]))),
        f"kill points tried (SIGKILL)                   {len(kills)} "
        f"({', '.join(f'{n} of {c}' for c, n in sorted(commands.items()))}; "
        f"{sum(k['killed'] for k in kills)} killed mid-run, "
        f"{sum(bool(k.get('workers')) and k['killed'] for k in kills)} while rendering in "
        f"worker processes)",
        f"runs converged after a fault or a kill        "
        f"{len(by_kind.get('kill_converged', [])) + sum(f['converged'] for f in faults)}"
        f" / {len(kills) + len(faults)}",
        f"shared-sheet scenarios (ours by our marks)    {len(shared)} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(Counter(r['backend'] for r in shared).items()))})"
        f"; cells changed outside ours {sum(r['changed'] for r in checks)}, "
        f"marks misplaced {sum(r['misplaced'] for r in checks)}  (must be 0)",
        f"answer cells checked / changed                {checked} / {changed}  (must be 0)",
        f"secrets leaked                                {len(leaks)}  (must be 0)",
        f"tracebacks shown                              {tracebacks}  (must be 0)",
        f"processes surviving a killed run              {survivors}  (must be 0)",
        f"temporary files left behind                   {leftovers}  (must be 0)",
        f"tests: {', '.join(f'{k} {v}' for k, v in sorted(outcomes.counts.items()))}",
    ]
    if outcomes.xfailed:
        lines.append(f"known bugs (strict xfail, to fix): {len(outcomes.xfailed)}")
        lines += [f"  - {x}" for x in outcomes.xfailed]
    if outcomes.failed:
        lines.append("FAILED: " + ", ".join(outcomes.failed))
    print("\n".join(lines))
    broken = sum(r["changed"] + r["misplaced"] for r in checks)
    return int(code != 0 or changed != 0 or bool(leaks) or tracebacks != 0 or survivors != 0
               or leftovers != 0 or broken != 0)


if __name__ == "__main__":
    sys.exit(main())

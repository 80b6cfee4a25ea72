"""The network view at scale: the synthesis of a 3,500-site network (group ``synthesis``).

Times, from the validation report (as the sync has it): the tidy frame, the figures
(:func:`network_stats`), the synthesis PDF, the per-site comparison lines, and the whole
``impactsheets synthesis`` command as a process (read the workbook, validate, write the PDF).
Run alone with ``.venv/bin/python benchmarks/run.py --only synthesis``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.generate import generate_table, generate_workbook
from benchmarks.measure import INFO, Figure, best_of, check, num

SECTION = "Network synthesis"


def bench_synthesis(figures: list[Figure], questionnaire: Any, work: Path, n: int,
                    repeats: int) -> dict[str, Any]:
    from impactsheets.network.comparison import comparison_from
    from impactsheets.network.frame import network_frames
    from impactsheets.network.stats import network_stats
    from impactsheets.network.synthesis import synthesis_pdf
    from impactsheets.network.wording import load_wording
    from impactsheets.report.template import load_template
    from impactsheets.validation import validate

    report = validate(generate_table(n, seed=0, questionnaire=questionnaire), questionnaire)
    template = load_template("default")
    wording = load_wording(template)
    synthesis_pdf(report, questionnaire, template)  # fonts registered, modules imported

    def whole() -> bytes:
        return synthesis_pdf(report, questionnaire, template,
                             network_stats(report, questionnaire, wording))

    best, pdf, times = best_of(repeats, whole)
    frame_s, _, _ = best_of(repeats, lambda: network_frames(report, questionnaire))
    stats_s, stats, _ = best_of(repeats, lambda: network_stats(report, questionnaire, wording))
    pdf_s, _, _ = best_of(repeats, lambda: synthesis_pdf(report, questionnaire, template, stats))
    comparison = comparison_from(stats, wording, template, questionnaire)
    assert comparison is not None
    lines_s, _, _ = best_of(repeats, lambda: [comparison.lines(r) for r in report.current])
    pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page")
    sites = len(report.current)
    figures.append(Figure(
        SECTION, f"Synthesis of {num(sites)} sites (figures + PDF, from the validation report)",
        best, "s", "≤ 5 s", check(best <= 5.0),
        note=f"frame {frame_s:.2f} s, figures {stats_s:.2f} s (frame included), PDF "
             f"{pdf_s:.2f} s", details={"times_s": times, "sites": sites}))
    figures.append(Figure(SECTION, f"Synthesis PDF size, {num(sites)} sites", len(pdf) / 1000,
                          "KB", "≤ 300 KB", check(len(pdf) <= 300_000),
                          note=f"{pages} pages, vector charts"))
    figures.append(Figure(SECTION, f"Comparison lines of {num(sites)} site reports", lines_s,
                          "s", "", INFO, note="what the sync adds to each site's fingerprint"))
    source = generate_workbook(work / f"network-{n}.xlsx", n, seed=0, questionnaire=questionnaire)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "impactsheets.cli", "synthesis", str(source),
                           "--out", str(work / "synthesis")], capture_output=True, text=True)
    command_s = time.perf_counter() - started
    figures.append(Figure(SECTION, f"'impactsheets synthesis' on a {num(sites)}-site .xlsx "
                          "(process: start, read, validate, write)", command_s, "s", "", INFO,
                          note="exit code " + str(done.returncode)))
    return {"best_s": best, "pdf_bytes": len(pdf), "frame_s": frame_s, "stats_s": stats_s,
            "pdf_s": pdf_s, "lines_s": lines_s, "command_s": command_s, "pages": pages}

"""The benchmark generator makes a valid, deterministic Google-Forms-shaped workbook (no timings)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_table, generate_workbook  # noqa: E402
from impactsheets.sources import read_table  # noqa: E402
from impactsheets.validation import validate  # noqa: E402


def test_generated_workbook_reads_back_and_validates(tmp_path: Path, questionnaire) -> None:
    path = generate_workbook(tmp_path / "network.xlsx", 120, seed=3, error_rate=0.2)
    table = read_table(path)
    assert table.rows == generate_table(120, seed=3, error_rate=0.2).rows  # same in memory
    report = validate(table, questionnaire)
    codes = {p.code for p in report.problems}
    assert not codes & {"missing-column", "extra-column", "duplicate-column"}
    summary = report.summary()
    assert summary["responses"] - summary["superseded"] == 120  # one current response per site
    assert 0.1 <= summary["with_problems"] / 120 <= 0.35  # about error_rate rows with errors
    long_comments = [c for row in table.rows for c in row.cells if isinstance(c, str)
                     and len(c) > 1500]
    assert long_comments


def test_generated_workbook_keeps_its_text_in_shared_strings(tmp_path: Path) -> None:
    import zipfile

    shared = generate_workbook(tmp_path / "shared.xlsx", 30, seed=2)
    inline = generate_workbook(tmp_path / "inline.xlsx", 30, seed=2, shared_strings=False)
    with zipfile.ZipFile(shared) as book:
        assert b't="inlineStr"' not in book.read("xl/worksheets/sheet1.xml")
        assert b"<si>" in book.read("xl/sharedStrings.xml")
    with zipfile.ZipFile(inline) as book:
        assert "xl/sharedStrings.xml" not in book.namelist()
    assert read_table(shared).rows == read_table(inline).rows  # the same cells either way


def test_generator_is_deterministic_per_seed() -> None:
    assert generate_table(50, seed=7).rows == generate_table(50, seed=7).rows
    assert generate_table(50, seed=7).rows != generate_table(50, seed=8).rows


def test_runner_groups_and_request_rate() -> None:
    import argparse

    import pytest

    from benchmarks.run import parse_groups
    from benchmarks.syncs import requests_per_minute

    assert parse_groups("national") == ("national",)
    assert parse_groups("national, reads") == ("reads", "national")  # the runner's order
    with pytest.raises(argparse.ArgumentTypeError, match="choose among reads, validation"):
        parse_groups("nationale")
    # 61 requests spread over 61 s: never more than 60 within one minute
    assert requests_per_minute([float(t) for t in range(61)]) == 60
    assert requests_per_minute([0.0, 0.5, 59.9, 60.0, 119.0]) == 3
    assert requests_per_minute([]) == 0


def test_the_runner_records_the_machine_speed_before_each_group(tmp_path: Path) -> None:
    """A quick run writes its figures and, before each group and at the end, the machine-speed
    probe (the same bare-reportlab reports), so a slow moment of the machine shows as such."""
    import json
    import subprocess

    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick",
                           "--only", "validation", "--out", str(tmp_path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    results = json.loads((tmp_path / "results-quick-validation.json").read_text(encoding="utf-8"))
    assert list(results["machine"]["speed_ms"]) == ["validation", "end"]
    text = (tmp_path / "results-quick-validation.md").read_text(encoding="utf-8")
    line = next(li for li in text.splitlines() if li.startswith("- **Machine speed**"))
    shown = line.split("): ")[1]
    assert shown == ", ".join(f"{group} {ms:.1f}"
                              for group, ms in results["machine"]["speed_ms"].items())
    assert "| Validation | validate() 100 sites (100 rows) |" in text

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


def test_generator_is_deterministic_per_seed() -> None:
    assert generate_table(50, seed=7).rows == generate_table(50, seed=7).rows
    assert generate_table(50, seed=7).rows != generate_table(50, seed=8).rows

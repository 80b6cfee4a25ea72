"""The demo end to end: the annotated workbook read back with openpyxl."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from impactsheets.cli import main
from impactsheets.feedback import COLOURS, NOTE_MARK, problems_title
from impactsheets.feedback.workbook import sheet_title
from impactsheets.pipeline import EXAMPLE_WORKBOOK
from impactsheets.resources import data_path

EXAMPLE = data_path("examples", EXAMPLE_WORKBOOK)

# (cell, severity, code) of every problem of the example workbook, found by hand.
EXPECTED_MARKS = {
    "AX1": "info", "F7": "error", "G7": "error", "O7": "error", "R7": "error", "E8": "error",
    "U8": "error", "R9": "error", "B9": "warning", "C10": "error", "AI10": "error",
    "AW10": "error", "M12": "error", "AG12": "error", "AK12": "warning", "AN12": "error",
}


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    original = EXAMPLE.read_bytes()
    result = CliRunner().invoke(main, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert EXAMPLE.read_bytes() == original  # the bundled workbook is never modified
    return out


def test_demo_writes_the_json_report(demo_dir: Path) -> None:
    data = json.loads((demo_dir / "validation.json").read_text(encoding="utf-8"))
    assert {p["code"] for p in data["problems"]} >= {
        "missing-answer", "missing-conditional-answer", "not-a-number", "out-of-range",
        "unknown-choice", "exclusive-choice", "too-long", "invalid-email", "invalid-date",
        "blank-row", "duplicate-site", "not-asked", "invalid-format", "extra-column"}


def test_annotated_workbook_marks_exactly_the_problem_cells(demo_dir: Path) -> None:
    book = load_workbook(demo_dir / "responses-annotated.xlsx")
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    status_col = headers.index("Statut") + 1
    marked = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.column >= status_col:
                continue
            if cell.fill.fill_type == "solid" or cell.comment is not None:
                marked[cell.coordinate] = cell
    assert set(marked) == set(EXPECTED_MARKS)
    for coordinate, severity in EXPECTED_MARKS.items():
        cell = marked[coordinate]
        assert cell.fill.start_color.rgb.endswith(COLOURS[severity]), coordinate
        assert cell.comment.text.startswith(NOTE_MARK)
    assert "« ?? » n’en est pas un" in marked["R7"].comment.text


def test_answer_cells_are_identical_to_the_input(demo_dir: Path) -> None:
    before = load_workbook(EXAMPLE).worksheets[0]
    after = load_workbook(demo_dir / "responses-annotated.xlsx").worksheets[0]
    width = before.max_column
    for row_before, row_after in zip(before.iter_rows(), after.iter_rows(), strict=False):
        assert [c.value for c in row_before] == [c.value for c in row_after][:width]
    assert after.max_row == before.max_row


def test_status_columns_and_problems_sheet(demo_dir: Path) -> None:
    book = load_workbook(demo_dir / "responses-annotated.xlsx")
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[-2:] == ["Statut", "Problèmes"]
    status = {row[0].row: row[len(headers) - 2].value for row in sheet.iter_rows(min_row=2)}
    assert status[2] == "OK"
    assert status[7] == "4 erreurs"
    assert status[9] == "Remplacée par la ligne 16"
    assert status[11] == "Ligne vide"
    assert status[12] == "3 erreurs, 1 avertissement"
    problems = book[sheet_title(problems_title(book.worksheets[0].title))]
    rows = list(problems.iter_rows(values_only=True))
    assert rows[0] == ("Ligne", "Cellule", "Lieu", "Question", "Code", "Gravité", "Valeur",
                       "Message")
    assert len(rows) - 1 == 17
    assert rows[5][:3] == (7, "R7", "L'Usine à Projets")


def test_problems_sheet_has_a_filter_wrapped_text_and_a_frozen_header(demo_dir: Path) -> None:
    book = load_workbook(demo_dir / "responses-annotated.xlsx")
    problems = book[sheet_title(problems_title(book.worksheets[0].title))]
    assert problems.auto_filter.ref == f"A1:H{problems.max_row}"
    assert problems.freeze_panes == "A2"
    assert all(c.alignment.wrap_text for row in problems.iter_rows(min_row=2) for c in row)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    column = headers.index("Problèmes") + 1
    cell = sheet.cell(row=7, column=column)
    assert cell.value.count("\n") == 3 and cell.alignment.wrap_text  # 4 problems, one a line


def test_demo_json_output(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["summary"]["responses"] == 14
    assert str(tmp_path / "responses-annotated.xlsx") in data["files"]


def test_demo_says_which_reports_failed_and_exits_6(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A report that cannot be drawn is named, not counted as written."""
    import impactsheets.report as report

    real = report.render_site

    def failing(response, *args, **kwargs):  # type: ignore[no-untyped-def]
        if response.site == "Arsenal":
            raise RuntimeError("drawing failed")
        return real(response, *args, **kwargs)

    monkeypatch.setattr(report, "render_site", failing)
    result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 6, result.output
    assert "failed: Arsenal (row 6): " in result.stderr
    assert f"wrote 12 reports in {tmp_path / 'reports'} (4 provisional)\n" in result.stderr
    assert not (tmp_path / "reports" / "arsenal.pdf").exists()

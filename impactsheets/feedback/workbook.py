"""Write an annotated copy of a response workbook: fills, comments, status columns, a problems sheet.

The original file is never modified and answer cells keep their values; only our own columns,
fills, comments and the problems sheet are added to the copy.

>>> import tempfile
>>> from impactsheets.pipeline import EXAMPLE_WORKBOOK, validate_source
>>> from impactsheets.resources import data_path
>>> source = data_path("examples", EXAMPLE_WORKBOOK)
>>> table, report = validate_source(source)
>>> out = Path(tempfile.mkdtemp()) / "annotated.xlsx"
>>> annotate_workbook(source, report, out, table) == out
True
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from impactsheets.errors import SourceError
from impactsheets.feedback import (
    COLOURS,
    PROBLEMS_SHEET_HEADERS,
    ToolColumns,
    cell_marks,
    problem_rows,
    problems_title,
    status_by_row,
    status_severity,
)
from impactsheets.files import atomic_file
from impactsheets.sources import WORKBOOKS, Table, header_row_of
from impactsheets.sources.xlsx import PROBLEMS_MARK, mark_name, marked_columns
from impactsheets.validation import ValidationReport

_WRAPPED = Alignment(wrap_text=True, vertical="top")


def xlsx_safe(text: str) -> str:
    r"""Text that an XLSX cell can hold: a vertical tab (Excel's line break) becomes a line
    break, other control characters are removed (the source file itself is never changed).

    >>> xlsx_safe("Ly\x0bon\x07")
    'Ly\non'
    """
    return ILLEGAL_CHARACTERS_RE.sub("", text.replace("\x0b", "\n"))


def _set_text(sheet: Worksheet, row: int, column: int, value: object) -> None:
    """Write a value as literal text (never a formula, whatever its first character)."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        value = xlsx_safe(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def _tool_columns(sheet: Worksheet, table: Table, keys: list[str], titles: ToolColumns
                  ) -> dict[str, int]:
    """1-based columns of our ``keys``: the marked ones, else new marked columns at the right
    end (a column titled like ours but not marked is someone else's and is left alone)."""
    columns = marked_columns(sheet.defined_names)
    next_free = max(len(table.headers), sheet.max_column, *columns.values()) + 1
    header_row = header_row_of(table)
    for key in keys:
        if key not in columns:
            columns[key], next_free = next_free, next_free + 1
            letter = get_column_letter(columns[key])
            sheet.defined_names[mark_name(key)] = DefinedName(
                mark_name(key), attr_text=f"{quote_sheetname(sheet.title)}!${letter}:${letter}")
        _set_text(sheet, header_row, columns[key], titles.title(key))
        sheet.cell(row=header_row, column=columns[key]).font = Font(bold=True)
    return columns


def sheet_title(text: str) -> str:
    """A worksheet title Excel accepts: at most 31 characters, none of ``[]:*?/\\``.

    >>> sheet_title("Problèmes — Réponses au formulaire 1")
    'Problèmes — Réponses au formula'
    """
    return re.sub(r"[\[\]:*?/\\]", "-", text)[:31]


def _write_problems_sheet(book: Workbook, report: ValidationReport, answers: str) -> None:
    for old in [ws for ws in book.worksheets if PROBLEMS_MARK in ws.defined_names]:
        book.remove(old)  # ours, known by its mark (a tab of the same title is left alone)
    sheet = book.create_sheet(sheet_title(problems_title(answers)))
    for column, header in enumerate(PROBLEMS_SHEET_HEADERS, start=1):
        _set_text(sheet, 1, column, header)
        sheet.cell(row=1, column=column).font = Font(bold=True)
    for row, values in enumerate(problem_rows(report), start=2):
        for column, value in enumerate(values, start=1):
            _set_text(sheet, row, column, value)
    for letter, width in zip("ABCDEFGH", (7, 8, 28, 40, 24, 14, 30, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = _WRAPPED
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(PROBLEMS_SHEET_HEADERS))}{sheet.max_row}"
    sheet.defined_names[PROBLEMS_MARK] = DefinedName(
        PROBLEMS_MARK, attr_text=f"{quote_sheetname(sheet.title)}!$A$1")


def _workbook_from_table(table: Table) -> tuple[Workbook, Worksheet]:
    """A new workbook holding the table's cells where they are in the sheet (CSV sources)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Réponses"
    for column, header in enumerate(table.headers, start=1):
        _set_text(sheet, header_row_of(table), column, header)
    for row in table.rows:
        for column, value in enumerate(row.cells, start=1):
            if value is not None:
                _set_text(sheet, row.number, column, value)
    return book, sheet


def annotate_workbook(source: Path, report: ValidationReport, out: Path, table: Table,
                      worksheet: str | None = None, links: dict[int, str] | None = None,
                      titles: ToolColumns | None = None) -> Path:
    """Save an annotated copy of ``source`` at ``out`` (atomically) and return ``out``.

    ``links`` maps a sheet row to its report's link, written in a "Rapport PDF" column. Our
    columns carry a worksheet-scoped defined name (:func:`mark_name`): Excel keeps it on the
    column when columns move, and later runs find our columns by it, never by their title.
    """
    if source.suffix.lower() in WORKBOOKS:
        try:
            book = load_workbook(source)
        except Exception as exc:  # openpyxl raises many kinds on a corrupt file
            raise SourceError(f"{source}: cannot open the workbook to annotate it ({exc})") from None
        sheet = book[worksheet] if worksheet else book.worksheets[0]
    else:
        book, sheet = _workbook_from_table(table)
    keys = ["status", "problems"] + (["report"] if links is not None else [])
    columns = _tool_columns(sheet, table, keys, titles or ToolColumns())
    for row, link in (links or {}).items():
        _set_text(sheet, row, columns["report"], link)
    for (row, column), mark in cell_marks(report.problems).items():
        if column in columns.values():
            continue  # never mark our own columns as answers
        cell = sheet.cell(row=row, column=column)
        colour = COLOURS[mark.severity]
        if cell.fill is None or cell.fill.fill_type != "solid":  # a coordinator's fill stays
            cell.fill = PatternFill(fill_type="solid", start_color=colour, end_color=colour)
        previous = cell.comment.text + "\n\n" if cell.comment else ""
        cell.comment = Comment(xlsx_safe(previous + mark.note), "impactsheets", width=320,
                               height=140)
    for row, (status, problems) in status_by_row(report).items():
        _set_text(sheet, row, columns["status"], status)
        _set_text(sheet, row, columns["problems"], problems)
        sheet.cell(row=row, column=columns["problems"]).alignment = _WRAPPED
        if status != "OK":
            colour = COLOURS[status_severity(status)]
            sheet.cell(row=row, column=columns["status"]).fill = PatternFill(
                fill_type="solid", start_color=colour, end_color=colour)
    _write_problems_sheet(book, report, sheet.title)
    with atomic_file(out) as handle:
        book.save(handle)
    return out

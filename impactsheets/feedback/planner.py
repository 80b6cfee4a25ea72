"""The Google Sheet write-back PLANNER: pure, no HTTP. Snapshot + validation in, requests out.

:func:`plan_write_back` takes a :class:`SheetSnapshot` (what the sheet shows right before
writing) and the :class:`~impactsheets.validation.ValidationReport` of the rows read, and
returns the ``spreadsheets.batchUpdate`` requests (plain dicts, Sheets API v4 ``Request``
objects) that bring the sheet to the wanted state: an empty list when it already shows it.
The sender (:mod:`impactsheets.google.sheets`) cuts them into bodies and posts them;
:class:`impactsheets.sheet.GoogleSheet` reads, re-checks (:func:`check_unchanged`), plans
and sends.

What a write-back does (answer cells' values are never written: only their ``note`` and
``userEnteredFormat.backgroundColor`` are, through field masks):

* each answer cell with a problem gets the severity's background colour (:data:`COLOURS`) and
  a note starting with :data:`NOTE_MARK`; cells we flagged on an earlier run that are now
  valid lose our colour and our note;
* our columns (status, problems, report; titled by :class:`~impactsheets.feedback.ToolColumns`)
  are found by the developer metadata we put on them (:func:`column_mark`), never by their
  title, or created at the right end (``appendDimension`` when the grid is too narrow) and
  marked; their values are written as RAW text (``stringValue``: a value starting with ``=``
  stays text); status cells get the severity's colour, problems cells wrap (one a line);
* the worksheet "Problèmes — <answers tab>" (ours by its ``impactsheets:problems-of`` mark)
  lists every problem (frozen header, a filter on every column, wrapped text); it is created,
  or rewritten when its content differs.

Coordinators' formatting is theirs. A fill or a note is ours only while it is exactly what the
state store recorded writing there (:func:`written_marks`); without a record, a note part
starting with :data:`NOTE_MARK` is ours, and a fill of :data:`COLOURS` beside it. On a cell
with a coordinator's note and one of our problems, their text is kept and ours is appended
after a blank line (removed when the problem is fixed). A cell with a coordinator's colour
keeps it: it only gets our note.

>>> from impactsheets.google.grid import Grid, SheetInfo
>>> from impactsheets.sources import Row, Table
>>> from impactsheets.validation import ValidationReport
>>> table = Table(["Site"], [Row(2, ["Arsenal"])])
>>> grid = Grid(SheetInfo(0, "Réponses", 2, 1), [[{"effectiveValue": {"stringValue": "Site"}}],
...                                              [{"effectiveValue": {"stringValue": "Arsenal"}}]])
>>> report = ValidationReport("sheet", "questionnaire", ["Site"], {}, [], [])
>>> requests = plan_write_back(SheetSnapshot(table, grid), report, {})
>>> [next(iter(r)) for r in requests]  # doctest: +NORMALIZE_WHITESPACE
['appendDimension', 'updateCells', 'createDeveloperMetadata', 'updateCells',
 'createDeveloperMetadata', 'addSheet', 'createDeveloperMetadata', 'updateCells', 'repeatCell',
 'setBasicFilter', 'updateDimensionProperties']
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from impactsheets.feedback import (
    COLOURS,
    PROBLEMS_SHEET_HEADERS,
    ToolColumns,
    problem_rows,
    problems_title,
    status_by_row,
    status_severity,
)
from impactsheets.feedback.cell_notes import mark_requests, split_note, written_marks
from impactsheets.feedback.sheet_requests import (
    COLOUR_FIELD,
    WRAP_FIELDS,
    WRAPPED,
    column_mark,
    text_cell,
    update_rows,
)
from impactsheets.feedback.snapshot import SheetSnapshot, check_unchanged
from impactsheets.google.grid import (
    PROBLEMS_MARK,
    Grid,
    api_colour,
    clean_value,
    effective_cell,
    hex_colour,
)
from impactsheets.sources import Table, header_row_of
from impactsheets.validation import ValidationReport

__all__ = ["SheetSnapshot", "check_unchanged", "column_mark", "plan_write_back", "split_note",
           "written_marks"]

MESSAGE_PIXELS = 520  # width of the problems worksheet's message column


def _tool_columns(table: Table, grid: Grid, links: dict[int, str], titles: ToolColumns
                  ) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Our columns (key -> 1-based), found by their mark only; the missing ones are added at
    the right end, titled and marked. A column that merely has our title is someone else's."""
    top = header_row_of(table)
    wanted = ["status", "problems"] + (["report"] if links or "report" in grid.marks else [])
    columns = {key: grid.marks[key] for key in wanted if key in grid.marks}
    requests: list[dict[str, Any]] = []
    next_free = max(grid.width(), len(table.headers), *grid.marks.values(), 0) + 1
    for key in wanted:
        if key not in columns:
            columns[key], next_free = next_free, next_free + 1
            requests += update_rows(grid.info.sheet_id, top - 1, columns[key] - 1,
                                    [[text_cell(titles.title(key), bold=True)]], 1,
                                    "userEnteredValue,userEnteredFormat.textFormat.bold")
            requests.append(column_mark(grid.info.sheet_id, columns[key], key))
    if next_free - 1 > grid.info.columns:
        requests.insert(0, {"appendDimension": {"sheetId": grid.info.sheet_id, "dimension":
                                                "COLUMNS", "length": next_free - 1 - grid.info.columns}})
    return requests, columns


def _tool_values(table: Table, grid: Grid, report: ValidationReport, links: dict[int, str],
                 columns: dict[str, int]) -> Iterator[dict[str, Any]]:
    """Status (coloured as in the annotated workbook), problems and link of every row read;
    leftovers cleared on rows now empty."""
    statuses = status_by_row(report)
    read = {row.number for row in table.rows}
    desired: dict[str, dict[int, str]] = {key: {} for key in columns}
    answer_cols = [c for c in range(1, grid.width() + 1) if c not in columns.values()]
    top = header_row_of(table)
    for number in range(top + 1, max(len(grid.rows), max(read, default=top)) + 1):
        if number not in read and any(grid.value(number, c) is not None for c in answer_cols):
            continue  # a row added since the read: next run
        status, text = statuses.get(number, ("", ""))
        values = {"status": status, "problems": text, "report": links.get(number, "")}
        for key in columns:
            desired[key][number] = values[key]

    def colour(key: str, text: str) -> str | None:
        return COLOURS[status_severity(text)] if key == "status" and text not in ("", "OK") \
            else None

    for key, column in columns.items():
        rows = sorted(r for r, text in desired[key].items() if grid.text(r, column) != text
                      or colour(key, text) != hex_colour(grid.cell(r, column)))
        if rows:
            span = [desired[key].get(r, grid.text(r, column)) for r in range(rows[0], rows[-1] + 1)]
            if key == "status":
                cells = [[{**text_cell(text), **({"userEnteredFormat": {"backgroundColor":
                          api_colour(hue)}} if (hue := colour(key, text)) else {})}]
                         for text in span]
                fields = f"userEnteredValue,{COLOUR_FIELD}"
            else:
                if key == "problems":  # one problem a line: the cells wrap (one request for all)
                    yield {"repeatCell": {"range": {
                        "sheetId": grid.info.sheet_id, "startRowIndex": rows[0] - 1,
                        "endRowIndex": rows[-1], "startColumnIndex": column - 1,
                        "endColumnIndex": column}, "cell": {"userEnteredFormat": WRAPPED},
                        "fields": WRAP_FIELDS}}
                cells, fields = [[text_cell(text)] for text in span], "userEnteredValue"
            yield from update_rows(grid.info.sheet_id, rows[0] - 1, column - 1, cells, 1, fields)


def _problems_sheet(report: ValidationReport, snapshot: SheetSnapshot
                    ) -> Iterator[dict[str, Any]]:
    """Create or rewrite the problems worksheet of these answers (ours by its mark, titled
    "Problèmes — <answers tab>"), unless it already shows exactly this."""
    current = snapshot.problems
    taken = snapshot.taken_ids | {snapshot.answers.info.sheet_id}
    wanted: list[list[Any]] = [list(PROBLEMS_SHEET_HEADERS), *problem_rows(report)]
    normal = [[clean_value(v) for v in row] for row in wanted]
    if current is not None:
        now = [[effective_cell(c) for c in row] for row in current.rows]
        width = len(PROBLEMS_SHEET_HEADERS)
        now = [row + [None] * (width - len(row)) for row in now if any(v is not None for v in row)]
        if now == normal:
            return
    rows = max(len(wanted), 2)  # a frozen header needs one more row
    grid = {"rowCount": rows, "columnCount": len(PROBLEMS_SHEET_HEADERS), "frozenRowCount": 1}
    if current is None:
        sheet_id = next(i for i in itertools.count(1_517_000_000) if i not in taken)
        title = problems_title(snapshot.answers.info.title)
        title = next(t for t in itertools.chain([title], (f"{title} ({n})" for n in
                     itertools.count(2))) if t not in snapshot.taken_titles)
        yield {"addSheet": {"properties": {"sheetId": sheet_id, "title": title,
                                           "gridProperties": grid}}}
        yield {"createDeveloperMetadata": {"developerMetadata": {
            "metadataKey": PROBLEMS_MARK, "metadataValue": str(snapshot.answers.info.sheet_id),
            "location": {"sheetId": sheet_id}, "visibility": "DOCUMENT"}}}
    else:
        sheet_id = current.info.sheet_id
        yield {"updateSheetProperties": {
            "properties": {"sheetId": sheet_id, "gridProperties": grid},
            "fields": "gridProperties.rowCount,gridProperties.columnCount,"
                      "gridProperties.frozenRowCount"}}
    cells = [[text_cell(v, bold=i == 0) for v in row] for i, row in enumerate(wanted)]
    cells += [[]] * (rows - len(cells))
    width = len(PROBLEMS_SHEET_HEADERS)
    yield from update_rows(sheet_id, 0, 0, cells, width,
                           "userEnteredValue,userEnteredFormat.textFormat.bold")
    whole = {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": rows,
             "startColumnIndex": 0, "endColumnIndex": width}
    yield {"repeatCell": {"range": {**whole, "startRowIndex": 1},
                          "cell": {"userEnteredFormat": WRAPPED}, "fields": WRAP_FIELDS}}
    yield {"setBasicFilter": {"filter": {"range": whole}}}
    yield {"updateDimensionProperties": {  # the message column is the widest
        "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": width - 1,
                  "endIndex": width},
        "properties": {"pixelSize": MESSAGE_PIXELS}, "fields": "pixelSize"}}


def plan_write_back(snapshot: SheetSnapshot, report: ValidationReport, links: dict[int, str]
                    ) -> list[dict[str, Any]]:
    """Every batchUpdate request needed to bring the sheet to the wanted state (maybe none).

    ``links``: report URL by physical row number (the "Rapport PDF" column).
    """
    table, grid = snapshot.table, snapshot.answers
    requests, columns = _tool_columns(table, grid, links, snapshot.columns)
    requests += _tool_values(table, grid, report, links, columns)
    requests += mark_requests(snapshot, report, columns)
    requests += _problems_sheet(report, snapshot)
    return requests

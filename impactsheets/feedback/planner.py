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
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from impactsheets.errors import SheetChangedError
from impactsheets.feedback import (
    COLOURS,
    NOTE_LIMIT,
    NOTE_MARK,
    PROBLEMS_SHEET_HEADERS,
    CellMark,
    ToolColumns,
    cell_marks,
    problem_rows,
    problems_title,
    status_by_row,
    status_severity,
)
from impactsheets.google.grid import (
    COLUMN_MARK,
    PROBLEMS_MARK,
    Grid,
    api_colour,
    clean_value,
    effective_cell,
    hex_colour,
)
from impactsheets.sources import Cell, Table, header_row_of
from impactsheets.validation import ValidationReport

__all__ = ["SheetSnapshot", "check_unchanged", "column_mark", "plan_write_back", "split_note",
           "written_marks"]

CHUNK = 400_000  # bytes of cell data per updateCells request
COLOUR_FIELD = "userEnteredFormat.backgroundColor"
WRAPPED = {"wrapStrategy": "WRAP", "verticalAlignment": "TOP"}
WRAP_FIELDS = "userEnteredFormat.wrapStrategy,userEnteredFormat.verticalAlignment"
MESSAGE_PIXELS = 520  # width of the problems worksheet's message column
OUR_COLOURS = frozenset(COLOURS.values())
_SEP = "\n\n"


#: What we wrote on one cell: (our fill or None, our note part or None).
Written = tuple[str | None, str | None]


@dataclass
class SheetSnapshot:
    """What the planner needs to know about the sheet.

    ``table``: the rows read and validated (physical row numbers, headers);
    ``answers``: the answers worksheet as it is now (values, notes, colours);
    ``problems``: our problems worksheet of these answers (by its mark), None when absent;
    ``taken_ids``, ``taken_titles``: sheet ids and titles in use (a new worksheet avoids them);
    ``columns``: the titles of the columns we add;
    ``written``: (row, column) -> the (fill, note) we recorded writing there on the last run.
    """

    table: Table
    answers: Grid
    problems: Grid | None = None
    taken_ids: set[int] = field(default_factory=set)
    taken_titles: set[str] = field(default_factory=set)
    columns: ToolColumns = field(default_factory=ToolColumns)
    written: dict[tuple[int, int], Written] = field(default_factory=dict)


def split_note(note: str) -> tuple[str, str]:
    """(coordinator's part, our part) of a note.

    >>> split_note("à rappeler\\n\\nimpactsheets : Adresse invalide.")
    ('à rappeler', 'impactsheets : Adresse invalide.')
    """
    if note.startswith(NOTE_MARK):
        return "", note
    theirs, sep, ours = note.partition(_SEP + NOTE_MARK)
    return (theirs, NOTE_MARK + ours) if sep else (note, "")


def merge_note(theirs: str, ours: str) -> str:
    """The note to show: theirs, a blank line, ours (theirs is never cut)."""
    if not ours or len(theirs) + len(_SEP) >= NOTE_LIMIT:
        return theirs
    return (theirs + _SEP + ours if theirs else ours)[:NOTE_LIMIT]


def _same(read: Cell, now: dict[str, Any]) -> bool:
    if "errorValue" in (now.get("effectiveValue") or {}):
        return True  # rendered differently by values.get; a formula error is not an identity
    return read == effective_cell(now)


def check_unchanged(table: Table, grid: Grid) -> None:
    """Raise :class:`SheetChangedError` unless the header and every row read are the same.

    Rows added after the last row read (new form submissions) are allowed; our own columns
    are not compared (they are about to be rewritten).
    """
    def changed(what: str) -> SheetChangedError:
        return SheetChangedError(f"the sheet changed during the sync ({what}); nothing was "
                                 "written; the next run will retry")

    tool = {c - 1 for c in grid.marks.values()}  # ours, by their mark: about to be rewritten
    top = header_row_of(table)
    for c, header in enumerate(table.headers):
        if c not in tool and grid.text(top, c + 1).strip() != header:
            raise changed(f"header of column {c + 1} is now {grid.text(top, c + 1)!r}")
    for row in table.rows:
        width = max(len(row.cells), len(grid.rows[row.number - 1]) if row.number <= len(grid.rows)
                    else 0)
        for c in range(width):
            if c not in tool and not _same(row.cell(c), grid.cell(row.number, c + 1)):
                raise changed(f"row {row.number} moved or was edited")


def _text_cell(value: Any, bold: bool = False) -> dict[str, Any]:
    cell: dict[str, Any] = {}
    if isinstance(value, int | float) and not isinstance(value, bool):
        cell["userEnteredValue"] = {"numberValue": value}
    elif value not in (None, ""):
        cell["userEnteredValue"] = {"stringValue": str(value)}
    if bold:
        cell["userEnteredFormat"] = {"textFormat": {"bold": True}}
    return cell


def _chunk() -> int:
    return CHUNK  # read at call time (tests lower it)


def _update_rows(sheet_id: int, row0: int, col0: int, rows: list[list[dict[str, Any]]],
                 width: int, fields: str) -> Iterator[dict[str, Any]]:
    """updateCells over a rectangle (0-based start), cut into pieces of about CHUNK bytes."""
    start = 0
    while start < len(rows):
        end, size = start, 0
        while end < len(rows) and (end == start or size < _chunk()):
            size += len(json.dumps(rows[end], ensure_ascii=False))
            end += 1
        yield {"updateCells": {
            "range": {"sheetId": sheet_id, "startRowIndex": row0 + start,
                      "endRowIndex": row0 + end, "startColumnIndex": col0,
                      "endColumnIndex": col0 + width},
            "rows": [{"values": r} for r in rows[start:end]], "fields": fields}}
        start = end


def column_mark(sheet_id: int, column: int, key: str) -> dict[str, Any]:
    """The request marking 1-based ``column`` as our ``key`` column (developer metadata on the
    column: it follows the column when it is moved or renamed)."""
    return {"createDeveloperMetadata": {"developerMetadata": {
        "metadataKey": COLUMN_MARK + key, "visibility": "DOCUMENT",
        "location": {"dimensionRange": {"sheetId": sheet_id, "dimension": "COLUMNS",
                                        "startIndex": column - 1, "endIndex": column}}}}}


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
            requests += _update_rows(grid.info.sheet_id, top - 1, columns[key] - 1,
                                     [[_text_cell(titles.title(key), bold=True)]], 1,
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
                cells = [[{**_text_cell(text), **({"userEnteredFormat": {"backgroundColor":
                          api_colour(hue)}} if (hue := colour(key, text)) else {})}]
                         for text in span]
                fields = f"userEnteredValue,{COLOUR_FIELD}"
            elif key == "problems":  # one problem a line: the cells wrap
                cells = [[{**_text_cell(text), "userEnteredFormat": WRAPPED}] for text in span]
                fields = f"userEnteredValue,{WRAP_FIELDS}"
            else:
                cells, fields = [[_text_cell(text)] for text in span], "userEnteredValue"
            yield from _update_rows(grid.info.sheet_id, rows[0] - 1, column - 1, cells, 1, fields)


def _cell_wanted(cell: dict[str, Any], mark: CellMark | None, recorded: Written | None
                 ) -> tuple[str, str | None, Written]:
    """(note, colour) the cell should show, and what of it is ours, for one answer cell.

    A fill is ours only while it is exactly the one we recorded writing there (or, for a
    mark that moved with its row, one of our colours next to our note); a coordinator's
    colour, even one of our palette, stays. Our note part is the text we recorded (else the
    part from :data:`NOTE_MARK` on); text a coordinator typed around it is kept.
    """
    note, colour = str(cell.get("note", "")), hex_colour(cell)
    fill, ours_note = recorded if recorded is not None else (None, None)
    if ours_note and ours_note in note:
        before, _, after = note.partition(ours_note)
        theirs = "\n".join(part.strip("\n") for part in (before, after) if part.strip())
        has_ours = True
    else:
        theirs, found = split_note(note)
        has_ours = bool(found)
    ours_colour = colour is not None and (colour == fill if recorded is not None
                                          else has_ours and colour in OUR_COLOURS)
    want_note = merge_note(theirs, mark.note if mark else "")
    want_colour: str | None
    if mark:
        want_colour = COLOURS[mark.severity] if colour is None or ours_colour else colour
        written: Written = (want_colour if want_colour == COLOURS[mark.severity]
                            and (colour is None or ours_colour) else None, mark.note)
    else:
        want_colour, written = (None if ours_colour else colour), (None, None)
    return want_note, want_colour, written


def _mark_positions(snapshot: SheetSnapshot, marks: dict[tuple[int, int], CellMark],
                    columns: dict[str, int]) -> list[tuple[int, int]]:
    grid = snapshot.answers
    positions = set(marks) | set(snapshot.written) | {
        (r + 1, c + 1) for r, cells in enumerate(grid.rows) for c, cell in enumerate(cells)
        if "note" in cell or "userEnteredFormat" in cell}
    return sorted(p for p in positions if p[1] not in columns.values())


def written_marks(snapshot: SheetSnapshot, report: ValidationReport
                  ) -> dict[tuple[int, int], Written]:
    """What the write-back planned for ``snapshot`` leaves of ours on the answer cells: the
    record to keep (state store) so that the next run removes only exactly that."""
    marks = cell_marks(report.problems)
    columns = set(snapshot.answers.marks.values())
    out = {}
    for position in marks:
        if position[1] not in columns:
            cell = snapshot.answers.cell(*position)
            out[position] = _cell_wanted(cell, marks[position],
                                         snapshot.written.get(position))[2]
    return out


def _marks(snapshot: SheetSnapshot, report: ValidationReport, columns: dict[str, int]
           ) -> Iterator[dict[str, Any]]:
    """Colour and note changes of answer cells, one small updateCells per changed cell."""
    grid = snapshot.answers
    marks = cell_marks(report.problems)
    for row, col in _mark_positions(snapshot, marks, columns):
        cell = grid.cell(row, col)
        note, colour = str(cell.get("note", "")), hex_colour(cell)
        want_note, want_colour, _ = _cell_wanted(cell, marks.get((row, col)),
                                                 snapshot.written.get((row, col)))
        fields: list[str] = []
        data: dict[str, Any] = {}
        if want_note != note:
            fields.append("note")
            data.update({"note": want_note} if want_note else {})
        if want_colour != colour:
            fields.append(COLOUR_FIELD)
            data.update({"userEnteredFormat": {"backgroundColor": api_colour(want_colour)}}
                        if want_colour else {})
        if fields:
            yield {"updateCells": {
                "start": {"sheetId": grid.info.sheet_id, "rowIndex": row - 1,
                          "columnIndex": col - 1},
                "rows": [{"values": [data]}], "fields": ",".join(fields)}}


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
    cells = [[_text_cell(v, bold=i == 0) for v in row] for i, row in enumerate(wanted)]
    cells += [[]] * (rows - len(cells))
    width = len(PROBLEMS_SHEET_HEADERS)
    yield from _update_rows(sheet_id, 0, 0, cells, width,
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
    requests += _marks(snapshot, report, columns)
    requests += _problems_sheet(report, snapshot)
    return requests

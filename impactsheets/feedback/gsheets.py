"""Write the validation problems back INTO the Google Sheet, in one ``batchUpdate``.

What a write-back does (answer cells' values are never written: only their ``note`` and
``userEnteredFormat.backgroundColor`` are, through field masks):

* each answer cell with a problem gets the severity's background colour (:data:`COLOURS`) and
  a note starting with :data:`NOTE_MARK`; cells we flagged on an earlier run that are now
  valid lose our colour and our note;
* our columns "Statut", "Problèmes", "Rapport PDF" are found by (normalised) header, or
  created at the right end; their values are written as RAW text (``stringValue``: a value
  starting with ``=`` stays text);
* the worksheet "Problèmes détectés" lists every problem; it is created, or rewritten when
  its content differs.

Coordinators' formatting is theirs. A note is ours when it starts with :data:`NOTE_MARK`; a
colour is ours when it is one of :data:`COLOURS`. On a cell with a coordinator's note and one
of our problems, their text is kept and ours is appended after a blank line (the part from
``"\\n\\n" + NOTE_MARK`` on is ours, and is removed when the problem is fixed). A cell with a
coordinator's colour keeps it: it only gets our note.

Requests: (1) the read (see :mod:`impactsheets.sources.gsheets`); (2) right before writing,
ONE ``spreadsheets.get`` (notes, background colours and effective values of the worksheet and
of the problems worksheet; of every worksheet when the read did not list them); (3) one
``batchUpdate``, skipped when nothing differs, split only when its body would pass 2 MB.
Request (2) also checks that the header and every row read are unchanged: a row inserted or a
sort done during the sync would otherwise put one site's highlight on another site's row. If
anything moved, :class:`SheetChangedError` is raised and nothing is written.

>>> sheet = GoogleSheet("https://docs.google.com/spreadsheets/d/KEY/edit#gid=0")  # doctest: +SKIP
>>> report = validate(sheet.read(), load_questionnaire())                        # doctest: +SKIP
>>> sheet.write_back(report, {2: "https://drive.google.com/file/d/ID/view"})      # doctest: +SKIP
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from impactsheets.errors import SheetAccessError, SheetChangedError
from impactsheets.feedback import (
    COLOURS,
    NOTE_LIMIT,
    NOTE_MARK,
    PROBLEMS_HEADER,
    PROBLEMS_SHEET,
    PROBLEMS_SHEET_HEADERS,
    REPORT_HEADER,
    STATUS_HEADER,
    cell_marks,
    problem_rows,
    status_by_row,
)
from impactsheets.google.transport import GoogleSession
from impactsheets.questionnaire import normalize_label
from impactsheets.sources import Cell, Table
from impactsheets.sources.gsheets import (
    GRID_FIELDS,
    SHEETS_API,
    SheetInfo,
    a1_sheet,
    answered,
    api_get,
    api_message,
    clean_value,
    effective_cell,
    google_session,
    grid_rows,
    read_worksheet,
)
from impactsheets.validation import TOOL_COLUMNS, ValidationReport

MAX_BODY = 2_000_000  # bytes of JSON per batchUpdate (Google's limit is higher; stay well below)
CHUNK = 400_000  # bytes of cell data per updateCells request
COLOUR_FIELD = "userEnteredFormat.backgroundColor"
OUR_COLOURS = frozenset(COLOURS.values())
_TOOL = frozenset(normalize_label(h) for h in TOOL_COLUMNS)
_SEP = "\n\n"
def rgb(hex_colour: str) -> dict[str, float]:
    """API colour of a hex RGB string (4 decimals: enough for 8-bit channels).

    >>> rgb("F4CCCC")
    {'red': 0.9569, 'green': 0.8, 'blue': 0.8}
    """
    return {name: round(int(hex_colour[i:i + 2], 16) / 255, 4) for name, i in
            (("red", 0), ("green", 2), ("blue", 4))}


def cell_colour(cell: dict[str, Any]) -> str | None:
    """The background of a ``CellData`` as hex RGB (``None``: none or white; theme colours
    are returned as ``"theme:NAME"`` so they are never taken for ours)."""
    fmt = cell.get("userEnteredFormat") or {}
    style = fmt.get("backgroundColorStyle") or {}
    if "themeColor" in style:
        return f"theme:{style['themeColor']}"
    colour = style.get("rgbColor", fmt.get("backgroundColor"))
    if colour is None:
        return None
    text = "".join(f"{round(float(colour.get(k, 0)) * 255):02X}" for k in ("red", "green", "blue"))
    return None if text == "FFFFFF" else text


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


@dataclass
class Grid:
    """One worksheet as request (2) saw it: properties and ``CellData`` rows (0-based)."""

    info: SheetInfo
    rows: list[list[dict[str, Any]]]

    def cell(self, row: int, col: int) -> dict[str, Any]:
        """``CellData`` at 1-based (row, col); ``{}`` when empty."""
        cells = self.rows[row - 1] if row - 1 < len(self.rows) else []
        return cells[col - 1] if col - 1 < len(cells) else {}

    def value(self, row: int, col: int) -> Cell:
        return effective_cell(self.cell(row, col))

    def text(self, row: int, col: int) -> str:
        value = self.value(row, col)
        return "" if value is None else str(value)

    def width(self) -> int:
        """Columns in use (by a value or a note) in any row."""
        return max((i + 1 for r in self.rows for i, c in enumerate(r)
                    if "effectiveValue" in c or "note" in c), default=0)


class GoogleSheet:
    """A Google Sheet as the sync's :class:`~impactsheets.sheet.ResponseSheet`."""

    def __init__(self, source: str, worksheet: str | None = None, *,
                 service_account_file: str | None = None, oauth_client_file: str | None = None,
                 token_file: str | None = None, session: GoogleSession | None = None) -> None:
        self.source, self.worksheet, self.name = source, worksheet, source
        self.shows_local_paths = False  # others open this sheet: local file paths mean nothing
        self._session = session or google_session(
            service_account_file=service_account_file, oauth_client_file=oauth_client_file,
            token_file=token_file)
        self._key = ""
        self._table: Table | None = None
        self._sheets: list[SheetInfo] | None = None
        self._read_grids: tuple[Grid, Grid | None] | None = None

    def api_requests(self) -> int:
        return self._session.api_requests

    def read(self) -> Table:
        self._key, self._table, self._sheets, data = read_worksheet(
            self._session, self.source, self.worksheet)
        self._read_grids = self._grids(data) if data is not None else None
        self.name = self._table.name
        return self._table

    def write_back(self, report: ValidationReport, links: dict[int, str]) -> None:
        """Show ``report`` and ``links`` in the sheet; no request at all when nothing differs.

        A batchUpdate whose answer was lost (timeout) is retried by the transport; if that
        retry is refused because the first attempt had been applied (the problems worksheet
        already exists...), the state is read again and the remaining changes sent, once.
        """
        assert self._table is not None, "read() first"
        ids = {s.sheet_id for s in self._sheets or []}
        if self._read_grids is not None:  # the read brought notes and colours: if the sheet
            grid, problems = self._read_grids  # already shows everything, no request at all
            self._read_grids = None
            if not plan(self._table, grid, problems, report, links, ids):
                return
        for attempt in range(2):
            grid, problems = self._fetch()
            check_unchanged(self._table, grid)
            requests = plan(self._table, grid, problems, report, links,
                            {s.sheet_id for s in self._sheets or []})
            if self._send(requests, replan_allowed=attempt == 0):
                return
            self._sheets = None  # list every worksheet again: ours may have been added

    def _send(self, requests: list[dict[str, Any]], replan_allowed: bool) -> bool:
        """POST the batches; False when a retried batch was refused and a re-plan may fix it."""
        for batch in batches(requests, MAX_BODY):
            retries = self._session.retries
            body = json.dumps({"requests": batch}, ensure_ascii=False).encode()
            with answered(self._session, 400):
                resp = self._session.post(
                    f"{SHEETS_API}/{self._key}:batchUpdate", data=body,
                    headers={"Content-Type": "application/json; charset=UTF-8"})
            if resp.status_code == 400 and self._session.retries > retries and replan_allowed:
                return False
            if not resp.ok:
                raise SheetAccessError(f"spreadsheet {self._key}: Google refused the write-back "
                                       f"(HTTP {resp.status_code}: {api_message(resp)})")
        return True

    def _fetch(self) -> tuple[Grid, Grid | None]:
        """Request (2): the current grid of our worksheet and of the problems worksheet."""
        assert self._table is not None
        title = str(self._table.meta["worksheet"])
        params: list[tuple[str, str]] = [("fields", GRID_FIELDS)]
        if self._sheets is not None:  # the read listed the worksheets: ask for ours only
            titles = {s.title for s in self._sheets}
            params += [("ranges", a1_sheet(t)) for t in (title, PROBLEMS_SHEET) if t in titles]
        data = api_get(self._session, f"{SHEETS_API}/{self._key}", params,
                       f"spreadsheet {self._key}")
        return self._grids(data)

    def _grids(self, data: dict[str, Any]) -> tuple[Grid, Grid | None]:
        """Our worksheet's grid and the problems worksheet's, from a ``spreadsheets.get``."""
        assert self._table is not None
        title = str(self._table.meta["worksheet"])
        grids: dict[str, Grid] = {}
        for sheet in data.get("sheets") or []:
            info = SheetInfo.from_api(sheet.get("properties") or {})
            grids[info.title] = Grid(info, grid_rows((sheet.get("data") or [{}])[0]))
        if self._sheets is None:  # every worksheet came back: remember them (sheet ids taken)
            self._sheets = [g.info for g in grids.values()]
        if title not in grids:
            raise SheetChangedError(f"worksheet {title!r} disappeared during the sync; nothing "
                                    "was written; the next run will retry")
        return grids[title], grids.get(PROBLEMS_SHEET)


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

    tool = {i for i, h in enumerate(table.headers) if normalize_label(h) in _TOOL}
    for c, header in enumerate(table.headers):
        if c not in tool and grid.text(1, c + 1).strip() != header:
            raise changed(f"header of column {c + 1} is now {grid.text(1, c + 1)!r}")
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


def _tool_columns(table: Table, grid: Grid, links: dict[int, str]
                  ) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Columns of our headers (1-based), and the appendDimension/header requests creating them."""
    found = {normalize_label(grid.text(1, c + 1)): c + 1 for c in range(len(grid.rows[0]))} \
        if grid.rows else {}
    wanted = [STATUS_HEADER, PROBLEMS_HEADER]
    if links or normalize_label(REPORT_HEADER) in found:
        wanted.append(REPORT_HEADER)
    columns: dict[str, int] = {}
    requests: list[dict[str, Any]] = []
    next_free = max(grid.width(), len(table.headers)) + 1
    for header in wanted:
        if normalize_label(header) not in found:
            found[normalize_label(header)], next_free = next_free, next_free + 1
            requests += _update_rows(grid.info.sheet_id, 0, next_free - 2,
                                     [[_text_cell(header, bold=True)]], 1,
                                     "userEnteredValue,userEnteredFormat.textFormat.bold")
        columns[header] = found[normalize_label(header)]
    if next_free - 1 > grid.info.columns:
        requests.insert(0, {"appendDimension": {"sheetId": grid.info.sheet_id, "dimension":
                                                "COLUMNS", "length": next_free - 1 - grid.info.columns}})
    return requests, columns


def _tool_values(table: Table, grid: Grid, report: ValidationReport, links: dict[int, str],
                 columns: dict[str, int]) -> Iterator[dict[str, Any]]:
    """Status, problems and link of every row read; leftovers cleared on rows now empty."""
    statuses = status_by_row(report)
    read = {row.number for row in table.rows}
    desired: dict[str, dict[int, str]] = {h: {} for h in columns}
    answer_cols = [c for c in range(1, grid.width() + 1) if c not in columns.values()]
    for number in range(2, max(len(grid.rows), max(read, default=1)) + 1):
        if number not in read and any(grid.value(number, c) is not None for c in answer_cols):
            continue  # a row added since the read: next run
        status, text = statuses.get(number, ("", ""))
        values = {STATUS_HEADER: status, PROBLEMS_HEADER: text,
                  REPORT_HEADER: links.get(number, "")}
        for header in columns:
            desired[header][number] = values[header]
    for header, column in columns.items():
        rows = sorted(r for r, text in desired[header].items() if grid.text(r, column) != text)
        if rows:
            span = range(rows[0], rows[-1] + 1)
            cells = [[_text_cell(desired[header].get(r, grid.text(r, column)))] for r in span]
            yield from _update_rows(grid.info.sheet_id, rows[0] - 1, column - 1, cells, 1,
                                    "userEnteredValue")


def _marks(grid: Grid, report: ValidationReport, columns: dict[str, int]
           ) -> Iterator[dict[str, Any]]:
    """Colour and note changes of answer cells, one small updateCells per changed cell."""
    marks = cell_marks(report.problems)
    positions = set(marks) | {(r + 1, c + 1) for r, cells in enumerate(grid.rows)
                              for c, cell in enumerate(cells) if "note" in cell
                              or "userEnteredFormat" in cell}
    for row, col in sorted(positions):
        if col in columns.values():
            continue
        cell = grid.cell(row, col)
        note, colour = str(cell.get("note", "")), cell_colour(cell)
        mark = marks.get((row, col))
        theirs, _ = split_note(note)
        want_note = merge_note(theirs, mark.note if mark else "")
        want_colour = colour if colour is not None and colour not in OUR_COLOURS else None
        if mark and want_colour is None:
            want_colour = COLOURS[mark.severity]
        fields: list[str] = []
        data: dict[str, Any] = {}
        if want_note != note:
            fields.append("note")
            data.update({"note": want_note} if want_note else {})
        if want_colour != colour:
            fields.append(COLOUR_FIELD)
            data.update({"userEnteredFormat": {"backgroundColor": rgb(want_colour)}}
                        if want_colour else {})
        if fields:
            yield {"updateCells": {
                "start": {"sheetId": grid.info.sheet_id, "rowIndex": row - 1,
                          "columnIndex": col - 1},
                "rows": [{"values": [data]}], "fields": ",".join(fields)}}


def _problems_sheet(report: ValidationReport, current: Grid | None, taken: set[int]
                    ) -> Iterator[dict[str, Any]]:
    """Create or rewrite the problems worksheet, unless it already shows exactly this."""
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
        yield {"addSheet": {"properties": {"sheetId": sheet_id, "title": PROBLEMS_SHEET,
                                           "gridProperties": grid}}}
    else:
        sheet_id = current.info.sheet_id
        yield {"updateSheetProperties": {
            "properties": {"sheetId": sheet_id, "gridProperties": grid},
            "fields": "gridProperties.rowCount,gridProperties.columnCount,"
                      "gridProperties.frozenRowCount"}}
    cells = [[_text_cell(v, bold=i == 0) for v in row] for i, row in enumerate(wanted)]
    cells += [[]] * (rows - len(cells))
    yield from _update_rows(sheet_id, 0, 0, cells, len(PROBLEMS_SHEET_HEADERS),
                            "userEnteredValue,userEnteredFormat.textFormat.bold")


def plan(table: Table, grid: Grid, problems: Grid | None, report: ValidationReport,
         links: dict[int, str], taken: set[int] | None = None) -> list[dict[str, Any]]:
    """Every batchUpdate request needed to bring the sheet to the wanted state (maybe none)."""
    requests, columns = _tool_columns(table, grid, links)
    requests += _tool_values(table, grid, report, links, columns)
    requests += _marks(grid, report, columns)
    requests += _problems_sheet(report, problems, (taken or set()) | {grid.info.sheet_id})
    return requests


def batches(requests: list[dict[str, Any]], limit: int = MAX_BODY) -> list[list[dict[str, Any]]]:
    """Requests cut, in order, into bodies of at most ``limit`` bytes (one batch when small)."""
    out: list[list[dict[str, Any]]] = []
    size = limit
    for request in requests:
        length = len(json.dumps(request, ensure_ascii=False).encode()) + 1
        if size + length > limit:
            out.append([])
            size = 0
        out[-1].append(request)
        size += length
    return out

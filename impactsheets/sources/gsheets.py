"""Read a Google Sheet of form answers into a :class:`Table` (physical row numbers kept).

SOURCE is a Google Sheets URL (``…/d/KEY/edit#gid=123`` or ``?gid=123``) or a bare key; the
worksheet is a name, a gid (digits), or none (the URL's gid, else the first worksheet).

Requests (counted by ``session.api_requests``):

* worksheet named: ONE ``values.get`` on the whole worksheet with
  ``valueRenderOption=UNFORMATTED_VALUE`` and ``dateTimeRenderOption=SERIAL_NUMBER``: numbers
  arrive as numbers and dates as Sheets serial numbers, whatever the spreadsheet's locale.
* only a gid, or nothing: ONE ``spreadsheets.get`` with a field mask asking for every
  worksheet's properties and cell *effective values* (the same numbers, serials and texts as
  above). Sheets has no call that returns one worksheet's values by gid, so the alternative
  would be a metadata call plus ``values.get`` (two requests).
* a worksheet name that does not exist costs one more (metadata) request, to name the
  worksheets there are in the error message.

Errors are the transport's one-line :class:`SheetAccessError` (not shared, not found:
exit 5) and :class:`ConfigError` (bad credentials: exit 4).

>>> table = read_google_sheet("https://docs.google.com/spreadsheets/d/KEY/edit#gid=0")  # doctest: +SKIP
>>> table.rows[0].number                                                         # doctest: +SKIP
2
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from impactsheets.errors import SheetAccessError
from impactsheets.google.transport import (
    GoogleSession,
    authorized_session,
    emulator_url,
    parse_sheet_spec,
)
from impactsheets.sources import Cell, Row, Table

SHEETS_API = "https://sheets.googleapis.com/v4/spreadsheets"
PROPERTIES = "sheetId,title,index,gridProperties(rowCount,columnCount)"
#: Text Sheets shows for an error value (what ``UNFORMATTED_VALUE`` returns for it).
ERROR_TEXT = {"DIVIDE_BY_ZERO": "#DIV/0!", "VALUE": "#VALUE!", "REF": "#REF!", "NAME": "#NAME?",
              "NUM": "#NUM!", "N_A": "#N/A", "NULL_VALUE": "#NULL!", "LOADING": "#LOADING"}


def google_session(*, service_account_file: str | None = None,
                   oauth_client_file: str | None = None, token_file: str | None = None,
                   drive: bool = False, **kwargs: Any) -> GoogleSession:
    """The transport session for these credentials (the emulator when it is configured).

    ``token_file`` is where a user OAuth token is cached (default
    ``~/.config/impactsheets/token.json``); the browser consent runs only on a terminal.
    """
    path = None if emulator_url() else (service_account_file or oauth_client_file)
    kwargs.setdefault("interactive", sys.stdin is not None and sys.stdin.isatty())
    return authorized_session(Path(path) if path else None, drive=drive, token_file=token_file,
                              **kwargs)


@dataclass(slots=True)
class SheetInfo:
    """A worksheet's properties, as ``sheets.properties`` describes it."""

    sheet_id: int
    title: str
    rows: int
    columns: int

    @classmethod
    def from_api(cls, props: dict[str, Any]) -> SheetInfo:
        grid = props.get("gridProperties") or {}
        return cls(int(props.get("sheetId", 0)), str(props.get("title", "")),
                   int(grid.get("rowCount", 0)), int(grid.get("columnCount", 0)))


@contextmanager
def answered(session: GoogleSession, *statuses: int) -> Iterator[GoogleSession]:
    """Let ``statuses`` come back as answers (not exceptions) for the calls made inside."""
    saved = session.passthrough_statuses
    session.passthrough_statuses = saved | frozenset(statuses)
    try:
        yield session
    finally:
        session.passthrough_statuses = saved


def a1_sheet(title: str) -> str:
    """The A1 reference of a whole worksheet: ``'Réponses au formulaire 1'``."""
    return "'" + title.replace("'", "''") + "'"


def clean_value(value: Any) -> Cell:
    """A cell as the validator takes it: blank text is empty, numbers stay numbers."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def effective_cell(cell: dict[str, Any]) -> Cell:
    """The value of an API ``CellData`` from its ``effectiveValue`` (unformatted, serial dates)."""
    value = cell.get("effectiveValue") or {}
    if "numberValue" in value:
        return clean_value(value["numberValue"])
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "errorValue" in value:
        kind = str(value["errorValue"].get("type", "ERROR"))
        return ERROR_TEXT.get(kind, "#ERROR!")
    return clean_value(value.get("stringValue"))


def grid_rows(data: dict[str, Any], key: str = "values") -> list[list[dict[str, Any]]]:
    """The ``CellData`` rows of a ``GridData`` (starting at row 1, column A)."""
    rows: list[list[dict[str, Any]]] = [[] for _ in range(int(data.get("startRow", 0)))]
    offset = int(data.get("startColumn", 0))
    rows += [[{}] * offset + list(r.get(key) or []) for r in data.get("rowData") or []]
    return rows


def table_from_values(values: list[list[Any]], name: str) -> Table:
    """A :class:`Table` from rows of cell values: header = row 1, trailing empties dropped."""
    cells = [[clean_value(v) for v in row] for row in values]
    for row in cells:
        while row and row[-1] is None:
            row.pop()
    while cells and not cells[-1]:
        cells.pop()
    headers = ["" if c is None else str(c).strip() for c in (cells[0] if cells else [])]
    rows = [Row(number, row) for number, row in enumerate(cells[1:], start=2)]
    return Table(headers, rows, name=name)


def api_get(session: GoogleSession, url: str, params: dict[str, Any] | list[tuple[str, str]],
            what: str) -> Any:
    """GET a Sheets API URL; a non-2xx answer left by the transport becomes SheetAccessError."""
    resp = session.get(url, params=params)
    if not resp.ok:
        raise SheetAccessError(f"{what}: Google answered HTTP {resp.status_code} "
                               f"({api_message(resp)})")
    return resp.json()


def api_message(resp: Any) -> str:
    try:
        return str(resp.json()["error"]["message"]).splitlines()[0][:200]
    except (ValueError, KeyError, TypeError, IndexError):
        return resp.reason or "no details"


def sheet_list(session: GoogleSession, key: str) -> list[SheetInfo]:
    """Every worksheet's properties (one ``spreadsheets.get`` with ``fields=sheets.properties``)."""
    data = api_get(session, f"{SHEETS_API}/{key}", {"fields": f"sheets.properties({PROPERTIES})"},
                   f"spreadsheet {key}")
    return [SheetInfo.from_api(s.get("properties") or {}) for s in data.get("sheets") or []]


def missing_worksheet(key: str, wanted: str, sheets: list[SheetInfo]) -> SheetAccessError:
    names = ", ".join(repr(s.title) for s in sheets) or "none"
    return SheetAccessError(f"spreadsheet {key} has no worksheet {wanted} (worksheets: {names})")


def read_named(session: GoogleSession, key: str, title: str) -> Table | None:
    """One ``values.get`` on worksheet ``title``; None when there is no such worksheet."""
    with answered(session, 400):
        resp = session.get(
            f"{SHEETS_API}/{key}/values/{quote(a1_sheet(title), safe='')}",
            params={"valueRenderOption": "UNFORMATTED_VALUE",
                    "dateTimeRenderOption": "SERIAL_NUMBER", "majorDimension": "ROWS"})
    if resp.status_code == 400 and "parse range" in api_message(resp):
        return None
    if not resp.ok:
        raise SheetAccessError(f"spreadsheet {key}: Google answered HTTP {resp.status_code} "
                               f"({api_message(resp)})")
    return table_from_values(resp.json().get("values") or [], title)


#: What a grid read asks for: values, and the notes and colours that show earlier marks.
GRID_FIELDS = (f"sheets(properties({PROPERTIES}),data(startRow,startColumn,rowData.values("
               "note,effectiveValue,userEnteredFormat(backgroundColor,backgroundColorStyle))))")


def read_by_gid(session: GoogleSession, key: str, gid: int | None
                ) -> tuple[Table, list[SheetInfo], dict[str, Any]]:
    """One ``spreadsheets.get``: every worksheet's properties, values, notes and colours.

    The raw answer is returned too: the write-back plans against it, so a run with nothing
    to change makes this single request.
    """
    data = api_get(session, f"{SHEETS_API}/{key}", {"fields": GRID_FIELDS}, f"spreadsheet {key}")
    sheets = data.get("sheets") or []
    infos = [SheetInfo.from_api(s.get("properties") or {}) for s in sheets]
    for sheet, info in zip(sheets, infos, strict=True):
        if gid is None or info.sheet_id == gid:
            grids = sheet.get("data") or [{}]
            values = [[effective_cell(c) for c in row] for row in grid_rows(grids[0])]
            return table_from_values(values, info.title), infos, data
    raise missing_worksheet(key, f"with gid {gid}", infos)


def read_worksheet(session: GoogleSession, spec: str, worksheet: str | None
                   ) -> tuple[str, Table, list[SheetInfo] | None, dict[str, Any] | None]:
    """(key, table, every worksheet's properties and the raw grid answer when fetched)."""
    key, gid = parse_sheet_spec(spec)
    if worksheet:
        table = read_named(session, key, worksheet)
        if table is not None:
            return key, _named(table, key), None, None
        if not worksheet.strip().isdigit():
            raise missing_worksheet(key, repr(worksheet), sheet_list(session, key))
        gid = int(worksheet)
    table, infos, data = read_by_gid(session, key, gid)
    return key, _named(table, key), infos, data


def _named(table: Table, key: str) -> Table:
    table.meta["worksheet"] = table.name
    table.meta["spreadsheet"] = key
    table.name = f"{key}:{table.name}"
    return table


def read_google_sheet(spec: str, worksheet: str | None = None, *,
                      session: GoogleSession | None = None) -> Table:
    """Read the answers of a Google Sheet (see the module docstring for the requests made)."""
    parse_sheet_spec(spec)  # a malformed spec fails before any credentials are looked for
    return read_worksheet(session or google_session(), spec, worksheet)[1]

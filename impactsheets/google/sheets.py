"""Google Sheets through gspread: read the answers, re-read before writing, send the write-back.

Every call goes through ``gspread``'s :class:`~gspread.http_client.HTTPClient` over the
project's :class:`~impactsheets.google.transport.GoogleSession` (retries, emulator routing
and request counting in one place). The spreadsheet-level methods are used
(``fetch_sheet_metadata``, ``batch_update``): ``gspread.Spreadsheet``
would cost one more metadata request when it is built.

Requests of a read (counted by ``session.api_requests``, see :func:`read_by_gid`):

* ONE small ``spreadsheets.get`` of every worksheet's properties (size) and marks: the
  worksheet is picked by name, by gid (digits), or the first; a name that does not exist is
  named in the error with the worksheets there are;
* ONE ``spreadsheets.get`` with a field mask asking for cell *effective values* (numbers as
  numbers, dates as serial numbers, whatever the locale), notes, colours, and the developer
  metadata that marks our columns and problems tabs (so the validation never takes our
  columns for answers), of the answers worksheet, our problems worksheets and the other
  worksheets' first rows. The grids are kept: the write-back plans against them, so a run
  with nothing to change makes these two requests only. A worksheet too large for one
  answer is read in parts (:mod:`impactsheets.google.large`).

Errors are the transport's one-line :class:`SheetAccessError` (not shared, not found:
exit 5) and :class:`ConfigError` (bad credentials: exit 4).

>>> parse_sheet_spec("https://docs.google.com/spreadsheets/d/1AbCdEfGhIjK/edit#gid=42")
('1AbCdEfGhIjK', 42)
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from gspread.exceptions import APIError, NoValidUrlKeyFound
from gspread.http_client import HTTPClient
from gspread.utils import extract_id_from_url

from impactsheets.errors import ConfigError, SheetAccessError
from impactsheets.sources.table import HEADER_SCAN, Table, column_letter

from .grid import (
    PROBLEMS_MARK,
    Grid,
    SheetInfo,
    a1_sheet,
    clean_rows,
    effective_cell,
    sheet_marks,
    table_from_cells,
)
from .transport import GoogleSession, google_session, gspread_client

PROPERTIES = "sheetId,title,index,gridProperties(rowCount,columnCount)"
#: What a grid read asks for: values, and the notes and colours that show earlier marks.
#: Our marks come with it: the sheets' and the columns' developer metadata (see
#: :data:`~impactsheets.google.grid.COLUMN_MARK`).
GRID_FIELDS = (f"sheets(properties({PROPERTIES}),developerMetadata(metadataKey,metadataValue),"
               "data(startRow,startColumn,columnMetadata.developerMetadata(metadataKey,"
               "metadataValue),rowData.values(note,effectiveValue,userEnteredFormat("
               "backgroundColor,backgroundColorStyle))))")
#: Bytes of JSON per batchUpdate (Google recommends at most 2 MB; room left for the body's
#: envelope ``{"requests": […]}``).
MAX_BODY = 1_999_900
_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{10,}$")


def parse_sheet_spec(spec: str) -> tuple[str, int | None]:
    """``(key, gid)`` from a Google Sheets URL (``…/d/KEY/edit#gid=123``) or a bare key."""
    text = spec.strip()
    if "/spreadsheets/" in text:
        try:  # gspread's parser knows /d/KEY and ?key=KEY; /u/0/d/KEY is a signed-in variant
            key = extract_id_from_url(re.sub(r"/spreadsheets/u/\d+/d/", "/spreadsheets/d/", text))
        except NoValidUrlKeyFound:
            key = ""
        gid = re.search(r"[#?&]gid=(\d+)", text)
        if key:
            return key, int(gid.group(1)) if gid else None
    elif _KEY_RE.match(text):
        return text, None
    raise ConfigError(f"not a Google Sheets URL or spreadsheet key: {spec!r}")


def sheets_http(session: GoogleSession) -> HTTPClient:
    """gspread's HTTP client over ``session`` (builds nothing remote: no request)."""
    return gspread_client(session=session).http_client


@contextmanager
def answered(session: GoogleSession, *statuses: int) -> Iterator[GoogleSession]:
    """Let ``statuses`` come back to gspread (as its ``APIError``) instead of being mapped."""
    saved = session.passthrough_statuses
    session.passthrough_statuses = saved | frozenset(statuses)
    try:
        yield session
    finally:
        session.passthrough_statuses = saved


def api_message(resp: Any) -> str:
    """Google's error message, first line, at most 200 characters."""
    try:
        return str(resp.json()["error"]["message"]).splitlines()[0][:200]
    except (ValueError, KeyError, TypeError, IndexError):
        return resp.reason or "no details"


def refused(what: str, exc: APIError) -> SheetAccessError:
    resp = exc.response
    return SheetAccessError(f"{what}: Google answered HTTP {resp.status_code} ({api_message(resp)})")


def get_spreadsheet(session: GoogleSession, key: str, params: dict[str, Any]) -> dict[str, Any]:
    """One ``spreadsheets.get`` (``params``: ``fields``, ``ranges``...)."""
    try:
        return dict(sheets_http(session).fetch_sheet_metadata(key, params=params))
    except APIError as exc:
        raise refused(f"spreadsheet {key}", exc) from None


def missing_worksheet(key: str, wanted: str, sheets: list[SheetInfo]) -> SheetAccessError:
    names = ", ".join(repr(s.title) for s in sheets) or "none"
    return SheetAccessError(f"spreadsheet {key} has no worksheet {wanted} (worksheets: {names})")


META_FIELDS = (f"properties(locale),sheets(properties({PROPERTIES}),developerMetadata("
               "metadataKey,metadataValue))")


def read_by_gid(session: GoogleSession, key: str, gid: int | None, title: str | None = None,
                grids_wanted: bool = True
                ) -> tuple[Table, list[SheetInfo], Callable[[], list[Grid]]]:
    """The worksheet titled ``title``, else the one with id ``gid``, else the first: its table,
    every worksheet's properties, and a function giving the grids read (answers, problems
    tabs, other tabs' first rows) with values, notes, colours and marks.

    Requests: ONE small ``spreadsheets.get`` of the worksheets' properties and marks (a read
    must know a worksheet's size before asking for its cells), then ONE ``spreadsheets.get``
    of the grids; an answers worksheet past :data:`~impactsheets.google.large.GRID_CELLS`
    cells is read in parts instead (:mod:`impactsheets.google.large`), its notes asked for
    last and awaited when the grids are asked for (not at all unless ``grids_wanted``)."""
    from .large import GRID_CELLS, large_grid, our_values, read_large

    meta = get_spreadsheet(session, key, {"fields": META_FIELDS})
    sheets = meta.get("sheets") or []
    infos = [SheetInfo.from_api(s.get("properties") or {}) for s in sheets]
    problems = {i.title for i, s in zip(infos, sheets, strict=True)
                if PROBLEMS_MARK in sheet_marks(s)}
    if title is not None and any(i.title == title for i in infos):
        gid = next(i.sheet_id for i in infos if i.title == title)
    elif title is not None and not title.strip().isdigit():
        raise missing_worksheet(key, repr(title), infos)
    elif title is not None:
        gid = int(title)
    chosen = next((i for i in infos if gid is None or i.sheet_id == gid), None)
    if chosen is None:
        raise missing_worksheet(key, f"with gid {gid}", infos)
    large = chosen.rows * chosen.columns > GRID_CELLS
    head = min(HEADER_SCAN, chosen.rows) if large else None

    def whole(info: SheetInfo, rows: int | None = None) -> str:
        return a1_sheet(info.title) + (f"!1:{max(1, rows)}" if rows is not None else "")

    ranges = [whole(i, head if i is chosen else None if i.title in problems
                    else min(HEADER_SCAN, i.rows)) for i in infos]
    data = get_spreadsheet(session, key, {"fields": f"properties(locale),{GRID_FIELDS}",
                                          "ranges": ranges})
    grids = [Grid.from_api(sheet) for sheet in data.get("sheets") or []]
    grid = next(g for g in grids if g.info.sheet_id == chosen.sheet_id)
    values = clean_rows([[effective_cell(c) for c in row] for row in grid.rows])
    first, notes, kept = len(grid.rows) + 1, None, []
    if large:
        http = sheets_http(session)
        try:  # each part cleaned while the next one is on its way
            rest, notes = read_large(http, key, chosen, first, clean_rows, grids_wanted)
        except APIError as exc:
            raise refused(f"spreadsheet {key}", exc) from None
        values += rest
        kept = our_values(grid, rest)
        del rest
    table = table_from_cells(values, grid.info.title)
    del values
    table.meta["locale"] = (data.get("properties") or {}).get("locale")  # text dates
    # Our columns and our problems tab, known by their marks; the other tabs' first rows,
    # named in the error when this one is not the answers.
    table.meta.update(ours={k: c - 1 for k, c in grid.marks.items()},
                      problems_tab=PROBLEMS_MARK in grid.sheet_marks)
    table.meta["tabs"] = {
        g.info.title: [[effective_cell(c) for c in row] for row in g.rows[:HEADER_SCAN]]
        for g in grids if g is not grid and PROBLEMS_MARK not in g.sheet_marks}

    def grids_read() -> list[Grid]:
        if notes is None:
            return grids
        try:
            answers = large_grid(grid, kept, notes(), first)
        except APIError as exc:
            raise refused(f"spreadsheet {key}", exc) from None
        return [answers if g is grid else g for g in grids]

    return table, infos, grids_read


def read_worksheet(session: GoogleSession, spec: str, worksheet: str | None,
                   grids_wanted: bool = True
                   ) -> tuple[str, Table, list[SheetInfo], Callable[[], list[Grid]]]:
    """(key, table, every worksheet's properties, a function giving the grids read)."""
    key, gid = parse_sheet_spec(spec)
    table, infos, grids = read_by_gid(session, key, gid, worksheet or None, grids_wanted)
    return key, _named(table, key), infos, grids


def _named(table: Table, key: str) -> Table:
    table.meta["worksheet"] = table.name
    table.meta["spreadsheet"] = key
    table.name = f"{key}:{table.name}"
    return table


def read_google_sheet(spec: str, worksheet: str | None = None, *,
                      session: GoogleSession | None = None) -> Table:
    """Read the answers of a Google Sheet (see the module docstring for the requests made)."""
    parse_sheet_spec(spec)  # a malformed spec fails before any credentials are looked for
    return read_worksheet(session or google_session(), spec, worksheet, grids_wanted=False)[1]


def read_grids(session: GoogleSession, key: str, titles: list[str] | None) -> dict[str, Any]:
    """The re-check read before a write: ONE ``spreadsheets.get`` of the worksheets ``titles``
    (every worksheet when None) with values, notes and colours (:data:`GRID_FIELDS`)."""
    params: dict[str, Any] = {"fields": GRID_FIELDS}
    if titles is not None:
        params["ranges"] = [a1_sheet(t) for t in titles]
    return get_spreadsheet(session, key, params)


def read_keys(session: GoogleSession, key: str, title: str, top: int, columns: list[int],
              rows: tuple[int, int] | None = None) -> tuple[list[Any], dict[int, list[Any]]]:
    """The re-check read before a write: ONE ``values.batchGet`` of the header row ``top`` and
    of the 1-based ``columns`` in ``rows`` (first, last; default: all below the header), as
    (header row, column -> values from the first of ``rows`` on). Unformatted values, serial
    dates: a few hundred kilobytes at 35,000 rows, where the grid with notes and colours is
    hundreds of megabytes."""
    sheet = a1_sheet(title)
    first, last = rows if rows is not None else (top + 1, None)
    ranges = [f"{sheet}!{top}:{top}"] + [
        f"{sheet}!{column_letter(c - 1)}{first}:{column_letter(c - 1)}{last or ''}"
        for c in columns]
    from .large import UNFORMATTED

    params: dict[str, Any] = {**UNFORMATTED, "majorDimension": "COLUMNS"}
    try:
        data = sheets_http(session).values_batch_get(key, ranges, params=params)
    except APIError as exc:
        raise refused(f"spreadsheet {key}", exc) from None
    found = [list(r.get("values") or []) for r in data.get("valueRanges") or []]
    found += [[]] * (len(ranges) - len(found))
    header = [col[0] if col else None for col in found[0]]
    return header, {c: (values[0] if values else []) for c, values in zip(columns, found[1:],
                                                                          strict=True)}


def batches(requests: list[dict[str, Any]], limit: int | None = None) -> list[list[dict[str, Any]]]:
    """Requests cut, in order, into bodies of at most ``limit`` bytes (one batch when small).

    >>> [len(b) for b in batches([{"a": "x" * 50}] * 5, limit=150)]
    [2, 2, 1]
    """
    limit = MAX_BODY if limit is None else limit
    out: list[list[dict[str, Any]]] = []
    size = limit
    for request in requests:
        length = len(json.dumps(request).encode()) + 2  # as sent: ASCII-escaped, ", " apart
        if size + length > limit:
            out.append([])
            size = 0
        out[-1].append(request)
        size += length
    return out


def send_body(session: GoogleSession, key: str, batch: list[dict[str, Any]]) -> None:
    """The write-back of one body :func:`batches` made (at most :data:`MAX_BODY` bytes; one in
    practice): ONE ``spreadsheets.batchUpdate``. A refusal is a one-line
    :class:`SheetAccessError` with Google's message."""
    try:
        with answered(session, 400):
            sheets_http(session).batch_update(key, {"requests": batch})
    except APIError as exc:
        raise SheetAccessError(f"spreadsheet {key}: Google refused the write-back (HTTP "
                               f"{exc.response.status_code}: {api_message(exc.response)})"
                               ) from None

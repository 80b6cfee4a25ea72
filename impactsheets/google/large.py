"""Reading a large answers worksheet (national scale: 35,000 rows, 2.1 M cells) in parts.

One ``spreadsheets.get`` of the whole grid with values, notes and colours is ~9 KB a row
(320 MB at 35,000 rows): too much for one answer. A worksheet past :data:`GRID_CELLS` cells
is read instead as

* its values: ``values.batchGet`` (unformatted, serial dates), :data:`VALUE_ROWS` rows a
  request (about 1.5 KB a row), down to the last answer;
* its notes and colours: ONE ``spreadsheets.get`` of the same rows asking for ``note`` and
  the background only, so that rows without any come back empty (a few bytes each), asked
  for once the values are in and awaited only by the write-back (the validation, the
  network's figures and the reports' plan run while Google answers it);

and the :class:`~impactsheets.google.grid.Grid` the write-back plans against keeps, beyond the
header rows, only notes, colours and the values of our own columns (by their marks): what the
planner compares. The header rows and the marks come from the caller's grid read.

>>> chunks(1, 12_001, 5_000)
[(1, 5000), (5001, 10000), (10001, 12001)]
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor, wait
from typing import Any

from .grid import Grid, SheetInfo, a1_sheet, grid_rows

#: Cells of the answers worksheet past which it is read in parts (3,500 rows × 60 columns
#: is read whole: ~210,000 cells).
GRID_CELLS = 400_000
#: Rows of values a request (about 8 MB at 1.5 KB a row).
VALUE_ROWS = 5_000
#: How values are asked for (numbers as numbers, dates as serial numbers), as the grid gives them.
UNFORMATTED = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"}
NOTE_FIELDS = ("sheets(data(startRow,startColumn,rowData.values(note,userEnteredFormat("
               "backgroundColor,backgroundColorStyle))))")


def chunks(first: int, last: int, size: int) -> list[tuple[int, int]]:
    """1-based inclusive row spans of at most ``size`` rows from ``first`` to ``last``."""
    return [(a, min(a + size - 1, last)) for a in range(first, last + 1, size)]


def api_value(value: Any) -> dict[str, Any]:
    """The ``ExtendedValue`` of a value from ``values.batchGet`` (unformatted).

    >>> api_value(3), api_value(True), api_value("x")
    ({'numberValue': 3}, {'boolValue': True}, {'stringValue': 'x'})
    """
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": value}
    return {"stringValue": str(value)}


def read_large(http: Any, key: str, info: SheetInfo, first: int,
               each: Callable[[list[list[Any]]], list[list[Any]]] | None = None,
               notes: bool = True
               ) -> tuple[list[list[Any]], Callable[[], list[list[dict[str, Any]]]] | None]:
    """(values, notes and colours) of rows ``first``… of a large worksheet, each part of
    values passed through ``each``. Two parts of values are on their way while this process
    passes the one before through ``each``, so that Google (or the emulator) is never left
    waiting for the next question while an answer is decoded. The notes, which only the
    write-back needs, are asked for once the values are in and come as a function to call
    then: the caller validates and plans while Google answers (None when not ``notes``)."""
    pool = ThreadPoolExecutor(max_workers=AHEAD, thread_name_prefix="sheets-read")
    try:
        values = read_values(http, key, info, first, pool, each)
        later = (pool.submit(read_notes, http, key, info, first, max(first, info.rows))
                 if notes else None)
    except BaseException:
        pool.shutdown(cancel_futures=True)
        raise
    pool.shutdown(wait=False)  # its threads end with their requests
    return values, later.result if later else None


#: Parts of values asked for ahead of the one being used.
AHEAD = 2


def read_values(http: Any, key: str, info: SheetInfo, first: int,
                pool: Executor | None = None,
                each: Callable[[list[list[Any]]], list[list[Any]]] | None = None
                ) -> list[list[Any]]:
    """Rows ``first``… of the worksheet as unformatted values (serial dates), in parts, up to
    the last row with a value (a part that comes back empty ends the read: the blank rows
    below the answers are not asked for one by one), each part passed through ``each``.
    With a ``pool``, :data:`AHEAD` parts are asked for while one is used."""
    def part(a: int, b: int) -> list[list[Any]]:
        data = http.values_batch_get(key, [f"{a1_sheet(info.title)}!{a}:{b}"],
                                     params={**UNFORMATTED, "majorDimension": "ROWS"})
        return list((data.get("valueRanges") or [{}])[0].get("values") or [])

    spans = chunks(first, info.rows, VALUE_ROWS)
    asked: deque[Future[list[list[Any]]]] = deque()
    rows: list[list[Any]] = []
    for i, (a, b) in enumerate(spans):
        found = asked.popleft().result() if asked else part(a, b)
        if pool and found:
            for span in spans[i + 1 + len(asked):i + 1 + AHEAD]:
                asked.append(pool.submit(part, *span))
        if not found:
            break
        rows += [[] for _ in range(a - first - len(rows))] + (each(found) if each else found)
    wait(asked)  # parts asked for past the end: empty, or cut short by an error
    return rows


def read_notes(http: Any, key: str, info: SheetInfo, first: int, last: int
               ) -> list[list[dict[str, Any]]]:
    """Notes and colours of rows ``first`` to ``last`` (CellData rows, from row ``first``)."""
    ranges = [f"{a1_sheet(info.title)}!{a}:{b}" for a, b in chunks(first, last, VALUE_ROWS)]
    data = http.fetch_sheet_metadata(key, params={"fields": NOTE_FIELDS, "ranges": ranges})
    rows: list[list[dict[str, Any]]] = []
    for part in ((data.get("sheets") or [{}])[0].get("data") or []):
        found = grid_rows(part)[int(part.get("startRow", 0)):]
        start = int(part.get("startRow", 0))
        rows += [[] for _ in range(start - (first - 1) - len(rows))] + found
    return rows


def our_values(head: Grid, values: list[list[Any]]) -> list[dict[int, Any]]:
    """Each row's values in our columns (0-based column -> value), all the grid keeps of them."""
    ours = [c - 1 for c in head.marks.values()]
    return [{c: line[c] for c in ours if c < len(line) and line[c] not in ("", None)}
            for line in values]


def large_grid(head: Grid, values: list[dict[int, Any]], notes: list[list[dict[str, Any]]],
               first: int) -> Grid:
    """The answers grid to plan against: the header rows of ``head`` (full cells), then from
    row ``first`` the notes and colours, and the values of our columns (:func:`our_values`)."""
    rows = [list(r) for r in head.rows[:first - 1]]
    rows += [[] for _ in range(first - 1 - len(rows))]
    for i in range(max(len(values), len(notes))):
        cells = list(notes[i]) if i < len(notes) else []
        for c, value in (values[i] if i < len(values) else {}).items():
            cells += [{}] * (c + 1 - len(cells))
            cells[c] = {**cells[c], "effectiveValue": api_value(value)}
        rows.append(cells)
    return Grid(head.info, rows, dict(head.marks), dict(head.sheet_marks))

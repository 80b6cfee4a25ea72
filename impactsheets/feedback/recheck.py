"""The re-check right before a Google write-back: have rows moved since the read?

The write-back plan is built from the read (:mod:`impactsheets.feedback.planner`); between the
re-check read and the write only this comparison remains. The re-check reads only what tells
whether rows moved: the header row (a column inserted, deleted or moved) and the values of
a few *key columns* (a sort, a row inserted or deleted above a row read), chosen from the rows
read as the columns that tell them apart best (:func:`key_columns`). Rows added below the last
row read (new form submissions) are allowed. An answer edited in another column is not seen
here: its mark is stale, not misplaced, and the next run repairs it; a note or colour a
coordinator changes meanwhile is not re-read either (the plan keeps what the read showed).

>>> from impactsheets.sources import Row, Table
>>> table = Table(["Horodateur", "Site", "Note"], [Row(2, ["10:01", "Arsenal", 3]),
...                                               Row(3, ["10:02", "Docks", 3])])
>>> key_columns(table, set())
[1, 2]
>>> same = ["Horodateur", "Site", "Note"]
>>> check_rows(table, same, same, {1: ["10:02", "10:01"]})  # doctest: +ELLIPSIS
Traceback (most recent call last):
impactsheets.errors.SheetChangedError: the sheet changed during the sync (row 2 moved or was ...
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from impactsheets.errors import SheetChangedError
from impactsheets.google.grid import ERROR_TEXT, clean_value
from impactsheets.sources import Cell, Table, header_row_of

__all__ = ["answers_first", "changed", "check_rows", "key_columns", "rows_written"]

#: Columns whose values are compared (a sort moves whole rows: one distinct column shows it;
#: two cover rows equal in one of them).
KEY_COUNT = 2
#: Longest average text of a key column (long comments would make the re-check heavy).
KEY_TEXT = 64
_ERRORS = frozenset(ERROR_TEXT.values()) | {"#ERROR!"}


def key_columns(table: Table, ours: Collection[int], count: int = KEY_COUNT) -> list[int]:
    """1-based columns (not ours) that tell the rows read apart best: most distinct values,
    then shortest text; at most ``count``, in column order, short columns only."""
    scored = []
    for c in range(len(table.headers)):
        if c + 1 in ours:
            continue
        texts = [str(v) for v in (row.cell(c) for row in table.rows) if v is not None]
        length = sum(map(len, texts))
        if texts and length <= KEY_TEXT * len(texts):
            scored.append((-len(set(texts)), length, c + 1))
    return sorted(c for *_, c in sorted(scored)[:count])


def _text(value: Cell) -> str:
    return "" if value is None else str(value).strip()


def changed(what: str) -> SheetChangedError:
    return SheetChangedError(f"the sheet changed during the sync ({what}); nothing was written; "
                             "the next run will retry")


def rows_written(requests: Sequence[dict[str, Any]], sheet_id: int) -> tuple[int, int] | None:
    """(first, last) 1-based rows of worksheet ``sheet_id`` that ``requests`` write cells of
    (None: none): the rows a part of the write-back needs to find where they were.

    >>> rows_written([{"updateCells": {"start": {"sheetId": 7, "rowIndex": 4}, "rows": [{}]}},
    ...               {"updateCells": {"range": {"sheetId": 7, "startRowIndex": 9,
    ...                                          "endRowIndex": 20}}},
    ...               {"updateCells": {"range": {"sheetId": 8, "startRowIndex": 0}}}], 7)
    (5, 20)
    """
    spans = []
    for request in requests:
        update = request.get("updateCells") or {}
        where = update.get("range") or update.get("start")
        if where is None or int(where.get("sheetId", 0)) != sheet_id:
            continue
        if "range" in update:
            spans.append((int(where.get("startRowIndex", 0)) + 1, int(where["endRowIndex"])))
        else:
            start = int(where.get("rowIndex", 0)) + 1
            spans.append((start, start + len(update.get("rows") or [{}]) - 1))
    return (min(a for a, _ in spans), max(b for _, b in spans)) if spans else None


def _sheet_ids(value: Any) -> set[int]:
    """Every ``sheetId`` named anywhere in a request."""
    if isinstance(value, dict):
        found = {int(value["sheetId"])} if "sheetId" in value else set()
        return found.union(*(_sheet_ids(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_sheet_ids(v) for v in value))
    return set()


def answers_first(requests: Sequence[dict[str, Any]], sheet_id: int
                  ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(requests on the answers' worksheet ``sheet_id``, those touching only OTHER worksheets),
    each in order. Only the first are re-checked and timed as the race window; the others (our
    problems tab: a list, no mark on an answer row) are sent after them.

    >>> cell = {"updateCells": {"range": {"sheetId": 7}}}
    >>> tab = {"addSheet": {"properties": {"sheetId": 9}}}
    >>> answers_first([tab, cell, {"updateCells": {"start": {"sheetId": 9}}}], 7)
    ([{'updateCells': {'range': {'sheetId': 7}}}], \
[{'addSheet': {'properties': {'sheetId': 9}}}, {'updateCells': {'start': {'sheetId': 9}}}])
    """
    bound: list[dict[str, Any]] = []
    free: list[dict[str, Any]] = []
    for request in requests:
        ids = _sheet_ids(request)
        (free if ids and sheet_id not in ids else bound).append(request)
    return bound, free


def check_rows(table: Table, header_read: Sequence[str], header_now: Sequence[Cell],
               keys_now: Mapping[int, Sequence[Cell]],
               rows: tuple[int, int] | None = None) -> None:
    """Raise :class:`SheetChangedError` when the header row differs from the one read, or a
    row read (in ``rows``, first and last, when given) no longer holds its key columns'
    values (``keys_now``: 1-based column -> values from the first of ``rows`` on, else from
    the row below the header). Our columns' titles are compared too: a column
    inserted before them or a move would send our values to the wrong column. Columns past
    the header read are not: the write-back titles its new columns there (a write in parts
    re-checks between parts)."""
    now = [_text(clean_value(v)) for v in header_now]
    for c, before in enumerate(header_read):
        after = now[c] if c < len(now) else ""
        if before.strip() != after:
            raise changed(f"header of column {c + 1} is now {after!r}")
    start, end = rows if rows is not None else (header_row_of(table) + 1, None)
    for column, values in keys_now.items():
        for row in table.rows:
            index = row.number - start
            if index < 0 or (end is not None and row.number > end):
                continue
            value = clean_value(values[index]) if index < len(values) else None
            read = row.cell(column - 1)
            if read in _ERRORS or value in _ERRORS:
                continue  # a formula error is not an identity
            if read != value:
                raise changed(f"row {row.number} moved or was edited")

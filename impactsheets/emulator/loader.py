"""Seed the emulator: a spreadsheet from an .xlsx file (openpyxl) or from Python rows."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from .store import Spreadsheet, Store
from .values import to_serial

DATE_TIME_PATTERN = "dd/mm/yyyy hh:mm:ss"
DATE_PATTERN = "dd/mm/yyyy"
TIME_PATTERN = "hh:mm:ss"
MIN_ROWS, MIN_COLS = 1000, 26


def typed_cell(value: Any, *, date_only_hint: bool = False) -> dict[str, Any] | None:
    """A Python value as a stored cell; datetimes become serial numbers with a date format."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, dt.datetime):
        midnight = value.time() == dt.time(0)
        kind, pattern = (
            ("DATE", DATE_PATTERN)
            if midnight and date_only_hint
            else (
                "DATE_TIME",
                DATE_TIME_PATTERN,
            )
        )
        return {
            "userEnteredValue": {"numberValue": to_serial(value)},
            "userEnteredFormat": {"numberFormat": {"type": kind, "pattern": pattern}},
        }
    if isinstance(value, dt.date):
        return {
            "userEnteredValue": {"numberValue": to_serial(value)},
            "userEnteredFormat": {"numberFormat": {"type": "DATE", "pattern": DATE_PATTERN}},
        }
    if isinstance(value, dt.time):
        return {
            "userEnteredValue": {"numberValue": to_serial(value)},
            "userEnteredFormat": {"numberFormat": {"type": "TIME", "pattern": TIME_PATTERN}},
        }
    if isinstance(value, int | float):
        return {"userEnteredValue": {"numberValue": float(value)}}
    return {"userEnteredValue": {"stringValue": str(value)}}


def load_values(
    store: Store,
    key: str,
    sheets: dict[str, list[list[Any]]],
    title: str | None = None,
    *,
    private: bool = False,
) -> Spreadsheet:
    """Create (or replace) spreadsheet ``key`` with one sheet per entry of ``sheets``."""
    names = list(sheets) or ["Sheet1"]
    props = []
    for name in names:
        rows = sheets.get(name) or []
        width = max((len(r) for r in rows), default=0)
        props.append(
            {
                "title": name,
                "gridProperties": {
                    "rowCount": max(len(rows), MIN_ROWS),
                    "columnCount": max(width, MIN_COLS),
                },
            }
        )
    if key in store.spreadsheets:
        store.delete_file(key)
    ss = store.create_spreadsheet(title or key, key=key, sheets=props)
    for sheet, name in zip(ss.sheets, names, strict=True):
        for r, row in enumerate(sheets.get(name) or []):
            for c, value in enumerate(row):
                cell = typed_cell(value)
                if cell:
                    sheet.cells[(r, c)] = cell
    ss.private = private
    return ss


def _argb_to_color(argb: str) -> dict[str, float] | None:
    if not isinstance(argb, str) or len(argb) not in (6, 8):
        return None
    rgb = argb[-6:]
    try:
        parts = [int(rgb[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    except ValueError:
        return None
    return {k: round(v, 7) for k, v in zip(("red", "green", "blue"), parts, strict=True) if v}


def load_xlsx(
    store: Store,
    source: str | Path | bytes,
    key: str,
    title: str | None = None,
    *,
    private: bool = False,
) -> Spreadsheet:
    """Load every worksheet of an .xlsx: typed values, comments as notes, solid fills."""
    from openpyxl import load_workbook

    data = io.BytesIO(source) if isinstance(source, bytes) else source
    wb = load_workbook(data, data_only=False)
    if title is None:
        title = Path(source).stem if not isinstance(source, bytes) else key
    sheets: dict[str, list[list[Any]]] = {ws.title: [] for ws in wb.worksheets}
    ss = load_values(store, key, sheets, title, private=private)
    for ws, sheet in zip(wb.worksheets, ss.sheets, strict=True):
        sheet.set_size(max(ws.max_row, MIN_ROWS), max(ws.max_column, MIN_COLS))
        for row in ws.iter_rows():
            for xl in row:
                value = xl.value
                r, c = xl.row - 1, xl.column - 1
                if isinstance(value, str) and value.startswith("=") and xl.data_type == "f":
                    cell: dict[str, Any] | None = {"userEnteredValue": {"formulaValue": value}}
                else:
                    fmt = (xl.number_format or "").lower()
                    cell = typed_cell(value, date_only_hint="h" not in fmt)
                cell = dict(cell or {})
                if xl.comment is not None and xl.comment.text:
                    cell["note"] = xl.comment.text
                fill = xl.fill
                if fill is not None and fill.fill_type == "solid":
                    color = _argb_to_color(getattr(fill.fgColor, "rgb", ""))
                    if color is not None and color != {"red": 1, "green": 1, "blue": 1}:
                        cell.setdefault("userEnteredFormat", {})["backgroundColor"] = color
                if cell:
                    sheet.cells[(r, c)] = cell
    return ss

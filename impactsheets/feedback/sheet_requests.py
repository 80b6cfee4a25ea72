"""Sheets API ``batchUpdate`` request pieces shared by the write-back planner's parts.

>>> text_cell(3), text_cell("=1+1", bold=True)["userEnteredValue"]
({'userEnteredValue': {'numberValue': 3}}, {'stringValue': '=1+1'})
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from impactsheets.google.grid import COLUMN_MARK

__all__ = ["CHUNK", "COLOUR_FIELD", "WRAPPED", "WRAP_FIELDS", "column_mark", "text_cell",
           "update_rows"]

CHUNK = 400_000  # bytes of cell data per updateCells request
COLOUR_FIELD = "userEnteredFormat.backgroundColor"
WRAPPED = {"wrapStrategy": "WRAP", "verticalAlignment": "TOP"}
WRAP_FIELDS = "userEnteredFormat.wrapStrategy,userEnteredFormat.verticalAlignment"


def text_cell(value: Any, bold: bool = False) -> dict[str, Any]:
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


def update_rows(sheet_id: int, row0: int, col0: int, rows: list[list[dict[str, Any]]],
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

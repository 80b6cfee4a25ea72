"""batchUpdate requests on rows and columns: insert, delete, append, and developer metadata
(which follows its row or column when they move).
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

from .batch_common import sheet_or_error
from .store import DIMENSION_METADATA, ApiError, Sheet, Spreadsheet

__all__ = ["append_dimension", "create_developer_metadata", "delete_dimension", "insert_dimension",
           "shift_dimension"]


def shift_dimension(sheet: Sheet, dim: str, start: int, count: int) -> None:
    """Insert (count > 0) or delete (count < 0) rows/columns at ``start``, moving cells."""
    axis = 0 if dim == "ROWS" else 1
    moved: dict[tuple[int, int], dict[str, Any]] = {}
    for key, cell in sheet.cells.items():
        pos = key[axis]
        if pos < start:
            moved[key] = cell
        elif count < 0 and pos < start - count:
            continue
        else:
            new = list(key)
            new[axis] = pos + count
            moved[(new[0], new[1])] = cell
    sheet.cells = moved
    if sheet.copied is not None:  # cells moved: copy again on their next edit
        sheet.copied = set()
    _shift_metadata(sheet, dim, start, count)
    gp = sheet.props["gridProperties"]
    gp["rowCount" if axis == 0 else "columnCount"] += count


def _shift_metadata(sheet: Sheet, dim: str, start: int, count: int) -> None:
    """Dimension-located developer metadata follows its row/column; deleted with it."""
    kept = []
    for meta in sheet.extras.get(DIMENSION_METADATA) or []:
        rng = meta["location"]["dimensionRange"]
        index = rng["startIndex"]
        if rng["dimension"] == dim and index >= start:
            if count < 0 and index < start - count:
                continue
            rng["startIndex"], rng["endIndex"] = index + count, index + count + 1
        kept.append(meta)
    sheet.extras[DIMENSION_METADATA] = kept


def create_developer_metadata(ss: Spreadsheet, req: dict[str, Any], where: str
                              ) -> dict[str, Any]:
    """A key (and value) on a sheet or on one row/column (``DIMENSION_RANGE``)."""
    meta = copy.deepcopy(req.get("developerMetadata") or {})
    if not meta.get("metadataKey"):
        raise ApiError(400, f"Invalid {where}: Developer metadata must always have a key")
    if meta.get("visibility") not in ("DOCUMENT", "PROJECT"):
        raise ApiError(400, f"Invalid {where}: Developer metadata must always have a visibility")
    location = meta.get("location") or {}
    taken = {m["metadataId"] for sh in ss.sheets for key in ("developerMetadata",
             DIMENSION_METADATA) for m in sh.extras.get(key) or []}
    meta.setdefault("metadataId", next(i for i in itertools.count(len(taken) + 1000)
                                       if i not in taken))
    if "sheetId" in location:
        sheet = sheet_or_error(ss, location["sheetId"], where)
        meta["location"] = {"locationType": "SHEET", "sheetId": sheet.sheet_id}
        sheet.extras.setdefault("developerMetadata", []).append(meta)
    elif "dimensionRange" in location:
        rng = location["dimensionRange"]
        sheet, dim, start, end = _dim_range(ss, {"range": rng}, where)
        if end - start != 1:
            raise ApiError(400, f"Invalid {where}: the DimensionRange must be a single row or "
                                "column")
        meta["location"] = {"locationType": "ROW" if dim == "ROWS" else "COLUMN",
                            "dimensionRange": {"sheetId": sheet.sheet_id, "dimension": dim,
                                               "startIndex": start, "endIndex": end}}
        sheet.extras.setdefault(DIMENSION_METADATA, []).append(meta)
    else:
        raise ApiError(400, f"Invalid {where}: location must be a sheetId or a dimensionRange "
                            "(spreadsheet-level metadata is not emulated)")
    return {"createDeveloperMetadata": {"developerMetadata": copy.deepcopy(meta)}}


def _dim_range(ss: Spreadsheet, req: dict[str, Any], where: str) -> tuple[Sheet, str, int, int]:
    rng = req.get("range") or {}
    sheet = sheet_or_error(ss, rng.get("sheetId"), where)
    dim = rng.get("dimension")
    if dim not in ("ROWS", "COLUMNS"):
        raise ApiError(400, f"Invalid {where}: dimension must be ROWS or COLUMNS")
    start, end = int(rng.get("startIndex", 0)), int(rng.get("endIndex", 0))
    size = sheet.row_count if dim == "ROWS" else sheet.col_count
    if end <= start:
        raise ApiError(400, f"Invalid {where}: endIndex must be greater than startIndex")
    return sheet, dim, start, min(end, size if "delete" in where else end)


def insert_dimension(ss: Spreadsheet, req: dict[str, Any], where: str) -> None:
    sheet, dim, start, end = _dim_range(ss, req, where)
    size = sheet.row_count if dim == "ROWS" else sheet.col_count
    if start > size:
        raise ApiError(400, f"Invalid {where}: range exceeds grid limits")
    shift_dimension(sheet, dim, start, end - start)


def delete_dimension(ss: Spreadsheet, req: dict[str, Any], where: str) -> None:
    sheet, dim, start, end = _dim_range(ss, req, where)
    size = sheet.row_count if dim == "ROWS" else sheet.col_count
    if end - start >= size:
        what = "rows" if dim == "ROWS" else "columns"
        raise ApiError(400, f"Invalid {where}: You can't delete all the {what} on the sheet.")
    shift_dimension(sheet, dim, start, -(end - start))


def append_dimension(ss: Spreadsheet, req: dict[str, Any], where: str) -> None:
    sheet = sheet_or_error(ss, req.get("sheetId"), where)
    dim = req.get("dimension")
    length = int(req.get("length", 0))
    if dim not in ("ROWS", "COLUMNS") or length <= 0:
        raise ApiError(400, f"Invalid {where}: need a dimension and a positive length")
    gp = sheet.props["gridProperties"]
    gp["rowCount" if dim == "ROWS" else "columnCount"] += length

"""batchUpdate requests on cells: updateCells, repeatCell, setDataValidation, mergeCells, unmergeCells.
"""

from __future__ import annotations

import copy
from typing import Any

from .batch_common import drop_defaults, parse_fields, sheet_or_error
from .fields import Mask, leaf_paths, set_by_mask
from .sheets import Box, grid_range_box
from .store import ApiError, Sheet, Spreadsheet

__all__ = ["merge_cells", "repeat_cell", "set_data_validation", "unmerge_cells", "update_cells"]


def _apply_cells(box: Box, rows: list[dict[str, Any]] | None, mask: Mask, full: bool) -> None:
    rows = rows or []
    paths = leaf_paths(mask)
    n_rows = box.r1 - box.r0 if full else len(rows)
    for i in range(n_rows):
        values = (rows[i].get("values") or []) if i < len(rows) else []
        n_cols = box.c1 - box.c0 if full else len(values)
        for j in range(n_cols):
            src = values[j] if j < len(values) else {}
            r, c = box.r0 + i, box.c0 + j
            if r >= box.sheet.row_count or c >= box.sheet.col_count:
                raise ApiError(400, "exceeds grid limits")
            _set_cell(box.sheet, r, c, src, mask, paths)


def _set_cell(sheet: Sheet, r: int, c: int, src: dict[str, Any], mask: Mask,
              paths: list[tuple[str, ...]]) -> None:
    cell = sheet.edit_cell(r, c)
    set_by_mask(cell, src, mask, paths)
    if cell.get("note") == "":
        del cell["note"]  # an empty note is no note
    sheet.tidy(r, c)


def update_cells(ss: Spreadsheet, req: dict[str, Any], where: str) -> None:
    mask = parse_fields(req.get("fields"), where)
    if "range" in req:
        box = grid_range_box(ss, req["range"], where)
        _apply_cells(box, req.get("rows"), mask, full=True)
    else:
        start = req.get("start") or {}
        sheet = sheet_or_error(ss, start.get("sheetId"), where)
        r0, c0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
        rows = req.get("rows") or []
        width = max((len(r.get("values") or []) for r in rows), default=0)
        if r0 + len(rows) > sheet.row_count or c0 + width > sheet.col_count:
            raise ApiError(400, f"Invalid {where}: the update exceeds grid limits")
        _apply_cells(Box(sheet, r0, c0, r0 + len(rows), c0 + width), rows, mask, full=False)


def repeat_cell(ss: Spreadsheet, req: dict[str, Any], where: str) -> None:
    mask = parse_fields(req.get("fields"), where)
    box = grid_range_box(ss, req.get("range") or {}, where)
    cell = req.get("cell") or {}
    paths = leaf_paths(mask)
    for r in range(box.r0, box.r1):
        for c in range(box.c0, box.c1):
            _set_cell(box.sheet, r, c, cell, mask, paths)


def set_data_validation(ss: Spreadsheet, req: dict[str, Any], where: str) -> None:
    box = grid_range_box(ss, req.get("range") or {}, where)
    rule = req.get("rule")
    for r in range(box.r0, box.r1):
        for c in range(box.c0, box.c1):
            cell = box.sheet.edit_cell(r, c)
            if rule:
                cell["dataValidation"] = drop_defaults(copy.deepcopy(rule))
            else:
                cell.pop("dataValidation", None)
            box.sheet.tidy(r, c)


def merge_cells(ss: Spreadsheet, req: dict[str, Any], where: str) -> None:
    box = grid_range_box(ss, req.get("range") or {}, where)
    box.sheet.extras.setdefault("merges", []).append(drop_defaults(dict(req.get("range") or {})))


def unmerge_cells(ss: Spreadsheet, req: dict[str, Any], where: str) -> None:
    box = grid_range_box(ss, req.get("range") or {}, where)
    merges = box.sheet.extras.get("merges") or []
    keep = []
    for m in merges:
        inside = (
            m.get("startRowIndex", 0) >= box.r0
            and m.get("endRowIndex", 0) <= box.r1
            and m.get("startColumnIndex", 0) >= box.c0
            and m.get("endColumnIndex", 0) <= box.c1
        )
        if not inside:
            keep.append(m)
    box.sheet.extras["merges"] = keep

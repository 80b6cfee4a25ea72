"""batchUpdate requests on worksheets and the spreadsheet: add, delete, properties, filter, protected ranges.
"""

from __future__ import annotations

import copy
from typing import Any

from .batch_common import clean_props, parse_fields, sheet_or_error
from .fields import set_by_mask
from .sheets import grid_range_box
from .store import CALLER_EMAIL, ApiError, Sheet, Spreadsheet, default_sheet_props

__all__ = ["add_protected_range", "add_sheet", "clear_basic_filter", "delete_protected_range",
           "delete_sheet", "set_basic_filter", "update_sheet_properties",
           "update_spreadsheet_properties"]


def add_sheet(ss: Spreadsheet, req: dict[str, Any], where: str) -> dict[str, Any]:
    props = copy.deepcopy(req.get("properties") or {})
    title = props.get("title") or f"Sheet{len(ss.sheets) + 1}"
    if ss.sheet_by_title(title):
        raise ApiError(
            400,
            f'Invalid {where}: A sheet with the name "{title}" already exists. Please enter another name.',
        )
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = ss.new_sheet_id()
    elif ss.sheet_by_id(int(sheet_id)):
        raise ApiError(400, f"Invalid {where}: A sheet with id {sheet_id} already exists.")
    full = default_sheet_props(int(sheet_id), title, len(ss.sheets))
    full["gridProperties"].update(props.pop("gridProperties", None) or {})
    index = props.pop("index", None)
    props.pop("sheetId", None)
    props.pop("title", None)
    full.update(props)
    sheet = Sheet(full)
    ss.sheets.insert(len(ss.sheets) if index is None else int(index), sheet)
    ss.reindex()
    return {"addSheet": {"properties": copy.deepcopy(sheet.props)}}


def delete_sheet(ss: Spreadsheet, req: dict[str, Any], where: str) -> None:
    sheet = sheet_or_error(ss, req.get("sheetId"), where)
    if len(ss.sheets) == 1:
        raise ApiError(400, f"Invalid {where}: You can't remove all the sheets in a document.")
    ss.sheets.remove(sheet)
    ss.reindex()


def update_sheet_properties(ss: Spreadsheet, req: dict[str, Any], where: str) -> None:
    props = req.get("properties") or {}
    sheet = sheet_or_error(ss, props.get("sheetId"), where)
    mask = parse_fields(req.get("fields"), where)
    mask.pop("sheetId", None)
    before = copy.deepcopy(sheet.props)
    target = copy.deepcopy(sheet.props)
    set_by_mask(target, props, mask)
    title = target.get("title")
    if not title:
        raise ApiError(400, f"Invalid {where}: The sheet name cannot be empty.")
    if title != before["title"] and ss.sheet_by_title(title):
        raise ApiError(
            400,
            f'Invalid {where}: A sheet with the name "{title}" already exists. Please enter another name.',
        )
    target.setdefault("gridProperties", {})
    target["gridProperties"].setdefault("rowCount", before["gridProperties"]["rowCount"])
    target["gridProperties"].setdefault("columnCount", before["gridProperties"]["columnCount"])
    if target.get("hidden") and all(s is sheet or s.props.get("hidden") for s in ss.sheets):
        raise ApiError(400, f"Invalid {where}: You can't hide all the sheets in a document.")
    target = clean_props(target)
    new_index = target.get("index", before["index"])
    sheet.props = target
    sheet.set_size(target["gridProperties"]["rowCount"], target["gridProperties"]["columnCount"])
    if new_index != before["index"]:
        ss.sheets.remove(sheet)
        ss.sheets.insert(min(int(new_index), len(ss.sheets)), sheet)
    ss.reindex()


def update_spreadsheet_properties(ss: Spreadsheet, req: dict[str, Any], where: str) -> None:
    mask = parse_fields(req.get("fields"), where)
    set_by_mask(ss.properties, req.get("properties") or {}, mask)


def set_basic_filter(ss: Spreadsheet, req: dict[str, Any], where: str) -> None:
    """The sheet's filter; a range's missing bounds are the whole grid (as Google stores it)."""
    flt = dict(req.get("filter") or {})
    given = dict(flt.get("range") or {})
    sheet = sheet_or_error(ss, given.get("sheetId"), where)
    stored = {"sheetId": sheet.sheet_id} if sheet.sheet_id else {}  # sheet 0: omitted
    stored.update(startRowIndex=int(given.get("startRowIndex", 0)),
                  endRowIndex=int(given.get("endRowIndex", sheet.row_count)),
                  startColumnIndex=int(given.get("startColumnIndex", 0)),
                  endColumnIndex=int(given.get("endColumnIndex", sheet.col_count)))
    sheet.extras["basicFilter"] = {**flt, "range": stored}


def clear_basic_filter(ss: Spreadsheet, req: dict[str, Any], where: str) -> None:
    sheet_or_error(ss, req.get("sheetId"), where).extras.pop("basicFilter", None)


def add_protected_range(ss: Spreadsheet, req: dict[str, Any], where: str) -> dict[str, Any]:
    pr = copy.deepcopy(req.get("protectedRange") or {})
    rng = dict(pr.get("range") or {})
    sheet = sheet_or_error(ss, rng.get("sheetId"), where)
    grid_range_box(ss, rng, where)
    if not rng.get("sheetId"):
        rng.pop("sheetId", None)  # proto3 drops the default sheet id 0
    out: dict[str, Any] = {"protectedRangeId": ss.new_sheet_id(), "range": rng}
    for k in ("description", "warningOnly"):
        if pr.get(k):
            out[k] = pr[k]
    out["requestingUserCanEdit"] = True
    editors = clean_props(pr.get("editors") or {})
    out["editors"] = editors
    stored = copy.deepcopy(out)
    users = stored["editors"].setdefault("users", [])
    if CALLER_EMAIL not in users:
        users.insert(0, CALLER_EMAIL)
    sheet.extras.setdefault("protectedRanges", []).append(stored)
    return {"addProtectedRange": {"protectedRange": out}}


def delete_protected_range(ss: Spreadsheet, req: dict[str, Any], where: str) -> None:
    pid = int(req.get("protectedRangeId", -1))
    for sheet in ss.sheets:
        prs = sheet.extras.get("protectedRanges") or []
        for pr in prs:
            if pr.get("protectedRangeId") == pid:
                prs.remove(pr)
                return
    raise ApiError(400, f"Invalid {where}: No protected range with id: {pid}")

"""``POST /v4/spreadsheets/{id}:batchUpdate``: the structural and formatting requests.

Requests are applied in order on a copy of the spreadsheet; the copy replaces the original only
when every request succeeded (Google's batchUpdate is atomic).
"""

from __future__ import annotations

import copy
import itertools
import math
import struct
from collections.abc import Callable
from typing import Any

from .fields import MaskError, parse_mask, set_by_mask
from .sheets import Box, grid_range_box
from .store import (
    CALLER_EMAIL,
    DIMENSION_METADATA,
    ApiError,
    Sheet,
    Spreadsheet,
    Store,
    default_sheet_props,
)

Handler = Callable[[Spreadsheet, dict[str, Any], str], dict[str, Any] | None]


def _mask(text: Any, where: str) -> dict:
    if not text:
        raise ApiError(400, f"Invalid {where}: At least one field must be updated. Specify fields")
    try:
        return parse_mask(str(text))
    except MaskError as exc:
        raise ApiError(400, f"Invalid {where}: {exc}") from exc


def _proto3(d: dict[str, Any]) -> dict[str, Any]:
    """Drop default values like the proto3 JSON encoder does (``sheetId: 0``, ``False``...)."""
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            v = _proto3(v)
        elif isinstance(v, list):
            v = [_proto3(x) if isinstance(x, dict) else x for x in v if x not in (None, "")]
        if v in (0, False, None, "", [], {}) and not isinstance(v, dict | list):
            continue
        if isinstance(v, list) and not v:
            continue
        out[k] = v
    return out


_CHANNELS = ("red", "green", "blue", "alpha")
_KEEP_ZERO = {"sheetId", "index", "rowCount", "columnCount"}


def _float32(x: float) -> float | int:
    v = struct.unpack("f", struct.pack("f", float(x)))[0]
    r = float(f"{v:.8g}")
    return int(r) if r.is_integer() else r


def clean_props(obj: Any, key: str = "", hex_colors: bool = False) -> Any:
    """Proto3-style output: drop null/false/zero members and empty objects; float32 colours.

    Tab colours are stored by Sheets as 8-bit RGB, so they come back quantised to 1/255.
    """
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            v = clean_props(v, k, hex_colors or k.startswith("tabColor"))
            if isinstance(v, list) and not v:
                continue
            if v is None or v is False or (v == 0 and k not in _KEEP_ZERO and not isinstance(v, bool)):
                continue
            if isinstance(v, dict) and not v and k != "rgbColor":
                continue
            out[k] = v
        return out
    if isinstance(obj, int | float) and not isinstance(obj, bool) and key in _CHANNELS:
        if hex_colors:
            return _float32(math.floor(obj * 255 + 1e-6) / 255)
        return _float32(obj)
    return obj


def _sheet(ss: Spreadsheet, sheet_id: Any, where: str) -> Sheet:
    sheet = ss.sheet_by_id(int(sheet_id or 0))
    if sheet is None:
        raise ApiError(400, f"Invalid {where}: No grid with id: {sheet_id or 0}")
    return sheet


def _apply_cells(box: Box, rows: list[dict[str, Any]] | None, mask: dict, full: bool) -> None:
    rows = rows or []
    n_rows = box.r1 - box.r0 if full else len(rows)
    for i in range(n_rows):
        values = (rows[i].get("values") or []) if i < len(rows) else []
        n_cols = box.c1 - box.c0 if full else len(values)
        for j in range(n_cols):
            src = values[j] if j < len(values) else {}
            r, c = box.r0 + i, box.c0 + j
            if r >= box.sheet.row_count or c >= box.sheet.col_count:
                raise ApiError(400, "exceeds grid limits")
            _set_cell(box.sheet, r, c, src, mask)


def _set_cell(sheet: Sheet, r: int, c: int, src: dict[str, Any], mask: dict) -> None:
    cell = sheet.edit_cell(r, c)
    set_by_mask(cell, src, mask)
    if cell.get("note") == "":
        del cell["note"]  # an empty note is no note
    sheet.tidy(r, c)


def update_cells(ss: Spreadsheet, req: dict[str, Any], where: str) -> None:
    mask = _mask(req.get("fields"), where)
    if "range" in req:
        box = grid_range_box(ss, req["range"], where)
        _apply_cells(box, req.get("rows"), mask, full=True)
    else:
        start = req.get("start") or {}
        sheet = _sheet(ss, start.get("sheetId"), where)
        r0, c0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
        rows = req.get("rows") or []
        width = max((len(r.get("values") or []) for r in rows), default=0)
        if r0 + len(rows) > sheet.row_count or c0 + width > sheet.col_count:
            raise ApiError(400, f"Invalid {where}: the update exceeds grid limits")
        _apply_cells(Box(sheet, r0, c0, r0 + len(rows), c0 + width), rows, mask, full=False)


def repeat_cell(ss: Spreadsheet, req: dict[str, Any], where: str) -> None:
    mask = _mask(req.get("fields"), where)
    box = grid_range_box(ss, req.get("range") or {}, where)
    cell = req.get("cell") or {}
    for r in range(box.r0, box.r1):
        for c in range(box.c0, box.c1):
            _set_cell(box.sheet, r, c, cell, mask)


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
    sheet = _sheet(ss, req.get("sheetId"), where)
    if len(ss.sheets) == 1:
        raise ApiError(400, f"Invalid {where}: You can't remove all the sheets in a document.")
    ss.sheets.remove(sheet)
    ss.reindex()


def update_sheet_properties(ss: Spreadsheet, req: dict[str, Any], where: str) -> None:
    props = req.get("properties") or {}
    sheet = _sheet(ss, props.get("sheetId"), where)
    mask = _mask(req.get("fields"), where)
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
    mask = _mask(req.get("fields"), where)
    set_by_mask(ss.properties, req.get("properties") or {}, mask)


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
        sheet = _sheet(ss, location["sheetId"], where)
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
    sheet = _sheet(ss, rng.get("sheetId"), where)
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
    sheet = _sheet(ss, req.get("sheetId"), where)
    dim = req.get("dimension")
    length = int(req.get("length", 0))
    if dim not in ("ROWS", "COLUMNS") or length <= 0:
        raise ApiError(400, f"Invalid {where}: need a dimension and a positive length")
    gp = sheet.props["gridProperties"]
    gp["rowCount" if dim == "ROWS" else "columnCount"] += length


def set_data_validation(ss: Spreadsheet, req: dict[str, Any], where: str) -> None:
    box = grid_range_box(ss, req.get("range") or {}, where)
    rule = req.get("rule")
    for r in range(box.r0, box.r1):
        for c in range(box.c0, box.c1):
            cell = box.sheet.edit_cell(r, c)
            if rule:
                cell["dataValidation"] = _proto3(copy.deepcopy(rule))
            else:
                cell.pop("dataValidation", None)
            box.sheet.tidy(r, c)


def add_protected_range(ss: Spreadsheet, req: dict[str, Any], where: str) -> dict[str, Any]:
    pr = copy.deepcopy(req.get("protectedRange") or {})
    rng = dict(pr.get("range") or {})
    sheet = _sheet(ss, rng.get("sheetId"), where)
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


def merge_cells(ss: Spreadsheet, req: dict[str, Any], where: str) -> None:
    box = grid_range_box(ss, req.get("range") or {}, where)
    box.sheet.extras.setdefault("merges", []).append(_proto3(dict(req.get("range") or {})))


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


def set_basic_filter(ss: Spreadsheet, req: dict[str, Any], where: str) -> None:
    """The sheet's filter; a range's missing bounds are the whole grid (as Google stores it)."""
    flt = dict(req.get("filter") or {})
    given = dict(flt.get("range") or {})
    sheet = _sheet(ss, given.get("sheetId"), where)
    stored = {"sheetId": sheet.sheet_id} if sheet.sheet_id else {}  # sheet 0: omitted
    stored.update(startRowIndex=int(given.get("startRowIndex", 0)),
                  endRowIndex=int(given.get("endRowIndex", sheet.row_count)),
                  startColumnIndex=int(given.get("startColumnIndex", 0)),
                  endColumnIndex=int(given.get("endColumnIndex", sheet.col_count)))
    sheet.extras["basicFilter"] = {**flt, "range": stored}


def clear_basic_filter(ss: Spreadsheet, req: dict[str, Any], where: str) -> None:
    _sheet(ss, req.get("sheetId"), where).extras.pop("basicFilter", None)


def no_op(ss: Spreadsheet, req: dict[str, Any], where: str) -> None:
    """Accepted and ignored: display-only requests the product never reads back."""


HANDLERS: dict[str, Handler] = {
    "updateCells": update_cells,
    "repeatCell": repeat_cell,
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
    "appendDimension": append_dimension,
    "createDeveloperMetadata": create_developer_metadata,
    "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension,
    "setDataValidation": set_data_validation,
    "addProtectedRange": add_protected_range,
    "deleteProtectedRange": delete_protected_range,
    "mergeCells": merge_cells,
    "unmergeCells": unmerge_cells,
    "setBasicFilter": set_basic_filter,
    "clearBasicFilter": clear_basic_filter,
    "updateDimensionProperties": no_op,
    "autoResizeDimensions": no_op,
    "updateBorders": no_op,
}


def batch_update(store: Store, key: str, body: dict[str, Any]) -> dict[str, Any]:
    ss = store.get_spreadsheet(key)
    requests = body.get("requests")
    if not isinstance(requests, list) or not requests:
        raise ApiError(400, "Must specify at least one request.")
    work = copy.deepcopy(ss)
    replies: list[dict[str, Any]] = []
    for i, req in enumerate(requests):
        if not isinstance(req, dict) or len(req) != 1:
            raise ApiError(400, f"Invalid requests[{i}]: exactly one request kind is required")
        kind, payload = next(iter(req.items()))
        handler = HANDLERS.get(kind)
        if handler is None:
            raise ApiError(
                400,
                f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{i}]': "
                "Cannot find field.",
                details=[
                    {
                        "@type": "type.googleapis.com/google.rpc.BadRequest",
                        "fieldViolations": [
                            {
                                "field": f"requests[{i}]",
                                "description": f'Invalid JSON payload received. Unknown name "{kind}" '
                                f"at 'requests[{i}]': Cannot find field.",
                            }
                        ],
                    }
                ],
            )
        reply = handler(work, payload or {}, f"requests[{i}].{kind}")
        replies.append(reply or {})
    ss.properties, ss.sheets, ss.named_ranges = work.properties, work.sheets, work.named_ranges
    if key in store.files:
        store.files[key].meta["name"] = ss.properties["title"]
    out: dict[str, Any] = {"spreadsheetId": key, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        from .sheets import get_spreadsheet

        out["updatedSpreadsheet"] = get_spreadsheet(store, key, {})
    return out

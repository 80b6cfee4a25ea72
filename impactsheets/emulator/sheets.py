"""Sheets v4 endpoints: spreadsheets.get/create and the ``values`` collection.

Every function takes the :class:`Store` (caller holds the lock), query params (``dict`` of
lists, as from ``urllib.parse.parse_qs``) and the decoded JSON body, and returns the JSON
answer or raises :class:`ApiError`.
"""

from __future__ import annotations

import copy
from typing import Any

from .a1 import A1Error, A1Range, format_range, parse_range, quote_sheet
from .fields import Mask, MaskError, apply_mask, json_copy, parse_mask
from .store import DIMENSION_METADATA, ApiError, Sheet, Spreadsheet, Store
from .values import (
    effective_value,
    formatted_value,
    value_for_api,
)

Params = dict[str, list[str]]


def _p(params: Params, name: str, default: str | None = None) -> str | None:
    vals = params.get(name)
    return vals[0] if vals else default


def _bool(params: Params, name: str) -> bool:
    return (_p(params, name) or "").lower() in ("true", "1")


# --- ranges --------------------------------------------------------------------------------


class Box:
    """A resolved rectangle inside one sheet (0-based, half-open)."""

    def __init__(self, sheet: Sheet, r0: int, c0: int, r1: int, c1: int) -> None:
        self.sheet, self.r0, self.c0, self.r1, self.c1 = sheet, r0, c0, r1, c1

    def a1(self) -> str:
        return format_range(self.sheet.title, self.r0, self.c0, self.r1, self.c1)


def grid_limit_error(text: str, sheet: Sheet) -> ApiError:
    return ApiError(
        400,
        f"Range ({text}) exceeds grid limits. Max rows: {sheet.row_count}, max columns: {sheet.col_count}",
    )


def resolve(ss: Spreadsheet, text: str, *, clip: bool = True) -> tuple[A1Range, Box]:
    """Resolve an A1 range; open ends are clipped to the grid, explicit overflow is an error."""
    try:
        rng = parse_range(text, [s.title for s in ss.sheets])
    except A1Error as exc:
        raise ApiError(400, f"Unable to parse range: {text}") from exc
    if rng.sheet is None:
        visible = [s for s in ss.sheets if not s.props.get("hidden")] or ss.sheets
        sheet = visible[0]
    else:
        found = ss.sheet_by_title(rng.sheet)
        if found is None:
            raise ApiError(400, f"Unable to parse range: {text}")
        sheet = found
    r0 = rng.start_row or 0
    c0 = rng.start_col or 0
    r1 = rng.end_row if rng.end_row is not None else sheet.row_count
    c1 = rng.end_col if rng.end_col is not None else sheet.col_count
    if clip:
        over_rows = r0 >= sheet.row_count or (rng.end_row or 0) > sheet.row_count
        over_cols = c0 >= sheet.col_count or (rng.end_col or 0) > sheet.col_count
        if over_rows or over_cols:
            label = f"{quote_sheet(sheet.title)}!{text.rpartition('!')[2]}"
            raise grid_limit_error(label, sheet)
    return rng, Box(sheet, r0, c0, max(r1, r0 + 1), max(c1, c0 + 1))


def grid_range_box(ss: Spreadsheet, grid: dict[str, Any], where: str) -> Box:
    sheet = ss.sheet_by_id(int(grid.get("sheetId", 0)))
    if sheet is None:
        raise ApiError(400, f"Invalid {where}: No grid with id: {grid.get('sheetId', 0)}")
    r0 = int(grid.get("startRowIndex", 0))
    c0 = int(grid.get("startColumnIndex", 0))
    r1 = int(grid.get("endRowIndex", sheet.row_count))
    c1 = int(grid.get("endColumnIndex", sheet.col_count))
    if r1 > sheet.row_count or c1 > sheet.col_count or r0 < 0 or c0 < 0:
        label = format_range(sheet.title, r0, c0, max(r1, r0 + 1), max(c1, c0 + 1))
        raise ApiError(
            400,
            f"Invalid {where}: Range ({label}) exceeds grid limits. "
            f"Max rows: {sheet.row_count}, max columns: {sheet.col_count}",
        )
    return Box(sheet, r0, c0, r1, c1)


# --- spreadsheets.get / create ------------------------------------------------------------


def _style_colors(fmt: dict[str, Any]) -> dict[str, Any]:
    """Google mirrors ``backgroundColor`` into ``backgroundColorStyle.rgbColor`` (etc.)."""
    out = json_copy(fmt)
    if "backgroundColor" in out:
        out["backgroundColor"] = _color(out["backgroundColor"])
        out["backgroundColorStyle"] = {"rgbColor": out["backgroundColor"]}
    tf = out.get("textFormat")
    if isinstance(tf, dict) and "foregroundColor" in tf:
        tf["foregroundColor"] = _color(tf["foregroundColor"])
        tf["foregroundColorStyle"] = {"rgbColor": tf["foregroundColor"]}
    return out


def _color(c: Any) -> Any:
    if isinstance(c, dict):
        return {k: v for k, v in c.items() if v not in (0, 0.0, None)}
    return c


def _deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = json_copy(base)
    for k, v in top.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and "Color" not in k:
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = json_copy(v)
    return out


def cell_data(cell: dict[str, Any], ss: Spreadsheet,
              wanted: frozenset[str] | None = None) -> dict[str, Any]:
    """A stored cell in the API ``CellData`` shape (with computed members).

    ``wanted`` lists the members a field mask keeps (None: all); the others are not computed,
    which keeps large grid reads fast. The masked result is the same either way.
    """
    def want(key: str) -> bool:
        return wanted is None or key in wanted

    out: dict[str, Any] = {}
    uev = cell.get("userEnteredValue")
    if uev:
        if want("userEnteredValue"):
            out["userEnteredValue"] = value_for_api(uev)
        if want("effectiveValue"):
            ev = effective_value(cell)
            if ev is not None:
                out["effectiveValue"] = value_for_api(ev)
        if want("formattedValue"):
            fv = formatted_value(cell, ss.properties["locale"])
            if fv is not None:
                out["formattedValue"] = fv
    fmt = cell.get("userEnteredFormat")
    if fmt and (want("userEnteredFormat") or want("effectiveFormat")):
        out["userEnteredFormat"] = _style_colors(fmt)
    if (uev or fmt) and want("effectiveFormat"):
        out["effectiveFormat"] = _deep_merge(ss.properties["defaultFormat"], out.get("userEnteredFormat", {}))
    for key in ("note", "dataValidation", "hyperlink", "textFormatRuns"):
        if key in cell and want(key):
            out[key] = json_copy(cell[key])
    return out


def _cell_fields(mask: Mask | None) -> frozenset[str] | None:
    """The CellData members a ``fields`` mask selects in grid data (None: every member)."""
    node: Any = mask
    for key in ("sheets", "data", "rowData", "values"):
        if not node or "*" in node:
            return None
        node = node.get(key)
        if node is None:
            return frozenset()
    return frozenset(node) if node and "*" not in node else None


#: CellData members computed from other stored members (the others are stored as they are).
_SOURCES = {"userEnteredValue": ("userEnteredValue",), "effectiveValue": ("userEnteredValue",),
            "formattedValue": ("userEnteredValue",),
            "effectiveFormat": ("userEnteredValue", "userEnteredFormat")}


def _sources(wanted: frozenset[str] | None) -> frozenset[str] | None:
    """The stored members the wanted ones are made from (None: all): a cell holding none of
    them is ``{}``."""
    return None if wanted is None else frozenset().union(
        *(_SOURCES.get(member, (member,)) for member in wanted))


def holding(sheet: Sheet, wanted: frozenset[str] | None) -> dict[int, list[int]] | None:
    """Row -> columns of the cells that hold what ``wanted`` is made from, in one pass over the
    stored cells, when that is not the values (notes and colours: few cells hold them);
    None when most cells do."""
    sources = _sources(wanted)
    if sources is None or "userEnteredValue" in sources:
        return None
    found: dict[int, list[int]] = {}
    for (r, c), cell in sheet.cells.items():
        if not sources.isdisjoint(cell):
            found.setdefault(r, []).append(c)
    return found


def grid_data(ss: Spreadsheet, box: Box, wanted: frozenset[str] | None = None,
              found: dict[int, list[int]] | None = None) -> dict[str, Any]:
    """The ``GridData`` of ``box``; ``found``: its sheet's :func:`holding` (rows without
    any are given as ``{}``, as the trimming of the answer leaves them)."""
    data: dict[str, Any] = {}
    if box.r0:
        data["startRow"] = box.r0
    if box.c0:
        data["startColumn"] = box.c0
    sources = _sources(wanted)
    cells = box.sheet.cells
    rows: list[dict[str, Any]] = []
    for r in range(box.r0, box.r1):
        if found is not None:  # only the cells found are looked at
            columns = [c for c in found.get(r, ()) if box.c0 <= c < box.c1]
            if not columns:
                rows.append({})
                continue
            values: list[dict[str, Any]] = [{} for _ in range(max(columns) + 1 - box.c0)]
            for c in columns:
                values[c - box.c0] = cell_data(cells[(r, c)], ss, wanted)
            rows.append({"values": values})
            continue
        values = []
        for c in range(box.c0, box.c1):
            cell = cells.get((r, c))
            if not cell or (sources is not None and sources.isdisjoint(cell)):
                values.append({})
            else:
                values.append(cell_data(cell, ss, wanted))
        rows.append({"values": values})
    data["rowData"] = rows
    marks: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for meta in box.sheet.extras.get(DIMENSION_METADATA) or []:
        rng = meta["location"]["dimensionRange"]
        marks.setdefault((rng["dimension"], rng["startIndex"]), []).append(copy.deepcopy(meta))

    def dimension(kind: str, index: int, pixels: int) -> dict[str, Any]:
        props: dict[str, Any] = {"pixelSize": pixels}
        if (kind, index) in marks:
            props["developerMetadata"] = marks[(kind, index)]
        return props
    data["rowMetadata"] = [dimension("ROWS", r, 21) for r in range(box.r0, box.r1)]
    data["columnMetadata"] = [dimension("COLUMNS", c, 100) for c in range(box.c0, box.c1)]
    return data


def _trim_grid(data: dict[str, Any]) -> None:
    rows = data.get("rowData")
    if rows is None:
        return
    for row in rows:
        vals = row.get("values")
        if vals is None:
            continue
        while vals and not vals[-1]:
            vals.pop()
        if not vals:
            del row["values"]
    while rows and not rows[-1]:
        rows.pop()
    if not rows:
        del data["rowData"]


def sheet_json(sheet: Sheet) -> dict[str, Any]:
    out: dict[str, Any] = {"properties": copy.deepcopy(sheet.props)}
    for k, v in sheet.extras.items():
        if v and k != DIMENSION_METADATA:
            out[k] = copy.deepcopy(v)
    return out


def get_spreadsheet(store: Store, key: str, params: Params) -> dict[str, Any]:
    ss = store.get_spreadsheet(key)
    fields = _p(params, "fields")
    try:
        mask = parse_mask(fields) if fields else None
    except MaskError as exc:
        raise ApiError(400, f"Invalid field selection {fields}") from exc
    want_data = _bool(params, "includeGridData") or bool(mask and "data" in (mask.get("sheets") or {}))
    wanted = _cell_fields(mask)
    ranges = params.get("ranges") or []
    sheets_out: list[dict[str, Any]] = []
    if ranges:
        by_sheet: dict[int, tuple[Sheet, list[Box]]] = {}
        for text in ranges:
            _, box = resolve(ss, text)
            by_sheet.setdefault(box.sheet.sheet_id, (box.sheet, []))[1].append(box)
        for sheet in ss.sheets:
            if sheet.sheet_id in by_sheet:
                js = sheet_json(sheet)
                if want_data:
                    found = holding(sheet, wanted)  # once for all the ranges of the sheet
                    js["data"] = [grid_data(ss, b, wanted, found)
                                  for b in by_sheet[sheet.sheet_id][1]]
                sheets_out.append(js)
    else:
        for sheet in ss.sheets:
            js = sheet_json(sheet)
            if want_data:
                js["data"] = [grid_data(ss, Box(sheet, 0, 0, sheet.row_count, sheet.col_count),
                                        wanted)]
            sheets_out.append(js)
    out: dict[str, Any] = {
        "spreadsheetId": ss.spreadsheet_id,
        "properties": copy.deepcopy(ss.properties),
        "sheets": sheets_out,
    }
    if ss.named_ranges:
        out["namedRanges"] = copy.deepcopy(ss.named_ranges)
    out["spreadsheetUrl"] = f"https://docs.google.com/spreadsheets/d/{ss.spreadsheet_id}/edit"
    if mask:
        out = apply_mask(out, mask)
    for js in out.get("sheets", []):
        for data in js.get("data", []):
            _trim_grid(data)
    return out


def create_spreadsheet(store: Store, body: dict[str, Any]) -> dict[str, Any]:
    props = body.get("properties") or {}
    sheets = [s.get("properties", {}) for s in body.get("sheets") or []] or None
    ss = store.create_spreadsheet(
        props.get("title") or "Untitled spreadsheet",
        sheets=sheets,
        locale=props.get("locale"),
        time_zone=props.get("timeZone"),
    )
    return get_spreadsheet(store, ss.spreadsheet_id, {})

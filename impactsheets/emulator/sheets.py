"""Sheets v4 endpoints: spreadsheets.get/create and the ``values`` collection.

Every function takes the :class:`Store` (caller holds the lock), query params (``dict`` of
lists, as from ``urllib.parse.parse_qs``) and the decoded JSON body, and returns the JSON
answer or raises :class:`ApiError`.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from .a1 import A1Error, A1Range, format_range, index_to_col, parse_range, quote_sheet
from .fields import MaskError, apply_mask, parse_mask
from .store import ApiError, Sheet, Spreadsheet, Store
from .values import (
    effective_value,
    formatted_value,
    parse_user_entered,
    raw_value,
    render_value,
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
        f"Range ({text}) exceeds grid limits. Max rows: {sheet.row_count}, "
        f"max columns: {sheet.col_count}",
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
    out = copy.deepcopy(fmt)
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
    out = copy.deepcopy(base)
    for k, v in top.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and "Color" not in k:
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def cell_data(cell: dict[str, Any], ss: Spreadsheet) -> dict[str, Any]:
    """A stored cell in the API ``CellData`` shape (with computed members)."""
    out: dict[str, Any] = {}
    locale = ss.properties["locale"]
    uev = cell.get("userEnteredValue")
    if uev:
        out["userEnteredValue"] = value_for_api(uev)
        ev = effective_value(cell)
        if ev is not None:
            out["effectiveValue"] = value_for_api(ev)
        fv = formatted_value(cell, locale)
        if fv is not None:
            out["formattedValue"] = fv
    fmt = cell.get("userEnteredFormat")
    if fmt:
        out["userEnteredFormat"] = _style_colors(fmt)
    if uev or fmt:
        out["effectiveFormat"] = _deep_merge(
            ss.properties["defaultFormat"], out.get("userEnteredFormat", {})
        )
    for key in ("note", "dataValidation", "hyperlink", "textFormatRuns"):
        if key in cell:
            out[key] = copy.deepcopy(cell[key])
    return out


def grid_data(ss: Spreadsheet, box: Box) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if box.r0:
        data["startRow"] = box.r0
    if box.c0:
        data["startColumn"] = box.c0
    rows = []
    for r in range(box.r0, box.r1):
        rows.append(
            {"values": [cell_data(box.sheet.cell(r, c), ss) for c in range(box.c0, box.c1)]}
        )
    data["rowData"] = rows
    data["rowMetadata"] = [{"pixelSize": 21} for _ in range(box.r0, box.r1)]
    data["columnMetadata"] = [{"pixelSize": 100} for _ in range(box.c0, box.c1)]
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
        if v:
            out[k] = copy.deepcopy(v)
    return out


def get_spreadsheet(store: Store, key: str, params: Params) -> dict[str, Any]:
    ss = store.get_spreadsheet(key)
    fields = _p(params, "fields")
    try:
        mask = parse_mask(fields) if fields else None
    except MaskError as exc:
        raise ApiError(400, f"Invalid field selection {fields}") from exc
    want_data = _bool(params, "includeGridData") or bool(
        mask and "data" in (mask.get("sheets") or {})
    )
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
                    js["data"] = [grid_data(ss, b) for b in by_sheet[sheet.sheet_id][1]]
                sheets_out.append(js)
    else:
        for sheet in ss.sheets:
            js = sheet_json(sheet)
            if want_data:
                js["data"] = [grid_data(ss, Box(sheet, 0, 0, sheet.row_count, sheet.col_count))]
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


# --- values --------------------------------------------------------------------------------


def _render_opts(params: Params) -> tuple[str, str, str]:
    render = _p(params, "valueRenderOption", "FORMATTED_VALUE") or "FORMATTED_VALUE"
    date_render = _p(params, "dateTimeRenderOption", "SERIAL_NUMBER") or "SERIAL_NUMBER"
    major = _p(params, "majorDimension", "ROWS") or "ROWS"
    return render, date_render, major


def read_box(ss: Spreadsheet, box: Box, render: str, date_render: str, major: str) -> list:
    locale = ss.properties["locale"]
    grid = [
        [render_value(box.sheet.cell(r, c), render, date_render, locale) for c in range(box.c0, box.c1)]
        for r in range(box.r0, box.r1)
    ]
    if major == "COLUMNS":
        grid = [list(col) for col in zip(*grid, strict=False)] if grid else []
    out = []
    for row in grid:
        while row and row[-1] is None:
            row.pop()
        out.append(["" if v is None else v for v in row])
    while out and not out[-1]:
        out.pop()
    return out


def value_range(ss: Spreadsheet, text: str, params: Params) -> dict[str, Any]:
    render, date_render, major = _render_opts(params)
    _, box = resolve(ss, text)
    out: dict[str, Any] = {"range": box.a1(), "majorDimension": major}
    values = read_box(ss, box, render, date_render, major)
    if values:
        out["values"] = values
    return out


def values_get(store: Store, key: str, text: str, params: Params) -> dict[str, Any]:
    return value_range(store.get_spreadsheet(key), text, params)


def values_batch_get(store: Store, key: str, params: Params) -> dict[str, Any]:
    ss = store.get_spreadsheet(key)
    return {
        "spreadsheetId": key,
        "valueRanges": [value_range(ss, t, params) for t in params.get("ranges") or []],
    }


def _check_values(values: Any, field: str = "data.values") -> list[list[Any]]:
    ok = isinstance(values, list) and all(isinstance(r, list) for r in values)
    if not ok:
        shown = json.dumps(values, ensure_ascii=False)
        msg = (
            f"Invalid value at '{field}' (type.googleapis.com/google.protobuf.ListValue), "
            f"{shown}"
        )
        raise ApiError(
            400,
            msg,
            details=[
                {
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [{"field": field, "description": msg}],
                }
            ],
        )
    return values


def write_values(
    ss: Spreadsheet,
    sheet: Sheet,
    r0: int,
    c0: int,
    values: list[list[Any]],
    input_option: str,
) -> dict[str, Any]:
    """Write a block of values at (r0, c0); the caller already checked the grid."""
    locale = ss.properties["locale"]
    for i, row in enumerate(values):
        for j, v in enumerate(row):
            if v is None:
                continue  # null: leave the cell unchanged
            if input_option == "RAW":
                uev, nf = raw_value(v), None
            else:
                uev, nf = parse_user_entered(v, locale)
            cell = sheet.edit_cell(r0 + i, c0 + j)
            if uev is None:
                cell.pop("userEnteredValue", None)
            else:
                cell["userEnteredValue"] = uev
            if nf is not None:
                cell.setdefault("userEnteredFormat", {})["numberFormat"] = nf
            sheet.tidy(r0 + i, c0 + j)
    n_rows = len(values)
    n_cols = max((len(r) for r in values), default=0)
    out: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
    if n_rows and n_cols:
        out["updatedRange"] = format_range(sheet.title, r0, c0, r0 + n_rows, c0 + n_cols)
        out["updatedRows"] = n_rows
        out["updatedColumns"] = n_cols
        out["updatedCells"] = sum(len(r) for r in values)
    return out


def _prepare_write(ss: Spreadsheet, text: str, body: dict[str, Any], field: str):
    values = _check_values(body.get("values", []), field)
    if body.get("majorDimension") == "COLUMNS":
        width = max((len(c) for c in values), default=0)
        values = [[c[i] if i < len(c) else None for c in values] for i in range(width)]
    rng, box = resolve(ss, text, clip=False)
    n_rows = len(values)
    n_cols = max((len(r) for r in values), default=0)
    if not rng.whole_sheet and rng.end_row is not None and rng.start_row is not None:
        if n_rows > box.r1 - box.r0 or n_cols > box.c1 - box.c0:
            if not (box.r1 - box.r0 == 1 and box.c1 - box.c0 == 1 and ":" not in text):
                raise ApiError(
                    400,
                    f"Requested writing within range [{text}], but tried writing to row "
                    f"[{box.r0 + n_rows}]",
                )
    end_r, end_c = box.r0 + n_rows, box.c0 + n_cols
    if end_r > box.sheet.row_count or end_c > box.sheet.col_count:
        raise grid_limit_error(
            format_range(box.sheet.title, box.r0, box.c0, max(end_r, box.r0 + 1), max(end_c, box.c0 + 1)),
            box.sheet,
        )
    return values, box


def values_update(
    store: Store, key: str, text: str, params: Params, body: dict[str, Any]
) -> dict[str, Any]:
    ss = store.get_spreadsheet(key)
    option = _p(params, "valueInputOption")
    if option not in ("RAW", "USER_ENTERED"):
        raise ApiError(400, "'valueInputOption' is required but not specified")
    values, box = _prepare_write(ss, text, body, "data.values")
    out = write_values(ss, box.sheet, box.r0, box.c0, values, option)
    if _bool(params, "includeValuesInResponse") and "updatedRange" in out:
        out["updatedData"] = value_range(ss, out["updatedRange"], params)
    return out


def values_batch_update(store: Store, key: str, body: dict[str, Any]) -> dict[str, Any]:
    ss = store.get_spreadsheet(key)
    option = body.get("valueInputOption")
    if option not in ("RAW", "USER_ENTERED"):
        raise ApiError(400, "'valueInputOption' is required but not specified")
    responses = []
    rows: set[tuple[int, int]] = set()
    cols: set[tuple[int, int]] = set()
    sheets: set[int] = set()
    cells = 0
    for i, item in enumerate(body.get("data") or []):
        values, box = _prepare_write(ss, item.get("range", ""), item, f"data[{i}].values")
        res = write_values(ss, box.sheet, box.r0, box.c0, values, option)
        responses.append(res)
        if "updatedRange" in res:
            sid = box.sheet.sheet_id
            sheets.add(sid)
            rows.update((sid, box.r0 + k) for k in range(res["updatedRows"]))
            cols.update((sid, box.c0 + k) for k in range(res["updatedColumns"]))
            cells += res["updatedCells"]
    out: dict[str, Any] = {"spreadsheetId": key}
    if responses:
        out.update(
            totalUpdatedRows=len(rows),
            totalUpdatedColumns=len(cols),
            totalUpdatedCells=cells,
            totalUpdatedSheets=len(sheets),
            responses=responses,
        )
    return out


def _table(sheet: Sheet, rng: A1Range, box: Box) -> Box | None:
    """Find the "table" Google's append looks for, starting at the range's top-left."""
    if rng.whole_sheet:
        rows, cols = sheet.data_extent()
        if not rows:
            return None
        r_first = min(r for (r, c), cell in sheet.cells.items() if cell.get("userEnteredValue"))
        c_first = min(c for (r, c), cell in sheet.cells.items() if cell.get("userEnteredValue"))
        return Box(sheet, r_first, c_first, rows, cols)
    col_end = box.c1 if rng.end_col is not None and box.c1 - box.c0 > 1 else box.c0 + 1
    start = next(
        (
            r
            for r in range(box.r0, sheet.row_count)
            if any(sheet.has_value(r, c) for c in range(box.c0, col_end))
        ),
        None,
    )
    if start is None:
        return None
    r1, c1 = start + 1, col_end
    changed = True
    while changed:
        changed = False
        while r1 < sheet.row_count and any(sheet.has_value(r1, c) for c in range(box.c0, c1)):
            r1, changed = r1 + 1, True
        while c1 < sheet.col_count and any(sheet.has_value(r, c1) for r in range(start, r1)):
            c1, changed = c1 + 1, True
    return Box(sheet, start, box.c0, r1, c1)


def values_append(
    store: Store, key: str, text: str, params: Params, body: dict[str, Any]
) -> dict[str, Any]:
    ss = store.get_spreadsheet(key)
    option = _p(params, "valueInputOption")
    if option not in ("RAW", "USER_ENTERED"):
        raise ApiError(400, "'valueInputOption' is required but not specified")
    values = _check_values(body.get("values", []))
    rng, box = resolve(ss, text)
    sheet = box.sheet
    table = _table(sheet, rng, box)
    r0, c0 = (table.r1, table.c0) if table else (box.r0, box.c0)
    n_rows = len(values)
    n_cols = max((len(r) for r in values), default=0)
    if _p(params, "insertDataOption") == "INSERT_ROWS" and n_rows:
        from .batch import shift_dimension

        shift_dimension(sheet, "ROWS", r0, n_rows)
    if r0 + n_rows > sheet.row_count:
        sheet.set_size(rows=r0 + n_rows)
    if c0 + n_cols > sheet.col_count:
        sheet.set_size(cols=c0 + n_cols)
    updates = write_values(ss, sheet, r0, c0, values, option)
    out: dict[str, Any] = {"spreadsheetId": key}
    if table:
        out["tableRange"] = table.a1()
    out["updates"] = updates
    if _bool(params, "includeValuesInResponse") and "updatedRange" in updates:
        updates["updatedData"] = value_range(ss, updates["updatedRange"], params)
    return out


def clear_box(box: Box) -> None:
    for (r, c) in list(box.sheet.cells):
        if box.r0 <= r < box.r1 and box.c0 <= c < box.c1:
            box.sheet.cells[(r, c)].pop("userEnteredValue", None)
            box.sheet.tidy(r, c)


def values_clear(store: Store, key: str, text: str) -> dict[str, Any]:
    ss = store.get_spreadsheet(key)
    _, box = resolve(ss, text)
    clear_box(box)
    return {"spreadsheetId": key, "clearedRange": box.a1()}


def values_batch_clear(store: Store, key: str, body: dict[str, Any]) -> dict[str, Any]:
    ss = store.get_spreadsheet(key)
    cleared = []
    for text in body.get("ranges") or []:
        _, box = resolve(ss, text)
        clear_box(box)
        cleared.append(box.a1())
    return {"spreadsheetId": key, "clearedRanges": cleared}


def column_letters(n: int) -> str:
    return index_to_col(n)

"""Sheets v4 ``values`` collection: get, batchGet, update, batchUpdate, append, clear, batchClear.

Same conventions as :mod:`.sheets`: the caller holds the store lock, params are lists of strings.
"""

from __future__ import annotations

import json
from typing import Any

from .a1 import A1Range, format_range
from .sheets import Box, Params, _bool, _p, grid_limit_error, resolve
from .store import ApiError, Sheet, Spreadsheet, Store
from .values import parse_user_entered, raw_value, render_value

# --- values --------------------------------------------------------------------------------


def _render_opts(params: Params) -> tuple[str, str, str]:
    render = _p(params, "valueRenderOption", "FORMATTED_VALUE") or "FORMATTED_VALUE"
    date_render = _p(params, "dateTimeRenderOption", "SERIAL_NUMBER") or "SERIAL_NUMBER"
    major = _p(params, "majorDimension", "ROWS") or "ROWS"
    return render, date_render, major


def read_box(ss: Spreadsheet, box: Box, render: str, date_render: str, major: str) -> list:
    locale = ss.properties["locale"]
    cells, columns = box.sheet.cells, range(box.c0, box.c1)
    plain = render == "UNFORMATTED_VALUE"  # a stored text is then served as it is

    def value(cell: dict[str, Any] | None) -> Any:
        if not cell:
            return None
        stored = cell.get("userEnteredValue")
        if plain and stored is not None and len(stored) == 1 and "stringValue" in stored:
            return stored["stringValue"]
        return render_value(cell, render, date_render, locale)

    grid = [[value(cells.get((r, c))) for c in columns] for r in range(box.r0, box.r1)]
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
        msg = f"Invalid value at '{field}' (type.googleapis.com/google.protobuf.ListValue), {shown}"
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
    written = [(i, j) for i, row in enumerate(values) for j, v in enumerate(row) if v is not None]
    out: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
    if n_rows and n_cols:
        # Google reports the whole block as the range, but counts only non-null cells.
        out["updatedRange"] = format_range(sheet.title, r0, c0, r0 + n_rows, c0 + n_cols)
        out["updatedRows"] = len({i for i, _ in written})
        out["updatedColumns"] = len({j for _, j in written})
        out["updatedCells"] = len(written)
    return out


def _prepare_write(ss: Spreadsheet, text: str, body: dict[str, Any], field: str):
    values = _check_values(body.get("values", []), field)
    if body.get("majorDimension") == "COLUMNS":
        width = max((len(c) for c in values), default=0)
        values = [[c[i] if i < len(c) else None for c in values] for i in range(width)]
    rng, box = resolve(ss, text, clip=False)
    n_rows = len(values)
    n_cols = max((len(r) for r in values), default=0)
    bounded = not rng.whole_sheet and ":" in text.rpartition("!")[2]
    too_big = n_rows > box.r1 - box.r0 or n_cols > box.c1 - box.c0
    if bounded and too_big and rng.end_row is not None and rng.end_col is not None:
        raise ApiError(
            400,
            f"Requested writing within range [{text}], but tried writing to row [{box.r0 + n_rows}]",
        )
    end_r, end_c = box.r0 + n_rows, box.c0 + n_cols
    if end_r > box.sheet.row_count or end_c > box.sheet.col_count:
        raise grid_limit_error(
            format_range(box.sheet.title, box.r0, box.c0, max(end_r, box.r0 + 1), max(end_c, box.c0 + 1)),
            box.sheet,
        )
    return values, box


def values_update(store: Store, key: str, text: str, params: Params, body: dict[str, Any]) -> dict[str, Any]:
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
            for i, row in enumerate(values):
                for j, val in enumerate(row):
                    if val is not None:
                        rows.add((sid, box.r0 + i))
                        cols.add((sid, box.c0 + j))
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
        filled = {k for k, cell in sheet.cells.items() if cell.get("userEnteredValue")}
        if not filled:
            return None
        # Google picks the table holding the last value: flood-fill its neighbours.
        seed = max(filled)
        region, todo = {seed}, [seed]
        while todo:
            r, c = todo.pop()
            for nb in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                if nb in filled and nb not in region:
                    region.add(nb)
                    todo.append(nb)
        rows_, cols_ = [k[0] for k in region], [k[1] for k in region]
        return Box(sheet, min(rows_), min(cols_), max(rows_) + 1, max(cols_) + 1)
    col_end = box.c1 if rng.end_col is not None and box.c1 - box.c0 > 1 else box.c0 + 1
    start = next(
        (r for r in range(box.r0, box.r1) if any(sheet.has_value(r, c) for c in range(box.c0, col_end))),
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


def values_append(store: Store, key: str, text: str, params: Params, body: dict[str, Any]) -> dict[str, Any]:
    ss = store.get_spreadsheet(key)
    option = _p(params, "valueInputOption")
    if option not in ("RAW", "USER_ENTERED"):
        raise ApiError(400, "'valueInputOption' is required but not specified")
    values = _check_values(body.get("values", []))
    if body.get("majorDimension") == "COLUMNS":
        width = max((len(c) for c in values), default=0)
        values = [[c[i] if i < len(c) else None for c in values] for i in range(width)]
    rng, box = resolve(ss, text)
    sheet = box.sheet
    table = _table(sheet, rng, box)
    r0, c0 = (table.r1, table.c0) if table else (box.r0, box.c0)
    n_rows = len(values)
    n_cols = max((len(r) for r in values), default=0)
    if _p(params, "insertDataOption") == "INSERT_ROWS" and n_rows:
        from .batch_dimensions import shift_dimension

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
    for r, c in list(box.sheet.cells):
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

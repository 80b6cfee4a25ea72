"""``POST /v4/spreadsheets/{id}:batchUpdate``: the structural and formatting requests.

Requests are applied in order on a copy of the spreadsheet; the copy replaces the original only
when every request succeeded (Google's batchUpdate is atomic).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .batch_cells import merge_cells, repeat_cell, set_data_validation, unmerge_cells, update_cells
from .batch_dimensions import (
    append_dimension,
    create_developer_metadata,
    delete_dimension,
    insert_dimension,
)
from .batch_sheets import (
    add_protected_range,
    add_sheet,
    clear_basic_filter,
    delete_protected_range,
    delete_sheet,
    set_basic_filter,
    update_sheet_properties,
    update_spreadsheet_properties,
)
from .store import ApiError, Spreadsheet, Store

Handler = Callable[[Spreadsheet, dict[str, Any], str], dict[str, Any] | None]


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
    # Applied whole or not at all: to a working copy whose cells are copied when edited.
    work = Spreadsheet(ss.spreadsheet_id, copy.deepcopy(ss.properties),
                       [sheet.work_copy() for sheet in ss.sheets], ss.private,
                       copy.deepcopy(ss.named_ranges))
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
    for sheet in work.sheets:
        sheet.copied = None  # the stored cells it still shares are now its own
    ss.properties, ss.sheets, ss.named_ranges = work.properties, work.sheets, work.named_ranges
    if key in store.files:
        store.files[key].meta["name"] = ss.properties["title"]
    out: dict[str, Any] = {"spreadsheetId": key, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        from .sheets import get_spreadsheet

        out["updatedSpreadsheet"] = get_spreadsheet(store, key, {})
    return out

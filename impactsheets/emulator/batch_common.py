"""What the batchUpdate handlers share: field masks, proto3-style output, the sheet a request names.

>>> drop_defaults({"sheetId": 0, "title": "Réponses", "hidden": False})
{'title': 'Réponses'}
>>> clean_props({"red": 0.2, "green": 0})
{'red': 0.2}
"""

from __future__ import annotations

import math
import struct
from typing import Any

from .fields import MaskError, parse_mask
from .store import ApiError, Sheet, Spreadsheet

__all__ = ["clean_props", "drop_defaults", "parse_fields", "sheet_or_error"]


def parse_fields(text: Any, where: str) -> dict:
    """A request's ``fields`` mask, parsed; Google's 400 when it is empty or malformed."""
    if not text:
        raise ApiError(400, f"Invalid {where}: At least one field must be updated. Specify fields")
    try:
        return parse_mask(str(text))
    except MaskError as exc:
        raise ApiError(400, f"Invalid {where}: {exc}") from exc


def drop_defaults(d: dict[str, Any]) -> dict[str, Any]:
    """Drop default values like the proto3 JSON encoder does (``sheetId: 0``, ``False``...)."""
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            v = drop_defaults(v)
        elif isinstance(v, list):
            v = [drop_defaults(x) if isinstance(x, dict) else x for x in v if x not in (None, "")]
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


def sheet_or_error(ss: Spreadsheet, sheet_id: Any, where: str) -> Sheet:
    """The worksheet a request names (no id: sheet 0); Google's 400 when there is none."""
    sheet = ss.sheet_by_id(int(sheet_id or 0))
    if sheet is None:
        raise ApiError(400, f"Invalid {where}: No grid with id: {sheet_id or 0}")
    return sheet

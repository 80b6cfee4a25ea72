"""Cell values: parsing user input, evaluating trivial formulas, formatting like Sheets.

A cell is stored as a dict in the Sheets API ``CellData`` shape, restricted to the user-entered
parts: ``userEnteredValue`` ({numberValue|stringValue|boolValue|formulaValue}),
``userEnteredFormat`` (incl. ``numberFormat``), ``note`` and ``dataValidation``. Everything else
(``effectiveValue``, ``formattedValue``, ``effectiveFormat``) is computed when read.

>>> format_number(1.5, "fr_FR")
'1,5'
>>> format_number(42.0, "en_US")
'42'
>>> format_serial(45292.5, "dd/mm/yyyy hh:mm:ss")
'01/01/2024 12:00:00'
"""

from __future__ import annotations

import ast
import datetime as dt
import operator
import re
from typing import Any

EPOCH = dt.datetime(1899, 12, 30)
COMMA_DECIMAL_LANGS = {
    "fr",
    "de",
    "es",
    "it",
    "pt",
    "nl",
    "pl",
    "ru",
    "sv",
    "da",
    "fi",
    "nb",
    "cs",
    "tr",
    "el",
}

DATE_TYPES = {"DATE", "TIME", "DATE_TIME"}


def uses_decimal_comma(locale: str) -> bool:
    return locale.split("_")[0].lower() in COMMA_DECIMAL_LANGS


def to_serial(value: dt.datetime | dt.date | dt.time) -> float:
    """A Python date/datetime/time as a Sheets serial number (days since 1899-12-30)."""
    if isinstance(value, dt.datetime):
        delta = value.replace(tzinfo=None) - EPOCH
    elif isinstance(value, dt.date):
        delta = dt.datetime(value.year, value.month, value.day) - EPOCH
    else:
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    return delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6


def from_serial(serial: float) -> dt.datetime:
    # Round to the second like Sheets displays.
    return EPOCH + dt.timedelta(seconds=round(serial * 86400))


def json_number(x: float) -> int | float:
    """Google writes integral doubles without a fraction (``43831`` not ``43831.0``)."""
    if isinstance(x, bool):
        return int(x)
    if float(x).is_integer() and abs(x) < 2**53:
        return int(x)
    return float(x)


def format_number(x: float, locale: str = "en_US") -> str:
    """Sheets' "automatic" number format: integers plain, otherwise up to 15 significant digits."""
    if float(x).is_integer() and abs(x) < 1e15:
        text = str(int(x))
    else:
        text = format(x, ".15g")
        if "e" in text:
            text = format(x, ".10f").rstrip("0").rstrip(".")
    if uses_decimal_comma(locale):
        text = text.replace(".", ",")
    return text


_DATE_TOKEN_RE = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|\.0+|.", re.I)


def format_serial(serial: float, pattern: str) -> str:
    """Format a serial number with a Sheets date pattern (subset: y, m, d, h, s, am/pm)."""
    when = from_serial(serial)
    tokens = _DATE_TOKEN_RE.findall(pattern)
    out: list[str] = []
    has_ampm = any(t.lower() == "am/pm" for t in tokens)
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if low in ("mm", "m"):
            # minutes when right after an hour token or right before a seconds token
            prev = next((t.lower() for t in reversed(tokens[:i]) if t.strip(":/ -.")), "")
            nxt = next((t.lower() for t in tokens[i + 1 :] if t.strip(":/ -.")), "")
            is_minute = prev.startswith("h") or nxt.startswith("s")
            value = when.minute if is_minute else when.month
            out.append(f"{value:02d}" if low == "mm" else str(value))
        elif low == "yyyy":
            out.append(f"{when.year:04d}")
        elif low == "yy":
            out.append(f"{when.year % 100:02d}")
        elif low == "mmmm":
            out.append(when.strftime("%B"))
        elif low == "mmm":
            out.append(when.strftime("%b"))
        elif low == "dddd":
            out.append(when.strftime("%A"))
        elif low == "ddd":
            out.append(when.strftime("%a"))
        elif low in ("dd", "d"):
            out.append(f"{when.day:02d}" if low == "dd" else str(when.day))
        elif low in ("hh", "h"):
            hour = when.hour
            if has_ampm:
                hour = hour % 12 or 12
            out.append(f"{hour:02d}" if low == "hh" else str(hour))
        elif low in ("ss", "s"):
            out.append(f"{when.second:02d}" if low == "ss" else str(when.second))
        elif low == "am/pm":
            out.append("AM" if when.hour < 12 else "PM")
        elif low.startswith(".0") or tok == '"' or tok == "\\":
            continue
        else:
            out.append(tok)
    return "".join(out)


def default_date_pattern(locale: str, kind: str) -> str:
    day_first = not locale.startswith("en_US")
    date = "dd/mm/yyyy" if day_first else "m/d/yyyy"
    if kind == "DATE":
        return date
    if kind == "TIME":
        return "hh:mm:ss" if day_first else "h:mm:ss am/pm"
    return f"{date} hh:mm:ss" if day_first else f"{date} h:mm:ss"


# --- minimal formula evaluation -------------------------------------------------------------

_BINOPS: dict[type, Any] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}


def _eval_node(node: ast.AST) -> float:
    if isinstance(node, ast.Expression):
        return _eval_node(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        return float(_BINOPS[type(node.op)](_eval_node(node.left), _eval_node(node.right)))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        v = _eval_node(node.operand)
        return -v if isinstance(node.op, ast.USub) else v
    raise ValueError("unsupported formula")


def evaluate_formula(formula: str) -> dict[str, Any]:
    """Evaluate ``=1+2*3`` style arithmetic; anything else is a ``#NAME?`` error value."""
    expr = formula[1:].strip().replace("^", "**")
    if len(expr) <= 200 and re.fullmatch(r"[0-9.+\-*/() ]+", expr.replace("**", "*")):
        try:
            return {"numberValue": _eval_node(ast.parse(expr, mode="eval"))}
        except (ValueError, SyntaxError, ZeroDivisionError, OverflowError):
            return {"errorValue": {"type": "DIVIDE_BY_ZERO", "message": "Cannot compute"}}
    return {"errorValue": {"type": "NAME", "message": "Formula not supported by the emulator"}}


# --- user input ----------------------------------------------------------------------------

_NUMBER_RE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_SLASH_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def parse_user_entered(value: Any, locale: str) -> tuple[dict[str, Any] | None, dict | None]:
    """A JSON value typed by a user -> (userEnteredValue, numberFormat or None).

    ``None`` as userEnteredValue means "empty cell".
    """
    if value is None:
        return None, None
    if isinstance(value, bool):
        return {"boolValue": value}, None
    if isinstance(value, int | float):
        return {"numberValue": float(value)}, None
    text = str(value)
    if text == "":
        return None, None
    if text.startswith("'"):
        return {"stringValue": text[1:]}, None
    if text.startswith("=") and len(text) > 1:
        return {"formulaValue": text}, None
    stripped = text.strip()
    if stripped.upper() in ("TRUE", "FALSE"):
        return {"boolValue": stripped.upper() == "TRUE"}, None
    comma = uses_decimal_comma(locale)
    if _NUMBER_RE.match(stripped) and ("," not in stripped or comma):
        if "." in stripped and comma and "," not in stripped:
            pass  # "1.5" in fr_FR is still read as a number by Sheets
        return {"numberValue": float(stripped.replace(",", "."))}, None
    if stripped.endswith("%") and _NUMBER_RE.match(stripped[:-1].strip()):
        num = float(stripped[:-1].strip().replace(",", ".")) / 100
        return {"numberValue": num}, {"type": "PERCENT", "pattern": "0.00%"}
    m = _ISO_DATE_RE.match(stripped)
    parsed: dt.datetime | None = None
    pattern = "yyyy-mm-dd"
    if m:
        try:
            parsed = dt.datetime(
                int(m[1]), int(m[2]), int(m[3]), int(m[4] or 0), int(m[5] or 0), int(m[6] or 0)
            )
        except ValueError:
            parsed = None
        if m[4]:
            pattern = "yyyy-mm-dd hh:mm:ss" if m[6] else "yyyy-mm-dd hh:mm"
    else:
        m = _SLASH_DATE_RE.match(stripped)
        if m:
            day, month = (int(m[1]), int(m[2]))
            if locale.startswith("en_US"):
                day, month = month, day
            try:
                parsed = dt.datetime(int(m[3]), month, day, int(m[4] or 0), int(m[5] or 0), int(m[6] or 0))
            except ValueError:
                parsed = None
            pattern = default_date_pattern(locale, "DATE_TIME" if m[4] else "DATE")
    if parsed is not None:
        kind = "DATE_TIME" if m and m[4] else "DATE"
        return {"numberValue": to_serial(parsed)}, {"type": kind, "pattern": pattern}
    return {"stringValue": text}, None


def raw_value(value: Any) -> dict[str, Any] | None:
    """A JSON value written with ``valueInputOption=RAW``: stored exactly as given."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": float(value)}
    return {"stringValue": str(value)}


# --- rendering -----------------------------------------------------------------------------


def effective_value(cell: dict[str, Any]) -> dict[str, Any] | None:
    uev = cell.get("userEnteredValue")
    if not uev:
        return None
    if "formulaValue" in uev:
        return evaluate_formula(uev["formulaValue"])
    return dict(uev)


def formatted_value(cell: dict[str, Any], locale: str) -> str | None:
    ev = effective_value(cell)
    if ev is None:
        return None
    if "stringValue" in ev:
        return str(ev["stringValue"])
    if "boolValue" in ev:
        return "TRUE" if ev["boolValue"] else "FALSE"
    if "errorValue" in ev:
        return "#NAME?" if ev["errorValue"].get("type") == "NAME" else "#DIV/0!"
    num = float(ev["numberValue"])
    nf = (cell.get("userEnteredFormat") or {}).get("numberFormat") or {}
    if nf.get("type") in DATE_TYPES:
        pattern = nf.get("pattern") or default_date_pattern(locale, nf["type"])
        return format_serial(num, pattern)
    if nf.get("type") == "PERCENT":
        text = format(num * 100, ".2f") + "%"
        return text.replace(".", ",") if uses_decimal_comma(locale) else text
    return format_number(num, locale)


def render_value(cell: dict[str, Any], render: str, date_render: str, locale: str) -> Any:
    """The value of a cell in a ``values.get`` answer. ``None`` means empty."""
    uev = cell.get("userEnteredValue")
    if not uev:
        return None
    if render == "FORMULA" and "formulaValue" in uev:
        return uev["formulaValue"]
    if render == "FORMATTED_VALUE":
        return formatted_value(cell, locale)
    ev = effective_value(cell) or {}
    if "numberValue" in ev:
        nf = (cell.get("userEnteredFormat") or {}).get("numberFormat") or {}
        if nf.get("type") in DATE_TYPES and date_render == "FORMATTED_STRING":
            return formatted_value(cell, locale)
        return json_number(ev["numberValue"])
    if "boolValue" in ev:
        return ev["boolValue"]
    if "errorValue" in ev:
        return formatted_value(cell, locale)
    return ev.get("stringValue", "")


def value_for_api(uev: dict[str, Any]) -> dict[str, Any]:
    """userEnteredValue/effectiveValue dict with integral numbers written as ints."""
    return {k: (json_number(v) if k == "numberValue" else v) for k, v in uev.items()}

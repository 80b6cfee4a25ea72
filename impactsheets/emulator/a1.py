"""A1 notation: parse ``'Sheet name'!A1:B2`` style ranges and format them back like Google.

Indexes are 0-based and half-open internally (``start_row`` inclusive, ``end_row`` exclusive),
exactly like the ``GridRange`` objects of the Sheets API. ``None`` means "open" (unbounded).

>>> r = parse_range("'My sheet'!B2:C")
>>> (r.sheet, r.start_row, r.start_col, r.end_row, r.end_col)
('My sheet', 1, 1, None, 3)
>>> parse_range("A:B").end_row is None   # open end: up to the grid's last row
True
>>> format_range("Sheet1", 0, 0, 1000, 26)
'Sheet1!A1:Z1000'
>>> format_range("my sheet", 1, 1, 2, 2)
"'my sheet'!B2"
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from impactsheets.sources import column_letter

_CELL_RE = re.compile(r"^\$?([A-Za-z]*)\$?([0-9]*)$")
_PLAIN_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LOOKS_LIKE_CELL_RE = re.compile(r"^[A-Za-z]{1,3}[0-9]+$|^[RrCc][0-9]*$")


class A1Error(ValueError):
    """The text is not a valid A1 range."""


@dataclass(frozen=True)
class A1Range:
    """A parsed range; ``sheet`` is ``None`` when the text had no sheet part."""

    sheet: str | None
    start_row: int | None = None
    start_col: int | None = None
    end_row: int | None = None
    end_col: int | None = None
    whole_sheet: bool = False


def col_to_index(letters: str) -> int:
    """``'A'`` -> 0, ``'AA'`` -> 26."""
    n = 0
    for ch in letters.upper():
        if not "A" <= ch <= "Z":
            raise A1Error(f"bad column {letters!r}")
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def index_to_col(index: int) -> str:
    """0 -> ``'A'``, 26 -> ``'AA'``."""
    if index < 0:
        raise A1Error("negative column index")
    return column_letter(index)


def _split_sheet(text: str) -> tuple[str | None, str | None]:
    """Split ``'Sheet'!A1`` into (sheet, cells). cells is None when there is no ``!``."""
    text = text.strip()
    if text.startswith("'"):
        i = 1
        name = []
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    name.append("'")
                    i += 2
                    continue
                break
            name.append(ch)
            i += 1
        else:
            raise A1Error(f"unterminated quoted sheet name in {text!r}")
        rest = text[i + 1 :]
        if rest == "":
            return "".join(name), None
        if not rest.startswith("!"):
            raise A1Error(f"unexpected text after sheet name in {text!r}")
        return "".join(name), rest[1:]
    if "!" in text:
        sheet, _, cells = text.rpartition("!")
        return sheet, cells
    return None, text


def _parse_cell(part: str) -> tuple[int | None, int | None]:
    m = _CELL_RE.match(part.strip())
    if not m or (not m.group(1) and not m.group(2)):
        raise A1Error(f"bad cell reference {part!r}")
    col = col_to_index(m.group(1)) if m.group(1) else None
    row = int(m.group(2)) - 1 if m.group(2) else None
    if row is not None and row < 0:
        raise A1Error(f"bad row in {part!r}")
    return row, col


def is_cell_part(text: str) -> bool:
    """True when ``text`` parses as the cell part of a range (``A1``, ``A:B``, ``3:3``)."""
    try:
        _parse_cells(text)
    except A1Error:
        return False
    return True


def _parse_cells(cells: str) -> tuple[int | None, int | None, int | None, int | None]:
    if ":" in cells:
        a, _, b = cells.partition(":")
        r0, c0 = _parse_cell(a)
        r1, c1 = _parse_cell(b)
        # "A:B" -> whole columns, "1:2" -> whole rows, "A2:B" -> open-ended rows, "A1:2".
        start_row = r0 if r0 is not None else None
        start_col = c0 if c0 is not None else None
        if r0 is None and r1 is not None:
            start_row = 0
        if c0 is None and c1 is not None:
            start_col = 0
        end_row = r1 + 1 if r1 is not None else None
        end_col = c1 + 1 if c1 is not None else None
        if start_row is not None and end_row is not None and end_row <= start_row:
            start_row, end_row = end_row - 1, start_row + 1
        if start_col is not None and end_col is not None and end_col <= start_col:
            start_col, end_col = end_col - 1, start_col + 1
        return start_row or 0, start_col or 0, end_row, end_col
    r, c = _parse_cell(cells)
    if r is None or c is None:
        raise A1Error(f"bad cell reference {cells!r}")
    return r, c, r + 1, c + 1


def parse_range(text: str, sheet_names: list[str] | None = None) -> A1Range:
    """Parse an A1 range. A bare name that is a known sheet (or not a cell reference) is a sheet.

    ``sheet_names`` lets a bare ``A1``-looking text resolve to a sheet of that title, as Google
    does when a sheet is literally called ``A1``.
    """
    sheet, cells = _split_sheet(text)
    if cells is None:
        return A1Range(sheet=sheet, whole_sheet=True)
    if sheet is None:
        if sheet_names is not None and cells in sheet_names:
            return A1Range(sheet=cells, whole_sheet=True)
        if not is_cell_part(cells):
            return A1Range(sheet=cells, whole_sheet=True)
    sr, sc, er, ec = _parse_cells(cells)
    return A1Range(sheet=sheet, start_row=sr, start_col=sc, end_row=er, end_col=ec)


def quote_sheet(name: str) -> str:
    """Quote a sheet name the way Google writes it in ranges."""
    if _PLAIN_NAME_RE.match(name) and not _LOOKS_LIKE_CELL_RE.match(name):
        return name
    return "'" + name.replace("'", "''") + "'"


def format_range(sheet: str, start_row: int, start_col: int, end_row: int, end_col: int) -> str:
    """Format a half-open 0-based rectangle as Google does (single cells as ``B1``)."""
    first = f"{index_to_col(start_col)}{start_row + 1}"
    if end_row - start_row == 1 and end_col - start_col == 1:
        return f"{quote_sheet(sheet)}!{first}"
    return f"{quote_sheet(sheet)}!{first}:{index_to_col(end_col - 1)}{end_row}"

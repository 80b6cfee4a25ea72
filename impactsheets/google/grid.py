"""Sheets API data as plain Python: worksheet properties, ``CellData`` values and colours.

Pure functions and small classes (no HTTP): the readers in :mod:`.sheets` build them from
answers, and the write-back planner (:mod:`impactsheets.feedback.planner`) reads them.

>>> grid = Grid(SheetInfo(0, "Réponses", 3, 2), grid_rows({"rowData": [
...     {"values": [{"effectiveValue": {"stringValue": "Site"}}]},
...     {"values": [{"effectiveValue": {"numberValue": 4.0}, "note": "vu"}]}]}))
>>> grid.value(2, 1), grid.cell(2, 1)["note"], grid.width()
(4, 'vu', 1)
>>> hex_colour({"userEnteredFormat": {"backgroundColor": api_colour("F4CCCC")}})
'F4CCCC'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from gspread.utils import convert_colors_to_hex_value, convert_hex_to_colors_dict

from impactsheets.sources.table import Cell, Row, Table, is_blank

#: Text Sheets shows for an error value (what ``UNFORMATTED_VALUE`` returns for it).
ERROR_TEXT = {"DIVIDE_BY_ZERO": "#DIV/0!", "VALUE": "#VALUE!", "REF": "#REF!", "NAME": "#NAME?",
              "NUM": "#NUM!", "N_A": "#N/A", "NULL_VALUE": "#NULL!", "LOADING": "#LOADING"}


@dataclass(slots=True)
class SheetInfo:
    """A worksheet's properties, as ``sheets.properties`` describes it."""

    sheet_id: int
    title: str
    rows: int
    columns: int

    @classmethod
    def from_api(cls, props: dict[str, Any]) -> SheetInfo:
        grid = props.get("gridProperties") or {}
        return cls(int(props.get("sheetId", 0)), str(props.get("title", "")),
                   int(grid.get("rowCount", 0)), int(grid.get("columnCount", 0)))


def a1_sheet(title: str) -> str:
    """The A1 reference of a whole worksheet.

    >>> a1_sheet("L'été")
    "'L''été'"
    """
    return "'" + title.replace("'", "''") + "'"


def clean_value(value: Any) -> Cell:
    """A cell as the validator takes it: blank text is empty, numbers stay numbers."""
    if is_blank(value):
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def effective_cell(cell: dict[str, Any]) -> Cell:
    """The value of an API ``CellData`` from its ``effectiveValue`` (unformatted, serial dates)."""
    value = cell.get("effectiveValue") or {}
    if "numberValue" in value:
        return clean_value(value["numberValue"])
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "errorValue" in value:
        kind = str(value["errorValue"].get("type", "ERROR"))
        return ERROR_TEXT.get(kind, "#ERROR!")
    return clean_value(value.get("stringValue"))


def grid_rows(data: dict[str, Any], key: str = "values") -> list[list[dict[str, Any]]]:
    """The ``CellData`` rows of a ``GridData`` (starting at row 1, column A)."""
    rows: list[list[dict[str, Any]]] = [[] for _ in range(int(data.get("startRow", 0)))]
    offset = int(data.get("startColumn", 0))
    rows += [[{}] * offset + list(r.get(key) or []) for r in data.get("rowData") or []]
    return rows


def clean_rows(values: list[list[Any]]) -> list[list[Cell]]:
    """Rows of API values as the validator takes them (:func:`clean_value`), trailing empty
    cells dropped.

    >>> clean_rows([["Nom", " ", 6.0, ""], []])
    [['Nom', None, 6], []]
    """
    cells = [[(v if v.strip() else None) if v.__class__ is str else clean_value(v) for v in row]
             for row in values]  # text, most cells, cleaned inline (35,000 rows: 1.8 M cells)
    for row in cells:
        while row and row[-1] is None:
            row.pop()
    return cells


def table_from_cells(cells: list[list[Cell]], name: str) -> Table:
    """A :class:`Table` from :func:`clean_rows`: header = row 1, trailing empty rows dropped."""
    while cells and not cells[-1]:
        cells.pop()
    headers = ["" if c is None else str(c).strip() for c in (cells[0] if cells else [])]
    rows = [Row(number, row) for number, row in enumerate(cells[1:], start=2)]
    return Table(headers, rows, name=name)


def api_colour(hex_colour: str) -> dict[str, float]:
    """The API ``Color`` of a hex RGB string (``gspread.utils`` conversion).

    >>> api_colour("CFE2F3")["blue"] == 243 / 255
    True
    """
    return dict(convert_hex_to_colors_dict(hex_colour))


def hex_colour(cell: dict[str, Any]) -> str | None:
    """The background of a ``CellData`` as hex RGB (``None``: none or white; theme colours
    are returned as ``"theme:NAME"`` so they are never taken for an RGB colour)."""
    fmt = cell.get("userEnteredFormat") or {}
    style = fmt.get("backgroundColorStyle") or {}
    if "themeColor" in style:
        return f"theme:{style['themeColor']}"
    colour = style.get("rgbColor", fmt.get("backgroundColor"))
    if colour is None:
        return None
    channels = {k: min(1.0, max(0.0, float(colour.get(k, 0)))) for k in ("red", "green", "blue")}
    text = convert_colors_to_hex_value(**channels).lstrip("#")
    return None if text == "FFFFFF" else text


#: Developer metadata keys of our marks: ``impactsheets:column=status`` on a column we added
#: (it follows the column when it is moved or renamed, and goes when it is deleted), and
#: ``impactsheets:problems-of`` (value: the answers worksheet's id) on a problems worksheet.
COLUMN_MARK = "impactsheets:column="
PROBLEMS_MARK = "impactsheets:problems-of"


def column_marks(data: dict[str, Any]) -> dict[str, int]:
    """Our columns (key -> 1-based column) in a ``GridData``'s ``columnMetadata``.

    >>> column_marks({"startColumn": 2, "columnMetadata": [{}, {"developerMetadata": [
    ...     {"metadataKey": "impactsheets:column=status"}]}]})
    {'status': 4}
    """
    found = {}
    offset = int(data.get("startColumn", 0))
    for index, props in enumerate(data.get("columnMetadata") or []):
        for meta in (props or {}).get("developerMetadata") or []:
            key = str(meta.get("metadataKey", ""))
            if key.startswith(COLUMN_MARK):
                found[key[len(COLUMN_MARK):]] = offset + index + 1
    return found


def sheet_marks(sheet: dict[str, Any]) -> dict[str, str]:
    """A worksheet's own developer metadata (key -> value) from ``spreadsheets.get``."""
    return {str(m.get("metadataKey", "")): str(m.get("metadataValue", ""))
            for m in sheet.get("developerMetadata") or []}


@dataclass
class Grid:
    """One worksheet as a ``spreadsheets.get`` saw it: properties and ``CellData`` rows;
    ``marks``: our columns found by their developer metadata; ``sheet_marks``: the sheet's."""

    info: SheetInfo
    rows: list[list[dict[str, Any]]]
    marks: dict[str, int] = field(default_factory=dict)
    sheet_marks: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_api(cls, sheet: dict[str, Any]) -> Grid:
        """The grid of one ``Sheet`` of a ``spreadsheets.get`` answer (its first data range)."""
        data = (sheet.get("data") or [{}])[0]
        return cls(SheetInfo.from_api(sheet.get("properties") or {}), grid_rows(data),
                   column_marks(data), sheet_marks(sheet))

    def cell(self, row: int, col: int) -> dict[str, Any]:
        """``CellData`` at 1-based (row, col); ``{}`` when empty."""
        cells = self.rows[row - 1] if row - 1 < len(self.rows) else []
        return cells[col - 1] if col - 1 < len(cells) else {}

    def value(self, row: int, col: int) -> Cell:
        return effective_cell(self.cell(row, col))

    def text(self, row: int, col: int) -> str:
        value = self.value(row, col)
        return "" if value is None else str(value)

    def width(self) -> int:
        """Columns in use (by a value or a note) in any row."""
        return max((i + 1 for r in self.rows for i, c in enumerate(r)
                    if "effectiveValue" in c or "note" in c), default=0)

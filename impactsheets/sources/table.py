"""The table every source returns: headers (sheet row 1) and data rows with physical row numbers.

Re-exported by :mod:`impactsheets.sources`; a module of its own so that the Google layer can
build tables without importing the source dispatcher (which imports the Google layer).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

#: How many rows from the top may hold the header when ``header_row`` is not set.
HEADER_SCAN = 10

#: A cell as a backend delivers it: text, a number, a date/time, or None when empty.
Cell = str | int | float | datetime | date | None


def is_blank(value: object) -> bool:
    """Whether a cell holds nothing: None, or text of spaces only (a number, a date, ``False``
    are answers).

    >>> is_blank(None), is_blank(" \\n"), is_blank(0), is_blank(False), is_blank("x")
    (True, True, False, False, False)
    """
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(slots=True)
class Row:
    """One data row: its physical sheet row number (header = 1) and its cells."""

    number: int
    cells: list[Cell]

    def cell(self, index: int) -> Cell:
        """The cell at 0-based column ``index``; short rows read as empty."""
        return self.cells[index] if index < len(self.cells) else None


@dataclass(slots=True)
class Table:
    """A response sheet: headers (row 1) and data rows with physical row numbers."""

    headers: list[str]
    rows: list[Row]
    name: str = ""  # worksheet or file name, for messages
    meta: dict[str, object] = field(default_factory=dict)


def column_letter(index: int) -> str:
    """Sheet column letter for a 0-based column index.

    >>> column_letter(0), column_letter(25), column_letter(26)
    ('A', 'Z', 'AA')
    """
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters

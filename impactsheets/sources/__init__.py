"""Sources: read a response sheet into a :class:`Table` that keeps physical row numbers.

A source is a local ``.xlsx`` / ``.csv`` file or, later, a Google Sheet. Every backend returns
the same :class:`Table`: the header row (sheet row 1) and the data rows, each with the row
number it has in the sheet, so problems can be written back to the right cell.

>>> table = Table(headers=["Horodateur", "Nom du lieu"], rows=[Row(2, ["01/02/2026 10:00:00", "Ada"])])
>>> table.rows[0].number, table.rows[0].cell(1)
(2, 'Ada')
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from impactsheets.errors import SourceError
from impactsheets.sources.table import HEADER_SCAN, Cell, Row, Table, column_letter, is_blank

__all__ = ["COLUMN_KEYS", "HEADER_SCAN", "WORKBOOKS", "Cell", "Row", "Table", "column_letter",
           "header_row_of", "is_blank", "is_google_sheet", "read_table", "read_table_soon"]

#: File types read as workbooks (the others as delimited text).
WORKBOOKS = frozenset({".xlsx", ".xlsm"})

#: Keys of the columns impactsheets adds to a response sheet. ``Table.meta["ours"]`` maps the
#: ones a backend found, by the mark we set on them (never by title), to 0-based columns.
COLUMN_KEYS = ("status", "problems", "report")


def header_row_of(table: Table) -> int:
    """The physical row of the table's header (1 unless a banner sits above it)."""
    return int(str(table.meta.get("header_row", 1)))


def is_google_sheet(spec: str) -> bool:
    """True when ``spec`` names a Google Sheet (URL or key) rather than a local file."""
    if spec.startswith(("https://docs.google.com/", "http://docs.google.com/")):
        return True
    return not Path(spec).suffix and len(spec) >= 25 and spec.replace("-", "").replace("_", "").isalnum()


def read_table(spec: str | Path, worksheet: str | None = None) -> Table:
    """Read a response sheet from a local file (``.xlsx``, ``.csv``) or a Google Sheet.

    >>> read_table("missing.xlsx")
    Traceback (most recent call last):
    ...
    impactsheets.errors.SourceError: missing.xlsx: file not found
    """
    text = str(spec)
    if is_google_sheet(text):
        from impactsheets.google.sheets import read_google_sheet

        return read_google_sheet(text, worksheet)
    path = Path(text)
    suffix = path.suffix.lower()
    if suffix not in WORKBOOKS | {".csv", ".tsv", ".txt"}:
        raise SourceError(
            f"{path}: unsupported file type {suffix or '(none)'!r}; expected .xlsx or .csv"
        )
    if not path.exists():
        raise SourceError(f"{path}: file not found")
    if not path.is_file():
        raise SourceError(f"{path}: not a file")
    if suffix in WORKBOOKS:
        from impactsheets.sources.xlsx import read_xlsx

        return read_xlsx(path, worksheet)
    from impactsheets.sources.csv import read_csv

    return read_csv(path)


def read_table_soon(spec: str | Path, worksheet: str | None = None) -> Callable[[], Table]:
    """Start reading ``spec``; calling the result gives its table, or raises its error.

    A local workbook is read in a thread: python-calamine parses it without holding the
    interpreter lock, so the caller's own work (loading the questionnaire, importing the
    validation) runs beside it on a second core. Any other source is read when called.

    >>> read_table_soon("missing.xlsx")()
    Traceback (most recent call last):
    ...
    impactsheets.errors.SourceError: missing.xlsx: file not found
    """
    if is_google_sheet(str(spec)) or Path(spec).suffix.lower() not in WORKBOOKS:
        return lambda: read_table(spec, worksheet)
    from concurrent.futures import ThreadPoolExecutor

    reader = ThreadPoolExecutor(1, thread_name_prefix="read-table")
    pending = reader.submit(read_table, spec, worksheet)
    reader.shutdown(wait=False)  # its one thread ends with this task
    return pending.result

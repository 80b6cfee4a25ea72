"""Read an ``.xlsx`` response workbook (first or named worksheet) into a :class:`Table`.

>>> read_xlsx(Path("examples/reponses-effets-sociaux.xlsx")).headers[0]
'Horodateur'
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from impactsheets.errors import SourceError
from impactsheets.sources import Cell, Row, Table


def read_xlsx(path: Path, worksheet: str | None = None) -> Table:
    """Read values (not formulas) with their physical row numbers; trailing empty cells dropped."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        reason = "not a valid .xlsx workbook" if not isinstance(exc, OSError) else str(exc)
        raise SourceError(f"{path}: cannot read the workbook ({reason})") from None
    try:
        if worksheet is None:
            sheet = book.worksheets[0]
        elif worksheet in book.sheetnames:
            sheet = book[worksheet]
        else:
            raise SourceError(f"{path}: no worksheet named {worksheet!r} "
                              f"(worksheets: {', '.join(book.sheetnames)})")
        headers: list[str] = []
        rows: list[Row] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells: list[Cell] = [_clean(v) for v in values]
            while cells and cells[-1] is None:
                cells.pop()
            if number == 1:
                headers = ["" if c is None else str(c).strip() for c in cells]
            else:
                rows.append(Row(number, cells))
        while rows and not rows[-1].cells:
            rows.pop()  # read-only mode reports formatted but empty rows at the end
        return Table(headers, rows, name=f"{path.name}:{sheet.title}")
    finally:
        book.close()


def _clean(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float):
        if isinstance(value, str) and not value.strip():
            return None
        return value
    if hasattr(value, "isoformat"):
        return value  # type: ignore[return-value]
    return str(value)

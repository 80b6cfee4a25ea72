"""Read an ``.xlsx`` response workbook (first or named worksheet) into a :class:`Table`.

Values are read with python-calamine (Rust: about ten times faster than openpyxl on a
3,500-row sheet); the cells come out typed as openpyxl reads them: text, ``int`` for whole
numbers, ``float``, ``datetime`` for dates (a date without a time too), ``time``, ``bool``,
a duration as its text; empty or blank cells are ``None``. openpyxl still writes the
annotated copy and reads its fills and notes (``impactsheets.feedback.workbook``).

>>> read_xlsx(Path("examples/reponses-effets-sociaux.xlsx")).headers[0]
'Horodateur'
>>> _typed(25000.0), _typed(2.5), _typed(1e20), _typed(date(2026, 3, 2)), _typed("  ")
(25000, 2.5, 1e+20, datetime.datetime(2026, 3, 2, 0, 0), None)
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

from impactsheets.errors import SourceError
from impactsheets.sources import Cell, Row, Table

#: Whole numbers below this read as ``int`` (as openpyxl reads a stored "25000"); larger
#: ones stay ``float``, as a stored "1E+20" does, since a float cannot tell them exactly.
_EXACT_INT = 2**53


def read_xlsx(path: Path, worksheet: str | None = None) -> Table:
    """Read values (not formulas) with their physical row numbers; trailing empty cells dropped."""
    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, ValueError):
        raise SourceError(f"{path}: cannot read the workbook (not a valid .xlsx workbook)") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot read the workbook ({exc.strerror or exc})") from None
    with book:
        names = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        if worksheet is None:
            if not names:
                raise SourceError(f"{path}: cannot read the workbook (no worksheet)")
            title = names[0]
        elif worksheet in names:
            title = worksheet
        else:
            raise SourceError(f"{path}: no worksheet named {worksheet!r} "
                              f"(worksheets: {', '.join(names)})")
        try:  # the grid starts at A1: row i of it is sheet row i + 1
            grid = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
        except (CalamineError, ValueError):
            raise SourceError(
                f"{path}: cannot read the workbook (not a valid .xlsx workbook)") from None
    headers: list[str] = []
    rows: list[Row] = []
    for number, values in enumerate(grid, start=1):
        cells = [_typed(v) for v in values]
        while cells and cells[-1] is None:
            cells.pop()
        if number == 1:
            headers = ["" if c is None else str(c).strip() for c in cells]
        else:
            rows.append(Row(number, cells))
    while rows and not rows[-1].cells:
        rows.pop()
    return Table(headers, rows, name=f"{path.name}:{title}")


def _typed(value: object) -> Cell:
    """A calamine value typed as openpyxl types it; blank text is ``None``."""
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < _EXACT_INT else value
    if isinstance(value, datetime | int):  # bool is an int
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, time):
        return value  # type: ignore[return-value]  # as openpyxl gives it
    return str(value)  # a duration: its text, as the openpyxl reader gave it

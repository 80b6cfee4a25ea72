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

import zipfile
from collections.abc import Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

from impactsheets.errors import SourceError
from impactsheets.sources import COLUMN_KEYS, HEADER_SCAN, Cell, Row, Table

if TYPE_CHECKING:
    from openpyxl.workbook.defined_name import DefinedName

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
        order = [m.name for m in book.sheets_metadata]  # a defined name's localSheetId indexes it
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
        marks = sheet_marks(path, order)
        try:  # the grid starts at A1: row i of it is sheet row i + 1
            grid = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
            # The other worksheets' first rows: named in the error when this one is not the
            # answers (our own problems tabs, known by their mark, are never candidates).
            tabs = {other: [[_typed(v) for v in row] for row in
                            book.get_sheet_by_name(other).to_python(nrows=HEADER_SCAN)]
                    for other in names if other != title and PROBLEMS_MARK not in marks[other]}
        except (CalamineError, ValueError):
            raise SourceError(
                f"{path}: cannot read the workbook (not a valid .xlsx workbook)") from None
    headers: list[str] = []
    rows: list[Row] = []
    for number, values in enumerate(grid, start=1):
        cells = [(v if v.strip() else None) if v.__class__ is str else _typed(v) for v in values]
        while cells and cells[-1] is None:
            cells.pop()
        if number == 1:
            headers = ["" if c is None else str(c).strip() for c in cells]
        else:
            rows.append(Row(number, cells))
    while rows and not rows[-1].cells:
        rows.pop()
    ours = {key: column - 1 for key, column in marked_columns(marks[title]).items()}
    return Table(headers, rows, name=f"{path.name}:{title}",
                 meta={"worksheet": title, "tabs": tabs, "ours": ours,
                       "problems_tab": PROBLEMS_MARK in marks[title]})


#: What every defined name we set starts with.
MARK_PREFIX = "impactsheets."
#: The worksheet-scoped defined name that marks our problems tab.
PROBLEMS_MARK = MARK_PREFIX + "problems"


def mark_name(key: str) -> str:
    """The defined name (scoped to the worksheet) that marks one of our columns.

    >>> mark_name("status")
    'impactsheets.column.status'
    """
    return f"{MARK_PREFIX}column.{key}"


def sheet_marks(path: Path, order: list[str]) -> dict[str, Mapping[str, DefinedName]]:
    """Each worksheet's own defined names (title -> name -> definition), where our marks are.

    Only the workbook part is parsed (openpyxl's parser), not the cells; a workbook whose
    part names none of our marks (a form's export) is not parsed at all, which spares loading
    openpyxl.
    """
    marks: dict[str, Mapping[str, DefinedName]] = {title: {} for title in order}
    try:
        with zipfile.ZipFile(path) as archive:
            if MARK_PREFIX.encode() not in archive.read("xl/workbook.xml"):
                return marks
            from openpyxl.reader.workbook import WorkbookParser

            parser = WorkbookParser(archive, "xl/workbook.xml")
            parser.parse()
    except (KeyError, OSError, ValueError, zipfile.BadZipFile, SyntaxError):
        return marks  # no standard workbook part: no marks (the cells were readable)
    for index, names in parser.defined_names.by_sheet().items():
        if isinstance(index, int) and 0 <= index < len(order):
            marks[order[index]] = names
    return marks


def marked_columns(names: Mapping[str, DefinedName]) -> dict[str, int]:
    """Our columns (key -> 1-based column) among a worksheet's defined names: found by the
    mark :mod:`impactsheets.feedback.workbook` sets, never by their title."""
    if not names:
        return {}
    from openpyxl.utils.cell import column_index_from_string

    found = {}
    for key in COLUMN_KEYS:
        name = names.get(mark_name(key))
        for _, ref in name.destinations if name is not None else ():
            letters = ref.replace("$", "").split(":")[0].rstrip("0123456789")
            if letters.isalpha():
                found[key] = column_index_from_string(letters)
    return found


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

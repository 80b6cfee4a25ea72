"""Read a ``.csv`` export (UTF-8 with or without BOM, ``,`` or ``;`` delimited) into a Table.

French Excel writes ``;``-separated files, often in Windows-1252; Google Sheets exports
UTF-8 with ``,``. Physical row numbers count the header as row 1 and follow the file's
records (a multi-line quoted cell stays one row).

>>> read_csv(Path("examples/reponses-effets-sociaux.csv")).headers[0]
'Horodateur'
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from impactsheets.errors import SourceError
from impactsheets.sources import Cell, Row, Table

_ENCODINGS = ("utf-8-sig", "cp1252")


def read_csv(path: Path) -> Table:
    """Read every record; the delimiter is sniffed from the header line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read the file ({exc.strerror})") from None
    if b"\x00" in data[:4096]:
        raise SourceError(f"{path}: not a text CSV file (binary content)")
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise SourceError(f"{path}: unknown text encoding (expected UTF-8)")
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    # newline="" keeps line breaks inside quoted answers and splits records only on \r\n, \r
    # or \n (str.splitlines would also split on U+2028, form feeds, vertical tabs…).
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise SourceError(f"{path}: malformed CSV ({exc})") from None
    if not records:
        return Table([], [], name=path.name)
    headers = [h.strip() for h in records[0]]
    while headers and not headers[-1]:
        headers.pop()
    rows = []
    for number, record in enumerate(records[1:], start=2):
        cells: list[Cell] = [v if v.strip() else None for v in record]
        while cells and cells[-1] is None:
            cells.pop()
        rows.append(Row(number, cells))
    while rows and not rows[-1].cells:
        rows.pop()
    return Table(headers, rows, name=path.name)

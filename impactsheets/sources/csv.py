r"""Read a ``.csv`` export (UTF-8 with or without BOM, ``,`` ``;`` or tab delimited) into a Table.

French Excel writes ``;``-separated files, often in Windows-1252; Google Sheets exports
UTF-8 with ``,``. Physical row numbers count the header as row 1 and follow the file's
records (a multi-line quoted cell stays one row).

The text is UTF-8 unless the file holds no valid multi-byte UTF-8 sequence at all (then it is
a Windows-1252 file). A few invalid bytes in a UTF-8 file become U+FFFD "�" and their cells
are listed in ``table.meta["undecodable"]`` (validation warns on each); they never turn the
whole file into Windows-1252. The delimiter is found by :class:`csv.Sniffer`, which ignores
commas and semicolons inside quoted answers.

>>> import tempfile; folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "a.csv").write_bytes(b"Nom;Commune\nCaf\xc3\xa9;Besan\xe7on\n")
>>> table = read_csv(folder / "a.csv")
>>> table.rows[0].cells, table.meta["undecodable"]
(['Café', 'Besan�on'], [(2, 1)])
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from impactsheets.errors import SourceError
from impactsheets.sources import Cell, Row, Table

#: A valid multi-byte UTF-8 sequence (RFC 3629): one is enough to call a file UTF-8.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")
_DELIMITERS = ";,\t"


def decode(data: bytes) -> tuple[str, bool]:
    r"""The text of a CSV file and whether some bytes could not be decoded (now U+FFFD).

    >>> decode("Lyon;Saint-Étienne".encode("cp1252")), decode(b"\xc3\xa9t\xe9")
    (('Lyon;Saint-Étienne', False), ('ét�', True))
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        pass
    if _UTF8_MULTIBYTE.search(data):  # UTF-8 with a few damaged bytes
        return data.decode("utf-8", errors="replace"), True
    text = data.decode("cp1252", errors="replace")  # a real Windows-1252 file
    return text, "\ufffd" in text


def sniff_delimiter(text: str) -> str:
    r"""``;``, ``,`` or tab, found by :class:`csv.Sniffer` (quoted answers do not count).

    >>> sniff_delimiter('"Nom, prénom";"Commune"\n"Dupont, Ada";"Lyon"\n')
    ';'
    """
    sample = text[:20000]
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:  # one column, or no regular pattern: count outside quotes in the header
        header = next(csv.reader(io.StringIO(sample, newline=""), delimiter="\x00"), [""])
        return max(_DELIMITERS, key=lambda d: "".join(header).count(d) if header else 0)


def read_csv(path: Path) -> Table:
    """Read every record; the delimiter is sniffed from the first records."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read the file ({exc.strerror})") from None
    if b"\x00" in data[:4096]:
        raise SourceError(f"{path}: not a text CSV file (binary content)")
    text, damaged = decode(data)
    delimiter = sniff_delimiter(text)
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
    undecodable: list[tuple[int, int]] = []
    for number, record in enumerate(records[1:], start=2):
        cells: list[Cell] = [v if v.strip() else None for v in record]
        while cells and cells[-1] is None:
            cells.pop()
        rows.append(Row(number, cells))
        if damaged:
            undecodable += [(number, i) for i, v in enumerate(record) if "\ufffd" in v]
    while rows and not rows[-1].cells:
        rows.pop()
    return Table(headers, rows, name=path.name, meta={"undecodable": undecodable})

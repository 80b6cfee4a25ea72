"""Find the header row of a response sheet, and refuse a sheet that is not the response sheet.

A form's response sheet has its question titles in row 1, but people add a banner row above
it, point the configuration at an analysis tab or at our own problems tab, or pick the wrong
file. :func:`locate_header` takes the header from the configured ``header_row`` or, when none
is set, from the row among the first :data:`HEADER_SCAN` that names the most questions.
:func:`recognise` then stops the run (before anything is written) when fewer than half of the
questions, or not every site-identity question, are found.

Rows keep their physical numbers: data rows are the rows below the header.

>>> from impactsheets.questionnaire import load_questionnaire
>>> q = load_questionnaire()
>>> banner = Table(["Enquête 2026"], [Row(2, list(q.question(i).header for i in q.site.key)),
...                                   Row(3, ["La Friche", "69007"])])
>>> table = locate_header(banner, q)
>>> table.meta["header_row"], [r.number for r in table.rows]
(2, [3])
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from impactsheets.errors import ImpactsheetsError, SourceError
from impactsheets.questionnaire import Questionnaire, normalize_label
from impactsheets.sources import HEADER_SCAN, Cell, Row, Table, header_row_of


def _header_text(cells: Iterable[Cell]) -> list[str]:
    headers = ["" if c is None else str(c).strip() for c in cells]
    while headers and not headers[-1]:
        headers.pop()
    return headers


def questions_found(headers: Iterable[str], questionnaire: Questionnaire) -> set[str]:
    """Ids of the questions whose header (or an alias) is among ``headers``: for
    ``occurrence: N``, the Nth one headed so (a title Google repeats in several sections)."""
    lookup = {(normalize_label(h), q.occurrence): q.id
              for q in questionnaire.questions for h in q.headers}
    seen: Counter[str] = Counter()
    found = set()
    for header in headers:
        key = normalize_label(header or "")
        seen[key] += 1
        if (key, seen[key]) in lookup:
            found.add(lookup[key, seen[key]])
    return found


def rebase(table: Table, header_row: int) -> Table:
    """Make physical row ``header_row`` the header of ``table`` (rows above it are dropped).

    The table is changed in place and returned: the sheet backends keep the table they read
    for the write-back, which must see the same header.
    """
    current = header_row_of(table)
    if header_row == current:
        table.meta["header_row"] = header_row
        return table
    if header_row < 1:
        raise SourceError(f"{table.name}: header_row must be 1 or more (got {header_row})")
    rows = [Row(current, list(table.headers)), *table.rows]
    header = next((row for row in rows if row.number == header_row), None)
    if header is None:
        raise SourceError(f"{table.name}: header_row {header_row} is not a row of the sheet")
    table.headers = _header_text(header.cells)
    table.rows = [row for row in rows if row.number > header_row]
    table.meta["header_row"] = header_row
    return table


def locate_header(table: Table, questionnaire: Questionnaire,
                  header_row: int | None = None) -> Table:
    """The table with its header on ``header_row``, or on the best of the first rows."""
    if header_row is not None:
        return rebase(table, header_row)
    best, best_count = 1, len(questions_found(table.headers, questionnaire))
    for row in table.rows:
        if row.number > HEADER_SCAN:
            break
        count = len(questions_found(_header_text(row.cells), questionnaire))
        if count > best_count:
            best, best_count = row.number, count
    return rebase(table, best)


def best_header_found(rows: list[list[Cell]], questionnaire: Questionnaire) -> set[str]:
    """The most questions one of the first rows of a worksheet names (their ids)."""
    return max((questions_found(_header_text(r), questionnaire) for r in rows[:HEADER_SCAN]),
               key=len, default=set())


def recognise(table: Table, questionnaire: Questionnaire,
              error: Callable[[str], ImpactsheetsError] = SourceError) -> None:
    """Raise ``error`` unless ``table`` looks like the questionnaire's response sheet.

    ``table.meta["tabs"]`` may hold the first rows of the other worksheets (title -> rows):
    those where more questions are found are named in the message. A table read from our own
    problems tab (``table.meta["problems_tab"]``, set by the backend from our mark) is refused.
    """
    found = questions_found(table.headers, questionnaire)
    total = len(questionnaire.questions)
    identity = [q for q in questionnaire.site.key if q not in found]
    ours = bool(table.meta.get("problems_tab"))  # our own problems tab, known by its mark
    if 2 * len(found) >= total and not identity and not ours:
        return
    where = f"{table.name}: " if table.name else ""
    message = f"{where}this does not look like the response sheet: " + (
        "it is impactsheets' own problems tab" if ours
        else f"{questionnaire.asked(found)} of {questionnaire.asked()} questions found")
    if identity and 2 * len(found) >= total and not ours:
        names = ", ".join(repr(questionnaire.question(q).header) for q in identity)
        message += f", but not the site's identity ({names})"
    tabs = table.meta.get("tabs")
    better = sorted(((len(more), title, questionnaire.asked(more))
                     for title, rows in (tabs if isinstance(tabs, dict) else {}).items()
                     if len(more := best_header_found(rows, questionnaire)) > len(found)),
                    reverse=True)
    if better:
        message += "; more in " + ", ".join(f"{t!r} ({n} of {questionnaire.asked()})"
                                            for _, t, n in better[:5])
    raise error(message)


def response_table(table: Table, questionnaire: Questionnaire, header_row: int | None = None,
                   error: Callable[[str], ImpactsheetsError] = SourceError) -> Table:
    """:func:`locate_header` then :func:`recognise`: the table to validate, or ``error``."""
    table = locate_header(table, questionnaire, header_row)
    recognise(table, questionnaire, error)
    return table

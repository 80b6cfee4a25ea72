"""What the sheet shows right before a write-back, and the check that it still shows the rows read.

>>> from impactsheets.google.grid import Grid, SheetInfo
>>> from impactsheets.sources import Row, Table
>>> grid = Grid(SheetInfo(0, "Réponses", 2, 1), [[{"effectiveValue": {"stringValue": "Site"}}],
...                                              [{"effectiveValue": {"stringValue": "Arsenal"}}]])
>>> check_unchanged(Table(["Site"], [Row(2, ["Arsenal"])]), grid)  # the same: no error
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from impactsheets.errors import SheetChangedError
from impactsheets.feedback import ToolColumns
from impactsheets.google.grid import Grid, effective_cell
from impactsheets.sources import Cell, Table, header_row_of

__all__ = ["SheetSnapshot", "Written", "check_unchanged"]

#: What we wrote on one cell: (our fill or None, our note part or None).
Written = tuple[str | None, str | None]


@dataclass
class SheetSnapshot:
    """What the planner needs to know about the sheet.

    ``table``: the rows read and validated (physical row numbers, headers);
    ``answers``: the answers worksheet as it is now (values, notes, colours);
    ``problems``: our problems worksheet of these answers (by its mark), None when absent;
    ``taken_ids``, ``taken_titles``: sheet ids and titles in use (a new worksheet avoids them);
    ``columns``: the titles of the columns we add;
    ``written``: (row, column) -> the (fill, note) we recorded writing there on the last run.
    """

    table: Table
    answers: Grid
    problems: Grid | None = None
    taken_ids: set[int] = field(default_factory=set)
    taken_titles: set[str] = field(default_factory=set)
    columns: ToolColumns = field(default_factory=ToolColumns)
    written: dict[tuple[int, int], Written] = field(default_factory=dict)


def _same(read: Cell, now: dict[str, Any]) -> bool:
    if "errorValue" in (now.get("effectiveValue") or {}):
        return True  # rendered differently by values.get; a formula error is not an identity
    return read == effective_cell(now)


def check_unchanged(table: Table, grid: Grid) -> None:
    """Raise :class:`SheetChangedError` unless the header and every row read are the same.

    Rows added after the last row read (new form submissions) are allowed; our own columns
    are not compared (they are about to be rewritten).
    """
    def changed(what: str) -> SheetChangedError:
        return SheetChangedError(f"the sheet changed during the sync ({what}); nothing was "
                                 "written; the next run will retry")

    tool = {c - 1 for c in grid.marks.values()}  # ours, by their mark: about to be rewritten
    top = header_row_of(table)
    for c, header in enumerate(table.headers):
        if c not in tool and grid.text(top, c + 1).strip() != header:
            raise changed(f"header of column {c + 1} is now {grid.text(top, c + 1)!r}")
    for row in table.rows:
        width = max(len(row.cells), len(grid.rows[row.number - 1]) if row.number <= len(grid.rows)
                    else 0)
        for c in range(width):
            if c not in tool and not _same(row.cell(c), grid.cell(row.number, c + 1)):
                raise changed(f"row {row.number} moved or was edited")

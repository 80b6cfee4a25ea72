"""Answer cells' notes and colours in the write-back: ours added, changed or removed, theirs kept.

A fill or a note is ours only while it is exactly what the state store recorded writing there
(:func:`written_marks`); without a record, a note part starting with :data:`NOTE_MARK` is ours,
and a fill of :data:`COLOURS` beside it.

>>> merge_note("à rappeler", "impactsheets : Adresse invalide.")
'à rappeler\\n\\nimpactsheets : Adresse invalide.'
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from impactsheets.feedback import COLOURS, NOTE_LIMIT, NOTE_MARK, CellMark, cell_marks
from impactsheets.feedback.sheet_requests import COLOUR_FIELD
from impactsheets.feedback.snapshot import SheetSnapshot, Written
from impactsheets.google.grid import api_colour, hex_colour
from impactsheets.validation import ValidationReport

__all__ = ["cell_wanted", "mark_requests", "merge_note", "split_note", "written_marks"]

OUR_COLOURS = frozenset(COLOURS.values())
_SEP = "\n\n"


def split_note(note: str) -> tuple[str, str]:
    """(coordinator's part, our part) of a note.

    >>> split_note("à rappeler\\n\\nimpactsheets : Adresse invalide.")
    ('à rappeler', 'impactsheets : Adresse invalide.')
    """
    if note.startswith(NOTE_MARK):
        return "", note
    theirs, sep, ours = note.partition(_SEP + NOTE_MARK)
    return (theirs, NOTE_MARK + ours) if sep else (note, "")


def merge_note(theirs: str, ours: str) -> str:
    """The note to show: theirs, a blank line, ours (theirs is never cut)."""
    if not ours or len(theirs) + len(_SEP) >= NOTE_LIMIT:
        return theirs
    return (theirs + _SEP + ours if theirs else ours)[:NOTE_LIMIT]


def cell_wanted(cell: dict[str, Any], mark: CellMark | None, recorded: Written | None
                ) -> tuple[str, str | None, Written]:
    """(note, colour) the cell should show, and what of it is ours, for one answer cell.

    A fill is ours only while it is exactly the one we recorded writing there (or, for a
    mark that moved with its row, one of our colours next to our note); a coordinator's
    colour, even one of our palette, stays. Our note part is the text we recorded (else the
    part from :data:`NOTE_MARK` on); text a coordinator typed around it is kept.
    """
    note, colour = str(cell.get("note", "")), hex_colour(cell)
    fill, ours_note = recorded if recorded is not None else (None, None)
    if ours_note and ours_note in note:
        before, _, after = note.partition(ours_note)
        theirs = "\n".join(part.strip("\n") for part in (before, after) if part.strip())
        has_ours = True
    else:
        theirs, found = split_note(note)
        has_ours = bool(found)
    ours_colour = colour is not None and (colour == fill if recorded is not None
                                          else has_ours and colour in OUR_COLOURS)
    want_note = merge_note(theirs, mark.note if mark else "")
    want_colour: str | None
    if mark:
        want_colour = COLOURS[mark.severity] if colour is None or ours_colour else colour
        written: Written = (want_colour if want_colour == COLOURS[mark.severity]
                            and (colour is None or ours_colour) else None, mark.note)
    else:
        want_colour, written = (None if ours_colour else colour), (None, None)
    return want_note, want_colour, written


def _mark_positions(snapshot: SheetSnapshot, marks: dict[tuple[int, int], CellMark],
                    columns: dict[str, int]) -> list[tuple[int, int]]:
    grid = snapshot.answers
    positions = set(marks) | set(snapshot.written) | {
        (r + 1, c + 1) for r, cells in enumerate(grid.rows) for c, cell in enumerate(cells)
        if "note" in cell or "userEnteredFormat" in cell}
    return sorted(p for p in positions if p[1] not in columns.values())


def written_marks(snapshot: SheetSnapshot, report: ValidationReport
                  ) -> dict[tuple[int, int], Written]:
    """What the write-back planned for ``snapshot`` leaves of ours on the answer cells: the
    record to keep (state store) so that the next run removes only exactly that."""
    marks = cell_marks(report.problems)
    columns = set(snapshot.answers.marks.values())
    out = {}
    for position in marks:
        if position[1] not in columns:
            cell = snapshot.answers.cell(*position)
            out[position] = cell_wanted(cell, marks[position],
                                        snapshot.written.get(position))[2]
    return out


def mark_requests(snapshot: SheetSnapshot, report: ValidationReport, columns: dict[str, int]
                  ) -> Iterator[dict[str, Any]]:
    """Colour and note changes of answer cells, one small updateCells per changed cell."""
    grid = snapshot.answers
    marks = cell_marks(report.problems)
    for row, col in _mark_positions(snapshot, marks, columns):
        cell = grid.cell(row, col)
        note, colour = str(cell.get("note", "")), hex_colour(cell)
        want_note, want_colour, _ = cell_wanted(cell, marks.get((row, col)),
                                                snapshot.written.get((row, col)))
        fields: list[str] = []
        data: dict[str, Any] = {}
        if want_note != note:
            fields.append("note")
            data.update({"note": want_note} if want_note else {})
        if want_colour != colour:
            fields.append(COLOUR_FIELD)
            data.update({"userEnteredFormat": {"backgroundColor": api_colour(want_colour)}}
                        if want_colour else {})
        if fields:
            yield {"updateCells": {
                "start": {"sheetId": grid.info.sheet_id, "rowIndex": row - 1,
                          "columnIndex": col - 1},
                "rows": [{"values": [data]}], "fields": ",".join(fields)}}

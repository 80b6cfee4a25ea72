"""The write-back planner on its own (no HTTP): a sheet snapshot and a validation report in,
the exact Sheets ``batchUpdate`` requests out."""

from __future__ import annotations

from typing import Any

import pytest

from impactsheets.errors import SheetChangedError
from impactsheets.feedback import (
    COLOURS,
    NOTE_MARK,
    PROBLEMS_SHEET_HEADERS,
    ToolColumns,
    problems_title,
)
from impactsheets.feedback.planner import SheetSnapshot, check_unchanged, plan_write_back
from impactsheets.google.grid import Grid, SheetInfo, api_colour
from impactsheets.sources import Row, Table
from impactsheets.validation import Problem, Response, ValidationReport

HEADERS = ["Horodateur", "Site", "Courriel"]
ROWS = [["2024-01-01", "Arsenal", "bad@"], ["2024-01-02", "Docks", "ok@example.org"]]


def text(value: Any) -> dict[str, Any]:
    return {"effectiveValue": {"stringValue": value}}


def grid(rows: list[list[dict[str, Any]]], sheet_id: int = 0, columns: int = 3) -> Grid:
    return Grid(SheetInfo(sheet_id, "Réponses", len(rows), columns), rows)


def answers_grid(extra: list[list[dict[str, Any]]] | None = None) -> Grid:
    rows = [[text(h) for h in HEADERS], *[[text(v) for v in r] for r in ROWS]]
    for row, cells in zip(rows, extra or [], strict=False):
        row.extend(cells)
    return grid(rows, columns=max(len(r) for r in rows))


def table() -> Table:
    return Table(list(HEADERS), [Row(n, list(r)) for n, r in enumerate(ROWS, start=2)])


def report(*problems: Problem) -> ValidationReport:
    responses = [Response(2, {}, [p for p in problems if p.row == 2]), Response(3, {})]
    return ValidationReport("s", "q", HEADERS, {}, list(problems), responses)


BAD_EMAIL = Problem("invalid-email", "error", "Adresse invalide.", row=2, column=3)


def cell_updates(requests: list[dict[str, Any]]) -> dict[tuple[int, int], dict[str, Any]]:
    """Single-cell updateCells (the marks), by 1-based (row, column)."""
    out = {}
    for r in requests:
        start = r.get("updateCells", {}).get("start")
        if start is not None:
            out[(start["rowIndex"] + 1, start["columnIndex"] + 1)] = r["updateCells"]
    return out


def test_first_run_plans_columns_marks_and_problems_sheet() -> None:
    requests = plan_write_back(SheetSnapshot(table(), answers_grid(), None, {0, 7}),
                               report(BAD_EMAIL), {2: "https://drive.google.com/file/d/x/view"})
    kinds = [next(iter(r)) for r in requests]
    assert kinds[0] == "appendDimension"
    assert requests[0]["appendDimension"] == {"sheetId": 0, "dimension": "COLUMNS", "length": 3}
    mark = cell_updates(requests)[(2, 3)]
    assert mark["fields"] == "note,userEnteredFormat.backgroundColor"
    cell = mark["rows"][0]["values"][0]
    assert cell == {"note": NOTE_MARK + "Adresse invalide.",
                    "userEnteredFormat": {"backgroundColor": api_colour(COLOURS["error"])}}
    add = next(r["addSheet"] for r in requests if "addSheet" in r)
    assert add["properties"]["title"] == problems_title("Réponses")
    assert add["properties"]["sheetId"] not in {0, 7}
    # answer cells are never given a value: every userEnteredValue is in our columns (D, E, F)
    # or in the problems worksheet
    for r in requests:
        rng = r.get("updateCells", {}).get("range")
        if rng and rng["sheetId"] == 0:
            assert rng["startColumnIndex"] >= len(HEADERS)


def test_a_fixed_problem_loses_our_note_and_colour_but_keeps_theirs() -> None:
    ours = {"note": "à rappeler\n\n" + NOTE_MARK + "Adresse invalide.",
            "userEnteredFormat": {"backgroundColor": api_colour(COLOURS["error"])}}
    theirs_colour = {"userEnteredFormat": {"backgroundColor": api_colour("00FF00")}}
    g = answers_grid()
    g.rows[1][2] = {**g.rows[1][2], **ours}
    g.rows[2][1] = {**g.rows[2][1], **theirs_colour}
    requests = plan_write_back(SheetSnapshot(table(), g), report(), {})
    updates = cell_updates(requests)
    assert updates[(2, 3)]["fields"] == "note,userEnteredFormat.backgroundColor"
    assert updates[(2, 3)]["rows"][0]["values"][0] == {"note": "à rappeler"}
    assert (3, 2) not in updates  # a coordinator's colour is not ours to remove


def test_a_sheet_that_shows_everything_needs_no_request() -> None:
    red = {"userEnteredFormat": {"backgroundColor": api_colour(COLOURS["error"])}}
    status = [[text("Statut"), text("Problèmes")],
              [{**text("1 erreur"), **red}, text("C2 : Adresse invalide.")], [text("OK")]]
    g = answers_grid(status)
    g.marks = {"status": 4, "problems": 5}
    g.rows[1][2] = {**g.rows[1][2], "note": NOTE_MARK + "Adresse invalide.", **red}
    problems = Grid(SheetInfo(5, problems_title("Réponses"), 2, 8), [
        [text(h) for h in PROBLEMS_SHEET_HEADERS],
        [{"effectiveValue": {"numberValue": 2}}, text("C2"), text("ligne 2"), {}, text("invalid-email"),
         text("erreur"), {}, text("Adresse invalide.")]])
    snapshot = SheetSnapshot(table(), g, problems, {0, 5})
    assert plan_write_back(snapshot, report(BAD_EMAIL), {}) == []
    # one difference (a link to add) gives exactly the requests for it
    again = plan_write_back(snapshot, report(BAD_EMAIL), {3: "https://drive.google.com/file/d/y/view"})
    assert [next(iter(r)) for r in again] == ["appendDimension", "updateCells",
                                              "createDeveloperMetadata", "updateCells"]


def test_our_columns_are_found_by_their_mark_never_by_their_title() -> None:
    # A coordinator's "Statut" column (no mark) is theirs: ours are added, titled and marked.
    g = answers_grid([[text("Statut")], [text("à relancer")], [text("fait")]])
    requests = plan_write_back(SheetSnapshot(table(), g), report(BAD_EMAIL), {})
    marks = [r["createDeveloperMetadata"]["developerMetadata"] for r in requests
             if "createDeveloperMetadata" in r]
    assert [(m["metadataKey"], m["location"]["dimensionRange"]["startIndex"]) for m in marks
            if "dimensionRange" in m["location"]] == [
        ("impactsheets:column=status", 4), ("impactsheets:column=problems", 5)]
    written = {(c["updateCells"]["range"]["startColumnIndex"], c["updateCells"]["range"]["startRowIndex"])
               for c in requests if "range" in c.get("updateCells", {})}
    assert not any(col == 3 for col, _ in written)  # their column is never written
    # Our column moved to the front and renamed by a coordinator: still ours, by its mark.
    moved = answers_grid()
    for row, value in zip(moved.rows, ["Suivi", "1 erreur", "OK"], strict=True):
        row.insert(0, text(value))
    moved.marks = {"status": 1}
    titled = SheetSnapshot(Table(["Suivi", *HEADERS], table().rows), moved,
                           columns=ToolColumns(problems="Détail"))
    requests = plan_write_back(titled, report(), {})
    headers = [c["updateCells"]["rows"][0]["values"][0]["userEnteredValue"]["stringValue"]
               for c in requests if "range" in c.get("updateCells", {})
               and c["updateCells"]["range"]["startRowIndex"] == c["updateCells"]["range"]["sheetId"] == 0]
    assert headers == ["Détail"]  # only the missing column is added; "Suivi" is not retitled


def test_check_unchanged_refuses_a_moved_row() -> None:
    check_unchanged(table(), answers_grid())
    moved = answers_grid()
    moved.rows[1], moved.rows[2] = moved.rows[2], moved.rows[1]
    with pytest.raises(SheetChangedError, match="row 2 moved or was edited"):
        check_unchanged(table(), moved)

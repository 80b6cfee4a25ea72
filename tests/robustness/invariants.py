"""The invariants every end-to-end robustness test checks (issue 6, section 3).

* answer cells identical before and after;
* every highlight and note sits on the cell of its problem and nowhere else;
* nothing written outside the output folder and the state file;
* whatever we write into a sheet that looks like a formula is stored as literal text.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from pypdf import PdfReader

from impactsheets.feedback import NOTE_MARK
from impactsheets.feedback.workbook import xlsx_safe
from impactsheets.sources import header_row_of
from impactsheets.sources.xlsx import PROBLEMS_MARK, marked_columns

FORMULA_START = ("=", "+", "-", "@")


def tree(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``folder``."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def written_outside(before: dict[str, str], after: dict[str, str],
                    allowed: tuple[str, ...]) -> list[str]:
    """Files created or changed whose path does not start with one of ``allowed``."""
    changed = [p for p, digest in after.items() if before.get(p) != digest]
    changed += [p for p in before if p not in after]  # deleted
    return sorted(p for p in changed if not p.startswith(allowed))


def original_cells(source: Path, table: Any) -> dict[tuple[int, int], Any]:
    """(row, column) -> value of every non-empty cell of the answer area of the source."""
    cells: dict[tuple[int, int], Any] = {}
    if source.suffix.lower() in (".xlsx", ".xlsm"):
        sheet = load_workbook(source).worksheets[0]
        ours = set(marked_columns(sheet.defined_names).values())  # a source that is itself an annotated copy
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None and cell.column not in ours:
                    cells[(cell.row, cell.column)] = cell.value
        return cells
    for column, header in enumerate(table.headers, start=1):
        if header:
            cells[(header_row_of(table), column)] = header
    # A CSV's annotated copy is a new workbook: XLSX cannot hold control characters, so the
    # documented representation (feedback.workbook.xlsx_safe) is what must be found there.
    for row in table.rows:
        for column, value in enumerate(row.cells, start=1):
            if value is not None:
                cells[(row.number, column)] = xlsx_safe(value) if isinstance(value, str) else value
    return cells


def check_annotated(source: Path, table: Any, problems: list[dict[str, Any]],
                    annotated: Path) -> dict[str, int]:
    """Compare the annotated workbook with its source; return counts (all must be 0)."""
    book = load_workbook(annotated)
    sheet = book.worksheets[0]
    # Our columns are the ones carrying our mark, whatever their title: every other column
    # (a question titled "Statut", a coordinator's own "Problèmes") is compared cell by cell.
    tool_columns = set(marked_columns(sheet.defined_names).values())
    before = original_cells(source, table)
    after: dict[tuple[int, int], Any] = {}
    marked: set[tuple[int, int]] = set()
    foreign_notes = 0
    for row in sheet.iter_rows():
        for cell in row:
            if cell.column in tool_columns:
                continue
            if cell.value is not None:
                after[(cell.row, cell.column)] = cell.value
            if cell.fill is not None and cell.fill.fill_type == "solid":
                marked.add((cell.row, cell.column))
            if cell.comment is not None:
                marked.add((cell.row, cell.column))
                if not cell.comment.text.split("\n\n")[-1].startswith(NOTE_MARK):
                    foreign_notes += 1
    before = {k: v for k, v in before.items() if k[1] not in tool_columns}
    changed = sum(1 for k in set(before) | set(after) if before.get(k) != after.get(k))
    expected = {(p["row"], p["column"]) for p in problems
                if p.get("row") is not None and p.get("column") is not None}
    misplaced = len(marked - expected)
    unmarked = len(expected - marked)
    formulas = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and (PROBLEMS_MARK in ws.defined_names
                                              or cell.column in tool_columns):
                    formulas += 1
    return {"answer_cells_changed": changed, "misplaced_marks": misplaced,
            "unmarked_problems": unmarked, "formulas_written": formulas,
            "foreign_notes": foreign_notes, "answer_cells": len(before)}


def pdf_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    text = "\n".join(page.extract_text() for page in pages)
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def flat(text: str) -> str:
    """Text with all whitespace removed, to compare wording across line wraps."""
    return "".join(text.split())

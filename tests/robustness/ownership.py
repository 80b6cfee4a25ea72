"""Scenario harness for the shared-sheet cases (issue 11): one sheet, two backends.

A scenario is a workbook (tabs of rows, built with openpyxl) synced either as a local ``.xlsx``
(annotated copy in the output folder) or as a Google Sheet loaded into the emulator (annotated
in place). :func:`sync_case` runs ``impactsheets sync`` through the CLI and returns what a
user sees; :func:`snapshot` gives the sheet as it is afterwards (the annotated copy, or the
emulator's worksheet), with the columns marked ours found by their mark only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from corpus_build import QUESTIONNAIRE, _text_cell
from factories import valid_answers
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from impactsheets.cli import main
from impactsheets.emulator import Emulator
from impactsheets.emulator.store import DIMENSION_METADATA
from impactsheets.google.grid import COLUMN_MARK
from impactsheets.sources.xlsx import marked_columns

KEY = "1OwnershipScenarioKey0123456789abcdef"
ANSWERS = "Réponses au formulaire 1"
BACKENDS = ["xlsx", "emulator"]


def header() -> list[str]:
    return ["Horodateur"] + [q.header for q in QUESTIONNAIRE.questions]


def answer_row(**overrides: Any) -> list[Any]:
    answers = valid_answers(**overrides)
    return [answers.get("Horodateur")] + [answers.get(q.id) for q in QUESTIONNAIRE.questions]


def column(question_id: str) -> int:
    """1-based column of a question in :func:`header`'s layout."""
    return 2 + [q.id for q in QUESTIONNAIRE.questions].index(question_id)


@dataclass
class Decor:
    """A coordinator's own fill or note on a cell (1-based row, column)."""

    row: int
    column: int
    fill: str | None = None
    note: str | None = None


def write_book(path: Path, tabs: dict[str, list[list[Any]]], decor: list[Decor] = ()) -> Path:
    """A workbook with one worksheet per tab (the first is the active one)."""
    book = Workbook()
    first = True
    for title, rows in tabs.items():
        sheet = book.active if first else book.create_sheet(title)
        assert sheet is not None
        sheet.title, first = title, False
        for r, values in enumerate(rows, start=1):
            for c, value in enumerate(values, start=1):
                if value is not None:
                    _text_cell(sheet.cell(row=r, column=c), value)
    sheet = book.worksheets[0]
    for d in decor:
        cell = sheet.cell(row=d.row, column=d.column)
        if d.fill:
            cell.fill = PatternFill(fill_type="solid", start_color=d.fill, end_color=d.fill)
        if d.note:
            cell.comment = Comment(d.note, "coordination")
    book.save(path)
    return path


@dataclass
class Outcome:
    exit_code: int
    stderr: str
    summary: dict[str, Any] | None
    out: Path
    requests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def posts(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["method"] != "GET"]


class Case:
    """One scenario on one backend: build, sync, look."""

    def __init__(self, backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
        self.backend, self.tmp = backend, tmp_path
        self.emu: Emulator | None = None
        if backend == "emulator":
            self.emu = request.getfixturevalue("emulator_env")
            request.getfixturevalue("fast_retries")
        self.book = tmp_path / "in" / "reponses.xlsx"
        self.book.parent.mkdir(exist_ok=True)

    def load(self, tabs: dict[str, list[list[Any]]], decor: list[Decor] = ()) -> None:
        write_book(self.book, tabs, list(decor))
        if self.emu is not None:
            self.emu.load_xlsx(self.book, KEY)

    def gid(self, title: str) -> int:
        assert self.emu is not None
        sheet = self.emu.store.spreadsheets[KEY].sheet_by_title(title)
        assert sheet is not None
        return sheet.sheet_id

    def source(self, tab: str | None = None) -> dict[str, Any]:
        """The config keys naming the sheet (a tab by gid on Google, by name in a file)."""
        if self.emu is None:
            return {"source": str(self.book), **({"worksheet": tab} if tab else {})}
        gid = self.gid(tab) if tab else 0
        return {"source": f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid={gid}"}

    def drive_files(self, config: dict[str, Any]) -> list[dict[str, Any]]:
        """The files of the configured Drive folder (none without Drive delivery)."""
        if self.emu is None or "drive" not in config:
            return []
        return self.emu.drive_files(config["drive"]["folder_id"])

    def sync(self, tab: str | None = None, output_name: str = "out", **config: Any) -> Outcome:
        data = {**self.source(tab), "output": str(self.tmp / output_name), **config}
        path = self.tmp / "sync.yaml"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        if self.emu is not None:
            self.emu.reset_requests()
        result = CliRunner().invoke(main, ["sync", "--config", str(path), "--json"])
        assert "Traceback" not in result.output
        summary = json.loads(result.stdout) if result.exit_code == 0 else None
        requests = self.emu.requests() if self.emu is not None else []
        return Outcome(result.exit_code, result.stderr, summary, self.tmp / output_name, requests)

    def tabs(self) -> list[str]:
        if self.emu is not None:
            return self.emu.sheet_titles(KEY)
        return load_workbook(self.book, read_only=True).sheetnames

    def source_grid(self, tab: str = ANSWERS) -> Grid:
        """The sheet before a sync: the source file, or the Google Sheet as it is."""
        return self.grid(tab, annotated=False)

    def grid(self, tab: str = ANSWERS, annotated: bool = True) -> Grid:
        """The sheet as a user now sees it (the annotated copy of a local source)."""
        if self.emu is None:
            copy = self.tmp / "out" / "responses-annotated.xlsx"
            sheet = load_workbook(copy if annotated and copy.exists() else self.book)[tab]
            cells = {}
            for row in sheet.iter_rows():
                for cell in row:
                    fill = cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type == "solid" else None
                    if cell.value is not None or fill or cell.comment:
                        cells[(cell.row, cell.column)] = (
                            cell.value, fill, cell.comment.text if cell.comment else None)
            return Grid(cells, marked_columns(sheet.defined_names))
        return emulator_grid(self.emu, KEY, tab)


@dataclass
class Grid:
    """(row, column) -> (value, fill hex, note), 1-based; ``ours``: our columns by mark."""

    cells: dict[tuple[int, int], tuple[Any, str | None, str | None]]
    ours: dict[str, int]

    def value(self, row: int, col: int) -> Any:
        return self.cells.get((row, col), (None, None, None))[0]

    def header(self, row: int = 1) -> list[Any]:
        width = max((c for r, c in self.cells if r == row), default=0)
        return [self.value(row, c) for c in range(1, width + 1)]

    def column_titled(self, key: str, row: int = 1) -> Any:
        return self.value(row, self.ours[key])


def emulator_grid(emu: Emulator, key: str, tab: str) -> Grid:
    with emu.store.lock:
        sheet = emu.store.spreadsheets[key].sheet_by_title(tab)
        assert sheet is not None
        raw = dict(sheet.cells)
        metadata = [m for m in sheet.extras.get(DIMENSION_METADATA) or []]
    ours = {m["metadataKey"][len(COLUMN_MARK):]: m["location"]["dimensionRange"]["startIndex"] + 1
            for m in metadata if m["metadataKey"].startswith(COLUMN_MARK)}
    cells = {}
    for (r, c), cell in raw.items():
        value = cell.get("userEnteredValue") or {}
        shown = next(iter(value.values()), None) if value else None
        bg = (cell.get("userEnteredFormat") or {}).get("backgroundColor")
        fill = "".join(f"{round(bg.get(k, 0) * 255):02X}" for k in ("red", "green", "blue")) \
            if bg else None
        if shown is not None or fill or cell.get("note"):
            cells[(r + 1, c + 1)] = (shown, fill, cell.get("note"))
    return Grid(cells, ours)


def unchanged_outside_ours(before: Grid, after: Grid) -> list[tuple[int, int]]:
    """Cells whose value, fill or note changed, in every column not marked ours — except
    our own marks (a fill and a note starting with our marker) on problem cells."""
    from impactsheets.feedback import NOTE_MARK

    ours = set(after.ours.values())
    changed = []
    for ref in set(before.cells) | set(after.cells):
        if ref[1] in ours:
            continue
        old = before.cells.get(ref, (None, None, None))
        new = after.cells.get(ref, (None, None, None))
        if old[0] != new[0] or (old != new and not (new[2] or "").split("\n\n")[-1].startswith(NOTE_MARK)):
            changed.append(ref)
    return sorted(changed)

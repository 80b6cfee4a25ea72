"""Export the answers for analysts: CSV (French Excel: ``;``, decimal comma, UTF-8 with BOM)
or XLSX, one row per site (wide) or one row per answer value (long, the tidy frame).

Text cells are never formulas: in CSV a text starting with ``= + - @`` gets a leading ``'``;
in XLSX every text cell is written as a string.

>>> import tempfile; from pathlib import Path
>>> from impactsheets.pipeline import EXAMPLE_WORKBOOK
>>> from impactsheets.resources import data_path
>>> out = Path(tempfile.mkdtemp()) / "reponses.csv"
>>> export_answers(data_path("examples", EXAMPLE_WORKBOOK), out).rows
13
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from impactsheets.delivery.folder import csv_safe
from impactsheets.errors import ImpactsheetsError
from impactsheets.feedback.workbook import xlsx_safe
from impactsheets.files import atomic_write
from impactsheets.network.frame import network_frames, wide
from impactsheets.questionnaire import load_questionnaire

FORMATS = (".csv", ".xlsx")


@dataclass
class ExportResult:
    """What ``export`` wrote: the file, its rows and columns."""

    path: Path
    rows: int
    columns: int


def export_frame(report: Any, questionnaire: Any, long: bool = False) -> pd.DataFrame:
    """The frame ``export`` writes: tidy (``long``) or one row per site."""
    answers, sites = network_frames(report, questionnaire)
    return answers if long else wide(answers, sites, questionnaire)


def export_answers(source: str | Path, out: Path, *, long: bool = False,
                   questionnaire: str | Path | None = None,
                   worksheet: str | None = None) -> ExportResult:
    """Validate ``source`` and write its current answers to ``out`` (.csv or .xlsx)."""
    from impactsheets.pipeline import validate_source

    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise ImpactsheetsError(f"{out}: the export file must end in .csv or .xlsx")
    loaded = load_questionnaire(questionnaire)
    _, report = validate_source(source, loaded, worksheet)
    frame = export_frame(report, loaded, long)
    data = _xlsx(frame) if suffix == ".xlsx" else _csv(frame)
    atomic_write(out, data)
    return ExportResult(out, len(frame), len(frame.columns))


def _cell(value: Any) -> Any:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != datetime.min.time() else \
            value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _csv_cell(value: Any) -> Any:
    if isinstance(value, str):
        return csv_safe(value)
    if isinstance(value, float) and not pd.isna(value):
        return str(value).replace(".", ",")  # French Excel's decimal comma, in any column
    return _cell(value)


def _csv(frame: pd.DataFrame) -> bytes:
    text = frame.map(_csv_cell)
    buffer = io.StringIO()
    text.to_csv(buffer, sep=";", decimal=",", index=False, lineterminator="\r\n")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx(frame: pd.DataFrame) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Réponses"
    sheet.append([str(c) for c in frame.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in frame.itertuples(index=False, name=None):
        sheet.append([_cell(v) if not isinstance(v, str) else xlsx_safe(v) for v in values])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever its first character
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

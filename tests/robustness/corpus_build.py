"""Build the response file a bad-input corpus case describes (tests/robustness/corpus/*.json).

A case describes a sheet shaped like a Google Forms export (headers from the bundled
questionnaire, one valid answer set per row, then the case's damage) or a raw file. Binary
files (corrupt workbooks, wrong types) are built here from the description, never committed.

Values in JSON may use markers for what JSON cannot say directly:

* ``{"$date": "2019-03-05T00:00:00"}`` -> a ``datetime``;
* ``{"$repeat": ["ab ", 25000]}`` -> ``"ab " * 25000``;
* ``{"$chars": [8203, 97]}`` -> the text of those code points (control characters...).
"""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from factories import valid_answers
from openpyxl import Workbook

from impactsheets.questionnaire import load_questionnaire

QUESTIONNAIRE = load_questionnaire()
CORPUS = Path(__file__).resolve().parent / "corpus"

BASE_ANSWERS: dict[str, Any] = valid_answers()  # the same valid site as the unit tests


def load_cases() -> list[dict[str, Any]]:
    cases = []
    for path in sorted(CORPUS.glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        case.setdefault("id", path.stem)
        cases.append(case)
    return cases


def decode(value: Any) -> Any:
    """Turn the JSON markers into Python values (recursively)."""
    if isinstance(value, dict):
        if "$date" in value:
            return datetime.fromisoformat(value["$date"])
        if "$repeat" in value:
            text, count = value["$repeat"]
            return decode(text) * count
        if "$chars" in value:
            return "".join(chr(c) if isinstance(c, int) else c for c in value["$chars"])
        if "$concat" in value:
            return "".join(str(decode(v)) for v in value["$concat"])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def sheet_cells(build: dict[str, Any]) -> tuple[list[str], list[list[Any] | None]]:
    """Headers and rows (None = a blank row) of a "sheet" build."""
    drop = set(build.get("drop", []))
    ids = ["Horodateur"] + [q.id for q in QUESTIONNAIRE.questions if q.id not in drop]
    rename = build.get("rename", {})
    headers = [rename.get(i, i if i == "Horodateur" else QUESTIONNAIRE.question(i).header)
               for i in ids]
    extra = build.get("extra_columns", [])  # [{"header": "...", "values": [...], "same_as": qid}]
    for column in extra:
        header = column.get("header")
        if header is None:
            header = QUESTIONNAIRE.question(column["same_as"]).header
        headers.append(header)
    rows: list[list[Any] | None] = []
    specs = decode(build.get("rows", [{}]))
    repeat = build.get("repeat")
    if repeat:
        template = specs[0] if specs else {}
        specs = []
        for i in range(repeat["count"]):
            answers = dict(template.get("answers", {}))
            if repeat.get("distinct"):
                answers["site_nom"] = f"Lieu numéro {i}"
            else:
                answers["site_nom"] = f"Lieu {i % repeat.get('sites', 5)}"
                answers["Horodateur"] = datetime(2026, 1, 1).replace(
                    minute=i % 60, hour=(i // 60) % 24, day=1 + (i // 1440) % 28)
            specs.append({"answers": answers})
    for index, spec in enumerate(specs):
        if spec is None:
            rows.append(None)
            continue
        if "raw" in spec:
            rows.append(list(spec["raw"]))
            continue
        answers = {**({} if spec.get("from_empty") else BASE_ANSWERS), **spec.get("answers", {})}
        for key in spec.get("unset", []):
            answers.pop(key, None)
        cells = [answers.get(i) for i in ids]
        for column in extra:
            values = column.get("values", [])
            cells.append(values[index] if index < len(values) else None)
        while cells and cells[-1] is None:
            cells.pop()
        rows.append(cells)
    return headers, rows


def _text_cell(cell: Any, value: Any) -> None:
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # as a Google export stores a typed answer: text, not a formula


def write_xlsx(path: Path, headers: list[str], rows: list[list[Any] | None],
               build: dict[str, Any]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Réponses au formulaire 1"
    offset = 0
    if build.get("merged_header"):
        # A hand-made two-line header: group titles merged over their columns on row 1.
        offset = 1
        groups: list[tuple[str, int, int]] = []
        for col, header in enumerate(headers, start=1):
            title = header.split(" : ")[0] if " : " in header else "Identité"
            if groups and groups[-1][0] == title:
                groups[-1] = (title, groups[-1][1], col)
            else:
                groups.append((title, col, col))
        for title, first, last in groups:
            _text_cell(sheet.cell(row=1, column=first), title)
            if last > first:
                sheet.merge_cells(start_row=1, start_column=first, end_row=1, end_column=last)
    for col, header in enumerate(headers, start=1):
        _text_cell(sheet.cell(row=1 + offset, column=col), header)
    for number, cells in enumerate(rows, start=2 + offset):
        for col, value in enumerate(cells or [], start=1):
            if value is not None:
                _text_cell(sheet.cell(row=number, column=col), value)
    book.save(path)


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M:%S")
    return str(value)


def write_csv(path: Path, headers: list[str], rows: list[list[Any] | None],
              build: dict[str, Any]) -> None:
    options = build.get("csv", {})
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=options.get("delimiter", ","), lineterminator="\r\n")
    writer.writerow(headers)
    for cells in rows:
        writer.writerow([_csv_text(v) for v in (cells or [])])
    encoding = options.get("encoding", "utf-8")
    data = buffer.getvalue().encode(encoding)
    for marker, raw in options.get("raw_bytes", {}).items():  # bytes that are not valid text
        data = data.replace(marker.encode(encoding), bytes.fromhex(raw))
    path.write_bytes(data)


def build_source(case: dict[str, Any], folder: Path) -> Path:
    """Write the case's response file into ``folder`` and return its path."""
    build = case["build"]
    kind = build.get("kind", "sheet")
    if kind == "file":
        path = folder / build["name"]
        if "text" in build:
            path.write_bytes(decode(build["text"]).encode(build.get("encoding", "utf-8")))
        else:
            path.write_bytes(base64.b64decode(build.get("base64", "")))
        return path
    headers, rows = sheet_cells(build)
    fmt = build.get("format", "xlsx")
    path = folder / f"reponses.{fmt}"
    if fmt == "csv":
        write_csv(path, headers, rows, build)
    else:
        write_xlsx(path, headers, rows, build)
    damage = build.get("damage")
    if damage == "truncate":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        data = bytearray(path.read_bytes())
        for i in range(200, len(data), 97):
            data[i] ^= 0xFF
        path.write_bytes(bytes(data))
    elif damage == "empty":
        path.write_bytes(b"")
    return path

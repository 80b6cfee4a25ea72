"""Reading local sources, and Google Forms cell conventions."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest
from factories import QUESTIONNAIRE
from openpyxl import Workbook

from impactsheets.answers import Selection, parse_cell, parse_date, parse_number
from impactsheets.errors import SourceError
from impactsheets.sources import read_table

HEADERS = ["Horodateur", "Nom du lieu", "Code postal"]


def test_csv_semicolon_with_bom_keeps_physical_rows(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    text = ("Horodateur;Nom du lieu;Code postal\r\n01/03/2026 10:00:00;Café « Le Zinc »;13001\r\n"
            ";;\r\n02/03/2026 11:00:00;Arsenal\r\n")
    path.write_bytes("\ufeff".encode() + text.encode("utf-8"))
    table = read_table(path)
    assert table.headers == HEADERS
    assert [(r.number, r.cells) for r in table.rows] == [
        (2, ["01/03/2026 10:00:00", "Café « Le Zinc »", "13001"]),
        (3, []),
        (4, ["02/03/2026 11:00:00", "Arsenal"]),
    ]


def test_csv_comma_and_latin1(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes('Horodateur,Nom du lieu\n01/03/2026 10:00:00,"Halles, Sète"\n'.encode("cp1252"))
    table = read_table(path)
    assert table.rows[0].cells == ["01/03/2026 10:00:00", "Halles, Sète"]


def test_xlsx_named_worksheet_and_typed_cells(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "Autre"
    sheet = book.create_sheet("Réponses")
    sheet.append(HEADERS)
    sheet.append([datetime(2026, 3, 1, 10, 0), "Arsenal", 25000])
    sheet.append([])
    sheet.append([datetime(2026, 3, 2, 10, 0), "Le 3ème Lieu"])
    path = tmp_path / "r.xlsx"
    book.save(path)
    table = read_table(path, "Réponses")
    assert table.headers == HEADERS
    assert [r.number for r in table.rows] == [2, 3, 4]
    assert table.rows[0].cells == [datetime(2026, 3, 1, 10, 0), "Arsenal", 25000]
    with pytest.raises(SourceError, match="no worksheet named 'Nope'"):
        read_table(path, "Nope")


def test_xlsx_cells_keep_their_types_and_places(tmp_path: Path) -> None:
    """Whole numbers read as int, a date alone as a datetime, blank text as empty; an empty
    column A and empty rows keep every cell at its sheet position."""
    book = Workbook()
    sheet = book.active
    sheet["B1"], sheet["C1"], sheet["D1"] = "Horodateur", "Nombre", "Note"
    values = [date(2026, 3, 2), 12.0, 2.5, True, "   ", 1e20, time(10, 30), -7]
    for column, value in enumerate(values, start=2):  # nothing at all in column A
        sheet.cell(row=2, column=column, value=value)
    sheet["B5"] = "après deux lignes vides"
    sheet["E7"] = "   "  # blank text only: the row reads as empty and, last, is dropped
    path = tmp_path / "r.xlsx"
    book.save(path)
    table = read_table(path)
    assert table.headers == ["", "Horodateur", "Nombre", "Note"]
    assert [(r.number, r.cells) for r in table.rows] == [
        (2, [None, datetime(2026, 3, 2), 12, 2.5, True, None, 1e20, time(10, 30), -7]),
        (3, []), (4, []), (5, [None, "après deux lignes vides"]),
    ]
    cells = table.rows[0].cells
    assert [type(c) for c in cells[1:5]] == [datetime, int, float, bool]
    assert type(cells[6]) is float and type(cells[8]) is int


@pytest.mark.parametrize("damage", ["truncated", "bit flips", "empty"])
def test_damaged_xlsx_is_one_clear_error(tmp_path: Path, damage: str) -> None:
    book = Workbook()
    book.active.append(HEADERS)
    for n in range(200):
        book.active.append([datetime(2026, 3, 1, 10, 0), f"Lieu {n}", 25000 + n])
    path = tmp_path / "r.xlsx"
    book.save(path)
    data = bytearray(path.read_bytes())
    if damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "bit flips":
        for i in range(200, len(data), 97):
            data[i] ^= 0xFF
    else:
        data = bytearray()
    path.write_bytes(bytes(data))
    with pytest.raises(SourceError) as info:
        read_table(path)
    assert str(info.value) == f"{path}: cannot read the workbook (not a valid .xlsx workbook)"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("r.xlsx", b"not a zip", "cannot read the workbook (not a valid .xlsx workbook)"),
    ("r.pdf", b"%PDF", "unsupported file type '.pdf'; expected .xlsx or .csv"),
    ("r.csv", b"\x00\x01\x02", "not a text CSV file (binary content)"),
])
def test_unreadable_files_raise_source_error(tmp_path: Path, name, content, message) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceError) as info:
        read_table(path)
    assert str(info.value) == f"{path}: {message}"


def test_multiple_choice_labels_with_commas_and_other_answers() -> None:
    q = QUESTIONNAIRE.question("services_besoins")
    cell = ("Cours du soir, aide aux devoirs, ateliers informatiques, Locaux d'activité, "
            "aide alimentaire, le soir")
    assert parse_cell(cell, q) == Selection(("cours_soir", "locaux"),
                                            ("aide alimentaire, le soir",))


def test_multiple_choice_is_tolerant_of_case_spaces_and_apostrophes() -> None:
    q = QUESTIONNAIRE.question("lien_social_occasions")
    assert parse_cell("lors d’évènements  grand public", q) == Selection(("evenements",))


def test_single_choice_other_answer() -> None:
    q = QUESTIONNAIRE.question("inclusion_observation")
    assert parse_cell("certaines personnes se sont fédérés", q) == Selection(
        (), ("certaines personnes se sont fédérés",))


@pytest.mark.parametrize(("cell", "expected"), [
    ("6", 6.0), ("6,5", 6.5), (" 1 234,5 ", 1234.5), ("1\u202f234", 1234.0), (7, 7.0),
    ("6 projets", None), ("??", None), ("non", None), ("", None),
])
def test_french_numbers(cell, expected) -> None:
    assert parse_number(cell) == expected


@pytest.mark.parametrize(("cell", "expected"), [
    ("05/03/2026 14:02:11", datetime(2026, 3, 5, 14, 2, 11)),
    ("05/03/2026", datetime(2026, 3, 5)),
    ("2026-03-05", datetime(2026, 3, 5)),
    (46086.5, datetime(2026, 3, 5, 12, 0)),
    ("32/13/2020", None),
])
def test_dates(cell, expected) -> None:
    assert parse_date(cell, "fr_FR") == expected

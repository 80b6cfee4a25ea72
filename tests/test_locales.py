"""Locales: timestamps, dates and numbers written as text in the spreadsheet's locale."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from impactsheets.cli import main
from impactsheets.config import SyncConfig
from impactsheets.emulator import Emulator
from impactsheets.errors import ConfigError, QuestionnaireError
from impactsheets.google.sheets import read_google_sheet
from impactsheets.locales import AMBIGUOUS, detect_locale, read_datetime, read_number
from impactsheets.questionnaire import load_questionnaire
from impactsheets.sources import read_table
from impactsheets.validation import validate

DEFINITION = """\
id: visites
{locale}
site: {{key: [lieu], name: lieu}}
timestamp: {{header: Horodateur, aliases: [Timestamp]}}
questions:
  - {{id: lieu, header: "Lieu", type: short_text, required: true}}
  - {{id: visite, header: "Date de la visite", type: date}}
  - {{id: budget, header: "Budget", type: decimal}}
"""


@pytest.mark.parametrize(("text", "locale", "expected"), [
    ("25/11/2026 14:03:00", "fr_FR", datetime(2026, 11, 25, 14, 3)),
    ("11/25/2026 2:03:00 PM", "en_US", datetime(2026, 11, 25, 14, 3)),
    ("11/25/2026 12:03:00 AM", "en_US", datetime(2026, 11, 25, 0, 3)),
    ("9/4/2019 10:15:00", "en_US", datetime(2019, 9, 4, 10, 15)),
    ("9/4/2019 10:15:00", "en_GB", datetime(2019, 4, 9, 10, 15)),
    ("25.11.2026 14:03:00", "de_DE", datetime(2026, 11, 25, 14, 3)),
    ("2026-11-25 14:03:00", None, datetime(2026, 11, 25, 14, 3)),
    ("2026-11-25T14:03:00Z", None, datetime(2026, 11, 25, 14, 3)),
    ("2022/06/22 11:07:29 AM AST", None, datetime(2022, 6, 22, 11, 7, 29)),
    ("2022/06/22 1:07:29 PM GMT+2", None, datetime(2022, 6, 22, 13, 7, 29)),
    ("13/04/2026 09:00:00", None, datetime(2026, 4, 13, 9, 0)),
    ("4/13/2026 9:00:00 AM", None, datetime(2026, 4, 13, 9, 0)),
    ("05/03/2026 10:00:00", None, AMBIGUOUS),
    ("31/02/2026", "fr_FR", None),
    ("13:00 hier", None, None),
    ("2026/11/25 13:03:00 PM", None, None),
])
def test_timestamps_in_each_locale(text: str, locale: str | None, expected: object) -> None:
    assert read_datetime(text, locale) == expected


@pytest.mark.parametrize(("text", "locale", "expected"), [
    ("1 234,5", "fr_FR", 1234.5), ("1\u202f234,5", None, 1234.5), ("12,5", None, 12.5),
    ("1,234.5", "en_US", 1234.5), ("1,234", "en_US", 1234.0), ("1,234", "fr_FR", 1.234),
    ("1.234,5", "de_DE", 1234.5), ("1.234", "de_DE", 1234.0), ("1.5", "fr_FR", 1.5),
    ("12.5", None, 12.5), ("1,2,3", None, None), ("douze", None, None),
])
def test_numbers_in_french_and_english(text: str, locale: str | None, expected: float | None) -> None:
    assert read_number(text, locale) == expected


def _sheet(tmp_path: Path, rows: list[list[str]], locale: str = "") -> tuple[Path, Path]:
    definition = tmp_path / "q.yaml"
    definition.write_text(DEFINITION.format(locale=locale), encoding="utf-8")
    sheet = tmp_path / "answers.csv"
    with sheet.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([["Timestamp", "Lieu", "Date de la visite", "Budget"], *rows])
    return definition, sheet


def _validate(definition: Path, sheet: Path) -> dict:
    result = CliRunner().invoke(main, ["validate", str(sheet), "--questionnaire", str(definition),
                                       "--json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_a_us_export_is_detected_and_the_latest_submission_wins(tmp_path: Path) -> None:
    # 9/4 is 4 September: the row written on 9/12 (12 September) is the latest, not 9/4's.
    definition, sheet = _sheet(tmp_path, [
        ["9/12/2019 8:00:00 AM", "La Halle", "9/1/2019", "1,250.50"],
        ["9/4/2019 3:30:00 PM", "La Halle", "9/1/2019", "900"],
        ["9/30/2019 9:00:00 AM", "Le Port", "", ""],
    ])
    report = _validate(definition, sheet)
    assert report["locale"] == "en_US"
    assert report["summary"]["errors"] == report["summary"]["warnings"] - 1 == 0
    assert [(r["row"], r["superseded_by"]) for r in report["responses"]] == [
        (2, None), (3, 2), (4, None)]
    table = read_table(sheet)
    answers = validate(table, load_questionnaire(definition)).responses[0].answers
    assert answers["visite"] == datetime(2019, 9, 1) and answers["budget"] == 1250.5


def test_an_ambiguous_timestamp_is_a_problem_never_a_guess(tmp_path: Path) -> None:
    definition, sheet = _sheet(tmp_path, [
        ["05/03/2026 10:00:00", "La Halle", "", ""],
        ["04/03/2026 10:00:00", "La Halle", "", ""],
    ])
    report = _validate(definition, sheet)
    assert report["locale"] is None
    problems = [(p["code"], p["cell"], p["severity"]) for p in report["problems"]]
    assert problems == [("invalid-timestamp", "A2", "warning"), ("duplicate-site", "B2", "warning"),
                        ("invalid-timestamp", "A3", "warning")]  # the later row is kept
    assert "« 05/03/2026 10:00:00 »" in report["problems"][0]["message"]
    # Declared in the questionnaire, the same sheet reads without a problem: 5 March is latest.
    definition, sheet = _sheet(tmp_path, [
        ["05/03/2026 10:00:00", "La Halle", "", ""],
        ["04/03/2026 10:00:00", "La Halle", "", ""],
    ], locale="locale: fr_FR")
    report = _validate(definition, sheet)
    assert [p["code"] for p in report["problems"]] == ["duplicate-site"]
    assert report["problems"][0]["row"] == 3


def test_contradictory_dates_are_not_guessed(tmp_path: Path) -> None:
    assert detect_locale(["25/03/2026 10:00", "03/25/2026 10:00", 46000.5]) is None
    definition, sheet = _sheet(tmp_path, [
        ["25/03/2026 10:00:00", "A", "", ""],
        ["03/25/2026 10:00:00", "B", "", ""],
        ["03/04/2026 10:00:00", "C", "", ""],
    ])
    report = _validate(definition, sheet)
    assert [(p["code"], p["row"]) for p in report["problems"]] == [("invalid-timestamp", 4)]


def test_the_locale_setting_is_checked(tmp_path: Path) -> None:
    definition, _ = _sheet(tmp_path, [], locale="locale: fr FR")
    with pytest.raises(QuestionnaireError, match="line 2: unknown locale 'fr FR'"):
        load_questionnaire(definition)
    with pytest.raises(ConfigError, match="unknown locale 'english'"):
        SyncConfig.from_dict({"source": "a.csv", "locale": "english"}, "sync.yaml")
    assert SyncConfig.from_dict({"source": "a.csv", "locale": "en_GB"}, "s").locale == "en_GB"


def test_a_google_sheet_says_its_own_locale(emulator_env: Emulator, tmp_path: Path) -> None:
    key = "1LocaleKey000000000000000000"
    emulator_env.load_values(key, {"Form Responses 1": [
        ["Timestamp", "Lieu"], ["3/4/2026 2:00:00 PM", "La Halle"], ["3/5/2026 9:00:00 AM", "La Halle"],
    ]})
    with emulator_env.store.lock:
        emulator_env.store.spreadsheets[key].properties["locale"] = "en_US"
    table = read_google_sheet(f"https://docs.google.com/spreadsheets/d/{key}/edit#gid=0")
    assert table.meta["locale"] == "en_US"
    definition, _ = _sheet(tmp_path, [])
    report = validate(table, load_questionnaire(definition))
    assert report.locale == "en_US"
    assert [(r.row, r.superseded_by) for r in report.responses] == [(2, 3), (3, None)]

"""'impactsheets questionnaire init': a draft definition from the response sheet alone."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from impactsheets.cli import main
from impactsheets.questionnaire import load_questionnaire

HEADER = ["Timestamp", "Email Address", "Name of your club", "Town", "Members",
          "Budget (EUR)", "How useful was the training?", "Which activities do you run?",
          "Was it your first year?", "Rate each room [Kitchen ]", "Rate each room [Garden]",
          "Anything else?"]
ROWS = [
    ["9/12/2019 8:00:00 AM", "a@club.org", "Les Canotiers", "Nantes", "12", "1,250.50", "6",
     "Rowing, Repairs, boats and oars", "Yes", "Good", "Very good", ""],
    ["9/13/2019 9:15:00 AM", "b@club.org", "Red Sails", "Brest", "40", "300", "7",
     "Rowing", "No", "Poor", "Good", "We would like more sessions in the evening, as most of our "
     "members work during the day and cannot come before six o'clock in the afternoon."],
    ["9/30/2019 2:03:00 PM", "c@club.org", "Blue Oars", "Lorient", "8", "75.5", "2",
     "Repairs, boats and oars, Sailing school", "Yes", "Good", "Poor", "Thanks."],
    ["10/1/2019 10:00:00 AM", "d@club.org", "Les Canotiers", "Nantes", "13", "1,300", "5",
     "Rowing, Sailing school, Beach cleaning day", "No", "Very good", "Good", ""],
]


def write_sheet(tmp_path: Path) -> Path:
    sheet = tmp_path / "club-survey.csv"
    with sheet.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([HEADER, *ROWS])
    return sheet


def test_init_guesses_every_column_and_validates_its_own_sheet(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path)
    draft = tmp_path / "q.yaml"
    result = CliRunner().invoke(main, ["questionnaire", "init", str(sheet), "--out", str(draft)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"wrote {draft}: 10 questions including 1 grid of 2 rows; "
                                    "check the '# guessed'")
    text = draft.read_text(encoding="utf-8")
    assert "locale: en_US  # guessed from the timestamps" in text
    q = load_questionnaire(draft)
    types = {qu.header: qu.type for qu in q.questions}
    assert types == {
        "Email Address": "email", "Name of your club": "short_text", "Town": "short_text",
        "Members": "integer", "Budget (EUR)": "decimal", "How useful was the training?": "scale",
        "Which activities do you run?": "multiple_choice", "Was it your first year?": "yes_no",
        "Rate each room [Kitchen]": "single_choice", "Rate each room [Garden]": "single_choice",
        "Anything else?": "long_text"}
    scale = next(qu for qu in q.questions if qu.type == "scale")
    assert (scale.min, scale.max) == (1, 7)
    activities = next(qu for qu in q.questions if qu.type == "multiple_choice")
    assert [c.label for c in activities.choices] == [
        "Rowing", "Repairs, boats and oars", "Sailing school"]
    assert activities.allow_other  # "Beach cleaning day", ticked once: a free 'other' answer
    kitchen, garden = (qu for qu in q.questions if qu.header.startswith("Rate each room"))
    assert kitchen.choices == garden.choices  # one option list shared by the grid's rows
    assert {c.label for c in kitchen.choices} == {"Good", "Very good", "Poor"}
    assert (q.site.key, q.site.name, q.site.town, q.site.email) == (
        ("name_of_your_club",), "name_of_your_club", "town", "email_address")
    for line in text.splitlines():
        if line.lstrip().startswith(("type:", "required:", "allow_other:")):
            assert "# guessed: " in line, line

    result = CliRunner().invoke(main, ["validate", str(sheet), "--questionnaire", str(draft),
                                       "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["summary"]["errors"] == 0
    assert [p["code"] for p in report["problems"]] == ["duplicate-site"]
    assert report["problems"][0]["row"] == 2  # 9/12 is older than 10/1: the later row wins


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path)
    draft = tmp_path / "q.yaml"
    draft.write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(main, ["questionnaire", "init", str(sheet), "--out", str(draft)])
    assert result.exit_code == 3
    assert result.stderr == (f"impactsheets: error: {draft}: already exists (use --force to "
                             "replace it)\n")
    assert draft.read_text(encoding="utf-8") == "mine"
    result = CliRunner().invoke(main, ["questionnaire", "init", str(sheet), "--out", str(draft),
                                       "--force"])
    assert result.exit_code == 0 and "questions:" in draft.read_text(encoding="utf-8")


def test_init_of_the_bundled_workbook_gives_no_error_on_its_clean_rows(tmp_path: Path) -> None:
    from impactsheets.resources import data_path

    workbook = data_path("examples", "reponses-effets-sociaux.xlsx")
    draft = tmp_path / "q.yaml"
    assert CliRunner().invoke(main, ["questionnaire", "init", str(workbook), "--out",
                                     str(draft)]).exit_code == 0
    result = CliRunner().invoke(main, ["validate", str(workbook), "--questionnaire", str(draft),
                                       "--json"])
    assert result.exit_code == 0, result.output
    q = load_questionnaire(draft)
    publics = next(qu for qu in q.questions if qu.header.startswith("Lien social : entre"))
    assert "Acteurs et actrices du quartier, associations ou entreprises locales" in {
        c.label for c in publics.choices}


def test_answers_differing_only_in_case_are_one_option(tmp_path: Path) -> None:
    # Seen in a real export (eye colours "Brown", "brown", "Brown "): one option, no error.
    sheet = tmp_path / "eyes.csv"
    rows = [["Timestamp", "Eye colour"]] + [
        [f"2017/08/0{i} 4:53:07 PM GMT+10", colour]
        for i, colour in enumerate(["Brown ", "brown", "Blue", "brown", "black", "Black"], 1)]
    with sheet.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    draft = tmp_path / "q.yaml"
    result = CliRunner().invoke(main, ["questionnaire", "init", str(sheet), "--out", str(draft)])
    assert result.exit_code == 0, result.output
    (eyes,) = load_questionnaire(draft).questions
    assert eyes.type == "single_choice"
    assert [c.label for c in eyes.choices] == ["brown", "black", "Blue"]  # most frequent spelling
    result = CliRunner().invoke(main, ["validate", str(sheet), "--questionnaire", str(draft),
                                       "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["summary"]["errors"] == 0


def test_a_checkbox_label_whose_parts_start_upper_case_stays_whole(tmp_path: Path) -> None:
    # Seen in a real export (Ask a Manager 2021, "Race"): the label "Hispanic, Latino, or Spanish
    # origin" is ticked alone or with others, its parts never apart; one option, not two.
    sheet = tmp_path / "race.csv"
    cells = ["White", "Hispanic, Latino, or Spanish origin, White", "Asian or Asian American",
             "Hispanic, Latino, or Spanish origin", "Asian or Asian American, White", "White",
             "Hispanic, Latino, or Spanish origin, Asian or Asian American, White"]
    with sheet.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([["Timestamp", "Race"]] + [
            [f"4/27/2021 11:0{i}:00", cell] for i, cell in enumerate(cells)])
    draft = tmp_path / "q.yaml"
    result = CliRunner().invoke(main, ["questionnaire", "init", str(sheet), "--out", str(draft)])
    assert result.exit_code == 0, result.output
    (race,) = load_questionnaire(draft).questions
    assert race.type == "multiple_choice"
    assert [c.label for c in race.choices] == [
        "White", "Hispanic, Latino, or Spanish origin", "Asian or Asian American"]
    result = CliRunner().invoke(main, ["validate", str(sheet), "--questionnaire", str(draft),
                                       "--json"])
    summary = json.loads(result.stdout)["summary"]
    assert result.exit_code == 0 and (summary["errors"], summary["warnings"]) == (0, 0)


def test_a_title_repeated_in_several_sections_gives_each_column_its_question(
        tmp_path: Path) -> None:
    # Google heads the columns of a question asked in two sections with one title (seen in a
    # real export): the second column is "occurrence: 2", and its answers reach the report.
    from test_report_generic import pdf_text

    sheet = tmp_path / "sections.csv"
    with sheet.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([
            ["Timestamp", "Which branch?", "Rate it [Road]", "Rate it [Rail]", "Any remarks?",
             "Rate it [Road]", "Rate it [Rail]", "Any remarks?"],
            ["4/27/2021 11:00:00", "Rain", "Good", "Poor", "Wet roads slow everyone", "", "", ""],
            ["4/27/2021 11:05:00", "Fog", "", "", "", "Poor", "Good", "Lights on, speed down"],
            ["4/27/2021 11:06:00", "Fog", "", "", "", "Good", "Good", "Nothing to add"]])
    draft, reports = tmp_path / "q.yaml", tmp_path / "out"
    result = CliRunner().invoke(main, ["questionnaire", "init", str(sheet), "--out", str(draft)])
    assert result.exit_code == 0, result.output
    remarks = [q for q in load_questionnaire(draft).questions if q.header == "Any remarks?"]
    assert [(q.id, q.occurrence) for q in remarks] == [("any_remarks", 1), ("any_remarks_2", 2)]
    result = CliRunner().invoke(main, ["validate", str(sheet), "--questionnaire", str(draft),
                                       "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["problems"] == []
    result = CliRunner().invoke(main, ["render", str(sheet), "--questionnaire", str(draft),
                                       "--out", str(reports)])
    assert result.exit_code == 0, result.output
    assert "Lights on, speed down" in pdf_text(reports / "reports" / "reponse-2.pdf")

    # A definition that names the title once reads its first column only, and says so.
    text = draft.read_text(encoding="utf-8")
    draft.write_text(text[:text.index("  - id: any_remarks_2")], encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(sheet), "--questionnaire", str(draft),
                                       "--json"])
    assert [(p["code"], p["cell"]) for p in json.loads(result.stdout)["problems"]] == [
        ("duplicate-column", "H1")]

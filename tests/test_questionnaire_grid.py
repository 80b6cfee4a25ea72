"""Grid questions (Google's multiple choice and checkbox grids): loaded from YAML, written by
'questionnaire init' and 'questionnaire import', checked cell by cell, prefilled row by row."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_questionnaire_init import write_sheet

from impactsheets.cli import main
from impactsheets.errors import QuestionnaireError
from impactsheets.questionnaire import load_questionnaire

FORMS = Path(__file__).parent / "data" / "forms"
DEFINITION = """\
id: pieces
form: {id: "1FAIpQLSe"}
site: {key: []}
questions:
  - id: pieces
    header: "Notez chaque pièce"
    label: "Chaque pièce"
    type: grid
    required: true
    choices: [{value: bien, label: "Bien"}, {value: mal, label: "Mal"}]
    rows:
      - {id: cuisine, label: "Cuisine", entry_id: 1234}
      - {label: "Jardin d'hiver", required: false, entry_id: 1235}
  - id: moments
    header: "Quand y allez-vous ?"
    type: checkbox_grid
    choices: [{value: matin, label: "Matin"}, {value: soir, label: "Soir"}]
    rows: [{id: semaine, label: "En semaine", entry_id: 77}, {id: week_end, label: "Le week-end"}]
  - id: avis
    header: "Votre avis"
    type: short_text
    asked_when: {question: pieces.cuisine, equals: bien}
"""


def definition(tmp_path: Path, text: str = DEFINITION) -> Path:
    path = tmp_path / "q.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_grid_is_one_question_per_row_sharing_its_columns(tmp_path: Path) -> None:
    q = load_questionnaire(definition(tmp_path))
    assert [(qu.id, qu.header, qu.type, qu.required, qu.entry_id) for qu in q.questions] == [
        ("pieces.cuisine", "Notez chaque pièce [Cuisine]", "single_choice", True, 1234),
        ("pieces.jardin_d_hiver", "Notez chaque pièce [Jardin d'hiver]", "single_choice",
         False, 1235),
        ("moments.semaine", "Quand y allez-vous ? [En semaine]", "multiple_choice", False, 77),
        ("moments.week_end", "Quand y allez-vous ? [Le week-end]", "multiple_choice", False,
         None),
        ("avis", "Votre avis", "short_text", False, None)]
    grid = q.grids["pieces"]
    assert (grid.type, grid.label, grid.rows) == ("grid", "Chaque pièce",
                                                  ("pieces.cuisine", "pieces.jardin_d_hiver"))
    assert [c.label for c in grid.choices] == ["Bien", "Mal"]
    assert q.question("pieces.cuisine").label == "Chaque pièce [Cuisine]"
    assert q.grids["moments"].type == "checkbox_grid"
    result = CliRunner().invoke(main, ["questionnaire", "check", str(definition(tmp_path))])
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(": OK (3 questions including 2 grids, 4 rows in all; pieces 1)\n")
    # a sheet of one grid's columns alone is not the response sheet: 1 question of 3 found
    sheet = tmp_path / "pieces.csv"
    sheet.write_text("Horodateur,Notez chaque pièce [Cuisine],Notez chaque pièce [Jardin d'hiver]\n"
                     "13/10/2026 10:00:00,Bien,Mal\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(sheet), "--questionnaire",
                                       str(definition(tmp_path))])
    assert (result.exit_code, result.stderr) == (3, (
        "impactsheets: error: pieces.csv: this does not look like the response sheet: 1 of 3 "
        "questions found\n"))


@pytest.mark.parametrize(("edit", "problem"), [
    (lambda t: t.replace("    rows: [{id: semaine", "    lines: [{id: semaine"),
     "line 18: unknown key 'lines' in grid 'moments'"),
    (lambda t: t.replace("      - {id: cuisine, label", "      - {id: cuisine, name"),
     "line 12: unknown key 'name' in a row of grid 'pieces'"),
    (lambda t: t.replace("id: week_end", "id: semaine"),
     "line 18: grid 'moments': duplicate row id 'semaine'"),
    (lambda t: t.replace("    choices: [{value: matin, label: \"Matin\"}, {value: soir, "
                         "label: \"Soir\"}]\n", ""),
     "line 14: grid 'moments': choices must be a non-empty list"),
    (lambda t: t.replace("    rows: [{id: semaine, label: \"En semaine\", entry_id: 77}, "
                         "{id: week_end, label: \"Le week-end\"}]\n", ""),
     "line 14: grid 'moments': a grid needs 'rows', a non-empty list"),
    (lambda t: t.replace("question: pieces.cuisine", "question: pieces"),
     "question 'avis': condition names unknown question 'pieces' (a grid: name one of its "
     "rows, such as 'pieces.cuisine')"),
])
def test_a_broken_grid_names_its_line(tmp_path: Path, edit, problem) -> None:
    path = definition(tmp_path, edit(DEFINITION))
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(path)
    assert problem in str(info.value)
    result = CliRunner().invoke(main, ["questionnaire", "check", str(path)])
    assert (result.exit_code, result.stderr) == (3, f"impactsheets: error: {info.value}\n")


def test_each_row_cell_is_checked_in_its_own_column(tmp_path: Path) -> None:
    sheet = tmp_path / "reponses.csv"
    with sheet.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([
            ["Horodateur", "Notez chaque pièce [Cuisine ]", "Notez chaque pièce [Jardin d'hiver]",
             "Quand y allez-vous ? [En semaine]", "Quand y allez-vous ? [Le week-end]",
             "Votre avis"],
            ["13/10/2026 10:00:00", "Bien", "Mal", "Matin, Soir", "", "Parfait"],
            ["14/10/2026 10:00:00", "", "Moyen", "Midi", "Soir", ""],
        ])
    result = CliRunner().invoke(main, ["validate", str(sheet), "--questionnaire",
                                       str(definition(tmp_path)), "--json"])
    assert result.exit_code == 1, result.output
    problems = [(p["code"], p["cell"], p["question"])
                for p in json.loads(result.stdout)["problems"]]
    assert problems == [("missing-answer", "B3", "pieces.cuisine"),
                        ("unknown-choice", "C3", "pieces.jardin_d_hiver"),
                        ("unknown-choice", "D3", "moments.semaine")]
    messages = [p["message"] for p in json.loads(result.stdout)["problems"]]
    assert messages[0] == "Réponse manquante : « Chaque pièce [Cuisine] » est obligatoire."


def test_init_makes_one_grid_of_the_row_columns(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path)  # "Rate each room [Kitchen ]", "Rate each room [Garden]"
    draft = tmp_path / "draft.yaml"
    result = CliRunner().invoke(main, ["questionnaire", "init", str(sheet), "--out", str(draft)])
    assert result.exit_code == 0, result.output
    text = draft.read_text(encoding="utf-8")
    assert ('  - id: rate_each_room\n    header: "Rate each room"\n    type: grid  # guessed: 2 '
            'columns «Rate each room [row]»: a multiple choice grid of 3 options seen\n') in text
    assert ('    rows:\n      - {id: kitchen, label: "Kitchen"}\n'
            '      - {id: garden, label: "Garden"}\n') in text
    grid = load_questionnaire(draft).grids["rate_each_room"]
    assert grid.rows == ("rate_each_room.kitchen", "rate_each_room.garden")
    assert {c.label for c in grid.choices} == {"Good", "Very good", "Poor"}


def test_import_keeps_the_grid_and_each_rows_entry_id(tmp_path: Path) -> None:
    raw = json.loads((FORMS / "community-garden-en.json").read_text(encoding="utf-8"))
    item = next(i for i in raw["items"] if "questionGroupItem" in i)
    out = tmp_path / "garden.yaml"
    result = CliRunner().invoke(main, ["questionnaire", "import",
                                       str(FORMS / "community-garden-en.json"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    q = load_questionnaire(out)
    (grid,) = q.grids.values()
    assert (grid.type, grid.label) == ("checkbox_grid", item["title"])
    rows = [q.question(r) for r in grid.rows]
    group = item["questionGroupItem"]
    assert [(r.row, r.entry_id) for r in rows] == [
        (g["rowQuestion"]["title"], int(g["questionId"], 16)) for g in group["questions"]]
    assert [c.label for c in grid.choices] == [o["value"] for o in
                                               group["grid"]["columns"]["options"]]


def test_a_prefilled_link_fills_each_row(tmp_path: Path) -> None:
    from impactsheets.notify.prefill import correction_link
    from impactsheets.questionnaire.model import Question
    from impactsheets.sources import read_table
    from impactsheets.validation import validate

    q = load_questionnaire(definition(tmp_path))
    sheet = tmp_path / "r.csv"
    sheet.write_text("Horodateur," + ",".join(f'"{qu.header}"' for qu in q.questions) +
                     "\n13/10/2026 10:00:00,Bien,,\"Matin, Soir\",,\n", encoding="utf-8")
    (response,) = validate(read_table(str(sheet)), q).responses
    link = correction_link(q, response)
    assert link is not None and link.prefilled
    assert link.url.endswith("viewform?usp=pp_url&entry.1234=Bien&entry.77=Matin&entry.77=Soir")
    assert isinstance(q.question("moments.semaine"), Question)


def test_a_report_shows_a_grid_as_a_small_table(tmp_path: Path) -> None:
    from test_report_generic import pdf_text

    text = DEFINITION.replace("id: pieces\n", "id: pieces\ntemplate: generic\n", 1)
    many = ", ".join(f'{{value: c{i}, label: "Col {i}"}}' for i in range(7))
    text += ("  - id: large\n    header: \"Large\"\n    type: checkbox_grid\n"
             f"    choices: [{many}]\n    rows: [{{label: \"Un\"}}, {{label: \"Deux\"}}]\n")
    q = load_questionnaire(definition(tmp_path, text))
    sheet = tmp_path / "r.csv"
    with sheet.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([
            ["Horodateur", *(qu.header for qu in q.questions)],
            ["13/10/2026 10:00:00", "Bien", "", "Matin, Soir", "Soir", "", "Col 1, Col 6", ""]])
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["render", str(sheet), "--questionnaire",
                                       str(tmp_path / "q.yaml"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = pdf_text(out / "reports" / "reponse-1.pdf").splitlines()
    start = lines.index("Chaque pièce")  # the grid's label, then each answered row and answer
    assert lines[start + 1:start + 3] == ["Cuisine", "Bien"]  # the unanswered row is left out
    start = lines.index("Quand y allez-vous ?")  # a checkbox grid: check marks under columns
    assert [line.strip() for line in lines[start + 1:start + 8]] == [
        "Matin", "Soir", "En semaine", "✓", "✓", "Le week-end", "✓"]
    start = lines.index("Large")  # too many columns for check marks: the chosen labels
    assert lines[start + 1:start + 3] == ["Un", "Col 1 et Col 6"]
    assert "Chaque pièce [Cuisine]" not in lines


def test_init_makes_a_grid_of_numbered_columns_with_every_step(tmp_path: Path) -> None:
    sheet = tmp_path / "notes.csv"
    with sheet.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([
            ["Horodateur", "Notez [Accueil ]", "Notez [Café]"],
            ["13/10/2026 10:00:00", "4", "2"], ["14/10/2026 10:00:00", "3", "3"],
            ["15/10/2026 10:00:00", "4", "1"]])
    draft = tmp_path / "q.yaml"
    assert CliRunner().invoke(main, ["questionnaire", "init", str(sheet), "--out",
                                     str(draft)]).exit_code == 0
    grid = load_questionnaire(draft).grids["notez"]
    assert grid.type == "grid" and [c.label for c in grid.choices] == ["1", "2", "3", "4", "5"]
    result = CliRunner().invoke(main, ["validate", str(sheet), "--questionnaire", str(draft),
                                       "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["problems"] == []


def test_a_grid_google_repeats_in_a_later_section_is_a_second_grid(tmp_path: Path) -> None:
    from test_report_generic import pdf_text

    sheet = tmp_path / "deux.csv"
    with sheet.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([
            ["Horodateur", "Section ?", "Notez [Accueil]", "Notez [Café ]", "Notez [Accueil]",
             "Notez [Café]"],
            ["13/10/2026 10:00:00", "Une", "Bien", "Mal", "", ""],
            ["14/10/2026 10:00:00", "Deux", "", "", "Mal", "Très bien"],
            ["15/10/2026 10:00:00", "Une", "Très bien", "Bien", "", ""]])
    draft = tmp_path / "q.yaml"
    assert CliRunner().invoke(main, ["questionnaire", "init", str(sheet), "--out",
                                     str(draft)]).exit_code == 0
    q = load_questionnaire(draft)
    first, second = q.grids.values()
    assert [q.question(r).occurrence for r in (*first.rows, *second.rows)] == [1, 1, 2, 2]
    result = CliRunner().invoke(main, ["validate", str(sheet), "--questionnaire", str(draft),
                                       "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["problems"] == []
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["render", str(sheet), "--questionnaire", str(draft),
                                     "--out", str(out)]).exit_code == 0
    lines = pdf_text(out / "reports" / "reponse-2.pdf").splitlines()
    start = lines.index("Notez")  # the later section's answers reach the report
    assert lines[start + 1:start + 5] == ["Accueil", "Mal", "Café", "Très bien"]


def test_long_column_labels_are_never_cut_inside_a_word(tmp_path: Path) -> None:
    from test_report_generic import pdf_text

    labels = ["Tôt le matin avant le travail", "Midi", "Après-midi en semaine", "Soirée",
              "Samedi", "Dimanche et jours fériés"]
    choices = ", ".join(f'{{value: c{i}, label: "{c}"}}' for i, c in enumerate(labels))
    path = definition(tmp_path, (
        "id: usages\ntemplate: generic\nsite: {key: []}\nquestions:\n"
        "  - id: usages\n    header: \"Quand venez-vous ?\"\n    type: checkbox_grid\n"
        f"    choices: [{choices}]\n    rows:\n"
        "      - {label: \"L'atelier de réparation de vélos et la bricothèque partagée\"}\n"
        "      - {label: \"Café\"}\n"))
    sheet = tmp_path / "r.csv"
    with sheet.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([
            ["Horodateur", *(qu.header for qu in load_questionnaire(path).questions)],
            ["13/10/2026 10:00:00", "Midi, Dimanche et jours fériés", "Soirée"]])
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["render", str(sheet), "--questionnaire", str(path),
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    words = pdf_text(out / "reports" / "reponse-1.pdf").split()
    assert {"Dimanche", "Après-midi", "semaine", "travail", "bricothèque"} <= set(words)
    assert words.count("✓") == 3

"""The shared sheet belongs to the network (issue 11): each case on the emulator and on xlsx.

Invariants checked in every scenario that writes: answers identical cell for cell in every
column not marked ours (whatever its title), coordinators' colours and notes identical, every
mark of ours on its problem's cell. Scenarios that must stop check that nothing was written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import pdf_text
from corpus_build import QUESTIONNAIRE
from figures_log import record
from ownership import (
    ANSWERS,
    BACKENDS,
    Case,
    Grid,
    answer_row,
    column,
    header,
    unchanged_outside_ours,
)

from impactsheets.feedback import NOTE_MARK
from impactsheets.resources import data_path
from impactsheets.sources import column_letter

EXIT_STOP = {"xlsx": 3, "emulator": 5}


@pytest.fixture(params=BACKENDS)
def case(request: pytest.FixtureRequest, tmp_path: Path) -> Case:
    return Case(request.param, tmp_path, request)


def marks(grid: Grid) -> set[tuple[int, int]]:
    """Cells outside our columns that carry our note."""
    ours = set(grid.ours.values())
    return {ref for ref, (_, _, note) in grid.cells.items()
            if ref[1] not in ours and note and NOTE_MARK in note}


def check_written(case: Case, before: Grid, expected_marks: set[tuple[int, int]],
                  scenario: str) -> Grid:
    after = case.grid()
    changed = unchanged_outside_ours(before, after)
    record("ownership", scenario=scenario, backend=case.backend, changed=len(changed),
           misplaced=len(marks(after) ^ expected_marks))
    assert changed == [], changed
    assert marks(after) == expected_marks
    assert set(after.ours) >= {"status", "problems"}
    return after


def nothing_written(case: Case, outcome) -> None:
    assert outcome.posts == []  # no write request at all on Google
    assert not (outcome.out / "responses-annotated.xlsx").exists()
    assert not (outcome.out / "reports").exists() or not any((outcome.out / "reports").iterdir())


# --- 3. Recognise the response sheet before acting ------------------------------------------


def test_banner_row_above_the_header(case: Case) -> None:
    rows = [["Enquête effets sociaux 2026 — ne pas modifier"], header(),
            answer_row(), answer_row(site_nom="Arsenal", contact_email="pas-un-mail")]
    case.load({ANSWERS: rows})
    before = case.grid()
    outcome = case.sync()
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.summary["responses"] == 2 and outcome.summary["rendered"] == 2
    after = check_written(case, before, {(4, column("contact_email"))}, "banner-row")
    assert after.value(3, after.ours["status"]) == "OK"
    assert after.value(4, after.ours["status"]) == "1 erreur"
    assert after.value(2, after.ours["status"]) == "Statut"  # titles on the header row


def test_header_row_setting(case: Case) -> None:
    rows = [["Réseau Sud"], ["Campagne 2026"], header(), answer_row()]
    case.load({ANSWERS: rows})
    before = case.grid()
    outcome = case.sync(header_row=3)
    assert outcome.exit_code == 0, outcome.stderr
    check_written(case, before, set(), "header-row-setting")
    wrong = case.sync(header_row=1)
    assert wrong.exit_code == EXIT_STOP[case.backend]
    assert "this does not look like the response sheet: 0 of 48 questions found" in wrong.stderr


def test_another_tab_is_refused_and_the_answers_tab_named(case: Case) -> None:
    analysis = [["Commune", "Nombre de lieux"], ["Lyon", 3], ["Nantes", 2]]
    case.load({ANSWERS: [header(), answer_row()], "Analyse": analysis})
    outcome = case.sync(tab="Analyse")
    assert outcome.exit_code == EXIT_STOP[case.backend], outcome.stderr
    assert outcome.stderr.count("\n") == 1 and outcome.stderr.startswith("impactsheets: error: ")
    assert "this does not look like the response sheet: 1 of 48 questions found" in outcome.stderr
    assert f"more in '{ANSWERS}' (48 of 48)" in outcome.stderr
    nothing_written(case, outcome)
    record("ownership", scenario="wrong-tab", backend=case.backend, changed=0, misplaced=0)


def test_the_wrong_file(case: Case) -> None:
    budget = [["Poste", "Montant"], ["Loyer", 1200], ["Électricité", 300]]
    case.load({"Budget": budget})
    outcome = case.sync()
    assert outcome.exit_code == EXIT_STOP[case.backend]
    assert "this does not look like the response sheet: 0 of 48 questions found" in outcome.stderr
    nothing_written(case, outcome)


def test_our_own_problems_tab_is_never_a_source(case: Case) -> None:
    case.load({ANSWERS: [header(), answer_row(contact_email="x")]})
    first = case.sync()
    assert first.exit_code == 0, first.stderr
    if case.emu is None:  # a local source: the annotated copy becomes the source
        case.book.write_bytes((first.out / "responses-annotated.xlsx").read_bytes())
        (first.out / "responses-annotated.xlsx").unlink()
    problems_tab = next(t for t in case.tabs() if t != ANSWERS)
    outcome = case.sync(tab=problems_tab)
    assert outcome.exit_code == EXIT_STOP[case.backend], outcome.stderr
    assert ("this does not look like the response sheet: it is impactsheets' own problems tab; "
            f"more in '{ANSWERS}' (48 of 48)") in outcome.stderr
    assert outcome.posts == []


def test_site_identity_missing_stops(case: Case) -> None:
    names = header()
    drop = names.index(QUESTIONNAIRE.question("site_nom").header)
    rows = [[v for i, v in enumerate(r) if i != drop] for r in (names, answer_row())]
    case.load({ANSWERS: rows})
    outcome = case.sync()
    assert outcome.exit_code == EXIT_STOP[case.backend]
    assert "47 of 48 questions found, but not the site's identity ('Nom du lieu')" in outcome.stderr
    nothing_written(case, outcome)


def test_missing_required_column_makes_every_row_an_error(case: Case) -> None:
    names = header()
    drop = names.index(QUESTIONNAIRE.question("contact_email").header)
    rows = [[v for i, v in enumerate(r) if i != drop]
            for r in (names, answer_row(), answer_row(site_nom="Arsenal"))]
    case.load({ANSWERS: rows})
    before = case.grid()
    outcome = case.sync()
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.summary["valid"] == 0 and outcome.summary["with_problems"] == 2
    after = check_written(case, before, set(), "missing-required-column")
    for row in (2, 3):
        assert after.value(row, after.ours["status"]) == (
            "colonne manquante : Adresse e-mail")
    for pdf in (outcome.out / "reports").glob("*.pdf"):
        assert "Rapport provisoire" in pdf_text(pdf.read_bytes())


# --- 1. Our columns: a mark, never a title --------------------------------------------------


def _questionnaire_with_statut(tmp_path: Path) -> Path:
    text = data_path("config", "questionnaire.yaml").read_text(encoding="utf-8")
    text += ('  - id: structure_statut\n    header: "Statut"\n    label: "Statut juridique"\n'
             '    type: short_text\n')
    path = tmp_path / "questionnaire.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_question_titled_like_our_column_is_a_config_error(case: Case, tmp_path: Path) -> None:
    case.load({ANSWERS: [[*header(), "Statut"], [*answer_row(), "Association"]]})
    outcome = case.sync(questionnaire=str(_questionnaire_with_statut(tmp_path)))
    assert outcome.exit_code == 4
    assert ("feedback.columns.status 'Statut' is the title of question 'structure_statut' "
            "('Statut')") in outcome.stderr
    nothing_written(case, outcome)


def test_a_question_titled_statut_keeps_its_answers(case: Case, tmp_path: Path) -> None:
    rows = [[*header(), "Statut"], [*answer_row(), "Association"],
            [*answer_row(site_nom="Arsenal"), "SCIC"]]
    case.load({ANSWERS: rows})
    before = case.grid()
    outcome = case.sync(questionnaire=str(_questionnaire_with_statut(tmp_path)),
                        feedback={"columns": {"status": "État de la ligne"}})
    assert outcome.exit_code == 0, outcome.stderr
    after = check_written(case, before, set(), "question-titled-statut")
    assert [after.value(r, len(rows[0])) for r in (2, 3)] == ["Association", "SCIC"]
    assert after.column_titled("status") == "État de la ligne"
    assert after.column_titled("problems") == "Problèmes"


def test_a_coordinators_problemes_column_is_theirs(case: Case) -> None:
    rows = [[*header(), "Problèmes"], [*answer_row(), "rappeler en mars"],
            [*answer_row(site_nom="Arsenal", contact_email="@"), "dossier complet"]]
    case.load({ANSWERS: rows})
    before = case.grid()
    first = case.sync()
    assert first.exit_code == 0, first.stderr
    extra = (1, len(rows[0]))  # their column is not a question: an information on its title
    after = check_written(case, before, {(3, column("contact_email")), extra},
                          "coordinator-column")
    assert after.ours["problems"] != len(rows[0])
    email = f"{column_letter(column('contact_email') - 1)}3"
    assert after.value(3, after.ours["problems"]).startswith(f"{email} : ")
    assert case.sync().exit_code == 0  # a second run finds the same columns by their mark
    again = case.grid()
    assert again.ours == after.ours and again.cells == after.cells

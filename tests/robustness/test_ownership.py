"""The shared sheet belongs to the network (issue 11): each case on the emulator and on xlsx.

Invariants checked in every scenario that writes: answers identical cell for cell in every
column not marked ours (whatever its title), coordinators' colours and notes identical, every
mark of ours on its problem's cell. Scenarios that must stop check that nothing was written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import pdf_text
from corpus_build import QUESTIONNAIRE
from figures_log import record
from openpyxl import load_workbook
from ownership import (
    ANSWERS,
    BACKENDS,
    KEY,
    Case,
    Decor,
    Grid,
    answer_row,
    column,
    header,
    unchanged_outside_ours,
)

import impactsheets.sync as sync_module
from impactsheets.feedback import COLOURS, NOTE_MARK, problems_title
from impactsheets.feedback.workbook import sheet_title
from impactsheets.google.grid import api_colour
from impactsheets.resources import data_path
from impactsheets.sources import column_letter
from impactsheets.state import StateStore

EXIT_STOP = {"xlsx": 3, "emulator": 5}


@pytest.fixture(params=BACKENDS)
def case(request: pytest.FixtureRequest, tmp_path: Path) -> Case:
    return Case(request.param, tmp_path, request)


@pytest.fixture(autouse=True)
def _counted(request: pytest.FixtureRequest) -> None:
    """Each scenario is counted by the figures command, with its backend."""
    backend = request.node.callspec.params.get("case", "emulator") \
        if hasattr(request.node, "callspec") else "emulator"
    record("ownership", scenario=request.node.originalname, backend=backend)


@pytest.fixture
def emulator_case(request: pytest.FixtureRequest, tmp_path: Path) -> Case:
    """Cases that only a shared, edited-in-place sheet has (a local copy is made anew)."""
    return Case("emulator", tmp_path, request)


def marks(grid: Grid) -> set[tuple[int, int]]:
    """Cells outside our columns that carry our note."""
    ours = set(grid.ours.values())
    return {ref for ref, (_, _, note) in grid.cells.items()
            if ref[1] not in ours and note and NOTE_MARK in note}


def check_written(case: Case, before: Grid, expected_marks: set[tuple[int, int]],
                  scenario: str) -> Grid:
    after = case.grid()
    changed = unchanged_outside_ours(before, after)
    record("ownership_check", scenario=scenario, backend=case.backend, changed=len(changed),
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
    before = case.source_grid()
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
    before = case.source_grid()
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
    before = case.source_grid()
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
    before = case.source_grid()
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
    before = case.source_grid()
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


# --- 4. Identity that survives edits ---------------------------------------------------------


def _drive(case: Case) -> dict[str, Any]:
    """Drive delivery on the emulator (a folder of a Shared drive); none for a local file."""
    if case.emu is None:
        return {}
    return {"drive": {"folder_id": case.emu.create_folder("Rapports", drive_id="0ASharedDrive")}}


def test_a_site_gone_from_the_sheet_is_retired(case: Case) -> None:
    arsenal, friche = answer_row(site_nom="Arsenal"), answer_row()
    case.load({ANSWERS: [header(), arsenal, friche]})
    drive = _drive(case)
    first = case.sync(**drive)
    assert first.exit_code == 0, first.stderr
    files = {f["name"]: f["id"] for f in case.drive_files(drive)}
    case.load({ANSWERS: [header(), friche]})  # Arsenal's row deleted
    before = case.source_grid()
    second = case.sync(**drive)
    assert second.exit_code == 0, second.stderr
    assert second.summary["retired"] == 1 and second.summary["rendered"] == 0
    out = second.out
    assert sorted(p.name for p in (out / "reports").glob("*.pdf")) == [
        "la-friche-des-possibles.pdf"]
    assert [p.name for p in (out / "archive").glob("*.pdf")] == ["arsenal.pdf"]
    assert "Arsenal" not in (out / "index.csv").read_text(encoding="utf-8-sig")
    store = StateStore(out / "state.sqlite", read_only=True)
    assert [s.pdf for s in store.retired().values()] == ["archive/arsenal.pdf"]
    store.close()
    check_written(case, before, set(), "site-retired")
    if case.emu is not None:  # its Drive file is in the archive subfolder, never reused
        assert {f["name"] for f in case.drive_files(drive)} == {"la-friche-des-possibles.pdf",
                                                                 "archive"}
        archive = next(f["id"] for f in case.drive_files(drive) if f["name"] == "archive")
        assert [f["id"] for f in case.emu.drive_files(archive)] == [files["arsenal.pdf"]]
    # Arsenal answers again: a new report and a new Drive file, the archived one untouched.
    case.load({ANSWERS: [header(), friche, arsenal]})
    third = case.sync(**drive)
    assert third.exit_code == 0 and third.summary["rendered"] == 1
    assert (out / "reports" / "arsenal.pdf").exists() and (out / "archive" / "arsenal.pdf").exists()
    if case.emu is not None:
        now = {f["name"]: f["id"] for f in case.drive_files(drive)}
        assert now["arsenal.pdf"] != files["arsenal.pdf"]


def test_rows_sorted_keep_each_sites_report(case: Case) -> None:
    arsenal, friche = answer_row(site_nom="Arsenal"), answer_row()
    case.load({ANSWERS: [header(), arsenal, friche]})
    drive = _drive(case)
    first = case.sync(**drive)
    assert first.exit_code == 0, first.stderr
    files = {f["name"]: f["id"] for f in case.drive_files(drive)}
    case.load({ANSWERS: [header(), friche, arsenal]})  # sorted by a coordinator
    second = case.sync(**drive)
    assert second.exit_code == 0, second.stderr
    assert (second.summary["rendered"], second.summary["retired"]) == (0, 0)
    if case.emu is not None:
        assert {f["name"]: f["id"] for f in case.drive_files(drive)} == files
        grid = case.grid()
        name_col = column("site_nom")
        for row in (2, 3):
            slug = "arsenal.pdf" if grid.value(row, name_col) == "Arsenal" else \
                "la-friche-des-possibles.pdf"
            assert files[slug] in grid.value(row, grid.ours["report"])


def test_two_forms_two_problems_tabs(case: Case) -> None:
    second_form = [header(), answer_row(site_nom="Docks", contact_email="docks@")]
    case.load({ANSWERS: [header(), answer_row(contact_email="x")], "Réponses 2": second_form})
    assert case.sync().exit_code == 0
    assert case.sync(tab="Réponses 2", output_name="out2").exit_code == 0
    titles = case.tabs()
    if case.emu is not None:  # both tabs annotated in place, each with its own problems tab
        assert "Problèmes — Réponses au formulaire 1" in titles
        assert "Problèmes — Réponses 2" in titles
    else:  # each local run writes its own annotated copy, with its own problems tab
        for out, tab in (("out", ANSWERS), ("out2", "Réponses 2")):
            book = load_workbook(case.tmp / out / "responses-annotated.xlsx")
            assert sheet_title(problems_title(tab)) in book.sheetnames


# --- 2. Colours and notes: remove only what we wrote ----------------------------------------

RED, YELLOW = COLOURS["error"], "FFFF00"


def test_coordinators_highlights_in_our_colours_stay(case: Case) -> None:
    email = column("contact_email")
    decor = [Decor(1, 2, fill=RED), Decor(2, 3, fill=COLOURS["warning"], note="à vérifier"),
             Decor(3, email, fill=YELLOW, note="rappeler")]
    case.load({ANSWERS: [header(), answer_row(), answer_row(site_nom="Arsenal",
                                                            contact_email="@")]}, decor)
    before = case.source_grid()
    for _ in range(2):  # twice: a second run must not take their highlights for ours
        assert case.sync().exit_code == 0
        after = check_written(case, before, {(3, email)}, "coordinator-colours")
        assert after.cells[(1, 2)][1] == RED and after.cells[(2, 3)][1:] == (
            COLOURS["warning"], "à vérifier")
        _, fill, note = after.cells[(3, email)]
        assert fill == YELLOW and note.startswith("rappeler\n\n" + NOTE_MARK)


def _edit(case: Case, row: int, col: int, fill: str | None = None, note: str | None = None) -> None:
    """A coordinator's edit on the Google Sheet (emulator), between two runs."""
    assert case.emu is not None
    with case.emu.store.lock:
        sheet = case.emu.store.spreadsheets[KEY].sheet_by_title(ANSWERS)
        assert sheet is not None
        cell = sheet.cells.setdefault((row - 1, col - 1), {})
        if fill is not None:
            cell.setdefault("userEnteredFormat", {})["backgroundColor"] = api_colour(fill)
        if note is not None:
            cell["note"] = note


def test_a_changed_colour_and_a_reply_in_our_note_are_kept(emulator_case: Case) -> None:
    case, email, postal = emulator_case, column("contact_email"), column("site_code_postal")
    case.load({ANSWERS: [header(), answer_row(contact_email="@", site_code_postal="7")]})
    assert case.sync().exit_code == 0
    ours = case.grid().cells[(2, email)][2]
    _edit(case, 2, email, fill=YELLOW)  # their colour over our mark
    _edit(case, 2, postal, note=case.grid().cells[(2, postal)][2] + "\nRappelé le 3/12")
    assert case.sync().exit_code == 0  # problems still there: their changes untouched
    grid = case.grid()
    assert grid.cells[(2, email)][1:] == (YELLOW, ours)
    assert "Rappelé le 3/12" in grid.cells[(2, postal)][2] and NOTE_MARK in grid.cells[(2, postal)][2]
    fixed = answer_row()  # both answers corrected: our parts go, theirs stay
    case.emu.store.spreadsheets[KEY].sheet_by_title(ANSWERS).cells[(1, email - 1)][
        "userEnteredValue"] = {"stringValue": fixed[email - 1]}
    case.emu.store.spreadsheets[KEY].sheet_by_title(ANSWERS).cells[(1, postal - 1)][
        "userEnteredValue"] = {"stringValue": fixed[postal - 1]}
    assert case.sync().exit_code == 0
    grid = case.grid()
    assert grid.cells[(2, email)][1:] == (YELLOW, None)
    assert grid.cells[(2, postal)][1:] == (None, "Rappelé le 3/12")


def test_marks_misplaced_by_a_sort_are_repaired(emulator_case: Case) -> None:
    case, email = emulator_case, column("contact_email")
    rows = [header(), answer_row(site_nom="Arsenal", contact_email="@"), answer_row()]
    case.load({ANSWERS: rows})
    assert case.sync().exit_code == 0
    with case.emu.store.lock:  # sorted during the race window: the answers swapped rows,
        cells = case.emu.store.spreadsheets[KEY].sheet_by_title(ANSWERS).cells  # not our marks
        for c in range(len(header())):
            first, second = cells.pop((1, c), {}), cells.pop((2, c), {})
            for r, cell in ((1, second), (2, first)):
                if "userEnteredValue" in cell:
                    cells[(r, c)] = {"userEnteredValue": cell["userEnteredValue"]}
        cells[(1, email - 1)].update(note=NOTE_MARK + "L’adresse n’est pas valide.",
                                     userEnteredFormat={"backgroundColor": api_colour(RED)})
    assert case.sync().exit_code == 0
    grid = case.grid()
    assert marks(grid) == {(3, email)}  # on Arsenal's row again, nothing left on row 2
    assert grid.cells[(2, email)][1] is None
    assert grid.value(3, grid.ours["status"]) == "1 erreur" and grid.value(2, grid.ours["status"]) == "OK"


# --- 5. The race window -----------------------------------------------------------------------


def test_a_worksheet_renamed_during_the_run_skips_the_write_back(
        emulator_case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    case = emulator_case
    case.load({ANSWERS: [header(), answer_row(contact_email="@")]})
    render = sync_module._render_and_deliver

    def renamed_meanwhile(*args: Any, **kwargs: Any) -> Any:
        with case.emu.store.lock:  # a coordinator renames the tab while reports render
            case.emu.store.spreadsheets[KEY].sheet_by_title(ANSWERS).props["title"] = "Archive"
        return render(*args, **kwargs)

    monkeypatch.setattr(sync_module, "_render_and_deliver", renamed_meanwhile)
    outcome = case.sync()
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.summary["write_back"] == (
        f"skipped: worksheet '{ANSWERS}' was renamed or deleted during the sync; nothing was "
        "written; the next run will retry")
    assert "\n" not in outcome.summary["write_back"]  # one line, in summary.json too
    assert outcome.posts == []
    assert (outcome.out / "index.csv").exists() and (outcome.out / "summary.json").exists()
    assert outcome.summary["rendered"] == 1


def test_a_row_inserted_after_the_recheck_is_repaired_by_the_next_run(
        emulator_case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    """The race the re-check cannot close: a row inserted between the re-check read and the
    write puts the marks one row off; the next run moves them back to their rows."""
    from impactsheets.emulator.batch import batch_update
    from impactsheets.google import sheets as google_sheets

    case, email = emulator_case, column("contact_email")
    case.load({ANSWERS: [header(), answer_row(site_nom="Arsenal", contact_email="@"),
                         answer_row(site_nom="Docks")]})
    send, sent = google_sheets.send_body, []

    def inserted_meanwhile(*args: Any, **kwargs: Any) -> Any:
        if not sent:  # before the answers' write (the problems tab comes after it)
            with case.emu.store.lock:  # a coordinator inserts a row above Arsenal's, just now
                batch_update(case.emu.store, KEY, {"requests": [{"insertDimension": {"range": {
                    "sheetId": case.gid(ANSWERS), "dimension": "ROWS", "startIndex": 1,
                    "endIndex": 2}}}]})
        sent.append(args)
        return send(*args, **kwargs)

    monkeypatch.setattr(google_sheets, "send_body", inserted_meanwhile)
    assert case.sync().exit_code == 0
    grid = case.grid()
    assert marks(grid) == {(2, email)}  # misplaced: on the new empty row, Arsenal is row 3
    assert grid.value(2, grid.ours["status"]) == "1 erreur"
    monkeypatch.setattr(google_sheets, "send_body", send)
    outcome = case.sync()
    assert outcome.exit_code == 0, outcome.stderr
    grid = case.grid()
    assert marks(grid) == {(3, email)}  # back on Arsenal's row
    assert grid.cells.get((2, email), (None, None, None))[1:] == (None, None)
    assert [grid.value(r, grid.ours["status"]) for r in (3, 4)] == ["1 erreur", "OK"]

"""`impactsheets questionnaire import`: a Google Form's forms.get answer (a saved .json, or read
over the emulator through the real google-auth/HTTP path) to a questionnaire definition."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_report_generic import pdf_text

from impactsheets.cli import main
from impactsheets.emulator import Emulator
from impactsheets.questionnaire import load_questionnaire
from impactsheets.resources import data_path

FORMS = Path(__file__).parent / "data" / "forms"
FIXTURES = sorted(FORMS.glob("*.json"))
WORKBOOK = data_path("examples", "reponses-effets-sociaux.xlsx")


def form(name: str) -> dict[str, Any]:
    return json.loads((FORMS / name).read_text(encoding="utf-8"))


def imported(tmp_path: Path, source: str) -> Path:
    out = tmp_path / "q.yaml"
    result = CliRunner().invoke(main, ["questionnaire", "import", source, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_every_fixture_imports_to_a_definition_that_loads(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "q.yaml"
    result = CliRunner().invoke(main, ["questionnaire", "import", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    q = load_questionnaire(out)
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert result.stderr == (f"wrote {out}: {q.counted()}; give each a short "
                             f"label, then 'impactsheets validate SHEET --questionnaire {out}'\n")
    assert q.form is not None and (q.form.id, q.form.url) == (raw["formId"], raw["responderUri"])
    headers = {i["title"] for i in raw["items"] if "questionItem" in i}
    headers |= {f"{i['title']} [{r['rowQuestion']['title']}]" for i in raw["items"]
                if "questionGroupItem" in i for r in i["questionGroupItem"]["questions"]}
    asked = {qu.header for qu in q.questions if qu.type != "email"}
    assert asked == headers
    by_header = {(qu.header, qu.occurrence): qu for qu in q.questions}
    seen: Counter[str] = Counter()  # a title the form repeats: its Nth column, in form order
    for item in raw["items"]:
        if "questionItem" in item:
            question = item["questionItem"]["question"]
            seen[item["title"]] += 1
            mine = by_header[item["title"], seen[item["title"]]]
            assert mine.entry_id == int(question["questionId"], 16)
            assert mine.required == bool(question.get("required"))
            assert mine.description == item.get("description", "")
            options = (question.get("choiceQuestion") or {}).get("options", [])
            assert [c.label for c in mine.choices] == [o["value"] for o in options
                                                       if not o.get("isOther")]
            assert mine.allow_other == any(o.get("isOther") for o in options)
    sections = [i["title"] for i in raw["items"] if "pageBreakItem" in i]
    assert [p.title for p in q.parts] == sections


def test_scale_end_labels_are_data_shown_beside_the_dots(tmp_path: Path) -> None:
    out = imported(tmp_path, str(FORMS / "community-garden-en.json"))
    assert '    labels: {low: "Not at all likely", high: "Extremely likely"}' in out.read_text(
        encoding="utf-8")
    q = load_questionnaire(out)
    scale = next(qu for qu in q.questions if qu.type == "scale")
    assert (scale.low_label, scale.high_label) == ("Not at all likely", "Extremely likely")
    sheet = tmp_path / "garden.csv"
    answers = {"Did you visit the garden this season?": "Yes", scale.header: "8"}
    with sheet.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["Timestamp", *(qu.header for qu in q.questions)],
                                 ["9/14/2026 10:00:00", *(answers.get(qu.header, "")
                                                          for qu in q.questions)]])
    result = CliRunner().invoke(main, ["render", str(sheet), "--questionnaire", str(out),
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    (pdf,) = (tmp_path / "out" / "reports").glob("*.pdf")
    text = pdf_text(pdf)
    assert "Not at all likely •••••••••·· Extremely likely (8 sur 10)" in text


def test_kinds_bounds_grids_and_navigation(tmp_path: Path) -> None:
    garden = load_questionnaire(imported(tmp_path, str(FORMS / "community-garden-en.json")))
    by_header = {q.header: q for q in garden.questions}
    visit = by_header["Did you visit the garden this season?"]
    assert visit.type == "single_choice"
    entrance = by_header["Which entrance did you use?"]  # a drop-down
    assert entrance.type == "single_choice"
    assert by_header["What did you do at the south gate area?"].type == "multiple_choice"
    scale = by_header["How likely are you to recommend the garden to a friend?"]
    assert (scale.type, scale.min, scale.max) == ("scale", 0, 10)
    assert by_header["Anything else you want to tell the garden team?"].type == "long_text"
    assert by_header["How long did you stay?"].type == "short_text"  # a duration
    rows = [q for q in garden.questions if q.header.startswith("Which facilities")]
    assert [q.header for q in rows] == ["Which facilities did you use, and when? [Tool shed]",
                                        "Which facilities did you use, and when? [Compost bins]",
                                        "Which facilities did you use, and when? [Rain water tank]"]
    assert {q.type for q in rows} == {"multiple_choice"}
    assert all(q.choices == rows[0].choices for q in rows)
    assert [c.label for c in rows[0].choices] == ["Morning", "Afternoon", "Evening"]
    # "Not yet" submits the form: every later question is asked only after "Yes"
    assert scale.asked_when is not None
    assert (scale.asked_when.question, scale.asked_when.values) == (visit.id, ("yes",))
    north = by_header["Was the north gate open when you arrived?"]
    assert north.asked_when is not None and north.asked_when.question == entrance.id
    assert set(north.asked_when.values) == {"north_gate_rue_des_lilas", "i_don_t_remember"}
    assert visit.asked_when is None and entrance.asked_when is None


def test_the_french_form_validates_the_bundled_workbook(tmp_path: Path) -> None:
    out = imported(tmp_path, str(FORMS / "effets-sociaux-fr.json"))
    q = load_questionnaire(out)
    assert q.question("email").headers[:2] == ("Adresse e-mail", "Email Address")
    how = next(qu for qu in q.questions if qu.header.endswith("de quelle manière ?"))
    assert how.asked_when is not None and how.asked_when.values == ("oui",)
    result = CliRunner().invoke(main, ["validate", str(WORKBOOK), "--questionnaire", str(out),
                                       "--json"])
    assert result.exit_code == 1, result.output  # the example's deliberate data errors
    report = json.loads(result.stdout)
    problems = {(p["code"], p["cell"]) for p in report["problems"]}
    assert not {code for code, _ in problems} & {"missing-column", "unknown-column"}
    assert {("invalid-date", "F7"), ("invalid-email", "E8"), ("missing-answer", "U8"),
            ("out-of-range", "AI10"), ("unknown-choice", "AG12"),
            ("not-asked", "AK12")} <= problems
    assert [p["header"] for p in report["problems"] if p["code"] == "extra-column"] == \
        ["Remarques coordination"]  # every other column is a question of the form
    bundled = CliRunner().invoke(main, ["validate", str(WORKBOOK), "--json"])
    assert problems <= {(p["code"], p["cell"]) for p in json.loads(bundled.stdout)["problems"]}


def test_import_over_the_emulator_by_link_and_by_id(emulator_env: Emulator,
                                                     tmp_path: Path) -> None:
    form_id = emulator_env.load_form(FORMS / "ateliers-inscription-fr.json")
    from_file = imported(tmp_path, str(FORMS / "ateliers-inscription-fr.json")).read_text()
    result = CliRunner().invoke(main, ["questionnaire", "import",
                                       f"https://docs.google.com/forms/d/{form_id}/edit"])
    assert result.exit_code == 0, result.output
    assert result.stdout == from_file  # no --out: the definition on stdout
    assert emulator_env.requests()[-1]["path"] == f"/v1/forms/{form_id}"
    out = tmp_path / "by-id.yaml"
    result = CliRunner().invoke(main, ["questionnaire", "import", form_id, "--out", str(out)])
    assert result.exit_code == 0 and out.read_text() == from_file
    missing = CliRunner().invoke(main, ["questionnaire", "import", "1NoSuchForm0000"])
    assert (missing.exit_code, missing.stderr) == (
        5, "impactsheets: error: form not found: 1NoSuchForm0000\n")


def test_bad_input_is_one_line_and_exit_3(tmp_path: Path) -> None:
    broken = tmp_path / "form.json"
    broken.write_text('{"formId": "F", "items": [', encoding="utf-8")
    result = CliRunner().invoke(main, ["questionnaire", "import", str(broken)])
    assert result.exit_code == 3
    assert result.stderr.startswith(f"impactsheets: error: {broken}: not a forms.get answer "
                                    "(invalid JSON: ")
    assert len(result.stderr.splitlines()) == 1
    other = tmp_path / "other.json"
    other.write_text('{"spreadsheetId": "S"}', encoding="utf-8")
    result = CliRunner().invoke(main, ["questionnaire", "import", str(other)])
    assert (result.exit_code, result.stderr) == (
        3, f"impactsheets: error: {other}: not a forms.get answer (no 'items' list)\n")
    out = tmp_path / "q.yaml"
    out.write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(main, ["questionnaire", "import", str(FORMS / FIXTURES[0].name),
                                       "--out", str(out)])
    assert (result.exit_code, result.stderr) == (
        3, f"impactsheets: error: {out}: already exists (use --force to replace it)\n")
    assert out.read_text(encoding="utf-8") == "mine"
    answer_link = CliRunner().invoke(main, ["questionnaire", "import",
                                            "https://docs.google.com/forms/d/e/1FAIpQLSe/viewform"])
    assert answer_link.exit_code == 4
    assert answer_link.stderr == ("impactsheets: error: this is the form's answer link; use its "
                                  "edit link (…/forms/d/ID/edit)\n")


def test_untitled_questions_are_left_out_with_a_comment(tmp_path: Path) -> None:
    raw = form("community-garden-en.json")
    raw["items"].append({"itemId": "0000aaaa", "title": " ",
                         "questionItem": {"question": {"questionId": "0000bbbb",
                                                       "textQuestion": {}}}})
    path = tmp_path / "untitled.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    out = imported(tmp_path, str(path))
    assert "" not in {qu.header for qu in load_questionnaire(out).questions}
    assert out.read_text(encoding="utf-8").endswith(
        "# left out, their sheet columns cannot be told apart (untitled, or a grid repeating a "
        "row; give them distinct titles in the form): \"\"\n")


def test_titles_the_form_repeats_are_read_from_their_nth_column(tmp_path: Path) -> None:
    # A question and a grid asked before and after the workshop, with one title each time:
    # Google heads both columns alike; the import reads the later ones as "occurrence: 2".
    out = tmp_path / "q.yaml"
    result = CliRunner().invoke(main, ["questionnaire", "import",
                                       str(FORMS / "atelier-avant-apres-fr.json"), "--out", str(out)])
    assert result.stderr.startswith(f"wrote {out}: 7 questions including 2 grids, 4 rows in "
                                    "all; give each a short label")  # a grid is one question
    text = out.read_text(encoding="utf-8")
    assert "left out" not in text
    assert ('  - id: notez_chaque_point_2\n    header: "Notez chaque point"\n    occurrence: 2'
            "  # column 2 of those headed so (the form repeats this title)\n") in text
    q = load_questionnaire(out)
    assert [(qu.id, qu.occurrence) for qu in q.questions] == [
        ("quel_atelier_avez_vous_suivi", 1), ("comment_vous_sentez_vous", 1),
        ("notez_chaque_point.accueil", 1), ("notez_chaque_point.horaires", 1), ("un_mot", 1),
        ("comment_vous_sentez_vous_2", 2), ("notez_chaque_point_2.accueil", 2),
        ("notez_chaque_point_2.horaires", 2), ("un_mot_2", 2)]
    sheet = tmp_path / "atelier.csv"
    grid = ["Notez chaque point [Accueil]", "Notez chaque point [Horaires]"]
    with sheet.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([
            ["Horodateur", "Quel atelier avez-vous suivi ?", "Comment vous sentez-vous ?", *grid,
             "Un mot ?", "Comment vous sentez-vous ?", *grid, "Un mot ?"],
            ["13/10/2026 10:00:00", "Pain au levain", "2", "Bien", "Moyen", "Un peu stressée",
             "5", "Mal", "Bien", "J'ai appris le levain"],
            ["13/10/2026 10:05:00", "Cuisine du monde", "3", "Bien", "Bien", "", "4", "Moyen",
             "Moyen", ""]])
    result = CliRunner().invoke(main, ["validate", str(sheet), "--questionnaire", str(out),
                                       "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["problems"] == []
    reports = tmp_path / "out"
    result = CliRunner().invoke(main, ["render", str(sheet), "--questionnaire", str(out),
                                       "--out", str(reports)])
    assert result.exit_code == 0, result.output
    text = pdf_text(reports / "reports" / "reponse-1.pdf")
    assert "« Un peu stressée »\n" in text
    assert "« J’ai appris le levain »\n" in text  # the later column's answers reach the report
    assert "Pas bien ••••• Très bien (5 sur 5)" in text
    lines = text.splitlines()
    later = len(lines) - lines[::-1].index("Notez chaque point")
    assert lines[later:later + 4] == ["Accueil", "Mal", "Horaires", "Bien"]


def test_a_sheet_whose_columns_mostly_repeat_one_title_is_the_response_sheet(
        tmp_path: Path) -> None:
    # One question asked in three sections: three columns headed alike, each its question.
    note = {"title": "Note de la séance ?", "questionItem": {"question": {
        "scaleQuestion": {"low": 1, "high": 5}}}}
    items = [{**note, "itemId": f"{n}0", "questionItem": {"question": {
        **note["questionItem"]["question"], "questionId": f"{n}1"}}} for n in (1, 2, 3)]
    path = tmp_path / "seances.json"
    path.write_text(json.dumps({"formId": "F3", "items": items}), encoding="utf-8")
    out = imported(tmp_path, str(path))
    sheet = tmp_path / "seances.csv"
    sheet.write_text("Horodateur,Note de la séance ?,Note de la séance ?,Note de la séance ?\n"
                     "13/10/2026 10:00:00,4,2,5\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(sheet), "--questionnaire", str(out),
                                       "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["problems"] == []


def test_the_imported_french_form_renders_a_report(tmp_path: Path) -> None:
    from pypdf import PdfReader

    out = imported(tmp_path, str(FORMS / "effets-sociaux-fr.json"))
    result = CliRunner().invoke(main, ["render", str(WORKBOOK), "--questionnaire", str(out),
                                       "--out", str(tmp_path / "out"), "--site", "Arsenal"])
    assert result.exit_code == 0, result.output
    (pdf,) = (tmp_path / "out" / "reports").glob("*.pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "Effets collectifs" in text  # a section of the form, a part of the report
    assert "Arsenal" in text


def test_without_out_the_definition_goes_to_stdout_and_no_file_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))  # a killed import once left a folder here
    monkeypatch.chdir(tmp_path)
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)
    made: list[str] = []
    real_mkdtemp = tempfile.mkdtemp
    monkeypatch.setattr(tempfile, "mkdtemp", lambda *a, **k: made.append("dir") or real_mkdtemp(*a, **k))
    result = CliRunner().invoke(main, ["questionnaire", "import", str(FIXTURES[0])])
    assert result.exit_code == 0, result.output
    assert "questions:" in result.stdout
    assert made == []  # checked in memory: a SIGKILL cannot leave a folder behind
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["tmp"]

"""The generic report: any questionnaire, from 'questionnaire init' to one PDF per response."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from pypdf import PdfReader
from test_questionnaire_init import write_sheet

from impactsheets.cli import main


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_init_then_render_shows_every_answer_question_by_question(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path)
    draft = tmp_path / "q.yaml"
    assert CliRunner().invoke(main, ["questionnaire", "init", str(sheet), "--out",
                                     str(draft)]).exit_code == 0
    assert "template: generic" in draft.read_text(encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["render", str(sheet), "--questionnaire", str(draft),
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "reports").iterdir()) == [
        "blue-oars.pdf", "les-canotiers.pdf", "red-sails.pdf"]
    text = pdf_text(out / "reports" / "red-sails.pdf")
    lines = text.splitlines()
    assert lines[:3] == ["Réponses de Red Sails", "Brest",
                         "Questionnaire « club-survey » rempli le 13 septembre 2019"]
    for label, answer in [("Members", "40"), ("Budget (EUR)", "300"),
                          ("How useful was the training?", "••••••• 7 sur 7"),
                          ("Which activities do you run?", "Rowing"),
                          ("Was it your first year?", "non"),
                          ("Rate each room", "Kitchen"), ("Kitchen", "Poor"), ("Garden", "Good")]:
        assert lines[lines.index(label) + 1] == answer, label  # a grid: a table of its rows
    assert "« We would like more sessions in the evening" in text  # a long text, quoted
    assert "b@club.org" not in text and "Email Address" not in text  # never the address
    latest = pdf_text(out / "reports" / "les-canotiers.pdf")  # 1 October replaced 12 September
    assert "•••••·· 5 sur 7" in latest
    assert "Budget (EUR)\n1300\n" in latest  # grouped by thousands from 10 000 on (french.number)
    assert "Rowing, Sailing school et « Beach cleaning day »" in latest


def test_a_sync_with_a_drafted_questionnaire(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path)
    draft = tmp_path / "q.yaml"
    CliRunner().invoke(main, ["questionnaire", "init", str(sheet), "--out", str(draft)])
    config = tmp_path / "sync.yaml"
    config.write_text(f"source: {sheet}\nquestionnaire: {draft}\noutput: {tmp_path / 'out'}\n",
                      encoding="utf-8")
    result = CliRunner().invoke(main, ["sync", "--config", str(config), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["responses"], summary["superseded"], summary["rendered"]) == (4, 1, 3)
    assert summary["errors"] == 0
    assert "Red Sails" in pdf_text(tmp_path / "out" / "reports" / "red-sails.pdf")


def test_an_anonymous_respondent_is_titled_by_its_number_and_date(tmp_path: Path) -> None:
    sheet = tmp_path / "avis.csv"
    sheet.write_text("Horodateur,Votre avis ?\n01/10/2019 10:00:00,Très bien\n"
                     "13/10/2019 11:00:00,Bien\n,Sans date\n", encoding="utf-8")
    draft, out = tmp_path / "q.yaml", tmp_path / "out"
    assert CliRunner().invoke(main, ["questionnaire", "init", str(sheet), "--out",
                                     str(draft)]).exit_code == 0
    result = CliRunner().invoke(main, ["render", str(sheet), "--questionnaire", str(draft),
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    first = pdf_text(out / "reports" / "reponse-1.pdf").splitlines()
    assert first[:2] == ["Réponse 1 du 1er octobre 2019",
                         "Questionnaire « avis » rempli le 1er octobre 2019"]
    assert pdf_text(out / "reports" / "reponse-3.pdf").splitlines()[0] == "Réponse 3"
    assert "Réponses de" not in pdf_text(out / "reports" / "reponse-2.pdf")


def test_the_scale_wording_is_the_templates_and_an_older_copy_falls_back_to_the_builtin(
        tmp_path: Path) -> None:
    from impactsheets.resources import data_path

    sheet = write_sheet(tmp_path)
    draft = tmp_path / "q.yaml"
    assert CliRunner().invoke(main, ["questionnaire", "init", str(sheet), "--out",
                                     str(draft)]).exit_code == 0
    builtin = data_path("templates", "generic", "template.yaml").read_text(encoding="utf-8")
    own = tmp_path / "own"
    own.mkdir()
    (own / "template.yaml").write_text(builtin.replace(
        'scale: "[{dots} ]{value} sur {max}"', 'scale: "{value} / {max} ({dots})"'),
        encoding="utf-8")
    older = tmp_path / "older"  # a copy from before the scale and part labels
    older.mkdir()
    (older / "template.yaml").write_text("\n".join(
        line for line in builtin.splitlines()
        if not line.lstrip().startswith(("scale", "generic_part", "title_anonymous"))),
        encoding="utf-8")
    for template, said in [(own, "7 / 7 (•••••••)"), (older, "••••••• 7 sur 7")]:
        out = tmp_path / f"out-{template.name}"
        result = CliRunner().invoke(main, ["render", str(sheet), "--questionnaire", str(draft),
                                           "--template", str(template), "--out", str(out)])
        assert result.exit_code == 0, result.output
        lines = pdf_text(out / "reports" / "red-sails.pdf").splitlines()
        assert lines[lines.index("How useful was the training?") + 1] == said, template.name
        assert "RÉPONSES" in lines  # the part of the questions without one: "Réponses"

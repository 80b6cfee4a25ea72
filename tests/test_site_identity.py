"""The questionnaire's ``site:`` block: any question ids, anonymous forms, readable file names."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from impactsheets.cli import main
from impactsheets.errors import QuestionnaireError
from impactsheets.questionnaire import load_questionnaire

KEYED = """\
id: club
language: fr
site:
  key: [club]
  name: club
  town: ville
timestamp: {header: Horodateur}
form: {id: 1FAIpQLSe-abc, url: "https://docs.google.com/forms/d/e/1FAIpQLSe-abc/viewform"}
questions:
  - {id: club, header: "Votre club", type: short_text, required: true, entry_id: 1234567}
  - {id: ville, header: "Ville", type: short_text}
  - {id: avis, header: "Votre avis", type: long_text}
"""

ANONYMOUS = """\
id: avis
site: {key: []}
questions:
  - {id: avis, header: "Votre avis", type: long_text}
"""


def write(tmp_path: Path, yaml_text: str, rows: list[list[str]]) -> tuple[Path, Path]:
    definition = tmp_path / "q.yaml"
    definition.write_text(yaml_text, encoding="utf-8")
    sheet = tmp_path / "answers.csv"
    with sheet.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    return definition, sheet


def test_the_site_block_names_any_questions(tmp_path: Path) -> None:
    definition, sheet = write(tmp_path, KEYED, [
        ["Horodateur", "Votre club", "Ville", "Votre avis"],
        ["01/03/2026 10:00:00", "Les Canotiers", "Nantes", "Très bien."],
        ["02/03/2026 10:00:00", "北京咖啡", "", ""],
        ["03/03/2026 10:00:00", "les canotiers", "Nantes", "Encore mieux."],
    ])
    q = load_questionnaire(definition)
    assert (q.site.key, q.site.name, q.site.town) == (("club",), "club", "ville")
    assert q.question("club").entry_id == 1234567
    assert q.form is not None and q.form.url.endswith("/viewform")
    result = CliRunner().invoke(main, ["validate", str(sheet), "--questionnaire", str(definition),
                                       "--json"])
    assert result.exit_code == 0, result.output
    responses = json.loads(result.stdout)["responses"]
    assert [(r["site"], r["superseded_by"]) for r in responses] == [
        ("Les Canotiers", 4), ("北京咖啡", None), ("les canotiers", None)]
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["render", str(sheet), "--questionnaire", str(definition),
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "reports").iterdir()) == [
        "bei-jing-ka-pei.pdf", "les-canotiers.pdf"]
    text = PdfReader(out / "reports" / "les-canotiers.pdf").pages[0].extract_text()
    assert "canotiers" in text and "Nantes" in text and "ligne" not in text


def test_an_anonymous_form_gives_one_report_per_row(tmp_path: Path) -> None:
    definition, sheet = write(tmp_path, ANONYMOUS, [
        ["Horodateur", "Votre avis"],
        ["01/03/2026 10:00:00", "Même avis."],
        ["01/03/2026 10:00:00", "Même avis."],
    ])
    assert load_questionnaire(definition).site.anonymous
    result = CliRunner().invoke(main, ["validate", str(sheet), "--questionnaire", str(definition),
                                       "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [(r["site"], r["superseded_by"]) for r in report["responses"]] == [
        ("Réponse 1", None), ("Réponse 2", None)]
    assert report["summary"]["superseded"] == 0
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["render", str(sheet), "--questionnaire", str(definition),
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "reports").iterdir()) == ["reponse-1.pdf", "reponse-2.pdf"]


@pytest.mark.parametrize(("block", "problem"), [
    ("site: {key: [nope]}", "line 2: site: key names unknown question 'nope'"),
    ("site: {name: nope}", "line 2: site: name names unknown question 'nope'"),
    ("site: {owner: avis}", "line 2: unknown key 'owner' in site"),
    ("language: de", "line 2: unknown language 'de' (known: fr, en)"),
])
def test_a_broken_site_block_names_its_line(tmp_path: Path, block: str, problem: str) -> None:
    definition = tmp_path / "q.yaml"
    definition.write_text(ANONYMOUS.replace("site: {key: []}", block), encoding="utf-8")
    with pytest.raises(QuestionnaireError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        load_questionnaire(definition)


def test_entry_ids_are_whole_numbers(tmp_path: Path) -> None:
    definition = tmp_path / "q.yaml"
    definition.write_text(ANONYMOUS.replace("type: long_text}", "type: long_text, entry_id: x}"),
                          encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="line 4: question 'avis': 'entry_id' must be"):
        load_questionnaire(definition)

"""Definitions that used to lie (issue 12, section 6): what ``questionnaire check`` and
``template check`` accept, the tool does; what it cannot do is refused at load, naming the
file and line, before anything is rendered or written into the sheet.

Each case runs the real commands and is recorded for ``figures.py`` ("definition cases").
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from factories import QUESTIONNAIRE, valid_answers
from figures_log import record
from openpyxl import Workbook

from impactsheets.cli import main
from impactsheets.resources import data_path

BUNDLED = data_path("config", "questionnaire.yaml").read_text(encoding="utf-8")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def no_traceback(case: str, *results: Result) -> None:
    broken = [r for r in results
              if r.exception is not None and not isinstance(r.exception, SystemExit)]
    record("definition", case=case, traceback=bool(broken),
           exits=[r.exit_code for r in results])
    assert not broken, [repr(r.exception) for r in broken]
    assert all("Traceback" not in r.output for r in results)


def workbook(path: Path, rows: list[dict[str, Any]]) -> Path:
    ids = ["Horodateur"] + [q.id for q in QUESTIONNAIRE.questions]
    book = Workbook()
    sheet = book.active
    sheet.append(["Horodateur"] + [q.header for q in QUESTIONNAIRE.questions])
    for answers in rows:
        sheet.append([answers.get(i) for i in ids])
    book.save(path)
    return path


def questionnaire(tmp_path: Path, old: str, new: str) -> Path:
    assert old in BUNDLED
    path = tmp_path / "questionnaire.yaml"
    path.write_text(BUNDLED.replace(old, new), encoding="utf-8")
    return path


def test_answered_false_means_unanswered(tmp_path: Path) -> None:
    """``required_when: {question: X, answered: false}``: required when X has no answer
    (it used to be read as ``answered: true``)."""
    q = questionnaire(tmp_path, "required_when: {question: solidarite_types, answered: true}",
                      "required_when: {question: solidarite_types, answered: false}")
    some_type = QUESTIONNAIRE.question("solidarite_types").choices[0].label
    source = workbook(tmp_path / "r.xlsx", [
        valid_answers(),  # no solidarite_types: solidarite_publics is required
        valid_answers(site_nom="Arsenal", solidarite_types=some_type),  # answered: not required
    ])
    check = run("questionnaire", "check", str(q))
    result = run("validate", str(source), "--questionnaire", str(q), "--json")
    no_traceback("answered-false", check, result)
    assert check.exit_code == 0
    problems = [p for p in json.loads(result.stdout)["problems"]
                if p["code"] == "missing-conditional-answer"]
    assert [(p["row"], p["question"]) for p in problems] == [(2, "solidarite_publics")]
    assert "puisque « Types d’échanges solidaires » n’a pas de réponse" in problems[0]["message"] \
        or "n’a pas de réponse" in problems[0]["message"]


@pytest.mark.parametrize("case", ["site-key-empty", "site-key-absent", "site-key-legacy-empty"])
def test_no_site_key_means_each_row_is_its_own_respondent(case: str, tmp_path: Path) -> None:
    if case == "site-key-empty":
        q = questionnaire(tmp_path, "  key: [site_nom, site_code_postal]\n", "  key: []\n")
    elif case == "site-key-absent":  # the site block without its key
        q = questionnaire(tmp_path, "  key: [site_nom, site_code_postal]\n", "")
    else:  # the older form of #13's site block
        block = BUNDLED[BUNDLED.index("site:\n"):BUNDLED.index("# Column written by Google Forms")]
        q = questionnaire(tmp_path, block, "site_key: []\n")
    twice = valid_answers()
    source = workbook(tmp_path / "r.xlsx", [twice, twice, valid_answers(site_nom="Arsenal")])
    check = run("questionnaire", "check", str(q))
    result = run("validate", str(source), "--questionnaire", str(q), "--json")
    config = tmp_path / "sync.yaml"
    config.write_text(json.dumps({"source": str(source), "output": str(tmp_path / "out"),
                                  "questionnaire": str(q)}), encoding="utf-8")
    synced = run("sync", "--config", str(config), "--json")
    no_traceback(case, check, result, synced)
    assert check.exit_code == 0, check.output
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["summary"]["superseded"] == 0  # the same answers twice: two respondents
    assert "duplicate-site" not in {p["code"] for p in data["problems"]}
    assert synced.exit_code == 0, synced.output
    summary = json.loads(synced.stdout)
    assert summary["rendered"] == 3
    assert len(list((tmp_path / "out" / "reports").glob("*.pdf"))) == 3
    again = run("sync", "--config", str(config), "--json")  # one state row per respondent
    assert json.loads(again.stdout)["skipped"] == 3


BROKEN_TEMPLATES = {
    "template-unknown-question": (
        "topics:\n  lien_social:\n    sentences:\n      - \"Des liens {question_inconnue}.\"\n",
        4, "unknown question 'question_inconnue'"),
    "template-unknown-topic": (
        "topics:\n  sujet_inconnu:\n    sentences:\n      - \"Un texte.\"\n",
        3, "unknown topic 'sujet_inconnu'"),
    "template-unknown-choice": (
        "choices:\n  lien_social_publics:\n    pas_un_choix: \"rien\"\n",
        4, "question 'lien_social_publics' has no choice 'pas_un_choix'"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_TEMPLATES))
def test_a_template_naming_what_the_questionnaire_lacks_stops_at_load(case: str,
                                                                       tmp_path: Path) -> None:
    """Refused before reading the sheet: exit 3, ``file:line``, nothing rendered and nothing
    written (in the sheet, no "Échec du rapport : TemplateError: /local/path…")."""
    body, line, message = BROKEN_TEMPLATES[case]
    template = tmp_path / "tpl" / "template.yaml"
    template.parent.mkdir()
    template.write_text("extends: default\n" + body, encoding="utf-8")
    expected = f"impactsheets: error: {template}:{line}: {message}"
    source = tmp_path / "r.xlsx"
    shutil.copyfile(data_path("examples", "reponses-effets-sociaux.xlsx"), source)
    config = tmp_path / "sync.yaml"
    config.write_text(json.dumps({"source": str(source), "output": str(tmp_path / "out"),
                                  "template": str(template.parent)}), encoding="utf-8")
    check = run("template", "check", str(template))
    render = run("render", str(source), "--out", str(tmp_path / "render"),
                 "--template", str(template))
    synced = run("sync", "--config", str(config))
    no_traceback(case, check, render, synced)
    for result in (check, render, synced):
        assert result.exit_code == 3, result.output
        assert result.stderr.startswith(expected), result.stderr
    assert not (tmp_path / "render" / "reports").exists()
    assert not (tmp_path / "out" / "responses-annotated.xlsx").exists()
    assert not list((tmp_path / "out").rglob("*.pdf"))


def test_template_check_accepts_the_bundled_templates() -> None:
    for name in ("default", "reseau-sud"):
        result = run("template", "check", name)
        assert result.exit_code == 0, result.output
        assert result.stderr.startswith(f"{name}: OK (12 topics, ")
    other = run("template", "check", "default", "--questionnaire", "missing.yaml")
    assert other.exit_code == 3 and other.stderr.startswith("impactsheets: error: missing.yaml")

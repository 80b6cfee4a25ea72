"""The questionnaire definition: the default file, and every kind of broken definition."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from impactsheets.cli import main
from impactsheets.errors import QuestionnaireError
from impactsheets.questionnaire import load_questionnaire
from impactsheets.resources import data_path

DOMAIN_TOPICS = ["lien_social", "sante", "insertion", "capacite", "solidarite", "reseau",
                 "inclusion", "egalite", "cadre_de_vie", "entretien", "services_publics",
                 "innovation"]


def test_default_definition_covers_the_domain() -> None:
    q = load_questionnaire()
    assert [t.id for p in q.parts for t in p.topics] == DOMAIN_TOPICS
    assert q.site.key == ("site_nom", "site_code_postal")
    assert (q.site.name, q.site.town, q.site.keywords) == ("site_nom", "site_commune", "mots_cles")
    for topic in DOMAIN_TOPICS:
        assert any(question.topic == topic for question in q.questions), topic
    types = {question.type for question in q.questions}
    assert types == {"short_text", "long_text", "integer", "decimal", "single_choice",
                     "multiple_choice", "scale", "email", "date", "yes_no"}
    publics = q.question("lien_social_publics")
    assert publics.choice("acteurs_quartier").report == "acteur·rice·s du quartier"
    assert [p.intensity for p in q.parts] == ["intensite_individuels", "intensite_collectifs",
                                             "intensite_territoriaux"]


GOOD = data_path("config", "questionnaire.yaml").read_text(encoding="utf-8")


def line_of(text: str, needle: str, nth: int = 1) -> int:
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    return text[:index].count("\n") + 1


BROKEN = [
    ("yaml-syntax", lambda t: t.replace("  - id: site_commune\n", "  - id: [site_commune\n"),
     lambda t: line_of(t, "id: [site_commune") + 1, "YAML syntax error: did not find expected ',' or ']'"),
    ("unknown-key", lambda t: t.replace("    label: \"Commune\"\n",
                                        "    label: \"Commune\"\n    colour: red\n"),
     lambda t: line_of(t, "colour: red"), "unknown key 'colour' in question 'site_commune'"),
    ("unknown-type", lambda t: t.replace("type: email", "type: mail"),
     lambda t: line_of(t, "type: mail"), "question 'contact_email': unknown type 'mail'"),
    ("condition-missing-question",
     lambda t: t.replace("{question: capacite_nombre, at_least: 1}",
                         "{question: capacite_nb, at_least: 1}"),
     lambda t: line_of(t, "- id: capacite_porteurs") ,
     "question 'capacite_porteurs': condition names unknown question 'capacite_nb'"),
    ("duplicate-id", lambda t: t.replace("- id: site_commune", "- id: site_nom"),
     lambda t: line_of(t, "- id: site_nom", 2),
     "duplicate question id 'site_nom' (first at line"),
    ("duplicate-header", lambda t: t.replace('header: "Commune"', 'header: "nom  du LIEU"'),
     lambda t: line_of(t, "- id: site_commune"),
     "duplicate header 'nom  du LIEU': already used by question 'site_nom'"),
    ("labels-not-scale", lambda t: t.replace("    label: \"Commune\"\n",
                                             "    label: \"Commune\"\n    labels: {low: a}\n"),
     lambda t: line_of(t, "labels: {low: a}"),
     "question 'site_commune': only a scale takes end 'labels'"),
    ("labels-unknown-end", lambda t: t.replace("type: scale\n",
                                               "type: scale\n    labels: {middle: a}\n", 1),
     lambda t: line_of(t, "middle: a"), "unknown key 'middle' in labels of question"),
]


@pytest.mark.parametrize(("kind", "edit", "line", "problem"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_definition_names_file_line_and_problem(tmp_path: Path, kind, edit, line,
                                                       problem) -> None:
    text = edit(GOOD)
    assert text != GOOD
    path = tmp_path / "q.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(path)
    assert str(info.value).startswith(f"{path}, line {line(text)}: ")
    assert problem in str(info.value)
    result = CliRunner().invoke(main, ["questionnaire", "check", str(path)])
    assert result.exit_code == 3
    assert result.stderr == f"impactsheets: error: {info.value}\n"


def test_check_accepts_the_default_definition() -> None:
    path = data_path("config", "questionnaire.yaml")
    result = CliRunner().invoke(main, ["questionnaire", "check", str(path)])
    assert result.exit_code == 0
    assert result.stderr == f"{path}: OK (48 questions; effets-sociaux-et-urbains 2026.1)\n"


def test_form_and_entry_ids_are_optional_and_checked(tmp_path: Path) -> None:
    assert load_questionnaire().form is None
    text = GOOD.replace("questions:\n", "form: {id: 1FAIpQLSe, url: \"https://docs.google.com/"
                        "forms/d/e/1FAIpQLSe/viewform\"}\nquestions:\n", 1).replace(
        '    label: "Commune"\n', '    label: "Commune"\n    entry_id: 1234567\n')
    path = tmp_path / "q.yaml"
    path.write_text(text, encoding="utf-8")
    q = load_questionnaire(path)
    assert q.form is not None and q.form.url.endswith("/viewform") and q.form.id == "1FAIpQLSe"
    assert q.question("site_commune").entry_id == 1234567
    assert q.question("site_nom").entry_id is None
    path.write_text(text.replace("entry_id: 1234567", "entry_id: abc"), encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="'entry_id' must be a whole number"):
        load_questionnaire(path)


def test_a_repeated_header_needs_its_occurrence(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    twin = ('  - id: lieu_bis\n    header: "Nom du lieu"\n    occurrence: {}\n'
            '    type: short_text\n')
    path.write_text(GOOD + twin.format(2), encoding="utf-8")
    assert load_questionnaire(path).question("lieu_bis").occurrence == 2
    assert load_questionnaire(path).question("site_nom").occurrence == 1
    path.write_text(GOOD + twin.format(0), encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="'occurrence' must be a whole number"):
        load_questionnaire(path)
    path.write_text(GOOD + twin.format(1), encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="duplicate header 'Nom du lieu'"):
        load_questionnaire(path)

"""One test per problem code, with its exact French message, plus report shape."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from factories import QUESTIONNAIRE, column_of, make_table, valid_answers

from impactsheets.validation import SEVERITY, validate


def problems_of(rows, **kwargs):
    report = validate(make_table(rows, **kwargs), QUESTIONNAIRE)
    return report, [p for p in report.problems if p.code != "missing-column"]


def only(rows, **kwargs):
    """The single problem raised by ``rows`` (fails when there are zero or several)."""
    _, problems = problems_of(rows, **kwargs)
    assert len(problems) == 1, [(p.code, p.message) for p in problems]
    return problems[0]


def test_valid_row_has_no_problem() -> None:
    report, problems = problems_of([valid_answers()])
    assert problems == []
    assert report.responses[0].status == "OK"
    assert report.summary()["valid"] == 1


CASES = [
    ("missing-answer", {"intensite_collectifs": None}, "intensite_collectifs", "",
     "Réponse manquante : « Intensité des effets collectifs » est obligatoire."),
    ("missing-conditional-answer", {"capacite_porteurs": None}, "capacite_porteurs", "",
     "Réponse manquante : « Porteurs des nouveaux projets » est obligatoire puisque la réponse "
     "à « Nombre de nouveaux projets ou actions imprévus » est d’au moins 1."),
    ("not-a-number", {"capacite_nombre": "??"}, "capacite_nombre", "??",
     "« Nombre de nouveaux projets ou actions imprévus » attend un nombre entier (par exemple 6)"
     " ; « ?? » n’en est pas un."),
    ("out-of-range", {"intensite_individuels": 7}, "intensite_individuels", "7",
     "« Intensité des effets individuels » doit être compris entre 1 et 5 ; la réponse est 7."),
    ("unknown-choice", {"egalite_publics": "Je ne sais pas"}, "egalite_publics",
     "Je ne sais pas",
     "« Je ne sais pas » n’est pas une réponse possible pour « Égalité femmes/hommes parmi les "
     "publics ». Réponses possibles : « Plus de femmes que d'hommes » ; « Autant de femmes que "
     "d'hommes » ; « Moins de femmes que d'hommes »."),
    ("exclusive-choice", {"sante_effets": "D'un inconfort, Aucun changement observé"},
     "sante_effets", "D'un inconfort, Aucun changement observé",
     "« Aucun changement observé » ne peut pas être cochée avec d’autres réponses pour « Effets "
     "observés sur la santé »."),
    ("too-long", {"mots_cles": "x" * 301}, "mots_cles", "x" * 301,
     "« Mots-clés » est trop longue : 301 caractères pour 300 au plus."),
    ("invalid-email", {"contact_email": "jardin.lilas@"}, "contact_email", "jardin.lilas@",
     "« jardin.lilas@ » n’est pas une adresse e-mail valide (attendu : nom@exemple.fr)."),
    ("invalid-date", {"site_ouverture": "32/13/2020"}, "site_ouverture", "32/13/2020",
     "« 32/13/2020 » n’est pas une date valide pour « Date d’ouverture du lieu » (attendu : "
     "jj/mm/aaaa)."),
    ("invalid-format", {"site_code_postal": "6900"}, "site_code_postal", "6900",
     "« 6900 » ne convient pas pour « Code postal » : attendu un code postal à 5 chiffres, par "
     "exemple 69007."),
    ("not-asked", {"cadre_de_vie_image": "Non", "cadre_de_vie_maniere": "plus vivant"},
     "cadre_de_vie_maniere", "plus vivant",
     "Réponse inattendue : « Manière dont l’image du quartier a changé » n’est demandée que si "
     "la réponse à « Changement d’image du quartier » est « Oui » ; elle n’est pas utilisée."),
    ("missing-trigger", {"cadre_de_vie_maniere": "plus vivant"},
     "cadre_de_vie_maniere", "plus vivant",
     "Réponse conservée : « Manière dont l’image du quartier a changé » n’est demandée que si "
     "la réponse à « Changement d’image du quartier » est « Oui », mais cette question est "
     "restée sans réponse."),
]


def test_a_follow_up_whose_trigger_was_left_blank_is_kept() -> None:
    kept, _ = problems_of([valid_answers(cadre_de_vie_maniere="plus vivant",
                                         lien_social_occasions="Lors d'évènements grand public",
                                         lien_social_publics=None)])
    answers = kept.responses[0].answers
    assert answers["cadre_de_vie_maniere"] == "plus vivant"
    assert answers["lien_social_occasions"].values == ("evenements",)
    contradicted, _ = problems_of([valid_answers(cadre_de_vie_image="Non",
                                                 cadre_de_vie_maniere="plus vivant")])
    assert "cadre_de_vie_maniere" not in contradicted.responses[0].answers


@pytest.mark.parametrize(("code", "overrides", "question", "value", "expected"), CASES,
                         ids=[c[0] for c in CASES])
def test_problem_code_and_message(code, overrides, question, value, expected) -> None:
    problem = only([valid_answers(**overrides)])
    assert problem.code == code
    assert problem.severity == SEVERITY[code]
    assert problem.question == question
    assert (problem.row, problem.column) == (2, column_of(question))
    assert problem.value == value
    assert problem.message == expected


def test_unknown_choice_in_multiple_choice_without_other_keeps_valid_choices() -> None:
    report, _ = problems_of([valid_answers(lien_social_publics="Bénévoles, Martiens")])
    problem = only([valid_answers(lien_social_publics="Bénévoles, Martiens")])
    assert problem.code == "unknown-choice"
    assert problem.message.startswith("« Martiens » n’est pas une réponse possible")
    assert report.responses[0].answers["lien_social_publics"].values == ("benevoles",)


def test_blank_row_is_a_warning_on_its_row_and_not_a_response() -> None:
    report, problems = problems_of([valid_answers(), None, valid_answers(site_nom="Autre")])
    assert [(p.code, p.row, p.severity) for p in problems] == [("blank-row", 3, "warning")]
    assert problems[0].message == "Ligne vide : aucune réponse n’y figure."
    assert [r.row for r in report.responses] == [2, 4]


def test_missing_column_is_reported_once_not_per_row() -> None:
    report = validate(make_table([valid_answers()] * 3, drop=("intensite_collectifs",)),
                      QUESTIONNAIRE)
    missing = [p for p in report.problems if p.code == "missing-column"]
    assert len(missing) == 1
    assert missing[0].severity == "error"  # a required question
    assert missing[0].row is None
    assert missing[0].message == (
        "Colonne manquante : la question « Intensité des effets collectifs » (titre attendu : "
        "« Quelle est l'intensité des effets collectifs du projet ? ») est introuvable dans la "
        "feuille.")
    assert not [p for p in report.problems if p.code == "missing-answer"]


def test_missing_optional_column_is_a_warning() -> None:
    report = validate(make_table([valid_answers()], drop=("mots_cles",)), QUESTIONNAIRE)
    [missing] = [p for p in report.problems if p.code == "missing-column"]
    assert missing.severity == "warning"


def test_duplicate_column_and_extra_column() -> None:
    header = QUESTIONNAIRE.question("mots_cles").header
    table = make_table([valid_answers()], extra_headers=(header.upper(), "Remarques"))
    report = validate(table, QUESTIONNAIRE)
    by_code = {p.code: p for p in report.problems}
    dup = by_code["duplicate-column"]
    assert (dup.row, dup.column, dup.severity) == (1, len(table.headers) - 1, "warning")
    assert dup.message == (f"Colonne en double : « {header.upper()} » apparaît plusieurs fois ;"
                           " seule la première est lue.")
    extra = by_code["extra-column"]
    assert (extra.row, extra.column, extra.severity) == (1, len(table.headers), "info")
    assert extra.message == ("Colonne ignorée : « Remarques » ne correspond à aucune question du"
                             " questionnaire.")


def test_duplicate_site_latest_timestamp_wins_even_when_listed_first() -> None:
    newer = valid_answers(Horodateur=datetime(2026, 4, 1, 8, 0), capacite_nombre=3)
    older = valid_answers(Horodateur=datetime(2026, 3, 1, 8, 0), site_nom="la friche des  possibles")
    report, problems = problems_of([newer, older])
    assert [(p.code, p.row, p.severity) for p in problems] == [("duplicate-site", 3, "warning")]
    assert problems[0].column == column_of("site_nom")
    assert problems[0].message == (
        "Réponse remplacée : le lieu « La Friche des Possibles » a répondu de nouveau à la ligne"
        " 2 ; c’est cette réponse plus récente qui est utilisée.")
    assert [r.row for r in report.current] == [2]
    assert report.responses[1].superseded_by == 2
    assert report.responses[1].status == "Remplacée par la ligne 2"


def test_status_counts_errors_and_warnings_in_french() -> None:
    report, _ = problems_of([valid_answers(capacite_nombre="??", contact_email="x",
                                           cadre_de_vie_image="Non", cadre_de_vie_maniere="x")])
    assert report.responses[0].status == "2 erreurs, 1 avertissement"


def test_report_serialises_to_json_and_rows() -> None:
    report, _ = problems_of([valid_answers(capacite_nombre="??")])
    data = json.loads(json.dumps(report.to_json()))
    assert data["summary"]["with_problems"] == 1
    row = next(r for r in report.to_rows() if r["code"] == "not-a-number")
    assert row["cell"] == f"{'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[column_of('capacite_nombre') - 1]}2"
    assert set(row) == {"code", "severity", "message", "row", "column", "question", "header",
                        "value", "cell"}


def test_validation_never_raises_on_odd_cells() -> None:
    odd = valid_answers(capacite_nombre=float("nan"), site_nom="<b>", intensite_individuels=True,
                        site_ouverture=-5, lien_social_publics=", , ,")
    report = validate(make_table([odd]), QUESTIONNAIRE)
    assert report.responses[0].errors >= 1

"""Messages: each question's own bounds, French and English catalogues, "did you mean" hints."""

from __future__ import annotations

import csv
import string
from pathlib import Path

import yaml
from click.testing import CliRunner

from impactsheets.cli import main
from impactsheets.resources import data_path

DEFINITION = """\
id: ateliers
language: {language}
site: {{key: [atelier], name: atelier}}
questions:
  - {{id: atelier, header: "Workshop name", type: short_text, required: true}}
  - {{id: note, header: "How useful was it?", type: scale, min: 1, max: 7, required: true}}
  - {{id: age, header: "Age", type: integer, min: 16, max: 99}}
  - {{id: venir, header: "Will you come back?", type: yes_no}}
  - {{id: town, header: "Your town", type: short_text}}
"""


def run(tmp_path: Path, language: str, rows: list[list[str]],
        headers: tuple[str, ...] = ("Workshop name", "How useful was it?", "Age",
                                    "Will you come back?", "Your twon")) -> tuple[int, list[str]]:
    definition = tmp_path / "q.yaml"
    definition.write_text(DEFINITION.format(language=language), encoding="utf-8")
    sheet = tmp_path / "answers.csv"
    with sheet.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([list(headers), *rows])
    result = CliRunner().invoke(main, ["validate", str(sheet), "--questionnaire", str(definition)])
    return result.exit_code, result.stderr.splitlines()


ROWS = [["Clay", "9", "12", "Yes", ""], ["Wood", "x", "", "Maybe", ""], ["Wood", "", "40", "", ""]]


def test_french_messages_give_the_question_s_own_bounds(tmp_path: Path) -> None:
    code, lines = run(tmp_path, "fr", ROWS)
    assert code == 1
    assert lines == [
        "      E1  info     extra-column                 Colonne ignorée : « Your twon » ne "
        "correspond à aucune question du questionnaire. Vouliez-vous dire « Your town » ?",
        "   sheet  avert.   missing-column               Colonne manquante : la question « Your "
        "town » (titre attendu : « Your town ») est introuvable dans la feuille. Vouliez-vous "
        "dire « Your twon » ?".replace("   sheet", " feuille"),
        "      B2  erreur   out-of-range                 « How useful was it? » doit être compris "
        "entre 1 et 7 ; la réponse est 9.",
        "      C2  erreur   out-of-range                 « Age » doit être compris entre 16 et 99 ; "
        "la réponse est 12.",
        "      B3  erreur   not-a-number                 « How useful was it? » attend un nombre "
        "entier de 1 à 7 ; « x » n’en est pas un.",
        "      D3  erreur   unknown-choice               « Maybe » n’est pas une réponse possible "
        "pour « Will you come back? ». Réponses possibles : « Oui » ; « Non ».",
        "      A3  avert.   duplicate-site               Réponse remplacée : le lieu « Wood » a "
        "répondu de nouveau à la ligne 4 ; c’est cette réponse plus récente qui est utilisée.",
        "      B4  erreur   missing-answer               Réponse manquante : « How useful was it? » "
        "est obligatoire.",
        "3 réponses : 0 valide, 2 avec erreurs, 1 remplacée ; 5 erreurs, 2 avertissements.",
    ]


def test_english_catalogue_speaks_english_from_table_to_summary(tmp_path: Path) -> None:
    code, lines = run(tmp_path, "en", ROWS)
    assert code == 1
    assert lines[0].endswith("Ignored column: “Your twon” matches no question of the "
                             "questionnaire. Did you mean “Your town”?")
    assert lines[1].startswith("   sheet  warning  missing-column")
    assert lines[4] == ("      B3  error    not-a-number                 “How useful was it?” "
                        "expects a whole number from 1 to 7; “x” is not one.")
    assert lines[5].endswith("“Maybe” is not a possible answer for “Will you come back?”. "
                             "Possible answers: “Oui”; “Non”.")
    assert lines[-1] == ("3 responses: 0 valid, 2 with errors, 1 superseded; 5 errors, "
                         "2 warnings.")


def test_no_suggestion_for_a_column_unlike_any_question(tmp_path: Path) -> None:
    _, lines = run(tmp_path, "en", [["Clay", "3", "", "", ""]],
                   headers=("Workshop name", "How useful was it?", "Age", "Will you come back?",
                            "Internal remarks"))
    assert lines[0].endswith("Ignored column: “Internal remarks” matches no question of the "
                             "questionnaire.")
    assert lines[-1] == "1 response: 1 valid, 0 with errors, 0 superseded; 0 errors, 1 warning."


def test_both_catalogues_have_the_same_keys_and_placeholders() -> None:
    def slots(text: object) -> set[str]:
        items = text if isinstance(text, list) else [text]
        return {name for item in items for _, name, _, _ in string.Formatter().parse(str(item))
                if name}

    french, english = (yaml.safe_load(data_path("config", f"messages.{lang}.yaml").read_text(
        encoding="utf-8")) for lang in ("fr", "en"))
    assert french.keys() == english.keys()
    for key in french:
        assert slots(french[key]) == slots(english[key]), key

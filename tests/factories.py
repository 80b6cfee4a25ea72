"""Builders shared by the tests: tables shaped like a Google Forms response sheet."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from impactsheets.questionnaire import Questionnaire, load_questionnaire
from impactsheets.sources import Row, Table

QUESTIONNAIRE = load_questionnaire()


def valid_answers(**overrides: Any) -> dict[str, Any]:
    """A complete, valid answer set keyed by question id (plus "Horodateur")."""
    answers: dict[str, Any] = {
        "Horodateur": datetime(2026, 3, 2, 9, 41, 55),
        "site_nom": "La Friche des Possibles", "site_code_postal": "69007",
        "site_commune": "Lyon", "contact_email": "bonjour@friche.org",
        "intensite_individuels": 3, "intensite_collectifs": 4, "intensite_territoriaux": 2,
        "lien_social_publics": "Bénévoles, Publics en difficulté",
        "capacite_nombre": 2, "capacite_porteurs": "Des bénévoles",
    }
    answers.update(overrides)
    return {k: v for k, v in answers.items() if v is not None}


def make_table(rows: list[dict[str, Any] | None], questionnaire: Questionnaire = QUESTIONNAIRE,
               drop: tuple[str, ...] = (), extra_headers: tuple[str, ...] = ()) -> Table:
    """A table with every question's header (minus ``drop``), one row per answer dict."""
    ids = ["Horodateur"] + [q.id for q in questionnaire.questions if q.id not in drop]
    headers = ["Horodateur"] + [questionnaire.question(i).header for i in ids[1:]]
    headers += list(extra_headers)
    table_rows = []
    for number, answers in enumerate(rows, start=2):
        cells = [] if answers is None else [answers.get(i) for i in ids]
        while cells and cells[-1] is None:
            cells.pop()
        table_rows.append(Row(number, cells))
    return Table(headers, table_rows, name="test")


def column_of(question_id: str, questionnaire: Questionnaire = QUESTIONNAIRE) -> int:
    """1-based column of a question in :func:`make_table`'s layout."""
    ids = ["Horodateur"] + [q.id for q in questionnaire.questions]
    return ids.index(question_id) + 1

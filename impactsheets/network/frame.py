"""The current responses as one tidy pandas frame: the basis of the network view.

One row per (site, question, value), built from the validation result, so only valid answers
are there, typed: a multiple-choice answer gives one row per ticked option (``value`` is the
option's stable value) and one per free "other" answer (``other`` is True, ``value`` the text
as typed); a number is a number, a date a datetime. Each row carries the site's identity and
status. :func:`wide` turns it into one row per site for analysts.

>>> from impactsheets.pipeline import EXAMPLE_WORKBOOK, validate_source
>>> from impactsheets.resources import data_path
>>> _, report = validate_source(data_path("examples", EXAMPLE_WORKBOOK))
>>> frame = answers_frame(report, load_questionnaire())
>>> frame.loc[frame.question == "lien_social_publics", "value"].iloc[0]
'visiteurs'
>>> sorted(frame.status.unique())
['provisoire', 'valide']
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from impactsheets.answers import Selection
from impactsheets.network.identity import SiteFields, departement, site_fields
from impactsheets.questionnaire import Questionnaire, load_questionnaire
from impactsheets.validation import Response, ValidationReport

VALID, PROVISIONAL = "valide", "provisoire"
SITE_COLUMNS = ["row", "site", "town", "postal_code", "departement", "status", "errors"]
COLUMNS = [*SITE_COLUMNS, "question", "type", "value", "other"]
OTHER = "autre"  # the option column of free "other" answers in the wide format


def status_of(response: Response) -> str:
    """``"valide"``, or ``"provisoire"`` when the row has errors (its valid answers count)."""
    return PROVISIONAL if response.errors else VALID


def site_identity(response: Response, questionnaire: Questionnaire,
                  fields: SiteFields | None = None) -> list[Any]:
    """The values of :data:`SITE_COLUMNS` for one response."""
    fields = fields or site_fields(questionnaire)
    town = str(response.answers.get(fields.town or "", "") or "")
    postal = str(response.answers.get(fields.postal_code or "", "") or "")
    return [response.row, response.site, town, postal, departement(postal) or "",
            status_of(response), response.errors]


def answers_frame(report: ValidationReport, questionnaire: Questionnaire,
                  sites: pd.DataFrame | None = None) -> pd.DataFrame:
    """The tidy frame of the current (not superseded) responses, in sheet order (``sites``:
    their :func:`sites_frame`, when already made)."""
    types = {q.id: q.type for q in questionnaire.questions}
    sites = sites_frame(report, questionnaire) if sites is None else sites
    index: list[int] = []  # which site each record belongs to
    questions: list[str] = []
    values: list[Any] = []
    others: list[int] = []  # where the free "other" answers are
    for number, response in enumerate(report.current):
        for qid, answer in response.answers.items():  # in the sheet's column order
            if answer.__class__ is not Selection:
                if qid in types:
                    index.append(number)
                    questions.append(qid)
                    values.append(answer)
            elif qid in types:
                ticked, free = answer.values, answer.others
                index += [number] * (len(ticked) + len(free))
                questions += [qid] * (len(ticked) + len(free))
                values += ticked
                values += free
                if free:  # the few free answers, by their place among the records
                    others.extend(range(len(values) - len(free), len(values)))
    frame = sites.iloc[index].reset_index(drop=True)
    frame["question"] = questions
    frame["type"] = [types[q] for q in questions]
    frame["value"] = pd.Series(values, dtype="object")
    flags = [False] * len(values)
    for i in others:
        flags[i] = True
    frame["other"] = pd.Series(flags, dtype="bool")
    return frame


def sites_frame(report: ValidationReport, questionnaire: Questionnaire) -> pd.DataFrame:
    """One row per current site (also the sites that gave no valid answer at all)."""
    fields = site_fields(questionnaire)
    rows = [site_identity(r, questionnaire, fields) for r in report.current]
    return pd.DataFrame.from_records(rows, columns=SITE_COLUMNS).astype(
        {"row": "int64", "errors": "int64"})


def wide(frame: pd.DataFrame, sites: pd.DataFrame, questionnaire: Questionnaire) -> pd.DataFrame:
    """One row per site, one column per question in form order; a multiple-choice question
    becomes one 0/1 column per option (``question[value]``) plus ``question[autre]`` holding
    its free answers when the question allows them."""
    by_question = frame.groupby("question", sort=False)
    columns: dict[str, pd.Series] = {}
    for question in questionnaire.questions:
        rows = by_question.get_group(question.id) if question.id in by_question.groups else None
        if question.type == "multiple_choice":
            ticked = rows[~rows.other] if rows is not None else None
            for choice in question.choices:
                chosen = set() if ticked is None else set(ticked.row[ticked.value == choice.value])
                columns[f"{question.id}[{choice.value}]"] = sites.row.isin(chosen).astype("int64")
            if question.allow_other:
                columns[f"{question.id}[{OTHER}]"] = _joined(rows, sites, others=True)
        else:
            columns[question.id] = _joined(rows, sites, others=None)
    result = pd.concat([sites.reset_index(drop=True),
                        pd.DataFrame(columns).reset_index(drop=True)], axis=1)
    return result


def _joined(rows: pd.DataFrame | None, sites: pd.DataFrame, others: bool | None) -> pd.Series:
    """One value per site (free answers joined by " ; "), aligned on ``sites``."""
    if rows is None:
        return pd.Series([None] * len(sites), dtype="object")
    if others is not None:
        rows = rows[rows.other == others]
    values = rows.groupby("row", sort=False).value.agg(
        lambda v: v.iloc[0] if len(v) == 1 else " ; ".join(map(str, v)))
    return sites.row.map(values).astype("object").reset_index(drop=True)


def network_frames(report: ValidationReport, questionnaire: Questionnaire | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(answers, sites) frames of a validation report."""
    questionnaire = questionnaire or load_questionnaire()
    sites = sites_frame(report, questionnaire)
    return answers_frame(report, questionnaire, sites), sites

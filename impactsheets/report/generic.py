"""The ``generic`` report: any questionnaire's answers, question by question, in the rich look.

Used with ``templates/generic`` (a questionnaire's ``template: generic``; the drafts of
``questionnaire init`` name it). Each part and topic of the questionnaire — or one part of
every question when it has none — shows each answered question's label and its answer:
choices as a list, a scale as dots with its position ("••••··· 4 sur 7", between its end labels
when it has some), a grid as a small table of its answered rows (see
:mod:`impactsheets.report.grid_table`), numbers and dates in French, short texts as said, long
texts as quotes. The site's identity questions are in the header, its e-mail address nowhere;
an anonymous respondent is titled by its number ("Réponse 4 du 1er octobre 2019"). Every
wording is the template's; what an older copy of it lacks (its scale, its anonymous title…)
is read from the built-in ``templates/generic``.

>>> from impactsheets.questionnaire import Question
>>> scale = Question("q", "Q", "Q", "scale", min=1, max=7)
>>> answer_text(4, scale), answer_text(2.5, Question("d", "D", "D", "decimal"))
('••••··· 4 sur 7', '2,5')
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from impactsheets.answers import Selection
from impactsheets.questionnaire import Grid, Question, Questionnaire
from impactsheets.report import french
from impactsheets.report.compose import AnswerGrid, PartBlock, ReportModel, TopicBlock
from impactsheets.report.phrases import fill, french_date, keywords
from impactsheets.report.template import Template, load_template

if TYPE_CHECKING:
    from impactsheets.validation import Response

TEMPLATE = "generic"
_MAX_DOTS = 11
_MAX_COLUMNS = 6  # a checkbox grid with more columns says its rows' chosen labels
#: The labels only this report says, which an older copy of the template may lack.
OWN_LABELS = ("title_anonymous", "generic_part", "scale", "scale_ends")


@cache
def builtin_labels() -> Mapping[str, str]:
    """The labels of the built-in generic template (its file, read once).

    >>> builtin_labels()["scale"]
    '[{dots} ]{value} sur {max}'
    """
    return load_template(TEMPLATE).labels


def labels_of(template: Template) -> Mapping[str, str]:
    """The template's labels, with the built-in generic template's for any it lacks."""
    labels = template.labels
    if all(key in labels for key in OWN_LABELS):
        return labels
    return {**builtin_labels(), **labels}


def answer_text(answer: Any, question: Question, labels: Mapping[str, str] | None = None) -> str:
    """One answer as the report says it (long texts are quoted by the caller); ``labels``: the
    template's, for the wording of a scale (``scale``, ``scale_ends``; else the built-in's).

    >>> ends = Question("q", "Q", "Q", "scale", min=1, max=7, low_label="Pas du tout",
    ...                 high_label="Tout à fait")
    >>> answer_text(3, ends), answer_text(40, Question("c", "C", "C", "scale", max=100))
    ('Pas du tout •••···· Tout à fait (3 sur 7)', '40 sur 100')
    """
    if isinstance(answer, Selection):
        chosen = [question.choice(v).report for v in answer.values]
        return french.join([*chosen, *(f"« {o} »" for o in answer.others)], labels=True)
    if isinstance(answer, bool):
        return "oui" if answer else "non"
    if question.type == "scale" and isinstance(answer, int | float):
        low = int(question.min) if question.min is not None else 1  # a 0–10 scale has 11 dots
        high = int(question.max) if question.max is not None else 5
        dots = "•" * (int(answer) - low + 1) + "·" * (high - int(answer))  # in the font
        values = {"dots": dots if high - low < _MAX_DOTS else "", "value": f"{answer:g}",
                  "min": str(low), "max": str(high), "low": question.low_label,
                  "high": question.high_label}
        key = "scale_ends" if question.low_label or question.high_label else "scale"
        if key == "scale_ends" and not values["dots"]:
            values["dots"] = "…"
        wording = (labels or {}).get(key) or builtin_labels()[key]
        return fill(wording, lambda n, _: values.get(n, ""), require_some=False) or ""
    if isinstance(answer, int | float):
        return french.number(answer)
    if isinstance(answer, datetime | date):
        return french_date(answer)
    return " ".join(str(answer).split())


def _block(question: Question, answer: Any, labels: Mapping[str, str]) -> TopicBlock | None:
    title = french.apostrophes(question.label)
    if question.type == "long_text":
        text = str(answer).strip()
        return TopicBlock(question.id, title, (), (text,)) if text else None
    said = answer_text(answer, question, labels)
    return TopicBlock(question.id, title, (french.typography(said),), ()) if said else None


def _grid_block(grid: Grid, questionnaire: Questionnaire,
                answers: dict[str, Any]) -> TopicBlock | None:
    """A grid's answered rows as a table: "row | chosen column" for a multiple choice grid, check
    marks under the columns for a checkbox grid (its chosen labels when too many columns)."""
    rows = []
    for qid in grid.rows:
        answer = answers.get(qid)
        if isinstance(answer, Selection) and answer:
            chosen = [c.report for c in grid.choices if c.value in answer.values]
            rows.append((french.apostrophes(questionnaire.question(qid).row),
                         tuple(french.apostrophes(t) for t in [*chosen, *answer.others])))
    if not rows:
        return None
    columns = tuple(french.apostrophes(c.report) for c in grid.choices) \
        if grid.type == "checkbox_grid" and len(grid.choices) <= _MAX_COLUMNS else ()
    return TopicBlock(grid.id, french.apostrophes(grid.label), (), (),
                      grid=AnswerGrid(tuple(rows), columns))


def _blocks(questions: list[Question], answers: dict[str, Any], questionnaire: Questionnaire,
            labels: Mapping[str, str]) -> tuple[TopicBlock, ...]:
    """One block per question, one per grid (where its first answered row is)."""
    blocks: list[TopicBlock | None] = []
    grids: set[str] = set()
    for q in questions:
        if q.grid is None:
            blocks.append(_block(q, answers[q.id], labels))
        elif q.grid not in grids:
            grids.add(q.grid)
            blocks.append(_grid_block(questionnaire.grids[q.grid], questionnaire, answers))
    return tuple(b for b in blocks if b is not None)


def compose_generic(response: Response, questionnaire: Questionnaire,
                    template: Template) -> ReportModel:
    """The report model of one response, question by question."""
    answers = response.answers
    site_block = questionnaire.site
    site = site_block.name_of(answers, response.row)
    hidden = {q for q in (site_block.name, site_block.town, site_block.postal_code,
                          site_block.email, site_block.keywords) if q}
    hidden |= {q.id for q in questionnaire.questions if q.type == "email"}
    when = response.timestamp
    labels = labels_of(template)
    context = {"site": french.display_name(site), "de_site": french.of_name(site, labels["place"]),
               "date": french_date(when) if when else "",
               "errors": french.count_noun(response.errors, "réponse", "réponses"),
               "town": site_block.answer(answers, "town"),
               "postal_code": site_block.answer(answers, "postal_code"),
               "title": questionnaire.title or questionnaire.id,
               "number": str(response.row - 1)}

    def label(key: str) -> str:
        return fill(labels[key], lambda n, _: context.get(n, "")) or ""

    shown = [q for q in questionnaire.questions if q.id not in hidden and q.id in answers]
    groups: list[tuple[str, str, list[Question]]] = []
    topic_title = {t.id: t.title for p in questionnaire.parts for t in p.topics}
    for part in questionnaire.parts:
        ids = {t.id for t in part.topics}
        groups.append((part.id, part.title, [q for q in shown if q.topic in ids]))
    rest = [q for q in shown if q.topic not in topic_title]
    if rest:
        groups.append(("reponses", label("generic_part"), rest))
    parts = []
    for pid, title, questions in groups:
        topics = _blocks(questions, answers, questionnaire, labels)
        if topics:
            parts.append(PartBlock(pid, french.apostrophes(title), None, 5, topics))
    provisional = french.typography(label("provisional")) if response.errors else None
    identity = tuple(french.typography(i.strip()) for i in (label("identity"), label("answered"))
                     if i.strip())
    # An anonymous respondent is no one to have "Réponses de": "Réponse 4 du 1er octobre 2019"
    unnamed = site_block.anonymous and not site_block.answer(answers, "name")
    title = label("title_anonymous" if unnamed else "title")
    return ReportModel(
        title=french.typography(title or site), site=site, identity=identity,
        parts=tuple(parts), keywords=keywords(answers.get(site_block.keywords or "")),
        provisional=provisional, labels=labels)

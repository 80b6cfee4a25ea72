"""Validate a response table against a questionnaire: a report of problems, never an exception.

Each :class:`Problem` has a stable kebab-case ``code``, a severity, the question, the physical
sheet row and column, the raw value and a French message from ``config/messages.fr.yaml``.
Each :class:`Response` keeps the valid answers of one row for the reports.

>>> from impactsheets.questionnaire import load_questionnaire
>>> from impactsheets.sources import Row, Table
>>> report = validate(Table(["Nom du lieu"], [Row(2, ["La Friche"])]), load_questionnaire())
>>> sorted({p.code for p in report.problems})  # the other columns are missing
['missing-column']
>>> report.responses[0].site
'La Friche'
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from impactsheets import messages
from impactsheets.answers import (
    Answer,
    ChoiceMatcher,
    Rejection,
    Selection,
    cell_text,
    parse_cell,
    parse_date,
)
from impactsheets.locales import detect_locale
from impactsheets.questionnaire import Condition, Question, Questionnaire, normalize_label
from impactsheets.sources import Table, is_blank
from impactsheets.validation_model import (
    ERROR,
    INFO,
    SEVERITY,
    WARNING,
    Problem,
    Response,
    ValidationReport,
    message,
)

__all__ = ["ERROR", "INFO", "SEVERITY", "WARNING", "Problem", "Response", "ValidationReport",
           "message", "validate"]

_VALUE_SHOWN = 80


def _shown(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= _VALUE_SHOWN else value[: _VALUE_SHOWN - 1] + "…"


class _Validator:
    """Holds the column mapping and choice matchers, built once per table."""

    def __init__(self, table: Table, questionnaire: Questionnaire, locale: str | None) -> None:
        self.q = questionnaire
        self.language = questionnaire.language
        self.table = table
        self.problems: list[Problem] = []
        self.columns: dict[str, int] = {}
        self.timestamp_column: int | None = None
        ours = table.meta.get("ours")  # our own columns, found by their mark
        self.ours = set(ours.values()) if isinstance(ours, dict) else set()
        self._map_headers()
        self.locale = self._locale(locale)
        # Answers typed by the respondents of a French form read day first when nothing else
        # is known; timestamps, written by Google in the sheet's locale, are never guessed.
        self.answer_locale = self.locale or ("fr_FR" if self.language == "fr" else None)
        self.matchers = {qid: ChoiceMatcher(self.q.question(qid)) for qid in self.columns
                         if self.q.question(qid).choices}
        self.missing = {q.id for q in self.q.questions if q.id not in self.columns}
        # Each column's cells read once per distinct value (a form's answers repeat: choices,
        # scales): text or (type, value) -> (text, parsed); the type keeps True, 1 and 1.0 apart.
        self.read_plan = [(qid, index, self.q.question(qid), self.matchers.get(qid),
                           dict[object, tuple[str, Any]]())
                          for qid, index in self.columns.items()]
        self.conditional = [(qid, question, question.asked_when)
                            for qid, _, question, _, _ in self.read_plan if question.asked_when]

    def _locale(self, given: str | None) -> str | None:
        """The setting, else the questionnaire's, the sheet's own, or the one its dates prove."""
        sheet_locale = self.table.meta.get("locale")
        chosen = given or self.q.locale or (sheet_locale if isinstance(sheet_locale, str) else None)
        if chosen:
            return chosen
        dated = [i for i in (self.timestamp_column, *(self.columns[q.id] for q in self.q.questions
                                                      if q.type == "date" and q.id in self.columns))
                 if i is not None]
        return detect_locale(row.cell(i) for row in self.table.rows for i in dated)

    def _problem(self, code: str, row: int | None = None, column: int | None = None,
                 question: Question | None = None, value: str | None = None,
                 header: str | None = None, shown: str | None = None,
                 severity: str | None = None, **params: Any) -> Problem:
        """A problem with its message; ``shown`` overrides the value quoted in the message."""
        header = header if header is not None else (question.header if question else None)
        if shown is None:
            shown = value or ""
        label = question.label.replace("'", "’") if question else ""
        params = {"label": label, "value": _shown(shown),
                  "header": header or "", **params}
        return Problem(code, severity or SEVERITY[code], message(code, self.language, **params), row,
                       column + 1 if column is not None else None,
                       question.id if question else None, header, value)

    def _map_headers(self) -> None:
        """Each question's column: the Nth one headed so for ``occurrence: N`` (Google repeats
        the title of a question asked in several sections); another repeat is a duplicate."""
        lookup: dict[tuple[str, int], Question] = {}
        first: dict[str, Question] = {}  # the question a repeat beyond the defined ones repeats
        for known in self.q.questions:
            for header in known.headers:
                lookup[(normalize_label(header), known.occurrence)] = known
                first.setdefault(normalize_label(header), known)
        timestamps = {normalize_label(h) for h in self.q.timestamp_headers}
        extra: list[tuple[int, str]] = []
        seen: Counter[str] = Counter()
        for index, header in enumerate(self.table.headers):
            if index in self.ours:
                continue
            key = normalize_label(header or "")
            seen[key] += 1
            question = lookup.get((key, seen[key]), first.get(key) if seen[key] > 1 else None)
            if question is not None:
                if question.id in self.columns:
                    self.problems.append(self._problem("duplicate-column", 1, index, question,
                                                       header=header))
                else:
                    self.columns[question.id] = index
            elif key in timestamps and self.timestamp_column is None:
                self.timestamp_column = index
            elif key:
                extra.append((index, header))
        missing = [q for q in self.q.questions if q.id not in self.columns]
        unmatched = {normalize_label(h): h for q in missing for h in q.headers}
        for index, header in extra:
            self.problems.append(self._problem("extra-column", 1, index, header=header,
                                               suggestion=self._did_you_mean(header, unmatched)))
        extra_headers = {normalize_label(h): h for _, h in extra}
        for question in missing:
            # A missing optional question only weakens the reports: a warning.
            self.problems.append(self._problem(
                "missing-column", question=question,
                severity=ERROR if question.required or question.id in self.q.site.key
                else WARNING, suggestion=self._did_you_mean(question.header, extra_headers)))

    def _did_you_mean(self, header: str, candidates: dict[str, str]) -> str:
        """" Vouliez-vous dire « … » ?" when a candidate header is close to ``header``."""
        close = difflib.get_close_matches(normalize_label(header), list(candidates), n=1,
                                          cutoff=0.75)
        if not close:
            return ""
        return messages.text("did-you-mean", self.language,
                             header=candidates[close[0]].replace("'", "’"))

    def condition_holds(self, cond: Condition, answers: dict[str, Answer]) -> bool | None:
        """Whether ``cond`` holds for these answers; None when its column is missing."""
        if cond.question in self.missing:
            return None
        answer = answers.get(cond.question)
        if cond.answered is False:  # "answered: false": holds when there is no answer
            return answer is None
        if answer is None:
            return False
        if cond.values:
            return isinstance(answer, Selection) and any(v in answer.values for v in cond.values)
        if cond.at_least is not None:
            return isinstance(answer, int | float) and answer >= cond.at_least
        return True

    def describe(self, cond: Condition) -> str:
        target, lang = self.q.question(cond.question), self.language
        if cond.values:
            values = messages.text("or", lang).join(
                messages.quoted(target.choice(v).label, lang) for v in cond.values)
            text = messages.text("condition-equals", lang, label=target.label, values=values)
        elif cond.at_least is not None:
            text = messages.text("condition-at-least", lang, label=target.label,
                                 value=f"{cond.at_least:g}")
        elif cond.answered is False:
            text = messages.text("condition-unanswered", lang, label=target.label)
        else:
            text = messages.text("condition-answered", lang, label=target.label)
        return text.replace("'", "’")

    def rejection_params(self, question: Question, params: dict[str, Any]) -> dict[str, Any]:
        """The message slots of a rejection, worded in the catalogue's language."""
        lang = self.language
        if "choices" in params:
            params["choices"] = messages.text("choices-separator", lang).join(
                messages.quoted(c, lang) for c in params["choices"])
        if question.type in ("integer", "scale", "decimal"):
            params["expected"] = messages.text(f"expected-{question.type}", lang, **params)
        return params

    def row(self, number: int, cells: list[Any]) -> Response | None:
        answers: dict[str, Answer] = {}
        problems: list[Problem] = []
        empty: list[str] = []
        width = len(cells)
        for qid, index, question, matcher, seen in self.read_plan:
            cell = cells[index] if index < width else None
            if cell is None:
                empty.append(qid)
                continue
            key = cell if cell.__class__ is str else (cell.__class__, cell)
            known = seen.get(key)
            if known is None:
                text = cell_text(cell)
                known = seen[key] = (text, text and parse_cell(cell, question, matcher,
                                                               self.answer_locale))
            text, parsed = known
            if not text:
                empty.append(qid)
                continue
            if isinstance(parsed, Rejection):
                params = self.rejection_params(question, dict(parsed.params))
                shown = params.pop("value", None) or text
                problems.append(self._problem(parsed.code, number, index, question, text,
                                              shown=shown, **params))
                if isinstance(parsed.partial, Selection) and parsed.partial:
                    answers[qid] = parsed.partial
            else:
                answers[qid] = parsed
        if len(empty) == len(self.columns) and not self._has_other_content(cells):
            self.problems.append(self._problem("blank-row", number))
            return None
        for qid, question, asked in self.conditional:
            if qid in answers and self.condition_holds(asked, answers) is False:
                # A trigger simply left blank does not contradict the answer: it is kept.
                kept = asked.question in empty
                problems.append(self._problem("missing-trigger" if kept else "not-asked", number,
                                              self.columns[qid], question,
                                              cell_text(cells[self.columns[qid]]),
                                              condition=self.describe(asked)))
                if not kept:
                    del answers[qid]
        for qid in empty:
            question = self.q.question(qid)
            if question.required:
                problems.append(self._problem("missing-answer", number, self.columns[qid],
                                              question, ""))
            elif question.required_when is not None and self.condition_holds(
                    question.required_when, answers):
                problems.append(self._problem("missing-conditional-answer", number,
                                              self.columns[qid], question, "",
                                              condition=self.describe(question.required_when)))
        timestamp = self._timestamp(number, cells, problems)
        problems.sort(key=lambda p: p.column or 0)
        return Response(number, answers, problems, timestamp,
                        name=self.q.site.name_of(answers, number), language=self.language)

    def _timestamp(self, number: int, cells: list[Any], problems: list[Problem]) -> datetime | None:
        """The submission time; an unreadable or ambiguous one is a problem, never a guess."""
        index = self.timestamp_column
        cell = cells[index] if index is not None and index < len(cells) else None
        if index is None or is_blank(cell):  # not cell_text: it would format the date
            return None
        parsed = parse_date(cell, self.locale)
        if isinstance(parsed, datetime):
            return parsed
        problems.append(self._problem("invalid-timestamp", number, index, value=cell_text(cell),
                                      header=self.table.headers[index]))
        return None

    def _has_other_content(self, cells: list[Any]) -> bool:
        used = set(self.columns.values())
        return any(cell_text(c) for i, c in enumerate(cells) if i not in used
                   and i != self.timestamp_column and i < len(self.table.headers)
                   and i not in self.ours)

    def mark_duplicates(self, responses: list[Response]) -> None:
        groups: dict[tuple[str, ...], list[Response]] = defaultdict(list)
        for response in responses:
            key = self.q.site.key_of(response.answers)
            if key is not None:  # no site key: each row is its own respondent
                groups[key].append(response)
        for group in groups.values():
            if len(group) < 2:
                continue
            latest = max(group, key=lambda r: (r.timestamp or datetime.min, r.row))
            for response in group:
                if response is not latest:
                    response.superseded_by = latest.row
                    name_column = self.columns.get(self.q.site.key[0])
                    response.problems.append(self._problem(
                        "duplicate-site", response.row, name_column, None, None,
                        site=latest.site, other_row=latest.row))


    def mark_undecodable(self, responses: list[Response]) -> None:
        """A warning on each cell where the file had bytes that are not text (now "�")."""
        by_row = {r.row: r for r in responses}
        questions = {index: self.q.question(qid) for qid, index in self.columns.items()}
        for row, column in self.table.meta.get("undecodable", ()):  # type: ignore[attr-defined]
            response = by_row.get(row)
            if response is None:
                continue
            cells = next((r.cells for r in self.table.rows if r.number == row), [])
            value = cell_text(cells[column]) if column < len(cells) else ""
            header = self.table.headers[column] if column < len(self.table.headers) else ""
            response.problems.append(self._problem("undecodable-text", row, column,
                                                   questions.get(column), value, header=header))
            response.problems.sort(key=lambda p: p.column or 0)


def validate(table: Table, questionnaire: Questionnaire, locale: str | None = None) -> ValidationReport:
    """Check every row of ``table``; return the report (never raises on bad data).

    ``locale`` (``fr_FR``, ``en_US``…) says how dates and numbers written as text are read;
    by default the questionnaire's ``locale``, else the sheet's own, else what its dates prove.
    """
    validator = _Validator(table, questionnaire, locale)
    responses = [r for row in table.rows if (r := validator.row(row.number, row.cells))]
    validator.mark_duplicates(responses)
    validator.mark_undecodable(responses)
    missing = [p.header or "" for p in validator.problems
               if p.code == "missing-column" and p.severity == ERROR]
    for response in responses:
        response.missing_columns = list(missing)
    problems = list(validator.problems)
    by_row = sorted(
        [(r.row, p) for r in responses for p in r.problems]
        + [(p.row or 0, p) for p in validator.problems if p.code == "blank-row"],
        key=lambda item: item[0],
    )
    problems = [p for p in problems if p.code != "blank-row"] + [p for _, p in by_row]
    return ValidationReport(
        source=table.name,
        questionnaire=f"{questionnaire.id} {questionnaire.version}",
        headers=list(table.headers),
        columns=dict(validator.columns),
        problems=problems,
        responses=responses,
        rows=len(table.rows),
        locale=validator.locale,
        language=validator.language,
    )

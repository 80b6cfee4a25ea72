"""Turn one sheet cell into a typed answer, following Google Forms conventions.

Each parser takes the raw cell and the question and returns either the parsed answer or a
:class:`Rejection` (a problem code plus the values its message needs). Nothing here raises on
bad data.

>>> from impactsheets.questionnaire import load_questionnaire
>>> q = load_questionnaire().question("lien_social_publics")
>>> parse_cell("Bénévoles, Acteurs et actrices du quartier, associations ou entreprises locales", q)
Selection(values=('benevoles', 'acteurs_quartier'), others=())
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from impactsheets.locales import read_datetime, read_number
from impactsheets.questionnaire import Question, normalize_label
from impactsheets.sources import Cell


@dataclass(frozen=True, slots=True)
class Selection:
    """Chosen options (stable values, in the cell's order) and free "other" answers."""

    values: tuple[str, ...] = ()
    others: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.values or self.others)


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why a cell is not a valid answer: a problem code and message parameters."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    partial: Any = None  # what could still be used in a report (e.g. the valid choices)


Answer = str | int | float | bool | date | datetime | Selection

_EMAIL = re.compile(r"^[^@\s,;<>()\[\]]+@[^@\s,;<>()\[\]]+\.[A-Za-z]{2,}$")
_SHEETS_EPOCH = datetime(1899, 12, 30)
_YES = {"oui", "yes", "true", "vrai", "o", "y"}
_NO = {"non", "no", "false", "faux", "n"}


def cell_text(cell: Cell) -> str:
    """The cell as the respondent typed it, for messages and emptiness checks.

    >>> cell_text(6.0), cell_text(None), cell_text(datetime(2026, 3, 1, 9, 5))
    ('6', '', '01/03/2026 09:05:00')
    """
    if cell.__class__ is str:  # the usual case, first
        return cell.strip()
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "Oui" if cell else "Non"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(cell, date):
        return cell.strftime("%d/%m/%Y")
    return str(cell).strip()


def parse_number(cell: Cell, locale: str | None = None) -> float | None:
    """A number from a cell, in French or English style (see :func:`~impactsheets.locales.read_number`).

    >>> parse_number("6,5"), parse_number("1 234"), parse_number("6 projets"), parse_number(7)
    (6.5, 1234.0, None, 7.0)
    """
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        return float(cell)
    return read_number(str(cell), locale)


def parse_date(cell: Cell, locale: str | None = None) -> datetime | str | None:
    """A date/time from a cell: a datetime, a Sheets serial, or a text in ``locale``'s order.

    A text whose day order cannot be known returns :data:`~impactsheets.locales.AMBIGUOUS`.

    >>> parse_date("25/03/2026 14:02:11"), parse_date("05/03/2026", "fr_FR")
    (datetime.datetime(2026, 3, 25, 14, 2, 11), datetime.datetime(2026, 3, 5, 0, 0))
    >>> parse_date("05/03/2026")
    'ambiguous'
    """
    if isinstance(cell, datetime):
        return cell
    if isinstance(cell, date):
        return datetime(cell.year, cell.month, cell.day)
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if 1 <= cell <= 2958465:  # Sheets serial numbers: days since 1899-12-30
            return _SHEETS_EPOCH + timedelta(days=float(cell))
        return None
    return read_datetime(str(cell), locale)


class ChoiceMatcher:
    """Matches option labels (and aliases) in a cell, tolerant of case and apostrophes."""

    def __init__(self, question: Question) -> None:
        self.question = question
        self.by_label: dict[str, str] = {}
        for choice in question.choices:
            for label in (choice.label, choice.report, choice.value, *choice.aliases):
                self.by_label.setdefault(normalize_label(label), choice.value)
        self.max_commas = max((text.count(", ") for c in question.choices
                               for text in (c.label, c.report, *c.aliases)), default=0)
        self._cells: dict[str, Selection] = {}  # answers repeat across rows: parse each once

    def single(self, text: str) -> str | None:
        return self.by_label.get(normalize_label(text))

    def multiple(self, text: str) -> Selection:
        """Split a Google Forms multi-choice cell (labels joined by ", ") into a Selection."""
        cached = self._cells.get(text)
        if cached is None:
            cached = self._cells[text] = self._split(text)
        return cached

    def _split(self, text: str) -> Selection:
        exact = self.by_label.get(normalize_label(text))
        if exact is not None:
            return Selection((exact,))
        tokens = text.split(", ")
        values: list[str] = []
        others: list[str] = []
        pending: list[str] = []
        i = 0
        while i < len(tokens):
            for j in range(min(len(tokens), i + 1 + self.max_commas), i, -1):
                value = self.by_label.get(normalize_label(", ".join(tokens[i:j])))
                if value is not None:
                    break
            else:
                pending.append(tokens[i])
                i += 1
                continue
            if pending:
                others.append(", ".join(pending).strip())
                pending = []
            if value not in values:
                values.append(value)
            i = j
        if pending:
            others.append(", ".join(pending).strip())
        return Selection(tuple(values), tuple(o for o in others if o))


def _choices_hint(question: Question) -> tuple[str, ...]:
    return tuple(c.label for c in question.choices)


def _text(cell: Cell, q: Question, m: ChoiceMatcher | None, locale: str | None) -> Answer | Rejection:
    text = cell_text(cell)
    if q.max_length is not None and len(text) > q.max_length:
        return Rejection("too-long", {"length": len(text), "max_length": q.max_length},
                         partial=text[: q.max_length])
    if q.pattern is not None and not q.pattern.search(text):
        return Rejection("invalid-format", {"hint": q.pattern_hint or q.pattern.pattern})
    return text


def _bound(value: float | None) -> float | int | None:
    return int(value) if value is not None and float(value).is_integer() else value


def _number(cell: Cell, q: Question, m: ChoiceMatcher | None, locale: str | None) -> Answer | Rejection:
    number = parse_number(cell, locale)
    bounds = {"min": _bound(q.min), "max": _bound(q.max)}  # the question's own, in messages
    if number is None or (q.type != "decimal" and not number.is_integer()):
        return Rejection("not-a-number", bounds)
    if (q.min is not None and number < q.min) or (q.max is not None and number > q.max):
        return Rejection("out-of-range", bounds)
    return number if q.type == "decimal" else int(number)


def _email(cell: Cell, q: Question, m: ChoiceMatcher | None, locale: str | None) -> Answer | Rejection:
    text = cell_text(cell)
    return text if _EMAIL.match(text) else Rejection("invalid-email")


def _date(cell: Cell, q: Question, m: ChoiceMatcher | None, locale: str | None) -> Answer | Rejection:
    parsed = parse_date(cell, locale)
    if not isinstance(parsed, datetime):
        return Rejection("invalid-date")
    return parsed


def _yes_no(cell: Cell, q: Question, m: ChoiceMatcher | None, locale: str | None) -> Answer | Rejection:
    if isinstance(cell, bool):
        return Selection(("oui" if cell else "non",))
    text = normalize_label(cell_text(cell))
    if text in _YES:
        return Selection(("oui",))
    if text in _NO:
        return Selection(("non",))
    return Rejection("unknown-choice", {"choices": ("Oui", "Non")})


def _single(cell: Cell, q: Question, m: ChoiceMatcher | None, locale: str | None) -> Answer | Rejection:
    assert m is not None
    text = cell_text(cell)
    value = m.single(text)
    if value is not None:
        return Selection((value,))
    if q.allow_other:
        return Selection((), (text,))
    return Rejection("unknown-choice", {"choices": _choices_hint(q)})


def _multiple(cell: Cell, q: Question, m: ChoiceMatcher | None, locale: str | None) -> Answer | Rejection:
    assert m is not None
    selection = m.multiple(cell_text(cell))
    if selection.others and not q.allow_other:
        return Rejection("unknown-choice", {"choices": _choices_hint(q),
                                            "value": ", ".join(selection.others)},
                         partial=Selection(selection.values))
    exclusive = [v for v in selection.values if q.choice(v).exclusive]
    if exclusive and (len(selection.values) > 1 or selection.others):
        return Rejection("exclusive-choice", {"value": q.choice(exclusive[0]).label})
    return selection


Parser = Callable[[Cell, Question, "ChoiceMatcher | None", "str | None"], "Answer | Rejection"]

PARSERS: dict[str, Parser] = {
    "short_text": _text, "long_text": _text, "integer": _number, "decimal": _number,
    "scale": _number, "email": _email, "date": _date, "yes_no": _yes_no,
    "single_choice": _single, "multiple_choice": _multiple,
}


def parse_cell(cell: Cell, question: Question, matcher: ChoiceMatcher | None = None,
               locale: str | None = None) -> Answer | Rejection:
    """Parse one non-empty cell for ``question`` (build the matcher once per column for speed);
    ``locale`` is the spreadsheet's, for dates and numbers written as text."""
    if matcher is None and question.choices:
        matcher = ChoiceMatcher(question)
    return PARSERS[question.type](cell, question, matcher, locale)

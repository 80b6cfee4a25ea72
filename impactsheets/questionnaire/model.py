"""The questionnaire definition: a data file in ``config/`` loaded into a small model.

A definition lists questions (id, sheet header, type, choices, conditions, constraints), the
report parts and topics they belong to, and which questions identify a site. A broken file
raises :class:`~impactsheets.errors.QuestionnaireError` naming the file, the line and the
problem.

>>> from impactsheets.questionnaire import load_questionnaire
>>> q = load_questionnaire()
>>> q.question("capacite_nombre").type
'integer'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from impactsheets.questionnaire.site import SiteIdentity

TYPES = (
    "short_text", "long_text", "integer", "decimal", "single_choice",
    "multiple_choice", "scale", "email", "date", "yes_no",
)
CHOICE_TYPES = ("single_choice", "multiple_choice")
#: A Google grid: one answer per row ("grid", multiple choice grid) or several ("checkbox_grid").
GRID_TYPES = {"grid": "single_choice", "checkbox_grid": "multiple_choice"}
YES_NO_CHOICES = (("oui", "Oui"), ("non", "Non"))

@dataclass(frozen=True, slots=True)
class Choice:
    """One option: stable ``value``, the form's ``label``, the ``report`` label."""

    value: str
    label: str
    report: str
    aliases: tuple[str, ...] = ()
    exclusive: bool = False


@dataclass(frozen=True, slots=True)
class Condition:
    """``question`` must be answered (``answered: true``) or unanswered (``answered: false``) /
    equal / include one of ``values`` / be at least ``at_least``."""

    question: str
    values: tuple[str, ...] = ()
    answered: bool | None = None  # None: the condition is another test
    at_least: float | None = None


@dataclass(slots=True)
class Question:
    """One question of the form, read from one sheet column."""

    id: str
    header: str
    label: str
    type: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    occurrence: int = 1  # the Nth column headed so (Google repeats a title in several sections)
    topic: str | None = None
    choices: tuple[Choice, ...] = ()
    allow_other: bool = False
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    pattern: re.Pattern[str] | None = None
    pattern_hint: str = ""
    required_when: Condition | None = None
    asked_when: Condition | None = None
    entry_id: int | None = None  # the Google Form's ``entry.N`` id, for prefilled links
    description: str = ""
    low_label: str = ""  # a scale's end labels, as the form shows them ("Pas du tout")
    high_label: str = ""
    grid: str | None = None  # a grid's row: the grid's id (the row's label in ``row``)
    row: str = ""
    line: int = 0

    @property
    def headers(self) -> tuple[str, ...]:
        """The header and its aliases, in order."""
        return (self.header, *self.aliases)

    def choice(self, value: str) -> Choice:
        """The choice with this stable value (KeyError when unknown)."""
        for choice in self.choices:
            if choice.value == value:
                return choice
        raise KeyError(f"{self.id}: no choice {value!r}")


@dataclass(frozen=True, slots=True)
class Grid:
    """A grid question: ``rows`` (the ids of their questions, one sheet column each, so every
    cell is checked and reported on its own) sharing the ``choices`` (the grid's columns)."""

    id: str
    label: str
    type: str  # a key of GRID_TYPES
    rows: tuple[str, ...]
    choices: tuple[Choice, ...]
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Part:
    id: str
    title: str
    intensity: str | None
    topics: tuple[Topic, ...]


@dataclass(frozen=True, slots=True)
class FormRef:
    """The Google Form behind the questionnaire: its id and its (responder) URL, if known."""

    id: str = ""
    url: str = ""


@dataclass
class Questionnaire:
    """A loaded definition. ``questions`` keeps the file's order."""

    id: str
    title: str
    version: str
    questions: list[Question]
    site: SiteIdentity
    timestamp_headers: tuple[str, ...]
    parts: tuple[Part, ...] = ()
    language: str = "fr"
    locale: str | None = None
    template: str | None = None
    form: FormRef | None = None
    grids: dict[str, Grid] = field(default_factory=dict)
    path: str = ""
    fingerprint_text: str = field(default="", repr=False)

    @cached_property
    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def question(self, question_id: str) -> Question:
        """The question with this id (KeyError when unknown)."""
        return self.by_id[question_id]

    def asked(self, ids: Iterable[str] | None = None) -> int:
        """How many questions (of ``ids``, else of all) the form asks: a grid, with one or more
        of its rows, is one."""
        chosen = self.questions if ids is None else [self.by_id[i] for i in set(ids)]
        return len({q.grid or f"#{q.id}" for q in chosen})  # a grid's id is never "#…"

    def counted(self) -> str:
        """How many questions the form asks, as the CLI says it: a grid is one question (its
        rows, one sheet column each, are said beside).

        >>> rows = [Question(f"g.{r}", f"G [{r}]", r, "single_choice", grid="g") for r in "abc"]
        >>> q = Questionnaire("q", "", "1", [Question("a", "A", "A", "integer"), *rows],
        ...                   SiteIdentity(), (), grids={"g": Grid("g", "G", "grid",
        ...                                                        ("g.a", "g.b", "g.c"), ())})
        >>> q.counted()
        '2 questions including 1 grid of 3 rows'
        >>> q.questions = q.questions[:1]; q.grids = {}; q.counted()
        '1 question'
        """
        rows = sum(len(grid.rows) for grid in self.grids.values())
        count = self.asked()
        text = f"{count} question{'s' if count != 1 else ''}"
        if len(self.grids) == 1:
            return f"{text} including 1 grid of {rows} row{'s' if rows != 1 else ''}"
        return f"{text} including {len(self.grids)} grids, {rows} rows in all" if self.grids \
            else text

"""What a validation finds: :class:`Problem`, :class:`Response`, :class:`ValidationReport`.

Each problem has a stable kebab-case ``code``, a severity (:data:`SEVERITY`) and a message from
the catalogue (``config/messages.fr.yaml``); :mod:`impactsheets.validation` builds them.

>>> Problem("blank-row", ERROR, message("blank-row"), row=7, column=4).cell
'D7'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from impactsheets import messages
from impactsheets.answers import Answer
from impactsheets.sources import column_letter

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY = {
    "missing-answer": ERROR, "missing-conditional-answer": ERROR, "not-a-number": ERROR,
    "out-of-range": ERROR, "unknown-choice": ERROR, "exclusive-choice": ERROR,
    "too-long": ERROR, "invalid-email": ERROR, "invalid-date": ERROR, "invalid-format": ERROR,
    "missing-column": ERROR, "duplicate-column": WARNING, "not-asked": WARNING,
    "missing-trigger": WARNING,
    "invalid-timestamp": WARNING,
    "blank-row": WARNING, "duplicate-site": WARNING, "undecodable-text": WARNING,
    "extra-column": INFO,
}


@dataclass(slots=True)
class Problem:
    """One problem found in the sheet; ``row``/``column`` are physical, 1-based."""

    code: str
    severity: str
    message: str
    row: int | None = None
    column: int | None = None
    question: str | None = None
    header: str | None = None
    value: str | None = None

    @property
    def cell(self) -> str | None:
        """A1 reference of the cell, e.g. ``"D7"``."""
        if self.row is None or self.column is None:
            return None
        return f"{column_letter(self.column - 1)}{self.row}"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "cell": self.cell}


class _Counts:
    """``errors`` and ``warnings`` counted over ``self.problems``."""

    __slots__ = ()
    problems: list[Problem]

    @property
    def errors(self) -> int:
        return sum(p.severity == ERROR for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == WARNING for p in self.problems)


@dataclass(slots=True)
class Response(_Counts):
    """One non-blank row: its valid answers, its problems, and whether a newer row replaces it."""

    row: int
    answers: dict[str, Answer]
    problems: list[Problem] = field(default_factory=list)
    timestamp: datetime | None = None
    superseded_by: int | None = None
    name: str = ""  # set from the questionnaire's ``site:`` block
    language: str = "fr"  # the questionnaire's: statuses speak it
    #: Headers of required questions whose column is missing: every row is in error then.
    missing_columns: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return len(self.missing_columns) + sum(p.severity == ERROR for p in self.problems)

    @property
    def site(self) -> str:
        """The respondent's display name ("ligne N" when unnamed)."""
        return self.name or messages.text("name-row", self.language, row=self.row)

    @property
    def status(self) -> str:
        """Per-row status text written into the sheet ("OK", "2 erreurs, 1 avertissement"…)."""
        if self.superseded_by is not None:
            return messages.text("status-superseded", self.language, row=self.superseded_by)
        parts = []
        if self.missing_columns:
            parts.append(messages.text("status-missing-column", self.language,
                                       headers=", ".join(self.missing_columns)))
        if errors := sum(p.severity == ERROR for p in self.problems):
            parts.append(messages.count(errors, "noun-error", self.language))
        if self.warnings:
            parts.append(messages.count(self.warnings, "noun-warning", self.language))
        return ", ".join(parts) or messages.text("status-ok", self.language)


@dataclass(slots=True)
class ValidationReport(_Counts):
    """All problems of a table, sheet-level ones first, then row by row."""

    source: str
    questionnaire: str
    headers: list[str]
    columns: dict[str, int]  # question id -> 0-based column index
    problems: list[Problem]
    responses: list[Response]
    rows: int = 0
    locale: str | None = None  # how text dates and numbers were read
    language: str = "fr"  # the catalogue its messages come from

    @property
    def current(self) -> list[Response]:
        """Responses not replaced by a newer submission of the same site."""
        return [r for r in self.responses if r.superseded_by is None]

    def summary(self) -> dict[str, int]:
        current = self.current
        return {
            "rows": self.rows,
            "responses": len(self.responses),
            "valid": sum(not r.errors for r in current),
            "with_problems": sum(bool(r.errors) for r in current),
            "superseded": len(self.responses) - len(current),
            "errors": self.errors,
            "warnings": self.warnings,
            "infos": sum(p.severity == INFO for p in self.problems),
        }

    def summary_line(self) -> str:
        """The one-line summary in the catalogue's language.

        >>> ValidationReport("x", "q", [], {}, [], []).summary_line()
        '0 réponse : 0 valide, 0 avec erreurs, 0 remplacée ; 0 erreur, 0 avertissement.'
        """
        s, lang = self.summary(), self.language
        nouns = {"responses": "noun-response", "valid": "noun-valid", "errors": "noun-error",
                 "superseded": "noun-superseded", "warnings": "noun-warning"}
        return messages.text("summary", lang, **{**s, **{
            key: messages.count(s[key], noun, lang) for key, noun in nouns.items()}})

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: summary, one entry per response, every problem."""
        return {
            "source": self.source,
            "questionnaire": self.questionnaire,
            "locale": self.locale,
            "summary": self.summary(),
            "responses": [
                {"row": r.row, "site": r.site, "status": r.status, "errors": r.errors,
                 "warnings": r.warnings, "superseded_by": r.superseded_by}
                for r in self.responses
            ],
            "problems": [p.to_dict() for p in self.problems],
        }

    def to_rows(self) -> list[dict[str, Any]]:
        """The problems flattened to rows (for tables, CSV and tests)."""
        return [p.to_dict() for p in self.problems]


def message(code: str, language: str = "fr", **params: Any) -> str:
    """The message for ``code`` in ``language``, filled with ``params`` (unknown slots empty).

    >>> message("blank-row")
    'Ligne vide : aucune réponse n’y figure.'
    """
    return messages.text(code, language, **params)

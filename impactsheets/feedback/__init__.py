"""Feedback: show the validation problems where respondents and coordinators look.

Shared by every target (annotated workbook, Google Sheet write-back): which cells to mark,
with which colour and note, and what the status columns and problems sheet contain.

>>> from impactsheets.validation import Problem
>>> marks = cell_marks([Problem("invalid-email", "error", "Adresse invalide.", row=3, column=5)])
>>> marks[(3, 5)].severity, marks[(3, 5)].note
('error', 'impactsheets : Adresse invalide.')
"""

from __future__ import annotations

from dataclasses import dataclass

from impactsheets.errors import ConfigError
from impactsheets.questionnaire import Questionnaire, normalize_label
from impactsheets.sources import COLUMN_KEYS
from impactsheets.validation import ERROR, INFO, WARNING, Problem, Response, ValidationReport

#: Background colours (hex RGB) by severity, as used in the sheet and the workbook.
COLOURS = {ERROR: "F4CCCC", WARNING: "FCE5CD", INFO: "CFE2F3"}
SEVERITY_FR = {ERROR: "erreur", WARNING: "avertissement", INFO: "information"}
#: Every note impactsheets writes starts with this marker, so later runs recognise their own.
NOTE_MARK = "impactsheets : "
STATUS_HEADER, PROBLEMS_HEADER, REPORT_HEADER = "Statut", "Problèmes", "Rapport PDF"
PROBLEMS_SHEET_HEADERS = ["Ligne", "Cellule", "Lieu", "Question", "Code", "Gravité", "Valeur",
                          "Message"]
_RANK = {INFO: 0, WARNING: 1, ERROR: 2}
NOTE_LIMIT = 49_000  # Google Sheets caps a cell at 50,000 characters


@dataclass(frozen=True, slots=True)
class ToolColumns:
    """The titles of the columns impactsheets adds (``feedback: {columns: …}`` in the sync
    configuration). A title only labels a column: we find ours by the mark we set on it.

    >>> ToolColumns(status="État").title("status"), ToolColumns().title("report")
    ('État', 'Rapport PDF')
    """

    status: str = STATUS_HEADER
    problems: str = PROBLEMS_HEADER
    report: str = REPORT_HEADER

    def title(self, key: str) -> str:
        return str(getattr(self, key))

    def check(self, questionnaire: Questionnaire, where: str) -> None:
        """ConfigError when one of our titles is a question's header (or the timestamp's)."""
        headers = {normalize_label(h): f"question {q.id!r} ({h!r})"
                   for q in questionnaire.questions for h in q.headers}
        headers.update({normalize_label(h): f"the timestamp column ({h!r})"
                        for h in questionnaire.timestamp_headers})
        titles: dict[str, str] = {}
        for key in COLUMN_KEYS:
            title = self.title(key)
            if not title.strip():
                raise ConfigError(f"{where}: feedback.columns.{key} must not be empty")
            if normalize_label(title) in headers:
                raise ConfigError(f"{where}: feedback.columns.{key} {title!r} is the title of "
                                  f"{headers[normalize_label(title)]}: choose another title")
            if normalize_label(title) in titles:
                raise ConfigError(f"{where}: feedback.columns.{key} and "
                                  f"feedback.columns.{titles[normalize_label(title)]} have the "
                                  f"same title {title!r}")
            titles[normalize_label(title)] = key


@dataclass(slots=True)
class CellMark:
    """How one cell is marked: the worst severity among its problems and the joined note."""

    severity: str
    note: str


def cell_marks(problems: list[Problem]) -> dict[tuple[int, int], CellMark]:
    """Marks keyed by physical (row, column), 1-based; problems without a cell are skipped."""
    grouped: dict[tuple[int, int], list[Problem]] = {}
    for problem in problems:
        if problem.row is not None and problem.column is not None:
            grouped.setdefault((problem.row, problem.column), []).append(problem)
    marks = {}
    for key, group in grouped.items():
        worst = max(group, key=lambda p: _RANK[p.severity]).severity
        note = NOTE_MARK + "\n".join(p.message for p in group)
        marks[key] = CellMark(worst, note[:NOTE_LIMIT])
    return marks


def problems_text(response: Response) -> str:
    """The "Problèmes" column of a row: one line per problem, with its cell."""
    lines = [f"{p.cell} : {p.message}" if p.cell else p.message for p in response.problems]
    return "\n".join(lines)[:NOTE_LIMIT]


def status_by_row(report: ValidationReport) -> dict[int, tuple[str, str]]:
    """(status, problems text) for every data row, blank rows included."""
    statuses = {r.row: (r.status, problems_text(r)) for r in report.responses}
    for problem in report.problems:
        if problem.code == "blank-row" and problem.row is not None:
            statuses[problem.row] = ("Ligne vide", "")
    return statuses


def problems_title(tab: str) -> str:
    """The title of the problems worksheet of the answers worksheet ``tab`` (one per source:
    two forms feeding one spreadsheet get one each). It is found again by our mark, not by it.

    >>> problems_title("Réponses au formulaire 1")
    'Problèmes — Réponses au formulaire 1'
    """
    return f"Problèmes — {tab}"[:100]


def status_severity(status: str) -> str:
    """The colour severity of a non-"OK" status: errors first, else warning.

    >>> status_severity("colonne manquante : Code postal"), status_severity("1 avertissement")
    ('error', 'warning')
    """
    return ERROR if "erreur" in status or "colonne manquante" in status else WARNING


def problem_rows(report: ValidationReport) -> list[list[str | int]]:
    """The problems worksheet as rows (without its header), one row per problem."""
    sites = {r.row: r.site for r in report.responses}
    return [
        [p.row or "", p.cell or "", sites.get(p.row or 0, ""), p.header or "", p.code,
         SEVERITY_FR[p.severity], p.value or "", p.message]
        for p in report.problems
    ]

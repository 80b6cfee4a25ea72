"""The local output folder: the coordinators' dashboard (``index.html``), ``index.csv``, a zip.

The dashboard lists every response (current, superseded, failed) with its status, its
problems (cell and message) and its report, with filters and a search; it links the network
synthesis, the annotated sheet and the run summary. One self-contained page
(``templates/dashboard.html``): no network access, opened from a folder or from Drive.

>>> entry = IndexEntry("Arsenal", "Besançon", "25000", 6, "OK", "reports/arsenal.pdf", "")
>>> entry.as_row()[:2], entry.states
(['Arsenal', 'Besançon'], ('valide',))
"""

from __future__ import annotations

import csv
import html
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

from impactsheets.files import atomic_write
from impactsheets.resources import data_path

if TYPE_CHECKING:
    from impactsheets.questionnaire import Questionnaire
    from impactsheets.validation import ValidationReport

INDEX_HEADERS = ["Lieu", "Commune", "Code postal", "Ligne", "Statut", "Rapport", "Lien"]
VALID, TO_FIX, SUPERSEDED, FAILED = "valide", "a-corriger", "remplacee", "echec"
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre")
_SHOWN_PROBLEMS = 12  # per response on the dashboard; the sheet and validation.json have all


@dataclass(slots=True)
class IndexEntry:
    """One response on the dashboard: its site, status, problems and where its report is."""

    site: str
    town: str
    postal_code: str
    row: int
    status: str
    pdf: str  # path relative to the output folder, "" when no report
    link: str  # Drive link, "" when not uploaded
    errors: int = 0
    superseded: bool = False
    failure: str = ""  # why its report failed, "" when it did not
    problems: list[tuple[str, str]] = field(default_factory=list)  # (cell or "", message)

    def as_row(self) -> list[str]:
        return [self.site, self.town, self.postal_code, str(self.row), self.status, self.pdf,
                self.link]

    @property
    def states(self) -> tuple[str, ...]:
        """The dashboard filters this response belongs to."""
        if self.superseded:
            return (SUPERSEDED,)
        base = TO_FIX if self.errors else VALID
        return (base, FAILED) if self.failure else (base,)


@dataclass(slots=True)
class RunInfo:
    """What the dashboard's header says about the run that wrote it."""

    title: str
    started: datetime
    duration_s: float
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, href)
    totals: list[tuple[int, str]] = field(default_factory=list)  # (number, label)


def csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas in a CSV cell (a leading = + - @ is made literal).

    >>> csv_safe("=1+1"), csv_safe("Arsenal")
    ("'=1+1", 'Arsenal')
    """
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def search_key(*texts: str) -> str:
    """Text folded for searching: no accents, typographic apostrophes, case or extra spaces.

    >>> search_key("Numéripôle (Le)", "L’Usine")
    "numeripole (le) l'usine"
    """
    text = unicodedata.normalize("NFD", " ".join(texts))
    text = "".join(c for c in text if not unicodedata.combining(c))
    for mark in "’‘ʼ`´":
        text = text.replace(mark, "'")
    return " ".join(text.casefold().split())


def run_line(started: datetime, duration_s: float) -> str:
    """The run's date and duration, in French.

    >>> run_line(datetime(2026, 11, 30, 2, 30), 83.4)
    'Exécution du 30 novembre 2026 à 02:30, en 1 min 23 s'
    """
    minutes, seconds = divmod(round(duration_s), 60)
    took = f"{minutes} min {seconds} s" if minutes else f"{duration_s:.1f} s".replace(".", ",")
    return (f"Exécution du {started.day} {_MONTHS[started.month - 1]} {started.year} "
            f"à {started:%H:%M}, en {took}")


def _row(entry: IndexEntry) -> str:
    e = html.escape
    states = " ".join(entry.states)
    problems = "".join(
        f"<li>{f'<code>{e(cell)}</code> ' if cell else ''}{e(message)}</li>"
        for cell, message in entry.problems[:_SHOWN_PROBLEMS])
    more = len(entry.problems) - _SHOWN_PROBLEMS
    if more > 0:
        problems += f'<li class="muted">… et {more} autres (voir la feuille annotée)</li>'
    problems_cell = (f'<ul class="problems">{problems}</ul>' if problems
                     else '<span class="muted">Aucun</span>')
    reports = []
    if entry.pdf:
        reports.append(f'<a href="{e(entry.pdf)}">Rapport PDF<span class="sr"> de '
                       f"{e(entry.site)}</span></a>")
    if entry.link:
        reports.append(f'<a href="{e(entry.link)}">Drive</a>')
    report = " · ".join(reports) or '<span class="muted">—</span>'
    failure = (f' <span class="badge failure">Échec du rapport : {e(entry.failure)}</span>'
               if entry.failure else "")
    place = entry.town + (f" ({entry.postal_code})" if entry.postal_code else "")
    search = search_key(entry.site, entry.town, entry.postal_code)
    return (f'<tr class="{states}" data-state="{states}" data-search="{e(search)}">'
            f'<th scope="row">{e(entry.site)}</th><td>{e(place)}</td><td>{entry.row}</td>'
            f'<td><span class="badge">{e(entry.status)}</span>{failure}</td>'
            f"<td>{problems_cell}</td><td>{report}</td></tr>")


def dashboard(entries: list[IndexEntry], run: RunInfo) -> str:
    """The dashboard page."""
    e = html.escape
    count = {state: sum(state in x.states for x in entries)
             for state in (VALID, TO_FIX, SUPERSEDED, FAILED)}
    links = "".join(f'<li><a href="{e(href)}">{e(label)}</a></li>' for label, href in run.links)
    totals = "".join(f"<li><strong>{n}</strong> {e(label)}</li>" for n, label in run.totals)
    page = Template(data_path("templates", "dashboard.html").read_text(encoding="utf-8"))
    return page.substitute(
        title=e(run.title), run=e(run_line(run.started, run.duration_s)), links=links,
        totals=totals, rows="\n".join(_row(x) for x in entries), count_all=len(entries),
        count_valid=count[VALID], count_errors=count[TO_FIX],
        count_superseded=count[SUPERSEDED], count_failed=count[FAILED])


def index_entries(report: ValidationReport, questionnaire: Questionnaire,
                  delivered: dict[int, tuple[str, str]],
                  failures: dict[int, str] | None = None) -> list[IndexEntry]:
    """One entry per response, in sheet order; ``delivered`` maps a row to its (local PDF
    path, Drive link), ``failures`` a row to why its report failed."""
    from impactsheets.network.identity import site_fields

    fields = site_fields(questionnaire)
    failures = failures or {}
    entries = []
    for response in report.responses:
        pdf, link = delivered.get(response.row, ("", ""))
        answers = response.answers
        entries.append(IndexEntry(
            response.site, str(answers.get(fields.town or "", "") or ""),
            str(answers.get(fields.postal_code or "", "") or ""), response.row, response.status,
            pdf, link, response.errors, response.superseded_by is not None,
            failures.get(response.row, ""),
            [(p.cell or "", p.message) for p in response.problems]))
    return entries


def run_info(title: str, started: datetime, duration_s: float, entries: list[IndexEntry], *,
             template: str | Path = "default", sheet: str | None = None,
             zip_file: bool = False, summary: str = "summary.json") -> RunInfo:
    """The dashboard header: title, run, links to the run's files, totals worded like the
    synthesis's key figures (``network.yaml``). ``sheet`` is the annotated sheet's link."""
    from impactsheets.network.wording import load_wording

    w = load_wording(template)
    links = [(w.text("dashboard", "synthesis"), "synthese-reseau.pdf")]
    links += [(w.text("dashboard", "sheet"), sheet)] if sheet else []
    links += [(w.text("dashboard", "index"), "index.csv")]
    links += [(w.text("dashboard", "zip"), "rapports.zip")] if zip_file else []
    links += [(w.text("dashboard", "summary"), summary)]
    current = [e for e in entries if not e.superseded]
    figures = (("sites", len(current)), ("valid", sum(not e.errors for e in current)),
               ("provisional", sum(bool(e.errors) for e in current)),
               ("superseded", len(entries) - len(current)),
               ("failed", sum(bool(e.failure) for e in entries)))
    return RunInfo(w.text("dashboard", "title", questionnaire=title), started, duration_s, links,
                   [(n, w.phrase("synthesis", f"figures.{key}", n)) for key, n in figures])


def write_index(out_dir: Path, entries: list[IndexEntry], run: RunInfo) -> list[Path]:
    """Write ``index.csv`` (current sites; UTF-8 with BOM, ``;`` for French Excel) and the
    dashboard ``index.html`` (every response)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(INDEX_HEADERS)
    for entry in entries:
        if not entry.superseded:
            writer.writerow([csv_safe(v) for v in entry.as_row()])
    csv_path = atomic_write(out_dir / "index.csv", ("\ufeff" + buffer.getvalue()).encode("utf-8"))
    html_path = atomic_write(out_dir / "index.html", dashboard(entries, run).encode("utf-8"))
    return [csv_path, html_path]


def write_zip(out_dir: Path, pdfs: list[Path]) -> Path:
    """One zip of every report (stored, not compressed: PDFs are already compressed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for pdf in sorted(pdfs):
            info = zipfile.ZipInfo(pdf.name, date_time=(2026, 1, 1, 0, 0, 0))
            archive.writestr(info, pdf.read_bytes())
    return atomic_write(out_dir / "rapports.zip", buffer.getvalue())


def archive_pdf(out: Path, pdf: str) -> str | None:
    """Move ``out/pdf`` (a report of a site gone from the sheet) into ``out/archive/``, under
    a name not taken there; the new relative path, or None when there was no file.

    >>> import tempfile; out = Path(tempfile.mkdtemp()); (out / "reports").mkdir()
    >>> _ = (out / "reports" / "arsenal.pdf").write_bytes(b"%PDF")
    >>> archive_pdf(out, "reports/arsenal.pdf"), archive_pdf(out, "reports/arsenal.pdf")
    ('archive/arsenal.pdf', None)
    """
    source = out / pdf
    if not source.is_file():
        return None
    (out / "archive").mkdir(exist_ok=True)
    target = out / "archive" / source.name
    number = 2
    while target.exists():
        target = out / "archive" / f"{source.stem}-{number}{source.suffix}"
        number += 1
    source.replace(target)
    return str(target.relative_to(out))

"""The local output folder: an index of every site (CSV and HTML) and an optional zip.

>>> entry = IndexEntry("Arsenal", "Besançon", "25000", 6, "OK", "reports/arsenal.pdf", "")
>>> entry.as_row()[:2]
['Arsenal', 'Besançon']
"""

from __future__ import annotations

import csv
import html
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from impactsheets.files import atomic_write

INDEX_HEADERS = ["Lieu", "Commune", "Code postal", "Ligne", "Statut", "Rapport", "Lien"]


@dataclass(slots=True)
class IndexEntry:
    """One line of the index: a site, its status and where its report is."""

    site: str
    town: str
    postal_code: str
    row: int
    status: str
    pdf: str  # path relative to the output folder, "" when no report
    link: str  # Drive link, "" when not uploaded

    def as_row(self) -> list[str]:
        return [self.site, self.town, self.postal_code, str(self.row), self.status, self.pdf,
                self.link]


def csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas in a CSV cell (a leading = + - @ is made literal)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def write_index(out_dir: Path, entries: list[IndexEntry], title: str) -> list[Path]:
    """Write ``index.csv`` (UTF-8 with BOM, ``;`` for French Excel) and ``index.html``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(INDEX_HEADERS)
    for entry in entries:
        writer.writerow([csv_safe(v) for v in entry.as_row()])
    csv_path = atomic_write(out_dir / "index.csv", ("\ufeff" + buffer.getvalue()).encode("utf-8"))
    rows = []
    for e in entries:
        report = f'<a href="{html.escape(e.pdf)}">PDF</a>' if e.pdf else "—"
        drive = f'<a href="{html.escape(e.link)}">Drive</a>' if e.link else ""
        rows.append(
            f"<tr><td>{html.escape(e.site)}</td><td>{html.escape(e.town)}</td>"
            f"<td>{html.escape(e.postal_code)}</td><td>{e.row}</td>"
            f"<td>{html.escape(e.status)}</td><td>{report} {drive}</td></tr>")
    page = f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:left}}th{{background:#eee}}</style>
</head><body><h1>{html.escape(title)}</h1>
<table><tr><th>Lieu</th><th>Commune</th><th>Code postal</th><th>Ligne</th><th>Statut</th>
<th>Rapport</th></tr>
{chr(10).join(rows)}
</table></body></html>
"""
    html_path = atomic_write(out_dir / "index.html", page.encode("utf-8"))
    return [csv_path, html_path]


def write_zip(out_dir: Path, pdfs: list[Path]) -> Path:
    """One zip of every report (stored, not compressed: PDFs are already compressed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for pdf in sorted(pdfs):
            info = zipfile.ZipInfo(pdf.name, date_time=(2026, 1, 1, 0, 0, 0))
            archive.writestr(info, pdf.read_bytes())
    return atomic_write(out_dir / "rapports.zip", buffer.getvalue())

"""The response sheet the sync reads and annotates, behind one small interface.

Two backends: a local workbook or CSV export (:class:`LocalSheet`, annotated into a copy in
the output folder) and a Google Sheet (:mod:`impactsheets.sources.gsheets` and
:mod:`impactsheets.feedback.gsheets`, annotated in place).

>>> sheet = LocalSheet(Path("examples/reponses-effets-sociaux.xlsx"), None, Path("out"))
>>> sheet.read().headers[0]
'Horodateur'
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from impactsheets.sources import Table, is_google_sheet, read_table
from impactsheets.validation import ValidationReport


class ResponseSheet(Protocol):
    """What the sync needs from a response sheet."""

    name: str
    #: Whether report links may be local file paths (a local copy) or only URLs (a shared sheet).
    shows_local_paths: bool

    def read(self) -> Table:
        """The answers, with physical row numbers."""
        ...

    def write_back(self, report: ValidationReport, links: dict[int, str]) -> None:
        """Show the problems and the report links; never change an answer."""
        ...

    def api_requests(self) -> int:
        """How many Google API requests this sheet has made (0 for local files)."""
        ...


class LocalSheet:
    """A local ``.xlsx``/``.csv``: read in place, annotated into ``out_dir``."""

    def __init__(self, path: Path, worksheet: str | None, out_dir: Path) -> None:
        self.path, self.worksheet, self.out_dir = path, worksheet, out_dir
        self.name = path.name
        self.shows_local_paths = True
        self._table: Table | None = None

    def read(self) -> Table:
        self._table = read_table(self.path, self.worksheet)
        return self._table

    def write_back(self, report: ValidationReport, links: dict[int, str]) -> None:
        from impactsheets.feedback.workbook import annotate_workbook

        assert self._table is not None, "read() first"
        annotate_workbook(self.path, report, self.out_dir / "responses-annotated.xlsx",
                          self._table, self.worksheet, links)

    def api_requests(self) -> int:
        return 0


def open_sheet(source: str, worksheet: str | None, out_dir: Path, *,
               service_account_file: str | None = None, oauth_client_file: str | None = None,
               token_file: str | None = None) -> ResponseSheet:
    """The backend for ``source``: a Google Sheets URL/key or a local file path."""
    if is_google_sheet(source):
        from impactsheets.feedback.gsheets import GoogleSheet

        return GoogleSheet(source, worksheet, service_account_file=service_account_file,
                           oauth_client_file=oauth_client_file, token_file=token_file)
    return LocalSheet(Path(source), worksheet, out_dir)

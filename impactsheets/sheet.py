"""The response sheet the sync reads and annotates, behind one small interface.

Two backends: a local workbook or CSV export (:class:`LocalSheet`, annotated into a copy in
the output folder) and a Google Sheet (:class:`GoogleSheet`, annotated in place: read and
sent by :mod:`impactsheets.google.sheets`, planned by :mod:`impactsheets.feedback.planner`).

>>> sheet = LocalSheet(Path("examples/reponses-effets-sociaux.xlsx"), None, Path("out"))
>>> sheet.read().headers[0]
'Horodateur'
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from impactsheets.errors import SheetAccessError, SheetChangedError
from impactsheets.feedback import ToolColumns
from impactsheets.sources import Table, is_google_sheet, read_table
from impactsheets.validation import ValidationReport

if TYPE_CHECKING:
    from collections.abc import Callable

    from impactsheets.google.grid import Grid, SheetInfo
    from impactsheets.google.transport import GoogleSession
    from impactsheets.state import StateStore


class ResponseSheet(Protocol):
    """What the sync needs from a response sheet."""

    name: str
    #: Whether report links may be local file paths (a local copy) or only URLs (a shared sheet).
    shows_local_paths: bool

    def read(self) -> Table:
        """The answers, with physical row numbers."""
        ...

    def write_back(self, report: ValidationReport, links: dict[int, str],
                   store: StateStore | None = None) -> None:
        """Show the problems and the report links; never change an answer. ``store`` keeps
        what was written, so that only exactly that is removed later (shared sheets)."""
        ...

    def api_requests(self) -> int:
        """How many Google API requests this sheet has made (0 for local files)."""
        ...

    @property
    def window_s(self) -> float | None:
        """Seconds between the re-check read and the end of the write (None: no re-check)."""
        ...


class LocalSheet:
    """A local ``.xlsx``/``.csv``: read in place, annotated into ``out_dir``."""

    def __init__(self, path: Path, worksheet: str | None, out_dir: Path,
                 columns: ToolColumns | None = None) -> None:
        self.path, self.worksheet, self.out_dir = path, worksheet, out_dir
        self.columns = columns or ToolColumns()
        self.name = path.name
        self.shows_local_paths = True
        self.window_s: float | None = None  # a local copy has no race window
        self._table: Table | None = None

    def read(self) -> Table:
        self._table = read_table(self.path, self.worksheet)
        return self._table

    def write_back(self, report: ValidationReport, links: dict[int, str],
                   store: StateStore | None = None) -> None:
        """Write the annotated copy (made anew from the source each run: nothing to record)."""
        from impactsheets.feedback.workbook import annotate_workbook

        assert self._table is not None, "read() first"
        annotate_workbook(self.path, report, self.out_dir / "responses-annotated.xlsx",
                          self._table, self.worksheet, links, self.columns)

    def api_requests(self) -> int:
        return 0


def open_sheet(source: str, worksheet: str | None, out_dir: Path, *,
               service_account_file: str | None = None, oauth_client_file: str | None = None,
               token_file: str | None = None, columns: ToolColumns | None = None
               ) -> ResponseSheet:
    """The backend for ``source``: a Google Sheets URL/key or a local file path; ``columns``
    titles the columns we add."""
    if is_google_sheet(source):
        return GoogleSheet(source, worksheet, service_account_file=service_account_file,
                           oauth_client_file=oauth_client_file, token_file=token_file,
                           columns=columns)
    return LocalSheet(Path(source), worksheet, out_dir, columns)


class GoogleSheet:
    """A Google Sheet, annotated in place (Google modules are imported only when one is used).

    Requests: (1) the read (:func:`impactsheets.google.sheets.read_worksheet`: values, notes,
    colours, marks), from which the write-back is planned; when the sheet already shows
    everything, that is all. Otherwise (2) right before writing, ONE ``values.batchGet`` of the
    header row and a few key columns checks that no row moved
    (:mod:`impactsheets.feedback.recheck`): a row inserted or a sort done during the sync would
    otherwise put one site's highlight on another site's row; :class:`SheetChangedError` is
    raised and nothing is written. (3) one ``batchUpdate`` of the answers' worksheet (split
    only past 2 MB), the race window's end; (4) one of our problems tab, when it changed.

    >>> sheet = GoogleSheet("https://docs.google.com/spreadsheets/d/KEY/edit#gid=0")  # doctest: +SKIP
    >>> report = validate(sheet.read(), load_questionnaire())                        # doctest: +SKIP
    >>> sheet.write_back(report, {2: "https://drive.google.com/file/d/ID/view"})      # doctest: +SKIP
    """

    def __init__(self, source: str, worksheet: str | None = None, *,
                 service_account_file: str | None = None, oauth_client_file: str | None = None,
                 token_file: str | None = None, session: GoogleSession | None = None,
                 columns: ToolColumns | None = None) -> None:
        from impactsheets.google.transport import google_session

        self.source, self.worksheet, self.name = source, worksheet, source
        self.shows_local_paths = False  # others open this sheet: local file paths mean nothing
        self.columns = columns or ToolColumns()
        self._session = session or google_session(
            service_account_file=service_account_file, oauth_client_file=oauth_client_file,
            token_file=token_file)
        self._key = ""
        self._table: Table | None = None
        self._sheets: list[SheetInfo] | None = None
        self._read_grids: Callable[[], list[Grid]] | None = None
        self._problems_title: str | None = None
        #: Seconds from the re-check read to the end of the write (the race window), and its
        #: parts: re-check read, comparison, send.
        self.window_s: float | None = None
        self.window_parts: dict[str, float] = {}

    def api_requests(self) -> int:
        return self._session.api_requests

    def read(self) -> Table:
        from impactsheets.google.sheets import read_worksheet

        self._key, self._table, self._sheets, self._read_grids = read_worksheet(
            self._session, self.source, self.worksheet)
        self.name = self._table.name
        return self._table

    def write_back(self, report: ValidationReport, links: dict[int, str],
                   store: StateStore | None = None) -> None:
        """Show ``report`` and ``links`` in the sheet; no request at all when nothing differs.

        The whole plan is built BEFORE the re-check, from the read (or, when the read brought
        no grid, from a grid fetched first). The re-check reads only the header row and a few
        key columns (:func:`~impactsheets.google.sheets.read_keys`); between it and the write
        only the comparison (:func:`~impactsheets.feedback.recheck.check_rows`) and the send
        remain (:attr:`window_s`, split in :attr:`window_parts`), so a sort done meanwhile has
        the least chance to misplace marks (the next run repairs them); our problems tab, which
        marks no answer row, is sent after that window. A moved row stops the write-back:
        :class:`SheetChangedError`, nothing written.
        The batchUpdate is never resent (it may have been applied when its answer is lost or
        is a 5xx): such a failure stops the run, and the next run reads again and converges.
        """
        from impactsheets.feedback.planner import plan_write_back

        assert self._table is not None, "read() first"
        read, self._read_grids = self._read_grids, None
        grids = self._grids(read()) if read else self._fetch()
        snapshot = self._snapshot(*grids, store)
        requests = plan_write_back(snapshot, report, links)
        if not requests:  # the sheet already shows everything: no write
            self._record(snapshot, report, store)
            return
        self._send_checked(snapshot, requests)
        self._record(snapshot, report, store)

    def _send_checked(self, snapshot: Any, requests: list[dict[str, Any]]) -> None:
        """For each body of at most 2 MB: re-check (header row, key columns), compare, send.
        Each part is the race window, timed (:attr:`window_s`: the longest part's)."""
        from impactsheets.feedback.recheck import (
            answers_first,
            changed,
            check_rows,
            key_columns,
            rows_written,
        )
        from impactsheets.google.sheets import batches, read_keys, send_body
        from impactsheets.sources import header_row_of

        assert self._table is not None
        grid, top = snapshot.answers, header_row_of(self._table)
        # Our problems tab lists problems and marks no answer row: it is sent after the
        # answers' worksheet, outside the race window (and not at all when that one stopped).
        requests, others = answers_first(requests, grid.info.sheet_id)
        keys = key_columns(self._table, set(grid.marks.values()))
        header_read = [grid.text(top, c) for c in range(1, grid.width() + 1)]
        last_read = max((row.number for row in self._table.rows), default=top)
        for part in batches(requests):
            # The key columns of the rows this part writes (those read): a row moved in or
            # out of them changes their values; the header row shows a column moved.
            span = rows_written(part, grid.info.sheet_id)
            rows = (max(span[0], top + 1), min(span[1], last_read)) if span else None
            rows = rows if rows and rows[0] <= rows[1] else (top + 1, top)
            started = time.monotonic()
            try:
                header_now, keys_now = read_keys(
                    self._session, self._key, grid.info.title, top,
                    keys if rows[0] <= rows[1] else [], rows)
            except SheetAccessError as exc:
                if "exceeds grid limits" in str(exc):  # rows deleted since the read
                    raise changed("rows deleted") from None
                if "parse range" not in str(exc):
                    raise
                raise SheetChangedError(  # a worksheet renamed since the read
                    f"worksheet {grid.info.title!r} was renamed or deleted during the sync; "
                    "nothing was written; the next run will retry") from None
            read_at = time.monotonic()
            check_rows(self._table, header_read, header_now, keys_now, rows)
            compared_at = time.monotonic()
            send_body(self._session, self._key, part)  # a body batches() already cut
            ended = time.monotonic()
            parts = self.window_parts.get("parts", 0) + 1
            if self.window_s is None or ended - started > self.window_s:
                self.window_s = round(ended - started, 3)
                self.window_parts = {"recheck_s": round(read_at - started, 3),
                                     "compare_s": round(compared_at - read_at, 3),
                                     "send_s": round(ended - compared_at, 3)}
            self.window_parts["parts"] = parts
        for part in batches(others):
            send_body(self._session, self._key, part)

    def _record(self, snapshot: Any, report: ValidationReport, store: StateStore | None) -> None:
        """Keep what we wrote on the answer cells (fills, notes), to remove only exactly it."""
        from impactsheets.feedback.planner import written_marks

        if store is not None:
            store.record_marks(self._marks_key(snapshot.answers), written_marks(snapshot, report))

    def _marks_key(self, grid: Grid) -> str:
        return f"{self._key}:{grid.info.sheet_id}"

    def _snapshot(self, grid: Grid, problems: Grid | None, store: StateStore | None) -> Any:
        from impactsheets.feedback.planner import SheetSnapshot

        assert self._table is not None
        sheets = self._sheets or []
        written = store.written_marks(self._marks_key(grid)) if store is not None else {}
        return SheetSnapshot(self._table, grid, problems, {s.sheet_id for s in sheets},
                             {s.title for s in sheets}, self.columns, written)

    def _fetch(self) -> tuple[Grid, Grid | None]:
        """Request (2): the current grid of our worksheet and of the problems worksheet."""
        from impactsheets.google.grid import Grid
        from impactsheets.google.sheets import read_grids

        assert self._table is not None
        titles = None
        if self._sheets is not None:  # the read listed the worksheets: ask for ours only
            titles = [str(self._table.meta["worksheet"])] + (
                [self._problems_title] if self._problems_title else [])
        try:
            data = read_grids(self._session, self._key, titles)
            return self._grids([Grid.from_api(sheet) for sheet in data.get("sheets") or []])
        except SheetAccessError as exc:
            if "parse range" not in str(exc):
                raise
            raise SheetChangedError(  # a worksheet renamed since the read
                f"worksheet {titles[0] if titles else ''!r} was renamed or deleted during the "
                "sync; nothing was written; the next run will retry") from None

    def _grids(self, read: list[Grid]) -> tuple[Grid, Grid | None]:
        """Our worksheet's grid and the problems worksheet's, among the grids read."""
        from impactsheets.google.grid import PROBLEMS_MARK

        assert self._table is not None
        title = str(self._table.meta["worksheet"])
        grids = {g.info.title: g for g in read}
        if self._sheets is None:  # every worksheet came back: remember them (sheet ids taken)
            self._sheets = [g.info for g in grids.values()]
        if title not in grids:
            raise SheetChangedError(f"worksheet {title!r} disappeared during the sync; nothing "
                                    "was written; the next run will retry")
        answers = grids[title]
        # Our problems tab for these answers: known by its mark, whatever its title now.
        problems = next((g for g in grids.values() if g.sheet_marks.get(PROBLEMS_MARK)
                         == str(answers.info.sheet_id)), None)
        self._problems_title = problems.info.title if problems else None
        return answers, problems


"""The nightly sync: read the sheet, validate, render what changed, deliver, write back.

One run, in order: take the lock; read and validate the sheet; render the reports of new or
changed sites (each PDF written by its render worker, put in place atomically and its
state committed with its batch's, so a killed run resumes); upload them to Drive when
configured; write the problems, statuses and report links back to the sheet (bodies under
2 MB, each after its re-check); write the index and the run summary.

>>> from impactsheets.config import SyncConfig
>>> cfg = SyncConfig.from_dict({"source": "examples/reponses-effets-sociaux.xlsx",
...                             "output": "/tmp/impactsheets-doctest"}, "inline")
>>> run_sync(cfg, SyncOptions(dry_run=True)).rows
15
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from impactsheets.config import SyncConfig
from impactsheets.delivery import Delivered
from impactsheets.delivery.folder import (
    archive_pdf,
    index_entries,
    run_info,
    write_index,
    write_zip,
)
from impactsheets.errors import (
    STOP_ERRNOS,
    ImpactsheetsError,
    OutputError,
    SheetAccessError,
    SourceError,
    describe_os_error,
    from_os_error,
)
from impactsheets.files import finish_partial
from impactsheets.network.comparison import Comparison
from impactsheets.network.kept import kept_network_stats
from impactsheets.network.wording import load_wording
from impactsheets.pipeline import write_json
from impactsheets.plan import ReportPlan, answers_digest, plan_reports
from impactsheets.questionnaire import Questionnaire, load_questionnaire
from impactsheets.report import template_for
from impactsheets.report.parallel import render_files
from impactsheets.report.template import load_template
from impactsheets.runlock import run_lock
from impactsheets.sheet import ResponseSheet, open_sheet
from impactsheets.sources import is_google_sheet
from impactsheets.sources.header import response_table
from impactsheets.state import SiteState, StateStore, fingerprint
from impactsheets.validation import Response, message, validate

log = logging.getLogger("impactsheets.sync")
Progress = Callable[[int, int, str], None]


@dataclass
class SyncOptions:
    """How to run: ``full`` re-renders everything, ``dry_run`` writes nothing."""

    full: bool = False
    dry_run: bool = False
    jobs: int | None = None
    progress: Progress | None = None


@dataclass
class RunSummary:
    """What a run did; written to ``summary.json`` and printed with ``--json``."""

    rows: int = 0
    responses: int = 0
    valid: int = 0
    with_problems: int = 0
    superseded: int = 0
    errors: int = 0
    warnings: int = 0
    rendered: int = 0
    skipped: int = 0
    failed: int = 0
    uploaded: int = 0
    retired: int = 0  # sites gone from the sheet: PDF and Drive file archived this run
    api_requests: int = 0  # Google Sheets requests (read + write-back)
    drive_requests: int = 0
    write_back: str = ""  # "done", "skipped: …" or "off"
    write_window_s: float | None = None  # Google: re-check read to end of write (race window)
    #: Its parts: re-check read, comparison, send (seconds).
    write_window_parts: dict[str, float] = field(default_factory=dict)
    duration_s: float = 0.0
    dry_run: bool = False
    would_render: list[str] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    output: str = ""
    notify: dict[str, Any] | None = None  # the e-mails sent after the sync (notify: section)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _uploader(config: SyncConfig) -> Any:
    if not config.drive_folder_id:
        return None
    from impactsheets.google.drive import DriveFolder

    return DriveFolder(config.drive_folder_id, service_account_file=config.service_account_file,
                       oauth_client_file=config.oauth_client_file, token_file=config.token_file)


def run_sync(config: SyncConfig, options: SyncOptions | None = None) -> RunSummary:
    """Run one sync. Raises only when the tool cannot run (named exceptions)."""
    options = options or SyncOptions()
    started = time.monotonic()
    with run_lock(config, options.dry_run):
        return _run(config, options, started)


def _run(config: SyncConfig, options: SyncOptions, started: float) -> RunSummary:
    out = config.output
    started_at = datetime.now().astimezone()
    questionnaire = load_questionnaire(config.questionnaire)
    # Checked against the questionnaire: a template naming what it lacks stops here (exit 3).
    template = load_template(template_for(config.template, questionnaire), questionnaire)
    versions = fingerprint(questionnaire.fingerprint_text, template.fingerprint)
    config.columns.check(questionnaire, config.path)
    sheet: ResponseSheet = open_sheet(
        config.source, config.worksheet, out, service_account_file=config.service_account_file,
        oauth_client_file=config.oauth_client_file, token_file=config.token_file,
        columns=config.columns)
    table = response_table(sheet.read(), questionnaire, config.header_row,
                           SheetAccessError if is_google_sheet(config.source) else SourceError)
    report = validate(table, questionnaire, config.locale)
    counts = report.summary()
    summary = RunSummary(rows=counts["rows"], responses=counts["responses"], valid=counts["valid"],
                         with_problems=counts["with_problems"], superseded=counts["superseded"],
                         errors=counts["errors"], warnings=counts["warnings"],
                         dry_run=options.dry_run, output=str(out))
    if not options.dry_run:
        store = StateStore(config.state_path)
    elif config.state_path.exists():
        store = StateStore(config.state_path, read_only=True)
    else:
        store = StateStore(Path(":memory:"))
    try:
        digests = [answers_digest(r) for r in report.current]
        stats = kept_network_stats(report, questionnaire, load_wording(template), versions,
                                   digests, out, keep=not options.dry_run)
        todo, unchanged, network = plan_reports(report, questionnaire, template, versions,
                                                store.all(), out, options.full, stats, digests)
        summary.skipped = len(unchanged)
        log.info("%d responses, %d reports to render, %d unchanged", len(report.current),
                 len(todo), len(unchanged))
        if options.dry_run:
            summary.would_render = [p.pdf_name for p in todo]
            summary.api_requests = sheet.api_requests()
            summary.duration_s = round(time.monotonic() - started, 3)
            return summary
        current = {plan.key for plan in todo + unchanged}
        summary.retired = retire_sites(store, current, out, config)
        delivered = _render_and_deliver(config, options, todo, store, summary, network)
        for plan in unchanged:
            if plan.previous is not None:
                delivered[plan.response.row] = Delivered(plan.previous.link or plan.pdf_name,
                                                         plan.previous.drive_id, plan.pdf_name)
        links = _links(report.current, delivered, summary, sheet.shows_local_paths)
        summary.write_back = _write_back(sheet, report, links, store) if config.write_back \
            else "off"
        summary.write_window_s = sheet.window_s
        summary.write_window_parts = dict(getattr(sheet, "window_parts", {}))
        from impactsheets.network.synthesis import write_synthesis

        write_synthesis(report, questionnaire, out, template, stats, only_if_changed=True)
        entries = index_entries(
            report, questionnaire,
            {row: (d.pdf, d.link if d.drive_id else "") for row, d in delivered.items()},
            {f["row"]: f["error"] for f in summary.failures})
        if config.zip:
            write_zip(out, [out / e.pdf for e in entries if e.pdf])
        if config.notify is not None and config.notify.after_sync:
            states = store.all()
            fresh = {p.key for p in todo + unchanged
                     if p.key in states and states[p.key].fingerprint == p.fingerprint}
            summary.notify = _notify(config, questionnaire, report.current, store, fresh)
        write_index(out, entries, run_info(
            questionnaire.title, started_at, time.monotonic() - started, entries,
            template=config.template, sheet=_sheet_link(config, sheet), zip_file=config.zip))
    finally:
        store.close()
    summary.api_requests = sheet.api_requests()
    summary.duration_s = round(time.monotonic() - started, 3)
    write_json(out / "summary.json", summary.to_json())
    return summary


def _notify(config: SyncConfig, questionnaire: Questionnaire, responses: list[Response],
            store: StateStore, fresh: set[str]) -> dict[str, Any]:
    """E-mail the sites (``notify:`` section); a mail server failure does not undo the sync."""
    from impactsheets.errors import MailError
    from impactsheets.notify import notify_sites

    try:
        return notify_sites(config, questionnaire, responses, store, fresh=fresh).to_json()
    except MailError as exc:
        log.error("%s", exc)
        return {"error": str(exc)}


def _write_back(sheet: ResponseSheet, report: Any, links: dict[int, str],
                store: StateStore) -> str:
    """Write back; a sheet edited during the run is left for the next run, not an error."""
    from impactsheets.errors import SheetChangedError

    try:
        sheet.write_back(report, links, store)
    except SheetChangedError as exc:
        log.warning("%s", exc)
        return f"skipped: {exc}"
    return "done"


def retire_sites(store: StateStore, current: set[str], out: Path, config: SyncConfig) -> int:
    """Archive the sites gone from the sheet: PDF to ``archive/``, Drive file to the Drive
    folder's archive subfolder (never reused), state kept as retired. Done before rendering,
    so a new site given the same file name never has its fresh report archived."""
    gone = [state for key, state in store.all().items() if key not in current]
    uploader = _uploader(config) if any(s.drive_id for s in gone) else None
    for state in gone:
        archived = archive_pdf(out, state.pdf) if state.pdf else None
        if uploader is not None and state.drive_id:
            uploader.archive(state.drive_id)
        store.retire(state.key, archived)
        log.info("site %s left the sheet: its report was archived", state.slug)
    return len(gone)


#: Rendered reports put in place and committed together: at most this many, or this many
#: seconds' worth (one by one when uploading to Drive, where each upload takes its time).
BATCH_REPORTS, BATCH_SECONDS = 32, 0.5


def _render_and_deliver(config: SyncConfig, options: SyncOptions, todo: list[ReportPlan],
                        store: StateStore, summary: RunSummary,
                        network: Comparison | None) -> dict[int, Delivered]:
    """Render ``todo`` in parallel, each worker writing its PDFs; then, batch by batch, put the
    PDFs in place, upload them, and commit their states in one transaction. A PDF is renamed
    into place just before its state is committed, so a killed run leaves at most one batch
    of PDFs whose state it did not commit (the next run renders them again)."""
    out = config.output
    uploader = _uploader(config) if todo else None
    by_key = {plan.key: plan for plan in todo}
    delivered: dict[int, Delivered] = {}
    jobs = options.jobs or config.jobs or os.cpu_count() or 1
    tasks = [(plan.key, plan.response, out / plan.pdf_name) for plan in todo]
    batch = _Batch(out, uploader, store, summary, delivered)
    results = render_files(tasks, config.questionnaire, config.template, jobs, network)
    try:
        for done, (key, partial, error) in enumerate(results, start=1):
            plan = by_key[key]
            if isinstance(error, OSError):
                error = _write_failure(error)
            if partial is not None:
                batch.add(plan, partial)
            if error is not None:
                _failed(summary, plan, error)
            if uploader is not None or batch.due():
                batch.flush()
            if options.progress:
                options.progress(done, len(todo), plan.slug)
        batch.flush()
    finally:
        results.close()  # stopped early: the workers stop, their temporary files go
        batch.discard()
    if uploader is not None:
        summary.drive_requests = uploader.api_requests()
    return delivered


def _write_failure(exc: OSError) -> str:
    """A report's failure to be written, in one line; a disk full, read-only… (no report can
    be written) stops the run instead."""
    if exc.errno in STOP_ERRNOS:
        raise from_os_error(exc) from None
    return f"cannot write {describe_os_error(exc)}"


def _failed(summary: RunSummary, plan: ReportPlan, error: str) -> None:
    summary.failed += 1
    summary.failures.append({"row": plan.response.row, "site": plan.response.site,
                             "error": error})
    log.error("report of %s (row %d) failed: %s", plan.response.site, plan.response.row, error)


class _Batch:
    """Rendered reports waiting to be put in place, uploaded and committed together."""

    def __init__(self, out: Path, uploader: Any, store: StateStore, summary: RunSummary,
                 delivered: dict[int, Delivered]) -> None:
        self.out, self.uploader, self.store = out, uploader, store
        self.summary, self.delivered = summary, delivered
        self.pending: list[tuple[ReportPlan, Path]] = []
        self.since = time.monotonic()

    def add(self, plan: ReportPlan, partial: Path) -> None:
        self.pending.append((plan, partial))

    def due(self) -> bool:
        return len(self.pending) >= BATCH_REPORTS or (
            bool(self.pending) and time.monotonic() - self.since >= BATCH_SECONDS)

    def flush(self) -> None:
        states, links = [], []
        pending, self.pending = self.pending, []
        try:
            for index, (plan, partial) in enumerate(pending):
                self.pending = pending[index + 1:]  # what a stop leaves to discard()
                try:
                    link = self._deliver(plan, partial)
                except OSError as exc:
                    _failed(self.summary, plan, _write_failure(exc))
                    continue
                except OutputError:
                    raise  # the state file or the output folder: no other site can be saved
                except ImpactsheetsError as exc:
                    _failed(self.summary, plan, str(exc))
                    continue
                states.append(SiteState(plan.key, plan.slug, plan.fingerprint, plan.pdf_name,
                                        link.drive_id, link.link))
                links.append((plan, link))
        finally:
            self.store.put_many(states)  # what is in place is committed, even when stopping
        for plan, link in links:
            self.delivered[plan.response.row] = link
        self.summary.rendered += len(links)
        self.since = time.monotonic()

    def _deliver(self, plan: ReportPlan, partial: Path) -> Delivered:
        """Upload (when configured), then put the PDF in place."""
        link = Delivered(plan.pdf_name, None, plan.pdf_name)
        if self.uploader is not None:
            previous = plan.previous.drive_id if plan.previous else None
            try:
                uploaded = self.uploader.upload(f"{plan.slug}.pdf", partial.read_bytes(),
                                                previous)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            link = Delivered(uploaded.link, uploaded.drive_id, plan.pdf_name)
            self.summary.uploaded += 1
        finish_partial(partial, self.out / plan.pdf_name)
        return link

    def discard(self) -> None:
        """Remove what was rendered but not put in place (the run stops)."""
        for _, partial in self.pending:
            partial.unlink(missing_ok=True)
        self.pending = []


def _links(responses: list[Response], delivered: dict[int, Delivered], summary: RunSummary,
           local_paths: bool) -> dict[int, str]:
    """The "Rapport PDF" cell of each row: its link (a local path only where that makes sense)
    or why its report failed."""
    failed = {f["row"]: f["error"] for f in summary.failures}
    links = {}
    for response in responses:
        link = delivered.get(response.row)
        if response.row in failed:
            # The details (paths, errors) stay in the run's log and summary: a shared sheet
            # only says that the report failed and will be retried.
            links[response.row] = message("report-failed")
        elif link is not None and (local_paths or link.drive_id):
            links[response.row] = link.link
    return links


def _sheet_link(config: SyncConfig, sheet: ResponseSheet) -> str | None:
    """The annotated sheet: the Google Sheet itself, or the annotated local copy."""
    if not sheet.shows_local_paths:
        source = str(config.source)
        return source if source.startswith("https://") else (
            f"https://docs.google.com/spreadsheets/d/{source}/edit")
    return "responses-annotated.xlsx" if config.write_back else None

"""The nightly sync's commands: ``init`` (its configuration), ``sync``, ``notify``, and the
local ``emulator`` of the Google endpoints it talks to.

>>> from click.testing import CliRunner
>>> CliRunner().invoke(sync, ["--help"]).output.startswith("Usage: sync [OPTIONS]")
True
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from impactsheets.cli.failures import reports_errors
from impactsheets.cli.options import json_option
from impactsheets.cli.output import emit_json, opens
from impactsheets.errors import EXIT_MAIL, EXIT_REPORTS_FAILED

__all__ = ["emulator", "init", "notify", "sync"]


@click.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Sync configuration (YAML). Default: $IMPACTSHEETS_CONFIG, else config/sync.yaml.")
@click.option("--full", is_flag=True, help="Render every report again, changed or not.")
@click.option("--dry-run", is_flag=True, help="Show what would be rendered and written; write nothing.")
@click.option("--jobs", type=click.IntRange(min=1), help="Rendering processes (default: all cores).")
@json_option
@reports_errors
def sync(config_path: str | None, full: bool, dry_run: bool, jobs: int | None,
         as_json: bool) -> None:
    """Run the nightly sync described by a configuration file (the cron entry point).

    Exits 0 when the sync ran (even if the data has problems), 4 on a configuration error,
    5 when the sheet or Drive cannot be read or written, 6 when some reports failed,
    7 when another run holds the lock.
    """
    from impactsheets.config import load_config
    from impactsheets.sync import SyncOptions, run_sync

    config = load_config(config_path)
    _configure_logging()
    with _progress() as progress:
        summary = run_sync(config, SyncOptions(full=full, dry_run=dry_run, jobs=jobs,
                                               progress=progress))
    if as_json:
        emit_json(summary.to_json())
    if dry_run:
        for name in summary.would_render:
            click.echo(f"would render {name}", err=True)
    click.echo(
        f"{'dry run: ' if dry_run else ''}{summary.responses} responses ({summary.with_problems} with "
        f"errors); rendered {summary.rendered}, unchanged {summary.skipped}, failed "
        f"{summary.failed}, uploaded {summary.uploaded}; {summary.api_requests} Sheets and "
        f"{summary.drive_requests} Drive requests in {summary.duration_s:.1f} s.", err=True)
    mail = summary.notify or {}
    if mail:
        click.echo(f"e-mails: {mail['error']}" if "error" in mail else
                   f"e-mails: {mail['sent']} sent, {mail['failed']} refused, {mail['uncertain']} "
                   f"uncertain, {mail['not_sent']} not sent (see summary.json).", err=True)
    if not dry_run:
        opens(Path(summary.output) / "index.html",
              "the dashboard: every site, its problems, its report")
    if summary.failed:
        sys.exit(EXIT_REPORTS_FAILED)
    if "error" in mail or mail.get("failed") or mail.get("uncertain"):
        sys.exit(EXIT_MAIL)


@click.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Sync configuration with a 'notify:' section. Default: $IMPACTSHEETS_CONFIG, "
                   "else config/sync.yaml.")
@click.option("--dry-run", is_flag=True,
              help="Write each message as an .eml file (notify.preview_dir, default "
                   "OUTPUT/emails-preview); send nothing, record nothing.")
@click.option("--site", "sites", multiple=True, help="Only this site, by name (repeatable).")
@click.option("--redirect", metavar="ADDRESS",
              help="Send every message to ADDRESS instead of the sites (a test run; nothing "
                   "is recorded as sent).")
@json_option
@reports_errors
def notify(config_path: str | None, dry_run: bool, sites: tuple[str, ...], redirect: str | None,
           as_json: bool) -> None:
    """E-mail each site its report, or what to correct with a link to the prefilled form.

    A site is written to again only when its report or its problems change, and not more
    often than notify.min_interval_days. Exits 0 when every message due was sent (or
    previewed), 8 when the mail server cannot be reached or refused some messages (they are
    tried again on the next run), 4 on a configuration error.
    """
    from impactsheets.config import load_config
    from impactsheets.notify import NotifyOptions, run_notify

    config = load_config(config_path)
    _configure_logging()
    summary = run_notify(config, NotifyOptions(dry_run=dry_run, sites=sites, redirect=redirect))
    if as_json:
        emit_json(summary.to_json())
    for site in summary.sites:
        if site["outcome"] not in ("unchanged", "too-soon"):
            detail = f" ({site['detail']})" if site["detail"] else ""
            click.echo(f"{site['outcome']:>10}  {site['kind'] or '-':<11}  {site['site']}  "
                       f"{site['address']}{detail}", err=True)
    done = "previewed" if dry_run else "sent"
    click.echo(f"{summary.sent} {done}, {summary.failed} refused, {summary.uncertain} uncertain, "
               f"{summary.unchanged} unchanged, {summary.waiting} waiting, {summary.not_sent} "
               f"not sent" + (f"; previews in {Path(summary.previews[0]).parent}"
                              if summary.previews else "") + ".", err=True)
    if summary.previews:
        opens(Path(summary.previews[0]).parent, "each message as an .eml file")
    elif not dry_run:
        opens(config.output / "notify.json", "what was sent to each site, and what was not")
    if summary.failed or summary.uncertain:
        sys.exit(EXIT_MAIL)


def _configure_logging() -> None:
    """Line-based logs of impactsheets on stderr (quiet under cron: warnings and errors only).

    Other libraries' log records (urllib3 retries…) are not shown: the tool's own messages
    say what matters, on one line.
    """
    logging.getLogger().addHandler(logging.NullHandler())
    ours = logging.getLogger("impactsheets")
    if not ours.handlers:
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        ours.addHandler(handler)
        ours.propagate = False
    ours.setLevel(logging.INFO if sys.stderr.isatty() else logging.WARNING)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is now (it is replaced when the CLI is embedded)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


class _progress:
    """A progress bar on an interactive terminal, nothing otherwise."""

    def __enter__(self) -> Callable[[int, int, str], None] | None:
        if not sys.stderr.isatty():
            return None
        self.bar: Any = None

        def update(done: int, total: int, name: str) -> None:
            if self.bar is None:
                self.bar = click.progressbar(length=total, label="Rendering reports",
                                             file=sys.stderr)
                self.bar.__enter__()
            self.bar.update(1)

        return update

    def __exit__(self, *exc: object) -> None:
        if getattr(self, "bar", None) is not None:
            self.bar.__exit__(None, None, None)


@click.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("config/sync.yaml"), show_default=True, help="File to write.")
@click.option("--source", prompt="Response sheet (Google Sheets URL or key, or .xlsx/.csv path)",
              help="Google Sheets URL or key, or a local .xlsx/.csv path.")
@click.option("--worksheet", default=None, help="Worksheet name (default: the first one).")
@click.option("--output", default="out/sync", show_default=True,
              help="Output folder for reports, dashboard and state, from the current folder "
                   "(written relative to the configuration file's folder).")
@click.option("--template", default="default", show_default=True, help="Report template.")
@click.option("--drive-folder", default=None, help="Google Drive folder id for the reports.")
@click.option("--service-account-file", default=None, help="Service-account key file.")
@reports_errors
def init(config_path: Path, source: str, worksheet: str | None, output: str, template: str,
         drive_folder: str | None, service_account_file: str | None) -> None:
    """Write a sync configuration from flags (asks for the sheet when not given).

    Paths are given from the current folder; the file stores them relative to its own folder,
    since a configuration's relative paths resolve against the folder it is in.
    """
    from impactsheets.config import path_for_config, write_config
    from impactsheets.sources import is_google_sheet

    if not is_google_sheet(source):
        source = path_for_config(source, config_path)
    values: dict[str, Any] = {"source": source, "output": path_for_config(output, config_path),
                              "template": template}
    if worksheet:
        values["worksheet"] = worksheet
    if drive_folder:
        values["drive"] = {"folder_id": drive_folder}
    if service_account_file:
        values["credentials"] = {"service_account_file": path_for_config(service_account_file,
                                                                          config_path)}
    write_config(config_path, values)
    click.echo(f"wrote {config_path}: reports, dashboard and state will go to {output}", err=True)
    click.echo(f"run: impactsheets sync --config {config_path}", err=True)
    opens(Path(output) / "index.html", "after a sync: the dashboard of every site")


@click.command()
@click.option("--port", type=int, default=8765, show_default=True, help="Loopback port.")
@click.option("--load", type=click.Path(dir_okay=False, exists=True),
              help="Create a spreadsheet from this workbook.")
@click.option("--key", help="Spreadsheet key for --load (default: emulator-sheet).")
@reports_errors
def emulator(port: int, load: str | None, key: str | None) -> None:
    """Serve a local emulator of the Google Sheets v4 / Drive v3 endpoints on 127.0.0.1.

    Point the tool at it with IMPACTSHEETS_GOOGLE_EMULATOR=http://127.0.0.1:PORT.
    """
    from impactsheets.emulator import serve

    serve(port, load, key or ("emulator-sheet" if load else None))

"""The ``impactsheets`` command line: thin commands over the library.

Machine output (``--json``) goes to stdout, human messages to stderr. Exit codes (README,
"Exit codes"): 0 ok, 1 the data has errors, 2 usage error, 3 the tool cannot run,
4 configuration error, 5 Google Sheets/Drive access error, 6 some reports failed,
7 another run holds the lock, 8 e-mails could not be sent, 9 the output cannot be written,
70 internal error (the traceback is saved to a log file), 130 interrupted.

>>> from click.testing import CliRunner
>>> CliRunner().invoke(main, ["--version"]).output.startswith("impactsheets")
True
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import signal
import sqlite3
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from impactsheets import __version__
from impactsheets.errors import (
    EXIT_DATA_ERRORS,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_MAIL,
    EXIT_REPORTS_FAILED,
    ImpactsheetsError,
    OutputError,
    from_os_error,
)

if TYPE_CHECKING:  # a command imports what it needs when it runs: `--help` stays quick
    from impactsheets.validation import ValidationReport

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(func: F) -> F:
    """Turn any failure into one line on stderr and a documented exit code.

    Named exceptions carry their code; OS and SQLite errors (disk full, read-only folder…)
    exit 8 or 3; anything else is a bug: its traceback goes to a log file (in the output
    folder, else the current or the temporary folder) that the one line names, exit 70.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except ImpactsheetsError as exc:
            _fail(str(exc), exc.exit_code)
        except OSError as exc:
            error = from_os_error(exc)
            _fail(str(error), error.exit_code)
        except sqlite3.Error as exc:
            error = OutputError(f"state file: {exc}")
            _fail(str(error), error.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", EXIT_INTERRUPTED)
        except Exception as exc:
            saved = save_traceback(_output_folder(kwargs))
            summary = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
            _fail(f"internal error ({summary}); the details are in {saved}; please report it",
                  EXIT_INTERNAL)

    return wrapper  # type: ignore[return-value]


def _fail(message: str, code: int) -> None:
    """One line on stderr: line breaks become spaces; quoted text keeps its own spacing."""
    one_line = " ".join(part.strip() for part in message.splitlines() if part.strip())
    click.echo(f"impactsheets: error: {one_line}", err=True)
    sys.exit(code)


def _output_folder(kwargs: dict[str, Any]) -> Path | None:
    """The output folder of the failed command, when it has one."""
    if kwargs.get("out_dir") is not None:
        return Path(kwargs["out_dir"])
    if "config_path" in kwargs:
        try:
            from impactsheets.config import load_config

            return load_config(kwargs["config_path"]).output
        except Exception:
            return None
    return None


def save_traceback(folder: Path | None) -> Path | str:
    """Write the current exception's traceback to ``impactsheets-error-<time>.log`` in the
    first of ``folder``, the current folder and the temporary folder that can be written."""
    import tempfile

    from impactsheets.files import atomic_write

    name = f"impactsheets-error-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.log"
    text = (f"impactsheets {__version__}, Python {sys.version.split()[0]}\n"
            f"command: {' '.join(sys.argv)}\n\n{traceback.format_exc()}")
    for place in (folder, Path.cwd(), Path(tempfile.gettempdir())):
        if place is None:
            continue
        try:
            return atomic_write(place / name, text, 0o600)
        except OSError:
            continue
    return "(no folder could be written)"


def emit_json(data: Any) -> None:
    """Print ``data`` as JSON on stdout."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def print_problems(report: ValidationReport, limit: int | None = None) -> None:
    """The human table of problems and a one-line summary, on stderr, in the catalogue's
    language."""
    from impactsheets import messages

    lang = report.language
    shown = report.problems if limit is None else report.problems[:limit]
    for p in shown:
        where = p.cell or (messages.text("name-row", lang, row=p.row) if p.row
                           else messages.text("sheet", lang))
        severity = messages.text(f"severity-{p.severity}", lang)
        click.echo(f"{where:>8}  {severity:<7}  {p.code:<27}  {p.message}", err=True)
    if limit and len(report.problems) > limit:
        click.echo(messages.text("more", lang, count=len(report.problems) - limit), err=True)
    click.echo(report.summary_line(), err=True)


questionnaire_option = click.option(
    "--questionnaire", "questionnaire_path", type=click.Path(dir_okay=False),
    help="Questionnaire definition (YAML). Default: the bundled 'effets sociaux et urbains'.",
)
worksheet_option = click.option(
    "--worksheet", help="Worksheet name (default: the first one).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="impactsheets")
def main() -> None:
    """Validate "effets sociaux et urbains" answers, annotate the sheet, render site reports."""
    if hasattr(signal, "SIGXFSZ"):  # a file-size limit (ulimit -f) is an error, not a kill
        with contextlib.suppress(ValueError):  # (only the main thread may set handlers)
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


@main.command()
@click.argument("source")
@questionnaire_option
@worksheet_option
@json_option
@reports_errors
def validate(source: str, questionnaire_path: str | None, worksheet: str | None,
             as_json: bool) -> None:
    """Check every answer of SOURCE (.xlsx, .csv, or a Google Sheets URL or key).

    Exits 0 when there are no errors (warnings allowed), 1 when the data has errors.
    """
    from impactsheets.pipeline import validate_source

    _, report = validate_source(source, questionnaire_path, worksheet)
    if as_json:
        emit_json(report.to_json())
    print_problems(report, limit=None if as_json else 200)
    sys.exit(EXIT_DATA_ERRORS if report.errors else 0)


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("out/demo"), show_default=True, help="Output folder.")
@click.option("--smtp", metavar="HOST:PORT",
              help="Also run the nightly sync into OUT/sync and e-mail every site through this "
                   "mail server on this machine (e.g. python -m aiosmtpd -n -l localhost:8025).")
@json_option
@reports_errors
def demo(out_dir: Path, smtp: str | None, as_json: bool) -> None:
    """Run the whole pipeline on the bundled example workbook (no credentials, no network)."""
    from impactsheets.pipeline import run_demo

    result = run_demo(out_dir)
    mail = None
    if smtp:
        from impactsheets.notify.demo import demo_notify

        mail = (demo_notify(out_dir, smtp).notify or {})
    if as_json:
        emit_json({**result.to_json(), **({"notify": mail} if mail is not None else {})})
    print_problems(result.report, limit=0)
    for path in result.files:
        click.echo(f"wrote {path}", err=True)
    failed = report_outcome(result.reports, out_dir, open_hint=False)
    if mail is not None:
        click.echo(f"e-mails: {mail['error']}" if "error" in mail else
                   f"e-mails: {mail['sent']} sent to {smtp}, {mail['not_sent']} not sent "
                   "(no valid address)", err=True)
        opens(out_dir / "sync" / "summary.json", "what each site was sent (\"notify\")")
    opens(out_dir / "index.html", "the dashboard: every site, its problems, its report")
    if failed:
        sys.exit(EXIT_REPORTS_FAILED)
    if mail is not None and ("error" in mail or mail.get("failed")):
        sys.exit(EXIT_MAIL)


@main.command()
@click.argument("source")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Output folder; reports go to OUT/reports/<slug>.pdf.")
@click.option("--site", "sites", multiple=True, help="Only this site (repeatable).")
@click.option("--template", default="default", show_default=True,
              help="Template name (under templates/) or path.")
@questionnaire_option
@worksheet_option
@json_option
@reports_errors
def render(source: str, out_dir: Path, sites: tuple[str, ...], template: str,
           questionnaire_path: str | None, worksheet: str | None, as_json: bool) -> None:
    """Render one French PDF report per site of SOURCE.

    A row with errors gets a provisional report from its valid answers; an older duplicate
    submission gets none. Exits 6 when some reports failed.
    """
    from impactsheets.pipeline import render_source

    results = render_source(source, out_dir, sites=sites or None, template=template,
                            questionnaire=questionnaire_path, worksheet=worksheet)
    if as_json:
        emit_json([{"row": r.row, "site": r.site, "path": str(r.path) if r.path else None,
                    "provisional": r.provisional, "error": r.error} for r in results])
    if report_outcome(results, out_dir):
        sys.exit(EXIT_REPORTS_FAILED)


def report_outcome(results: list[Any], out_dir: Path, open_hint: bool = True) -> bool:
    """Say on stderr which reports failed and how many were written; True if some failed."""
    for r in results:
        if r.error:
            click.echo(f"failed: {r.site} (row {r.row}): {r.error}", err=True)
    done = [r for r in results if r.path]
    click.echo(f"wrote {len(done)} report{'s' if len(done) != 1 else ''} in {out_dir / 'reports'}"
               f" ({sum(r.provisional for r in done)} provisional)", err=True)
    if open_hint and len(done) == 1 and done[0].path is not None:
        opens(done[0].path, f"the report of {done[0].site}")
    elif open_hint and done:
        opens(out_dir / "reports", "one PDF per site")
    return any(r.error for r in results)


def opens(path: Path | str, what: str) -> None:
    """The last line of a writing command: what to open to see the result (a path under the
    current folder is shown relative to it)."""
    full = Path(path).resolve()
    try:
        shown = full.relative_to(Path.cwd().resolve())
    except ValueError:
        shown = full
    click.echo(f"open {shown}  ({what})", err=True)


def _export_path(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    if value.suffix.lower() not in (".csv", ".xlsx"):
        raise click.BadParameter("the file must end in .csv or .xlsx", ctx, param)
    return value


@main.command()
@click.argument("source")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              required=True, callback=_export_path,
              help="File to write: .csv (French Excel: ';', decimal comma) or .xlsx.")
@click.option("--long", "long_format", is_flag=True,
              help="One row per answer value (site, question, value) instead of one per site.")
@questionnaire_option
@worksheet_option
@reports_errors
def export(source: str, out_file: Path, long_format: bool, questionnaire_path: str | None,
           worksheet: str | None) -> None:
    """Export the current answers of SOURCE for analysts.

    One row per site and one column per question (a 0/1 column per option of a multiple
    choice), or with --long one row per answer value. Only valid answers are exported.
    """
    from impactsheets.network.export import export_answers

    result = export_answers(source, out_file, long=long_format, questionnaire=questionnaire_path,
                            worksheet=worksheet)
    click.echo(f"wrote {result.path}: {result.rows} rows, {result.columns} columns", err=True)
    opens(result.path, "the answers, in a spreadsheet or pandas")


@main.command()
@click.argument("source")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Output folder; the synthesis is OUT/synthese-reseau.pdf.")
@click.option("--template", default="default", show_default=True,
              help="Template name (under templates/) or path: fonts, colours, wording.")
@questionnaire_option
@worksheet_option
@reports_errors
def synthesis(source: str, out_dir: Path, template: str, questionnaire_path: str | None,
              worksheet: str | None) -> None:
    """Write the network synthesis of SOURCE: figures and charts across all sites (PDF)."""
    from impactsheets.pipeline import synthesis_source

    path = synthesis_source(source, out_dir, template=template, questionnaire=questionnaire_path,
                            worksheet=worksheet)
    click.echo(f"wrote {path}", err=True)
    opens(path, "the network synthesis")


@main.command()
@click.argument("source")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder to check: says whether each report file is there.")
@questionnaire_option
@worksheet_option
@json_option
@reports_errors
def sites(source: str, out_dir: Path | None, questionnaire_path: str | None,
          worksheet: str | None, as_json: bool) -> None:
    """List the sites of SOURCE: row, name, town, status and report file.

    The names listed are what --site of 'render' accepts (case, accents and apostrophes
    ignored, or the report's file name without .pdf).
    """
    from dataclasses import asdict

    from impactsheets.network.sites import list_sites
    from impactsheets.pipeline import validate_source
    from impactsheets.questionnaire import load_questionnaire

    loaded = load_questionnaire(questionnaire_path)
    _, report = validate_source(source, loaded, worksheet)
    lines = list_sites(report, loaded, out_dir)
    if as_json:
        emit_json([asdict(line) for line in lines])
    for line in lines:
        where = line.report or "—"
        if line.exists is False:
            where += " (not written yet)"
        click.echo(f"{line.row:>5}  {line.site[:40]:<40}  {line.town[:20]:<20}  "
                   f"{line.status[:28]:<28}  {where}", err=True)
    current = sum(1 for line in lines if line.report)
    click.echo(f"{current} site{'s' if current != 1 else ''}, "
               f"{len(lines) - current} superseded response"
               f"{'s' if len(lines) - current != 1 else ''}.", err=True)


@main.group()
def questionnaire() -> None:
    """Work with questionnaire definitions."""


@questionnaire.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
@reports_errors
def questionnaire_check(file: str) -> None:
    """Check a questionnaire definition FILE; exit 3 naming the line of the first problem."""
    from impactsheets.questionnaire import load_questionnaire

    q = load_questionnaire(file)
    click.echo(f"{file}: OK ({len(q.questions)} questions, {q.id} {q.version})", err=True)


@questionnaire.command("init")
@click.argument("source")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the draft definition (YAML).")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@worksheet_option
@reports_errors
def questionnaire_init(source: str, out_file: Path, force: bool, worksheet: str | None) -> None:
    """Draft a questionnaire definition from the response sheet SOURCE alone.

    Types, options, scales, grids and the site identity are guessed from the header and the
    answers; every guess is a '# guessed' comment in OUT to check. Exit 3 if OUT exists
    (without --force) or SOURCE cannot be read.
    """
    from impactsheets.questionnaire.draft import init_questionnaire

    path, count = init_questionnaire(source, out_file, worksheet, force)
    click.echo(f"wrote {path}: {count} questions; check the '# guessed' comments, then "
               f"'impactsheets validate {source} --questionnaire {path}'", err=True)


@questionnaire.command("import")
@click.argument("form")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the definition (YAML); default: standard output.")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@reports_errors
def questionnaire_import(form: str, out_file: Path | None, force: bool) -> None:
    """The exact definition of a Google Form: FORM is its edit link (…/forms/d/ID/edit), its
    ID (read with the configured credentials, scope forms.body.readonly) or a saved forms.get
    answer (.json).

    Types, options, "other", required, scales, grids, sections (as parts), their navigation
    (as asked_when) and entry ids come from the form. Exit 3 if OUT exists (without --force)
    or the .json is not a forms.get answer, 5 if the form cannot be read from Google.
    """
    from impactsheets.questionnaire.form_import import import_questionnaire

    text, count = import_questionnaire(form, out_file, force)
    if out_file is None:
        click.echo(text, nl=False)
        return
    click.echo(f"wrote {out_file}: {count} questions; give each a short label, then "
               f"'impactsheets validate SHEET --questionnaire {out_file}'", err=True)


@main.group("template")
def template_group() -> None:
    """Work with report templates."""


@template_group.command("check")
@click.argument("template")
@questionnaire_option
@reports_errors
def template_check(template: str, questionnaire_path: str | None) -> None:
    """Check a report TEMPLATE (name or path) against a questionnaire; exit 3 naming the
    file and line of the first problem (unknown question, topic or choice, bad wording)."""
    from impactsheets.questionnaire import load_questionnaire
    from impactsheets.report.template import load_template

    q = load_questionnaire(questionnaire_path)
    loaded = load_template(template, q)
    click.echo(f"{template}: OK ({len(loaded.topics)} topics, {len(loaded.refs)} references "
               f"checked against {q.id} {q.version})", err=True)


@main.command()
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


@main.command()
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


@main.command()
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


@main.command()
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


if __name__ == "__main__":  # pragma: no cover
    main()

"""Commands over one response sheet (SOURCE): validate, render, export, synthesis, sites, and
the demo on the bundled example.

>>> from click.testing import CliRunner
>>> CliRunner().invoke(validate, ["--help"]).output.startswith("Usage: validate [OPTIONS] SOURCE")
True
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from impactsheets.cli.failures import reports_errors
from impactsheets.cli.options import json_option, questionnaire_option, worksheet_option
from impactsheets.cli.output import emit_json, opens, print_problems, report_outcome
from impactsheets.errors import EXIT_DATA_ERRORS, EXIT_MAIL, EXIT_REPORTS_FAILED

__all__ = ["demo", "export", "render", "sites", "synthesis", "validate"]


@click.command()
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


@click.command()
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


@click.command()
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


def _export_path(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    if value.suffix.lower() not in (".csv", ".xlsx"):
        raise click.BadParameter("the file must end in .csv or .xlsx", ctx, param)
    return value


@click.command()
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


@click.command()
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


@click.command()
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

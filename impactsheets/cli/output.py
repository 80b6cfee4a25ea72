"""What commands print: JSON on stdout; problems, outcomes and what to open on stderr.

>>> emit_json({"sites": 2, "ville": "Montreuil-sur-Mer"})
{
  "sites": 2,
  "ville": "Montreuil-sur-Mer"
}
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:  # a command imports what it needs when it runs: `--help` stays quick
    from impactsheets.validation import ValidationReport

__all__ = ["emit_json", "opens", "print_problems", "report_outcome"]


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

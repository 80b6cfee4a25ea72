"""Commands on definitions: ``questionnaire check|init|import`` and ``template check``.

>>> sorted(questionnaire.commands), sorted(template_group.commands)
(['check', 'import', 'init'], ['check'])
"""

from __future__ import annotations

from pathlib import Path

import click

from impactsheets.cli.failures import reports_errors
from impactsheets.cli.options import questionnaire_option, worksheet_option

__all__ = ["questionnaire", "template_group"]


@click.group()
def questionnaire() -> None:
    """Work with questionnaire definitions."""


@questionnaire.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
@reports_errors
def questionnaire_check(file: str) -> None:
    """Check a questionnaire definition FILE; exit 3 naming the line of the first problem."""
    from impactsheets.questionnaire import load_questionnaire

    q = load_questionnaire(file)
    click.echo(f"{file}: OK ({q.counted()}; {q.id} {q.version})", err=True)


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

    path, drafted = init_questionnaire(source, out_file, worksheet, force)
    click.echo(f"wrote {path}: {drafted.counted()}; check the '# guessed' comments, then "
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

    text, imported = import_questionnaire(form, out_file, force)
    if out_file is None:
        click.echo(text, nl=False)
        return
    click.echo(f"wrote {out_file}: {imported.counted()}; give each a short label, then "
               f"'impactsheets validate SHEET --questionnaire {out_file}'", err=True)


@click.group("template")
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

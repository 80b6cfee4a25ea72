"""Options shared by several commands.

>>> json_option.__name__
'decorator'
"""

from __future__ import annotations

import click

__all__ = ["json_option", "questionnaire_option", "worksheet_option"]

questionnaire_option = click.option(
    "--questionnaire", "questionnaire_path", type=click.Path(dir_okay=False),
    help="Questionnaire definition (YAML). Default: the bundled 'effets sociaux et urbains'.",
)
worksheet_option = click.option(
    "--worksheet", help="Worksheet name (default: the first one).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")

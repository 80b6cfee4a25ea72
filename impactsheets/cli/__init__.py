"""The ``impactsheets`` command line: thin commands over the library.

Machine output (``--json``) goes to stdout, human messages to stderr. Exit codes (README,
"Exit codes"): 0 ok, 1 the data has errors, 2 usage error, 3 the tool cannot run,
4 configuration error, 5 Google Sheets/Drive access error, 6 some reports failed,
7 another run holds the lock, 8 e-mails could not be sent, 9 the output cannot be written,
70 internal error (the traceback is saved to a log file), 130 interrupted (Ctrl-C),
143 stopped by SIGTERM.

>>> from click.testing import CliRunner
>>> CliRunner().invoke(main, ["--version"]).output.startswith("impactsheets")
True
"""

from __future__ import annotations

import contextlib
import signal

import click

from impactsheets import __version__
from impactsheets.cli.definition_commands import questionnaire, template_group
from impactsheets.cli.failures import reports_errors, save_traceback
from impactsheets.cli.output import emit_json, opens, print_problems, report_outcome
from impactsheets.cli.source_commands import demo, export, render, sites, synthesis, validate
from impactsheets.cli.sync_commands import emulator, init, notify, sync

__all__ = ["emit_json", "main", "opens", "print_problems", "report_outcome", "reports_errors",
           "save_traceback"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="impactsheets")
def main() -> None:
    """Validate "effets sociaux et urbains" answers, annotate the sheet, render site reports."""
    if hasattr(signal, "SIGXFSZ"):  # a file-size limit (ulimit -f) is an error, not a kill
        with contextlib.suppress(ValueError):  # (only the main thread may set handlers)
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


for _command in (validate, demo, render, export, synthesis, sites, questionnaire, template_group,
                 sync, notify, init, emulator):
    main.add_command(_command)

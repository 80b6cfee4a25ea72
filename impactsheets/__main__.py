"""``python -m impactsheets``: the same as the ``impactsheets`` command."""

from impactsheets.cli.entry import run

run()

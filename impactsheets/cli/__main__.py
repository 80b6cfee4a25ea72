"""``python -m impactsheets.cli``: the same as the ``impactsheets`` command."""

from impactsheets.cli import main

main()

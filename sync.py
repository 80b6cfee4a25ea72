#!/usr/bin/env python3
"""Cron entry point: ``python sync.py ARGS`` behaves exactly like ``impactsheets sync ARGS``.

Example crontab line (every night at 02:30)::

    30 2 * * * cd /srv/impactsheets && .venv/bin/python sync.py --config config/sync.yaml
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from impactsheets.cli.entry import run

if __name__ == "__main__":
    run(args=["sync", *sys.argv[1:]], prog_name="sync.py")

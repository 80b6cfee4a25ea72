"""The nightly sync: read the sheet, validate, write problems back, render and deliver reports.

>>> run_sync(None)  # doctest: +SKIP
"""

from __future__ import annotations

from impactsheets.errors import ConfigError


def run_sync(config_path: str | None) -> None:
    """Run one sync described by ``config_path``."""
    raise ConfigError("the sync is not configured yet: pass --config FILE (see README, 'Nightly sync')")

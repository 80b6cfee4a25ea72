"""``impactsheets demo --smtp HOST:PORT``: the nightly sync of the example workbook, with its
e-mails sent to a mail server on this machine (``python -m aiosmtpd -n -l localhost:8025``
prints each message it receives).

>>> demo_config(Path("out/demo"), "localhost:8025").notify.smtp.port
8025
"""

from __future__ import annotations

from pathlib import Path

from impactsheets.config import SyncConfig
from impactsheets.errors import ConfigError
from impactsheets.pipeline import EXAMPLE_WORKBOOK
from impactsheets.sync import RunSummary, SyncOptions, run_sync

DEMO_SENDER = "Démo impactsheets <coordination@impactsheets.invalid>"


def demo_config(out_dir: Path, smtp: str) -> SyncConfig:
    """A sync of the demo's copy of the workbook into ``out_dir/sync``, e-mailing through
    ``smtp`` (a loopback ``HOST:PORT``, no encryption, no login)."""
    host, _, port = smtp.rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f"--smtp: expected HOST:PORT (e.g. localhost:8025), got {smtp!r}")
    return SyncConfig.from_dict({
        "source": str(out_dir / EXAMPLE_WORKBOOK), "output": str(out_dir / "sync"),
        "notify": {"from": DEMO_SENDER, "pause_seconds": 0, "min_interval_days": 0,
                   "smtp": {"host": host, "port": int(port), "security": "none"}},
    }, "demo --smtp", out_dir)


def demo_notify(out_dir: Path, smtp: str) -> RunSummary:
    """Run the sync (reports, annotated copy, dashboard) and send its e-mails."""
    config = demo_config(out_dir, smtp)
    assert config.notify is not None
    config.notify.smtp.check_security()  # only a server on this machine
    return run_sync(config, SyncOptions(jobs=None))

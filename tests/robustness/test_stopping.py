"""A run stopped from outside (issue 12): Ctrl-C, SIGTERM (what cron, systemd and ``timeout``
send) and SIGKILL, on the real command in a subprocess, with the production default (all
cores, render workers). Stopped by a signal it can catch, a run ends its workers, releases its
lock, removes its temporary files and prints one line with its documented exit code; killed,
it leaves temporary files that the next run removes. Recorded for ``figures.py``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from processes import alive, children
from test_environment import REPORTS, ROOT, check_failure, pdfs, setup, sync_process


def _sigint_default() -> None:
    """Ctrl-C as at a terminal: a background job (cron, ``cmd &``) starts with SIGINT ignored,
    and its Python would never see it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize(("sig", "code", "line"), [
    pytest.param(signal.SIGINT, 130, "interrupted", id="ctrl-c"),
    pytest.param(signal.SIGTERM, 143, "stopped by SIGTERM", id="sigterm"),
])
def test_a_stopped_run_ends_its_workers_and_exits_with_one_line(
        sig: signal.Signals, code: int, line: str, tmp_path: Path) -> None:
    """Ctrl-C or SIGTERM while the render workers draw: one line, exit 130 or 143, no worker
    left, the lock free, no temporary file; the next run completes."""
    config = setup(tmp_path)
    reports = tmp_path / "out" / "reports"
    for _ in range(3):  # a fast machine may finish before the signal: render everything again
        process = subprocess.Popen([sys.executable, str(ROOT / "sync.py"), "--config",
                                    str(config), "--full"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                   preexec_fn=_sigint_default)
        workers: set[int] = set()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None and not (
                workers and list(reports.glob("*.pdf"))):
            workers |= children(process.pid)
            time.sleep(0.01)
        process.send_signal(sig)
        _, stderr = process.communicate(timeout=60)
        if process.returncode != 0:
            break
    gone = time.monotonic() + 10
    while alive(workers) and time.monotonic() < gone:
        time.sleep(0.05)
    survivors = alive(workers)
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    check_failure("interrupted" if sig == signal.SIGINT else "sigterm", code, stderr,
                  process.returncode, tmp_path, line)
    assert workers and not survivors, (workers, survivors)
    lock = tmp_path / "out" / ".sync.lock"
    assert json.loads(lock.read_text() or "{}") == {}  # released: no owner recorded
    done = sync_process(config)
    assert done.returncode == 0, done.stderr
    assert len(pdfs(tmp_path)) == REPORTS


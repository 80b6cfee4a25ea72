"""A run stopped from outside (issue 12): Ctrl-C, SIGTERM (what cron, systemd and ``timeout``
send) and SIGKILL, on the real command in a subprocess, with the production default (all
cores, render workers). Stopped by a signal it can catch, a run ends its workers, releases its
lock, removes its temporary files and prints one line with its documented exit code; killed,
it leaves temporary files that the next run removes. Recorded for ``figures.py``.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
import yaml
from figures_log import record
from processes import alive, children
from test_environment import REPORTS, ROOT, check_failure, pdfs, setup, sync_process, temporaries

COMMAND = [sys.executable, "-c", "from impactsheets.cli import main; main()"]


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


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_killed_notify_dry_run_leaves_nothing_after_the_next_run(tmp_path: Path) -> None:
    """``notify --dry-run`` takes no lock and writes e-mail previews: killed at seeded moments
    while it writes them, the temporary files it leaves (and one planted as a killed writer
    leaves it) are gone after the next dry run, and every preview is complete."""
    config = setup(tmp_path)
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["notify"] = {"from": "Réseau <coordination@reseau.example.org>", "after_sync": False,
                      "smtp": {"host": "127.0.0.1", "port": 9, "security": "none"}}
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert sync_process(config).returncode == 0
    previews = tmp_path / "out" / "emails-preview"
    notify = [*COMMAND, "notify", "--config", str(config), "--dry-run"]
    started = time.monotonic()
    first = subprocess.run(notify, capture_output=True, text=True, timeout=180)
    assert first.returncode == 0, first.stderr
    expected = sorted(p.name for p in previews.glob("*.eml"))
    window = time.monotonic() - started
    rng = random.Random(3)
    kills = 0
    for _ in range(4):
        process = subprocess.Popen(notify, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        delay = rng.uniform(window * 0.5, window)
        time.sleep(delay)
        killed = process.poll() is None
        if killed:
            process.kill()
        _, err = process.communicate(timeout=60)
        record("kill", command="notify --dry-run", delay=round(delay, 3), killed=killed,
               workers=0, survivors=0, traceback=b"Traceback" in err)
        kills += 1
    planted = previews / f".0001-planted-report.eml.{_dead_pid()}.k1ll3d00.part"
    planted.write_bytes(b"From: half a message")
    again = subprocess.run(notify, capture_output=True, text=True, timeout=180)
    left = temporaries(tmp_path)
    record("env_fault", case="notify-dry-run-after-sigkill", exit=again.returncode,
           traceback="Traceback" in again.stderr, leftovers=len(left))
    assert again.returncode == 0, again.stderr
    assert left == [], left
    assert sorted(p.name for p in previews.glob("*.eml")) == expected
    for eml in previews.glob("*.eml"):  # each preview a whole message
        assert message_from_bytes(eml.read_bytes(), policy=default)["Subject"], eml
    for attempt in range(kills):
        record("kill_converged", attempt=attempt, command="notify --dry-run")


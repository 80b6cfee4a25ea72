"""Fault injection through the emulator (issue 6, section 2), and a sync killed many times.

Every call type (read, write-back, Drive upload) x every fault kind (429 storm, 500, 503,
slow answer beyond the timeout, dropped connection, malformed JSON). A run either completes
after bounded retries or stops with a clear one-line error; the sheet's answers are never
changed; the next run (faults gone) converges: every report present and valid, one Drive file
per site, the sheet annotated.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from figures_log import record
from pypdf import PdfReader

from impactsheets.config import SyncConfig
from impactsheets.emulator import Emulator
from impactsheets.errors import ImpactsheetsError, SheetAccessError
from impactsheets.feedback import PROBLEMS_SHEET
from impactsheets.google import endpoint, transport
from impactsheets.pipeline import EXAMPLE_WORKBOOK
from impactsheets.resources import data_path
from impactsheets.sync import SyncOptions, run_sync

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = data_path("examples", EXAMPLE_WORKBOOK)
KEY = "1RobustnessSheetKey0123456789abcdef"
WS = "Réponses au formulaire 1"
REPORTS = 13
CALLS = {  # call type -> (method, path regex) as the emulator sees the request
    "read": ("GET", r"^/v4/spreadsheets/[^/:]+$"),
    "write-back": ("POST", r":batchUpdate$"),
    "drive-upload": (None, r"^/upload/drive/"),
}
KINDS = ["429-storm", "429-storm-endless", "500", "503", "slow", "drop", "bad-json"]


@pytest.fixture
def fast_google(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short backoff and a 1 s read timeout, so storms and slow answers take little time."""
    monkeypatch.setattr(transport.RetryPolicy, "delay",
                        lambda self, attempt, retry_after=None: 0.005)
    monkeypatch.setitem(transport.authorized_session.__kwdefaults__, "timeout", (2.0, 1.0))


def setup_sheet(emu: Emulator) -> tuple[str, list[list[Any]]]:
    emu.load_xlsx(EXAMPLE, KEY)
    folder = emu.create_folder("Rapports")
    return folder, emu.sheet_values(KEY, WS)


def config_for(tmp_path: Path, folder: str) -> SyncConfig:
    return SyncConfig.from_dict({"source": f"https://docs.google.com/spreadsheets/d/{KEY}/edit",
                                 "output": str(tmp_path / "out"), "drive": {"folder_id": folder},
                                 "jobs": 1}, "test", tmp_path)


def answers(values: list[list[Any]], width: int) -> list[list[Any]]:
    """The answer area (the columns present before any write-back), padded with ""."""
    return [[("" if v is None else v) for v in row[:width]] + [""] * (width - len(row[:width]))
            for row in values]


def check_converged(emu: Emulator, tmp_path: Path, folder: str, before: list[list[Any]]) -> None:
    out = tmp_path / "out"
    pdfs = sorted((out / "reports").glob("*.pdf"))
    assert len(pdfs) == REPORTS
    for pdf in pdfs:
        assert PdfReader(pdf).pages
    assert not list(out.rglob("*.part")) and not list((out / "reports").glob(".*"))
    names = Counter(f["name"] for f in emu.drive_files(folder))
    assert names and max(names.values()) == 1, names  # no duplicate Drive file
    assert set(names) == {p.name for p in pdfs}
    width = len(before[0])
    after = emu.sheet_values(KEY, WS)
    changed = sum(a != b for ra, rb in zip(answers(after, width), answers(before, width),
                                           strict=True)
                  for a, b in zip(ra, rb, strict=False))
    record("answer_cells", case="faults", answer_cells_changed=changed)
    assert changed == 0
    assert PROBLEMS_SHEET in emu.sheet_titles(KEY)


def _cases() -> list[Any]:
    cases = []
    for call in CALLS:
        for kind in KINDS:  # (write-back, slow) was a bug: retried batchUpdate, fixed in 679d414
            cases.append(pytest.param(call, kind, id=f"{call}-{kind}"))
    return cases


@pytest.mark.parametrize(("call", "kind"), _cases())
def test_fault_then_next_run_converges(call: str, kind: str, emulator_env: Emulator,
                                       fast_google: None, tmp_path: Path) -> None:
    emu = emulator_env
    folder, before = setup_sheet(emu)
    method, regex = CALLS[call]
    times = {"429-storm": 3, "429-storm-endless": 1000}.get(kind, 2)
    action: int | str = {"429-storm": 429, "429-storm-endless": 429}.get(kind, kind)
    if kind in ("500", "503"):
        action = int(kind)
    emu.inject(action, times=times, method=method, path_regex=regex,
               delay_s=1.6 if kind == "slow" else None)
    config = config_for(tmp_path, folder)
    outcome, one_line, message = "completed", True, ""
    try:
        summary = run_sync(config, SyncOptions(jobs=1))
        if summary.failed:
            outcome = "reports-failed"
            assert all(f["error"] for f in summary.failures)
    except SheetAccessError as exc:
        outcome = "stopped"
        message = str(exc)
        one_line = "\n" not in message and len(message) < 400
    except ImpactsheetsError as exc:  # pragma: no cover - any other named error is a finding
        pytest.fail(f"unexpected error kind {type(exc).__name__}: {exc}")
    if kind == "429-storm":
        assert outcome == "completed"  # bounded retries absorb a short storm
    if kind == "429-storm-endless":
        assert outcome in ("stopped", "reports-failed")
    # The sheet is consistent whatever happened: its answers unchanged.
    width = len(before[0])
    assert answers(emu.sheet_values(KEY, WS), width) == answers(before, width)
    emu.clear_faults()
    time.sleep(0.05 if kind != "slow" else 1.7)  # let a slow handler finish
    summary = run_sync(config, SyncOptions(jobs=1))
    assert summary.failed == 0
    check_converged(emu, tmp_path, folder, before)
    record("fault", call=call, fault=kind, outcome=outcome, converged=True)
    assert one_line, f"the error is not one clear line: {message!r}"


def test_killed_sync_converges_every_time(emulator_env: Emulator, tmp_path: Path) -> None:
    """SIGKILL a real ``python sync.py`` at random moments, many times in a row (seeded);
    after each kill a full run converges: all PDFs valid, no partial file, no duplicate
    Drive file, answers unchanged. IMPACTSHEETS_SOAK_KILLS=200 for a longer soak."""
    emu = emulator_env
    folder, before = setup_sheet(emu)
    config_path = tmp_path / "sync.yaml"
    config_path.write_text(
        f"source: https://docs.google.com/spreadsheets/d/{KEY}/edit\n"
        f"output: {tmp_path / 'out'}\ndrive:\n  folder_id: {folder}\njobs: 1\n", encoding="utf-8")
    env = {**os.environ, endpoint.EMULATOR_ENV: emu.base_url}
    kills = int(os.environ.get("IMPACTSHEETS_SOAK_KILLS", "15"))
    rng = random.Random(6)
    command = [sys.executable, str(ROOT / "sync.py"), "--config", str(config_path)]
    state = tmp_path / "out" / "state.sqlite"
    started = time.monotonic()  # one full run (nothing rendered yet) sets the kill window
    subprocess.run(command, env=env, capture_output=True, timeout=120, check=True)
    window = time.monotonic() - started
    for attempt in range(kills):
        if attempt % 2 == 0:  # forget the state: every report and upload is redone
            state.unlink(missing_ok=True)
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
        delay = rng.uniform(0.05, window)
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        stderr = process.stderr.read().decode() if process.stderr else ""
        assert "Traceback" not in stderr, stderr
        record("kill", delay=round(delay, 3), killed=process.returncode == -signal.SIGKILL)
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        check_converged(emu, tmp_path, folder, before)
        record("kill_converged", attempt=attempt)

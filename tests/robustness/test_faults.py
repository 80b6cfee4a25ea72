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
from processes import alive, children
from pypdf import PdfReader
from snapshots import differences, snapshot

from impactsheets.config import SyncConfig
from impactsheets.emulator import Emulator
from impactsheets.errors import ImpactsheetsError, SheetAccessError
from impactsheets.feedback import problems_title
from impactsheets.google import endpoint, transport
from impactsheets.pipeline import EXAMPLE_WORKBOOK
from impactsheets.resources import data_path
from impactsheets.sync import SyncOptions, run_sync

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = data_path("examples", EXAMPLE_WORKBOOK)
KEY = "1RobustnessSheetKey0123456789abcdef"
WS = "Réponses au formulaire 1"
PROBLEMS_SHEET = problems_title(WS)
REPORTS = 13
CALLS = {  # call type -> (method, path regex) as the emulator sees the request
    "read": ("GET", r"^/v4/spreadsheets/[^/:]+$"),
    "write-back": ("POST", r":batchUpdate$"),
    "drive-upload": (None, r"^/upload/drive/"),
}
KINDS = ["429-storm", "429-storm-endless", "500", "503", "slow", "drop", "bad-json",
         "captive-portal"]


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
    # No "jobs": the production default (all cores) renders in worker processes.
    return SyncConfig.from_dict({"source": f"https://docs.google.com/spreadsheets/d/{KEY}/edit",
                                 "output": str(tmp_path / "out"), "drive": {"folder_id": folder}},
                                "test", tmp_path)


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
        summary = run_sync(config, SyncOptions())
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
    summary = run_sync(config, SyncOptions())
    assert summary.failed == 0
    check_converged(emu, tmp_path, folder, before)
    record("fault", call=call, fault=kind, outcome=outcome, converged=True)
    assert one_line, f"the error is not one clear line: {message!r}"


def test_killed_sync_converges_every_time(emulator_env: Emulator, tmp_path: Path) -> None:
    """SIGKILL a real ``python sync.py`` rendering with the production default (all cores,
    at least 2 workers) at seeded random moments, many times in a row. After each kill no
    process survives (the render workers die with it and release its output pipe), and the
    next run succeeds and converges. At the end, the output (PDFs, index, state rows, the
    sheet, the Drive listing) equals a clean run's, byte for byte.
    IMPACTSHEETS_SOAK_KILLS=200 for a longer soak."""
    emu = emulator_env
    folder, before = setup_sheet(emu)
    config_path = tmp_path / "sync.yaml"
    config_path.write_text(
        f"source: https://docs.google.com/spreadsheets/d/{KEY}/edit\n"
        f"output: {tmp_path / 'out'}\ndrive:\n  folder_id: {folder}\n", encoding="utf-8")
    env = {**os.environ, endpoint.EMULATOR_ENV: emu.base_url}
    kills = int(os.environ.get("IMPACTSHEETS_SOAK_KILLS", "20"))
    rng = random.Random(12)
    jobs = [] if (os.cpu_count() or 1) >= 2 else ["--jobs", "2"]  # the default, or 2 workers
    command = [sys.executable, str(ROOT / "sync.py"), "--config", str(config_path), *jobs]
    state = tmp_path / "out" / "state.sqlite"
    started = time.monotonic()  # one full run (nothing rendered yet) sets the kill window
    subprocess.run(command, env=env, capture_output=True, timeout=120, check=True)
    window = time.monotonic() - started
    with_workers = 0
    for attempt in range(kills):
        # Forget the state: every report and upload is redone (Drive files found by name),
        # and the run after the kill resumes from what the killed one committed.
        for leftover in (state, state.with_name("state.sqlite-wal"),
                         state.with_name("state.sqlite-shm")):
            leftover.unlink(missing_ok=True)
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        # Every other kill waits for the render workers, then strikes while they render.
        delay = rng.uniform(0.3, window) if attempt % 2 == 0 else rng.uniform(0.0, 0.4)
        workers: set[int] = set()
        if attempt % 2:
            waited = time.monotonic() + window * 2
            while not workers and time.monotonic() < waited and process.poll() is None:
                workers |= children(process.pid)
                time.sleep(0.01)
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline and process.poll() is None:
            workers |= children(process.pid)
            time.sleep(0.01)
        workers |= children(process.pid)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        # The pipes reach end-of-file: no worker keeps the sync's stdout or stderr open.
        _, err = process.communicate(timeout=30)
        stderr = err.decode()
        gone = time.monotonic() + 10
        while alive(workers) and time.monotonic() < gone:
            time.sleep(0.05)
        survivors = alive(workers)
        for pid in survivors:  # do not leave them running if the assertion below fails
            os.kill(pid, signal.SIGKILL)
        killed = process.returncode == -signal.SIGKILL
        with_workers += bool(workers) and killed
        record("kill", delay=round(delay, 3), killed=killed, workers=len(workers),
               survivors=len(survivors), traceback="Traceback" in stderr)
        assert "Traceback" not in stderr, stderr
        assert not survivors, f"render workers outlived the killed sync: {survivors}"
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        check_converged(emu, tmp_path, folder, before)
        record("kill_converged", attempt=attempt)
    assert with_workers >= kills // 4, "too few kills hit the sync while it rendered"
    assert not [p for pattern in (".*.part", ".*.tmp") for p in (tmp_path / "out").rglob(pattern)]

    # A clean run of the same sheet, in another spreadsheet, folder and output.
    clean_key = KEY[:-4] + "cafe"
    emu.load_xlsx(EXAMPLE, clean_key)
    clean_folder = emu.create_folder("Rapports propres")
    clean_config = tmp_path / "clean.yaml"
    clean_config.write_text(
        f"source: https://docs.google.com/spreadsheets/d/{clean_key}/edit\n"
        f"output: {tmp_path / 'clean'}\ndrive:\n  folder_id: {clean_folder}\n", encoding="utf-8")
    subprocess.run([sys.executable, str(ROOT / "sync.py"), "--config", str(clean_config), *jobs],
                   env=env, capture_output=True, timeout=120, check=True)
    soaked = snapshot(emu, KEY, folder, tmp_path / "out")
    clean = snapshot(emu, clean_key, clean_folder, tmp_path / "clean")
    differing = differences(soaked, clean)
    record("soak_compared", differences=differing)
    assert not differing, "the soaked output differs from a clean run's:\n" + "\n".join(differing)


def test_two_clean_runs_leave_the_same_output(emulator_env: Emulator, tmp_path: Path) -> None:
    """What the soak compares is a function of the sheet alone: two syncs of the same answers
    (other spreadsheet, Drive folder, output and process) leave the same PDFs, index,
    dashboard (apart from its run line), state rows, sheet and Drive listing."""
    emu = emulator_env
    taken = []
    for key, name in ((KEY, "one"), (KEY[:-4] + "cafe", "two")):
        emu.load_xlsx(EXAMPLE, key)
        folder = emu.create_folder(f"Rapports {name}")
        config = SyncConfig.from_dict({"source": key, "output": str(tmp_path / name),
                                       "drive": {"folder_id": folder}}, "test", tmp_path)
        assert run_sync(config, SyncOptions()).failed == 0
        taken.append(snapshot(emu, key, folder, tmp_path / name))
    assert "index.html" in taken[0]["files"]
    assert differences(*taken) == []

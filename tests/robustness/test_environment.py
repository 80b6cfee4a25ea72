"""The machine fails, not the data (issue 12): damaged state, full disk, file-size limit,
read-only or misplaced output, bad credentials, an emulator URL with no valid port, SQLite
errors, a render worker that dies, a bug, a stale lock, a dry run after a kill.

Each case runs the real command (in a subprocess where the fault is a process property) and
checks what users see: one line ``impactsheets: error: …`` and the documented exit code, no
traceback, no temporary file left, and the next run converging. Each case is recorded for
``figures.py`` ("environment faults").
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from figures_log import record

from impactsheets.cli import main
from impactsheets.errors import EXIT_CONFIG, EXIT_INTERNAL, EXIT_OUTPUT, EXIT_REPORTS_FAILED
from impactsheets.pipeline import EXAMPLE_WORKBOOK
from impactsheets.report import parallel
from impactsheets.resources import data_path
from impactsheets.sync import BATCH_REPORTS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = data_path("examples", EXAMPLE_WORKBOOK)
REPORTS = 13
TEMPORARY = (".*.part", ".*.tmp", ".annotated-*")


def temporaries(folder: Path) -> list[str]:
    """Temporary files the tool may have left anywhere under ``folder``."""
    return sorted(str(p.relative_to(folder)) for pattern in TEMPORARY
                  for p in folder.rglob(pattern))


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("impactsheets: error: ")]


def check_failure(case: str, code: int, stderr: str, exit_code: int, folder: Path,
                  expected: str | tuple[str, ...]) -> None:
    """One error line with ``expected`` (or one of them) in it, exit ``code``, no traceback,
    nothing left behind."""
    left = temporaries(folder)
    traceback = "Traceback" in stderr
    record("env_fault", case=case, exit=exit_code, traceback=traceback, leftovers=len(left))
    assert not traceback, stderr
    assert exit_code == code, stderr
    lines = error_lines(stderr)
    wanted = (expected,) if isinstance(expected, str) else expected
    assert len(lines) == 1 and any(text in lines[0] for text in wanted), stderr
    assert left == [], left


def setup(tmp_path: Path, **extra: Any) -> Path:
    source = tmp_path / "reponses.xlsx"
    shutil.copyfile(EXAMPLE, source)
    values = {"source": str(source), "output": str(tmp_path / "out"), **extra}
    config = tmp_path / "sync.yaml"
    config.write_text(json.dumps(values), encoding="utf-8")
    return config


def sync(config: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["sync", "--config", str(config), "--json", *args])


def sync_process(config: Path, *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "sync.py"), "--config", str(config),
                           "--json", *args], capture_output=True, text=True, timeout=180,
                          **kwargs)


def pdfs(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "out" / "reports").glob("*.pdf"))


# --- the state file ---------------------------------------------------------------------------


def _garbage(path: Path) -> None:
    path.write_bytes(b"\x00\x13not a database at all" * 300)


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _foreign(path: Path) -> None:
    path.unlink()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO users (name) VALUES ('ada')")
    db.close()


def _foreign_sites(path: Path) -> None:
    path.unlink()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE sites (id INTEGER PRIMARY KEY, city TEXT)")
    db.close()


def _directory(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "x").write_text("x")


DAMAGE = {"state-corrupt": _garbage, "state-truncated": _truncated, "state-foreign": _foreign,
          "state-foreign-sites-table": _foreign_sites, "state-directory": _directory}


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_damaged_state_is_moved_aside_and_everything_rendered(case: str, tmp_path: Path) -> None:
    config = setup(tmp_path)
    assert sync(config).exit_code == 0
    state = tmp_path / "out" / "state.sqlite"
    for companion in ("-wal", "-shm"):
        assert not state.with_name(state.name + companion).exists()
    DAMAGE[case](state)
    before = sorted(p.name for p in (tmp_path / "out").iterdir())
    dry = sync(config, "--dry-run")  # a dry run only says it
    assert dry.exit_code == 0, dry.output
    assert len(json.loads(dry.stdout)["would_render"]) == REPORTS
    assert "is damaged" in dry.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == before

    result = sync(config)
    record("env_fault", case=case, exit=result.exit_code,
           traceback=result.exception is not None and not isinstance(result.exception, SystemExit),
           leftovers=len(temporaries(tmp_path)))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["rendered"] == REPORTS and summary["failed"] == 0
    said = [line for line in result.stderr.splitlines() if "was damaged" in line]
    assert len(said) == 1, result.stderr  # said once
    aside = list((tmp_path / "out").glob("state.sqlite.damaged-*"))
    assert len(aside) == 1 and said[0].endswith(
        f"moved to {aside[0].name}; a new one is built and every report is rendered again")
    again = sync(config)  # the new state works: nothing to do
    assert json.loads(again.stdout)["skipped"] == REPORTS
    assert temporaries(tmp_path) == []


def test_other_sqlite_error_is_one_line_exit_8(tmp_path: Path) -> None:
    """The state database locked by another program: SQLite gives up after its timeout."""
    config = setup(tmp_path)
    assert sync(config).exit_code == 0
    holder = sqlite3.connect(tmp_path / "out" / "state.sqlite", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = sync(config, "--full")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    check_failure("sqlite-locked", EXIT_OUTPUT, result.stderr, result.exit_code, tmp_path,
                  "database is locked")
    assert sync(config).exit_code == 0


# --- the output folder ------------------------------------------------------------------------


def _namespace_available() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                            "mount -t tmpfs -o size=64k tmpfs /mnt"], capture_output=True)
    return probe.returncode == 0


needs_namespace = pytest.mark.skipif(
    not _namespace_available(),
    reason="needs unshare --user --mount to mount a small or read-only tmpfs (user namespaces)")


def in_namespace(script: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """Run ``script`` (sh) where ``folder`` is a tmpfs that only this script sees."""
    return subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                           script, "sh", str(folder), sys.executable, str(ROOT / "sync.py")],
                          capture_output=True, text=True, timeout=300)


def _sections(output: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    name = ""
    for line in output.splitlines(keepends=True):
        if line.startswith("=== "):
            name = line[4:].strip()
            parts[name] = ""
        elif name:
            parts[name] += line
    return parts


@needs_namespace
def test_disk_full_stops_with_one_line_and_the_next_run_completes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    config = setup(tmp_path)
    script = f"""
mount -t tmpfs -o size=160k tmpfs "$1" || exit 99
"$2" "$3" --config {config} --json >/dev/null 2>"$1/../stderr-1"; c=$?; echo "=== code1"; echo $c
echo "=== left1"; find "$1" -name '.*.part' -o -name '.*.tmp' -o -name '.annotated-*'
mount -o remount,size=20m "$1"
"$2" "$3" --config {config} --json >/dev/null 2>"$1/../stderr-2"; c=$?; echo "=== code2"; echo $c
echo "=== pdfs"; ls "$1/reports" | grep -c '\\.pdf$'
echo "=== left2"; find "$1" -name '.*.part' -o -name '.*.tmp' -o -name '.annotated-*'
"""
    done = in_namespace(script, out)
    parts = _sections(done.stdout)
    stderr = (tmp_path / "stderr-1").read_text()
    left = parts["left1"].split() + parts["left2"].split()
    record("env_fault", case="disk-full", exit=int(parts["code1"]), traceback="Traceback" in stderr,
           leftovers=len(left))
    assert int(parts["code1"]) == EXIT_OUTPUT, stderr
    assert "Traceback" not in stderr
    lines = error_lines(stderr)
    assert len(lines) == 1 and ("No space left on device (disk full)" in lines[0]
                                or "database or disk is full" in lines[0]), stderr
    assert left == []
    assert int(parts["code2"]) == 0, (tmp_path / "stderr-2").read_text()
    assert int(parts["pdfs"]) == REPORTS


@needs_namespace
def test_read_only_output_folder_is_one_line_exit_8(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    config = setup(tmp_path)
    script = f"""
mount -t tmpfs -o ro,size=1m tmpfs "$1" || exit 99
"$2" "$3" --config {config} --json >/dev/null 2>"$1/../stderr"; c=$?; echo "=== code"; echo $c
"""
    parts = _sections(in_namespace(script, out).stdout)
    check_failure("output-read-only", EXIT_OUTPUT, (tmp_path / "stderr").read_text(),
                  int(parts["code"]), tmp_path,
                  f"cannot write {out / '.sync.lock'}: Read-only file system")


def test_file_size_limit_is_one_line_exit_8(tmp_path: Path) -> None:
    """``ulimit -f 16`` (16 KB): a report or the state's write-ahead log grows beyond it, and
    the write fails with EFBIG (SIGXFSZ is ignored, so the process is not killed)."""
    config = setup(tmp_path)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, 16 * 1024))

    done = sync_process(config, preexec_fn=limit)
    check_failure("file-size-limit", EXIT_OUTPUT, done.stderr, done.returncode, tmp_path,
                  ("File too large (file-size limit reached (ulimit -f))",
                   "state.sqlite: disk I/O error"))
    again = sync_process(config)
    assert again.returncode == 0, again.stderr
    assert len(pdfs(tmp_path)) == REPORTS


def test_output_path_that_is_a_file_is_one_line_exit_8(tmp_path: Path) -> None:
    config = setup(tmp_path)
    (tmp_path / "out").write_text("not a folder")
    result = sync(config)
    check_failure("output-is-a-file", EXIT_OUTPUT, result.stderr, result.exit_code, tmp_path,
                  f"output folder {tmp_path / 'out'} is a file, not a folder")
    # (``render --out FILE`` and ``demo --out FILE`` are usage errors: click checks them, exit 2.)
    render = CliRunner().invoke(main, ["render", str(EXAMPLE), "--out", str(tmp_path / "out")])
    assert render.exit_code == 2 and "is a file" in render.stderr


# --- credentials and the emulator address -------------------------------------------------


@pytest.mark.parametrize(("case", "content", "expected"), [
    ("credentials-not-utf8", b"\xff\xfe{\x00\x93 key", "(not UTF-8 text)"),
    ("credentials-not-json", b"-----BEGIN PRIVATE KEY-----\nMIIE\n", "credentials file is not JSON"),
])
def test_bad_credentials_file_is_one_line_exit_4(case: str, content: bytes, expected: str,
                                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                 ) -> None:
    monkeypatch.delenv("IMPACTSHEETS_GOOGLE_EMULATOR", raising=False)
    key = tmp_path / "key.json"
    key.write_bytes(content)
    config = setup(tmp_path, source="https://docs.google.com/spreadsheets/d/1AbcAbcAbcAbcAbcAbcAbcAbcAbc/edit",
                   credentials={"service_account_file": str(key)})
    result = sync(config)
    check_failure(case, EXIT_CONFIG, result.stderr, result.exit_code, tmp_path,
                  f"{expected}: {key}" if case.endswith("json") else expected)
    assert "MIIE" not in result.output


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999", "http://127.0.0.1:port"])
def test_emulator_url_with_an_invalid_port_is_one_line_exit_4(url: str, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMPACTSHEETS_GOOGLE_EMULATOR", url)
    result = CliRunner().invoke(main, ["validate", "1AbcAbcAbcAbcAbcAbcAbcAbcAbc"])
    check_failure(f"emulator-port-{url.rsplit(':', 1)[1]}", EXIT_CONFIG, result.stderr,
                  result.exit_code, tmp_path,
                  f"IMPACTSHEETS_GOOGLE_EMULATOR must be an http://127.0.0.1:PORT URL, got '{url}'")


# --- processes ------------------------------------------------------------------------------


def test_a_render_worker_that_dies_fails_its_sites_not_the_run(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    """A worker killed (the out-of-memory killer…) breaks the pool: the sites not yet rendered
    fail with one error each (exit 6), the rest is delivered, and the next run renders them."""
    config = setup(tmp_path)
    real = parallel.render_site

    def dies_on_arsenal(response: Any, *args: Any) -> bytes:
        if response.site == "Arsenal":
            os._exit(9)
        return real(response, *args)

    monkeypatch.setattr(parallel, "render_site", dies_on_arsenal)  # inherited by the forks
    # Two workers even on a one-core machine (where the default would render in-process).
    result = sync(config, "--jobs", "2")
    summary = json.loads(result.stdout)
    record("env_fault", case="broken-process-pool", exit=result.exit_code,
           traceback=result.exception is not None and not isinstance(result.exception, SystemExit),
           leftovers=len(temporaries(tmp_path)))
    assert result.exit_code == EXIT_REPORTS_FAILED, result.output
    assert summary["failed"] >= 1 and summary["rendered"] + summary["failed"] == REPORTS
    assert {f["error"] for f in summary["failures"]} == {parallel.WORKER_DIED}
    assert "a rendering process died" in result.stderr
    monkeypatch.setattr(parallel, "render_site", real)
    again = sync(config, "--jobs", "2")
    assert again.exit_code == 0, again.output
    assert len(pdfs(tmp_path)) == REPORTS
    assert temporaries(tmp_path) == []


def test_a_bug_exits_70_and_saves_its_traceback_in_the_output_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = setup(tmp_path)

    def bug(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("an unexpected bug\nover two lines")

    monkeypatch.setattr("impactsheets.sync.validate", bug)
    result = sync(config)
    logs = list((tmp_path / "out").glob("impactsheets-error-*.log"))
    check_failure("internal-error", EXIT_INTERNAL, result.stderr, result.exit_code, tmp_path,
                  "internal error (RuntimeError: an unexpected bug over two lines); the details "
                  f"are in {logs[0] if logs else '?'}; please report it")
    text = logs[0].read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and 'raise RuntimeError' in text
    assert oct(logs[0].stat().st_mode & 0o777) == "0o600"


def test_a_bug_without_an_output_folder_saves_its_traceback_in_the_current_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    def bug(*args: Any, **kwargs: Any) -> None:
        raise KeyError("missing")

    monkeypatch.setattr("impactsheets.pipeline.read_table_soon", bug)
    result = CliRunner().invoke(main, ["validate", str(EXAMPLE)])
    logs = list(tmp_path.glob("impactsheets-error-*.log"))
    check_failure("internal-error-no-output", EXIT_INTERNAL, result.stderr, result.exit_code,
                  tmp_path, f"the details are in {logs[0] if logs else '?'}")
    assert result.exit_code != 1  # exit 1 means only "the data has errors"


def test_lock_of_a_dead_run_is_taken_over(tmp_path: Path) -> None:
    """The lock file records a run that died (its pid now free) and a process it left behind
    still holds the file: the next run takes the lock over instead of exiting 7 for ever."""
    config = setup(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    lock = out / ".sync.lock"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock.write_text(json.dumps({"pid": dead.pid, "start": "1", "host": os.uname().nodename,
                                "time": "2026-11-01T02:30:00Z"}))
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys, time\n"
        f"fd = os.open({str(lock)!r}, os.O_RDWR)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(120)\n")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        old = time.time() - 60
        os.utime(lock, (old, old))
        result = sync(config)
    finally:
        holder.kill()
        holder.wait()
    record("env_fault", case="stale-lock", exit=result.exit_code, traceback=False,
           leftovers=len(temporaries(tmp_path)))
    assert result.exit_code == 0, result.output
    assert "held by a leftover process of a dead run" in result.stderr
    assert json.loads(lock.read_text() or "{}") == {}  # released at the end


def test_lock_of_a_live_run_is_respected(tmp_path: Path) -> None:
    """A record naming a live run whose lock is held: exit 7, naming that run."""
    config = setup(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys; from pathlib import Path; from impactsheets.runlock import RunLock\n"
        f"lock = RunLock(Path({str(out / '.sync.lock')!r})); lock.acquire()\n"
        "print('held', flush=True); sys.stdin.read()\n")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        result = sync(config)
    finally:
        holder.kill()
        holder.wait()
    check_failure("live-lock", 7, result.stderr, result.exit_code, tmp_path,
                  f"another impactsheets sync is running on {out} (pid {holder.pid} since ")


# --- dry run after a kill and during a run ------------------------------------------------------


def big_source(tmp_path: Path, copies: int = 12) -> Path:
    from openpyxl import load_workbook

    book = load_workbook(EXAMPLE)
    sheet = book.worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2, max_row=8)]
    for i in range(copies):
        for row in rows:
            sheet.append([row[0], f"{row[1]} {i}", *row[2:]])
    path = tmp_path / "big.xlsx"
    book.save(path)
    return path


def _start(config: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, str(ROOT / "sync.py"), "--config", str(config)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for_pdfs(tmp_path: Path, count: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(pdfs(tmp_path)) < count:
        time.sleep(0.005)


def test_dry_run_after_a_sigkill_reads_the_killed_runs_commits(tmp_path: Path) -> None:
    config = setup(tmp_path, source=str(big_source(tmp_path)))
    process = _start(config)
    _wait_for_pdfs(tmp_path, 10)
    process.kill()
    process.wait()
    out = tmp_path / "out"
    assert (out / "state.sqlite-wal").exists()  # the killed run's commits are in the log
    # Nothing written, but SQLite's own shared-memory index, which a reader of the log uses.
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if not p.name.endswith("-shm")}
    dry = sync(config, "--dry-run")
    record("env_fault", case="dry-run-after-sigkill", exit=dry.exit_code,
           traceback=dry.exception is not None and not isinstance(dry.exception, SystemExit),
           leftovers=0)
    assert dry.exit_code == 0, dry.output
    would = json.loads(dry.stdout)["would_render"]
    done = set(pdfs(tmp_path))
    assert 0 < len(would) < len(done) + len(would)
    # A PDF is put in place just before its batch's states are committed (the reverse could
    # leave an old PDF recorded as current): a kill in between leaves at most one batch of
    # PDFs on disk that the state does not know yet, which the next run renders again.
    assert len({Path(w).name for w in would} & done) <= BATCH_REPORTS
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if not p.name.endswith("-shm")} == before
    real = sync(config)
    assert real.exit_code == 0, real.output
    assert json.loads(real.stdout)["rendered"] == len(would)
    assert temporaries(tmp_path) == []


def test_dry_run_while_another_run_is_active(tmp_path: Path) -> None:
    config = setup(tmp_path, source=str(big_source(tmp_path)))
    process = _start(config)
    try:
        _wait_for_pdfs(tmp_path, BATCH_REPORTS + 10)  # states are committed a batch at a time
        dry = sync(config, "--dry-run")
        running = process.poll() is None
    finally:
        process.wait(timeout=180)
    record("env_fault", case="dry-run-during-run", exit=dry.exit_code,
           traceback=dry.exception is not None and not isinstance(dry.exception, SystemExit),
           leftovers=len(temporaries(tmp_path)))
    assert dry.exit_code == 0, dry.output
    summary = json.loads(dry.stdout)
    assert summary["skipped"] >= 10 or not running  # sees the running sync's commits
    assert process.returncode == 0
    assert temporaries(tmp_path) == []


def test_every_exit_code_is_documented_in_the_readme() -> None:
    """The README's "Exit codes" table lists exactly the codes the tool uses."""
    from impactsheets import errors

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("### Exit codes", 1)[1].split("\n\n", 2)[1]
    documented = {int(line.split("|")[1]) for line in table.splitlines()
                  if line.startswith("| ") and line.split("|")[1].strip().isdigit()}
    used = {value for name, value in vars(errors).items() if name.startswith("EXIT_")}
    assert documented == used

"""``impactsheets sync`` on a Google Sheet (the emulator): write-back, request budget, Drive
delivery without duplicates, transient and fatal API errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_demo import EXPECTED_MARKS
from test_gsheets_writeback import WS, cells, colour_hex, marked, put_raw, url

from impactsheets.cli import main
from impactsheets.emulator import Emulator
from impactsheets.feedback import COLOURS, NOTE_MARK, problems_title

REPORTS = 13


def config(tmp_path: Path, source: str, **extra: str) -> Path:
    lines = [f"source: '{source}'", f"output: {tmp_path / 'out'}"]  # all cores, as in production
    lines += [f"{k}: {v}" for k, v in extra.items()]
    path = tmp_path / "sync.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sync(path: Path):
    result = CliRunner().invoke(main, ["sync", "--config", str(path), "--json"])
    summary = json.loads(result.stdout) if result.stdout.strip() else None
    return result, summary


def test_sync_writes_back_exactly_then_a_second_run_costs_one_request(
        google_example: str, emulator_env: Emulator, tmp_path: Path) -> None:
    before = cells(emulator_env, google_example)
    path = config(tmp_path, url(google_example))
    result, first = sync(path)
    assert result.exit_code == 0, result.output
    assert first["rendered"] == REPORTS and first["api_requests"] == 5
    headers = emulator_env.sheet_values(google_example, WS)[0]
    # Without Drive delivery the shared sheet gets no local file paths: no "Rapport PDF" column.
    assert headers[-2:] == ["Statut", "Problèmes"]
    assert "Rapport PDF" not in headers
    marks = marked(cells(emulator_env, google_example), headers.index("Statut") + 1)
    assert {ref: colour_hex(c) for ref, c in marks.items()} == {
        ref: COLOURS[severity] for ref, severity in EXPECTED_MARKS.items()}
    assert all(c["note"].startswith(NOTE_MARK) for c in marks.values())
    after = cells(emulator_env, google_example)
    for ref, cell in before.items():
        assert after[ref].get("userEnteredValue") == cell.get("userEnteredValue"), ref
    assert problems_title(WS) in emulator_env.sheet_titles(google_example)
    emulator_env.reset_requests()
    result, second = sync(path)
    assert result.exit_code == 0
    assert (second["rendered"], second["api_requests"]) == (0, 2)  # the read shows all is done
    assert [r["method"] for r in emulator_env.requests()] == ["GET", "GET"]


def test_drive_delivery_links_updates_and_no_duplicates(
        google_example: str, emulator_env: Emulator, tmp_path: Path) -> None:
    folder = emulator_env.create_folder("Rapports", drive_id="0ASharedDrive")
    path = config(tmp_path, url(google_example), drive=f"{{folder_id: {folder}}}")
    result, first = sync(path)
    assert result.exit_code == 0, result.output
    files = {f["name"]: f for f in emulator_env.drive_files(folder)}
    assert len(files) == first["uploaded"] == REPORTS
    rows = emulator_env.sheet_values(google_example, WS)
    link_col = rows[0].index("Rapport PDF")
    links = {row[link_col] for row in rows[1:] if len(row) > link_col and row[link_col]}
    assert links == {f["webViewLink"] for f in files.values()}
    ids = {name: f["id"] for name, f in files.items()}
    versions = {f["id"]: f["version"] for f in emulator_env.drive_files(folder)}
    put_raw(google_example, "G3", 1234)  # one answer of one site changes (its surface)
    result, second = sync(path)
    assert (result.exit_code, second["rendered"], second["uploaded"]) == (0, 1, 1)
    assert {f["name"]: f["id"] for f in emulator_env.drive_files(folder)} == ids  # no new file
    changed = [f for f in emulator_env.drive_files(folder) if f["version"] != versions[f["id"]]]
    assert [f["name"] for f in changed] == [n for n in ids if "friche" in n]  # updated in place
    # a run killed after the uploads but before its state was saved: state lost
    (tmp_path / "out" / "state.sqlite").unlink()
    before = {f["name"]: f["id"] for f in emulator_env.drive_files(folder)}
    result, third = sync(path)
    assert (result.exit_code, third["rendered"]) == (0, REPORTS)
    assert {f["name"]: f["id"] for f in emulator_env.drive_files(folder)} == before


def test_a_429_is_retried_and_the_sync_succeeds(google_example: str, emulator_env: Emulator,
                                                tmp_path: Path) -> None:
    emulator_env.inject(429, times=1, path_regex=":batchUpdate$")
    emulator_env.inject(429, times=1, method="GET")
    result, summary = sync(config(tmp_path, url(google_example)))
    assert result.exit_code == 0, result.output
    assert summary["api_requests"] == 7  # 5 + the two retried
    assert "note" in cells(emulator_env, google_example)["F7"]


def test_a_503_storm_exits_5_and_leaves_the_sheet_unchanged(
        google_example: str, emulator_env: Emulator, tmp_path: Path) -> None:
    before = cells(emulator_env, google_example)
    emulator_env.inject(503, times=50, path_regex=":batchUpdate$")
    result, _ = sync(config(tmp_path, url(google_example)))
    assert result.exit_code == 5
    assert "failed: HTTP 503 (after 1 attempt)" in result.stderr  # a write is never resent
    assert sum(":batchUpdate" in r["path"] for r in emulator_env.requests()) == 1
    emulator_env.clear_faults()
    assert cells(emulator_env, google_example) == before
    assert emulator_env.sheet_titles(google_example) == [WS]


@pytest.mark.parametrize("case", ["private", "missing"])
def test_sync_access_errors_exit_5(google_example: str, emulator_env: Emulator, tmp_path: Path,
                                   case: str) -> None:
    source = url(google_example)
    if case == "private":
        emulator_env.make_private(google_example)
    else:
        source = url("1NoSuchSpreadsheet000000000000")
    result, _ = sync(config(tmp_path, source))
    assert result.exit_code == 5
    assert ("not shared with" if case == "private" else "spreadsheet not found") in result.stderr

"""Replay real Google API exchanges (gspread's recorded cassettes) against the emulator.

Each recording in ``../shared/google-api-recordings/`` (outside the repository, never copied
into it) is replayed request by request, in order. Spreadsheet/file ids, sheet ids and protected
range ids that Google generated are mapped to the ones the emulator generates as they appear.
For every exchange we compare the status code, the JSON structure (same keys, recursively, same
list lengths) and the values -- ignoring timestamps and URLs that embed ids.

Recordings listed in ``EXCLUDED`` use features the emulator deliberately does not implement;
each has its reason. Everything else in the folder must replay fully.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import requests

from impactsheets.emulator import Emulator

RECORDINGS = Path(__file__).resolve().parents[2] / "shared" / "google-api-recordings"

EXCLUDED: dict[str, str] = {
    "CellTest.test_define_named_range": "named ranges (addNamedRange) not emulated",
    "CellTest.test_delete_named_range": "named ranges (deleteNamedRange) not emulated",
    "CellTest.test_update_named_range": "named ranges (updateNamedRange) not emulated",
    "CellTest.test_merge_cells": "merged-cell grid data and merge-aware reads not emulated",
    "ClientTest.test_copy": "Drive files.copy and comments not emulated",
    "ClientTest.test_import_csv": "Drive v2 upload (import_csv) not emulated",
    "WorksheetTest.test_copy_cut_range": "copyPaste/cutPaste not emulated",
    "WorksheetTest.test_group_columns": "dimension groups not emulated",
    "WorksheetTest.test_group_rows": "dimension groups not emulated",
    "WorksheetTest.test_sort": "sortRange not emulated",
    "WorksheetTest.test_batch_merged_cells": "merged-cell grid data not emulated",
    "WorksheetTest.test_get_merge_cells_and_unmerge_cells": "merged-cell metadata not emulated",
    "WorksheetTest.test_get_values_and_combine_merged_cells": "merged-cell metadata not emulated",
    "WorksheetTest.test_get_values_merge_cells_from_centre_of_sheet": "merges not emulated",
    "WorksheetTest.test_get_values_merge_cells_outside_of_range": "merges not emulated",
    "WorksheetTest.test_get_values_merge_cells_with_named_range": "named ranges not emulated",
    "WorksheetTest.test_auto_resize_columns": "column pixel sizes (autoResize) not emulated",
    "ClientTest.test_openall": "lists spreadsheets left in the recording account by other runs",
    "ClientTest.test_open_all_has_metadata": "lists spreadsheets left in the recording account by other runs",
}

ID_KEYS = {"id", "spreadsheetId"}
INT_ID_KEYS = {"sheetId", "protectedRangeId"}
SA_SUFFIX = ".iam.gserviceaccount.com"
IGNORED_KEYS = {"createdTime", "modifiedTime", "spreadsheetUrl", "webViewLink", "etag"}


def _recordings() -> list[str]:
    if not RECORDINGS.is_dir():
        return []
    return sorted(p.stem for p in RECORDINGS.glob("*.json"))


ALL = _recordings()
REPLAYED = [name for name in ALL if name not in EXCLUDED]


class Replayer:
    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.ids: dict[str, str] = {}
        self.int_ids: dict[int, int] = {}
        self.http = requests.Session()

    # --- id mapping ---------------------------------------------------------------------------
    def map_text(self, text: str) -> str:
        for old, new in self.ids.items():
            text = text.replace(old, new)
        return text

    def map_json(self, obj: Any) -> Any:
        if isinstance(obj, dict):
            return {
                k: (self.int_ids.get(v, v) if k in INT_ID_KEYS and isinstance(v, int) else self.map_json(v))
                for k, v in obj.items()
            }
        if isinstance(obj, list):
            return [self.map_json(x) for x in obj]
        if isinstance(obj, str):
            return self.map_text(obj)
        return obj

    def learn(self, expected: Any, actual: Any) -> None:
        if isinstance(expected, dict) and isinstance(actual, dict):
            for k, v in expected.items():
                if k not in actual:
                    continue
                if k in ID_KEYS and isinstance(v, str) and isinstance(actual[k], str):
                    self.ids.setdefault(v, actual[k])
                elif k in INT_ID_KEYS and isinstance(v, int) and isinstance(actual[k], int):
                    self.int_ids.setdefault(v, actual[k])
                else:
                    self.learn(v, actual[k])
        elif isinstance(expected, list) and isinstance(actual, list):
            for e, a in zip(expected, actual, strict=False):
                self.learn(e, a)

    # --- replay -------------------------------------------------------------------------------
    def prepare_unknown_ids(self, uri: str, status: int) -> None:
        m = re.search(r"/spreadsheets/([A-Za-z0-9_-]{20,})", uri)
        if m and m.group(1) not in self.ids and status == 403:
            self.emu.make_private(m.group(1))
            self.ids[m.group(1)] = m.group(1)

    def send(self, req: dict[str, Any]) -> requests.Response:
        uri = self.map_text(req["uri"])
        url = re.sub(r"^https://[^/]+", self.emu.base_url, uri)
        body = req.get("body")
        headers = {"Authorization": "Bearer recorded-token"}
        for name, vals in (req.get("headers") or {}).items():
            if name.lower() == "content-type":
                headers["Content-Type"] = vals[0]
        data: bytes | None = None
        if body:
            text = body if isinstance(body, str) else str(body)
            try:
                data = json.dumps(self.map_json(json.loads(text))).encode()
            except ValueError:
                data = self.map_text(text).encode()
        return self.http.request(req["method"], url, data=data, headers=headers, timeout=10)


def compare(expected: Any, actual: Any, where: str, rep: Replayer, problems: list[str]) -> None:
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            problems.append(f"{where}: expected object, got {actual!r:.80}")
            return
        missing = sorted(set(expected) - set(actual))
        extra = sorted(set(actual) - set(expected))
        if missing or extra:
            problems.append(f"{where}: missing keys {missing}, unexpected keys {extra}")
        for k in expected.keys() & actual.keys():
            if k in IGNORED_KEYS:
                continue
            if k in ID_KEYS and isinstance(expected[k], str):
                if rep.ids.get(expected[k], expected[k]) != actual[k]:
                    problems.append(f"{where}.{k}: id {actual[k]!r} is not the mapped one")
                continue
            if k in INT_ID_KEYS and isinstance(expected[k], int):
                if rep.int_ids.get(expected[k], expected[k]) != actual[k]:
                    problems.append(f"{where}.{k}: {actual[k]!r} is not the mapped id")
                continue
            compare(expected[k], actual[k], f"{where}.{k}", rep, problems)
    elif isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            problems.append(f"{where}: expected {expected!r:.200}, got {actual!r:.200}")
            return
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            compare(e, a, f"{where}[{i}]", rep, problems)
    elif isinstance(expected, bool) or isinstance(actual, bool):
        if expected is not actual:
            problems.append(f"{where}: expected {expected!r}, got {actual!r}")
    elif isinstance(expected, int | float) and isinstance(actual, int | float):
        if abs(expected - actual) > 1e-6:
            problems.append(f"{where}: expected {expected!r}, got {actual!r}")
    elif isinstance(expected, str) and isinstance(actual, str):
        if expected.endswith(SA_SUFFIX) and actual.endswith(SA_SUFFIX):
            return  # the caller's service account: the recording's vs the emulator's
        if rep.map_text(expected) != actual:
            problems.append(f"{where}: expected {expected!r:.120}, got {actual!r:.120}")
    elif expected != actual:
        problems.append(f"{where}: expected {expected!r:.120}, got {actual!r:.120}")


def replay(name: str, emu: Emulator) -> list[str]:
    data = json.loads((RECORDINGS / f"{name}.json").read_text(encoding="utf-8"))
    rep = Replayer(emu)
    problems: list[str] = []
    for i, inter in enumerate(data["interactions"]):
        req, res = inter["request"], inter["response"]
        status = res["status"]["code"]
        rep.prepare_unknown_ids(req["uri"], status)
        got = rep.send(req)
        where = f"#{i} {req['method']} {req['uri'][:110]}"
        if got.status_code != status:
            problems.append(f"{where}: status {got.status_code} != recorded {status}: {got.text[:300]}")
            continue
        text = res["body"]["string"]
        if not text or status == 204:
            continue
        try:
            expected = json.loads(text)
        except ValueError:
            continue  # binary answers (exports) are compared by status only
        actual = got.json()
        rep.learn(expected, actual)
        compare(expected, actual, where, rep, problems)
    return problems


@pytest.fixture(scope="module")
def recording_emulator():
    with Emulator(locale="en_US", time_zone="Etc/GMT") as emu:
        yield emu


@pytest.mark.skipif(not ALL, reason=f"recordings folder absent: {RECORDINGS}")
def test_coverage_is_reported_and_large_enough() -> None:
    unknown = sorted(set(EXCLUDED) - set(ALL))
    assert not unknown, f"exclusions for recordings that do not exist: {unknown}"
    assert len(REPLAYED) >= 25, f"only {len(REPLAYED)} recordings replayed"


@pytest.mark.skipif(not ALL, reason=f"recordings folder absent: {RECORDINGS}")
@pytest.mark.parametrize("name", REPLAYED or ["<none>"])
def test_recording_replays(name: str, recording_emulator: Emulator) -> None:
    recording_emulator.reset()
    problems = replay(name, recording_emulator)
    assert not problems, f"{name}: {len(problems)} differences:\n" + "\n".join(problems[:15])

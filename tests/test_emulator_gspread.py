"""gspread, through impactsheets.google.transport, against the local emulator (real HTTP on
loopback; no mocks of gspread, google-auth or requests)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import requests
from openpyxl import Workbook
from openpyxl.comments import Comment

from impactsheets.emulator import Emulator
from impactsheets.errors import SheetAccessError
from impactsheets.google.auth import EMULATOR_ACCOUNT
from impactsheets.google.transport import RetryPolicy, authorized_session, gspread_client

KEY = "1FormAnswersKey000000000000000000000000000"
FAST = RetryPolicy(attempts=4, base=0.001, cap=0.005)


def _client(**kwargs):
    session = authorized_session(retry=kwargs.pop("retry", FAST), **kwargs)
    return gspread_client(session=session), session


def _xlsx(tmp_path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Réponses au formulaire 1"
    ws.append(["Horodateur", "Site", "Score", "Accord"])
    ws.append([dt.datetime(2024, 3, 5, 14, 7, 9), "Lyon", 1.5, True])
    ws.append([dt.datetime(2024, 3, 6, 9, 0, 0), "=Paris", 3, False])
    ws["B2"].comment = Comment("déjà vu", "tester")
    path = tmp_path / "answers.xlsx"
    wb.save(path)
    return path


def test_open_by_key_reads_typed_values_from_xlsx(emulator_env: Emulator, tmp_path: Path) -> None:
    emulator_env.load_xlsx(_xlsx(tmp_path), KEY, title="Réponses")
    gc, _ = _client()
    sh = gc.open_by_key(KEY)
    assert sh.title == "Réponses"
    assert sh.locale == "fr_FR" and sh.timezone == "Europe/Paris"
    ws = sh.worksheet("Réponses au formulaire 1")
    rows = ws.get_all_values()
    assert rows[1] == ["05/03/2024 14:07:09", "Lyon", "1,5", "TRUE"]
    assert ws.get("B3", value_render_option="FORMULA") == [["=Paris"]]  # xlsx formula kept
    raw = ws.get_all_values(value_render_option="UNFORMATTED_VALUE")
    assert raw[1][0] == pytest.approx(45356.588298611, abs=1e-6)
    assert raw[1][2:] == [1.5, True]
    as_text = ws.get_all_values(
        value_render_option="UNFORMATTED_VALUE", date_time_render_option="FORMATTED_STRING"
    )
    assert as_text[1][0] == "05/03/2024 14:07:09"
    assert ws.get_note("B2") == "déjà vu"


def test_update_raw_keeps_text_user_entered_parses(emulator_env: Emulator) -> None:
    emulator_env.load_values(KEY, {"Feuille 1": [["a", "b"]]})
    gc, _ = _client()
    ws = gc.open_by_key(KEY).sheet1
    ws.update([["=1+1", "007", 12]], "A2", value_input_option="RAW")
    ws.update([["=1+1", "007", "3,5"]], "A3", value_input_option="USER_ENTERED")
    values = emulator_env.sheet_values(KEY, "Feuille 1")
    assert values[1] == ["=1+1", "007", 12]
    assert values[2] == [2, 7, 3.5]
    assert ws.get("A3:C3", value_render_option="FORMULA") == [["=1+1", 7, 3.5]]


def test_notes_and_colours_round_trip_through_grid_data(emulator_env: Emulator) -> None:
    emulator_env.load_values(KEY, {"R": [["h1", "h2"], ["x", "y"]]})
    gc, session = _client()
    sh = gc.open_by_key(KEY)
    sheet_id = sh.worksheet("R").id
    red = {"red": 1, "green": 0.8, "blue": 0.8}
    sh.batch_update(
        {
            "requests": [
                {
                    "updateCells": {
                        "range": {
                            "sheetId": sheet_id,
                            "startRowIndex": 1,
                            "endRowIndex": 2,
                            "startColumnIndex": 1,
                            "endColumnIndex": 2,
                        },
                        "rows": [
                            {
                                "values": [
                                    {
                                        "note": "valeur manquante",
                                        "userEnteredFormat": {"backgroundColor": red},
                                    }
                                ]
                            }
                        ],
                        "fields": "note,userEnteredFormat.backgroundColor",
                    }
                }
            ]
        }
    )
    meta = sh.fetch_sheet_metadata(
        params={
            "ranges": "'R'!A1:B2",
            "fields": "sheets(properties,data.rowData.values(note,userEnteredFormat.backgroundColor))",
        }
    )
    rows = meta["sheets"][0]["data"][0]["rowData"]
    assert rows[0] == {} or rows[0] == {"values": []} or "values" not in rows[0]
    cell = rows[1]["values"][1]
    assert cell["note"] == "valeur manquante"
    assert cell["userEnteredFormat"]["backgroundColor"] == red
    assert emulator_env.cell(KEY, "R", 1, 1)["userEnteredValue"] == {"stringValue": "y"}
    full = sh.fetch_sheet_metadata(params={"includeGridData": "true", "ranges": "R!B2"})
    got = full["sheets"][0]["data"][0]
    assert got["startRow"] == 1 and got["startColumn"] == 1
    assert got["rowData"][0]["values"][0]["formattedValue"] == "y"
    assert session.api_requests == len(emulator_env.requests())


def test_request_counting_matches_the_server(emulator_env: Emulator) -> None:
    emulator_env.load_values(KEY, {"S": [["a"]]})
    gc, session = _client()
    ws = gc.open_by_key(KEY).sheet1
    ws.get_all_values()
    ws.update([["b"]], "A2")
    sent = emulator_env.requests()
    assert session.api_requests == len(sent) >= 3
    assert [r["method"] for r in sent][-2:] == ["GET", "PUT"]


def test_403_and_404_become_one_line_sheet_access_errors(emulator_env: Emulator) -> None:
    emulator_env.make_private(KEY)
    gc, _ = _client()
    with pytest.raises(SheetAccessError) as exc:
        gc.open_by_key(KEY)
    assert str(exc.value) == (
        f"spreadsheet {KEY} is not shared with {EMULATOR_ACCOUNT}: share it (Editor) with that address"
    )
    with pytest.raises(SheetAccessError, match=r"^spreadsheet not found: 1Missing0000000000$"):
        gc.open_by_key("1Missing0000000000")


@pytest.mark.parametrize("status", [429, 500, 503])
def test_transient_errors_are_retried_then_succeed(emulator_env: Emulator, status: int) -> None:
    emulator_env.load_values(KEY, {"S": [["ok"]]})
    emulator_env.inject(status, times=2, method="GET", path_regex="/values/")
    gc, session = _client()
    ws = gc.open_by_key(KEY).sheet1
    assert ws.get_all_values() == [["ok"]]
    statuses = [r["status"] for r in emulator_env.requests() if "/values/" in r["path"]]
    assert statuses == [status, status, 200]
    assert session.retries == 2


def test_retry_after_is_honoured(emulator_env: Emulator) -> None:
    emulator_env.load_values(KEY, {"S": [["ok"]]})
    emulator_env.inject(429, times=1, path_regex="/values/", retry_after=0.02)
    waits: list[float] = []
    gc, _ = _client(sleep=waits.append)
    gc.open_by_key(KEY).sheet1.get_all_values()
    assert waits and waits[0] >= 0.02


def test_dropped_connection_is_retried(emulator_env: Emulator) -> None:
    emulator_env.load_values(KEY, {"S": [["ok"]]})
    emulator_env.inject("drop", times=1, method="GET", path_regex="/values/")
    gc, _ = _client()
    assert gc.open_by_key(KEY).sheet1.get_all_values() == [["ok"]]
    assert [r.get("fault") for r in emulator_env.requests()][-2:] == ["drop", None]


def test_slow_answer_beyond_timeout_is_retried(emulator_env: Emulator) -> None:
    emulator_env.load_values(KEY, {"S": [["ok"]]})
    emulator_env.inject("slow", times=1, method="GET", path_regex="/values/", delay_s=1.0)
    gc, session = _client(timeout=(2.0, 0.2))
    assert gc.open_by_key(KEY).sheet1.get_all_values() == [["ok"]]
    assert session.retries == 1


def test_malformed_json_is_retried(emulator_env: Emulator) -> None:
    emulator_env.load_values(KEY, {"S": [["ok"]]})
    emulator_env.inject("bad-json", times=1, method="GET", path_regex="/values/")
    gc, _ = _client()
    assert gc.open_by_key(KEY).sheet1.get_all_values() == [["ok"]]


def test_exhausted_retries_raise_a_clear_error(emulator_env: Emulator) -> None:
    emulator_env.load_values(KEY, {"S": [["ok"]]})
    emulator_env.inject(503, times=10, path_regex="/values/")
    gc, _ = _client()
    ws = gc.open_by_key(KEY).sheet1
    with pytest.raises(SheetAccessError) as exc:
        ws.get_all_values()
    msg = str(exc.value)
    assert "\n" not in msg
    assert msg.startswith(f"Google API GET /v4/spreadsheets/{KEY}/values/")
    assert msg.endswith("failed: HTTP 503 (after 4 attempts)")


def test_dropped_append_is_not_replayed(emulator_env: Emulator) -> None:
    emulator_env.load_values(KEY, {"S": [["a"]]})
    emulator_env.inject("drop", times=1, method="POST", path_regex=":append$")
    gc, _ = _client()
    ws = gc.open_by_key(KEY).sheet1
    with pytest.raises(SheetAccessError, match="connection failed"):
        ws.append_row(["b"])
    assert sum(":append" in r["path"] for r in emulator_env.requests()) == 1


def test_append_grows_the_grid_and_out_of_grid_writes_fail(emulator_env: Emulator) -> None:
    emulator_env.load_values(KEY, {"S": [["a"]] * 1000})
    gc, _ = _client()
    ws = gc.open_by_key(KEY).sheet1
    assert ws.row_count == 1000
    ws.append_row(["new"], value_input_option="RAW")
    ws = gc.open_by_key(KEY).sheet1
    assert ws.row_count == 1001 and ws.acell("A1001").value == "new"
    with pytest.raises(SheetAccessError, match=r"HTTP 400: Range \(S!A1002\) exceeds grid limits"):
        ws.update([["x"]], "A1002")


@pytest.mark.sends_refused_requests
def test_unknown_batch_request_is_a_400(emulator_env: Emulator) -> None:
    emulator_env.load_values(KEY, {"S": [["a"]]})
    gc, _ = _client()
    with pytest.raises(SheetAccessError) as exc:
        gc.open_by_key(KEY).batch_update({"requests": [{"frobnicate": {}}]})
    assert str(exc.value) == (
        f"Google API POST /v4/spreadsheets/{KEY}:batchUpdate failed: HTTP 400: Invalid JSON "
        "payload received. Unknown name \"frobnicate\" at 'requests[0]': Cannot find field.")


def test_a_batch_update_is_applied_whole_or_not_at_all(emulator_env: Emulator) -> None:
    """A refused request leaves the sheet as it was, even the cells edited (in the working
    copy) and the rows moved by the requests before it; a batch that succeeds keeps them."""
    emulator_env.load_values(KEY, {"S": [["a", "b"], ["c", "d"]]})
    gc, _ = _client()
    sheet = gc.open_by_key(KEY)
    before = emulator_env.sheet_values(KEY, "S")
    note = {"updateCells": {"start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0},
                            "rows": [{"values": [{"note": "vu"}]}], "fields": "note"}}
    insert = {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0,
                                            "endIndex": 1}}}
    beyond = {"updateCells": {"start": {"sheetId": 0, "rowIndex": 10**6, "columnIndex": 0},
                              "rows": [{"values": [{"note": "x"}]}], "fields": "note"}}
    with pytest.raises(SheetAccessError, match="exceeds grid limits"):
        sheet.batch_update({"requests": [note, insert, note, beyond]})
    assert emulator_env.sheet_values(KEY, "S") == before
    with emulator_env.store.lock:
        assert "note" not in emulator_env.store.spreadsheets[KEY].sheets[0].cell(0, 0)
    sheet.batch_update({"requests": [note, insert, note]})
    assert emulator_env.sheet_values(KEY, "S") == [[], *before]
    with emulator_env.store.lock:
        stored = emulator_env.store.spreadsheets[KEY].sheets[0]
        assert stored.cell(0, 0) == {"note": "vu"} and stored.cell(1, 0)["note"] == "vu"


def _multipart(meta: dict, content: bytes, mime: str) -> tuple[bytes, str]:
    boundary = "impactsheets-test-boundary"
    body = (
        (
            f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
            f"{json.dumps(meta)}\r\n--{boundary}\r\nContent-Type: {mime}\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/related; boundary={boundary}"


def test_drive_multipart_upload_update_keeps_id_and_lists_folder(emulator_env: Emulator) -> None:
    folder = emulator_env.create_folder("Rapports")
    session = authorized_session(drive=True, retry=FAST)
    body, ctype = _multipart({"name": "Lyon.pdf", "parents": [folder]}, b"%PDF-1 v1", "application/pdf")
    created = session.post(
        "https://www.googleapis.com/upload/drive/v3/files",
        params={
            "uploadType": "multipart",
            "supportsAllDrives": "true",
            "fields": "id,name,webViewLink,parents",
        },
        data=body,
        headers={"Content-Type": ctype},
    ).json()
    file_id = created["id"]
    assert created["webViewLink"] == f"https://drive.google.com/file/d/{file_id}/view?usp=drivesdk"
    body, ctype = _multipart({}, b"%PDF-1 v2", "application/pdf")
    updated = session.patch(
        f"https://www.googleapis.com/upload/drive/v3/files/{file_id}",
        params={"uploadType": "multipart", "fields": "id,version"},
        data=body,
        headers={"Content-Type": ctype},
    ).json()
    assert updated["id"] == file_id and updated["version"] == "2"
    listing = session.get(
        "https://www.googleapis.com/drive/v3/files",
        params={
            "q": f"'{folder}' in parents and name = 'Lyon.pdf' and trashed = false",
            "fields": "files(id,name)",
            "pageSize": 10,
            "supportsAllDrives": "true",
            "includeItemsFromAllDrives": "true",
        },
    ).json()
    assert listing == {"files": [{"id": file_id, "name": "Lyon.pdf"}]}
    media = session.get(f"https://www.googleapis.com/drive/v3/files/{file_id}", params={"alt": "media"})
    assert media.content == b"%PDF-1 v2"
    assert [f["id"] for f in emulator_env.drive_files(folder)] == [file_id]
    with pytest.raises(SheetAccessError, match="Drive file or folder not found"):
        session.get("https://www.googleapis.com/drive/v3/files/1nope00000000000000")


def test_gspread_open_by_title_and_list_files(emulator_env: Emulator) -> None:
    emulator_env.load_values(KEY, {"S": [["a"]]}, title="Questionnaire 2024")
    gc, _ = _client()
    assert gc.open("Questionnaire 2024").id == KEY
    assert [f["id"] for f in gc.list_spreadsheet_files()] == [KEY]


def test_missing_authorization_is_401_and_control_endpoints(emulator: Emulator) -> None:
    base = emulator.base_url
    r = requests.post(
        f"{base}/_emulator/load",
        json={"key": KEY, "title": "T", "sheets": {"S": [["x", 1]]}},
        timeout=5,
    )
    assert r.status_code == 200
    assert requests.get(f"{base}/v4/spreadsheets/{KEY}", timeout=5).status_code == 401
    r = requests.post(f"{base}/_emulator/faults", json=[{"action": 500, "times": 1}], timeout=5)
    assert r.status_code == 200
    hdrs = {"Authorization": "Bearer x"}
    assert requests.get(f"{base}/v4/spreadsheets/{KEY}", headers=hdrs, timeout=5).status_code == 500
    assert requests.get(f"{base}/v4/spreadsheets/{KEY}", headers=hdrs, timeout=5).status_code == 200
    log = requests.get(f"{base}/_emulator/requests", timeout=5).json()
    assert [e["status"] for e in log] == [401, 500, 200]
    requests.post(f"{base}/_emulator/reset-requests", timeout=5)
    assert requests.get(f"{base}/_emulator/requests", timeout=5).json() == []
    state = requests.get(f"{base}/_emulator/state", timeout=5).json()
    assert state["spreadsheets"][KEY]["title"] == "T"
    assert requests.post(f"{base}/_emulator/faults", json=[{"action": "boom"}], timeout=5).status_code == 400


def test_oversized_body_is_rejected(emulator: Emulator) -> None:
    emulator.load_values(KEY, {"S": []})
    r = requests.put(
        f"{emulator.base_url}/v4/spreadsheets/{KEY}/values/S!A1",
        params={"valueInputOption": "RAW"},
        data=b"x" * (10 * 1024 * 1024 + 1),
        headers={"Authorization": "Bearer x", "Content-Type": "application/json"},
        timeout=10,
    )
    assert r.status_code == 413


def test_control_load_accepts_an_xlsx_upload(emulator: Emulator, tmp_path: Path) -> None:
    data = _xlsx(tmp_path).read_bytes()
    r = requests.post(
        f"{emulator.base_url}/_emulator/load",
        params={"key": KEY, "title": "Upload"},
        data=data,
        headers={"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        timeout=5,
    )
    assert r.json() == {"spreadsheetId": KEY}
    assert emulator.sheet_titles(KEY) == ["Réponses au formulaire 1"]
    assert emulator.sheet_values(KEY, "Réponses au formulaire 1", "FORMATTED_VALUE")[2][2] == "3"
    assert emulator.requests() == []  # control calls are not logged as API requests


@pytest.mark.parametrize("status", [500, 503])
def test_a_5xx_batch_update_is_never_resent(emulator_env: Emulator, status: int) -> None:
    """A spreadsheet batchUpdate answered 5xx may have been applied (its addSheet would fail
    the second time): the error is reported, the call is not sent again."""
    emulator_env.load_values(KEY, {"S": [["ok"]]})
    emulator_env.inject(status, times=1, method="POST", path_regex=":batchUpdate$")
    gc, session = _client()
    sh = gc.open_by_key(KEY)
    with pytest.raises(SheetAccessError, match=rf":batchUpdate failed: HTTP {status} \(after 1 attempt\)$"):
        sh.add_worksheet("Nouvelle", rows=2, cols=2)
    assert [r["status"] for r in emulator_env.requests() if ":batchUpdate" in r["path"]] == [status]
    assert session.retries == 0
    assert [w.title for w in gc.open_by_key(KEY).worksheets()] == ["S"]


def test_a_notes_read_looks_only_at_cells_holding_notes_or_colours(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The emulator's sparse read of notes and colours (cells found in one pass) answers
    exactly what its cell-by-cell read does, over several ranges of one sheet."""
    from impactsheets.emulator import sheets
    from impactsheets.emulator.batch import batch_update
    from impactsheets.google.large import NOTE_FIELDS

    with Emulator(judge=False) as emu:
        rows = [["Site", "Score", "Statut"]] + [[f"Lieu {i}", i, ""] for i in range(1, 30)]
        emu.load_values(KEY, {"Réponses": rows}, title="net")
        sheet_id = emu.store.get_spreadsheet(KEY).sheets[0].sheet_id
        marks = [{"updateCells": {
            "range": {"sheetId": sheet_id, "startRowIndex": r, "endRowIndex": r + 1,
                      "startColumnIndex": c, "endColumnIndex": c + 1},
            "rows": [{"values": [{"note": f"n{r}", "userEnteredFormat": {
                "backgroundColor": {"red": 1, "green": 0.8, "blue": 0.8},
                "wrapStrategy": "WRAP"}}]}],
            "fields": "note,userEnteredFormat(backgroundColor,wrapStrategy)"}}
            for r, c in ((1, 0), (4, 1), (4, 2), (17, 2), (28, 1))]
        marks.append({"repeatCell": {
            "range": {"sheetId": sheet_id, "startRowIndex": 1, "endRowIndex": 30,
                      "startColumnIndex": 2, "endColumnIndex": 3},
            "cell": {"userEnteredFormat": {"wrapStrategy": "CLIP"}},
            "fields": "userEnteredFormat.wrapStrategy"}})
        batch_update(emu.store, KEY, {"requests": marks})
        params = {"fields": [NOTE_FIELDS],
                  "ranges": ["'Réponses'!A2:B11", "'Réponses'!12:21", "'Réponses'!B22:C31"]}
        sparse = sheets.get_spreadsheet(emu.store, KEY, params)
        monkeypatch.setattr(sheets, "holding", lambda sheet, wanted: None)
        assert sparse == sheets.get_spreadsheet(emu.store, KEY, params)
        notes = [c.get("note") for d in sparse["sheets"][0]["data"]
                 for row in d.get("rowData", []) for c in row.get("values", [])]
        assert [n for n in notes if n] == ["n1", "n4", "n17", "n28"]  # C5 is not in A2:B11


def test_a_request_cut_short_by_a_killed_client_is_neither_judged_nor_applied() -> None:
    """A sync killed while it sends a body leaves the emulator a request shorter than its
    Content-Length: Google never sees it, so the emulator neither judges nor applies it (the
    killed-sync tests once recorded such a half-sent Drive upload as a malformed request)."""
    import socket
    from urllib.parse import urlsplit

    with Emulator() as emu:
        emu.load_values(KEY, {"Réponses": [["Site"], ["Lyon"]]}, title="net")
        where = urlsplit(emu.base_url)
        head = (f"POST /v4/spreadsheets/{KEY}:batchUpdate HTTP/1.1\r\nHost: x\r\n"
                "Content-Type: application/json\r\nContent-Length: 500\r\n\r\n").encode()
        with socket.create_connection((where.hostname, where.port)) as client:
            client.sendall(head + b'{"requests": [{"updateCells": ')
            client.shutdown(socket.SHUT_WR)
            assert client.recv(100) == b""  # no answer: the connection is closed
        assert emu.requests() == []
        # and it still answers the next client (here without a token: 401, as Google does)
        assert requests.get(f"{emu.base_url}/v4/spreadsheets/{KEY}", timeout=5).status_code == 401

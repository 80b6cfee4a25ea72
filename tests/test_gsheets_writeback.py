"""Writing problems back into a Google Sheet (the emulator; real google-auth/requests):
exact cells, our columns, the problems worksheet, coordinators' formatting, the row-identity
check, the request budget and the payload split."""

from __future__ import annotations

import copy
import json
import re
from typing import Any
from urllib.parse import parse_qs, quote

import pytest
from test_demo import EXPECTED_MARKS

from impactsheets.emulator import Emulator
from impactsheets.errors import SheetChangedError
from impactsheets.feedback import COLOURS, NOTE_MARK, problem_rows, problems_title, sheet_requests
from impactsheets.feedback.planner import split_note
from impactsheets.google import sheets as google_sheets
from impactsheets.google.grid import api_colour
from impactsheets.google.sheets import batches, read_google_sheet
from impactsheets.google.transport import RetryPolicy, authorized_session
from impactsheets.questionnaire import load_questionnaire
from impactsheets.sheet import GoogleSheet
from impactsheets.sources import column_letter
from impactsheets.validation import validate

WS = "Réponses au formulaire 1"
PROBLEMS_SHEET = problems_title(WS)
FAST = RetryPolicy(attempts=3, base=0.001, cap=0.002)
QUESTIONNAIRE = load_questionnaire()


def url(key: str) -> str:
    return f"https://docs.google.com/spreadsheets/d/{key}/edit#gid=0"


def cells(emu: Emulator, key: str, title: str = WS) -> dict[str, dict[str, Any]]:
    """Every stored cell of a worksheet, by A1 reference."""
    with emu.store.lock:
        sheet = emu.store.spreadsheets[key].sheet_by_title(title)
        assert sheet is not None
        return {f"{column_letter(c)}{r + 1}": copy.deepcopy(v) for (r, c), v in sheet.cells.items()}


def values(grid: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {ref: c["userEnteredValue"] for ref, c in grid.items() if c.get("userEnteredValue")}


def sync_once(key: str, links: dict[int, str] | None = None, source: str | None = None,
              worksheet: str | None = None) -> GoogleSheet:
    sheet = GoogleSheet(source or url(key), worksheet, session=authorized_session(retry=FAST))
    sheet.write_back(validate(sheet.read(), QUESTIONNAIRE), links or {})
    return sheet


def api(emu: Emulator):
    return authorized_session(retry=FAST)


def put_raw(key: str, ref: str, value: Any) -> None:
    rng = quote(f"'{WS}'!{ref}", safe="")
    resp = authorized_session(retry=FAST).put(
        f"https://sheets.googleapis.com/v4/spreadsheets/{key}/values/{rng}",
        params={"valueInputOption": "RAW"}, json={"values": [[value]]})
    assert resp.ok, resp.text


def batch(key: str, *requests: dict[str, Any]) -> None:
    resp = authorized_session(retry=FAST).post(
        f"https://sheets.googleapis.com/v4/spreadsheets/{key}:batchUpdate",
        json={"requests": list(requests)})
    assert resp.ok, resp.text


def decorate(row: int, col: int, note: str | None = None, colour: str | None = None) -> dict:
    cell: dict[str, Any] = {}
    fields = []
    if note is not None:
        cell["note"], fields = note, [*fields, "note"]
    if colour is not None:
        cell["userEnteredFormat"] = {"backgroundColor": api_colour(colour)}
        fields.append("userEnteredFormat.backgroundColor")
    return {"updateCells": {"start": {"sheetId": 0, "rowIndex": row - 1, "columnIndex": col - 1},
                            "rows": [{"values": [cell]}], "fields": ",".join(fields)}}


def colour_hex(cell: dict[str, Any]) -> str | None:
    bg = (cell.get("userEnteredFormat") or {}).get("backgroundColor")
    if bg is None:
        return None
    return "".join(f"{round(bg.get(k, 0) * 255):02X}" for k in ("red", "green", "blue"))


def marked(grid: dict[str, dict[str, Any]], before_column: int) -> dict[str, dict[str, Any]]:
    def column(ref: str) -> int:
        letters = ref.rstrip("0123456789")
        n = 0
        for ch in letters:
            n = n * 26 + ord(ch) - 64
        return n

    return {ref: c for ref, c in grid.items() if column(ref) < before_column
            and ("note" in c or colour_hex(c) is not None)}


def test_marks_exactly_the_problem_cells_and_nothing_else(google_example: str,
                                                          emulator_env: Emulator) -> None:
    before = cells(emulator_env, google_example)
    sheet = sync_once(google_example, {2: "https://drive.google.com/file/d/abc/view"})
    after = cells(emulator_env, google_example)
    headers = emulator_env.sheet_values(google_example, WS)[0]
    assert headers[-3:] == ["Statut", "Problèmes", "Rapport PDF"]
    status_col = len(headers) - 2
    marks = marked(after, status_col)
    assert set(marks) == set(EXPECTED_MARKS)
    for ref, severity in EXPECTED_MARKS.items():
        assert colour_hex(marks[ref]) == COLOURS[severity], ref
        assert marks[ref]["note"].startswith(NOTE_MARK)
    assert "« ?? » n’en est pas un" in marks["R7"]["note"]
    # answer cells keep their values: only our three columns were added
    added = {ref: v for ref, v in values(after).items() if ref not in values(before)}
    assert {k: v for k, v in values(after).items() if k in values(before)} == values(before)
    assert {ref.rstrip("0123456789") for ref in added} == {
        column_letter(status_col - 1), column_letter(status_col), column_letter(status_col + 1)}
    rows = emulator_env.sheet_values(google_example, WS)
    assert rows[1][status_col - 1:] == ["OK", "", "https://drive.google.com/file/d/abc/view"]
    assert rows[6][status_col - 1].startswith("4 erreurs")
    report = validate(sheet.read(), QUESTIONNAIRE)
    problems = emulator_env.sheet_values(google_example, PROBLEMS_SHEET)
    assert problems[0][0] == "Ligne"
    assert [[v for v in row] for row in problems[1:]] == [
        [v for v in row] for row in problem_rows(report)]


def test_budget_and_no_change_run_sends_no_write(google_example: str,
                                                 emulator_env: Emulator) -> None:
    first = sync_once(google_example)
    # get (sizes, marks), get (values, notes, colours), values:batchGet (re-check), batchUpdate
    # of the answers' worksheet, batchUpdate of the problems tab (after the race window)
    assert first.api_requests() == 5
    # By URL (gid) or by worksheet name, the read brings notes, colours and our marks too:
    # nothing to change, nothing else.
    for source, worksheet, gets in ((url(google_example), None, 2), (google_example, WS, 2)):
        emulator_env.reset_requests()
        again = sync_once(google_example, source=source, worksheet=worksheet)
        assert again.api_requests() == gets
        assert [r["method"] for r in emulator_env.requests()] == ["GET"] * gets


def test_fixing_a_cell_clears_our_mark_and_keeps_coordinators_formatting(
        google_example: str, emulator_env: Emulator) -> None:
    sync_once(google_example)
    batch(google_example,
          decorate(3, 1, note="Relancer en avril"),  # A3: no problem
          decorate(4, 2, colour="B7E1CD"),  # B4: no problem, green
          decorate(7, 7, note="Vu au téléphone\n\n" + NOTE_MARK + "ancien texte"),  # G7
          decorate(9, 18, colour="FFFF00"))  # R9: a problem cell, yellow
    put_raw(google_example, "E8", "jardin.lilas@exemple.fr")  # fixes the e-mail of row 8
    sync_once(google_example)
    grid = cells(emulator_env, google_example)
    assert "note" not in grid["E8"] and colour_hex(grid["E8"]) is None
    assert grid["E8"]["userEnteredValue"] == {"stringValue": "jardin.lilas@exemple.fr"}
    assert grid["A3"]["note"] == "Relancer en avril" and colour_hex(grid["A3"]) is None
    assert colour_hex(grid["B4"]) == "B7E1CD" and "note" not in grid["B4"]
    theirs, ours = split_note(grid["G7"]["note"])
    assert theirs == "Vu au téléphone" and ours.startswith(NOTE_MARK) and "environ 300" in ours
    assert colour_hex(grid["G7"]) == COLOURS["error"]
    assert colour_hex(grid["R9"]) == "FFFF00" and grid["R9"]["note"].startswith(NOTE_MARK)
    put_raw(google_example, "G7", 300)
    put_raw(google_example, "R9", 2)
    sync_once(google_example)
    grid = cells(emulator_env, google_example)
    assert grid["G7"]["note"] == "Vu au téléphone" and colour_hex(grid["G7"]) is None
    assert colour_hex(grid["R9"]) == "FFFF00" and "note" not in grid["R9"]


def test_row_inserted_between_read_and_write_writes_nothing(google_example: str,
                                                             emulator_env: Emulator) -> None:
    sheet = GoogleSheet(url(google_example), session=authorized_session(retry=FAST))
    report = validate(sheet.read(), QUESTIONNAIRE)
    batch(google_example, {"insertDimension": {"range": {
        "sheetId": 0, "dimension": "ROWS", "startIndex": 4, "endIndex": 5}}})
    before = cells(emulator_env, google_example)
    emulator_env.reset_requests()
    with pytest.raises(SheetChangedError) as exc:
        sheet.write_back(report, {})
    assert str(exc.value) == ("the sheet changed during the sync (row 5 moved or was edited); "
                              "nothing was written; the next run will retry")
    assert exc.value.exit_code == 5
    assert [r["method"] for r in emulator_env.requests()] == ["GET"]  # the re-check only
    assert cells(emulator_env, google_example) == before
    assert emulator_env.sheet_titles(google_example) == [WS]


def test_the_recheck_reads_only_the_header_row_and_key_columns(google_example: str,
                                                              emulator_env: Emulator) -> None:
    sheet = GoogleSheet(url(google_example), session=authorized_session(retry=FAST))
    report = validate(sheet.read(), QUESTIONNAIRE)
    emulator_env.reset_requests()
    sheet.write_back(report, {})
    log = emulator_env.requests()
    assert [(r["method"], r["path"].rsplit("/", 1)[-1]) for r in log] == [
        ("GET", "values:batchGet"), ("POST", f"{google_example}:batchUpdate"),
        ("POST", f"{google_example}:batchUpdate")]  # the answers, then the problems tab
    assert emulator_env.sheet_titles(google_example) == [WS, PROBLEMS_SHEET]
    ranges = parse_qs(log[0]["query"])["ranges"]
    assert ranges[0] == f"'{WS}'!1:1" and len(ranges) == 3  # header row, two key columns
    assert all(re.fullmatch(rf"'{WS}'![A-Z]+2:[A-Z]+16", r) for r in ranges[1:])  # rows read
    assert set(sheet.window_parts) == {"recheck_s", "compare_s", "send_s", "parts"}
    assert sheet.window_parts["parts"] == 1  # one body


def test_an_answer_fixed_during_the_sync_is_unmarked_by_the_next_run(
        google_example: str, emulator_env: Emulator) -> None:
    """An edit that moves no row is not seen by the re-check: the mark written is stale (not
    misplaced) until the next run."""
    sheet = GoogleSheet(url(google_example), session=authorized_session(retry=FAST))
    report = validate(sheet.read(), QUESTIONNAIRE)
    put_raw(google_example, "R9", 2)  # fixed by a coordinator while the reports render
    sheet.write_back(report, {})
    assert cells(emulator_env, google_example)["R9"]["note"].startswith(NOTE_MARK)
    sync_once(google_example)
    assert "note" not in cells(emulator_env, google_example)["R9"]
    assert colour_hex(cells(emulator_env, google_example)["R9"]) is None


def test_sorted_header_is_detected_too(google_example: str, emulator_env: Emulator) -> None:
    sheet = GoogleSheet(google_example, WS, session=authorized_session(retry=FAST))
    report = validate(sheet.read(), QUESTIONNAIRE)
    batch(google_example, {"insertDimension": {"range": {
        "sheetId": 0, "dimension": "COLUMNS", "startIndex": 1, "endIndex": 2}}})
    with pytest.raises(SheetChangedError, match="header of column 2"):
        sheet.write_back(report, {})


def test_submission_appended_during_the_sync_is_left_for_the_next_run(
        google_example: str, emulator_env: Emulator) -> None:
    sheet = GoogleSheet(url(google_example), session=authorized_session(retry=FAST))
    report = validate(sheet.read(), QUESTIONNAIRE)
    put_raw(google_example, "A17", "nouvelle réponse")
    put_raw(google_example, "E17", "pas-une-adresse")
    sheet.write_back(report, {})
    rows = emulator_env.sheet_values(google_example, WS)
    assert rows[16][:1] == ["nouvelle réponse"] and len(rows[16]) == 5  # no status yet
    assert "note" not in cells(emulator_env, google_example)["E17"]


def test_values_we_write_are_text_never_formulas(google_example: str,
                                                 emulator_env: Emulator) -> None:
    put_raw(google_example, "B3", "=1+1")  # a site name that looks like a formula
    sync_once(google_example, {3: "=IMPORTXML(\"http://example.com\", \"//a\")"})
    grid = cells(emulator_env, google_example)
    link = next(c for ref, c in grid.items() if ref.endswith("3")
                and c.get("userEnteredValue", {}).get("stringValue", "").startswith("=IMPORTXML"))
    assert link["userEnteredValue"] == {"stringValue": "=IMPORTXML(\"http://example.com\", \"//a\")"}
    problems = cells(emulator_env, google_example, PROBLEMS_SHEET)
    assert all("formulaValue" not in c.get("userEnteredValue", {}) for c in problems.values())


def test_problems_sheet_is_replaced_not_appended(google_example: str,
                                                 emulator_env: Emulator) -> None:
    sync_once(google_example)
    first = emulator_env.sheet_values(google_example, PROBLEMS_SHEET)
    put_raw(google_example, "E8", "jardin.lilas@exemple.fr")
    sync_once(google_example)
    second = emulator_env.sheet_values(google_example, PROBLEMS_SHEET)
    assert len(second) == len(first) - 1
    assert not any(row[1] == "E8" for row in second)


def test_split_batches_give_the_same_sheet(google_example: str, emulator_env: Emulator,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    sync_once(google_example)
    single = cells(emulator_env, google_example)
    single_problems = emulator_env.sheet_values(google_example, PROBLEMS_SHEET)
    emulator_env.reset()
    emulator_env.load_xlsx(feedback_example(), google_example)
    monkeypatch.setattr(google_sheets, "MAX_BODY", 4_000)
    monkeypatch.setattr(sheet_requests, "CHUNK", 1_000)
    sheet = sync_once(google_example)
    assert sheet.api_requests() > 3
    assert cells(emulator_env, google_example) == single
    assert emulator_env.sheet_values(google_example, PROBLEMS_SHEET) == single_problems


def test_a_row_inserted_between_two_parts_stops_the_rest(google_example: str,
                                                        emulator_env: Emulator,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each body of a write in parts has its own re-check: a row inserted after the first
    part stops the others; the next run finishes the work on the right rows."""
    monkeypatch.setattr(google_sheets, "MAX_BODY", 4_000)
    monkeypatch.setattr(sheet_requests, "CHUNK", 1_000)
    send, sent = google_sheets.send_body, []

    def then_a_row_inserted(*args: Any, **kwargs: Any) -> None:
        send(*args, **kwargs)
        sent.append(1)
        if len(sent) == 1:
            batch(google_example, {"insertDimension": {"range": {
                "sheetId": 0, "dimension": "ROWS", "startIndex": 4, "endIndex": 5}}})

    monkeypatch.setattr(google_sheets, "send_body", then_a_row_inserted)
    with pytest.raises(SheetChangedError, match=r"row \d+ moved or was edited"):
        sync_once(google_example)  # the second part's first row read: shifted by the insert
    assert len(sent) == 1
    monkeypatch.setattr(google_sheets, "send_body", send)
    batch(google_example, {"deleteDimension": {"range": {
        "sheetId": 0, "dimension": "ROWS", "startIndex": 4, "endIndex": 5}}})
    sync_once(google_example)
    assert set(marked(cells(emulator_env, google_example), 51)) == set(EXPECTED_MARKS)
    assert sync_once(google_example).api_requests() == 2  # nothing left to write


def test_a_large_sheet_read_in_parts_gives_the_same_table_and_sheet(
        google_example: str, emulator_env: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    from impactsheets.google import large

    whole = GoogleSheet(url(google_example), session=authorized_session(retry=FAST)).read()
    sync_once(google_example)
    single = cells(emulator_env, google_example)
    emulator_env.reset()
    emulator_env.load_xlsx(feedback_example(), google_example)
    monkeypatch.setattr(large, "GRID_CELLS", 10)
    monkeypatch.setattr(large, "VALUE_ROWS", 4)
    parts = GoogleSheet(url(google_example), session=authorized_session(retry=FAST))
    table = parts.read()
    assert (table.headers, [(r.number, r.cells) for r in table.rows]) == (
        whole.headers, [(r.number, r.cells) for r in whole.rows])
    emulator_env.reset_requests()
    sync_once(google_example)
    assert cells(emulator_env, google_example) == single
    emulator_env.reset_requests()
    # sizes; heads; values of rows 11-14, 15-18 (16 rows), 19-22 (none: the end) and 23-26
    # (asked for with 19-22, two parts ahead); notes
    assert sync_once(google_example).api_requests() == 2 + 4 + 1
    assert {r["method"] for r in emulator_env.requests()} == {"GET"}
    # reading the answers alone (`impactsheets validate URL`) never asks for the notes
    synced = GoogleSheet(url(google_example), session=authorized_session(retry=FAST)).read()
    session = authorized_session(retry=FAST)
    assert read_google_sheet(url(google_example), session=session).rows == synced.rows
    assert session.api_requests == 2 + 4


def test_a_large_sheet_whose_notes_cannot_be_read_stops_before_writing(
        google_example: str, emulator_env: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    from impactsheets.errors import SheetAccessError
    from impactsheets.google import large

    monkeypatch.setattr(large, "GRID_CELLS", 10)
    monkeypatch.setattr(large, "VALUE_ROWS", 4)
    before = cells(emulator_env, google_example)
    # the sizes and the heads are read; the notes, asked for after the values, are refused
    emulator_env.inject("slow", times=2, method="GET", path_regex=f"{google_example}$",
                        delay_s=0)
    emulator_env.inject(403, times=1, method="GET", path_regex=f"{google_example}$")
    sheet = GoogleSheet(url(google_example), session=authorized_session(retry=FAST))
    table = sheet.read()  # the answers are all there: the validation can go on
    assert len(table.rows) > 10
    with pytest.raises(SheetAccessError, match=f"^spreadsheet {google_example} is not shared with"):
        sheet.write_back(validate(table, QUESTIONNAIRE), {})
    assert cells(emulator_env, google_example) == before  # nothing written
    assert "POST" not in {r["method"] for r in emulator_env.requests()}


def feedback_example():
    from impactsheets.resources import data_path

    return data_path("examples", "reponses-effets-sociaux.xlsx")


def test_batches_cut_in_order_under_the_limit() -> None:
    requests = [{"n": i, "pad": "x" * 50} for i in range(10)]
    cut = batches(requests, limit=200)
    assert [r["n"] for b in cut for r in b] == list(range(10))
    assert len(cut) > 1 and all(len(b) >= 1 for b in cut)
    assert batches([], limit=200) == []
    assert batches(requests) == [requests]
    many = [{"updateCells": {"start": {"rowIndex": i}, "fields": "note", "rows": [{"values": [
        {"note": NOTE_MARK + "Adresse invalide é"}]}]}} for i in range(40_000)]
    bodies = [len(json.dumps({"requests": b}).encode()) for b in batches(many)]  # as sent
    assert len(bodies) > 1 and max(bodies) < 2_000_000  # many small requests: their commas too


def big_sheet(emu: Emulator, key: str, rows: int, bad_every: int) -> None:
    """``rows`` answers made from the example's valid rows, one invalid row every ``bad_every``."""
    from impactsheets.sources import read_table

    emu.load_xlsx(feedback_example(), "1Scratch0000000000000000000")
    grid = emu.sheet_values("1Scratch0000000000000000000", WS)
    report = validate(read_table(feedback_example()), QUESTIONNAIRE)
    good = [grid[r.row - 1] for r in report.responses if not r.problems]
    bad = [grid[r.row - 1] for r in report.responses if r.errors]
    many = [grid[0]]
    for i in range(rows):
        row = list((bad if i % bad_every == bad_every - 1 else good)[i % 3 % len(good)])
        row[1] = f"{row[1]} {i}"  # distinct sites
        many.append(row)
    emu.load_values(key, {WS: many})


def test_3500_rows_in_five_requests_then_two(emulator_env: Emulator, fast_retries: None) -> None:
    key = "1BigSheet000000000000000000000000000"
    big_sheet(emulator_env, key, 3500, bad_every=50)
    first = sync_once(key, worksheet=WS, source=key)
    assert first.api_requests() == 5
    rows = emulator_env.sheet_values(key, WS)
    assert len(rows) == 3501 and rows[-2][-1] == "OK" and "erreur" in rows[-1][-2]
    assert len(emulator_env.sheet_values(key, PROBLEMS_SHEET)) > 70
    again = sync_once(key, worksheet=WS, source=key)
    assert again.api_requests() == 2


def test_a_write_applied_but_unanswered_converges(google_example: str,
                                                   emulator_env: Emulator) -> None:
    """A timed-out batchUpdate is not resent (Google may have applied it): one-line error;
    the next run reads again and finds nothing left to write."""
    import time

    from impactsheets.errors import SheetAccessError

    emulator_env.inject("slow", times=1, path_regex=":batchUpdate$", delay_s=1.5)
    session = authorized_session(retry=FAST, timeout=(2.0, 1.0))
    sheet = GoogleSheet(url(google_example), session=session)
    with pytest.raises(SheetAccessError, match=r":batchUpdate failed: timed out \(after 1 attempt\)$"):
        sheet.write_back(validate(sheet.read(), QUESTIONNAIRE), {})
    assert sum(":batchUpdate" in r["path"] for r in emulator_env.requests()) == 1
    time.sleep(0.8)  # let the slow handler finish applying its copy
    sync_once(google_example)
    assert emulator_env.sheet_titles(google_example) == [WS, PROBLEMS_SHEET]
    assert set(marked(cells(emulator_env, google_example), 51)) == set(EXPECTED_MARKS)
    assert sync_once(google_example).api_requests() == 2  # converged: nothing left to write


def test_problems_sheet_has_a_filter_wrapped_text_and_a_frozen_header(
        google_example: str, emulator_env: Emulator) -> None:
    sync_once(google_example)
    with emulator_env.store.lock:
        problems = emulator_env.store.spreadsheets[google_example].sheet_by_title(PROBLEMS_SHEET)
        assert problems is not None
        props, extras = copy.deepcopy(problems.props), copy.deepcopy(problems.extras)
    assert props["gridProperties"]["frozenRowCount"] == 1
    rows = len(problem_rows(validate(GoogleSheet(url(google_example)).read(), QUESTIONNAIRE))) + 1
    assert extras["basicFilter"]["range"] == {"sheetId": props["sheetId"], "startRowIndex": 0,
                                              "endRowIndex": rows, "startColumnIndex": 0,
                                              "endColumnIndex": 8}
    grid = cells(emulator_env, google_example, PROBLEMS_SHEET)
    assert grid["H2"]["userEnteredFormat"]["wrapStrategy"] == "WRAP"
    assert "wrapStrategy" not in grid["A1"].get("userEnteredFormat", {})  # the header row
    assert grid["A1"]["userEnteredValue"] == {"stringValue": "Ligne"}
    answers = cells(emulator_env, google_example)
    header = next(ref for ref, c in answers.items()
                  if c.get("userEnteredValue") == {"stringValue": "Problèmes"})
    column = header.rstrip("1")
    assert answers[f"{column}7"]["userEnteredFormat"]["wrapStrategy"] == "WRAP"
    assert answers[f"{column}7"]["userEnteredValue"]["stringValue"].count("\n") == 3


def test_every_request_asks_for_compact_json(google_example: str, emulator_env: Emulator) -> None:
    """``prettyPrint=false`` (a standard parameter of Google's APIs, default true) on every
    request of a sync; the emulator, like Google, indents only when not asked otherwise."""
    emulator_env.reset_requests()
    sync_once(google_example)
    queries = [parse_qs(r["query"]) for r in emulator_env.requests()]
    assert len(queries) == 5 and all(q.get("prettyPrint") == ["false"] for q in queries)
    session = authorized_session(retry=FAST)
    base = f"{emulator_env.base_url}/v4/spreadsheets/{google_example}?fields=spreadsheetId"
    compact = session.get(base).text
    indented = session.get(base + "&prettyPrint=true").text
    assert compact == json.dumps({"spreadsheetId": google_example}, separators=(",", ":"))
    assert indented == json.dumps({"spreadsheetId": google_example}, indent=2) + "\n"

"""Reading a Google Sheet (the emulator, real google-auth/requests on loopback): same table and
same problems as the local file, one request, clear errors and exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from impactsheets.cli import main
from impactsheets.emulator import Emulator
from impactsheets.errors import ConfigError, SheetAccessError
from impactsheets.google.auth import EMULATOR_ACCOUNT
from impactsheets.google.sheets import read_google_sheet
from impactsheets.google.transport import RetryPolicy, authorized_session
from impactsheets.questionnaire import load_questionnaire
from impactsheets.resources import data_path
from impactsheets.sources import read_table
from impactsheets.validation import validate

WORKSHEET = "Réponses au formulaire 1"
EXAMPLE = data_path("examples", "reponses-effets-sociaux.xlsx")


def url(key: str, gid: int | None = 0) -> str:
    return f"https://docs.google.com/spreadsheets/d/{key}/edit" + (f"#gid={gid}" if gid is not None else "")


def _session():
    return authorized_session(retry=RetryPolicy(attempts=3, base=0.001, cap=0.002))


def test_by_name_and_by_gid_read_the_same_table_in_two_requests(google_example: str) -> None:
    by_name_session, by_gid_session = _session(), _session()
    by_name = read_google_sheet(google_example, WORKSHEET, session=by_name_session)
    by_gid = read_google_sheet(url(google_example), session=by_gid_session)
    # the worksheets' sizes and marks, then the grids
    assert by_name_session.api_requests == by_gid_session.api_requests == 2
    assert by_name.headers == by_gid.headers
    assert [(r.number, r.cells) for r in by_name.rows] == [(r.number, r.cells) for r in by_gid.rows]
    assert by_name.rows[0].number == 2 and by_name.name.endswith(WORKSHEET)
    assert isinstance(by_name.rows[0].cells[0], float)  # the timestamp as a Sheets serial number


def test_physical_rows_kept_and_trailing_empty_rows_dropped(emulator_env: Emulator) -> None:
    key = "1RowsKey00000000000000000000"
    emulator_env.load_values(key, {"R": [["Horodateur", "Nom"], [], ["x", "=1"], ["", ""], []]})
    table = read_google_sheet(key, "R", session=_session())
    assert [(r.number, r.cells) for r in table.rows] == [(2, []), (3, ["x", "=1"])]


def test_example_gives_the_same_problems_as_the_file(google_example: str) -> None:
    questionnaire = load_questionnaire()
    local = validate(read_table(EXAMPLE), questionnaire)
    remote = validate(read_google_sheet(url(google_example), session=_session()), questionnaire)
    assert [p.to_dict() for p in remote.problems] == [p.to_dict() for p in local.problems]


def test_validate_command_on_a_sheet_url(google_example: str) -> None:
    local = CliRunner().invoke(main, ["validate", str(EXAMPLE), "--json"])
    remote = CliRunner().invoke(main, ["validate", url(google_example), "--json"])
    assert remote.exit_code == local.exit_code == 1  # the example has errors
    problems = json.loads(remote.stdout)["problems"]
    assert problems == json.loads(local.stdout)["problems"]


@pytest.mark.parametrize("case", ["private", "missing", "no-worksheet", "no-gid"])
def test_access_errors_exit_5_with_one_line(google_example: str, emulator_env: Emulator,
                                            case: str) -> None:
    source, args = url(google_example), []
    if case == "private":
        emulator_env.make_private(google_example)
    elif case == "missing":
        source = url("1NoSuchSpreadsheet000000000000")
    elif case == "no-worksheet":
        args = ["--worksheet", "Feuille 9"]
    else:
        source = url(google_example, gid=424242)
    result = CliRunner().invoke(main, ["validate", source, *args])
    assert result.exit_code == 5, result.output
    message = result.stderr.strip()
    assert "\n" not in message
    expected = {
        "private": f"is not shared with {EMULATOR_ACCOUNT}: share it (Editor) with that address",
        "missing": "spreadsheet not found: 1NoSuchSpreadsheet000000000000",
        "no-worksheet": f"has no worksheet 'Feuille 9' (worksheets: '{WORKSHEET}')",
        "no-gid": f"has no worksheet with gid 424242 (worksheets: '{WORKSHEET}')",
    }[case]
    assert expected in message


def test_worksheet_given_as_a_gid(google_example: str) -> None:
    table = read_google_sheet(google_example, "0", session=_session())
    assert table.name.endswith(WORKSHEET)


def test_bad_spec_is_a_config_error(emulator_env: Emulator) -> None:
    with pytest.raises(ConfigError, match="not a Google Sheets URL"):
        read_google_sheet("https://docs.google.com/document/d/x")


def test_missing_name_is_named_at_no_extra_request(google_example: str) -> None:
    session = _session()
    with pytest.raises(SheetAccessError, match="no worksheet 'Nope'"):
        read_google_sheet(google_example, "Nope", session=session)
    assert session.api_requests == 1

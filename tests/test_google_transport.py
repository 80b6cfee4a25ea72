"""impactsheets.google: sheet specs, credentials files, scopes, loopback guard, retry policy."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from impactsheets.emulator.a1 import format_range, parse_range, quote_sheet
from impactsheets.errors import ConfigError
from impactsheets.google import auth
from impactsheets.google.auth import (
    DRIVE_FILE_SCOPE,
    SHEETS_SCOPE,
    EmulatorCredentials,
    credentials_from_file,
    load_credentials,
    scopes_for,
    service_account_email,
)
from impactsheets.google.endpoint import EMULATOR_ENV, check_loopback
from impactsheets.google.sheets import parse_sheet_spec
from impactsheets.google.transport import RetryPolicy, authorized_session

KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCd"


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=123", (KEY, 123)),
        (f"https://docs.google.com/spreadsheets/d/{KEY}/edit?gid=7#gid=7", (KEY, 7)),
        (f"https://docs.google.com/spreadsheets/d/{KEY}/edit", (KEY, None)),
        (f"https://docs.google.com/spreadsheets/u/0/d/{KEY}", (KEY, None)),
        (f"  {KEY} ", (KEY, None)),
    ],
)
def test_parse_sheet_spec(spec: str, expected: tuple[str, int | None]) -> None:
    assert parse_sheet_spec(spec) == expected


@pytest.mark.parametrize("spec", ["", "not a key!", "https://example.com/x"])
def test_parse_sheet_spec_rejects_garbage(spec: str) -> None:
    with pytest.raises(ConfigError):
        parse_sheet_spec(spec)


def test_scopes_are_least_privilege() -> None:
    assert scopes_for() == [SHEETS_SCOPE]
    assert scopes_for(drive=True) == [SHEETS_SCOPE, DRIVE_FILE_SCOPE]
    assert all('auth/drive"' not in s and not s.endswith("/auth/drive") for s in scopes_for(True))


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8765", "http://127.0.0.2:1/", "http://localhost:9", "http://[::1]:80"]
)
def test_loopback_urls_are_accepted(url: str) -> None:
    assert check_loopback(url).startswith("http://")


@pytest.mark.parametrize(
    "url", ["http://10.0.0.1:8765", "https://sheets.googleapis.com", "ftp://127.0.0.1", "127.0.0.1"]
)
def test_non_loopback_emulator_is_refused(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError):
        check_loopback(url)
    monkeypatch.setenv(EMULATOR_ENV, url)
    with pytest.raises(ConfigError):
        authorized_session()


def test_emulator_credentials_send_a_bearer_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(EMULATOR_ENV, "http://127.0.0.1:1")
    creds = load_credentials("/nonexistent/key.json")
    assert isinstance(creds, EmulatorCredentials)
    headers: dict[str, str] = {}
    creds.apply(headers)
    assert headers["authorization"] == "Bearer emulator"
    assert creds.valid
    assert service_account_email(creds) == auth.EMULATOR_ACCOUNT


SECRET = "-----BEGIN PRIVATE KEY-----\nSUPERSECRETMATERIAL\n-----END PRIVATE KEY-----\n"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "not found"),
        ("{not json " + SECRET, "not JSON"),
        (json.dumps(["x", SECRET]), "not a Google key file"),
        (json.dumps({"type": "external_account_x", "secret": SECRET}), "unsupported"),
        (json.dumps({"type": "service_account", "private_key": SECRET}), "incomplete or invalid"),
        (json.dumps({"type": "authorized_user", "client_secret": SECRET}), "authorized_user"),
    ],
)
def test_bad_key_files_give_one_line_config_errors_without_contents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | None, fragment: str
) -> None:
    monkeypatch.delenv(EMULATOR_ENV, raising=False)
    path = tmp_path / "key.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        credentials_from_file(path, scopes_for())
    msg = str(exc.value)
    assert fragment in msg and str(path) in msg
    assert "SUPERSECRET" not in msg and "\n" not in msg
    assert exc.value.__cause__ is None


def test_env_key_file_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(EMULATOR_ENV, raising=False)
    path = tmp_path / "env-key.json"
    path.write_text("nope", encoding="utf-8")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(path))
    with pytest.raises(ConfigError, match=r"env-key\.json"):
        load_credentials()


def test_authorized_user_file_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(EMULATOR_ENV, raising=False)
    path = tmp_path / "user.json"
    path.write_text(
        json.dumps(
            {
                "type": "authorized_user",
                "client_id": "cid",
                "client_secret": "csecret",
                "refresh_token": "rtoken",
            }
        ),
        encoding="utf-8",
    )
    creds = credentials_from_file(path, scopes_for(drive=True))
    assert set(creds.scopes) == {SHEETS_SCOPE, DRIVE_FILE_SCOPE}  # type: ignore[attr-defined]
    assert service_account_email(creds) is None


def test_token_cache_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))

    class Fake:
        def to_json(self) -> str:
            return "{}"

    target = auth.token_path()
    assert target == tmp_path / "cfg" / "impactsheets" / "token.json"
    auth._save_token(Fake(), target)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(target.parent).st_mode) == 0o700


def test_retry_policy_is_bounded_full_jitter() -> None:
    policy = RetryPolicy(attempts=5, base=0.5, cap=16.0)
    for attempt in range(10):
        for _ in range(50):
            assert 0 <= policy.delay(attempt) <= min(16.0, 0.5 * 2**attempt)
    assert policy.delay(0, retry_after=3.0) >= 3.0
    assert policy.delay(0, retry_after=10_000) <= policy.max_retry_after


# --- A1 notation (emulator) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sheet1!A1:B2", ("Sheet1", 0, 0, 2, 2, False)),
        ("'My ''quoted'' sheet'!C3", ("My 'quoted' sheet", 2, 2, 3, 3, False)),
        ("'Sheet1'!A:A", ("Sheet1", 0, 0, None, 1, False)),
        ("Sheet1!2:3", ("Sheet1", 1, 0, 3, None, False)),
        ("Sheet1!A2:C", ("Sheet1", 1, 0, None, 3, False)),
        ("'Sheet1'!D4:A1", ("Sheet1", 0, 0, 4, 4, False)),
        ("A1:B2", (None, 0, 0, 2, 2, False)),
        ("Réponses au formulaire 1", ("Réponses au formulaire 1", None, None, None, None, True)),
        ("'Feuille 1'", ("Feuille 1", None, None, None, None, True)),
    ],
)
def test_a1_parse(text: str, expected: tuple) -> None:
    r = parse_range(text)
    assert (r.sheet, r.start_row, r.start_col, r.end_row, r.end_col, r.whole_sheet) == expected


def test_a1_format_and_quote() -> None:
    assert format_range("Sheet1", 0, 0, 1000, 26) == "Sheet1!A1:Z1000"
    assert format_range("D3", 0, 0, 1, 1) == "'D3'!A1"
    assert format_range("Feuille 1", 1, 26, 2, 28) == "'Feuille 1'!AA2:AB2"
    assert quote_sheet("it's") == "'it''s'"
    assert parse_range("A1", ["A1"]).whole_sheet

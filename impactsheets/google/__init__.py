"""Google access for impactsheets: credentials (:mod:`.auth`) and the HTTP transport
(:mod:`.transport`) shared by every Sheets/Drive call, with emulator support for tests."""

from __future__ import annotations

from .auth import (
    DRIVE_FILE_SCOPE,
    SHEETS_SCOPE,
    EmulatorCredentials,
    load_credentials,
    scopes_for,
    service_account_email,
)
from .transport import (
    EMULATOR_ENV,
    GoogleSession,
    RetryPolicy,
    authorized_session,
    emulator_url,
    gspread_client,
    parse_sheet_spec,
)

__all__ = [
    "DRIVE_FILE_SCOPE",
    "EMULATOR_ENV",
    "SHEETS_SCOPE",
    "EmulatorCredentials",
    "GoogleSession",
    "RetryPolicy",
    "authorized_session",
    "emulator_url",
    "gspread_client",
    "load_credentials",
    "parse_sheet_spec",
    "scopes_for",
    "service_account_email",
]

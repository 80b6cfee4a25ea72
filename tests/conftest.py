"""Shared pytest fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings

from impactsheets.emulator import Emulator
from impactsheets.google.endpoint import EMULATOR_ENV

# CI (CI=true, as .ci/run is run there) draws the same property-test examples every run, so a
# submission is judged on its own change; developers' runs keep drawing new examples, and what
# they find becomes an @example and a fix.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# No test may reach a Google host: should a code path ever fall back to Application Default
# Credentials, google-auth must not probe the GCE metadata server either.
os.environ["NO_GCE_CHECK"] = "True"

# --- Google emulator fixtures -------------------------------------------------------------


#: (test id, log entry) of every API request the session's emulator answered, each judged
#: against Google's discovery documents (tests/test_request_conformance.py checks them last).
JUDGED: list[tuple[str, dict[str, Any]]] = []
CONFORMANCE_TEST = "test_request_conformance.py::test_every_request_of_the_session_conforms"


def _observe(entry: dict[str, Any]) -> None:
    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]
    JUDGED.append((test, entry))


#: Tests that send requests Google refuses on purpose (marked ``sends_refused_requests``).
REFUSALS_EXPECTED: set[str] = set()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The session-wide conformance check runs after every other test."""
    REFUSALS_EXPECTED.update(item.nodeid for item in items
                             if item.get_closest_marker("sends_refused_requests"))
    last = [item for item in items if item.nodeid.endswith(CONFORMANCE_TEST)]
    items[:] = [item for item in items if item not in last] + last


@pytest.fixture
def judged_requests() -> tuple[list[tuple[str, dict[str, Any]]], set[str]]:
    """Every (test id, request log entry) judged so far, and the tests allowed refusals."""
    return JUDGED, REFUSALS_EXPECTED


@pytest.fixture(scope="session")
def _emulator_server() -> Iterator[Emulator]:
    """One loopback emulator for the whole test session (state is reset per test)."""
    with Emulator() as emu:
        emu.store.observers.append(_observe)
        yield emu


@pytest.fixture
def emulator(_emulator_server: Emulator) -> Iterator[Emulator]:
    """A running, empty emulator (fr_FR / Europe/Paris spreadsheets by default)."""
    _emulator_server.reset()
    yield _emulator_server
    _emulator_server.reset()


@pytest.fixture
def emulator_env(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    """The emulator, with IMPACTSHEETS_GOOGLE_EMULATOR pointing the product at it."""
    monkeypatch.setenv(EMULATOR_ENV, emulator.base_url)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    return emulator


# --- Site report fixtures -------------------------------------------------------------------


@pytest.fixture(scope="session")
def questionnaire():
    """The bundled questionnaire definition."""
    from impactsheets.questionnaire import load_questionnaire

    return load_questionnaire()


@pytest.fixture(scope="session")
def example_validation(questionnaire):
    """The validation report of the bundled example workbook."""
    from impactsheets.resources import data_path
    from impactsheets.sources import read_table
    from impactsheets.validation import validate

    return validate(read_table(data_path("examples", "reponses-effets-sociaux.xlsx")),
                    questionnaire)


def pdf_text(data: bytes) -> str:
    """The text of a PDF (pypdf), narrow and plain no-break spaces turned into spaces."""
    import io

    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(data)).pages
    text = "\n".join(page.extract_text() for page in pages)
    return text.replace("\u202f", " ").replace("\u00a0", " ")


# --- Google Sheets / Drive write-back fixtures ----------------------------------------------


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every GoogleSession built without an explicit policy retries 4 times, in milliseconds."""
    from impactsheets.google import transport

    fast = transport.RetryPolicy(attempts=4, base=0.001, cap=0.005)
    monkeypatch.setattr(transport, "RetryPolicy", lambda: fast)


@pytest.fixture
def google_example(emulator_env: Emulator, fast_retries: None) -> str:
    """The example workbook loaded in the emulator; returns its spreadsheet key."""
    from impactsheets.resources import data_path

    key = "1ImpactsheetsExample000000000000000000000000"
    emulator_env.load_xlsx(data_path("examples", "reponses-effets-sociaux.xlsx"), key)
    return key

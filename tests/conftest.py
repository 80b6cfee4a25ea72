"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from impactsheets.emulator import Emulator
from impactsheets.google.transport import EMULATOR_ENV

# --- Google emulator fixtures -------------------------------------------------------------


@pytest.fixture(scope="session")
def _emulator_server() -> Iterator[Emulator]:
    """One loopback emulator for the whole test session (state is reset per test)."""
    with Emulator() as emu:
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

"""Drive delivery against the emulator: create, update in place, no duplicates, clear errors."""

from __future__ import annotations

import pytest

from impactsheets.emulator import Emulator
from impactsheets.errors import SheetAccessError
from impactsheets.google.auth import EMULATOR_ACCOUNT
from impactsheets.google.drive import DriveFolder
from impactsheets.google.transport import RetryPolicy, authorized_session


@pytest.fixture
def folder(emulator_env: Emulator, fast_retries: None) -> str:
    return emulator_env.create_folder("Rapports")


def test_create_then_update_keeps_the_id_and_link(emulator_env: Emulator, folder: str) -> None:
    drive = DriveFolder(folder)
    first = drive.upload("arsenal.pdf", b"%PDF-1 v1", None)
    assert first.drive_id and first.link == f"https://drive.google.com/file/d/{first.drive_id}/view?usp=drivesdk"
    second = drive.upload("arsenal.pdf", b"%PDF-1 v2", first.drive_id)
    assert (second.drive_id, second.link) == (first.drive_id, first.link)
    assert emulator_env.file_content(first.drive_id) == b"%PDF-1 v2"
    assert drive.api_requests() == 3  # one listing, one create, one update
    methods = [(r["method"], r["path"]) for r in emulator_env.requests()]
    assert methods[0] == ("GET", "/drive/v3/files")
    assert methods[1][0] == "POST" and methods[2][0] == "PATCH"


def test_a_file_of_the_same_name_is_reused_when_the_state_was_lost(emulator_env: Emulator,
                                                                   folder: str) -> None:
    kept = DriveFolder(folder).upload("arsenal.pdf", b"%PDF v1", None)
    again = DriveFolder(folder).upload("arsenal.pdf", b"%PDF v2", None)  # a new run, no state
    assert again.drive_id == kept.drive_id
    assert [f["id"] for f in emulator_env.drive_files(folder)] == [kept.drive_id]


def test_a_stale_previous_id_falls_back_to_the_name_or_a_new_file(emulator_env: Emulator,
                                                                  folder: str) -> None:
    other = emulator_env.create_folder("Ailleurs")
    stray = DriveFolder(other).upload("arsenal.pdf", b"%PDF elsewhere", None)
    made = DriveFolder(folder).upload("arsenal.pdf", b"%PDF v1", stray.drive_id)
    assert made.drive_id != stray.drive_id  # a file outside the folder is never touched
    assert emulator_env.file_content(stray.drive_id) == b"%PDF elsewhere"
    assert len(emulator_env.drive_files(folder)) == 1


def test_missing_folder_is_a_clear_error(emulator_env: Emulator, fast_retries: None) -> None:
    drive = DriveFolder("1NoSuchFolder000000000000")
    with pytest.raises(SheetAccessError) as exc:
        drive.upload("arsenal.pdf", b"%PDF", None)
    assert str(exc.value) == (
        f"Drive folder 1NoSuchFolder000000000000 not found or not shared with {EMULATOR_ACCOUNT}: "
        "share it with that address (Content manager on a Shared drive, or Editor)")
    assert exc.value.exit_code == 5


def test_rate_limits_on_a_create_are_retried(emulator_env: Emulator, folder: str) -> None:
    emulator_env.inject(429, times=1, method="POST", path_regex="/upload/drive/v3/files$")
    made = DriveFolder(folder).upload("arsenal.pdf", b"%PDF", None)
    assert [f["id"] for f in emulator_env.drive_files(folder)] == [made.drive_id]
    creates = [r["status"] for r in emulator_env.requests() if r["method"] == "POST"]
    assert creates == [429, 200]


def test_a_5xx_on_a_create_is_not_resent(emulator_env: Emulator, folder: str) -> None:
    """The file may exist already: a second create could leave a duplicate behind. The next
    run lists the folder and reuses the file of the same name."""
    emulator_env.inject(503, times=1, method="POST", path_regex="/upload/drive/v3/files$")
    with pytest.raises(SheetAccessError, match=r"^Google API POST /upload/drive/v3/files failed: "
                                               r"HTTP 503 \(after 1 attempt\)$"):
        DriveFolder(folder).upload("arsenal.pdf", b"%PDF", None)
    assert [r["status"] for r in emulator_env.requests() if r["method"] == "POST"] == [503]
    made = DriveFolder(folder).upload("arsenal.pdf", b"%PDF", None)
    assert [f["id"] for f in emulator_env.drive_files(folder)] == [made.drive_id]


def test_drive_rate_limit_403_is_retried_after_its_retry_after(emulator_env: Emulator,
                                                                 folder: str) -> None:
    """Drive says 'slow down' with a 403 whose reason is rateLimitExceeded: nothing was done,
    so even a create is sent again, after at least the Retry-After the answer asked for."""
    emulator_env.inject(403, times=1, method="POST", path_regex="/upload/drive/v3/files$",
                        reason="rateLimitExceeded", retry_after=0.25)
    waits: list[float] = []
    session = authorized_session(drive=True, retry=RetryPolicy(attempts=3, base=0.001, cap=0.002),
                                 sleep=waits.append, passthrough_statuses=frozenset({403, 404}))
    made = DriveFolder(folder, session=session).upload("arsenal.pdf", b"%PDF", None)
    assert [f["id"] for f in emulator_env.drive_files(folder)] == [made.drive_id]
    assert [r["status"] for r in emulator_env.requests() if r["method"] == "POST"] == [403, 200]
    assert len(waits) == 1 and waits[0] >= 0.25

"""Every request sent to the emulator, judged by Google's own discovery documents.

The session's emulator judges each request (method and path, query parameters, body field
names, types and enums, ``fields`` masks) against ``sheets.v4``, ``drive.v3`` and
``forms.v1`` as ``google-api-python-client`` ships them; tests/conftest.py collects every
judged request of the session. The last test of the session asserts that all conform; a
planted wrong field name in a write-back shows what it catches.
"""

from __future__ import annotations

from typing import Any

import pytest

from impactsheets.emulator import Emulator
from impactsheets.emulator.discovery import load_judge
from impactsheets.errors import SheetAccessError
from impactsheets.feedback import planner
from impactsheets.google.transport import RetryPolicy, authorized_session
from impactsheets.questionnaire import load_questionnaire
from impactsheets.sheet import GoogleSheet
from impactsheets.validation import validate

FAST = RetryPolicy(attempts=2, base=0.001, cap=0.002)
Judged = tuple[list[tuple[str, dict[str, Any]]], set[str]]


def nonconforming(entries: list[dict[str, Any]]) -> list[str]:
    """One line per request Google would refuse, or whose parameter no document names."""
    return [f"{e['method']} {e['path']}?{e['query']}: {e.get('refused') or '; '.join(e['remarks'])}"
            for e in entries if e.get("refused") or e.get("remarks")]


@pytest.mark.sends_refused_requests
def test_a_wrong_field_name_in_the_write_back_is_refused(google_example: str, emulator_env: Emulator,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    real = planner.plan_write_back

    def planted(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        requests = real(*args, **kwargs)
        for request in requests:  # the first mark: backgroundColor misspelt
            fmt = request.get("updateCells", {}).get("rows", [{}])[0].get("values", [{}])[0] \
                .get("userEnteredFormat", {})
            if "backgroundColor" in fmt:
                fmt["backgroundColour"] = fmt.pop("backgroundColor")
                break
        return requests

    monkeypatch.setattr(planner, "plan_write_back", planted)
    sheet = GoogleSheet(google_example, "Réponses au formulaire 1",
                        session=authorized_session(retry=FAST))
    before = emulator_env.sheet_values(google_example, "Réponses au formulaire 1")
    with pytest.raises(SheetAccessError, match=r'Google refused the write-back \(HTTP 400: '
                                               r'Invalid JSON payload received\. Unknown name '
                                               r'"backgroundColour" at \'requests\[\d+\]'
                                               r'\.update_cells\.rows\[0\]\.values\[0\]'
                                               r'\.user_entered_format\': Cannot find field\.'):
        sheet.write_back(validate(sheet.read(), load_questionnaire()), {})
    bad = nonconforming(emulator_env.requests())
    assert len(bad) == 1 and bad[0].startswith(f"POST /v4/spreadsheets/{google_example}:batchUpdate")
    # batchUpdate is atomic: nothing at all was written
    assert emulator_env.sheet_values(google_example, "Réponses au formulaire 1") == before


def test_every_request_of_the_session_conforms(judged_requests: Judged) -> None:
    """Runs last (tests/conftest.py orders it): every request any earlier test sent."""
    assert load_judge() is not None, "google-api-python-client (a test dependency) is missing"
    judged, allowed = judged_requests
    if not judged:
        pytest.skip("no test before this one sent a request to the emulator")
    # every request was judged (but one whose body was too large to be read: answered 413)
    assert all(entry.get("judged") or entry.get("status") == 413 for _, entry in judged)
    bad = [f"{test}: {line}" for test, entry in judged if test not in allowed
           for line in nonconforming([entry])]
    assert bad == [], "\n".join(bad)

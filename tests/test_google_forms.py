"""Forms API v1: the forms.get fixtures (schema-checked), the emulator serving them, and
impactsheets.google.forms reading them with the single forms.body.readonly scope."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from impactsheets.emulator import Emulator
from impactsheets.emulator.discovery import load_document, value_errors
from impactsheets.errors import ConfigError, SheetAccessError
from impactsheets.google import auth
from impactsheets.google.forms import get_form, parse_form_spec
from impactsheets.google.transport import RetryPolicy, authorized_session
from impactsheets.questionnaire import load_questionnaire

FORMS = Path(__file__).parent / "data" / "forms"
FIXTURES = sorted(FORMS.glob("*.json"))
FAST = RetryPolicy(attempts=2, base=0.001, cap=0.002)


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FORMS / name).read_text(encoding="utf-8"))


def items(form: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [item for item in form["items"] if kind in item]


def questions(form: dict[str, Any]) -> list[dict[str, Any]]:
    return [item["questionItem"]["question"] for item in items(form, "questionItem")]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_every_fixture_is_a_valid_forms_get_answer(path: Path) -> None:
    api = load_document("forms.v1")
    assert api is not None, "google-api-python-client (a test dependency) is not installed"
    form = json.loads(path.read_text(encoding="utf-8"))
    assert value_errors(api, {"$ref": "Form"}, form, "") == []
    ids = [i["itemId"] for i in form["items"]]
    assert len(ids) == len(set(ids))
    sections = {i["itemId"] for i in items(form, "pageBreakItem")}
    targets = {o["goToSectionId"] for q in questions(form) for o in
               (q.get("choiceQuestion") or {}).get("options", []) if "goToSectionId" in o}
    assert targets and targets <= sections  # every navigation lands on a real section


def test_the_fixtures_cover_every_kind_of_question() -> None:
    forms = [json.loads(p.read_text(encoding="utf-8")) for p in FIXTURES]
    qs = [q for f in forms for q in questions(f)]
    choice = [q["choiceQuestion"] for q in qs if "choiceQuestion" in q]
    assert {c["type"] for c in choice} == {"RADIO", "CHECKBOX", "DROP_DOWN"}
    assert any(c["type"] == "CHECKBOX" and any(o.get("isOther") for o in c["options"])
               for c in choice)
    scales = [q["scaleQuestion"] for q in qs if "scaleQuestion" in q]
    assert any("lowLabel" in s and "highLabel" in s for s in scales)
    grids = [i["questionGroupItem"]["grid"]["columns"]["type"] for f in forms
             for i in items(f, "questionGroupItem")]
    assert {"RADIO", "CHECKBOX"} <= set(grids)
    assert any("dateQuestion" in q for q in qs) and any("timeQuestion" in q for q in qs)
    assert any((q.get("textQuestion") or {}).get("paragraph") for q in qs)
    assert any(q.get("required") for q in qs)
    assert all(items(f, "pageBreakItem") for f in forms)
    assert any("description" in i for f in forms for i in f["items"])


def test_the_french_fixture_is_this_projects_questionnaire() -> None:
    form = fixture("effets-sociaux-fr.json")
    definition = load_questionnaire()
    titles = {i["title"] for i in items(form, "questionItem")}
    grid_rows = {f"{i['title']} [{q['rowQuestion']['title']}]"
                 for i in items(form, "questionGroupItem") for q in i["questionGroupItem"]["questions"]}
    # the e-mail column comes from the form's e-mail collection, not from a question
    assert form["settings"]["emailCollectionType"] == "RESPONDER_INPUT"
    expected = {q.header for q in definition.questions if q.id != "contact_email"}
    assert titles | grid_rows == expected
    sections = [i["title"] for i in items(form, "pageBreakItem")]
    assert [p.title for p in definition.parts] == [s for s in sections
                                                   if s in {p.title for p in definition.parts}]
    by_title = {i["title"]: i["questionItem"]["question"] for i in items(form, "questionItem")}
    for q in definition.questions:
        if q.header in by_title:
            assert bool(by_title[q.header].get("required")) == q.required, q.id
            options = (by_title[q.header].get("choiceQuestion") or {}).get("options", [])
            labels = [o["value"] for o in options if not o.get("isOther")]
            if q.choices:
                assert labels == [c.label for c in q.choices], q.id


def test_the_emulator_serves_a_form_and_get_form_reads_it(emulator_env: Emulator) -> None:
    form = fixture("community-garden-en.json")
    form_id = emulator_env.load_form(FORMS / "community-garden-en.json")
    session = authorized_session(retry=FAST, scopes=[auth.FORMS_READ_SCOPE])
    got = get_form(f"https://docs.google.com/forms/d/{form_id}/edit", session=session)
    assert got == form
    assert session.api_requests == 1
    assert emulator_env.requests()[-1]["path"] == f"/v1/forms/{form_id}"
    with pytest.raises(SheetAccessError, match=r"^form not found: 1NoSuchForm0000$"):
        get_form("1NoSuchForm0000", session=session)


def test_the_emulator_refuses_a_form_google_would_not_send(emulator: Emulator) -> None:
    form = fixture("ateliers-inscription-fr.json")
    form["items"][1]["questionItem"]["question"]["choiceQuestion"]["type"] = "DROPDOWN"
    with pytest.raises(ValueError, match=r"Invalid value at 'items\[1\]\.question_item\.question"
                                         r"\.choice_question\.type' \(TYPE_ENUM\), \"DROPDOWN\""):
        emulator.load_form(form)


def test_form_links_and_scopes() -> None:
    assert parse_form_spec(" 1Hk4Pz9Qw2Er7Ty0Ui3Op6As1Df8Gh5Jk2Lz9Xc4Vb7N ") == \
        "1Hk4Pz9Qw2Er7Ty0Ui3Op6As1Df8Gh5Jk2Lz9Xc4Vb7N"
    with pytest.raises(ConfigError, match="answer link"):
        parse_form_spec("https://docs.google.com/forms/d/e/1FAIpQLSc8Vn3/viewform")
    with pytest.raises(ConfigError, match="not a Google Forms link"):
        parse_form_spec("https://docs.google.com/spreadsheets/d/x")
    # the sync never asks for the Forms scope; reading a form asks for nothing else
    assert auth.FORMS_READ_SCOPE not in auth.scopes_for(drive=True)
    assert auth.FORMS_READ_SCOPE.endswith("/auth/forms.body.readonly")


def test_reading_a_form_asks_for_the_forms_scope_only(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from impactsheets.google.endpoint import EMULATOR_ENV
    from impactsheets.google.forms import forms_session

    monkeypatch.delenv(EMULATOR_ENV, raising=False)
    key = tmp_path / "user.json"
    key.write_text(json.dumps({"type": "authorized_user", "client_id": "cid",
                               "client_secret": "csecret", "refresh_token": "rtoken"}),
                   encoding="utf-8")
    session = forms_session(oauth_client_file=str(key), interactive=False)
    assert list(session.credentials.scopes) == [auth.FORMS_READ_SCOPE]


def test_a_form_can_be_loaded_over_http(emulator_env: Emulator) -> None:
    import requests

    body = (FORMS / "effets-sociaux-fr.json").read_bytes()
    resp = requests.post(f"{emulator_env.base_url}/_emulator/forms", data=body, timeout=10)
    assert resp.json() == {"formId": fixture("effets-sociaux-fr.json")["formId"]}
    bad = requests.post(f"{emulator_env.base_url}/_emulator/forms", timeout=10,
                        data=json.dumps({"formId": "F", "items": [{"pageBreakItem": {"goTo": 1}}]}))
    assert bad.status_code == 400 and 'Unknown name \\"goTo\\"' in bad.text
    session = authorized_session(retry=FAST, scopes=[auth.FORMS_READ_SCOPE])
    assert get_form(resp.json()["formId"], session=session)["info"]["title"] == \
        "Effets sociaux et urbains"

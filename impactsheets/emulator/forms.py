"""Forms API v1 in the emulator: forms loaded from ``forms.get`` answers (JSON files).

A loaded form is checked against Google's ``Form`` schema (``forms.v1.json``) when the
discovery documents are installed, so a fixture cannot hold a field Google would not send.

>>> store = Store()
>>> load_form(store, {"formId": "F1", "info": {"title": "Essai"}, "items": []})
'F1'
>>> load_form(store, {"formId": "F2", "items": [{"questionItem": {"question": {"textQuestion":
...     {"paragraf": True}}}}]})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: form F2 does not match forms.v1 Form: ... Unknown name "paragraf" at ...
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from .discovery import load_document, value_errors
from .fields import apply_mask, parse_mask
from .store import ApiError, Store


def read_form(source: dict[str, Any] | str | Path) -> dict[str, Any]:
    """A ``forms.get`` answer from a dict or a JSON file."""
    if isinstance(source, dict):
        return copy.deepcopy(source)
    data = json.loads(Path(source).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{source}: a forms.get answer is a JSON object")
    return data


def load_form(store: Store, source: dict[str, Any] | str | Path) -> str:
    """Make ``forms.get`` answer this form; its ``formId``. Caller holds the lock."""
    form = read_form(source)
    form_id = form.get("formId")
    if not isinstance(form_id, str) or not form_id:
        raise ValueError("a form needs a 'formId'")
    api = load_document("forms.v1")
    if api is not None:
        errors = value_errors(api, {"$ref": "Form"}, form, "")
        if errors:
            raise ValueError(f"form {form_id} does not match forms.v1 Form: {errors[0][1]}")
    store.forms[form_id] = form
    return form_id


def get_form(store: Store, form_id: str, params: dict[str, list[str]]) -> dict[str, Any]:
    """``forms.get``: the loaded form, through the ``fields`` mask when one is given."""
    form = store.forms.get(form_id)
    if form is None:
        raise ApiError(404, "Requested entity was not found.")
    mask = (params.get("fields") or [""])[0]
    return dict(apply_mask(form, parse_mask(mask))) if mask else form

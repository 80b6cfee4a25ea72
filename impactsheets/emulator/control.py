"""The emulator's control endpoints (``/_emulator/...``): request log, faults, state, loading.

>>> store = Store()
>>> control(store, "POST", "/_emulator/faults", "", b'{"action": 503}', {})
(200, {'faults': 1})
>>> control(store, "GET", "/_emulator/nothing", "", b"", {})[0]
404
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs

from .forms import load_form
from .loader import load_values, load_xlsx
from .store import ApiError, Store


def control(store: Store, method: str, path: str, query: str, body: bytes, headers: Any
            ) -> tuple[int, Any]:
    """(HTTP status, JSON body) of a control request."""
    params = parse_qs(query)
    try:
        with store.lock:
            if path == "/_emulator/requests" and method == "GET":
                return (200, list(store.request_log))
            if path == "/_emulator/reset-requests" and method == "POST":
                store.request_log.clear()
                return (200, {})
            if path == "/_emulator/faults" and method == "POST":
                rules = json.loads(body or b"[]")
                rules = rules if isinstance(rules, list) else [rules]
                for rule in rules:
                    validate_fault(rule)
                store.faults.extend(rules)
                return (200, {"faults": len(store.faults)})
            if path == "/_emulator/faults" and method == "DELETE":
                store.faults.clear()
                return (200, {})
            if path == "/_emulator/state" and method == "GET":
                return (200, dump_state(store))
            if path == "/_emulator/forms" and method == "POST":
                return (200, {"formId": load_form(store, json.loads(body))})
            if path == "/_emulator/load" and method == "POST":
                ctype = (headers.get("Content-Type") or "").lower()
                if "json" in ctype:
                    spec = json.loads(body)
                    ss = load_values(
                        store,
                        spec["key"],
                        spec.get("sheets") or {},
                        spec.get("title"),
                        private=bool(spec.get("private")),
                    )
                else:
                    key = (params.get("key") or [""])[0]
                    if not key:
                        raise ValueError("?key= is required when uploading an xlsx")
                    title = params["title"][0] if params.get("title") else None
                    ss = load_xlsx(store, body, key, title)
                return (200, {"spreadsheetId": ss.spreadsheet_id})
    except (ValueError, KeyError, TypeError) as exc:
        return 400, ApiError(400, f"bad control request: {exc}").body()
    return 404, ApiError(404, f"unknown control endpoint {method} {path}").body()



def validate_fault(rule: Any) -> None:
    if not isinstance(rule, dict):
        raise ValueError("a fault rule is an object")
    action = rule.get("action")
    named = ("slow", "drop", "bad-json", "captive-portal")
    if action not in named and not (isinstance(action, int) and 400 <= action <= 599):
        raise ValueError(f"unknown fault action {action!r}")
    if int(rule.get("times", 1)) < 1:
        raise ValueError("times must be >= 1")
    if rule.get("match", {}).get("path_regex"):
        re.compile(rule["match"]["path_regex"])


def dump_state(store: Store) -> dict[str, Any]:
    out: dict[str, Any] = {"spreadsheets": {}, "files": []}
    for key, ss in store.spreadsheets.items():
        out["spreadsheets"][key] = {
            "title": ss.properties["title"],
            "private": ss.private,
            "sheets": [
                {
                    "properties": s.props,
                    "cells": {f"{r},{c}": cell for (r, c), cell in sorted(s.cells.items())},
                }
                for s in ss.sheets
            ],
        }
    out["files"] = [dict(f.meta) for f in store.files.values()]
    return out

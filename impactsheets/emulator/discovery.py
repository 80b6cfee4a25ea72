"""Google's own API schemas as the judge of every request the emulator receives.

Google publishes a *discovery document* per API (every method, path, query parameter and
body schema); ``google-api-python-client`` ships them (``googleapiclient/discovery_cache/
documents/sheets.v4.json``, ``drive.v3.json``, ``forms.v1.json``). A :class:`Judge` reads
them and checks a request the way Google's front end does:

* method and path against the discovery methods (media-upload paths included);
* query parameters: known names (the method's and the API's standard ones), types, enums
  (Drive v3 ignores unknown names, as the recorded real exchanges show: only remarked);
* the JSON body (or a multipart upload's metadata part): every field name, type and enum,
  recursively through the ``$ref`` schemas;
* ``fields=`` masks against the method's response schema.

A refused request gets the answer Google sends (HTTP 400, ``INVALID_ARGUMENT``, the same
message shapes as the recorded real errors: "Invalid JSON payload received. Unknown name
…", "Invalid value at …"). ``google-api-python-client`` is a test dependency: without it
:func:`load_judge` returns None and the emulator judges nothing.

>>> judge = load_judge()
>>> refusal, remarks = judge.check(
...     "POST", "/v4/spreadsheets/KEY:batchUpdate", "",
...     b'{"requests": [{"appendDimension": {"sheetId": 0, "dimension": "COLS"}}]}',
...     "application/json")
>>> refusal.message
'Invalid value at \\'requests[0].append_dimension.dimension\\' (TYPE_ENUM), "COLS"'
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from .fields import Mask, MaskError, parse_mask
from .store import ApiError

DOCUMENTS = ("sheets.v4", "drive.v3", "drive.v2", "forms.v1", "gmail.v1")
_INT = re.compile(r"^-?\d+$")
_NUMBER_WORDS = {"NaN", "Infinity", "-Infinity"}
#: The request message field a body is bound to, when Google names it in error paths (the
#: recorded real answers say ``'data.values'`` for a values.update body).
BODY_FIELD = {"sheets.spreadsheets.values.update": "data", "sheets.spreadsheets.values.append": "data"}
_PACKAGES = {"sheets": "google.apps.sheets.v4", "forms": "google.apps.forms.v1"}
_TYPE_NAMES = {"string": "TYPE_STRING", "integer": "TYPE_INT32", "number": "TYPE_DOUBLE",
               "boolean": "TYPE_BOOL"}


def documents_dir() -> Path | None:
    """Where ``google-api-python-client`` keeps its discovery documents (None: not installed)."""
    spec = importlib.util.find_spec("googleapiclient")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "discovery_cache" / "documents"
    return folder if folder.is_dir() else None


def load_document(name: str) -> dict[str, Any] | None:
    """The discovery document ``name`` (``"forms.v1"``...), or None without the package."""
    folder = documents_dir()
    if folder is None or not (folder / f"{name}.json").is_file():
        return None
    return dict(json.loads((folder / f"{name}.json").read_text(encoding="utf-8")))


def snake(name: str) -> str:
    """Google writes field paths of its error messages in snake case.

    >>> snake("appendDimension")
    'append_dimension'
    """
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


@dataclass
class Method:
    """One discovery method, reachable at ``pattern`` with ``http_method``."""

    api: dict[str, Any]
    spec: dict[str, Any]
    http_method: str
    pattern: re.Pattern[str]
    literal: int  # literal characters of the path template: the most specific match wins
    upload: bool

    @property
    def drive(self) -> bool:
        return str(self.api.get("name")) == "drive"


def _template(template: str) -> tuple[re.Pattern[str], int]:
    out, literal, pos = "", 0, 0
    for m in re.finditer(r"\{(\+?)([^}]+)\}", template):
        chunk = template[pos:m.start()]
        out += re.escape(chunk) + ("(.+)" if m.group(1) else "([^/]+)")
        literal += len(chunk)
        pos = m.end()
    out += re.escape(template[pos:])
    literal += len(template) - pos
    return re.compile("^" + out + "$"), literal


def _methods(api: dict[str, Any]) -> list[Method]:
    found: list[Method] = []

    def walk(resource: dict[str, Any]) -> None:
        for spec in (resource.get("methods") or {}).values():
            paths = [("/" + str(api.get("servicePath", "")) + spec["path"], False)]
            upload = (spec.get("mediaUpload") or {}).get("protocols") or {}
            paths += [(str(p["path"]), True) for p in upload.values() if "path" in p]
            for path, is_upload in paths:
                pattern, literal = _template(path)
                found.append(Method(api, spec, spec["httpMethod"], pattern, literal, is_upload))
        for sub in (resource.get("resources") or {}).values():
            walk(sub)

    walk(api)
    return found


class Judge:
    """Checks requests against discovery documents (see the module docstring)."""

    def __init__(self, documents: list[dict[str, Any]]) -> None:
        self.methods = sorted((m for doc in documents for m in _methods(doc)),
                              key=lambda m: -m.literal)

    def method_for(self, http_method: str, path: str) -> Method | None:
        for method in self.methods:
            if method.http_method == http_method and method.pattern.match(path):
                return method
        return None

    def check(self, http_method: str, path: str, query: str, body: bytes,
              content_type: str) -> tuple[ApiError | None, list[str]]:
        """(Google's refusal or None, remarks): what Google would answer to the request's
        shape, and what it would let pass although no document names it (Drive ignores
        unknown query parameters; a path no document knows is left to the emulator)."""
        method = self.method_for(http_method, path)
        if method is None:
            return None, [f"no discovery method for {http_method} {path}"]
        remarks: list[str] = []
        problem = self._query(method, parse_qs(query, keep_blank_values=True), remarks)
        if problem is None:
            problem = self._body(method, body, content_type)
        return problem, remarks

    # --- query parameters ----------------------------------------------------------------
    def _query(self, method: Method, params: dict[str, list[str]], remarks: list[str]
               ) -> ApiError | None:
        known = {**(method.api.get("parameters") or {}), **(method.spec.get("parameters") or {})}
        for name, values in params.items():
            spec = known.get(name)
            if (spec is None or spec.get("location") == "path") and method.drive:
                remarks.append(f"unknown query parameter {name!r} (Drive ignores it)")
                continue
            if spec is None or spec.get("location") == "path":
                return invalid(f'Invalid JSON payload received. Unknown name "{name}": Cannot bind '
                               f"query parameter. Field '{name}' could not be found in request "
                               "message.", name, method.drive)
            if len(values) > 1 and not spec.get("repeated"):
                return invalid(f"Invalid JSON payload received. Repeated values for field '{name}'"
                               " which is not a repeated field.", name, method.drive)
            for value in values:
                if not _scalar_ok(value, spec, from_query=True):
                    return invalid(f"Invalid value at '{snake(name)}' "
                                   f"({_type_name(spec)}), \"{value}\"", name, method.drive)
            if name == "fields":
                problem = self._mask(method, values[0])
                if problem is not None:
                    return problem
        if method.upload and "uploadType" not in params:
            return invalid("Missing uploadType parameter.", "uploadType", method.drive)
        return None

    def _mask(self, method: Method, text: str) -> ApiError | None:
        response = (method.spec.get("response") or {}).get("$ref")
        try:
            mask = parse_mask(text)
        except MaskError:
            mask = None
        bad = mask_errors(method.api, {"$ref": response}, mask) if mask is not None and response \
            else ([] if mask is not None else [text])
        if not bad:
            return None
        if method.drive:
            return ApiError(400, f"Invalid field selection {bad[0]}", reason="invalidParameter",
                            drive=True)
        return ApiError(400, "Error expanding 'fields' parameter. Cannot find matching fields "
                             f"for path '{bad[0]}'.")

    # --- body ----------------------------------------------------------------------------
    def _body(self, method: Method, body: bytes, content_type: str) -> ApiError | None:
        ref = (method.spec.get("request") or {}).get("$ref")
        if method.upload and "multipart" in content_type.lower():
            from .drive import _split_multipart

            try:
                data: Any = _split_multipart(body, content_type)[0]
            except ApiError as exc:
                return exc
        elif method.upload:
            return None  # a simple media upload: the body is the file itself
        elif not body.strip():
            return None
        else:
            try:
                data = json.loads(body)
            except ValueError:
                return invalid("Invalid JSON payload received.", "", method.drive)
        if ref is None:
            return invalid("Invalid JSON payload received. This method takes no body.", "",
                           method.drive)
        errors = value_errors(method.api, {"$ref": ref}, data, BODY_FIELD.get(method.spec["id"], ""))
        return invalid(errors[0][1], errors[0][0], method.drive) if errors else None


def invalid(message: str, field: str, drive: bool) -> ApiError:
    """Google's 400 for a malformed request, with the ``BadRequest`` field violation."""
    if drive:
        return ApiError(400, message, reason="badRequest", drive=True)
    details = [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": field, "description": message}]}] if field else None
    return ApiError(400, message, details=details)


def _type_name(spec: dict[str, Any]) -> str:
    if "enum" in spec:
        return "TYPE_ENUM"
    if spec.get("format") in ("int64", "uint64"):
        return "TYPE_INT64"
    return _TYPE_NAMES.get(str(spec.get("type")), "TYPE_MESSAGE")


def _scalar_ok(value: Any, spec: dict[str, Any], from_query: bool = False) -> bool:
    """Whether ``value`` is acceptable for a scalar schema (proto3 JSON rules)."""
    kind, fmt = spec.get("type"), spec.get("format")
    if "enum" in spec:
        return isinstance(value, str) and value in spec["enum"]
    if from_query and kind in ("integer", "number", "boolean"):
        if kind == "boolean":
            return value.lower() in ("true", "false")
        if kind == "integer":
            return bool(_INT.match(value))
        return _is_number_text(value)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or \
            (isinstance(value, float) and value.is_integer()) or \
            (isinstance(value, str) and bool(_INT.match(value)))
    if kind == "number":
        return (isinstance(value, int | float) and not isinstance(value, bool)) or \
            (isinstance(value, str) and (_is_number_text(value) or value in _NUMBER_WORDS))
    if kind == "string" and fmt in ("int64", "uint64", "int32", "uint32"):
        return (isinstance(value, int) and not isinstance(value, bool)) or \
            (isinstance(value, str) and bool(_INT.match(value)))
    if kind == "string" and fmt in ("double", "float"):
        return isinstance(value, int | float | str) and not isinstance(value, bool)
    return isinstance(value, str)


def _is_number_text(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _element_type(api: dict[str, Any], schema: dict[str, Any]) -> str:
    """How Google names the element type of a repeated field in its error messages."""
    items = schema.get("items") or {}
    if "$ref" in items:
        return f"type.googleapis.com/{_PACKAGES.get(str(api.get('name')), 'google')}.{items['$ref']}"
    if items.get("type") in ("array", "any"):
        return "type.googleapis.com/google.protobuf." + ("ListValue" if items["type"] == "array"
                                                         else "Value")
    return _type_name(items)


def _resolve(api: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = dict(api["schemas"][schema["$ref"]])
    return schema


def value_errors(api: dict[str, Any], schema: dict[str, Any], value: Any, where: str
                 ) -> list[tuple[str, str]]:
    """(field path, Google's message) for every part of ``value`` the schema refuses."""
    schema = _resolve(api, schema)
    if value is None:
        return []  # JSON null: the field's default value, accepted by Google
    kind = schema.get("type")
    path = where or "<root>"
    if kind == "any":
        return []
    if kind == "array":
        if not isinstance(value, list):
            shown = json.dumps(value, ensure_ascii=False)
            return [(path, f"Invalid value at '{path}' ({_element_type(api, schema)}), {shown}")]
        return [e for i, item in enumerate(value)
                for e in value_errors(api, schema.get("items") or {}, item, f"{where}[{i}]")]
    if kind == "object":
        if not isinstance(value, dict):
            return [(path, f"Invalid value at '{path}' (TYPE_MESSAGE), {json.dumps(value)}")]
        props = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        errors: list[tuple[str, str]] = []
        for name, item in value.items():
            sub = props.get(name)
            if sub is None and extra is None:
                at = f" at '{where}'" if where else ""
                errors.append((where or name, f'Invalid JSON payload received. Unknown name '
                                              f'"{name}"{at}: Cannot find field.'))
                continue
            child = f"{where}.{snake(name)}" if where else snake(name)
            sub_schema = sub if sub is not None else extra if isinstance(extra, dict) else {"type": "any"}
            errors += value_errors(api, sub_schema, item, child)
        return errors
    if not _scalar_ok(value, schema):
        return [(path, f"Invalid value at '{path}' ({_type_name(schema)}), {json.dumps(value)}")]
    return []


def mask_errors(api: dict[str, Any], schema: dict[str, Any], mask: Mask, where: str = ""
                ) -> list[str]:
    """Paths of a ``fields`` mask that name no field of the response schema."""
    schema = _resolve(api, schema)
    while schema.get("type") == "array":
        schema = _resolve(api, schema.get("items") or {})
    if schema.get("type") == "any" or "additionalProperties" in schema:
        return []
    props = schema.get("properties") or {}
    bad: list[str] = []
    for name, sub in mask.items():
        path = f"{where}.{name}" if where else name
        if name == "*":
            continue
        if name not in props:
            bad.append(path)
        elif sub:
            bad += mask_errors(api, props[name], sub, path)
    return bad


@functools.cache
def load_judge() -> Judge | None:
    """A judge over the Sheets v4, Drive v3 and Forms v1 documents; None without them."""
    documents = [load_document(name) for name in DOCUMENTS]
    if any(doc is None for doc in documents):
        return None
    return Judge([doc for doc in documents if doc is not None])

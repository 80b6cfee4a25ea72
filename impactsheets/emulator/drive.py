"""Drive v3 endpoints: files list/get/create/update/delete, media upload and download, export,
permissions. Spreadsheets created here (mimeType spreadsheet) also exist for the Sheets API.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from .fields import MaskError, apply_mask, parse_mask
from .store import FOLDER_MIME, SPREADSHEET_MIME, ApiError, DriveFile, Store, new_file_id

Params = dict[str, list[str]]
DEFAULT_FILE_FIELDS = ("kind", "id", "name", "mimeType")


def _p(params: Params, name: str, default: str | None = None) -> str | None:
    vals = params.get(name)
    return vals[0] if vals else default


def _bad(message: str) -> ApiError:
    return ApiError(400, message, reason="invalid", drive=True)


def file_json(f: DriveFile, fields: str | None, *, in_list: bool = False) -> dict[str, Any]:
    meta = dict(f.meta)
    if not fields:
        return {k: meta[k] for k in DEFAULT_FILE_FIELDS if k in meta}
    try:
        mask = parse_mask(fields)
    except MaskError as exc:
        raise _bad(f"Invalid field selection {fields}") from exc
    if in_list:
        mask = mask.get("files") or {"*": {}}
    return dict(apply_mask(meta, mask))


# --- the q language ------------------------------------------------------------------------

_TOKEN_RE = re.compile(
    r"\s*(?:(?P<str>'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\")|(?P<op>!=|<=|>=|=|<|>|\(|\))"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_.]*))"
)


def _tokens(q: str) -> list[tuple[str, str]]:
    pos, out = 0, []
    q = q.strip()
    while pos < len(q):
        m = _TOKEN_RE.match(q, pos)
        if not m or m.end() == pos:
            raise _bad(f"Invalid Value: bad query near {q[pos : pos + 20]!r}")
        pos = m.end()
        if m.group("str"):
            raw = m.group("str")[1:-1]
            out.append(("str", re.sub(r"\\(.)", r"\1", raw)))
        elif m.group("op"):
            out.append(("op", m.group("op")))
        else:
            out.append(("word", m.group("word")))
    return out


class _Query:
    def __init__(self, q: str) -> None:
        self.toks = _tokens(q)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise _bad("Invalid Value: query ended early")
        self.i += 1
        return tok

    def parse(self) -> Any:
        node = self.parse_or()
        if self.peek() is not None:
            raise _bad("Invalid Value: unexpected text in query")
        return node

    def parse_or(self) -> Any:
        node = self.parse_and()
        while (tok := self.peek()) and tok[0] == "word" and tok[1].lower() == "or":
            self.take()
            node = ("or", node, self.parse_and())
        return node

    def parse_and(self) -> Any:
        node = self.parse_not()
        while (tok := self.peek()) and tok[0] == "word" and tok[1].lower() == "and":
            self.take()
            node = ("and", node, self.parse_not())
        return node

    def parse_not(self) -> Any:
        tok = self.peek()
        if tok and tok[0] == "word" and tok[1].lower() == "not":
            self.take()
            return ("not", self.parse_not())
        if tok == ("op", "("):
            self.take()
            node = self.parse_or()
            if self.take() != ("op", ")"):
                raise _bad("Invalid Value: unbalanced parentheses in query")
            return node
        return self.parse_term()

    def parse_term(self) -> Any:
        left = self.take()
        op = self.take()
        if left[0] == "str" and op == ("word", "in"):
            field = self.take()
            return ("in", left[1], field[1])
        right = self.take()
        if left[0] != "word":
            raise _bad("Invalid Value: bad query term")
        return ("cmp", left[1], op[1].lower(), right)


def _match(node: Any, meta: dict[str, Any]) -> bool:
    kind = node[0]
    if kind == "and":
        return _match(node[1], meta) and _match(node[2], meta)
    if kind == "or":
        return _match(node[1], meta) or _match(node[2], meta)
    if kind == "not":
        return not _match(node[1], meta)
    if kind == "in":
        return node[1] in (meta.get(node[2]) or [])
    _, field, op, (rtype, rval) = node
    value = meta.get(field)
    if rtype == "word" and rval.lower() in ("true", "false"):
        want: Any = rval.lower() == "true"
        value = bool(value)
    else:
        want = rval
    if op == "=":
        return bool(value == want)
    if op == "!=":
        return bool(value != want)
    if op == "contains":
        return isinstance(value, str) and str(want).lower() in value.lower()
    if op in ("<", ">", "<=", ">="):
        a, b = str(value or ""), str(want)
        return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
    raise _bad(f"Invalid Value: unsupported operator {op}")


def list_files(store: Store, params: Params) -> dict[str, Any]:
    q = _p(params, "q")
    node = _Query(q).parse() if q else None
    page_size = int(_p(params, "pageSize", "100") or 100)
    if not 1 <= page_size <= 1000:
        raise _bad("Invalid Value: pageSize must be between 1 and 1000")
    offset = int(_p(params, "pageToken", "0") or 0)
    drive_id = _p(params, "driveId")
    hits = []
    for f in store.files.values():
        if f.meta["id"] in store.spreadsheets and store.spreadsheets[f.meta["id"]].private:
            continue
        if drive_id and f.meta.get("driveId") != drive_id:
            continue
        if node is None and f.meta.get("trashed"):
            continue
        if node is None or _match(node, f.meta):
            hits.append(f)
    order = _p(params, "orderBy")
    if order and order.startswith("name"):
        hits.sort(key=lambda f: f.meta["name"], reverse="desc" in order)
    page = hits[offset : offset + page_size]
    fields = _p(params, "fields")
    out: dict[str, Any] = {"kind": "drive#fileList"}
    if offset + page_size < len(hits):
        out["nextPageToken"] = str(offset + page_size)
    out["incompleteSearch"] = False
    out["files"] = [file_json(f, fields, in_list=True) for f in page]
    if fields:
        try:
            top = parse_mask(fields)
        except MaskError as exc:
            raise _bad(f"Invalid field selection {fields}") from exc
        out = {k: v for k, v in out.items() if k in top or "*" in top}
    return out


def get_file(store: Store, file_id: str, params: Params) -> dict[str, Any] | bytes:
    f = store.get_file(file_id)
    if _p(params, "alt") == "media":
        if f.meta["mimeType"].startswith("application/vnd.google-apps"):
            raise ApiError(
                403,
                "Only files with binary content can be downloaded. Use Export with Docs Editors files.",
                reason="fileNotDownloadable",
                drive=True,
            )
        return f.content
    return file_json(f, _p(params, "fields"))


def export_file(store: Store, file_id: str, params: Params) -> tuple[bytes, str]:
    f = store.get_file(file_id)
    mime = _p(params, "mimeType") or ""
    ss = store.spreadsheets.get(file_id)
    if ss is None:
        raise _bad("Export only supports Docs Editors files.")
    if mime == "text/csv":
        from .sheets import Box
        from .values_api import read_box

        sheet = ss.sheets[0]
        rows = read_box(
            ss, Box(sheet, 0, 0, sheet.row_count, sheet.col_count), "FORMATTED_VALUE", "SERIAL_NUMBER", "ROWS"
        )
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows(rows)
        return buf.getvalue().encode("utf-8"), "text/csv"
    if mime == "application/json":
        return json.dumps({"title": f.meta["name"]}).encode(), mime
    raise _bad(f"The requested conversion is not supported by the emulator: {mime}")


def _split_multipart(body: bytes, content_type: str) -> tuple[dict[str, Any], bytes, str]:
    m = re.search(r'boundary="?([^";]+)"?', content_type)
    if not m:
        raise _bad("Bad multipart request: no boundary")
    boundary = b"--" + m.group(1).encode()
    parts = []
    for chunk in body.split(boundary)[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk.removeprefix(b"\r\n")
        head, sep, payload = chunk.partition(b"\r\n\r\n")
        if not sep:
            head, sep, payload = chunk.partition(b"\n\n")
        payload = payload.removesuffix(b"\r\n")
        headers = {}
        for line in head.decode("latin-1").splitlines():
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        parts.append((headers, payload))
    if len(parts) != 2:
        raise _bad("Bad multipart request: expected metadata and media parts")
    try:
        meta = json.loads(parts[0][1] or b"{}")
    except ValueError as exc:
        raise _bad("Bad multipart request: metadata is not JSON") from exc
    return meta, parts[1][1], parts[1][0].get("content-type", "application/octet-stream")


def _check_parents(store: Store, parents: list[str]) -> None:
    for p in parents:
        if p != "root" and p not in store.files:
            raise ApiError(404, f"File not found: {p}.", reason="notFound", drive=True)


def create_file(store: Store, params: Params, body: bytes, content_type: str, upload: bool) -> dict[str, Any]:
    media = b""
    upload_type = _p(params, "uploadType")
    if upload and upload_type == "multipart":
        meta, media, media_type = _split_multipart(body, content_type)
        meta.setdefault("mimeType", media_type)
    elif upload and upload_type == "media":
        meta, media = {"mimeType": content_type or "application/octet-stream"}, body
    elif upload:
        raise _bad(f"Unsupported uploadType for the emulator: {upload_type}")
    else:
        meta = json.loads(body or b"{}")
    parents = list(meta.get("parents") or ["root"])
    _check_parents(store, parents)
    if meta.get("mimeType") == SPREADSHEET_MIME:
        ss = store.create_spreadsheet(meta.get("name") or "Untitled spreadsheet", parents=parents)
        f = store.files[ss.spreadsheet_id]
    else:
        meta.pop("id", None)
        f = store.add_file({**meta, "id": new_file_id()}, media, parents=parents)
    return file_json(f, _p(params, "fields"))


def update_file(
    store: Store, file_id: str, params: Params, body: bytes, content_type: str, upload: bool
) -> dict[str, Any]:
    f = store.get_file(file_id)
    if upload:
        if _p(params, "uploadType") == "multipart":
            meta, media, _ = _split_multipart(body, content_type)
        else:
            meta, media = {}, body
        store.update_content(f, media)
    else:
        meta = json.loads(body or b"{}")
    for key in ("name", "description", "trashed", "appProperties", "properties"):
        if key in meta:
            f.meta[key] = meta[key]
            if key == "name" and file_id in store.spreadsheets:
                store.spreadsheets[file_id].properties["title"] = meta[key]
    add = [p for p in (_p(params, "addParents") or "").split(",") if p]
    remove = [p for p in (_p(params, "removeParents") or "").split(",") if p]
    _check_parents(store, add)
    if add or remove:
        f.meta["parents"] = [p for p in f.meta["parents"] if p not in remove] + add
    return file_json(f, _p(params, "fields"))


def create_permission(store: Store, file_id: str, body: dict[str, Any]) -> dict[str, Any]:
    f = store.get_file(file_id)
    if body.get("type") not in ("user", "group", "domain", "anyone"):
        raise _bad("Invalid Value: permission type is required")
    perm = {
        "kind": "drive#permission",
        "id": (body.get("emailAddress") and f"perm-{len(f.meta.get('permissions', []))}") or "anyoneWithLink",
        "type": body["type"],
        "role": body.get("role", "reader"),
    }
    if "emailAddress" in body:
        perm["emailAddress"] = body["emailAddress"]
    f.meta.setdefault("permissions", []).append(perm)
    return perm


def list_permissions(store: Store, file_id: str) -> dict[str, Any]:
    f = store.get_file(file_id)
    return {"kind": "drive#permissionList", "permissions": list(f.meta.get("permissions", []))}


def create_folder(store: Store, name: str, drive_id: str | None = None, parent: str | None = None):
    meta: dict[str, Any] = {"name": name, "mimeType": FOLDER_MIME}
    if drive_id:
        meta["driveId"] = drive_id
    return store.add_file(meta, parents=[parent or drive_id or "root"])

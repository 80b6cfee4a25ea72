"""The HTTP server: routing, auth check, fault injection, control endpoints under ``/_emulator/``.

Bound to 127.0.0.1 only. One lock (``store.lock``) serialises every access to the state.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from . import batch, drive, gmail, sheets, values_api
from .control import control
from .discovery import Judge
from .forms import get_form
from .store import ApiError, Store

MAX_BODY = 10 * 1024 * 1024
JSON_TYPE = "application/json; charset=UTF-8"
#: What a hotel or station network answers to any request until one logs in.
CAPTIVE_PORTAL_PAGE = (b"<!doctype html><html><head><title>Connexion au Wi-Fi</title></head>"
                       b"<body><form action=/login>Acceptez les conditions</form></body></html>")


class _Gone(Exception):
    """The client closed the connection before sending the whole body."""


FAULT_BODIES: dict[int, tuple[str, str]] = {
    429: (
        "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute "
        "per user' of service 'sheets.googleapis.com' for consumer 'project_number:0'.",
        "RESOURCE_EXHAUSTED",
    ),
    500: ("Internal error encountered.", "INTERNAL"),
    502: ("Bad Gateway", "UNAVAILABLE"),
    503: ("The service is currently unavailable.", "UNAVAILABLE"),
    504: ("Deadline exceeded.", "DEADLINE_EXCEEDED"),
}

_KEY = r"(?P<key>[^/:]+)"
Route = tuple[str, re.Pattern[str], Callable[..., Any]]


class Answer:
    def __init__(self, status: int, body: Any = None, content_type: str = JSON_TYPE) -> None:
        self.status, self.body, self.content_type = status, body, content_type
        self.headers: dict[str, str] = {}

    def payload(self, pretty: bool = True) -> bytes:
        """The body as Google sends it: indented JSON, unless the request said
        ``prettyPrint=false`` (a standard parameter of every Google API)."""
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if not pretty:
            return json.dumps(self.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return (json.dumps(self.body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json(body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise ApiError(400, "Invalid JSON payload received.") from exc
    if not isinstance(data, dict):
        raise ApiError(400, "Invalid JSON payload received. Expected an object.")
    return data


def _routes(store: Store) -> list[Route]:
    def v(pattern: str) -> re.Pattern[str]:
        return re.compile("^" + pattern + "$")

    def rng(m: re.Match[str]) -> str:
        return unquote(m["range"])

    return [
        ("POST", v("/v4/spreadsheets"), lambda m, q, b, h: sheets.create_spreadsheet(store, _json(b))),
        ("GET", v(f"/v4/spreadsheets/{_KEY}"), lambda m, q, b, h: sheets.get_spreadsheet(store, m["key"], q)),
        (
            "POST",
            v(f"/v4/spreadsheets/{_KEY}:batchUpdate"),
            lambda m, q, b, h: batch.batch_update(store, m["key"], _json(b)),
        ),
        (
            "GET",
            v(f"/v4/spreadsheets/{_KEY}/values:batchGet"),
            lambda m, q, b, h: values_api.values_batch_get(store, m["key"], q),
        ),
        (
            "POST",
            v(f"/v4/spreadsheets/{_KEY}/values:batchUpdate"),
            lambda m, q, b, h: values_api.values_batch_update(store, m["key"], _json(b)),
        ),
        (
            "POST",
            v(f"/v4/spreadsheets/{_KEY}/values:batchClear"),
            lambda m, q, b, h: values_api.values_batch_clear(store, m["key"], _json(b)),
        ),
        (
            "POST",
            v(f"/v4/spreadsheets/{_KEY}/values/(?P<range>.+):append"),
            lambda m, q, b, h: values_api.values_append(store, m["key"], rng(m), q, _json(b)),
        ),
        (
            "POST",
            v(f"/v4/spreadsheets/{_KEY}/values/(?P<range>.+):clear"),
            lambda m, q, b, h: values_api.values_clear(store, m["key"], rng(m)),
        ),
        (
            "GET",
            v(f"/v4/spreadsheets/{_KEY}/values/(?P<range>.+)"),
            lambda m, q, b, h: values_api.values_get(store, m["key"], rng(m), q),
        ),
        (
            "PUT",
            v(f"/v4/spreadsheets/{_KEY}/values/(?P<range>.+)"),
            lambda m, q, b, h: values_api.values_update(store, m["key"], rng(m), q, _json(b)),
        ),
        ("GET", v(f"/v1/forms/{_KEY}"), lambda m, q, b, h: get_form(store, m["key"], q)),
        ("GET", v("/drive/v3/files"), lambda m, q, b, h: drive.list_files(store, q)),
        ("POST", v("/drive/v3/files"), lambda m, q, b, h: drive.create_file(store, q, b, h, upload=False)),
        (
            "POST",
            v("/upload/drive/v3/files"),
            lambda m, q, b, h: drive.create_file(store, q, b, h, upload=True),
        ),
        (
            "PATCH",
            v(f"/upload/drive/v3/files/{_KEY}"),
            lambda m, q, b, h: drive.update_file(store, m["key"], q, b, h, upload=True),
        ),
        (
            "GET",
            v(f"/drive/v3/files/{_KEY}/export"),
            lambda m, q, b, h: drive.export_file(store, m["key"], q),
        ),
        (
            "GET",
            v(f"/drive/v3/files/{_KEY}/permissions"),
            lambda m, q, b, h: drive.list_permissions(store, m["key"]),
        ),
        (
            "POST",
            v(f"/drive/v3/files/{_KEY}/permissions"),
            lambda m, q, b, h: drive.create_permission(store, m["key"], _json(b)),
        ),
        ("GET", v(f"/drive/v3/files/{_KEY}"), lambda m, q, b, h: drive.get_file(store, m["key"], q)),
        (
            "PATCH",
            v(f"/drive/v3/files/{_KEY}"),
            lambda m, q, b, h: drive.update_file(store, m["key"], q, b, h, upload=False),
        ),
        ("DELETE", v(f"/drive/v3/files/{_KEY}"), lambda m, q, b, h: _delete_answer(store, m["key"])),
        (
            "POST",
            v("/gmail/v1/users/(?P<user>[^/]+)/messages/send"),
            lambda m, q, b, h: gmail.send_message(store, unquote(m["user"]), _json(b)),
        ),
    ]


def dispatch(
    store: Store, routes: list[Route], method: str, path: str, query: str, body: bytes, content_type: str
) -> Answer:
    params = parse_qs(query, keep_blank_values=True)
    path_matched = False
    for route_method, pattern, fn in routes:
        m = pattern.match(path)
        if not m:
            continue
        path_matched = True
        if route_method != method:
            continue
        with store.lock:
            result = fn(m, params, body, content_type)
        if isinstance(result, Answer):
            return result
        if isinstance(result, bytes):
            return Answer(200, result, "application/octet-stream")
        if isinstance(result, tuple):
            return Answer(200, result[0], result[1])
        return Answer(200, result)
    if path_matched:
        return Answer(405, ApiError(405, f"Method {method} not allowed", status="UNKNOWN").body())
    return Answer(404, ApiError(404, f"The requested URL {path} was not found.").body())


def _delete_answer(store: Store, key: str) -> Answer:
    store.delete_file(key)
    return Answer(204, None)


class _Handler(BaseHTTPRequestHandler):
    server: EmulatorHTTPServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _read_body(self) -> bytes | None:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks, total = [], 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                total += size
                if total > MAX_BODY:
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return None
        body = self.rfile.read(length) if length else b""
        if len(body) < length:  # the client went away mid-request (a killed sync): Google
            raise _Gone         # never sees such a request, so neither is it judged nor applied
        return body

    def _send(self, answer: Answer) -> None:
        compact = "prettyPrint=false" in urlsplit(self.path).query
        payload = answer.payload(pretty=not compact)
        self.send_response(answer.status)
        if answer.status != 204:
            self.send_header("Content-Type", answer.content_type)
        for k, val in answer.headers.items():
            self.send_header(k, val)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if payload:
            self.wfile.write(payload)

    def _handle(self) -> None:
        store = self.server.store
        split = urlsplit(self.path)
        path, query = split.path, split.query
        try:
            body = self._read_body()
        except _Gone:
            self.close_connection = True
            return
        if path.startswith("/_emulator/"):
            if body is None:
                self.close_connection = True
                self._send(Answer(413, ApiError(413, "Request body too large").body()))
                return
            self._send(self.server.control(self.command, path, query, body, self.headers))
            return
        entry: dict[str, Any] = {"method": self.command, "path": path, "query": query}
        # Judged before any injected fault, so that every request sent is judged.
        refusal = None
        if body is not None and self.server.judge is not None:
            refusal, remarks = self.server.judge.check(self.command, path, query, body,
                                                       self.headers.get("Content-Type") or "")
            entry["judged"] = True
            if refusal is not None:
                entry["refused"] = refusal.message
            if remarks:
                entry["remarks"] = remarks
        with store.lock:
            store.request_log.append(entry)
            fault = self.server.take_fault(self.command, path)
        try:
            self._answer(entry, fault, body, refusal)
        finally:
            for observe in list(store.observers):
                observe(dict(entry))

    def _answer(self, entry: dict[str, Any], fault: dict[str, Any] | None, body: bytes | None,
                refusal: ApiError | None) -> None:
        store = self.server.store
        path, query = entry["path"], entry["query"]
        if fault is not None:
            action = fault["action"]
            if action == "drop":
                entry["status"] = None
                entry["fault"] = "drop"
                self.close_connection = True
                return
            if action == "slow":
                time.sleep(float(fault.get("delay_s", 1.0)))
            elif action == "bad-json":
                entry["status"] = 200
                self._send(Answer(200, b'{"spreadsheetId": "truncated', JSON_TYPE))
                return
            elif action == "captive-portal":  # a network login page answered instead
                entry["status"] = 200
                self._send(Answer(200, CAPTIVE_PORTAL_PAGE, "text/html; charset=utf-8"))
                return
            else:
                code = int(action)
                message, status = FAULT_BODIES.get(code, ("Injected fault.", "UNKNOWN"))
                if fault.get("reason"):  # Drive's legacy error: errors[0].reason
                    message, status = fault["reason"], "PERMISSION_DENIED" if code == 403 else status
                answer = Answer(code, ApiError(code, message, status=status, reason=fault.get("reason"),
                                               drive=bool(fault.get("reason"))).body())
                if fault.get("retry_after") is not None:
                    answer.headers["Retry-After"] = str(fault["retry_after"])
                entry["status"] = code
                self._send(answer)
                return
        if body is None:
            answer = Answer(
                413, ApiError(413, "Request payload size exceeds the limit: 10485760 bytes.").body()
            )
            self.close_connection = True
        elif not self.headers.get("Authorization"):
            answer = Answer(
                401,
                ApiError(
                    401,
                    "Request is missing required authentication credential. Expected OAuth 2 "
                    "access token, login cookie or other valid authentication credential.",
                ).body(),
            )
        elif refusal is not None:
            answer = Answer(refusal.code, refusal.body())
        else:
            # When the request was served (monotonic, as any process on this machine reads
            # it) and for how long: a batchUpdate is applied whole in that time, as Google
            # applies it atomically.
            entry["served_at"] = time.monotonic()
            try:
                answer = dispatch(
                    store,
                    self.server.routes,
                    self.command,
                    path,
                    query,
                    body,
                    self.headers.get("Content-Type") or "",
                )
            except ApiError as exc:
                answer = Answer(exc.code, exc.body())
            except Exception as exc:  # an emulator bug: answer like Google's 500, keep serving
                answer = Answer(500, ApiError(500, f"Internal error encountered. ({exc!r})").body())
            entry["served_s"] = time.monotonic() - entry["served_at"]
        entry["status"] = answer.status
        self._send(answer)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], store: Store, judge: Judge | None = None) -> None:
        super().__init__(address, _Handler)
        self.store = store
        self.routes = _routes(store)
        self.judge = judge

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up (timeouts, oversized uploads) are normal here: stay quiet."""
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)

    def take_fault(self, method: str, path: str) -> dict[str, Any] | None:
        """Caller holds the lock."""
        for rule in self.store.faults:
            if rule.get("times", 1) <= 0:
                continue
            match = rule.get("match") or {}
            if match.get("method") and match["method"].upper() != method:
                continue
            if match.get("path_regex") and not re.search(match["path_regex"], path):
                continue
            rule["times"] = rule.get("times", 1) - 1
            return rule
        return None

    def control(self, method: str, path: str, query: str, body: bytes, headers: Any) -> Answer:
        return Answer(*control(self.store, method, path, query, body, headers))


def start_server(store: Store, host: str = "127.0.0.1", port: int = 0,
                 judge: Judge | None = None) -> EmulatorHTTPServer:
    server = EmulatorHTTPServer((host, port), store, judge)
    thread = threading.Thread(target=server.serve_forever, name="google-emulator", daemon=True)
    thread.start()
    return server

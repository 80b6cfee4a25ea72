"""The one place that builds the HTTP session (and the gspread client) used to talk to Google.

* Emulator: when ``IMPACTSHEETS_GOOGLE_EMULATOR=http://127.0.0.1:PORT`` is set, requests to
  ``https://sheets.googleapis.com/``, ``https://www.googleapis.com/``,
  ``https://drive.google.com/`` and ``https://gmail.googleapis.com/`` are rewritten to that
  loopback address (any other address is refused). The real gspread / google-auth /
  requests code runs unchanged.
* Retries: 429, 500, 502, 503, 504, Drive's 403 rate-limit errors, timeouts and dropped
  connections are retried with exponential backoff and full jitter, honouring ``Retry-After``.
  A dropped connection or read timeout is not retried for non-idempotent calls (values
  ``:append``, Drive file creation): the first attempt may have been applied.
* Every request gets a timeout (default 10 s connect, 60 s read).
* Errors become one-line :class:`SheetAccessError` / :class:`ConfigError` messages: 403 ->
  "not shared with <service account>", 404 -> "spreadsheet not found: <key>", 401 -> bad
  credentials, retries exhausted -> method, short path and status.
* ``session.api_requests`` counts every HTTP request actually sent (retries included).
"""

from __future__ import annotations

import json
import random
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import gspread
import requests
from google.auth.exceptions import RefreshError
from google.auth.exceptions import TransportError as AuthTransportError
from google.auth.transport.requests import AuthorizedSession
from requests.adapters import HTTPAdapter

from impactsheets.errors import ConfigError, SheetAccessError

from .auth import load_credentials, service_account_email
from .endpoint import emulator_url

GOOGLE_PREFIXES = (
    "https://sheets.googleapis.com/",
    "https://www.googleapis.com/",
    "https://drive.google.com/",
    "https://gmail.googleapis.com/",
)
DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 60.0)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
DRIVE_RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff with full jitter."""

    attempts: int = 5
    base: float = 0.5
    cap: float = 16.0
    max_retry_after: float = 60.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        wait = random.uniform(0, min(self.cap, self.base * (2**attempt)))
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_retry_after))
        return wait


class EmulatorAdapter(HTTPAdapter):
    """Sends ``https://<google host>/path`` to ``<emulator base>/path`` instead."""

    def __init__(self, base_url: str) -> None:
        super().__init__(max_retries=0)
        self.base_url = base_url.rstrip("/")

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        url = request.url or ""
        parts = urlsplit(url)
        rest = url[len(f"{parts.scheme}://{parts.netloc}") :]
        request.url = self.base_url + rest
        return super().send(request, *args, **kwargs)


def _short_path(url: str) -> str:
    path = urlsplit(url).path
    return path if len(path) <= 80 else path[:77] + "..."


def _resource(url: str) -> tuple[str, str]:
    """("spreadsheet", key) or ("drive", file id) or ("", "") from a Google API URL."""
    path = urlsplit(url).path
    m = re.search(r"/v4/spreadsheets/([^/:]+)", path)
    if m:
        return "spreadsheet", m.group(1)
    m = re.search(r"/drive/v\d/files/([^/:?]+)", path)
    if m:
        return "drive", m.group(1)
    q = parse_qs(urlsplit(url).query).get("q", [""])[0]
    m = re.search(r"'([^']+)' in parents", q)
    return ("drive", m.group(1)) if m else ("", "")


def _error_reason(resp: requests.Response) -> str:
    try:
        err = resp.json().get("error", {})
        return str((err.get("errors") or [{}])[0].get("reason") or err.get("status") or "")
    except (ValueError, AttributeError, IndexError, TypeError):
        return ""


def _is_idempotent(method: str, url: str) -> bool:
    method = method.upper()
    path = urlsplit(url).path
    if method in ("GET", "HEAD", "PUT", "DELETE", "OPTIONS"):
        return True
    # Not safe to resend after a timeout or a dropped connection, since Google may already have
    # applied them: appends, file creations, and batchUpdate (its addSheet would fail the second
    # time). The next run re-reads the sheet and converges instead.
    if method == "POST" and (path.endswith((":append", ":batchUpdate"))
                             or re.search(r"/drive/v\d/files$", path)):
        return False
    return method != "POST" or "/v4/spreadsheets" in path


def _json_broken(resp: requests.Response) -> bool:
    ctype = resp.headers.get("Content-Type", "")
    if "json" not in ctype or not resp.content:
        return False
    try:
        json.loads(resp.content)
    except ValueError:
        return True
    return False


class GoogleSession(AuthorizedSession):
    """An AuthorizedSession with timeouts, bounded retries and one-line error mapping."""

    def __init__(
        self,
        credentials: Any,
        *,
        retry: RetryPolicy | None = None,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        emulator_base: str | None = None,
        passthrough_statuses: frozenset[int] = frozenset(),
        on_request: Callable[[str, str, int | None], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(credentials)
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self.passthrough_statuses = passthrough_statuses
        self.on_request = on_request
        self.sleep = sleep
        self.api_requests = 0
        self.retries = 0
        self.emulator_base = emulator_base
        adapter: HTTPAdapter = EmulatorAdapter(emulator_base) if emulator_base else HTTPAdapter()
        for prefix in GOOGLE_PREFIXES:
            self.mount(prefix, adapter)

    @property
    def account(self) -> str:
        return service_account_email(self.credentials) or "the account used by impactsheets"

    def request(  # type: ignore[override]
        self,
        method: str,
        url: str,
        data: Any = None,
        headers: Any = None,
        max_allowed_time: float | None = None,
        timeout: Any = None,
        **kwargs: Any,
    ) -> requests.Response:
        method = method.upper()
        timeout = timeout if timeout is not None else self.timeout
        idempotent = _is_idempotent(method, url)
        attempts = max(1, self.retry.attempts)
        what = ""
        for attempt in range(attempts):
            last = attempt == attempts - 1
            if attempt:
                self._rewind(data, kwargs)
            self.api_requests += 1
            try:
                resp = super().request(method, url, data=data, headers=headers, timeout=timeout, **kwargs)
            except RefreshError:
                raise ConfigError("Google refused to issue an access token for these credentials: "
                                  "check the key file or log in again") from None
            except (requests.ConnectionError, requests.Timeout, AuthTransportError) as exc:
                # No token means the request itself was never sent: safe to retry.
                unsent = isinstance(exc, requests.ConnectTimeout | AuthTransportError)
                what = "timed out" if isinstance(exc, requests.Timeout) else "connection failed"
                self._notify(method, url, None)
                if last or not (idempotent or unsent):
                    break
                self._backoff(attempt, None)
                continue
            self._notify(method, url, resp.status_code)
            status = resp.status_code
            if status in RETRY_STATUSES or (status == 403 and _error_reason(resp) in DRIVE_RATE_REASONS):
                what = f"HTTP {status}"
                if last:
                    break
                self._backoff(attempt, _retry_after(resp))
                continue
            if resp.ok and _json_broken(resp):
                what = "malformed JSON answer"
                if last or not idempotent:
                    break
                self._backoff(attempt, None)
                continue
            if not resp.ok and status not in self.passthrough_statuses:
                self._raise_mapped(method, url, resp)
            return resp
        raise SheetAccessError(
            f"Google API {method} {_short_path(url)} failed: {what} "
            f"(after {attempt + 1} attempt{'s' if attempt else ''})"
        )

    def _notify(self, method: str, url: str, status: int | None) -> None:
        if self.on_request is not None:
            self.on_request(method, url, status)

    def _backoff(self, attempt: int, retry_after: float | None) -> None:
        self.retries += 1
        self.sleep(self.retry.delay(attempt, retry_after))

    @staticmethod
    def _rewind(data: Any, kwargs: dict[str, Any]) -> None:
        bodies = [data, *((kwargs.get("files") or {}).values())]
        for body in bodies:
            obj = body[1] if isinstance(body, tuple) and len(body) > 1 else body
            if hasattr(obj, "seek"):
                obj.seek(0)

    def _raise_mapped(self, method: str, url: str, resp: requests.Response) -> None:
        kind, ident = _resource(url)
        status = resp.status_code
        if status == 401:
            raise ConfigError(
                f"Google rejected the credentials (HTTP 401) for {method} {_short_path(url)}: "
                "check the key file or log in again"
            )
        if status == 403:
            thing = f"spreadsheet {ident}" if kind == "spreadsheet" else f"Drive item {ident}"
            raise SheetAccessError(
                f"{thing.strip()} is not shared with {self.account}: share it (Editor) with that address"
            )
        if status == 404 and kind == "spreadsheet":
            raise SheetAccessError(f"spreadsheet not found: {ident}")
        if status == 404 and kind == "drive":
            raise SheetAccessError(
                f"Drive file or folder not found: {ident} (or not shared with {self.account})"
            )
        raise SheetAccessError(
            f"Google API {method} {_short_path(url)} failed: HTTP {status}: {_error_text(resp)}"
        )


def _error_text(resp: requests.Response) -> str:
    """Google's error message on one line (never the raw body), at most 200 characters."""
    try:
        message = str(resp.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        message = resp.reason or "error"
    return " ".join(message.split())[:200]


def _retry_after(resp: requests.Response) -> float | None:
    value = resp.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def authorized_session(
    credentials_path: str | Path | None = None,
    *,
    drive: bool = False,
    credentials: Any = None,
    retry: RetryPolicy | None = None,
    timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
    interactive: bool = False,
    token_file: str | Path | None = None,
    **kwargs: Any,
) -> GoogleSession:
    """The authorized session for Sheets/Drive (emulator-aware, retrying, with timeouts)."""
    base = emulator_url()
    if credentials is None:
        credentials = load_credentials(credentials_path, drive=drive, interactive=interactive,
                                       token_file=token_file)
    return GoogleSession(credentials, retry=retry, timeout=timeout, emulator_base=base, **kwargs)


def google_session(*, service_account_file: str | None = None,
                   oauth_client_file: str | None = None, token_file: str | None = None,
                   drive: bool = False, **kwargs: Any) -> GoogleSession:
    """The session for the configured credentials (the emulator when it is configured).

    ``token_file`` is where a user OAuth token is cached (default
    ``~/.config/impactsheets/token.json``); the browser consent runs only on a terminal.
    """
    path = None if emulator_url() else (service_account_file or oauth_client_file)
    kwargs.setdefault("interactive", sys.stdin is not None and sys.stdin.isatty())
    return authorized_session(Path(path) if path else None, drive=drive, token_file=token_file,
                              **kwargs)


def gspread_client(
    credentials_path: str | Path | None = None,
    *,
    drive: bool = False,
    session: GoogleSession | None = None,
    **kwargs: Any,
) -> gspread.Client:
    """A ``gspread.Client`` whose every call goes through :func:`authorized_session`."""
    session = session or authorized_session(credentials_path, drive=drive, **kwargs)
    client = gspread.Client(auth=None, session=session)  # type: ignore[arg-type]
    client.http_client.auth = session.credentials
    return client

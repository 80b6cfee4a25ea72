"""The one place that builds the HTTP session (and the gspread client) used to talk to Google.

* Emulator: when ``IMPACTSHEETS_GOOGLE_EMULATOR=http://127.0.0.1:PORT`` is set, requests to
  ``https://sheets.googleapis.com/``, ``https://www.googleapis.com/``,
  ``https://drive.google.com/``, ``https://gmail.googleapis.com/`` and
  ``https://forms.googleapis.com/`` are rewritten to that loopback address (any other address
  is refused). The real gspread / google-auth / requests code runs unchanged.
* Retries (``tenacity`` runs the attempts; :class:`RetryPolicy` bounds them): exponential
  backoff with full jitter, honouring ``Retry-After`` (capped at 60 s).
  - 429 and Drive's 403 ``rateLimitExceeded``/``userRateLimitExceeded`` are refused before any
    work is done: always retried; so are a connect timeout and a failed token fetch (nothing
    was sent).
  - 500, 502, 503, 504, a read timeout, a dropped connection and a 200 with broken JSON may
    come AFTER the call was applied: retried only for calls that change nothing when sent
    twice (:func:`may_resend`: GET, PUT, PATCH, DELETE and the value-setting/reading POSTs).
    A spreadsheet ``batchUpdate``, a values ``append`` or a Drive file creation is never
    resent: the run stops with a one-line error and the next run reads again and converges.
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
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import gspread
import requests
import tenacity
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
    "https://forms.googleapis.com/",
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
    m = re.search(r"/v1/forms/([^/:]+)", path)
    if m:
        return "form", m.group(1)
    q = parse_qs(urlsplit(url).query).get("q", [""])[0]
    m = re.search(r"'([^']+)' in parents", q)
    return ("drive", m.group(1)) if m else ("", "")


def _error_reason(resp: requests.Response) -> str:
    try:
        err = resp.json().get("error", {})
        return str((err.get("errors") or [{}])[0].get("reason") or err.get("status") or "")
    except (ValueError, AttributeError, IndexError, TypeError):
        return ""


#: POST methods that change nothing when sent twice: reads by data filter, metadata search,
#: setting or clearing values. Every other POST (spreadsheet batchUpdate, values append,
#: Drive create/copy, permission create) may have been applied when its answer is lost or is
#: a 5xx, and is never resent: the next run reads the sheet again and converges.
RESENDABLE_POSTS = re.compile(r"(/values:batchUpdate|/values:batchUpdateByDataFilter|:clear|"
                              r":batchClear|:batchClearByDataFilter|:batchGetByDataFilter|"
                              r":getByDataFilter|/developerMetadata:search)$")


def may_resend(method: str, url: str) -> bool:
    """Whether a request may be sent again after an answer that does not prove it unapplied.

    >>> may_resend("POST", "https://sheets.googleapis.com/v4/spreadsheets/K:batchUpdate")
    False
    >>> may_resend("POST", "https://sheets.googleapis.com/v4/spreadsheets/K/values:batchUpdate")
    True
    >>> may_resend("PATCH", "https://www.googleapis.com/upload/drive/v3/files/ID")
    True
    """
    if method.upper() != "POST":
        return True
    return bool(RESENDABLE_POSTS.search(urlsplit(url).path))


class Retryable(Exception):
    """An attempt that failed in a way worth another try, if the rules allow one."""

    def __init__(self, what: str, *, maybe_applied: bool, retry_after: float | None = None) -> None:
        super().__init__(what)
        self.what, self.maybe_applied, self.retry_after = what, maybe_applied, retry_after


def _json_broken(resp: requests.Response) -> bool:
    """An answer that should be JSON and is not: truncated, or a proxy's or a captive
    portal's HTML page answered with 200 instead of Google's JSON.

    The answer is decoded here, once: ``resp.json()`` then gives that decoded value instead of
    decoding the body again (a 3,500-row grid is 30 MB of JSON: 0.35 s a decoding).
    """
    ctype = resp.headers.get("Content-Type", "")
    media = "alt=media" in (resp.request.url or "") if resp.request is not None else False
    if not resp.content or media or ctype.startswith("application/pdf"):
        return False  # a file's own bytes (a Drive download) are not JSON
    try:
        decoded = json.loads(resp.content)
    except ValueError:
        return True
    resp.json = lambda **_: decoded  # type: ignore[method-assign]
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
        self._count_lock = threading.Lock()
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
        """Send with the retry rules of the module docstring (tenacity runs the attempts).

        Every request asks for compact JSON (``prettyPrint=false``, a standard parameter of
        Google's APIs, whose default indents the answer: a grid read is a third smaller)."""
        if "prettyPrint=" not in url:
            url += ("&" if "?" in url else "?") + "prettyPrint=false"
        method = method.upper()
        timeout = timeout if timeout is not None else self.timeout
        resendable = may_resend(method, url)
        attempts = 0

        def attempt() -> requests.Response:
            nonlocal attempts
            attempts += 1
            return self._attempt(method, url, data, headers, timeout, kwargs)

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(max(1, self.retry.attempts)),
            retry=tenacity.retry_if_exception(
                lambda exc: isinstance(exc, Retryable) and (resendable or not exc.maybe_applied)),
            wait=self._wait, sleep=self._sleep, reraise=True,
            before_sleep=lambda _state: self._rewind(data, kwargs))
        try:
            return retrying(attempt)
        except Retryable as exc:
            raise SheetAccessError(f"Google API {method} {_short_path(url)} failed: {exc.what} "
                                   f"(after {attempts} attempt{'s' if attempts > 1 else ''})"
                                   ) from None

    def _attempt(self, method: str, url: str, data: Any, headers: Any, timeout: Any,
                 kwargs: dict[str, Any]) -> requests.Response:
        """ONE request: the answer, a mapped error, or :class:`Retryable`."""
        with self._count_lock:  # a large read sends from two threads
            self.api_requests += 1
        try:
            resp = super().request(method, url, data=data, headers=headers, timeout=timeout, **kwargs)
        except RefreshError:
            raise ConfigError("Google refused to issue an access token for these credentials: "
                              "check the key file or log in again") from None
        except (requests.ConnectionError, requests.Timeout, AuthTransportError) as exc:
            self._notify(method, url, None)
            # No connection or no token: the request itself was never sent.
            unsent = isinstance(exc, requests.ConnectTimeout | AuthTransportError)
            what = "timed out" if isinstance(exc, requests.Timeout) else "connection failed"
            raise Retryable(what, maybe_applied=not unsent) from None
        self._notify(method, url, resp.status_code)
        status = resp.status_code
        if status == 429 or (status == 403 and _error_reason(resp) in DRIVE_RATE_REASONS):
            # Refused by a quota before any work: never applied, always safe to send again.
            raise Retryable(f"HTTP {status}", maybe_applied=False, retry_after=_retry_after(resp))
        if status in RETRY_STATUSES:
            raise Retryable(f"HTTP {status}", maybe_applied=True, retry_after=_retry_after(resp))
        if resp.ok and _json_broken(resp):
            raise Retryable("malformed JSON answer" if "json" in resp.headers.get("Content-Type", "")
                            else "the answer is not JSON (a proxy or a network login page?)",
                            maybe_applied=True)
        if not resp.ok and status not in self.passthrough_statuses:
            self._raise_mapped(method, url, resp)
        return resp

    def _wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        retry_after = exc.retry_after if isinstance(exc, Retryable) else None
        return self.retry.delay(state.attempt_number - 1, retry_after)

    def _sleep(self, seconds: float) -> None:
        self.retries += 1
        self.sleep(seconds)

    def _notify(self, method: str, url: str, status: int | None) -> None:
        if self.on_request is not None:
            self.on_request(method, url, status)

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
            thing = {"spreadsheet": "spreadsheet", "form": "form"}.get(kind, "Drive item") + f" {ident}"
            raise SheetAccessError(
                f"{thing.strip()} is not shared with {self.account}: share it (Editor) with that address"
            )
        if status == 404 and kind in ("spreadsheet", "form"):
            raise SheetAccessError(f"{kind} not found: {ident}")
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
    scopes: list[str] | None = None,
    **kwargs: Any,
) -> GoogleSession:
    """The authorized session for Sheets/Drive/Forms (emulator-aware, retrying, timeouts)."""
    base = emulator_url()
    if credentials is None:
        credentials = load_credentials(credentials_path, drive=drive, interactive=interactive,
                                       token_file=token_file, scopes=scopes)
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

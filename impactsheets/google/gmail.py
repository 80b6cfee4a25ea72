"""Send a message through the Gmail API (``users.messages.send``, scope ``gmail.send``).

The message is the complete RFC 2822 bytes, base64url-encoded in ``raw``. A user OAuth login
sends as that user (``me``); a service account sends as ``user`` through domain-wide
delegation (``with_subject``). The request goes through the shared transport (retries on
429/5xx, timeouts, the emulator), and is not resent after a dropped connection: Google may
already have sent it.

>>> GmailClient.url("me")
'https://gmail.googleapis.com/gmail/v1/users/me/messages/send'
"""

from __future__ import annotations

import base64
import os
import sys
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import google.auth
from google.auth.exceptions import DefaultCredentialsError

from impactsheets.errors import ConfigError, SheetAccessError

from .auth import EmulatorCredentials, credentials_from_file, scopes_for
from .endpoint import emulator_url
from .transport import GoogleSession, authorized_session

GMAIL_SEND_SCOPE = "https://www.googleapis.com/auth/gmail.send"
_PASSTHROUGH = frozenset({400, 401, 403, 404})


@dataclass(frozen=True)
class SendResult:
    """``status`` is the HTTP status of Google's last answer, None when the connection broke
    (the message may have left); ``message`` is Google's error text."""

    status: int | None
    message: str = ""
    message_id: str = ""


def gmail_credentials(user: str, *, service_account_file: str | None = None,
                      oauth_client_file: str | None = None, token_file: str | None = None,
                      drive: bool = False) -> Any:
    """Credentials allowed to send: the sync's scopes plus ``gmail.send`` (so a cached user
    login keeps serving the sheet), as ``user`` for a service account."""
    if emulator_url() is not None:
        return EmulatorCredentials()
    scopes = [*scopes_for(drive), GMAIL_SEND_SCOPE]
    path = service_account_file or oauth_client_file or os.environ.get(
        "GOOGLE_APPLICATION_CREDENTIALS")
    if path:
        creds = credentials_from_file(path, scopes, token_file=token_file,
                                      interactive=sys.stdin is not None and sys.stdin.isatty())
    else:
        try:
            creds, _ = google.auth.default(scopes=scopes)
        except DefaultCredentialsError:
            raise ConfigError("notify.method gmail: no Google credentials (credentials: in the "
                              "configuration, or GOOGLE_APPLICATION_CREDENTIALS)") from None
    if user != "me" and hasattr(creds, "with_subject"):
        creds = creds.with_subject(user)
    elif user == "me" and hasattr(creds, "with_subject"):
        raise ConfigError("notify.gmail.user: a service account has no mailbox; name the "
                          "user it sends as (domain-wide delegation)")
    return creds


class GmailClient:
    """``users.messages.send`` for one sending user."""

    def __init__(self, user: str = "me", *, session: GoogleSession | None = None,
                 **credentials: Any) -> None:
        self.user = user
        self.last_status: int | None = None
        self.session = session or authorized_session(
            credentials=gmail_credentials(user, **credentials), passthrough_statuses=_PASSTHROUGH,
            on_request=self._seen)

    def _seen(self, method: str, url: str, status: int | None) -> None:
        self.last_status = status

    @staticmethod
    def url(user: str) -> str:
        return f"https://gmail.googleapis.com/gmail/v1/users/{quote(user, safe='@')}/messages/send"

    def send(self, data: bytes) -> SendResult:
        """Send the message ``data``; never raises for Google's answers (see :class:`SendResult`)."""
        raw = base64.urlsafe_b64encode(data).decode("ascii")
        self.last_status = None
        try:
            resp = self.session.post(self.url(self.user), json={"raw": raw})
        except SheetAccessError as exc:  # retries exhausted, or the connection broke
            return SendResult(self.last_status, str(exc))
        if resp.ok:
            return SendResult(resp.status_code, message_id=str(resp.json().get("id", "")))
        try:
            error = resp.json().get("error") or {}
        except ValueError:
            error = {}
        return SendResult(resp.status_code, str(error.get("message", ""))[:300])

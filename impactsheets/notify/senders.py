"""Hand messages to a mail server (SMTP), to the Gmail API, or to ``.eml`` files (dry run).

Each sender's ``send`` returns normally when the message was accepted, raises
:class:`Refused` when the server said no to this message (nothing was delivered: it is tried
again on a later run), :class:`Interrupted` when the connection broke while the message was
being transferred (it may have left: not sent again), and
:class:`~impactsheets.errors.MailError` when nothing can be sent at all (server unreachable,
login refused). Passwords never appear in messages or logs.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Protocol

from impactsheets.errors import MailError
from impactsheets.files import atomic_write, remove_partials
from impactsheets.notify.settings import SmtpSettings


class Refused(Exception):
    """The server refused this message; nothing was delivered."""


class Interrupted(Exception):
    """The connection broke during the transfer; the message may have been delivered."""


class Sender(Protocol):
    def open(self) -> None: ...

    def send(self, message: EmailMessage, name: str) -> None: ...

    def close(self) -> None: ...


class PreviewSender:
    """``--dry-run``: each message becomes ``<folder>/<name>.eml``, nothing is sent."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.written: list[Path] = []
        # A dry run takes no lock: the temporary files of a killed dry run are removed here.
        remove_partials(folder)
        for old in folder.glob("*.eml"):  # the previews of an earlier dry run
            old.unlink()

    def open(self) -> None:
        pass

    def send(self, message: EmailMessage, name: str) -> None:
        path = atomic_write(self.folder / f"{name}.eml", message.as_bytes(policy=SMTP), 0o600)
        self.written.append(path)

    def close(self) -> None:
        pass


class SmtpSender:
    """One SMTP connection for the run (STARTTLS, implicit TLS, or plain on loopback only)."""

    def __init__(self, settings: SmtpSettings) -> None:
        settings.check_security()
        self.settings = settings
        self.login = settings.login()  # read before connecting: a bad file stops at once
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        """Connect (and log in) before the first message is marked as being sent."""
        if self.smtp is None:
            self.smtp = self._connect()

    @property
    def where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            context = ssl.create_default_context(cafile=str(s.ca_file) if s.ca_file else None)
            if s.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout,
                                                      context=context)
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.security == "starttls":
                    smtp.starttls(context=context)
            smtp.ehlo_or_helo_if_needed()
        except smtplib.SMTPNotSupportedError:
            raise MailError(f"the mail server {self.where} does not offer STARTTLS; use "
                            "security: tls or another server") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"cannot reach the mail server {self.where} "
                            f"({type(exc).__name__}: {_first_line(exc)})") from None
        if self.login is not None:
            user, password = self.login
            try:
                smtp.login(user, password)
            except UnicodeEncodeError:  # smtplib sends logins as ASCII only
                smtp.close()
                raise MailError("the SMTP user name or password has non-ASCII characters, "
                                "which Python's smtplib cannot send; change it") from None
            except smtplib.SMTPAuthenticationError:
                smtp.close()
                raise MailError(f"the mail server {self.where} refused the login of {user!r} "
                                "(wrong user name or password)") from None
            except (OSError, smtplib.SMTPException) as exc:
                smtp.close()
                raise MailError(f"cannot log in to the mail server {self.where} "
                                f"({type(exc).__name__}: {_first_line(exc)})") from None
        return smtp

    def send(self, message: EmailMessage, name: str) -> None:
        sender = parseaddr(str(message["From"]))[1]
        recipient = parseaddr(str(message["To"]))[1]
        smtp = self.smtp
        for attempt in (1, 2):  # a connection closed by the server while idle: reconnect once
            if smtp is None:
                smtp = self.smtp = self._connect()
            try:
                self._envelope(smtp, sender, recipient)
                break
            except (smtplib.SMTPServerDisconnected, OSError):
                smtp = self.smtp = None
                if attempt == 2:
                    raise MailError(f"the mail server {self.where} keeps closing the "
                                    "connection") from None
        assert smtp is not None
        try:
            code, answer = smtp.data(message.as_bytes(policy=SMTP))
        except smtplib.SMTPDataError as exc:  # refused before the content was sent
            self._reset()
            raise Refused(f"{exc.smtp_code} {_text(exc.smtp_error)}") from None
        except (OSError, smtplib.SMTPException) as exc:
            self.smtp = None
            raise Interrupted(f"connection lost during the transfer ({type(exc).__name__})") \
                from None
        if code != 250:  # the server read the message and refused it
            self._reset()
            raise Refused(f"{code} {_text(answer)}")

    def _envelope(self, smtp: smtplib.SMTP, sender: str, recipient: str) -> None:
        try:
            code, answer = smtp.mail(sender)
            if code != 250:
                raise Refused(f"sender refused: {code} {_text(answer)}")
            code, answer = smtp.rcpt(recipient)
            if code not in (250, 251):
                raise Refused(f"recipient refused: {code} {_text(answer)}")
        except Refused:
            self._reset()
            raise

    def _reset(self) -> None:
        try:
            if self.smtp is not None:
                self.smtp.rset()
        except (OSError, smtplib.SMTPException):
            self.smtp = None

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None


class GmailSender:
    """The Gmail API (``users.messages.send``) with the configured Google credentials."""

    def __init__(self, user: str, **credentials: Any) -> None:
        from impactsheets.google.gmail import GmailClient

        self.client = GmailClient(user, **credentials)

    def open(self) -> None:
        pass

    def send(self, message: EmailMessage, name: str) -> None:
        result = self.client.send(message.as_bytes(policy=SMTP))
        if result.status is None:
            raise Interrupted(f"connection lost while sending ({result.message})")
        if result.status == 400:
            raise Refused(f"Gmail refused the message: {result.message}")
        if result.status in (401, 403, 404):
            raise MailError(f"Gmail refused to send as {self.client.user!r} (HTTP "
                            f"{result.status}: {result.message}); the login needs the gmail.send "
                            "scope, a service account domain-wide delegation")
        if result.status >= 300:
            raise Refused(result.message or f"Gmail answered HTTP {result.status}")

    def close(self) -> None:
        pass


def _text(answer: bytes | str) -> str:
    text = answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)
    return " ".join(text.split())[:300]


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [""])[0][:200]

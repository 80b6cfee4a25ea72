"""A real SMTP server (aiosmtpd) on loopback for the e-mail tests, with knobs to refuse a
recipient, refuse a message, require a login, or hold a message before answering."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes
    login: str | None

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Sink:
    """What the server received, and how it should behave."""

    received: list[Received] = field(default_factory=list)
    refuse_recipients: set[str] = field(default_factory=set)
    refuse_data_for: set[str] = field(default_factory=set)
    users: dict[str, str] = field(default_factory=dict)  # a login is required when not empty
    hold_at: int | None = None  # hold the n-th message (1-based) before answering
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    port: int = 0

    def to(self, address: str) -> list[EmailMessage]:
        return [r.message for r in self.received if address in r.recipients]

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: Any) -> str:
        if self.users and not session.authenticated:
            return "530 5.7.0 Authentication required"
        if address in self.refuse_recipients:
            return "550 5.1.1 Destinataire inconnu"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if set(envelope.rcpt_tos) & self.refuse_data_for:
            return "554 5.7.1 Message refusé"
        login = session.auth_data.login.decode() if session.auth_data else None
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      bytes(envelope.original_content), login))
        if self.hold_at == len(self.received):
            self.held.set()
            while not self.release.is_set():
                await asyncio.sleep(0.01)
        return "250 2.0.0 Message accepted"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                     auth_data: Any) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword)
              and self.users.get(auth_data.login.decode()) == auth_data.password.decode())
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


class SmtpServer:
    """Start ``Sink`` on 127.0.0.1 (plain, STARTTLS with ``tls``, or implicit TLS)."""

    def __init__(self, sink: Sink, tls: ssl.SSLContext | None = None,
                 implicit_tls: bool = False) -> None:
        sink.port = free_port()
        # With implicit TLS the whole connection is encrypted, but aiosmtpd does not know it.
        kwargs: dict[str, Any] = {"authenticator": sink.authenticate,
                                  "auth_require_tls": tls is not None and not implicit_tls}
        if tls is not None and not implicit_tls:
            kwargs.update(tls_context=tls, require_starttls=True)
        self.controller = Controller(sink, hostname="127.0.0.1", port=sink.port,
                                     ssl_context=tls if implicit_tls else None,
                                     server_hostname="localhost", **kwargs)
        self.sink = sink

    def __enter__(self) -> Sink:
        self.controller.start()
        return self.sink

    def __exit__(self, *exc: object) -> None:
        self.sink.release.set()
        self.controller.stop()

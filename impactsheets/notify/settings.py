"""The ``notify:`` section of the sync configuration: who sends, how, how often.

>>> s = NotifySettings.from_dict({"from": "Réseau <coordination@example.org>",
...                               "smtp": {"host": "localhost", "port": 8025, "security": "none"}},
...                              "sync.yaml", Path("."))
>>> s.method, s.smtp.port, s.max_per_run, s.after_sync
('smtp', 8025, 100, True)
"""

from __future__ import annotations

import ipaddress
import os
import stat
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import yaml

from impactsheets.errors import ConfigError

USER_ENV = "IMPACTSHEETS_SMTP_USER"
PASSWORD_ENV = "IMPACTSHEETS_SMTP_PASSWORD"
_KEYS = {"after_sync", "from", "reply_to", "method", "smtp", "gmail", "max_per_run",
         "pause_seconds", "min_interval_days", "max_attempts", "address_question", "preview_dir"}
_SMTP_KEYS = {"host", "port", "security", "credentials_file", "timeout", "ca_file"}
_GMAIL_KEYS = {"user"}
_DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}


@dataclass(frozen=True)
class SmtpSettings:
    """An SMTP server; ``security`` is ``starttls``, ``tls`` (implicit) or ``none`` (loopback only)."""

    host: str = "localhost"
    port: int = 587
    security: str = "starttls"
    credentials_file: Path | None = None
    timeout: float = 30.0
    ca_file: Path | None = None  # a private certificate authority (default: the system's)

    def login(self) -> tuple[str, str] | None:
        """(user, password) from a user-only file or the environment; None to send without.

        The password is never logged, printed or put in an error message.
        """
        if self.credentials_file is not None:
            return _read_credentials(self.credentials_file)
        user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
        if user and password:
            return user, password
        if user or password:
            raise ConfigError(f"set both {USER_ENV} and {PASSWORD_ENV}, or neither")
        return None

    def check_security(self) -> None:
        """Refuse to talk to a remote server in clear text."""
        if self.security == "none" and not is_loopback(self.host):
            raise ConfigError(f"notify.smtp.security: 'none' (no encryption) is only allowed for "
                              f"a server on this machine, not {self.host!r}; use starttls or tls")


@dataclass(frozen=True)
class NotifySettings:
    """The validated ``notify:`` section (see ``config/sync.example.yaml``)."""

    sender: str
    reply_to: str | None = None
    method: str = "smtp"
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    gmail_user: str = "me"
    after_sync: bool = True
    max_per_run: int = 100
    pause_seconds: float = 1.0
    min_interval_days: float = 7.0
    max_attempts: int = 3
    address_question: str | None = None
    preview_dir: Path | None = None

    @classmethod
    def from_dict(cls, data: Any, path: str, base: Path) -> NotifySettings:
        where = f"{path}: notify"
        if not isinstance(data, dict):
            raise ConfigError(f"{where} must be a mapping (from, smtp, …)")
        _check_keys(data, _KEYS, where)
        sender = data.get("from")
        if not isinstance(sender, str) or not valid_address(parseaddr(sender)[1]):
            raise ConfigError(f"{where}.from: the sender's address is required, e.g. "
                              "'Réseau <coordination@example.org>'")
        reply_to = data.get("reply_to")
        if reply_to is not None and not (isinstance(reply_to, str)
                                         and valid_address(parseaddr(reply_to)[1])):
            raise ConfigError(f"{where}.reply_to: not an e-mail address")
        method = data.get("method", "smtp")
        if method not in ("smtp", "gmail"):
            raise ConfigError(f"{where}.method must be smtp or gmail")
        smtp = _smtp(data.get("smtp"), f"{where}.smtp", base, required=method == "smtp")
        gmail = data.get("gmail") or {}
        if not isinstance(gmail, dict):
            raise ConfigError(f"{where}.gmail must be a mapping")
        _check_keys(gmail, _GMAIL_KEYS, f"{where}.gmail")
        preview = data.get("preview_dir")
        return cls(
            sender=sender, reply_to=reply_to, method=method, smtp=smtp,
            gmail_user=str(gmail.get("user") or "me"),
            after_sync=_flag(data, "after_sync", True, where),
            max_per_run=_number(data, "max_per_run", 100, where, whole=True, low=1),
            pause_seconds=_number(data, "pause_seconds", 1.0, where),
            min_interval_days=_number(data, "min_interval_days", 7.0, where),
            max_attempts=_number(data, "max_attempts", 3, where, whole=True, low=1),
            address_question=str(data["address_question"]) if data.get("address_question")
            else None,
            preview_dir=_path(preview, base) if preview else None)


def valid_address(address: str) -> bool:
    """Whether ``address`` is one plain ASCII ``name@domain.tld`` we may send to.

    >>> valid_address("contact@lafriche.fr"), valid_address("a@b"), valid_address("x@y.fr\\nBcc: z")
    (True, False, False)
    """
    if not address or not address.isascii() or any(c in address for c in "\r\n\t ,;<>\"'()"):
        return False
    try:
        parsed = Address(addr_spec=address)
    except (ValueError, IndexError):
        return False
    return bool(parsed.username) and "." in parsed.domain and parsed.addr_spec == address


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback IP address.

    >>> is_loopback("localhost"), is_loopback("127.0.0.1"), is_loopback("smtp.example.org")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _read_credentials(path: Path) -> tuple[str, str]:
    try:
        mode = path.stat().st_mode
    except OSError:
        raise ConfigError(f"SMTP credentials file not found: {path}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(f"SMTP credentials file {path} is readable by other users; "
                          f"run: chmod 600 {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        raise ConfigError(f"SMTP credentials file {path}: expected 'username: …' and "
                          "'password: …' lines") from None
    if not (isinstance(data, dict) and isinstance(data.get("username"), str)
            and isinstance(data.get("password"), str | int)):
        raise ConfigError(f"SMTP credentials file {path}: expected 'username: …' and "
                          "'password: …' lines")
    return data["username"], str(data["password"])


def _smtp(data: Any, where: str, base: Path, required: bool) -> SmtpSettings:
    if data is None:
        if required:
            raise ConfigError(f"{where}: missing (host, port, security) for method smtp")
        return SmtpSettings()
    if not isinstance(data, dict):
        raise ConfigError(f"{where} must be a mapping (host, port, security)")
    _check_keys(data, _SMTP_KEYS, where)
    host = data.get("host")
    if not isinstance(host, str) or not host.strip():
        raise ConfigError(f"{where}.host: the mail server's name is required")
    security = data.get("security", "starttls")
    if security not in _DEFAULT_PORTS:
        raise ConfigError(f"{where}.security must be starttls, tls or none")
    creds, ca_file = data.get("credentials_file"), data.get("ca_file")
    return SmtpSettings(
        host=host.strip(), security=security,
        port=_number(data, "port", _DEFAULT_PORTS[security], where, whole=True, low=1),
        credentials_file=_path(creds, base) if creds else None,
        timeout=_number(data, "timeout", 30.0, where),
        ca_file=_path(ca_file, base) if ca_file else None)


def _check_keys(data: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(allowed))})")


def _flag(data: dict[str, Any], key: str, default: bool, where: str) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{where}.{key} must be true or false")
    return value


def _number(data: dict[str, Any], key: str, default: Any, where: str, whole: bool = False,
            low: float = 0) -> Any:
    value = data.get(key, default)
    kinds = int if whole else int | float
    if isinstance(value, bool) or not isinstance(value, kinds) or value < low:
        raise ConfigError(f"{where}.{key} must be a {'whole ' if whole else ''}number ≥ {low:g}")
    return value


def _path(value: Any, base: Path) -> Path:
    candidate = Path(os.path.expanduser(str(value)))
    return candidate if candidate.is_absolute() else base / candidate

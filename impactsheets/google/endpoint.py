"""Where Google requests go: Google itself, or the local emulator named by the environment.

Both :mod:`.auth` (emulator credentials) and :mod:`.transport` (URL rewriting) need to know;
this module depends on neither, so they do not import each other.

>>> check_loopback("http://127.0.0.1:8765/")
'http://127.0.0.1:8765'
"""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit

from impactsheets.errors import ConfigError

EMULATOR_ENV = "IMPACTSHEETS_GOOGLE_EMULATOR"


def emulator_url() -> str | None:
    """The emulator base URL from the environment, validated to be loopback; None if unset."""
    raw = os.environ.get(EMULATOR_ENV, "").strip()
    if not raw:
        return None
    return check_loopback(raw)


def check_loopback(url: str) -> str:
    """``url`` reduced to scheme and address, or :class:`ConfigError` unless it is loopback."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number in 0-65535
    except ValueError:
        host = ""
    if parts.scheme not in ("http", "https") or not host:
        raise ConfigError(f"{EMULATOR_ENV} must be an http://127.0.0.1:PORT URL, got {url!r}")
    loopback = host == "localhost"
    if not loopback:
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
    if not loopback:
        raise ConfigError(f"{EMULATOR_ENV} must point to a loopback address, got {host!r}")
    return f"{parts.scheme}://{parts.netloc}".rstrip("/")

"""Gmail API ``users.messages.send`` for the emulator: the message is kept, not delivered.

>>> import base64
>>> from impactsheets.emulator.store import Store
>>> store = Store()
>>> raw = base64.urlsafe_b64encode(b"To: a@b.fr\\r\\nSubject: x\\r\\n\\r\\nhi").decode()
>>> send_message(store, "me", {"raw": raw})["labelIds"], len(store.mail)
(['SENT'], 1)
"""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
from email.utils import getaddresses
from typing import Any

from impactsheets.emulator.store import ApiError, new_file_id


def send_message(store: Any, user: str, body: dict[str, Any]) -> dict[str, Any]:
    """Keep the message of ``body["raw"]`` (base64url RFC 2822) in ``store.mail``."""
    raw = body.get("raw")
    if not isinstance(raw, str) or not raw:
        raise ApiError(400, "Invalid value at 'message.raw'", status="INVALID_ARGUMENT")
    try:
        data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (binascii.Error, ValueError):
        raise ApiError(400, "Invalid value at 'message.raw' (TYPE_BYTES)",
                       status="INVALID_ARGUMENT") from None
    message = email.message_from_bytes(data, policy=email.policy.default)
    recipients = [a for _, a in getaddresses(message.get_all("To", []))]
    if not recipients or any("@" not in a or "." not in a.rpartition("@")[2] for a in recipients):
        raise ApiError(400, "Invalid To header", status="INVALID_ARGUMENT")
    message_id = new_file_id()[:16]
    store.mail.append({"id": message_id, "user": user, "to": recipients, "raw": data})
    return {"id": message_id, "threadId": message_id, "labelIds": ["SENT"]}

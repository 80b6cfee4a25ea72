"""What was sent to each site, in the state store: never twice, never lost.

One row per site (table ``notifications`` of ``state.sqlite``): the message being sent or
last tried (``kind``, ``fingerprint``, ``status``, ``attempts``, ``error``) and the last one
delivered (``sent_kind``, ``sent_fingerprint``, ``sent_at``, ``message_id``).

A message is marked ``sending`` (committed) *before* it is handed to the mail server and
``sent`` right after the server accepted it. A run killed in between leaves ``sending``: the
next run cannot know whether the server got it, so it marks it ``uncertain`` and does **not**
send it again (at most once): it is listed in the summary for a person to check, and the
site is written to again only when its answers or problems change. The window is the time
the server takes to answer the end of one message. The marks are written with SQLite's
``synchronous=FULL``, so not even a power cut loses one.

>>> from pathlib import Path
>>> from impactsheets.state import StateStore
>>> ledger = Ledger(StateStore(Path(":memory:")).connection)
>>> ledger.decide("k", "report", "f1", Policy()).action
'send'
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS notifications (
    key TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    address TEXT,
    kind TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    message_id TEXT,
    sent_kind TEXT,
    sent_fingerprint TEXT,
    sent_at TEXT,
    updated_at TEXT NOT NULL
);
"""
SENDING, SENT, FAILED, UNCERTAIN = "sending", "sent", "failed", "uncertain"
INTERRUPTED = ("a run stopped while this message was being sent: it may have left; not sent "
               "again until the site's answers change")


@dataclass(frozen=True)
class Policy:
    """How often a site may be written to, and how many tries a refused message gets."""

    min_interval: timedelta = timedelta(days=7)
    max_attempts: int = 3


@dataclass
class Record:
    key: str
    site: str
    address: str | None
    kind: str
    fingerprint: str
    status: str
    attempts: int = 0
    error: str | None = None
    message_id: str | None = None
    sent_kind: str | None = None
    sent_fingerprint: str | None = None
    sent_at: str | None = None
    updated_at: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Decision:
    """``send``, or why not: ``unchanged``, ``too-soon``, ``unconfirmed`` (an earlier message
    may not have left), ``gave-up`` (refused too often)."""

    action: str
    attempts: int = 0  # tries already made for this very message
    detail: str = ""


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class Ledger:
    """The ``notifications`` table, on the state store's connection (every change committed)."""

    def __init__(self, connection: sqlite3.Connection, read_only: bool = False) -> None:
        self.connection = connection
        self.read_only = read_only
        if not read_only:
            connection.executescript(_SCHEMA)
            # Each mark is on disk before the message leaves: even a power cut cannot forget
            # a "sending" (the sync's own commits can be cheaper, NORMAL: see state.py).
            connection.execute("PRAGMA synchronous=FULL")

    def get(self, key: str) -> Record | None:
        try:
            row = self.connection.execute(
                f"SELECT {', '.join(Record.__dataclass_fields__)} FROM notifications "
                "WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError:  # read-only store of an older run: no table yet
            return None
        return Record(*row) if row else None

    def all(self) -> list[Record]:
        """Every site's record (for the summary and the dashboard)."""
        try:
            rows = self.connection.execute(
                f"SELECT {', '.join(Record.__dataclass_fields__)} FROM notifications "
                "ORDER BY site").fetchall()
        except sqlite3.OperationalError:
            return []
        return [Record(*row) for row in rows]

    def settle_interrupted(self) -> list[Record]:
        """Mark messages left ``sending`` by a killed run ``uncertain``; return them."""
        if self.read_only:
            return [r for r in self.all() if r.status == SENDING]
        stuck = [r for r in self.all() if r.status == SENDING]
        for record in stuck:
            self._update(record.key, status=UNCERTAIN, error=INTERRUPTED)
        return stuck

    def decide(self, key: str, kind: str, fingerprint: str, policy: Policy,
               when: datetime | None = None) -> Decision:
        """Whether to send ``kind``/``fingerprint`` to this site now (see the module docstring)."""
        record = self.get(key)
        if record is None:
            return Decision("send")
        if record.sent_fingerprint == fingerprint and record.sent_kind == kind:
            return Decision("unchanged")
        same = record.fingerprint == fingerprint and record.kind == kind
        if same and record.status in (UNCERTAIN, SENDING):
            return Decision("unconfirmed", detail=record.error or "")
        if same and record.status == FAILED and record.attempts >= policy.max_attempts:
            return Decision("gave-up", record.attempts,
                            f"refused {record.attempts} times, last: {record.error}")
        if record.sent_at and record.sent_kind == kind:  # a change of kind goes out at once
            last = datetime.fromisoformat(record.sent_at)
            if (when or now()) - last < policy.min_interval:
                return Decision("too-soon")
        return Decision("send", record.attempts if same and record.status == FAILED else 0)

    def sending(self, key: str, site: str, address: str, kind: str, fingerprint: str,
                attempts: int, message_id: str) -> None:
        """Record the message about to be handed to the server (committed before sending)."""
        if self.get(key) is None:
            self.connection.execute(
                "INSERT INTO notifications (key, site, kind, fingerprint, status, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)", (key, site, kind, fingerprint, SENDING,
                                               now().isoformat()))
        self._update(key, site=site, address=address, kind=kind, fingerprint=fingerprint,
                     status=SENDING, attempts=attempts + 1, error=None, message_id=message_id)

    def finish(self, key: str, outcome: str, detail: str = "") -> None:
        """Record how the send went: ``sent``, ``failed`` or ``uncertain``."""
        if outcome == SENT:
            self.sent(key)
        elif outcome == FAILED:
            self.failed(key, detail)
        else:
            self.uncertain(key, detail)

    def sent(self, key: str) -> None:
        record = self.get(key)
        assert record is not None
        self._update(key, status=SENT, error=None, sent_kind=record.kind,
                     sent_fingerprint=record.fingerprint, sent_at=now().isoformat())

    def failed(self, key: str, error: str, counted: bool = True) -> None:
        """The server refused the message: retried on a later run. Not ``counted`` toward
        ``max_attempts`` when the server itself failed (the message was never judged)."""
        record = self.get(key)
        attempts = record.attempts if record is not None else 0
        self._update(key, status=FAILED, error=error[:500],
                     attempts=attempts if counted else max(0, attempts - 1))

    def uncertain(self, key: str, error: str) -> None:
        """The connection broke while the message was being transferred."""
        self._update(key, status=UNCERTAIN, error=error[:500])

    def _update(self, key: str, **values: Any) -> None:
        values["updated_at"] = now().isoformat()
        columns = ", ".join(f"{name} = ?" for name in values)
        self.connection.execute(f"UPDATE notifications SET {columns} WHERE key = ?",
                                (*values.values(), key))

"""The sync's memory between runs: one SQLite file, one row per site.

Each site's fingerprint (its answers + the questionnaire + the template) tells whether its
report must be rendered again; the Drive file id keeps its link stable across runs. Every
update is committed at once, so a run killed at any moment resumes where it stopped.

>>> store = StateStore(Path(":memory:"))
>>> store.get("arsenal|25000") is None
True
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sites (
    key TEXT PRIMARY KEY,
    slug TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    pdf TEXT,
    drive_id TEXT,
    link TEXT,
    updated_at TEXT NOT NULL DEFAULT (datetime('now'))
);
"""


@dataclass(slots=True)
class SiteState:
    key: str
    slug: str
    fingerprint: str
    pdf: str | None = None
    drive_id: str | None = None
    link: str | None = None


def fingerprint(*parts: Any) -> str:
    """A stable SHA-256 of JSON-serialisable parts (dates and sets by their text).

    >>> fingerprint({"a": 1}) == fingerprint({"a": 1})
    True
    """
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class StateStore:
    """Read and update site states in a SQLite file created with user-only permissions."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        if read_only:  # a dry run: look, never create or change anything
            uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"  # no -wal/-shm created
            self.connection = sqlite3.connect(uri, uri=True, isolation_level=None)
            return
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        self.connection = sqlite3.connect(str(path), isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: never corrupted, and a killed process loses nothing; only a power cut
        # may forget the last commits, which just means re-rendering those reports.
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.executescript(_SCHEMA)

    def get(self, key: str) -> SiteState | None:
        row = self.connection.execute(
            "SELECT key, slug, fingerprint, pdf, drive_id, link FROM sites WHERE key = ?", (key,)
        ).fetchone()
        return SiteState(*row) if row else None

    def all(self) -> dict[str, SiteState]:
        rows = self.connection.execute(
            "SELECT key, slug, fingerprint, pdf, drive_id, link FROM sites").fetchall()
        return {row[0]: SiteState(*row) for row in rows}

    def put(self, state: SiteState) -> None:
        """Insert or replace one site's state, committed immediately."""
        self.connection.execute(
            "INSERT INTO sites (key, slug, fingerprint, pdf, drive_id, link) VALUES (?,?,?,?,?,?)"
            " ON CONFLICT(key) DO UPDATE SET slug=excluded.slug, fingerprint=excluded.fingerprint,"
            " pdf=excluded.pdf, drive_id=excluded.drive_id, link=excluded.link,"
            " updated_at=datetime('now')",
            (state.key, state.slug, state.fingerprint, state.pdf, state.drive_id, state.link),
        )

    def close(self) -> None:
        self.connection.close()

"""The sync's memory between runs: one SQLite file, one row per site.

Each site's fingerprint (its answers + the questionnaire + the template) tells whether its
report must be rendered again; the Drive file id keeps its link stable across runs. Every
update is committed at once (a batch of reports in one transaction), so a run killed at any
moment resumes where it stopped.

A damaged state file (corrupt, truncated, another program's database, a folder in its place)
is moved aside as ``state.sqlite.damaged-<time>`` and a new one is built: the run then
renders every report again. Any other SQLite failure is an :class:`~impactsheets.errors.
OutputError` naming the file.

>>> store = StateStore(Path(":memory:"))
>>> store.get("arsenal|25000") is None
True
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from impactsheets.errors import OutputError

log = logging.getLogger("impactsheets.state")
_OUR_COLUMNS = {"key", "slug", "fingerprint", "pdf", "drive_id", "link"}
_DAMAGED_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB

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
CREATE TABLE IF NOT EXISTS marks (
    sheet TEXT NOT NULL,
    row INTEGER NOT NULL,
    col INTEGER NOT NULL,
    fill TEXT,
    note TEXT,
    PRIMARY KEY (sheet, row, col)
);
"""
#: Columns added to an existing ``sites`` table (older state files get them on opening).
_ADDED_COLUMNS = {"retired_at": "TEXT"}
_SITE_FIELDS = "key, slug, fingerprint, pdf, drive_id, link"


@dataclass(slots=True)
class SiteState:
    key: str
    slug: str
    fingerprint: str
    pdf: str | None = None
    drive_id: str | None = None
    link: str | None = None
    #: When the site left the sheet (its PDF and Drive file were archived); None while current.
    retired_at: str | None = None


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
        self.path = path
        #: Where a damaged state file was moved (None when the file was fine).
        self.damaged: Path | None = None
        if read_only:  # a dry run: look, never create or change anything
            self.connection = self._open_read_only()
            return
        if str(path) != ":memory:":
            if path.exists() and not path.is_file():
                self.damaged = _move_aside(path, "not a file")
            with self._errors():
                path.parent.mkdir(parents=True, exist_ok=True)
                if not path.exists():
                    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        try:
            self.connection = self._open()
        except _Damaged as exc:
            self.damaged = _move_aside(path, str(exc))
            self.connection = self._open()

    def _open(self) -> sqlite3.Connection:
        path = self.path
        with self._errors():
            connection = sqlite3.connect(str(path), isolation_level=None)
            try:
                problem = _damage(connection) if str(path) != ":memory:" else None
                if problem:
                    raise _Damaged(problem)
                connection.execute("PRAGMA journal_mode=WAL")
                # WAL + NORMAL: never corrupted, and a killed process loses nothing; only a
                # power cut may forget the last commits, which just means re-rendering those
                # reports.
                connection.execute("PRAGMA synchronous=NORMAL")
                connection.executescript(_SCHEMA)
                present = {row[1] for row in connection.execute("PRAGMA table_info(sites)")}
                for column, kind in _ADDED_COLUMNS.items():  # older state files: added here
                    if column not in present:
                        connection.execute(f"ALTER TABLE sites ADD COLUMN {column} {kind}")
            except BaseException:
                connection.close()
                raise
        return connection

    def _open_read_only(self) -> sqlite3.Connection:
        """A read-only connection that writes nothing: it sees the last commits of a killed
        or running sync (the write-ahead log) and creates no -wal/-shm file when there is
        none. A damaged file reads as empty (the real run will move it aside)."""
        path = self.path
        problem = None if path.is_file() else "not a file"
        if problem is None:
            wal = path.with_name(path.name + "-wal").exists()
            uri = f"{path.resolve().as_uri()}?mode=ro{'' if wal else '&immutable=1'}"
            with self._errors():
                connection = sqlite3.connect(uri, uri=True, isolation_level=None)
                problem = _damage(connection)
                if problem is None:
                    return connection
                connection.close()
        log.warning("state file %s is damaged (%s): the next sync will move it aside and "
                    "render every report again", path, problem)
        connection = sqlite3.connect(":memory:", isolation_level=None)
        connection.executescript(_SCHEMA)
        return connection

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn SQLite and OS failures into one-line :class:`OutputError`."""
        try:
            yield
        except sqlite3.Error as exc:
            raise OutputError(f"state file {self.path}: {exc}") from None
        except OSError as exc:
            raise OutputError(f"state file {self.path}: {exc.strerror or exc}") from None

    def _columns(self) -> str:
        present = {row[1] for row in self.connection.execute("PRAGMA table_info(sites)")}
        return _SITE_FIELDS + "".join(f", {c}" if c in present else ", NULL" for c in _ADDED_COLUMNS)

    def get(self, key: str) -> SiteState | None:
        with self._errors():
            row = self.connection.execute(
                f"SELECT {self._columns()} FROM sites WHERE key = ?", (key,)).fetchone()
        return SiteState(*row) if row else None

    def all(self) -> dict[str, SiteState]:
        """The current sites (retired ones are kept, but not listed here)."""
        with self._errors():
            rows = self.connection.execute(f"SELECT {self._columns()} FROM sites").fetchall()
        return {row[0]: SiteState(*row) for row in rows if row[-1] is None}

    def retired(self) -> dict[str, SiteState]:
        """The sites gone from the sheet, with where their archived PDF is."""
        rows = self.connection.execute(f"SELECT {self._columns()} FROM sites").fetchall()
        return {row[0]: SiteState(*row) for row in rows if row[-1] is not None}

    def retire(self, key: str, pdf: str | None) -> None:
        """Mark a site as gone from the sheet; ``pdf``: where its report was archived."""
        self.connection.execute(
            "UPDATE sites SET retired_at = datetime('now'), pdf = ?, updated_at = datetime('now')"
            " WHERE key = ?", (pdf, key))

    def written_marks(self, sheet: str) -> dict[tuple[int, int], tuple[str | None, str | None]]:
        """(row, column) -> (fill, note) we last wrote on worksheet ``sheet`` (1-based)."""
        try:
            rows = self.connection.execute(
                "SELECT row, col, fill, note FROM marks WHERE sheet = ?", (sheet,)).fetchall()
        except sqlite3.OperationalError:  # a read-only older state file without the table
            return {}
        return {(r, c): (fill, note) for r, c, fill, note in rows}

    def record_marks(self, sheet: str,
                     marks: dict[tuple[int, int], tuple[str | None, str | None]]) -> None:
        """Replace what we wrote on ``sheet`` by ``marks``, in one transaction."""
        with self.connection:
            self.connection.execute("BEGIN")
            self.connection.execute("DELETE FROM marks WHERE sheet = ?", (sheet,))
            self.connection.executemany(
                "INSERT INTO marks (sheet, row, col, fill, note) VALUES (?,?,?,?,?)",
                [(sheet, r, c, fill, note) for (r, c), (fill, note) in marks.items()])

    def put(self, state: SiteState) -> None:
        """Insert or replace one site's state, committed immediately."""
        with self._errors():
            self._put(state)

    def put_many(self, states: list[SiteState]) -> None:
        """Insert or replace several sites' states in one transaction (all or none)."""
        with self._errors(), self.connection:
            self.connection.execute("BEGIN")
            for state in states:
                self._put(state)

    def _put(self, state: SiteState) -> None:
        self.connection.execute(
            "INSERT INTO sites (key, slug, fingerprint, pdf, drive_id, link) VALUES (?,?,?,?,?,?)"
            " ON CONFLICT(key) DO UPDATE SET slug=excluded.slug, fingerprint=excluded.fingerprint,"
            " pdf=excluded.pdf, drive_id=excluded.drive_id, link=excluded.link,"
            " retired_at=NULL, updated_at=datetime('now')",
            (state.key, state.slug, state.fingerprint, state.pdf, state.drive_id, state.link),
        )

    def close(self) -> None:
        self.connection.close()


class _Damaged(Exception):
    """The state file is not a sound state database (the message says why)."""


def _damage(connection: sqlite3.Connection) -> str | None:
    """Why this database is not a sound state file, or None when it is."""
    try:
        check = connection.execute("PRAGMA quick_check").fetchall()
        tables = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        columns = {row[1] for row in connection.execute("PRAGMA table_info(sites)")}
    except sqlite3.DatabaseError as exc:
        if (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in _DAMAGED_CODES:
            return str(exc)
        raise
    if check != [("ok",)]:
        return f"corrupt ({check[0][0]})"
    if tables and "sites" not in tables:
        return f"another program's database (tables {', '.join(sorted(tables)[:3])})"
    if "sites" in tables and not columns >= _OUR_COLUMNS:
        return "a 'sites' table of another shape"
    return None


def _move_aside(path: Path, why: str) -> Path:
    """Rename a damaged state file (and its SQLite companions) to ``<name>.damaged-<time>``."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    number = 1
    while target.exists():
        number += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{number}")
    try:
        path.rename(target)
        for suffix in ("-wal", "-shm"):
            companion = path.with_name(path.name + suffix)
            if companion.exists():
                companion.rename(target.with_name(target.name + suffix))
    except OSError as exc:
        raise OutputError(f"state file {path} is damaged ({why}) and cannot be moved aside: "
                          f"{exc.strerror or exc}") from None
    log.warning("state file %s was damaged (%s): moved to %s; a new one is built and every "
                "report is rendered again", path, why, target.name)
    return target


"""The sync's lock: one run at a time per output folder, never left behind by a dead run.

The lock is an ``flock`` on ``<output>/.sync.lock``, held by the main process only: the file is
closed in every forked child (render workers) and on exec, so the kernel drops the lock
when the main process dies, however it dies. The file records who holds it (pid, the process's start time,
host, time), so a refused run names the running one, and a record left by a dead process
(the pid is gone, or now belongs to another process) is recognised and taken over.

>>> import tempfile; folder = Path(tempfile.mkdtemp())
>>> with RunLock(folder / ".sync.lock") as lock:
...     lock.owner()["pid"] == os.getpid()
True
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from impactsheets.errors import LockedError, OutputError, from_os_error
from impactsheets.files import remove_partials

if TYPE_CHECKING:
    from impactsheets.config import SyncConfig

log = logging.getLogger("impactsheets.lock")


def process_start(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot on Linux), None if unknown.

    With the pid, it tells a live owner from a new process that reuses a dead one's pid.

    >>> process_start(os.getpid()) == process_start(os.getpid())
    True
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()[19]  # field 22, after "pid (command)"


def is_running(pid: int, start: str | None) -> bool:
    """Whether the process recorded as (pid, start time) is still alive."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    current = process_start(pid)
    return start is None or current is None or current == start


class RunLock:
    """Hold ``path`` for the duration of a ``with`` block, or raise :class:`LockedError`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def owner(self) -> dict[str, Any]:
        """The record of the run holding (or last holding) the lock; {} if none."""
        try:
            if self.fd is not None:
                text = os.pread(self.fd, 4096, 0).decode("utf-8", "replace")
            else:
                text = self.path.read_text(encoding="utf-8", errors="replace")
            data = json.loads(text or "{}")
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def acquire(self) -> None:
        for _ in range(5):  # a lock file replaced meanwhile: lock the new one
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError as exc:
                raise from_os_error(exc) from None
            previous = self.owner()
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                if not self._stale(previous):
                    raise self._locked(previous) from None
                # Held by no live run: a process that inherited it from a dead run (an older
                # version's render worker). Replace the file; that process keeps the old one.
                log.warning("lock %s held by a leftover process of a dead run (pid %s): "
                            "taken over", self.path, previous.get("pid"))
                self.path.unlink(missing_ok=True)
                continue
            if os.path.exists(self.path) and os.stat(self.path).st_ino == os.fstat(fd).st_ino:
                break
            os.close(fd)
        else:  # pragma: no cover - five replacements in a row
            raise self._locked({})
        if previous.get("pid") and not is_running(int(previous["pid"]), previous.get("start")):
            log.warning("the previous sync (pid %s, started %s) stopped without finishing; "
                        "this run completes its work", previous.get("pid"), previous.get("time", "?"))
        self.fd = fd
        _HELD.add(fd)
        record = {"pid": os.getpid(), "start": process_start(os.getpid()),
                  "host": socket.gethostname(),
                  "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(record).encode("utf-8"), 0)
        except OSError as exc:
            self.release()
            raise from_os_error(exc) from None

    def _stale(self, owner: dict[str, Any]) -> bool:
        """A held lock whose recorded run is dead, recorded long enough ago that it is not a
        run that has just taken the lock and not yet written its record."""
        try:
            age = time.time() - os.stat(self.path).st_mtime
        except OSError:
            return False
        pid = owner.get("pid")
        return (isinstance(pid, int) and owner.get("host") == socket.gethostname()
                and not is_running(pid, owner.get("start")) and age > _FRESH_S)

    def _locked(self, owner: dict[str, Any]) -> LockedError:
        folder = self.path.parent
        who = f" (pid {owner['pid']} since {owner.get('time', '?')})" if owner.get("pid") else ""
        return LockedError(f"another impactsheets sync is running on {folder}{who} "
                           f"(lock file {self.path}); try again later")

    def release(self) -> None:
        if self.fd is not None:
            fd, self.fd = self.fd, None
            _HELD.discard(fd)
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)  # no owner recorded: nobody is running
            os.close(fd)  # closing drops the lock

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


_FRESH_S = 2.0
_HELD: set[int] = set()


def _close_held_in_child() -> None:
    """A forked child (a render worker) neither holds the lock nor keeps its file open."""
    for fd in list(_HELD):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


os.register_at_fork(after_in_child=_close_held_in_child)


@contextlib.contextmanager
def run_lock(config: SyncConfig, dry_run: bool = False) -> Iterator[None]:
    """Hold ``<output>/.sync.lock`` (a dry run takes none); :class:`LockedError` when taken.

    Under the lock, the temporary files of a killed run are removed wherever the sync writes.
    """
    if dry_run:
        yield
        return
    if config.output.exists() and not config.output.is_dir():
        raise OutputError(f"output folder {config.output} is a file, not a folder")
    try:
        config.output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise from_os_error(exc, "cannot create the output folder") from None
    with RunLock(config.output / ".sync.lock"):
        remove_partials(config.output, config.output / "reports", config.output / "emails-preview",
                        config.state_path.parent)
        yield

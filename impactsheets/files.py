"""Safe file writing: the one atomic writer of the tool, and the cleanup of what a killed run
left behind.

Every file the tool writes goes through :func:`atomic_file` (or :func:`atomic_write`, or, for
a report a render worker writes, :func:`write_partial` then :func:`finish_partial`): the
data goes to a temporary file beside the target, named ``.<name>.<pid>.<random>.part``, which
is renamed over the target once complete. A reader, or a run killed at any moment, sees the
old file or the new one, never a partial one; a failed write removes its temporary file; a
killed run's temporary files are removed by the next run: the sync removes them from its
folders under its lock (:func:`remove_partials`), and the first write of any command into a
folder removes those of dead processes there (a dry run's e-mail previews, a synthesis, an
export…).

>>> import tempfile; d = Path(tempfile.mkdtemp())
>>> atomic_write(d / "a.txt", b"ok").read_bytes()
b'ok'
>>> with atomic_file(d / "b.txt", 0o600) as handle:
...     _ = handle.write(b"secret")
>>> oct((d / "b.txt").stat().st_mode & 0o777), sorted(p.name for p in d.iterdir())
('0o600', ['a.txt', 'b.txt'])

A temporary file that a killed process left (its pid is gone) goes at the next write there:

>>> e = Path(tempfile.mkdtemp()); _ = (e / ".a.txt.999999999.x1y2z3.part").write_bytes(b"half")
>>> sorted(p.name for p in atomic_write(e / "c.txt", b"ok").parent.iterdir())
['c.txt']
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

PARTIAL_SUFFIX = ".part"
_PARTIAL = re.compile(r"^\..+\.(?P<pid>\d+)\.[^.]+\.part$")
_CLEANED: set[Path] = set()  # folders whose dead temporary files this process removed


@contextmanager
def _partial(path: Path, owner: int | None = None) -> Iterator[tuple[BinaryIO, Path]]:
    """A user-only temporary file beside ``path``, written when the block ends (made durable
    by :func:`finish_partial`, just before its rename); a failure removes it (and an OSError
    names ``path``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{owner or os.getpid()}.",
                               suffix=PARTIAL_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle, Path(tmp)
    except BaseException as exc:
        with suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not exc.filename:  # a write: name the file
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise


@contextmanager
def atomic_file(path: Path, mode: int = 0o644) -> Iterator[BinaryIO]:
    """A binary file handle whose content replaces ``path`` only when the block succeeds.

    The temporary file is created user-only (so a secret is never readable by others, even
    for a moment), then given ``mode`` just before the rename.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    _clean_once(path.parent)
    with _partial(path) as (handle, tmp):
        yield handle
    finish_partial(tmp, path, mode)


def atomic_write(path: Path, data: bytes | str, mode: int = 0o644) -> Path:
    """Write ``data`` (text is UTF-8) to ``path`` atomically; return ``path``."""
    with atomic_file(path, mode) as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def write_partial(path: Path, data: bytes, owner: int | None = None) -> Path:
    """Write ``data`` to a temporary file beside ``path`` (user-only) and return it;
    :func:`finish_partial` makes it durable and puts it in place. A failed write leaves nothing.

    For a render worker: it writes the bytes, the process that records them (``owner``, whose
    pid the name carries, so that :func:`remove_partials` keeps the file while that process
    lives and removes it once it is gone) waits for the disk and renames the file, while the
    worker draws the next report.

    >>> import tempfile; d = Path(tempfile.mkdtemp())
    >>> part = write_partial(d / "r.pdf", b"%PDF")
    >>> part.name.endswith(".part"), finish_partial(part, d / "r.pdf").read_bytes()
    (True, b'%PDF')
    """
    with _partial(path, owner) as (handle, tmp):
        handle.write(data)
    return tmp


def finish_partial(partial: Path, path: Path, mode: int = 0o644) -> Path:
    """Flush a :func:`write_partial` file to disk, give it ``mode`` and rename it over
    ``path``; return ``path``. A failure removes it (an OSError names ``path``)."""
    try:
        fd = os.open(partial, os.O_RDONLY)
        try:
            os.fsync(fd)  # the data is on disk before the name points at it
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        finally:
            os.close(fd)
        os.chmod(partial, mode)
        os.replace(partial, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(partial)
        raise
    return path


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # our own leftovers cannot be in use: we are not writing them now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_partials(*folders: Path) -> int:
    """Delete the temporary files that killed runs left in ``folders``; return how many.

    A file whose writer is still running (another process writing the same folder) is kept.

    >>> import tempfile; d = Path(tempfile.mkdtemp())
    >>> _ = (d / ".index.csv.999999999.abc123.part").write_bytes(b"half")
    >>> remove_partials(d), list(d.iterdir())
    (1, [])
    """
    count = 0
    for folder in folders:
        if not folder.is_dir():
            continue
        for leftover in folder.glob(f".*{PARTIAL_SUFFIX}"):
            match = _PARTIAL.match(leftover.name)
            if match and _alive(int(match["pid"])):
                continue
            with suppress(FileNotFoundError):
                leftover.unlink()
                count += 1
    return count


def _clean_once(folder: Path) -> None:
    """Remove, once per process and folder, the temporary files of dead writers: only names
    of the writer's own pattern (``.<name>.<pid>.<random>.part``) whose process is gone."""
    try:
        key = folder.resolve()
    except OSError:
        return
    if key in _CLEANED:
        return
    _CLEANED.add(key)
    with suppress(OSError):
        for leftover in folder.glob(f".*{PARTIAL_SUFFIX}"):
            match = _PARTIAL.match(leftover.name)
            if match and not _alive(int(match["pid"])):
                with suppress(FileNotFoundError):
                    leftover.unlink()

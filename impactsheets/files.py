"""Safe file writing: atomic replacement and user-only permissions.

>>> import tempfile; d = Path(tempfile.mkdtemp())
>>> atomic_write(d / "a.txt", b"ok").read_bytes()
b'ok'
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write(path: Path, data: bytes, mode: int = 0o644) -> Path:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``.

    A reader (or a run killed half-way) sees either the old file or the new one, never a
    partial one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def remove_partials(folder: Path) -> int:
    """Delete leftover ``.*.part`` files of an interrupted run; return how many."""
    count = 0
    if folder.is_dir():
        for leftover in folder.glob(".*.part"):
            leftover.unlink(missing_ok=True)
            count += 1
    return count

"""A report a render worker writes reaches its name only once it is on disk."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from impactsheets import files
from impactsheets.files import finish_partial, write_partial


def test_the_data_is_flushed_to_disk_before_the_rename(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "site.pdf"
    partial = write_partial(target, b"%PDF-new")
    inode = partial.stat().st_ino
    events: list[tuple[str, object]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", os.fstat(fd).st_ino))
        real_fsync(fd)

    def replace(src: str | Path, dst: str | Path) -> None:
        events.append(("replace", Path(dst).name))
        real_replace(src, dst)

    monkeypatch.setattr(files.os, "fsync", fsync)
    monkeypatch.setattr(files.os, "replace", replace)
    assert finish_partial(partial, target).read_bytes() == b"%PDF-new"
    assert events == [("fsync", inode), ("replace", "site.pdf")]


def test_a_failed_flush_keeps_the_old_report_and_names_the_target(tmp_path: Path,
                                                                    monkeypatch) -> None:
    target = tmp_path / "site.pdf"
    target.write_bytes(b"%PDF-old")
    partial = write_partial(target, b"%PDF-new")

    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", fsync)
    with pytest.raises(OSError) as caught:
        finish_partial(partial, target)
    assert (caught.value.errno, caught.value.filename) == (errno.ENOSPC, str(target))
    assert target.read_bytes() == b"%PDF-old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site.pdf"]

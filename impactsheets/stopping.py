"""SIGTERM stops a command the way Ctrl-C does.

cron, systemd and ``timeout`` stop a run with SIGTERM. Left to its default, SIGTERM ends the
process at once: no cleanup, no message. While a command runs (:func:`sigterm_stops`), SIGTERM
raises :class:`~impactsheets.errors.Terminated` (a ``KeyboardInterrupt``) in the main thread
instead: every ``finally`` runs (render workers ended, the lock released, temporary files
removed), and the command line prints one line and exits 143. A process forked meanwhile (a
render worker) gets the default back: SIGTERM simply ends it.

>>> import os, time
>>> try:
...     with sigterm_stops():
...         os.kill(os.getpid(), signal.SIGTERM)
...         time.sleep(5)
... except Terminated as stopped:  # (a KeyboardInterrupt: doctest would not catch it)
...     print("stopped by", stopped)
stopped by SIGTERM
>>> signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
True
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from types import FrameType

from impactsheets.errors import Terminated


def _stop(signum: int, frame: FrameType | None) -> None:
    # A second SIGTERM during the cleanup is ignored: the cleanup finishes (SIGKILL still ends it).
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Terminated("SIGTERM")


@contextlib.contextmanager
def sigterm_stops() -> Iterator[None]:
    """While the block runs, SIGTERM raises :class:`Terminated` (main thread only; elsewhere,
    where no handler can be set, SIGTERM keeps its usual effect)."""
    try:
        previous = signal.signal(signal.SIGTERM, _stop)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _default_in_child() -> None:
    """A forked child (a render worker) is ended by SIGTERM, not turned into a second run
    stopping itself."""
    if signal.getsignal(signal.SIGTERM) is _stop:
        with contextlib.suppress(ValueError):
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


os.register_at_fork(after_in_child=_default_in_child)

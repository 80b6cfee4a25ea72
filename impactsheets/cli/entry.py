"""The installed command's entry point: :func:`impactsheets.cli.main`, then a quick exit.

A command that has read a national sheet ends with hundreds of thousands of Python objects
(cells, answers, problems); a normal interpreter exit frees them one by one, 35-40 ms for a
3,500-row ``validate``, after the last line is printed. Once the command has returned and
its output is flushed, nothing is left to do, so the process ends at once, as mypy's
``--fast-exit`` does (its ``util.hard_exit``). It exits normally when a thread that is not a
daemon is still running (Python would wait for it) or when flushing the output fails.

>>> can_exit_at_once()
True
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Sequence


def can_exit_at_once() -> bool:
    """True unless a non-daemon thread other than this one is still alive.

    >>> import threading
    >>> go = threading.Event()
    >>> waiting = threading.Thread(target=go.wait); waiting.start()
    >>> can_exit_at_once()
    False
    >>> go.set(); waiting.join(); can_exit_at_once()
    True
    """
    current = threading.current_thread()
    return not any(t.is_alive() and not t.daemon and t is not current
                   for t in threading.enumerate())


def exit_code(stop: SystemExit) -> int:
    """The status a ``SystemExit`` gives the process (as the interpreter computes it).

    >>> exit_code(SystemExit()), exit_code(SystemExit(6)), exit_code(SystemExit("message"))
    (0, 6, 1)
    """
    code = stop.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def run(args: Sequence[str] | None = None, prog_name: str | None = None) -> None:
    """Run the command line (``args``: the arguments, default ``sys.argv[1:]``) and exit."""
    from impactsheets.cli import main

    try:
        main(args=args, prog_name=prog_name)
        code = 0
    except SystemExit as stop:  # click's standalone mode always ends here
        code = exit_code(stop)
    logging.shutdown()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: the interpreter's exit reports it
        sys.exit(code)
    if not can_exit_at_once():
        sys.exit(code)
    os._exit(code)

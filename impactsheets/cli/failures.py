"""How a command fails: one line on stderr and a documented exit code; a bug's traceback saved.

>>> import click
>>> from click.testing import CliRunner
>>> @click.command()
... @reports_errors
... def broken() -> None:
...     raise OSError(28, "No space left on device")
>>> result = CliRunner().invoke(broken)
>>> result.exit_code, result.output.startswith("impactsheets: error: ")
(9, True)
"""

from __future__ import annotations

import functools
import sqlite3
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from impactsheets import __version__
from impactsheets.errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    ImpactsheetsError,
    OutputError,
    Terminated,
    from_os_error,
)
from impactsheets.stopping import sigterm_stops

__all__ = ["reports_errors", "save_traceback"]

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(func: F) -> F:
    """Turn any failure into one line on stderr and a documented exit code.

    Named exceptions carry their code; OS and SQLite errors (disk full, read-only folder…)
    exit 8 or 3; anything else is a bug: its traceback goes to a log file (in the output
    folder, else the current or the temporary folder) that the one line names, exit 70.
    SIGTERM stops the command as Ctrl-C does (every cleanup runs), exit 143.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with sigterm_stops():
                return func(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except ImpactsheetsError as exc:
            _fail(str(exc), exc.exit_code)
        except OSError as exc:
            error = from_os_error(exc)
            _fail(str(error), error.exit_code)
        except sqlite3.Error as exc:
            error = OutputError(f"state file: {exc}")
            _fail(str(error), error.exit_code)
        except Terminated:
            _fail("stopped by SIGTERM", EXIT_TERMINATED)
        except KeyboardInterrupt:
            _fail("interrupted", EXIT_INTERRUPTED)
        except Exception as exc:
            saved = save_traceback(_output_folder(kwargs))
            summary = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
            _fail(f"internal error ({summary}); the details are in {saved}; please report it",
                  EXIT_INTERNAL)

    return wrapper  # type: ignore[return-value]


def _fail(message: str, code: int) -> None:
    """One line on stderr: line breaks become spaces; quoted text keeps its own spacing."""
    one_line = " ".join(part.strip() for part in message.splitlines() if part.strip())
    click.echo(f"impactsheets: error: {one_line}", err=True)
    sys.exit(code)


def _output_folder(kwargs: dict[str, Any]) -> Path | None:
    """The output folder of the failed command, when it has one."""
    if kwargs.get("out_dir") is not None:
        return Path(kwargs["out_dir"])
    if "config_path" in kwargs:
        try:
            from impactsheets.config import load_config

            return load_config(kwargs["config_path"]).output
        except Exception:
            return None
    return None


def save_traceback(folder: Path | None) -> Path | str:
    """Write the current exception's traceback to ``impactsheets-error-<time>.log`` in the
    first of ``folder``, the current folder and the temporary folder that can be written."""
    import tempfile

    from impactsheets.files import atomic_write

    name = f"impactsheets-error-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.log"
    text = (f"impactsheets {__version__}, Python {sys.version.split()[0]}\n"
            f"command: {' '.join(sys.argv)}\n\n{traceback.format_exc()}")
    for place in (folder, Path.cwd(), Path(tempfile.gettempdir())):
        if place is None:
            continue
        try:
            return atomic_write(place / name, text, 0o600)
        except OSError:
            continue
    return "(no folder could be written)"

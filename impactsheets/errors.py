"""Named exceptions for "the tool cannot run", each with its process exit code.

Bad *data* never raises: it becomes problems in a validation report. These exceptions are
for the tool itself being unable to work (unreadable file, broken questionnaire, no
credentials, sheet not shared…). The CLI prints ``str(exc)`` on one line and exits with
``exc.exit_code``.

>>> raise ConfigError("config/sync.yaml: missing key 'sheet'")
Traceback (most recent call last):
...
impactsheets.errors.ConfigError: config/sync.yaml: missing key 'sheet'
"""

from __future__ import annotations

import errno

# Exit codes, documented in README.md ("Exit codes") and tested in tests/test_cli.py.
EXIT_OK = 0
EXIT_DATA_ERRORS = 1
EXIT_USAGE = 2
EXIT_CANNOT_RUN = 3
EXIT_CONFIG = 4
EXIT_SHEET_ACCESS = 5
EXIT_REPORTS_FAILED = 6
EXIT_LOCKED = 7
EXIT_MAIL = 8
EXIT_OUTPUT = 9  # the output folder or the state file cannot be written
EXIT_INTERNAL = 70  # a bug (sysexits' EX_SOFTWARE): the traceback is saved to a log file
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)
EXIT_TERMINATED = 143  # SIGTERM, what cron, systemd or `timeout` send to stop a run (128 + 15)


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: the run stops as for Ctrl-C (workers ended, lock released, temporary
    files removed), then exits :data:`EXIT_TERMINATED`."""


class ImpactsheetsError(Exception):
    """Base class: the tool cannot do what was asked."""

    exit_code = EXIT_CANNOT_RUN


class SourceError(ImpactsheetsError):
    """A response file or sheet cannot be read (missing, corrupt, wrong type)."""


class QuestionnaireError(ImpactsheetsError):
    """The questionnaire definition is broken; the message names file, line and problem."""


class TemplateError(ImpactsheetsError):
    """A report template is missing or broken."""


class ConfigError(ImpactsheetsError):
    """The sync configuration or the credentials are missing or invalid."""

    exit_code = EXIT_CONFIG


class SheetAccessError(ImpactsheetsError):
    """Google Sheets/Drive cannot be read or written (not shared, not found, retries exhausted)."""

    exit_code = EXIT_SHEET_ACCESS


class SheetChangedError(SheetAccessError):
    """The sheet moved under us between the read and the write-back; nothing was written."""


class LockedError(ImpactsheetsError):
    """Another sync run holds the lock."""

    exit_code = EXIT_LOCKED


class MailError(ImpactsheetsError):
    """E-mails could not be sent: the mail server cannot be reached or refused the login."""

    exit_code = EXIT_MAIL


class OutputError(ImpactsheetsError):
    """The output folder or the state file cannot be written (disk full, file-size limit,
    read-only, not a folder, a SQLite error)."""

    exit_code = EXIT_OUTPUT


#: errno values that mean "this place cannot be written", whatever the file.
_WRITE_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM,
                 errno.EDQUOT, errno.ENOTDIR, errno.EEXIST, errno.EISDIR}
#: errno values after which no other file can be written either: the run stops.
STOP_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EROFS, errno.EDQUOT, errno.EACCES, errno.EPERM}
_HINTS = {errno.ENOSPC: "disk full", errno.EFBIG: "file-size limit reached (ulimit -f)",
          errno.EDQUOT: "disk quota exceeded"}


def describe_os_error(exc: OSError) -> str:
    """One line for an OS error: the file, the reason and, where it helps, what it means.

    >>> describe_os_error(OSError(errno.ENOSPC, "No space left on device", "out/a.pdf"))
    'out/a.pdf: No space left on device (disk full)'
    """
    reason = exc.strerror or str(exc)
    hint = _HINTS.get(exc.errno or 0)
    name = exc.filename2 or exc.filename  # a rename names the target second
    where = f"{name}: " if name else ""
    return f"{where}{reason}{f' ({hint})' if hint else ''}"


def from_os_error(exc: OSError, action: str = "cannot write") -> ImpactsheetsError:
    """The named error for an OS error met while working: :class:`OutputError` when a place
    cannot be written (disk full, read-only…), else "the tool cannot run".

    >>> error = from_os_error(OSError(errno.EROFS, "Read-only file system", "out"))
    >>> error.exit_code, str(error)
    (9, 'cannot write out: Read-only file system')
    """
    kind = OutputError if exc.errno in _WRITE_ERRNOS else ImpactsheetsError
    return kind(f"{action} {describe_os_error(exc)}")

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

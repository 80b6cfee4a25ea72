"""Where Google credentials come from, with least-privilege scopes.

Order of precedence (first that applies wins):

1. ``IMPACTSHEETS_GOOGLE_EMULATOR`` is set -> :class:`EmulatorCredentials` (no secret at all).
2. An explicit key file (``credentials_path``): a service-account key, an ``authorized_user``
   file, or an OAuth *client secrets* file (``installed``/``web``), which starts the user
   consent flow once and caches the token.
3. ``GOOGLE_APPLICATION_CREDENTIALS`` (same file types as 2).
4. A user token cached by an earlier OAuth flow (``~/.config/impactsheets/token.json``).
5. Application Default Credentials (``google.auth.default``: gcloud, metadata server...).

Scopes: ``spreadsheets`` for the sync (read answers, write the problem markers back);
``drive.file`` only when Drive delivery is configured; ``forms.body.readonly`` alone to read a
form's questions (``forms.get``), only when a form is read. ``drive.file`` grants access only to
files this app created or was explicitly given, never to the whole Drive: the PDF uploads and
their updates need nothing more. The spreadsheet itself is opened by key through the Sheets
API, which needs no Drive scope.

Nothing here logs or embeds key contents or tokens in messages: errors name the file only.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import google.auth
import google.auth.credentials
from google.auth.exceptions import DefaultCredentialsError, GoogleAuthError

from impactsheets.errors import ConfigError
from impactsheets.files import atomic_write, remove_partials

from .endpoint import emulator_url

SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
DRIVE_FILE_SCOPE = "https://www.googleapis.com/auth/drive.file"
FORMS_READ_SCOPE = "https://www.googleapis.com/auth/forms.body.readonly"
EMULATOR_ACCOUNT = "impactsheets-emulator@impactsheets-emulator.iam.gserviceaccount.com"


def scopes_for(drive: bool = False) -> list[str]:
    """The OAuth scopes to request: Sheets always, ``drive.file`` only for Drive delivery."""
    return [SHEETS_SCOPE, DRIVE_FILE_SCOPE] if drive else [SHEETS_SCOPE]


class EmulatorCredentials(google.auth.credentials.Credentials):
    """Credentials for the local emulator: a fixed bearer token, never refreshed."""

    def __init__(self) -> None:
        super().__init__()
        self.token = "emulator"
        self.service_account_email = EMULATOR_ACCOUNT

    @property
    def expired(self) -> bool:
        return False

    def refresh(self, request: Any) -> None:
        self.token = "emulator"


def config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "impactsheets"


def token_path() -> Path:
    return config_dir() / "token.json"


def _read_key_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"credentials file not found: {path}") from None
    except OSError as exc:
        raise ConfigError(f"credentials file unreadable: {path} ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"credentials file is not a Google key file (not UTF-8 text): {path}") from None
    try:
        info = json.loads(text)
    except ValueError:
        raise ConfigError(f"credentials file is not JSON: {path}") from None
    if not isinstance(info, dict):
        raise ConfigError(f"credentials file is not a Google key file: {path}") from None
    return info


def _save_token(creds: Any, path: Path) -> None:
    """Cache an OAuth user token, private to the user (dir 0700, file 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    remove_partials(path.parent)
    atomic_write(path, creds.to_json(), 0o600)


def _user_credentials(info: dict[str, Any], scopes: list[str], source: Path) -> Any:
    from google.oauth2.credentials import Credentials as UserCredentials

    try:
        return UserCredentials.from_authorized_user_info(info, scopes)
    except (ValueError, GoogleAuthError):
        raise ConfigError(f"credentials file is not a valid authorized_user file: {source}") from None


def _oauth_flow(secrets_path: Path, scopes: list[str], cache: Path, interactive: bool) -> Any:
    if cache.exists():
        creds = _cached_user_token(cache, scopes)
        if creds is not None:
            return creds
    if not interactive:
        raise ConfigError(
            f"no cached Google login in {cache}: run once interactively to authorise "
            f"with the client secrets file {secrets_path}"
        )
    from google_auth_oauthlib.flow import InstalledAppFlow

    try:
        flow = InstalledAppFlow.from_client_secrets_file(str(secrets_path), scopes=scopes)
    except (ValueError, KeyError):
        raise ConfigError(f"not a valid OAuth client secrets file: {secrets_path}") from None
    creds = flow.run_local_server(port=0, open_browser=True)
    _save_token(creds, cache)
    return creds


def _cached_user_token(cache: Path, scopes: list[str]) -> Any:
    from google.auth.transport.requests import Request

    try:
        info = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    creds = _user_credentials(info, scopes, cache)
    if not set(scopes) <= set(creds.scopes or scopes):
        return None
    if creds.expired and creds.refresh_token:
        try:
            creds.refresh(Request())
        except GoogleAuthError:
            return None
        _save_token(creds, cache)
    return creds


def credentials_from_file(
    path: str | Path, scopes: list[str], *, interactive: bool = True,
    token_file: str | Path | None = None,
) -> google.auth.credentials.Credentials:
    """Credentials from a key file of any supported type; :class:`ConfigError` otherwise."""
    path = Path(path).expanduser()
    info = _read_key_file(path)
    kind = info.get("type")
    if kind == "service_account":
        from google.oauth2 import service_account

        try:
            return service_account.Credentials.from_service_account_info(info, scopes=scopes)
        except (ValueError, GoogleAuthError):
            raise ConfigError(f"service-account key file is incomplete or invalid: {path}") from None
    if kind == "authorized_user":
        return _user_credentials(info, scopes, path)
    if "installed" in info or "web" in info:
        cache = Path(token_file).expanduser() if token_file else token_path()
        return _oauth_flow(path, scopes, cache, interactive)
    raise ConfigError(
        f"unsupported credentials file type in {path}: expected a service-account key, "
        "an authorized_user file or OAuth client secrets"
    )


def load_credentials(
    credentials_path: str | Path | None = None,
    *,
    drive: bool = False,
    interactive: bool = True,
    token_file: str | Path | None = None,
    scopes: list[str] | None = None,
) -> google.auth.credentials.Credentials:
    """Resolve credentials in the documented order (see module docstring).

    ``token_file`` overrides where the user OAuth token is cached (default: :func:`token_path`);
    ``scopes`` replaces :func:`scopes_for` (e.g. ``[FORMS_READ_SCOPE]`` to read a form).
    """
    if emulator_url() is not None:
        return EmulatorCredentials()
    scopes = scopes or scopes_for(drive)
    if credentials_path:
        return credentials_from_file(credentials_path, scopes, interactive=interactive,
                                     token_file=token_file)
    env = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if env:
        return credentials_from_file(env, scopes, interactive=interactive, token_file=token_file)
    cached = Path(token_file).expanduser() if token_file else token_path()
    if cached.exists():
        creds = _cached_user_token(cached, scopes)
        if creds is not None:
            return creds
    try:
        creds, _project = google.auth.default(scopes=scopes)
    except DefaultCredentialsError:
        raise ConfigError(
            "no Google credentials: pass a service-account key file, set "
            "GOOGLE_APPLICATION_CREDENTIALS, or run 'gcloud auth application-default login'"
        ) from None
    return creds


def service_account_email(credentials: Any) -> str | None:
    """The e-mail to share the sheet/folder with, when the credentials have one."""
    email = getattr(credentials, "service_account_email", None)
    if isinstance(email, str) and "@" in email:
        return email
    signer = getattr(credentials, "signer_email", None)
    if isinstance(signer, str) and "@" in signer:
        return signer
    return None

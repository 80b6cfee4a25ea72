"""The sync configuration: which sheet, which questionnaire and template, where reports go.

A YAML file (``config/sync.example.yaml`` documents every key). Missing or invalid keys raise
:class:`~impactsheets.errors.ConfigError` naming the file and the key; the sync never falls
back silently to something else.

>>> cfg = SyncConfig.from_dict({"source": "examples/reponses-effets-sociaux.xlsx"}, "inline")
>>> cfg.output.name, cfg.write_back
('impactsheets-output', True)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from impactsheets.errors import ConfigError
from impactsheets.feedback import ToolColumns
from impactsheets.files import atomic_write
from impactsheets.locales import locale_of
from impactsheets.sources import COLUMN_KEYS, is_google_sheet

if TYPE_CHECKING:
    from impactsheets.notify.settings import NotifySettings

#: Where ``impactsheets sync`` looks when no ``--config`` is given.
DEFAULT_CONFIG = Path("config/sync.yaml")
CONFIG_ENV = "IMPACTSHEETS_CONFIG"
_KEYS = {"source", "worksheet", "header_row", "feedback", "questionnaire", "template", "output",
         "state", "write_back", "drive", "credentials", "zip", "jobs", "notify", "locale"}
_DRIVE_KEYS = {"folder_id"}
_CREDENTIAL_KEYS = {"service_account_file", "oauth_client_file", "token_file"}
_FEEDBACK_KEYS = {"columns"}


@dataclass
class SyncConfig:
    """A validated sync configuration; relative paths are resolved against the file's folder."""

    source: str
    worksheet: str | None = None
    header_row: int | None = None
    questionnaire: str | None = None
    template: str = "default"
    output: Path = Path("impactsheets-output")
    state: Path | None = None
    write_back: bool = True
    drive_folder_id: str | None = None
    service_account_file: str | None = None
    oauth_client_file: str | None = None
    token_file: str | None = None
    zip: bool = False
    jobs: int | None = None
    notify: NotifySettings | None = None  # the ``notify:`` section: e-mails to the sites
    locale: str | None = None  # how the sheet writes dates and numbers as text (fr_FR, en_US…)
    columns: ToolColumns = field(default_factory=ToolColumns)
    path: str = "inline"

    @property
    def state_path(self) -> Path:
        return self.state or self.output / "state.sqlite"

    @classmethod
    def from_dict(cls, data: Any, path: str, base: Path | None = None) -> SyncConfig:
        """Check ``data`` (parsed YAML) and build the configuration."""
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: expected a mapping of keys (source, output, …)")
        unknown = sorted(set(data) - _KEYS)
        if unknown:
            raise ConfigError(f"{path}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
        source = data.get("source")
        if not isinstance(source, str) or not source.strip():
            raise ConfigError(f"{path}: missing key 'source' (a Google Sheets URL or key, or a "
                              ".xlsx/.csv path)")
        base = base or Path.cwd()

        def local(value: Any, key: str) -> Path | None:
            if value is None:
                return None
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{path}: {key!r} must be a path")
            candidate = Path(os.path.expanduser(value))
            return candidate if candidate.is_absolute() else base / candidate

        drive = _section(data, "drive", _DRIVE_KEYS, path)
        columns = _section(_section(data, "feedback", _FEEDBACK_KEYS, path), "columns",
                           set(COLUMN_KEYS), path, "feedback.")
        for key, title in columns.items():
            if not isinstance(title, str) or not title.strip():
                raise ConfigError(f"{path}: feedback.columns.{key} must be a non-empty text")
        creds = _section(data, "credentials", _CREDENTIAL_KEYS, path)
        jobs, header_row = _count(data, "jobs", path), _count(data, "header_row", path)
        for key in ("write_back", "zip"):
            if key in data and not isinstance(data[key], bool):
                raise ConfigError(f"{path}: {key!r} must be true or false")
        locale = _optional_text(data, "locale", path)
        if locale is not None and locale_of(locale) is None:
            raise ConfigError(f"{path}: unknown locale {locale!r} (for example fr_FR, en_US, "
                              "en_GB, de_DE, iso)")
        is_file = not is_google_sheet(source)
        questionnaire = data.get("questionnaire")
        template = data.get("template") or "default"
        return cls(
            source=str(local(source, "source")) if is_file else source.strip(),
            worksheet=_optional_text(data, "worksheet", path),
            header_row=header_row,
            questionnaire=str(local(questionnaire, "questionnaire"))
            if questionnaire not in (None, "default") else None,
            template=template if "/" not in str(template) else str(local(template, "template")),
            output=local(data.get("output") or "impactsheets-output", "output") or Path(),
            state=local(data.get("state"), "state"),
            write_back=data.get("write_back", True),
            drive_folder_id=_optional_text(drive, "folder_id", path),
            service_account_file=_path_text(local(creds.get("service_account_file"),
                                                  "credentials.service_account_file")),
            oauth_client_file=_path_text(local(creds.get("oauth_client_file"),
                                               "credentials.oauth_client_file")),
            token_file=_path_text(local(creds.get("token_file"), "credentials.token_file")),
            zip=data.get("zip", False),
            jobs=jobs,
            notify=_notify(data, path, base),
            locale=locale,
            columns=ToolColumns(**{k: v.strip() for k, v in columns.items()}),
            path=path,
        )


def _notify(data: dict[str, Any], path: str, base: Path) -> NotifySettings | None:
    if data.get("notify") is None:
        return None
    from impactsheets.notify.settings import NotifySettings

    return NotifySettings.from_dict(data["notify"], path, base)


def _count(data: dict[str, Any], key: str, path: str) -> int | None:
    value = data.get(key)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
        raise ConfigError(f"{path}: {key!r} must be a whole number ≥ 1")
    return value


def _path_text(value: Path | None) -> str | None:
    return str(value) if value is not None else None


def _optional_text(data: dict[str, Any], key: str, path: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str | int):
        raise ConfigError(f"{path}: {key!r} must be text")
    return str(value)


def _section(data: dict[str, Any], key: str, allowed: set[str], path: str,
             prefix: str = "") -> dict[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: '{prefix}{key}' must be a mapping")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise ConfigError(f"{path}: unknown key {prefix}{key}.{unknown[0]} "
                          f"(known: {', '.join(sorted(allowed))})")
    return value


def load_config(path: str | Path | None = None) -> SyncConfig:
    """Load ``path``, else ``$IMPACTSHEETS_CONFIG``, else ``config/sync.yaml``; never guess further.

    >>> load_config("missing.yaml")
    Traceback (most recent call last):
    ...
    impactsheets.errors.ConfigError: missing.yaml: configuration file not found
    """
    chosen = Path(path) if path else Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)
    if not chosen.is_file():
        if path or os.environ.get(CONFIG_ENV):
            raise ConfigError(f"{chosen}: configuration file not found")
        raise ConfigError(f"no configuration: {DEFAULT_CONFIG} not found; pass --config FILE "
                          "or write one with 'impactsheets init'")
    try:
        data = yaml.safe_load(chosen.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{chosen}: cannot read the configuration ({exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{chosen}{where}: YAML syntax error") from None
    return SyncConfig.from_dict(data, str(chosen), chosen.resolve().parent)


def path_for_config(path: str, config: Path) -> str:
    """A path typed on the command line (relative to the current folder) as a configuration
    file must hold it: relative paths in a configuration resolve against its own folder.

    >>> path_for_config("out/sync", Path("config/sync.yaml"))
    '../out/sync'
    """
    target = Path(path)
    if target.is_absolute():
        return path
    return os.path.relpath(Path.cwd() / target, config.resolve().parent)


def write_config(path: Path, values: dict[str, Any]) -> Path:
    """Write a configuration file (user-only permissions) after checking it loads."""
    SyncConfig.from_dict(values, str(path), path.resolve().parent)
    if path.exists():
        raise ConfigError(f"{path}: already exists; remove it or choose another --config path")
    text = ("# impactsheets sync configuration (see config/sync.example.yaml for every key)\n"
            + yaml.safe_dump(values, allow_unicode=True, sort_keys=False))
    return atomic_write(path, text, 0o600)

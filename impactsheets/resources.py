"""Locate the bundled data folders (``config/``, ``templates/``, ``examples/``).

In a source checkout (or an editable install) they are the repository's own folders; in a
regular install they ship inside the package as ``impactsheets/_config`` etc. (see
``pyproject.toml``).

>>> data_path("config", "questionnaire.yaml").name
'questionnaire.yaml'
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_REPO_ROOT = _PACKAGE.parent


def data_path(folder: str, *parts: str) -> Path:
    """Path of a bundled file, e.g. ``data_path("templates", "default", "template.yaml")``."""
    local = _REPO_ROOT / folder
    if (local / ".bundled").exists():
        return local.joinpath(*parts)
    return (_PACKAGE / f"_{folder}").joinpath(*parts)

"""Locate the bundled data folders (``config/``, ``templates/``, ``examples/``).

In a source checkout (or an editable install) they are the repository's own folders; in a
regular install they are shipped inside the package as ``impactsheets._config`` etc.

>>> data_path("config", "questionnaire.yaml").name
'questionnaire.yaml'
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parent.parent


def data_path(folder: str, *parts: str) -> Path:
    """Path of a bundled file, e.g. ``data_path("templates", "default", "template.yaml")``."""
    local = _REPO_ROOT / folder
    if (local / ".bundled").exists():
        return local.joinpath(*parts)
    shipped = Path(str(resources.files(f"impactsheets._{folder}")))
    return shipped.joinpath(*parts)

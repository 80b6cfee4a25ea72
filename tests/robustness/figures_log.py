"""Where the robustness tests record what they tried, for ``tests/robustness/figures.py``.

Each call appends one JSON line to the file named by ``IMPACTSHEETS_FIGURES_LOG`` (set by
the figures command); without it, recording is a no-op and the tests run as usual.
"""

from __future__ import annotations

import json
import os
from typing import Any

ENV = "IMPACTSHEETS_FIGURES_LOG"


def record(kind: str, **data: Any) -> None:
    path = os.environ.get(ENV)
    if not path:
        return
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"kind": kind, **data}, ensure_ascii=False, default=str) + "\n")

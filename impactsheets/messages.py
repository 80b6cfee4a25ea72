"""The message catalogues: ``config/messages.fr.yaml`` and ``config/messages.en.yaml``.

A questionnaire's ``language`` (``fr`` by default) picks the catalogue used for problem
messages, statuses, the validate table and its summary line. Both catalogues have the same keys
(a test checks it).

>>> text("blank-row"), text("blank-row", "en")
('Ligne vide : aucune réponse n’y figure.', 'Blank row: there is no answer in it.')
>>> count(0, "noun-error"), count(0, "noun-error", "en"), count(2, "noun-warning", "en")
('0 erreur', '0 errors', '2 warnings')
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import Any

import yaml

from impactsheets.resources import data_path

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"


@cache
def catalogue(language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """Every entry of one language's catalogue, with typographic apostrophes (loaded once)."""
    name = f"messages.{language if language in LANGUAGES else DEFAULT_LANGUAGE}.yaml"
    raw = yaml.safe_load(data_path("config", name).read_text(encoding="utf-8"))
    return {key: (value.replace("'", "’") if isinstance(value, str) else value)
            for key, value in raw.items()}


def text(key: str, language: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """The entry ``key`` filled with ``params`` (slots without a value are left empty)."""
    return str(catalogue(language)[key]).format_map(defaultdict(str, params))


def count(n: int, key: str, language: str = DEFAULT_LANGUAGE) -> str:
    """``n`` and the noun ``key`` agreed in number (French: 0 and 1 singular; English: 1)."""
    singular, plural = catalogue(language)[key]
    one = abs(n) < 2 if language == "fr" or language not in LANGUAGES else n == 1
    return f"{n} {singular if one else plural}"


def quoted(value: str, language: str = DEFAULT_LANGUAGE) -> str:
    """``value`` between the language's quotation marks.

    >>> quoted("Oui"), quoted("Yes", "en")
    ('« Oui »', '“Yes”')
    """
    return text("quoted", language, text=value)

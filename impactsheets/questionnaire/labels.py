"""Tolerant matching of headers and option labels: case, spaces and apostrophes folded."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})
_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r" (?=[?:!;\]])|(?<=\[) ")


@lru_cache(maxsize=65536)
def normalize_label(text: str) -> str:
    """Fold a header or option label for tolerant matching (case, spaces, apostrophes).

    >>> normalize_label("  Nom   du LIEU ") == normalize_label("nom du lieu")
    True
    >>> normalize_label("D’espaces") == normalize_label("d'espaces")
    True
    >>> normalize_label("Rate each room [Kitchen ]") == normalize_label("Rate each room [Kitchen]")
    True
    """
    text = unicodedata.normalize("NFC", text).translate(_APOSTROPHES)
    text = _SPACES.sub(" ", text).strip()
    return _SPACE_BEFORE_PUNCT.sub("", text).casefold()

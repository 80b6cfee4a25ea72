"""Readable ASCII names from any text (python-slugify transliterates them): file names of
reports, ids of drafted questions. A name made only of symbols (emoji) is spelt with their
Unicode names.

>>> slugify("Numéripôle (Le)"), slugify("../../etc/passwd"), slugify("CON")
('numeripole-le', 'etc-passwd', 'con-site')
>>> slugify("北京咖啡"), slugify("مقهى الحي"), slugify("Ελληνικό"), slugify("🎉")
('bei-jing-ka-pei', 'mqh-lhy', 'elleniko', 'party-popper')
"""

from __future__ import annotations

import unicodedata

from slugify import slugify as _transliterate

MAX_LENGTH = 80
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}


def slugify(name: str, fallback: str = "site") -> str:
    """ASCII, lowercase, hyphen-separated, at most 80 characters, never empty or reserved.

    >>> slugify("L'Usine à Projets"), slugify("Œuvre"), slugify(""), slugify("a" * 100) == "a" * 80
    ('l-usine-a-projets', 'oeuvre', 'site', True)
    """
    slug = _ascii(name)
    if not slug:  # only symbols: spell them ("🎉" -> "party-popper"), punctuation stays out
        slug = _ascii(" ".join(unicodedata.name(c, "") for c in name
                               if unicodedata.category(c) == "So"))
    slug = slug[:MAX_LENGTH].rstrip("-") or fallback
    if slug in _RESERVED:
        slug = f"{slug}-{fallback}"
    return slug


def _ascii(text: str) -> str:
    visible = "".join(c for c in text if unicodedata.category(c) != "Cf")  # zero-width, bidi
    return str(_transliterate(visible, max_length=MAX_LENGTH + 20))

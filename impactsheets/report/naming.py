"""Safe, unique PDF file names for site reports, built from the site name only.

>>> slugify("Numéripôle (Le)"), slugify("../../etc/passwd"), slugify("CON")
('numeripole-le', 'etc-passwd', 'con-site')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MAX_LENGTH = 80
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o",
                            "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d"})


def slugify(name: str, fallback: str = "site") -> str:
    """ASCII, lowercase, hyphen-separated, at most 80 characters, never empty or reserved.

    >>> slugify("L'Usine à Projets"), slugify("🎉"), slugify("a" * 100) == "a" * 80
    ('l-usine-a-projets', 'site', True)
    """
    text = unicodedata.normalize("NFKD", name.translate(_LIGATURES))
    text = text.encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    slug = slug[:MAX_LENGTH].rstrip("-") or fallback
    if slug in _RESERVED:
        slug = f"{slug}-{fallback}"
    return slug


def unique_slugs(sites: Iterable[tuple[str, str]]) -> list[str]:
    """One slug per (name, postal code): the postal code is added when names clash, then a
    number if still needed.

    >>> unique_slugs([("La Ruche", "31000"), ("La Ruche", "69001"), ("Arsenal", "")])
    ['la-ruche-31000', 'la-ruche-69001', 'arsenal']
    >>> unique_slugs([("A-69007-2", "75001"), ("A", "69007"), ("A.", "69007")])
    ['a-69007-2', 'a-69007', 'a-69007-3']
    """
    pairs = list(sites)
    bases = [slugify(name) for name, _ in pairs]
    slugs = []
    for (_, postal), base in zip(pairs, bases, strict=True):
        if bases.count(base) > 1 and postal:
            suffix = "-" + slugify(postal, "")
            base = base[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        slugs.append(base)
    taken = set(slugs)
    used: set[str] = set()
    result = []
    for slug in slugs:
        if slug in used:
            n = 2
            while (numbered := f"{slug[: MAX_LENGTH - 1 - len(str(n))]}-{n}") in taken:
                n += 1
            slug = numbered
            taken.add(slug)
        used.add(slug)
        result.append(slug)
    return result

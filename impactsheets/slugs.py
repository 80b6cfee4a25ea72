"""Readable ASCII names from any text (python-slugify transliterates them): file names of
reports, ids of drafted questions. A name made only of symbols (emoji) is spelt with their
Unicode names.

>>> slugify("Numéripôle (Le)"), slugify("../../etc/passwd"), slugify("CON")
('numeripole-le', 'etc-passwd', 'con-site')
>>> slugify("北京咖啡"), slugify("مقهى الحي"), slugify("Ελληνικό"), slugify("🎉")
('bei-jing-ka-pei', 'mqh-lhy', 'elleniko', 'party-popper')
"""

from __future__ import annotations

import re
import unicodedata

from slugify import slugify as _transliterate

MAX_LENGTH = 80
#: The accented letters of French (and Spanish) names, spelt as python-slugify spells them
#: (it drops a typographic apostrophe "’", where a straight one "'" separates words).
_ACCENTED = str.maketrans("àâäáãåçéèêëíìîïñóòôöõúùûüýÿÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝŸ",
                          "aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUYY", "’")
#: Names python-slugify cannot spell otherwise than by lowercasing and hyphens: no ";" or "#"
#: (HTML entities), no "," (it joins "1,000"), nothing it transliterates.
_PLAIN = re.compile(r"[A-Za-z0-9 '().&/!?:+-]*")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
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
    """python-slugify's spelling (at most 100 characters); the names most networks use
    (letters, accents, digits, common punctuation) are spelt here directly, the same way
    (a test compares both), five times faster: 35,000 sites a night."""
    plain = text.translate(_ACCENTED)
    if _PLAIN.fullmatch(plain):
        return _NOT_ALNUM.sub("-", plain.lower()).strip("-")[:MAX_LENGTH + 20].strip("-")
    visible = "".join(c for c in text if unicodedata.category(c) != "Cf")  # zero-width, bidi
    return str(_transliterate(visible, max_length=MAX_LENGTH + 20))

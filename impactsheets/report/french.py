"""French grammar helpers: plurals, lists, elision, typography.

>>> count_noun(2, "erreur", "erreurs")
'2 erreurs'
"""

from __future__ import annotations


def count_noun(n: int, singular: str, plural: str) -> str:
    """``n`` followed by the noun agreed in number (0 and 1 are singular in French).

    >>> count_noun(1, "erreur", "erreurs"), count_noun(0, "erreur", "erreurs")
    ('1 erreur', '0 erreur')
    """
    return f"{n} {singular if abs(n) < 2 else plural}"

"""Safe, unique PDF file names for site reports, built from the site name only
(:func:`impactsheets.slugs.slugify`), its postal code added when names clash.

>>> slugify("Numéripôle (Le)")
'numeripole-le'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from impactsheets.slugs import MAX_LENGTH, slugify

if TYPE_CHECKING:
    from impactsheets.questionnaire import Questionnaire
    from impactsheets.validation import Response

__all__ = ["MAX_LENGTH", "REPORTS", "report_file", "site_slugs", "slugify", "unique_slugs"]

#: The reports' folder, in the output folder.
REPORTS = "reports"


def report_file(slug: str) -> str:
    """A site report's file, relative to the output folder.

    >>> report_file("numeripole-le")
    'reports/numeripole-le.pdf'
    """
    return f"{REPORTS}/{slug}.pdf"


def site_slugs(responses: Sequence[Response], questionnaire: Questionnaire) -> list[str]:
    """The unique slug of each response, in order (its name, plus its postal code on clashes)."""
    site = questionnaire.site
    return unique_slugs((r.site, site.answer(r.answers, "postal_code")) for r in responses)


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
    counts = Counter(bases)  # linear: a national network has tens of thousands of sites
    slugs = []
    for (_, postal), base in zip(pairs, bases, strict=True):
        if counts[base] > 1 and postal:
            suffix = "-" + slugify(postal, "")
            base = base[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        slugs.append(base)
    taken = set(slugs)
    used: set[str] = set()
    next_number: dict[str, int] = {}  # where the search for a free "-n" resumes, per slug
    result = []
    for slug in slugs:
        if slug in used:
            n = next_number.get(slug, 2)
            while (numbered := f"{slug[: MAX_LENGTH - 1 - len(str(n))]}-{n}") in taken:
                n += 1
            next_number[slug] = n + 1
            slug = numbered
            taken.add(slug)
        used.add(slug)
        result.append(slug)
    return result

"""Finding sites by name as people type them, and listing them with their report file.

A name matches a site ignoring case, accents, apostrophes (’ or ') and spacing, with or
without its article ("Numéripôle" for "Numéripôle (Le)"), or by its report's slug
("numeripole-le"). An unknown name gets the closest names as suggestions.

>>> names = ["Numéripôle (Le)", "L'Usine à Projets", "Arsenal"]
>>> find_sites(names, ["numeripole-le", "L’usine a projets", "NUMÉRIPÔLE"])
['Numéripôle (Le)', "L'Usine à Projets"]
>>> _suggest(names, "Numeripol")
' (did you mean: Numéripôle (Le)?)'
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from impactsheets.delivery.folder import search_key
from impactsheets.errors import ImpactsheetsError
from impactsheets.network.identity import site_fields
from impactsheets.questionnaire import Questionnaire
from impactsheets.report import french
from impactsheets.report.naming import report_file, site_slugs, slugify
from impactsheets.validation import ValidationReport


class UnknownSiteError(ImpactsheetsError):
    """A ``--site`` name matches no site of the sheet."""


def _keys(name: str) -> set[str]:
    _, bare = french.split_article(name)
    return {search_key(name), search_key(french.display_name(name)), search_key(bare),
            slugify(name)} - {""}


def find_sites(names: Sequence[str], wanted: Sequence[str],
               slugs: Sequence[str] = ()) -> list[str]:
    """The site names (from ``names``, in their order) that ``wanted`` designate; raises
    :class:`UnknownSiteError` naming the closest names when one designates none."""
    padded = [*slugs, *[""] * (len(names) - len(slugs))]
    keys = [_keys(n) | ({s} if s else set()) for n, s in zip(names, padded, strict=True)]
    chosen: set[int] = set()
    for typed in wanted:
        probe = {search_key(typed), slugify(typed)} - {""}
        found = {i for i, k in enumerate(keys) if probe & k}
        if not found:
            raise UnknownSiteError(f"no site named {typed!r}{_suggest(names, typed)}; "
                                   "'impactsheets sites SOURCE' lists every site")
        chosen |= found
    return list(dict.fromkeys(names[i] for i in sorted(chosen)))


def _suggest(names: Sequence[str], typed: str) -> str:
    folded = {search_key(n): n for n in names}
    probe = search_key(typed)
    close = difflib.get_close_matches(probe, list(folded), n=3, cutoff=0.6)
    close += [k for k in folded if probe and probe in k and k not in close]
    shown = list(dict.fromkeys(folded[k] for k in close))[:3]
    return f" (did you mean: {', '.join(shown)}?)" if shown else ""


@dataclass(frozen=True)
class SiteLine:
    """One response as ``impactsheets sites`` lists it."""

    row: int
    site: str
    town: str
    status: str
    report: str  # "reports/<slug>.pdf", "" for a superseded response
    exists: bool | None = None  # whether the report file is in --out (None: not checked)


def list_sites(report: ValidationReport, questionnaire: Questionnaire,
               out_dir: Path | None = None) -> list[SiteLine]:
    """Every response in sheet order, with the report file its site gets."""
    fields = site_fields(questionnaire)
    current = report.current
    slug_of = {r.row: s for r, s in zip(current, site_slugs(current, questionnaire),
                                         strict=True)}
    lines = []
    for response in report.responses:
        slug = slug_of.get(response.row)
        pdf = report_file(slug) if slug else ""
        exists = (out_dir / pdf).is_file() if out_dir is not None and pdf else None
        lines.append(SiteLine(response.row, response.site,
                              str(response.answers.get(fields.town or "", "") or ""),
                              response.status, pdf, exists))
    return lines

"""Who a response is: the questions giving a site's name, town, postal code and keywords,
and the département a postal code belongs to.

>>> from impactsheets.questionnaire import load_questionnaire
>>> site_fields(load_questionnaire()).postal_code
'site_code_postal'
>>> departement("69007"), departement("20167"), departement("97411"), departement("abc")
('69', '2A', '974', None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import yaml

from impactsheets.questionnaire import Questionnaire
from impactsheets.resources import data_path

_POSTAL = re.compile(r"^\s*(\d{5})\s*$")


@dataclass(frozen=True, slots=True)
class SiteFields:
    """Question ids of a site's identity answers (None when the questionnaire has none)."""

    name: str | None
    town: str | None
    postal_code: str | None
    keywords: str | None


def site_fields(questionnaire: Questionnaire) -> SiteFields:
    """The identity questions of ``questionnaire`` (its ``site:`` block)."""
    site = questionnaire.site
    return SiteFields(site.name, site.town, site.postal_code, site.keywords)


def departement(postal_code: str | None) -> str | None:
    """The département code of a French postal code (Corsica 2A/2B, overseas on 3 digits)."""
    match = _POSTAL.match(postal_code or "")
    if match is None:
        return None
    code = match.group(1)
    if code.startswith(("97", "98")):
        return code[:3]
    if code.startswith("20"):
        return "2A" if int(code) < 20200 else "2B"
    return code[:2] if code[:2] != "00" else None


@cache
def departement_names() -> dict[str, str]:
    """Names of the départements, from ``config/departements.fr.yaml``."""
    raw = yaml.safe_load(data_path("config", "departements.fr.yaml").read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in raw.items()}


def departement_label(code: str) -> str:
    """"Rhône (69)"; an unknown code is shown as itself.

    >>> departement_label("69"), departement_label("2A"), departement_label("99")
    ('Rhône (69)', 'Corse-du-Sud (2A)', '99')
    """
    name = departement_names().get(code)
    return f"{name} ({code})" if name else code

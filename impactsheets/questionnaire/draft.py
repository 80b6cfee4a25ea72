"""A draft questionnaire definition from a response sheet alone (header and values).

``impactsheets questionnaire init SOURCE --out FILE`` writes it: the timestamp column, one
question per column with a type guessed from the answers (numbers in French or English style,
dates, yes/no, a scale from a small whole-number range, single or multiple choice with the
options seen, long or short text), Google's grid columns "Question [row]" as one grid question
(its rows sharing the options seen, or every step of a scale), the site identity or an
anonymous form, and a comment on every guess. On a clean sheet the untouched draft validates
without errors: every bound and option comes from the answers (the options of a checkbox
column: :mod:`impactsheets.questionnaire.options`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from impactsheets.answers import cell_text, parse_date
from impactsheets.errors import QuestionnaireError
from impactsheets.files import atomic_write
from impactsheets.locales import detect_locale, read_number
from impactsheets.questionnaire.grid import GridRow, grid_yaml, row_id
from impactsheets.questionnaire.labels import normalize_label
from impactsheets.questionnaire.model import Questionnaire
from impactsheets.questionnaire.options import folded, spellings, split_answer, split_options
from impactsheets.slugs import slugify
from impactsheets.sources import Table

TIMESTAMP_HEADERS = ("Horodateur", "Horodatage", "Timestamp", "Date et heure", "Zeitstempel",
                     "Marca temporal", "Informazioni cronologiche")
_GRID = re.compile(r"^(?P<question>.+?)\s*\[(?P<row>[^\[\]]+)\]\s*$")
_EMAIL = re.compile(r"^[^@\s,;<>()\[\]]+@[^@\s,;<>()\[\]]+\.[A-Za-z]{2,}$")
_YES_NO = {"oui", "non", "yes", "no"}
_ROLES = {  # site identity roles guessed from header words
    "name": re.compile(r"\b(nom|name|structure|organi[sz]ation|lieu|site|association|club|"
                       r"établissement|etablissement|school|école|ecole|company|entreprise)\b",
                       re.I),
    "postal_code": re.compile(r"code postal|postal|zip|postcode", re.I),
    "town": re.compile(r"\b(commune|ville|city|town)\b", re.I),
}
_SCALES = (5, 7, 10)
_LONG = 120  # characters: a longer answer makes a long text


@dataclass
class Draft:
    """One question of the draft and why its type was chosen."""

    id: str
    header: str
    type: str
    why: str
    required: bool = False
    options: list[str] = field(default_factory=list)
    other: bool = False
    low: float | None = None
    high: float | None = None
    choice_list: str | None = None
    rows: list[GridRow] = field(default_factory=list)  # a grid's
    occurrence: int = 1  # the Nth column with this header


def _numbers(values: list[str], locale: str | None) -> list[float] | None:
    numbers = [read_number(v, locale) for v in values]
    return None if any(n is None for n in numbers) else [n for n in numbers if n is not None]


def _guess(header: str, values: list[str], rows: int, locale: str | None) -> Draft:
    """The type of one column from its non-empty answers."""
    draft = Draft("", header, "short_text", "", required=len(values) == rows and rows > 0)
    if not values:
        draft.why = "no answer yet: short text"
        return draft
    distinct = folded(Counter(values))  # "Brown" and "brown" are one answer
    if all(_EMAIL.match(v) for v in values):
        draft.type, draft.why = "email", "every answer is an e-mail address"
        return draft
    numbers = _numbers(values, locale)
    if numbers is not None:
        low, high = min(numbers), max(numbers)
        if all(n.is_integer() for n in numbers):
            if low >= 0 and high <= 10 and len(distinct) <= 11 and rows >= 3:
                top = next((s for s in _SCALES if s >= high), 10)
                draft.type, draft.low, draft.high = "scale", min(1, low), top
                draft.why = f"whole numbers from {low:g} to {high:g}: a {min(1, low):g}–{top} scale"
            else:
                draft.type, draft.why = "integer", f"whole numbers ({low:g} to {high:g})"
        else:
            draft.type, draft.why = "decimal", f"numbers ({low:g} to {high:g})"
        return draft
    if all(normalize_label(v) in _YES_NO for v in values):
        draft.type, draft.why = "yes_no", "yes/no answers"
        return draft
    dates = [parse_date(v, locale) for v in values]
    if all(d is not None and not isinstance(d, str) for d in dates):
        draft.type, draft.why = "date", "every answer is a date"
        return draft
    longest = max(len(v) for v in values)
    if any(", " in v for v in values):
        options = split_options(values)
        repeated = [o for o, n in options.items() if n > 1]
        if len(options) <= 25 and len(repeated) >= 2 and longest <= 400:
            single = all(len(split_answer(v, set(options))) == 1 for v in values)
            draft.type = "single_choice" if single else "multiple_choice"
            options = folded(options)
            draft.options = [o for o, n in options.most_common() if n > 1]
            if len(draft.options) < 2:  # too few answers to tell options from free texts
                draft.options = [o for o, _ in options.most_common()]
            rare = [o for o in options if o not in draft.options]
            draft.other = bool(rare)
            shape = "one label per cell, some holding ', '" if single \
                else "cells joining options with ', '"
            others = f"; {len(rare)} rare answers taken as 'other'" if rare else ""
            draft.why = f"{shape} ({len(draft.options)} options seen{others})"
            return draft
    grid = _GRID.match(header) is not None  # Google's grid columns always hold choices
    if longest <= 200 and (grid or (len(distinct) <= min(12, len(values) // 2)
                                    and len(distinct) < len(values))):
        draft.type = "single_choice"
        draft.options = spellings(distinct)
        draft.why = f"{len(distinct)} different answers over {len(values)}: one choice"
        return draft
    if longest > _LONG or any("\n" in v for v in values):
        draft.type, draft.why = "long_text", f"free text up to {longest} characters"
    else:
        draft.type, draft.why = "short_text", f"free text up to {longest} characters"
    return draft


def draft_questionnaire(table: Table, name: str = "mon-questionnaire") -> str:
    """The YAML text of a draft definition for ``table`` (see the module docstring)."""
    headers = [_trimmed(str(h or "")) for h in table.headers]
    marked = table.meta.get("ours")  # impactsheets' own columns, known by their mark
    ours = set(marked.values()) if isinstance(marked, dict) else set()
    stamps = {normalize_label(h) for h in TIMESTAMP_HEADERS}
    columns = [[cell_text(r.cell(i)) for r in table.rows] for i in range(len(headers))]
    timestamp = next((i for i, h in enumerate(headers) if normalize_label(h) in stamps), None)
    dated = [v for i in ([timestamp] if timestamp is not None else []) for v in columns[i]]
    locale = detect_locale(dated)
    answered_rows = [r for r in table.rows if any(cell_text(c) for c in r.cells)]
    rows = len(answered_rows)
    drafts: list[Draft] = []
    ids: set[str] = set()
    seen: Counter[str] = Counter()  # a title Google repeats: one question per column
    for i, header in enumerate(headers):
        key = normalize_label(header)
        if i == timestamp or not key or i in ours:
            continue
        seen[key] += 1
        values = [cell_text(r.cell(i)) for r in answered_rows]
        draft = _guess(header, [v for v in values if v], rows, locale)
        draft.id = _unique(slugify(header, "question").replace("-", "_")[:40].strip("_"), ids)
        draft.occurrence = seen[key]
        drafts.append(draft)
    drafts = _grids(drafts)
    site = _site(drafts, rows)
    return _yaml(name, headers[timestamp] if timestamp is not None else None, locale, site,
                 {}, drafts)


def _trimmed(header: str) -> str:
    """A header without the spaces Google keeps (around it, inside a grid row's brackets).

    >>> _trimmed("Rate each room  [ Kitchen ] ")
    'Rate each room [Kitchen]'
    """
    header = " ".join(header.split())
    match = _GRID.match(header)
    return f"{match['question'].strip()} [{match['row'].strip()}]" if match else header


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base or "question", 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    taken.add(candidate)
    return candidate


def _grids(drafts: list[Draft]) -> list[Draft]:
    """Google's grid columns "Question [row]" of one question made one grid (its rows share
    the options seen; rows of small whole numbers, every step from the lowest to the highest
    bound guessed)."""
    groups: dict[tuple[str, int], list[Draft]] = {}  # a grid repeated in a later section: its
    for draft in drafts:                               # second columns, a grid of their own
        match = _GRID.match(draft.header)
        if match and draft.type in ("single_choice", "multiple_choice", "scale"):
            groups.setdefault((match["question"], draft.occurrence), []).append(draft)
    grids: dict[int, Draft] = {}  # the first row's id(): its grid
    taken = {d.id for d in drafts}
    for (question, occurrence), members in groups.items():
        if len(members) < 2:
            continue
        numbers = all(m.type == "scale" for m in members)  # columns 1, 2, 3…: every step
        choices = members if numbers else [m for m in members if m.type != "scale"]
        options: list[str] = []
        if numbers:
            low, high = min(m.low or 0 for m in members), max(m.high or 0 for m in members)
            options = [f"{n:g}" for n in range(int(low), int(high) + 1)]
        for m in choices:
            options += [o for o in m.options if o not in options]
        several = any(m.type == "multiple_choice" for m in choices)
        rows: set[str] = set()
        grid = Draft(_unique(slugify(question, "grille").replace("-", "_")[:40].strip("_"), taken),
                     question, "checkbox_grid" if several else "grid",
                     f"{len(choices)} columns «{question} [row]»: a "
                     f"{'checkbox' if several else 'multiple choice'} grid of "
                     f"{len(options)} options seen", required=all(m.required for m in choices),
                     options=options, occurrence=occurrence)
        grid.rows = [GridRow(row_id(label, rows), label, m.required)
                     for m in choices if (label := _GRID.match(m.header)["row"])]  # type: ignore[index]
        grids[id(choices[0])] = grid
        for m in choices[1:]:
            grids[id(m)] = grid
    out: dict[int, Draft] = {}  # a grid once, where its first row was
    for draft in drafts:
        kept = grids.get(id(draft), draft)
        out.setdefault(id(kept), kept)
    return list(out.values())


def _site(drafts: list[Draft], rows: int) -> dict[str, object]:
    """The site identity: a name question whose answers are mostly distinct, else anonymous."""
    site: dict[str, object] = {}
    for role, pattern in _ROLES.items():
        types = ("short_text", "single_choice", "integer") if role == "postal_code" \
            else ("short_text", "single_choice")
        found = next((d for d in drafts if d.type in types
                      and pattern.search(d.header) and not _GRID.match(d.header)), None)
        if found is not None:
            site[role] = found.id
    email = next((d for d in drafts if d.type == "email"), None)
    if email is not None:
        site["email"] = email.id
    name = site.get("name")
    site["key"] = [name] if name and rows else []
    return site


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _yaml(name: str, timestamp: str | None, locale: str | None, site: dict[str, object],
          lists: dict[str, list[str]], drafts: list[Draft]) -> str:
    out = ["# Draft written by 'impactsheets questionnaire init': check every '# guessed' line,",
           "# then give `label`s, `parts` and `topic`s (README, \"Your own form\").",
           f"id: {_q(name)}", f"title: {_q(name)}", "version: \"1\"", "language: fr",
           "template: generic  # the report shows each question and its answer"]
    if locale:
        out.append(f"locale: {locale}  # guessed from the timestamps")
    else:
        out.append("# locale: fr_FR  # not guessed: no timestamp proves the day order")
    key = site.get("key")
    out.append("site:")
    if key:
        out.append(f"  key: [{site.get('name')}]  # guessed: the name question "
                   "identifies a site (a later answer replaces an earlier one)")
    else:
        out.append("  key: []  # guessed: anonymous, each row its own respondent "
                   "(\"Réponse N\")")
    for role in ("name", "town", "postal_code", "email"):
        if role in site:
            out.append(f"  {role}: {site[role]}  # guessed from the header")
    if timestamp:
        out.append(f"timestamp: {{header: {_q(timestamp)}}}")
    if lists:
        out.append("choice_lists:")
        for list_name, options in lists.items():
            out.append(f"  {list_name}:")
            out += _choices(options, "    ")
    out.append("questions:")
    for d in drafts:
        out.append(f"  - id: {d.id}")
        out.append(f"    header: {_q(d.header)}")
        if d.occurrence > 1:
            out.append(f"    occurrence: {d.occurrence}  # column {d.occurrence} of those headed "
                       "so (a title Google repeats in several sections)")
        out.append(f"    type: {d.type}  # guessed: {d.why}")
        if d.required:
            out.append("    required: true  # guessed: every row answers it")
        if d.type == "scale":
            out.append(f"    min: {d.low:g}")
            out.append(f"    max: {d.high:g}")
        if d.choice_list:
            out.append(f"    choices: {d.choice_list}")
        elif d.options:
            out.append("    choices:")
            out += _choices(d.options, "      ")
        if d.other:
            out.append("    allow_other: true  # guessed: rare answers are free 'other' texts")
        if d.rows:
            out += grid_yaml(d.rows, d.required)
    return "\n".join(out) + "\n"


def choice_values(options: list[str]) -> list[str]:
    """The stable values given to option labels, in order (unique, ASCII).

    >>> choice_values(["Oui", "oui !", "Non"])
    ['oui', 'oui_2', 'non']
    """
    taken: set[str] = set()
    return [_unique(slugify(o, "choix").replace("-", "_")[:30].strip("_"), taken) for o in options]


def _choices(options: list[str], indent: str) -> list[str]:
    return [f"{indent}- {{value: {_q(value)}, label: {_q(o)}}}"  # quoted: "yes" stays text
            for value, o in zip(choice_values(options), options, strict=True)]


def init_questionnaire(source: str, out: Path, worksheet: str | None = None,
                       force: bool = False) -> tuple[Path, Questionnaire]:
    """Write the draft of ``source``'s questionnaire to ``out``; (path, the draft loaded).

    The draft is loaded back before this returns: a draft that does not load is a bug, raised.
    """
    from impactsheets.questionnaire import load_questionnaire
    from impactsheets.sources import read_table

    if out.exists() and not force:
        raise QuestionnaireError(f"{out}: already exists (use --force to replace it)")
    table = read_table(source, worksheet)
    text = draft_questionnaire(table, slugify(Path(str(source)).stem, "questionnaire"))
    atomic_write(out, text)  # a killed run leaves the old file, or none
    return out, load_questionnaire(out)

"""The exact questionnaire definition of a Google Form, from the Forms API (``forms.get``).

``impactsheets questionnaire import FORM_URL|FORM_ID|forms-get.json`` writes it: one question
per form question, headers as Google writes them in the response sheet (the item title; a
grid's rows are read from "Title [Row]"), types from the question kinds (a grid with its
columns and rows), options in the form's order, "other", required, scale bounds and end
labels, sections as report ``parts`` and title items as ``topics``, the sections' navigation as
``asked_when`` where one answer decides it, descriptions, and each question's (each grid row's)
``entry_id`` (the ``entry.N`` of prefilled links: the question id read as hexadecimal); a
title the form repeats (a question or grid asked in several sections) is read from its Nth
column (``occurrence: N``).

>>> form = {"formId": "F1", "items": [{"title": "Couleur ?", "questionItem": {"question": {
...     "questionId": "1f", "required": True, "choiceQuestion": {"type": "RADIO",
...     "options": [{"value": "Bleu"}, {"value": "Vert"}, {"isOther": True}]}}}}]}
>>> print(form_questionnaire(form).split("questions:")[1].strip())
- id: couleur
    header: "Couleur ?"
    type: single_choice
    required: true
    entry_id: 31
    choices:
      - {value: "bleu", label: "Bleu"}
      - {value: "vert", label: "Vert"}
    allow_other: true
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from impactsheets.errors import QuestionnaireError
from impactsheets.files import atomic_write
from impactsheets.questionnaire.draft import (
    TIMESTAMP_HEADERS,
    Draft,
    _choices,
    _q,
    _site,
    _unique,
    choice_values,
)
from impactsheets.questionnaire.grid import GridRow, grid_yaml, row_id
from impactsheets.questionnaire.labels import normalize_label
from impactsheets.questionnaire.model import Questionnaire
from impactsheets.slugs import slugify

EMAIL_HEADERS = ("Adresse e-mail", "Email Address", "Adresse e-mail de contact", "E-mail")
_CHOICE_TYPES = {"RADIO": "single_choice", "DROP_DOWN": "single_choice",
                 "CHECKBOX": "multiple_choice"}
_END = 10**9  # the section index of "submit the form"


@dataclass
class Imported(Draft):
    """One question of the form, with what the form says beyond a draft's guesses."""

    entry_id: int | None = None
    aliases: tuple[str, ...] = ()
    description: str = ""
    topic: str | None = None
    section: int = 0
    notes: list[str] = field(default_factory=list)
    asked_when: tuple[str, list[str]] | None = None  # (question id, choice values)
    ends: tuple[str, str] = ("", "")  # a scale's end labels (low, high)


@dataclass
class _Part:
    id: str
    title: str
    description: str
    topics: list[tuple[str, str]] = field(default_factory=list)


def form_questionnaire(form: dict[str, Any]) -> str:
    """The YAML text of the definition of ``form`` (a ``forms.get`` answer)."""
    if not isinstance(form, dict) or not isinstance(form.get("items", []), list):
        raise QuestionnaireError("not a Google Forms forms.get answer (no 'items' list)")
    ids: set[str] = set()
    part_ids: set[str] = set()
    questions: list[Imported] = []
    parts: list[_Part] = []
    sections: dict[str, int] = {}  # pageBreakItem itemId -> section index (0: before any)
    skipped: list[str] = []
    navigation: list[tuple[Imported, list[dict[str, Any]]]] = []
    settings = form.get("settings") or {}
    if settings.get("emailCollectionType") in ("RESPONDER_INPUT", "VERIFIED"):
        email = Imported(_unique("email", ids), EMAIL_HEADERS[0], "email", "", required=True)
        email.aliases = EMAIL_HEADERS[1:]
        email.notes.append("the form collects the respondent's e-mail address")
        questions.append(email)
    topic: str | None = None
    for item in form.get("items", []):
        title = " ".join(str(item.get("title") or "").split())
        description = str(item.get("description") or "").strip()
        before = len(questions)
        if "pageBreakItem" in item:
            sections[str(item.get("itemId"))] = len(parts) + 1
            pid = _unique(_slug(title, "partie"), part_ids)
            parts.append(_Part(pid, title or pid, description))
            topic = None
        elif "textItem" in item and parts:
            topic = _unique(_slug(title, "theme"), part_ids)
            parts[-1].topics.append((topic, title or topic))
        elif "questionItem" in item:
            question = item["questionItem"].get("question") or {}
            imported = _question(title, question, ids)
            imported.description = description
            questions.append(imported)
            choice = question.get("choiceQuestion") or {}
            if any("goToSectionId" in o or "goToAction" in o for o in choice.get("options", [])):
                navigation.append((imported, choice["options"]))
        elif "questionGroupItem" in item:
            questions.append(_grid(title, description, item["questionGroupItem"], ids))
        elif title:
            skipped.append(title)
        for q in questions[before:]:
            q.section, q.topic = len(parts), topic
    questions, twins = _distinct(questions)
    _navigation([(q, o) for q, o in navigation if q in questions], sections, questions)
    drafts: list[Draft] = list(questions)
    site = _site(drafts, 1)
    text = _yaml(form, site, parts, questions, skipped)
    if twins:
        text += ("# left out, their sheet columns cannot be told apart (untitled, or a grid "
                 "repeating a row; give them distinct titles in the form): "
                 f"{', '.join(_q(t) for t in twins)}\n")
    return text


def _distinct(questions: list[Imported]) -> tuple[list[Imported], list[str]]:
    """The questions whose sheet columns can be found, a title the form repeats read from its
    Nth column (``occurrence: N``, in form order); the untitled ones' and the others' headers
    (a grid repeating a row, or whose rows were not all repeated as many times).

    >>> kept, twins = _distinct([Imported("a", "Age", "integer", ""),
    ...                          Imported("b", "age ", "integer", ""), Imported("c", "", "", "")])
    >>> [(q.id, q.occurrence) for q in kept], twins
    ([('a', 1), ('b', 2)], [''])
    """
    seen: Counter[str] = Counter()
    kept, twins = [], []
    for q in questions:  # a grid's sheet columns are its rows'
        keys = [normalize_label(f"{q.header} [{r.label}]") for r in q.rows] \
            or [normalize_label(q.header)]
        before = {seen[key] for key in keys}
        if not normalize_label(q.header) or len(set(keys)) < len(keys) or len(before) > 1:
            twins.append(q.header)
        else:
            seen.update(keys)
            q.occurrence = before.pop() + 1
            kept.append(q)
    return kept, twins


def _slug(text: str, fallback: str) -> str:
    return slugify(text, fallback).replace("-", "_")[:40].strip("_") or fallback


def _question(title: str, question: dict[str, Any], ids: set[str]) -> Imported:
    """One ``questionItem``'s question."""
    q = Imported(_unique(_slug(title, "question"), ids), title, "short_text", "",
                 required=bool(question.get("required")))
    q.entry_id = _entry_id(question)
    if "choiceQuestion" in question:
        choice = question["choiceQuestion"]
        q.type = _CHOICE_TYPES.get(str(choice.get("type")), "single_choice")
        q.options = [str(o["value"]) for o in choice.get("options", []) if not o.get("isOther")]
        q.other = any(o.get("isOther") for o in choice.get("options", []))
    elif "scaleQuestion" in question:
        scale = question["scaleQuestion"]
        q.type, q.low, q.high = "scale", float(scale.get("low", 0)), float(scale.get("high", 5))
        q.ends = (str(scale.get("lowLabel") or "").strip(),
                  str(scale.get("highLabel") or "").strip())
    elif "dateQuestion" in question:
        date = question["dateQuestion"]
        if date.get("includeTime") or date.get("includeYear") is False or not date:
            q.notes.append("a date " + ("and time" if date.get("includeTime") else
                                        "without its year") + ": kept as text")
        else:
            q.type = "date"
    elif "timeQuestion" in question:
        q.notes.append("a " + ("duration" if question["timeQuestion"].get("duration")
                               else "time of day") + ": kept as text")
    elif (question.get("textQuestion") or {}).get("paragraph"):
        q.type = "long_text"
    elif "textQuestion" not in question:
        kind = next((k for k in question if k.endswith("Question")), "unknown")
        q.notes.append(f"a {kind} (not a sheet answer impactsheets checks): kept as text")
    return q


def _entry_id(question: dict[str, Any]) -> int | None:
    try:
        return int(str(question.get("questionId")), 16)
    except ValueError:
        return None


def _grid(title: str, description: str, group: dict[str, Any], ids: set[str]) -> Imported:
    """A grid: its columns as choices, each row with its own entry id (its sheet column is
    "Title [Row]")."""
    columns = (group.get("grid") or {}).get("columns") or {}
    kind = "checkbox_grid" if columns.get("type") == "CHECKBOX" else "grid"
    q = Imported(_unique(_slug(title, "grille"), ids), title, kind, "",
                 options=[str(o["value"]) for o in columns.get("options", []) if "value" in o])
    taken: set[str] = set()
    for row in group.get("questions", []):
        label = " ".join(str((row.get("rowQuestion") or {}).get("title", "")).split())
        q.rows.append(GridRow(row_id(label, taken), label, bool(row.get("required")),
                              _entry_id(row)))
    q.required = bool(q.rows) and all(r.required for r in q.rows)
    q.description = description
    return q


def _navigation(navigation: list[tuple[Imported, list[dict[str, Any]]]],
                sections: dict[str, int], questions: list[Imported]) -> None:
    """``asked_when`` for the questions of a section that some answers of a choice question
    skip (the form read section after section, as the API gives no section-end jump)."""
    for asker, options in navigation:
        values = choice_values([str(o.get("value", "")) for o in options if not o.get("isOther")])
        targets = []
        for option in options:
            action = option.get("goToAction")
            if "goToSectionId" in option:
                targets.append(sections.get(str(option["goToSectionId"]), asker.section + 1))
            elif action in ("SUBMIT_FORM", "RESTART_FORM"):  # none of the later sections
                targets.append(_END)
            else:
                targets.append(asker.section + 1)
        for q in questions:
            if q.section <= asker.section or q is asker:
                continue
            reaching = [v for v, t, o in zip(values, targets, options, strict=False)
                        if t <= q.section and not o.get("isOther")]
            if len(reaching) == len(values) or not reaching:
                continue
            if q.asked_when is not None:  # the nearest deciding question is kept
                q.notes.append(f"also asked only when {q.asked_when[0]} is one of "
                               f"{', '.join(q.asked_when[1])}")
            q.asked_when = (asker.id, reaching)


def _yaml(form: dict[str, Any], site: dict[str, object], parts: list[_Part],
          questions: list[Imported], skipped: list[str]) -> str:
    info = form.get("info") or {}
    title = str(info.get("title") or info.get("documentTitle") or form.get("formId") or "form")
    out = ["# Written by 'impactsheets questionnaire import' from the Google Form itself:",
           "# give each question a short `label`, check `site:` (README, \"Your own form\").",
           f"id: {_q(slugify(title, 'questionnaire'))}", f"title: {_q(title)}",
           f"version: {_q(str(form.get('revisionId') or '1'))}  # the form's revision",
           "language: fr  # en for English messages",
           "template: generic  # the report shows each question and its answer"]
    if info.get("description"):
        out.append(f"# the form's description: {_q(str(info['description']))}")
    if form.get("formId") or form.get("responderUri"):
        out.append(f"form: {{id: {_q(str(form.get('formId', '')))}, "
                   f"url: {_q(str(form.get('responderUri', '')))}}}")
    out.append("site:")
    if site.get("key"):
        out.append(f"  key: [{site['name']}]  # guessed: the name question identifies a site "
                   "(a later answer replaces an earlier one)")
    else:
        out.append("  key: []  # anonymous: each row its own respondent (\"Réponse N\")")
    out += [f"  {role}: {site[role]}  # guessed from the title"
            for role in ("name", "town", "postal_code", "email") if role in site]
    out.append(f"timestamp: {{header: {_q(TIMESTAMP_HEADERS[0])}, "
               f"aliases: [{', '.join(_q(h) for h in TIMESTAMP_HEADERS[1:])}]}}")
    if skipped:
        out.append(f"# items without answers left out: {', '.join(_q(s) for s in skipped)}")
    if parts:
        out.append("parts:  # the form's sections; title items are topics")
        for part in parts:
            out += [f"  - id: {part.id}", f"    title: {_q(part.title)}"]
            if part.description:
                out.append(f"    # {_q(part.description)}")
            if part.topics:
                out.append("    topics:")
                out += [f"      - {{id: {tid}, title: {_q(t)}}}" for tid, t in part.topics]
    out.append("questions:")
    for q in questions:
        out += [f"  - id: {q.id}", f"    header: {_q(q.header)}"]
        if q.occurrence > 1:
            out.append(f"    occurrence: {q.occurrence}  # column {q.occurrence} of those headed "
                       "so (the form repeats this title)")
        if q.aliases:
            out.append(f"    aliases: [{', '.join(_q(a) for a in q.aliases)}]")
        out += [f"    # {note}" for note in q.notes]
        out.append(f"    type: {q.type}")
        if q.required:
            out.append("    required: true")
        if q.topic:
            out.append(f"    topic: {q.topic}")
        if q.entry_id is not None:
            out.append(f"    entry_id: {q.entry_id}")
        if q.description:
            out.append(f"    description: {_q(q.description)}")
        if q.type == "scale":
            out += [f"    min: {q.low:g}", f"    max: {q.high:g}"]
            ends = [f"{end}: {_q(text)}" for end, text in zip(("low", "high"), q.ends,
                                                               strict=True) if text]
            if ends:
                out.append(f"    labels: {{{', '.join(ends)}}}  # the form's end labels")
        if q.choice_list:
            out.append(f"    choices: {q.choice_list}")
        elif q.options:
            out += ["    choices:", *_choices(q.options, "      ")]
        if q.other:
            out.append("    allow_other: true")
        if q.rows:
            out += grid_yaml(q.rows, q.required)
        if q.asked_when:
            asker, values = q.asked_when
            out.append(f"    asked_when: {{question: {asker}, any_of: [{', '.join(_q(v) for v in values)}]}}")
    return "\n".join(out) + "\n"


def read_form(source: str) -> dict[str, Any]:
    """The ``forms.get`` answer of ``source``: a local ``.json`` file, else a form URL or ID
    read from Google (the configured credentials, or the emulator)."""
    path = Path(source)
    if source.lower().endswith(".json") or path.is_file():
        try:
            form = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise QuestionnaireError(f"{source}: cannot read the form "
                                     f"({exc.strerror or exc})") from exc
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise QuestionnaireError(f"{source}: not a forms.get answer (invalid JSON: "
                                     f"{exc})") from exc
        if not isinstance(form, dict) or not isinstance(form.get("items"), list):
            raise QuestionnaireError(f"{source}: not a forms.get answer (no 'items' list)")
        return form
    from impactsheets.google.forms import get_form

    return get_form(source)


def import_questionnaire(source: str, out: Path | None, force: bool = False
                         ) -> tuple[str, Questionnaire]:
    """The definition of ``source``'s form, written to ``out`` (when given); (YAML, the
    definition loaded back: one that does not load is a bug)."""
    from impactsheets.questionnaire import load_questionnaire

    if out is not None and out.exists() and not force:
        raise QuestionnaireError(f"{out}: already exists (use --force to replace it)")
    text = form_questionnaire(read_form(source))
    if out is None:  # checked in memory: nothing written anywhere
        from impactsheets.questionnaire.loader import load_text

        return text, load_text(text, f"{source} (imported)")
    atomic_write(out, text)  # a killed import leaves the old file, or none
    return text, load_questionnaire(out)

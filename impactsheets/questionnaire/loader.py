"""Reading a questionnaire definition file into the model of :mod:`impactsheets.questionnaire.model`.

Every problem raises :class:`~impactsheets.errors.QuestionnaireError` naming the file, the line
and what is wrong.

>>> load("config/questionnaire.yaml").site.key
('site_nom', 'site_code_postal')
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from impactsheets.errors import QuestionnaireError
from impactsheets.locales import locale_of
from impactsheets.questionnaire.grid import is_grid, load_grid
from impactsheets.questionnaire.labels import normalize_label
from impactsheets.questionnaire.model import (
    CHOICE_TYPES,
    GRID_TYPES,
    TYPES,
    YES_NO_CHOICES,
    Choice,
    Condition,
    FormRef,
    Grid,
    Part,
    Question,
    Questionnaire,
    Topic,
)
from impactsheets.questionnaire.nodes import Builder, choices_of, entry_id, whole
from impactsheets.questionnaire.site import ROLES, SiteIdentity
from impactsheets.resources import data_path
from impactsheets.yamlfile import LineMapping, YamlError, load_yaml

_TOP_KEYS = {"id", "title", "version", "language", "locale", "template", "site", "site_key", "form",
             "timestamp", "parts", "choice_lists", "questions"}
_QUESTION_KEYS = {"id", "header", "aliases", "label", "type", "required", "topic", "choices",
                  "allow_other", "min", "max", "max_length", "pattern", "pattern_hint",
                  "required_when", "asked_when", "entry_id", "description", "labels", "occurrence"}
_PART_KEYS = {"id", "title", "intensity", "topics"}
_TOPIC_KEYS = {"id", "title"}
_LABEL_KEYS = {"low", "high"}

_SITE_KEYS = {"key", *ROLES}
_FORM_KEYS = {"id", "url"}
LANGUAGES = ("fr", "en")


def load(path: str | Path | None = None) -> Questionnaire:
    """Load and check a definition (the bundled default when ``path`` is None)."""
    file = Path(path) if path is not None else data_path("config", "questionnaire.yaml")
    name = str(path) if path is not None else str(file)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QuestionnaireError(f"{name}: cannot read the questionnaire (file not found)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionnaireError(f"{name}: cannot read the questionnaire ({exc})") from None
    return load_text(text, name)


def load_text(text: str, name: str) -> Questionnaire:
    """Load and check a definition held in ``text``; ``name`` says where it comes from in
    messages.

    >>> load_text("questions: []", "draft").questions
    Traceback (most recent call last):
    ...
    impactsheets.errors.QuestionnaireError: draft, line 1: 'questions' must be a non-empty list
    """
    try:
        raw = load_yaml(text, name)
    except YamlError as exc:
        raise QuestionnaireError(f"{name}, line {exc.line}: YAML syntax error: {exc.problem}") from None
    questionnaire = _build(raw, Builder(name))
    questionnaire.path = name
    questionnaire.fingerprint_text = text
    return questionnaire


def _build(raw: Any, b: Builder) -> Questionnaire:
    top = b.mapping(raw, "the questionnaire", 1, _TOP_KEYS)
    lists_node = top.get("choice_lists") or LineMapping()
    if not isinstance(lists_node, LineMapping):
        raise b.fail(top.line_of("choice_lists"), "choice_lists must be a mapping")
    lists = {name: b.choices(items, f"choice list {name!r}", lists_node.line_of(name))
             for name, items in lists_node.items()}
    questions_node = top.get("questions")
    if not isinstance(questions_node, list) or not questions_node:
        raise b.fail(top.line_of("questions"), "'questions' must be a non-empty list")

    questions: list[Question] = []
    ids: dict[str, int] = {}
    headers: dict[str, tuple[str, int]] = {}
    grids: dict[str, Grid] = {}
    entries: list[Question] = []
    for item in questions_node:
        if is_grid(item):  # its rows: one question each
            grid, rows = load_grid(item, b, lists, top.line_of("questions"))
            if grid.id in grids:
                raise b.fail(item.line, f"duplicate grid id {grid.id!r}")
            grids[grid.id] = grid
            entries += rows
        else:
            entries.append(_question(item, b, lists, top.line_of("questions")))
    for question in entries:
        if question.id in ids:
            raise b.fail(question.line, f"duplicate question id {question.id!r} "
                                        f"(first at line {ids[question.id]})")
        ids[question.id] = question.line
        for header in question.headers:
            key = f"{normalize_label(header)}#{question.occurrence}"
            if key in headers:
                other, line = headers[key]
                raise b.fail(question.line, f"duplicate header {header!r}: already used by "
                                            f"question {other!r} (line {line})")
            headers[key] = (question.id, question.line)
        questions.append(question)

    by_id = {q.id: q for q in questions}
    for question in questions:
        for cond in (question.required_when, question.asked_when):
            if cond is not None:
                _check_condition(cond, question, by_id, b, grids)

    timestamp = b.mapping(top.get("timestamp") or LineMapping(), "timestamp",
                          top.line_of("timestamp"), {"header", "aliases"})
    ts_headers = (b.text(timestamp, "header", "timestamp", required=False) or "Horodateur",
                  *b.strings(timestamp, "aliases", "timestamp"))
    language = b.text(top, "language", "the questionnaire", required=False) or "fr"
    if language not in LANGUAGES:
        raise b.fail(top.line_of("language"), f"unknown language {language!r} "
                                              f"(known: {', '.join(LANGUAGES)})")
    return Questionnaire(
        id=b.text(top, "id", "the questionnaire"),
        title=b.text(top, "title", "the questionnaire", required=False),
        version=b.text(top, "version", "the questionnaire", required=False) or "1",
        questions=questions,
        site=_site(top, b, by_id, language),
        timestamp_headers=ts_headers,
        parts=_parts(top, b, by_id),
        language=language,
        locale=_locale(top, b),
        template=b.text(top, "template", "the questionnaire", required=False) or None,
        form=_form(top, b),
        grids=grids,
    )


def _locale(top: LineMapping, b: Builder) -> str | None:
    code = b.text(top, "locale", "the questionnaire", required=False) or None
    if code is not None and locale_of(code) is None:
        raise b.fail(top.line_of("locale"), f"unknown locale {code!r} (for example fr_FR, en_US, "
                                            "en_GB, de_DE, iso)")
    return code


def _form(top: LineMapping, b: Builder) -> FormRef | None:
    """The optional ``form: {id, url}`` section."""
    if "form" not in top:
        return None
    node = b.mapping(top["form"], "form", top.line_of("form"), _FORM_KEYS)
    form = FormRef(b.text(node, "id", "form", required=False),
                   b.text(node, "url", "form", required=False))
    if not (form.id or form.url):
        raise b.fail(node.line, "form needs an 'id' or a 'url'")
    if form.url and not form.url.startswith("https://"):
        raise b.fail(node.line_of("url"), "form: 'url' must start with https://")
    return form


def _site(top: LineMapping, b: Builder, by_id: dict[str, Question],
          language: str) -> SiteIdentity:
    if "site_key" in top:  # the older form: the key, its first question naming the site
        if "site" in top:
            raise b.fail(top.line_of("site_key"), "give either 'site' or 'site_key', not both")
        key = b.strings(top, "site_key", "the questionnaire")
        for qid in key:
            if qid not in by_id:
                raise b.fail(top.line_of("site_key"), f"site_key names unknown question {qid!r}")
        return SiteIdentity(key=key, name=key[0] if key else None, language=language)
    if top.get("site") is None:
        return SiteIdentity(language=language)
    node = b.mapping(top["site"], "site", top.line_of("site"), _SITE_KEYS)
    roles = {role: b.text(node, role, "site", required=False) or None for role in ROLES}
    key = b.strings(node, "key", "site")
    named: list[tuple[str, str | None]] = [*(("key", k) for k in key), *roles.items()]
    for role, named_id in named:
        if named_id is not None and named_id not in by_id:
            raise b.fail(node.line_of(role), f"site: {role} names unknown question {named_id!r}")
    return SiteIdentity(key=key, language=language, **roles)


def _question(item: Any, b: Builder, lists: dict[str, tuple[Choice, ...]], line: int) -> Question:
    named = isinstance(item, LineMapping) and isinstance(item.get("id"), str)
    where = f"question {item['id']!r}" if named else "a question"
    node = b.mapping(item, where, line, _QUESTION_KEYS)
    qid = b.text(node, "id", where)
    qtype = b.text(node, "type", where)
    if qtype not in TYPES:
        raise b.fail(node.line_of("type"), f"{where}: unknown type {qtype!r} "
                                           f"(known: {', '.join((*TYPES, *GRID_TYPES))})")
    choices: tuple[Choice, ...] = ()
    if qtype in CHOICE_TYPES:
        choices = choices_of(node, b, lists, where)
    elif "choices" in node:
        raise b.fail(node.line_of("choices"), f"{where}: a {qtype} question takes no choices")
    elif qtype == "yes_no":
        choices = tuple(Choice(v, label, label.lower()) for v, label in YES_NO_CHOICES)
    pattern = None
    if "pattern" in node:
        try:
            pattern = re.compile(b.text(node, "pattern", where))
        except re.error as exc:
            raise b.fail(node.line_of("pattern"), f"{where}: invalid pattern ({exc})") from None
    low, high = b.number(node, "min", where), b.number(node, "max", where)
    if qtype == "scale":
        low, high = (1 if low is None else low), (5 if high is None else high)
    if low is not None and high is not None and low > high:
        raise b.fail(node.line_of("min"), f"{where}: min ({low}) is greater than max ({high})")
    max_length = b.number(node, "max_length", where)
    ends = LineMapping()
    if "labels" in node:
        if qtype != "scale":
            raise b.fail(node.line_of("labels"), f"{where}: only a scale takes end 'labels'")
        ends = b.mapping(node["labels"], f"labels of {where}", node.line_of("labels"),
                         _LABEL_KEYS)
    return Question(
        id=qid,
        header=b.text(node, "header", where),
        label=b.text(node, "label", where, required=False) or b.text(node, "header", where),
        type=qtype,
        required=b.flag(node, "required", where),
        aliases=b.strings(node, "aliases", where),
        occurrence=whole(node, "occurrence", b, where) or 1,
        topic=b.text(node, "topic", where, required=False) or None,
        choices=choices,
        allow_other=b.flag(node, "allow_other", where),
        min=low,
        max=high,
        max_length=int(max_length) if max_length is not None else None,
        pattern=pattern,
        pattern_hint=b.text(node, "pattern_hint", where, required=False),
        required_when=b.condition(node, "required_when", where),
        asked_when=b.condition(node, "asked_when", where),
        entry_id=entry_id(node, b, where),
        description=b.text(node, "description", where, required=False),
        low_label=b.text(ends, "low", f"labels of {where}", required=False),
        high_label=b.text(ends, "high", f"labels of {where}", required=False),
        line=node.line,
    )


def _check_condition(cond: Condition, question: Question, by_id: dict[str, Question],
                     b: Builder, grids: dict[str, Grid]) -> None:
    target = by_id.get(cond.question)
    if target is None:
        grid = grids.get(cond.question)  # a condition is on one row's answer
        hint = f" (a grid: name one of its rows, such as {grid.rows[0]!r})" if grid else ""
        raise b.fail(question.line, f"question {question.id!r}: condition names unknown "
                                    f"question {cond.question!r}{hint}")
    if target.id == question.id:
        raise b.fail(question.line, f"question {question.id!r}: condition names itself")
    known = {c.value for c in target.choices}
    for value in cond.values:
        if value not in known:
            raise b.fail(question.line, f"question {question.id!r}: condition value {value!r} "
                                        f"is not a choice of {target.id!r}")
    if cond.at_least is not None and target.type not in ("integer", "decimal", "scale"):
        raise b.fail(question.line, f"question {question.id!r}: at_least needs a numeric "
                                    f"question, {target.id!r} is {target.type}")


def _parts(top: LineMapping, b: Builder, by_id: dict[str, Question]) -> tuple[Part, ...]:
    raw = top.get("parts") or []
    if not isinstance(raw, list):
        raise b.fail(top.line_of("parts"), "'parts' must be a list")
    parts, topic_ids = [], set()
    for item in raw:
        node = b.mapping(item, "a part", top.line_of("parts"), _PART_KEYS)
        pid = b.text(node, "id", "a part")
        intensity = b.text(node, "intensity", f"part {pid!r}", required=False) or None
        if intensity and intensity not in by_id:
            raise b.fail(node.line_of("intensity"), f"part {pid!r}: unknown question {intensity!r}")
        topics = []
        for t in node.get("topics") or []:
            tnode = b.mapping(t, f"a topic of part {pid!r}", node.line, _TOPIC_KEYS)
            topic = Topic(b.text(tnode, "id", "a topic"), b.text(tnode, "title", "a topic"))
            topic_ids.add(topic.id)
            topics.append(topic)
        parts.append(Part(pid, b.text(node, "title", f"part {pid!r}"), intensity, tuple(topics)))
    for question in by_id.values():
        if question.topic and parts and question.topic not in topic_ids:
            raise b.fail(question.line, f"question {question.id!r}: unknown topic "
                                        f"{question.topic!r}")
    return tuple(parts)


def load_questionnaire(path: str | Path | None = None) -> Questionnaire:
    """Load and check a questionnaire definition (the bundled default when ``path`` is None).

    >>> load_questionnaire("nope.yaml")
    Traceback (most recent call last):
    ...
    impactsheets.errors.QuestionnaireError: nope.yaml: cannot read the questionnaire (file not found)
    """
    return load(path)

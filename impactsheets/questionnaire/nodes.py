"""Reading the YAML nodes of a questionnaire definition: text, lists, numbers, flags, whole
numbers, choices and conditions, each problem a :class:`~impactsheets.errors.QuestionnaireError`
naming the file and the line.

>>> from impactsheets.yamlfile import load_yaml
>>> node = load_yaml("id: age\\nmin: 0\\nentry_id: -1\\n", "q.yaml")
>>> b = Builder("q.yaml")
>>> b.text(node, "id", "a question"), b.number(node, "min", "question 'age'")
('age', 0)
>>> whole(node, "entry_id", b, "age")
Traceback (most recent call last):
...
impactsheets.errors.QuestionnaireError: q.yaml, line 3: age: 'entry_id' must be a whole number
"""

from __future__ import annotations

from typing import Any

from impactsheets.errors import QuestionnaireError
from impactsheets.questionnaire.labels import normalize_label
from impactsheets.questionnaire.model import Choice, Condition
from impactsheets.yamlfile import LineMapping

CHOICE_KEYS = {"value", "label", "report", "aliases", "exclusive"}
CONDITION_KEYS = {"question", "equals", "any_of", "answered", "at_least"}


class Builder:
    """Turns the parsed YAML into the model, raising errors that name file and line."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, line: int, problem: str) -> QuestionnaireError:
        return QuestionnaireError(f"{self.path}, line {line}: {problem}")

    def mapping(self, node: Any, where: str, line: int, allowed: set[str]) -> LineMapping:
        if not isinstance(node, LineMapping):
            raise self.fail(line, f"{where} must be a mapping of keys to values")
        for key in node:
            if key not in allowed:
                raise self.fail(
                    node.line_of(key),
                    f"unknown key {key!r} in {where} (allowed: {', '.join(sorted(allowed))})",
                )
        return node

    def text(self, node: LineMapping, key: str, where: str, required: bool = True) -> str:
        value = node.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail(node.line_of(key), f"{where} needs a non-empty {key!r}")
            return ""
        if not isinstance(value, str | int | float):
            raise self.fail(node.line_of(key), f"{where}: {key!r} must be text")
        return str(value)

    def strings(self, node: LineMapping, key: str, where: str) -> tuple[str, ...]:
        value = node.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            raise self.fail(node.line_of(key), f"{where}: {key!r} must be a list of text")
        return tuple(str(v) for v in value)

    def number(self, node: LineMapping, key: str, where: str) -> float | None:
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(node.line_of(key), f"{where}: {key!r} must be a number")
        return value

    def flag(self, node: LineMapping, key: str, where: str) -> bool:
        value = node.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(node.line_of(key), f"{where}: {key!r} must be true or false")
        return value

    def choices(self, node: Any, where: str, line: int) -> tuple[Choice, ...]:
        if not isinstance(node, list) or not node:
            raise self.fail(line, f"{where}: choices must be a non-empty list")
        result, seen = [], set()
        names: dict[str, str] = {}
        for item in node:
            item = self.mapping(item, f"a choice of {where}", line, CHOICE_KEYS)
            value = self.text(item, "value", f"a choice of {where}")
            if value in seen:
                raise self.fail(item.line, f"{where}: duplicate choice value {value!r}")
            seen.add(value)
            label = self.text(item, "label", f"choice {value!r} of {where}")
            aliases = self.strings(item, "aliases", f"choice {value!r}")
            for text in (label, *aliases):  # an old wording must name one choice only
                if names.setdefault(normalize_label(text), value) != value:
                    raise self.fail(item.line, f"{where}: {text!r} names both choice "
                                               f"{names[normalize_label(text)]!r} and {value!r}")
            result.append(Choice(
                value=value,
                label=label,
                report=self.text(item, "report", where, required=False) or label,
                aliases=aliases,
                exclusive=self.flag(item, "exclusive", f"choice {value!r}"),
            ))
        return tuple(result)

    def condition(self, node: LineMapping, key: str, where: str) -> Condition | None:
        raw = node.get(key)
        if raw is None:
            return None
        line = node.line_of(key)
        cond = self.mapping(raw, f"{key} of {where}", line, CONDITION_KEYS)
        question = self.text(cond, "question", f"{key} of {where}")
        tests = [k for k in ("equals", "any_of", "answered", "at_least") if k in cond]
        if len(tests) != 1:
            raise self.fail(line, f"{key} of {where} needs exactly one of equals, any_of, "
                                  "answered, at_least")
        if "equals" in cond:
            values: tuple[str, ...] = (self.text(cond, "equals", key),)
        else:
            values = self.strings(cond, "any_of", key) if "any_of" in cond else ()
        return Condition(
            question=question,
            values=values,
            answered=self.flag(cond, "answered", key) if "answered" in cond else None,
            at_least=self.number(cond, "at_least", key),
        )


def choices_of(node: LineMapping, b: Builder, lists: dict[str, tuple[Choice, ...]],
             where: str) -> tuple[Choice, ...]:
    """A question's ``choices``: its own list, or the name of one of ``choice_lists``."""
    raw = node.get("choices")
    if isinstance(raw, str):
        if raw not in lists:
            raise b.fail(node.line_of("choices"), f"{where}: unknown choice list {raw!r}")
        return lists[raw]
    return b.choices(raw, where, node.line_of("choices") if "choices" in node else node.line)


def entry_id(node: LineMapping, b: Builder, where: str) -> int | None:
    return whole(node, "entry_id", b, where, " (the N of the form's entry.N)")


def whole(node: LineMapping, key: str, b: Builder, where: str, hint: str = "") -> int | None:
    value = node.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise b.fail(node.line_of(key), f"{where}: {key!r} must be a whole number{hint}")
    return value

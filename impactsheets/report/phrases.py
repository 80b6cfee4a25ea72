"""Answers turned into phrases: the template's sentences filled with one site's answers.

``{question}`` placeholders become French lists, ``[...]`` parts vanish when their answer is
missing, and a sentence whose mandatory slot is empty is left out. The site's own words (free
"other" answers, text answers) are quoted, never woven into our grammar.

>>> from impactsheets.questionnaire import load_questionnaire
>>> from impactsheets.report.template import load_template
>>> from impactsheets.answers import Selection
>>> p = Phrases({"sante_effets": Selection(("confiance",), ("Moins de stress.",))},
...             load_questionnaire(), load_template("default"))
>>> p.resolve("sante_effets", [], "test")
'une plus grande confiance en elles, ainsi que : «\u202fMoins de stress\u202f»'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from impactsheets.answers import Selection
from impactsheets.errors import TemplateError
from impactsheets.questionnaire import Question, Questionnaire
from impactsheets.report import french
from impactsheets.report.template import PLACEHOLDER, Sentence, Template, TopicTemplate

_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
_KEYWORD_SPLIT = re.compile(r"[,;#\n]+")
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre")
_PREFIX = {"de": "de ", "les": "les ", "des": "des "}
_DOUBLE_COLON = re.compile(r":\s*:")
FREE_TEXT = ("short_text", "long_text")

Resolver = Callable[[str, list[str]], str]


def fill(text: str, resolve: Resolver, require_some: bool = True) -> str | None:
    """Fill placeholders; drop ``[...]`` parts with an empty slot; None when a mandatory slot
    is empty, or (``require_some``) when every slot is empty.

    >>> values = {"a": "x", "b": ""}
    >>> fill("Un {a}[ et {b}].", lambda n, f: values[n]), fill("Un {b}.", lambda n, f: values[n])
    ('Un x.', None)
    """
    filled = 0

    def sub(chunk: str) -> str | None:
        nonlocal filled
        missing = False

        def one(m: re.Match[str]) -> str:
            nonlocal missing, filled
            name, *filters = m.group(1).split("|")
            value = resolve(name, filters)
            missing = missing or not value
            filled += bool(value)
            return value
        out = PLACEHOLDER.sub(one, chunk)
        return None if missing else out

    # One pass over the template's own text: answers put in are never scanned again, so an
    # answer that looks like "{contact_email}" or "[x]" prints as typed.
    parts: list[str] = []
    position = 0
    for m in _OPTIONAL.finditer(text):
        before = sub(text[position:m.start()])
        if before is None:
            return None
        parts += [before, sub(m.group(1)) or ""]
        position = m.end()
    rest = sub(text[position:])
    if rest is None:
        return None
    result = "".join([*parts, rest])
    has_slots = require_some and bool(PLACEHOLDER.search(text))
    return None if has_slots and filled == 0 else result


def french_date(when: date) -> str:
    """A date the French way.

    >>> from datetime import datetime
    >>> french_date(datetime(2026, 3, 1, 9, 5))
    '1er mars 2026'
    """
    day = "1er" if when.day == 1 else str(when.day)
    return f"{day} {_MONTHS[when.month - 1]} {when.year}"


def quote_text(text: str) -> str:
    """A site's own comment, kept as typed but with French spacing; paragraphs kept, and
    stray punctuation opening a paragraph (". suite", ", et") dropped.

    >>> quote_text("festivals ...)  \\n\\n Merci !"), quote_text(", .00")
    ('festivals...)\\nMerci\u202f!', '00')
    """
    paragraphs = [french.typography(p.lstrip(" .,;:"))
                  for p in french.printable(text).split("\n")]
    return "\n".join(p for p in paragraphs if p)


def keywords(text: Any) -> tuple[str, ...]:
    """Keyword tags from the free keyword answer.

    >>> keywords("numérique, Makers ;  #solidarité, , numérique")
    ('#numérique', '#makers', '#solidarité')
    >>> keywords("l'a" + chr(27) + "ccès")  # control characters go before apostrophes are set
    ('#l’accès',)
    """
    if not isinstance(text, str):
        return ()
    seen: dict[str, str] = {}
    for word in _KEYWORD_SPLIT.split(french.printable(text)):
        word = " ".join(word.split()).strip(" .")
        if word and not french.is_filler(word):
            seen.setdefault(word.casefold(), french.apostrophes("#" + word.lower()))
    return tuple(seen.values())


def sentence_texts(s: Sentence) -> list[str]:
    """Every text variant of a template sentence."""
    return [s.text, s.one, s.many, s.zero or "", s.default or "", s.other or "",
            s.unknown or "", *s.cases.values()]


class Phrases:
    """Turns one response's answers into sentence fragments and sentences."""

    def __init__(self, answers: Mapping[str, Any], questionnaire: Questionnaire,
                 template: Template) -> None:
        self.answers = answers
        self.q = questionnaire
        self.t = template
        self.extra: dict[str, str] = {}

    def question(self, qid: str, where: str) -> Question:
        try:
            return self.q.question(qid)
        except KeyError:
            raise TemplateError(f"{where}: unknown question {qid!r}") from None

    def items(self, qid: str, where: str) -> tuple[list[str], list[str]]:
        """Our wording of the answer's items, and the site's own words (quoted)."""
        question = self.question(qid, where)
        answer = self.answers.get(qid)
        if isinstance(answer, Selection):
            labels = [french.inclusive(self.t.choice_label(qid, v) or question.choice(v).report)
                      for v in answer.values]
            own = [french.quoted(o) for o in answer.others
                   if not french.is_filler(o) and french.fragment(o)]
            return french.merge_shared_start(labels), own
        if answer is None or answer == "":
            return [], []
        if isinstance(answer, float):
            return [f"{answer:g}".replace(".", ",")], []
        if isinstance(answer, date):
            return [french_date(answer)], []
        if question.type in FREE_TEXT:
            return [], ([french.quoted(answer)] if french.fragment(str(answer)) else [])
        return [french.fragment(str(answer))], []

    def resolve(self, name: str, filters: list[str], where: str) -> str:
        if name in self.extra:
            return self.extra[name]
        items, own = self.items(name, where)
        for f in filters:
            if f in _PREFIX:
                items = [_PREFIX[f] + i for i in items]
        conjunction = "ou" if "ou" in filters else "et"
        ours = french.join(items, conjunction)
        if not own:
            return ours
        theirs = french.join(own, conjunction)
        if not ours:
            return f": {theirs}"
        return f"{ours}, {self.t.labels['others']} : {theirs}"

    def sentence(self, text: str, where: str, require_some: bool = True) -> str | None:
        filled = fill(text, lambda n, f: self.resolve(n, f, where), require_some)
        if not filled:
            return None
        return french.finish(french.elide(_DOUBLE_COLON.sub(":", filled)))

    def count(self, qid: str, where: str) -> int | None:
        answer = self.answers.get(self.question(qid, where).id)
        if isinstance(answer, Selection):
            return len(answer.values) + len(answer.others) or None
        return int(answer) if isinstance(answer, int | float) else None

    def statements(self, s: Sentence) -> list[tuple[str, bool]]:
        """The sentence's statements, each with whether it says "nothing happened"."""
        where = s.where()
        names = {m.split("|")[0] for text in sentence_texts(s) for m in PLACEHOLDER.findall(text)}
        for qid in [*(names - {"n", "groups", "value"}), *s.group, s.on, s.count]:
            if qid:
                self.question(qid, where)
        if s.group:
            return [(x, False) for x in self.groups(s, where)]
        text: str | None = s.text
        negative, require_some = False, True
        if s.count:
            n = self.count(s.count, where)
            if n is None:
                text = s.unknown
            else:
                text = None if n == 0 and s.zero is None else french.by_count(
                    n, s.one, s.many, s.zero)
                negative, require_some = n == 0, False
        elif s.on:
            text, negative, require_some = self.case(s, where)
        result = self.sentence(text, where, require_some) if text else None
        return [(result, negative)] if result else []

    def case(self, s: Sentence, where: str) -> tuple[str | None, bool, bool]:
        assert s.on is not None
        answer = self.answers.get(self.question(s.on, where).id)
        if not isinstance(answer, Selection) or not answer:
            return s.unknown, False, True
        for value, text in s.cases.items():
            if value in answer.values:
                return text, value in s.negative, False
        if answer.others and not answer.values:
            return s.other or s.default, False, False
        return s.default, False, False

    def groups(self, s: Sentence, where: str) -> list[str]:
        by_value: dict[str, list[str]] = {}
        for qid, label in s.group.items():
            answer = self.answers.get(self.question(qid, where).id)
            if isinstance(answer, Selection) and answer:
                items, own = self.items(qid, where)
                by_value.setdefault((items or own or [""])[0], []).append(label)
        out = []
        for value, labels in by_value.items():
            self.extra = {"groups": french.join(labels), "value": value}
            out += [x for x in [self.sentence(s.text, where)] if x]
        self.extra = {}
        return out

    def quoted_ids(self, tid: str, spec: TopicTemplate) -> tuple[str, ...]:
        """The questions whose answers are shown as the site's comments for this topic."""
        if spec.quotes is not None:
            return spec.quotes
        used = {m.split("|")[0] for s in spec.sentences for text in sentence_texts(s)
                for m in PLACEHOLDER.findall(text)}
        used |= {s.on or "" for s in spec.sentences} | {s.count or "" for s in spec.sentences}
        return tuple(q.id for q in self.q.questions
                     if q.topic == tid and q.type == "long_text" and q.id not in used)

    def quotes(self, ids: tuple[str, ...]) -> list[tuple[str, str]]:
        """(question id, comment) of each real comment among ``ids``."""
        texts = [(qid, self.answers.get(qid)) for qid in ids]
        return [(qid, quoted) for qid, t in texts
                if isinstance(t, str) and not french.is_filler(t) and (quoted := quote_text(t))]

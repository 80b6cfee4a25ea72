"""Compose one site's valid answers into a plain report model (no PDF concerns here).

The template's phrases are filled with the answers: ``{question}`` placeholders become
French lists, ``[...]`` parts vanish when their answer is missing, a sentence whose
mandatory slot is empty is left out, and a topic with nothing to say is omitted.

>>> from impactsheets.questionnaire import load_questionnaire
>>> from impactsheets.report.template import load_template
>>> from impactsheets.validation import Response
>>> r = Response(2, {"site_nom": "Arsenal", "capacite_nombre": 1})
>>> model = compose(r, load_questionnaire(), load_template("default"))
>>> model.title, model.parts[0].topics[0].statements[0][:26]
("Effets sociaux et urbains d'Arsenal", '1 nouveau projet ou action')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from impactsheets.answers import Selection
from impactsheets.errors import TemplateError
from impactsheets.questionnaire import Question, Questionnaire
from impactsheets.report import french
from impactsheets.report.template import PLACEHOLDER, Sentence, Template, TopicTemplate

if TYPE_CHECKING:  # validation imports report.french: no import cycle at run time
    from impactsheets.network.comparison import Comparison
    from impactsheets.validation import Response

_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
_KEYWORD_SPLIT = re.compile(r"[,;#\n]+")
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre")
_PREFIX = {"de": "de ", "les": "les ", "des": "des "}


@dataclass(frozen=True)
class TopicBlock:
    id: str
    title: str
    statements: tuple[str, ...]
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class PartBlock:
    id: str
    title: str
    intensity: int | None
    intensity_max: int
    topics: tuple[TopicBlock, ...]


@dataclass(frozen=True)
class ReportModel:
    """Everything a site report says, as plain (unescaped) text."""

    title: str
    site: str
    identity: tuple[str, ...]
    parts: tuple[PartBlock, ...]
    keywords: tuple[str, ...]
    provisional: str | None
    labels: Mapping[str, str]
    # The site against the network, per part id (impactsheets.network.comparison).
    network: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    network_title: str = ""

    def text(self) -> str:
        """The report as plain text, in reading order (for logs and tests)."""
        lines = [self.title, *self.identity]
        for part in self.parts:
            lines.append(part.title)
            if part.intensity is not None:
                lines.append(f"{self.labels['intensity']} : {part.intensity}/{part.intensity_max}")
            for topic in part.topics:
                lines += [topic.title, *topic.statements, *(f"« {q} »" for q in topic.quotes)]
        if self.keywords:
            lines.append(" ".join(self.keywords))
        if self.provisional:
            lines.append(self.provisional)
        return "\n".join(lines)


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


class _Filler:
    """Turns answers into sentence fragments for one response."""

    def __init__(self, response: Response, questionnaire: Questionnaire, template: Template,
                 where: str = "") -> None:
        self.answers = response.answers
        self.q = questionnaire
        self.t = template
        self.where = where
        self.extra: dict[str, str] = {}

    def question(self, qid: str, where: str) -> Question:
        try:
            return self.q.question(qid)
        except KeyError:
            raise TemplateError(f"{where}: unknown question {qid!r}") from None

    def items(self, qid: str, where: str) -> list[str]:
        question = self.question(qid, where)
        answer = self.answers.get(qid)
        if isinstance(answer, Selection):
            labels = [self.t.choice_label(qid, v) or question.choice(v).report
                      for v in answer.values]
            others = [french.inclusive(french.fragment(o)) for o in answer.others
                      if not french.is_filler(o)]  # "«", "/", "x": nothing to print
            return [french.inclusive(x) for x in labels] + [o for o in others if o]
        if answer is None or answer == "":
            return []
        if isinstance(answer, float):
            return [f"{answer:g}".replace(".", ",")]
        if isinstance(answer, date):
            return [french_date(answer)]
        return [french.fragment(str(answer))]

    def resolve(self, name: str, filters: list[str], where: str) -> str:
        if name in self.extra:
            return self.extra[name]
        items = self.items(name, where)
        for f in filters:
            if f in _PREFIX:
                items = [_PREFIX[f] + i for i in items]
        return french.join(items, "ou" if "ou" in filters else "et")

    def sentence(self, text: str, where: str, require_some: bool = True) -> str | None:
        filled = fill(text, lambda n, f: self.resolve(n, f, where), require_some)
        return french.finish(french.elide(filled)) if filled else None

    def count(self, qid: str, where: str) -> int | None:
        answer = self.answers.get(self.question(qid, where).id)
        if isinstance(answer, Selection):
            return len(answer.values) + len(answer.others) or None
        return int(answer) if isinstance(answer, int | float) else None

    def statements(self, s: Sentence) -> list[str]:
        where = s.where()
        names = {m.split("|")[0] for text in _texts(s) for m in PLACEHOLDER.findall(text)}
        for qid in [*(names - {"n", "groups", "value"}), *s.group, s.on, s.count]:
            if qid:
                self.question(qid, where)
        if s.group:
            return self.groups(s, where)
        text: str | None = s.text
        if s.count:
            n = self.count(s.count, where)
            text = None if n is None or (n == 0 and s.zero is None) else french.by_count(
                n, s.one, s.many, s.zero)
        elif s.on:
            text = self.case(s, where)
        result = self.sentence(text, where, not (s.count or s.on)) if text else None
        return [result] if result else []

    def case(self, s: Sentence, where: str) -> str | None:
        assert s.on is not None
        answer = self.answers.get(self.question(s.on, where).id)
        if not isinstance(answer, Selection) or not answer:
            return None
        for value, text in s.cases.items():
            if value in answer.values:
                return text
        return s.default

    def groups(self, s: Sentence, where: str) -> list[str]:
        by_value: dict[str, list[str]] = {}
        for qid, label in s.group.items():
            answer = self.answers.get(self.question(qid, where).id)
            if isinstance(answer, Selection) and answer:
                value = (self.items(qid, where) or [""])[0]
                by_value.setdefault(value, []).append(label)
        out = []
        for value, labels in by_value.items():
            self.extra = {"groups": french.join(labels), "value": value}
            out += [x for x in [self.sentence(s.text, where)] if x]
        self.extra = {}
        return out

    def quotes(self, tid: str, spec: TopicTemplate) -> list[str]:
        if spec.quotes is not None:
            ids: tuple[str, ...] = spec.quotes
        else:
            used = {m.split("|")[0] for s in spec.sentences for text in _texts(s)
                    for m in PLACEHOLDER.findall(text)}
            used |= {s.on or "" for s in spec.sentences} | {s.count or "" for s in spec.sentences}
            ids = tuple(q.id for q in self.q.questions
                        if q.topic == tid and q.type == "long_text" and q.id not in used)
        texts = [self.answers.get(qid) for qid in ids]
        return [quote_text(t) for t in texts if isinstance(t, str) and not french.is_filler(t)]


def _texts(s: Sentence) -> list[str]:
    return [s.text, s.one, s.many, s.zero or "", s.default or "", *s.cases.values()]


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
    """
    if not isinstance(text, str):
        return ()
    seen: dict[str, str] = {}
    for word in _KEYWORD_SPLIT.split(text):
        word = " ".join(word.split()).strip(" .")
        if word and not french.is_filler(word):
            seen.setdefault(word.casefold(), "#" + word.lower())
    return tuple(seen.values())


def compose(response: Response, questionnaire: Questionnaire, template: Template,
            network: Comparison | None = None) -> ReportModel:
    """The report model of one response (with ``network``: compared with the network)."""
    f = _Filler(response, questionnaire, template)
    answers = response.answers
    site = str(answers.get("site_nom") or response.site)
    when = response.timestamp
    context = {"site": french.display_name(site), "de_site": french.of_name(site),
               "date": french_date(when) if when else "",
               "errors": french.count_noun(response.errors, "réponse", "réponses"),
               **{k: " ".join(str(answers.get(k) or "").split()) for k in
                  ("site_commune", "site_code_postal")}}
    f.extra = context

    def label(key: str) -> str | None:
        return fill(template.labels[key], lambda n, _: f.resolve(n, [], f"labels.{key}"))
    title, identity = label("title"), [label("identity"), label("answered")]
    f.extra = {}
    parts = []
    for part in questionnaire.parts:
        topics = [b for b in (_topic(f, t.id, t.title, template) for t in part.topics) if b]
        intensity = answers.get(part.intensity) if part.intensity else None
        scale = questionnaire.question(part.intensity) if part.intensity else None
        level = intensity if isinstance(intensity, int) else None
        if topics or level is not None:
            parts.append(PartBlock(part.id, part.title, level,
                                   int(scale.max or 5) if scale else 5, tuple(topics)))
    provisional = None
    if response.errors:
        provisional = french.typography(fill(template.labels["provisional"],
                                             lambda n, _: context.get(n, "")) or "")
    return ReportModel(
        title=french.typography(title or site), site=site,
        identity=tuple(french.typography(i.strip()) for i in identity if i and i.strip()),
        parts=tuple(parts), keywords=keywords(answers.get("mots_cles")),
        provisional=provisional, labels=template.labels,
        network={k: tuple(v) for k, v in network.lines(response, questionnaire).items()}
        if network else {}, network_title=network.phrases["title"] if network else "")


def _topic(f: _Filler, tid: str, title: str, template: Template) -> TopicBlock | None:
    spec = template.topics.get(tid, TopicTemplate())
    for qid, values in spec.omit_when.items():
        answer = f.answers.get(qid)
        if isinstance(answer, Selection) and set(values) & set(answer.values):
            return None
    statements = [s for sentence in spec.sentences for s in f.statements(sentence)]
    quotes = f.quotes(tid, spec)
    if not statements and not quotes:
        return None
    return TopicBlock(tid, title, tuple(statements), tuple(quotes))

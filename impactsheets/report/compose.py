"""Compose one site's valid answers into a plain report model (no PDF concerns here).

Every part of the questionnaire is in the model, in order: its topics with something to say
(a topic with no answer is left out), or, when it has none, a one-line note from the
template. A provisional report (a row with errors) lists what to correct. New optional
fields (with defaults) may be added to the model's classes without breaking renderers.

>>> from impactsheets.questionnaire import load_questionnaire
>>> from impactsheets.report.template import load_template
>>> from impactsheets.validation import Response
>>> r = Response(2, {"site_nom": "Arsenal", "capacite_nombre": 1})
>>> model = compose(r, load_questionnaire(), load_template("default"))
>>> model.title, model.parts[0].topics[0].statements[0][:25]
('Effets sociaux et urbains d’Arsenal', 'Un nouveau projet ou acti')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from impactsheets.network.identity import site_fields
from impactsheets.questionnaire import Questionnaire
from impactsheets.report import french
from impactsheets.report.phrases import Phrases, fill, french_date, keywords, quote_text
from impactsheets.report.template import Template, TopicTemplate

if TYPE_CHECKING:  # validation imports report.french: no import cycle at run time
    from impactsheets.network.comparison import Comparison
    from impactsheets.validation import Response

_ANSWER_SHOWN = 160  # characters of a wrong answer quoted in the correction box

__all__ = ["AnswerGrid", "Correction", "PartBlock", "ReportModel", "TopicBlock", "compose", "fill",
           "french_date", "keywords", "quote_text"]


@dataclass(frozen=True)
class AnswerGrid:
    """A grid question's answers, drawn as a small table: each answered row's label and its
    chosen columns' labels; with ``columns`` (every column's label), a grid of check marks."""

    rows: tuple[tuple[str, tuple[str, ...]], ...]
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class TopicBlock:
    id: str
    title: str
    statements: tuple[str, ...]
    quotes: tuple[str, ...]
    lead_in: str | None = None  # said before the quotes when no statement is
    effect: bool = True  # False when every statement says that nothing happened
    grid: AnswerGrid | None = None  # shown after the statements


@dataclass(frozen=True)
class PartBlock:
    id: str
    title: str
    intensity: int | None
    intensity_max: int
    topics: tuple[TopicBlock, ...]
    note: str | None = None  # the line shown when the part has no topic

    @property
    def effects(self) -> int:
        """How many of the part's topics report an effect."""
        return sum(t.effect for t in self.topics)


@dataclass(frozen=True)
class Correction:
    """One answer to correct: the question, the answer given, why it is not accepted."""

    question: str
    answer: str
    why: str


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
    corrections: tuple[Correction, ...] = ()
    # The site against the network, per part id (impactsheets.network.comparison).
    network: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    network_title: str = ""

    def text(self) -> str:
        """The report as plain text, in reading order (for logs and tests)."""
        lines = [self.title, *self.identity, " ".join(self.keywords)]
        for part in self.parts:
            lines.append(part.title)
            if part.intensity is not None:
                lines.append(f"{self.labels['intensity']} : {part.intensity}/{part.intensity_max}")
            lines += [part.note] if part.note else []
            for topic in part.topics:
                lines += [topic.title, *([topic.lead_in] if topic.lead_in else []),
                          *topic.statements, *(f"« {q} »" for q in topic.quotes)]
        if self.provisional:
            lines.append(self.provisional)
        lines += [f"{c.question} | {c.answer} | {c.why}" for c in self.corrections]
        return "\n".join(x for x in lines if x)


def compose(response: Response, questionnaire: Questionnaire, template: Template,
            network: Comparison | None = None) -> ReportModel:
    """The report model of one response (with ``network``: compared with the network)."""
    answers = response.answers
    labels = template.labels
    f = Phrases(answers, questionnaire, template)
    fields = site_fields(questionnaire)
    site = questionnaire.site.name_of(answers, response.row)
    when = response.timestamp

    def said(qid: str | None) -> str:
        return " ".join(str(answers.get(qid or "") or "").split())
    shown = french.printable(site)  # control characters out before apostrophes are set
    context = {"site": french.display_name(shown),
               "de_site": french.of_name(shown, labels["place"]),
               "date": french_date(when) if when else "",
               "errors": french.count_noun(response.errors, "réponse", "réponses"),
               "site_commune": said(fields.town), "site_code_postal": said(fields.postal_code),
               "town": said(fields.town), "postal_code": said(fields.postal_code)}

    def label(key: str) -> str | None:
        return fill(labels[key], lambda n, _: context.get(n, ""))
    title, identity = label("title"), [label("identity"), label("answered")]
    parts = []
    for part in questionnaire.parts:
        topics = [b for b in (_topic(f, t.id, french.apostrophes(t.title), template)
                              for t in part.topics) if b]
        intensity = answers.get(part.intensity) if part.intensity else None
        scale = questionnaire.question(part.intensity) if part.intensity else None
        level = intensity if isinstance(intensity, int) else None
        note = None if topics else labels["part_no_topic" if level is not None else "part_empty"]
        parts.append(PartBlock(part.id, french.apostrophes(part.title), level,
                               int(scale.max or 5) if scale else 5, tuple(topics),
                               french.typography(note) if note else None))
    provisional = None
    if response.errors:
        provisional = french.typography(label("provisional") or "")
    return ReportModel(
        title=french.typography(title or shown), site=site,
        identity=tuple(french.typography(i.strip()) for i in identity if i and i.strip()),
        parts=tuple(parts), keywords=keywords(answers.get(fields.keywords or "")),
        provisional=provisional, labels=labels,
        corrections=corrections(response, questionnaire, template) if provisional else (),
        network={k: tuple(v) for k, v in network.lines(response).items()}
        if network else {}, network_title=network.phrases["title"] if network else "")


def corrections(response: Response, questionnaire: Questionnaire,
                template: Template) -> tuple[Correction, ...]:
    """The answers to correct: the row's errors about a question (warnings do not block)."""
    found = [p for p in response.problems if p.question and p.severity == "error"]
    out = []
    for p in found:
        label = questionnaire.question(p.question).label if p.question in questionnaire.by_id \
            else p.header or p.question or ""
        answer = " ".join(french.printable(p.value or "").split())
        if len(answer) > _ANSWER_SHOWN:  # a whole essay would not fit in the box
            answer = answer[:_ANSWER_SHOWN - 1].rstrip() + "…"
        out.append(Correction(french.typography(label),
                              french.typography(answer) or template.labels["corrections_blank"],
                              french.typography(p.message)))
    return tuple(out)


def _topic(f: Phrases, tid: str, title: str, template: Template) -> TopicBlock | None:
    spec = template.topics.get(tid, TopicTemplate())
    for qid, values in spec.omit_when.items():
        answer = f.answers.get(qid)
        if set(values) & set(getattr(answer, "values", ())):
            return None
    said = [s for sentence in spec.sentences for s in f.statements(sentence)]
    quotes = f.quotes(f.quoted_ids(tid, spec))
    if not said and not quotes:
        return None
    lead_in = None
    if not said:
        question = f.q.question(quotes[0][0]).label
        lead_in = french.typography(fill(spec.lead_in or template.labels["lead_in"],
                                         lambda n, _: question if n == "question" else "",
                                         require_some=False) or "")
    return TopicBlock(tid, title, tuple(s for s, _ in said), tuple(q for _, q in quotes),
                      lead_in, effect=bool(quotes) or any(not negative for _, negative in said))

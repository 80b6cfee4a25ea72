"""The network's figures, computed with pandas from the tidy answers frame.

Every share is a share of the sites that answered the questionnaire (current responses, valid
or provisional: a provisional row's valid answers count). Works with any questionnaire: the
parts' intensities and topics when it has some, and the choice frequencies and scale
distributions of every other choice or scale question.

>>> from impactsheets.pipeline import EXAMPLE_WORKBOOK, validate_source
>>> from impactsheets.resources import data_path
>>> from impactsheets.questionnaire import load_questionnaire
>>> q = load_questionnaire()
>>> stats = network_stats(validate_source(data_path("examples", EXAMPLE_WORKBOOK), q)[1], q)
>>> stats.sites, stats.valid, stats.provisional, stats.superseded
(13, 9, 4, 1)
>>> stats.parts[0].scale.median
3.0
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from impactsheets.network.frame import VALID, network_frames
from impactsheets.network.identity import departement_label, site_fields
from impactsheets.network.wording import Wording, load_wording
from impactsheets.questionnaire import Question, Questionnaire
from impactsheets.report import french
from impactsheets.validation import ValidationReport

QUOTE_MIN, QUOTE_MAX = 40, 420  # characters of a comment worth quoting in the synthesis


@dataclass(frozen=True)
class Share:
    """How many sites chose one option, and which share of the network that is."""

    value: str
    label: str
    count: int
    share: float


@dataclass(frozen=True)
class ChoiceStats:
    """The options of one choice question, most chosen first (free answers grouped last)."""

    id: str
    label: str
    answered: int
    shares: tuple[Share, ...]


@dataclass(frozen=True)
class ScaleStats:
    """The distribution of a scale question: sites per level, and the median."""

    id: str
    label: str
    levels: tuple[int, ...]
    counts: tuple[int, ...]
    median: float | None

    @property
    def answered(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class TopicStats:
    id: str
    title: str
    questions: tuple[ChoiceStats, ...]


@dataclass(frozen=True)
class PartStats:
    id: str
    title: str
    scale: ScaleStats | None
    topics: tuple[TopicStats, ...]


@dataclass(frozen=True)
class Quote:
    text: str
    site: str
    town: str
    topic: str


@dataclass(frozen=True)
class NetworkStats:
    """Everything the synthesis says and what a site report compares itself with."""

    sites: int
    valid: int
    provisional: int
    superseded: int
    parts: tuple[PartStats, ...]
    others: tuple[ChoiceStats | ScaleStats, ...]  # questions outside the parts' topics
    departements: tuple[tuple[str, int], ...]
    keywords: tuple[tuple[str, int], ...]
    quotes: tuple[Quote, ...]
    shares: dict[tuple[str, str], float] = field(default_factory=dict, repr=False)

    def share_of(self, question: str, value: str) -> float | None:
        """Share of the network's sites that chose ``value`` for ``question``."""
        return self.shares.get((question, value))

    def median_of(self, part: str) -> float | None:
        return next((p.scale.median for p in self.parts if p.id == part and p.scale), None)


def _choice_stats(question: Question, rows: pd.DataFrame | None, sites: int,
                  other_label: str) -> ChoiceStats:
    if rows is None or rows.empty:
        return ChoiceStats(question.id, question.label, 0, ())
    chosen = rows[~rows.other].groupby("value").row.nunique()
    order = {c.value: i for i, c in enumerate(question.choices)}
    shares = [Share(c.value, c.label, int(chosen.get(c.value, 0)),
                    int(chosen.get(c.value, 0)) / sites) for c in question.choices]
    shares.sort(key=lambda s: (-s.count, order[s.value]))
    others = rows[rows.other].row.nunique()
    if others:
        shares.append(Share("", other_label, int(others), others / sites))
    return ChoiceStats(question.id, question.label, int(rows.row.nunique()), tuple(shares))


def _scale_stats(question: Question, rows: pd.DataFrame | None) -> ScaleStats:
    low, high = int(question.min or 1), int(question.max or 5)
    levels = tuple(range(low, high + 1))
    values = pd.to_numeric(rows.value, errors="coerce").dropna() if rows is not None else None
    if values is None or values.empty:
        return ScaleStats(question.id, question.label, levels, (0,) * len(levels), None)
    counts = values.astype("int64").value_counts()
    return ScaleStats(question.id, question.label, levels,
                      tuple(int(counts.get(level, 0)) for level in levels),
                      float(values.median()))


def _keywords(frame: pd.DataFrame, question: str | None, top: int) -> tuple[tuple[str, int], ...]:
    from impactsheets.report.phrases import keywords

    if question is None:
        return ()
    counts: Counter[str] = Counter()
    for text in frame.value[frame.question == question]:
        counts.update(k.lstrip("#") for k in keywords(text))
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top])


def _quotes(frame: pd.DataFrame, questionnaire: Questionnaire, count: int) -> tuple[Quote, ...]:
    """At most one quote per topic and per site, from valid sites, in the form's order."""
    from impactsheets.report.phrases import quote_text

    long_texts = {q.id: q.topic for q in questionnaire.questions if q.type == "long_text"}
    topics = {t.id: t.title for p in questionnaire.parts for t in p.topics}
    rows = frame[frame.question.isin(list(long_texts)) & (frame.status == VALID)]
    quoted: set[int] = set()
    seen_topics: set[str | None] = set()
    quotes: list[Quote] = []
    for qid, group in rows.groupby("question", sort=False):
        topic = long_texts[str(qid)]
        if topic in seen_topics or len(quotes) >= count:
            continue
        # Longest first; only the few tried are cleaned (cleaning every comment is slow).
        candidates = sorted(
            ((len(v), int(r), str(v), s, t) for v, r, s, t in
             zip(group.value, group.row, group.site, group.town, strict=True)
             if QUOTE_MIN <= len(str(v)) <= QUOTE_MAX and int(r) not in quoted),
            key=lambda c: (-c[0], c[1]))
        for _, row, raw, site, town in candidates:
            text = quote_text(raw)
            if QUOTE_MIN <= len(text) <= QUOTE_MAX and not french.is_filler(text):
                quotes.append(Quote(text, site, town, topics.get(topic or "", "")))
                quoted.add(row)
                seen_topics.add(topic)
                break
    return tuple(quotes)


def network_stats(report: ValidationReport, questionnaire: Questionnaire,
                  wording: Wording | None = None) -> NetworkStats:
    """The network's figures from a validation report (labels and sizes from ``wording``)."""
    w = wording or load_wording()

    def setting(key: str) -> int:
        return int(w.setting("synthesis", key))
    keywords, quotes, departements = (setting("keywords_shown"), setting("quotes_shown"),
                                      setting("departements_shown"))
    other_label = w.text("synthesis", "other_answer")
    frame, sites_frame = network_frames(report, questionnaire)
    sites = max(len(sites_frame), 1)
    by_question = frame.groupby("question", sort=False)
    answered = by_question.groups  # one question's rows at a time: no copy of the whole frame
    in_topics: set[str] = set()

    def rows(qid: str | None) -> pd.DataFrame | None:
        return by_question.get_group(qid) if qid in answered else None

    def choice(question: Question) -> ChoiceStats:
        return _choice_stats(question, rows(question.id), sites, other_label)

    parts = []
    for part in questionnaire.parts:
        scale = (_scale_stats(questionnaire.question(part.intensity), rows(part.intensity))
                 if part.intensity else None)
        in_topics.add(part.intensity or "")
        topics = []
        for topic in part.topics:
            asked = [q for q in questionnaire.questions if q.topic == topic.id]
            in_topics.update(q.id for q in asked)
            topics.append(TopicStats(topic.id, topic.title,
                                     tuple(choice(q) for q in asked if q.choices)))
        parts.append(PartStats(part.id, part.title, scale, tuple(topics)))
    others: list[ChoiceStats | ScaleStats] = [
        choice(q) if q.choices else _scale_stats(q, rows(q.id))
        for q in questionnaire.questions
        if q.id not in in_topics and (q.choices or q.type == "scale")]
    shares = {(stats.id, share.value): share.share
              for stats in [*(q for p in parts for t in p.topics for q in t.questions), *others]
              if isinstance(stats, ChoiceStats) for share in stats.shares if share.value}
    by_departement = sites_frame.departement[sites_frame.departement != ""].value_counts()
    ranked = sorted(by_departement.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = tuple((departement_label(str(code)), int(n)) for code, n in ranked[:departements])
    rest = sum(int(n) for _, n in ranked[departements:])
    unknown = int((sites_frame.departement == "").sum())
    extra: tuple[tuple[str, int], ...] = (
        ((w.text("synthesis", "other_departements"), rest),) if rest else ())
    extra += ((w.text("synthesis", "no_postal_code"), unknown),) if unknown else ()
    counts = report.summary()
    return NetworkStats(
        sites=len(sites_frame), valid=counts["valid"], provisional=counts["with_problems"],
        superseded=counts["superseded"], parts=tuple(parts), others=tuple(others),
        departements=shown + extra if site_fields(questionnaire).postal_code else (),
        keywords=_keywords(frame, site_fields(questionnaire).keywords, keywords),
        quotes=_quotes(frame, questionnaire, quotes), shares=shares)

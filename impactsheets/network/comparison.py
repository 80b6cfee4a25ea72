"""Each site against the network: the lines a site report prints under each part.

Per part, the network's median intensity beside the site's own; per topic, the share of the
network's sites that gave the same answers as this site. A switch of ``network.yaml``
(``comparison.enabled``), and never below ``comparison.min_sites`` sites, so that no site can
be recognised from the figures. The :class:`Comparison` is small and picklable: it travels to
the rendering processes once.

>>> from impactsheets.pipeline import EXAMPLE_WORKBOOK, validate_source
>>> from impactsheets.questionnaire import load_questionnaire
>>> from impactsheets.resources import data_path
>>> q = load_questionnaire()
>>> report = validate_source(data_path("examples", EXAMPLE_WORKBOOK), q)[1]
>>> comparison = network_comparison(report, q)
>>> comparison.lines(report.current[0])["individuels"][0]
'Intensité\u202f: 4/5 pour ce lieu\u202f; médiane des lieux du réseau\u202f: 3/5.'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from impactsheets.answers import Selection
from impactsheets.network.wording import Wording, decimal, load_wording, percent
from impactsheets.questionnaire import Questionnaire
from impactsheets.report import french
from impactsheets.report.template import Template, load_template

if TYPE_CHECKING:  # pandas loads only where figures are computed, not in render workers
    from impactsheets.network.stats import NetworkStats
    from impactsheets.validation import Response, ValidationReport


@dataclass(frozen=True)
class Comparison:
    """The network's figures a site report compares itself with, and their wording, laid out
    once per run so that each site's lines are only look-ups."""

    medians: dict[str, tuple[float, int]]  # part id -> (median, scale maximum)
    shares: dict[tuple[str, str], str]  # (question, choice value) -> "label (share)"
    phrases: dict[str, str]  # title, median, shares, topic (network.yaml, comparison)
    # (part id, its intensity question, ((topic title, its choice questions), …)), in order
    layout: tuple[tuple[str, str | None, tuple[tuple[str, tuple[str, ...]], ...]], ...] = ()
    #: Lines already worded, by what they depend on (sites share answers: a national run
    #: words each once).
    worded: dict[tuple[Any, ...], str] = field(default_factory=dict, compare=False, repr=False)

    def lines(self, response: Response) -> dict[str, list[str]]:
        """Per part id, the comparison lines of this response (parts with none left out)."""
        result: dict[str, list[str]] = {}
        answers, worded = response.answers, self.worded
        for part, intensity, topics in self.layout:
            lines = []
            own = answers.get(intensity or "")
            if part in self.medians and isinstance(own, int) and not isinstance(own, bool):
                if (line := worded.get((part, own))) is None:
                    median, high = self.medians[part]
                    line = worded[(part, own)] = _fill(
                        self.phrases["median"], median=decimal(median), high=high, site=own)
                lines.append(line)
            said = []
            for title, questions in topics:
                chosen = (title, *[_values(answers.get(qid)) for qid in questions])
                if (line := worded.get(chosen)) is None:  # "" when it shares nothing
                    shares = [self.shares[(qid, value)] for qid, values in
                              zip(questions, chosen[1:], strict=True) for value in values
                              if (qid, value) in self.shares]
                    line = worded[chosen] = _fill(self.phrases["topic"], topic=title,
                                                  shares=", ".join(shares)) if shares else ""
                if line:
                    said.append(line)
            lines += [self.phrases["shares"], *said] if said else []
            if lines:
                result[part] = lines
        return result


def _fill(text: str, **values: object) -> str:
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def _values(answer: object) -> tuple[str, ...]:
    return answer.values if isinstance(answer, Selection) else ()


def comparison_from(stats: NetworkStats, wording: Wording, template: Template,
                    questionnaire: Questionnaire) -> Comparison | None:
    """The comparison, or None when the template switches it off or the network is too small."""
    if not wording.setting("comparison", "enabled"):
        return None
    if stats.sites < int(wording.setting("comparison", "min_sites")):
        return None
    medians = {p.id: (p.scale.median, p.scale.levels[-1]) for p in stats.parts
               if p.scale is not None and p.scale.median is not None}
    phrases = {k: french.typography(str(wording.setting("comparison", k)))
               for k in ("title", "median", "shares", "topic", "share")}
    shares = {}
    for (qid, value), share in stats.shares.items():
        choice = questionnaire.question(qid).choice(value)
        label = french.inclusive(template.choice_label(qid, value) or choice.report)
        shares[(qid, value)] = _fill(phrases["share"], label=label, share=percent(share))
    layout = tuple(
        (part.id, part.intensity,
         tuple((topic.title, tuple(q.id for q in questionnaire.questions
                                   if q.topic == topic.id and q.choices))
               for topic in part.topics))
        for part in questionnaire.parts)
    return Comparison(medians, shares, phrases, layout)


def network_comparison(report: ValidationReport, questionnaire: Questionnaire,
                       template: Template | str | Path = "default",
                       stats: NetworkStats | None = None) -> Comparison | None:
    """The comparison of a validated sheet (None: off, or fewer sites than ``min_sites``)."""
    from impactsheets.network.stats import network_stats

    loaded = template if isinstance(template, Template) else load_template(template)
    wording = load_wording(loaded)
    stats = stats or network_stats(report, questionnaire, wording)
    return comparison_from(stats, wording, loaded, questionnaire)


def comparison_box(title: str, lines: tuple[str, ...], s: Any, width: float) -> Any:
    """The flowable appended to a part of a site report: a tinted box ``width`` wide with the
    title and the lines, in the report's styles (``s``: the site report's styles)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Spacer

    from impactsheets.report.flowables import TintedBox

    heading, small = _box_styles(s)
    box = TintedBox([s.para(title, heading), *(s.para(line, small) for line in lines)],
                    s.colors["quote_background"], s.colors["primary"], bar=2.2,
                    padding=(5, 6, 3, 8))
    return KeepTogether([Spacer(1, 2 * mm), box])


@lru_cache(maxsize=4)  # one pair per report styles (a render worker has one)
def _box_styles(s: Any) -> tuple[Any, Any]:
    from reportlab.lib.styles import ParagraphStyle

    size = s.body.fontSize
    small = ParagraphStyle("network", s.body, fontSize=size * 0.9, leading=size * 1.2,
                           spaceAfter=size * 0.2, textColor=s.colors["text"])
    heading = ParagraphStyle("network-title", small, fontName=f"{s.family}-bold",
                             textColor=s.colors["primary"])
    return heading, small

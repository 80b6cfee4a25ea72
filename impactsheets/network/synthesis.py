"""The network synthesis PDF (``synthese-reseau.pdf``): the whole network on a few pages.

Key figures; per part the intensity distribution (a vector bar chart) and its median; per
topic, for each choice question, the share of sites that ticked each answer (horizontal
bars); sites by département; the most frequent keywords; a few quotes. Charts are
reportlab.graphics drawings in the report template's fonts and colours; the wording comes
from ``network.yaml`` (:mod:`impactsheets.network.wording`). Deterministic: the same answers
and template give the same bytes.

>>> from impactsheets.network.stats import NetworkStats
>>> Synthesis.__name__
'Synthesis'
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from impactsheets.files import atomic_write
from impactsheets.network.stats import ChoiceStats, NetworkStats, ScaleStats, network_stats
from impactsheets.network.wording import Wording, decimal, load_wording, percent
from impactsheets.questionnaire import Questionnaire
from impactsheets.report import french
from impactsheets.report.fonts import register_fonts, safe_text
from impactsheets.report.pdf import numbered_canvas
from impactsheets.report.phrases import french_date
from impactsheets.report.template import Template, load_template
from impactsheets.validation import ValidationReport

FILE_NAME = "synthese-reseau.pdf"
_BAR_ROW = 13.5  # points per bar


class _Look:
    """Fonts, colours and paragraph styles from the report template."""

    def __init__(self, template: Template) -> None:
        style = template.style
        self.style = style
        self.family = register_fonts(template.folder, tuple(sorted(style.fonts.items())))
        self.covered = frozenset(pdfmetrics.getFont(self.family).face.charToGlyph)
        self.c = {k: colors.HexColor(v) for k, v in style.colors.items()}
        size = self.size = style.font_size
        base = ParagraphStyle("body", fontName=self.family, fontSize=size, leading=size * 1.35,
                              textColor=self.c["text"])
        self.body = base
        self.small = ParagraphStyle("small", base, fontSize=size * 0.88, leading=size * 1.1)
        self.caption = ParagraphStyle("caption", base, fontSize=size * 0.85, leading=size * 1.15,
                                      textColor=self.c["muted"], spaceAfter=size * 0.4)
        self.title = ParagraphStyle("title", base, fontName=f"{self.family}-bold",
                                    fontSize=size * 2.3, leading=size * 2.7,
                                    textColor=self.c["primary"])
        self.subtitle = ParagraphStyle("subtitle", base, fontSize=size * 1.3, leading=size * 1.7,
                                       textColor=self.c["muted"])
        self.heading = ParagraphStyle("heading", base, fontName=f"{self.family}-bold",
                                      fontSize=size * 1.2, leading=size * 1.5,
                                      textColor=self.c["primary"], spaceBefore=size * 0.9,
                                      spaceAfter=size * 0.3)
        self.question = ParagraphStyle("question", base, fontName=f"{self.family}-bold",
                                       spaceBefore=size * 0.5, spaceAfter=size * 0.2)
        self.quote = ParagraphStyle("quote", base, fontName=f"{self.family}-italic",
                                    leftIndent=size * 1.2)
        self.source = ParagraphStyle("source", self.small, textColor=self.c["muted"],
                                     leftIndent=size * 1.2, spaceAfter=size * 0.8)

    def text(self, text: str) -> str:
        return escape(safe_text(text, self.covered))

    def para(self, text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(self.text(text).replace("\n", "<br/>"), style)


class Band(Flowable):
    """A coloured band with a part's title."""

    def __init__(self, title: str, look: _Look) -> None:
        super().__init__()
        self.title, self.look = title, look

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width, self.height = available_width, self.look.size * 2.4
        return self.width, self.height

    def draw(self) -> None:
        look, c = self.look, self.canv
        c.setFillColor(look.c["primary"])
        c.roundRect(0, 0, self.width, self.height, 3, stroke=0, fill=1)
        c.setFillColor(colors.white)
        c.setFont(f"{look.family}-bold", look.size * 1.3)
        c.drawString(look.size, self.height / 2 - look.size * 0.45,
                     safe_text(self.title.upper(), look.covered))


def bars(rows: list[tuple[str, float, str]], look: _Look, width: float,
         label_share: float = 0.5) -> Table:
    """Horizontal bars: ``(label, value from 0 to 1, value shown)`` per row; labels wrap."""
    label_width = width * label_share
    bar_width = width - label_width
    track = bar_width - look.size * 4
    data = []
    for label, value, shown in rows:
        drawing = Drawing(bar_width, _BAR_ROW, initialFontName=look.family)
        drawing.add(Rect(0, 2.5, track, _BAR_ROW - 5, fillColor=look.c["tag_background"],
                         strokeColor=None))
        if value > 0:
            drawing.add(Rect(0, 2.5, max(track * min(value, 1.0), 1.2), _BAR_ROW - 5,
                             fillColor=look.c["primary"], strokeColor=None))
        drawing.add(String(track + look.size * 0.5, 4, safe_text(shown, look.covered),
                           fontName=f"{look.family}-bold", fontSize=look.size * 0.88,
                           fillColor=look.c["text"]))
        data.append([look.para(label, look.small), drawing])
    table = Table(data, colWidths=[label_width, bar_width])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), look.family),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (0, -1), 6),
                               ("TOPPADDING", (0, 0), (-1, -1), 1),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return table


def distribution(scale: ScaleStats, look: _Look, width: float, height: float) -> Drawing:
    """A vertical bar chart of sites per level; the median's level in the accent colour."""
    drawing = Drawing(width, height, initialFontName=look.family)  # no default Helvetica
    chart = VerticalBarChart()
    chart.x, chart.y = look.size * 2.5, look.size * 1.8
    chart.width, chart.height = width - chart.x - 4, height - chart.y - look.size * 1.4
    chart.data = [list(scale.counts)]
    chart.categoryAxis.categoryNames = [str(level) for level in scale.levels]
    top = max(max(scale.counts), 1)
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, top
    chart.valueAxis.valueStep = max(1, -(-top // 4))
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName, axis.labels.fontSize = look.family, look.size * 0.85
        axis.labels.fillColor = look.c["muted"]
        axis.strokeColor = look.c["rule"]
    chart.valueAxis.visibleGrid, chart.valueAxis.gridStrokeColor = True, look.c["rule"]
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.bars.strokeColor = None
    chart.bars[0].fillColor = look.c["primary"]
    median = round(scale.median) if scale.median is not None else None
    for index, level in enumerate(scale.levels):
        if level == median:
            chart.bars[(0, index)].fillColor = look.c["accent"]
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName, chart.barLabels.fontSize = f"{look.family}-bold", look.size * 0.85
    chart.barLabels.nudge = look.size * 0.6
    drawing.add(chart)
    return drawing


class Synthesis:
    """Builds the story of the synthesis PDF."""

    def __init__(self, stats: NetworkStats, questionnaire: Questionnaire, look: _Look,
                 wording: Wording, width: float, when: datetime | None) -> None:
        self.stats, self.q, self.look, self.w, self.width = stats, questionnaire, look, wording, width
        self.when = when

    def t(self, key: str, **values: Any) -> str:
        return self.w.text("synthesis", key, **values)

    def story(self) -> list[Flowable]:
        look = self.look
        story: list[Flowable] = [look.para(self.t("title"), look.title),
                                 look.para(self.t("subtitle", questionnaire=self.q.title),
                                           look.subtitle)]
        if self.when is not None:
            story.append(look.para(self.t("date", date=french_date(self.when)), look.caption))
        story += [Spacer(1, 5 * mm), self.figures(), Spacer(1, 4 * mm)]
        for part in self.stats.parts:
            story += [CondPageBreak(70 * mm), Spacer(1, 3 * mm), Band(part.title, look),
                      Spacer(1, 2 * mm), look.para(self.shares_caption(), look.caption)]
            if part.scale is not None:
                story.append(self.scale(part.scale, self.t("intensity")))
            for topic in part.topics:
                charts = [self.choice(q) for q in topic.questions if q.shares]
                if charts:
                    heading = look.para(topic.title, look.heading)
                    story += [KeepTogether([heading, *charts[0]]),
                              *(KeepTogether(chart) for chart in charts[1:])]
        if self.stats.others:
            story += [CondPageBreak(50 * mm), Band(self.t("others"), look), Spacer(1, 2 * mm),
                      look.para(self.shares_caption(), look.caption)]
            for stats in self.stats.others:
                if isinstance(stats, ChoiceStats):
                    story += [KeepTogether(self.choice(stats))] if stats.shares else []
                else:
                    story.append(KeepTogether([look.para(stats.label, look.question),
                                               self.scale(stats, stats.label)]))
        story += self.places()
        return story

    def shares_caption(self) -> str:
        return self.t("shares_caption", sites=self.w.count("synthesis", "sites_noun",
                                                          self.stats.sites))

    def figures(self) -> Table:
        look, s = self.look, self.stats
        number = ParagraphStyle("figure", look.body, fontName=f"{look.family}-bold",
                                fontSize=look.size * 2.2, leading=look.size * 2.4,
                                textColor=look.c["primary"])
        cells = []
        for key, n in (("sites", s.sites), ("valid", s.valid), ("provisional", s.provisional),
                       ("superseded", s.superseded)):
            cells.append([Paragraph(str(n), number),
                          look.para(self.w.phrase("synthesis", f"figures.{key}", n), look.body)])
        table = Table([cells], colWidths=[self.width / 4] * 4)
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), look.family),

            ("BACKGROUND", (0, 0), (-1, -1), look.c["quote_background"]),
            ("LINEAFTER", (0, 0), (-2, -1), 2, colors.white),
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 8),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 8), ("LEFTPADDING", (0, 0), (-1, -1), 8)]))
        return table

    def scale(self, scale: ScaleStats, title: str) -> Flowable:
        look = self.look
        high = scale.levels[-1] if scale.levels else 5
        if scale.median is None:
            return look.para(self.t("no_answer"), look.caption)
        chart = distribution(scale, look, self.width * 0.55, 38 * mm)
        text = [look.para(title, look.question),
                Paragraph(f'<font name="{look.family}-bold" size="{look.size * 1.6:g}" '
                          f'color="{look.style.colors["accent"]}">'
                          f'{look.text(self.t("median", median=decimal(scale.median), high=high))}'
                          f'</font>', ParagraphStyle("median", look.body, leading=look.size * 2)),
                look.para(self.t("intensity_caption", low=scale.levels[0], high=high),
                          look.caption)]
        table = Table([[chart, text]], colWidths=[self.width * 0.58, self.width * 0.42])
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), look.family),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        return table

    def choice(self, stats: ChoiceStats) -> list[Flowable]:
        look = self.look
        rows = [(share.label, share.share, percent(share.share)) for share in stats.shares]
        return [look.para(stats.label, look.question), bars(rows, look, self.width)]

    def places(self) -> list[Flowable]:
        look, s = self.look, self.stats
        story: list[Flowable] = []
        if s.departements:
            top = max(n for _, n in s.departements)
            rows = [(label, n / top, str(n)) for label, n in s.departements]
            story += [CondPageBreak(60 * mm), Band(self.t("departements"), look),
                      Spacer(1, 2 * mm), look.para(self.t("departements_caption"), look.caption),
                      bars(rows, look, self.width, 0.42)]
        if s.keywords:
            top = max(n for _, n in s.keywords)
            story += [CondPageBreak(50 * mm), look.para(self.t("keywords"), look.heading),
                      look.para(self.t("keywords_caption"), look.caption),
                      bars([(k, n / top, str(n)) for k, n in s.keywords], look, self.width,
                           0.42)]
        if s.quotes:
            story += [CondPageBreak(40 * mm), look.para(self.t("quotes"), look.heading)]
            attributed = bool(self.w.setting("synthesis", "quotes_attributed"))
            for quote in s.quotes:
                source = (", ".join(x for x in (french.display_name(quote.site), quote.town) if x)
                          if attributed else self.t("quote_anonymous"))
                source = f"{source} — {quote.topic}" if quote.topic else source
                story.append(KeepTogether([look.para(f"« {quote.text} »", look.quote),
                                           look.para(source, look.source)]))
        return story


def _canvas(look: _Look, wording: Wording, title: str) -> type[Canvas]:
    """Title and "Page n / N" in every footer, once the page count is known."""

    def footer(_canvas: Canvas, number: int, total: int) -> tuple[str, str]:
        return (safe_text(title, look.covered),
                safe_text(wording.text("synthesis", "page", page=number, pages=total),
                          look.covered))

    return numbered_canvas(look.style.margins_mm, look.family, look.c["rule"], look.c["muted"],
                           footer)


def synthesis_pdf(report: ValidationReport, questionnaire: Questionnaire,
                  template: Template | str | Path = "default",
                  stats: NetworkStats | None = None) -> bytes:
    """The synthesis PDF of a validation report (deterministic bytes)."""
    loaded = template if isinstance(template, Template) else load_template(template)
    wording = load_wording(loaded)
    stats = stats or network_stats(report, questionnaire, wording)
    look = _Look(loaded)
    style = loaded.style
    pagesize = A4 if style.page_size == "A4" else letter
    top, right, bottom, left = (m * mm for m in style.margins_mm)
    times = [r.timestamp for r in report.current if r.timestamp is not None]
    title = f"{wording.text('synthesis', 'title')} — {questionnaire.title}".strip(" —")
    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=pagesize, invariant=1, lang="fr-FR", title=title,
                          author=style.author or "impactsheets", creator="impactsheets",
                          initialFontName=look.family,  # no unused, unembedded Helvetica
                          subject=wording.text("synthesis", "subject"))
    frame = Frame(left, bottom, pagesize[0] - left - right, pagesize[1] - top - bottom,
                  id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("page", [frame])])
    builder = Synthesis(stats, questionnaire, look, wording, frame._width,
                        max(times) if times else None)
    doc.build(builder.story(), canvasmaker=_canvas(look, wording, title))
    return buffer.getvalue()


def write_synthesis(report: ValidationReport, questionnaire: Questionnaire, out_dir: Path,
                    template: Template | str | Path = "default",
                    stats: NetworkStats | None = None, *, only_if_changed: bool = False) -> Path:
    """Write ``out_dir/synthese-reseau.pdf`` atomically; return its path. With
    ``only_if_changed`` (the sync), a synthesis whose inputs (figures, template, questionnaire
    title, last answer date) are those of the file already there is not drawn again: a
    digest of them is kept in ``.synthese-reseau.sha256`` beside it."""
    from impactsheets.state import fingerprint

    loaded = template if isinstance(template, Template) else load_template(template)
    path, marker = Path(out_dir) / FILE_NAME, Path(out_dir) / f".{FILE_NAME}.sha256"
    stats = stats or network_stats(report, questionnaire, load_wording(loaded))
    times = [r.timestamp for r in report.current if r.timestamp is not None]
    digest = fingerprint(repr(stats), loaded.fingerprint, questionnaire.title,
                         max(times) if times else None)
    if only_if_changed and path.is_file() and marker.is_file() and \
            marker.read_text(encoding="utf-8") == digest:
        return path
    atomic_write(path, synthesis_pdf(report, questionnaire, loaded, stats))
    if only_if_changed:
        atomic_write(marker, digest.encode("utf-8"))
    return path

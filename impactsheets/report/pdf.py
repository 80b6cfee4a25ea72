"""Render a report model to PDF bytes with reportlab platypus, styled by the template.

One column, so the text extracts in reading order; an embedded TTF family (subset);
metadata in French; "Page n / N" footers; byte-identical output for identical input.
User text is escaped, and characters the font lacks are replaced or dropped.

>>> from impactsheets.report.compose import ReportModel
>>> from impactsheets.report.template import load_template
>>> t = load_template("default")
>>> model = ReportModel("Effets sociaux et urbains d’Arsenal", "Arsenal", (), (), (), None,
...                     t.labels)
>>> to_pdf(model, t)[:8]
b'%PDF-1.4'
"""

from __future__ import annotations

import io
from collections.abc import Callable
from copy import deepcopy
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.paragraph import cleanBlockQuotedText

from impactsheets.report import french
from impactsheets.report.compose import ReportModel
from impactsheets.report.flowables import (
    BalancedParagraph,
    Logo,
    PartHeader,
    QuoteParagraph,
    SummaryChart,
    WrapOnceParagraph,
)
from impactsheets.report.fonts import font_coverage, register_fonts, safe_text
from impactsheets.report.grid_table import grid_table
from impactsheets.report.template import Style, Template

#: The paragraph styles made for each template style, by its identity (the style is kept, so
#: its id is not reused while cached).
_STYLES: dict[int, tuple[Style, str, _Styles]] = {}
#: A render worker's reports share most of their sentences (headings, statements, the network's
#: lines): each is prepared for drawing once. Longer texts, a site's own words, are not kept.
_PREPARED_KEPT, _PREPARED_LONGEST = 4096, 400


def _styles_for(style: Style, family: str) -> _Styles:
    """The paragraph styles of a template style, made once per process: a render worker draws
    thousands of reports with one template, and what is kept per styles (text runs, the
    network box's styles, the lines of repeated sentences) then serves them all."""
    kept = _STYLES.get(id(style))
    if kept is None or kept[0] is not style or kept[1] != family:
        if len(_STYLES) >= 8:  # a few templates in one process at most (the tests' many)
            _STYLES.clear()
        kept = _STYLES[id(style)] = (style, family, _Styles(style, family))
    return kept[2]


class _Styles:
    """Paragraph styles and colours derived from the template style."""

    def __init__(self, style: Style, family: str) -> None:
        c = {k: colors.HexColor(v) for k, v in style.colors.items()}
        size = style.font_size
        self.colors, self.family, self.covered, self.size = c, family, font_coverage(family), size
        self._frags: dict[str, tuple[ParagraphStyle, Any]] = {}
        self._prepared: dict[str, tuple[str, str]] = {}  # text -> _prepare(text)
        base = ParagraphStyle("body", fontName=family, fontSize=size, leading=size * 1.38,
                              textColor=c["text"], alignment=TA_LEFT, spaceAfter=size * 0.45)
        self.body = base
        self.title = ParagraphStyle("title", base, fontName=f"{family}-bold",
                                    fontSize=size * 2.1, leading=size * 2.5,
                                    textColor=c["primary"], spaceAfter=size * 0.5)
        self.identity = ParagraphStyle("identity", base, textColor=c["muted"],
                                       fontSize=size * 1.05, spaceAfter=1)
        self.topic = ParagraphStyle("topic", base, fontName=f"{family}-bold",
                                    fontSize=size * 1.2, leading=size * 1.5,
                                    textColor=c["primary"], spaceBefore=size * 0.9,
                                    spaceAfter=size * 0.35)
        self.quote = ParagraphStyle("quote", base, fontName=f"{family}-italic",
                                    textColor=c["muted"], leftIndent=size * 1.4,
                                    spaceBefore=size * 0.1, spaceAfter=size * 0.55)
        self.quote_open = ParagraphStyle("quote_open", self.quote, spaceAfter=0)
        self.quote_inner = ParagraphStyle("quote_inner", self.quote, spaceBefore=0, spaceAfter=0)
        self.quote_close = ParagraphStyle("quote_close", self.quote, spaceBefore=0)
        self.note = ParagraphStyle("note", base, fontName=f"{family}-italic",
                                   textColor=c["muted"])
        self.keywords = ParagraphStyle("keywords", base, leading=size * 1.9,
                                       textColor=c["primary"], spaceBefore=size * 0.3)
        self.small = ParagraphStyle("small", base, fontSize=size * 0.88, leading=size * 1.15,
                                    spaceAfter=0)
        self.small_bold = ParagraphStyle("small_bold", self.small, fontName=f"{family}-bold",
                                         textColor=c["primary"])
        self.alert = ParagraphStyle("alert", base, fontName=f"{family}-bold",
                                    textColor=c["accent"])

    def text(self, text: str) -> str:
        """Text as drawn: characters the font lacks handled, then typographic apostrophes (a
        character dropped between an apostrophe and a letter leaves them side by side: "A'🌀A"
        is drawn "A’A"), and what the font lacks of those handled too."""
        covered = self.covered
        return safe_text(french.apostrophes(safe_text(text, covered)), covered)

    def para(self, text: str, style: ParagraphStyle,
             cls: type[Paragraph] = WrapOnceParagraph) -> Paragraph:
        prepared = self._prepared.get(text)
        if prepared is None:
            prepared = self._prepare(text)
            if len(text) <= _PREPARED_LONGEST:
                if len(self._prepared) >= _PREPARED_KEPT:
                    self._prepared.clear()
                self._prepared[text] = prepared
        text, plain = prepared
        if plain and cls in (WrapOnceParagraph, QuoteParagraph) and not style.textTransform:
            return cls(plain, style, frags=[self._frag(style).clone(text=plain)])
        return cls(escape(text).replace("\n", "<br/>"), style)

    def _prepare(self, text: str) -> tuple[str, str]:
        """``text`` as drawn, and as one plain run ("" when it has line breaks)."""
        # reportlab breaks lines at a narrow no-break space (not at a no-break space): a lone
        # "»" or ":" would start a line.
        text = self.text(text).replace("\u202f", "\u00a0")
        return text, "" if "\n" in text else cleanBlockQuotedText(text)

    def _frag(self, style: ParagraphStyle) -> Any:
        """The text run reportlab's parser makes for ``style`` (parsed once per style), to be
        cloned with a paragraph's text: the same run the parser would make for plain text."""
        frag = self._frags.get(style.name)
        if frag is None or frag[0] is not style:
            frag = self._frags[style.name] = (style, Paragraph("x", style).frags[0])
        return frag[1]


def _header(model: ReportModel, style: Style, s: _Styles, width: float) -> Table:
    logo_size = 22 * mm
    logo: Flowable | None = None
    if isinstance(style.logo, Path):
        logo = Image(str(style.logo), width=logo_size, height=logo_size, kind="proportional")
    elif isinstance(style.logo, dict):
        logo = Logo(s.text(style.logo.get("monogram", "")), s.family, s.colors, logo_size)
    text: list[Flowable] = [s.para(model.title, s.title, BalancedParagraph)]
    text += [s.para(i, s.identity) for i in model.identity]
    if model.keywords:  # in the header: they describe the whole site
        tags = "  ".join(f'<span backColor="{style.colors["tag_background"]}">&nbsp;'
                         f'{escape(s.text(k)).replace(" ", "&nbsp;")}&nbsp;</span>'
                         for k in model.keywords)
        text.append(WrapOnceParagraph(tags, s.keywords))
    cells = [[text]] if logo is None else [[logo, text]]
    widths = [width] if logo is None else [logo_size + 6 * mm, width - logo_size - 6 * mm]
    table = Table(cells, colWidths=widths)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("FONTNAME", (0, 0), (-1, -1), s.family),  # not Helvetica
                               ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _summary(model: ReportModel, s: _Styles, width: float) -> list[Flowable]:
    labels = model.labels
    rows = []
    for part in model.parts:
        n = part.effects
        effects = labels["summary_effects_zero"] if n == 0 else french.by_count(
            n, labels["summary_effects_one"], labels["summary_effects_many"])
        rows.append((s.text(part.title), part.intensity, part.intensity_max, s.text(effects)))
    chart = SummaryChart(rows, s.text(labels["summary_no_intensity"]), width, s.family,
                          s.colors, s.size * 0.95)
    return [KeepTogether([s.para(labels["summary_title"], s.topic), chart]), Spacer(1, 2 * mm)]


def _corrections(model: ReportModel, s: _Styles, width: float) -> list[Flowable]:
    labels = model.labels
    head = [s.para(labels[k], s.small_bold) for k in
            ("corrections_question", "corrections_answer", "corrections_why")]
    rows = [head] + [[s.para(c.question, s.small), s.para(c.answer, s.small),
                      s.para(c.why, s.small)] for c in model.corrections]
    table = Table(rows, colWidths=[width * 0.28, width * 0.24, width * 0.48], repeatRows=1)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), s.family),
        ("BOX", (0, 0), (-1, -1), 1.2, s.colors["accent"]),
        ("LINEBELOW", (0, 0), (-1, -2), 0.4, s.colors["rule"]),
        ("BACKGROUND", (0, 0), (-1, 0), s.colors["quote_background"]),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    title = s.para(labels["corrections_title"], ParagraphStyle(
        "corrections", s.topic, textColor=s.colors["accent"]))
    return [Spacer(1, 3 * mm), KeepTogether([title, s.para(labels["corrections_intro"], s.body),
                                             table])]


def _story(model: ReportModel, style: Style, s: _Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [_header(model, style, s, width), Spacer(1, 4 * mm)]
    if model.provisional:
        story.append(s.para(model.provisional, s.alert))
    story += _summary(model, s, width)
    QuoteParagraph.bar_color = s.colors["accent"]
    for part in model.parts:
        banner = PartHeader(s.text(part.title.upper()), part.intensity, part.intensity_max,
                            s.text(model.labels["intensity"]), s.family, s.colors, s.size)
        first: list[Flowable] = [s.para(part.note, s.note)] if part.note else []
        rest: list[Flowable] = []
        for i, topic in enumerate(part.topics):
            head = [s.para(topic.title, s.topic)]
            if topic.lead_in:
                head.append(s.para(topic.lead_in, s.body))
            body = [s.para(t, s.body) for t in topic.statements]
            if topic.grid is not None:
                body.append(grid_table(topic.grid, s, width))
            quotes = [p for q in topic.quotes for p in _quote(q, s)]
            flow = head + body + quotes
            keep = len(head) + 1  # a heading always stands with what follows it
            if i == 0:
                first, flow = flow[:keep], flow[keep:]
            else:
                rest.append(KeepTogether(flow[:keep]))
                flow = flow[keep:]
            rest += flow
        # The banner is kept with its first topic's start: never alone at a page's foot.
        story += [Spacer(1, 3 * mm), KeepTogether([banner, Spacer(1, 1 * mm), *first]), *rest]
        if model.network.get(part.id):
            from impactsheets.network.comparison import comparison_box

            # Kept with the part's last text: never alone on a page of its own.
            box = comparison_box(model.network_title, model.network[part.id], s, width)
            last = story.pop()
            story.append(KeepTogether([*getattr(last, "_content", [last]),
                                       *getattr(box, "_content", [box])]))
    if model.corrections:
        story += _corrections(model, s, width)
    return story


def _quote(text: str, s: _Styles) -> list[Flowable]:
    """A site's comment between « », one paragraph per line it typed, set one under the other
    with no space between (as a line break would, and their bars join): each is then one run
    of text, which reportlab breaks in its fast path, not word by word as a run broken by
    ``<br/>`` (a multi-line comment broke 20 times slower)."""
    lines = f"« {text} »".split("\n")
    if len(lines) == 1:
        return [s.para(lines[0], s.quote, QuoteParagraph)]
    styles = [s.quote_open, *[s.quote_inner] * (len(lines) - 2), s.quote_close]
    return [s.para(line, style, QuoteParagraph) for line, style in zip(lines, styles, strict=True)]


class BodyFrame(Frame):
    """A frame that copies itself cheaply: reportlab deep-copies the frame each time a
    ``KeepTogether`` measures its content, and a frame holds only numbers and strings (its
    lists and dicts are still copied deeply), so the copy is the same as ``deepcopy``'s.

    >>> import copy
    >>> frame = BodyFrame(0, 0, 100, 200, id="body")
    >>> copy.deepcopy(frame).__dict__ == frame.__dict__
    True
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> BodyFrame:
        clone = self.__class__.__new__(self.__class__)
        clone.__dict__.update({k: v if isinstance(v, str | int | float | None) else deepcopy(v, memo)
                               for k, v in self.__dict__.items()})
        return clone


def numbered_canvas(margins_mm: tuple[float, ...], family: str, rule: Any, muted: Any,
                    footer: Callable[[Canvas, int, int], tuple[str, str]],
                    extra: Callable[[Canvas, float, float], None] | None = None) -> type[Canvas]:
    """A canvas that draws every footer at the end, when the page count is known: a rule, then
    ``footer(canvas, page, pages)``'s left and right texts (``extra`` may draw more below)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                left, right = margins_mm[3] * mm, self._pagesize[0] - margins_mm[1] * mm
                y = margins_mm[2] * mm * 0.45
                self.setStrokeColor(rule)
                self.line(left, y + 11, right, y + 11)
                self.setFont(family, 8.5)
                self.setFillColor(muted)
                left_text, right_text = footer(self, number, total)
                self.drawString(left, y, left_text)
                self.drawRightString(right, y, right_text)
                if extra is not None:
                    extra(self, left, y)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


def _canvas_class(model: ReportModel, style: Style, s: _Styles) -> type[Canvas]:
    """The report's canvas: title and "Page n / N" in the footer, the provisional mark below."""

    def footer(_canvas: Canvas, number: int, total: int) -> tuple[str, str]:
        page = model.labels["page"].replace("{page}", str(number)).replace("{pages}", str(total))
        return s.text(model.title), s.text(page)

    def provisional(canvas: Canvas, left: float, y: float) -> None:
        canvas.setFont(f"{s.family}-bold", 8.5)
        canvas.setFillColor(s.colors["accent"])
        canvas.drawString(left, y - 11, s.text(model.provisional or ""))

    return numbered_canvas(style.margins_mm, s.family, s.colors["rule"], s.colors["muted"],
                           footer, provisional if model.provisional else None)


def to_pdf(model: ReportModel, template: Template) -> bytes:
    """The report as PDF bytes (deterministic: same model and template, same bytes)."""
    style = template.style
    family = register_fonts(template.folder, tuple(sorted(style.fonts.items())))
    s = _styles_for(style, family)
    pagesize = A4 if style.page_size == "A4" else letter
    top, right, bottom, left = (m * mm for m in style.margins_mm)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=pagesize, invariant=1, lang="fr-FR", title=model.title,
        author=style.author or "impactsheets", subject=model.labels["subject"],
        creator="impactsheets", initialFontName=family,  # no unused, unembedded Helvetica
        keywords=", ".join(k.lstrip("#") for k in model.keywords),
        leftMargin=left, rightMargin=right, topMargin=top, bottomMargin=bottom)
    frame = BodyFrame(left, bottom, pagesize[0] - left - right, pagesize[1] - top - bottom,
                  id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("page", [frame])])
    doc.build(_story(model, style, s, frame._width),
              canvasmaker=_canvas_class(model, style, s))
    return buffer.getvalue()

"""Render a report model to PDF bytes with reportlab platypus, styled by the template.

One column, so the text extracts in reading order; an embedded TTF family (subset);
metadata in French; "Page n / N" footers; byte-identical output for identical input.
User text is escaped, and characters the font lacks are replaced or dropped.

>>> from impactsheets.report.compose import ReportModel
>>> from impactsheets.report.template import load_template
>>> t = load_template("default")
>>> model = ReportModel("Effets sociaux et urbains d'Arsenal", "Arsenal", (), (), (), None,
...                     t.labels)
>>> to_pdf(model, t)[:8]
b'%PDF-1.4'
"""

from __future__ import annotations

import io
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
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

from impactsheets.errors import TemplateError
from impactsheets.report.compose import PartBlock, ReportModel
from impactsheets.report.template import Style, Template

_SLOTS = ("regular", "bold", "italic", "bold_italic")
_REPLACEMENTS = {"\u202f": "\u00a0", "\u2011": "-", "\u2019": "'", "\u2026": "...",
                 "\u00b7": ".", "\u0153": "oe", "\u0152": "OE", "\u00ab": '"', "\u00bb": '"'}


def _font_dirs(folder: Path) -> list[Path]:
    dirs = [folder, Path(reportlab.__file__).parent / "fonts"]
    try:
        import font_source_sans_pro
    except ImportError:
        return dirs
    return [folder, Path(font_source_sans_pro.font_directory), dirs[1]]


@cache
def register_fonts(folder: Path, fonts: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    """Register the template's four font files once per process; returns the family name."""
    found = {}
    for slot, candidates in fonts:
        path = next((d / c for c in candidates for d in _font_dirs(folder) if (d / c).is_file()),
                    None)
        if path is None:
            raise TemplateError(f"{folder}: none of the fonts {list(candidates)} was found")
        found[slot] = path
    family = "IS-" + found["regular"].stem
    for slot in _SLOTS:
        name = family if slot == "regular" else f"{family}-{slot}"
        pdfmetrics.registerFont(TTFont(name, str(found[slot])))
    pdfmetrics.registerFontFamily(family, normal=family, bold=f"{family}-bold",
                                  italic=f"{family}-italic", boldItalic=f"{family}-bold_italic")
    return family


def _coverage(family: str) -> frozenset[int]:
    font = pdfmetrics.getFont(family)
    return frozenset(font.face.charToGlyph)


def safe_text(text: str, covered: frozenset[int]) -> str:
    """Text the font can draw: missing characters replaced by a near equivalent or dropped;
    words in a script the font lacks (Arabic, Hebrew, CJK…) become the editorial mark "[…]",
    so the reader sees that something was left out.

    >>> safe_text("Bravo 🎉 œuvre 🎉.", frozenset(map(ord, "Bravo œuvre.[]…")))
    'Bravo œuvre.'
    >>> safe_text("Merci שלום עולם !", frozenset(map(ord, "Merci ![]…")))
    'Merci […] !'
    >>> safe_text("Aide ܐ.", frozenset(map(ord, "Aide .[]…")))
    'Aide […].'
    """
    out: list[str] = []
    dropped = False
    for char in text:
        if ord(char) in covered or char in "\n\t":
            out.append(char)
            continue
        alternative = _REPLACEMENTS.get(char) or unicodedata.normalize("NFKD", char)
        kept = "".join(c for c in alternative if ord(c) in covered)
        if not kept and unicodedata.category(char).startswith("L"):
            if not out or out[-1] != _OMITTED:
                out.append(_OMITTED)
            continue
        dropped = dropped or not kept
        out.append(kept)
    result = re.sub(r"\[…\](?:\s+\[…\])+", _OMITTED, "".join(out))  # one mark per passage
    return re.sub(r"(?<=\S) +(?=[.,])| (?= )", "", result) if dropped else result


_OMITTED = "[…]"


class _Styles:
    """Paragraph styles and colours derived from the template style."""

    def __init__(self, style: Style, family: str) -> None:
        c = {k: colors.HexColor(v) for k, v in style.colors.items()}
        size = style.font_size
        self.colors, self.family, self.covered = c, family, _coverage(family)
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
        self.keywords = ParagraphStyle("keywords", base, leading=size * 2.0,
                                       textColor=c["primary"])

    def para(self, text: str, style: ParagraphStyle, cls: type[Paragraph] = Paragraph) -> Paragraph:
        return cls(escape(safe_text(text, self.covered)).replace("\n", "<br/>"), style)


class QuoteParagraph(Paragraph):
    """A paragraph with an accent bar on its left; splits across pages like any paragraph."""

    bar_color: Any = colors.grey

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.setFillColor(self.bar_color)
        x = self.style.leftIndent - self.style.fontSize * 0.8
        self.canv.rect(x, -2, 2.2, self.height + 1, stroke=0, fill=1)
        self.canv.restoreState()
        super().draw()


class PartHeader(Flowable):
    """A coloured band with the part title and its intensity drawn as filled dots."""

    def __init__(self, part: PartBlock, label: str, s: _Styles) -> None:
        super().__init__()
        self.part, self.label, self.s = part, label, s
        self.size = s.body.fontSize

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width, self.height = available_width, self.size * 2.6
        return self.width, self.height

    def draw(self) -> None:
        c, s, size = self.canv, self.s, self.size
        c.setFillColor(s.colors["primary"])
        c.roundRect(0, 0, self.width, self.height, 3, stroke=0, fill=1)
        c.setFillColor(colors.white)
        c.setFont(f"{s.family}-bold", size * 1.35)
        baseline = self.height / 2 - size * 0.45
        c.drawString(size, baseline, safe_text(self.part.title.upper(), s.covered))
        if self.part.intensity is None:
            return
        radius, gap = size * 0.36, size * 1.0
        right = self.width - size
        text = f"{self.part.intensity}/{self.part.intensity_max}"
        x = right - pdfmetrics.stringWidth(text, f"{s.family}-bold", size) - size * 0.6
        dots = [x - gap * i - radius for i in range(self.part.intensity_max)][::-1]
        c.setFont(s.family, size * 0.9)  # drawn left to right, so the text reads in order
        c.drawRightString(dots[0] - radius - size * 0.5, baseline,
                          safe_text(self.label, s.covered))
        c.setFont(f"{s.family}-bold", size)
        c.drawRightString(right, baseline, text)
        c.setStrokeColor(colors.white)
        c.setLineWidth(1)
        for i, cx in enumerate(dots):
            c.setFillColor(s.colors["accent"] if i < self.part.intensity else s.colors["primary"])
            c.circle(cx, self.height / 2, radius, stroke=1, fill=1)


class Logo(Flowable):
    """The template's vector logo: overlapping circles, optionally with a monogram."""

    def __init__(self, spec: dict[str, str], s: _Styles, size: float) -> None:
        super().__init__()
        self.spec, self.s, self.width, self.height = spec, s, size, size

    def draw(self) -> None:
        c, r = self.canv, self.width / 2
        c.setFillColor(self.s.colors["accent"])
        c.circle(r * 1.2, r * 1.1, r * 0.78, stroke=0, fill=1)
        c.setFillColor(self.s.colors["primary"])
        c.circle(r * 0.85, r * 0.9, r * 0.8, stroke=0, fill=1)
        if self.spec.get("monogram"):
            c.setFillColor(colors.white)
            c.setFont(f"{self.s.family}-bold", r * 0.55)
            c.drawCentredString(r * 0.85, r * 0.72, safe_text(self.spec["monogram"],
                                                              self.s.covered))


def _header(model: ReportModel, style: Style, s: _Styles, width: float) -> Table:
    logo_size = 22 * mm
    logo: Flowable | None = None
    if isinstance(style.logo, Path):
        logo = Image(str(style.logo), width=logo_size, height=logo_size, kind="proportional")
    elif isinstance(style.logo, dict):
        logo = Logo(style.logo, s, logo_size)
    text = [s.para(model.title, s.title)] + [s.para(i, s.identity) for i in model.identity]
    if logo is None:
        return Table([[text]], colWidths=[width])
    table = Table([[logo, text]], colWidths=[logo_size + 6 * mm, width - logo_size - 6 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _story(model: ReportModel, style: Style, s: _Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [_header(model, style, s, width), Spacer(1, 4 * mm)]
    if model.provisional:
        story.append(s.para(model.provisional, ParagraphStyle(
            "prov", s.body, fontName=f"{s.family}-bold", textColor=s.colors["accent"])))
    QuoteParagraph.bar_color = s.colors["accent"]
    for part in model.parts:
        story += [CondPageBreak(60 * mm), Spacer(1, 3 * mm),
                  PartHeader(part, model.labels["intensity"], s), Spacer(1, 1 * mm)]
        for topic in part.topics:
            head = [s.para(topic.title, s.topic)]
            body = [s.para(t, s.body) for t in topic.statements]
            quotes = [s.para(f"« {q} »", s.quote, QuoteParagraph) for q in topic.quotes]
            story += [KeepTogether(head + (body or quotes)[:1]), *body[1:],
                      *(quotes if body else quotes[1:])]
        if model.network.get(part.id):
            from impactsheets.network.comparison import comparison_box

            story.append(comparison_box(model.network_title, model.network[part.id], s))
    if model.keywords:
        tags = "  ".join(f'<span backColor="{style.colors["tag_background"]}">&nbsp;'
                         f'{escape(safe_text(k, s.covered)).replace(" ", "&nbsp;")}&nbsp;</span>'
                         for k in model.keywords)
        story += [Spacer(1, 4 * mm), s.para(model.labels["keywords"], s.topic),
                  Paragraph(tags, s.keywords)]
    return story


def _canvas_class(model: ReportModel, style: Style, s: _Styles) -> type[Canvas]:
    """A canvas that draws every footer at the end, when the page count is known."""

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
                self._footer(number, total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _footer(self, number: int, total: int) -> None:
            width = self._pagesize[0]
            left, right = style.margins_mm[3] * mm, width - style.margins_mm[1] * mm
            y = style.margins_mm[2] * mm * 0.45
            self.setStrokeColor(s.colors["rule"])
            self.line(left, y + 11, right, y + 11)
            self.setFont(s.family, 8.5)
            self.setFillColor(s.colors["muted"])
            self.drawString(left, y, safe_text(model.title, s.covered))
            page = model.labels["page"].replace("{page}", str(number)).replace("{pages}",
                                                                              str(total))
            self.drawRightString(right, y, safe_text(page, s.covered))
            if model.provisional:
                self.setFont(f"{s.family}-bold", 8.5)
                self.setFillColor(s.colors["accent"])
                self.drawString(left, y - 11, safe_text(model.provisional, s.covered))

    return NumberedCanvas


def to_pdf(model: ReportModel, template: Template) -> bytes:
    """The report as PDF bytes (deterministic: same model and template, same bytes)."""
    style = template.style
    family = register_fonts(template.folder, tuple(sorted(style.fonts.items())))
    s = _Styles(style, family)
    pagesize = A4 if style.page_size == "A4" else letter
    top, right, bottom, left = (m * mm for m in style.margins_mm)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=pagesize, invariant=1, lang="fr-FR", title=model.title,
        author=style.author or "impactsheets", subject=model.labels["subject"],
        creator="impactsheets", keywords=", ".join(k.lstrip("#") for k in model.keywords),
        leftMargin=left, rightMargin=right, topMargin=top, bottomMargin=bottom)
    frame = Frame(left, bottom, pagesize[0] - left - right, pagesize[1] - top - bottom,
                  id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("page", [frame])])
    doc.build(_story(model, style, s, frame._width),
              canvasmaker=_canvas_class(model, style, s))
    return buffer.getvalue()

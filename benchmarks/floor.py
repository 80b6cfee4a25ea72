"""The floor: the same reports' text laid out with bare reportlab, no impactsheets pipeline.

What the pipeline's rendering is compared with. Content comes from the pipeline's own report
models, extracted once *before* timing into plain strings (:func:`floor_content`); what is
timed (:meth:`FloorRenderer.render`) is only reportlab: the same four TrueType font files
(embedded as subsets), the same page size and margins, the same paragraphs (title, identity
lines, part titles with their intensity, topic titles, statements, italic indented quotes,
keywords) in the same sizes and colours, and a footer "title — Page n / N" drawn with the
usual two-pass canvas recipe. No compose step, no template, no escaping beyond XML
escaping, no custom flowables (part bands are paragraphs with a background; the logo is
left out), no tables.

>>> from impactsheets.questionnaire import load_questionnaire
>>> from impactsheets.report.compose import compose
>>> from impactsheets.report.template import load_template
>>> from impactsheets.validation import Response
>>> t = load_template("default")
>>> content = floor_content(compose(Response(2, {"site_nom": "Arsenal"}), load_questionnaire(), t), t)
>>> FloorRenderer(t).render(content)[:8]
b'%PDF-1.4'
"""

from __future__ import annotations

import gc
import io
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reportlab.lib import colors  # noqa: E402
from reportlab.lib.pagesizes import A4, letter  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer  # noqa: E402

_SLOTS = ("regular", "bold", "italic", "bold_italic")


@dataclass(frozen=True)
class FloorContent:
    """One report's text, ready to lay out: already safe for the font, not yet escaped."""

    title: str
    identity: tuple[str, ...]
    parts: tuple[tuple[str, str, tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]], ...]
    keywords: tuple[str, ...]
    provisional: str | None
    subject: str
    page_label: str


def floor_content(model: Any, template: Any) -> FloorContent:
    """Extract the text of a pipeline :class:`ReportModel` (done once, outside the timing)."""
    from impactsheets.report.fonts import font_coverage, register_fonts, safe_text

    family = register_fonts(template.folder, tuple(sorted(template.style.fonts.items())))
    covered = font_coverage(family)

    def s(text: str) -> str:
        return safe_text(text, covered)

    parts = []
    for part in model.parts:
        intensity = (f"{model.labels['intensity']} {part.intensity}/{part.intensity_max}"
                     if part.intensity is not None else "")
        topics = tuple((s(t.title), tuple(s(x) for x in t.statements),
                        tuple(s(f"« {q} »") for q in t.quotes)) for t in part.topics)
        parts.append((s(part.title.upper()), s(intensity), topics))
    return FloorContent(s(model.title), tuple(s(i) for i in model.identity), tuple(parts),
                        tuple(s(k) for k in model.keywords),
                        s(model.provisional) if model.provisional else None,
                        model.labels["subject"], model.labels["page"])


def font_files(template: Any) -> dict[str, Path]:
    """The template's four font files, found the way the product finds them."""
    from impactsheets.report.fonts import _font_dirs

    found = {}
    for slot, candidates in template.style.fonts.items():
        found[slot] = next(d / c for c in candidates for d in _font_dirs(template.folder)
                           if (d / c).is_file())
    return found


class FloorRenderer:
    """Bare reportlab: fonts registered and styles built once, then one call per report."""

    def __init__(self, template: Any) -> None:
        style = template.style
        files = font_files(template)
        self.family = "Floor-" + files["regular"].stem
        for slot in _SLOTS:
            name = self.family if slot == "regular" else f"{self.family}-{slot}"
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(files[slot])))
        pdfmetrics.registerFontFamily(self.family, normal=self.family,
                                      bold=f"{self.family}-bold",
                                      italic=f"{self.family}-italic",
                                      boldItalic=f"{self.family}-bold_italic")
        self.pagesize = A4 if style.page_size == "A4" else letter
        self.margins = [m * mm for m in style.margins_mm]  # top, right, bottom, left
        self.author = style.author or "impactsheets"
        c = {k: colors.HexColor(v) for k, v in style.colors.items()}
        self.colors = c
        size = style.font_size
        f = self.family
        body = ParagraphStyle("body", fontName=f, fontSize=size, leading=size * 1.38,
                              textColor=c["text"], spaceAfter=size * 0.45)
        self.body = body
        self.title = ParagraphStyle("title", body, fontName=f"{f}-bold", fontSize=size * 2.1,
                                    leading=size * 2.5, textColor=c["primary"],
                                    spaceAfter=size * 0.5)
        self.identity = ParagraphStyle("identity", body, textColor=c["muted"],
                                       fontSize=size * 1.05, spaceAfter=1)
        self.part = ParagraphStyle("part", body, fontName=f"{f}-bold", fontSize=size * 1.35,
                                   leading=size * 2.6, textColor=colors.white,
                                   backColor=c["primary"], borderPadding=(0, size, 0, size),
                                   spaceBefore=size, spaceAfter=size * 0.4)
        self.topic = ParagraphStyle("topic", body, fontName=f"{f}-bold", fontSize=size * 1.2,
                                    leading=size * 1.5, textColor=c["primary"],
                                    spaceBefore=size * 0.9, spaceAfter=size * 0.35)
        self.quote = ParagraphStyle("quote", body, fontName=f"{f}-italic", textColor=c["muted"],
                                    leftIndent=size * 1.4, spaceBefore=size * 0.1,
                                    spaceAfter=size * 0.55)
        self.quote_open = ParagraphStyle("quote_open", self.quote, spaceAfter=0)
        self.quote_inner = ParagraphStyle("quote_inner", self.quote, spaceBefore=0, spaceAfter=0)
        self.quote_close = ParagraphStyle("quote_close", self.quote, spaceBefore=0)
        self.keywords = ParagraphStyle("keywords", body, leading=size * 2.0,
                                       textColor=c["primary"])
        self.provisional = ParagraphStyle("provisional", body, fontName=f"{f}-bold",
                                          textColor=c["accent"])

    @staticmethod
    def _p(text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    def _quote(self, text: str) -> list[Paragraph]:
        """A comment of several lines as one paragraph per line, with no space between them:
        the layout of ``<br/>`` (the pipeline's way too), in reportlab's fast line breaking."""
        lines = text.split("\n")
        if len(lines) == 1:
            return [self._p(text, self.quote)]
        styles = [self.quote_open, *[self.quote_inner] * (len(lines) - 2), self.quote_close]
        return [self._p(line, style) for line, style in zip(lines, styles, strict=True)]

    def render(self, content: FloorContent) -> bytes:
        p = self._p
        story: list[Any] = [p(content.title, self.title)]
        story += [p(i, self.identity) for i in content.identity]
        story.append(Spacer(1, 4 * mm))
        if content.provisional:
            story.append(p(content.provisional, self.provisional))
        for title, intensity, topics in content.parts:
            band = escape(title) + (f"&nbsp;&nbsp;&nbsp;{escape(intensity)}" if intensity else "")
            story.append(Paragraph(band, self.part))
            for topic, statements, quotes in topics:
                story.append(p(topic, self.topic))
                story += [p(x, self.body) for x in statements]
                story += [q for x in quotes for q in self._quote(x)]
        if content.keywords:
            story.append(p("Mots-clés", self.topic))
            story.append(p("  ".join(content.keywords), self.keywords))
        top, right, bottom, left = self.margins
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(buffer, pagesize=self.pagesize, invariant=1, lang="fr-FR",
                                title=content.title, author=self.author,
                                subject=content.subject, creator="floor",
                                leftMargin=left, rightMargin=right, topMargin=top,
                                bottomMargin=bottom)
        doc.build(story, canvasmaker=self._canvas(content))
        return buffer.getvalue()

    def _canvas(self, content: FloorContent) -> type[Canvas]:
        renderer = self

        class FooterCanvas(Canvas):
            """reportlab's usual "page n of N" recipe: keep page states, draw footers at save."""

            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self._saved: list[dict[str, Any]] = []

            def showPage(self) -> None:
                self._saved.append(dict(self.__dict__))
                self._startPage()

            def save(self) -> None:
                total = len(self._saved)
                _top, right, bottom, left = renderer.margins
                width = renderer.pagesize[0]
                for number, state in enumerate(self._saved, start=1):
                    self.__dict__.update(state)
                    y = bottom * 0.45
                    self.setStrokeColor(renderer.colors["rule"])
                    self.line(left, y + 11, width - right, y + 11)
                    self.setFont(renderer.family, 8.5)
                    self.setFillColor(renderer.colors["muted"])
                    self.drawString(left, y, content.title)
                    label = content.page_label.replace("{page}", str(number)).replace(
                        "{pages}", str(total))
                    self.drawRightString(width - right, y, label)
                    Canvas.showPage(self)
                Canvas.save(self)

        return FooterCanvas


#: Reports a side per turn in the paired rendering measurement.
PAIRED_CHUNK = 20


def paired_cpu(responses: list[Any], contents: list[Any], questionnaire: Any, template: Any,
                repeats: int) -> dict[str, Any]:
    """CPU seconds of the pipeline (``render_site``) and of the floor for the same reports,
    timed in alternate chunks of :data:`PAIRED_CHUNK`: the machine's speed drifts (a fifth over
    an afternoon here, and from one second to the next on a shared machine), and whole runs
    of 400 reports each were seen to disagree by 15 % on the same code; chunks this short put
    any drift on both sides alike."""
    from impactsheets.report import render_site

    renderer = FloorRenderer(template)
    pipeline_s = floor_s = 0.0
    chunks = []
    for _ in range(repeats):
        for start in range(0, len(responses), PAIRED_CHUNK):
            gc.collect()
            started = time.process_time()
            for response in responses[start:start + PAIRED_CHUNK]:
                render_site(response, questionnaire, template)
            pipeline = time.process_time() - started
            gc.collect()
            started = time.process_time()
            for content in contents[start:start + PAIRED_CHUNK]:
                renderer.render(content)
            floor = time.process_time() - started
            pipeline_s, floor_s = pipeline_s + pipeline, floor_s + floor
            chunks.append(floor / pipeline if pipeline else 0.0)
    return {"pipeline_s": pipeline_s, "floor_s": floor_s, "reports": len(responses) * repeats,
            "chunk_ratios": chunks}


#: Reports of the machine-speed probe: always the same ones (seed 0 of the generator).
PROBE_REPORTS = 20
_PROBE: list[Any] = []


def speed_probe(reports: int = PROBE_REPORTS) -> float:
    """CPU milliseconds a report of a fixed workload: the floor laying out the same
    ``reports`` reports every time. Taken before each group, it tells a slow moment of the
    machine from slow code (a higher figure is a slower machine; a shared 2-core machine was
    seen to drift by a third within an hour).

    >>> speed_probe(2) > 0
    True
    """
    from benchmarks.generate import generate_table
    from impactsheets.questionnaire import load_questionnaire
    from impactsheets.report.compose import compose
    from impactsheets.report.template import load_template
    from impactsheets.validation import validate

    if len(_PROBE) < reports + 1:  # the content is made once, outside any timing
        questionnaire, template = load_questionnaire(), load_template("default")
        current = validate(generate_table(max(reports, PROBE_REPORTS), seed=0,
                                          questionnaire=questionnaire), questionnaire).current
        _PROBE[:] = [FloorRenderer(template),
                     *(floor_content(compose(r, questionnaire, template), template)
                       for r in current)]
    renderer, contents = _PROBE[0], _PROBE[1:reports + 1]
    renderer.render(contents[0])  # fonts registered, caches warm
    gc.collect()
    started = time.process_time()
    for content in contents:
        renderer.render(content)
    return (time.process_time() - started) * 1000 / len(contents)

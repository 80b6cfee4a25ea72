"""The report's own drawn pieces: part banners, quotes, the logo, the page-1 summary chart and
a title whose lines are balanced. Everything is vector, in the template's embedded fonts.

>>> from reportlab.lib.styles import ParagraphStyle
>>> style = ParagraphStyle("t", fontName="Helvetica", fontSize=22, leading=26)
>>> text = "Effets sociaux et urbains de la Maison des Communs"
>>> plain, balanced = Paragraph(text, style), BalancedParagraph(text, style)
>>> _, _ = plain.wrap(450, 500), balanced.wrap(450, 500)
>>> [[len(line[1]) for line in p.blPara.lines] for p in (plain, balanced)]  # words per line
[[8, 1], [5, 4]]
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph
from reportlab.rl_config import _FUZZ

#: Lines already broken in this process, by (class, style, width, text, fast-path run): a
#: network's reports repeat the same headings, sentences and comparison lines, and breaking
#: them is a function of those alone. In a render worker's 1,750 benchmark reports this
#: breaks 51,069 paragraphs instead of 123,792 (7 % of its CPU time) and holds about 4 MB.
#: The least recently used go first; one cache per process (rendering is not threaded).
_BROKEN: OrderedDict[tuple[Any, ...], tuple[Any, list[float], float, float]] = OrderedDict()
BROKEN_KEPT = 1024
#: Longer texts are a site's own words, seldom repeated: not kept.
BROKEN_LONGEST = 400


class WrapOnceParagraph(Paragraph):
    """A paragraph that breaks its lines once per width: wrapped again at the width of its last
    wrap (by a ``KeepTogether``, then by the frame; by a table's sizing, then its drawing), it
    keeps the lines it has instead of breaking them again; a paragraph of the same class, style
    and text at the same width, earlier in this process, lends it its lines. Same lines, same
    PDF.

    >>> from reportlab.lib.styles import ParagraphStyle
    >>> p = WrapOnceParagraph("Une phrase assez longue pour deux lignes.", ParagraphStyle("b"))
    >>> first = p.wrap(100, 500); lines = p.blPara
    >>> p.wrap(100, 500) == first and p.blPara is lines, p.wrap(300, 500)[1] < first[1]
    (True, True)
    >>> twin = WrapOnceParagraph("Une phrase assez longue pour deux lignes.", p.style)
    >>> twin.wrap(100, 500) == first and twin.blPara is lines
    True
    """

    _wrapped: tuple[float, Any, float, float] | None = None  # width asked, lines, size
    _source: tuple[str, bool] | None = None  # the text given; True: its run given with it

    def __init__(self, text: str | None, style: Any, bulletText: str | None = None,
                 frags: list[Any] | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(text, style, bulletText, frags, *args, **kwargs)
        if isinstance(text, str):  # not a part made by split(): its runs are a slice
            self._source = (text, frags is not None)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        wrapped = self._wrapped
        if (wrapped is not None and wrapped[0] == available_width
                and self.__dict__.get("blPara") is wrapped[1]):  # split() may drop the lines
            self.width, self.height = wrapped[2], wrapped[3]
            return self.width, self.height
        size = self._wrap(available_width, available_height)
        self._wrapped = (available_width, self.__dict__.get("blPara"), self.width, self.height)
        return size

    def _wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if self._source is None or len(self._source[0]) > BROKEN_LONGEST:
            return Paragraph.wrap(self, available_width, available_height)
        key = (self.__class__, self.style, available_width, *self._source)
        known = _BROKEN.get(key)
        if known is not None:
            _BROKEN.move_to_end(key)
            # What Paragraph.wrap sets (and breakLines' widest line, as reportlab's labels read it)
            self.blPara, self._wrapWidths, self.height, self._width_max = known
            self.width = available_width
            return self.width, self.height
        size = Paragraph.wrap(self, available_width, available_height)
        if available_width >= _FUZZ:  # a width too narrow sets no lines
            _BROKEN[key] = (self.blPara, self._wrapWidths, self.height,
                            getattr(self, "_width_max", 0))
            if len(_BROKEN) > BROKEN_KEPT:
                _BROKEN.popitem(last=False)
        return size


class BalancedParagraph(WrapOnceParagraph):
    """A paragraph wrapped in the narrowest width that keeps its number of lines, so its last
    line is not a lone word; when a long last word still stands alone, the line before gives
    it its own last word (an explicit break).

    >>> from reportlab.lib.styles import ParagraphStyle
    >>> style = ParagraphStyle("t", fontName="Helvetica-Bold", fontSize=21, leading=25)
    >>> p = BalancedParagraph("Effets sociaux et urbains d’A000000000000", style)
    >>> _ = p.wrap(300, 500)
    >>> [line.wordCount for line in p.blPara.lines]  # 'Effets sociaux et', 'urbains d’A0…'
    [3, 2]
    """

    def __init__(self, text: str, style: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(text, style, *args, **kwargs)
        self._text = text

    def _wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        width, height = self._balanced(available_width, available_height)
        words = self._text.split(" ")
        if self._last_line_words() == 1 and len(self.blPara.lines) >= 2 and len(words) >= 3:
            lines = len(self.blPara.lines)
            original = self._text
            self._reset(" ".join(words[:-2]) + "<br/>" + " ".join(words[-2:]))
            width, height = Paragraph.wrap(self, available_width, available_height)
            if len(self.blPara.lines) == lines and self._last_line_words() > 1:
                return width, height
            self._reset(original)
            width, height = self._balanced(available_width, available_height)
        return width, height

    def _reset(self, text: str) -> None:
        Paragraph.__init__(self, text, self.style)
        self._text = text

    def _last_line_words(self) -> int:
        lines = getattr(self.blPara, "lines", ())
        last = lines[-1] if lines else ()
        return len(last[1]) if isinstance(last, tuple) else getattr(last, "wordCount", 0)

    def _balanced(self, available_width: float, available_height: float) -> tuple[float, float]:
        width, height = Paragraph.wrap(self, available_width, available_height)
        lines = len(getattr(self.blPara, "lines", ()))
        if lines < 2:
            return width, height
        low, high = available_width / 2, available_width
        for _ in range(10):
            middle = (low + high) / 2
            Paragraph.wrap(self, middle, available_height)
            if len(self.blPara.lines) > lines:
                low = middle
            else:
                high = middle
        return Paragraph.wrap(self, high, available_height)


class QuoteParagraph(WrapOnceParagraph):
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
    """A coloured band with the part title and, when answered, its intensity as dots."""

    def __init__(self, title: str, intensity: int | None, intensity_max: int, label: str,
                 family: str, palette: dict[str, Any], size: float) -> None:
        super().__init__()
        self.title, self.intensity, self.intensity_max = title, intensity, intensity_max
        self.label, self.family, self.palette, self.size = label, family, palette, size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width, self.height = available_width, self.size * 2.6
        return self.width, self.height

    def draw(self) -> None:
        c, size, family = self.canv, self.size, self.family
        c.setFillColor(self.palette["primary"])
        c.roundRect(0, 0, self.width, self.height, 3, stroke=0, fill=1)
        c.setFillColor(colors.white)
        c.setFont(f"{family}-bold", size * 1.35)
        baseline = self.height / 2 - size * 0.45
        c.drawString(size, baseline, self.title)
        if self.intensity is None:  # no empty bar for a part without intensity
            return
        radius, gap = size * 0.36, size * 1.0
        right = self.width - size
        text = f"{self.intensity}/{self.intensity_max}"
        x = right - pdfmetrics.stringWidth(text, f"{family}-bold", size) - size * 0.6
        dots = [x - gap * i - radius for i in range(self.intensity_max)][::-1]
        c.setFont(family, size * 0.9)  # drawn left to right, so the text reads in order
        c.drawRightString(dots[0] - radius - size * 0.5, baseline, self.label)
        c.setFont(f"{family}-bold", size)
        c.drawRightString(right, baseline, text)
        c.setStrokeColor(colors.white)
        c.setLineWidth(1)
        for i, cx in enumerate(dots):
            c.setFillColor(self.palette["accent"] if i < self.intensity else self.palette["primary"])
            c.circle(cx, self.height / 2, radius, stroke=1, fill=1)


class Logo(Flowable):
    """The template's vector logo: overlapping circles, optionally with a monogram."""

    def __init__(self, monogram: str, family: str, palette: dict[str, Any], size: float) -> None:
        super().__init__()
        self.monogram, self.family, self.palette = monogram, family, palette
        self.width = self.height = size

    def draw(self) -> None:
        c, r = self.canv, self.width / 2
        c.setFillColor(self.palette["accent"])
        c.circle(r * 1.2, r * 1.1, r * 0.78, stroke=0, fill=1)
        c.setFillColor(self.palette["primary"])
        c.circle(r * 0.85, r * 0.9, r * 0.8, stroke=0, fill=1)
        if self.monogram:
            c.setFillColor(colors.white)
            c.setFont(f"{self.family}-bold", r * 0.55)
            c.drawCentredString(r * 0.85, r * 0.72, self.monogram)


class SummaryChart(Flowable):
    """Page 1's summary: one row per part — its title, its intensity as a bar out of the
    scale's maximum (no bar when unanswered: the ``missing`` text instead), and its effects.
    Drawn straight on the canvas (vector bars, the template's font).

    ``rows`` are ``(title, intensity or None, maximum, effects text)``.

    >>> chart = SummaryChart([("Effets individuels", 4, 5, "1 effet"), ("Quartier", None, 5,
    ...                       "aucun effet")], "non renseignée", 400, "Helvetica", {}, 10)
    >>> chart.wrap(400, 800)
    (400, 38.0)
    """

    def __init__(self, rows: Sequence[tuple[str, int | None, int, str]], missing: str,
                 width: float, family: str, palette: dict[str, Any], size: float) -> None:
        super().__init__()
        self.rows, self.missing, self.family, self.palette, self.size = (
            rows, missing, family, palette, size)
        self.width, self.row_height = width, size * 1.9
        self.height = self.row_height * len(rows)
        self.label_width = max([pdfmetrics.stringWidth(t, family, size) for t, *_ in rows]
                               + [0]) + size
        right_width = max([pdfmetrics.stringWidth(e, family, size) for *_, e in rows] + [0]) + size
        self.bar_width = max(width - self.label_width - right_width - size * 3, size * 5)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c, size, family, palette = self.canv, self.size, self.family, self.palette
        x, bar_width, count = self.label_width, self.bar_width, len(self.rows)
        for i, (title, level, maximum, effects) in enumerate(self.rows):  # in reading order
            y = self.row_height * (count - 1 - i) + (self.row_height - size) / 2
            c.setFont(family, size)
            c.setFillColor(palette["text"])
            c.drawString(0, y, title)
            if level is None:
                c.setFillColor(palette["muted"])
                c.drawString(x, y, self.missing)
            else:
                c.setFillColor(palette["tag_background"])
                c.rect(x, y - size * 0.1, bar_width, size * 0.8, stroke=0, fill=1)
                c.setFillColor(palette["accent"])
                c.rect(x, y - size * 0.1, bar_width * level / maximum, size * 0.8, stroke=0,
                       fill=1)
                c.setFont(f"{family}-bold", size)
                c.setFillColor(palette["primary"])
                c.drawString(x + bar_width + size * 0.5, y, f"{level}/{maximum}")
                c.setFont(family, size)
            c.setFillColor(palette["text"])
            c.drawRightString(self.width, y, effects)


class TintedBox(Flowable):
    """Flowables one under the other in a tinted box with a coloured bar on its left, as a
    one-cell table with that background, left line and padding draws them (same places, same
    PDF operators but the table's bookkeeping). It does not split, as a one-cell table does not.

    >>> from reportlab.lib.styles import ParagraphStyle
    >>> style = ParagraphStyle("b", fontSize=10, leading=12, spaceAfter=2)
    >>> box = TintedBox([Paragraph("Titre", style), Paragraph("Une ligne.", style)], "#eeeeee",
    ...                 "#333333", bar=2.2, padding=(5, 6, 3, 8))
    >>> box.wrap(200, 500)  # 5 + 12 + 2 + 12 + 3
    (200, 34)
    """

    def __init__(self, content: Sequence[Flowable], background: Any, bar_color: Any, *,
                 bar: float, padding: tuple[float, float, float, float]) -> None:
        super().__init__()
        self.content, self.background, self.bar_color, self.bar = content, background, bar_color, bar
        self.padding = padding  # top, right, bottom, left, as in CSS
        self._sizes: list[tuple[float, float]] = []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        top, right, bottom, left = self.padding
        inner = available_width - left - right
        canvas = getattr(self, "canv", None)
        self._sizes = [v.wrapOn(canvas, inner, available_height) for v in self.content]
        height = sum(h + v.getSpaceBefore() + v.getSpaceAfter()
                     for v, (_, h) in zip(self.content, self._sizes, strict=True))
        if self.content:  # the first space before and the last space after are not kept
            height -= self.content[0].getSpaceBefore() + self.content[-1].getSpaceAfter()
        self.width, self.height = available_width, top + height + bottom
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        top, _, _, left = self.padding
        c.saveState()
        c.setFillColor(self.background)
        c.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        c.setStrokeColor(self.bar_color)
        c.setLineWidth(self.bar)
        c.setLineCap(1)
        c.line(0, 0, 0, self.height)
        c.restoreState()
        y = self.height - top
        for i, (v, (_, h)) in enumerate(zip(self.content, self._sizes, strict=True)):
            y -= (v.getSpaceBefore() if i else 0) + h
            v.drawOn(c, left, y)
            y -= v.getSpaceAfter()

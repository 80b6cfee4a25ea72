"""A grid question's answers as a small table in the report's look (see
:class:`~impactsheets.report.compose.AnswerGrid`): each answered row's label beside its chosen
column, or, for a checkbox grid, a check mark under each chosen column.

Rules between the rows in the template's rule colour, row labels in the text colour, answers
and check marks in the primary colour; the first column is as wide as its longest label (at most
45 % of the page), the check-mark columns at most 30 mm each but as wide as their longest word
(the row labels narrower then; the "row | chosen columns" table when they still do not fit).

>>> from impactsheets.report.fonts import register_fonts
>>> from impactsheets.report.pdf import _Styles
>>> from impactsheets.report.template import load_template
>>> t = load_template("generic")
>>> s = _Styles(t.style, register_fonts(t.folder, tuple(sorted(t.style.fonts.items()))))
>>> checks = grid_table(AnswerGrid((("Cuisine", ("Matin", "Soir")),), ("Matin", "Midi", "Soir")),
...                     s, 500)
>>> [round(w) for w in checks._colWidths], [getattr(c, "text", c) for c in checks._cellvalues[1]]
([100, 85, 85, 85], ['Cuisine', '✓', '', '✓'])
"""

from __future__ import annotations

from typing import Any, Protocol

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table, TableStyle

from impactsheets.report import french
from impactsheets.report.compose import AnswerGrid


class _Styles(Protocol):
    """What a table takes from the report's styles (:class:`impactsheets.report.pdf._Styles`)."""

    colors: dict[str, Any]
    family: str
    covered: frozenset[int]
    size: float
    body: ParagraphStyle
    small_bold: ParagraphStyle

    def text(self, text: str) -> str: ...

    def para(self, text: str, style: ParagraphStyle, cls: type[Paragraph] = ...) -> Paragraph: ...

_CHECK, _CROSS = "✓", "×"  # the cross when the font lacks the check mark
_PAD = 4


def grid_table(grid: AnswerGrid, s: _Styles, width: float) -> Table:
    """The table of ``grid``, at most ``width`` wide, aligned on the text's left edge."""
    row_style = ParagraphStyle("grid_row", s.body, spaceAfter=0)
    answer_style = ParagraphStyle("grid_answer", row_style, fontName=f"{s.family}-bold",
                                  textColor=s.colors["primary"])
    head_style = ParagraphStyle("grid_head", s.small_bold, alignment=TA_CENTER)
    first = _fitted(s, [label for label, _ in grid.rows], row_style, width * 0.2, width * 0.45)
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("FONTNAME", (0, 0), (-1, -1), s.family),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, s.colors["rule"]),
        ("LEFTPADDING", (0, 0), (0, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), _PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
    words = [w for c in grid.columns for w in c.split()]  # a column never breaks a word
    column = max((_fitted(s, [w], head_style, 0, width) for w in words), default=0)
    if column and first + column * len(grid.columns) > width:
        first = max(width - column * len(grid.columns), width * 0.2)
    if not grid.columns or first + column * len(grid.columns) > width:  # "row | chosen"
        cells = [[s.para(label, row_style), s.para(french.join(list(chosen), labels=True), answer_style)]
                 for label, chosen in grid.rows]
        commands.append(("LINEABOVE", (0, 0), (-1, 0), 0.4, s.colors["rule"]))
        said = [french.join(list(chosen), labels=True) for _, chosen in grid.rows]
        second = _fitted(s, said, answer_style, width * 0.25, width - first)
        table = Table(cells, colWidths=[first, second], hAlign="LEFT")
    else:
        mark = _CHECK if ord(_CHECK) in s.covered else _CROSS
        column = max(column, min((width - first) / len(grid.columns), 30 * mm))
        cells = [["", *(s.para(c, head_style) for c in grid.columns)]]
        for r, (label, chosen) in enumerate(grid.rows, start=1):
            cells.append([s.para(label, row_style), *(mark if c in chosen else ""
                                                      for c in grid.columns)])
            commands += [("BACKGROUND", (i, r), (i, r), s.colors["tag_background"])
                         for i, c in enumerate(grid.columns, start=1) if c in chosen]
        commands += [("BACKGROUND", (1, 0), (-1, 0), s.colors["quote_background"]),
                     ("ALIGN", (1, 1), (-1, -1), "CENTER"),
                     ("FONTNAME", (1, 1), (-1, -1), f"{s.family}-bold"),
                     ("TEXTCOLOR", (1, 1), (-1, -1), s.colors["primary"]),
                     ("FONTSIZE", (1, 1), (-1, -1), s.size * 1.1),
                     ("LINEAFTER", (0, 0), (0, -1), 0.4, s.colors["rule"])]
        table = Table(cells, colWidths=[first, *[column] * len(grid.columns)], hAlign="LEFT",
                      repeatRows=1)
    table.setStyle(TableStyle(commands))
    return table


def _fitted(s: _Styles, texts: list[str], style: ParagraphStyle, low: float, high: float) -> float:
    """A column as wide as its longest text (one line) and its padding, within [low, high]."""
    longest = max(stringWidth(s.text(t), style.fontName, style.fontSize) for t in texts)
    return min(max(longest + 3 * _PAD, low), high)

"""The report's fonts, found and registered once per process, and text made safe for them.

>>> family = register_fonts(Path("templates/default"),
...                         (("bold", ("VeraBd.ttf",)), ("bold_italic", ("VeraBI.ttf",)),
...                          ("italic", ("VeraIt.ttf",)), ("regular", ("Vera.ttf",))))
>>> family, ord("é") in font_coverage(family), ord("😀") in font_coverage(family)
('IS-Vera', True, False)
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from impactsheets.errors import TemplateError

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


def font_coverage(family: str) -> frozenset[int]:
    """The characters a registered font can draw."""
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
    if _OMITTED not in text and covered.issuperset(map(ord, text.replace("\n", "").replace("\t", ""))):
        return text  # the usual case (nothing to replace), decided at C speed
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


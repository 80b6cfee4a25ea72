"""The report's fonts: found, registered once per process, and drawn faster; text made safe
for them.

:class:`ReportFont` is reportlab's :class:`~reportlab.pdfbase.ttfonts.TTFont` with two savings
that keep the PDF byte for byte (tested against the plain font): text made only of characters
the document has already assigned to its first subset is encoded at C speed
(``str.translate``) instead of reportlab's loop over every character; and the font subsets of
recent documents are kept, made and compressed, since many reports embed the very same subset
(the same characters met in the same order). Measured on the 3,500-site benchmark network
with the network comparison, alternate chunks of 50 reports in one process: 22.5 → 20.3 ms of
CPU a report (README, "Performance").

>>> family = register_fonts(Path("templates/default"),
...                         (("bold", ("VeraBd.ttf",)), ("bold_italic", ("VeraBI.ttf",)),
...                          ("italic", ("VeraIt.ttf",)), ("regular", ("Vera.ttf",))))
>>> family, type(pdfmetrics.getFont(family)).__name__
('IS-Vera', 'ReportFont')
"""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from functools import cache
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import reportlab
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

from impactsheets.errors import TemplateError

#: Subsets kept a face: a worker's recent reports (≈ 30 KB each, made and compressed).
KEPT_SUBSETS = 32

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
        pdfmetrics.registerFont(ReportFont(name, str(found[slot])))
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


class ReportFont(TTFont):
    """A TrueType font whose PDF output is reportlab's, made faster (see the module)."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self.face.__class__ = KeptSubsetsFace  # the face reportlab parsed, with kept subsets
        self.face.kept = OrderedDict()
        #: Per document state: the characters known to be in the first subset and their codes.
        self._known: WeakKeyDictionary[Any, tuple[set[str], dict[int, int]]] = WeakKeyDictionary()

    def splitString(self, text: Any, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        """reportlab's ``(subset, bytes)`` chunks of ``text``; text made of characters already
        in the first subset is one chunk, encoded at C speed.

        >>> from reportlab.pdfgen.canvas import Canvas
        >>> font, doc = pdfmetrics.getFont("IS-Vera"), Canvas(None)._doc
        >>> font.splitString("Côté", doc), font.splitString("été", doc)
        ([(0, b'C\\x01t\\x02')], [(0, b'\\x02t\\x02')])
        """
        state = self.state.get(doc)
        if text and state is not None and text.__class__ is str:
            known = self._known.get(state)
            if known is not None and known[0].issuperset(text):
                return [(0, text.translate(known[1]).encode("latin-1"))]
        chunks: list[tuple[int, bytes]] = super().splitString(text, doc, encoding)
        if text.__class__ is str:
            self._learn(self.state[doc], text)
        return chunks

    def _learn(self, state: Any, text: str) -> None:
        """Note the characters of ``text`` that reportlab placed in the first subset."""
        known, codes = self._known.setdefault(state, (set(), {}))
        assignments = state.assignments
        for char in set(text).difference(known):
            code = assignments.get(32 if char == "\xa0" else ord(char))  # no-break space: 32
            if code is not None and code < 256:
                known.add(char)
                codes[ord(char)] = code


class KeptSubsetsFace(TTFontFace):
    """A font face that keeps its last :data:`KEPT_SUBSETS` subsets, made and compressed."""

    kept: OrderedDict[tuple[int, ...], list[bytes]]

    def _kept(self, subset: list[int]) -> list[bytes]:
        key = tuple(subset)
        kept = self.kept.get(key)
        if kept is None:
            kept = self.kept[key] = [super().makeSubset(subset)]
            if len(self.kept) > KEPT_SUBSETS:
                self.kept.popitem(last=False)
        else:
            self.kept.move_to_end(key)
        return kept

    def makeSubset(self, subset: list[int]) -> bytes:
        return self._kept(subset)[0]

    def addSubsetObjects(self, doc: Any, fontname: str, subset: list[int]) -> Any:
        """reportlab's font descriptor and font file; the file's compressed bytes are kept."""
        reference = super().addSubsetObjects(doc, fontname, subset)
        if doc.compression:  # the stream reportlab made: given its filtered content
            descriptor = doc.idToObject[reference.name]
            stream = doc.idToObject[descriptor.dict["FontFile2"].name]
            kept = self._kept(subset)
            if len(kept) == 1:
                kept.append(pdfdoc.PDFZCompress.encode(kept[0]))
            stream.content = kept[1]
            stream.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName(
                pdfdoc.PDFZCompress.pdfname)])
        return reference

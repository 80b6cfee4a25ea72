"""The report's fonts draw faster than reportlab's plain TrueType font, and exactly as it does:
same chunks for every text, same PDF bytes for every report."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from hypothesis import example, given
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from impactsheets.report import render_site
from impactsheets.report.fonts import ReportFont, register_fonts
from impactsheets.report.template import load_template

FAMILY_FILES = (("bold", ("SourceSansPro-Bold.ttf", "VeraBd.ttf")),
                ("bold_italic", ("SourceSansPro-BoldIt.ttf", "VeraBI.ttf")),
                ("italic", ("SourceSansPro-It.ttf", "VeraIt.ttf")),
                ("regular", ("SourceSansPro-Regular.ttf", "Vera.ttf")))


@contextlib.contextmanager
def plain_fonts() -> Iterator[None]:
    """The registered report fonts replaced by reportlab's plain TTFont of the same files."""
    ours = {name: font for name, font in pdfmetrics._fonts.items()
            if isinstance(font, ReportFont)}
    assert ours, "no report font registered"
    try:
        for name, font in ours.items():
            pdfmetrics._fonts[name] = TTFont(name, font.face.filename)
        yield
    finally:
        pdfmetrics._fonts.update(ours)


def regular() -> ReportFont:
    template = load_template("default")
    font = pdfmetrics.getFont(register_fonts(template.folder,
                                             tuple(sorted(template.style.fonts.items()))))
    assert isinstance(font, ReportFont)
    return font


texts = st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
                 | st.sampled_from(["", "été", "\xa0", "Ça coûte 12\u202f€ !", "é" * 300,
                                    "«\xa0oui\xa0»", "日本", "🌀"]), max_size=60)


@given(texts)
@example(["", "été", "\xa0a", "\x00", "Être\xa0là"])
@example(["".join(map(chr, range(160, 460))), "é", "Ũ", "éŨ"])  # past the first subset
def test_chunks_are_reportlabs_for_any_sequence_of_texts(sequence: list[str]) -> None:
    """Drawn one after another in one document, every text gives the chunks (subset, bytes)
    reportlab's own font gives: the fast path may only serve what it has seen assigned."""
    font = regular()
    plain = TTFont("plain-check", font.face.filename)
    ours_doc, plain_doc = Canvas(None)._doc, Canvas(None)._doc
    for text in sequence:
        assert font.splitString(text, ours_doc) == plain.splitString(text, plain_doc), text


def test_reports_are_byte_identical_to_reportlabs_plain_fonts(example_validation, questionnaire):
    """Every report of the example network, drawn twice in a row (the second time from kept
    subsets), is byte for byte the report reportlab's plain fonts draw; and subsets are kept."""
    from impactsheets.network.comparison import network_comparison

    template = load_template("default")
    network = network_comparison(example_validation, questionnaire, template)
    sites = example_validation.current
    ours = [render_site(r, questionnaire, template, network) for r in sites + sites]
    kept = [font.face.kept for font in pdfmetrics._fonts.values() if isinstance(font, ReportFont)]
    assert any(len(made) == 2 for faces in kept for made in faces.values())  # compressed, kept
    with plain_fonts():
        plain = [render_site(r, questionnaire, template, network) for r in sites]
    assert ours == plain + plain

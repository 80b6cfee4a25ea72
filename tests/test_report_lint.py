"""The report linter catches every class of defect (each injected into a good report), and
finds none in the reports of a synthetic network of a few hundred sites."""

from __future__ import annotations

import io
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from report_lint import lint, lint_model, lint_pdf, unembedded_fonts
from reportlab.pdfgen.canvas import Canvas

from impactsheets.answers import Selection
from impactsheets.report import compose, load_template
from impactsheets.report.pdf import to_pdf
from impactsheets.validation import Response, validate

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def good(questionnaire):
    template = load_template("default")
    response = Response(2, {
        "site_nom": "Maison des Communs", "mots_cles": "communs",
        "intensite_individuels": 3, "capacite_nombre": 2,
        "capacite_porteurs": Selection(("benevoles",)),
        "solidarite_publics": Selection(("benevoles", "voisins")),
        "lien_social_commentaire": "Un marché."})
    model = compose(response, questionnaire, template)
    assert lint(model, to_pdf(model, template)) == []
    return model


def with_statement(model, sentence, quotes=()):
    part = model.parts[0]
    topic = replace(part.topics[0], statements=(sentence,), quotes=quotes, lead_in=None)
    return replace(model, parts=(replace(part, topics=(topic,)), *model.parts[1:]))


@pytest.mark.parametrize(("sentence", "kind"), [
    ("Ces rencontres ont lieu .", "blank slot"),
    ("Des échanges de espaces ont été observés.", "missing elision"),
    ("Des besoins ont été couverts :", "list announced"),
    ("?? nouveaux projets ont émergé.", "placeholder"),
    ("Des projets ont émergés.", "wrong agreement"),
    ("6 nouveaux projets ont émergé.", "begins with a digit"),
    ("Des changements significatifs ont été observés.", "unsupported claim"),
    ("Le projet a amélioré l'accès.", "typewriter apostrophe"),
    ("Les formations ont permis d’obtenir un emploi ici et d’obtenir un emploi ailleurs.",
     "repeated infinitive"),
    ("Ces échanges ont été constatés au quotidien.", "leaning on an absent one"),
    ("Des échanges ont été observés entre les bénévoles.", "'entre' with a single group"),
    ("Les besoins suivants : une salle, cours du soir et des locaux.", "articles inconsistent"),
    ("Certaines personnes se «\u202fsont fédérés\u202f» autour du lieu.", "woven into our grammar"),
])
def test_each_sentence_defect_is_caught(good, sentence, kind):
    found = lint_model(with_statement(good, sentence))
    assert any(kind in f for f in found), found


def test_structure_defects_are_caught(good):
    part = good.parts[0]
    bare = replace(part.topics[0], statements=(), quotes=("Un marché.",), lead_in=None)
    assert any("bare quote" in f for f in lint_model(
        replace(good, parts=(replace(part, topics=(bare,)),))))
    assert any("nothing under it" in f for f in lint_model(
        replace(good, parts=(replace(part, topics=(), note=None),))))
    assert any("incomplete title" in f for f in lint_model(
        replace(good, title="Effets sociaux et urbains de")))


def pdf(pages: list[list[str]]) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for lines in pages:
        for i, line in enumerate(lines):
            canvas.drawString(50, 800 - 20 * i, line)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_layout_defects_are_caught_in_the_pdf(good):
    banner = good.parts[0].title.upper()
    title = ["Effets sociaux et urbains de la Maison des", "Communs"]
    footer = ["Effets sociaux et urbains de la Maison des Communs", "Page 1 / 2"]
    found = lint_pdf(good, pdf([[*title, "Lien social", "Texte.", banner, "Intensité", "3/5",
                                 *footer], [banner, "Intensité", "3/5", *footer],
                                ["#communs", *footer]]))
    assert "font not embedded: /Helvetica" in found
    assert any("page 1 ends with a banner" in f for f in found)
    assert any("page 2 holds only a part banner" in f for f in found)
    assert any("orphan word" in f for f in found)
    assert "keywords under the parts, not in the header" in found
    no_level = replace(good, parts=tuple(replace(p, intensity=None) for p in good.parts))
    assert any("intensity bars drawn" in f for f in lint_pdf(no_level, to_pdf(
        good, load_template("default"))))
    assert any("typewriter apostrophe" in f for f in lint_pdf(good, pdf([["l'accès"]])))
    assert unembedded_fonts(to_pdf(good, load_template("default"))) == []


def test_a_synthetic_network_of_300_sites_has_no_defect(questionnaire):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import generate_table
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    report = validate(generate_table(300, seed=14), questionnaire)
    assert len(report.current) >= 290
    templates = [load_template("default"), load_template("reseau-sud")]
    defects = {}
    for i, response in enumerate(report.current):
        template = templates[i % 2]
        model = compose(response, questionnaire, template)
        found = lint(model, to_pdf(model, template))
        if found:
            defects[response.site] = found
    assert defects == {}

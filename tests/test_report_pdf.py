"""PDF rendering: text, metadata, determinism, escaping, long texts, files written."""

import io
import itertools
import re
from functools import cache
from pathlib import Path

from conftest import pdf_text
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from report_lint import lint

from impactsheets.answers import Selection
from impactsheets.questionnaire import load_questionnaire
from impactsheets.report import compose, load_template, render_reports, render_site
from impactsheets.report.naming import slugify, unique_slugs
from impactsheets.report.pdf import to_pdf
from impactsheets.validation import Response

A4 = (595.28, 841.89)


def site(**answers):
    answers.setdefault("site_nom", "Arsenal")
    return Response(2, answers)


def test_metadata_page_size_and_fonts(questionnaire):
    data = render_site(site(mots_cles="patrimoine"), questionnaire, "default")
    reader = PdfReader(io.BytesIO(data))
    meta = reader.metadata
    assert meta.title == "Effets sociaux et urbains d’Arsenal"
    assert meta.author and meta.subject
    assert b"/Lang (fr-FR)" in data
    width, height = (float(x) for x in reader.pages[0].mediabox[2:])
    assert (round(width, 1), round(height, 1)) == (round(A4[0], 1), round(A4[1], 1))
    fonts = {str(f) for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert fonts and b"/FontFile2" in data  # embedded TrueType
    assert "Page 1 / 1" in pdf_text(data)


def test_every_font_referenced_is_embedded(questionnaire, example_validation):
    from report_lint import unembedded_fonts

    provisional = next(r for r in example_validation.current if r.errors)  # table + chart
    for response in (site(), provisional):
        for template in ("default", "reseau-sud"):
            data = render_site(response, questionnaire, template)
            assert unembedded_fonts(data) == []
            assert b"Helvetica" not in data


def test_page_one_opens_with_a_summary_chart(questionnaire):
    data = render_site(site(intensite_individuels=4, intensite_territoriaux=2, capacite_nombre=3,
                            sante_effets=Selection(("aucun",)),
                            solidarite_types=Selection(("biens",))),
                       questionnaire, "default")
    text = " ".join(pdf_text(data).split())
    summary = text[text.index("En bref"):text.index("EFFETS INDIVIDUELS")]
    assert summary == ("En bref Effets individuels 4/5 1 effet rapporté Effets collectifs "
                       "intensité non renseignée 1 effet rapporté Effets sur le quartier et le "
                       "territoire 2/5 aucun effet rapporté ")
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert len(re.findall(rb"\bre\b", page.get_contents().get_data())) >= 4  # vector bars


def test_provisional_report_ends_with_what_to_correct(example_validation, questionnaire):
    usine = next(r for r in example_validation.current if r.site == "L'Usine à Projets")
    text = " ".join(pdf_text(render_site(usine, questionnaire, "default")).split())
    box = text[text.index("Réponses à corriger"):]
    assert "Question Réponse donnée Pourquoi" in box
    assert "Nombre de nouveaux projets ou actions imprévus ?? « Nombre de nouveaux projets ou " \
        "actions imprévus » attend un nombre entier" in box
    assert "Date d’ouverture du lieu 32/13/2020" in box
    assert "Réponses à corriger" not in pdf_text(render_site(site(), questionnaire, "default"))


def test_keywords_in_the_header_and_a_balanced_title(questionnaire):
    data = render_site(site(site_nom="Maison des Communs", mots_cles="communs, habitat",
                            capacite_nombre=2), questionnaire, "default")
    lines = [x.strip() for x in pdf_text(data).split("\n")]
    assert lines[:2] == ["Effets sociaux et urbains", "de la Maison des Communs"]
    assert lines.index("#communs   #habitat") < lines.index("EFFETS INDIVIDUELS")


def test_a_part_banner_never_stands_alone_at_a_page_foot(questionnaire):
    from report_lint import lint_pdf

    from impactsheets.report import compose
    from impactsheets.report.pdf import to_pdf

    template = load_template("default")
    for lines in range(20, 60, 3):  # a first part of growing length pushes the second banner
        response = site(capacite_nombre=2, capacite_commentaire="Une ligne de texte. " * lines * 4,
                        solidarite_types=Selection(("biens",)), intensite_collectifs=3)
        model = compose(response, questionnaire, template)
        assert lint_pdf(model, to_pdf(model, template)) == [], lines


def test_identical_input_identical_bytes(questionnaire):
    response = site(capacite_nombre=3, capacite_commentaire="Un marché.")
    assert render_site(response, questionnaire, "default") == \
        render_site(response, questionnaire, "default")


def test_lines_lent_by_earlier_reports_give_the_same_bytes(example_validation, questionnaire):
    """A render worker keeps the lines of the sentences it has broken (reports repeat them): a
    report drawn after the whole network is byte for byte the one a fresh process draws, and
    the kept lines are reused, not only stored."""
    from impactsheets.network.comparison import network_comparison
    from impactsheets.report import flowables

    template = load_template("default")
    network = network_comparison(example_validation, questionnaire, template)
    first, second = example_validation.current[:2]
    flowables._BROKEN.clear()
    render_site(second, questionnaire, template, network)
    broken_alone = len(flowables._BROKEN)
    flowables._BROKEN.clear()
    render_site(first, questionnaire, template, network)
    before = len(flowables._BROKEN)
    render_site(second, questionnaire, template, network)
    assert len(flowables._BROKEN) - before < broken_alone  # its headings, at least, were lent

    after_others = [render_site(r, questionnaire, template, network)
                    for r in example_validation.current]
    alone = []
    for response in example_validation.current:
        flowables._BROKEN.clear()
        alone.append(render_site(response, questionnaire, template, network))
    assert after_others == alone


def test_user_text_is_escaped(questionnaire):
    comment = "Ateliers <b>réparation</b> & couture, x <y et a>b <font size=40>"
    text = pdf_text(render_site(site(capacite_nombre=2, capacite_commentaire=comment,
                                     site_nom="Le <i>Lieu</i> & Cie"), questionnaire, "default"))
    assert "<b>réparation</b> & couture, x <y et a>b <font size=40>" in " ".join(text.split())
    assert "du <i>Lieu</i> & Cie" in " ".join(text.split())


def test_very_long_comment_flows_across_pages(questionnaire):
    long = " ".join(f"Phrase numéro {i} d'un très long commentaire." for i in range(900))
    data = render_site(site(capacite_nombre=2, capacite_commentaire=long,
                            sante_commentaire="x" * 4000), questionnaire, "default")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 3
    text = pdf_text(data)
    assert "Phrase numéro 899" in text
    assert f"Page {len(reader.pages)} / {len(reader.pages)}" in text


def test_characters_the_font_lacks_do_not_crash(questionnaire):
    text = pdf_text(render_site(site(capacite_nombre=2,
                                     capacite_commentaire="Super 🎉 fête ☃ 𝔘 ok ﬁn"),
                                questionnaire, "default"))
    assert "« Super fête" in text and "ok" in text


def test_words_in_a_script_the_font_lacks_are_marked_not_silently_lost(questionnaire):
    comment = "Accueil des familles : שלום עולם et مرحبا بكم chaque jeudi."
    text = pdf_text(render_site(site(capacite_nombre=2, capacite_commentaire=comment),
                                questionnaire, "default"))
    assert "« Accueil des familles : […] et […] chaque jeudi. »" in " ".join(text.split())


def test_provisional_footer(questionnaire):
    from impactsheets.validation import ERROR, Problem

    response = site(capacite_nombre=2)
    response.problems = [Problem("not-a-number", ERROR, "x"), Problem("out-of-range", ERROR, "y")]
    assert "Rapport provisoire : 2 réponses à corriger" in pdf_text(
        render_site(response, questionnaire, "default"))


def test_second_template_renders_differently(questionnaire):
    response = site(capacite_nombre=2)
    sud = render_site(response, questionnaire, "reseau-sud")
    assert sud != render_site(response, questionnaire, "default")
    assert "1 sur 1" in pdf_text(sud)
    assert PdfReader(io.BytesIO(sud)).metadata.author == "Réseau Sud des tiers-lieux"


def test_render_reports_writes_one_file_per_current_site(tmp_path: Path, example_validation,
                                                         questionnaire):
    results = render_reports(example_validation, questionnaire, tmp_path)
    files = sorted(p.name for p in (tmp_path / "reports").iterdir())
    assert files == sorted(f"{r.slug}.pdf" for r in results)
    assert "numeripole-le.pdf" in files and "l-usine-a-projets.pdf" in files
    assert [r.site for r in results].count("La Ruche Numérique") == 1  # superseded row: none
    ruche = next(r for r in results if r.site == "La Ruche Numérique")
    assert ruche.row == 16
    assert all(r.error is None for r in results)
    assert {r.site for r in results if r.provisional} == {
        "L'Usine à Projets", "Jardin partagé des Lilas", "Tiers-Lieu du Moulin",
        "Café coopératif Le Zinc"}
    sizes = sorted(r.path.stat().st_size for r in results if r.path)
    assert sizes[-1] <= 60_000


def test_render_reports_filters_sites_and_isolates_failures(tmp_path: Path, example_validation,
                                                            questionnaire, monkeypatch):
    import impactsheets.report as report

    real = report.render_site

    def flaky(response, q, template, network=None):
        if response.site == "Arsenal":
            raise RuntimeError("boom")
        return real(response, q, template, network)

    monkeypatch.setattr(report, "render_site", flaky)
    results = report.render_reports(example_validation, questionnaire, tmp_path,
                                    sites=["ARSENAL", "numéripôle (le)"])
    assert [(r.site, r.path is None, r.error) for r in results] == [
        ("Numéripôle (Le)", False, None), ("Arsenal", True, "RuntimeError: boom")]
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["numeripole-le.pdf"]


def test_slugs_are_safe_and_unique():
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("C:\\Windows\\system32") == "c-windows-system32"
    assert slugify("NUL") == "nul-site" and slugify("") == "site"
    assert slugify("Œuvre commune") == "oeuvre-commune"
    assert len(slugify("Très long nom " * 20)) <= 80
    assert unique_slugs([("La Ruche", "31000"), ("la ruche", "69001"), ("X", "1"),
                         ("X", "1")]) == ["la-ruche-31000", "la-ruche-69001", "x-1", "x-1-2"]


_NAME_LETTERS = ("abcxyzABCXYZ0129 '’().&/!?:+-;#,_éèêëàâçîïôùûüÿñÉÈÀÇŒœæß"
                 "Ø\u200b\u00a0\t")


@settings(max_examples=400, deadline=None)
@given(name=st.text(st.sampled_from(_NAME_LETTERS), max_size=130))
@example(name="Le Bazar des Possibles & Cie")
@example(name="Tom &amp; Jerry")  # an entity: python-slugify decodes it
@example(name="1,000 m² d’Ateliers")  # digits joined across the comma; "²" transliterated
def test_common_names_are_spelt_as_python_slugify_spells_them(name: str) -> None:
    """The direct spelling of common names (letters, accents, digits, punctuation) is
    python-slugify's, character for character; other names go through python-slugify."""
    import unicodedata

    from slugify import slugify as library

    from impactsheets.slugs import _ascii

    visible = "".join(c for c in name if unicodedata.category(c) != "Cf")  # zero-width: out
    assert _ascii(name) == library(visible, max_length=100)


@cache
def _questionnaire():  # not the fixture: hypothesis would print it in every report
    return load_questionnaire()


_publics = st.lists(st.sampled_from(["visiteurs", "voisins", "benevoles", "occupants"]),
                    unique=True)
_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=_text.filter(str.strip), publics=_publics, others=st.lists(_text, max_size=2),
       n=st.integers(0, 10000), comment=_text, level=st.integers(1, 5),
       equality=st.sampled_from(["plus", "autant", "moins"]))
@example(name="0", publics=[], others=[], n=0, comment="A'\x1b¹", level=1, equality="plus")
@example(name="0«", publics=[], others=[], n=0, comment="", level=1, equality="plus")  # not «»
@example(name="A000000000అ", publics=[], others=[], n=0, comment="", level=1,
         equality="plus")  # a title on two lines: the text breaks after "et"
@example(name="0", publics=[], others=["00»{"], n=0, comment="", level=1,
         equality="plus")  # their » inside our « »: it becomes ”
@example(name="B'\x1bA", publics=[], others=[], n=0, comment="", level=1,
         equality="plus")  # the control character goes before the apostrophe is set
@example(name="A'🌀A", publics=[], others=[], n=0, comment="", level=1,
         equality="plus")  # a character the font lacks goes before the apostrophe is set
def test_random_valid_answers_always_render(name, publics, others, n, comment,
                                            level, equality):
    response = site(site_nom=name, lien_social_publics=Selection(tuple(publics)),
                    sante_effets=Selection(("confiance",), tuple(others)), capacite_nombre=n,
                    capacite_commentaire=comment, intensite_collectifs=level,
                    egalite_residents=Selection((equality,)), mots_cles=comment)
    template = load_template("default")
    model = compose(response, _questionnaire(), template)
    data = to_pdf(model, template)
    assert " ".join(pdf_text(data).split()).startswith("Effets sociaux et urbains")
    assert lint(model, data) == []


def test_a_huge_wrong_answer_still_renders_its_correction_box(questionnaire):
    from impactsheets.validation import ERROR, Problem

    response = site(capacite_nombre=2)
    response.problems = [Problem("too-long", ERROR, "« Mots-clés » est trop longue.",
                                 question="mots_cles", value="mot, " * 10_000)]
    text = " ".join(pdf_text(render_site(response, questionnaire, "default")).split())
    assert "Mots-clés mot, mot," in text and "mot, mot,…" in text


def test_a_comment_of_several_lines_reads_as_one_quote_with_even_line_spacing(questionnaire):
    lines = ["Nous avons accueilli des jeunes du quartier tout l'été, avec des ateliers de "
             "réparation de vélos et une fête de fin de saison.",
             "Le lien avec la mairie s'est renforcé.", "Merci aux bénévoles !"]
    data = render_site(site(capacite_nombre=3, capacite_commentaire="\n".join(lines)),
                       questionnaire, "default")
    baselines: dict[float, str] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():  # the baseline on the page: text matrix times current matrix
            y = round(tm[4] * cm[1] + tm[5] * cm[3] + cm[5], 2)
            baselines[y] = baselines.get(y, "") + text

    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    quote = [(y, t) for y, t in sorted(baselines.items(), reverse=True)
             if "jeunes du quartier" in t or "de saison" in t or "mairie" in t
             or "bénévoles" in t]
    assert [t.strip()[:12] for _, t in quote] == ["« Nous avons", "de saison.", "Le lien avec",
                                                  "Merci aux bé"]
    assert " ".join(quote[-1][1].split()).endswith("bénévoles ! »")
    gaps = {round(a[0] - b[0], 1) for a, b in itertools.pairwise(quote)}
    assert len(gaps) == 1, gaps  # the lines the site typed are as close as a wrapped line

"""The Numéripôle example states every fact of the seed report, and no report of the demo
workbook shows any defect the report linter knows (tests/report_lint.py), in both templates.

Facts are written here with plain apostrophes; reports print typographic ones (’)."""

import re

import pytest
from conftest import pdf_text
from report_lint import lint

from impactsheets.report import compose, load_template, render_site
from impactsheets.report.pdf import to_pdf


@pytest.fixture(scope="module")
def texts(example_validation, questionnaire):
    return {r.site: pdf_text(render_site(r, questionnaire, "default"))
            for r in example_validation.current}


def flat(text: str) -> str:
    return " ".join(text.split()).replace("'", "’")


SEED_FACTS = [
    "Effets sociaux et urbains du Numéripôle",
    "Roubaix (59100)",
    "EFFETS INDIVIDUELS", "EFFETS COLLECTIFS", "EFFETS SUR LE QUARTIER ET LE TERRITOIRE",
    "Des interactions sociales ont été observées entre différents publics : visiteur·euse·s "
    "grand public, publics en difficulté, personnes travaillant sur le site et bénévoles.",
    "Des échanges entre publics ont été constatés lors d'évènements grand public, lors "
    "d'activités avec des publics dédiés et lors de temps spécifiques organisés pour favoriser "
    "les rencontres entre ces publics.",
    "« Petit-déjeuner, Afterwork, événements spéciaux (festivals...). »",
    # The site's "other" answer is quoted as typed, never woven into our sentence.
    "Chez certaines personnes, les effets suivants ont été rapportés ou constatés : un "
    "mieux-être dans leurs relations avec les autres et une plus grande confiance en elles, "
    "ainsi que : « amélioration des conditions de travail ».",
    "Six nouveaux projets ou actions imprévus (atelier, évènement, marché…), portés par des "
    "résident·e·s ou personnes hébergées, ont émergé.",
    "« Festival du Numérique et des Makers. »",
    "Des échanges, dons ou mutualisations de petits services et de compétences ont été observés "
    "entre les visiteur·euse·s grand public, les personnes travaillant sur le site et les "
    "bénévoles.",
    "La création de réseaux de personnes autour d'un projet ou d'une action a été observée "
    "entre les occupant·e·s du site et les bénévoles.",
    "Le lieu rapporte avoir observé : « certaines personnes se sont fédérés autour du lieu ».",
    "Concernant l'équipe de gestion et d'animation et les dirigeant·e·s, il y a moins de femmes "
    "que d'hommes.",
    "Concernant les publics, il y a autant de femmes que d'hommes.",
    "Le projet n'a rien changé dans la gestion urbaine des espaces existants par les services "
    "des collectivités ou de leurs partenaires (ramassage des ordures, propreté, entretien, "
    "sécurité…).",
    "Le projet a permis de répondre à des besoins sociaux urgents du territoire : cours du soir, "
    "aide aux devoirs, ateliers informatiques, espaces de convivialité ou de rencontres "
    "attentifs aux minorités et locaux d'activité.",
    "« Formations numériques. »",
    "La collaboration avec les partenaires publics et privés a permis d'améliorer ou "
    "d'expérimenter de nouveaux modes de faire, mais cela a été difficile à mettre en œuvre "
    "(surcharge de travail, réorganisation).",
    "« Difficulté de travailler avec des organismes publiques. »",
    "#numérique", "#makers", "#solidarité",
    "Intensité 4/5", "Intensité 3/5",
    "En bref", "Effets individuels 4/5 3 effets rapportés",
    "Effets collectifs 3/5 4 effets rapportés",
    "Effets sur le quartier et le territoire 3/5 2 effets rapportés",
]


@pytest.mark.parametrize("fact", SEED_FACTS)
def test_numeripole_states_the_seed_facts(texts, fact):
    assert flat(fact) in flat(texts["Numéripôle (Le)"])


def test_numeripole_has_none_of_the_seed_defects(texts):
    text = flat(texts["Numéripôle (Le)"])
    for defect in ["Ces rencontres ont lieu", "NUMÉRIPÔLE (LE)", "Numéripôle (Le)", "ont émergés",
                   "se d’une", "présent.e.s", "occupant.e.s", "résident.e.s", "RAS", "ras.",
                   "ont été observées.", "Des nouveaux projets", "changements significatifs",
                   "que certaines personnes se sont fédérés", "et amélioration des conditions",
                   "6 nouveaux", "'"]:
        assert defect not in text, defect


def test_numeripole_reads_in_order(texts):
    """Topics follow the domain reference, and the Égalité section is not interleaved."""
    text = flat(texts["Numéripôle (Le)"])
    text = text[text.index("EFFETS INDIVIDUELS"):]
    order = ["Lien social", "Santé", "Capacité à agir", "Solidarité", "Réseau de personnes",
             "Sentiment d'inclusion ou d'exclusion", "Égalité femmes/hommes",
             "Services publics et de proximité", "Innovation publique"]
    positions = [text.index(flat(title)) for title in order]
    assert positions == sorted(positions)
    body = text[text.index("EFFETS INDIVIDUELS"):]
    equality = body[body.index("Égalité femmes/hommes"):body.index("EFFETS SUR LE QUARTIER")]
    assert equality.startswith(flat(
        "Égalité femmes/hommes Concernant l'équipe de gestion et d'animation et les "
        "dirigeant·e·s, il y a moins de femmes que d'hommes. Concernant les publics, il y a "
        "autant de femmes que d'hommes."))


@pytest.mark.parametrize("template", ["default", "reseau-sud"])
def test_no_demo_report_has_a_defect(example_validation, questionnaire, template):
    from impactsheets.network.comparison import network_comparison

    loaded = load_template(template)
    network = network_comparison(example_validation, questionnaire, loaded)  # as the demo does
    assert network is not None and len(example_validation.current) == 13
    for response in example_validation.current:
        for compared in (network, None):
            model = compose(response, questionnaire, loaded, compared)
            assert lint(model, to_pdf(model, loaded)) == [], response.site


def test_no_empty_topic_heading(example_validation, questionnaire):
    template = load_template("default")
    for response in example_validation.current:
        model = compose(response, questionnaire, template)
        for part in model.parts:
            for topic in part.topics:
                assert topic.statements or topic.quotes, (response.site, topic.id)


def test_titles_are_consistent(texts):
    for text in texts.values():
        assert re.match(r"Effets sociaux et urbains (du |des |de la |de l’|d’|de )\w", flat(text))
    firsts = {site: flat(text) for site, text in texts.items()}
    assert firsts["Les Halles Solidaires"].startswith(
        "Effets sociaux et urbains des Halles Solidaires Bordeaux (33000)")
    assert firsts["Arsenal"].startswith("Effets sociaux et urbains d’Arsenal Besançon")
    assert firsts["Le 3ème Lieu"].startswith("Effets sociaux et urbains du 3ème Lieu Rennes")
    assert firsts["L'Usine à Projets"].startswith("Effets sociaux et urbains de l’Usine à Projets")

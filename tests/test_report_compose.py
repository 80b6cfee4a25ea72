"""Composition of answers into statements, driven by the template."""

from pathlib import Path

import pytest

from impactsheets.answers import Selection
from impactsheets.errors import TemplateError
from impactsheets.report import compose, load_template
from impactsheets.validation import Response


@pytest.fixture(scope="module")
def default():
    return load_template("default")


def topic(model, tid):
    found = [t for p in model.parts for t in p.topics if t.id == tid]
    return found[0] if found else None


def make(questionnaire, default, **answers):
    answers.setdefault("site_nom", "Arsenal")
    return compose(Response(2, answers), questionnaire, default)


def test_empty_slot_drops_the_sentence_not_a_blank(questionnaire, default):
    model = make(questionnaire, default, lien_social_publics=Selection(("benevoles", "voisins")))
    statements = topic(model, "lien_social").statements
    assert statements == ("Des interactions sociales ont été observées entre différents "
                          "publics\u202f: bénévoles et voisin·e·s du quartier.",)
    assert "ont lieu ." not in model.text()


def test_topic_without_answers_is_left_out_every_part_says_something(questionnaire, default):
    model = make(questionnaire, default, capacite_nombre=2, intensite_collectifs=4)
    assert [t.id for p in model.parts for t in p.topics] == ["capacite"]
    assert [(p.id, p.note) for p in model.parts] == [
        ("individuels", None),
        ("collectifs", "Aucun effet n’a été détaillé pour cette partie."),
        ("territoire", "Aucune réponse pour cette partie.")]


def test_counts_agree_and_no_sentence_begins_with_a_digit(questionnaire, default):
    one = make(questionnaire, default, capacite_nombre=1,
               capacite_porteurs=Selection(("benevoles",)))
    assert topic(one, "capacite").statements == (
        "Un nouveau projet ou action imprévu (atelier, évènement, marché…), porté par des "
        "bénévoles, a émergé.",)
    many = make(questionnaire, default, capacite_nombre=6)
    assert topic(many, "capacite").statements == (
        "Six nouveaux projets ou actions imprévus (atelier, évènement, marché…) ont émergé.",)
    big = make(questionnaire, default, capacite_nombre=80)
    assert topic(big, "capacite").statements[0].startswith("Quatre-vingts nouveaux projets")
    zero = make(questionnaire, default, insertion_nombre=0)
    assert topic(zero, "insertion").statements == (
        "Aucune personne n’a bénéficié de formations ou d’un accompagnement.",)


def test_a_blank_or_invalid_count_keeps_the_topics_other_answers(questionnaire, default):
    # capacite_nombre left blank or rejected ("??"): the count-less form still says who.
    model = make(questionnaire, default, capacite_porteurs=Selection(("benevoles", "occupants")))
    assert topic(model, "capacite").statements == (
        "De nouveaux projets ou actions imprévus (atelier, évènement, marché…), portés par des "
        "bénévoles et des occupant·e·s, ont émergé.",)
    model = make(questionnaire, default, insertion_effets=Selection(("autonomie",)))
    assert topic(model, "insertion").statements == (
        "Les formations et accompagnements ont permis à certaines personnes de gagner en "
        "autonomie.",)
    model = make(questionnaire, default, solidarite_types=Selection(("biens",)))
    assert topic(model, "solidarite").statements == (
        "Des échanges, dons ou mutualisations de biens ont été observés.",)


def test_entre_only_with_two_groups_or_more(questionnaire, default):
    one = make(questionnaire, default, solidarite_types=Selection(("espaces",)),
               solidarite_publics=Selection(("benevoles",)),
               reseau_publics=Selection(("occupants",)))
    assert topic(one, "solidarite").statements == (
        "Des échanges, dons ou mutualisations d’espaces ont été observés parmi les bénévoles.",)
    assert topic(one, "reseau").statements == (
        "La création de réseaux de personnes a été observée parmi les occupant·e·s du site.",)
    two = make(questionnaire, default, solidarite_publics=Selection(("benevoles", "voisins")))
    assert topic(two, "solidarite").statements == (
        "Des échanges, dons ou mutualisations ont été observés entre les bénévoles et les "
        "voisin·e·s du quartier.",)


def test_repeated_infinitives_are_merged(questionnaire, default):
    model = make(questionnaire, default, insertion_nombre=4, insertion_effets=Selection(
        ("autonomie", "emploi_interne", "emploi_externe")))
    assert topic(model, "insertion").statements == (
        "Les formations et accompagnements ont bénéficié à 4 personnes et ont permis à "
        "certaines d’entre elles de gagner en autonomie et d’obtenir un emploi au sein et à "
        "l’extérieur du lieu.",)


def test_equality_groups_sharing_an_answer(questionnaire, default):
    model = make(questionnaire, default, egalite_equipe=Selection(("moins",)),
                 egalite_dirigeants=Selection(("moins",)), egalite_publics=Selection(("autant",)))
    assert topic(model, "egalite").statements == (
        "Concernant l’équipe de gestion et d’animation et les dirigeant·e·s, il y a moins de "
        "femmes que d’hommes.",
        "Concernant les publics, il y a autant de femmes que d’hommes.")


def test_inclusion_no_and_other(questionnaire, default):
    no = make(questionnaire, default, inclusion_observation=Selection(("non",)))
    assert topic(no, "inclusion").statements == (
        "Aucun sentiment d’appartenance ou d’exclusion n’a été observé.",)
    other = make(questionnaire, default,
                 inclusion_observation=Selection((), ("certaines personnes se sont fédérés.",)))
    assert topic(other, "inclusion").statements == (
        "Le lieu rapporte avoir observé\u202f: «\u202fcertaines personnes se sont fédérés\u202f».",)


@pytest.mark.parametrize(("answers", "tid", "sentence"), [
    ({"entretien_effets": Selection(("aucun",))}, "entretien",
     "Le projet n’a pas eu d’effet sur l’entretien des espaces."),
    ({"sante_effets": Selection(("aucun",))}, "sante",
     "Aucun changement n’a été observé dans les conditions physiques, sociales ou psychiques "
     "des bénéficiaires du projet."),
    ({"capacite_nombre": 0}, "capacite", "Aucun nouveau projet ou action imprévu n’a émergé."),
    ({"cadre_de_vie_image": Selection(("non",))}, "cadre_de_vie",
     "Le projet n’a pas changé l’image du quartier ou du territoire."),
    ({"services_besoins": Selection(("aucun",))}, "services_publics",
     "Le projet n’a pas eu à répondre à des besoins sociaux urgents du territoire."),
    ({"innovation_collaboration": Selection(("aucun",))}, "innovation",
     "La collaboration avec les partenaires publics et privés n’a pas changé leurs pratiques."),
])
def test_negative_answers_are_explicit_sentences(questionnaire, default, answers, tid, sentence):
    model = make(questionnaire, default, **answers)
    block = topic(model, tid)
    assert block is not None and block.statements == (sentence,)
    assert not block.effect
    assert sum(p.effects for p in model.parts) == 0


def test_no_claim_the_answers_do_not_support(questionnaire, default):
    model = make(questionnaire, default, sante_effets=Selection(("inconfort",)))
    assert topic(model, "sante").statements == (
        "Chez certaines personnes, les effets suivants ont été rapportés ou constatés\u202f: "
        "un inconfort.",)
    assert "significati" not in model.text()


def test_other_answers_are_quoted_as_the_sites_words(questionnaire, default):
    model = make(questionnaire, default, services_besoins=Selection(
        ("locaux",), ("Aide alimentaire d'urgence.",)),
        entretien_effets=Selection(("negatifs",)),
        entretien_negatifs=Selection((), ("bruit tardif en été",)),
        cadre_de_vie_image=Selection(("oui",)), cadre_de_vie_maniere="plus de passage le soir")
    assert topic(model, "services_publics").statements == (
        "Le projet a permis de répondre à des besoins sociaux urgents du territoire\u202f: "
        "locaux d’activité, ainsi que\u202f: «\u202fAide alimentaire d’urgence\u202f».",)
    assert topic(model, "entretien").statements == (
        "Le projet a eu des effets négatifs sur l’entretien des espaces\u202f: il a entraîné\u202f: "
        "«\u202fbruit tardif en été\u202f».",)
    assert topic(model, "cadre_de_vie").statements == (
        "Le projet a changé l’image du quartier ou du territoire\u202f: «\u202fplus de passage "
        "le soir\u202f».",)


def test_a_topic_with_only_free_texts_gets_a_lead_in(questionnaire, default, tmp_path):
    model = make(questionnaire, default, lien_social_commentaire="Un marché le samedi.")
    block = topic(model, "lien_social")
    assert block.statements == () and block.quotes == ("Un marché le samedi.",)
    assert block.lead_in == "Le lieu décrit ainsi le lien social observé\u202f:"
    (tmp_path / "template.yaml").write_text(
        "extends: default\ntopics:\n  lien_social:\n    sentences: []\n", encoding="utf-8")
    generic = compose(Response(2, {"site_nom": "A", "lien_social_commentaire": "Un marché."}),
                      questionnaire, load_template(tmp_path))
    assert topic(generic, "lien_social").lead_in == (
        "À propos de «\u202fCommentaire sur le lien social\u202f», le lieu écrit\u202f:")


def test_elision_inside_lists(questionnaire, default):
    model = make(questionnaire, default, solidarite_types=Selection(("espaces",)),
                 solidarite_publics=Selection(("occupants", "acteurs_quartier")))
    assert topic(model, "solidarite").statements == (
        "Des échanges, dons ou mutualisations d’espaces ont été observés entre les occupant·e·s "
        "du site et les acteur·rice·s du quartier.",)


@pytest.mark.parametrize(("name", "title"), [
    ("Au 97", "Effets sociaux et urbains du lieu «\u202fAu 97\u202f»"),
    ("3ème Lieu", "Effets sociaux et urbains du lieu «\u202f3ème Lieu\u202f»"),
    ("À la Source", "Effets sociaux et urbains du lieu «\u202fÀ la Source\u202f»"),
    ("Le 3ème Lieu", "Effets sociaux et urbains du 3ème Lieu"),
    ("🎉🎉", "Effets sociaux et urbains du lieu"),
    ("L'Usine", "Effets sociaux et urbains de l’Usine"),
])
def test_titles_for_any_site_name(questionnaire, default, name, title):
    assert make(questionnaire, default, site_nom=name).title == title


def test_corrections_list_what_to_fix(questionnaire, default):
    from impactsheets.validation import ERROR, WARNING, Problem

    response = Response(2, {"site_nom": "A"}, problems=[
        Problem("missing-trigger", WARNING, "Réponse conservée.", question="lien_social_occasions",
                value="Au quotidien"),
        Problem("not-a-number", ERROR, "« Nombre … » attend un nombre entier.",
                question="capacite_nombre", value="??"),
        Problem("missing-answer", ERROR, "Réponse manquante.", question="intensite_collectifs",
                value="")])
    model = compose(response, questionnaire, default)
    assert model.provisional == "Rapport provisoire\u202f: 2 réponses à corriger"
    assert [(c.question, c.answer) for c in model.corrections] == [  # errors only
        ("Nombre de nouveaux projets ou actions imprévus", "??"),
        ("Intensité des effets collectifs", "(sans réponse)")]
    assert compose(Response(2, {"site_nom": "A"}), questionnaire, default).corrections == ()


def test_filler_comments_are_dropped_real_ones_quoted(questionnaire, default):
    for filler in ("RAS", "ras.", "/", "-", "néant", "S."):
        model = make(questionnaire, default, lien_social_commentaire=filler)
        assert topic(model, "lien_social") is None
    model = make(questionnaire, default, lien_social_commentaire="Un marché , le samedi .")
    assert topic(model, "lien_social").quotes == ("Un marché, le samedi.",)


def test_identity_title_keywords_provisional(questionnaire, default):
    from datetime import datetime

    response = Response(7, {"site_nom": "Numéripôle (Le)", "site_commune": "Roubaix",
                            "site_code_postal": "59100", "mots_cles": "numérique, Makers; RAS"},
                        timestamp=datetime(2026, 3, 12, 10, 14))
    model = compose(response, questionnaire, default)
    assert model.title == "Effets sociaux et urbains du Numéripôle"
    assert model.identity == ("Roubaix (59100)", "Réponses au questionnaire du 12 mars 2026")
    assert model.keywords == ("#numérique", "#makers")
    assert model.provisional is None


def test_broken_template_names_file_and_line(tmp_path: Path):
    bad = tmp_path / "template.yaml"
    bad.write_text("extends: default\ntopics:\n  sante:\n    sentences:\n      - {on: x}\n",
                   encoding="utf-8")
    with pytest.raises(TemplateError, match=r"template\.yaml:5: .*true/false"):
        load_template(tmp_path)
    bad.write_text("extends: default\nlabels:\n  title: 'Effets {de_site'\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"template\.yaml:3: unbalanced"):
        load_template(bad)
    bad.write_text("labels: [\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"template\.yaml:\d+: invalid YAML"):
        load_template(bad)
    with pytest.raises(TemplateError, match="not found"):
        load_template("no-such-template")


def test_unknown_question_in_template_is_reported(tmp_path: Path, questionnaire):
    (tmp_path / "template.yaml").write_text(
        "extends: default\ntopics:\n  sante:\n    sentences:\n      - 'Voir {sante_inconnu}.'\n",
        encoding="utf-8")
    template = load_template(tmp_path)
    with pytest.raises(TemplateError, match=r"template\.yaml:4: unknown question 'sante_inconnu'"):
        compose(Response(2, {"site_nom": "X"}), questionnaire, template)


def test_fingerprint_follows_the_files(tmp_path: Path):
    path = tmp_path / "template.yaml"
    path.write_text("extends: default\nlabels: {intensity: Niveau}\n", encoding="utf-8")
    first = load_template(path).fingerprint
    assert load_template(path).fingerprint == first
    path.write_text("extends: default\nlabels: {intensity: Force}\n", encoding="utf-8")
    assert load_template(path).fingerprint != first
    assert load_template("default").fingerprint.startswith("default@1+")


def test_second_template_rewords(questionnaire):
    sud = load_template("reseau-sud")
    model = compose(Response(2, {"site_nom": "Arsenal", "egalite_publics": Selection(("plus",))}),
                    questionnaire, sud)
    assert topic(model, "egalite").statements == (
        "Parmi les publics accueillis, on compte plus de femmes que d’hommes.",)
    assert sud.style.colors["primary"] != load_template("default").style.colors["primary"]
    assert isinstance(sud.style.logo, Path) and sud.style.logo.name == "logo.png"


@pytest.mark.parametrize("name", ["default", "reseau-sud"])
def test_every_template_sentence_stands_on_its_own(name):
    from impactsheets.report.french import leans_on_previous
    from impactsheets.report.phrases import sentence_texts

    template = load_template(name)
    for tid, spec in template.topics.items():
        for sentence in spec.sentences:
            for text in sentence_texts(sentence):
                assert not leans_on_previous(text.lstrip("[")), (tid, text)
                assert "significati" not in text, (tid, text)

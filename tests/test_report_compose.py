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
    assert "Ces rencontres ont lieu ." not in model.text()


def test_topic_without_answers_is_left_out(questionnaire, default):
    model = make(questionnaire, default, capacite_nombre=2)
    assert [t.id for p in model.parts for t in p.topics] == ["capacite"]
    assert [p.id for p in model.parts] == ["individuels"]


def test_counts_agree(questionnaire, default):
    one = make(questionnaire, default, capacite_nombre=1,
               capacite_porteurs=Selection(("benevoles",)))
    assert topic(one, "capacite").statements == (
        "1 nouveau projet ou action imprévu (atelier, évènement, marché…), porté par des "
        "bénévoles, a émergé.",)
    many = make(questionnaire, default, capacite_nombre=6)
    assert topic(many, "capacite").statements == (
        "6 nouveaux projets ou actions imprévus (atelier, évènement, marché…) ont émergé.",)
    zero = make(questionnaire, default, insertion_nombre=0)
    assert topic(zero, "insertion").statements == (
        "Aucune personne n'a bénéficié de formations ou d'un accompagnement.",)


def test_equality_groups_sharing_an_answer(questionnaire, default):
    model = make(questionnaire, default, egalite_equipe=Selection(("moins",)),
                 egalite_dirigeants=Selection(("moins",)), egalite_publics=Selection(("autant",)))
    assert topic(model, "egalite").statements == (
        "Concernant l'équipe de gestion et d'animation et les dirigeant·e·s, il y a moins de "
        "femmes que d'hommes.",
        "Concernant les publics, il y a autant de femmes que d'hommes.")


def test_inclusion_no_and_other(questionnaire, default):
    no = make(questionnaire, default, inclusion_observation=Selection(("non",)))
    assert topic(no, "inclusion").statements == (
        "Aucun sentiment d'appartenance ou d'exclusion n'a été observé.",)
    other = make(questionnaire, default,
                 inclusion_observation=Selection((), ("Certaines personnes se sont fédérées.",)))
    assert topic(other, "inclusion").statements == (
        "Il a été observé que certaines personnes se sont fédérées.",)


def test_upkeep_none_omits_the_topic(questionnaire, default):
    model = make(questionnaire, default, entretien_effets=Selection(("aucun",)),
                 entretien_exemple="Rien de particulier à signaler ici.")
    assert topic(model, "entretien") is None


def test_other_answers_are_woven_into_lists(questionnaire, default):
    model = make(questionnaire, default, services_besoins=Selection(
        ("locaux",), ("Aide alimentaire d'urgence.",)))
    assert topic(model, "services_publics").statements == (
        "Le projet a permis de répondre à des besoins sociaux urgents du territoire\u202f: "
        "locaux d'activité et aide alimentaire d'urgence.",)


def test_elision_inside_lists(questionnaire, default):
    model = make(questionnaire, default, solidarite_types=Selection(("espaces",)),
                 solidarite_publics=Selection(("occupants", "acteurs_quartier")))
    assert topic(model, "solidarite").statements == (
        "Des échanges, dons ou mutualisations d'espaces ont été observés entre les occupant·e·s "
        "du site et les acteur·rice·s du quartier.",)


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
        "Parmi les publics accueillis, on compte plus de femmes que d'hommes.",)
    assert sud.style.colors["primary"] != load_template("default").style.colors["primary"]
    assert isinstance(sud.style.logo, Path) and sud.style.logo.name == "logo.png"

"""The French grammar module, rule by rule."""

import pytest

from impactsheets.report import french
from impactsheets.report.french import NNBSP


@pytest.mark.parametrize(("items", "conj", "expected"), [
    ([], "et", ""), (["a"], "et", "a"), (["a", "b"], "et", "a et b"),
    (["a", "b", "c"], "et", "a, b et c"), (["a", "b", "c"], "ou", "a, b ou c"),
])
def test_join(items, conj, expected):
    assert french.join(items, conj) == expected


def test_count_noun_and_agreement():
    assert french.count_noun(1, "erreur", "erreurs") == "1 erreur"
    one, many = "{n} nouveau projet ou action a émergé", "{n} nouveaux projets ou actions ont émergé"
    assert french.by_count(1, one, many) == "1 nouveau projet ou action a émergé"
    assert french.by_count(6, one, many) == "6 nouveaux projets ou actions ont émergé"
    assert french.by_count(0, one, many, zero="Aucun") == "Aucun"


@pytest.mark.parametrize(("raw", "expected"), [
    ("de espaces", "d'espaces"), ("de occupant·e·s", "d'occupant·e·s"),
    ("de acteur·rice·s", "d'acteur·rice·s"), ("que il", "qu'il"), ("le accès", "l'accès"),
    ("la accessibilité", "l'accessibilité"), ("De une part", "D'une part"),
    ("de le quartier", "du quartier"), ("de les bénévoles", "des bénévoles"),
    ("de petits services", "de petits services"), ("made in", "made in"),
])
def test_elide(raw, expected):
    assert french.elide(raw) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("Numéripôle (Le)", "du Numéripôle"), ("Le 3ème Lieu", "du 3ème Lieu"),
    ("Les Halles Solidaires", "des Halles Solidaires"), ("Arsenal", "d'Arsenal"),
    ("L'Usine à Projets", "de l'Usine à Projets"), ("L’Usine", "de l'Usine"),
    ("La Friche des Possibles", "de la Friche des Possibles"), ("Friche (La)", "de la Friche"),
    ("Ateliers (Les)", "des Ateliers"), ("Lieu Commun", "du Lieu Commun"),
    ("Bellastock", "de Bellastock"), ("Leroy Merlin", "de Leroy Merlin"),
])
def test_site_name_contraction(name, expected):
    assert french.of_name(name) == expected


def test_inclusive_forms():
    assert french.inclusive("occupant.e.s, résident.e.s, acteur.rice.s, tou.te.s") == \
        "occupant·e·s, résident·e·s, acteur·rice·s, tou·te·s"
    assert french.inclusive("www.site.fr et 3.5") == "www.site.fr et 3.5"


def test_typography():
    assert french.typography("Besoins : a , b .") == f"Besoins{NNBSP}: a, b."
    assert french.typography("Vraiment?Oui !") == f"Vraiment{NNBSP}?Oui{NNBSP}!"
    assert french.typography("à 10:30, voir https://x.fr") == "à 10:30, voir https://x.fr"
    assert french.typography("« café »") == f"«{NNBSP}café{NNBSP}»"
    assert french.typography("1,5 m") == "1,5 m"


def test_finish_sentence():
    assert french.finish("ces rencontres ont lieu au quotidien") == \
        "Ces rencontres ont lieu au quotidien."
    assert french.finish("déjà fini.") == "Déjà fini."
    assert french.finish("entre :") == "Entre."
    assert french.finish("  ") == ""


@pytest.mark.parametrize("text", ["RAS", "ras.", "/", "-", "néant", "Néant.", "S.", "x", "",
                                  "R.A.S", "n/a", None])
def test_filler_comments(text):
    assert french.is_filler(text)


@pytest.mark.parametrize("text", ["Un marché le samedi.", "Oui, beaucoup", "42 ateliers"])
def test_real_comments(text):
    assert not french.is_filler(text)


def test_fragment_and_display_name():
    assert french.fragment("Amélioration des conditions de travail.") == \
        "amélioration des conditions de travail"
    assert french.fragment("ONG locales") == "ONG locales"
    assert french.display_name("Numéripôle (Le)") == "Le Numéripôle"
    assert french.display_name("Usine (L')") == "L'Usine"


def test_doctests_of_the_report_modules():
    import doctest
    import importlib

    for name in ("french", "compose", "flowables", "naming", "pdf", "phrases", "template"):
        module = importlib.import_module(f"impactsheets.report.{name}")
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__


@pytest.mark.parametrize(("name", "expected"), [
    ("Au 97", f"du lieu «{NNBSP}Au 97{NNBSP}»"), ("3ème Lieu", f"du lieu «{NNBSP}3ème Lieu{NNBSP}»"),
    ("À la Source", f"du lieu «{NNBSP}À la Source{NNBSP}»"),
    ("Aux Quatre Vents", f"du lieu «{NNBSP}Aux Quatre Vents{NNBSP}»"),
    ("Chez Simone", f"du lieu «{NNBSP}Chez Simone{NNBSP}»"),
    ("#Lab", f"du lieu «{NNBSP}#Lab{NNBSP}»"), ("🎉", "du lieu"), ("…", "du lieu"),
    ("Autrement", "d'Autrement"), ("Au 97 (Le)", "du Au 97"),
])
def test_names_that_cannot_follow_de(name, expected):
    assert french.of_name(name) == expected


@pytest.mark.parametrize(("n", "words"), [
    (0, "zéro"), (16, "seize"), (17, "dix-sept"), (30, "trente"), (31, "trente et un"),
    (72, "soixante-douze"), (81, "quatre-vingt-un"), (99, "quatre-vingt-dix-neuf"),
    (100, "cent"), (300, "trois cents"), (1001, "mille un"), (2000, "deux mille"),
    (200000, "deux cent mille"), (1_000_000, "un million"),
])
def test_number_words(n, words):
    assert french.number_words(n) == words


def test_no_sentence_begins_with_a_digit():
    assert french.finish("12 projets ont émergé") == "Douze projets ont émergé."
    assert french.finish("2026 fut une année pleine") == "Deux mille vingt-six fut une année pleine."
    assert french.finish("Les 12 projets") == "Les 12 projets."


@pytest.mark.parametrize(("items", "expected"), [
    (["obtenir un emploi au sein du lieu", "obtenir un emploi à l'extérieur du lieu"],
     ["obtenir un emploi au sein et à l'extérieur du lieu"]),
    (["lors d'évènements", "lors d'ateliers"], ["lors d'évènements", "lors d'ateliers"]),
    (["des bénévoles", "des bénévoles ou des habitants"],
     ["des bénévoles", "des bénévoles ou des habitants"]),
    (["aide aux devoirs du soir", "aide aux devoirs du matin", "aide aux devoirs en ligne"],
     ["aide aux devoirs du soir, du matin et en ligne"]),
])
def test_merge_shared_start(items, expected):
    assert french.merge_shared_start(items) == expected


def test_typographic_apostrophes_and_quotes():
    assert french.typography("l'accès d'un lieu") == "l’accès d’un lieu"
    assert french.quoted("  bruit tardif.  ") == f"«{NNBSP}bruit tardif{NNBSP}»"
    assert french.leans_on_previous("Ces échanges ont été constatés.")
    assert not french.leans_on_previous("Des échanges ont été constatés.")

"""Build ``examples/reponses-effets-sociaux.xlsx``, the bundled example response sheet.

It has the exact shape of a French Google Forms response sheet (headers = question titles,
``Horodateur`` first, multi-choice labels joined by ", "). Run it again after changing the
questionnaire: ``python examples/make_example.py``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from impactsheets.questionnaire import load_questionnaire

HERE = Path(__file__).resolve().parent
OUT = HERE / "reponses-effets-sociaux.xlsx"

NUMERIPOLE = {
    "Horodateur": datetime(2026, 3, 12, 10, 14, 3),
    "site_nom": "Numéripôle (Le)", "site_code_postal": "59100", "site_commune": "Roubaix",
    "contact_email": "contact@numeripole.fr", "site_ouverture": "15/09/2019",
    "site_surface": 850,
    "intensite_individuels": 4, "intensite_collectifs": 3, "intensite_territoriaux": 3,
    "lien_social_publics": "Visiteurs et visiteuses grand public, Publics en difficulté, "
                           "Personnes travaillant sur le site, Bénévoles",
    "lien_social_occasions": "Lors d'évènements grand public, Lors d'activités avec des publics "
                             "dédiés, Lors de temps spécifiques organisés pour favoriser les "
                             "rencontres entre ces publics",
    "lien_social_commentaire": "Petit-déjeuner, Afterwork, événements spéciaux (festivals ...).",
    "sante_effets": "Se sentir mieux dans leurs relations avec les autres, D'une plus grande "
                    "confiance en eux, amélioration des conditions de travail",
    "sante_commentaire": "Des usagers viennent pour discuter, échanger ...",
    "capacite_nombre": 6,
    "capacite_porteurs": "Des résidents ou résidentes, ou des personnes hébergées",
    "capacite_commentaire": "Festival du Numérique et des Makers.",
    "solidarite_types": "De petits services, De compétences",
    "solidarite_publics": "Visiteurs et visiteuses grand public, Personnes travaillant sur le "
                          "site, Bénévoles",
    "solidarite_commentaire": "Travail collaboratifs entre entreprise de l'espace de coworking.",
    "reseau_objets": "Autour d'un projet ou d'une action",
    "reseau_publics": "Occupants et occupantes du site, Bénévoles",
    "reseau_commentaire": "Des membres d'entreprises ont intégrés l'association.",
    "inclusion_observation": "certaines personnes se sont fédérés autour du lieu",
    "inclusion_commentaire": "RAS.",
    "egalite_equipe": "Moins de femmes que d'hommes",
    "egalite_dirigeants": "Moins de femmes que d'hommes",
    "egalite_publics": "Autant de femmes que d'hommes",
    "egalite_commentaire": "ras.",
    "services_gestion": "Rien n'a changé pour les espaces existants",
    "services_besoins": "Cours du soir, aide aux devoirs, ateliers informatiques, Espaces de "
                        "convivialité ou de rencontres attentifs aux minorités, Locaux d'activité",
    "services_commentaire": "Formations numériques.",
    "innovation_collaboration": "Elle a permis d'expérimenter de nouveaux modes de faire, mais "
                                "cela a été difficile à mettre en œuvre (surcharge de travail, "
                                "réorganisation)",
    "innovation_commentaire": "Difficulté de travailler avec des organismes publiques.",
    "mots_cles": "numérique, makers, solidarité",
}


def clean_site(name: str, cp: str, town: str, email: str, when: datetime, **extra: object) -> dict:
    """A complete, valid answer set, varied by ``extra``."""
    row = {
        "Horodateur": when, "site_nom": name, "site_code_postal": cp, "site_commune": town,
        "contact_email": email,
        "intensite_individuels": 3, "intensite_collectifs": 4, "intensite_territoriaux": 2,
        "lien_social_publics": "Voisins et voisines du quartier, Acteurs et actrices du quartier, "
                               "associations ou entreprises locales, Bénévoles",
        "lien_social_occasions": "Dans la vie quotidienne du projet, Lors d'évènements grand public",
        "lien_social_frequence": "Au moins une fois par semaine",
        "solidarite_types": "De compétences, D'espaces",
        "solidarite_publics": "Occupants et occupantes du site, Voisins et voisines du quartier",
        "egalite_equipe": "Plus de femmes que d'hommes",
        "egalite_dirigeants": "Autant de femmes que d'hommes",
        "egalite_residents": "Autant de femmes que d'hommes",
        "egalite_publics": "Plus de femmes que d'hommes",
        "services_gestion": "Le projet a amélioré la gestion urbaine par les services",
        "innovation_collaboration": "Elle a permis d'améliorer ou d'expérimenter de nouveaux "
                                    "modes de faire",
    }
    row.update(extra)
    return row


ROWS: list[dict | None] = [
    NUMERIPOLE,
    clean_site(
        "La Friche des Possibles", "69007", "Lyon", "bonjour@friche-possibles.org",
        datetime(2026, 3, 2, 9, 41, 55), site_ouverture="01/06/2021", site_surface="1 200,5",
        insertion_nombre=14, insertion_effets="Gagner en autonomie, Obtenir un emploi au sein du "
        "lieu, Obtenir un emploi à l'extérieur du lieu",
        insertion_commentaire="Trois chantiers d'insertion accueillis cette année.",
        capacite_nombre=3, capacite_porteurs="Des bénévoles, Des occupants ou occupantes",
        sante_effets="En meilleure santé physique ou psychique, Se sentir mieux dans leurs "
                     "relations avec les autres",
        reseau_objets="Autour d'une thématique", reseau_publics="Bénévoles, Publics en difficulté",
        inclusion_observation="Certaines personnes se sentent faire partie d'un groupe autour du "
                              "projet",
        cadre_de_vie_image="Oui", cadre_de_vie_maniere="en rendant vivante une friche industrielle "
                                                       "longtemps fermée",
        entretien_effets="Oui, des effets positifs",
        entretien_positifs="L'attractivité des espaces, La mixité d'usages",
        entretien_exemple="Le parvis est désormais entretenu par les occupants.",
        services_besoins="Locaux d'activité",
        mots_cles="friche, insertion, culture"),
    clean_site(
        "Le 3ème Lieu", "35000", "Rennes", "equipe@3emelieu.bzh", datetime(2026, 3, 4, 18, 2, 10),
        capacite_nombre=1, capacite_porteurs="Une ou des personnes fréquentant le lieu",
        capacite_commentaire="Un marché de producteurs le samedi matin.",
        lien_social_commentaire="S.", mots_cles="musique, jeunesse"),
    clean_site(
        "Les Halles Solidaires", "33000", "Bordeaux", "contact@halles-solidaires.fr",
        datetime(2026, 3, 5, 11, 20, 0), lien_social_frequence="Au quotidien",
        solidarite_types="De petits services, De biens (matériel, nourriture, vêtements…)",
        services_besoins="Espaces de convivialité ou de rencontres attentifs aux minorités, "
                         "aide alimentaire d'urgence",
        services_commentaire="Distribution hebdomadaire avec la banque alimentaire.",
        entretien_effets="Oui, des effets positifs et négatifs",
        entretien_positifs="Le respect des espaces par les usagers",
        entretien_negatifs="Des nuisances pour le voisinage, bruit tardif en été",
        mots_cles="alimentation, solidarité"),
    clean_site(
        "Arsenal", "25000", "Besançon", "hello@arsenal-besancon.fr", datetime(2026, 3, 6, 8, 5, 9),
        capacite_nombre=1, capacite_porteurs="Des bénévoles",
        inclusion_observation="Non, rien de tel n'a été observé",
        lien_social_commentaire="/", mots_cles="patrimoine"),
    clean_site(  # not-a-number, not-a-number (decimal), invalid-date
        "L'Usine à Projets", "44000", "Nantes", "usine@projets-nantes.fr",
        datetime(2026, 3, 7, 14, 30, 0), capacite_nombre="??",
        capacite_porteurs="Des bénévoles", site_surface="environ 300", site_ouverture="32/13/2020",
        insertion_nombre="Tous car c'est un projet porté par les habitants"),
    clean_site(  # missing-answer, invalid-email
        "Jardin partagé des Lilas", "93260", "Les Lilas", "jardin.lilas@", datetime(2026, 3, 8, 9, 0),
        intensite_collectifs=None, sante_commentaire="RAS"),
    clean_site(  # superseded by the corrected submission below (duplicate-site)
        "La Ruche Numérique", "31000", "Toulouse", "ruche@numerique31.fr",
        datetime(2026, 3, 9, 16, 45, 12), capacite_nombre="non"),
    clean_site(  # out-of-range, too-long, invalid-format
        "Tiers-Lieu du Moulin", "8700", "Limoges", "moulin@tierslieu87.fr",
        datetime(2026, 3, 10, 10, 10, 10), intensite_territoriaux=7,
        mots_cles=", ".join(["ruralité", "mobilité", "circuits courts", "artisanat",
                             "éducation populaire"] * 12)),
    None,  # blank-row
    clean_site(  # unknown-choice, exclusive-choice, missing-conditional-answer, not-asked
        "Café coopératif Le Zinc", "13001", "Marseille", "zinc@cafecoop.org",
        datetime(2026, 3, 11, 19, 5, 33), egalite_publics="Je ne sais pas",
        sante_effets="Aucun changement observé, D'un inconfort",
        entretien_effets="Oui, des effets positifs",
        cadre_de_vie_image="Non", cadre_de_vie_maniere="plus de passage le soir"),
    clean_site(
        "La Cantine Solidaire", "59000", "Lille", "cantine@solidaire-lille.fr",
        datetime(2026, 3, 13, 12, 0, 0), solidarite_types=None, solidarite_publics=None,
        lien_social_occasions=None, mots_cles="cuisine"),
    clean_site(
        "Atelier Commun", "67000", "Strasbourg", "atelier@commun-strasbourg.eu",
        datetime(2026, 3, 14, 15, 15, 15), lien_social_commentaire="RAS",
        solidarite_commentaire="néant", egalite_commentaire="-", mots_cles="bois, réemploi"),
    clean_site(
        "Maison des Communs", "21000", "Dijon", "contact@maisondescommuns.fr",
        datetime(2026, 3, 15, 9, 30, 0), capacite_nombre=12,
        capacite_porteurs="Des bénévoles ou des personnes fréquentant régulièrement le lieu, "
                          "Des résidents ou résidentes, ou des personnes hébergées",
        capacite_commentaire=(
            "Ateliers <b>réparation</b> & couture, un « café des savoirs » le jeudi, et une "
            "fête de quartier co-organisée avec l'association des locataires. " * 6).strip(),
        reseau_objets="Autour d'un projet ou d'une action, Autour d'une thématique",
        reseau_publics="Voisins et voisines du quartier, Résidents et résidentes, ou personnes "
                       "hébergées",
        mots_cles="communs, habitat, entraide"),
    clean_site(  # the corrected submission that replaces row 9
        "La Ruche Numérique", "31000", "Toulouse", "ruche@numerique31.fr",
        datetime(2026, 3, 20, 8, 12, 40), capacite_nombre=2,
        capacite_porteurs="Des occupants ou occupantes", mots_cles="numérique, inclusion"),
]


def build(path: Path = OUT) -> Path:
    """Write the example workbook and return its path."""
    questionnaire = load_questionnaire()
    book = Workbook()
    sheet = book.active
    sheet.title = "Réponses au formulaire 1"
    headers = ["Horodateur"] + [q.header for q in questionnaire.questions]
    ids = ["Horodateur"] + [q.id for q in questionnaire.questions]
    sheet.append([*headers, "Remarques coordination"])
    for row in ROWS:
        if row is None:
            sheet.append([])
            continue
        remark = "Relancé par téléphone" if row["site_nom"] == "Arsenal" else None
        sheet.append([row.get(i) for i in ids] + [remark])
    for cell in sheet["A"][1:]:
        cell.number_format = "dd/mm/yyyy hh:mm:ss"
    book.save(path)
    return path


if __name__ == "__main__":
    print(build())

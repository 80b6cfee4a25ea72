"""Realistic synthetic networks of tiers-lieux answering the "effets sociaux et urbains" form.

One row per site, shaped exactly like a French Google Forms response sheet: ``Horodateur``
first, then the questionnaire's headers in form order, multi-choice answers as the option
labels joined by ", ", "other" answers as free text, numbers sometimes typed as text.
Answers vary from site to site; comments range from empty or filler ("RAS", "/") to long
multi-paragraph stories near the 5,000-character limit; about ``error_rate`` of the rows carry
one or two problems (bad number, unknown option, bad e-mail, missing required answer…); about
1 % of the sites answered twice (the older submission comes first); a very few blank rows.

Deterministic: the same ``(n_sites, seed, error_rate)`` always gives the same rows.

    python benchmarks/generate.py out.xlsx 3500 [--seed 0] [--error-rate 0.1]

>>> table = generate_table(20, seed=1)
>>> table.headers[0], len(table.rows) >= 20
('Horodateur', True)
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from impactsheets.questionnaire import Question, Questionnaire, load_questionnaire  # noqa: E402
from impactsheets.sources import Row, Table  # noqa: E402

SHEET_TITLE = "Réponses au formulaire 1"
DUPLICATE_RATE = 0.01  # share of sites that submitted the form twice
BLANK_RATE = 0.0005  # share of blank rows between answers

# --------------------------------------------------------------------------- vocabulary

_PREFIXES = ["La Friche", "Le Hangar", "La Maison", "L'Atelier", "Le Café", "La Ferme",
             "Le Tiers-Lieu", "La Fabrique", "La Cantine", "Le Garage", "La Ruche", "Le Moulin",
             "La Halle", "Le Labo", "La Base", "Le Quai", "La Manufacture", "L'Usine",
             "Le Jardin", "La Coopérative", "Le Relais", "La Grange", "Le Bazar", "La Station"]
_NOUNS = ["des Possibles", "Commune", "du Partage", "Solidaire", "des Savoirs", "Numérique",
          "des Communs", "du Faire", "Partagée", "des Voisins", "du Quartier", "Culturelle",
          "des Makers", "du Lien", "Éphémère", "des Initiatives", "Citoyenne", "des Arts",
          "du Réemploi", "des Lilas", "du Canal", "de la Gare", "du Port", "des Tanneurs",
          "Vagabonde", "des Deux Rives", "du Marché", "du Plateau", "Buissonnière", "Verte"]
_QUALIFIERS = ["", "", "", "", " 2", " Nord", " Sud", " (antenne)", " & Cie", " Bis"]
_TOWNS = [("Lyon", "69007"), ("Roubaix", "59100"), ("Rennes", "35000"), ("Bordeaux", "33000"),
          ("Besançon", "25000"), ("Nantes", "44000"), ("Les Lilas", "93260"),
          ("Toulouse", "31000"), ("Limoges", "87000"), ("Marseille", "13001"),
          ("Lille", "59000"), ("Strasbourg", "67000"), ("Dijon", "21000"), ("Montreuil", "93100"),
          ("Grenoble", "38000"), ("Saint-Étienne", "42000"), ("Clermont-Ferrand", "63000"),
          ("Brest", "29200"), ("Tours", "37000"), ("Poitiers", "86000"), ("Amiens", "80000"),
          ("Metz", "57000"), ("Nancy", "54000"), ("Rouen", "76000"), ("Caen", "14000"),
          ("Montpellier", "34000"), ("Nîmes", "30000"), ("Perpignan", "66000"),
          ("Pau", "64000"), ("Bayonne", "64100"), ("Angers", "49000"), ("Le Mans", "72000"),
          ("Orléans", "45000"), ("Reims", "51100"), ("Mulhouse", "68100"), ("Nice", "06000"),
          ("Toulon", "83000"), ("Avignon", "84000"), ("Valence", "26000"), ("Chambéry", "73000"),
          ("Annecy", "74000"), ("Villeurbanne", "69100"), ("Saint-Denis", "93200"),
          ("Aubervilliers", "93300"), ("Bobigny", "93000"), ("Ivry-sur-Seine", "94200"),
          ("Créteil", "94000"), ("Nanterre", "92000"), ("Argenteuil", "95100"),
          ("Cergy", "95000"), ("Évry-Courcouronnes", "91000"), ("Melun", "77000"),
          ("Bourges", "18000"), ("Châteauroux", "36000"), ("Guéret", "23000"),
          ("Aurillac", "15000"), ("Rodez", "12000"), ("Albi", "81000"), ("Foix", "09000"),
          ("Tarbes", "65000"), ("Agen", "47000"), ("Périgueux", "24000"), ("Tulle", "19000"),
          ("Niort", "79000"), ("La Rochelle", "17000"), ("Quimper", "29000"),
          ("Lorient", "56100"), ("Vannes", "56000"), ("Saint-Brieuc", "22000"),
          ("Laval", "53000"), ("Alençon", "61000"), ("Évreux", "27000"), ("Beauvais", "60000"),
          ("Laon", "02000"), ("Arras", "62000"), ("Calais", "62100"), ("Dunkerque", "59140"),
          ("Valenciennes", "59300"), ("Charleville-Mézières", "08000"), ("Troyes", "10000"),
          ("Chaumont", "52000"), ("Épinal", "88000"), ("Colmar", "68000"), ("Belfort", "90000"),
          ("Vesoul", "70000"), ("Lons-le-Saunier", "39000"), ("Mâcon", "71000"),
          ("Nevers", "58000"), ("Auxerre", "89000"), ("Bastia", "20200"), ("Ajaccio", "20000"),
          ("Gap", "05000"), ("Digne-les-Bains", "04000"), ("Privas", "07000"),
          ("Le Puy-en-Velay", "43000"), ("Mende", "48000"), ("Cahors", "46000"),
          ("Montauban", "82000"), ("Auch", "32000"), ("Mont-de-Marsan", "40000")]
_DOMAINS = ["fr", "org", "net", "coop", "eu", "bzh", "asso.fr"]

_SENTENCES = [
    "Les habitants du quartier viennent désormais au petit-déjeuner du jeudi.",
    "Un atelier de réparation de vélos a été lancé par deux bénévoles.",
    "Plusieurs résidents ont trouvé un emploi grâce au réseau du lieu.",
    "La fête de quartier a réuni plus de trois cents personnes en juin.",
    "Nous accueillons chaque semaine des jeunes en service civique.",
    "Les associations locales partagent la salle polyvalente et le matériel.",
    "Le jardin partagé a créé des liens entre générations.",
    "Certaines personnes isolées ont repris confiance et animent aujourd'hui des ateliers.",
    "La mairie a sollicité le lieu pour co-construire le projet de la place.",
    "Un marché de producteurs locaux s'est installé sur le parvis le samedi matin.",
    "Les nuisances sonores en été ont suscité des échanges avec le voisinage.",
    "Les services techniques de la ville passent plus souvent qu'avant.",
    "Une permanence d'accès aux droits a été ouverte avec le centre social.",
    "Les occupants ont mutualisé une imprimante 3D et une découpeuse laser.",
    "Le café associatif est devenu un point de rendez-vous pour les familles du quartier.",
    "Des cours de français langue étrangère sont donnés deux soirs par semaine.",
    "Des étudiants en architecture ont mené un chantier participatif sur la friche.",
    "La collaboration avec le bailleur a été difficile à mettre en place au début.",
    "Nous avons constaté une baisse des dégradations sur les espaces extérieurs.",
    "Les femmes sont plus présentes dans la gouvernance depuis l'an dernier.",
    "Un « repair café » mensuel attire des publics très différents.",
    "Le projet a permis d'ouvrir au public un bâtiment fermé depuis quinze ans.",
    "Les bénévoles ont organisé une collecte de vêtements & de fournitures scolaires.",
    "La ressourcerie récupère chaque mois près de deux tonnes d'objets.",
    "Plusieurs entreprises du coworking travaillent maintenant ensemble sur des projets communs.",
    "Les enfants de l'école voisine viennent pour des ateliers <nature> le mercredi.",
    "Le lieu sert de point de distribution pour la banque alimentaire.",
    "Une exposition photo sur l'histoire du quartier a été montée avec les habitants.",
    "Le collectif a répondu à un appel à projets de la métropole.",
    "Les horaires d'ouverture ont été élargis pour accueillir les travailleurs du soir.",
]
_FILLERS = ["RAS", "/", "-", "néant", "Rien à signaler", "NC", "ras.", "Aucun", "."]
_OTHERS = ["aide alimentaire d'urgence", "hébergement temporaire", "bruit tardif en été",
           "sentiment de fierté retrouvée", "amélioration des conditions de travail",
           "certaines personnes se sont fédérées autour du lieu", "garde d'enfants"]
_KEYWORDS = ["numérique", "makers", "solidarité", "friche", "insertion", "culture", "musique",
             "jeunesse", "alimentation", "patrimoine", "bois", "réemploi", "communs", "habitat",
             "entraide", "ruralité", "mobilité", "circuits courts", "artisanat",
             "éducation populaire", "jardin", "coworking", "économie sociale", "santé",
             "écologie", "arts", "quartier", "inclusion"]
_BAD_NUMBERS = ["??", "une dizaine", "non", "6 projets", "beaucoup", "Tous car c'est un projet "
                "porté par les habitants", "2 ou 3"]
_BAD_EMAILS = ["contact@", "jardin.lilas@", "pas d'adresse", "contact(at)lieu.fr", "info@site"]
_BAD_DATES = ["32/13/2020", "printemps 2019", "2019?", "00/00/0000"]
_BAD_POSTCODES = ["8700", "690007", "F-59000", "Lyon"]
_BAD_CHOICES = ["Je ne sais pas", "Ne sais pas", "Autre", "Variable selon les années"]


# --------------------------------------------------------------------------- answers


class _Generator:
    """Draws one site's answers; all randomness comes from ``self.rnd``."""

    def __init__(self, questionnaire: Questionnaire, rnd: random.Random) -> None:
        self.q = questionnaire
        self.rnd = rnd
        self.ids = [q.id for q in questionnaire.questions]

    # -- free text ------------------------------------------------------------------------
    def comment(self) -> str | None:
        """Empty 45 %, filler 12 %, one sentence 25 %, a paragraph 13 %, long story 5 %."""
        r, rnd = self.rnd.random(), self.rnd
        if r < 0.45:
            return None
        if r < 0.57:
            return rnd.choice(_FILLERS)
        if r < 0.82:
            return rnd.choice(_SENTENCES)
        if r < 0.95:
            return " ".join(rnd.sample(_SENTENCES, rnd.randint(2, 6)))
        paragraphs, size = [], 0
        target = rnd.randint(1500, 4800)
        while size < target:
            paragraph = " ".join(rnd.choice(_SENTENCES) for _ in range(rnd.randint(3, 8)))
            paragraphs.append(paragraph)
            size += len(paragraph) + 1
        return "\n".join(paragraphs)[:4990].rstrip()

    def keywords(self) -> str | None:
        if self.rnd.random() < 0.2:
            return None
        return ", ".join(self.rnd.sample(_KEYWORDS, self.rnd.randint(1, 5)))

    # -- choices --------------------------------------------------------------------------
    def multiple(self, question: Question, *, at_least: int = 1) -> str:
        choices = [c for c in question.choices if not c.exclusive]
        k = min(len(choices), max(at_least, self.rnd.choice((1, 1, 2, 2, 2, 3, 3, 4))))
        picked = sorted(self.rnd.sample(range(len(choices)), k))
        labels = [choices[i].label for i in picked]
        if question.allow_other and self.rnd.random() < 0.15:
            labels.append(self.rnd.choice(_OTHERS))
        exclusive = [c for c in question.choices if c.exclusive]
        if exclusive and self.rnd.random() < 0.1:
            return exclusive[0].label
        return ", ".join(labels)

    def single(self, question: Question) -> str:
        if question.allow_other and self.rnd.random() < 0.08:
            return self.rnd.choice(_OTHERS)
        return self.rnd.choice(question.choices).label

    # -- one row --------------------------------------------------------------------------
    def answers(self, name: str, town: str, postcode: str, email: str) -> dict[str, Any]:
        rnd, q = self.rnd, self.q.question
        a: dict[str, Any] = {
            "site_nom": name, "site_code_postal": postcode, "site_commune": town,
            "contact_email": email,
            "intensite_individuels": rnd.randint(1, 5),
            "intensite_collectifs": rnd.randint(1, 5),
            "intensite_territoriaux": rnd.randint(1, 5),
        }
        if rnd.random() < 0.7:
            a["site_ouverture"] = (f"{rnd.randint(1, 28):02d}/{rnd.randint(1, 12):02d}/"
                                   f"{rnd.randint(2005, 2025)}")
        if rnd.random() < 0.75:
            surface = rnd.choice((rnd.randint(40, 9000), f"{rnd.randint(1, 9)} {rnd.randint(100, 999)}",
                                  f"{rnd.randint(50, 900)},5"))
            a["site_surface"] = surface
        # Effets individuels
        if rnd.random() < 0.85:
            a["lien_social_publics"] = self.multiple(q("lien_social_publics"))
            if rnd.random() < 0.85:
                a["lien_social_occasions"] = self.multiple(q("lien_social_occasions"))
        if rnd.random() < 0.8:
            a["lien_social_frequence"] = self.single(q("lien_social_frequence"))
        if rnd.random() < 0.7:
            a["sante_effets"] = self.multiple(q("sante_effets"))
        if rnd.random() < 0.6:
            n = rnd.choice((0, 1, 2, 5, 8, 14, 30, 60))
            a["insertion_nombre"] = n if rnd.random() < 0.8 else str(n)
            if n >= 1:
                a["insertion_effets"] = self.multiple(q("insertion_effets"))
        if rnd.random() < 0.75:
            n = rnd.choice((0, 1, 1, 2, 3, 6, 12))
            a["capacite_nombre"] = n
            if n >= 1:
                a["capacite_porteurs"] = self.multiple(q("capacite_porteurs"))
        # Effets collectifs
        if rnd.random() < 0.8:
            a["solidarite_types"] = self.multiple(q("solidarite_types"))
            a["solidarite_publics"] = self.multiple(q("solidarite_publics"))
        if rnd.random() < 0.7:
            a["reseau_objets"] = self.multiple(q("reseau_objets"))
            if rnd.random() < 0.8:
                a["reseau_publics"] = self.multiple(q("reseau_publics"))
        if rnd.random() < 0.75:
            a["inclusion_observation"] = self.single(q("inclusion_observation"))
        for qid in ("egalite_equipe", "egalite_dirigeants", "egalite_residents", "egalite_publics"):
            if rnd.random() < 0.8:
                a[qid] = self.single(q(qid))
        # Quartier et territoire
        if rnd.random() < 0.8:
            yes = rnd.random() < 0.6
            a["cadre_de_vie_image"] = "Oui" if yes else "Non"
            if yes:
                a["cadre_de_vie_maniere"] = rnd.choice((
                    "en rendant vivante une friche industrielle longtemps fermée",
                    "plus de passage le soir", "le quartier attire de nouveaux habitants",
                    "une image plus positive dans la presse locale"))
        if rnd.random() < 0.75:
            effect = self.single(q("entretien_effets"))
            a["entretien_effets"] = effect
            value = next(c.value for c in q("entretien_effets").choices if c.label == effect)
            if value in ("positifs", "les_deux"):
                a["entretien_positifs"] = self.multiple(q("entretien_positifs"))
            if value in ("negatifs", "les_deux"):
                a["entretien_negatifs"] = self.multiple(q("entretien_negatifs"))
        if rnd.random() < 0.8:
            a["services_gestion"] = self.single(q("services_gestion"))
        if rnd.random() < 0.7:
            a["services_besoins"] = self.multiple(q("services_besoins"))
        if rnd.random() < 0.8:
            a["innovation_collaboration"] = self.single(q("innovation_collaboration"))
        for qid in ("lien_social_commentaire", "sante_commentaire", "insertion_commentaire",
                    "capacite_commentaire", "solidarite_commentaire", "reseau_commentaire",
                    "inclusion_commentaire", "egalite_commentaire", "cadre_de_vie_commentaire",
                    "entretien_exemple", "services_commentaire", "innovation_changements",
                    "innovation_commentaire"):
            text = self.comment()
            if text is not None:
                a[qid] = text
        if (kw := self.keywords()) is not None:
            a["mots_cles"] = kw
        return a

    def spoil(self, a: dict[str, Any]) -> None:
        """Introduce one or two problems, of the kinds respondents really make."""
        rnd = self.rnd
        for _ in range(rnd.choice((1, 1, 1, 2))):
            kind = rnd.randrange(10)
            if kind == 0:
                a["capacite_nombre"] = rnd.choice(_BAD_NUMBERS)
            elif kind == 1:
                a["insertion_nombre"] = rnd.choice(_BAD_NUMBERS)
            elif kind == 2:
                a[rnd.choice(("intensite_individuels", "intensite_collectifs",
                              "intensite_territoriaux"))] = rnd.choice((0, 6, 7, 10))
            elif kind == 3:
                a["contact_email"] = rnd.choice(_BAD_EMAILS)
            elif kind == 4:
                a["site_code_postal"] = rnd.choice(_BAD_POSTCODES)
            elif kind == 5:
                a["egalite_publics"] = rnd.choice(_BAD_CHOICES)
            elif kind == 6:
                a["sante_effets"] = "Aucun changement observé, D'un inconfort"
            elif kind == 7:
                a.pop(rnd.choice(("intensite_collectifs", "site_commune", "contact_email")), None)
            elif kind == 8:
                a["site_ouverture"] = rnd.choice(_BAD_DATES)
            else:
                a["capacite_nombre"] = rnd.randint(1, 9)
                a.pop("capacite_porteurs", None)  # missing-conditional-answer


def _sites(n_sites: int, rnd: random.Random) -> Iterator[tuple[str, str, str, str]]:
    """Distinct (name, town, postal code, e-mail) for ``n_sites`` sites."""
    seen: set[tuple[str, str]] = set()
    counter = 0
    while len(seen) < n_sites:
        name = f"{rnd.choice(_PREFIXES)} {rnd.choice(_NOUNS)}{rnd.choice(_QUALIFIERS)}"
        town, postcode = rnd.choice(_TOWNS)
        if (name, postcode) in seen:
            counter += 1
            name = f"{name} {counter}"
            if (name, postcode) in seen:
                continue
        seen.add((name, postcode))
        local = "".join(ch for ch in name.lower() if ch.isalnum())[:20] or "site"
        email = f"{rnd.choice(('contact', 'bonjour', 'equipe', 'hello', local))}@" \
                f"{local}-{postcode[:2]}.{rnd.choice(_DOMAINS)}"
        yield name, town, postcode, email


def generate_rows(n_sites: int, seed: int = 0, error_rate: float = 0.1,
                  questionnaire: Questionnaire | None = None) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows (cells as an .xlsx reader returns them; [] for a blank row)."""
    questionnaire = questionnaire or load_questionnaire()
    rnd = random.Random(seed)
    gen = _Generator(questionnaire, rnd)
    headers = ["Horodateur", *(q.header for q in questionnaire.questions)]
    ids = gen.ids
    start = datetime(2026, 2, 2, 8, 0, 0)
    span = 60 * 24 * 3600  # answers arrive over two months
    rows: list[tuple[datetime, list[Any]]] = []
    for name, town, postcode, email in _sites(n_sites, rnd):
        answers = gen.answers(name, town, postcode, email)
        when = start + timedelta(seconds=rnd.randrange(span))
        if rnd.random() < DUPLICATE_RATE:  # an earlier, spoiled submission of the same site
            first = dict(answers)
            gen.spoil(first)
            first["site_nom"], first["site_code_postal"] = name, postcode
            earlier = when - timedelta(days=rnd.randint(1, 20), seconds=rnd.randrange(86400))
            rows.append((earlier, [earlier, *(first.get(i) for i in ids)]))
        if rnd.random() < error_rate:
            gen.spoil(answers)
        rows.append((when, [when, *(answers.get(i) for i in ids)]))
    rows.sort(key=lambda item: item[0])  # Forms appends in submission order
    out: list[list[Any]] = []
    for _, cells in rows:
        if rnd.random() < BLANK_RATE:
            out.append([])
        out.append(cells)
    return headers, out


def generate_table(n_sites: int, seed: int = 0, error_rate: float = 0.1,
                   questionnaire: Questionnaire | None = None) -> Table:
    """The network as the :class:`Table` the xlsx reader would return (no file involved)."""
    headers, rows = generate_rows(n_sites, seed, error_rate, questionnaire)
    table_rows = []
    for number, cells in enumerate(rows, start=2):
        cells = list(cells)
        while cells and cells[-1] is None:
            cells.pop()
        table_rows.append(Row(number, cells))
    return Table(headers, table_rows, name=f"synthetic-{n_sites}:{SHEET_TITLE}")


def generate_workbook(path: str | Path, n_sites: int, seed: int = 0, error_rate: float = 0.1,
                      questionnaire: Questionnaire | None = None, shared_strings: bool = True
                      ) -> Path:
    """Write the network as a Google-Forms-shaped .xlsx (openpyxl write-only mode).

    Text goes to the shared-strings part, as in the workbook Google Sheets downloads (and
    Excel or LibreOffice save); openpyxl writes it inline in the cells, which makes a sheet
    part several times larger for a reader to parse: ``shared_strings=False`` keeps that.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    headers, rows = generate_rows(n_sites, seed, error_rate, questionnaire)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLE)
    sheet.append(headers)
    for cells in rows:
        if not cells:
            sheet.append([])
            continue
        stamp = WriteOnlyCell(sheet, value=cells[0])
        stamp.number_format = "dd/mm/yyyy hh:mm:ss"
        sheet.append([stamp, *cells[1:]])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    if shared_strings:
        _share_strings(path)
    return path


_INLINE = re.compile(r' t="inlineStr"><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>', re.S)
_SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _share_strings(path: Path) -> None:
    """Move the inline strings openpyxl wrote into ``xl/sharedStrings.xml`` (text unchanged:
    it is already escaped XML, copied as is)."""
    strings: dict[str, int] = {}
    uses = 0

    def shared(match: re.Match[str]) -> str:
        nonlocal uses
        uses += 1
        return f' t="s"><v>{strings.setdefault(match.group(1), len(strings))}</v></c>'

    with zipfile.ZipFile(path) as source:
        parts = {item.filename: source.read(item.filename) for item in source.infolist()}
    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        parts[name] = _INLINE.sub(shared, parts[name].decode()).encode()
    items = "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in strings)
    parts["xl/sharedStrings.xml"] = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{uses}" uniqueCount="{len(strings)}">{items}</sst>').encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST}"/></Types>'
        .encode())
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", f'<Relationship Id="rIdSharedStrings" Type="{_SST_REL}" '
        f'Target="sharedStrings.xml"/></Relationships>'.encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def load_into_emulator(emulator: Any, path: str | Path, key: str) -> str:
    """Seed a running :class:`impactsheets.emulator.Emulator` with the workbook under ``key``."""
    return emulator.load_xlsx(path, key, title=Path(path).stem)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path")
    parser.add_argument("sites", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--error-rate", type=float, default=0.1)
    args = parser.parse_args(argv)
    print(generate_workbook(args.path, args.sites, args.seed, args.error_rate))


if __name__ == "__main__":
    main()

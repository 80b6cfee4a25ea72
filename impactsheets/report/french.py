"""French grammar helpers: plurals, lists, elision, contraction, typography.

Every sentence of a site report goes through these functions, so the rules of written
French (elision, agreement, narrow no-break spaces…) live in one tested place.

>>> count_noun(2, "erreur", "erreurs")
'2 erreurs'
>>> finish(join(["petits services", "compétences", "espaces"]))
'Petits services, compétences et espaces.'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

NNBSP = "\u202f"  # narrow no-break space, before : ; ? ! and inside « »
NBSP = "\u00a0"
MIDDLE_DOT = "·"

_VOWELS = "aeiouàâäéèêëîïôöùûüœæAEIOUÀÂÄÉÈÊËÎÏÔÖÙÛÜŒÆ"
_ELIDABLE = re.compile(rf"\b((?:[DdNnSs]|[Qq]u)(?=e)|[Ll](?=[ea]))[ea] +(?=[{_VOWELS}])")
_CONTRACT = re.compile(r"\b([Dd]e|[Àà]) (le|les) \b")
_SPACES = re.compile(r"[ \t\u00a0\u202f]{2,}")  # a run of spaces (one is kept as typed)
_BEFORE_CLOSE = re.compile(r"[ \u00a0\u202f]+(?=[.,…)])")
_BEFORE_HIGH = re.compile(r"[ \u00a0\u202f]*([:;?!]+)")
_GUILLEMETS = (re.compile(r"«[ \u00a0\u202f]*"), re.compile(r"[ \u00a0\u202f]*»"))
_INCLUSIVE = re.compile(
    r"(?<=[^\W\d_])[.·•‧∙-](e|ne|le|te|se|rice|trice|euse|ère|ve)(?:[.·•‧∙-](s))?(?![^\W\d_])")
_ARTICLE_LAST = re.compile(r"^(?P<name>.+?)\s*\((?P<art>les|le|la|l['’])\)$", re.IGNORECASE)
_ARTICLE_FIRST = re.compile(r"^(?P<art>les|le|la|l['’])\s*(?P<name>.+)$", re.IGNORECASE)
# Common nouns that open many site names and take an article: "du Jardin partagé…".
_HEADS = {"le": ("jardin", "café", "tiers-lieu", "atelier", "lieu", "espace", "centre", "moulin",
                 "collectif", "garage", "hangar", "marché", "comptoir", "laboratoire", "local"),
          "la": ("maison", "friche", "ferme", "halle", "usine", "fabrique", "cantine", "ruche",
                 "recyclerie", "ressourcerie", "coopérative", "manufacture", "cité", "base"),
          "les": ("ateliers", "jardins", "halles", "communs", "grands")}
# Words that cannot follow "de" in a title: prepositions and contracted articles ("Au 97").
_PREPOSITIONS = {"à", "au", "aux", "a", "chez", "en", "sur", "sous", "dans", "par", "pour",
                 "vers", "entre", "du", "des", "de", "d", "avec", "sans", "près", "hors"}
_UNITS = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
          "onze", "douze", "treize", "quatorze", "quinze", "seize")
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}
_LEADING_NUMBER = re.compile(r"^(\d{1,9})(?=\s)")
_DEMONSTRATIVE = re.compile(r"^(Ces|Cette|Cet|Ce(?! que| qui| dont)|Celles?|Ceux|Celui|Elles?|"
                            r"Ils?(?! a été| y a| est| faut)|Leurs?|Eux)\b")
_NOT_ALNUM = re.compile(r"[\W_]+")
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")
_FILLERS = {"", "ras", "rien", "neant", "nc", "na", "sansobjet", "aucun", "aucune", "non",
            "rienasignaler", "pasdecommentaire", "xxx", "idem", "nsp", "jenesaispas"}


def count_noun(n: int, singular: str, plural: str) -> str:
    """``n`` followed by the noun agreed in number (0 and 1 are singular in French).

    >>> count_noun(1, "erreur", "erreurs"), count_noun(0, "erreur", "erreurs")
    ('1 erreur', '0 erreur')
    """
    return f"{n} {singular if abs(n) < 2 else plural}"


def by_count(n: int, one: str, many: str, zero: str | None = None) -> str:
    """The variant agreeing with ``n`` (``{n}`` is replaced by the number).

    >>> by_count(6, "{n} nouveau projet a émergé", "{n} nouveaux projets ont émergé")
    '6 nouveaux projets ont émergé'
    >>> by_count(1, "{n} nouveau projet a émergé", "{n} nouveaux projets ont émergé")
    '1 nouveau projet a émergé'
    """
    text = zero if n == 0 and zero is not None else one if abs(n) < 2 else many
    return text.replace("{n}", str(n))


def join(items: Sequence[str], conjunction: str = "et", labels: bool = False) -> str:
    """Items joined the French way: "a, b et c" (no serial comma; empty items skipped).
    ``labels``: the items are a form's own option labels, so one holding a comma makes
    semicolons keep them apart (a report's own wording may list sub-items with commas).

    >>> join(["a"]), join(["a", "b"]), join(["a", "", "b", "c"], "ou")
    ('a', 'a et b', 'a, b ou c')
    >>> join(["Hispanic, Latino, or Spanish origin", "Asian", "White"], labels=True)
    'Hispanic, Latino, or Spanish origin\u202f; Asian et White'
    """
    items = [i for i in items if i]
    if len(items) < 2:
        return "".join(items)
    separator = "\u202f; " if labels and any("," in i for i in items) else ", "
    return f"{separator.join(items[:-1])} {conjunction} {items[-1]}"


def number(value: float) -> str:
    """A number written the French way: decimal comma, thousands apart by a narrow no-break
    space from 10 000 on (a year or "1500" stays whole).

    >>> number(55000), number(1500), number(1234567.5), number(-12000), number(0.25)
    ('55\u202f000', '1500', '1\u202f234\u202f567,5', '-12\u202f000', '0,25')
    """
    text = f"{value:,.10g}" if abs(value) >= 10_000 else f"{value:.10g}"
    return text.replace(",", "\u202f").replace(".", ",")


def elide(text: str) -> str:
    """Elide de/que/le/la/ne/je/se before a vowel and contract "de le" → "du", "à les" → "aux".

    >>> elide("de espaces, de occupant·e·s, de acteur·rice·s")
    "d'espaces, d'occupant·e·s, d'acteur·rice·s"
    >>> elide("Il a été observé que une personne"), elide("de le quartier et à les habitants")
    ("Il a été observé qu'une personne", 'du quartier et aux habitants')
    """
    text = _ELIDABLE.sub(lambda m: m.group(1) + "'", text)
    return _CONTRACT.sub(_contraction, text)


def _contraction(m: re.Match[str]) -> str:
    de = m.group(1).lower() == "de"
    word = {(True, "le"): "du", (True, "les"): "des", (False, "le"): "au",
            (False, "les"): "aux"}[(de, m.group(2))]
    return (word.capitalize() if m.group(1)[0].isupper() else word) + " "


def split_article(name: str) -> tuple[str, str]:
    """A site name's article (lowercase, "" if none) and the rest, article filed last or first.

    >>> split_article("Numéripôle (Le)"), split_article("L'Usine à Projets")
    (('le', 'Numéripôle'), ("l'", 'Usine à Projets'))
    """
    name = " ".join(name.split())
    for pattern in (_ARTICLE_LAST, _ARTICLE_FIRST):
        m = pattern.match(name)
        if m and (pattern is _ARTICLE_LAST or m.group("art").endswith(("'", "’"))
                  or name[len(m.group("art")):][:1].isspace()):
            return m.group("art").lower().replace("’", "'"), m.group("name").strip()
    return "", name


def display_name(name: str) -> str:
    """The name as read aloud: article put back in front.

    >>> display_name("Numéripôle (Le)"), display_name("Halles (Les)"), display_name("Arsenal")
    ('Le Numéripôle', 'Les Halles', 'Arsenal')
    """
    article, rest = split_article(name)
    if not article:
        return rest
    return f"{article.capitalize()}{'' if article.endswith(chr(39)) else ' '}{rest}"


def of_name(name: str, noun: str = "lieu") -> str:
    """"de" + the site name, contracted: du, des, de la, de l', d'. A name that cannot follow
    "de" (it opens with a preposition, a number or a sign) is quoted after the masculine
    ``noun``; a name with no letter or digit at all gives "du lieu" alone.

    >>> [of_name(n) for n in ["Numéripôle (Le)", "Le 3ème Lieu", "Les Halles Solidaires"]]
    ['du Numéripôle', 'du 3ème Lieu', 'des Halles Solidaires']
    >>> [of_name(n) for n in ["Arsenal", "L'Usine à Projets", "La Friche", "Maison des Communs"]]
    ["d'Arsenal", "de l'Usine à Projets", 'de la Friche', 'de la Maison des Communs']
    >>> of_name("Atelier Commun"), of_name("Jardin partagé des Lilas"), of_name("Mix'Cité")
    ("de l'Atelier Commun", 'du Jardin partagé des Lilas', "de Mix'Cité")
    >>> of_name("Au 97"), of_name("3ème Lieu"), of_name("À la Source"), of_name("🎉 !")
    ('du lieu « Au 97 »', 'du lieu « 3ème Lieu »', 'du lieu « À la Source »', 'du lieu')
    """
    article, rest = split_article(name)
    if not any(c.isalnum() for c in rest):
        return f"du {noun}"
    first = re.split(r"[\s'’]", rest, maxsplit=1)[0].casefold()
    if not article and (not rest[0].isalpha() or first in _PREPOSITIONS):
        return f"du {noun} {quoted(display_name(name))}"
    head = rest.split(" ")[0].casefold()
    for common, heads in _HEADS.items():
        if not article and head in heads:
            article = "l'" if common != "les" and head[0] in _VOWELS else common
    if article == "le":
        return f"du {rest}"
    if article == "les":
        return f"des {rest}"
    if article:
        return f"de {article}{'' if article.endswith(chr(39)) else ' '}{rest}"
    return elide(f"de {rest}")


def quoted(text: str) -> str:
    """Someone's own words between French quotation marks, as typed (spaces tidied, a closing
    period or comma dropped); guillemets they typed become the inner quotation marks “ ”, so
    the reader still sees where their words end.

    >>> quoted(" amélioration des conditions  de travail. ")
    '« amélioration des conditions de travail »'
    >>> quoted("le « Repair café » du jeudi"), quoted("00»{")
    ('« le “Repair café” du jeudi »', '« 00”{ »')
    """
    words = " ".join(printable(text).split()).rstrip(" .,;:")
    words = _GUILLEMETS[1].sub("”", _GUILLEMETS[0].sub("“", words))
    return f"«{NNBSP}{words}{NNBSP}»"


def merge_shared_start(items: Sequence[str], min_words: int = 2) -> list[str]:
    """Items opening with the same words (two at least) said once: "obtenir un emploi au sein
    du lieu" and "obtenir un emploi à l'extérieur du lieu" become one item; a shared ending
    of two words or more is said once too.

    >>> merge_shared_start(["gagner en autonomie", "obtenir un emploi au sein du lieu",
    ...                     "obtenir un emploi à l'extérieur du lieu"])
    ['gagner en autonomie', "obtenir un emploi au sein et à l'extérieur du lieu"]
    >>> merge_shared_start(["des bénévoles", "des bénévoles ou des habitants", "des voisins"])
    ['des bénévoles', 'des bénévoles ou des habitants', 'des voisins']
    """
    groups: list[tuple[list[list[str]], list[int]]] = []  # members, [shared head length]
    for item in items:
        words = item.split(" ")
        for members, head in groups:
            shared = min(_shared(members[0], words), head[0] if head else len(words))
            if shared >= min_words and all(shared < len(m) for m in (*members, words)):
                head[:] = [shared]
                members.append(words)
                break
        else:
            groups.append(([words], []))
    out = []
    for members, head in groups:
        if not head:
            out.append(" ".join(members[0]))
            continue
        rests = [m[head[0]:] for m in members]
        tail = 0
        while (tail < min(len(r) for r in rests) - 1
               and len({tuple(r[len(r) - tail - 1:]) for r in rests}) == 1):
            tail += 1
        ending = rests[0][len(rests[0]) - tail:] if tail >= 2 else []
        cores = [" ".join(r[:len(r) - len(ending)]) for r in rests]
        out.append(" ".join([*members[0][:head[0]], join(cores), *ending]))
    return out


def _shared(a: list[str], b: list[str]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def number_words(n: int) -> str:
    """A whole number in French words (traditional spelling).

    >>> [number_words(n) for n in (1, 21, 71, 80, 91)]
    ['un', 'vingt et un', 'soixante et onze', 'quatre-vingts', 'quatre-vingt-onze']
    >>> [number_words(n) for n in (200, 201, 1000, 80000, 2_000_000)]
    ['deux cents', 'deux cent un', 'mille', 'quatre-vingt mille', 'deux millions']
    """
    if n < 0:
        return "moins " + number_words(-n)
    if n < 17:
        return _UNITS[n]
    if n < 20:
        return "dix-" + _UNITS[n - 10]
    if n < 100:
        tens, unit = divmod(n, 10)
        if tens in (7, 9):
            base, unit = ("soixante" if tens == 7 else "quatre-vingt"), unit + 10
            return base + (" et " if n == 71 else "-") + number_words(unit)
        if tens == 8:
            return "quatre-vingts" if unit == 0 else "quatre-vingt-" + _UNITS[unit]
        return _TENS[tens] + ("" if unit == 0 else " et un" if unit == 1 else "-" + _UNITS[unit])
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = "cent" if hundreds == 1 else _UNITS[hundreds] + " cent"
        return head + ("s" if hundreds > 1 and not rest else "" if not rest
                       else " " + number_words(rest))
    for size, one, many in ((10**9, "un milliard", "milliards"), (10**6, "un million", "millions"),
                            (1000, "mille", "mille")):
        if n >= size:
            count, rest = divmod(n, size)
            head = one if count == 1 else f"{number_words(count)} {many}"
            if size == 1000:
                head = re.sub(r"(vingt|cent)s mille$", r"\1 mille", head)
            return head + (" " + number_words(rest) if rest else "")
    raise AssertionError(n)  # unreachable


def leans_on_previous(sentence: str) -> bool:
    """Whether a sentence opens with a word pointing back to an earlier one ("Ces échanges…").

    >>> leans_on_previous("Ces rencontres ont lieu au quotidien."), leans_on_previous("Il a aidé.")
    (True, True)
    >>> leans_on_previous("Ce que dit le lieu :"), leans_on_previous("Il a été observé que…")
    (False, False)
    """
    return bool(_DEMONSTRATIVE.match(sentence))


def inclusive(text: str) -> str:
    """Inclusive forms written with the middle dot: "occupant.e.s" → "occupant·e·s".

    >>> inclusive("les occupant.e.s et acteur.rice.s, tou-te-s présent•e•s")
    'les occupant·e·s et acteur·rice·s, tou·te·s présent·e·s'
    """
    return _INCLUSIVE.sub(lambda m: MIDDLE_DOT + m.group(1) + (MIDDLE_DOT + m.group(2)
                                                               if m.group(2) else ""), text)


@lru_cache(maxsize=8192)  # a network's reports repeat the same sentences
def typography(text: str) -> str:
    """French spacing: none before . , …, narrow no-break space before : ; ? ! and in « ».

    >>> typography("Besoins:  a ,b . Vraiment ?") == "Besoins\u202f: a, b. Vraiment\u202f?"
    True
    """
    text = _SPACES.sub(" ", text.strip())
    text = _BEFORE_CLOSE.sub("", text)
    text = _BEFORE_HIGH.sub(lambda m: _high(m, text), text)
    text = _GUILLEMETS[0].sub("«" + NNBSP, text)
    text = _GUILLEMETS[1].sub(NNBSP + "»", text)
    return apostrophes(re.sub(r",(?=[^\W\d_])", ", ", text))


def apostrophes(text: str) -> str:
    """Typographic apostrophes between letters ("l'accès" → "l’accès"); single quotes used as
    quotation marks or in code ("alert('x')") are left as typed.

    >>> apostrophes("aujourd'hui, l'accès, alert('x')")
    "aujourd’hui, l’accès, alert('x')"
    """
    return _APOSTROPHE.sub("’", text)


def _high(m: re.Match[str], text: str) -> str:
    before = text[m.start() - 1] if m.start() > 0 else ""
    after = text[m.end()] if m.end() < len(text) else ""
    if m.group(1) == ":" and before.isdigit() and after.isdigit():
        return ":"  # a time or a ratio: 10:30
    if m.group(1) == ":" and text[m.end():m.end() + 2] == "//":
        return ":"  # a URL
    return NNBSP + m.group(1) if before else m.group(1)


@lru_cache(maxsize=8192)
def finish(text: str) -> str:
    """A sentence: trimmed, first letter capitalised, one final period (unless ? ! … ends it),
    a number opening it written in words.

    >>> finish("ces rencontres ont lieu au quotidien ."), finish("Vraiment ?")
    ('Ces rencontres ont lieu au quotidien.', 'Vraiment\u202f?')
    >>> finish("6 projets ont émergé")
    'Six projets ont émergé.'
    """
    text = _LEADING_NUMBER.sub(lambda m: number_words(int(m.group(1))), text.strip())
    text = typography(text).rstrip(" ,;:\u00a0\u202f")
    if not text:
        return ""
    if text[-1] not in ".?!…":
        text += "."
    return text[0].upper() + text[1:]


def fragment(text: str) -> str:
    """Free text (an "other" answer) made fit for the middle of a sentence.

    >>> fragment("  Amélioration des conditions de travail. "), fragment("ONG locales")
    ('amélioration des conditions de travail', 'ONG locales')
    """
    text = " ".join(printable(text).split()).rstrip(" .;,:")
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return text


def printable(text: str) -> str:
    """Text without control or format characters (newlines and tabs kept).

    >>> printable("a" + chr(27) + "b" + chr(0x200b) + "c")
    'abc'
    """
    if text.isprintable() or text.replace("\n", "").replace("\t", "").isprintable():
        return text  # no control or format character (nor any other separator): at C speed
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c)[0] != "C")


def is_filler(text: str | None) -> bool:
    """Whether a comment says nothing ("RAS", "/", "-", "néant", a lone letter…).

    >>> [is_filler(t) for t in ["RAS", "ras.", "/", "-", "Néant", "S.", "Un marché."]]
    [True, True, True, True, True, True, False]
    """
    if not text:
        return True
    folded = unicodedata.normalize("NFKD", text.casefold())
    letters = _NOT_ALNUM.sub("", folded)  # what str.isalnum() keeps, at C speed
    return len(letters) <= 1 or letters in _FILLERS


def sentence_case(text: str) -> str:
    """First letter upper-cased, the rest untouched.

    >>> sentence_case("égalité")
    'Égalité'
    """
    return text[:1].upper() + text[1:]

"""Spreadsheet locales: how Google wrote dates, times and numbers as text.

Google writes timestamps, dates and numbers in the spreadsheet's locale: fr_FR
``25/11/2026 14:03:00``, en_US ``11/25/2026 2:03:00 PM``, en_GB ``25/11/2026 14:03:00``,
de_DE ``25.11.2026 14:03:00``, ISO ``2026-11-25 14:03:00``; the Forms CSV download writes
``2022/06/22 11:07:29 AM AST``. A text date is read with the day order of the locale; without
one, only an unambiguous text is read (a day above 12, or the year first): "05/03/2026" is
:data:`AMBIGUOUS`, never a silent guess.

>>> read_datetime("11/25/2026 2:03:00 PM", None)
datetime.datetime(2026, 11, 25, 14, 3)
>>> read_datetime("05/03/2026 14:02", None) is AMBIGUOUS, read_datetime("05/03/2026", "en_US")
(True, datetime.datetime(2026, 5, 3, 0, 0))
>>> read_datetime("2022/06/22 11:07:29 AM AST", None), read_datetime("22.06.2022", "de_DE")
(datetime.datetime(2022, 6, 22, 11, 7, 29), datetime.datetime(2022, 6, 22, 0, 0))
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final


@dataclass(frozen=True, slots=True)
class Locale:
    """Day order (``DMY``, ``MDY``, ``YMD``) and number separators of a spreadsheet locale."""

    code: str
    order: str
    decimal: str
    thousands: str


LOCALES: Final = {
    "fr_FR": Locale("fr_FR", "DMY", ",", " "),
    "en_US": Locale("en_US", "MDY", ".", ","),
    "en_GB": Locale("en_GB", "DMY", ".", ","),
    "de_DE": Locale("de_DE", "DMY", ",", "."),
    "iso": Locale("iso", "YMD", ".", ""),
}
_MONTH_FIRST = {"US", "PH", "FM", "MH", "PW"}  # countries writing the month first
_COMMA_LANGS = {"fr", "de", "es", "it", "pt", "nl", "ru", "pl", "sv", "da", "fi", "nb", "cs",
                "tr", "el", "ro", "hu", "uk", "ca", "eu", "gl", "id", "vi", "sk", "sl", "hr"}
#: What :func:`read_datetime` returns for a text whose day order cannot be known.
AMBIGUOUS: Final = "ambiguous"

_DATETIME = re.compile(
    r"^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})\.?"  # date (any order)
    r"(?:(?:\s+|T|,\s*)(\d{1,2})[:.h](\d{2})(?:[:.](\d{2})(?:[.,]\d+)?)?"  # time
    r"\s*([AaPp]\.?\s?[Mm]\.?)?"  # AM / PM
    r"\s*(?:Z|UTC|GMT|[A-Z]{2,5}|[+-]\d{2}:?\d{2}|(?:UTC|GMT)[+-]\d{1,2}(?::?\d{2})?)?)?$"
)


def locale_of(code: str | None) -> Locale | None:
    """The :class:`Locale` of a code as Google names them (``fr_FR``, ``en_US``, ``fr``…).

    >>> locale_of("en_AU").order, locale_of("es_ES").decimal, locale_of("fr FR") is None
    ('DMY', ',', True)
    """
    if not code:
        return None
    code = code.replace("-", "_")
    if code in LOCALES:
        return LOCALES[code]
    if code.casefold() == "iso":
        return LOCALES["iso"]
    language, _, country = code.partition("_")
    if not re.fullmatch(r"[a-z]{2,3}", language):
        return None
    comma = language in _COMMA_LANGS
    return Locale(code, "MDY" if country.upper() in _MONTH_FIRST or code == "en" else "DMY",
                  "," if comma else ".", "." if language == "de" else ("," if not comma else " "))


def _parts(text: str) -> tuple[str, int, int, int, int, int, int] | None:
    """(known order or "", year, first field, second field, hour, minute, second) of a date
    text: year first is ``YMD``; dots (``5.3.2019``) always put the day first."""
    text = text.strip()
    match = _DATETIME.match(text)
    if match is None:
        return None
    a, b, c, hour, minute, second, meridiem = match.groups()
    if len(a) == 4:
        order, year, first, other = "YMD", int(a), int(b), int(c)
    elif len(c) in (2, 4):
        order = "DMY" if text[len(a)] == "." else ""
        year, first, other = int(c) + (2000 if len(c) == 2 else 0), int(a), int(b)
    else:
        return None
    h, m, s = int(hour or 0), int(minute or 0), int(second or 0)
    if meridiem:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if meridiem[0] in "Pp" else 0)
    return order, year, first, other, h, m, s


def _order(first: int, other: int) -> str | None:
    """The day order two fields prove (None when both could be a month and they differ)."""
    if first > 12 >= other:
        return "DMY"
    if other > 12 >= first:
        return "MDY"
    return "DMY" if first == other else None


def read_datetime(text: str, locale: str | None) -> datetime | str | None:
    """A date/time read from text: a datetime, :data:`AMBIGUOUS`, or None when unreadable."""
    parts = _parts(text)
    if parts is None:
        return None
    written, year, first, other, h, m, s = parts
    known = locale_of(locale)
    order = written or (known.order if known is not None and known.order != "YMD"
                        else _order(first, other))
    if order is None:
        return AMBIGUOUS
    month, day = (other, first) if order == "DMY" else (first, other)
    try:
        return datetime(year, month, day, h, m, s)
    except ValueError:
        return None


def detect_locale(values: Iterable[object]) -> str | None:
    """The day order the unambiguous text dates of a column agree on, as a locale code.

    >>> detect_locale(["05/03/2026 10:00:00", "25/03/2026 10:00:00"])
    'fr_FR'
    >>> detect_locale(["5/3/2026 2:00:00 PM", "5/25/2026 2:00:00 PM"])
    'en_US'
    >>> detect_locale(["05/03/2026", "25/03/2026", "03/25/2026"]) is None  # contradictory
    True
    """
    seen = set()
    for value in values:
        if not isinstance(value, str):
            continue
        parts = _parts(value)
        if parts is None or parts[0] or parts[2] == parts[3]:  # order already known, or 05/05
            continue
        order = _order(parts[2], parts[3])
        if order is not None:
            seen.add("fr_FR" if order == "DMY" else "en_US")
    return seen.pop() if len(seen) == 1 else None


_SPACED_THOUSANDS = re.compile(r"(?<=\d)[\s\u00a0\u202f'](?=\d{3}\b)")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def read_number(text: str, locale: str | None = None) -> float | None:
    """A number typed in French or English style; ``locale`` settles "1,234" and "1.234".

    >>> read_number("6,5"), read_number("1 234,5"), read_number("6 projets")
    (6.5, 1234.5, None)
    >>> read_number("1,234.5"), read_number("1,234", "en_US"), read_number("1.234,5", "de_DE")
    (1234.5, 1234.0, 1234.5)
    """
    text = _SPACED_THOUSANDS.sub("", text.strip())
    known = locale_of(locale)
    group = known.thousands if known is not None else ""
    if re.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+\.\d+", text) or (
            group == "," and re.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", text)):
        text = text.replace(",", "")
    elif re.fullmatch(r"[+-]?\d{1,3}(?:\.\d{3})+,\d+", text) or (
            group == "." and re.fullmatch(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?", text)):
        text = text.replace(".", "")
    if not _NUMBER.match(text):
        return None
    return float(text.replace(",", "."))

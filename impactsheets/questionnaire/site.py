"""Who answered: the questionnaire's ``site:`` block names the questions that identify a site.

``key`` lists the questions whose answers together identify one site (two rows with the same
key are the same site answering twice: the latest wins). An empty or absent key makes the form
anonymous: each row is its own respondent, named by the ``name`` question when it has an
answer, else "Réponse N" (N = the sheet row minus the header row).

>>> site = SiteIdentity(key=("nom", "cp"), name="nom", postal_code="cp")
>>> site.name_of({"nom": " La  Ruche "}, 7), site.name_of({}, 7)
('La Ruche', 'ligne 7')
>>> site.key_of({"nom": "La Ruche", "cp": "31000"}), site.key_of({"nom": "La Ruche"})
(('la ruche', '31000'), None)
>>> SiteIdentity().name_of({}, 7), SiteIdentity().anonymous
('Réponse 6', True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from impactsheets.questionnaire.labels import normalize_label

#: The roles a ``site:`` block may name, besides ``key``.
ROLES = ("name", "town", "postal_code", "email", "keywords")



@dataclass(frozen=True, slots=True)
class SiteIdentity:
    """Question ids playing each role (None when the form has no such question)."""

    key: tuple[str, ...] = ()
    name: str | None = None
    town: str | None = None
    postal_code: str | None = None
    email: str | None = None
    keywords: str | None = None
    language: str = "fr"

    @property
    def anonymous(self) -> bool:
        """True when each row is its own respondent."""
        return not self.key

    @property
    def questions(self) -> tuple[str, ...]:
        """Every question id named by the block (key first), without repeats."""
        roles = (getattr(self, role) for role in ROLES)
        return tuple(dict.fromkeys([*self.key, *(q for q in roles if q)]))

    def answer(self, answers: dict[str, Any], role: str) -> str:
        """The answer playing ``role`` as one line of text ("" when none)."""
        qid = getattr(self, role)
        value = answers.get(qid) if qid else None
        return " ".join(str(value).split()) if value is not None else ""

    def name_of(self, answers: dict[str, Any], row: int) -> str:
        """The respondent's display name: the name answer, else a numbered fallback."""
        name = self.answer(answers, "name")
        if name:
            return name
        from impactsheets import messages

        return messages.text("name-response" if self.anonymous else "name-row", self.language,
                             row=row, number=row - 1)

    def key_of(self, answers: dict[str, Any]) -> tuple[str, ...] | None:
        """The normalised key answers; None when anonymous or when a key answer is missing."""
        parts = tuple(normalize_label(str(answers.get(q) or "")) for q in self.key)
        return parts if parts and all(parts) else None

"""The questionnaire definition: the model, its loader, site identity and label folding."""

from impactsheets.questionnaire.labels import normalize_label
from impactsheets.questionnaire.loader import load_questionnaire
from impactsheets.questionnaire.model import (
    CHOICE_TYPES,
    GRID_TYPES,
    TYPES,
    YES_NO_CHOICES,
    Choice,
    Condition,
    FormRef,
    Grid,
    Part,
    Question,
    Questionnaire,
    Topic,
)
from impactsheets.questionnaire.site import ROLES, SiteIdentity

__all__ = ["CHOICE_TYPES", "GRID_TYPES", "ROLES", "TYPES", "YES_NO_CHOICES", "Choice", "Condition",
           "FormRef", "Grid", "Part", "Question", "Questionnaire", "SiteIdentity", "Topic",
           "load_questionnaire", "normalize_label"]

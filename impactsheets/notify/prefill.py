"""The link a site follows to correct its answers: the Google Form, prefilled when possible.

With the form's URL (or id) and the questions' ``entry_id`` in the questionnaire, the link
opens the form with the site's current valid answers already filled in, in Google's prefill
format (``viewform?usp=pp_url&entry.N=…``): one parameter per ticked box, the option's label
as the form shows it, ``__other_option__`` plus ``entry.N.other_option_response`` for an
"Autre" answer, dates as ``YYYY-MM-DD`` and times as ``HH:MM``. Refused answers are left
empty, so the form asks for them again. Without entry ids the link is the bare form.

>>> from impactsheets.questionnaire import FormRef
>>> form_url(FormRef(url="https://docs.google.com/forms/d/e/1FAIpQL/edit?usp=sharing"))
'https://docs.google.com/forms/d/e/1FAIpQL/viewform'
>>> prefill_value(date(2021, 3, 5)), prefill_value(time(9, 5)), prefill_value(12.5)
('2021-03-05', '09:05', '12.5')
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from urllib.parse import urlencode, urlsplit, urlunsplit

from impactsheets.answers import Answer, Selection
from impactsheets.questionnaire import FormRef, Question, Questionnaire
from impactsheets.validation import Response

#: Longest link we hand out; long comments are left out of the prefill beyond it (browsers and
#: Google's front ends refuse very long URLs).
MAX_URL = 8000
OTHER = "__other_option__"


@dataclass(frozen=True)
class CorrectionLink:
    """The link, whether it is prefilled, and the questions left out of it for length."""

    url: str
    prefilled: bool
    omitted: tuple[str, ...] = ()


def form_url(form: FormRef | None) -> str | None:
    """The responder URL (``…/viewform``) of the form, without query; None when unknown."""
    if form is None:
        return None
    if not form.url:
        published = form.id.startswith("1FAIpQL")
        return f"https://docs.google.com/forms/d/{'e/' if published else ''}{form.id}/viewform"
    parts = urlsplit(form.url)
    path = parts.path.rstrip("/")
    if "/forms/" not in path:  # a short link (forms.gle/…) cannot carry a prefill
        return form.url
    for suffix in ("/edit", "/viewform", "/formResponse", "/prefill"):
        path = path.removesuffix(suffix)
    return urlunsplit((parts.scheme, parts.netloc, path + "/viewform", "", ""))


def prefill_value(answer: Answer) -> str:
    """One non-choice answer as Google's prefill expects it."""
    if isinstance(answer, datetime):
        return answer.strftime("%Y-%m-%d")
    if isinstance(answer, date):
        return answer.isoformat()
    if isinstance(answer, time):
        return answer.strftime("%H:%M")
    if isinstance(answer, float):
        return format(answer, "f").rstrip("0").rstrip(".") if not answer.is_integer() \
            else str(int(answer))
    return str(answer)


def _parameters(question: Question, answer: Answer) -> list[tuple[str, str]]:
    key = f"entry.{question.entry_id}"
    if not isinstance(answer, Selection):
        return [(key, prefill_value(answer))]
    params = [(key, question.choice(value).label) for value in answer.values]
    if answer.others and question.allow_other:
        params += [(key, OTHER), (f"{key}.other_option_response", ", ".join(answer.others))]
    return params


def correction_link(questionnaire: Questionnaire, response: Response) -> CorrectionLink | None:
    """The link for this site (see the module docstring); None when the form is unknown."""
    base = form_url(questionnaire.form)
    if base is None:
        return None
    filled = [(q, response.answers[q.id]) for q in questionnaire.questions
              if q.entry_id is not None and q.id in response.answers]
    if not filled or "/forms/" not in base:
        return CorrectionLink(base, False)
    omitted: list[str] = []
    while True:
        params = [("usp", "pp_url")] + [p for q, a in filled for p in _parameters(q, a)]
        url = f"{base}?{urlencode(params)}"
        longest = max((qa for qa in filled if qa[0].type == "long_text"),
                      key=lambda qa: len(str(qa[1])), default=None)
        if len(url) <= MAX_URL or longest is None:
            return CorrectionLink(url, True, tuple(omitted))
        filled.remove(longest)
        omitted.append(longest[0].id)

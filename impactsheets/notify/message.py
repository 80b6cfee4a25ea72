"""One site's e-mail: what it says (from the template) and the MIME message that carries it.

>>> from impactsheets.notify.emails import Rendered
>>> m = build_message(Rendered("Été", "Bonjour\\n", "<p>Bonjour</p>"), "Réseau <r@example.org>",
...                   "site@example.org", message_id="<1@example.org>")
>>> m["Subject"], m.get_content_type(), m["Auto-Submitted"]
('Été', 'multipart/alternative', 'auto-generated')
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

from impactsheets.answers import Selection
from impactsheets.network.identity import site_fields
from impactsheets.notify.emails import EmailTemplate, ProblemLine, Rendered, render
from impactsheets.notify.prefill import correction_link
from impactsheets.questionnaire import Questionnaire
from impactsheets.report import french
from impactsheets.report.compose import french_date
from impactsheets.state import fingerprint
from impactsheets.validation import ERROR, Response

_ANSWER_SHOWN = 300


@dataclass
class Content:
    """What one site is sent: the kind, its wording, a fingerprint of what it says, a PDF."""

    kind: str
    rendered: Rendered
    fingerprint: str
    attachment: tuple[str, bytes] | None = None
    prefilled: bool = False


def site_values(response: Response, questionnaire: Questionnaire) -> dict[str, str]:
    """The placeholders every e-mail may use; ``respondent`` is ``anonymous`` for a respondent
    of an anonymous form who gave no name (its report is titled by its ``number``, as is the
    e-mail in the template's wording), else ``named``."""
    fields = site_fields(questionnaire)
    name = response.site
    when = response.timestamp

    def answer(qid: str | None) -> str:
        return " ".join(str(response.answers.get(qid or "") or "").split())

    site = questionnaire.site
    unnamed = site.anonymous and not site.answer(response.answers, "name")
    return {"site": french.display_name(name), "de_site": french.of_name(name),
            "site_commune": answer(fields.town), "site_code_postal": answer(fields.postal_code),
            "date": french_date(when) if when else "",
            "title": questionnaire.title or questionnaire.id,
            "respondent": "anonymous" if unnamed else "named",
            "number": str(response.row - 1) if unnamed else ""}


def problem_lines(response: Response, questionnaire: Questionnaire) -> list[ProblemLine]:
    """The errors of a response, each with the form's question, the answer given and why."""
    lines = []
    for p in response.problems:
        if p.severity != ERROR:
            continue
        question = questionnaire.by_id.get(p.question or "")
        title = question.header if question else (p.header or "")
        answer = " ".join((p.value or "").split())
        if len(answer) > _ANSWER_SHOWN:
            answer = answer[: _ANSWER_SHOWN - 1] + "…"
        lines.append(ProblemLine(title, answer, p.message))
    return lines


def corrections(response: Response, questionnaire: Questionnaire, template: EmailTemplate,
                address: str) -> Content:
    """The list of answers to correct and the (prefilled) link to the form."""
    problems = problem_lines(response, questionnaire)
    link = correction_link(questionnaire, response)
    values = site_values(response, questionnaire)
    values["errors"] = french.count_noun(response.errors, "réponse", "réponses")
    values["link"] = link.url if link else ""
    values["link_kind"] = "none" if link is None else "prefilled" if link.prefilled else "form"
    values["omitted"] = french.join([f"« {questionnaire.question(q).header} »"
                                     for q in (link.omitted if link else ())])
    digest = fingerprint("corrections", address, [(p.question, p.answer, p.reason)
                                                  for p in problems])
    return Content("corrections", render(template, values, problems), digest,
                   prefilled=bool(link and link.prefilled))


def report(response: Response, questionnaire: Questionnaire, template: EmailTemplate,
           address: str, *, link: str | None = None,
           pdf: tuple[str, bytes] | None = None) -> Content:
    """The report: its Drive ``link``, or the ``pdf`` (file name, bytes) attached."""
    values = site_values(response, questionnaire)
    values["report_link"] = link or ""
    values["report_file"] = pdf[0] if pdf and not link else ""
    values["delivery"] = "drive" if link else "attached"
    answers = {qid: (list(a.values) + list(a.others)) if isinstance(a, Selection) else a
               for qid, a in response.answers.items()}
    digest = fingerprint("report", address, answers, link or "")
    return Content("report", render(template, values), digest,
                   attachment=None if link else pdf)


def build_message(rendered: Rendered, sender: str, to: str, *, message_id: str,
                  reply_to: str | None = None, attachment: tuple[str, bytes] | None = None,
                  original_to: str | None = None) -> EmailMessage:
    """A plain-text + HTML message (and the PDF attached), ready for SMTP or Gmail."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = (f"[test, pour {original_to}] {rendered.subject}" if original_to
                          else rendered.subject)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    if original_to:
        message["X-Impactsheets-Original-To"] = original_to
    message.set_content(rendered.text, cte="quoted-printable")
    message.add_alternative(rendered.html, subtype="html", cte="quoted-printable")
    if attachment is not None:
        name, data = attachment
        message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    message["Content-Language"] = "fr"  # after the parts: set_content drops Content-* headers
    return message

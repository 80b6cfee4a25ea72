"""E-mail wording as data: ``templates/<name>/emails/<kind>.yaml``, one file per kind of message.

``report.yaml`` goes to a site without errors (its report attached or linked),
``corrections.yaml`` to a site with answers to correct. Each file has a ``subject``, a list
of ``paragraphs`` and ``labels`` for the list of problems; texts use the reports'
``{placeholder}`` language (``[...]`` disappears when a placeholder inside it is empty; a
paragraph with an empty mandatory placeholder is left out). A paragraph that is exactly
``{problems}`` becomes the list of answers to correct. As in reports, a paragraph may be
``{answer: NAME, cases: {value: text}, default: text}``, one text per case: ``delivery``
(``attached``, ``drive``) in report e-mails, ``link_kind`` (``prefilled``, ``form``,
``none``) in corrections, ``respondent`` (``named``, ``anonymous``: a respondent of an
anonymous form who gave no name, its report titled "Réponse {number}") in both, as may the
``subject`` (a subject by case has every case or a default). Each message has a plain-text part and
a simple HTML part built from the same wording, answers HTML-escaped. A template that
``extends:`` another uses the other's e-mails unless it has its own.

>>> t = load_email_template("default", "report")
>>> t.kind, isinstance(t.subject, Cases) and t.subject.answer
('report', 'respondent')
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from impactsheets.errors import TemplateError
from impactsheets.report.compose import fill
from impactsheets.report.template import PLACEHOLDER, load_template
from impactsheets.yamlfile import LineMapping, YamlError, load_yaml

KINDS = ("report", "corrections")
COMMON = {"site", "de_site", "site_commune", "site_code_postal", "date", "number", "title"}
PLACEHOLDERS = {
    "report": COMMON | {"report_link", "report_file"},
    "corrections": COMMON | {"errors", "problems", "link", "omitted"},
}
_RESPONDENT = ("named", "anonymous")
CASES: dict[str, dict[str, tuple[str, ...]]] = {
    "report": {"delivery": ("attached", "drive"), "respondent": _RESPONDENT},
    "corrections": {"link_kind": ("prefilled", "form", "none"), "respondent": _RESPONDENT}}
LINKS = {"report_link", "link"}
_LABELS = {"answer": "Réponse donnée", "no_answer": "(pas de réponse)", "reason": "Pourquoi"}
_URL = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Cases:
    """A paragraph chosen by the value of ``answer`` (``default`` for any other value)."""

    answer: str
    cases: dict[str, str]
    default: str = ""

    def pick(self, values: dict[str, str]) -> str:
        return self.cases.get(values.get(self.answer, ""), self.default)


@dataclass(frozen=True)
class EmailTemplate:
    kind: str
    subject: str | Cases
    paragraphs: tuple[str | Cases, ...]
    labels: dict[str, str] = field(default_factory=lambda: dict(_LABELS))
    file: str = ""


@dataclass(frozen=True)
class ProblemLine:
    """One answer to correct: the question as the form asks it, the answer given, why refused."""

    question: str
    answer: str
    reason: str


@dataclass
class Rendered:
    subject: str
    text: str
    html: str


def load_email_template(template: str | Path, kind: str) -> EmailTemplate:
    """The ``kind`` e-mail of a report template (name or path), following ``extends``."""
    folder = load_template(template).folder
    seen: set[Path] = set()
    while folder.resolve() not in seen:
        seen.add(folder.resolve())
        path = folder / "emails" / f"{kind}.yaml"
        if path.is_file():
            return _parse(path, kind)
        try:
            parent = load_yaml((folder / "template.yaml").read_text(encoding="utf-8"), "")
        except (OSError, YamlError):
            break
        if not isinstance(parent, dict) or "extends" not in parent:
            break
        folder = load_template(str(parent["extends"])).folder
    raise TemplateError(f"{folder / 'emails' / (kind + '.yaml')}: e-mail template not found")


def _parse(path: Path, kind: str) -> EmailTemplate:
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"), str(path))
    except YamlError as exc:
        raise TemplateError(f"{path}:{exc.line}: invalid YAML ({exc.problem})") from None
    if not isinstance(raw, LineMapping):
        raise TemplateError(f"{path}:1: an e-mail template must be a mapping")
    for key in raw:
        if key not in ("subject", "paragraphs", "labels"):
            raise TemplateError(f"{path}:{raw.line_of(key)}: unknown key {key!r} "
                                "(known: labels, paragraphs, subject)")
    subject, paragraphs = raw.get("subject"), raw.get("paragraphs")
    where = f"{path}:{raw.line_of('subject')}"
    if isinstance(subject, dict):  # a subject by case, as a paragraph
        subject = _paragraph(subject, kind, where)
    elif not isinstance(subject, str) or not subject.strip():
        raise TemplateError(f"{where}: 'subject' must be a text")
    texts = [*subject.cases.values(), subject.default] if isinstance(subject, Cases) \
        else [subject]
    if isinstance(subject, Cases) and not subject.default \
            and set(CASES[kind][subject.answer]) - set(subject.cases):
        raise TemplateError(f"{where}: a subject by case needs every case of {subject.answer} "
                            f"({', '.join(CASES[kind][subject.answer])}) or a default")
    if any("{problems}" in text for text in texts):
        raise TemplateError(f"{where}: {{problems}} only fits a paragraph")
    if isinstance(subject, str):
        _check(subject, kind, where)
    if not (isinstance(paragraphs, list) and paragraphs):
        raise TemplateError(f"{path}:{raw.line_of('paragraphs')}: 'paragraphs' must be a list "
                            "of texts")
    parsed = [_paragraph(p, kind, f"{path}:{getattr(p, 'line', 0) or raw.line_of('paragraphs')}")
              for p in paragraphs]
    labels = raw.get("labels") or {}
    if not isinstance(labels, dict) or set(labels) - set(_LABELS):
        raise TemplateError(f"{path}:{raw.line_of('labels')}: 'labels' takes "
                            f"{', '.join(sorted(_LABELS))}")
    return EmailTemplate(kind, subject, tuple(parsed), {**_LABELS, **labels}, str(path))


def _paragraph(node: Any, kind: str, where: str) -> str | Cases:
    if isinstance(node, str):
        _check(node, kind, where)
        return node
    known = CASES[kind]
    if not (isinstance(node, dict) and set(node) <= {"answer", "cases", "default"}
            and node.get("answer") in known and isinstance(node.get("cases"), dict)):
        raise TemplateError(f"{where}: a paragraph is a text or {{answer: NAME, cases: {{…}}, "
                            f"default: …}} with NAME one of {', '.join(known)}")
    answer = str(node["answer"])
    cases = {str(k): v for k, v in node["cases"].items()}
    for value, text in [*cases.items(), ("default", node.get("default", ""))]:
        if value != "default" and value not in known[answer]:
            raise TemplateError(f"{where}: {answer} has no case {value!r} (cases: "
                                f"{', '.join(known[answer])})")
        if not isinstance(text, str):
            raise TemplateError(f"{where}: the text of case {value!r} must be a text")
        _check(text, kind, where)
    return Cases(answer, cases, str(node.get("default", "")))


def _check(text: str, kind: str, where: str) -> None:
    if text.count("[") != text.count("]"):
        raise TemplateError(f"{where}: unbalanced [ ] in {text!r}")
    for name in PLACEHOLDER.findall(text):
        if name not in PLACEHOLDERS[kind]:
            raise TemplateError(f"{where}: unknown placeholder {{{name}}} in a {kind} e-mail "
                                f"(known: {', '.join(sorted(PLACEHOLDERS[kind]))})")
    if re.search(r"[{}]", PLACEHOLDER.sub("", text)):
        raise TemplateError(f"{where}: unbalanced {{ }} in {text!r}")


def render(template: EmailTemplate, values: dict[str, str],
           problems: Sequence[ProblemLine] = ()) -> Rendered:
    """Subject, plain text and HTML of one message; ``values`` are never scanned for placeholders.

    >>> t = EmailTemplate("report", "Rapport {de_site}", ("Bonjour,", "[Lien : {report_link}]"))
    >>> r = render(t, {"de_site": "d'<Arsenal>", "report_link": ""})
    >>> r.subject, r.text.strip()
    ("Rapport d'<Arsenal>", 'Bonjour,')
    >>> r.html.count("&lt;Arsenal&gt;") + r.html.count("<p>Bonjour,</p>")
    2
    """
    flat = {k: " ".join(v.split()) for k, v in values.items()}
    said = template.subject.pick(values) if isinstance(template.subject, Cases) \
        else template.subject
    subject = fill(said, lambda n, _: flat.get(n, ""), require_some=False) or ""
    texts: list[str] = []
    blocks: list[str] = []
    for item in template.paragraphs:
        paragraph = item.pick(values) if isinstance(item, Cases) else item
        if paragraph.strip() == "{problems}":
            if problems:
                texts.append(_problems_text(problems, template.labels))
                blocks.append(_problems_html(problems, template.labels))
            continue
        text = fill(paragraph, lambda n, _: values.get(n, ""), require_some=False)
        if not text or not text.strip():
            continue
        texts.append(text.strip())
        blocks.append("<p>" + (fill(html.escape(paragraph, quote=False),
                                    lambda n, _: _html_value(n, values.get(n, "")),
                                    require_some=False) or "").strip().replace("\n", "<br>\n")
                      + "</p>")
    body = "\n".join(blocks)
    page = ('<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
            f"<title>{html.escape(subject)}</title></head>\n"
            f'<body style="font-family: sans-serif; line-height: 1.4">\n{body}\n</body></html>\n')
    return Rendered(subject, "\n\n".join(texts) + "\n", page)


def _html_value(name: str, value: str) -> str:
    escaped = html.escape(value)
    if name in LINKS and _URL.fullmatch(value):
        return f'<a href="{html.escape(value, quote=True)}">{escaped}</a>'
    return escaped


def _problems_text(problems: Sequence[ProblemLine], labels: dict[str, str]) -> str:
    lines = []
    for number, p in enumerate(problems, start=1):
        answer = f"« {p.answer} »" if p.answer else labels["no_answer"]
        lines += [f"{number}. {p.question}", f"   {labels['answer']} : {answer}",
                  f"   {labels['reason']} : {p.reason}"]
    return "\n".join(lines)


def _problems_html(problems: Sequence[ProblemLine], labels: dict[str, str]) -> str:
    items = []
    for p in problems:
        answer = f"« {html.escape(p.answer)} »" if p.answer else html.escape(labels["no_answer"])
        items.append(f"<li><strong>{html.escape(p.question)}</strong><br>\n"
                     f"{html.escape(labels['answer'])} : {answer}<br>\n"
                     f"{html.escape(labels['reason'])} : {html.escape(p.reason)}</li>")
    return "<ol>\n" + "\n".join(items) + "\n</ol>"

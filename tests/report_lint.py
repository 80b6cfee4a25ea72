"""The report linter: every class of defect a site report must never show (issue 14).

``lint(model, pdf)`` returns one line per defect found, naming its class. It reads our own
sentences from the model (the site's quoted words are theirs, not checked for grammar) and
the layout from the PDF itself (pypdf): pages, fonts, the order of the text.
"""

from __future__ import annotations

import io
import re
from typing import Any

from pypdf import PdfReader

from impactsheets.report.compose import ReportModel
from impactsheets.report.french import leans_on_previous

_VOWEL = "aeiouyàâäéèêëîïôöùûüœAEIOUYÀÂÉÈÊÎÔÙÛŒ"
_QUOTED = re.compile(r"«[^»]*»")
_ARTICLES = {"le", "la", "les", "l’", "un", "une", "des", "du", "de", "d’", "au", "aux"}

# Defects of our own sentences (the site's quoted words removed first).
SENTENCE_DEFECTS = {
    "blank slot (space before . or ,)": re.compile(r"\s[.,](?!\.)"),
    "missing elision (de + vowel)": re.compile(rf"\b[Dd]e [{_VOWEL}]"),
    "list announced by ':' with nothing after": re.compile(r":\s*$"),
    "placeholder or raw value": re.compile(r"\?\?|\bNone\b|\bnan\b|[{}\[\]]"),
    "wrong agreement": re.compile(r"ont émergés|ont bénéficiées|changements [^.]* observées"),
    "sentence begins with a digit": re.compile(r"^\d"),
    "unsupported claim": re.compile(r"significati"),
    "typewriter apostrophe": re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])"),
    "repeated infinitive": re.compile(r"\b(d’|de )(\w+(?:er|ir|re))\b[^.]*\bet (d’|de )\2\b"),
}
# The site's words come after ':' (or as one item among others), never inside our clause.
WOVEN = re.compile(r"(?<!:)(?<! et)(?<! ou)(?<!,) «|» (?!et |ou )\w")


def _ours(text: str) -> str:
    return _QUOTED.sub("«»", text)


def _entre_single(text: str) -> bool:
    """'entre' followed by one definite group only ("entre les bénévoles.")."""
    groups = re.finditer(r"\bentre (les |le |la |l’)[^.;:]*", text)
    return any(" et " not in m.group(0) for m in groups)


def _mixed_articles(text: str) -> bool:
    """A list after ':' whose items do not all start the same way (article or none)."""
    if ":" not in text:
        return False
    tail = text.rsplit(":", 1)[1].split(", ainsi que")[0].rstrip(". ")
    if re.match(r"\s*(il|elle|ils|elles)\b", tail):  # a clause, not a list
        return False
    items = [i.strip() for i in re.split(r", | et ", tail) if i.strip() and "«" not in i]
    if len(items) < 2:
        return False
    starts = {(i.split(" ")[0].lower() in _ARTICLES or i[:2].lower() in ("l’", "d’"))
              for i in items}
    return len(starts) > 1


def lint_model(model: ReportModel) -> list[str]:
    """Defects of the report's wording."""
    found = []
    title = model.title
    # Empty quotes: an opening « that starts a word (a name holding "«" is not empty).
    if re.search(r"(\b(de|du|des|d’|la|le|les)|(?<!\S)«\s*»)\s*$", title) \
            or "«\u202f\u202f»" in title:
        found.append(f"incomplete title: {title!r}")
    for part in model.parts:
        if not part.topics and not part.note:
            found.append(f"part banner with nothing under it: {part.title}")
        for topic in part.topics:
            lines = [x for x in (topic.lead_in, *topic.statements) if x]
            if topic.quotes and not topic.statements and not topic.lead_in:
                found.append(f"bare quote under a heading: {topic.title}")
            if lines and leans_on_previous(lines[0]):
                found.append(f"sentence leaning on an absent one: {lines[0]!r}")
            for line in lines:
                ours = _ours(line)
                for name, pattern in SENTENCE_DEFECTS.items():
                    if line is topic.lead_in and name.startswith("list announced"):
                        continue  # a lead-in announces the quotes that follow it
                    if pattern.search(ours):
                        found.append(f"{name}: {line!r}")
                if _entre_single(ours):
                    found.append(f"'entre' with a single group: {line!r}")
                if _mixed_articles(ours):
                    found.append(f"articles inconsistent across a list: {line!r}")
            for line in topic.statements:
                if WOVEN.search(_ours(line)):
                    found.append(f"free text woven into our grammar: {line!r}")
    for text in (title, *model.identity, *(p.note or "" for p in model.parts)):
        if SENTENCE_DEFECTS["typewriter apostrophe"].search(text):
            found.append(f"typewriter apostrophe: {text!r}")
    return found


def _pages(pdf: bytes) -> list[list[str]]:
    reader = PdfReader(io.BytesIO(pdf))
    return [[line.strip().replace("\u202f", " ").replace("\u00a0", " ")
             for line in page.extract_text().split("\n") if line.strip()]
            for page in reader.pages]


def unembedded_fonts(pdf: bytes) -> list[str]:
    """Names of the fonts referenced by a page without an embedded font file."""
    missing = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descriptors = [font.get("/FontDescriptor")]
            descriptors += [d.get_object().get("/FontDescriptor")
                            for d in font.get("/DescendantFonts", [])]
            if not any(d is not None and any(k in d.get_object() for k in
                                             ("/FontFile", "/FontFile2", "/FontFile3"))
                       for d in descriptors):
                missing.append(str(font.get("/BaseFont")))
    return missing


def lint_pdf(model: ReportModel, pdf: bytes) -> list[str]:
    """Defects of the layout, read back from the PDF."""
    found = [f"font not embedded: {name}" for name in unembedded_fonts(pdf)]
    pages = _pages(pdf)
    banners = {p.title.upper() for p in model.parts}
    footer = {model.title.replace("\u202f", " ")}
    if model.provisional:
        footer.add(model.provisional.replace("\u202f", " "))
    headings = {t.title for p in model.parts for t in p.topics}
    for number, lines in enumerate(pages, start=1):
        body = [x for x in lines if x not in footer and not re.fullmatch(
            re.escape(model.labels["page"]).replace(r"\{page\}", r"\d+")
            .replace(r"\{pages\}", r"\d+"), x)]
        content = [x for x in body if x not in banners and x != model.labels["intensity"]
                   and not re.fullmatch(r"\d+/\d+", x)]
        if not content:
            found.append(f"page {number} holds only a part banner or nothing")
        meaningful = [x for x in body if not re.fullmatch(r"\d+/\d+", x)
                      and x != model.labels["intensity"]]
        if number < len(pages) and meaningful and (meaningful[-1] in banners
                                                   or meaningful[-1] in headings):
            found.append(f"page {number} ends with a banner or heading: {meaningful[-1]!r}")
        if SENTENCE_DEFECTS["typewriter apostrophe"].search(" ".join(lines)):
            found.append(f"typewriter apostrophe on page {number}")
    text = "\n".join("\n".join(p) for p in pages)
    flat = " ".join(text.split())
    if model.keywords and model.parts:
        first_banner = flat.find(model.parts[0].title.upper())
        if flat.find(model.keywords[0]) > first_banner >= 0:
            found.append("keywords under the parts, not in the header")
    drawn = len(re.findall(rf"{re.escape(model.labels['intensity'])} \d+/\d+", flat))
    expected = sum(p.intensity is not None for p in model.parts)
    if drawn != expected:
        found.append(f"{drawn} intensity bars drawn for {expected} parts with an intensity")
    title_lines = _title_lines(pages[0] if pages else [], model.title)
    if len(title_lines) > 1 and len(title_lines[-1].split()) < 2:
        found.append(f"title ends with an orphan word: {title_lines!r}")
    return found


def _title_lines(lines: list[str], title: str) -> list[str]:
    want, got = " ".join(title.replace("\u202f", " ").split()), []
    for line in lines:
        got.append(line)
        if " ".join(" ".join(got).split()) == want:
            return got
        if len(" ".join(got)) > len(want):
            break
    return []


def lint(model: ReportModel, pdf: bytes) -> list[str]:
    """Every defect of one report, wording and layout."""
    return lint_model(model) + lint_pdf(model, pdf)


def lint_response(response: Any, questionnaire: Any, template: Any) -> list[str]:
    """Compose and render one response, then lint it."""
    from impactsheets.report import compose
    from impactsheets.report.pdf import to_pdf

    model = compose(response, questionnaire, template)
    return lint(model, to_pdf(model, template))

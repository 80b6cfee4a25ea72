"""Site reports: French grammar, composition of answers into statements, PDF rendering.

>>> from impactsheets.questionnaire import load_questionnaire
>>> from impactsheets.validation import Response
>>> pdf = render_site(Response(2, {"site_nom": "Arsenal"}), load_questionnaire(), "default")
>>> pdf.startswith(b"%PDF")
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from impactsheets.errors import STOP_ERRNOS, describe_os_error, from_os_error
from impactsheets.files import atomic_write, remove_partials
from impactsheets.questionnaire import Questionnaire
from impactsheets.report.compose import ReportModel, compose
from impactsheets.report.naming import REPORTS, site_slugs, slugify
from impactsheets.report.template import Template, load_template

if TYPE_CHECKING:  # validation imports report.french: no import cycle at run time
    from impactsheets.network.comparison import Comparison
    from impactsheets.validation import Response, ValidationReport

__all__ = ["RenderedReport", "ReportModel", "Template", "compose", "load_template",
           "render_reports", "render_site", "slugify"]


@dataclass
class RenderedReport:
    """What happened to one site's report: its file, or the error that stopped it."""

    row: int
    site: str
    slug: str
    path: Path | None
    provisional: bool
    error: str | None = None


def render_site(response: Response, questionnaire: Questionnaire,
                template: Template | str | Path = "default",
                network: Comparison | None = None) -> bytes:
    """One site's PDF report (deterministic: same answers and template, same bytes); with
    ``network``, each part also shows the site against the network."""
    from impactsheets.report.pdf import to_pdf  # reportlab loads only when rendering
    if not isinstance(template, Template):
        template = load_template(template_for(template, questionnaire))
    if template.name == "generic":  # any questionnaire, question by question
        from impactsheets.report.generic import compose_generic

        return to_pdf(compose_generic(response, questionnaire, template), template)
    return to_pdf(compose(response, questionnaire, template, network), template)


def template_for(chosen: str | Path, questionnaire: Questionnaire) -> str | Path:
    """The template to use: the one chosen, else (``"default"``) the questionnaire's own, else
    ``generic`` for a questionnaire without report parts (the rich default needs its topics).

    >>> from impactsheets.questionnaire import load_questionnaire
    >>> template_for("default", load_questionnaire()), template_for("reseau-sud", load_questionnaire())
    ('default', 'reseau-sud')
    """
    if str(chosen) != "default":
        return chosen
    return questionnaire.template or ("default" if questionnaire.parts else "generic")


def render_reports(report: ValidationReport, questionnaire: Questionnaire, out_dir: Path, *,
                   template: str | Path | Template = "default",
                   sites: Sequence[str] | None = None,
                   network: Comparison | None = None) -> list[RenderedReport]:
    """Write ``out_dir/reports/<slug>.pdf`` for each current response (or the named sites).

    A broken template raises :class:`~impactsheets.errors.TemplateError` before any file is
    written; one site's failure is recorded in its ``error`` and never stops the others.
    """
    loaded = template if isinstance(template, Template) else load_template(
        template_for(template, questionnaire))
    wanted = {s.casefold().strip() for s in sites} if sites is not None else None
    responses = [r for r in report.current
                 if wanted is None or r.site.casefold().strip() in wanted]
    slugs = site_slugs(report.current, questionnaire)
    slug_of = {id(r): slug for r, slug in zip(report.current, slugs, strict=True)}
    folder = Path(out_dir) / REPORTS
    folder.mkdir(parents=True, exist_ok=True)
    remove_partials(folder)
    results = []
    for response in responses:
        slug = slug_of[id(response)]
        result = RenderedReport(response.row, response.site, slug, None, response.errors > 0)
        try:
            atomic_write(folder / f"{slug}.pdf", render_site(response, questionnaire, loaded,
                                                             network))
            result.path = folder / f"{slug}.pdf"
        except OSError as exc:
            if exc.errno in STOP_ERRNOS:  # disk full, file-size limit: no report can be written
                raise from_os_error(exc) from None
            result.error = f"cannot write {describe_os_error(exc)}"
        except Exception as exc:  # one site's failure must not stop the others
            result.error = f"{type(exc).__name__}: {exc}"
        results.append(result)
    return results

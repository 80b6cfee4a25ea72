"""The local pipeline steps that commands share: read + validate, and the bundled demo.

>>> table, report = validate_source(data_path("examples", EXAMPLE_WORKBOOK))
>>> report.summary()["responses"] > 10
True
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from impactsheets.errors import SheetAccessError, SourceError
from impactsheets.files import atomic_write, remove_partials
from impactsheets.resources import data_path
from impactsheets.sources import Table, is_google_sheet, read_table_soon

if TYPE_CHECKING:
    from impactsheets.questionnaire import Questionnaire
    from impactsheets.validation import ValidationReport

EXAMPLE_WORKBOOK = "reponses-effets-sociaux.xlsx"


def validate_source(source: str | Path, questionnaire: Questionnaire | str | Path | None = None,
                    worksheet: str | None = None, header_row: int | None = None
                    ) -> tuple[Table, ValidationReport]:
    """Read ``source`` and validate it against the questionnaire (default: the bundled one).

    The header is ``header_row`` or found among the first rows; a sheet that is not the
    questionnaire's response sheet raises (see :mod:`impactsheets.sources.header`). A local
    workbook is parsed while the questionnaire and the validation load (hence their imports
    here); a questionnaire that cannot load is still the error reported first.
    """
    read = read_table_soon(source, worksheet)
    from impactsheets.questionnaire import Questionnaire, load_questionnaire
    from impactsheets.sources.header import response_table
    from impactsheets.validation import validate

    if not isinstance(questionnaire, Questionnaire):
        questionnaire = load_questionnaire(questionnaire)
    error = SheetAccessError if is_google_sheet(str(source)) else SourceError
    table = response_table(read(), questionnaire, header_row, error)
    return table, validate(table, questionnaire)


def write_json(path: Path, data: Any) -> Path:
    """Write ``data`` as pretty UTF-8 JSON, atomically."""
    return atomic_write(path, json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def render_source(source: str | Path, out_dir: Path, *, sites: list[str] | tuple[str, ...] | None = None,
                  template: str = "default", questionnaire: str | Path | None = None,
                  worksheet: str | None = None) -> list[Any]:
    """Validate ``source`` and render a report per current site into ``out_dir/reports``."""
    from impactsheets.questionnaire import load_questionnaire
    from impactsheets.report import load_template, render_reports, template_for

    loaded = load_questionnaire(questionnaire)
    # A broken template, or one naming what the questionnaire lacks, stops before any reading.
    loaded_template = load_template(template_for(template, loaded), loaded)
    _, report = validate_source(source, loaded, worksheet)
    if sites:
        from impactsheets.network.sites import find_sites

        sites = find_sites([r.site for r in report.current], sites)
    from impactsheets.network.comparison import network_comparison

    return render_reports(report, loaded, out_dir, template=loaded_template, sites=sites,
                          network=network_comparison(report, loaded, loaded_template))


@dataclass
class DemoResult:
    """What the demo wrote, for the CLI to print."""

    out_dir: Path
    report: ValidationReport
    files: list[Path] = field(default_factory=list)
    reports: list[Any] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "out_dir": str(self.out_dir),
            "summary": self.report.summary(),
            "files": [str(f) for f in self.files],
            "reports": [str(r.path) for r in self.reports if getattr(r, "path", None)],
        }


def run_demo(out_dir: Path) -> DemoResult:
    """Run the whole local pipeline on the bundled example workbook into ``out_dir``."""
    from impactsheets.feedback.workbook import annotate_workbook
    from impactsheets.questionnaire import load_questionnaire

    started, clock = datetime.now().astimezone(), time.monotonic()
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_partials(out_dir)
    source = out_dir / EXAMPLE_WORKBOOK
    atomic_write(source, data_path("examples", EXAMPLE_WORKBOOK).read_bytes())
    questionnaire = load_questionnaire()
    table, report = validate_source(source, questionnaire)
    result = DemoResult(out_dir, report)
    result.files.append(write_json(out_dir / "validation.json", report.to_json()))
    result.files.append(annotate_workbook(source, report, out_dir / "responses-annotated.xlsx",
                                          table))
    from impactsheets.delivery.folder import index_entries, run_info, write_index
    from impactsheets.network.comparison import comparison_from
    from impactsheets.network.stats import network_stats
    from impactsheets.network.synthesis import write_synthesis
    from impactsheets.network.wording import load_wording
    from impactsheets.report import render_reports
    from impactsheets.report.naming import REPORTS
    from impactsheets.report.template import load_template

    template = load_template("default")
    wording = load_wording(template)
    stats = network_stats(report, questionnaire, wording)
    result.reports = render_reports(report, questionnaire, out_dir, template=template,
                                    network=comparison_from(stats, wording, template,
                                                               questionnaire))
    result.files.append(write_synthesis(report, questionnaire, out_dir, template, stats))
    entries = index_entries(
        report, questionnaire,
        {r.row: (f"{REPORTS}/{r.path.name}", "") for r in result.reports if r.path},
        {r.row: r.error for r in result.reports if r.error})
    result.files += write_index(out_dir, entries, run_info(
        questionnaire.title, started, time.monotonic() - clock, entries,
        sheet="responses-annotated.xlsx", summary="validation.json"))
    return result


def synthesis_source(source: str | Path, out_dir: Path, *, template: str | Path = "default",
                     questionnaire: str | Path | None = None,
                     worksheet: str | None = None) -> Path:
    """Validate ``source`` and write its network synthesis into ``out_dir``."""
    from impactsheets.network.synthesis import write_synthesis
    from impactsheets.questionnaire import load_questionnaire
    from impactsheets.report.template import load_template

    loaded_template = load_template(template)  # a broken template stops before any reading
    loaded = load_questionnaire(questionnaire)
    _, report = validate_source(source, loaded, worksheet)
    return write_synthesis(report, loaded, out_dir, loaded_template)

"""Real Google Forms exports (tests/data/real, sources and licences in its README):
init -> validate -> render -> sync with no hand edit, no false positive, one PDF per response."""

from __future__ import annotations

import csv
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_report_generic import pdf_text

from impactsheets.cli import main

REAL = Path(__file__).parent / "data" / "real"


@dataclass(frozen=True)
class Export:
    file: str
    responses: int  # one PDF each
    shown: tuple[str, ...]  # columns whose answer every response's PDF must show
    dated: tuple[str, str]  # a report and its French submission date (proves the locale)
    warned: tuple[str, ...] = ()  # the only problems (all true warnings): "code cell"
    whole: tuple[tuple[int, str], ...] = ()  # (response, checkbox answer its PDF shows whole)


EXPORTS = [
    Export("autistica-turing-citizen-science.csv", 42,
           ("Q1: What information would you like us to know about your needs, priorities, "
            "desires and concerns for the citizen science platform?",
            "Q2: Do you have a personal connection to autism?"),
           ("reponse-4.pdf", "rempli le 4 septembre 2019")),  # US "9/4/2019"
    Export("ahp-traffic-simulation-experts.csv", 17,
           ("Please select one of the following pictures. It will assign you to a specific set "
            "of side-by-side comparisons.",
            "Among the 4 scenarios studied so far, please provide your opinion on the level of "
            "confidence we can have  in the criticality indicators provided by the simulation "
            "tool.\n\n\nIf you are unsure and hesitate between two values, you can note both. "
            "Two scenarios may have the same confidence level. [Sunny]"),
           ("reponse-3.pdf", "rempli le 10 janvier 2024"),  # fr "10/01/2024"
           # two pilot rows say "Test" (a title asked in seven sections: seven questions)
           ("invalid-timestamp A2", "invalid-timestamp A3")),
    Export("ask-a-manager-salary-survey-2021.csv", 169,
           ("Industry", "Job title", "Additional context on job title",
            "Additional context on income", "Country", "City", "Gender", "Race"),
           ("reponse-1.pdf", "rempli le 27 avril 2021"),  # US "4/27/2021"
           # checkbox labels holding ", ": the report joins them "a ; b et c" (french.join)
           whole=((10, "Hispanic, Latino, or Spanish origin et White"),
                  (57, "Hispanic, Latino, or Spanish origin"),
                  (161, "Hispanic, Latino, or Spanish origin ; Middle Eastern or Northern African "
                        "et White"))),
]


def squash(text: str) -> str:
    """Text without whitespace (PDF lines wrap anywhere) and with straight apostrophes (the
    report sets typographic ones).

    >>> squash(" it\u2019s\\n a  b ")
    "it'sab"
    """
    return re.sub(r"\s+", "", text).replace("\u2019", "'")


def answer_snippet(cell: str) -> str:
    """What the PDF must show of a cell: its start, before the first ", " (checkbox cells are
    re-joined "a, b et c") and at most 40 characters.

    >>> answer_snippet("I am autistic, I know someone who is autistic")
    'I am autistic'
    """
    return cell.split(", ")[0][:40]


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("export", EXPORTS, ids=[e.file for e in EXPORTS])
def test_a_real_export_from_init_to_sync_without_hand_edits(export: Export,
                                                            tmp_path: Path) -> None:
    sheet = tmp_path / export.file
    shutil.copy(REAL / export.file, sheet)
    draft = tmp_path / "q.yaml"
    run("questionnaire", "init", str(sheet), "--out", str(draft))

    report = json.loads(run("validate", str(sheet), "--questionnaire", str(draft), "--json"))
    summary = report["summary"]
    assert (summary["errors"], summary["with_problems"]) == (0, 0)
    assert sorted(f"{p['code']} {p['cell']}" for p in report["problems"]) == sorted(export.warned)
    assert summary["valid"] == export.responses

    out = tmp_path / "out"
    run("render", str(sheet), "--questionnaire", str(draft), "--out", str(out))
    pdfs = sorted((out / "reports").glob("*.pdf"))
    assert len(pdfs) == export.responses
    with sheet.open(encoding="utf-8", newline="") as src:
        rows = list(csv.DictReader(src))
    for number, row in enumerate(rows, start=1):  # anonymous forms: "Réponse N", row order
        raw = pdf_text(out / "reports" / f"reponse-{number}.pdf")
        title = raw.splitlines()[0]  # "Réponse 3 du 10 janvier 2024" (no date: a "Test" row)
        assert re.fullmatch(rf"Réponse {number}( du \d+(er)? [a-zéû]+ \d{{4}})?", title), title
        assert "Réponses de" not in raw
        text = squash(raw)
        for column in export.shown:
            if row[column].strip():
                assert squash(answer_snippet(row[column])) in text, (number, column)
    for number, answer in export.whole:
        assert squash(answer) in squash(pdf_text(out / "reports" / f"reponse-{number}.pdf"))
    report, date = export.dated
    assert squash(date) in squash(pdf_text(out / "reports" / report))

    config = tmp_path / "sync.yaml"
    config.write_text(f"source: {sheet}\nquestionnaire: {draft}\noutput: {tmp_path / 'nightly'}\n",
                      encoding="utf-8")
    synced = json.loads(run("sync", "--config", str(config), "--json"))
    assert (synced["errors"], synced["failed"], synced["rendered"]) == (0, 0, export.responses)


def test_answers_under_a_repeated_title_reach_the_report(tmp_path: Path) -> None:
    # Google heads with one title the columns of a question asked in several sections: init
    # gives each column its question ("occurrence: N"), so no typed answer is lost.
    export = next(e for e in EXPORTS if e.file.startswith("ahp-"))
    sheet = tmp_path / export.file
    shutil.copy(REAL / export.file, sheet)
    draft, out = tmp_path / "q.yaml", tmp_path / "out"
    run("questionnaire", "init", str(sheet), "--out", str(draft))
    run("render", str(sheet), "--questionnaire", str(draft), "--out", str(out))
    with sheet.open(encoding="utf-8", newline="") as src:
        header, *rows = list(csv.reader(src))
    later = [i for i, title in enumerate(header) if header.index(title) != i]
    typed = [(number, row[i]) for number, row in enumerate(rows, start=1) for i in later
             if row[i].strip()]
    assert typed  # the export does hold such answers
    for number, answer in typed:
        text = squash(pdf_text(out / "reports" / f"reponse-{number}.pdf"))
        assert squash(answer_snippet(answer)) in text, (number, answer)

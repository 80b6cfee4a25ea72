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


EXPORTS = [
    Export("autistica-turing-citizen-science.csv", 42,
           ("Q1: What information would you like us to know about your needs, priorities, "
            "desires and concerns for the citizen science platform?",
            "Q2: Do you have a personal connection to autism?"),
           ("reponse-4.pdf", "rempli le 4 septembre 2019")),  # US "9/4/2019"
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

    summary = json.loads(run("validate", str(sheet), "--questionnaire", str(draft),
                             "--json"))["summary"]
    assert (summary["errors"], summary["with_problems"]) == (0, 0)
    assert summary["valid"] == export.responses

    out = tmp_path / "out"
    run("render", str(sheet), "--questionnaire", str(draft), "--out", str(out))
    pdfs = sorted((out / "reports").glob("*.pdf"))
    assert len(pdfs) == export.responses
    with sheet.open(encoding="utf-8", newline="") as src:
        rows = list(csv.DictReader(src))
    for number, row in enumerate(rows, start=1):  # anonymous forms: "Réponse N", row order
        text = squash(pdf_text(out / "reports" / f"reponse-{number}.pdf"))
        assert f"RéponsesdeRéponse{number}" in text
        for column in export.shown:
            if row[column].strip():
                assert squash(answer_snippet(row[column])) in text, (number, column)
    report, date = export.dated
    assert squash(date) in squash(pdf_text(out / "reports" / report))

    config = tmp_path / "sync.yaml"
    config.write_text(f"source: {sheet}\nquestionnaire: {draft}\noutput: {tmp_path / 'nightly'}\n",
                      encoding="utf-8")
    synced = json.loads(run("sync", "--config", str(config), "--json", "--jobs", "1"))
    assert (synced["errors"], synced["failed"], synced["rendered"]) == (0, 0, export.responses)

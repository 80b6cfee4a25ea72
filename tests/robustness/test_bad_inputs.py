"""The bad-input corpus (issue 6, section 1): every case end to end through the CLI.

Each case in ``corpus/*.json`` describes a response file (built by ``corpus_build``) and what
must happen. For every case, ``impactsheets validate`` and ``impactsheets sync`` (on a local
copy) must: never show a traceback, exit with a documented code, report the expected problem
codes or message, render a readable PDF per current site with the site's text as typed, leave
every answer cell unchanged, mark exactly the problem cells, write nothing that the sheet
would run as a formula, and write nothing outside the output folder.
"""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from corpus_build import build_source, load_cases
from figures_log import record
from invariants import check_annotated, flat, pdf_text, tree, written_outside

from impactsheets.cli import main
from impactsheets.errors import SourceError
from impactsheets.sources import read_table

CASES = load_cases()
DOCUMENTED_EXITS = {0, 1, 2, 3, 4, 5, 6, 7}


def _param(case: dict[str, Any]) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
    return pytest.param(case, id=case["id"], marks=marks)


def _no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"traceback: {result.exception!r}\n{result.output}")
    assert "Traceback" not in result.output
    assert result.exit_code in DOCUMENTED_EXITS


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 60
    assert len({c["id"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_bad_input(case: dict[str, Any], tmp_path: Path) -> None:
    expect = case.get("expect", {})
    record("bad_input", case=case["id"])
    (tmp_path / "in").mkdir()
    source = build_source(case, tmp_path / "in")
    original = source.read_bytes()
    config = tmp_path / "sync.yaml"
    config.write_text(json.dumps({"source": str(source), "output": str(tmp_path / "out")}),
                      encoding="utf-8")
    before = tree(tmp_path)
    runner = CliRunner()

    started = time.monotonic()
    result = runner.invoke(main, ["validate", str(source), "--json"])
    elapsed = time.monotonic() - started
    _no_traceback(result)
    assert result.exit_code in expect.get("validate_exit", [0, 1]), result.stderr
    if "max_seconds" in expect:
        assert elapsed < expect["max_seconds"]
    for text in expect.get("stderr", []):
        assert text in result.stderr
    problems: list[dict[str, Any]] = []
    if result.exit_code in (0, 1):
        data = json.loads(result.stdout)
        problems = data["problems"]
        codes = {p["code"] for p in problems}
        assert set(expect.get("codes", [])) <= codes, sorted(codes)
        assert not set(expect.get("absent_codes", [])) & codes, sorted(codes)
        cells = {(p["cell"], p["code"]) for p in problems}
        for cell, code in expect.get("cells", {}).items():
            assert (cell, code) in cells, sorted(cells)
        for key, value in expect.get("summary", {}).items():
            assert data["summary"][key] == value, data["summary"]
        for text in expect.get("messages", []):
            assert any(text in p["message"] for p in problems), [p["message"] for p in problems]

    if expect.get("sync", True):
        default = [3] if result.exit_code == 3 else [0]
        sync = runner.invoke(main, ["sync", "--config", str(config), "--json"])  # all cores
        _no_traceback(sync)
        assert sync.exit_code in expect.get("sync_exit", default), sync.output
        if sync.exit_code == 0:
            _check_outputs(case, source, tmp_path / "out", problems, json.loads(sync.stdout))
    assert source.read_bytes() == original  # the source is never modified
    outside = written_outside(before, tree(tmp_path), ("out/",))
    assert outside == [], outside


def _check_outputs(case: dict[str, Any], source: Path, out: Path,
                   problems: list[dict[str, Any]], summary: dict[str, Any]) -> None:
    expect = case.get("expect", {})
    try:
        table = read_table(source)
    except SourceError:  # pragma: no cover - sync succeeded, so the source reads
        raise
    counts = check_annotated(source, table, problems, out / "responses-annotated.xlsx")
    record("answer_cells", case=case["id"], **counts)
    assert counts["answer_cells_changed"] == 0, counts
    assert counts["misplaced_marks"] == 0, counts
    assert counts["unmarked_problems"] == 0, counts
    assert counts["formulas_written"] == 0, counts
    reports = out / "reports"
    pdfs = sorted(reports.glob("*.pdf")) if reports.exists() else []
    assert not list(out.rglob("*.part"))
    current = summary["responses"] - summary["superseded"]
    assert len(pdfs) == current == summary["rendered"], (len(pdfs), summary)
    if "pdfs" in expect:
        assert sorted(p.name for p in pdfs) == sorted(expect["pdfs"])
    texts = {p.name: pdf_text(p.read_bytes()) for p in pdfs[:5]}
    for name, wanted in expect.get("pdf_contains", {}).items():
        text = texts.get(name) or pdf_text((reports / name).read_bytes())
        for snippet in wanted:
            assert flat(snippet) in flat(text), (snippet, text[:800])
    for name, unwanted in expect.get("pdf_lacks", {}).items():
        text = texts.get(name) or pdf_text((reports / name).read_bytes())
        for snippet in unwanted:
            assert flat(snippet) not in flat(text), (snippet, text[:800])
    rows = list(csv.reader(io.StringIO((out / "index.csv").read_text(encoding="utf-8-sig")),
                           delimiter=";"))
    for row in rows:
        for value in row:
            assert not value.startswith(("=", "+", "-", "@")), value
    assert len(rows) == current + 1

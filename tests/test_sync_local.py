"""The nightly sync on a local workbook: incremental, idempotent, locked, resumable."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader

from impactsheets.cli import main
from impactsheets.pipeline import EXAMPLE_WORKBOOK
from impactsheets.resources import data_path
from impactsheets.runlock import RunLock
from impactsheets.sync import BATCH_REPORTS
from impactsheets.validation import message

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = data_path("examples", EXAMPLE_WORKBOOK)
REPORTS = 13  # 14 responses, one superseded by a newer submission


def make_config(tmp_path: Path, source: Path | None = None, **extra: str) -> Path:
    if source is None:
        source = tmp_path / "reponses.xlsx"
        shutil.copyfile(EXAMPLE, source)
    lines = [f"source: {source}", f"output: {tmp_path / 'out'}"]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    path = tmp_path / "sync.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sync(config: Path, *args: str):
    # No --jobs: the production default (all cores) renders in worker processes.
    result = CliRunner().invoke(main, ["sync", "--config", str(config), "--json", *args])
    summary = json.loads(result.stdout) if result.stdout.strip() else None
    return result, summary


def snapshot(folder: Path) -> dict[str, bytes]:
    """The output files; the dashboard's run line (date, duration) is the only part that
    may change from one run to the next."""
    files = {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
             if p.is_file() and p.suffix in (".pdf", ".csv", ".html")}
    if "index.html" in files:
        files["index.html"] = re.sub("Exécution du [^<]*".encode(), b"", files["index.html"])
    return files


def test_first_run_renders_every_current_site_then_nothing(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    result, first = sync(config)
    assert result.exit_code == 0, result.output
    assert (first["rendered"], first["skipped"], first["failed"]) == (REPORTS, 0, 0)
    assert {"rows", "valid", "with_problems", "rendered", "skipped", "failed", "uploaded",
            "api_requests", "duration_s"} <= set(first)
    out = tmp_path / "out"
    assert len(list((out / "reports").glob("*.pdf"))) == REPORTS
    assert json.loads((out / "summary.json").read_text())["rendered"] == REPORTS
    before = snapshot(out)
    kept = out / ".network-stats.json"  # the network's figures, for the next run
    kept_before = kept.stat().st_mtime_ns
    result, second = sync(config)
    assert result.exit_code == 0
    assert (second["rendered"], second["skipped"]) == (0, REPORTS)
    assert snapshot(out) == before  # two runs in a row give the same files
    assert kept.stat().st_mtime_ns == kept_before  # read back, not computed and written again


def test_one_changed_answer_renders_one_report(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    sync(config)
    book = load_workbook(tmp_path / "reponses.xlsx")
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    column = headers.index("Capacité à agir : combien de nouveaux projets ou actions imprévus "
                           "(atelier, évènement, marché…) ont émergé ?") + 1
    sheet.cell(row=4, column=column).value = 5  # Le 3ème Lieu: 1 -> 5 projects
    book.save(tmp_path / "reponses.xlsx")
    _, summary = sync(config)
    assert (summary["rendered"], summary["skipped"]) == (1, REPORTS - 1)
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "out/reports/le-3eme-lieu.pdf").pages)
    assert "Cinq nouveaux projets ou actions" in text


def test_a_wrong_answer_replaced_by_another_renders_the_report_again(tmp_path: Path) -> None:
    """The box of answers to correct prints each wrong answer: another wrong answer (the
    same number of errors, the same valid answers) is a new report."""
    config = make_config(tmp_path)
    _, first = sync(config)
    book = load_workbook(tmp_path / "reponses.xlsx")
    sheet = book.worksheets[0]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "??")
    cell.value = "beaucoup"
    book.save(tmp_path / "reponses.xlsx")
    _, summary = sync(config)
    assert (summary["rendered"], summary["skipped"]) == (1, REPORTS - 1)
    assert summary["errors"] == first["errors"]
    pdf = PdfReader(tmp_path / "out/reports/l-usine-a-projets.pdf")
    text = " ".join("".join(p.extract_text() for p in pdf.pages).split())
    assert "imprévus beaucoup « Nombre de nouveaux projets" in text
    assert "??" not in text


def test_questionnaire_change_re_renders_and_full_forces(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    sync(config)
    questionnaire = tmp_path / "q.yaml"
    text = data_path("config", "questionnaire.yaml").read_text(encoding="utf-8")
    questionnaire.write_text(text.replace('version: "2026.1"', 'version: "2026.2"'),
                             encoding="utf-8")
    config.write_text(config.read_text() + f"questionnaire: {questionnaire}\n")
    _, summary = sync(config)
    assert summary["rendered"] == REPORTS
    _, summary = sync(config, "--full")
    assert summary["rendered"] == REPORTS


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    result, summary = sync(config, "--dry-run")
    assert result.exit_code == 0
    assert summary["dry_run"] is True
    assert len(summary["would_render"]) == REPORTS
    assert "would render reports/numeripole-le.pdf" in result.stderr
    assert not (tmp_path / "out").exists()


def test_second_concurrent_run_is_refused_with_exit_7(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    (tmp_path / "out").mkdir()
    with RunLock(tmp_path / "out" / ".sync.lock"):
        result, _ = sync(config)
    assert result.exit_code == 7
    assert result.stderr.startswith("impactsheets: error: another impactsheets sync is running "
                                    f"on {tmp_path / 'out'} (pid {os.getpid()} since ")
    assert result.stderr.count("\n") == 1
    result, _ = sync(config)  # released: the next run goes
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("content", "message"), [
    (None, "configuration file not found"),
    ("output: x\n", "missing key 'source'"),
    ("source: a.xlsx\nsheet: b\n", "unknown key 'sheet'"),
    ("source: a.xlsx\njobs: 0\n", "'jobs' must be a whole number ≥ 1"),
])
def test_configuration_errors_exit_4(tmp_path: Path, content, message) -> None:
    config = tmp_path / "sync.yaml"
    if content is not None:
        config.write_text(content, encoding="utf-8")
    result, _ = sync(config)
    assert result.exit_code == 4
    assert result.stderr == f"impactsheets: error: {config}: {message}" + (
        " (known: credentials, drive, feedback, header_row, jobs, locale, notify, output, "
        "questionnaire, source, state, "
        "template, worksheet, write_back, zip)" if "unknown" in message else "") + (
        " (a Google Sheets URL or key, or a .xlsx/.csv path)" if "source" in message else "") + "\n"


def test_no_configuration_at_all_names_what_is_missing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("IMPACTSHEETS_CONFIG", raising=False)
    result = CliRunner().invoke(main, ["sync"])
    assert result.exit_code == 4
    assert result.stderr == ("impactsheets: error: no configuration: config/sync.yaml not found; "
                             "pass --config FILE or write one with 'impactsheets init'\n")


def test_one_site_failure_does_not_stop_the_others_and_exits_6(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    (tmp_path / "out/reports/arsenal.pdf").mkdir(parents=True)  # cannot be replaced by a file
    result, summary = sync(config)
    assert result.exit_code == 6
    assert (summary["rendered"], summary["failed"]) == (REPORTS - 1, 1)
    assert summary["failures"][0]["site"] == "Arsenal"
    sheet = load_workbook(tmp_path / "out/responses-annotated.xlsx").worksheets[0]
    headers = [c.value for c in sheet[1]]
    link = sheet.cell(row=6, column=headers.index("Rapport PDF") + 1).value
    assert link == message("report-failed")  # no local path, no exception name in the sheet
    assert "Échec du rapport" in link and str(tmp_path) not in link
    assert summary["failures"][0]["error"].startswith(
        f"cannot write {tmp_path / 'out/reports/arsenal.pdf'}: Is a directory")
    assert sheet.cell(row=2, column=headers.index("Rapport PDF") + 1).value == "reports/numeripole-le.pdf"


def big_workbook(path: Path, copies: int) -> Path:
    """The example's rows repeated with distinct site names, for a longer run."""
    book = load_workbook(EXAMPLE)
    sheet = book.worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2, max_row=8)]
    for i in range(copies):
        for row in rows:
            sheet.append([row[0], f"{row[1]} {i}", *row[2:]])
    book.save(path)
    return path


def test_killed_sync_leaves_no_partial_pdf_and_the_next_run_completes(tmp_path: Path) -> None:
    source = big_workbook(tmp_path / "big.xlsx", 100)
    config = make_config(tmp_path, source)
    reports = tmp_path / "out" / "reports"
    process = subprocess.Popen([sys.executable, str(ROOT / "sync.py"), "--config", str(config)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(reports.glob("*.pdf"))) < 60:
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done_before = len(list(reports.glob("*.pdf")))
    assert done_before >= 60
    result, summary = sync(config)
    assert result.exit_code == 0, result.output
    assert summary["rendered"] + summary["skipped"] == len(list(reports.glob("*.pdf")))
    # The killed run's work is kept, but for at most one batch of PDFs put in place whose
    # states were not committed yet (rendered again: never an old PDF recorded as current).
    assert summary["skipped"] >= done_before - BATCH_REPORTS
    assert not list(reports.glob(".*"))  # no partial file left
    for pdf in reports.glob("*.pdf"):
        assert PdfReader(pdf).pages, pdf


def test_index_and_zip_list_every_current_site(tmp_path: Path) -> None:
    import csv
    import zipfile

    config = make_config(tmp_path, zip="true")
    result, _ = sync(config)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    with (out / "index.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == ["Lieu", "Commune", "Code postal", "Ligne", "Statut", "Rapport", "Lien"]
    by_site = {r[0]: r for r in rows[1:]}
    assert len(by_site) == REPORTS
    assert by_site["Numéripôle (Le)"][1:6] == ["Roubaix", "59100", "2", "OK",
                                               "reports/numeripole-le.pdf"]
    assert by_site["L'Usine à Projets"][4] == "4 erreurs"
    page = (out / "index.html").read_text(encoding="utf-8")
    assert ('<a href="reports/numeripole-le.pdf">Rapport PDF<span class="sr"> de Numéripôle (Le)'
            '</span></a>') in page
    assert '<a href="synthese-reseau.pdf">' in page and '<a href="rapports.zip">' in page
    assert "L&#x27;Usine à Projets" in page
    with zipfile.ZipFile(out / "rapports.zip") as archive:
        assert sorted(archive.namelist()) == sorted(p.name for p in (out / "reports").glob("*.pdf"))


def test_dry_run_after_a_sync_changes_no_file(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    sync(config)
    out = tmp_path / "out"
    before = {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in out.rglob("*")}
    result, summary = sync(config, "--dry-run")
    assert result.exit_code == 0
    assert summary["would_render"] == []
    assert {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in out.rglob("*")} == before

"""Finding things as a new user: sites by the names people type, the sites listing, where
each command wrote and what to open, init's paths."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from impactsheets.cli import main
from impactsheets.pipeline import EXAMPLE_WORKBOOK
from impactsheets.resources import data_path

EXAMPLE = data_path("examples", EXAMPLE_WORKBOOK)
ROOT = Path(__file__).resolve().parent.parent


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("typed", ["Numéripôle", "numeripole-le", "NUMERIPOLE (le)",
                                   "Le Numéripôle", " numéripôle  "])
def test_render_site_matches_names_as_typed(tmp_path: Path, typed: str) -> None:
    result = run("render", str(EXAMPLE), "--out", str(tmp_path), "--site", typed)
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "reports").iterdir()] == ["numeripole-le.pdf"]
    assert result.stderr.splitlines()[-1] == (
        f"open {tmp_path / 'reports' / 'numeripole-le.pdf'}  (the report of Numéripôle (Le))")


def test_render_site_ignores_the_kind_of_apostrophe(tmp_path: Path) -> None:
    result = run("render", str(EXAMPLE), "--out", str(tmp_path), "--site", "l’usine à projets",
                 "--site", "ARSENAL")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [
        "arsenal.pdf", "l-usine-a-projets.pdf"]
    assert result.stderr.splitlines()[-1] == f"open {tmp_path / 'reports'}  (one PDF per site)"


def test_an_unknown_site_suggests_close_names_and_writes_nothing(tmp_path: Path) -> None:
    result = run("render", str(EXAMPLE), "--out", str(tmp_path), "--site", "Arsenal",
                 "--site", "Numeripol")
    assert result.exit_code == 3
    assert result.stderr == ("impactsheets: error: no site named 'Numeripol' (did you mean: "
                             "Numéripôle (Le)?); 'impactsheets sites SOURCE' lists every site\n")
    assert not (tmp_path / "reports").exists()
    result = run("render", str(EXAMPLE), "--out", str(tmp_path), "--site", "Zzz")
    assert result.stderr == ("impactsheets: error: no site named 'Zzz'; 'impactsheets sites "
                             "SOURCE' lists every site\n")


def test_sites_lists_each_response_with_status_and_report_file(tmp_path: Path) -> None:
    run("render", str(EXAMPLE), "--out", str(tmp_path), "--site", "Arsenal")
    result = run("sites", str(EXAMPLE), "--out", str(tmp_path), "--json")
    assert result.exit_code == 0, result.output
    lines = json.loads(result.stdout)
    assert len(lines) == 14
    by_row = {line["row"]: line for line in lines}
    assert by_row[6] == {"row": 6, "site": "Arsenal", "town": "Besançon", "status": "OK",
                         "report": "reports/arsenal.pdf", "exists": True}
    assert by_row[7]["status"] == "4 erreurs" and by_row[7]["exists"] is False
    assert by_row[9]["report"] == "" and by_row[9]["status"] == "Remplacée par la ligne 16"
    human = result.stderr.splitlines()
    assert human[-1] == "13 sites, 1 superseded response."
    assert any(line.split() == ["6", "Arsenal", "Besançon", "OK", "reports/arsenal.pdf"]
               for line in human)
    assert any("reports/l-usine-a-projets.pdf (not written yet)" in line for line in human)


def test_sites_names_the_files_render_writes(tmp_path: Path) -> None:
    assert run("render", str(EXAMPLE), "--out", str(tmp_path)).exit_code == 0  # every report
    lines = json.loads(run("sites", str(EXAMPLE), "--out", str(tmp_path), "--json").stdout)
    listed = {line["report"] for line in lines if line["report"]}
    written = {f"reports/{p.name}" for p in (tmp_path / "reports").glob("*.pdf")}
    assert listed == written and len(written) == 13


def test_demo_and_sync_end_with_what_to_open(tmp_path: Path) -> None:
    demo = run("demo", "--out", str(tmp_path / "demo"))
    assert demo.exit_code == 0, demo.output
    assert demo.stderr.splitlines()[-1] == (
        f"open {tmp_path / 'demo' / 'index.html'}  (the dashboard: every site, its problems, "
        "its report)")
    for name in ("index.html", "index.csv", "synthese-reseau.pdf"):
        assert f"wrote {tmp_path / 'demo' / name}" in demo.stderr


def test_init_puts_the_output_outside_config_and_paths_from_the_current_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copyfile(EXAMPLE, tmp_path / "reponses.xlsx")
    result = run("init", "--config", "config/sync.yaml", "--source", "reponses.xlsx")
    assert result.exit_code == 0, result.output
    written = yaml.safe_load((tmp_path / "config" / "sync.yaml").read_text(encoding="utf-8"))
    assert written["output"] == "../out/sync"  # relative to the configuration's folder
    assert written["source"] == "../reponses.xlsx"
    assert result.stderr.splitlines() == [
        "wrote config/sync.yaml: reports, dashboard and state will go to out/sync",
        "run: impactsheets sync --config config/sync.yaml",
        "open out/sync/index.html  (after a sync: the dashboard of every site)"]
    synced = run("sync", "--config", "config/sync.yaml")
    assert synced.exit_code == 0, synced.output
    assert (tmp_path / "out" / "sync" / "index.html").is_file()
    assert not (tmp_path / "config" / "out").exists()
    assert synced.stderr.splitlines()[-1] == (
        "open out/sync/index.html  (the dashboard: every site, its problems, its report)")
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "out/" in ignored  # the default output is never committed by accident

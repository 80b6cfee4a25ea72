"""The command line as users see it: exit codes, stdout/stderr, exact messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from factories import QUESTIONNAIRE

from impactsheets.cli import main
from impactsheets.pipeline import EXAMPLE_WORKBOOK, validate_source
from impactsheets.resources import data_path

EXAMPLE = data_path("examples", EXAMPLE_WORKBOOK)
ROOT = Path(__file__).resolve().parent.parent


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_validate_json_equals_the_library_report_and_exits_1_on_errors() -> None:
    result = run("validate", str(EXAMPLE), "--json")
    assert result.exit_code == 1
    _, report = validate_source(EXAMPLE, QUESTIONNAIRE)
    assert json.loads(result.stdout) == json.loads(json.dumps(report.to_json(), default=str))
    assert result.stderr.splitlines()[-1] == (
        "14 réponses : 9 valides, 4 avec erreurs, 1 remplacée ; 13 erreurs, 3 avertissements.")


def test_validate_human_table_goes_to_stderr(tmp_path: Path) -> None:
    result = run("validate", str(EXAMPLE))
    assert result.stdout == ""
    assert "      R7  erreur   not-a-number" in result.stderr


def test_validate_exits_0_when_only_warnings(tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    headers = ["Horodateur"] + [q.header for q in QUESTIONNAIRE.questions]
    values = {"Nom du lieu": "Arsenal", "Code postal": "25000", "Commune": "Besançon",
              "Adresse e-mail": "a@b.fr"}
    for q in QUESTIONNAIRE.questions:
        if q.type == "scale":
            values[q.header] = "3"
    row = [values.get(h, "") for h in headers]
    other = [values.get(h, "") if h != "Nom du lieu" else "Arsenal 2" for h in headers]
    lines = [";".join(f'"{h}"' for h in headers), ";".join(row), ";" * (len(headers) - 1),
             ";".join(other)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("validate", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)["summary"]
    assert (summary["errors"], summary["warnings"]) == (0, 1)  # the blank row


def test_unreadable_source_exits_3_with_one_line(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "missing.xlsx"))
    assert result.exit_code == 3
    assert result.stderr == f"impactsheets: error: {tmp_path / 'missing.xlsx'}: file not found\n"


def test_broken_questionnaire_exits_3(tmp_path: Path) -> None:
    bad = tmp_path / "q.yaml"
    bad.write_text("id: x\nquestions: []\n", encoding="utf-8")
    result = run("validate", str(EXAMPLE), "--questionnaire", str(bad))
    assert result.exit_code == 3
    assert result.stderr == (f"impactsheets: error: {bad}, line 2: 'questions' must be a "
                             "non-empty list\n")


def test_broken_questionnaire_is_reported_before_a_broken_workbook(tmp_path: Path) -> None:
    # the workbook is read in the background while the questionnaire loads: which error is
    # reported must not depend on which finishes first
    bad, broken = tmp_path / "q.yaml", tmp_path / "broken.xlsx"
    bad.write_text("id: x\nquestions: []\n", encoding="utf-8")
    broken.write_bytes(b"not a zip")
    result = run("validate", str(broken), "--questionnaire", str(bad))
    assert result.exit_code == 3
    assert result.stderr == (f"impactsheets: error: {bad}, line 2: 'questions' must be a "
                             "non-empty list\n")
    result = run("validate", str(broken))
    assert result.exit_code == 3
    assert result.stderr == (f"impactsheets: error: {broken}: cannot read the workbook (not a "
                             "valid .xlsx workbook)\n")


def test_usage_error_exits_2() -> None:
    result = run("validate")
    assert result.exit_code == 2
    assert "Missing argument 'SOURCE'" in result.stderr


def test_every_command_has_help() -> None:
    for args in (["--help"], ["validate", "--help"], ["demo", "--help"], ["sync", "--help"],
                 ["questionnaire", "check", "--help"], ["render", "--help"], ["init", "--help"],
                 ["emulator", "--help"]):
        result = run(*args)
        assert result.exit_code == 0, args
        assert "Usage:" in result.stdout


def test_sync_py_is_the_same_command_as_impactsheets_sync(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    direct = run("sync", "--config", str(missing))
    script = subprocess.run([sys.executable, str(ROOT / "sync.py"), "--config", str(missing)],
                            capture_output=True, text=True, check=False)
    assert script.returncode == direct.exit_code
    assert script.stderr == direct.stderr
    assert direct.exit_code == 4


def test_python_m_impactsheets_is_the_same_command(tmp_path: Path) -> None:
    missing = tmp_path / "nope.xlsx"
    direct = run("validate", str(missing))
    module = subprocess.run([sys.executable, "-m", "impactsheets", "validate", str(missing)],
                            capture_output=True, text=True, check=False)
    assert (module.returncode, module.stderr) == (direct.exit_code, direct.stderr)
    assert module.stderr == f"impactsheets: error: {missing}: file not found\n"


def test_the_installed_command_ends_at_once_with_its_whole_output_and_code(tmp_path: Path) -> None:
    # python -m impactsheets runs the console script's entry (cli.entry.run), which ends the
    # process without freeing its objects: every byte of the output (more than a stdout
    # buffer) and the exit code must still be those of the command.
    direct = run("validate", str(EXAMPLE), "--json")
    module = subprocess.run([sys.executable, "-m", "impactsheets", "validate", str(EXAMPLE),
                             "--json"], capture_output=True, text=True, check=False)
    assert len(module.stdout) > 8192
    assert (module.returncode, module.stdout, module.stderr) == (
        1, direct.stdout, direct.stderr)


def test_render_writes_one_pdf_per_current_site(tmp_path: Path) -> None:
    result = run("render", str(EXAMPLE), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "reports").glob("*.pdf"))
    assert len(names) == 13  # 14 responses, one superseded
    assert "numeripole-le.pdf" in names and "l-usine-a-projets.pdf" in names
    assert result.stderr == (f"wrote 13 reports in {tmp_path / 'reports'} (4 provisional)\n"
                             f"open {tmp_path / 'reports'}  (one PDF per site)\n")


def test_render_one_site_and_unknown_site(tmp_path: Path) -> None:
    result = run("render", str(EXAMPLE), "--out", str(tmp_path), "--site", "arsenal", "--json")
    assert result.exit_code == 0
    [entry] = json.loads(result.stdout)
    assert (entry["site"], entry["provisional"]) == ("Arsenal", False)
    assert entry["path"] == str(tmp_path / "reports" / "arsenal.pdf")
    result = run("render", str(EXAMPLE), "--out", str(tmp_path), "--site", "Nulle Part")
    assert result.exit_code == 3
    assert result.stderr == ("impactsheets: error: no site named 'Nulle Part'; 'impactsheets "
                             "sites SOURCE' lists every site\n")


def test_render_unknown_template_exits_3(tmp_path: Path) -> None:
    result = run("render", str(EXAMPLE), "--out", str(tmp_path), "--template", "nope")
    assert result.exit_code == 3
    assert result.stderr.startswith("impactsheets: error: ")
    assert "nope" in result.stderr
    assert not (tmp_path / "reports").exists()


def test_init_writes_a_private_config_that_sync_accepts(tmp_path: Path) -> None:
    config = tmp_path / "sync.yaml"
    result = run("init", "--config", str(config), "--source", str(EXAMPLE),
                 "--output", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert config.stat().st_mode & 0o777 == 0o600
    again = run("init", "--config", str(config), "--source", str(EXAMPLE))
    assert again.exit_code == 4
    assert again.stderr == (f"impactsheets: error: {config}: already exists; remove it or "
                            "choose another --config path\n")
    synced = run("sync", "--config", str(config))
    assert synced.exit_code == 0, synced.output
    assert (tmp_path / "out" / "reports" / "arsenal.pdf").exists()

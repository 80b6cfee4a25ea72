"""Shared helpers of the e-mail tests: a sync configuration with a ``notify:`` section
pointing at the loopback SMTP server, and ways to run and read the results."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from impactsheets.cli import main
from impactsheets.pipeline import EXAMPLE_WORKBOOK
from impactsheets.resources import data_path

EXAMPLE = data_path("examples", EXAMPLE_WORKBOOK)
SENDER = "Réseau des tiers-lieux <coordination@reseau.example.org>"
VALID = {"contact@numeripole.fr", "bonjour@friche-possibles.org", "equipe@3emelieu.bzh",
         "contact@halles-solidaires.fr", "hello@arsenal-besancon.fr", "cantine@solidaire-lille.fr",
         "atelier@commun-strasbourg.eu", "contact@maisondescommuns.fr", "ruche@numerique31.fr"}
TO_CORRECT = {"usine@projets-nantes.fr", "moulin@tierslieu87.fr", "zinc@cafecoop.org"}
ALL_ADDRESSES = VALID | TO_CORRECT
ALL_ADDRESSES = VALID | TO_CORRECT


def make_config(tmp_path: Path, port: int, *, top: dict[str, Any] | None = None,
                **notify: Any) -> Path:
    source = tmp_path / "reponses.xlsx"
    if not source.exists():
        shutil.copyfile(EXAMPLE, source)
    section = {"from": SENDER, "smtp": {"host": "127.0.0.1", "port": port, "security": "none"},
               "pause_seconds": 0, "after_sync": False, **notify}
    section = {k: v for k, v in section.items() if v is not None}
    section = {k: v for k, v in section.items() if v is not None}
    data = {"source": str(source), "output": str(tmp_path / "out"), "notify": section,
            **(top or {})}
    path = tmp_path / "sync.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def run(*args: str, env: dict[str, str] | None = None) -> tuple[Any, dict[str, Any] | None]:
    result = CliRunner(env=env).invoke(main, [*args, "--json"])
    return result, json.loads(result.stdout) if result.stdout.strip() else None


def sync_then_notify(config: Path, *args: str) -> tuple[Any, dict[str, Any] | None]:
    synced, _ = run("sync", "--config", str(config))
    assert synced.exit_code == 0, synced.output
    return run("notify", "--config", str(config), *args)


def body(message: Any, kind: str) -> str:
    """A text part as the site reads it (SMTP carries CRLF line ends)."""
    return str(message.get_body((kind,)).get_content()).replace("\r\n", "\n")


def outcomes(summary: dict[str, Any]) -> dict[str, str]:
    return {s["site"]: s["outcome"] for s in summary["sites"]}


def edit_sheet(tmp_path: Path, changes: dict[tuple[str, str], Any]) -> None:
    """Change answers in the workbook: {(site name, column header): new value}."""
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "reponses.xlsx")
    sheet = book.active
    assert sheet is not None
    headers = [c.value for c in sheet[1]]
    rows = {sheet.cell(r, 2).value: r for r in range(2, sheet.max_row + 1)}
    for (site, header), value in changes.items():
        sheet.cell(rows[site], headers.index(header) + 1).value = value
    book.save(tmp_path / "reponses.xlsx")



"""Sending through the Gmail API, on the project's Google emulator (real google-auth and
requests code): every message delivered once, a refusal retried, a dropped answer not resent."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path
from typing import Any

from notify_helpers import ALL_ADDRESSES, make_config, run, sync_then_notify

from impactsheets.emulator import Emulator


def gmail_config(tmp_path: Path) -> Path:
    return make_config(tmp_path, 0, method="gmail", smtp=None)


def received(emulator: Emulator) -> list[Any]:
    return [email.message_from_bytes(m["raw"], policy=email.policy.default)
            for m in emulator.sent_mail()]


def test_every_site_gets_one_message_through_gmail(tmp_path: Path, emulator_env: Emulator,
                                                   fast_retries: None) -> None:
    config = gmail_config(tmp_path)
    result, summary = sync_then_notify(config)
    assert result.exit_code == 0, result.output
    assert summary is not None and summary["sent"] == 12
    messages = received(emulator_env)
    assert sorted(str(m["To"]) for m in messages) == sorted(ALL_ADDRESSES)
    assert {m["user"] for m in emulator_env.sent_mail()} == {"me"}
    arsenal = next(m for m in messages if m["To"] == "hello@arsenal-besancon.fr")
    assert arsenal["Subject"] == "Votre synthèse « Effets sociaux et urbains » d'Arsenal"
    assert [a.get_filename() for a in arsenal.iter_attachments()] == ["arsenal.pdf"]
    sends = [r for r in emulator_env.requests() if r["path"].startswith("/gmail/")]
    assert [r["path"] for r in sends] == ["/gmail/v1/users/me/messages/send"] * 12
    result, summary = run("notify", "--config", str(config))
    assert summary is not None and summary["unchanged"] == 12 and len(received(emulator_env)) == 12


def test_gmail_refusals_are_retried_and_a_lost_answer_is_not_resent(
        tmp_path: Path, emulator_env: Emulator, fast_retries: None) -> None:
    config = gmail_config(tmp_path)
    synced, _ = run("sync", "--config", str(config))
    assert synced.exit_code == 0
    # 429: refused before any work, so retried (4 attempts each: 2 messages); a 5xx on a send
    # would not be resent (the message may have left: impactsheets.google.transport)
    emulator_env.inject(429, times=8, path_regex="/gmail/")
    emulator_env.inject("drop", times=1, path_regex="/gmail/")
    result, summary = run("notify", "--config", str(config))
    assert result.exit_code == 8, result.output
    assert summary is not None
    assert (summary["sent"], summary["failed"], summary["uncertain"]) == (9, 2, 1)
    failed = [s for s in summary["sites"] if s["outcome"] == "failed"]
    assert failed[0]["detail"].startswith("Google API POST /gmail/v1/users/me/messages/send "
                                          "failed: HTTP 429")
    result, summary = run("notify", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert summary is not None and summary["sent"] == 2  # the refused ones, not the lost one
    assert [s["outcome"] for s in summary["sites"]].count("unconfirmed") == 1
    assert len(received(emulator_env)) == 11  # the dropped request never reached "Gmail"


def test_with_drive_delivery_the_report_is_a_link_not_an_attachment(
        tmp_path: Path, emulator_env: Emulator, fast_retries: None) -> None:
    folder = emulator_env.create_folder("Rapports", drive_id="shared-drive")
    config = make_config(tmp_path, 0, method="gmail", smtp=None,
                         top={"drive": {"folder_id": folder}})
    result, summary = sync_then_notify(config)
    assert result.exit_code == 0, result.output
    assert summary is not None and summary["sent"] == 12
    links = {f["name"]: f["webViewLink"] for f in emulator_env.drive_files(folder)}
    arsenal = next(m for m in received(emulator_env) if m["To"] == "hello@arsenal-besancon.fr")
    assert not list(arsenal.iter_attachments())
    text = str(arsenal.get_body(("plain",)).get_content()).replace("\r\n", "\n")
    assert f"Vous pouvez la consulter et la télécharger ici :\n{links['arsenal.pdf']}" in text
    html = str(arsenal.get_body(("html",)).get_content())
    assert f'<a href="{links["arsenal.pdf"]}">' in html


def test_a_template_change_rerenders_every_report_but_writes_to_no_one(
        tmp_path: Path, emulator_env: Emulator, fast_retries: None) -> None:
    config = gmail_config(tmp_path)
    sync_then_notify(config)
    changed = make_config(tmp_path, 0, method="gmail", smtp=None, top={"template": "reseau-sud"})
    synced, sync_summary = run("sync", "--config", str(changed))
    assert sync_summary is not None and sync_summary["rendered"] == 13, synced.output
    result, summary = run("notify", "--config", str(changed))
    assert result.exit_code == 0, result.output
    assert summary is not None and (summary["sent"], summary["unchanged"]) == (0, 12)
    assert len(received(emulator_env)) == 12

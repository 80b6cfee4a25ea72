"""Sending e-mails for real (aiosmtpd on loopback): refusals recorded and retried, a run
killed mid-way, logins from a user-only file or the environment and never shown, TLS,
previews, test runs to one address, the per-run cap and the nightly sync."""

from __future__ import annotations

import json
import os
import sqlite3
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from notify_helpers import (
    SENDER,
    TO_CORRECT,
    VALID,
    body,
    edit_sheet,
    make_config,
    outcomes,
    run,
    sync_then_notify,
)
from smtp_sink import Sink, SmtpServer, free_port

from impactsheets.cli import main

ALL = VALID | TO_CORRECT


def ledger(tmp_path: Path) -> dict[str, tuple[str, int, str | None]]:
    """site -> (status, attempts, error) from the state store."""
    with sqlite3.connect(tmp_path / "out" / "state.sqlite") as db:
        rows = db.execute("SELECT site, status, attempts, error FROM notifications").fetchall()
    return {site: (status, attempts, error) for site, status, attempts, error in rows}


def test_a_refused_message_is_recorded_shown_and_retried_later(tmp_path: Path) -> None:
    sink = Sink(refuse_recipients={"hello@arsenal-besancon.fr"},
                refuse_data_for={"zinc@cafecoop.org"})
    with SmtpServer(sink):
        config = make_config(tmp_path, sink.port, max_attempts=2)
        result, summary = sync_then_notify(config)
        assert result.exit_code == 8, result.output
        assert summary is not None and (summary["sent"], summary["failed"]) == (10, 2)
        assert ("    failed  report       Arsenal  hello@arsenal-besancon.fr (recipient "
                "refused: 550 5.1.1 Destinataire inconnu)") in result.stderr
        assert ("    failed  corrections  Café coopératif Le Zinc  zinc@cafecoop.org "
                "(554 5.7.1 Message refusé)") in result.stderr
        states = ledger(tmp_path)
        assert states["Arsenal"] == ("failed", 1, "recipient refused: 550 5.1.1 Destinataire "
                                                  "inconnu")
        notify_json = json.loads((tmp_path / "out" / "notify.json").read_text(encoding="utf-8"))
        assert outcomes(notify_json)["Arsenal"] == "failed"  # for the dashboard

        sink.refuse_recipients.clear()  # the address works again: retried on the next run
        result, summary = run("notify", "--config", str(config))
        assert result.exit_code == 8, result.output  # the Zinc is still refused
        assert summary is not None and outcomes(summary)["Arsenal"] == "sent"
        assert outcomes(summary)["Café coopératif Le Zinc"] == "failed"
        assert ledger(tmp_path)["Café coopératif Le Zinc"][:2] == ("failed", 2)

        result, summary = run("notify", "--config", str(config))  # max_attempts reached
        assert result.exit_code == 0, result.output
        assert summary is not None and outcomes(summary)["Café coopératif Le Zinc"] == "gave-up"
        assert "   gave-up  corrections  Café coopératif Le Zinc" in result.stderr
    assert sorted(r.recipients[0] for r in sink.received) == sorted(ALL - {"zinc@cafecoop.org"})


def test_a_run_killed_mid_way_sends_no_message_twice(tmp_path: Path) -> None:
    sink = Sink(hold_at=3)  # the 3rd message reaches the server, which has not answered yet
    with SmtpServer(sink):
        config = make_config(tmp_path, sink.port)
        synced, _ = run("sync", "--config", str(config))
        assert synced.exit_code == 0, synced.output
        process = subprocess.Popen(
            [sys.executable, "-c", "from impactsheets.cli import main; main()", "notify",
             "--config", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert sink.held.wait(60), "the third message never arrived"
        finally:
            process.kill()  # SIGKILL, in the worst place: after the data, before the answer
            process.wait()
        sink.release.set()
        states = ledger(tmp_path)
        assert sorted(s for s, _, _ in states.values()) == ["sending", "sent", "sent"]
        held = sink.received[2].recipients[0]

        result, summary = run("notify", "--config", str(config))
        assert result.exit_code == 0, result.output
        assert (f"unconfirmed  report       Le 3ème Lieu  {held} (a run stopped while this "
                "message was being sent: it may have left; not sent again until the site's "
                "answers change)") in result.stderr
        assert summary is not None and summary["sent"] == 9 and summary["unchanged"] == 2
        assert [s["address"] for s in summary["sites"] if s["outcome"] == "unconfirmed"] == [held]
        assert ledger(tmp_path)[next(s["site"] for s in summary["sites"]
                                     if s["address"] == held)][0] == "uncertain"
    recipients = [r.recipients[0] for r in sink.received]
    assert sorted(recipients) == sorted(ALL)  # every site exactly once


def test_login_from_a_user_only_file_never_shown(tmp_path: Path) -> None:
    password = "s3cret-P@ss: 'quoted'"
    sink = Sink(users={"coordination": password})
    secret = tmp_path / "smtp-login.yaml"
    secret.write_text(f"username: coordination\npassword: \"{password}\"\n", encoding="utf-8")
    secret.chmod(0o644)
    with SmtpServer(sink):
        config = make_config(tmp_path, sink.port, smtp={
            "host": "127.0.0.1", "port": sink.port, "security": "none",
            "credentials_file": str(secret)})
        result, _ = sync_then_notify(config)
        assert result.exit_code == 4
        assert result.stderr == (f"impactsheets: error: SMTP credentials file {secret} is "
                                 f"readable by other users; run: chmod 600 {secret}\n")
        secret.chmod(0o600)
        secret.write_text("username: coordination\npassword: Ünï\n", encoding="utf-8")
        result, summary = run("notify", "--config", str(config))
        assert result.exit_code == 8
        assert result.stderr.endswith("impactsheets: error: the SMTP user name or password has "
                                      "non-ASCII characters, which Python's smtplib cannot "
                                      "send; change it\n")
        secret.write_text(f"username: coordination\npassword: \"{password}\"\n", encoding="utf-8")
        result, summary = run("notify", "--config", str(config))
        assert result.exit_code == 0, result.output
        assert summary is not None and summary["sent"] == 12
    assert {r.login for r in sink.received} == {"coordination"}
    captured = result.output + json.dumps(summary)
    stored = b"".join(p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert password not in captured and password.encode() not in stored


def test_login_from_the_environment_and_a_refused_login(tmp_path: Path) -> None:
    sink = Sink(users={"coordination": "juste"})
    with SmtpServer(sink):
        config = make_config(tmp_path, sink.port)
        env = {"IMPACTSHEETS_SMTP_USER": "coordination", "IMPACTSHEETS_SMTP_PASSWORD": "faux-mdp"}
        synced, _ = run("sync", "--config", str(config))
        assert synced.exit_code == 0
        result, _ = run("notify", "--config", str(config), env=env)
        assert result.exit_code == 8
        assert result.stderr.endswith(
            f"impactsheets: error: the mail server 127.0.0.1:{sink.port} refused the login of "
            "'coordination' (wrong user name or password)\n")
        assert "faux-mdp" not in result.output
        result, summary = run("notify", "--config", str(config),
                              env={**env, "IMPACTSHEETS_SMTP_PASSWORD": "juste"})
        assert result.exit_code == 0, result.output
        assert summary is not None and summary["sent"] == 12  # the first site too: not "lost"


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the openssl command line)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=localhost", "-addext",
                        "subjectAltName=IP:127.0.0.1,DNS:localhost",
                        "-keyout", str(key), "-out", str(cert)], check=True,
                       capture_output=True)
    except FileNotFoundError:
        pytest.skip("the openssl command is not installed (apt-get install openssl)")
    return cert, key


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_encrypted_connections_and_the_certificate_checked(tmp_path: Path, security: str) -> None:
    cert, key = make_certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    sink = Sink(users={"coordination": "juste"})
    env = {"IMPACTSHEETS_SMTP_USER": "coordination", "IMPACTSHEETS_SMTP_PASSWORD": "juste"}
    with SmtpServer(sink, tls=context, implicit_tls=security == "tls"):
        smtp = {"host": "127.0.0.1", "port": sink.port, "security": security}
        config = make_config(tmp_path, sink.port, smtp=smtp)
        synced, _ = run("sync", "--config", str(config))
        assert synced.exit_code == 0
        result, _ = run("notify", "--config", str(config), env=env)
        assert result.exit_code == 8  # a certificate no trusted authority signed
        assert "CERTIFICATE_VERIFY_FAILED" in result.stderr
        config = make_config(tmp_path, sink.port, smtp={**smtp, "ca_file": str(cert)})
        result, summary = run("notify", "--config", str(config), env=env)
        assert result.exit_code == 0, result.output
        assert summary is not None and summary["sent"] == 12
    assert {r.login for r in sink.received} == {"coordination"}


def test_no_clear_text_to_a_remote_server(tmp_path: Path) -> None:
    config = make_config(tmp_path, 25, smtp={"host": "smtp.example.org", "security": "none"})
    synced, _ = run("sync", "--config", str(config))
    assert synced.exit_code == 0
    result, _ = run("notify", "--config", str(config))
    assert result.exit_code == 4
    assert result.stderr.endswith(
        "impactsheets: error: notify.smtp.security: 'none' (no encryption) is only allowed for a "
        "server on this machine, not 'smtp.example.org'; use starttls or tls\n")


def test_an_unreachable_server_is_one_line_and_nothing_is_lost(tmp_path: Path) -> None:
    port = free_port()
    config = make_config(tmp_path, port)
    result, _ = sync_then_notify(config)
    assert result.exit_code == 8
    assert result.stderr.endswith(
        f"impactsheets: error: cannot reach the mail server 127.0.0.1:{port} "
        "(ConnectionRefusedError: [Errno 111] Connection refused)\n")
    assert ledger(tmp_path) == {}  # nothing marked: no site counts a try against it
    sink = Sink()
    sink_config = make_config(tmp_path, 0)
    with SmtpServer(sink):
        sink_config = make_config(tmp_path, sink.port)
        result, summary = run("notify", "--config", str(sink_config))
    assert result.exit_code == 0, result.output
    assert summary is not None and summary["sent"] == 12


def test_dry_run_writes_previews_and_records_nothing(tmp_path: Path) -> None:
    import email
    import email.policy

    sink = Sink()
    with SmtpServer(sink):
        config = make_config(tmp_path, sink.port)
        stale = tmp_path / "out" / "emails-preview" / "0099-old-report.eml"
        stale.parent.mkdir(parents=True)
        stale.write_bytes(b"an earlier preview")
        result, summary = sync_then_notify(config, "--dry-run")
        assert result.exit_code == 0, result.output
        assert not stale.exists()
        assert not sink.received
        previews = sorted((tmp_path / "out" / "emails-preview").glob("*.eml"))
        assert len(previews) == 12 and summary is not None and summary["sent"] == 12
        assert f"previews in {tmp_path / 'out' / 'emails-preview'}." in result.stderr
        preview = email.message_from_bytes(
            next(p for p in previews if "arsenal" in p.name).read_bytes(),
            policy=email.policy.default)
        assert preview["To"] == "hello@arsenal-besancon.fr"
        assert preview["Subject"] == "Votre synthèse « Effets sociaux et urbains » d'Arsenal"
        result, summary = run("notify", "--config", str(config))
        assert summary is not None and summary["sent"] == 12  # the dry run recorded nothing
    assert len(sink.received) == 12


def test_redirect_sends_everything_to_one_address_and_records_nothing(tmp_path: Path) -> None:
    sink = Sink()
    with SmtpServer(sink):
        config = make_config(tmp_path, sink.port)
        result, summary = sync_then_notify(config, "--redirect", "essai@reseau.example.org",
                                           "--site", "Arsenal", "--site", "l'usine à projets")
        assert result.exit_code == 0, result.output
        assert {r.recipients[0] for r in sink.received} == {"essai@reseau.example.org"}
        subjects = sorted(r.message["Subject"] for r in sink.received)
        assert subjects == [
            "[test, pour hello@arsenal-besancon.fr] Votre synthèse « Effets sociaux et urbains » "
            "d'Arsenal",
            "[test, pour usine@projets-nantes.fr] Questionnaire « Effets sociaux et urbains » : "
            "4 réponses à corriger de l'Usine à Projets"]
        result, summary = run("notify", "--config", str(config), "--site", "Arsenal")
        assert summary is not None and summary["sent"] == 1  # the test run recorded nothing
        assert sink.received[-1].recipients == ["hello@arsenal-besancon.fr"]
        result, _ = run("notify", "--config", str(config), "--site", "Nowhere")
        assert result.exit_code == 3
        assert result.stderr == ("impactsheets: error: no site named 'Nowhere'; 'impactsheets "
                                 "sites SOURCE' lists every site\n")


def test_the_cap_per_run_and_the_pause_between_messages(tmp_path: Path) -> None:
    from impactsheets.config import load_config
    from impactsheets.notify import NotifyOptions, run_notify

    sink = Sink()
    with SmtpServer(sink):
        config = make_config(tmp_path, sink.port, max_per_run=5, pause_seconds=2.5)
        synced, _ = run("sync", "--config", str(config))
        assert synced.exit_code == 0
        counts = []
        for _ in range(3):
            pauses: list[float] = []
            summary = run_notify(load_config(config), NotifyOptions(sleep=pauses.append))
            counts.append((summary.sent, summary.waiting))
            assert pauses == [2.5] * (summary.sent - 1)
    assert counts == [(5, 7), (5, 2), (2, 0)]
    assert sorted(r.recipients[0] for r in sink.received) == sorted(ALL)


def test_the_nightly_sync_sends_when_configured(tmp_path: Path) -> None:
    sink = Sink()
    with SmtpServer(sink):
        config = make_config(tmp_path, sink.port, after_sync=True)
        result, summary = run("sync", "--config", str(config))
        assert result.exit_code == 0, result.output
        assert summary is not None and summary["notify"]["sent"] == 12
        assert ("e-mails: 12 sent, 0 refused, 0 uncertain, 1 not sent (see summary.json)."
                in result.stderr)
        saved = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
        assert outcomes(saved["notify"])["Jardin partagé des Lilas"] == "no-address"
        result, summary = run("sync", "--config", str(config))
        assert summary is not None and summary["notify"]["unchanged"] == 12
    assert len(sink.received) == 12
    assert body(sink.received[0].message, "plain").startswith("Bonjour,")
    assert sink.received[0].message["From"] == SENDER


def test_an_edited_answer_reaches_only_that_site(tmp_path: Path) -> None:
    sink = Sink()
    with SmtpServer(sink):
        config = make_config(tmp_path, sink.port, after_sync=True, min_interval_days=0)
        run("sync", "--config", str(config))
        edit_sheet(tmp_path, {("Arsenal", "Lien social : commentaire ou exemple"): "Nouveau."})
        result, summary = run("sync", "--config", str(config))
        assert summary is not None and summary["notify"]["sent"] == 1, result.output
    assert [r.recipients[0] for r in sink.received[12:]] == ["hello@arsenal-besancon.fr"]
    assert os.environ.get("IMPACTSHEETS_SMTP_PASSWORD") is None


def test_the_demo_sends_its_emails_to_a_local_server(tmp_path: Path) -> None:
    sink = Sink()
    with SmtpServer(sink):
        result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "demo"), "--smtp",
                                           f"localhost:{sink.port}"])
    assert result.exit_code == 0, result.output
    assert f"e-mails: 12 sent to localhost:{sink.port}, 1 not sent (no valid address)" in (
        result.stderr)
    assert sorted(r.recipients[0] for r in sink.received) == sorted(ALL)
    result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "demo"), "--smtp",
                                       "smtp.example.org:25"])
    assert result.exit_code == 4
    assert "'none' (no encryption) is only allowed for a server on this machine" in result.stderr

"""The pieces of the e-mails to the sites: the prefilled link in Google's format, the
templates and their errors, escaping, the ``notify:`` configuration."""

from __future__ import annotations

import doctest
import importlib
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from click.testing import CliRunner

from impactsheets.answers import Selection
from impactsheets.cli import main
from impactsheets.errors import ConfigError, TemplateError
from impactsheets.notify.emails import EmailTemplate, ProblemLine, load_email_template, render
from impactsheets.notify.prefill import MAX_URL, correction_link, form_url
from impactsheets.notify.settings import NotifySettings, valid_address
from impactsheets.questionnaire import FormRef, Questionnaire, load_questionnaire
from impactsheets.validation import Response

MODULES = [*(f"impactsheets.notify.{name}" for name in
             ("settings", "prefill", "emails", "message", "ledger", "demo")),
           "impactsheets.google.gmail", "impactsheets.emulator.gmail"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def with_form(entry_ids: bool = True) -> Questionnaire:
    q = load_questionnaire()
    q.form = FormRef("1FAIpQLSdX", "https://docs.google.com/forms/d/e/1FAIpQLSdX/viewform")
    for number, question in enumerate(q.questions, start=1):
        question.entry_id = 100 + number if entry_ids else None
    return q


def entry(q: Questionnaire, qid: str) -> str:
    return f"entry.{q.question(qid).entry_id}"


def test_the_prefilled_link_follows_googles_format() -> None:
    q = with_form()
    response = Response(7, {
        "site_nom": "L'Usine & Cie", "site_ouverture": datetime(2019, 9, 15),
        "site_surface": 1250.5, "intensite_individuels": 4,
        "sante_effets": Selection(("relations", "confiance"), ("Plus de sommeil, moins de bruit",)),
        "inclusion_observation": Selection(("groupe",)),
        "lien_social_frequence": Selection((), ("Deux fois par an",)),
    })
    link = correction_link(q, response)
    assert link is not None and link.prefilled and not link.omitted
    parts = urlsplit(link.url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://docs.google.com/forms/d/e/1FAIpQLSdX/viewform")
    pairs = parse_qsl(parts.query)
    assert pairs[0] == ("usp", "pp_url")
    assert (entry(q, "site_nom"), "L'Usine & Cie") in pairs
    assert (entry(q, "site_ouverture"), "2019-09-15") in pairs
    assert (entry(q, "site_surface"), "1250.5") in pairs
    assert (entry(q, "intensite_individuels"), "4") in pairs
    health = [v for k, v in pairs if k == entry(q, "sante_effets")]
    assert health == ["Se sentir mieux dans leurs relations avec les autres",
                      "D'une plus grande confiance en eux", "__other_option__"]
    assert (f"{entry(q, 'sante_effets')}.other_option_response",
            "Plus de sommeil, moins de bruit") in pairs
    assert (entry(q, "inclusion_observation"),
            "Certaines personnes se sentent faire partie d'un groupe autour du projet") in pairs
    # "other" on a question without an "Autre" field is not sent
    assert not [k for k, _ in pairs if k.startswith(entry(q, "lien_social_frequence"))]
    assert "+" in parts.query and " " not in link.url  # spaces as '+', like Google's links


def test_long_comments_are_left_out_of_a_link_that_would_be_too_long() -> None:
    q = with_form()
    response = Response(3, {"site_nom": "Arsenal", "lien_social_commentaire": "é" * 3000,
                            "sante_commentaire": "court"})
    link = correction_link(q, response)
    assert link is not None and len(link.url) <= MAX_URL
    assert link.omitted == ("lien_social_commentaire",)
    assert (entry(q, "sante_commentaire"), "court") in parse_qsl(urlsplit(link.url).query)


def test_without_entry_ids_the_link_is_the_form_and_without_a_form_there_is_none() -> None:
    response = Response(3, {"site_nom": "Arsenal"})
    link = correction_link(with_form(entry_ids=False), response)
    assert link is not None and not link.prefilled
    assert link.url == "https://docs.google.com/forms/d/e/1FAIpQLSdX/viewform"
    assert correction_link(load_questionnaire(), response) is None


@pytest.mark.parametrize(("form", "url"), [
    (FormRef(url="https://docs.google.com/forms/d/e/1FAIpQLSa/viewform?usp=sf_link"),
     "https://docs.google.com/forms/d/e/1FAIpQLSa/viewform"),
    (FormRef(url="https://docs.google.com/forms/d/1AbC/edit#responses"),
     "https://docs.google.com/forms/d/1AbC/viewform"),
    (FormRef(id="1AbC"), "https://docs.google.com/forms/d/1AbC/viewform"),
    (FormRef(id="1FAIpQLSa"), "https://docs.google.com/forms/d/e/1FAIpQLSa/viewform"),
    (FormRef(url="https://forms.gle/xYz"), "https://forms.gle/xYz"),
])
def test_form_urls(form: FormRef, url: str) -> None:
    assert form_url(form) == url


def test_user_text_is_escaped_in_html_and_flattened_in_the_subject() -> None:
    template = load_email_template("default", "corrections")
    values = {"de_site": "de <script>alert(1)</script>\nBcc: x@y.fr", "errors": "1 réponse",
              "link": "https://docs.google.com/forms/d/x/viewform?usp=pp_url&entry.1=a%26b",
              "link_kind": "prefilled"}
    problem = ProblemLine("Code postal", "<b>6900</b> & co", "« <b>6900</b> » ne convient pas.")
    rendered = render(template, values, [problem])
    assert "\n" not in rendered.subject and "Bcc: x@y.fr" in rendered.subject
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert "« &lt;b&gt;6900&lt;/b&gt; &amp; co »" in rendered.html
    assert ('<a href="https://docs.google.com/forms/d/x/viewform?usp=pp_url&amp;entry.1=a%26b">'
            in rendered.html)
    assert "   Réponse donnée : « <b>6900</b> & co »" in rendered.text  # plain text as typed


def test_a_template_that_extends_another_uses_its_emails() -> None:
    assert load_email_template("reseau-sud", "report").file.endswith(
        "templates/default/emails/report.yaml")


@pytest.mark.parametrize(("text", "problem"), [
    ('subject: "Bonjour {nom}"\nparagraphs: ["x"]\n',
     ":1: unknown placeholder {nom} in a report e-mail (known: date, de_site, number, "
     "report_file, report_link, site, site_code_postal, site_commune, title)"),
    ('subject: "x"\nparagraphs:\n  - "[Lien : {report_link}"\n', ":2: unbalanced [ ]"),
    ('subject: "x"\nparagraphs:\n  - {answer: delivery, cases: {email: "y"}}\n',
     ": delivery has no case 'email' (cases: attached, drive)"),
    ('subject: "x"\nbody: "y"\n', ":2: unknown key 'body' (known: labels, paragraphs, subject)"),
    ('subject: {answer: respondent, cases: {anonymous: "R {number}"}}\nparagraphs: ["x"]\n',
     ":1: a subject by case needs every case of respondent (named, anonymous) or a default"),
])
def test_a_broken_email_template_names_its_file_and_line(tmp_path: Path, text: str,
                                                        problem: str) -> None:
    folder = tmp_path / "mine"
    (folder / "emails").mkdir(parents=True)
    (folder / "template.yaml").write_text("extends: default\nname: mine\n", encoding="utf-8")
    (folder / "emails" / "report.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        load_email_template(str(folder), "report")
    assert str(info.value).startswith(str(folder / "emails" / "report.yaml"))
    assert problem in str(info.value)


ANONYMOUS = """id: atelier
title: Atelier
site: {key: [], name: prenom, email: courriel}
questions:
  - {id: prenom, header: "Prénom (facultatif)", type: short_text}
  - {id: courriel, header: "Adresse e-mail", type: email, required: true}
  - {id: age, header: "Âge", type: integer, min: 0, max: 120}
"""


def test_an_anonymous_respondent_is_its_reports_title_in_its_emails(tmp_path: Path) -> None:
    from impactsheets.notify.message import corrections, report
    from impactsheets.sources import read_table
    from impactsheets.validation import validate

    definition, sheet = tmp_path / "q.yaml", tmp_path / "answers.csv"
    definition.write_text(ANONYMOUS, encoding="utf-8")
    sheet.write_text("Horodateur,Prénom (facultatif),Adresse e-mail,Âge\n"
                     "13/10/2019 09:00:00,,a@example.org,34\n"
                     "13/10/2019 10:00:00,,b@example.org,trois cents\n"
                     "14/10/2019 11:00:00,Lou,c@example.org,41\n", encoding="utf-8")
    q = load_questionnaire(definition)
    first, second, lou = validate(read_table(str(sheet)), q).responses
    sent = report(first, q, load_email_template("default", "report"), "a@example.org",
                  pdf=("reponse-1.pdf", b"%PDF-1.4")).rendered
    assert sent.subject == ("Votre synthèse « Effets sociaux et urbains » : Réponse 1 du "
                            "13 octobre 2019")
    assert sent.text.splitlines()[2] == (
        "Merci d'avoir répondu au questionnaire annuel sur les effets sociaux et urbains. Vos "
        "réponses sont complètes : voici leur synthèse, « Réponse 1 du 13 octobre 2019 ».")
    assert "de Réponse" not in sent.text + sent.html
    fix = corrections(second, q, load_email_template("default", "corrections"),
                      "b@example.org").rendered
    assert fix.subject == ("Questionnaire « Effets sociaux et urbains » : 1 réponse à corriger "
                           "(Réponse 2 du 13 octobre 2019)")
    assert fix.text.splitlines()[2] == (
        "Merci d'avoir répondu au questionnaire annuel sur les effets sociaux et urbains. Pour "
        "que nous puissions établir la synthèse de vos réponses (« Réponse 2 du 13 octobre "
        "2019 »), merci de corriger 1 réponse :")
    named = report(lou, q, load_email_template("default", "report"), "c@example.org",
                   pdf=("lou.pdf", b"%PDF-1.4")).rendered  # one who gave a name: "de Lou"
    assert named.subject == "Votre synthèse « Effets sociaux et urbains » de Lou"


def test_notify_alone_sends_the_generic_report_the_sync_rendered(tmp_path: Path) -> None:
    # The sync renders a questionnaire without parts with the generic template: 'notify'
    # alone plans with that same template, so the report is current and is sent, in the
    # generic template's e-mail wording (the questionnaire's title, not "Effets sociaux").
    import email
    import email.policy
    from email.header import decode_header, make_header

    (tmp_path / "q.yaml").write_text(ANONYMOUS, encoding="utf-8")
    (tmp_path / "answers.csv").write_text(
        "Horodateur,Prénom (facultatif),Adresse e-mail,Âge\n"
        "13/10/2019 09:00:00,,a@example.org,34\n"
        "13/10/2019 10:00:00,,b@example.org,trois cents\n", encoding="utf-8")
    config = tmp_path / "sync.yaml"
    config.write_text("source: answers.csv\nquestionnaire: q.yaml\noutput: out\nnotify:\n"
                      "  from: \"Réseau <r@example.org>\"\n"
                      "  smtp: {host: localhost, port: 25, security: none}\n"
                      "  after_sync: false\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["sync", "--config", str(config), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["notify", "--config", str(config), "--dry-run"])
    assert result.exit_code == 0, result.output
    report, fix = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in
                   sorted((tmp_path / "out" / "emails-preview").glob("*.eml"))]
    assert str(make_header(decode_header(report["Subject"]))) == (
        "Questionnaire « Atelier » : Réponse 1 du 13 octobre 2019")
    text = report.get_body(("plain",)).get_content()
    assert text.splitlines()[2] == (
        "Merci d'avoir répondu au questionnaire « Atelier ». Vos réponses sont complètes : en "
        "voici la synthèse, « Réponse 1 du 13 octobre 2019 ».")
    assert [part.get_filename() for part in report.walk() if part.get_filename()] == [
        "reponse-1.pdf"]
    assert str(make_header(decode_header(fix["Subject"]))) == (
        "Questionnaire « Atelier » : 1 réponse à corriger (Réponse 2 du 13 octobre 2019)")


def test_render_drops_paragraphs_with_an_empty_slot() -> None:
    template = EmailTemplate("report", "S", ("Bonjour,", "Lien : {report_link}",
                                             "[Fichier : {report_file}]"))
    assert render(template, {"report_file": "a.pdf"}).text == "Bonjour,\n\nFichier : a.pdf\n"


@pytest.mark.parametrize(("section", "message"), [
    ({"smtp": {"host": "x"}}, "notify.from: the sender's address is required"),
    ({"from": "a@b.fr"}, "notify.smtp: missing (host, port, security) for method smtp"),
    ({"from": "a@b.fr", "smtp": {"host": "x", "security": "ssl"}},
     "notify.smtp.security must be starttls, tls or none"),
    ({"from": "a@b.fr", "smtp": {"host": "x"}, "max_per_run": 0},
     "notify.max_per_run must be a whole number ≥ 1"),
    ({"from": "a@b.fr", "smtp": {"host": "x", "password": "p"}},
     "notify.smtp: unknown key 'password'"),
])
def test_notify_section_errors(section: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        NotifySettings.from_dict(section, "sync.yaml", Path("."))


def test_a_bad_notify_section_is_a_configuration_error(tmp_path: Path) -> None:
    config = tmp_path / "sync.yaml"
    config.write_text("source: x.xlsx\nnotify: {from: nobody}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["notify", "--config", str(config)])
    assert result.exit_code == 4
    assert result.stderr == (f"impactsheets: error: {config}: notify.from: the sender's "
                             "address is required, e.g. 'Réseau <coordination@example.org>'\n")
    config.write_text("source: x.xlsx\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["notify", "--config", str(config)])
    assert result.exit_code == 4
    assert "no 'notify:' section" in result.stderr


@pytest.mark.parametrize(("address", "ok"), [
    ("contact@lafriche.fr", True), ("prénom@lafriche.fr", False), ("a@b", False),
    ("a@b.fr, c@d.fr", False), ("a@b.fr\r\nBcc: c@d.fr", False), ("<a@b.fr>", False), ("", False),
])
def test_valid_address(address: str, ok: bool) -> None:
    assert valid_address(address) is ok


def test_the_ledger_decides_when_to_write_again() -> None:
    from datetime import timedelta

    from impactsheets.notify.ledger import Ledger, Policy, now
    from impactsheets.state import StateStore

    ledger = Ledger(StateStore(Path(":memory:")).connection)
    policy = Policy(timedelta(days=7), max_attempts=2)
    later = now() + timedelta(days=8)
    ledger.sending("k", "Arsenal", "a@b.fr", "corrections", "f1", 0, "<1@x>")
    ledger.finish("k", "sent")
    assert ledger.decide("k", "corrections", "f1", policy).action == "unchanged"
    assert ledger.decide("k", "corrections", "f2", policy).action == "too-soon"
    assert ledger.decide("k", "corrections", "f2", policy, later).action == "send"
    assert ledger.decide("k", "report", "r1", policy).action == "send"  # kind changed
    ledger.sending("k", "Arsenal", "a@b.fr", "report", "r1", 0, "<2@x>")
    ledger.finish("k", "failed", "550 unknown")
    assert ledger.decide("k", "report", "r1", policy).attempts == 1
    ledger.sending("k", "Arsenal", "a@b.fr", "report", "r1", 1, "<3@x>")
    ledger.finish("k", "failed", "550 unknown")
    assert ledger.decide("k", "report", "r1", policy).action == "gave-up"
    assert ledger.decide("k", "report", "r2", policy).action == "send"  # the answers changed
    ledger.sending("k", "Arsenal", "a@b.fr", "report", "r2", 0, "<4@x>")  # then killed
    assert [r.site for r in ledger.settle_interrupted()] == ["Arsenal"]
    assert ledger.decide("k", "report", "r2", policy).action == "unconfirmed"
    record = ledger.get("k")
    assert record is not None and (record.status, record.sent_fingerprint) == ("uncertain", "f1")

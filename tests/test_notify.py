"""E-mails to the sites against a real SMTP server (aiosmtpd on loopback): what each site
receives, the prefilled correction link, never twice, not too often."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
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
from smtp_sink import Sink, SmtpServer

from impactsheets.resources import data_path


@pytest.fixture
def sink() -> Any:
    with SmtpServer(Sink()) as running:
        yield running


def test_each_site_gets_its_report_or_what_to_correct(tmp_path: Path, sink: Sink) -> None:
    from conftest import pdf_text

    config = make_config(tmp_path, sink.port)
    result, summary = sync_then_notify(config)
    assert result.exit_code == 0, result.output
    assert summary is not None and summary["sent"] == 12 and summary["failed"] == 0
    assert {r.recipients[0] for r in sink.received} == VALID | TO_CORRECT
    assert len(sink.received) == 12  # one message per site, none to the invalid address
    assert outcomes(summary)["Jardin partagé des Lilas"] == "no-address"
    assert ("no-address  -            Jardin partagé des Lilas   (no valid e-mail address "
            "(« jardin.lilas@ » refused))") in result.stderr
    assert "12 sent, 0 refused, 0 uncertain, 0 unchanged, 0 waiting, 1 not sent." in result.stderr

    (report,) = sink.to("contact@numeripole.fr")
    assert report["Subject"] == "Votre synthèse « Effets sociaux et urbains » du Numéripôle"
    assert report["From"] == SENDER and report["Auto-Submitted"] == "auto-generated"
    assert sink.received[0].sender == "coordination@reseau.example.org"
    text = body(report, "plain")
    assert "Elle est jointe à ce message (numeripole-le.pdf)." in text
    assert "voici la synthèse du Numéripôle (Roubaix)." in text
    (attachment,) = list(report.iter_attachments())
    assert attachment.get_filename() == "numeripole-le.pdf"
    pdf = attachment.get_content()
    assert pdf == (tmp_path / "out" / "reports" / "numeripole-le.pdf").read_bytes()
    assert "Numéripôle" in pdf_text(pdf)
    html = body(report, "html")
    assert "<p>Elle est jointe à ce message (numeripole-le.pdf).</p>" in html

    (fix,) = sink.to("usine@projets-nantes.fr")
    assert fix["Subject"] == ("Questionnaire « Effets sociaux et urbains » : 4 réponses à "
                              "corriger de l'Usine à Projets")
    assert not list(fix.iter_attachments())
    text = body(fix, "plain")
    assert "merci de corriger 4 réponses :" in text
    assert "1. Date d'ouverture du lieu\n   Réponse donnée : « " in text
    assert "n’est pas une date valide pour « Date d’ouverture du lieu »" in text
    assert "Merci de répondre de nouveau au questionnaire en corrigeant ces réponses" in text
    html = body(fix, "html")
    assert html.count("<li><strong>") == 4 and "L&#x27;Usine" not in html


def test_a_second_run_sends_nothing_and_a_change_writes_to_that_site_only(
        tmp_path: Path, sink: Sink) -> None:
    config = make_config(tmp_path, sink.port, min_interval_days=0)
    result, _ = sync_then_notify(config)
    assert result.exit_code == 0, result.output
    result, again = run("notify", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert again is not None and (again["sent"], again["unchanged"]) == (0, 12)
    assert len(sink.received) == 12

    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "reponses.xlsx")
    sheet = book.active
    assert sheet is not None
    headers = [c.value for c in sheet[1]]
    surface = headers.index("Surface du lieu (en m²)") + 1
    usine = next(r for r in range(2, sheet.max_row + 1)
                 if sheet.cell(r, 2).value == "L'Usine à Projets")
    sheet.cell(usine, surface).value = 850  # one of its four errors corrected
    book.save(tmp_path / "reponses.xlsx")
    result, changed = sync_then_notify(config)
    assert result.exit_code == 0, result.output
    assert changed is not None and changed["sent"] == 1
    (second,) = sink.to("usine@projets-nantes.fr")[1:]
    assert "merci de corriger 3 réponses :" in body(second, "plain")


USINE_FIXED = {
    ("L'Usine à Projets", "Date d'ouverture du lieu"): "15/09/2019",
    ("L'Usine à Projets", "Surface du lieu (en m²)"): 300,
    ("L'Usine à Projets", "Insertion professionnelle : combien de personnes ont bénéficié de "
                          "formations ou d'un accompagnement ?"): 0,
    ("L'Usine à Projets", "Capacité à agir : combien de nouveaux projets ou actions imprévus "
                          "(atelier, évènement, marché…) ont émergé ?"): 4,
}


def test_not_more_often_than_the_interval_unless_the_kind_changes(tmp_path: Path,
                                                                  sink: Sink) -> None:
    config = make_config(tmp_path, sink.port, min_interval_days=7)
    sync_then_notify(config)
    edit_sheet(tmp_path, {
        ("Arsenal", "Lien social : commentaire ou exemple"): "Un nouveau commentaire.",
        ("Tiers-Lieu du Moulin", "Quelle est l'intensité des effets du projet sur le quartier "
                                 "et le territoire ?"): 4,  # one error of three corrected
        **USINE_FIXED})
    result, summary = sync_then_notify(config)
    assert result.exit_code == 0, result.output
    assert summary is not None
    assert outcomes(summary)["Arsenal"] == "too-soon"  # its report changed, but last week
    assert outcomes(summary)["Tiers-Lieu du Moulin"] == "too-soon"  # fewer problems, same
    assert outcomes(summary)["L'Usine à Projets"] == "sent"  # complete now: its report at once
    assert summary["sent"] == 1 and summary["waiting"] == 2
    (_, report) = sink.to("usine@projets-nantes.fr")
    assert report["Subject"] == "Votre synthèse « Effets sociaux et urbains » de l'Usine à Projets"
    assert [a.get_filename() for a in report.iter_attachments()] == ["l-usine-a-projets.pdf"]


def questionnaire_with_form(tmp_path: Path) -> Path:
    """The bundled questionnaire plus what the Forms import adds: the form and its entry ids."""
    lines = data_path("config", "questionnaire.yaml").read_text(encoding="utf-8").splitlines()
    out, in_questions, number = [], False, 1000
    for line in lines:
        if line.startswith("questions:"):
            out.append("form: {id: 1FAIpQLSdEmO, url: 'https://docs.google.com/forms/d/e/"
                       "1FAIpQLSdEmO/viewform?usp=sf_link'}")
            in_questions = True
        out.append(line)
        if in_questions and line.startswith("  - id: "):
            number += 7
            out.append(f"    entry_id: {number}")
    path = tmp_path / "questionnaire.yaml"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def form_submission(url: str, questionnaire: Any) -> dict[str, str]:
    """What Google Forms would write in the sheet if the site sent the prefilled form as is:
    {column header: cell text}."""
    from urllib.parse import parse_qsl, urlsplit

    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https", "docs.google.com", "/forms/d/e/1FAIpQLSdEmO/viewform")
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    assert pairs[0] == ("usp", "pp_url")
    by_entry = {f"entry.{q.entry_id}": q for q in questionnaire.questions}
    values: dict[str, list[str]] = {}
    for key, value in pairs[1:]:
        values.setdefault(key, []).append(value)
    cells = {}
    for key, given in values.items():
        if key.endswith(".other_option_response"):
            continue
        question = by_entry[key]
        other = values.get(f"{key}.other_option_response", [])
        chosen = [v for v in given if v != "__other_option__"] + other
        if question.type == "date":
            (iso,) = chosen
            year, month, day = iso.split("-")
            chosen = [f"{day}/{month}/{year}"]
        cells[question.header] = ", ".join(chosen)
    return cells


def test_the_whole_loop_through_the_prefilled_link(tmp_path: Path, sink: Sink) -> None:
    """sync -> notify -> the site sends the prefilled form, corrected -> the next sync clears
    its row, and the site receives its report."""
    import re

    from openpyxl import load_workbook

    from impactsheets.pipeline import validate_source
    from impactsheets.questionnaire import load_questionnaire

    qfile = questionnaire_with_form(tmp_path)
    questionnaire = load_questionnaire(qfile)
    config = make_config(tmp_path, sink.port, top={"questionnaire": str(qfile)},
                         min_interval_days=7)
    result, _ = sync_then_notify(config)
    assert result.exit_code == 0, result.output
    (mail,) = sink.to("usine@projets-nantes.fr")
    text = body(mail, "plain")
    assert "Ce lien ouvre le questionnaire déjà rempli avec vos réponses actuelles" in text
    (link,) = re.findall(r"https://docs\.google\.com/forms/\S+", text)
    html = body(mail, "html")
    assert f'<a href="{link.replace("&", "&amp;")}">' in html

    # The link parsed back: every valid answer of the site, nothing it must correct.
    cells = form_submission(link, questionnaire)
    _, before = validate_source(tmp_path / "reponses.xlsx", questionnaire)
    usine = next(r for r in before.current if r.site == "L'Usine à Projets")
    refused = {p.header for p in usine.problems}
    assert refused and not refused & set(cells)
    assert "Nom du lieu" in cells and "Code postal" in cells  # so the new row replaces the old

    # The site corrects the four answers and sends the form: a new row in the sheet.
    cells.update({header: str(value) for (_, header), value in USINE_FIXED.items()})
    book = load_workbook(tmp_path / "reponses.xlsx")
    sheet = book.active
    assert sheet is not None
    headers = [c.value for c in sheet[1]]
    sheet.append(["20/03/2026 10:15:00"] + [cells.get(str(h), "") for h in headers[1:]])
    book.save(tmp_path / "reponses.xlsx")
    new_row = sheet.max_row

    _, after = validate_source(tmp_path / "reponses.xlsx", questionnaire)
    resent = next(r for r in after.current if r.site == "L'Usine à Projets")
    assert resent.row == new_row and not resent.errors
    for qid, answer in usine.answers.items():  # the round trip kept every valid answer
        assert resent.answers[qid] == answer, qid
    result, summary = sync_then_notify(config)
    assert result.exit_code == 0, result.output
    annotated = load_workbook(tmp_path / "out" / "responses-annotated.xlsx").active
    assert annotated is not None
    status = [c.value for c in annotated[1]].index("Statut") + 1
    assert annotated.cell(7, status).value == f"Remplacée par la ligne {new_row}"
    assert annotated.cell(new_row, status).value == "OK"
    assert summary is not None and outcomes(summary)["L'Usine à Projets"] == "sent"
    (_, report) = sink.to("usine@projets-nantes.fr")
    assert report["Subject"].startswith("Votre synthèse")
    assert len(sink.received) == 13

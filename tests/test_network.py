"""The network view: the tidy frame, the figures, the export and the synthesis PDF."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader

from impactsheets.cli import main
from impactsheets.network.frame import answers_frame, sites_frame, wide
from impactsheets.network.stats import network_stats
from impactsheets.network.synthesis import synthesis_pdf
from impactsheets.pipeline import EXAMPLE_WORKBOOK
from impactsheets.resources import data_path
from impactsheets.validation import validate
from tests.conftest import pdf_text
from tests.factories import QUESTIONNAIRE, make_table, valid_answers

EXAMPLE = data_path("examples", EXAMPLE_WORKBOOK)


def network(*rows: dict) -> object:
    return validate(make_table(list(rows)), QUESTIONNAIRE)


def test_frame_has_one_row_per_ticked_option_with_identity_and_status() -> None:
    report = network(valid_answers(), valid_answers(
        site_nom="Arsenal", site_code_postal="25000", site_commune="Besançon",
        intensite_individuels=7, sante_effets="Se sentir mieux dans leurs relations avec les "
                                              "autres, Un jardin"))
    frame = answers_frame(report, QUESTIONNAIRE)
    arsenal = frame[frame.site == "Arsenal"]
    assert set(arsenal.status) == {"provisoire"}  # intensity 7 is out of range: an error
    assert "intensite_individuels" not in set(arsenal.question)  # only valid answers
    sante = arsenal[arsenal.question == "sante_effets"]
    assert list(zip(sante.value, sante.other, strict=True)) == [("relations", False),
                                                                ("Un jardin", True)]
    assert set(arsenal.departement) == {"25"}
    friche = frame[(frame.site == "La Friche des Possibles")
                   & (frame.question == "lien_social_publics")]
    assert sorted(friche.value) == ["benevoles", "publics_difficulte"]
    assert frame.loc[frame.question == "capacite_nombre", "value"].tolist() == [2, 2]


def test_wide_format_has_a_0_1_column_per_option_and_one_row_per_site() -> None:
    report = network(valid_answers(), valid_answers(site_nom="Arsenal",
                                                    lien_social_publics="Bénévoles"))
    table = wide(answers_frame(report, QUESTIONNAIRE), sites_frame(report, QUESTIONNAIRE),
                 QUESTIONNAIRE)
    assert list(table.site) == ["La Friche des Possibles", "Arsenal"]
    assert list(table["lien_social_publics[benevoles]"]) == [1, 1]
    assert list(table["lien_social_publics[publics_difficulte]"]) == [1, 0]
    assert "sante_effets[autre]" in table.columns  # the question allows free answers
    assert list(table.intensite_collectifs) == [4, 4]


def test_shares_and_medians_are_computed_over_every_site() -> None:
    rows = [valid_answers(site_nom=f"Lieu {i}", intensite_individuels=level,
                          lien_social_publics="Bénévoles" if i < 3 else "Publics en difficulté")
            for i, level in enumerate([1, 2, 2, 4, 5])]
    stats = network_stats(network(*rows), QUESTIONNAIRE)
    individual = stats.parts[0]
    assert individual.scale is not None
    assert individual.scale.counts == (1, 2, 0, 1, 1)
    assert individual.scale.median == 2
    assert stats.share_of("lien_social_publics", "benevoles") == pytest.approx(0.6)
    assert stats.share_of("lien_social_publics", "publics_difficulte") == pytest.approx(0.4)
    assert stats.departements == (("Rhône (69)", 5),)


def test_example_synthesis_states_the_network_figures_in_french() -> None:
    report = validate_example()
    pdf = synthesis_pdf(report, QUESTIONNAIRE)
    text = pdf_text(pdf)
    assert text.startswith("Synthèse du réseau")
    assert "Réponses reçues jusqu’au 20 mars 2026" in text
    for expected in ("13\nlieux ont répondu", "9\nréponses valides", "4\nréponses à corriger",
                     "1\nréponse remplacée", "Médiane du réseau : 3/5", "Médiane du réseau : 4/5",
                     "Médiane du réseau : 2/5", "LIEUX PAR DÉPARTEMENT", "Nord (59)",
                     "Mots-clés les plus fréquents", "Paroles de lieux",
                     "« Un marché de producteurs le samedi matin. »",
                     "Le 3ème Lieu, Rennes — Capacité à agir", "Bénévoles", "100 %"):
        assert expected in text, expected
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "Synthèse du réseau — Effets sociaux et urbains"
    assert all(not page.images for page in reader.pages)  # charts are vector drawings
    from tests.report_lint import unembedded_fonts

    assert unembedded_fonts(pdf) == []
    assert synthesis_pdf(report, QUESTIONNAIRE) == pdf  # deterministic


def validate_example():
    from impactsheets.pipeline import validate_source

    return validate_source(EXAMPLE, QUESTIONNAIRE)[1]


def test_quotes_can_be_anonymous_by_a_template_setting(tmp_path: Path) -> None:
    folder = tmp_path / "anonyme"
    folder.mkdir()
    (folder / "template.yaml").write_text("extends: default\nname: anonyme\n", encoding="utf-8")
    (folder / "network.yaml").write_text(
        "synthesis:\n  quotes_attributed: false\n  quote_anonymous: Un tiers-lieu\n",
        encoding="utf-8")
    text = pdf_text(synthesis_pdf(validate_example(), QUESTIONNAIRE, folder))
    assert "Un tiers-lieu — Capacité à agir" in text
    assert "Rennes" not in text.split("Paroles de lieux")[1]


def test_a_broken_network_wording_names_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "template.yaml").write_text("extends: default\n", encoding="utf-8")
    (folder / "network.yaml").write_text("synthesis:\n  titel: x\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["synthesis", str(EXAMPLE), "--out", str(tmp_path / "o"),
                                       "--template", str(folder)])
    assert result.exit_code == 3
    assert result.stderr.startswith(f"impactsheets: error: {folder / 'network.yaml'}: unknown key "
                                    "'titel'")


def test_synthesis_of_any_questionnaire_gives_choice_frequencies(tmp_path: Path) -> None:
    definition = tmp_path / "q.yaml"
    definition.write_text(textwrap.dedent("""\
        id: sondage
        title: Sondage du réseau
        site_key: [nom]
        questions:
          - {id: nom, header: Nom, type: short_text, required: true}
          - id: couleur
            header: Couleur préférée
            label: Couleur préférée
            type: single_choice
            choices: [{value: bleu, label: Bleu}, {value: vert, label: Vert}]
          - {id: note, header: Note, label: Note globale, type: scale, min: 1, max: 4}
        """), encoding="utf-8")
    source = tmp_path / "r.csv"
    source.write_text("Nom,Couleur préférée,Note\nA,Bleu,4\nB,Bleu,3\nC,Vert,4\nD,Bleu,1\n",
                      encoding="utf-8")
    result = CliRunner().invoke(main, ["synthesis", str(source), "--out", str(tmp_path / "o"),
                                       "--questionnaire", str(definition)])
    assert result.exit_code == 0, result.output
    text = pdf_text((tmp_path / "o" / "synthese-reseau.pdf").read_bytes())
    assert "4\nlieux ont répondu" in text
    assert "AUTRES QUESTIONS" in text
    assert "DÉPARTEMENT" not in text  # no postal code question
    assert "Couleur préférée" in text and "Bleu" in text and "75 %" in text and "25 %" in text
    assert "Note globale" in text and "Médiane du réseau : 3,5/4" in text
    assert result.stderr.splitlines()[-1] == (f"open {tmp_path / 'o' / 'synthese-reseau.pdf'}  "
                                              "(the network synthesis)")


def test_export_csv_is_french_excel_and_formula_safe(tmp_path: Path) -> None:
    source = tmp_path / "r.csv"
    table = make_table([valid_answers(site_nom="=HYPERLINK(\"http://x\")", site_surface=12.5),
                        valid_answers(site_nom="Arsenal")])
    import csv

    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(table.headers)
        for row in table.rows:
            writer.writerow(["" if c is None else c for c in row.cells])
    out = tmp_path / "export.csv"
    result = CliRunner().invoke(main, ["export", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith("\ufeff".encode())
    frame = pd.read_csv(out, sep=";", decimal=",", encoding="utf-8-sig")
    assert list(frame.site) == ["'=HYPERLINK(\"http://x\")", "Arsenal"]
    assert frame.site_surface.iloc[0] == 12.5
    assert list(frame["lien_social_publics[benevoles]"]) == [1, 1]
    assert result.stderr.splitlines() == [
        f"wrote {out}: 2 rows, {len(frame.columns)} columns",
        f"open {out}  (the answers, in a spreadsheet or pandas)"]


def test_export_xlsx_long_format_keeps_text_as_text(tmp_path: Path) -> None:
    out = tmp_path / "long.xlsx"
    result = CliRunner().invoke(main, ["export", str(EXAMPLE), "--out", str(out), "--long"])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    headers = [c.value for c in sheet[1]]
    assert headers == ["row", "site", "town", "postal_code", "departement", "status", "errors",
                       "question", "type", "value", "other"]
    values = [row for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert ("Numéripôle (Le)", "lien_social_publics", "benevoles") in {
        (r[1], r[7], r[9]) for r in values}
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_export_refuses_other_file_types_with_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", str(EXAMPLE), "--out", str(tmp_path / "a.json")])
    assert result.exit_code == 2
    assert "the file must end in .csv or .xlsx" in result.stderr
    assert not (tmp_path / "a.json").exists()


# --- each site against the network -------------------------------------------------------


def test_site_reports_compare_each_part_with_the_network(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["render", str(EXAMPLE), "--out", str(tmp_path),
                                       "--site", "Numéripôle"])
    assert result.exit_code == 0, result.output
    text = " ".join(pdf_text((tmp_path / "reports" / "numeripole-le.pdf").read_bytes()).split())
    assert text.count("Par rapport au réseau") == 3  # one box per part
    assert "Intensité : 4/5 pour ce lieu ; médiane des lieux du réseau : 3/5." in text
    assert "Part des lieux du réseau ayant fait les mêmes réponses que ce lieu :" in text
    # Numéripôle ticked "Bénévoles", as all 13 sites did; 2 of 13 ticked "un mieux-être…".
    assert "bénévoles (100 %)" in text
    assert "Santé : un mieux-être dans leurs relations avec les autres (15 %)" in text


def test_no_comparison_below_five_sites_or_when_switched_off(tmp_path: Path) -> None:
    from impactsheets.network.comparison import network_comparison
    from impactsheets.report import render_site

    small = network(*(valid_answers(site_nom=f"Lieu {i}") for i in range(4)))
    assert network_comparison(small, QUESTIONNAIRE) is None
    five = network(*(valid_answers(site_nom=f"Lieu {i}") for i in range(5)))
    comparison = network_comparison(five, QUESTIONNAIRE)
    assert comparison is not None
    text = pdf_text(render_site(five.current[0], QUESTIONNAIRE, "default", comparison))
    assert "Par rapport au réseau" in text and "médiane des lieux du réseau : 3/5" in text
    folder = tmp_path / "sans-comparaison"
    folder.mkdir()
    (folder / "template.yaml").write_text("extends: default\n", encoding="utf-8")
    (folder / "network.yaml").write_text("comparison:\n  enabled: false\n", encoding="utf-8")
    assert network_comparison(five, QUESTIONNAIRE, folder) is None


def test_sync_re_renders_only_reports_whose_printed_figures_changed(tmp_path: Path) -> None:
    import shutil

    from openpyxl import load_workbook as load

    source = tmp_path / "reponses.xlsx"
    shutil.copyfile(EXAMPLE, source)
    config = tmp_path / "sync.yaml"
    config.write_text(f"source: {source}\noutput: {tmp_path / 'out'}\n", encoding="utf-8")

    def sync() -> dict:
        import json

        result = CliRunner().invoke(main, ["sync", "--config", str(config), "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    assert sync()["rendered"] == 13
    synthesis = tmp_path / "out" / "synthese-reseau.pdf"
    first = (synthesis.stat().st_mtime_ns, synthesis.read_bytes())
    assert sync()["rendered"] == 0
    assert (synthesis.stat().st_mtime_ns, synthesis.read_bytes()) == first  # not drawn again
    book = load(source)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    column = headers.index(QUESTIONNAIRE.question("lien_social_frequence").header) + 1
    frequencies = [sheet.cell(row=r, column=column).value for r in range(2, sheet.max_row + 1)]
    assert frequencies.count("Au quotidien") == 1  # one site: 8 % printed on its report
    row = 2 + frequencies.index("Au moins une fois par semaine")
    sheet.cell(row=row, column=column).value = "Au quotidien"
    book.save(source)
    # That site changed; the other one answering "Au quotidien" now prints 15 %, and the
    # sites answering "Au moins une fois par semaine" print a lower share: they re-render.
    weekly = frequencies.count("Au moins une fois par semaine") - 1  # minus the superseded row
    second = sync()
    assert second["rendered"] == weekly + 1
    assert second["skipped"] == 13 - second["rendered"]
    assert synthesis.read_bytes() != first[1]  # the network's figures changed


def test_network_figures_are_kept_and_computed_again_when_what_they_come_from_changes(
        tmp_path: Path) -> None:
    import json

    from impactsheets.network.kept import FILE_NAME, kept_network_stats
    from impactsheets.network.wording import load_wording
    from impactsheets.plan import answers_digest

    wording = load_wording()
    report = network(valid_answers(), valid_answers(site_nom="Arsenal", site_code_postal="25000",
                                                    site_commune="Besançon"))

    def figures(versions: str = "v1", keep: bool = True):
        digests = [answers_digest(r) for r in report.current]
        return kept_network_stats(report, QUESTIONNAIRE, wording, versions, digests, tmp_path,
                                  keep=keep)

    assert figures() == network_stats(report, QUESTIONNAIRE, wording)
    path = tmp_path / FILE_NAME
    kept = json.loads(path.read_text(encoding="utf-8"))
    kept["stats"]["sites"] = 999  # shows whether the kept figures are the ones used
    path.write_text(json.dumps(kept), encoding="utf-8")
    assert figures().sites == 999  # the same answers: read back, not computed
    assert figures(versions="v2", keep=False).sites == 2  # another template: computed again
    assert figures().sites == 999  # ... and, not kept, the file is left as it was
    report.current[1].answers["site_commune"] = "Dole"  # another answer: computed again
    assert figures().sites == 2
    assert json.loads(path.read_text(encoding="utf-8"))["stats"]["sites"] == 2
    path.write_text("{", encoding="utf-8")  # a damaged file: computed again, replaced
    assert figures() == network_stats(report, QUESTIONNAIRE, wording)
    assert json.loads(path.read_text(encoding="utf-8"))["stats"]["sites"] == 2

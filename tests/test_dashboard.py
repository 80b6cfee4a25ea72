"""The coordinators' dashboard (index.html) in a real headless browser: filters, search,
keyboard, no network, accessible names and contrast, and a screenshot."""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from impactsheets.cli import main
from impactsheets.delivery.folder import dashboard, index_entries, run_info
from tests.browser import Browser, chromium_path
from tests.factories import QUESTIONNAIRE

pytestmark = pytest.mark.skipif(
    chromium_path() is None,
    reason="Debian's chromium is not installed (apt-get install chromium): the dashboard's "
           "browser tests need a real browser")

ERRORS = ["L'Usine à Projets", "Jardin partagé des Lilas", "Tiers-Lieu du Moulin",
          "Café coopératif Le Zinc"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(main, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    chrome = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield chrome
    chrome.close()


@pytest.fixture
def page(browser: Browser, demo: Path) -> Browser:
    browser.open((demo / "index.html").as_uri())
    return browser


def shown(page: Browser) -> list[str]:
    return page.js("[...document.querySelectorAll('#sites tbody tr')].filter(r => !r.hidden)"
                   ".map(r => r.querySelector('th').textContent)")


def choose(page: Browser, state: str) -> None:
    page.js(f"document.querySelector('input[name=state][value=\"{state}\"]').click()")


def test_every_response_is_listed_with_its_status_problems_and_report(page: Browser) -> None:
    assert len(shown(page)) == 14
    assert page.js("document.getElementById('count').textContent") == "14 réponses affichées"
    usine = page.js("[...document.querySelectorAll('#sites tbody tr')].find(r => "
                    "r.querySelector('th').textContent === \"L'Usine à Projets\").innerText")
    assert "4 erreurs" in usine
    assert "R7\t" in usine or "R7 " in usine
    assert "« ?? » n’en est pas un" in usine
    links = page.js("[...document.querySelectorAll('header a')].map(a => "
                    "[a.textContent, a.getAttribute('href')])")
    assert links == [["Synthèse du réseau (PDF)", "synthese-reseau.pdf"],
                     ["Feuille annotée", "responses-annotated.xlsx"],
                     ["Liste des lieux (CSV)", "index.csv"],
                     ["Résumé de l’exécution (JSON)", "validation.json"]]
    header = page.js("document.querySelector('header p').textContent")
    assert re.fullmatch(r"Exécution du \d{1,2} \w+ \d{4} à \d\d:\d\d, en [\d,]+ s", header)


def test_filters_show_only_their_responses(page: Browser) -> None:
    choose(page, "a-corriger")
    assert shown(page) == ERRORS
    assert page.js("document.getElementById('count').textContent") == "4 réponses affichées"
    choose(page, "valide")
    assert len(shown(page)) == 9 and not set(shown(page)) & set(ERRORS)
    choose(page, "remplacee")
    assert shown(page) == ["La Ruche Numérique"]
    assert "Remplacée par la ligne 16" in page.js(
        "document.querySelector('#sites tbody tr:not([hidden])').innerText")
    assert page.js("document.getElementById('count').textContent") == "1 réponse affichée"
    choose(page, "echec")
    assert shown(page) == []
    assert page.js("document.getElementById('none').hidden") is False


def test_search_ignores_case_accents_and_apostrophes_and_combines_with_filters(
        page: Browser) -> None:
    page.js("document.getElementById('search').focus()")
    page.type("NUMERIPOLE")
    assert shown(page) == ["Numéripôle (Le)"]
    page.js("document.getElementById('search').select()")
    page.type("l’usine")
    assert shown(page) == ["L'Usine à Projets"]
    page.js("document.getElementById('search').select()")
    page.type("69007")
    assert shown(page) == ["La Friche des Possibles"]
    page.js("document.getElementById('search').select()")
    page.type("commun")
    assert shown(page) == ["Atelier Commun", "Maison des Communs"]
    choose(page, "a-corriger")
    assert shown(page) == []
    page.js("document.getElementById('search').select()")
    page.type("ruche")
    assert shown(page) == []
    choose(page, "")
    assert shown(page) == ["La Ruche Numérique", "La Ruche Numérique"]


def test_filters_work_from_the_keyboard(page: Browser) -> None:
    page.js("document.querySelector('input[name=state][value=\"\"]').focus()")
    page.key("ArrowRight", 39)
    assert page.js("document.activeElement.value") == "a-corriger"
    assert shown(page) == ERRORS
    page.key("Tab", 9)
    assert page.js("document.activeElement.id") == "search"


def test_accessible_names_and_contrast(page: Browser) -> None:
    assert page.js("document.documentElement.lang") == "fr"
    assert page.js("[...document.querySelectorAll('input')].every(i => i.labels.length > 0)")
    assert page.js("document.querySelector('#sites caption') !== null")
    names = page.js("[...document.querySelectorAll('#sites a')].map(a => a.textContent)")
    assert "Rapport PDF de Numéripôle (Le)" in names  # each link says which report it opens
    ratios = page.js("""(() => {
      const lum = c => { const v = c.match(/\\d+/g).slice(0, 3).map(x => x / 255)
        .map(x => x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4);
        return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
      const ratio = el => { const s = getComputedStyle(el);
        let bg = s.backgroundColor, p = el;
        while (bg === 'rgba(0, 0, 0, 0)' && p.parentElement) {
          p = p.parentElement; bg = getComputedStyle(p).backgroundColor; }
        if (bg === 'rgba(0, 0, 0, 0)') bg = 'rgb(255, 255, 255)';
        const a = lum(s.color), b = lum(bg);
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
      return [...document.querySelectorAll('.badge, header a, header p, td, th, legend, label,'
        + ' #count, .totals li')].map(ratio); })()""")
    assert min(ratios) >= 4.5  # WCAG AA for normal text


def test_the_page_needs_no_network(browser: Browser, demo: Path) -> None:
    page = (demo / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    browser.open((demo / "index.html").as_uri())
    assert browser.requests() and all(u.startswith("file://") for u in browser.requests())


def test_failed_reports_have_their_filter(browser: Browser, tmp_path: Path,
                                          example_validation) -> None:
    entries = index_entries(example_validation, QUESTIONNAIRE, {2: ("reports/numeripole-le.pdf",
                                                                    "")},
                            {3: "TemplateError: police introuvable"})
    page = tmp_path / "index.html"
    page.write_text(dashboard(entries, run_info("Réseau", datetime(2026, 11, 30, 2, 30), 61.2,
                                                entries)), encoding="utf-8")
    browser.open(page.as_uri())
    choose(browser, "echec")
    assert shown(browser) == ["La Friche des Possibles"]
    text = browser.js("document.querySelector('#sites tbody tr:not([hidden])').innerText")
    assert "Échec du rapport : TemplateError: police introuvable" in text
    assert browser.js("document.querySelector('header p').textContent") == (
        "Exécution du 30 novembre 2026 à 02:30, en 1 min 1 s")
    totals = browser.js("[...document.querySelectorAll('.totals li')].map(li => li.innerText)")
    assert totals[-1].replace("\n", " ") == "1 rapport en échec"


def test_screenshot_shows_the_header_and_the_table(page: Browser) -> None:
    png = page.screenshot()
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (1280, 900)
    assert len(png) > 30_000  # a rendered page, not a blank one
    assert image.getpixel((5, 5)) == (0x1F, 0x4E, 0x5F)  # the header band
    assert image.getpixel((640, 890)) != (0x1F, 0x4E, 0x5F)
    colours = image.crop((0, 300, 1280, 900)).getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50  # text, badges and rules are drawn

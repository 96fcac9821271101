"""The report in a real browser: Debian's Chromium, headless, driven by Playwright.

Needs the report written by `iness report` (the README's test command runs it
first) and /usr/bin/chromium (installed by .ci/run with apt-get)."""
import re
import os
import shutil

import pytest

from iness import report
from iness.paths import project_home, reports_dir

ARTEFACTS = project_home() / "test-artifacts"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("no chromium on PATH: .ci/run installs Debian's chromium")
        pytest.skip("no chromium on PATH (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def site(http_server_module):
    folder = reports_dir()
    if not (folder / "index.html").is_file():
        pytest.fail(f"{folder / 'index.html'} is missing: run `iness report` first")
    return http_server_module(folder)


def open_page(browser, url):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, url
    return page, errors


def broken_images(page):
    return page.evaluate("""() => Array.from(document.images)
        .filter(img => !(img.complete && img.naturalWidth > 0 && img.naturalHeight > 0))
        .map(img => img.src.slice(0, 80))""")


#: each edition's folder in the report, and its language
EDITIONS = {"": "en", "fr/": "fr"}


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_index_links_every_notebook_and_shows_figures(browser, site, edition):
    page, errors = open_page(browser, f"{site}/{edition}index.html")
    assert page.get_attribute("html", "lang") == EDITIONS[edition]
    links = page.eval_on_selector_all("a", "nodes => nodes.map(n => n.getAttribute('href'))")
    for path in report.notebook_paths():
        assert f"{path.stem}.html" in links, path.name
    for name in report.extra_pages(EDITIONS[edition]):
        assert name in links, name
    assert any(link.endswith(".csv") for link in links)
    assert page.locator("img").count() >= 10
    assert broken_images(page) == []
    ARTEFACTS.mkdir(exist_ok=True)
    shot = ARTEFACTS / f"report-index-{EDITIONS[edition]}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert errors == []
    page.close()


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_each_index_links_the_other_edition(browser, site, edition):
    page, errors = open_page(browser, f"{site}/{edition}index.html")
    other = [href for href, _ in report.other_editions(EDITIONS[edition])]
    page.click(f'a[href="{other[0]}"] >> nth=0')
    page.wait_for_load_state("load")
    other_lang = next(lang for lang in EDITIONS.values() if lang != EDITIONS[edition])
    assert page.get_attribute("html", "lang") == other_lang
    assert errors == []
    page.close()


@pytest.mark.parametrize("edition,stem", [(edition, path.stem) for edition in EDITIONS
                                          for path in report.notebook_paths()])
def test_every_page_loads_with_its_figures(browser, site, edition, stem):
    page, errors = open_page(browser, f"{site}/{edition}{stem}.html")
    assert page.get_attribute("html", "lang") == EDITIONS[edition]
    assert page.locator("h1").count() >= 1
    assert broken_images(page) == []
    assert page.locator("img").count() >= 1
    assert errors == [], errors
    page.close()


def test_the_french_pages_read_in_french(browser, site):
    page, _ = open_page(browser, f"{site}/fr/02_social_issues.html")
    text = page.inner_text("body")
    # French numbers: a no-break space between the number and % (« 63 % »)
    assert "plateformes" in text and re.search(r"\d[\u00a0\u202f]%", text)
    assert "CC BY-NC-SA 4.0" in text and "Données" in text
    page.close()


@pytest.mark.parametrize("edition,name", [(edition, name) for edition in EDITIONS
                                          for name in report.extra_pages(EDITIONS[edition])])
def test_codebook_references_and_dictionary_pages_load(browser, site, edition, name):
    page, errors = open_page(browser, f"{site}/{edition}{name}")
    assert page.get_attribute("html", "lang") == EDITIONS[edition]
    assert page.locator("h1").count() >= 1
    assert "CC BY-NC-SA 4.0" in page.content()
    assert errors == [], errors
    page.close()

"""The report in a real browser: Debian's Chromium, headless, driven by Playwright.

Needs the report written by `iness report` (the README's test command runs it
first) and /usr/bin/chromium (installed by .ci/run with apt-get)."""
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


def test_index_links_every_notebook_and_shows_figures(browser, site):
    page, errors = open_page(browser, site + "/index.html")
    links = page.eval_on_selector_all("a", "nodes => nodes.map(n => n.getAttribute('href'))")
    for path in report.notebook_paths():
        assert f"{path.stem}.html" in links, path.name
    assert page.locator("img").count() >= 10
    assert broken_images(page) == []
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "report-index.png"), full_page=True)
    assert (ARTEFACTS / "report-index.png").stat().st_size > 10_000
    assert errors == []
    page.close()


@pytest.mark.parametrize("stem", [path.stem for path in report.notebook_paths()])
def test_every_page_loads_with_its_figures(browser, site, stem):
    page, errors = open_page(browser, f"{site}/{stem}.html")
    assert page.locator("h1").count() >= 1
    assert broken_images(page) == []
    assert page.locator("img").count() >= 1
    assert errors == [], errors
    page.close()


@pytest.mark.parametrize("name", list(report.EXTRA_PAGES))
def test_codebook_references_and_dictionary_pages_load(browser, site, name):
    page, errors = open_page(browser, f"{site}/{name}")
    assert page.locator("h1").count() >= 1
    assert "CC BY-NC-SA 4.0" in page.content()
    assert errors == [], errors
    page.close()

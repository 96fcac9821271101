"""Issue 25, item 2: a survey whose every text field and file name carries
script payloads gives pages where nothing runs, in headless Chromium: the
title stays, no dialog opens, no request leaves the page's own files.

Runs notebooks 01, 02 and 06 (those that show platform names, ids and the file
name) on such a survey, English edition (about a minute on two cores)."""
import csv
import re
import http.server
import threading
import urllib.parse
from functools import partial
from pathlib import Path

import pandas as pd
import pytest

from iness import report
from iness.build import build_survey
from iness.pipeline.own_survey import EXAMPLE_SURVEY

from test_browser import browser  # noqa: F401  (Debian's chromium, via Playwright)

#: what an attacker would put in a cell; the ones for tags and ids have no '/'
#: (the survey's checks refuse it there)
PAYLOADS = ['<img src=x onerror="document.title=\'pwned\'">',
            '<script>document.title="pwned"</script>',
            '"><svg onload="document.title=\'pwned\'">',
            '![x](http://127.0.0.2:9/leak.png) <iframe src="http://127.0.0.2:9/"></iframe>',
            '<a href="javascript:document.title=1">x</a> <link rel=stylesheet '
            'href="http://127.0.0.2:9/x.css">']
PLAIN_PAYLOAD = "<img src=x onerror=alert(3)>"
TEXT_COLUMNS = ["platform_name", "description", "organisation_name", "source", "website"]
#: cells a spreadsheet would run (issue 25, item 3)
FORMULAS = ['=HYPERLINK("http://127.0.0.2/","click")', "+1+1 ", "@SUM(1) ", "-2+3 "]
NOTEBOOKS = ["01_the_data.ipynb", "02_social_issues.ipynb", "06_claims_tested.ipynb"]


def payload_survey(folder: Path) -> Path:
    frame = pd.read_csv(EXAMPLE_SURVEY, dtype=str, keep_default_na=False)
    for i in range(len(frame)):
        for j, column in enumerate(TEXT_COLUMNS):
            if column == "website" and i % 3:
                continue  # most rows keep a valid website
            frame.loc[i, column] += " " + PAYLOADS[(i + j) % len(PAYLOADS)]
        frame.loc[i, "free_tags"] += f"; {PLAIN_PAYLOAD}"
        frame.loc[i, "platform_id"] += PLAIN_PAYLOAD
    for i, formula in enumerate(FORMULAS):
        frame.loc[i, "platform_name"] = formula + frame.loc[i, "platform_name"]
    path = folder / f"survey {PLAIN_PAYLOAD}.csv"
    frame.to_csv(path, index=False)
    return path


class _Recording(http.server.SimpleHTTPRequestHandler):
    requests: list[str] = []

    def log_message(self, *args):
        type(self).requests.append(urllib.parse.unquote(self.path))


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory, mirror):
    folder = tmp_path_factory.mktemp("payloads")
    source = payload_survey(folder)
    tables = build_survey(source, folder / "tables")
    target = folder / "report"
    report.write_editions({"en": target}, notebooks=NOTEBOOKS,
                          parameters={"DATA": str(tables)})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(_Recording, directory=str(target)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield target, f"http://127.0.0.1:{server.server_address[1]}", tables
    server.shutdown()
    server.server_close()


def test_the_payloads_reach_the_pages_only_as_text(payload_site):
    target, _, _ = payload_site
    pages = {path.name: path.read_text(encoding="utf-8") for path in target.glob("*.html")}
    assert any("&lt;script" in page or "&lt;img" in page for page in pages.values())
    for name, page in pages.items():
        for raw in ("<script>document", "<img src=x", "<svg onload", "<iframe",
                    '<a href="javascript:', "<link rel=stylesheet"):
            assert raw not in page, (name, raw)
        assert not re.search(r"<(img|iframe|link|script)\b[^<>]*127\.0\.0\.2", page), name
        assert 'http-equiv="Content-Security-Policy"' in page, name


@pytest.mark.parametrize("page_name", [Path(name).stem + ".html" for name in NOTEBOOKS]
                         + ["index.html"])
def test_no_script_runs_in_chromium(browser, payload_site, page_name):  # noqa: F811
    _, site, _ = payload_site
    page = browser.new_page()
    dialogs, outside = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith((site, "data:")) else None)
    _Recording.requests.clear()
    response = page.goto(f"{site}/{page_name}", wait_until="load")
    assert response is not None and response.ok
    title = page.title()
    page.wait_for_timeout(300)  # let any handler that would fire do so
    assert page.title() == title and "pwned" not in title
    assert dialogs == [] and outside == []
    assert page.evaluate("document.querySelectorAll('script:not([type])').length") == 0
    assert all(not path.startswith("/x") and "leak" not in path
               for path in _Recording.requests), _Recording.requests
    page.close()


def test_the_policy_allows_the_report_s_own_scripts_by_hash(monkeypatch):
    script = "document.body.dataset.ok = 1"
    monkeypatch.setattr(report, "PAGE_SCRIPTS", (script,))
    policy = report.content_security_policy((script,))
    assert report.script_hash(script) in policy and "'unsafe-inline'" not in \
        policy.split("script-src")[1].split(";")[0]
    page = f"<html><head></head><body><script>{script}</script><script>evil()</script>"
    kept = report.offline(page)
    assert f"<script>{script}</script>" in kept and "evil()" not in kept


def test_no_csv_iness_writes_holds_a_formula(payload_site):
    target, _, tables = payload_site
    files = sorted(target.glob("tables/**/*.csv")) + sorted(tables.glob("*.csv"))
    assert len(files) > 10
    seen = 0
    for path in files:
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                bad = [cell for cell in row if cell.startswith(("=", "+", "-", "@", "\t", "\r"))
                       and not _number(cell)]
                assert bad == [], (path, bad)
                seen += sum("HYPERLINK" in cell for cell in row)
    assert seen  # the formulas are there, as text


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True

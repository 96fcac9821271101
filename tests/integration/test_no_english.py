"""No English left in the French edition, no French left in the English one
(issue 23): every page of the report written by ``iness report`` (the main job
runs it first), and of the example survey's report when it has been written."""
import sys
from pathlib import Path

import pytest

from iness import report
from iness.paths import processed_dir, reports_dir

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from language_check import data_values, wrong_language  # noqa: E402

EDITIONS = {"en": "", "fr": "fr"}
#: pages whose list items are bibliographic entries (titles stay in their language)
BIBLIOGRAPHY = {"references.html"}


def pages_of(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.html"))


def offending(folder: Path, lang: str, tables: Path) -> dict[str, list[str]]:
    """Each page's segments not in ``lang``; names and tags of the survey whose
    clean tables are in ``tables`` are data."""
    found, data = {}, data_values(tables)
    for path in pages_of(folder):
        wrong = wrong_language(path.read_text(encoding="utf-8"), lang,
                               skip_lists=path.name in BIBLIOGRAPHY, data=data)
        if wrong:
            found[path.name] = wrong
    return found


def report_lines(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{name}: {line}" for name, lines in found.items() for line in lines)


@pytest.mark.parametrize("lang", list(EDITIONS))
def test_the_dsi4eu_report_speaks_one_language(lang):
    folder = report.edition_dir(reports_dir(), lang)
    if not (folder / "index.html").is_file():
        pytest.fail(f"{folder / 'index.html'} is missing: run `iness report` first")
    assert len(pages_of(folder)) >= len(report.notebook_paths()) + 1
    found = offending(folder, lang, processed_dir("dsi4eu"))
    assert not found, f"{sum(map(len, found.values()))} segments not in {lang}:\n" + \
        report_lines(found)


@pytest.mark.parametrize("lang", list(EDITIONS))
def test_the_example_survey_report_speaks_one_language(lang):
    """``iness survey iness/data/survey/example_survey.csv`` writes reports/example_survey/."""
    from iness.pipeline import own_survey
    folder = report.edition_dir(reports_dir() / own_survey.EXAMPLE_SURVEY.stem, lang)
    if not (folder / "index.html").is_file():
        pytest.skip(f"{folder} not written (iness survey {own_survey.EXAMPLE_SURVEY.name})")
    found = offending(folder, lang, processed_dir(own_survey.EXAMPLE_SURVEY.stem))
    assert not found, report_lines(found)

"""Every notebook runs on a researcher's own survey (the shipped example, and
surveys of one wave and of two)."""
import subprocess
import sys

import pytest

import iness
from iness.pipeline import own_survey
from iness import report


def test_notebooks_run_on_the_example_survey(tmp_path):
    tables = iness.build_survey(own_survey.EXAMPLE_SURVEY, tmp_path / "tables")
    target = report.write_report(target=tmp_path / "reports",
                                 parameters={"DATA": str(tables), "LANG": "fr"})
    pages = sorted(path.name for path in target.glob("*.html"))
    assert {"index.html", "codebook.html", "references.html",
            "data-dictionary.html"} <= set(pages)
    assert len(pages) == len(report.notebook_paths()) + 1 + len(report.EXTRA_PAGES)
    page = (target / "02_social_issues.html").read_text()
    assert "Wheelmap.org" in page and "2024" in page
    assert (target / "figures" / "02_social_issues" / "02_partition.png").stat().st_size > 0


def test_survey_command_writes_tables(tmp_path):
    result = subprocess.run([sys.executable, "-m", "iness.cli", "survey",
                             str(own_survey.EXAMPLE_SURVEY), "--out", str(tmp_path / "t"),
                             "--no-report"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "t" / "projects.parquet").is_file()


@pytest.mark.parametrize("name", ["two_waves", "one_wave"])
def test_every_notebook_runs_on_own_surveys_of_any_waves(name, own_surveys, run_notebooks,
                                                         tmp_path):
    folder = iness.build_survey(own_surveys[name], tmp_path / "tables")
    done = run_notebooks(folder, name)
    claims = done["06_claims_tested"]
    # the two waves of an own survey are matched now: attrition is measured, not skipped
    assert claims["TWO_WAVES"] == (name == "two_waves")
    if name == "two_waves":
        assert claims["missing"] == 1 and claims["first_n"] == 4  # P3 is gone by 2021

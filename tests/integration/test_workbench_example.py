"""The shipped example survey through the whole coding workbench, from the
command line: sample, merge of the shipped sheets, --final with the shipped
adjudication, then the survey's report (notebooks 02 and 03), which shows the
coders' alpha, the classifier measured on the survey's own coded units and the
prediction-powered shares; and the same survey without a coding, whose
classifier shares are labelled unvalidated."""
import hashlib
import html.parser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from iness.analysis import findings
from iness import tutorial
from iness.paths import notebooks_dir, processed_dir

pytestmark = pytest.mark.slow

#: the notebooks whose own-survey pages the test reads (the rest are not run: time)
NOTEBOOKS = ("02_social_issues.ipynb", "03_key_activities.ipynb")
SURVEY = findings.EXAMPLE_SURVEY


def digests(paths) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}


def make_home(root: Path) -> Path:
    """An INESS_HOME with the repository's built DSI4EU tables and notebooks 02 and 03 only."""
    built = processed_dir("dsi4eu")
    if not (built / "projects.parquet").is_file():
        pytest.skip(f"DSI4EU is not built in {built}: run `iness build` first")
    (root / "data" / "processed").mkdir(parents=True)
    (root / "data" / "processed" / "dsi4eu").symlink_to(built, target_is_directory=True)
    (root / "notebooks").mkdir()
    for name in NOTEBOOKS:
        shutil.copy(notebooks_dir() / name, root / "notebooks" / name)
    return root


def iness(home: Path, *args: str) -> str:
    """``python -m iness.cli ARGS`` in ``home``; its output, the test failing on an error."""
    env = {**os.environ, "INESS_HOME": str(home), "INESS_I18N_STRICT": "1"}
    result = subprocess.run([sys.executable, "-m", "iness.cli", *args], env=env,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


class Outputs(html.parser.HTMLParser):
    """The text a page's code cells printed or displayed (not their source, not the prose)."""
    VOID = {"br", "img", "hr", "meta", "link", "input", "col", "wbr", "source"}

    def __init__(self):
        super().__init__()
        self.depth, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        if self.depth or "jp-Cell-outputWrapper" in (dict(attrs).get("class") or ""):
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def output_text(page: str) -> str:
    parser = Outputs()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


def pages(home: Path, name: str) -> dict[str, str]:
    """The outputs of the survey's pages 02 and 03, by notebook."""
    folder = home / "reports" / name
    found = {path.stem: output_text(path.read_text()) for path in folder.glob("0[23]_*.html")}
    assert set(found) == {Path(name).stem for name in NOTEBOOKS}
    return found


@pytest.fixture(scope="module")
def coded(tmp_path_factory):
    """The example survey taken through the workbench, and its report."""
    home = make_home(tmp_path_factory.mktemp("home"))
    sheets = tutorial.shipped_sheets()
    adjudication = tutorial.shipped_adjudication()
    before = digests([*sheets, adjudication])
    said = {"sample": iness(home, "coding", "sample", str(SURVEY), "--n", "20", "--seed", "2020"),
            "merge": iness(home, "coding", "merge", *map(str, sheets)),
            "final": iness(home, "coding", "merge", *map(str, sheets), "--final",
                           str(adjudication))}
    said["survey"] = iness(home, "survey", str(SURVEY), "--lang", "en")
    return {"home": home, "said": said, "before": before,
            "after": digests([*sheets, adjudication]), "pages": pages(home, SURVEY.stem)}


def test_merge_prints_alpha_per_variable_and_never_writes_into_the_sheets(coded):
    assert coded["before"] == coded["after"]
    folder = coded["home"] / "data" / "coding" / SURVEY.stem
    assert (folder / "codings.csv").is_file() and (folder / "reliability.csv").is_file()
    for variable in ("is_platform", "primary_category", "categories", "activities"):
        assert variable in coded["said"]["merge"]
    assert "alpha=" in coded["said"]["merge"]
    assert "Settled coding of example_survey" in coded["said"]["final"]


def test_report_shows_alpha_f1_on_the_survey_and_ppi_shares(coded):
    folder = coded["home"] / "data" / "coding" / SURVEY.stem
    reliability = pd.read_csv(folder / "reliability.csv")
    pooled = reliability.query("variable == 'categories' and target == 'all'")["alpha"].iloc[0]
    units = len(pd.read_csv(folder / "sample.csv"))
    issues, activities = coded["pages"]["02_social_issues"], coded["pages"]["03_key_activities"]
    # the coders' alpha per variable, as merge measured it
    assert "variable target n agreement kappa alpha" in issues
    assert f"Krippendorff's alpha {pooled:.2f} on the categories" in issues
    # the classifier measured on the survey's own coded units
    assert f"Cross-validated on this survey's {units} coded units" in issues
    assert "Cross-validated on this survey's" in activities
    for name, text in coded["pages"].items():
        # prediction-powered shares with their intervals, never labelled unvalidated
        assert "Prediction-powered (Angelopoulos et al. 2023)" in text, name
        assert "(prediction-powered," in text and "95 % CI" in text, name
        assert "unvalidated" not in text, name


def test_without_a_coding_the_classifier_is_unvalidated_and_no_ppi(tmp_path):
    home = make_home(tmp_path / "home")
    iness(home, "survey", str(SURVEY), "--lang", "en")
    for name, text in pages(home, SURVEY.stem).items():
        assert "The classifier is unvalidated on this survey" in text, name
        assert "prediction-powered" not in text.lower(), name

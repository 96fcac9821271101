"""Bad input, end to end: each broken file fails `iness build` or `iness survey`
with a non-zero exit and one line naming the file and the place, and leaves
nothing in data/processed/."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from iness import synthetic


@pytest.fixture(scope="module")
def good_survey(tmp_path_factory):
    return synthetic.write_survey(tmp_path_factory.mktemp("good"), scale=0.02, seed=5)


def truncate(path):
    path.write_bytes(path.read_bytes()[:-25])


def non_utf8(path):
    path.write_bytes(path.read_bytes().replace(b"Main Street", b"Main Stra\xdfe", 1))


def rename_column(path):
    text = path.read_text()
    path.write_text(text.replace("Organisation ID", "Org ID", 1))


def object_not_list(path):
    path.write_text(json.dumps({"organisations": json.loads(path.read_text())}))


def duplicate_id(path):
    records = json.loads(path.read_text())
    records[1]["project_id"] = records[0]["project_id"]
    path.write_text(json.dumps(records))


def empty(path):
    path.write_text("")


CASES = [
    ("wave2016/orgs.csv", truncate, ["orgs.csv", "row"]),
    ("wave2016/orgs.csv", non_utf8, ["orgs.csv", "line", "not UTF-8"]),
    ("wave2016/org-projects.csv", rename_column, ["org-projects.csv", "'Organisation ID'"]),
    ("wave2017/organisations2.json", object_not_list, ["organisations2.json", "list"]),
    ("wave2017/projects2.json", duplicate_id, ["projects2.json", "row 2", "'project_id'"]),
    ("wave2016/projects.csv", empty, ["projects.csv", "empty"]),
]


def run_iness(home, *args):
    env = {**os.environ, "INESS_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "iness.cli", *args], capture_output=True,
                          text=True, env=env)


def assert_clean_failure(result, expected, home):
    assert result.returncode == 1, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in expected:
        assert fragment in lines[0], (fragment, lines[0])
    assert "Traceback" not in result.stderr
    assert not (home / "data" / "processed").exists()


@pytest.mark.parametrize("name, corrupt, expected", CASES,
                         ids=[f"{c[1].__name__}-{c[0].split('/')[1]}" for c in CASES])
def test_broken_raw_file_fails_cleanly(good_survey, tmp_path, name, corrupt, expected):
    folder = tmp_path / "raw"
    shutil.copytree(good_survey, folder)
    corrupt(folder / name)
    home = tmp_path / "home"
    assert_clean_failure(run_iness(home, "build", "--raw-folder", str(folder)), expected, home)


def test_hash_mismatch_fails_cleanly(tmp_path, mirror):
    broken = tmp_path / "mirror"
    shutil.copytree(mirror, broken)
    path = broken / "wave2016" / "projects.csv"
    path.write_bytes(path.read_bytes().replace(b"open data", b"open date", 1))
    home = tmp_path / "home"
    env = {**os.environ, "INESS_HOME": str(home), "INESS_DATA_MIRROR": str(broken)}
    result = subprocess.run([sys.executable, "-m", "iness.cli", "fetch"], capture_output=True,
                            text=True, env=env)
    assert_clean_failure(result, ["wave2016/projects.csv", "expected 7620b552"], home)
    assert not (home / "data" / "raw" / "dsi4eu" / "wave2016" / "projects.csv").exists()


@pytest.mark.parametrize("row, expected", [
    ({"platform_id": "A", "platform_name": "Lab", "latitude": "north"},
     ["row 2, column 'latitude'", "expected a number"]),
    ({"platform_id": "A", "platform_name": "=cmd|' /C calc'!A0"},
     ["row 2, column 'platform_name'", "formula"]),
    ({"platform_id": "A", "platform_name": "Lab", "free_tags": "+33 1 23 45"},
     ["row 2, column 'free_tags'", "formula"]),
], ids=["wrong-type", "formula-equals", "formula-plus"])
def test_bad_survey_fails_cleanly(tmp_path, row, expected):
    import pandas as pd
    path = tmp_path / "my_survey.csv"
    pd.DataFrame([row]).to_csv(path, index=False)
    home = tmp_path / "home"
    result = run_iness(home, "survey", str(path))
    assert_clean_failure(result, ["my_survey.csv", *expected], home)

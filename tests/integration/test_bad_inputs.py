"""Bad input, end to end: each broken file fails `iness build` or `iness survey`
with a non-zero exit and one line naming the file and the place, and leaves
nothing in data/processed/."""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from iness.pipeline import raw, synthetic


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
    ({"platform_id": "A", "platform_name": "Lab", "country": "EU"},
     ["row 2, column 'country'", "European Union"]),
    ({"platform_id": "A", "platform_name": "Lab", "start_date": "2020-02-31"},
     ["row 2, column 'start_date'", "not a date"]),
], ids=["wrong-type", "ambiguous-country", "impossible-date"])
def test_bad_survey_fails_cleanly(tmp_path, row, expected):
    import pandas as pd
    path = tmp_path / "my_survey.csv"
    pd.DataFrame([row]).to_csv(path, index=False)
    home = tmp_path / "home"
    result = run_iness(home, "survey", str(path))
    assert_survey_failure(result, expected, home)


def assert_survey_failure(result, expected, home):
    """A survey's problems are listed one per line (issue 21): the first line names
    the file, how many and that nothing was written; each problem its row and column."""
    assert result.returncode == 1, result.stdout
    first, *problems = result.stderr.strip().splitlines()
    assert "my_survey.csv" in first and "1 problem(s); nothing was written" in first, first
    for fragment in expected:
        assert fragment in problems[0], (fragment, problems)
    assert "Traceback" not in result.stderr
    assert not (home / "data" / "processed").exists()


def test_formula_like_text_is_accepted(tmp_path):
    """'@firma' or '=cmd' is a name, not an error (issue 12); outputs neutralise it."""
    import pandas as pd
    path = tmp_path / "my_survey.csv"
    pd.DataFrame([{"platform_id": "A", "platform_name": "@firma"},
                  {"platform_id": "B", "platform_name": "=cmd|' /C calc'!A0"}]).to_csv(
        path, index=False)
    home = tmp_path / "home"
    out = tmp_path / "tables"
    result = run_iness(home, "survey", str(path), "--out", str(out), "--no-report")
    assert result.returncode == 0, result.stderr
    assert "'=cmd" in (out / "projects.csv").read_text()


def nul_bytes(path):
    path.write_bytes(path.read_bytes().replace(b"Main Street", b"Main\x00Street", 1))


def test_nul_bytes_are_refused(good_survey, tmp_path):
    folder = tmp_path / "raw"
    shutil.copytree(good_survey, folder)
    nul_bytes(folder / "wave2016/orgs.csv")
    home = tmp_path / "home"
    assert_clean_failure(run_iness(home, "build", "--raw-folder", str(folder)),
                         ["orgs.csv", "line", "1 NUL byte(s)", "damaged"], home)


def swap_coordinate_headers(path):
    header, rest = path.read_text(encoding="utf-8").split("\n", 1)
    header = header.replace("Latitude", "@").replace("Longitude", "Latitude").replace(
        "@", "Longitude")
    path.write_text(header + "\n" + rest, encoding="utf-8")


def test_swapped_coordinate_headers_stop_the_build(mirror, tmp_path):
    folder = tmp_path / "raw"
    shutil.copytree(mirror, folder, ignore=shutil.ignore_patterns("*.md"))
    swap_coordinate_headers(folder / "wave2016/orgs.csv")
    home = tmp_path / "home"
    result = run_iness(home, "build", "--raw-folder", str(folder))
    assert_clean_failure(result, ["orgs.csv", "column 'Latitude'", "outside their stated "
                                  "country", "swapped"], home)
    outside, located = map(lambda n: int(n.replace(",", "")), re.search(
        r"([\d,]+) of ([\d,]+) located records checked", result.stderr).groups())
    assert outside > located / 2


def test_real_files_raise_no_warning(mirror):
    assert raw.folder_warnings(mirror) == []


def test_changed_raw_files_are_named_with_what_changed(mirror, tmp_path):
    folder = tmp_path / "raw"
    shutil.copytree(mirror, folder, ignore=shutil.ignore_patterns("*.md"))
    links = folder / "wave2016/org-projects.csv"
    lines = links.read_text(encoding="utf-8").splitlines(keepends=True)
    links.write_text("".join(lines[:1802]), encoding="utf-8")  # header + 1,801 links
    orgs = folder / "wave2016/orgs.csv"
    with open(orgs, newline="", encoding="utf-8") as handle:
        records = list(csv.reader(handle))
    with open(orgs, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(
            [records[0] + ["Notes"]] + [record + [""] for record in records[1:]])
    notes = raw.folder_warnings(folder)
    assert len(notes) == 3, notes
    assert "orgs.csv: not the registered wave2016/orgs.csv" in notes[0]
    assert "orgs.csv: column(s) ['Notes'] not in the expected layout" in notes[1]
    assert "org-projects.csv: not the registered wave2016/org-projects.csv" in notes[2]
    assert "1,801 records where the registered file has 3,600 (1,799 fewer: cut short?)" \
        in notes[2]


# --- issue 25: files that try to reach outside, bombs, what is not a file ----------

def _marker_reaching_out(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "v.txt"
    victim.write_text("precious")
    (out / ".iness-output").write_text(f"../v.txt\n{victim}\n")
    (out / "a.csv").write_text("mine")
    return ["--out", str(out), "--no-report"], ["not made by iness"], [victim, out / "a.csv"]


def _xlsx_bomb(tmp_path):
    import importlib
    reading = importlib.import_module("test_safety_reading")
    path = reading.xlsx(tmp_path / "far.xlsx", reading.far_cells)
    return [str(path), "--no-report", "--out", str(tmp_path / "t")], \
        ["far.xlsx", "iness reads at most 5,000,000"], []


def _ods_bomb(tmp_path):
    import importlib
    reading = importlib.import_module("test_safety_reading")
    path = reading.ods(tmp_path / "rep.ods", rows=10_000_000, columns=16_384)
    return [str(path), "--no-report", "--out", str(tmp_path / "t")], \
        ["rep.ods", "sheet 'platforms'"], []


def _fifo(tmp_path):
    os.mkfifo(tmp_path / "pipe.csv")
    return [str(tmp_path / "pipe.csv"), "--no-report", "--out", str(tmp_path / "t")], \
        ["pipe.csv", "a named pipe"], []


@pytest.mark.parametrize("case", [_marker_reaching_out, _xlsx_bomb, _ods_bomb, _fifo])
def test_issue_25_inputs_fail_cleanly_and_touch_nothing(tmp_path, case):
    from iness.pipeline.own_survey import EXAMPLE_SURVEY
    sys.path.insert(0, str(Path(__file__).parents[1] / "unit"))
    arguments, expected, kept = case(tmp_path)
    if not arguments[0].startswith(str(tmp_path)) or arguments[0] == "--out":
        arguments = [str(EXAMPLE_SURVEY), *arguments]
    before = {path: path.read_bytes() for path in kept}
    result = run_iness(tmp_path / "home", "survey", *arguments)
    assert_clean_failure(result, expected, tmp_path / "home")
    assert {path: path.read_bytes() for path in kept} == before
    assert not (tmp_path / "t").exists()

"""Placeholder and repeated descriptions (issue 21 item 5): detected by rule,
``unusable_text`` in ``coding_status`` (so never classified) and counted."""
import pandas as pd
import pytest

import iness
from iness import build
from iness.pipeline.clean.placeholders import (REPEATED_MIN_NAMES, unusable_reasons,
                                               unusable_table)

BOILERPLATE = "This organisation is listed in the civic participation directory."


@pytest.fixture(autouse=True)
def no_classifier(monkeypatch):
    monkeypatch.setattr(build, "dsi4eu_projects", lambda: None)


def directory(tmp_path):
    rows = [("D1", "Decidim", "Free open-source participatory democracy for cities."),
            ("D2", "Consul", "No description"), ("D3", "Your Priorities", "Lorem ipsum dolor"),
            ("D4", "Loomio", "Loomio"), ("D5", "Pol.is", "-"),
            ("D6", "Civic A", BOILERPLATE), ("D7", "Civic B", BOILERPLATE),
            ("D8", "Civic C", BOILERPLATE),
            ("D9", "Twin", "A shared blurb of two sister projects."),
            ("D10", "Twin II", "A shared blurb of two sister projects."),
            ("D11", "Empty", "")]
    path = tmp_path / "directory.csv"
    pd.DataFrame(rows, columns=["platform_id", "platform_name", "description"]).to_csv(
        path, index=False)
    return path


def test_rules_and_the_threshold_of_repeated_texts(tmp_path):
    projects = iness.read_survey(directory(tmp_path))["projects"].set_index("project_id")
    reasons = unusable_reasons(projects)
    assert reasons.dropna().to_dict() == {
        "D2": "placeholder", "D3": "lorem_ipsum", "D4": "same_as_name", "D5": "no_letters",
        "D6": "repeated_text", "D7": "repeated_text", "D8": "repeated_text"}
    assert REPEATED_MIN_NAMES == 3  # two sister projects sharing a text stay usable
    status = projects["coding_status"]
    assert set(status[reasons.notna()]) == {"unusable_text"}
    assert status["D1"] == "not_coded" and status["D9"] == "not_coded"
    assert status["D11"] == "no_description"


def test_one_project_in_two_waves_is_not_a_repetition():
    projects = pd.DataFrame({"project_id": ["P", "P", "Q"], "wave": [2019, 2021, 2021],
                             "project_name": ["Goteo"] * 3,
                             "description": ["Crowdfunding for commons."] * 3})
    assert unusable_reasons(projects).isna().all()


def test_the_count_table(tmp_path):
    projects = iness.read_survey(directory(tmp_path))["projects"]
    table = unusable_table(projects).set_index("reason")
    assert table.loc["repeated_text", "projects"] == 3
    assert table["with_description"].unique().tolist() == [10]
    assert table.loc["placeholder", "examples"] == "No description"
    assert table["projects"].sum() == 7

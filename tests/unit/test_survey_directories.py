"""Synthetic stand-ins for three directories researchers publish (issue 21,
"done when"), in ``tests/data/surveys/``: a registry of digital public goods
with '/' and '&' in sector names and URLs in keyword cells, a directory of
civic-participation organisations in two waves with placeholder and repeated
descriptions and cities in its country column, and a tracker of public
platforms with several organisations per cell and a partners column. Each is
read with warnings, never refused."""
import warnings
from pathlib import Path

import pytest

import iness
from iness import build
from iness.pipeline.own_survey import SurveyWarning

CORPUS = Path(__file__).parents[1] / "data" / "surveys"


@pytest.fixture(autouse=True)
def no_classifier(monkeypatch):
    monkeypatch.setattr(build, "dsi4eu_projects", lambda: None)


def read(name):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tables = iness.read_survey(CORPUS / f"{name}.csv")
    return tables, [str(w.message) for w in caught if w.category is SurveyWarning]


def test_the_registry_with_slashes_ampersands_and_urls():
    tables, warned = read("registry")
    assert len(tables["projects"]) == 40 and warned == []
    assert {"digital/data/tech", "arts & culture"} <= set(tables["tags"]["raw_value"])
    assert {"PS", "GE", "BO"} <= set(tables["projects"]["country_code"])


def test_the_directory_with_placeholders_and_cities():
    tables, warned = read("directory")
    projects = tables["projects"]
    assert sorted(set(projects["wave"])) == [2022, 2024]
    assert any("name a city or region" in line for line in warned)
    assert any("name several countries" in line for line in warned)
    unusable = projects["coding_status"] == "unusable_text"
    # every "No description" and every copy of the boilerplate, in both waves
    assert unusable.sum() == projects["description"].str.startswith(
        ("No description", "This organisation is listed")).sum() == 16


def test_the_tracker_with_partners():
    tables, warned = read("tracker")
    links = tables["links"]
    assert set(links["role"].dropna()) == {"delivery-lead", "co-funder", "delivery-partner"}
    assert links.groupby("project_id").size().max() == 4
    assert warned == []

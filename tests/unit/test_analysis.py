"""Analyses count distinct platforms, multi-label, per wave."""
import pandas as pd
import pytest

from iness import analysis


def members(*rows):
    return pd.DataFrame([{"entity": "project", "entity_id": p, "wave": w, "target_id": t,
                          "subcategory_id": s, "via_facet": "area", "via_tag": "x"}
                         for p, w, t, s in rows])


PROJECTS = pd.DataFrame({"wave": [2016, 2016, 2016, 2017],
                         "project_id": ["p1", "p2", "p3", "q1"],
                         "project_name": ["a", "b", "c", "d"]})


def test_count_by_target_is_multi_label_and_per_wave():
    found = members(("p1", 2016, "education", None), ("p1", 2016, "health", None),
                    ("p1", 2016, "health", None), ("p2", 2016, "health", None),
                    ("q1", 2017, "health", None))
    counts = analysis.count_by_target(found, PROJECTS, "category").set_index(
        ["wave", "target_id"])
    assert counts.loc[(2016, "health"), "platforms"] == 2
    assert counts.loc[(2016, "health"), "share"] == pytest.approx(0.667)
    assert counts.loc[(2016, "education"), "share"] == pytest.approx(0.333)
    assert counts.loc[(2017, "health"), "share"] == 1.0
    assert counts.loc[(2016, "science"), "platforms"] == 0  # every target listed
    assert not counts.loc[(2016, "culture_arts"), "in_talk"]


def test_platforms_without_a_category_are_counted():
    found = members(("p1", 2016, "education", None), ("p1", 2016, "health", None))
    table = analysis.labels_per_platform(found, PROJECTS).query("wave == 2016")
    assert dict(zip(table["categories"], table["platforms"])) == {0: 2, 2: 1}


def test_cooccurrence_counts_platforms_in_both():
    found = members(("p1", 2016, "education", None), ("p1", 2016, "health", None),
                    ("p2", 2016, "health", None))
    together = analysis.cooccurrence(found, 2016)
    assert together.loc["education", "health"] == together.loc["health", "education"] == 1
    assert together.loc["health", "health"] == 2


def test_hybrid_needs_two_principles():
    principles = pd.DataFrame({"wave": 2016, "project_id": ["p1", "p1", "p2"],
                               "principle": ["market", "reciprocity", "market"],
                               "via": "x"})
    profile = analysis.principle_profile(principles, PROJECTS).set_index("project_id")
    assert profile.loc["p1", "is_hybrid"] and not profile.loc["p2", "is_hybrid"]
    assert profile.loc["p3", "principles"] == 0


def test_economic_principles_from_organisations_and_methods():
    links = pd.DataFrame({"wave": 2016, "project_id": ["p1", "p1", "p2"],
                          "org_id": ["o1", "o2", "o3"], "role": "delivery-lead"})
    orgs = pd.DataFrame({"wave": 2016, "org_id": ["o1", "o2", "o3"],
                         "org_type": ["business", "government", "social_enterprise"]})
    tags = pd.DataFrame({"entity": "project", "entity_id": ["p2"], "wave": 2016,
                         "facet": "tech_method", "tag": "peer-to-peer networks",
                         "raw_value": "online peer support"})
    found = analysis.economic_principles(PROJECTS, links, orgs, tags)
    by_project = found.groupby("project_id")["principle"].apply(set).to_dict()
    assert by_project == {"p1": {"market", "redistribution"}, "p2": {"reciprocity"}}


def test_funder_labels_are_checked():
    links = pd.DataFrame({"wave": 2016, "project_id": ["p1", "p1", "p2"],
                          "org_id": ["o1", "o1", "o2"],
                          "role": ["sole-funder", "co-funder", "co-funder"]})
    orgs = pd.DataFrame({"wave": 2016, "org_id": ["o1", "o2"], "org_type": ["business", None]})
    table = analysis.funder_structure(links, orgs).set_index("project_id")
    assert table.loc["p1", "mixes_sole_and_co"] and not table.loc["p2", "mixes_sole_and_co"]
    assert table.loc["p2", "only_one_co_funder"]
    assert table["funder_organisations"].tolist() == [1, 1]


def test_scaling_indicators_use_countries_and_levers():
    found = members(("p1", 2016, "technology_replication", None),
                    ("p1", 2016, "lever_a", None), ("p2", 2016, "lever_b", None))
    countries = pd.DataFrame({"wave": 2016, "project_id": ["p2", "p2"],
                              "country_code": ["FR", "ES"]})
    table = analysis.scaling_indicators(found, PROJECTS, countries).set_index("project_id")
    assert table.loc["p1", ["scaling_out", "geographical", "user_growth"]].tolist() == [
        True, False, True]
    assert table.loc["p2", "geographical"] and not table.loc["p3", "user_growth"]
    combos = analysis.strategy_combinations(table.reset_index(), 2016)
    assert combos["platforms"].sum() == 3


def test_wilson_interval_bounds():
    low, high = analysis.wilson_interval(0, 20)
    assert low == 0.0 and 0 < high < 0.2

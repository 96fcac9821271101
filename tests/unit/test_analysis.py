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


def test_wilson_interval_bounds():
    low, high = analysis.wilson_interval(0, 20)
    assert low == 0.0 and 0 < high < 0.2


def test_unread_values_are_counted_with_examples():
    organisations = pd.DataFrame({"org_name": ["A", "B", "C"],
                                  "country_flag": ["ok", "unknown_name", "unknown_name"],
                                  "start_date_precision": ["day", "unparsed", "missing"]})
    projects = pd.DataFrame({"project_name": ["P"], "coord_flag": ["missing"]})
    table = analysis.unread_values({"organisations": organisations, "projects": projects})
    rows = {(r.column, r.flag): (r.records, r.examples) for r in table.itertuples()}
    assert rows == {("country_flag", "unknown_name"): (2, "B; C"),
                    ("start_date_precision", "unparsed"): (1, "B")}


def test_share_by_group_gives_zero_not_nan_to_a_group_without_members():
    members = pd.DataFrame({"entity_id": ["p1"], "wave": [2024], "target_id": ["health"]})
    groups = pd.DataFrame({"wave": [2024, 2024], "project_id": ["p1", "p2"],
                           "country_code": ["FR", "DE"]})
    table = analysis.share_by_group(members, groups, "country_code", 2024, min_platforms=1)
    assert table.loc["DE"].drop("platforms").eq(0).all()
    assert table.loc["FR", "Health"] == 1.0


def test_wilson_intervals_are_scipys_to_the_last_bit():
    from scipy.stats import binomtest
    pairs = [(k, n) for n in range(1, 120) for k in range(n + 1)] + [(7, 2083), (1999, 2083)]
    low, high = analysis.wilson_intervals([k for k, _ in pairs], [n for _, n in pairs])
    for (k, n), mine in zip(pairs, zip(low, high)):
        theirs = binomtest(k, n).proportion_ci(0.95, method="wilson")
        assert mine == (theirs.low, theirs.high), (k, n)

"""Scaling indicators (notebook 05): both readings of « les 3 à la fois », one
indicator per piece of evidence, uninformative and unmeasurable indicators."""
import numpy as np
import pandas as pd
import pytest

from iness.notebook import figures
from iness.analysis import scaling
from iness.reference import taxonomy


def members(*rows):
    return pd.DataFrame([{"entity": "project", "entity_id": p, "wave": w, "target_id": t,
                          "subcategory_id": None, "via_facet": "crosswalk", "via_tag": "x"}
                         for p, w, t in rows])


PROJECTS = pd.DataFrame({"wave": [2016, 2016, 2016, 2017],
                         "project_id": ["p1", "p2", "p3", "q1"],
                         "project_name": ["a", "b", "c", "d"]})
NO_COUNTRIES = pd.DataFrame({"wave": [], "project_id": [], "country_code": []})


def test_indicators_use_countries_and_levers():
    found = members(("p1", 2016, "technology_replication"), ("p1", 2016, "lever_a"),
                    ("p2", 2016, "lever_b"))
    countries = pd.DataFrame({"wave": 2016, "project_id": ["p2", "p2"],
                              "country_code": ["FR", "ES"]})
    table = scaling.scaling_indicators(found, PROJECTS, countries).set_index("project_id")
    assert table.loc["p1", ["scaling_out", "geographical", "user_growth"]].tolist() == [
        True, False, True]
    assert table.loc["p2", "geographical"] and not table.loc["p3", "user_growth"]
    combos = scaling.strategy_combinations(table.reset_index(), 2016)
    assert combos["platforms"].sum() == 3 and (combos["n"] == 3).all()
    assert (combos["ci_low"] <= combos["share"]).all() and (combos["share"] <= combos["ci_high"]).all()


def test_the_two_readings_differ():
    # p1: the three levers but no other strategy; p2: the three strategies (one lever)
    found = members(("p1", 2016, "lever_a"), ("p1", 2016, "lever_b"), ("p1", 2016, "lever_c"),
                    ("p2", 2016, "technology_replication"),
                    ("p2", 2016, "geographical_implantation"), ("p2", 2016, "lever_c"))
    table = scaling.scaling_indicators(found, PROJECTS, NO_COUNTRIES)
    measurable = dict.fromkeys(scaling.READINGS, True)
    both = scaling.readings(table, 2016, measurable).set_index("indicator")
    assert both.loc["three_levers", "platforms"] == 1
    assert both.loc["three_strategies", "platforms"] == 1
    assert table.set_index("project_id").loc["p1", "three_levers"]
    assert not table.set_index("project_id").loc["p1", "three_strategies"]
    assert table.set_index("project_id").loc["p2", "three_strategies"]
    assert (both["n"] == 3).all()
    assert both.loc["three_levers", "ci_low"] < 1 / 3 < both.loc["three_levers", "ci_high"]


def test_status_rules():
    assert scaling.status_of(0, 10, False) == "not_measurable"
    assert scaling.status_of(3, 10, False) == "not_measurable"
    assert scaling.status_of(0, 10, True) == "empty"
    assert scaling.status_of(19, 20, True) == "saturated"
    assert scaling.status_of(18, 20, True) == "measured"


def test_not_measurable_is_never_a_zero():
    table = pd.DataFrame({"seen": [True, False, False], "unseen": [False, False, False]})
    out = scaling.shares(table, {"seen": True, "unseen": False},
                         {"seen": "Seen", "unseen": "Unseen"}).set_index("indicator")
    assert out.loc["unseen", "status"] == "not_measurable"
    assert np.isnan(out.loc["unseen", ["platforms", "share", "ci_low", "ci_high"]]
                    .astype(float)).all()
    words = scaling.readable(out.reset_index())
    unseen = words.iloc[1]
    assert unseen.iloc[1] == unseen.iloc[3] == "not measurable"   # platforms, share: words
    assert "0" not in f"{unseen.iloc[1]}{unseen.iloc[3]}"
    assert out.loc["seen", "share"] == pytest.approx(0.333)


def test_measurable_depends_on_the_wave_fields():
    only_free = scaling.measurable_practices({"free"})
    assert only_free["rewarding_active_users"]          # gamification is a free term
    no_free = scaling.measurable_practices({"area", "tech_method", "tech_focus"})
    assert not no_free["rewarding_active_users"]
    assert no_free["open_source"]                        # tech_method open-source technologies
    indicators = scaling.measurable_indicators({"area"}, has_organisation_pairs=True)
    assert indicators["geographical"] and not indicators["scaling_out"]
    assert not indicators["three_strategies"]


def test_survey_fields_ignore_a_stray_field():
    tags = pd.DataFrame({"entity": "project", "wave": 2017,
                         "entity_id": [f"q{i}" for i in range(40)] + ["q0"],
                         "facet": ["area"] * 40 + ["dsi_area"], "tag": "x", "raw_value": "x"})
    projects = pd.DataFrame({"wave": 2017, "project_id": [f"q{i}" for i in range(40)],
                             "project_type": None})
    fields = scaling.survey_fields(tags, projects)
    assert scaling.fields_present(fields, 2017) == {"area"}   # 1 of 40 < 5 %


def test_same_evidence_is_found_from_the_vectors():
    # two practices sharing the tag "social networks and social media", on the same platforms
    table = pd.DataFrame({"online_cafes_forums": [True] * 20 + [False] * 20,
                          "invite_audience_networks": [True] * 20 + [False] * 20,
                          "open_source": [True] * 20 + [False] * 20,   # same platforms, no shared term
                          "trainings": [True, False] * 20})
    groups = scaling.same_evidence_groups(table, table.columns)
    assert groups == [["online_cafes_forums", "invite_audience_networks"]]
    labels = taxonomy.label_of("practice")
    merged, names = scaling.merge_groups(table, groups, {c: labels[c] for c in table.columns})
    assert "online_cafes_forums+invite_audience_networks" in merged.columns
    assert "invite_audience_networks" not in merged.columns
    assert names["online_cafes_forums+invite_audience_networks"] == (
        f"{labels['online_cafes_forums']} = {labels['invite_audience_networks']}")
    overlaps = scaling.pair_overlaps(table, groups, labels)
    assert overlaps["shared_terms"].iloc[0] == "tech_method:social networks and social media"


def test_different_vectors_are_kept_apart():
    table = pd.DataFrame({"online_cafes_forums": [True] * 10 + [False] * 10,
                          "invite_audience_networks": [True] * 5 + [False] * 15})
    assert scaling.same_evidence_groups(table, table.columns) == []


def test_saturated_columns_are_not_grouped():
    table = pd.DataFrame({"online_cafes_forums": [True] * 20,
                          "invite_audience_networks": [True] * 20})
    assert scaling.same_evidence_groups(table, table.columns) == []


def test_prevalence_says_same_as_and_not_measurable():
    order = taxonomy.scaling_matrix().sort_values("order")["practice_id"]
    matrix = pd.DataFrame(False, index=range(40), columns=order)
    matrix.loc[:19, ["online_cafes_forums", "invite_audience_networks"]] = True
    matrix.loc[:9, "open_source"] = True
    can_see = {p: p != "rewarding_active_users" for p in order}
    groups = scaling.same_evidence_groups(matrix, matrix.columns)
    table = scaling.practice_prevalence(matrix, can_see, groups)
    assert table.loc["invite_audience_networks", "same_as"] == table.loc[
        "online_cafes_forums", "label"]
    assert table.loc["online_cafes_forums", "platforms"] == 20
    assert table.loc["rewarding_active_users", "status"] == "not_measurable"
    assert np.isnan(table.loc["rewarding_active_users", "share"])
    assert table.loc["trainings", "status"] == "empty"
    assert table.loc["open_source", "ci_low"] < 0.25 < table.loc["open_source", "ci_high"]
    words = scaling.readable(table.reset_index()).set_index(table.index)
    cafes, invite = table.loc["online_cafes_forums", "label"], table.loc[
        "invite_audience_networks", "label"]
    assert words.loc["online_cafes_forums", "Indicator"] == f"{cafes} = {invite}"
    assert words.loc["invite_audience_networks", "Share [95 % CI]"] == f"same evidence as {cafes}"
    assert words.loc["invite_audience_networks", "Platforms (projects)"] == ""
    assert words.loc["rewarding_active_users", "Share [95 % CI]"] == "not measurable"


def test_associations_only_where_evidence_differs():
    table = pd.DataFrame({"scaling_out": [True, True, False, False] * 10,
                          "lever_a": [True, False, True, False] * 10,
                          "geographical": [True, False, False, False] * 10})
    labels = {c: c for c in table.columns}
    usable = dict.fromkeys(table.columns, True)
    pairs = scaling.associations(table, list(table.columns), labels, usable)
    built_in = pairs.set_index(["first", "second"]).loc[("scaling_out", "lever_a")]
    assert built_in["shared_terms"] > 0 and np.isnan(built_in["share_with"])
    free = pairs.set_index(["first", "second"]).loc[("scaling_out", "geographical")]
    assert free["shared_terms"] == 0
    assert free["share_with"] == 0.5 and free["n_with"] == 20 and free["share_without"] == 0


def test_comparison_uses_only_common_fields():
    tags = pd.DataFrame({"entity": "project", "wave": [2016, 2016, 2017],
                         "entity_id": ["p1", "p1", "q1"],
                         "facet": ["tech_method", "dsi_area", "tech_method"],
                         "tag": ["open-source technologies", "new ways of making",
                                 "open-source technologies"],
                         "raw_value": "x"})
    table = scaling.comparable_indicators(tags, PROJECTS, NO_COUNTRIES, {"tech_method"})
    assert table.set_index("project_id").loc[["p1", "q1"], "scaling_out"].all()
    fields = scaling.survey_fields(tags, PROJECTS.assign(project_type=None))
    assert scaling.common_fields(fields, [2016, 2017]) == {"tech_method"}


def test_matrix_figure_draws_not_measurable_as_words():
    order = taxonomy.scaling_matrix().sort_values("order")["practice_id"]
    matrix = pd.DataFrame(False, index=range(40), columns=order)
    matrix.loc[:9, "open_source"] = True
    can_see = {p: p != "rewarding_active_users" for p in order}
    table = scaling.practice_prevalence(matrix, can_see, [])
    fig = figures.scaling_matrix_figure(table, lang="en")
    words = [t.get_text() for t in fig.axes[0].texts]
    assert words.count("not measurable") == 1
    assert not any(w.startswith("0%") and "empty" not in w for w in words)
    assert "n = 40" in fig.axes[0].get_title(loc="left") + fig.axes[0].get_title()


def test_strategies_sharing_a_crosswalk_term_are_a_forced_pair():
    crosswalk = pd.DataFrame({
        "framework": ["strategy", "practice", "strategy"],
        "target_id": ["technology_replication", "open_source", "geographical_implantation"],
        "facet": ["tech_method", "tech_method", "area"],
        "tag": ["open-source technologies", "open-source technologies", "international"]})
    terms = scaling.indicator_terms(crosswalk)
    assert terms["scaling_out"] & terms["user_growth"]   # open source sits in lever a
    pairs = scaling.shared_term_pairs(crosswalk=crosswalk)
    assert ("scaling_out", "user_growth") in pairs
    assert ("scaling_out", "geographical") not in pairs

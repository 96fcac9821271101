"""The frameworks load as tidy bilingual frames; every crosswalk row is sound;
memberships are joins."""
import pandas as pd
import pytest

from iness.reference import taxonomy
from iness.pipeline.clean import vocab


def test_eight_categories_and_outside_groups_in_two_languages():
    frame = taxonomy.categories()
    assert frame["in_talk"].sum() == 8
    assert frame.loc[frame["in_talk"], "category_id"].tolist() == [
        "civic_engagement", "data_transparency", "education", "finance", "sharing",
        "science", "health", "social_inclusion"]
    assert frame[["label_en", "label_fr", "explanation_en", "explanation_fr"]].notna().all().all()


@pytest.mark.parametrize("loader, key, count", [
    (taxonomy.activities, "activity_id", 5), (taxonomy.scaling_matrix, "practice_id", 16),
    (taxonomy.scaling_strategies, "strategy_id", 7), (taxonomy.weaknesses, "weakness_id", 7),
])
def test_frameworks_are_complete_and_bilingual(loader, key, count):
    frame = loader()
    assert len(frame) == count and frame[key].is_unique
    assert frame[["label_en", "label_fr"]].notna().all().all()


def test_matrix_cells_follow_the_talk():
    matrix = taxonomy.scaling_matrix().set_index("practice_id")
    assert matrix.loc["assigning_intermediaries", ["managing_expectations", "community_agency",
                                                  "network_management"]].tolist() == [
        "DEEPENING TRUST", "COMMUNITY ENGAGEMENT", "BETWEEN PLATFORM AND AUDIENCE"]
    assert matrix.loc["network_effect_strategy", "network_management"] == \
        "NETWORK EFFECT STRATEGY"
    assert matrix.loc["local_partnerships", "description_en"].startswith("Alliances with local")


def test_activity_patterns_draw_the_talk_diagrams():
    edges = taxonomy.activity_patterns()
    funding = edges[edges["activity_id"] == "crowdsourcing_crowdfunding"]
    backers = funding.groupby("source")["target"].apply(lambda s: sorted(s.dropna()))
    assert backers.to_dict() == {"a": ["e", "f", "h"], "b": ["h"], "c": [], "d": ["g"]}
    assert set(edges["activity_id"]) == set(taxonomy.activities()["activity_id"])


def test_every_crosswalk_row_names_a_known_tag_and_target():
    walk = taxonomy.crosswalk()
    labels = vocab.facet_labels()
    canonical = set(zip(labels["facet"], labels["tag"]))
    controlled = walk[walk["facet"] != taxonomy.FREE]
    unknown = [row for row in controlled.itertuples() if (row.facet, row.tag) not in canonical]
    assert unknown == []
    for framework in taxonomy.FRAMEWORKS:
        known = set(taxonomy.targets(framework)["target_id"])
        assert set(walk.loc[walk["framework"] == framework, "target_id"]) <= known, framework
    subcategories = set(zip(taxonomy.subcategories()["category_id"],
                            taxonomy.subcategories()["subcategory_id"]))
    with_sub = walk.dropna(subset=["subcategory_id"])
    assert set(zip(with_sub["target_id"], with_sub["subcategory_id"])) <= subcategories
    assert walk["justification"].notna().all()
    assert not walk.duplicated(subset=["facet", "tag", "framework", "target_id"]).any()


def test_free_terms_are_normalised():
    walk = taxonomy.crosswalk()
    free = walk.loc[walk["facet"] == taxonomy.FREE, "tag"]
    from iness.text import normalise_key
    assert (free == free.map(normalise_key)).all()


def tags(*rows):
    return pd.DataFrame(rows, columns=["entity", "entity_id", "wave", "facet", "tag",
                                       "raw_value"])


def test_memberships_are_a_join_with_the_term_named():
    frame = tags(("project", "p1", 2016, "area", "participation and democracy", "x"),
                 ("project", "p1", 2016, "area", "other", "Disability rights"),
                 ("project", "p2", 2016, "tech_focus", "open networks", "open networks"))
    terms = taxonomy.platform_terms(frame)
    found = taxonomy.memberships(terms, "category")
    assert found[["entity_id", "target_id", "subcategory_id", "via_tag"]].values.tolist() == [
        ["p1", "social_inclusion", "disability", "disability rights"]]
    # the tick-box area was dropped by the revision against the coding; the
    # crosswalk as it was before still has it
    before = taxonomy.memberships(terms, "category", taxonomy.crosswalk(include_dropped=True))
    assert "participation and democracy" in set(before["via_tag"])


def test_every_dropped_crosswalk_row_says_why():
    walk = taxonomy.crosswalk(include_dropped=True)
    assert set(walk["status"]) == {"kept", "dropped"}
    dropped = walk[walk["status"] == "dropped"]
    assert dropped["revision_note"].str.contains("precision|feeds two frameworks").all()
    assert len(taxonomy.crosswalk()) == len(walk) - len(dropped)


def test_levers_and_scaling_deep_come_from_the_matrix():
    practices = pd.DataFrame({
        "entity": "project", "entity_id": ["p1", "p1", "p2"], "wave": 2016,
        "target_id": ["assigning_intermediaries", "open_source", "open_source"],
        "subcategory_id": None, "via_facet": "x", "via_tag": "y"})
    levers = taxonomy.lever_memberships(practices)
    by_project = levers.groupby("entity_id")["target_id"].apply(set).to_dict()
    assert by_project == {"p1": {"lever_a", "lever_b", "lever_c", "scaling_deep"},
                          "p2": {"lever_a"}}

"""The talk's example platforms that are in DSI4EU land where the talk puts them."""
import pandas as pd
import pytest

from iness import taxonomy


@pytest.fixture(scope="module")
def found(tables):
    projects, links = tables["projects"], tables["links"]
    members = taxonomy.all_memberships(tables["tags"], projects)
    orgs = taxonomy.organisation_memberships(members, links)
    names = pd.concat([
        projects[["wave", "project_id", "project_name"]].set_axis(
            ["wave", "entity_id", "name"], axis=1).assign(entity="project"),
        tables["organisations"][["wave", "org_id", "org_name"]].set_axis(
            ["wave", "entity_id", "name"], axis=1).assign(entity="organisation")])
    return pd.concat([members, orgs]).merge(names, on=["entity", "wave", "entity_id"])


def targets_of(found, entity, name, framework):
    rows = found[(found["entity"] == entity) & (found["name"].str.lower() == name.lower())
                 & (found["framework"] == framework)]
    return {wave: set(group["target_id"]) for wave, group in rows.groupby("wave")}


@pytest.mark.parametrize("entity, name, framework, target", [
    ("project", "Wheelmap.org", "category", "data_transparency"),
    ("project", "Liquid Feedback", "category", "civic_engagement"),
    ("project", "The largest open database of companies in the world", "category",
     "data_transparency"),
    ("organisation", "OpenCorporates", "category", "data_transparency"),
    ("organisation", "Peerby.com", "category", "sharing"),
    ("organisation", "mySociety", "category", "civic_engagement"),
    ("project", "Open Food Facts database of food products in open data", "activity",
     "information_collection"),
    ("project", "OpenStreetMap", "practice", "information_entry"),
    ("project", "Wheelmap.org", "practice", "information_entry"),
    ("project", "Wheelmap.org", "practice", "open_source"),
    ("organisation", "Goteo", "practice", "open_source"),
])
def test_talk_examples_land_where_the_talk_puts_them(found, entity, name, framework, target):
    by_wave = targets_of(found, entity, name, framework)
    assert by_wave, f"{name} not found"
    for wave, targets in by_wave.items():
        assert target in targets, (wave, targets)


def test_where_the_data_disagrees_with_the_talk(found):
    # The talk files Wheelmap under data and transparency; DSI4EU's self-reported area is
    # participation and democracy, so it is also civic engagement. Both are kept.
    assert {"civic_engagement", "data_transparency"} <= targets_of(
        found, "project", "Wheelmap.org", "category")[2016]
    # Goteo (finance in the talk) is finance in 2016 through its project's type
    # ('investment and funding'); the 2017 dump has no project types and recodes
    # 'crowdfunding' into 'crowdsourcing, crowdmapping and crowdfunding', so in 2017
    # nothing says finance any more.
    goteo = targets_of(found, "organisation", "Goteo", "category")
    assert "finance" in goteo[2016] and "finance" not in goteo[2017]
    # OpenStreetMap (a matrix example for information entry) named no core area in 2016:
    # its categories come from free tags only (education, health).
    assert targets_of(found, "project", "OpenStreetMap", "category")[2016] >= {"education"}


def test_coverage_of_the_eight_categories(tables):
    coverage = taxonomy.coverage_report(tables)
    share = coverage.shares.set_index("framework").loc["category (the 8)", "share"]
    assert share >= 0.95, coverage.text
    assert len(coverage.uncategorised) == round((1 - share) * coverage.shares.iloc[0, 1])
    assert {"terms", "project_name"} <= set(coverage.uncategorised.columns)

"""The coding of DSI4EU, the codes table and the quality of each method, on the real build."""

from iness.store import codes
from iness.coding import reliability


def test_every_described_genuine_project_is_coded_or_listed_as_unusable(tables):
    projects = tables["projects"]
    genuine = projects[~projects["is_suspect"]]
    assert set(genuine["coding_status"]) <= {"coded", "unusable_text", "no_description"}
    assert (genuine["coding_status"] == "coded").sum() > 1000
    described = genuine["description"].fillna("").str.strip() != ""
    assert not described[genuine["coding_status"] == "no_description"].any()


def test_projects_without_a_usable_text_get_no_coded_or_classifier_rows(tables):
    projects, table = tables["projects"], tables["codes"]
    silent = projects.loc[projects["coding_status"] != "coded", ["wave", "project_id"]]
    read = table[table["method"].isin(["coded", "classifier"])]
    hits = read.merge(silent.rename(columns={"project_id": "entity_id"}),
                      on=["wave", "entity_id"])
    assert hits.empty


def test_coded_projects_have_platform_and_primary_category(tables):
    coded = tables["projects"][tables["projects"]["coding_status"] == "coded"]
    assert coded["is_platform"].notna().all() and coded["primary_category"].notna().all()
    assert 0.3 < coded["is_platform"].mean() < 0.7


def test_reliability_reaches_the_targets():
    table = reliability.intercoder(codes.codings()).set_index(["variable", "target"])
    assert table.loc[("categories", "all"), "alpha"] >= 0.8
    assert table.loc[("activities", "all"), "alpha"] >= 0.8
    assert table.loc[("is_platform", ""), "alpha"] >= 0.7


def test_every_unit_has_two_codings_and_a_settled_one():
    coding = codes.codings()
    per_unit = coding.groupby("unit_id")["coder"].apply(lambda c: tuple(sorted(c)))
    assert (per_unit == ("a", "b", "final")).all()
    final = codes.final_codings()
    assert final["reason"].str.len().gt(10).all()


def test_classifier_rows_are_out_of_fold_predictions_for_every_coded_project(tables):
    table = tables["codes"]
    coded = table.loc[table["method"] == "coded", ["wave", "entity_id"]].drop_duplicates()
    predicted = table.loc[table["method"] == "classifier", ["wave", "entity_id"]]
    assert len(coded.merge(predicted.drop_duplicates(), on=["wave", "entity_id"])) == len(coded)


def test_quality_shows_the_crosswalk_before_and_after(built):
    quality = built["quality"]
    before = quality.crosswalk_before.set_index(["framework", "target"])
    after = quality.crosswalk_after.set_index(["framework", "target"])
    assert after.loc[("category", "all"), "precision"] > before.loc[("category", "all"),
                                                                    "precision"]
    assert set(quality.classifier_cv["target"]) >= {"is_platform", "category:health"}
    assert "intercoder reliability" in quality.text

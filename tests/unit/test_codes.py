"""The codes table: methods, their precedence, what is never coded, agreement."""
import pandas as pd
import pytest

from iness.reference import codebook
from iness.store import codes
from iness.coding import reliability
from iness.store.survey import Survey


def _projects(*rows):
    """rows of (project_id, name, description, is_suspect)."""
    return pd.DataFrame({
        "project_id": [row[0] for row in rows], "wave": [2016] * len(rows),
        "project_name": [row[1] for row in rows], "description": [row[2] for row in rows],
        "is_suspect": [row[3] for row in rows]})


def _coding(*rows):
    """rows of (unit_id, usable, is_platform, categories, primary, activities)."""
    return pd.DataFrame({
        "unit_id": [r[0] for r in rows], "coder": "final",
        "usable": [r[1] for r in rows], "is_platform": [r[2] for r in rows],
        "categories": [r[3] for r in rows], "primary_category": [r[4] for r in rows],
        "activities": [r[5] for r in rows], "resources": [[] for _ in rows],
        "scope": ["local" for _ in rows], "confidence": ["high" for _ in rows],
        "reason": ["test" for _ in rows]})


PROJECTS = _projects(("p1", "Swap", "People swap toys online", False),
                     ("p2", "Nothing", None, False),
                     ("p3", "Vague", "Great things", False),
                     ("p4", "Spam", "buy essays", True))
UNIT = codebook.unit_key("Swap", "People swap toys online")
VAGUE = codebook.unit_key("Vague", "Great things")
CODING = _coding((UNIT, True, True, ["sharing"], "sharing", ["matching"]),
                 (VAGUE, False, None, [], None, []))


def _survey(table):
    empty = pd.DataFrame()
    return Survey(organisations=empty, projects=PROJECTS, links=empty, tags=empty,
                  ledger=empty, wave_matches=empty, codes=table)


def _row(entity_id, framework, target, method):
    return {"entity_id": entity_id, "wave": 2016, "framework": framework, "target_id": target,
            "subcategory_id": None, "method": method, "confidence": "low", "score": None,
            "evidence": "test"}


def test_same_name_and_text_is_one_unit():
    assert codebook.unit_key("Open Food Facts", "A  base") == codebook.unit_key(
        "OpenFoodFacts", "a base")
    assert codebook.unit_key("A", "text") != codebook.unit_key("A", "other text")


def test_coded_rows_come_only_from_usable_descriptions():
    found = codes.coded_codes(PROJECTS, CODING)
    assert set(found["entity_id"]) == {"p1"}
    categories = found[found["framework"] == "category"]
    assert categories["target_id"].tolist() == ["sharing"]
    assert found.loc[found["framework"] == "is_platform", "target_id"].tolist() == ["true"]


def test_a_project_without_description_is_never_coded():
    status = codes.coding_status(PROJECTS, CODING)
    assert status.tolist() == ["coded", "no_description", "unusable_text", "suspect"]
    assert "p2" not in set(codes.coded_codes(PROJECTS, CODING)["entity_id"])


def test_a_coded_platform_with_no_category_gets_an_explicit_none():
    coding = _coding((UNIT, True, False, [], "none", []))
    found = codes.coded_codes(PROJECTS, coding)
    assert found.loc[found["framework"] == "category", "target_id"].tolist() == ["none"]
    assert "activity" not in set(found["framework"])  # not coded for non-platforms


def test_best_method_per_platform_and_method_on_request():
    table = codes.tidy_codes([pd.DataFrame([
        _row("p1", "category", "sharing", "coded"),
        _row("p1", "category", "education", "crosswalk"),
        _row("p2", "category", "finance", "crosswalk"),
        _row("p3", "category", "health", "classifier"),
        _row("p3", "category", "science", "crosswalk"),
        _row("p4", "category", "none", "coded"),
        _row("p4", "category", "data_transparency", "crosswalk"),
    ])])
    survey = _survey(table)
    best = survey.members("category").set_index("entity_id")
    assert best["target_id"].to_dict() == {"p1": "sharing", "p2": "finance", "p3": "health"}
    assert best["method"].to_dict() == {"p1": "coded", "p2": "crosswalk", "p3": "classifier"}
    # p4 was coded with no category: measured, no membership, no fallback to the crosswalk
    measured = survey.measured("category")
    assert set(measured["entity_id"]) == {"p1", "p2", "p3", "p4"}
    assert measured.set_index("entity_id").loc["p4", "method"] == "coded"
    crosswalk = survey.members("category", method="crosswalk")
    assert set(crosswalk["entity_id"]) == {"p1", "p2", "p3", "p4"}
    with pytest.raises(ValueError, match="unknown method"):
        survey.members("category", method="guess")


def test_declared_beats_classifier_and_crosswalk():
    table = codes.tidy_codes([pd.DataFrame([
        _row("p1", "activity", "alerting", "crosswalk"),
        _row("p1", "activity", "matching", "declared"),
        _row("p1", "activity", "knowledge_brokerage", "classifier")])])
    assert _survey(table).members("activity")["method"].tolist() == ["declared"]


def test_project_columns_follow_the_best_method():
    table = codes.tidy_codes([pd.DataFrame([
        _row("p1", "is_platform", "true", "coded"), _row("p1", "is_platform", "false",
                                                         "classifier"),
        _row("p1", "primary_category", "sharing", "coded"),
        _row("p3", "is_platform", "false", "classifier")])])
    columns = codes.project_columns(PROJECTS, table)
    assert columns["is_platform"].tolist()[:3] == [True, pd.NA, False]
    assert columns["primary_category"].tolist()[0] == "sharing"


def test_method_agreement_counts_true_and_false_positives():
    reference = pd.DataFrame({"wave": 2016, "entity_id": ["a", "b", "c"],
                              "target_id": ["x", "none", "x"]})
    predicted = pd.DataFrame({"wave": 2016, "entity_id": ["a", "b", "b", "c"],
                              "target_id": ["x", "x", "y", "none"]})
    table = reliability.method_agreement(predicted, reference, ["x", "y"]).set_index("target")
    assert table.loc["x", ["true_positives", "predicted", "reference"]].tolist() == [1, 2, 2]
    assert table.loc["x", "f1"] == pytest.approx(0.5)
    assert table.loc["all", "precision"] == pytest.approx(1 / 3)


def test_intercoder_agreement_is_perfect_for_identical_codings_and_falls_with_changes():
    one = pd.concat([CODING.assign(coder="a"), CODING.assign(coder="b")])
    table = reliability.intercoder(one).set_index(["variable", "target"])
    assert table.loc[("usable", ""), "agreement"] == 1.0
    differing = _coding((UNIT, True, True, ["sharing", "health"], "sharing", []),
                        (VAGUE, True, False, [], "none", []))
    table = reliability.intercoder(pd.concat([CODING.assign(coder="a"),
                                              differing.assign(coder="b")]))
    usable = table.set_index(["variable", "target"]).loc[("usable", "")]
    assert usable["agreement"] == 0.5


def test_confidence_words_from_scores():
    assert [codes.confidence_of(s) for s in (0.95, 0.7, 0.2)] == ["high", "medium", "low"]


def _codings_file(tmp_path, **changes):
    row = {"unit_id": UNIT, "project_name": "Swap", "coder": "final", "usable": "true",
           "is_platform": "true", "categories": "sharing", "primary_category": "sharing",
           "activities": "matching", "resources": "", "scope": "local",
           "confidence": "high", "reason": "swaps toys"}
    path = tmp_path / "codings.csv"
    pd.DataFrame([{**row, "coder": "a"}, {**row, **changes}]).to_csv(path, index=False)
    return path


def test_a_codings_file_is_read_with_lists_and_booleans(tmp_path):
    found = codes.read_codings(_codings_file(tmp_path, categories="sharing;health"))
    final = codes.final_of(found)
    assert final["categories"].tolist() == [["sharing", "health"]]
    assert final["is_platform"].tolist() == [True] and final["activities"].tolist() == [
        ["matching"]]
    assert codes.coding_evidence(found) == {UNIT: f"unit {UNIT}; coders a; final: swaps toys"}


@pytest.mark.parametrize("change, where", [
    ({"usable": "yes"}, "row 3, column usable: 'yes' is not true, false or empty"),
    ({"scope": "galactic"}, "row 3, column scope: 'galactic' is not one of local"),
    ({"activities": "matching;juggling"}, "row 3, column activities: 'juggling' is not"),
    ({"coder": "a"}, "row 3, column unit_id: unit"),
])
def test_a_bad_codings_file_is_refused_in_one_line_naming_row_and_column(tmp_path, change,
                                                                        where):
    from iness.errors import InessError
    with pytest.raises(InessError, match="codings.csv, " + where.replace("(", r"\(")) as error:
        codes.read_codings(_codings_file(tmp_path, **change))
    assert "\n" not in str(error.value)


def test_evidence_of_the_crosswalk_joins_each_codes_tags_once_and_sorted():
    found = pd.DataFrame({"entity_id": ["p2", "p1", "p1", "p1"], "wave": [2016] * 4,
                          "framework": ["category"] * 4, "target_id": ["health"] * 4,
                          "subcategory_id": [""] * 4,
                          "evidence": ["area:b", "area:b", "area:a", "area:b"]})
    joined = codes.joined_evidence(found, ["entity_id", "wave", "framework", "target_id",
                                           "subcategory_id"])
    assert joined[["entity_id", "evidence"]].values.tolist() == [["p1", "area:a; area:b"],
                                                                 ["p2", "area:b"]]

"""Findings of notebooks 02 and 03: confidence strata, associations against the
complement with multiplicity control, codings compared, criterion validity."""
import numpy as np
import pandas as pd
import pytest

from iness.analysis import findings
from iness.store.survey import Survey


def _row(entity, framework, target, confidence="high", method="coded"):
    return {"entity_id": entity, "wave": 2016, "framework": framework, "target_id": target,
            "subcategory_id": None, "method": method, "confidence": confidence, "score": None,
            "evidence": f"unit {entity}"}


def _survey(rows, names):
    empty = pd.DataFrame()
    projects = pd.DataFrame({"project_id": names, "wave": 2016, "project_name": names})
    return Survey(organisations=empty, projects=projects, links=empty, tags=empty,
                  ledger=empty, wave_matches=empty, codes=pd.DataFrame(rows))


def _platform(name, categories, activities, confidence="high"):
    rows = [_row(name, "is_platform", "true", confidence),
            _row(name, "primary_category", categories[0] if categories else "none", confidence)]
    rows += [_row(name, "category", c, confidence) for c in categories or ["none"]]
    rows += [_row(name, "activity", a, confidence) for a in activities or ["none"]]
    return rows


def test_confident_only_drops_low_confidence_codings_and_keeps_other_methods():
    rows = (_platform("p1", ["health"], ["matching"]) + _platform("p2", [], [], "low")
            + [_row("p2", "category", "health", "low", "crosswalk")])
    survey = findings.confident_only(_survey(rows, ["p1", "p2"]))
    coded = survey.codes[survey.codes["method"] == "coded"]
    assert set(coded["entity_id"]) == {"p1"}
    assert (survey.codes["method"] == "crosswalk").sum() == 1


def test_none_row_counts_measured_platforms_without_an_activity():
    from iness import analysis
    rows = (_platform("p1", ["health"], ["matching"]) + _platform("p2", ["health"], [])
            + _platform("p3", ["finance"], ["matching", "alerting"]))
    survey = _survey(rows, ["p1", "p2", "p3"])
    shares = analysis.multilabel_shares(survey, "activity", method="coded")
    table = findings.with_none_row(shares, survey, "activity", "coded", "None of the five")
    none = table.set_index("target_id").loc["none"]
    assert (none["platforms"], none["n"], none["label"]) == (1, 3, "None of the five")


def test_risk_difference_against_complement_skips_definitional_overlaps():
    # finance platforms all crowdfund (an overlap by definition); health ones all match
    rows = []
    for i in range(12):
        rows += _platform(f"f{i}", ["finance"], ["crowdsourcing_crowdfunding"])
        rows += _platform(f"h{i}", ["health"], ["matching"])
        rows += _platform(f"e{i}", ["education"], ["information_collection"])
    names = [row["entity_id"] for row in rows if row["framework"] == "is_platform"]
    table = findings.risk_differences(_survey(rows, names), correction="holm").set_index(
        ["category_id", "activity_id"])
    overlap = table.loc[("finance", "crowdsourcing_crowdfunding")]
    assert overlap["overlap"] and not overlap["tested"] and np.isnan(overlap["p_adjusted"])
    health = table.loc[("health", "matching")]
    assert health["difference"] == pytest.approx(1.0)
    assert health["ci_low"] > 0.5 and health["p_adjusted"] < 0.001
    assert health["p_adjusted"] >= health["p_value"]
    # groups with no member are not tested (nothing to compare)
    assert not table.loc[("science", "matching"), "tested"]
    assert table.attrs["tests"] == int(table["tested"].sum())


def test_newcombe_interval_brackets_the_difference():
    low, high = findings.newcombe_interval([10], [20], [5], [40])
    assert low[0] < 0.5 - 0.125 < high[0]
    assert -1 <= low[0] and high[0] <= 1


def test_overlaps_file_names_codebook_values_with_a_reason_in_both_languages():
    from iness.reference import codebook
    table = findings.overlaps()
    assert len(table)
    for row in table.itertuples():
        assert row.value_a in codebook.allowed(row.variable_a)
        assert row.value_b in codebook.allowed(row.variable_b)
        assert row.reason_en and row.reason_fr
    assert findings.overlapping("activities", "matching", "categories", "sharing")


def _coding_file(tmp_path, rows, name="codings.csv"):
    columns = ["unit_id", "project_name", "coder", "usable", "is_platform", "categories",
               "primary_category", "activities", "resources", "scope", "confidence", "reason"]
    path = tmp_path / name
    pd.DataFrame(rows, columns=columns).to_csv(path, index=False)
    return path


def _unit(unit, coder, platform, categories, activities=""):
    primary = categories.split(";")[0] if categories else "none"
    return [unit, unit, coder, "true", platform, categories, primary, activities, "",
            "local", "high", "r"]


def test_coding_difference_pairs_the_same_units(tmp_path):
    rows = ([_unit(f"u{i}", "final", "true", "health" if i < 10 else "") for i in range(20)]
            + [_unit(f"u{i}", "c", "true", "health" if i < 14 else "") for i in range(20)])
    coding = findings.read_codings(_coding_file(tmp_path, rows))
    table = findings.coding_difference(findings.coder_rows(coding, "final"),
                                       findings.coder_rows(coding, "c")).set_index(
        ["variable", "target_id"])
    health = table.loc[("categories", "health")]
    assert (health["n"], health["share_reference"], health["share_other"]) == (20, 0.5, 0.7)
    assert health["difference"] == pytest.approx(0.2)
    assert health["ci_low"] < 0.2 < health["ci_high"]
    assert health["agreement"] == pytest.approx(0.8)
    none = table.loc[("primary_category", "none")]
    assert none["difference"] == pytest.approx(-0.2)


def test_recode_comparison_reads_coder_c_against_the_settled_coding(tmp_path):
    from iness.store import codes
    final = codes.final_codings().set_index("unit_id")
    units = final[final["usable"] == True].index[:30]  # noqa: E712
    rows = []
    for unit in units:
        record = final.loc[unit]
        rows.append([unit, record.project_name, "c", "true",
                     str(bool(record.is_platform)).lower(), "", "none", "", "", "local",
                     "low", "recoded"])
    table = findings.recode_comparison(_coding_file(tmp_path, rows)).set_index(
        ["variable", "target_id"])
    assert table.loc[("is_platform", "true"), "n"] == 30
    assert table.loc[("is_platform", "true"), "difference"] == 0
    # the recode coded no category: every category's share can only fall
    assert (table.xs("categories")["difference"] <= 0).all()


def test_read_codings_names_file_row_and_column_of_a_bad_value(tmp_path):
    rows = [_unit("u1", "final", "maybe", "")]
    from iness.errors import InessError
    with pytest.raises(InessError, match=r"row 2, column is_platform"):
        findings.read_codings(_coding_file(tmp_path, rows))


def test_criterion_validity_against_the_talks_placement(tmp_path):
    placements = findings.talk_placements()
    examples = placements[placements["categories"].map(len) > 0].index[:4]
    rows = []
    for i, unit in enumerate(examples):
        talk = placements.loc[unit, "categories"][0]
        rows.append(_unit(unit, "final", "true", talk if i < 3 else "science"))
    coding = findings.coder_rows(findings.read_codings(_coding_file(tmp_path, rows)))
    table = findings.criterion_validity(coding, placements, "categories")
    assert len(table) == (placements["categories"].map(len) > 0).sum()
    summary = findings.agreement_share(table)
    assert summary["agrees"] == 3 and summary["n"] == len(table)
    assert table.loc[~table["found"], "agrees"].eq(False).all()
    assert summary["ci_low"] < summary["share"] < summary["ci_high"]


def test_is_dsi4eu_is_a_condition_on_the_data():
    survey = _survey([], ["p1"])
    survey.projects["source_file"] = "wave2016/projects.csv"
    assert findings.is_dsi4eu(survey)
    survey.projects["source_file"] = "my_survey.csv"
    assert not findings.is_dsi4eu(survey)


def test_human_validation_scores_the_model_on_a_filled_sheet(tmp_path, monkeypatch):
    from iness.store import codes
    final = codes.final_codings()
    sample = final[(final["usable"] == True) & (final["is_platform"] == True)].head(40)  # noqa: E712
    rows = []
    for number, record in enumerate(sample.itertuples()):
        # the human agrees with the model except that she adds health to the first ten
        categories = list(record.categories) + (["health"] if number < 10 and
                                                "health" not in record.categories else [])
        rows.append([record.unit_id, record.project_name, "final", "true", "true",
                     ";".join(categories), categories[0] if categories else "none",
                     ";".join(record.activities), "", "local", "high", "human"])
    folder = tmp_path / "coding"
    folder.mkdir()
    _coding_file(folder, rows)
    monkeypatch.setattr(findings, "human_validation_file", lambda name="dsi4eu": folder /
                        "codings.csv")
    table = findings.human_validation().set_index(["variable", "target_id"])
    health = table.loc[("categories", "health")]
    added = sum("health" not in categories for categories in sample["categories"][:10])
    assert health["n"] == 40 and health["precision"] == 1.0
    assert health["recall"] == pytest.approx((health["share_human"] * 40 - added)
                                             / (health["share_human"] * 40))
    assert table.loc[("is_platform", "true"), "agreement"] == 1.0


def test_micro_f1_pools_counts_across_targets():
    rows = pd.DataFrame({"precision": [0.5, 1.0], "recall": [1.0, 0.5], "positives": [10, 20]})
    # target 1: tp 10, fp 10, fn 0; target 2: tp 10, fp 0, fn 10 -> 2*20 / (40 + 10 + 10)
    assert findings.micro_f1(rows) == pytest.approx(40 / 60)


def test_human_ppi_shares_correct_the_model_with_a_human_sample():
    """The model's codes stand for the classifier: where people find a category
    the model misses on a random sample, the PPI share rises above the model's."""
    import iness
    from iness.store import codes
    try:
        survey = iness.survey()
    except Exception as error:  # the DSI4EU tables are built by `iness build`
        pytest.skip(f"DSI4EU tables not built: {error}")
    final = codes.final_codings()
    usable = final[final["usable"] == True].sample(120, random_state=0)  # noqa: E712
    human = usable.copy()
    human["categories"] = [list(c) + (["health"] if "health" not in c else []) if p else list(c)
                           for c, p in zip(human["categories"], human["is_platform"])]
    table = findings.human_ppi_shares(survey, human).set_index(["framework", "target_id"])
    health = table.loc[("category", "health")]
    assert health["n"] == int((human["is_platform"] == True).sum())  # noqa: E712  (among platforms)
    assert health["sample_share"] > health["classifier_share"]
    assert health["ci_low"] > health["classifier_share"]
    platform = table.loc[("is_platform", "true")]
    assert platform["ci_low"] <= platform["classifier_share"] <= platform["ci_high"]

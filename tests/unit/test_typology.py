"""The typology: indicator rules, the latent class model, the bootstrap test and
the verdict, tiny inputs and the sampling cap."""
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from iness.analysis import typology
from iness.store.survey import Survey


def planted(rows: int = 300, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Two classes of equal size: 8 indicators, likely in one class, rare in the other."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 2, size=rows)
    high = np.where(np.arange(8) < 4, 0.8, 0.15)
    low = np.where(np.arange(8) < 4, 0.15, 0.8)
    chance = np.where(truth[:, None] == 0, high, low)
    return (rng.random((rows, 8)) < chance).astype(np.int64), truth


def independent(rows: int = 300, seed: int = 2) -> np.ndarray:
    rng = np.random.default_rng(seed)
    shares = np.linspace(0.1, 0.5, 8)
    return (rng.random((rows, 8)) < shares).astype(np.int64)


# --- indicator rules ------------------------------------------------------------

def test_phi_is_the_correlation_of_0_1_columns():
    rng = np.random.default_rng(0)
    table = pd.DataFrame(rng.integers(0, 2, size=(50, 3)), columns=list("abc"))
    assert np.allclose(typology.phi(table).to_numpy(), table.corr().to_numpy())


def test_screen_drops_rare_saturated_and_near_duplicates():
    n = 100
    base = np.r_[np.ones(40), np.zeros(60)].astype(np.int8)
    twin = base.copy()
    twin[0] = 0                                 # one platform differs: phi about 0.98
    rare = np.r_[np.ones(3), np.zeros(97)].astype(np.int8)
    saturated = np.r_[np.ones(97), np.zeros(3)].astype(np.int8)
    other = np.tile([1, 0], n // 2).astype(np.int8)     # unrelated to base
    table = pd.DataFrame({"activity:a": twin, "category:b": base, "category:rare": rare,
                          "category:full": saturated, "category:other": other,
                          "practice:copy": base, "scope": ["local"] * 50 + ["national"] * 50})
    decisions = typology.screen(table, from_tags={"practice"}).set_index("indicator")["decision"]
    assert decisions["category:rare"] == "left out: too rare"
    assert decisions["category:full"] == "left out: saturated"
    # the commoner of the two twins is kept; the tag-based copy goes even though it is as common
    assert decisions["category:b"] == "kept"
    assert decisions["activity:a"].startswith("left out: near-duplicate of category:b (phi 0.98")
    assert decisions["practice:copy"].startswith("left out: near-duplicate of category:b (phi 1.00")
    assert decisions["category:other"] == "kept"
    assert decisions["scope"] == "kept"


def test_phi_below_the_threshold_keeps_both():
    base = np.r_[np.ones(40), np.zeros(60)].astype(np.int8)
    close = base.copy()
    close[:8] = 0                               # phi about 0.88
    table = pd.DataFrame({"category:a": base, "category:b": close})
    coefficient = typology.phi(table).loc["category:a", "category:b"]
    assert 0.8 < coefficient < typology.DUPLICATE_PHI
    assert (typology.screen(table)["decision"] == "kept").all()


def test_top_pairs_lists_each_pair_once_largest_first():
    base = np.r_[np.ones(40), np.zeros(60)].astype(np.int8)
    table = pd.DataFrame({"category:a": base, "category:b": 1 - base,
                          "category:c": np.tile([1, 0], 50).astype(np.int8),
                          "category:constant": np.zeros(100, dtype=np.int8)})
    pairs = typology.top_pairs(table, table.columns.tolist(), top=10)
    assert pairs.iloc[0][["first", "second", "phi"]].tolist() == ["category:a", "category:b", -1.0]
    assert len(pairs) == 3                       # a-b, a-c, b-c; the constant column has no phi
    assert pairs["phi"].notna().all()


def test_encode_gives_integer_codes_and_one_hot_layout():
    table = pd.DataFrame({"category:a": [1, 0, 1], "scope": ["national", "local", "regional"]})
    codes = typology.encode(table)
    assert codes.tolist() == [[1, 1], [0, 0], [1, 2]]    # local 0, national 1, regional 2
    encoded, outcomes, total = typology.one_hot(codes)
    assert outcomes == 3 and total == 2 + 3
    assert encoded.shape == (3, 6)
    assert encoded.sum(axis=1).tolist() == [2, 2, 2]


# --- the model, the test and the verdict ------------------------------------------

def test_planted_two_classes_are_found_tested_stable_and_recovered():
    data, truth = planted()
    result = typology.run(data, replicates=24, resamples=5)
    assert result.verdict.best_classes == 2
    assert result.verdict.blrt_p == 0.04         # no replicate reaches the data's statistic
    assert result.verdict.stable and result.verdict.typology
    assert adjusted_rand_score(truth, result.classes) > 0.7


def test_independent_columns_give_no_typology():
    result = typology.run(independent(), replicates=9, resamples=5)
    assert not result.verdict.typology
    assert "fit" in result.verdict.failed() or "test" in result.verdict.failed()


def test_one_strong_pair_beats_one_class_but_is_not_a_typology():
    """The 07 finding in small: two indicators that go together may lower the BIC, but
    they are one association, not types: no typology."""
    rng = np.random.default_rng(5)
    rows = 200
    pair = (rng.random(rows) < 0.2).astype(np.int64)
    twin = np.where(rng.random(rows) < 0.85, pair, 1 - pair)
    noise = (rng.random((rows, 6)) < np.linspace(0.1, 0.4, 6)).astype(np.int64)
    verdict = typology.run(np.column_stack([pair, twin, noise]), replicates=9,
                           resamples=10).verdict
    assert not verdict.typology


def test_verdict_needs_all_three_conditions():
    real = pd.DataFrame({"classes": [1, 2, 3], "bic": [100.0, 90.0, 95.0],
                         "icl": [100.0, 120.0, 130.0]})
    test = {"p_value": 0.01, "replicates": 99}
    stable, unstable = pd.Series([0.9, 0.95, 0.85]), pd.Series([0.3, 0.9, 0.4])
    assert typology.decide(real, test, stable).typology
    assert typology.decide(real, test, unstable).failed() == ["stability"]
    assert typology.decide(real, {"p_value": 0.2, "replicates": 99}, stable).failed() == ["test"]
    one = real.assign(bic=[80.0, 90.0, 95.0])
    assert typology.decide(one, None, None).failed() == ["fit", "test", "stability"]
    assert typology.decide(real, test, stable).icl_classes == 1


def test_the_em_gives_stepmix_likelihoods():
    from stepmix.stepmix import StepMix
    data, _ = planted(rows=200)
    ours = typology.fit_classes(data, 2, n_init=10)
    theirs = StepMix(n_components=2, measurement="binary", n_init=10, random_state=0,
                     progress_bar=0, verbose=0).fit(data.astype(float))
    assert ours.log_likelihood(data) == pytest.approx(theirs.score(data.astype(float))
                                                      * len(data), abs=0.1)
    assert ours.bic(data) == pytest.approx(theirs.bic(data.astype(float)), abs=0.2)


def test_missing_values_are_left_out_not_a_category():
    table = pd.DataFrame({"category:a": [1, 0, 1, 0],
                          "scope": ["local", "not_stated", "national", "local"]})
    codes = typology.encode(table)
    assert codes[:, 1].tolist() == [0, -1, 1, 0]
    encoded, outcomes, _ = typology.one_hot(codes)
    assert np.isnan(encoded[1, outcomes:]).all() and not np.isnan(encoded[0]).any()
    data, _ = planted(rows=200)
    holes = data.copy()
    holes[::7, 3] = -1
    model = typology.fit_classes(holes, 2, n_init=5)
    assert np.isfinite(model.log_likelihood(holes))
    assert model.n_parameters == 1 + 2 * 8


def test_definitional_pairs_are_merged():
    table = pd.DataFrame({"category:finance": [1, 0, 0, 1], "category:health": [0, 1, 0, 0],
                          "activity:crowdsourcing_crowdfunding": [1, 1, 0, 0]})
    merged, notes = typology.merge_overlaps(table)
    column = "category:finance|activity:crowdsourcing_crowdfunding"
    assert merged.columns.tolist() == [column, "category:health"]
    assert merged[column].tolist() == [1, 1, 0, 1]
    assert notes.iloc[0][["first_platforms", "second_platforms", "both"]].tolist() == [2, 2, 1]
    assert typology.indicator_label(column) == \
        "Category: Finance or Key activity: Crowdsourcing, crowdfunding"


def test_simulated_data_follow_the_model():
    data, _ = planted(rows=300)
    model = typology.fit_classes(data, 2, n_init=5)
    drawn = model.simulate(20_000, np.random.default_rng(0))
    assert drawn.shape == (20_000, 8) and set(np.unique(drawn)) == {0, 1}
    assert np.allclose(drawn.mean(axis=0), data.mean(axis=0), atol=0.05)


def test_search_over_k_stops_after_patience():
    table = typology.criteria(independent(), patience=2, n_init=5)
    assert table["classes"].tolist() == [1, 2, 3]


# --- tiny inputs and scale ------------------------------------------------------------

@pytest.mark.parametrize("rows", [1, 5, 10])
def test_tiny_surveys_are_not_enough(rows):
    assert not typology.enough_platforms(rows)


def test_tiny_data_does_not_crash():
    with pytest.raises(ValueError, match="at least 2 platforms, got 1"):
        typology.run(np.array([[1, 0, 1]]))
    result = typology.run(independent(rows=5), replicates=2, resamples=2)
    assert len(result.classes) == 5
    assert result.real["classes"].max() <= 5


def test_sample_rows_caps_the_fit_with_a_fixed_seed():
    chosen = typology.sample_rows(50_000, cap=5000, seed=0)
    assert len(chosen) == 5000 == len(np.unique(chosen))
    assert (np.diff(chosen) > 0).all()
    assert (chosen == typology.sample_rows(50_000, cap=5000, seed=0)).all()
    assert (typology.sample_rows(300, cap=5000) == np.arange(300)).all()


def test_large_data_is_fitted_on_the_sample_and_assigned_whole():
    data, truth = planted(rows=3000)
    result = typology.run(data, replicates=2, resamples=2, cap=400)
    assert result.fitted_rows == 400
    assert len(result.classes) == 3000
    assert adjusted_rand_score(truth, result.classes) > 0.7


# --- from a survey -----------------------------------------------------------------

def _row(entity_id, framework, target, method="coded"):
    return {"entity_id": entity_id, "wave": 2016, "framework": framework, "target_id": target,
            "subcategory_id": None, "method": method, "confidence": "high", "score": None,
            "evidence": "test"}


def test_indicator_table_uses_platforms_measured_for_every_framework():
    rows = [_row("p1", "is_platform", "true"), _row("p2", "is_platform", "true"),
            _row("p3", "is_platform", "false"), _row("p4", "is_platform", "true"),
            _row("p1", "category", "health"), _row("p2", "category", "none"),
            _row("p3", "category", "education"), _row("p4", "category", "sharing"),
            _row("p1", "activity", "matching"), _row("p2", "activity", "alerting"),
            _row("p1", "scope", "local"), _row("p2", "scope", "not_stated"),
            _row("p1", "practice", "trainings", "crosswalk")]
    empty = pd.DataFrame()
    projects = pd.DataFrame({"project_id": ["p1", "p2", "p3", "p4"], "wave": 2016,
                             "project_name": list("abcd")})
    survey = Survey(organisations=empty, projects=projects, links=empty, tags=empty,
                    ledger=empty, wave_matches=empty, codes=pd.DataFrame(rows))
    table, sources = typology.indicator_table(survey, 2016)
    # p3 is not a platform; p4 has no activity or scope measured
    assert table.index.tolist() == ["p1", "p2"]
    assert table.loc["p1", "category:health"] == 1 and table.loc["p2", "category:health"] == 0
    assert table.loc["p2", "activity:alerting"] == 1
    assert table["scope"].tolist() == ["local", "not_stated"]
    assert sources.set_index("framework").loc["resource", "used"] == False  # noqa: E712
    tags, tag_sources = typology.indicator_table(survey, 2016, typology.TAG_FRAMEWORKS)
    assert tags.index.tolist() == ["p1"] and bool(tag_sources["from_tags"].iloc[0])


def test_class_sizes_and_profiles_carry_intervals_and_n():
    table = pd.DataFrame({"category:health": [1, 1, 0, 0],
                          "scope": ["local", "local", "national", "local"]})
    classes = np.array([0, 0, 1, 1])
    sizes = typology.class_sizes(classes)
    assert sizes["platforms"].tolist() == [2, 2] and (sizes["n"] == 4).all()
    assert (sizes["ci_low"] < sizes["share"]).all()
    profile = typology.profiles(table, classes)
    row = profile[(profile["class"] == "class 1") & (profile["indicator"] == "category:health")]
    assert row[["platforms", "n", "share"]].iloc[0].tolist() == [2, 2, 1.0]
    assert row["label"].iloc[0] == "Category: Health"
    assert set(profile.loc[profile["indicator"] == "scope", "value"]) == {"local", "national"}

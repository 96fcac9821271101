"""Prediction-powered shares (iness.analysis.ppi): the statistics proved on
synthetic surveys whose true shares are known, with a deliberately biased
classifier, and the survey's units read from a codes table."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from iness.analysis import ppi, wilson_interval
from iness.errors import RawDataError

REPLICATES = 2000
#: the issue's band for a 95 % coverage (about ±4 standard errors over REPLICATES runs)
COVERAGE = (0.93, 0.97)


# --- synthetic surveys ----------------------------------------------------------

def classify(rng, truth, recall, false_positive):
    """A classifier that finds ``recall`` of the true ones and calls
    ``false_positive`` of the others positive."""
    draw = rng.random(len(truth))
    return np.where(truth == 1, draw < recall, draw < false_positive).astype(float)


def stratum(rng, weight, size, sampled, share, recall=0.85, false_positive=0.30,
            platform=1.0, platform_recall=1.0, platform_false=0.0):
    """One stratum of ``size`` units drawn from a population where ``platform``
    of the units are platforms and ``share`` of the platforms have the target;
    ``sampled`` of them, at random, are coded."""
    b = (rng.random(size) < platform).astype(float)
    a = b * (rng.random(size) < share)
    f_b = classify(rng, b, platform_recall, platform_false) if platform < 1 else np.ones(size)
    f_a = f_b * classify(rng, a, recall, false_positive)
    coded = rng.permutation(size)[:sampled]
    return ppi.Stratum(weight=weight, population=size, y_a=a[coded], y_b=b[coded],
                       f_a=f_a[coded], f_b=f_b[coded], all_a=f_a, all_b=f_b)


def simulate(make, truth, replicates=REPLICATES, seed=20):
    """Coverage and mean width of the PPI, coded-sample-only and
    classifier-only intervals over ``replicates`` surveys made by ``make(rng)``."""
    rng = np.random.default_rng(seed)
    hits = {"ppi": 0, "sample": 0, "classifier": 0}
    widths = {"ppi": 0.0, "sample": 0.0}
    for _ in range(replicates):
        strata = make(rng)
        estimate = ppi.ratio_estimate(strata)
        total = sum(s.population for s in strata)
        _, low, high = ppi.ppi_interval(estimate, estimate.denominator * total)
        sample = ppi.ratio_estimate(strata, lam=0.0)
        _, s_low, s_high = ppi.effective_wilson(sample, sum(s.y_b.sum() for s in strata))
        count = sum(s.all_a.sum() for s in strata)
        predicted = sum(s.all_b.sum() for s in strata)
        c_low, c_high = wilson_interval(int(count), int(predicted))
        hits["ppi"] += low <= truth <= high
        hits["sample"] += s_low <= truth <= s_high
        hits["classifier"] += c_low <= truth <= c_high
        widths["ppi"] += (high - low) / replicates
        widths["sample"] += (s_high - s_low) / replicates
    return {name: count / replicates for name, count in hits.items()}, widths


def check(coverage, widths):
    assert COVERAGE[0] <= coverage["ppi"] <= COVERAGE[1], coverage
    assert COVERAGE[0] <= coverage["sample"] <= COVERAGE[1], coverage
    assert coverage["classifier"] < 0.5, coverage      # biased: it misses systematically
    assert widths["ppi"] < 0.95 * widths["sample"], widths


# --- coverage -------------------------------------------------------------------

def test_simple_random_sample_covers_and_is_narrower():
    """20 % have the target; the classifier calls 30 % of the others positive
    (it says 41 %). 200 of 2,000 units coded."""
    coverage, widths = simulate(lambda rng: [stratum(rng, 1.0, 2000, 200, 0.2, recall=0.9)],
                                truth=0.2)
    check(coverage, widths)


def test_stratified_design_with_unequal_fractions_covers():
    """Stratum A: 1,500 units, 20 % true, 100 coded (7 %); stratum B: 500 units,
    50 % true, 150 coded (30 %). The truth is the weighted 27.5 %; the
    unweighted coded sample would say about 38 %."""
    def make(rng):
        return [stratum(rng, 0.75, 1500, 100, 0.2, recall=0.9),
                stratum(rng, 0.25, 500, 150, 0.5, recall=0.9)]
    coverage, widths = simulate(make, truth=0.75 * 0.2 + 0.25 * 0.5)
    check(coverage, widths)


def test_share_among_estimated_platforms_covers():
    """60 % of units are platforms (the classifier finds 90 % of them and calls
    20 % of the others platforms); 25 % of platforms have the target (30 %
    false positives). The share among platforms is a ratio of two PPI estimates."""
    def make(rng):
        return [stratum(rng, 1.0, 2000, 300, 0.25, recall=0.9, platform=0.6,
                        platform_recall=0.9, platform_false=0.2)]
    coverage, widths = simulate(make, truth=0.25)
    check(coverage, widths)


def test_stratified_ratio_covers():
    def make(rng):
        return [stratum(rng, 0.8, 1600, 150, 0.2, recall=0.9, platform=0.5,
                        platform_recall=0.9, platform_false=0.2),
                stratum(rng, 0.2, 400, 120, 0.6, recall=0.9, platform=0.8,
                        platform_recall=0.9, platform_false=0.2)]
    truth = (0.8 * 0.5 * 0.2 + 0.2 * 0.8 * 0.6) / (0.8 * 0.5 + 0.2 * 0.8)
    coverage, widths = simulate(make, truth=truth)
    check(coverage, widths)


def test_a_useless_classifier_does_not_widen_the_interval():
    """A classifier that guesses at random (as likely positive on every unit):
    power tuning falls back towards the coded sample; the paper's lam = 1
    would add the classifier's noise."""
    def make(rng):
        return [stratum(rng, 1.0, 2000, 200, 0.2, recall=0.5, false_positive=0.5)]
    coverage, widths = simulate(make, truth=0.2, replicates=400)
    assert widths["ppi"] < 1.05 * widths["sample"], widths
    untuned = []
    rng = np.random.default_rng(7)
    for _ in range(100):
        strata = make(rng)
        untuned.append(ppi.ratio_estimate(strata, 1.0).variance
                       / ppi.ratio_estimate(strata, 0.0).variance)
    assert np.mean(untuned) > 1.5


# --- exact cases ----------------------------------------------------------------

def perfect(size=1000, sampled=100, share=0.3, seed=1):
    rng = np.random.default_rng(seed)
    a = (rng.random(size) < share).astype(float)
    coded = rng.permutation(size)[:sampled]
    ones = np.ones(size)
    return [ppi.Stratum(1.0, size, a[coded], ones[coded], a[coded], ones[coded], a, ones)]


def test_no_classifier_error_gives_the_classifier_share_with_a_narrow_interval():
    strata = perfect()
    estimate = ppi.ratio_estimate(strata)
    share, low, high = ppi.ppi_interval(estimate, 1000)
    assert share == pytest.approx(strata[0].all_a.mean(), abs=1e-12)
    whole_low, whole_high = wilson_interval(int(strata[0].all_a.sum()), 1000)
    assert (low, high) == pytest.approx((whole_low, whole_high), abs=2e-3)
    sample = ppi.effective_wilson(ppi.ratio_estimate(strata, 0.0), 100)
    assert high - low < 0.4 * (sample[2] - sample[1])


def test_lambda_zero_is_the_wilson_interval_of_the_coded_sample():
    strata = perfect()
    k = int(strata[0].y_a.sum())
    share, low, high = ppi.effective_wilson(ppi.ratio_estimate(strata, 0.0), 100)
    assert share == pytest.approx(k / 100)
    assert (round(low, 3), round(high, 3)) == wilson_interval(k, 100)


def test_ratio_with_lambda_zero_is_the_wilson_interval_among_coded_platforms():
    rng = np.random.default_rng(3)
    strata = [stratum(rng, 1.0, 500, 120, 0.3, platform=0.5, platform_recall=0.8,
                      platform_false=0.1)]
    platforms, k = int(strata[0].y_b.sum()), int(strata[0].y_a.sum())
    share, low, high = ppi.effective_wilson(ppi.ratio_estimate(strata, 0.0), platforms)
    assert share == pytest.approx(k / platforms)
    assert (round(low, 3), round(high, 3)) == wilson_interval(k, platforms)


def test_everything_coded_gives_the_coded_share_whatever_the_classifier():
    rng = np.random.default_rng(4)
    strata = [stratum(rng, 1.0, 300, 300, 0.2)]
    estimate = ppi.ratio_estimate(strata)
    assert estimate.share == pytest.approx(strata[0].y_a.mean())
    assert estimate.variance == pytest.approx(np.var(strata[0].y_a) / 300)


def test_one_stratum_split_in_two_identical_halves_changes_nothing():
    whole = perfect(size=1000, sampled=100)[0]
    halves = [ppi.Stratum(0.5, 500, whole.y_a, whole.y_b, whole.f_a, whole.f_b,
                          whole.all_a, whole.all_b)] * 2
    one, two = ppi.ratio_estimate([whole], 1.0), ppi.ratio_estimate(halves, 1.0)
    assert two.share == pytest.approx(one.share)


def test_a_stratum_without_coded_units_gives_no_estimate():
    strata = perfect() + [ppi.Stratum(0.5, 10, *(np.array([]),) * 4, np.zeros(10),
                                      np.ones(10))]
    assert np.isnan(ppi.ratio_estimate(strata).share)
    assert all(np.isnan(ppi.ppi_interval(ppi.ratio_estimate(strata), 10)))


def test_no_coded_platform_gives_no_share_among_platforms():
    rng = np.random.default_rng(6)
    [s] = [stratum(rng, 1.0, 200, 20, 0.3, platform=0.5, platform_recall=0.8,
                   platform_false=0.1)]
    none = ppi.Stratum(1.0, 200, s.y_a * 0, s.y_b * 0, s.f_a, s.f_b, s.all_a, s.all_b)
    assert np.isnan(ppi.ratio_estimate([none]).share)
    assert all(np.isnan(ppi.effective_wilson(ppi.ratio_estimate([none], 0.0), 0)))


def test_tuned_lambda_is_the_clipped_regression_coefficient():
    assert ppi.tuned_lambda(np.array([0., 1, 1, 0]), np.array([1., 1, 1, 1])) == 0.0
    assert ppi.tuned_lambda(np.array([0., 1, 1, 0]), np.array([1., 0, 0, 1])) == 0.0
    assert ppi.tuned_lambda(np.array([0., 2, 2, 0]), np.array([0., 1, 1, 0])) == 1.0
    assert ppi.tuned_lambda(np.array([0., 1, 0, 0]), np.array([0., 1, 1, 0])) == 0.5


def test_matches_ppi_py_where_the_settings_meet():
    """The point estimate is ppi_py's with the predictions of every unit as the
    unlabelled set; with few coded units among many, the variance is the paper's."""
    from ppi_py import ppi_mean_ci, ppi_mean_pointestimate
    rng = np.random.default_rng(5)
    [s] = [stratum(rng, 1.0, 100_000, 300, 0.2)]
    for lam in (1.0, 0.4):
        ours = ppi.ratio_estimate([s], lam)
        theirs = ppi_mean_pointestimate(s.y_a, s.f_a, s.all_a, lam=lam)
        assert ours.share == pytest.approx(float(np.ravel(theirs)[0]), abs=1e-12)
        low, high = ppi_mean_ci(s.y_a, s.f_a, s.all_a, alpha=0.05, lam=lam)
        half = ppi.Z_95 * np.sqrt(ours.variance)
        assert 2 * half == pytest.approx(float(np.ravel(high)[0] - np.ravel(low)[0]), rel=0.01)


# --- a survey's units ------------------------------------------------------------

def tiny_survey(units=40, coded=12, unusable=2):
    """Projects (one per unit, one wave) and a codes table: every unit predicted
    a platform in ``sharing``; the first ``coded`` read, ``unusable`` of them unusable,
    the usable ones coded platforms in ``sharing`` one time in two."""
    ids = [f"p{i:02d}" for i in range(units)]
    status = (["unusable_text"] * unusable + ["coded"] * (coded - unusable)
              + ["not_coded"] * (units - coded))
    projects = pd.DataFrame({"project_id": ids, "wave": 2020,
                             "project_name": [f"Platform {i}" for i in range(units)],
                             "description": [f"Text number {i}" for i in range(units)],
                             "coding_status": status})
    rows = []
    for i, project in enumerate(ids):
        rows += [(project, "is_platform", "true", "classifier"),
                 (project, "category", "sharing", "classifier")]
        if status[i] == "coded":
            target = "sharing" if i % 2 else "none"
            rows += [(project, "is_platform", "true", "coded"),
                     (project, "category", target, "coded")]
    codes = pd.DataFrame(rows, columns=["entity_id", "framework", "target_id", "method"])
    return projects, codes.assign(wave=2020)


def unit_ids(projects):
    from iness.reference import codebook
    return codebook.coding_units(projects)["unit_id"]


def test_survey_units_reads_coded_unusable_and_predicted_units():
    projects, codes = tiny_survey()
    units = ppi.survey_units(codes, projects)
    assert len(units) == 40 and units["coded"].sum() == 12
    read = units[units["coded"]]
    assert read["y_usable"].sum() == 10
    assert (read.loc[read["y_usable"] == 0, "y_category:sharing"] == 0).all()
    assert units.loc[~units["coded"], "y_category:sharing"].isna().all()
    assert (units["f_category:sharing"] == 1).all() and (units["f_usable"] == 1).all()
    assert set(units["stratum"]) == {ppi.ALL}


def test_share_table_of_a_tiny_survey():
    projects, codes = tiny_survey()
    units = ppi.survey_units(codes, projects)
    table = ppi.share_table(units, ppi.simple_design(units))
    assert list(table.columns) == ppi.SHARE_COLUMNS
    assert len(table) == sum(len(ppi.targets(f)) for f in ppi.FRAMEWORK_VARIABLES)
    sharing = table.set_index(["framework", "target_id"]).loc[("category", "sharing")]
    assert sharing["n"] == 10 and sharing["N"] == 40
    assert sharing["sample_count"] == 5 and sharing["sample_share"] == pytest.approx(0.5)
    assert sharing["classifier_share"] == 1.0 and sharing["classifier_count"] == 40
    # the classifier says 100 %, the coding corrects it to about half
    assert sharing["ci_low"] < 0.5 < sharing["ci_high"] < 1.0


def test_no_coded_unit_no_ppi_row():
    projects, codes = tiny_survey(coded=0, unusable=0)
    units = ppi.survey_units(codes, projects)
    assert ppi.share_table(units, ppi.simple_design(units)).empty


def test_stratified_design_needs_every_units_stratum(tmp_path):
    projects, codes = tiny_survey()
    ids = unit_ids(projects)
    design = pd.DataFrame({"unit_id": ids[:12], "platform_id": projects["project_id"][:12],
                           "stratum": ["a"] * 6 + ["b"] * 6, "population": 20, "sampled": 6,
                           "seed": 1})
    with pytest.raises(ValueError, match="2 strata"):
        ppi.survey_units(codes, projects, design)
    strata = pd.Series(["a"] * 6 + ["b"] * 6 + ["a"] * 14 + ["b"] * 14, index=ids.to_numpy())
    units = ppi.survey_units(codes, projects, design, strata)
    table = ppi.share_table(units, ppi.checked_design(units, design))
    assert table["N"].eq(40).all()


def test_coded_units_outside_the_design_are_warned_and_uncoded():
    projects, codes = tiny_survey()
    ids = unit_ids(projects)
    design = pd.DataFrame({"unit_id": ids[:6], "platform_id": None, "stratum": ppi.ALL,
                           "population": 40, "sampled": 6, "seed": 1})
    with pytest.warns(UserWarning, match="6 coded units are not in the sampling design"):
        units = ppi.survey_units(codes, projects, design)
    assert units["coded"].sum() == 6


def test_design_counting_other_units_is_warned():
    projects, codes = tiny_survey()
    units = ppi.survey_units(codes, projects)
    design = ppi.simple_design(units).assign(population=50)
    with pytest.warns(UserWarning, match="the design counts 50 units, the survey has 40"):
        ppi.checked_design(units, design)


def test_design_without_a_units_stratum_or_with_two_populations_is_refused():
    projects, codes = tiny_survey()
    units = ppi.survey_units(codes, projects)
    with pytest.raises(ValueError, match="no stratum 'all', which 40 units"):
        ppi.checked_design(units, ppi.simple_design(units).assign(stratum="other"))
    design = ppi.simple_design(units)
    design.loc[0, "population"] = 41
    with pytest.raises(ValueError, match="more than one population"):
        ppi.checked_design(units, design)


def test_unfinished_coding_is_warned():
    projects, codes = tiny_survey()
    units = ppi.survey_units(codes, projects)
    with pytest.warns(UserWarning, match="15 units sampled, 12 coded"):
        ppi.checked_design(units, ppi.simple_design(units).assign(sampled=15))


def test_read_design_names_file_row_and_column(tmp_path):
    path = tmp_path / "sample.csv"
    path.write_text("unit_id,platform_id,stratum,population,sampled,seed\n"
                    "u1,p1,all,10,2,7\nu2,p2,all,ten,2,7\n", encoding="utf-8")
    with pytest.raises(RawDataError) as error:
        ppi.read_design(path)
    assert str(error.value) == (f"{path}, row 2, column 'population': 'ten' expected a "
                                "whole number of units")
    path.write_text("unit_id,stratum\nu1,all\n", encoding="utf-8")
    with pytest.raises(RawDataError, match="column 'platform_id'"):
        ppi.read_design(path)
    path.write_text("unit_id,platform_id,stratum,population,sampled,seed\nu1,p1,all,10,2,7\n",
                    encoding="utf-8")
    assert ppi.read_design(path)["population"].tolist() == [10]


def test_survey_shares_without_design_warns_when_sample_is_partial(tmp_path, monkeypatch):
    monkeypatch.setenv("INESS_HOME", str(tmp_path))
    projects, codes = tiny_survey()

    class Survey:
        pass
    survey = Survey()
    survey.projects, survey.codes = projects, codes
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = ppi.survey_shares(survey, "tiny")
    assert any("no sampling design" in str(w.message) for w in caught)
    assert len(table) == len(ppi.indicator_columns())


# --- what notebooks show -----------------------------------------------------------

def tiny_table():
    projects, codes = tiny_survey()
    units = ppi.survey_units(codes, projects)
    table = ppi.share_table(units, ppi.simple_design(units))
    return table[table["framework"].isin(["is_platform", "category"])]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_ppi_figure_draws_three_methods_with_n_in_the_labels(lang):
    import matplotlib.pyplot as plt
    from iness.notebook import figures
    table = ppi.labelled(tiny_table(), lang)
    fig = figures.ppi_figure(table, lang=lang)
    ax = fig.axes[0]
    ticks = [tick.get_text() for tick in ax.get_yticklabels()]
    assert len(ticks) == len(table)
    assert ticks[0].startswith("Platforms" if lang == "en" else "Plateformes")
    assert ("n = 10 coded" if lang == "en" else "n = 10 codés") in ticks[0]
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend[0].startswith("Prediction-powered" if lang == "en" else "Inférence")
    assert len(legend) == 3
    assert "N = 40" in ax.get_title(loc="left")
    plt.close(fig)


def test_ppi_figure_says_not_measurable_where_there_is_no_estimate():
    import matplotlib.pyplot as plt
    from iness.notebook import figures
    table = ppi.labelled(tiny_table(), "en")
    table.loc[table.index[1], ["estimate", "ci_low", "ci_high"]] = np.nan
    fig = figures.ppi_figure(table, lang="en")
    assert "not measurable" in [text.get_text() for text in fig.axes[0].texts]
    plt.close(fig)


def test_display_table_lists_each_method_with_its_interval_and_n():
    table = tiny_table()
    shown = ppi.display_table(table, "fr")
    assert list(shown.columns) == ["label", "method", "estimate", "ci_low", "ci_high", "n"]
    assert len(shown) == 3 * len(table)
    first = shown.iloc[:3]
    assert first["method"].tolist() == ["assistée par prédiction", "échantillon codé seul",
                                        "classifieur seul"]
    assert first["n"].tolist() == [10, 10, 40]
    assert (shown["ci_low"] <= shown["estimate"]).all()
    assert (shown["estimate"] <= shown["ci_high"]).all()


def test_display_table_headers_are_translated():
    from iness import i18n
    from iness.notebook import styled
    i18n.set_language("fr")
    try:
        text = repr(styled(ppi.display_table(tiny_table()),
                           percent=["estimate", "ci_low", "ci_high"]))
    finally:
        i18n.set_language("en")
    assert "estimation" in text and "méthode" in text and "IC 95\u00a0% bas" in text  # French typography


def test_activity_none_and_category_none_have_their_own_words():
    assert ppi.target_label("activity", "none", "en") == "No key activity"
    assert ppi.target_label("category", "none", "fr") == "Aucune des huit"


def test_survey_shares_reads_a_stratified_design_from_the_coding_folder(tmp_path, monkeypatch):
    from iness.paths import coding_dir
    monkeypatch.setenv("INESS_HOME", str(tmp_path))
    projects, codes = tiny_survey()
    ids = unit_ids(projects)
    folder = coding_dir("tiny")
    folder.mkdir(parents=True)
    pd.DataFrame({"unit_id": ids[:12], "platform_id": projects["project_id"][:12],
                  "stratum": ["a"] * 6 + ["b"] * 6, "population": 20, "sampled": 6,
                  "seed": 1}).to_csv(folder / "sample.csv", index=False)

    class Survey:
        pass
    survey = Survey()
    survey.projects, survey.codes = projects, codes
    strata = pd.Series(["a"] * 6 + ["b"] * 6 + ["a"] * 14 + ["b"] * 14, index=ids.to_numpy())
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # a design that fits the survey: no warning
        table = ppi.survey_shares(survey, "tiny", strata=strata)
    platforms = table.set_index(["framework", "target_id"]).loc[("is_platform", "true")]
    assert platforms["n"] == 10 and platforms["N"] == 40
    assert platforms["estimate"] == pytest.approx(1.0)

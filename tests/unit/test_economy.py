"""Resources and principles: coded resources (never 'not stated' as 'none'), the
proxy's rules as data, its agreement with the texts, the talk's examples."""
import pandas as pd
import pytest

from iness import analysis
from iness.analysis import economy
from iness.errors import RawDataError
from iness.store.survey import Survey

PROJECTS = pd.DataFrame({"wave": [2016, 2016, 2016, 2016, 2017],
                         "project_id": ["p1", "p2", "p3", "p4", "q1"],
                         "project_name": ["Open Food Facts database", "b", "c", "d", "e"],
                         "project_type": ["research project", None, None, None, None]})


def code_rows(*rows):
    """(project, framework, target[, method]) -> codes rows, one coding unit per project."""
    return pd.DataFrame([{"entity_id": p, "wave": 2016, "framework": f, "target_id": t,
                          "subcategory_id": None, "method": m, "confidence": "high",
                          "score": None, "evidence": f"unit {p}"}
                         for p, f, t, m in [(*r, "coded") if len(r) == 3 else r for r in rows]])


def make_survey(codes, links=None, organisations=None):
    empty = pd.DataFrame()
    links = links if links is not None else pd.DataFrame(
        columns=["wave", "project_id", "org_id", "role"])
    organisations = organisations if organisations is not None else pd.DataFrame(
        columns=["wave", "org_id", "org_type"])
    return Survey(organisations=organisations, projects=PROJECTS, links=links, tags=empty,
                  ledger=empty, wave_matches=empty, codes=codes, waves=(2016, 2017))


CODED = code_rows(
    ("p1", "is_platform", "true"), ("p2", "is_platform", "true"),
    ("p3", "is_platform", "true"), ("p4", "is_platform", "false"),
    ("p1", "resource", "market_sales"), ("p1", "resource", "reciprocity_donations"),
    ("p2", "resource", "none"), ("p3", "resource", "redistribution_grants"),
    ("p4", "resource", "reciprocity_volunteering"))


def test_principle_of_resources():
    assert economy.principle_of("market_subscriptions") == "market"
    with pytest.raises(ValueError, match="not one of"):
        economy.principle_of("none")


def test_not_stated_is_not_no_resource():
    survey = make_survey(CODED)
    table = economy.coded_profile(survey, "coded").set_index("project_id")
    assert set(table.index) == {"p1", "p2", "p3"}          # p4 is not a platform
    assert table.loc["p1", "hybrid"] and table.loc["p1", "principles"] == 2
    assert not table.loc["p2", "stated"] and table.loc["p2", "principles"] == 0
    stated = economy.principle_shares(table.reset_index(), stated_only=True).set_index(
        "principle")
    everyone = economy.principle_shares(table.reset_index()).set_index("principle")
    # shares among texts that state a resource: p2 ('none') is left out of n
    assert stated.loc["hybrid", ["platforms", "n", "share"]].tolist() == [1, 2, 0.5]
    assert everyone.loc["hybrid", ["platforms", "n"]].tolist() == [1, 3]
    assert (everyone.loc["market", "ci_low"], everyone.loc["market", "ci_high"]) == \
        analysis.wilson_interval(1, 3)
    assert stated["small"].all()


def test_all_projects_include_non_platforms():
    survey = make_survey(CODED)
    summary = economy.resource_summary(survey, "coded")
    projects = summary[(summary["base"] == "stated")
                       & (summary["group"] == "projects, platforms or not")]
    assert projects.set_index("principle").loc["reciprocity", "platforms"] == 2
    assert projects["n"].iloc[0] == 3


def test_no_resource_codes_means_no_method():
    survey = make_survey(code_rows(("p1", "is_platform", "true", "classifier")))
    assert economy.resource_method(survey) is None
    declared = make_survey(code_rows(("p1", "resource", "market_fees", "declared")))
    assert economy.resource_method(declared) == "declared"


LINKS = pd.DataFrame({"wave": [2016] * 6 + [2017],
                      "project_id": ["p1", "p1", "p2", "p2", "p3", "p3", "q1"],
                      "org_id": ["uni", "shop", "fdn", "se", "uni", "gov", "co"],
                      "role": ["advisory-group-member", "delivery-partner", "co-funder",
                               "delivery-lead", "delivery-lead", "evaluator", None]})
ORGS = pd.DataFrame({"wave": [2016] * 5 + [2017],
                     "org_id": ["uni", "shop", "fdn", "se", "gov", "co"],
                     "org_type": ["academia", "business", "social_enterprise",
                                  "social_enterprise", "government", "business"]})


def test_proxy_follows_roles():
    found = economy.proxy_principles(PROJECTS, LINKS, ORGS)
    by_project = found.groupby("project_id")["principle"].apply(set).to_dict()
    # p1: an academic adviser and a company partner count as nothing, but it is a
    # research project; p2: a foundation-type funder is redistribution, a social
    # enterprise lead is nothing; p3: a university lead counts, an evaluator does not;
    # q1: no role recorded, a company counted as lead
    assert by_project == {"p1": {"redistribution"}, "p2": {"redistribution"},
                          "p3": {"redistribution"}, "q1": {"market"}}
    assert set(found.loc[found["project_id"] == "p1", "via"]) == {
        "project_type:research project"}
    assert set(found.loc[found["project_id"] == "q1", "via"]) == {"business as unknown"}


def test_proxy_rejects_unknown_roles():
    links = LINKS.assign(role="sponsor")
    with pytest.raises(ValueError, match="sponsor"):
        economy.proxy_principles(PROJECTS, links, ORGS)


def test_profile_counts_every_platform():
    found = pd.DataFrame({"wave": 2016, "project_id": ["p1", "p1", "p2"],
                          "principle": ["market", "reciprocity", "market"], "via": "x"})
    table = economy.profile(found, PROJECTS).set_index("project_id")
    assert table.loc["p1", "hybrid"] and not table.loc["p2", "hybrid"]
    assert table.loc["p3", "principles"] == 0 and len(table) == len(PROJECTS)


def test_agreement_counts_four_ways():
    keys = {"wave": 2016, "project_id": ["p1", "p2", "p3", "p4"]}
    coded = pd.DataFrame({**keys, "market": [True, True, False, False],
                          "redistribution": False, "reciprocity": False, "hybrid": False})
    proxied = pd.DataFrame({"wave": 2016, "project_id": ["p1", "p3"], "market": True,
                            "redistribution": False, "reciprocity": False, "hybrid": False})
    row = economy.agreement(coded, proxied).set_index("principle").loc["market"]
    assert [row.both, row.proxy_only, row.text_only, row.neither] == [1, 1, 1, 1]
    assert row.proxy_finds == 0.5 and row.stated_in_text == 2
    nothing = economy.agreement(coded, proxied).set_index("principle").loc["reciprocity"]
    assert pd.isna(nothing.proxy_finds)        # nothing stated: no share, not 0


def test_proxy_rules_are_complete_data():
    rules = economy.proxy_rules()
    academia = rules.query("key == 'academia'").set_index("role_group")["principle"]
    assert academia["advice"] == "" and academia["funder"] == "redistribution"
    crowdfunding = rules.query("key == 'raw_2016:crowdfunding'")
    assert crowdfunding["principle"].tolist() == [""]


def test_bad_proxy_file_names_row_and_column(tmp_path, monkeypatch):
    bad = tmp_path / "resource_proxy.csv"
    text = economy.PROXY_FILE.read_text(encoding="utf-8").splitlines()
    text[2] = text[2].replace(",,", ",gift,", 1)   # data row 2: an unknown principle
    bad.write_text("\n".join(text) + "\n", encoding="utf-8")
    monkeypatch.setattr(economy, "PROXY_FILE", bad)
    economy.proxy_rules.cache_clear()
    try:
        with pytest.raises(RawDataError, match=r"row 2, column 'principle': 'gift'"):
            economy.proxy_rules()
    finally:
        economy.proxy_rules.cache_clear()


def test_hybrid_examples_are_the_talks_seven():
    examples = economy.hybrid_examples()
    assert examples["platform"].nunique() == 7
    assert set(examples["principle"]) <= set(economy.PRINCIPLES)
    placed = economy.examples_by_platform().set_index("platform")
    yuka = placed.loc["Yuka"]
    assert not yuka.hybrid_if_all and yuka.all_principles == 1
    # two rows of the same principle count once
    assert placed.loc["CALM by SINGA", "principles"].count("reciprocity") == 1


def test_examples_found_in_a_survey():
    survey = make_survey(CODED)
    linked = economy.proxy_principles(PROJECTS, LINKS, ORGS)
    table = economy.examples_in_survey(survey, "coded", linked).set_index("platform")
    assert table.loc["Open Food Facts", "resources_in_text"] == (
        "market_sales, reciprocity_donations")
    assert table.loc["Yuka", "name_in_data"] == "—"


def test_funder_labels_are_checked():
    links = pd.DataFrame({"wave": 2016, "project_id": ["p1", "p1", "p2"],
                          "org_id": ["o1", "o1", "o2"],
                          "role": ["sole-funder", "co-funder", "co-funder"]})
    orgs = pd.DataFrame({"wave": 2016, "org_id": ["o1", "o2"], "org_type": ["business", None]})
    table = economy.funder_structure(links, orgs).set_index("project_id")
    assert table.loc["p1", "mixes_sole_and_co"] and not table.loc["p2", "mixes_sole_and_co"]
    assert table.loc["p2", "only_one_co_funder"]
    assert table["funder_organisations"].tolist() == [1, 1]


def test_examples_in_both_waves_of_one_coded_unit():
    projects = pd.DataFrame({"wave": [2016, 2017], "project_id": ["a", "b"],
                             "project_name": ["Yuka", "Yuka"]})
    codes = pd.concat([code_rows(("a", "resource", "market_subscriptions")),
                       code_rows(("a", "resource", "market_subscriptions")).assign(
                           wave=2017, entity_id="b")])        # same unit, read once
    survey = make_survey(codes)
    survey.projects = projects
    nobody = pd.DataFrame(columns=["wave", "project_id", "principle", "via"])
    table = economy.examples_in_survey(survey, "coded", nobody)
    assert table.loc[table["platform"] == "Yuka", "resources_in_text"].tolist() == [
        "market_subscriptions", "market_subscriptions"]


def test_interval_panels_show_n_and_small_groups():
    import matplotlib
    matplotlib.use("Agg")
    from iness.notebook import figures
    table = pd.DataFrame({"panel": ["a", "a", "b", "b"], "row": ["x", "y", "x", "y"],
                          "group": "platforms", "share": [0.5, 0.2, 0.1, 0.0],
                          "ci_low": [0.2, 0.05, 0.02, 0.0], "ci_high": [0.8, 0.5, 0.3, 0.2],
                          "n": [10, 10, 40, 40], "small": [True, True, False, False]})
    fig = figures.interval_panels(table, "row", "panel", "resources_stated_title",
                                  hue_column="group", small_below=30, lang="en")
    assert len(fig.axes) == 2
    legends = [[t.get_text() for t in ax.get_legend().get_texts()] for ax in fig.axes]
    assert legends == [["platforms (n = 10)"], ["platforms (n = 40)"]]
    assert "n < 30" in fig.get_supxlabel()

"""The claims of notebook 06: verdicts by rule, redundancy on multilingual text,
the label-permutation null model and tiny inputs."""
import networkx as nx
import numpy as np
import pandas as pd
import pytest

from iness.analysis import claims


# --- verdicts -----------------------------------------------------------------

@pytest.mark.parametrize("can_see, n, toward, clear, expected", [
    (False, 700, True, True, "not testable"),     # rule 1: the data cannot see it
    (True, 5, True, True, "not testable"),        # rule 2: too few units
    (True, 100, True, True, "supported"),         # rule 3
    (True, 100, True, False, "weak"),             # rule 4
    (True, 100, False, True, "not supported"),    # rule 5
    (True, 100, False, False, "not supported"),
])
def test_verdict_follows_the_rule_table(can_see, n, toward, clear, expected):
    assert claims.verdict(can_see, n, 30, toward, clear) == expected


def test_rule_table_lists_every_verdict_in_order():
    table = claims.verdict_rules()
    assert list(table["verdict"]) == [v for _, v in claims.VERDICT_RULES]
    assert set(table["verdict"]) == set(claims.VERDICTS)
    assert table["verdict"].iloc[0] == "not testable"


def test_share_evidence_reads_the_interval_against_the_reference():
    assert claims.share_evidence(0.32, 0.29, 0.36, 0.5, "below") == (True, True)
    assert claims.share_evidence(0.45, 0.35, 0.55, 0.5, "below") == (True, False)
    assert claims.share_evidence(0.011, 0.006, 0.022, 0.2, "above") == (False, False)
    assert claims.share_evidence(0.30, 0.25, 0.35, 0.2, "above") == (True, True)
    with pytest.raises(ValueError, match="direction"):
        claims.share_evidence(0.3, 0.2, 0.4, 0.5, "sideways")


# --- failure: can the data see it? ---------------------------------------------

def _waves(end_dates_2016, missing):
    """Ten 2016 platforms (those in ``missing`` absent from 2017) and their 2017 records."""
    ids = [f"p{k}" for k in range(10)]
    rows = [{"wave": 2016, "project_id": p, "project_name": p, "end_date": end_dates_2016.get(p),
             "created_date": None, "listed_date": None} for p in ids]
    rows += [{"wave": 2017, "project_id": f"q{p}", "project_name": p, "end_date": None,
              "created_date": pd.Timestamp("2017-03-01"), "listed_date": None}
             for p in ids if p not in missing]
    projects = pd.DataFrame(rows).astype({"end_date": "datetime64[ns]",
                                          "created_date": "datetime64[ns]"})
    matches = pd.DataFrame({"entity": "project", "wave_from": 2016,
                            "id_from": [p for p in ids if p not in missing], "wave_to": 2017,
                            "id_to": [f"q{p}" for p in ids if p not in missing],
                            "rule": "name", "score": 100.0})
    return projects, matches


def test_attrition_marks_platforms_missing_from_the_later_wave():
    projects, matches = _waves({}, missing={"p3"})
    gone = claims.attrition(projects, matches, 2016, 2017)
    assert list(gone.loc[~gone["in_next_wave"], "project_id"]) == ["p3"]


def test_matches_chain_through_the_waves_between():
    matches = pd.DataFrame({"entity": "project", "wave_from": [2019, 2019, 2021],
                            "id_from": ["a", "b", "a2"], "wave_to": [2021, 2021, 2030],
                            "id_to": ["a2", "b2", "a3"], "rule": "same_id", "score": 100.0})
    assert claims.waves_matched(matches, 2019, 2030)
    assert claims.matched_projects(matches, 2019, 2030).values.tolist() == [["a", "a3"]]
    assert claims.matched_projects(matches, 2021, 2030).values.tolist() == [["a2", "a3"]]
    assert claims.matched_projects(matches.head(2), 2019, 2030).empty
    assert not claims.waves_matched(pd.DataFrame(columns=["id_2016", "id_2017"]), 2016, 2017)


def test_failure_is_not_visible_without_platforms_known_to_have_ended():
    projects, matches = _waves({}, missing={"p3"})
    found = claims.failure_detectability(projects, matches, 2016, 2017)
    assert found["ended"] == 0 and found["reappear"] == 9
    assert found["cutoff"] == "2017-03-01"
    assert not found["can_see"]


def test_ended_platforms_that_still_reappear_show_the_data_cannot_see_failure():
    ended = {f"p{k}": pd.Timestamp("2016-06-01") for k in range(10)}
    projects, matches = _waves(ended, missing={"p0"})
    found = claims.failure_detectability(projects, matches, 2016, 2017)
    assert (found["ended"], found["ended_missing"]) == (10, 1)
    assert not found["can_see"]  # 10 < SMALL_GROUP and 1 of 10 missing


# --- redundancy ---------------------------------------------------------------

TEXTS = [
    "Plataforma ciudadana para compartir datos abiertos sobre la calidad del aire en Madrid",
    "Plataforma ciudadana para compartir datos abiertos sobre la calidad del aire en Sevilla",
    "Ein Netzwerk für Nachbarschaftshilfe und Reparatur-Cafés in Berlin und Hamburg",
    "Ein Netzwerk für Nachbarschaftshilfe und Reparatur-Cafés in Berlin",
    "A crowdfunding site for community energy cooperatives in rural Wales",
    "Application mobile pour signaler les dépôts sauvages de déchets à Lyon",
]


def test_similar_pairs_finds_near_duplicates_in_any_language():
    pairs = claims.similar_pairs(TEXTS, 0.5)
    found = set(zip(pairs["i"], pairs["j"]))
    assert {(0, 1), (2, 3)} <= found       # Spanish and German near-twins
    assert not any(4 in pair or 5 in pair for pair in found)
    assert (pairs["similarity"] >= 0.5).all() and (pairs["i"] < pairs["j"]).all()


def test_similar_pairs_on_fewer_than_two_texts_is_empty():
    assert claims.similar_pairs([], 0.5).empty
    assert claims.similar_pairs(["only one text here, nothing to compare"], 0.5).empty


def test_text_rule_uses_the_cleaning_normalisation():
    assert claims.text_rule("CATI - Trust. Internet!", "cati trust internet") == "same description"
    assert claims.text_rule("We work with NGOs", "Design hub. We work with NGOs.") == \
        "one description contains the other"
    assert claims.text_rule("We work with NGOs", None) is None
    assert claims.text_rule("We work with NGOs", "Energy for villages") is None


def _projects():
    return pd.DataFrame({
        "wave": 2016, "project_id": ["a", "b", "c", "d", "e", "f"],
        "project_name": ["Aire Madrid", "Aire Sevilla", "Repair Berlin", "Repair Cafe",
                         "Energy Wales", "Déchets Lyon"],
        "website_domain": [None, None, "repair.de", "repair.de", "facebook.com", "facebook.com"],
        "description": TEXTS, "is_suspect": False})


def test_near_duplicates_separates_duplicates_from_redundancy():
    projects = _projects()
    members = pd.DataFrame({"wave": 2016, "entity_id": ["a", "b", "c", "d"],
                            "target_id": ["data_transparency"] * 2 + ["sharing"] * 2})
    countries = pd.DataFrame({"wave": 2016, "project_id": ["a", "b", "c", "d"],
                              "country_code": ["ES", "ES", "DE", "DE"]})
    pairs = claims.near_duplicates(projects, members, countries, 2016).set_index(
        ["project_a", "project_b"])
    assert pairs.loc[("c", "d"), "duplicate_rule"] == "same website"   # the cleaning's rule
    assert pairs.loc[("a", "b"), "duplicate_rule"] == ""              # two actors
    assert pairs.loc[("a", "b"), "same_category_country"]
    assert ("e", "f") not in pairs.index                               # a shared host is no rule
    sweep = claims.redundancy_sweep(pairs.reset_index(), described_count=6,
                                    thresholds=(0.5, 0.99)).set_index("threshold")
    assert sweep.loc[0.5, "redundant_pairs"] == 1 and sweep.loc[0.5, "platforms_involved"] == 2
    assert sweep.loc[0.5, "share"] == pytest.approx(0.333)
    assert sweep.loc[0.99, "redundant_pairs"] == 0
    assert {"ci_low", "ci_high", "n"} <= set(sweep.columns)


def test_a_shared_organisation_makes_one_actor():
    projects = _projects()
    links = pd.DataFrame({"wave": 2016, "project_id": ["a", "b"], "org_id": ["o1", "o1"]})
    empty = pd.DataFrame(columns=["wave", "entity_id", "target_id"])
    pairs = claims.near_duplicates(projects, empty, pd.DataFrame(
        columns=["wave", "project_id", "country_code"]), 2016, links)
    row = pairs[(pairs["project_a"] == "a") & (pairs["project_b"] == "b")]
    assert row["duplicate_rule"].item() == "same organisation"


def test_near_duplicates_on_a_single_platform_is_empty():
    projects = _projects().head(1)
    pairs = claims.near_duplicates(projects, pd.DataFrame(columns=["wave", "entity_id",
                                                                   "target_id"]),
                                   pd.DataFrame(columns=["wave", "project_id", "country_code"]),
                                   2016)
    assert pairs.empty
    assert claims.redundancy_sweep(pairs, 1)["redundant_pairs"].eq(0).all()


# --- sectoral bubbles: the null model -----------------------------------------

def _two_bubbles():
    """Two cliques of 10 platforms, one per label, joined by a single tie."""
    graph = nx.Graph()
    for offset, label in ((0, "health"), (10, "education")):
        nodes = [("p", offset + k) for k in range(10)]
        graph.add_edges_from((a, b) for i, a in enumerate(nodes) for b in nodes[i + 1:])
    graph.add_edge(("p", 0), ("p", 10))
    labels = {node: {"health" if node[1] < 10 else "education"} for node in graph}
    return graph, labels


def test_null_model_sees_bubbles_with_a_fixed_seed():
    graph, labels = _two_bubbles()
    test = claims.mixing_null(graph, labels, permutations=200, seed=0)
    assert test["ties"] == 91 and test["nodes"] == 20
    assert test["observed"] == pytest.approx(90 / 91, abs=1e-3)
    assert 0.3 < test["null_mean"] < 0.7             # about one half by chance
    assert test["null_low"] <= test["null_mean"] <= test["null_high"] < test["observed"]
    assert 1 / 201 <= test["p_value"] < 0.05
    again = claims.mixing_null(graph, labels, permutations=200, seed=0)
    assert np.array_equal(test["null"], again["null"])
    assert claims.null_evidence(test) == (True, True)


def test_null_model_without_ties_returns_nan():
    graph = nx.Graph()
    graph.add_nodes_from([("p", 1), ("p", 2)])
    test = claims.mixing_null(graph, {("p", 1): {"a"}, ("p", 2): {"a"}})
    assert test["ties"] == 0 and np.isnan(test["observed"]) and np.isnan(test["p_value"])


def test_project_projection_ties_platforms_sharing_an_organisation():
    links = pd.DataFrame({"wave": 2016, "project_id": ["a", "b", "c"],
                          "org_id": ["o1", "o1", "o2"]})
    organisations = pd.DataFrame({"wave": 2016, "org_id": ["o1", "o2"],
                                  "org_type": ["business", "academia"]})
    members = pd.DataFrame({"wave": 2016, "entity_id": ["a", "b"],
                            "target_id": ["health", "education"]})
    graph = claims.collaboration_graph(links, organisations, members, 2016)
    ties = claims.project_projection(graph)
    assert set(map(frozenset, ties.edges())) == {frozenset({("p", "a"), ("p", "b")})}
    assert claims.project_categories(graph)[("p", "c")] == set()


def test_empty_network_summary_and_null_model():
    empty = pd.DataFrame(columns=["wave", "project_id", "org_id"])
    graph = claims.collaboration_graph(empty, pd.DataFrame(columns=["wave", "org_id", "org_type"]),
                                       pd.DataFrame(columns=["wave", "entity_id", "target_id"]),
                                       2024)
    assert claims.network_summary(graph)["projects"] == 0
    assert claims.mixing_null(claims.project_projection(graph), {})["ties"] == 0


def test_online_offline_ability_needs_both_sides():
    graph, _ = _two_bubbles()
    labels = {node: {"online"} for node in graph}
    assert not claims.online_offline_ability(graph, labels)["can_see"]
    modes = pd.DataFrame({"wave": 2016, "project_id": ["x", "y", "z"],
                          "online": [True, False, True], "offline": [False, True, True]})
    assert claims.mode_labels(modes, 2016) == {("p", "x"): {"online"}, ("p", "y"): {"offline"},
                                               ("p", "z"): {"online", "offline"}}


# --- open source ----------------------------------------------------------------

def test_open_source_share_and_growth_have_intervals_and_n():
    flags = pd.DataFrame({"wave": 2017, "project_id": list("abcdef"),
                          "is_open_source": [True, False, False, True, True, False],
                          "start_year": pd.array([2010, 2011, 2012, 2015, 2016, None],
                                                 dtype="Int32")})
    share = claims.open_source_share(flags)
    assert share[["open_source", "n"]].values.tolist() == [[3, 6]]
    assert share["ci_low"].item() < 0.5 < share["ci_high"].item()
    growth = claims.open_source_growth(flags)
    assert list(growth["n"]) == [2, 3] and list(growth["open_source"]) == [1, 2]
    one_year = flags.assign(start_year=pd.array([2015] * 6, dtype="Int32"))
    assert claims.open_source_growth(one_year).empty


# --- figures ----------------------------------------------------------------------

def _title(fig):
    return " ".join(fig.axes[0].get_title(loc) for loc in ("left", "center", "right"))


def test_notebook_06_figures_show_n():
    from iness.notebook import figures
    sweep = claims.redundancy_sweep(pd.DataFrame(columns=["project_a", "project_b", "similarity",
                                                          "duplicate_rule",
                                                          "same_category_country"]), 7)
    fig = figures.redundancy_sweep_figure(sweep, 0.6, lang="en")
    assert _title(fig).strip().endswith("n = 7")
    graph, labels = _two_bubbles()
    fig = figures.null_model_figure(claims.mixing_null(graph, labels, 50), "bubbles_null_title",
                                    lang="fr")
    assert "91 liens, n = 20" in _title(fig)


def test_classifier_only_codes_are_unvalidated():
    from iness.analysis import claims as claim_tests
    from iness.store.survey import Survey
    empty = pd.DataFrame()

    def survey_with(methods):
        codes = pd.DataFrame({"entity_id": ["p1", "p2"], "wave": 2020,
                              "framework": "category", "target_id": ["health", "finance"],
                              "method": methods})
        return Survey(organisations=empty, projects=empty, links=empty, tags=empty,
                      ledger=empty, wave_matches=empty, codes=codes, waves=(2020,))
    assert claim_tests.unvalidated_classifier(survey_with(["classifier"] * 2)) == ["category"]
    assert claim_tests.unvalidated_classifier(survey_with(["classifier", "declared"])) == []
    assert claim_tests.unvalidated_classifier(survey_with(["coded", "coded"])) == []
    assert claim_tests.unvalidated_classifier(survey_with(["classifier", "crosswalk"])) == \
        ["category"]
    assert claim_tests.unvalidated_classifier(survey_with(["crosswalk", "crosswalk"])) == []


def test_planted_near_copies_are_found_and_measure_recall():
    texts = ["Volunteers map wheelchair accessible places in their city. Anyone can add a place.",
             "A crowdfunding platform for civic projects run by neighbourhoods across Spain.",
             "Citizens propose and vote on laws with a liquid democracy tool for parties.",
             "Food products database built by volunteers, open data about ingredients."]
    copy = claims.paraphrase(texts[0])
    assert copy.startswith("Anyone can") and len(copy.split()) < len(texts[0].split())
    recall = claims.planted_recall(texts, thresholds=(0.3, 0.99), planted=4)
    assert recall["n"].tolist() == [4, 4]
    assert recall["found"].iloc[0] == 4 and recall["found"].iloc[1] < 4


def test_a_claim_without_its_fields_is_not_testable():
    from iness.store.survey import Survey
    empty = pd.DataFrame()
    projects = pd.DataFrame({"wave": [2020], "project_id": ["p1"], "project_name": ["a"],
                             "description": [None]})
    tags = pd.DataFrame({"entity": ["project"], "entity_id": ["p1"], "wave": [2020],
                         "facet": ["area"], "tag": ["health"]})
    codes = pd.DataFrame({"entity_id": ["p1"], "wave": 2020, "framework": "category",
                          "target_id": ["health"], "method": ["classifier"]})
    survey = Survey(organisations=empty, projects=projects, links=empty, tags=tags, ledger=empty,
                    wave_matches=empty, codes=codes, waves=(2020,))
    assert claims.missing_fields(survey, "open_source") == ["needs_facets_tech_method_tech_focus"]
    assert claims.missing_fields(survey, "redundancy") == ["needs_column_description",
                                                           "needs_codes_category"]
    assert claims.not_testable_reason(["needs_table_links"], "fr") == \
        "pas testable\u202f: l’enquête n’a pas de liens organisation–plateforme"

"""A researcher's survey with an adjudicated coding (``data/coding/<name>/codings.csv``):
coded rows that beat the other methods, coders and reasons kept, declared and coded
agreement, a changed coding rebuilding the tables, and the classifier measured out
of fold on the survey's own coded units (never by a model that saw a unit's coding)."""
import pandas as pd
import pytest

import iness
from iness import build
from iness.analysis.validity import classifier_validity
from iness.coding import measure
from iness.errors import InessError
from iness.paths import coding_dir
from iness.reference import codebook
from iness.store import codes
from iness.store.survey import Survey

PLATFORMS = [  # platform_id, name, description, declared categories
    ("A1", "Goteo", "Crowdfunding for civic projects and money for local causes", "finance"),
    ("A2", "FixMyStreet", "Citizens report broken streets to the council online", ""),
    ("A3", "Wikihouse", "Open designs for houses anyone can build", ""),
]


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A project home of its own: no DSI4EU tables, so no classifier rows."""
    monkeypatch.setenv("INESS_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def write_survey(folder, name="mine"):
    path = folder / f"{name}.csv"
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame([{"platform_id": pid, "platform_name": title, "description": text,
                   "country": "Spain", "categories": declared}
                  for pid, title, text, declared in PLATFORMS]).to_csv(path, index=False)
    return path


def unit(pid):
    _, title, text, _ = next(row for row in PLATFORMS if row[0] == pid)
    return codebook.unit_key(title, text)


def coding_row(pid, coder, categories, primary, platform="true", reason="reads so"):
    return {"unit_id": unit(pid), "project_name": pid, "coder": coder, "usable": "true",
            "is_platform": platform, "categories": categories, "primary_category": primary,
            "activities": "", "resources": "", "scope": "local", "confidence": "high",
            "reason": reason}


def write_coding(name, rows):
    folder = coding_dir(name)
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(folder / build.CODINGS_FILE, index=False)
    return folder / build.CODINGS_FILE


TWO_CODED = [coding_row("A1", "a", "finance", "finance"),
             coding_row("A1", "b", "finance;civic_engagement", "finance"),
             coding_row("A1", "final", "civic_engagement", "civic_engagement",
                        reason="the causes are civic"),
             coding_row("A2", "a", "civic_engagement", "civic_engagement"),
             coding_row("A2", "final", "civic_engagement", "civic_engagement")]


def test_the_survey_coding_gives_coded_rows_that_beat_declared_and_keep_coders(tmp_path,
                                                                              home):
    write_coding("mine", TWO_CODED)
    tables = iness.read_survey(write_survey(tmp_path))
    table = tables["codes"]
    coded = table[table["method"] == "coded"]
    assert set(coded["entity_id"]) == {"A1", "A2"}
    evidence = coded.loc[coded["entity_id"] == "A1", "evidence"].iloc[0]
    assert "coders a, b" in evidence and "the causes are civic" in evidence
    assert "coders a;" in coded.loc[coded["entity_id"] == "A2", "evidence"].iloc[0]
    # A1 declared finance and was coded civic engagement: both rows kept, coded wins
    both = table[(table["entity_id"] == "A1") & (table["framework"] == "category")]
    assert set(both["method"]) == {"declared", "coded"}
    best = codes.select(table, "category")
    assert best.loc[best["entity_id"] == "A1", "target_id"].tolist() == ["civic_engagement"]
    status = tables["projects"].set_index("project_id")["coding_status"]
    assert status.to_dict() == {"A1": "coded", "A2": "coded", "A3": "not_coded"}


def test_declared_and_coded_agreement_is_measured_per_framework(tmp_path, home):
    write_coding("mine", TWO_CODED)
    agreement = iness.read_survey(write_survey(tmp_path))["declared_agreement"]
    row = agreement.set_index("framework").loc["category"]
    # one platform both ways, one decision per codebook category: finance and
    # civic engagement differ, the six others agree
    categories = len(codebook.allowed("categories"))
    assert (row["units"], row["comparisons"]) == (1, categories)
    assert row["agreement"] == pytest.approx(round((categories - 2) / categories, 3))
    # a single declared category is also the declared primary one: finance, coded otherwise
    primary = agreement.set_index("framework").loc["primary_category"]
    assert (primary["units"], primary["comparisons"], primary["agreement"]) == (1, 1, 0.0)
    assert set(agreement["framework"]) == {"category", "primary_category"}


def test_without_a_coding_file_nothing_is_coded_and_nothing_is_measured(tmp_path, home):
    tables = iness.read_survey(write_survey(tmp_path))
    assert "coded" not in set(tables["codes"]["method"])
    assert tables["classifier_quality"].empty and tables["declared_agreement"].empty
    validity = classifier_validity(Survey(**tables))
    assert not validity.validated
    assert validity.text("en").startswith("No classifier code")


def test_a_value_outside_the_codebook_is_one_line_naming_file_row_and_column(tmp_path, home):
    path = write_coding("mine", [*TWO_CODED[:2], coding_row("A1", "final", "finance;poetry",
                                                            "finance")])
    with pytest.raises(InessError) as error:
        iness.read_survey(write_survey(tmp_path))
    message = str(error.value)
    assert f"{path}, row 4, column categories: 'poetry' is not one of" in message
    assert "\n" not in message


def test_coded_units_the_survey_no_longer_has_are_left_out_with_a_warning(tmp_path, home):
    gone = {**TWO_CODED[2], "unit_id": codebook.unit_key("Goteo", "an older description")}
    write_coding("mine", [*TWO_CODED[3:], gone])
    with pytest.warns(UserWarning, match=r"codings.csv: 1 coded unit\(s\) match no description"):
        tables = iness.read_survey(write_survey(tmp_path))
    assert set(tables["codes"].query("method == 'coded'")["entity_id"]) == {"A2"}


def test_a_changed_coding_rebuilds_the_tables_and_an_unchanged_one_does_not(tmp_path, home):
    survey, target = write_survey(tmp_path), tmp_path / "tables"
    write_coding("mine", TWO_CODED)
    iness.build_survey(survey, target)
    written = (target / "codes.parquet").stat().st_mtime_ns
    iness.build_survey(survey, target)
    assert (target / "codes.parquet").stat().st_mtime_ns == written  # nothing to do
    write_coding("mine", TWO_CODED[:3])  # A2's coding withdrawn
    iness.build_survey(survey, target)
    coded = iness.load("codes", folder=target).query("method == 'coded'")
    assert set(coded["entity_id"]) == {"A1"}
    loaded = iness.survey(target)
    assert "category" in set(loaded.declared_agreement["framework"])


# --- the classifier, measured on the survey's own coded units ----------------------

TOPICS = {"health": "patients doctors clinic medicine care",
          "education": "pupils teachers school lessons learning",
          "finance": "money loans savings payments crowdfunding",
          "sharing": "neighbours share tools swap lend"}


def projects_frame(prefix, count, offset=0):
    """Projects whose text names one topic each, in turn."""
    names = list(TOPICS)
    rows = []
    for i in range(offset, offset + count):
        topic = names[i % len(names)]
        rows.append({"project_id": f"{prefix}{i}", "wave": 2024,
                     "project_name": f"{prefix} {topic} {i}",
                     "description": f"An online service about {TOPICS[topic]} number {i}",
                     "is_suspect": False})
    return pd.DataFrame(rows)


def coding_of(projects, flip=()):
    """Settled codings of these projects: their topic, a platform when even;
    the units in ``flip`` coded with no category instead."""
    units = codebook.coding_units(projects)["unit_id"]
    rows = []
    for number, (unit_id, name) in enumerate(zip(units, projects["project_name"])):
        topic = name.split()[1]
        categories = [] if unit_id in flip else [topic]
        rows.append({"unit_id": unit_id, "project_name": name, "coder": "final",
                     "usable": True, "is_platform": number % 2 == 0,
                     "categories": categories,
                     "primary_category": categories[0] if categories else codebook.NONE,
                     "activities": [], "resources": [], "scope": "local",
                     "confidence": "high", "reason": ""})
    return pd.DataFrame(rows)


BASE = projects_frame("base", 120)
SURVEY = projects_frame("own", 14, offset=1000)
SCORED = SURVEY.iloc[:10]  # coded by reading; the last four are not


def classify(flip=()):
    rows, scores, folds = measure.survey_classifier_codes(
        SURVEY, coding_of(BASE), BASE, coding_of(SCORED, flip))
    return rows, scores, folds


@pytest.fixture(scope="module")
def classified():
    return classify()


def test_coded_units_get_out_of_fold_rows_and_the_rest_a_model_of_every_coded_unit(
        classified):
    rows, scores, folds = classified
    assert set(rows["entity_id"]) == set(SURVEY["project_id"])
    assert folds == 5
    platform = scores.set_index("target").loc["is_platform"]
    assert (platform["n"], platform["positives"]) == (10, 5)
    table = measure.quality_table(scores, folds)
    assert set(table["measured_on"]) == {"survey"} and table["folds"].eq(5).all()


def test_a_units_row_never_comes_from_a_model_that_saw_its_coding(classified):
    """By construction: recode one unit and only its coding changes; its own
    out-of-fold row must not move, while rows of models that learnt it do."""
    before = classified[0]
    target = SCORED["project_id"].iloc[3]
    flipped = codebook.coding_units(SCORED)["unit_id"].iloc[3]
    after = classify(flip={flipped})[0]

    def scores_of(rows, entity):
        found = rows[rows["entity_id"] == entity]
        return found.sort_values(["framework", "target_id"])[["framework", "target_id",
                                                             "score"]].reset_index(drop=True)

    pd.testing.assert_frame_equal(scores_of(before, target), scores_of(after, target))
    fresh = SURVEY["project_id"].iloc[10:]
    moved = [not scores_of(before, entity).equals(scores_of(after, entity))
             for entity in fresh]
    assert any(moved)  # the model for units nobody coded learnt the recoding


def test_coded_rows_beat_classifier_rows(classified):
    rows = classified[0]
    coded = codes.coded_codes(SURVEY, coding_of(SCORED))
    table = codes.tidy_codes([coded, rows])
    best = codes.best_method(table[table["framework"] == "category"]).set_index("entity_id")
    assert set(best.loc[SCORED["project_id"], "method"]) == {"coded"}
    assert set(best.loc[SURVEY["project_id"].iloc[10:], "method"]) == {"classifier"}


def test_validity_names_this_surveys_scores_or_dsi4eu_s(classified):
    rows, scores, folds = classified
    dsi4eu_table = measure.quality_table(scores.assign(f1=0.5), 5)  # as DSI4EU's build has it
    own = measure.tidy_quality(pd.concat([measure.quality_table(scores, folds),
                                          measure.reference_quality(dsi4eu_table)]))
    empty = pd.DataFrame()
    survey = Survey(organisations=empty, projects=SURVEY, links=empty, tags=empty,
                    ledger=empty, wave_matches=empty, codes=rows, classifier_quality=own)
    validity = classifier_validity(survey)
    assert validity.validated and validity.coded_units == 10
    assert "measured on 10 units of this survey" in validity.text("en")
    assert "10 unités de cette enquête" in validity.text("fr")
    shown = validity.display("fr")
    assert list(shown.columns[:3]) == ["Ce qui est prédit", "Cible", "Unités codées"]
    assert "Santé" in set(shown["Cible"]) and "primary_category" not in set(shown["Cible"])
    survey.classifier_quality = measure.reference_quality(dsi4eu_table)
    unvalidated = classifier_validity(survey)
    assert not unvalidated.validated and unvalidated.coded_units == 0
    assert "unvalidated on this survey" in unvalidated.text("en")
    assert "from 0.50 to 0.50" in unvalidated.text("en")
    assert "0,50" in unvalidated.text("fr")

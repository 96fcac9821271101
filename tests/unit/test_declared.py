"""Codes a survey declares in the talk's scheme: French and English values, cell
problems with their row and column, ``none``, empty cells, precedence over the
classifier, the shipped example reproducing the talk, and the Excel template."""
import openpyxl
import pandas as pd
import pytest

import iness
from iness import analysis, build
from iness.errors import SurveyError
from iness.pipeline import declared, own_survey
from iness.reference import taxonomy
from iness.store import codes
from iness.text import compact_key


@pytest.fixture(autouse=True)
def no_classifier(monkeypatch):
    """No classifier rows (training it takes minutes); declared and crosswalk rows stay."""
    monkeypatch.setattr(build, "dsi4eu_projects", lambda: None)


BASE = {"platform_id": "A1", "platform_name": "Goteo", "country": "Spain",
        "areas": "finance and economy; participation and democracy"}


def write(tmp_path, rows, name="survey.csv"):
    path = tmp_path / name
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def declared_of(tables, entity_id, framework):
    found = tables["codes"].query("method == 'declared' and entity_id == @entity_id "
                                  "and framework == @framework")
    return sorted(found["target_id"])


def test_french_and_english_ids_and_labels_are_accepted(tmp_path):
    rows = [{**BASE, "platform_id": "A1", "categories": "Finance ; ENGAGEMENT CIVIQUE",
             "primary_category": "finance", "activities": "crowdsourcing_crowdfunding",
             "is_platform": "oui", "practices": "Open-source; vote en ligne",
             "scaling_strategies": "Réplication technologique",
             "resources": "reciprocity_donations; Redistribution : subventions publiques ou "
                          "philanthropiques (programmes européens, ministères, fondations)"},
            {**BASE, "platform_id": "A2", "categories": "Data and transparency",
             "activities": "Mise en relation", "is_platform": "Yes"}]
    tables = iness.read_survey(write(tmp_path, rows))
    assert declared_of(tables, "A1", "category") == ["civic_engagement", "finance"]
    assert declared_of(tables, "A1", "primary_category") == ["finance"]
    assert declared_of(tables, "A1", "practice") == ["online_voting", "open_source"]
    assert declared_of(tables, "A1", "resource") == ["reciprocity_donations",
                                                     "redistribution_grants"]
    # the levers the practices fill come with the declared strategy
    assert declared_of(tables, "A1", "strategy") == ["lever_a", "lever_b",
                                                     "technology_replication"]
    # one category declared: it is the primary one
    assert declared_of(tables, "A2", "primary_category") == ["data_transparency"]
    assert declared_of(tables, "A2", "activity") == ["matching"]
    assert declared_of(tables, "A2", "is_platform") == ["true"]
    evidence = tables["codes"].query("method == 'declared'")["evidence"]
    assert evidence.str.startswith("survey.csv row ").all()


def test_an_invalid_value_is_a_cell_problem_with_row_and_column(tmp_path):
    rows = [{**BASE, "platform_id": "A1", "categories": "finance"},
            {**BASE, "platform_id": "A2", "categories": "finance; banking",
             "is_platform": "maybe"},
            {**BASE, "platform_id": "A3", "categories": "sharing",
             "primary_category": "health"}]
    with pytest.raises(SurveyError) as error:
        iness.read_survey(write(tmp_path, rows))
    message = str(error.value)
    assert "survey.csv" in message and "3 problem(s)" in message
    assert ("row 3, column 'categories': 'banking' (in 'finance; banking') expected one of "
            "civic_engagement, data_transparency") in message
    assert "row 3, column 'is_platform': 'maybe' expected one of true, false" in message
    assert ("row 4, column 'primary_category': 'health' is not among the categories "
            "declared in this row (sharing)") in message


def test_none_is_measured_with_nothing_and_empty_is_not_declared(tmp_path):
    rows = [{**BASE, "platform_id": "N1", "categories": "aucune", "is_platform": "true"},
            {**BASE, "platform_id": "E1", "categories": "", "is_platform": "",
             "project_type": "education and training"}]
    tables = iness.read_survey(write(tmp_path, rows))
    assert declared_of(tables, "N1", "category") == ["none"]
    assert declared_of(tables, "N1", "primary_category") == ["none"]
    assert declared_of(tables, "E1", "category") == []
    survey = iness.Survey(**tables)
    measured = survey.measured("category", "declared")
    assert measured["entity_id"].tolist() == ["N1"]        # in the denominator...
    assert survey.members("category", "declared").empty    # ...with no category
    # the empty cell left the platform to the crosswalk
    left = survey.members("category").query("entity_id == 'E1'")
    assert left["target_id"].tolist() == ["education"] and set(left["method"]) == {"crosswalk"}
    with pytest.raises(SurveyError, match="mixes none with values"):
        iness.read_survey(write(tmp_path, [{**BASE, "categories": "none; finance"}],
                                name="mixed.csv"))


def test_declared_beats_classifier_and_crosswalk_in_members(tmp_path):
    tables = iness.read_survey(write(tmp_path, [{**BASE, "categories": "finance",
                                                 "project_type": "education and training"}]))
    guessed = pd.DataFrame([{"entity_id": "A1", "wave": 2024, "framework": "category",
                             "target_id": target, "subcategory_id": None,
                             "method": "classifier", "confidence": "medium", "score": 0.7,
                             "evidence": "description"}
                            for target in ("health", "education")])
    tables["codes"] = codes.tidy_codes([tables["codes"], guessed])
    survey = iness.Survey(**tables)
    assert {"declared", "classifier", "crosswalk"} <= set(
        survey.codes.query("framework == 'category'")["method"])
    best = survey.members("category")
    assert best["target_id"].tolist() == ["finance"] and set(best["method"]) == {"declared"}
    assert set(survey.members("category", "classifier")["target_id"]) == {"health",
                                                                          "education"}


@pytest.fixture(scope="module")
def example():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build, "dsi4eu_projects", lambda: None)
        return iness.Survey(**iness.read_survey(own_survey.EXAMPLE_SURVEY))


def _matches(name: str, wording: str) -> bool:
    """The talk's wording of a platform ('Olioex.com', 'Goteo (ES)') names it."""
    name, wording = compact_key(name), compact_key(wording.split("(")[0])
    return bool(name) and (name in wording or wording in name)


def test_the_example_reproduces_the_talks_category_table(example):
    talk = analysis.talk_category_table()
    ours = analysis.survey_category_table(example)
    assert ours["Social issue"].tolist() == talk["Social issue"].tolist()
    for talk_row, our_row in zip(talk["Examples"], ours["Examples"]):
        talk_names, our_names = talk_row.split(", "), our_row.split(", ")
        assert len(our_names) == len(talk_names), (talk_row, our_row)
        for talk_name, our_name in zip(talk_names, our_names):
            assert analysis.find_platforms(pd.Series([our_name]), talk_name).all(), (
                talk_name, our_name)
    assert analysis.survey_category_table(example, "fr").columns[-1] == "Exemples"


def test_the_example_declares_what_the_talk_says_no_more_no_less(example):
    names = example.projects.set_index("project_id")["project_name"]
    placed = []
    for framework in ("activity", "strategy"):
        examples = taxonomy.examples().query("framework == @framework")
        for target, group in examples.groupby("target_id"):
            found = example.members(framework, "declared").query("target_id == @target")
            ours = sorted(names[found["entity_id"]])
            assert len(ours) == len(group) and all(
                any(_matches(name, talk) for name in ours) for talk in group["platform"]), (
                target, ours)
            placed.append(framework)
    assert set(placed) == {"activity", "strategy"}
    matrix = taxonomy.scaling_matrix()
    unmatched = set()
    for row in matrix.itertuples():
        talk = [part.strip() for part in row.examples.split(";")]
        found = example.members("practice", "declared").query("target_id == @row.practice_id")
        ours = set(names[found["entity_id"]])
        expected = {name for name in names if any(_matches(name, t) for t in talk)}
        assert ours == expected, (row.practice_id, ours, expected)
        unmatched |= {t for t in talk if not any(_matches(name, t) for name in names)}
    assert unmatched == {"Open source DSIs", "Nearly all crowdfunding"}
    # the talk places no platform's resources: none are declared
    assert example.codes.query("method == 'declared' and framework == 'resource'").empty
    assert set(example.members("is_platform", "declared")["target_id"]) == {"true"}


def test_excel_template_has_lists_and_codebook(tmp_path):
    excel = own_survey.write_template(tmp_path)[1]
    book = openpyxl.load_workbook(excel)
    assert {"platforms", "columns", "lists", "codebook"} <= set(book.sheetnames)
    header = [cell.value for cell in book["platforms"][1]]
    rules = {str(rule.sqref): rule for rule in
             book["platforms"].data_validations.dataValidation}
    letters = {column: openpyxl.utils.get_column_letter(header.index(column) + 1)
               for column in declared.COLUMNS}
    lists = book["lists"]
    for column, letter in letters.items():
        rule = rules[f"{letter}2:{letter}{declared.VALIDATED_ROWS}"]
        assert rule.type == "list" and rule.formula1.startswith("=lists!")
        source = rule.formula1.split("!")[1].replace("$", "")
        values = [cell.value for row in lists[source] for cell in row]
        assert values == declared.allowed_ids(column)
        assert rule.showErrorMessage == (not declared.COLUMNS[column].multi)
        if declared.COLUMNS[column].multi:
            assert "';'" in rule.prompt
    sheet = pd.read_excel(excel, sheet_name="codebook", dtype=str).fillna("")
    civic = sheet.query("column == 'categories' and value == 'civic_engagement'").iloc[0]
    assert civic["label_fr"] == "Engagement civique"
    assert civic["definition_fr"].startswith("Systèmes participatifs")
    assert len(sheet.query("column == 'practices' and value != ''")) == 17  # 16 rows + none
    assert set(sheet["column"]) == set(declared.COLUMNS)
    # the example row of the template is itself valid and declared (once it is no longer
    # the example as written, which is refused: issue 21)
    book["platforms"]["A2"] = "W1"
    book.save(excel)
    tables = iness.read_survey(excel)
    assert set(tables["codes"]["method"]) >= {"declared"}


def _levers_of_one_row(practices):
    """The levers of one row, read alone through the crosswalk's rule (how the
    codes were computed row by row before they were computed at once)."""
    frame = pd.DataFrame({"entity": "project", "entity_id": "x", "wave": 0,
                          "target_id": [p for p in practices if p != "none"]})
    found = taxonomy.lever_memberships(frame)
    return found.groupby("target_id", sort=False)["via_tag"].agg(", ".join).to_dict()


def test_levers_read_at_once_match_each_row_read_alone():
    practices = taxonomy.scaling_matrix()["practice_id"].tolist()
    rows = [[], ["none"], ["open_source"], ["open_source", "online_voting"],
            ["online_voting", "open_source", "local_partnerships"],  # all three: scaling deep
            ["assigning_intermediaries"], ["network_effect_strategy", "trainings"],
            practices, practices[::-1], ["local_partnerships"]]
    found = declared._levers(rows)
    assert found == [_levers_of_one_row(row) for row in rows]
    # items in order too: the evidence names the practices as the row lists them
    assert [list(levers.items()) for levers in found] == \
        [list(_levers_of_one_row(row).items()) for row in rows]
    assert found[4]["scaling_deep"] == "lever_a+lever_b+lever_c"
    assert "scaling_deep" not in found[3] and found[0] == {} == found[1]


def test_many_rows_get_their_own_levers_in_the_codes(tmp_path):
    """Rows read together do not lend each other practices: only the row that
    declares the three levers is scaling deep."""
    one = [{**BASE, "platform_id": f"P{i}", "practices": practice}
           for i, practice in enumerate(["open_source", "online_voting",
                                         "local_partnerships", "Open-source; vote en ligne; "
                                         "local_partnerships", "", "none"] * 40)]
    frame = own_survey.checked_survey(write(tmp_path, one))
    rows = frame.index.to_numpy()
    table = declared.declared_codes(frame, frame["platform_id"], [2024] * len(frame),
                                    "survey.csv", rows)
    deep = table.query("target_id == 'scaling_deep'")
    assert sorted(set(deep["entity_id"])) == sorted(f"P{i}" for i in range(3, 240, 6))
    assert deep["evidence"].str.endswith("follows from lever_a+lever_b+lever_c").all()
    strategies = table.query("entity_id == 'P1' and framework == 'strategy'")
    assert strategies["target_id"].tolist() == ["lever_b"]
    assert strategies["evidence"].tolist() == ["survey.csv row 3; follows from online_voting"]
    assert table.query("entity_id in ['P4', 'P5'] and framework == 'strategy'").empty

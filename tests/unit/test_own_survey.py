"""A researcher's own survey: every bad cell reported at once, good files give
the same tables as DSI4EU."""
import pandas as pd
import pytest

import iness
from iness import build
from iness.pipeline import own_survey
from iness.errors import OutputError, SurveyError


def test_example_survey_gives_valid_tables():
    tables = iness.read_survey(own_survey.EXAMPLE_SURVEY)
    # the talk's own platforms: its category table, activity examples and back-up matrix
    assert len(tables["projects"]) == 43
    assert set(tables["projects"]["wave"]) == {2024}
    assert not tables["projects"]["is_suspect"].any()
    ids = tables["projects"].set_index("project_name")["project_id"]
    wheelmap = tables["tags"].query("entity_id == @ids['Wheelmap.org']")
    assert {"crowdsourcing, crowdmapping and crowdfunding", "open-source technologies"} <= set(
        wheelmap["tag"])
    madrid = ids["Decide Madrid"]
    assert tables["projects"].set_index("project_id").loc[madrid, "country_code"] == "ES"


def write(tmp_path, rows, name="survey.csv"):
    frame = pd.DataFrame(rows)
    path = tmp_path / name
    if name.endswith(".xlsx"):
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return path


GOOD = {"platform_id": "A1", "platform_name": "Goteo", "country": "Spain",
        "latitude": "41.39", "longitude": "2.17", "organisation_type": "social_enterprise",
        "areas": "finance and economy; participation and democracy"}


def test_every_bad_cell_is_reported_at_once(tmp_path):
    rows = [GOOD,
            {**GOOD, "platform_id": "A2", "latitude": "north", "wave": "twenty"},
            {**GOOD, "platform_id": "A2", "organisation_type": "club", "platform_name": ""},
            {**GOOD, "platform_id": "A4", "platform_name": "=HYPERLINK(\"http://x\")",
             "country": "Narnia", "start_date": "last year"}]
    with pytest.raises(SurveyError) as error:
        iness.read_survey(write(tmp_path, rows))
    message = str(error.value)
    for expected in ("survey.csv", "row 3, column 'latitude': 'north'",
                     "row 3, column 'wave'", "row 4, column 'organisation_type': 'club'",
                     "row 4, column 'platform_name'", "row 5, column 'country': 'Narnia'",
                     "row 5, column 'start_date'", "rows [3, 4], column 'platform_id'"):
        assert expected in message, expected
    # text that starts like a formula is text (issue 12), neutralised where written out
    assert "row 5, column 'platform_name'" not in message
    assert "7 problem(s)" in message


def test_negative_numbers_are_not_formulas(tmp_path):
    tables = iness.read_survey(write(tmp_path, [{**GOOD, "longitude": "-3.70"}]))
    assert tables["projects"]["longitude"].iloc[0] == pytest.approx(-3.70)


def test_unknown_or_missing_columns(tmp_path):
    with pytest.raises(SurveyError, match=r"missing \['platform_name'\], unknown \['nmae'\]"):
        iness.read_survey(write(tmp_path, [{"platform_id": "A", "nmae": "x"}]))


def test_excel_template_round_trip(tmp_path):
    paths = own_survey.write_template(tmp_path / "template")
    assert [p.name for p in paths] == ["template.csv", "template.xlsx"]
    # the example row left in is refused, in one line naming its row
    with pytest.raises(SurveyError, match=r"1 problem\(s\); nothing was written:\n  row 2: "
                       r"the template's example row \(P001, Wheelmap.org\) is still there"):
        iness.read_survey(paths[1])
    book = __import__("openpyxl").load_workbook(paths[1])
    book["platforms"]["A2"] = "W1"
    book.save(paths[1])
    tables = iness.read_survey(paths[1])
    assert tables["projects"]["project_name"].tolist() == ["Wheelmap.org"]
    excel = write(tmp_path, [GOOD, {**GOOD, "platform_id": "A2"}], name="survey.xlsx")
    assert len(iness.read_survey(excel)["projects"]) == 2


def test_the_template_never_overwrites_a_file(tmp_path):
    (tmp_path / "template.xlsx").write_bytes(b"my filled-in survey")
    with pytest.raises(OutputError, match="template.xlsx already exists"):
        own_survey.write_template(tmp_path)
    assert (tmp_path / "template.xlsx").read_bytes() == b"my filled-in survey"
    assert not (tmp_path / "template.csv").exists()


def test_build_survey_writes_tables_the_notebooks_read(tmp_path):
    iness.build_survey(own_survey.EXAMPLE_SURVEY, tmp_path / "tables")
    survey = iness.survey(tmp_path / "tables")
    assert survey.waves == (2024,)
    assert len(survey.members("category")) > 26


def test_organisations_named_in_other_scripts_stay_apart(tmp_path):
    rows = [{**GOOD, "platform_id": "R1", "organisation_name": "Мемориал"},
            {**GOOD, "platform_id": "R2", "organisation_name": "Яблоко"},
            {**GOOD, "platform_id": "J1", "organisation_name": "日本財団"}]
    tables = iness.read_survey(write(tmp_path, rows))
    organisations = tables["organisations"]
    assert len(organisations) == 3 and organisations["org_id"].is_unique
    assert set(tables["links"]["org_id"]) == set(organisations["org_id"])


def test_load_takes_any_wave_the_survey_holds(tmp_path, own_surveys):
    folder = iness.build_survey(own_surveys["one_wave"], tmp_path / "tables")
    assert iness.load("wave_matches", folder=folder).empty  # one wave: nothing to match
    assert len(iness.load("ledger", folder=folder)) == 2
    assert iness.load("projects", wave=2030, folder=folder)["project_name"].tolist() == [
        "Goteo", "Wikirate"]
    with pytest.raises(iness.InessError, match="no wave 2016 in .*: it holds 2030"):
        iness.load("projects", wave=2016, folder=folder)


def test_a_survey_of_two_waves_is_matched_and_ledgered(own_surveys, monkeypatch):
    monkeypatch.setattr(build, "dsi4eu_projects", lambda: None)  # no classifier here
    tables = iness.read_survey(own_surveys["two_waves"])
    assert sorted(set(tables["projects"]["wave"])) == [2019, 2021]
    matches = tables["wave_matches"]
    projects = matches[matches["entity"] == "project"]
    assert projects[["wave_from", "id_from", "wave_to", "id_to", "rule"]].values.tolist() == [
        [2019, "P1", 2021, "P1", "same_id"], [2019, "P2", 2021, "P2", "same_id"],  # P2 renamed
        [2019, "W1", 2021, "W2", "name"]]
    organisations = matches[matches["entity"] == "organisation"]
    assert set(organisations["rule"]) == {"same_id"} and len(organisations) == 2
    # every template row once in the ledger, as a project, numbered as the spreadsheet
    # and the problems number it (header = row 1); derived organisations have no rows
    ledger = tables["ledger"]
    assert ledger["source_row"].tolist() == list(range(2, 10))
    assert set(ledger["entity"]) == {"project"} and set(ledger["outcome"]) == {"kept"}


def test_one_id_in_two_waves_is_one_platform_but_not_twice_in_a_wave(tmp_path):
    rows = [{**GOOD, "wave": "2019"}, {**GOOD, "wave": "2021"}, {**GOOD, "wave": ""}]
    with pytest.raises(SurveyError) as error:
        iness.read_survey(write(tmp_path, rows), wave=2021)
    assert "rows [3, 4], column 'platform_id': 'A1' appears 2 times in wave 2021" in str(
        error.value)


def test_two_platforms_of_one_name_stay_two(tmp_path):
    """A researcher's ids are declared unique: a shared name does not merge them."""
    rows = [GOOD, {**GOOD, "platform_id": "A2"}]
    tables = iness.read_survey(write(tmp_path, rows))
    assert tables["projects"]["project_id"].tolist() == ["A1", "A2"]
    assert set(tables["ledger"]["outcome"]) == {"kept"}


def test_an_unchanged_survey_is_not_rebuilt_and_a_changed_one_is(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "dsi4eu_projects", lambda: None)
    path = write(tmp_path, [GOOD])
    folder = iness.build_survey(path, tmp_path / "tables", force=False)
    first = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.iterdir()}
    monkeypatch.setattr(build, "read_survey", lambda *a, **k: pytest.fail("rebuilt"))
    iness.build_survey(path, tmp_path / "tables", force=False)
    assert {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.iterdir()} == first
    monkeypatch.undo()
    monkeypatch.setattr(build, "dsi4eu_projects", lambda: None)
    write(tmp_path, [GOOD, {**GOOD, "platform_id": "A2"}])
    iness.build_survey(path, tmp_path / "tables", force=False)
    assert len(iness.load("projects", folder=folder)) == 2

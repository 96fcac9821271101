"""Survey files as researchers have them (issue 12 item 3, issue 14 cases 6 and 7):
each file is made here, and each test asserts the value read or the message
naming file, row (as a spreadsheet shows it: the header is row 1) and column."""
import io
import zipfile

import openpyxl
import pandas as pd
import pytest

import iness
from iness import build
from iness.errors import SurveyError
from iness.pipeline.survey_file import describe_detection, detect


@pytest.fixture(autouse=True)
def no_classifier(monkeypatch):
    """The classifier trained on DSI4EU is not what these tests are about."""
    monkeypatch.setattr(build, "dsi4eu_projects", lambda: None)


def write(path, content, encoding="utf-8"):
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def projects(path):
    return iness.read_survey(path)["projects"].set_index("project_id")


def problems(path):
    with pytest.raises(SurveyError) as error:
        iness.read_survey(path)
    return str(error.value)


def test_french_excel_csv_semicolons_windows_1252_decimal_commas(tmp_path):
    path = write(tmp_path / "enquête.csv",
                 "platform_id;platform_name;country;latitude;longitude\r\n"
                 "P1;Société d’œuvres €;France;48,85;2,35\r\n"
                 "P2;Énergie Partagée;Belgique;-50,5;4,4\r\n", "cp1252")
    table = projects(path)
    assert table.loc["P1", "project_name"] == "Société d’œuvres €"
    assert table.loc["P2", "country_code"] == "BE"
    assert table["latitude"].tolist() == [48.85, -50.5]
    assert describe_detection(detect(path)) == (
        "enquête.csv: CSV text, Windows-1252 (Western European), ';' separator, CRLF line "
        "ends, 4 numbers with a decimal comma")


def test_utf8_bom_and_crlf(tmp_path):
    path = write(tmp_path / "s.csv", "\ufeffplatform_id,platform_name,country\r\n"
                                     "P1,Café Zoé,France\r\n")
    assert projects(path).loc["P1", "project_name"] == "Café Zoé"
    assert "UTF-8 with BOM" in describe_detection(detect(path))
    assert "CRLF line ends" in describe_detection(detect(path))


MESSY = pd.DataFrame({" Platform ID": ["A1", "A2"], "PLATFORM NAME": ["Goteo", "Fairmondo"],
                      "Latitude": [41.39, 95.0], "Longitude": [2.17, 13.4],
                      "start date": [pd.Timestamp("2011-05-01"), pd.Timestamp("2012-01-01")]})


@pytest.mark.parametrize("suffix, engine", [("xlsx", "openpyxl"), ("ods", "odf")])
def test_workbooks_with_empty_rows_columns_and_odd_headers(tmp_path, suffix, engine):
    path = tmp_path / f"s.{suffix}"
    with pd.ExcelWriter(path, engine=engine) as writer:
        MESSY.to_excel(writer, sheet_name="Feuil1", startrow=2, startcol=1, index=False)
    # the header is on sheet row 3, A2 on row 5, its latitude in column D
    message = problems(path)
    assert f"s.{suffix}: 1 problem(s)" in message
    assert "row 5, column 'latitude': '95' expected a number between -90 and 90" in message
    assert "sheet 'Feuil1', header on row 3" in message
    good = MESSY.assign(Latitude=[41.39, 52.5])
    with pd.ExcelWriter(path, engine=engine) as writer:
        good.to_excel(writer, sheet_name="Feuil1", startrow=2, startcol=1, index=False)
    table = projects(path)
    assert table["latitude"].tolist() == [41.39, 52.5]
    assert table.loc["A1", "start_date"] == pd.Timestamp("2011-05-01")


def test_files_are_recognised_by_content_not_name(tmp_path):
    workbook = tmp_path / "real.xlsx"
    pd.DataFrame({"platform_id": ["A1"], "platform_name": ["Goteo"]}).to_excel(
        workbook, index=False)
    renamed = write(tmp_path / "export.csv", workbook.read_bytes())
    assert projects(renamed).loc["A1", "project_name"] == "Goteo"
    assert "Excel workbook (although the file is named .csv)" in describe_detection(
        detect(renamed))
    text = write(tmp_path / "text.xlsx", "platform_id,platform_name\nA1,Goteo\n")
    assert projects(text).loc["A1", "project_name"] == "Goteo"
    old = write(tmp_path / "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert "old.xls: an old Excel .xls workbook" in problems(old)


def test_damaged_workbooks(tmp_path):
    workbook = tmp_path / "real.xlsx"
    pd.DataFrame({"platform_id": ["A1"], "platform_name": ["Goteo"]}).to_excel(
        workbook, index=False)
    data = workbook.read_bytes()
    cut = write(tmp_path / "cut.xlsx", data[:len(data) // 2])
    assert "cut.xlsx: a damaged zip archive" in problems(cut)
    buffer = io.BytesIO()
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            broken = item.filename.endswith("sheet1.xml")
            target.writestr(item, b"<worksheet><sheetData><row" if broken
                            else source.read(item.filename))
    sheet = write(tmp_path / "sheet.xlsx", buffer.getvalue())
    assert "sheet.xlsx: the workbook cannot be read (ParseError" in problems(sheet)


def test_binary_and_nul_bytes(tmp_path):
    path = write(tmp_path / "s.csv", b"platform_id,platform_name\nA1,Go\x00teo\n")
    assert "s.csv: a binary file (it holds NUL bytes)" in problems(path)


def test_cell_over_the_limit_names_row_and_column(tmp_path):
    path = write(tmp_path / "s.csv", "platform_id,platform_name,description\n"
                 "A1,Goteo,short\nA2,Big," + "x" * 5_000_000 + "\n")
    message = problems(path)
    assert "row 3, column 'description': 5,000,000 characters; expected at most 131,072" \
        in message
    assert len(message) < 1000


def test_duplicate_columns(tmp_path):
    path = write(tmp_path / "s.csv", "platform_id,platform_name,Country,country \nA1,G,ES,FR\n")
    assert problems(path).endswith(
        "s.csv, row 1: repeated column name(s): 'country' in columns C, D; expected each "
        "column once")


def test_only_the_required_columns(tmp_path):
    path = write(tmp_path / "s.csv", "platform_id,platform_name\nA1,Goteo\n")
    tables = iness.read_survey(path)
    assert tables["projects"]["project_name"].tolist() == ["Goteo"]
    assert tables["tags"].empty


def test_tags_in_other_scripts(tmp_path):
    path = write(tmp_path / "s.csv", "platform_id,platform_name,free_tags\n"
                 "A1,Мемориал,open data; accessibility\nA2,B,🚀\n")
    message = problems(path)
    assert "1 problem(s)" in message
    assert ("row 3, column 'free_tags': '🚀' has the keyword '🚀' with no letter or digit"
            in message)


def test_free_tags_in_other_scripts_are_kept_as_written(tmp_path):
    path = write(tmp_path / "s.csv", "platform_id,platform_name,free_tags\n"
                 "A1,Мемориал,Права человека; עזרה\n")
    tags = iness.read_survey(path)["tags"]
    assert sorted(tags["tag"]) == ["права человека", "עזרה"]


@pytest.mark.parametrize("column, value, expected", [
    ("wave", "1985", "'1985' is outside the survey years iness reads; expected a year "
                     "between 1990 and 2100"),
    ("start_date", "2020-13-01", "'2020-13-01' is not a date (month must be in 1..12)"),
    ("start_date", "2020-02-31", "'2020-02-31' is not a date (day is out of range"),
    ("start_date", "9999-99-99", "has the year 9999; expected a year between 1800 and 2100"),
    ("start_date", "0000", "has the year 0000"),
    ("start_date", "01/05/2010", "(day/month or month/day? write the date as YYYY-MM-DD)"),
    ("latitude", "1_0", "'1_0' expected a number in decimal degrees"),
    ("country", "EU", "'EU' is not a country code (EU is the European Union)"),
    ("country", "XX", "'XX' is not a country code"),
    ("country", "Germanny", "expected a country name or ISO code (France, FR, FRA); "
                            "nearest: Germany"),
    ("country", "USSR", "is a former state, dissolved 1991"),
], ids=lambda value: value if isinstance(value, str) and len(value) < 12 else None)
def test_each_bad_value_is_a_cell_problem(tmp_path, column, value, expected):
    frame = pd.DataFrame({"platform_id": ["A1", "A2"], "platform_name": ["Goteo", "Lab"],
                          column: ["", value]})
    frame.to_csv(tmp_path / "s.csv", index=False)
    message = problems(tmp_path / "s.csv")
    assert f"s.csv: 1 problem(s); nothing was written:\n  row 3, column {column!r}: " in message
    assert expected in message


def test_countries_in_any_common_form(tmp_path):
    names = ["Democratic Republic of the Congo", "UK", "Royaume-Uni", "The Netherlands",
             "DEU", "Côte d'Ivoire", "Ivory Coast", "fr"]
    pd.DataFrame({"platform_id": [f"A{i}" for i in range(len(names))],
                  "platform_name": names, "country": names}).to_csv(tmp_path / "s.csv",
                                                                     index=False)
    assert projects(tmp_path / "s.csv")["country_code"].tolist() == [
        "CD", "GB", "GB", "NL", "DE", "CI", "CI", "FR"]


def test_uncomputed_formula_cells(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["platform_id", "platform_name", "latitude"])
    book.active.append(["A1", "Goteo", "=40+1.39"])
    book.save(tmp_path / "s.xlsx")
    assert "row 2, column 'latitude': a formula with no computed value" in problems(
        tmp_path / "s.xlsx")


def test_formula_like_text_is_kept_and_neutralised_in_csv_outputs(tmp_path):
    path = write(tmp_path / "s.csv", 'platform_id,platform_name,free_tags\n'
                 'A1,@firma,"+33 1 23"\nA2,=HYPERLINK("x"),-x\n')
    target = iness.build_survey(path, tmp_path / "tables")
    names = pd.read_parquet(target / "projects.parquet")["project_name"].tolist()
    assert names == ["@firma", '=HYPERLINK("x")']
    written = pd.read_csv(target / "projects.csv", dtype=str)["project_name"].tolist()
    assert written == ["'@firma", '\'=HYPERLINK("x")']


def test_problems_are_capped(tmp_path):
    rows = "".join(f"P{i},n{i},north,east\n" for i in range(26_000))
    path = write(tmp_path / "s.csv", "platform_id,platform_name,latitude,longitude\n" + rows)
    message = problems(path)
    assert "52,000 problem(s)" in message and "... and 51,980 more" in message
    assert message.count("\n  row ") == 20 and len(message) < 3000


def test_utf16_tab_separated_and_a_broken_bom_file(tmp_path):
    path = write(tmp_path / "s.txt", "platform_id\tplatform_name\r\nA1\tCafé\r\n", "utf-16")
    assert projects(path).loc["A1", "project_name"] == "Café"
    assert "UTF-16, tab separator" in describe_detection(detect(path))
    mixed = write(tmp_path / "m.csv", b"\xef\xbb\xbfplatform_id,platform_name\nA1,Caf\xe9\n")
    assert "m.csv, line 2: byte 0xe9 is not UTF-8 with BOM" in problems(mixed)

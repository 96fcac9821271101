"""Survey files accepted as researchers publish them (issue 21 item 1): keywords
with commas, slashes, '&' and URLs inside ';'-separated cells, countries under
any UN, historical or political name, cities given as countries, several
organisations in a cell with their roles, a partners column. Heuristics warn
once per column with a count and examples; they never refuse."""
import warnings

import pandas as pd
import pytest

import iness
from iness import build
from iness.errors import SurveyError
from iness.pipeline.clean.places import survey_country
from iness.pipeline.own_survey import SurveyWarning


@pytest.fixture(autouse=True)
def no_classifier(monkeypatch):
    monkeypatch.setattr(build, "dsi4eu_projects", lambda: None)


def read(tmp_path, rows):
    path = tmp_path / "s.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tables = iness.read_survey(path)
    return tables, [str(w.message) for w in caught if w.category is SurveyWarning]


#: the 193 member states and 2 observer states as the UN lists them (un.org,
#: "Member States" and "Non-member States")
UN_NAMES = (
    "Afghanistan", "Albania", "Algeria", "Andorra", "Angola", "Antigua and Barbuda",
    "Argentina", "Armenia", "Australia", "Austria", "Azerbaijan", "Bahamas", "Bahrain",
    "Bangladesh", "Barbados", "Belarus", "Belgium", "Belize", "Benin", "Bhutan",
    "Bolivia (Plurinational State of)", "Bosnia and Herzegovina", "Botswana", "Brazil",
    "Brunei Darussalam", "Bulgaria", "Burkina Faso", "Burundi", "Cabo Verde", "Cambodia",
    "Cameroon", "Canada", "Central African Republic", "Chad", "Chile", "China", "Colombia",
    "Comoros", "Congo", "Costa Rica", "Côte d'Ivoire", "Croatia", "Cuba", "Cyprus", "Czechia",
    "Democratic People's Republic of Korea", "Democratic Republic of the Congo", "Denmark",
    "Djibouti", "Dominica", "Dominican Republic", "Ecuador", "Egypt", "El Salvador",
    "Equatorial Guinea", "Eritrea", "Estonia", "Eswatini", "Ethiopia", "Fiji", "Finland",
    "France", "Gabon", "Gambia", "Georgia", "Germany", "Ghana", "Greece", "Grenada",
    "Guatemala", "Guinea", "Guinea-Bissau", "Guyana", "Haiti", "Honduras", "Hungary",
    "Iceland", "India", "Indonesia", "Iran (Islamic Republic of)", "Iraq", "Ireland",
    "Israel", "Italy", "Jamaica", "Japan", "Jordan", "Kazakhstan", "Kenya", "Kiribati",
    "Kuwait", "Kyrgyzstan", "Lao People's Democratic Republic", "Latvia", "Lebanon",
    "Lesotho", "Liberia", "Libya", "Liechtenstein", "Lithuania", "Luxembourg", "Madagascar",
    "Malawi", "Malaysia", "Maldives", "Mali", "Malta", "Marshall Islands", "Mauritania",
    "Mauritius", "Mexico", "Micronesia (Federated States of)", "Monaco", "Mongolia",
    "Montenegro", "Morocco", "Mozambique", "Myanmar", "Namibia", "Nauru", "Nepal",
    "Netherlands (Kingdom of the)", "New Zealand", "Nicaragua", "Niger", "Nigeria",
    "North Macedonia", "Norway", "Oman", "Pakistan", "Palau", "Panama", "Papua New Guinea",
    "Paraguay", "Peru", "Philippines", "Poland", "Portugal", "Qatar", "Republic of Korea",
    "Republic of Moldova", "Romania", "Russian Federation", "Rwanda", "Saint Kitts and Nevis",
    "Saint Lucia", "Saint Vincent and the Grenadines", "Samoa", "San Marino",
    "Sao Tome and Principe", "Saudi Arabia", "Senegal", "Serbia", "Seychelles",
    "Sierra Leone", "Singapore", "Slovakia", "Slovenia", "Solomon Islands", "Somalia",
    "South Africa", "South Sudan", "Spain", "Sri Lanka", "Sudan", "Suriname", "Sweden",
    "Switzerland", "Syrian Arab Republic", "Tajikistan", "Thailand", "Timor-Leste", "Togo",
    "Tonga", "Trinidad and Tobago", "Tunisia", "Türkiye", "Turkmenistan", "Tuvalu", "Uganda",
    "Ukraine", "United Arab Emirates", "United Kingdom of Great Britain and Northern Ireland",
    "United Republic of Tanzania", "United States of America", "Uruguay", "Uzbekistan",
    "Vanuatu", "Venezuela (Bolivarian Republic of)", "Viet Nam", "Yemen", "Zambia",
    "Zimbabwe",
    "Holy See", "State of Palestine")


def test_every_un_member_and_observer_resolves_to_its_own_code():
    assert len(UN_NAMES) == 195
    codes = {name: survey_country(name)[0] for name in UN_NAMES}
    assert [name for name, code in codes.items() if code is None] == []
    assert len(set(codes.values())) == 195  # no two states share a code


@pytest.mark.parametrize("name, code", [
    ("Palestinian Territory", "PS"), ("Republic of Georgia", "GE"), ("Burma", "MM"),
    ("Zaire", "CD"), ("Swaziland", "SZ"), ("FYROM", "MK"), ("Czech Republic", "CZ"),
    ("Turkey", "TR"), ("Vatican", "VA"), ("Kosovo", "XK"), ("North Korea", "KP"),
    ("St. Lucia", "LC"), ("The Gambia", "GM"), ("Ivory Coast", "CI")])
def test_historical_and_political_names(name, code):
    assert survey_country(name)[:2] == (code, None)


def test_keywords_with_commas_slashes_ampersands_and_urls_are_accepted(tmp_path):
    rows = [{"platform_id": "R1", "platform_name": "Reg one",
             "free_tags": "digital/data/tech; arts & culture; see https://x.org/a,b"},
            {"platform_id": "R2", "platform_name": "Reg two", "free_tags": "health, care"},
            {"platform_id": "R3", "platform_name": "Reg three", "free_tags": "food | farms"},
            {"platform_id": "R4", "platform_name": "Reg four",
             "areas": "health and wellbeing, education and skills"}]
    tables, warned = read(tmp_path, rows)
    tags = tables["tags"].groupby("entity_id")["raw_value"].apply(sorted)
    assert tags["R1"] == ["arts & culture", "digital/data/tech", "see https://x.org/a,b"]
    assert tags["R2"] == ["health, care"]
    # one warning per column and kind, with its count and examples (rows as shown)
    assert warned == [
        "s.csv: column 'free_tags': 1 cell(s) hold no ';' but ','; each is read as one "
        "keyword (separate several keywords with ';') (e.g. row 3: 'health, care')",
        "s.csv: column 'free_tags': 1 cell(s) hold no ';' but '|'; each is read as one "
        "keyword (separate several keywords with ';') (e.g. row 4: 'food | farms')",
        "s.csv: column 'areas': 1 cell(s) join labels with ','; each is kept as one label, "
        "read as the tag 'other' (separate labels with ';') (e.g. row 5: 'health and "
        "wellbeing, education and skills')"]


def test_cities_and_continents_given_as_countries_warn_and_stay_unknown(tmp_path):
    rows = [{"platform_id": f"C{i}", "platform_name": f"Dir {i}", "country": country}
            for i, country in enumerate(["Madrid", "Buenos Aires", "Cambridge", "Spain",
                                         "Global", "Europe"])]
    tables, warned = read(tmp_path, rows)
    projects = tables["projects"].set_index("project_id")
    assert projects["country_code"].tolist()[:4] == [None, None, None, "ES"]
    assert projects.loc["C0", "country_flag"] == "unknown_name"
    assert len(warned) == 2
    assert warned[0].startswith("s.csv: column 'country': 3 cell(s) name a city or region")
    assert "row 2: 'Madrid'; row 3: 'Buenos Aires'; row 4: 'Cambridge'" in warned[0]
    assert warned[1].startswith("s.csv: column 'country': 2 cell(s) name several countries")


def test_an_unknown_country_is_one_line_with_the_nearest_names(tmp_path):
    with pytest.raises(SurveyError) as error:
        read(tmp_path, [{"platform_id": "A", "platform_name": "B", "country": "Swizerland"}])
    assert ("row 2, column 'country': 'Swizerland' expected a country name or ISO code "
            "(France, FR, FRA); nearest: Switzerland") in str(error.value)


def test_several_organisations_in_a_cell_with_roles_and_a_partners_column(tmp_path):
    rows = [{"platform_id": "T1", "platform_name": "Tracker one",
             "organisation_name": "City of Ghent (lead); Digipolis (funder)",
             "organisation_type": "government",
             "partner_organisations": "Open Knowledge Belgium; Fondazione (Milano)"},
            {"platform_id": "T2", "platform_name": "Tracker two",
             "organisation_name": "Digipolis",
             "partner_organisations": "City of Ghent (evaluator)"}]
    tables, warned = read(tmp_path, rows)
    links = tables["links"].merge(tables["organisations"][["org_id", "org_name", "org_type"]],
                                  on="org_id")
    got = {(row.project_id, row.org_name): row.role if isinstance(row.role, str) else None
           for row in links.itertuples()}
    assert got == {("T1", "City of Ghent"): "delivery-lead", ("T1", "Digipolis"): "co-funder",
                   ("T1", "Open Knowledge Belgium"): "delivery-partner",
                   ("T1", "Fondazione (Milano)"): "delivery-partner",
                   ("T2", "Digipolis"): None, ("T2", "City of Ghent"): "evaluator"}
    organisations = tables["organisations"].set_index("org_name")
    assert len(organisations) == 4
    # the type cell describes the organisations that run the platform, not its partners
    assert organisations.loc["City of Ghent", "org_type"] == "government"
    assert organisations["org_type"].isna().sum() == 2
    assert warned == []


def test_the_command_lists_problems_one_per_line_and_warnings_once(tmp_path, capsys):
    from iness import cli
    path = tmp_path / "s.csv"
    rows = "".join(f"P{i},n{i},Narnia,\n" for i in range(25))
    path.write_text("platform_id,platform_name,country,free_tags\nA1,Goteo,Madrid,\"a, b\"\n"
                    + rows)
    assert cli.main(["survey", str(path), "--out", str(tmp_path / "t"), "--no-report"]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == (f"iness survey: error: SurveyError: {path}: 25 problem(s); nothing "
                        "was written:")
    assert lines[1] == ("  row 3, column 'country': 'Narnia' expected a country name or ISO "
                        "code (France, FR, FRA); nearest: Armenia, Hungary")
    assert lines[21] == "  ... and 5 more" and len(lines) == 23
    assert not (tmp_path / "t").exists()
    path.write_text("platform_id,platform_name,country,free_tags\nA1,Goteo,Madrid,\"a, b\"\n"
                    "A2,Lab,Cambridge,\n")
    assert cli.main(["survey", str(path), "--out", str(tmp_path / "t"), "--no-report"]) == 0
    warned = [line for line in capsys.readouterr().out.splitlines()
              if line.startswith("warning: ")]
    assert len(warned) == 2 and "2 cell(s) name a city" in warned[0]

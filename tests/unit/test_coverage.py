"""Coverage against the published DSI4EU counts, and links set aside."""
import pandas as pd

from iness.analysis import coverage


def test_published_counts_carry_their_source():
    published = coverage.published_counts()
    assert set(published["reference"]) == {"stokes2017"}
    france = published[published["country_code"] == "FR"].iloc[0]
    assert france["count"] == 246 and "France (246)" in france["quote"]


def test_coverage_counts_records_per_wave_and_country():
    organisations = pd.DataFrame({"wave": [2016, 2016, 2017], "country_code": ["FR", "GB", "FR"]})
    projects = pd.DataFrame({"wave": [2016, 2017, 2017]})
    published = pd.DataFrame({"reference": "x", "page": "1", "entity": ["organisation", "project"],
                              "country_code": ["FR", ""], "count": [4, 10],
                              "qualifier": ["exact", "over"], "quote": ""})
    table = coverage.coverage(organisations, projects, published)
    assert table[["records_2016", "records_2017"]].values.tolist() == [[1, 1], [1, 2]]
    assert table["held_2017"].tolist() == [0.25, 0.2]


def test_links_lost_per_file():
    ledger = pd.DataFrame({"entity": ["link"] * 4 + ["project"],
                           "source_file": ["a.csv"] * 3 + ["b.json", "a.csv"],
                           "outcome": ["kept", "set_aside", "set_aside", "kept", "set_aside"]})
    lost = coverage.links_lost(ledger)
    assert lost.to_dict("records") == [{"source_file": "a.csv", "links": 3, "set_aside": 2,
                                        "share": 0.667}]

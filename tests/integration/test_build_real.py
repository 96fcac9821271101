"""The build on the real DSI4EU files, checked against PROFILE.md."""
import hashlib

import pandas as pd

from iness import build, outputs
from iness.pipeline import raw

RAW_ROWS = {"wave2016/orgs.csv": 1172, "wave2016/projects.csv": 738,
            "wave2016/org-projects.csv": 3600, "wave2017/organisations2.json": 1228,
            "wave2017/projects2.json": 829}


def test_ledger_accounts_for_every_raw_row(built):
    summary = built["summary"]
    assert summary["rows_in"].to_dict() == RAW_ROWS
    assert (summary["rows_in"] == summary[["kept", "merged", "set_aside"]].sum(axis=1)).all()


def test_links_missing_from_the_export_are_set_aside(tables):
    ledger = tables["ledger"]
    links = ledger[ledger["source_file"] == "wave2016/org-projects.csv"]
    reasons = links.loc[links["outcome"] == "set_aside", "reason"].value_counts()
    assert reasons["project id not in the project file"] == 2471
    assert links["outcome"].value_counts()["merged"] >= 3  # the exact repeats


def test_profile_spam_and_test_entries_are_suspect(tables):
    orgs, projects = tables["organisations"], tables["projects"]
    names = pd.concat([orgs[["org_name", "is_suspect", "suspect_reason"]].set_axis(
        ["name", "is_suspect", "reason"], axis=1), projects[
        ["project_name", "is_suspect", "suspect_reason"]].set_axis(
        ["name", "is_suspect", "reason"], axis=1)])
    expected = {
        "essay_mill": ["Buy2essays.com", "Essay4students.com", "Essayltd.com",
                       "cheap essay writing service", "Buy Essay Today", "Writers Den",
                       "essa4students", "Nursing Online Tools", "Online Education Merge"],
        "seo_or_commercial_spam": ["pak seo", "Dark Spots", "CTP", "Pak SEO Company",
                                   "Happy Wheels", "sniper games", "Darkspots",
                                   "happywheels10", "London Dermatology Centre", "SEO Fun",
                                   "Bharat Taxi"],
        "test_or_placeholder": ["bleh", "adf", "Bob", "XXX", "test", "a", "country",
                                "testing", "none", "ffewfw", "xx"],
        "keyboard_mash": ["JBQAM", "jkdhvb", "qdsfds", "kznaxaonozc", "r2t2t2t2t2",
                          "basbbabbdb", "szdxfcgv", "dfbhgvcb", "NJZPVEPZN"],
    }
    for reason, listed in expected.items():
        found = names[names["name"].isin(listed)]
        assert set(found["name"]) == set(listed), (reason, set(listed) - set(found["name"]))
        assert found["is_suspect"].all(), found[~found["is_suspect"]]
    assert not names.loc[names["name"].isin(["Goteo", "mySociety", "OKFN DE", "BeWelcome",
                                             "Piqniq"]), "is_suspect"].any()


def test_profile_duplicate_pairs_are_merged(tables):
    ledger, orgs = tables["ledger"], tables["organisations"]
    merged = ledger[(ledger["outcome"] == "merged") & (ledger["entity"] == "organisation")]
    names = orgs.set_index(["wave", "org_id"])["org_name"]
    pairs = set()
    for row in merged.itertuples():
        wave = 2016 if row.source_file.startswith("wave2016") else 2017
        pairs.add((wave, names[(wave, row.merged_into)]))
    for wave, name in [(2016, "OpenData Manchester"), (2016, "ICS Dr. G. Roscher GmbH"),
                       (2016, "MalariaSpot"), (2016, "PatientsLikeMe"), (2016, "We Sign It"),
                       (2016, "Open Knowledge Foundation Deutschland e.V."),
                       (2016, "Zentrum fuer Soziale Innovation"), (2017, "Call For Team"),
                       (2017, "Fablab Catania"), (2017, "FabLab Palermo"),
                       (2017, "MalariaSpot"), (2017, "OpenData Manchester")]:
        assert (wave, name) in pairs, name


def test_organisation_and_project_of_the_same_name_stay_apart(tables):
    orgs = tables["organisations"].query("wave == 2016")
    projects = tables["projects"].query("wave == 2016")
    assert "Open Food Facts" in set(orgs["org_name"])
    assert projects["project_name"].str.startswith("Open Food Facts").any()


def test_wave_matches_cover_most_records(tables):
    matches = tables["wave_matches"]
    orgs = matches[matches["entity"] == "organisation"]
    assert 1100 <= len(orgs) <= 1160
    assert orgs["id_from"].is_unique and orgs["id_to"].is_unique
    assert set(zip(matches["wave_from"], matches["wave_to"])) == {(2016, 2017)}
    assert "same_id" not in set(matches["rule"])  # DSI4EU's 2017 ids are new ones


def test_2017_html_is_plain_text(tables):
    text = tables["projects"].query("wave == 2017")["description"].dropna()
    assert not text.str.contains(r"<p>|&nbsp;|&eacute;", regex=True).any()


def test_epoch_placeholder_is_missing(tables):
    created = tables["organisations"].query("wave == 2017")["created_date"]
    assert created.isna().sum() >= 1140  # 1157 raw, less merged duplicates
    assert created.dropna().min() >= pd.Timestamp("2016-11-01")


def _content(path):
    """A file's bytes; the output marker's without the lines that bind it to its folder."""
    if path.name != outputs.MARKER:
        return path.read_bytes()
    return b"".join(line for line in path.read_bytes().splitlines(keepends=True)
                    if not line.startswith((b"# folder: ", b"# digest: ")))


def test_rebuild_gives_identical_bytes(built, mirror, tmp_path):
    build.build(tmp_path, raw_folder=mirror)
    for path in built["target"].iterdir():
        assert hashlib.sha256(_content(path)).digest() == \
            hashlib.sha256(_content(tmp_path / path.name)).digest(), path.name


def test_raw_readers_accept_the_real_files(mirror):
    for name, rows in RAW_ROWS.items():
        assert len(raw.read_raw(name, mirror / name)) == rows

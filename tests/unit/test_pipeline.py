"""Record-level steps: duplicates, links, tags, wave matching, the ledger."""
import pandas as pd

from iness.pipeline.clean import match, pipeline


def orgs(*rows):
    frame = pd.DataFrame(rows, columns=["org_id", "org_name", "website_domain", "is_suspect",
                                        "city"])
    return frame.assign(source_file="orgs.csv", source_row=range(1, len(frame) + 1),
                        suspect_reason=frame["is_suspect"].map({True: "x", False: None}))


def test_same_name_in_two_spellings_is_merged():
    frame = orgs(("a", "Open Data Manchester", None, False, None),
                 ("b", "OpenData Manchester", None, False, "Manchester"))
    merges = pipeline.duplicate_groups(frame, "org_id", "org_name", use_website=True)
    # b has more filled fields, so it is the canonical record
    assert merges.to_dict("records") == [{"id": "a", "canonical_id": "b",
                                          "merge_rule": "same name"}]


def test_same_website_is_merged_but_not_shared_hosts():
    frame = orgs(("a", "PatientsLikeMe", "patientslikeme.com", False, None),
                 ("b", "Patients like me", "patientslikeme.com", False, None),
                 ("c", "Group one", "facebook.com", False, None),
                 ("d", "Group two", "facebook.com", False, None))
    merges = pipeline.duplicate_groups(frame, "org_id", "org_name", use_website=True)
    assert set(merges["id"]) | set(merges["canonical_id"]) == {"a", "b"}


def test_spam_never_merges_into_a_genuine_record():
    frame = orgs(("a", "Interago", "interago.co.uk", False, None),
                 ("b", "basbbabbdb", "interago.co.uk", True, None))
    assert pipeline.duplicate_groups(frame, "org_id", "org_name", True).empty


def test_merge_fills_blanks_from_the_duplicate():
    frame = orgs(("a", "KTH", None, False, "Stockholm"), ("b", "KTH", "kth.se", False, None))
    merges = pipeline.duplicate_groups(frame, "org_id", "org_name", use_website=True)
    kept = pipeline.merge_duplicates(frame, merges, "org_id")
    assert len(kept) == 1
    assert kept.iloc[0][["city", "website_domain"]].tolist() == ["Stockholm", "kth.se"]


def test_links_dangling_repeated_and_redirected():
    links = pd.DataFrame({
        "source_file": "org-projects.csv", "source_row": [1, 2, 3, 4, 5],
        "org_id": ["o1", "o1", "o2-dup", "o9", "o1"],
        "project_id": ["p1", "p1", "p1", "p1", "p404"],
        "role": ["co-funder", "co-funder", "delivery-lead", "evaluator", "co-funder"],
        "wave": 2016})
    merges = pd.DataFrame({"id": ["o2-dup"], "canonical_id": ["o2"], "merge_rule": ["x"]})
    kept, ledger = pipeline.resolve_links(links, {"o1", "o2"}, {"p1"}, merges,
                                          pd.DataFrame(columns=["id", "canonical_id"]),
                                          {"co-funder", "delivery-lead", "evaluator"})
    assert kept[["org_id", "role"]].values.tolist() == [["o1", "co-funder"],
                                                        ["o2", "delivery-lead"]]
    outcome = ledger.set_index("source_row").sort_index()
    assert outcome["outcome"].tolist() == ["kept", "merged", "kept", "set_aside", "set_aside"]
    assert outcome.loc[2, "merged_into"] == "org-projects.csv#1"
    assert outcome.loc[4, "reason"] == "organisation id not in the organisation file"
    assert outcome.loc[5, "reason"] == "project id not in the project file"


def test_wave_matching_rules_in_order():
    old = pd.DataFrame({"org_id": ["a", "b", "c", "d"],
                        "org_name": ["Goteo", "Some Lab", "Fundacion Cibervoluntarios",
                                     "Nothing alike"],
                        "website_domain": [None, "lab.eu", None, None]})
    new = pd.DataFrame({"org_id": ["1", "2", "3"],
                        "org_name": ["GOTEO", "Renamed Lab", "Fundacion Cibervoluntario"],
                        "website_domain": [None, "lab.eu", None]})
    matches = match.match_waves(old, new, "organisation")
    assert matches[["id_from", "id_to", "rule"]].values.tolist() == [
        ["a", "1", "name"], ["b", "2", "website"], ["c", "3", "fuzzy_name"]]
    assert matches["score"].iloc[2] >= match.WAVE_FUZZY_THRESHOLD


def test_stable_ids_are_matched_first_and_one_to_one():
    old = pd.DataFrame({"project_id": ["p1", "p2", "p3"],
                        "project_name": ["Goteo", "Old name", "Decidim"],
                        "website_domain": [None, None, None]})
    new = pd.DataFrame({"project_id": ["p1", "p2", "x9"],
                        "project_name": ["Decidim", "New name", "Goteo"],
                        "website_domain": [None, None, None]})
    assert match.match_waves(old, new, "project")[["id_from", "id_to", "rule"]].values.tolist() \
        == [["p1", "x9", "name"], ["p3", "p1", "name"]]
    found = match.match_waves(old, new, "project", same_id=True)
    assert found[["id_from", "id_to", "rule"]].values.tolist() == [
        ["p1", "p1", "same_id"], ["p2", "p2", "same_id"]]


def test_consecutive_waves_are_matched_in_long_form():
    def wave(year, *names):
        return {"organisations": pd.DataFrame(columns=["org_id", "org_name", "website_domain"]),
                "projects": pd.DataFrame({"project_id": [f"{year}-{i}" for i in range(len(names))],
                                          "project_name": list(names), "website_domain": None})}
    found = match.consecutive_matches({2021: wave(2021, "Goteo"), 2019: wave(2019, "Goteo", "X"),
                                       2030: wave(2030, "X", "Goteo")}, same_id=False)
    assert found.columns.tolist() == match.MATCH_COLUMNS
    assert found[["wave_from", "id_from", "wave_to", "id_to"]].values.tolist() == [
        [2019, "2019-0", 2021, "2021-0"], [2021, "2021-0", 2030, "2030-1"]]
    assert match.consecutive_matches({2030: wave(2030, "X")}, same_id=True).empty


def test_entity_ledger_marks_merges_and_suspects():
    frame = orgs(("a", "x", None, False, None), ("b", "test", None, True, None))
    merges = pd.DataFrame({"id": ["a"], "canonical_id": ["z"], "merge_rule": ["same name"]})
    ledger = pipeline.entity_ledger(frame, merges, "org_id", "organisation")
    assert ledger[["outcome", "reason"]].values.tolist() == [
        ["merged", "duplicate: same name"], ["kept", "suspect: x"]]
    assert ledger["merged_into"].iloc[0] == "z" and pd.isna(ledger["merged_into"].iloc[1])

"""What the console says after a build or a survey: a few plain lines, counts
rather than lists of names, the detail in a log file."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from iness import summary


def ledger() -> pd.DataFrame:
    rows = (
        [("p.csv", "kept", None)] * 5
        + [("p.csv", "kept", "suspect: essay_mill")] * 2
        + [("p.csv", "merged", "duplicate: same name")] * 3
        + [("l.csv", "set_aside", "project id not in the project file")] * 4
        + [("l.csv", "set_aside", "organisation id not in the organisation file")]
    )
    frame = pd.DataFrame(rows, columns=["source_file", "outcome", "reason"])
    return frame.assign(source_row=range(len(frame)), entity=["project"] * 10 + ["link"] * 5)


def test_the_ledger_in_four_plain_lines_reasons_counted():
    lines = summary.ledger_lines(summary.ledger_summary(ledger()), ledger())
    assert lines == [
        "read: 15 raw rows from 2 files",
        "kept: 7",
        "merged into another record: 3, why: duplicates by name (3)",
        "set aside: 5, why: links to a project missing from the export (4), links to an "
        "organisation missing from the export (1)",
    ]


def test_counted_names_at_most_three_reasons_then_how_many_more():
    reasons = pd.Series({f"reason {n}": n for n in range(1, 40)})
    text = summary.counted(reasons)
    assert text == "reason 39 (39), reason 38 (38), reason 37 (37) and 36 others"


def test_flagged_counts_suspects_and_unread_values_or_says_nothing():
    unread = pd.DataFrame({"records": [4, 31]})
    assert summary.flagged_line(ledger(), unread) == (
        "flagged: 2 suspect records (spam, tests, keyboard mash), kept but left out of the "
        "analyses; 35 values not read as written (kept, marked in a *_flag column)"
    )
    clean = ledger()[ledger()["reason"].fillna("").str[:7] != "suspect"]
    assert summary.flagged_line(clean, unread.iloc[:0]) is None


@dataclass
class Quality:
    intercoder: pd.DataFrame
    classifier_cv: pd.DataFrame
    crosswalk_after: pd.DataFrame = field(default_factory=pd.DataFrame)
    status: pd.Series = field(default_factory=pd.Series)


def test_the_coding_in_words_each_number_with_what_it_means():
    quality = Quality(
        intercoder=pd.DataFrame(
            {
                "variable": ["usable", "categories", "categories"],
                "target": ["", "all", "health"],
                "alpha": [0.93, 0.951, 0.2],
            }
        ),
        classifier_cv=pd.DataFrame({"target": ["a", "b"], "f1": [0.2, 0.7]}),
        crosswalk_after=pd.DataFrame(
            {"framework": ["category", "category"], "target": ["all", "health"], "f1": [0.33, 0.9]}
        ),
        status=pd.Series({"coded": 1163, "no_description": 98}),
    )
    assert summary.coding_lines(quality) == [
        "coding by reading: 1,163 projects coded, 98 projects without a description",
        "agreement between the two independent readings: 0.93 to 0.95 (Krippendorff's "
        "alpha per variable; 1 = perfect, 0.8 or more is reliable)",
        "cheaper methods against the reading, F1 (1 = finds exactly the readers' codes, "
        "0 = none): text classifier 0.20 to 0.70 by code, tag crosswalk 0.33 for categories",
    ]
    empty = Quality(pd.DataFrame(), pd.DataFrame())
    assert summary.coding_lines(empty) == []


def test_the_build_summary_is_short_and_says_where_to_look(tmp_path):
    tables = {
        "ledger": ledger(),
        "organisations": pd.DataFrame(index=range(2)),
        "projects": pd.DataFrame(index=range(6)),
        "links": pd.DataFrame(index=range(1)),
    }
    lines = summary.build_summary(
        summary.ledger_summary(ledger()),
        tables,
        pd.DataFrame({"records": []}),
        Quality(pd.DataFrame(), pd.DataFrame()),
        tmp_path / "t",
        tmp_path / "log.txt",
        1.25,
        "open the report",
    )
    assert lines[0] == "Built the clean tables in 1.2 s."
    assert lines[2] == "  kept: 7 raw rows, as 2 organisations, 6 projects and 1 link"
    assert f"  details: {tmp_path / 'log.txt'} (or run again with --verbose)" in lines
    assert lines[-1] == "  next: open the report"
    assert len(lines) <= 12 and max(map(len, lines)) <= 200


def test_a_category_is_a_count_never_a_list_of_names():
    examples = pd.DataFrame(
        {"label": ["Health", "Civic engagement"], "platforms": ["A, B, C", ""], "n": [3, 1200]}
    )
    assert summary.category_counts(examples) == [
        "Health                 3",
        "Civic engagement   1,200",
    ]


def test_the_log_is_written_whole_and_a_file_iness_did_not_write_is_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("INESS_HOME", str(tmp_path))
    path = summary.write_log("build-x", "detail\n")
    assert path == tmp_path / "data" / "logs" / "build-x.txt"
    assert path.read_text() == f"{summary.LOG_HEADER}\ndetail\n"
    assert summary.write_log("build-x", "again") == path
    assert path.read_text().endswith("again\n")
    mine = tmp_path / "data" / "logs" / "notes.txt"
    mine.write_text("a researcher's notes")
    assert summary.write_log("notes", "detail") is None
    assert mine.read_text() == "a researcher's notes"
    assert sorted(p.name for p in mine.parent.iterdir()) == ["build-x.txt", "notes.txt"]


def test_iness_survey_on_750_platforms_prints_short_lines_and_no_wall_of_names(
    tmp_path, monkeypatch, capsys
):
    from iness import cli
    from iness.paths import PACKAGE_DATA

    monkeypatch.setenv("INESS_HOME", str(tmp_path))  # no DSI4EU: no classifier to fit
    example = pd.read_csv(PACKAGE_DATA / "survey" / "example_survey.csv", dtype=str)
    # without its declared codes (a declared practice costs ~0.1 s a row to read):
    # the platforms are then placed by their tags
    example = example.drop(
        columns=[
            "categories",
            "primary_category",
            "activities",
            "is_platform",
            "resources",
            "scaling_strategies",
            "practices",
            "source",
        ]
    )
    rows = example.iloc[[n % len(example) for n in range(750)]].reset_index(drop=True)
    rows["platform_id"] = [f"P{n:04d}" for n in range(750)]
    rows["platform_name"] = [
        f"{name} of the long-named registry {n}" for n, name in enumerate(rows["platform_name"])
    ]
    path = tmp_path / "registry.csv"
    rows.to_csv(path, index=False)
    assert cli.main(["survey", str(path), "--no-report"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert max(map(len, printed)) <= 200
    assert len(printed) <= 25
    assert not any("long-named registry" in line for line in printed)
    named = tmp_path / "data" / "logs" / "survey-registry-social-issues.txt"
    assert f"  their names: {named}" in printed
    assert "long-named registry 749" in named.read_text()

"""The build end to end on a small synthetic survey: complete ledger, valid
schemas, byte-identical rebuilds, atomic writes, formula-safe CSVs."""
import hashlib

import pandas as pd
import pytest

from iness import build, load
from iness.pipeline import synthetic
from iness.pipeline.clean.adapters import SourceFile
from iness.pipeline.clean.assemble import check_ledger_complete
from iness.errors import OutputError, ValidationError
from iness.store import tables


@pytest.fixture(scope="module")
def survey(tmp_path_factory):
    return synthetic.write_survey(tmp_path_factory.mktemp("raw"), scale=0.03, seed=7)


def digest(folder):
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.iterdir())}


def test_build_accounts_for_every_row_and_is_byte_stable(survey, tmp_path):
    target = tmp_path / "processed"
    result = build.build(target, raw_folder=survey)
    summary = result["summary"]
    assert (summary["rows_in"] == summary[["kept", "merged", "set_aside"]].sum(axis=1)).all()
    first = digest(target)
    # nine tables (seven, and how good the methods are), Parquet and CSV, the
    # .iness-output marker and inputs.json (what the tables were made from: see iness.cache)
    assert len(first) == 20 == 2 * len(build.BUILT_TABLES) + 2
    build.build(target, raw_folder=survey)
    assert digest(target) == first


def test_load_reads_a_built_folder_and_hides_suspects(survey, tmp_path):
    target = tmp_path / "processed"
    build.build(target, raw_folder=survey)
    everything = load("organisations", include_suspect=True, folder=target)
    clean = load("organisations", folder=target)
    assert len(clean) == (~everything["is_suspect"]).sum()
    assert set(load("organisations", wave=2017, folder=target)["wave"]) == {2017}
    suspects = everything.loc[everything["is_suspect"], "org_id"]
    assert not load("links", folder=target)["org_id"].isin(suspects).any()


def test_failed_build_leaves_previous_outputs_whole(survey, tmp_path, monkeypatch):
    target = tmp_path / "processed"
    build.build(target, raw_folder=survey)
    before = digest(target)

    def explode(frame, folder, name):
        if name == "tags":
            raise OSError("disk full")
        frame.head(0).to_csv(folder / f"{name}.csv")

    monkeypatch.setattr(tables, "_write_table", explode)
    with pytest.raises(OutputError, match="disk full; the previous folder was left as it was"):
        build.build(target, raw_folder=survey)
    assert digest(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".processed.lock", "processed"]


def test_ledger_gap_is_an_error():
    ledger = pd.DataFrame({"source_file": ["f.csv", "f.csv"], "source_row": [1, 1],
                           "entity": ["organisation"] * 2})
    with pytest.raises(ValidationError, match=r"f\.csv: 1 raw rows unaccounted .*1 counted twice"):
        check_ledger_complete(ledger, {"f.csv": SourceFile("organisation", 2)})


def test_ledger_counts_a_file_by_its_own_entity():
    """A link listed inside an organisation's row is not that row."""
    ledger = pd.DataFrame({"source_file": ["o.json"] * 3, "source_row": [1, 1, 2],
                           "entity": ["organisation", "link", "organisation"]})
    check_ledger_complete(ledger, {"o.json": SourceFile("organisation", 2)})


def test_formula_cells_are_neutralised_in_csv():
    frame = pd.DataFrame({"name": ["=HYPERLINK(\"x\")", "+33 1", "@sum", "-x", "Goteo"],
                          "latitude": [1.0, -2.0, 3.0, 4.0, 5.0]})
    out = tables.neutralise_formulas(frame)
    assert out["name"].tolist() == ["'=HYPERLINK(\"x\")", "'+33 1", "'@sum", "'-x", "Goteo"]
    assert out["latitude"].tolist() == frame["latitude"].tolist()

"""The tutorial's workbench walk-through on the shipped example survey: the
sample `iness coding sample ... --n 20 --seed 2020` draws, the shipped sheets
merged as `iness coding merge` merges them, the adjudication, and where it writes."""
import hashlib

import pytest

from iness.coding import workbench
from iness import tutorial


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_sample_is_the_seeded_one_the_shipped_sheets_code():
    sample = tutorial.example_sample()
    assert list(sample["unit_id"]) == list(tutorial.example_sample()["unit_id"])
    assert len(sample) == tutorial.SAMPLE_SIZE and set(sample["seed"].astype(str)) == {"2020"}
    assert list(tutorial.example_sample(seed=1)["unit_id"]) != list(sample["unit_id"])
    for path in tutorial.shipped_sheets():
        sheet = workbench.read_coding_sheet(path)
        assert sorted(sheet.codings["unit_id"]) == sorted(sample["unit_id"])


def test_walkthrough_writes_only_into_its_folder_and_not_into_the_sheets(tmp_path, monkeypatch):
    monkeypatch.setenv("INESS_HOME", str(tmp_path / "home"))   # no DSI4EU: no classifier
    shipped = [*tutorial.shipped_sheets(), tutorial.shipped_adjudication()]
    before = [digest(path) for path in shipped]
    sample = tutorial.example_sample()
    written = tutorial.write_sample(sample, tmp_path / "work")
    assert {"sample.csv", "coding_a.xlsx", "coding_b.ods"} <= set(written)
    merged = tutorial.merge(sample, tmp_path / "work")
    settled = tutorial.merge(sample, tmp_path / "work", tutorial.shipped_adjudication())
    assert [digest(path) for path in shipped] == before
    assert not (tmp_path / "home" / "data" / "coding").exists()
    assert (tmp_path / "work" / "codings.csv").is_file()
    # every disagreement is settled: the final coding has one row per sampled unit
    final = settled.codings[settled.codings["coder"] == "final"]
    assert sorted(final["unit_id"]) == sorted(sample["unit_id"])
    assert 0 < merged.disagreements["unit_id"].nunique() < len(sample)
    alpha = tutorial.pooled_alpha(merged.reliability, "categories")
    row = merged.reliability.query("variable == 'categories' and target == 'all'").iloc[0]
    assert row["alpha_low"] <= alpha <= row["alpha_high"]


def test_a_folder_is_temporary_unless_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("INESS_HOME", str(tmp_path))
    assert tutorial.workbench_folder(keep=True) == tmp_path / "data" / "coding" / "example_survey"
    scratch = tutorial.workbench_folder()
    assert tmp_path not in scratch.parents and scratch.is_dir()


def test_without_dsi4eu_the_shares_are_the_sample_s(tmp_path, monkeypatch):
    """With no classifier to correct, the prediction-powered share is the coded sample's."""
    monkeypatch.setenv("INESS_HOME", str(tmp_path / "home"))
    sample = tutorial.example_sample()
    tutorial.merge(sample, tmp_path, tutorial.shipped_adjudication())
    tables, _ = tutorial.settled_survey(tmp_path / "codings.csv")
    shares = tutorial.example_shares(tables, sample)
    assert (shares["n"] > 0).all() and (shares["N"] == len(tutorial.example_units())).all()
    assert shares["estimate"].to_numpy() == pytest.approx(shares["sample_share"].to_numpy())

"""The shipped example survey's filled coding sheets: reproducible from the
example's coding, and they go through the workbench as the tutorial says."""
from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import pytest

from iness.coding import workbench

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "iness" / "data" / "survey" / "example_coding"


def _script():
    spec = importlib.util.spec_from_file_location("example_sheets",
                                                  ROOT / "coding" / "example_sheets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def written():
    return _script().sheets()


def test_shipped_sheets_are_what_the_script_writes(written):
    for name, data in written.items():
        assert (SHIPPED / name).read_bytes() == data, name


def test_merge_of_the_shipped_sheets_settles_every_unit(written, tmp_path):
    script = _script()
    sample = workbench.draw_sample(script.example_units(), script.SAMPLE_SIZE, None, script.SEED)
    paths = [SHIPPED / f"coding_{coder}.xlsx" for coder in script.CODERS]
    before = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}
    merged = workbench.merge_sheets(paths, SHIPPED / "adjudication.xlsx", sample)
    final = merged.codings[merged.codings["coder"] == "final"]
    assert sorted(final["unit_id"]) == sorted(sample["unit_id"])
    assert not merged.disagreements.empty        # the tutorial has something to settle
    expected = script.passes_by_unit(script.example_units())
    expected = expected[expected["coder"] == "final"].set_index("unit_id")
    for row in final.itertuples():               # the settled coding is the adjudicated one
        assert row.categories == expected.at[row.unit_id, "categories"]
        assert row.is_platform == expected.at[row.unit_id, "is_platform"]
    assert before == {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}


def test_help_writes_nothing(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        _script().main(["--help", "--out", str(tmp_path / "out")])
    assert stopped.value.code == 0 and not (tmp_path / "out").exists()


def test_refuses_to_replace_without_force(tmp_path):
    script = _script()
    (tmp_path / "coding_a.xlsx").write_bytes(b"a researcher's file")
    with pytest.raises(SystemExit, match="--force"):
        script.write(tmp_path, {"coding_a.xlsx": b"new"}, force=False)
    assert (tmp_path / "coding_a.xlsx").read_bytes() == b"a researcher's file"

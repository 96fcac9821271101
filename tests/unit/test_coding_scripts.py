"""The scripts under coding/: each is imported and run on a tiny fixture; none
writes anything on --help; none replaces a coding with an empty or shorter one
without --force, and each writes whole or not at all."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
CODING = REPO / "coding"
SCRIPTS = sorted(path for path in CODING.glob("*.py") if "__main__" in path.read_text())
#: the files the scripts write by default: no test may change them
PROTECTED = [
    REPO / "iness" / "data" / "coding" / "codings.csv",
    REPO / "iness" / "data" / "frameworks" / "crosswalk.csv",
]


def script(name: str):
    """A coding script imported as a module (its main() not run)."""
    spec = importlib.util.spec_from_file_location(f"coding_{name}", CODING / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def digests() -> dict[Path, str]:
    return {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in PROTECTED}


@pytest.fixture(autouse=True)
def protected_files_unchanged():
    before = digests()
    yield
    assert digests() == before


def coding(unit: str, **changes) -> dict:
    base = {
        "unit_id": unit,
        "usable": True,
        "is_platform": True,
        "categories": ["health", "science"],
        "primary_category": "health",
        "activities": ["matching"],
        "resources": [],
        "scope": "local",
        "confidence": "high",
        "reason": "a reason",
    }
    return {**base, **changes}


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


@pytest.fixture
def workdir(tmp_path) -> Path:
    """Two units: u1 coded alike by both passes (lists in another order, b less
    sure), u2 coded differently and settled by an adjudicator."""
    folder = tmp_path / "work"
    write_jsonl(
        folder / "records" / "chunk_1.jsonl",
        [{"unit_id": "u1", "name": "Goteo"}, {"unit_id": "u2", "name": "Wikirate"}],
    )
    write_jsonl(
        folder / "pass_a" / "chunk_1.jsonl",
        [coding("u1"), coding("u2", is_platform=False, activities=[])],
    )
    write_jsonl(
        folder / "pass_b" / "chunk_1.jsonl",
        [coding("u1", categories=["science", "health"], confidence="medium"), coding("u2")],
    )
    write_jsonl(
        folder / "adjudication" / "batch_1.jsonl", [coding("u2", reason="it matches people")]
    )
    return folder


def package_data_state() -> dict[Path, tuple[int, int]]:
    """Size and modification time of every file of the package data."""
    return {
        path: (path.stat().st_size, path.stat().st_mtime_ns)
        for path in (REPO / "iness" / "data").rglob("*")
        if path.is_file()
    }


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda path: path.name)
def test_help_of_every_script_writes_nothing(path, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    before = package_data_state()
    with pytest.raises(SystemExit) as stopped:
        script(path.stem).main(["--help"])
    assert stopped.value.code == 0
    assert "usage:" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []
    assert package_data_state() == before


def test_assemble_help_as_a_command_writes_nothing(tmp_path):
    """``python coding/assemble.py --help`` once replaced codings.csv with its header."""
    before = package_data_state()
    done = subprocess.run(
        [sys.executable, str(CODING / "assemble.py"), "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "usage:" in done.stdout
    assert list(tmp_path.iterdir()) == []
    assert package_data_state() == before


def test_every_script_has_a_main_taking_its_arguments():
    assert {path.stem for path in SCRIPTS} == {
        "assemble",
        "example_sheets",
        "revise_crosswalk",
        "validate",
    }
    for path in SCRIPTS:
        assert callable(script(path.stem).main)


def test_assemble_writes_three_rows_per_unit_the_final_one_settled(workdir, tmp_path):
    out = tmp_path / "codings.csv"
    assert script("assemble").main([str(workdir), "--out", str(out)]) == 0
    rows = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert rows[["unit_id", "coder"]].values.tolist() == [
        ["u1", "a"],
        ["u1", "b"],
        ["u1", "final"],
        ["u2", "a"],
        ["u2", "b"],
        ["u2", "final"],
    ]
    final = rows[rows["coder"] == "final"].set_index("unit_id")
    assert final.loc["u1", "categories"] == "health;science"
    assert final.loc["u1", "confidence"] == "high"  # the surer of the two, as codings.csv has it
    assert final.loc["u1", "reason"].startswith("both coders agree")
    assert final.loc["u2", "reason"] == "settled (is_platform, activities): it matches people"
    assert final.loc["u2", "is_platform"] == "true"


def test_assemble_stops_on_an_unsettled_disagreement(workdir, tmp_path):
    (workdir / "adjudication" / "batch_1.jsonl").unlink()
    with pytest.raises(SystemExit, match="u2: coders disagree"):
        script("assemble").main([str(workdir), "--out", str(tmp_path / "codings.csv")])
    assert not (tmp_path / "codings.csv").exists()


def test_assemble_refuses_an_empty_folder_and_leaves_the_coding_alone(tmp_path):
    out = tmp_path / "codings.csv"
    out.write_text("unit_id,coder\nu1,a\n")
    with pytest.raises(SystemExit, match="no records"):
        script("assemble").main([str(tmp_path / "nothing"), "--out", str(out)])
    assert out.read_text() == "unit_id,coder\nu1,a\n"


def test_assemble_refuses_a_shorter_coding_without_force(workdir, tmp_path):
    out = tmp_path / "codings.csv"
    longer = "unit_id,coder\n" + "".join(f"u{n},a\n" for n in range(10))
    out.write_text(longer)
    with pytest.raises(SystemExit, match="refusing to replace 10 rows with 6"):
        script("assemble").main([str(workdir), "--out", str(out)])
    assert out.read_text() == longer
    assert script("assemble").main([str(workdir), "--out", str(out), "--force"]) == 0
    assert len(pd.read_csv(out)) == 6


def test_the_guard_refuses_a_table_without_rows_and_counts_quoted_line_breaks(tmp_path):
    guard = script("guard")
    with pytest.raises(SystemExit, match="no rows"):
        guard.write_csv_text(tmp_path / "a.csv", "unit_id,coder\n")
    assert not (tmp_path / "a.csv").exists()
    guard.write_csv_text(tmp_path / "a.csv", 'a,b\n1,"two\nlines"\n')
    assert guard.refusal(tmp_path / "a.csv", "a,b\n1,x\n", force=False) is None


def test_the_guard_writes_whole_or_not_at_all(tmp_path, monkeypatch):
    guard = script("guard")
    out = tmp_path / "codings.csv"
    out.write_text("a\n1\n")

    def interrupted(source, target):
        raise KeyboardInterrupt

    monkeypatch.setattr(guard.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        guard.write_csv_text(out, "a\n1\n2\n")
    assert out.read_text() == "a\n1\n"
    assert [path.name for path in tmp_path.iterdir()] == ["codings.csv"]


def test_validate_accepts_a_good_coding_and_names_each_problem(workdir, tmp_path, capsys):
    validate = script("validate")
    records = workdir / "records" / "chunk_1.jsonl"
    assert validate.main([str(records), str(workdir / "pass_a" / "chunk_1.jsonl")]) == 0
    bad = write_jsonl(
        tmp_path / "bad.jsonl",
        [
            coding("u1", categories=["health", "gardening"], confidence="sure"),
            coding("u9", usable=False),
        ],
    )
    assert validate.main([str(records), str(bad)]) == 1
    printed = capsys.readouterr().out
    assert "2 coded of 2 records; 1 missing; 1 unknown ids; 3 format problems" in printed
    assert "line 1 (u1): unknown category" in printed
    assert "line 1 (u1): unknown confidence" in printed
    assert "line 2 (u9): unusable records get" in printed


def revision_tables() -> dict[str, pd.DataFrame]:
    """20 coded projects of the revision half (ids 0..) and 4 of the held-out half
    (ids f..): the area tag ``civic`` is on 12 of them, of which 1 is coded
    civic_engagement; ``health`` is on 12, all coded health."""
    ids = [f"0{n:02d}" for n in range(20)] + [f"f{n:02d}" for n in range(4)]
    projects = pd.DataFrame({"project_id": ids, "wave": 2016, "is_suspect": False})
    tags = pd.DataFrame(
        [("project", pid, 2016, "area", "civic", "Civic") for pid in ids[:12] + ids[20:22]]
        + [("project", pid, 2016, "area", "health", "Health") for pid in ids[8:20] + ids[20:]],
        columns=["entity", "entity_id", "wave", "facet", "tag", "raw_value"],
    )
    coded = [(pid, "health" if pid in ids[8:] else "science") for pid in ids]
    coded.append((ids[0], "civic_engagement"))
    codes = pd.DataFrame(
        [
            {
                "entity_id": pid,
                "wave": 2016,
                "framework": "category",
                "target_id": target,
                "subcategory_id": None,
                "method": "coded",
                "confidence": "high",
                "score": None,
                "evidence": f"unit {pid}",
            }
            for pid, target in coded
        ]
    )
    return {"projects": projects, "tags": tags, "codes": codes}


CROSSWALK = pd.DataFrame(
    {
        "facet": ["area", "area", "area"],
        "tag": ["civic", "health", "civic"],
        "framework": ["category", "category", "practice"],
        "target_id": ["civic_engagement", "health", "open_data"],
        "subcategory_id": [None, None, None],
        "justification": ["j1", "j2", "j3"],
        "status": ["kept", "dropped", "kept"],
        "revision_note": [None, "an old note", None],
    }
)


def test_revision_drops_a_row_of_low_precision_and_reconsiders_dropped_ones():
    revise = script("revise_crosswalk")
    revised = revise.revised_crosswalk(revision_tables(), CROSSWALK)
    assert revised["status"].tolist() == ["dropped", "kept", "kept"]
    assert revised.loc[0, "revision_note"] == (
        "low precision: precision 0.08 on 12 coded projects (60% of them carry the term)"
    )
    assert revised.loc[1, "precision"] == 1.0
    assert pd.isna(revised.loc[2, "support"])  # another framework: kept as it was
    held_out = revise.held_out_f1(revision_tables(), revised)
    category = held_out[held_out["framework"] == "category"].set_index("revision")
    assert category.loc["before", "n"] == category.loc["after", "n"] == 4
    assert category.loc["after", "precision"] > category.loc["before", "precision"]


def test_revision_writes_through_the_guard(tmp_path):
    revise = script("revise_crosswalk")
    out = tmp_path / "crosswalk.csv"
    text = revise.as_csv(revise.revised_crosswalk(revision_tables(), CROSSWALK))
    revise.write_csv_text(out, text)
    assert revise.read_crosswalk(out)["status"].tolist() == ["dropped", "kept", "kept"]
    assert out.read_text().splitlines()[0] == ",".join(revise.COLUMNS)
    with pytest.raises(SystemExit, match="refusing to replace 3 rows with 1"):
        revise.write_csv_text(out, text.split("\n", 2)[0] + "\n" + text.split("\n")[1] + "\n")


@pytest.mark.integration
def test_revision_of_todays_coding_gives_todays_crosswalk_byte_for_byte(tmp_path):
    from iness.paths import processed_dir

    if not (processed_dir() / "codes.parquet").exists():
        pytest.skip("no DSI4EU tables: run `iness build` first")
    out = tmp_path / "crosswalk.csv"
    assert script("revise_crosswalk").main(["--out", str(out)]) == 0
    assert out.read_bytes() == PROTECTED[1].read_bytes()

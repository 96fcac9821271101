"""Issue 25, item 1: a marker cannot reach outside its folder, staging and
backup folders are recognised by a tag iness can verify, deletion never
follows a symlink, and a failed swap is rolled back."""
import os

import pandas as pd
import pytest

from iness import build, outputs
from iness.errors import OutputError

TABLE = {"a": pd.DataFrame({"x": [1]})}


def victim(folder, name="v.txt"):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("precious")
    return path


def test_marker_lines_outside_the_folder_are_ignored_with_a_warning(tmp_path, capsys):
    out = tmp_path / "out"
    build.write_tables(TABLE, out)
    outside = victim(tmp_path / "elsewhere")
    behind = victim(tmp_path / "behind", "victim.txt")
    (out / "link").symlink_to(tmp_path / "behind")
    listed = ["a.csv", "a.parquet", "../elsewhere/v.txt", str(outside), "link/victim.txt",
              "./a.csv", ""]
    (out / outputs.MARKER).write_text(
        outputs.bound_text(out, outputs.HEADER + "\n".join(listed) + "\n"))
    build.write_tables(TABLE, out)
    assert outside.read_text() == "precious" and behind.read_text() == "precious"
    assert (out / "link").is_symlink()
    error = capsys.readouterr().err
    assert "are ignored, never deleted" in error and "4 path(s)" in error


@pytest.mark.parametrize("how", ["unbound", "copied"])
def test_a_marker_not_bound_to_its_folder_is_not_iness_s(tmp_path, how):
    genuine = tmp_path / "genuine"
    build.write_tables(TABLE, genuine)
    user = tmp_path / "user"
    mine = victim(user, "a.csv")
    text = (genuine / outputs.MARKER).read_text()
    (user / outputs.MARKER).write_text(
        text if how == "copied" else "a.csv\na.parquet\n../v.txt\n")
    with pytest.raises(OutputError, match="not made by iness"):
        build.write_tables(TABLE, user)
    assert mine.read_text() == "precious"


def test_an_edited_marker_is_not_trusted(tmp_path):
    out = tmp_path / "out"
    build.write_tables(TABLE, out)
    outside = victim(tmp_path)
    with open(out / outputs.MARKER, "a") as marker:
        marker.write("../v.txt\n")
    with pytest.raises(OutputError, match="was not written by iness for this folder"):
        build.write_tables(TABLE, out)
    assert outside.read_text() == "precious"


def test_a_legacy_marker_in_a_default_folder_cannot_reach_out(tmp_path, monkeypatch):
    monkeypatch.setenv("INESS_HOME", str(tmp_path / "home"))
    folder = tmp_path / "home" / "data" / "processed" / "mine"
    folder.mkdir(parents=True)
    outside = victim(tmp_path)
    (folder / outputs.MARKER).write_text("# older iness\nold.csv\n../../../../v.txt\n"
                                         f"{outside}\n")
    (folder / "old.csv").write_text("old output")
    build.write_tables(TABLE, folder)
    assert outside.read_text() == "precious"
    assert not (folder / "old.csv").exists()  # listed by the older iness: replaced


def test_a_user_folder_named_like_the_previous_one_is_left_alone(tmp_path):
    out = tmp_path / "out"
    build.write_tables(TABLE, out)
    outside = victim(tmp_path / "x")
    old = outputs.old_folder(out)
    old.mkdir()
    (old / outputs.MARKER).write_text(f"{outside}\n")
    (old / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="is in the way"):
        build.write_tables(TABLE, out)
    assert outside.read_text() == "precious" and (old / "notes.txt").read_text() == "mine"
    assert (out / "a.csv").is_file()
    os.rename(out, tmp_path / "gone")  # a missing target: old must still not move in
    outputs.recover(out)
    assert not out.exists() and (old / "notes.txt").is_file()


def test_a_symlinked_figures_folder_is_never_emptied(tmp_path):
    report = tmp_path / "reports"
    with outputs.replacing(report) as staging:
        victim(staging / "figures" / "01_the_data", "f.png")
    outside = tmp_path / "outside"
    os.rename(report / "figures" / "01_the_data", outside)
    (report / "figures" / "01_the_data").symlink_to(outside)
    with pytest.raises(OutputError, match="01_the_data is a symlink"):
        with outputs.replacing(report) as staging:
            victim(staging / "figures" / "01_the_data", "f.png")
    assert (outside / "f.png").read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".reports.lock", "outside",
                                                          "reports"]
    (report / "figures" / "01_the_data").unlink()  # the user moves the link away
    with outputs.replacing(report) as staging:  # and the next run works
        victim(staging / "figures" / "01_the_data", "f.png")
    assert (outside / "f.png").read_text() == "precious"


def test_unlink_inside_never_follows_a_symlink(tmp_path):
    inside = tmp_path / "in"
    inside.mkdir()
    target = victim(tmp_path / "real")
    (inside / "dir").symlink_to(tmp_path / "real")
    (inside / "file").symlink_to(target)
    assert not outputs.unlink_inside(inside, "dir/v.txt")
    assert outputs.unlink_inside(inside, "file")  # the link itself goes
    assert target.read_text() == "precious" and not (inside / "file").is_symlink()


def test_a_failed_swap_is_rolled_back_and_the_next_run_works(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build.write_tables(TABLE, out)
    before = (out / "a.csv").read_bytes()
    real_replace = os.replace

    def failing(source, destination):
        if ".out-new-" in str(source):
            raise OSError(28, "No space left on device")
        return real_replace(source, destination)
    monkeypatch.setattr(outputs.os, "replace", failing)
    with pytest.raises(OutputError, match="No space left on device; the previous folder"):
        build.write_tables({"a": pd.DataFrame({"x": [2]})}, out)
    monkeypatch.setattr(outputs.os, "replace", real_replace)
    assert (out / "a.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]
    build.write_tables({"a": pd.DataFrame({"x": [2]})}, out)
    assert (out / "a.csv").read_text() == "x\n2\n"


def test_a_marker_that_is_a_symlink_or_huge_is_not_read(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    real = tmp_path / "real-marker"
    real.write_text(outputs.marker_text(out, ["a.csv"]))
    (out / outputs.MARKER).symlink_to(real)
    assert outputs.written_files(out) is None


def test_a_user_file_inside_an_output_sub_folder_is_carried_over(tmp_path):
    report = tmp_path / "reports"
    with outputs.replacing(report) as staging:
        victim(staging / "figures" / "01", "f.png")
    mine = victim(report / "figures", "mine.png")
    with outputs.replacing(report) as staging:
        victim(staging / "figures" / "01", "f.png")
    assert mine.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".reports.lock", "reports"]

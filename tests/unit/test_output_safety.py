"""Issue 14, output side: iness writes only where it owns the folder, replaces
folders whole under a lock, recovers from killed runs, keeps the previous report
when a notebook fails, and names damaged tables in one line."""
import hashlib
import os
import subprocess
import sys
import textwrap
import time

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

import iness
from iness import build, outputs, report
from iness.errors import InessError, NotebookError, OutputError
from iness.pipeline.own_survey import EXAMPLE_SURVEY
from iness.store.schemas import SCHEMAS
from iness.store.tables import load, load_all


def run_cli(*args, cwd, home=None):
    env = {**os.environ, "INESS_HOME": str(home)} if home else dict(os.environ)
    return subprocess.run([sys.executable, "-m", "iness.cli", *map(str, args)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=300)


def one_line_error(result, *fragments):
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def digests(folder):
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def empty_tables(rows=0):
    """Every table with its schema's columns (``rows`` rows of placeholders)."""
    tables = {}
    for name, schema in SCHEMAS.items():
        tables[name] = pd.DataFrame({column: [False] * rows if column == "is_suspect"
                                     else [f"{name}-{i}" for i in range(rows)]
                                     for column in schema.columns})
    return tables


# --- 1, 2: outputs only where iness owns them ---------------------------------

def test_out_refuses_a_folder_iness_did_not_make(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "thesis.docx").write_text("three years of work")
    result = run_cli("survey", EXAMPLE_SURVEY, "--out", folder, "--no-report", cwd=tmp_path)
    one_line_error(result, str(folder), "not made by iness", ".iness-output")
    assert [p.name for p in tmp_path.iterdir()] == ["d"]
    assert [p.name for p in folder.iterdir()] == ["thesis.docx"]


def cli_error(capsys, *args):
    """The CLI in this process (its start-up is slow): exit status and stderr."""
    from iness import cli
    status = cli.main([*map(str, args)])
    return status, capsys.readouterr().err


@pytest.mark.parametrize("out", [".", "PWD"])
def test_out_refuses_the_working_folder(tmp_path, monkeypatch, capsys, out):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("mine")
    status, error = cli_error(capsys, "survey", EXAMPLE_SURVEY, "--out",
                              tmp_path if out == "PWD" else out, "--no-report")
    assert status == 1 and "is the working folder" in error and len(error.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_dotdot_survey_name_is_refused_and_touches_nothing(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    monkeypatch.setenv("INESS_HOME", str(home))
    (home / "data" / "processed" / "dsi4eu").mkdir(parents=True)
    (home / "data" / "processed" / "dsi4eu" / "projects.parquet").write_text("keep")
    bad = tmp_path / "..csv"
    bad.write_bytes(EXAMPLE_SURVEY.read_bytes())
    before = digests(home)
    status, error = cli_error(capsys, "survey", bad)
    assert status == 1 and len(error.splitlines()) == 1
    assert "..csv" in error and "starts with a dot" in error and "--name" in error
    assert digests(home) == before


@pytest.mark.parametrize("file_name, why", [
    ("..csv", "starts with a dot"), (".hidden.csv", "starts with a dot"),
    (".csv", "starts with a dot"), ("dsi4eu.csv", "DSI4EU tables"),
    ("DSI4EU.xlsx", "DSI4EU tables"), ("figures.csv", "reports/"),
    ("my survey.csv", "letters, digits"), ("a..csv", "letters, digits"),
    ("nul.csv", "Windows")])
def test_unsafe_survey_names_are_refused_with_a_suggestion(file_name, why):
    with pytest.raises(OutputError, match=why) as error:
        outputs.survey_name(file_name)
    suggestion = str(error.value).rsplit("--name ", 1)[1]
    assert outputs.survey_name(file_name, suggestion) == suggestion


def test_plain_survey_names_are_kept():
    assert outputs.survey_name("dir/enquête_2024.xlsx") == "enquête_2024"
    assert outputs.survey_name("x.csv", "mine") == "mine"


def test_build_survey_refuses_the_dsi4eu_tables_and_the_file_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("INESS_HOME", str(tmp_path))
    with pytest.raises(OutputError, match="DSI4EU tables"):
        iness.build_survey(EXAMPLE_SURVEY, tmp_path / "data" / "processed" / "dsi4eu")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "survey.csv").write_bytes(EXAMPLE_SURVEY.read_bytes())
    with pytest.raises(OutputError, match="holds the survey file"):
        iness.build_survey(mine / "survey.csv", mine)


def test_report_target_must_be_iness_made(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "index.html").write_text("my own web site")
    with pytest.raises(OutputError, match="not made by iness"):
        report.write_report(target=folder, notebooks_folder=tmp_path)  # before any kernel
    assert (folder / "index.html").read_text() == "my own web site"


def test_files_iness_did_not_write_are_kept_across_rebuilds(tmp_path):
    target = tmp_path / "tables"
    build.write_tables({"a": pd.DataFrame({"x": [1]})}, target)
    assert (target / outputs.MARKER).is_file()
    (target / "my_notes.txt").write_text("mine")
    (target / "analysis").mkdir()
    (target / "analysis" / "plot.R").write_text("mine too")
    build.write_tables({"b": pd.DataFrame({"x": [2]})}, target)
    assert sorted(p.name for p in target.iterdir()) == [
        ".iness-output", "analysis", "b.csv", "b.parquet", "my_notes.txt"]
    assert (target / "analysis" / "plot.R").read_text() == "mine too"


def test_a_user_file_named_like_an_output_is_never_replaced(tmp_path):
    target = tmp_path / "tables"
    build.write_tables({"a": pd.DataFrame({"x": [1]})}, target)
    (target / "b.csv").write_text("mine")
    with pytest.raises(OutputError, match="b.csv was not written by iness"):
        build.write_tables({"b": pd.DataFrame({"x": [2]})}, target)
    assert (target / "b.csv").read_text() == "mine" and (target / "a.parquet").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".tables.lock", "tables"]


def test_default_folders_of_older_versions_keep_their_files(tmp_path, monkeypatch):
    """A default folder an older iness made (no marker) is written into, but a
    file in it is never taken as iness's: kept, and refused when an output
    would replace it."""
    monkeypatch.setenv("INESS_HOME", str(tmp_path))
    legacy = tmp_path / "data" / "processed" / "dsi4eu"  # no marker: older iness
    legacy.mkdir(parents=True)
    (legacy / "old.parquet").write_text("old")
    (legacy / "README.txt").write_text("mine")
    build.write_tables({"a": pd.DataFrame({"x": [1]})}, legacy)
    assert sorted(p.name for p in legacy.iterdir()) == [
        ".iness-output", "README.txt", "a.csv", "a.parquet", "old.parquet"]
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "index.html").write_text("my own index")
    with pytest.raises(OutputError, match="index.html was not written by iness"):
        with outputs.replacing(reports) as staging:
            (staging / "index.html").write_text("iness index")
    assert (reports / "index.html").read_text() == "my own index"


def test_partial_report_keeps_the_other_pages_and_subfolders(tmp_path):
    target = tmp_path / "reports"
    with outputs.replacing(target) as staging:
        for stem in ("01_a", "02_b"):
            (staging / f"{stem}.html").write_text(f"{stem} v1")
            (staging / "figures" / stem).mkdir(parents=True)
            (staging / "figures" / stem / "f.png").write_text(f"{stem} v1")
    (target / "my_survey").mkdir()
    (target / "my_survey" / "index.html").write_text("another report")
    with outputs.replacing(target, report._of_notebooks({"02_b"})) as staging:
        (staging / "02_b.html").write_text("02_b v2")
    assert (target / "01_a.html").read_text() == "01_a v1"
    assert (target / "figures" / "01_a" / "f.png").read_text() == "01_a v1"
    assert (target / "02_b.html").read_text() == "02_b v2"
    assert not (target / "figures" / "02_b").exists()
    assert (target / "my_survey" / "index.html").read_text() == "another report"


# --- atomic and locked ---------------------------------------------------------

def test_read_only_target_fails_before_anything_moves(tmp_path):
    target = tmp_path / "tables"
    build.write_tables({"a": pd.DataFrame({"x": [1]})}, target)
    before = digests(target)
    target.chmod(0o555)
    try:
        with pytest.raises(OutputError, match=r"tables is read-only: .*nothing was changed"):
            build.write_tables({"a": pd.DataFrame({"x": [2]})}, target)
        assert digests(target) == before
        assert sorted(p.name for p in tmp_path.iterdir()) == [".tables.lock", "tables"]
    finally:
        target.chmod(0o755)
    build.write_tables({"a": pd.DataFrame({"x": [2]})}, target)  # and later builds work


def test_a_swap_cut_between_its_renames_is_recovered_on_load(tmp_path):
    target = tmp_path / "tables"
    build.write_tables(empty_tables(rows=2), target)
    os.replace(target, outputs.old_folder(target))  # killed after the first rename
    assert len(load("projects", folder=target)) == 2
    assert target.is_dir() and not outputs.old_folder(target).exists()


def test_a_swap_cut_between_its_renames_is_recovered_on_write(tmp_path):
    target = tmp_path / "tables"
    build.write_tables({"a": pd.DataFrame({"x": [1]})}, target)
    (target / "mine.txt").write_text("mine")
    os.replace(target, outputs.old_folder(target))
    build.write_tables({"b": pd.DataFrame({"x": [1]})}, target)
    assert sorted(p.name for p in target.iterdir()) == [
        ".iness-output", "b.csv", "b.parquet", "mine.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".tables.lock", "tables"]


def test_stale_staging_folders_are_cleaned_only_when_iness_made_them(tmp_path):
    target = tmp_path / "tables"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    def tagged(name, pid, bound=True):
        folder = tmp_path / name
        folder.mkdir()
        body = f"{outputs.HEADER}{outputs._STAGING_PID}{pid}\n"
        (folder / outputs.STAGING_TAG).write_text(
            outputs.bound_text(folder, body) if bound else body)
        return folder
    stale = tagged(".tables-new-killed", dead.pid)
    (stale / "a.parquet").write_text("half written")
    tagged(".tables-new-running", os.getpid())  # a live run's staging folder
    # a user's folder: a tag by name and dead pid alone, or one copied from elsewhere
    tagged(".tables-new-backup", dead.pid, bound=False)
    copied = tmp_path / ".tables-new-copied"
    copied.mkdir()
    (copied / outputs.STAGING_TAG).write_text((stale / outputs.STAGING_TAG).read_text())
    foreign = tmp_path / ".tables-new-notours"
    foreign.mkdir()
    (foreign / "x").write_text("mine")
    build.write_tables({"a": pd.DataFrame({"x": [1]})}, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".tables-new-backup", ".tables-new-copied", ".tables-new-notours",
        ".tables-new-running", ".tables.lock", "tables"]


HOLD_LOCK = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from iness import outputs
    with outputs.locked(Path(sys.argv[1])):
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
""")


def hold_lock(target, seconds):
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(target), str(seconds)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_second_run_waits_for_the_lock_with_a_message(tmp_path, capsys):
    target = tmp_path / "tables"
    holder = hold_lock(target, 1.5)
    started = time.perf_counter()
    build.write_tables({"a": pd.DataFrame({"x": [1]})}, target)
    assert time.perf_counter() - started > 0.5
    assert "waiting for another iness run" in capsys.readouterr().err
    assert holder.wait(timeout=30) == 0 and (target / "a.parquet").is_file()


def test_a_run_that_waits_too_long_fails_clearly(tmp_path, monkeypatch):
    target = tmp_path / "tables"
    monkeypatch.setattr(outputs, "LOCK_TIMEOUT", 0.3)
    holder = hold_lock(target, 20)
    try:
        with pytest.raises(OutputError, match="being written by another iness run"):
            build.write_tables({"a": pd.DataFrame({"x": [1]})}, target)
        assert not target.exists()
        assert [p.name for p in tmp_path.iterdir()] == [".tables.lock"]
    finally:
        holder.kill()
        holder.wait()


WRITE_MANY = textwrap.dedent("""
    import sys
    import pandas as pd
    from iness import build
    for i in range(6):
        build.write_tables({"t": pd.DataFrame({"x": range(1000)}), "u": pd.DataFrame({"y": [i]})},
                           sys.argv[1])
""")


def test_parallel_builds_of_one_folder_all_succeed(tmp_path):
    target = tmp_path / "tables"
    runs = [subprocess.Popen([sys.executable, "-c", WRITE_MANY, str(target)],
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for run in runs:
        _, error = run.communicate(timeout=120)
        assert run.returncode == 0, error
    assert sorted(p.name for p in target.iterdir()) == [
        ".iness-output", "t.csv", "t.parquet", "u.csv", "u.parquet"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".tables.lock", "tables"]


WRITE_FOREVER = textwrap.dedent("""
    import sys
    import pandas as pd
    from iness import build
    frames = {name: pd.DataFrame({"x": range(20000)}) for name in "abcdef"}
    build.write_tables(frames, sys.argv[1])
    print("written", flush=True)
    while True:
        build.write_tables(frames, sys.argv[1])
""")


def test_a_build_killed_at_any_moment_is_tidied_by_the_next(tmp_path):
    target = tmp_path / "tables"
    writer = subprocess.Popen([sys.executable, "-c", WRITE_FOREVER, str(target)],
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "written"
    time.sleep(0.7)
    writer.kill()  # SIGKILL: no clean-up runs
    writer.wait()
    build.write_tables({"g": pd.DataFrame({"x": [1]})}, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".tables.lock", "tables"]
    assert sorted(p.name for p in target.iterdir()) == [".iness-output", "g.csv", "g.parquet"]


# --- 4: the report is swapped in only when every notebook ran --------------------

def notebook(folder, name, body):
    book = new_notebook(metadata={"kernelspec": {"name": "python3",
                                                 "display_name": "Python 3"}})
    parameters = new_code_cell('LANG = "en"')
    parameters.metadata["tags"] = ["parameters"]
    book.cells = [new_markdown_cell(f"# {name}"), parameters, new_code_cell(body)]
    nbformat.write(book, folder / f"{name}.ipynb")


def test_failed_notebooks_are_all_listed_and_the_previous_report_stays(tmp_path):
    home = tmp_path / "home"
    (home / "notebooks").mkdir(parents=True)
    notebook(home / "notebooks", "01_fails", "1 / 0")
    notebook(home / "notebooks", "02_dies", "import os, signal\nos.kill(os.getpid(), "
                                            "signal.SIGKILL)")
    notebook(home / "notebooks", "03_works", "print('ran')")
    previous = home / "reports"
    with outputs.replacing(previous) as staging:
        (staging / "index.html").write_text("previous report")
        (staging / "01_fails.html").write_text("previous page")
    before = digests(previous)
    result = run_cli("report", cwd=tmp_path, home=home)
    line = one_line_error(result, "2 of 3 notebooks failed", "left as it was",
                          "01_fails.ipynb, cell 3 (id ", "ZeroDivisionError: division by zero",
                          "02_dies.ipynb, cell 3 (id ", "the kernel died")
    assert len(line) < 600
    assert "03_works.ipynb" in result.stdout and "FAILED" in result.stdout
    assert digests(previous) == before
    assert sorted(p.name for p in home.iterdir()) == [".reports.lock", "notebooks", "reports"]


def test_notebook_error_has_the_cell_number(tmp_path):
    notebook(tmp_path, "01_bad", "x = 1\nraise ValueError('no platforms')")
    with pytest.raises(NotebookError, match=r"^01_bad\.ipynb, cell 3 \(id [^)]+\): "
                       r"ValueError: no platforms$"):
        report.execute(tmp_path / "01_bad.ipynb", tmp_path / "figures", {"LANG": "fr"})


# --- 8: damaged tables -----------------------------------------------------------

@pytest.fixture
def tables(tmp_path):
    return build.write_tables(empty_tables(rows=2), tmp_path / "mine")


def test_corrupt_parquet_names_the_file_and_the_fix(tables):
    (tables / "projects.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(InessError, match=r"mine/projects\.parquet is damaged .*iness survey"):
        iness.survey(tables)


def test_missing_columns_name_the_file_and_the_fix(tables):
    frame = pd.read_parquet(tables / "organisations.parquet").drop(columns="is_suspect")
    frame.to_parquet(tables / "organisations.parquet")
    with pytest.raises(InessError, match=r"organisations\.parquet lacks the column\(s\) "
                       r"is_suspect .*iness survey"):
        load("links", folder=tables)


def test_missing_table_names_the_file_and_the_fix(tables):
    (tables / "codes.parquet").unlink()
    with pytest.raises(InessError, match=r"codes\.parquet does not exist: .*iness survey"):
        load_all(tables)


def test_damaged_dsi4eu_tables_say_run_iness_build(tmp_path, monkeypatch):
    monkeypatch.setenv("INESS_HOME", str(tmp_path))
    folder = build.write_tables(empty_tables(rows=1), tmp_path / "data" / "processed" / "dsi4eu")
    (folder / "tags.parquet").write_bytes(b"")
    with pytest.raises(InessError, match=r"tags\.parquet is damaged .*run `iness build`"):
        load("tags")


def test_a_folder_inside_an_output_folder_waits_for_its_swap(tmp_path):
    """reports/fr is staged inside reports/: writing it holds reports/'s lock,
    so that reports/ is not swapped away under it."""
    outer = tmp_path / "reports"
    with outputs.replacing(outer) as staging:
        (staging / "index.html").write_text("en")
    inner = outer / "fr"
    assert outputs.enclosing_outputs(inner) == [outer]
    with outputs.replacing(inner) as staging:
        from filelock import FileLock, Timeout
        with pytest.raises(Timeout):
            FileLock(outputs.lock_path(outer)).acquire(timeout=0)
        (staging / "index.html").write_text("fr")
    with outputs.replacing(outer) as staging:
        (staging / "index.html").write_text("en 2")
    assert (inner / "index.html").read_text() == "fr"
    assert (outer / "index.html").read_text() == "en 2"

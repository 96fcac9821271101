"""Issue 25, item 7: the smaller cases."""
import errno
import os

import pandas as pd
import pytest

from iness import build, outputs, report
from iness.errors import OutputError
from iness.pipeline import own_survey
from iness.report import notebook_paths


@pytest.mark.parametrize("name", ["index.html", "inputs.json", "Codebook.HTML"])
def test_names_of_report_files_cannot_name_a_survey(name):
    with pytest.raises(OutputError, match="ends like a file of the report"):
        outputs.survey_name("x.csv", name)


def test_a_non_numeric_pid_in_a_staging_tag_is_no_error(tmp_path):
    staging = tmp_path / ".t-new-x"
    staging.mkdir()
    (staging / outputs.STAGING_TAG).write_text(
        outputs.bound_text(staging, f"{outputs._STAGING_PID}abc\n"))
    build.write_tables({"a": pd.DataFrame({"x": [1]})}, tmp_path / "t")
    assert staging.is_dir()  # not recognised, so kept


def test_a_full_disk_names_the_folder_and_keeps_the_previous(tmp_path, monkeypatch):
    target = tmp_path / "t"
    build.write_tables({"a": pd.DataFrame({"x": [1]})}, target)
    before = (target / "a.csv").read_bytes()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    with pytest.raises(OutputError, match=r"t: writing it failed: No space left on device; "
                                          "the previous folder was left as it was"):
        build.write_tables({"a": pd.DataFrame({"x": [2]})}, target)
    assert (target / "a.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".t.lock", "t"]


def test_a_template_cut_by_a_full_disk_leaves_nothing_and_a_rerun_works(tmp_path, monkeypatch):
    folder = tmp_path / "tpl"

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(pd.DataFrame, "to_excel", full)
    with pytest.raises(OSError):
        own_survey.write_template(folder)
    monkeypatch.undo()
    assert [p.name for p in folder.iterdir()] == ["template.csv"]  # whole, written first
    (folder / "template.csv").unlink()
    assert [p.name for p in own_survey.write_template(folder)] == ["template.csv",
                                                                   "template.xlsx"]


def test_a_dangling_template_symlink_is_not_followed(tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "template.csv").symlink_to(tmp_path / "elsewhere.csv")
    with pytest.raises(OutputError, match="already exists"):
        own_survey.write_template(folder)
    assert not (tmp_path / "elsewhere.csv").exists()


def test_the_french_index_titles_notebooks_not_run_in_french():
    path = notebook_paths()[1]
    english, french = report.edition_title(path, "en"), report.edition_title(path, "fr")
    assert english != french and french


def test_kernels_get_a_matplotlib_folder_when_the_home_is_read_only(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o555)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("MPLCONFIGDIR", raising=False)
    try:
        environment = report.kernel_environment()
        if os.access(home, os.W_OK):  # root ignores the mode: nothing to show here
            assert environment is None
        else:
            assert os.access(environment["MPLCONFIGDIR"], os.W_OK)
    finally:
        home.chmod(0o755)
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path))
    assert report.kernel_environment() is None

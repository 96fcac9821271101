"""The iness command: help, one-line errors, tracebacks only with --debug."""
import os
import subprocess
import sys

import pytest

from iness import cli
from iness.pipeline import synthetic


def run(*args, home=None, env_extra=None):
    env = {**os.environ, **(env_extra or {})}
    if home is not None:
        env["INESS_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "iness.cli", *args], capture_output=True,
                          text=True, env=env)


def test_help_explains_each_command():
    result = run("--help")
    assert result.returncode == 0
    for command in ("fetch", "build", "report", "run", "INESS_DATA_MIRROR"):
        assert command in result.stdout


def test_bad_input_fails_in_one_line_and_writes_nothing(tmp_path):
    folder = synthetic.write_survey(tmp_path / "raw", scale=0.01, seed=3)
    links = folder / "wave2016" / "org-projects.csv"
    links.write_bytes(links.read_bytes()[:-20])  # cut the last record short
    result = run("build", "--raw-folder", str(folder), home=tmp_path / "home")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "org-projects.csv" in lines[0] and "row" in lines[0]
    assert not (tmp_path / "home" / "data" / "processed").exists()


def test_debug_shows_the_traceback(tmp_path):
    result = run("--debug", "build", "--raw-folder", str(tmp_path), home=tmp_path)
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_fetch_with_a_broken_mirror_names_the_hash(tmp_path):
    mirror = tmp_path / "mirror" / "wave2016"
    mirror.mkdir(parents=True)
    (mirror / "orgs.csv").write_text("not the real file")
    result = run("fetch", home=tmp_path / "home",
                 env_extra={"INESS_DATA_MIRROR": str(tmp_path / "mirror")})
    assert result.returncode == 1
    assert "wave2016/orgs.csv" in result.stderr and "expected 4fcc36b4" in result.stderr
    assert not (tmp_path / "home" / "data" / "raw" / "dsi4eu" / "wave2016" / "orgs.csv").exists()


def test_unknown_command_exits_non_zero():
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["nonsense"])
    assert exit_info.value.code == 2

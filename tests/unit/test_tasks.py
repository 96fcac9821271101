"""tasks.py: says what it does, step by step, and how far pip has got."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def tasks(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("tasks", REPO / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "BIN", tmp_path / "bin")
    monkeypatch.setattr(module, "PIP_LOG", tmp_path / "pip-install.log")
    monkeypatch.setattr(module, "HEARTBEAT", 0.2)
    return module


def fake_pip(folder: Path, body: str) -> None:
    """A ``python`` in ``folder`` that prints what pip would, whatever it is asked."""
    folder.mkdir()
    python = folder / "python"
    python.write_text("#!/bin/sh\n" + body)
    python.chmod(0o755)


def test_help_writes_nothing_and_a_wrong_command_says_how(tasks, capsys, tmp_path):
    assert tasks.main(["--help"]) == 0
    assert "tasks.py test --fast" in capsys.readouterr().out
    assert tasks.main(["test", "--slowly"]) == 2
    assert list(tmp_path.iterdir()) == []


def test_pip_progress_is_a_few_lines_and_its_whole_output_a_log(tasks, capsys, tmp_path):
    fake_pip(
        tmp_path / "bin",
        "echo 'Collecting a==1'\necho 'Processing /w/b.whl'\n"
        "echo 'WARNING: something to see'\nsleep 1\n"
        "echo 'Installing collected packages: a, b'\necho 'Successfully installed a-1 b-2'\n",
    )
    tasks.pip_install(["install", "a"], expected=2)
    printed = capsys.readouterr().out.splitlines()
    assert "      WARNING: something to see" in printed
    assert any(line.startswith("      ... gathered 2 of about 2 packages") for line in printed)
    assert "      gathered 2 packages; installing them" in printed
    assert printed[-1] == "      Successfully installed a-1 b-2"
    assert "Collecting a==1" in (tmp_path / "pip-install.log").read_text()


def test_a_failing_pip_names_its_log(tasks, capsys, tmp_path):
    fake_pip(tmp_path / "bin", "echo 'ERROR: No matching distribution for a==9'\nexit 1\n")
    with pytest.raises(subprocess.CalledProcessError):
        tasks.pip_install(["install", "a"], expected=1)
    printed = capsys.readouterr().out
    assert "ERROR: No matching distribution for a==9" in printed
    assert f"its whole output is in {tmp_path / 'pip-install.log'}" in printed


def test_steps_are_numbered_and_timed(tasks, capsys):
    steps = tasks.Steps(2)
    steps.done(steps.start("first"))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "[1/2] first"
    assert lines[1].startswith("      done in ") and lines[1].endswith(" s")

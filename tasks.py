#!/usr/bin/env python3
"""Set up and run iness with nothing but Python 3.11+ and pip.

    python3 tasks.py run    # create .venv, install, fetch + build + report
    python3 tasks.py test   # create .venv, install, run the main job, then every test

Each command creates ``.venv`` on first use and installs the package (editable,
with its test extras) under the exact versions in ``requirements/pins.txt``, so
that every machine builds the same bytes. Standard library only.
"""
from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PINS = ROOT / "requirements" / "pins.txt"
STAMP = VENV / ".iness-installed"
#: iness.i18n.STRICT_VARIABLE (tasks.py runs before iness is installed)
STRICT_I18N = "INESS_I18N_STRICT"
#: what pytest runs: unit and integration tests, and every notebook through nbval
PYTEST_ARGS = ["iness", "tests", "notebooks", "--doctest-modules", "--nbval",
               "--nbval-current-env", "--nbval-sanitize-with", "notebooks/sanitize.cfg",
               "-p", "no:cacheprovider"]


def sh(*command: str | Path, env: dict | None = None) -> None:
    print("+", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], cwd=ROOT, check=True,
                   env=None if env is None else {**os.environ, **env})


def ensure_environment() -> None:
    """Create .venv and install the package once (again when pins or pyproject change)."""
    wanted = (PINS.read_text() + (ROOT / "pyproject.toml").read_text())
    if STAMP.is_file() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists() and not (BIN / "python.exe").exists():
        print(f"creating {VENV}", flush=True)
        venv.create(VENV, with_pip=True)
    sh(BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
       "-c", PINS, "-e", ".[dev]")
    STAMP.write_text(wanted)


def command_run() -> int:
    ensure_environment()
    sh(BIN / "iness", "run")
    return 0


def command_test() -> int:
    ensure_environment()
    # the main job first: the browser test checks the report it writes; a
    # French text missing from the catalogues fails it (iness.i18n's strict mode)
    sh(BIN / "iness", "run", env={STRICT_I18N: "1"})
    print("+ pytest " + " ".join(PYTEST_ARGS), flush=True)
    return subprocess.run([str(BIN / "python"), "-m", "pytest", *PYTEST_ARGS],
                          cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    commands = {"run": command_run, "test": command_test}
    if len(argv) != 1 or argv[0] not in commands:
        print(__doc__)
        return 2
    try:
        return commands[argv[0]]()
    except subprocess.CalledProcessError as error:
        return error.returncode or 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

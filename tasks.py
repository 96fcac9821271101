#!/usr/bin/env python3
"""Set up and run iness with nothing but Python 3.11+ and pip.

    python3 tasks.py run           # create .venv, install, fetch + build + report
    python3 tasks.py test          # create .venv, install, run the main job, then every test
    python3 tasks.py test --fast   # create .venv, install, then the pure unit tier only
                                   # (no Jupyter kernel, no DSI4EU data, no main job)
    python3 tasks.py lint          # ruff check and ruff format --check

Each command creates ``.venv`` on first use and installs the package (editable,
with its test extras) under the exact versions in ``requirements/pins.txt``, so
that every machine builds the same bytes. It says what it is doing, step by
step, and how long each step took; pip's full output goes to a log file whose
path it prints. Standard library only.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PINS = ROOT / "requirements" / "pins.txt"
STAMP = VENV / ".iness-installed"
PIP_LOG = VENV / "pip-install.log"
#: iness.i18n.STRICT_VARIABLE (tasks.py runs before iness is installed)
STRICT_I18N = "INESS_I18N_STRICT"
#: what pytest runs: unit and integration tests, and every notebook through nbval
PYTEST_ARGS = [
    "iness",
    "tests",
    "notebooks",
    "--doctest-modules",
    "--nbval",
    "--nbval-current-env",
    "--nbval-sanitize-with",
    "notebooks/sanitize.cfg",
    "-p",
    "no:cacheprovider",
]
#: the pure unit tier: the markers are set by tests/conftest.py
FAST_PYTEST_ARGS = [
    "iness",
    "tests/unit",
    "tests/conftest.py",
    "--doctest-modules",
    "-m",
    "not (integration or browser or kernel or notebook or slow)",
    "-p",
    "no:cacheprovider",
]
#: while pip works, a line saying where it is this often (seconds)
HEARTBEAT = 30.0


class Steps:
    """Numbered steps, each announced when it starts and timed when it ends."""

    def __init__(self, total: int) -> None:
        self.total, self.number, self.started = total, 0, time.perf_counter()

    def start(self, what: str) -> float:
        self.number += 1
        print(f"[{self.number}/{self.total}] {what}", flush=True)
        return time.perf_counter()

    def done(self, since: float, what: str = "done") -> None:
        print(f"      {what} in {time.perf_counter() - since:.1f} s", flush=True)


def sh(*command: str | Path, env: dict | None = None) -> None:
    print("+", " ".join(str(part) for part in command), flush=True)
    subprocess.run(
        [str(part) for part in command],
        cwd=ROOT,
        check=True,
        env=None if env is None else {**os.environ, **env},
    )


def pinned_count() -> int:
    return sum(
        1
        for line in PINS.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )


#: pip's lines that tell how far it got: what it gathers, then what it installs
_GATHERING = re.compile(r"^(Collecting|Processing|Requirement already satisfied:|Obtaining) ")
_INSTALLING = re.compile(r"^Installing collected packages")
_SHOWN = re.compile(r"^(WARNING|ERROR|Successfully installed)|error:", re.IGNORECASE)


def pip_install(arguments: list[str | Path], expected: int) -> None:
    """Run pip, its whole output in PIP_LOG; print where it is (packages
    gathered, then installing) every HEARTBEAT seconds, and its warnings and
    errors as they come."""
    command = [str(BIN / "python"), "-m", "pip", *map(str, arguments)]
    state = {"gathered": 0, "installing": False, "finished": False}
    started, stop = time.perf_counter(), threading.Event()

    def heartbeat() -> None:
        while not stop.wait(HEARTBEAT) and not state["finished"]:
            doing = (
                "installing them"
                if state["installing"]
                else f"gathered {state['gathered']} of about {expected} packages"
            )
            print(f"      ... {doing} ({time.perf_counter() - started:.0f} s)", flush=True)

    with PIP_LOG.open("w", encoding="utf-8") as log:
        log.write("+ " + " ".join(command) + "\n")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        ticker = threading.Thread(target=heartbeat, daemon=True)
        ticker.start()
        try:
            for line in process.stdout:
                log.write(line)
                text = line.strip()
                if _GATHERING.match(text):
                    state["gathered"] += 1
                elif _INSTALLING.match(text):
                    state["installing"] = True
                    print(
                        f"      gathered {state['gathered']} packages; installing them", flush=True
                    )
                elif _SHOWN.search(text):
                    state["finished"] |= text.startswith("Successfully installed")
                    print("      " + (text if len(text) <= 200 else text[:197] + "..."), flush=True)
            code = process.wait()
        finally:
            stop.set()
            ticker.join()
    if code:
        print(f"pip failed (exit code {code}); its whole output is in {PIP_LOG}", flush=True)
        raise subprocess.CalledProcessError(code, command)


def ensure_environment(steps: Steps) -> None:
    """Create .venv and install the package once (again when pins or pyproject change)."""
    wanted = PINS.read_text() + (ROOT / "pyproject.toml").read_text()
    started = steps.start("checking the environment in .venv")
    if STAMP.is_file() and STAMP.read_text() == wanted:
        steps.done(started, "up to date")
        return
    if not (BIN / "python").exists() and not (BIN / "python.exe").exists():
        print(f"      creating {VENV} (python -m venv)", flush=True)
        venv.create(VENV, with_pip=True)
    expected = pinned_count()
    print(
        f"      installing iness and its {expected} pinned packages "
        f"(pip's whole output: {PIP_LOG}); the first time takes a few minutes",
        flush=True,
    )
    pip_install(
        [
            "install",
            "--disable-pip-version-check",
            "--progress-bar",
            "off",
            "-c",
            PINS,
            "-e",
            ".[dev]",
        ],
        expected,
    )
    STAMP.write_text(wanted)
    steps.done(started)


def command_run(arguments: list[str]) -> int:
    steps = Steps(2)
    ensure_environment(steps)
    started = steps.start(
        "the main job: fetch the data, build the tables, write the report (iness run)"
    )
    sh(BIN / "iness", "run")
    steps.done(started)
    return 0


def command_test(arguments: list[str]) -> int:
    fast = "--fast" in arguments
    steps = Steps(2 if fast else 3)
    ensure_environment(steps)
    if not fast:
        # the main job first: the browser test checks the report it writes; a
        # French text missing from the catalogues fails it (iness.i18n's strict mode)
        started = steps.start("the main job, French in strict mode (iness run)")
        sh(BIN / "iness", "run", env={STRICT_I18N: "1"})
        steps.done(started)
    pytest_args = FAST_PYTEST_ARGS if fast else PYTEST_ARGS
    started = steps.start("the fast unit tier" if fast else "every test")
    print("+ pytest " + " ".join(pytest_args), flush=True)
    code = subprocess.run([str(BIN / "python"), "-m", "pytest", *pytest_args], cwd=ROOT).returncode
    steps.done(started)
    return code


def command_lint(arguments: list[str]) -> int:
    steps = Steps(2)
    ensure_environment(steps)
    started = steps.start("ruff check and ruff format --check")
    codes = [
        subprocess.run([str(BIN / "ruff"), *command], cwd=ROOT).returncode
        for command in (["check", "."], ["format", "--check", "."])
    ]
    steps.done(started)
    return max(codes)


COMMANDS = {
    "run": (command_run, set()),
    "test": (command_test, {"--fast"}),
    "lint": (command_lint, set()),
}


def main(argv: list[str]) -> int:
    if argv in (["-h"], ["--help"]):
        print(__doc__)
        return 0
    if not argv or argv[0] not in COMMANDS or not set(argv[1:]) <= COMMANDS[argv[0]][1]:
        print(__doc__)
        return 2
    command, _ = COMMANDS[argv[0]]
    try:
        return command(argv[1:])
    except subprocess.CalledProcessError as error:
        return error.returncode or 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

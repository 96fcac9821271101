"""Where the project keeps its files: the one place for every path.

The project home is the repository (found from this file for an editable install)
unless ``INESS_HOME`` names another folder.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DATA = Path(__file__).resolve().parent / "data"
#: the environment variable naming where a notebook's figures are saved
FIGURES_DIR_VARIABLE = "INESS_FIGURES_DIR"
#: the environment variable naming where a notebook's result tables are written
TABLES_DIR_VARIABLE = "INESS_TABLES_DIR"


def project_home() -> Path:
    """The folder holding ``data/``, ``notebooks/`` and ``reports/``."""
    env = os.environ.get("INESS_HOME")
    if env:
        return Path(env).expanduser().resolve()
    return Path(__file__).resolve().parents[1]


def raw_dir(source: str = "dsi4eu") -> Path:
    """Cache of one source's downloaded files (never edited by hand)."""
    return project_home() / "data" / "raw" / source


#: sources built into iness: a researcher's survey may not take their names
BUILTIN_SOURCES = ("dsi4eu",)


def processed_root() -> Path:
    """The folder holding one folder of clean tables per source or survey."""
    return project_home() / "data" / "processed"


def processed_dir(name: str = "dsi4eu") -> Path:
    """Clean tables written by ``iness build`` (or by ``iness survey`` for ``name``)."""
    return processed_root() / name


def coding_dir(name: str = "dsi4eu") -> Path:
    """A survey's coding by reading (``iness coding``): the coders' sheets as merged,
    the adjudicated ``codings.csv`` the build reads, reliability and adjudication.
    Kept apart from ``processed_dir``, which a build replaces whole."""
    return project_home() / "data" / "coding" / name


def logs_dir() -> Path:
    """The full detail of each command's last run (``build-dsi4eu.txt``, ...), which
    the console only summarises."""
    return project_home() / "data" / "logs"


def notebooks_dir() -> Path:
    return project_home() / "notebooks"


def reports_dir() -> Path:
    """HTML pages and figures written by ``iness report``."""
    return project_home() / "reports"

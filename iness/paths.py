"""Where the project keeps its files: the one place for every path.

The project home is the repository (found from this file for an editable install)
unless ``INESS_HOME`` names another folder.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DATA = Path(__file__).resolve().parent / "data"


def project_home() -> Path:
    """The folder holding ``data/``, ``notebooks/`` and ``reports/``."""
    env = os.environ.get("INESS_HOME")
    if env:
        return Path(env).expanduser().resolve()
    return Path(__file__).resolve().parents[1]


def raw_dir() -> Path:
    """Cache of the downloaded DSI4EU files (never edited by hand)."""
    return project_home() / "data" / "raw" / "dsi4eu"


def processed_dir() -> Path:
    """Clean tables written by ``iness build``."""
    return project_home() / "data" / "processed" / "dsi4eu"


def notebooks_dir() -> Path:
    return project_home() / "notebooks"


def reports_dir() -> Path:
    """HTML pages and figures written by ``iness report``."""
    return project_home() / "reports"

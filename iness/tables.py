"""``iness.load``: the clean tables, as built by ``iness build``."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .clean.assemble import TABLE_NAMES
from .errors import InessError
from .frames import anti_join
from .paths import processed_dir

#: the waves of the DSI4EU survey
WAVES = (2016, 2017)


def _read(name: str, folder: Path) -> pd.DataFrame:
    path = folder / f"{name}.parquet"
    if not path.is_file():
        raise InessError(f"{path} does not exist: run `iness build` first "
                         "(or `iness run` for fetch, build and report)")
    return pd.read_parquet(path)


def suspect_ids(folder: Path | None = None) -> dict[str, pd.DataFrame]:
    """(wave, id) of suspect organisations and projects."""
    folder = Path(folder or processed_dir())
    orgs = _read("organisations", folder)
    projects = _read("projects", folder)
    return {"organisation": orgs.loc[orgs["is_suspect"], ["wave", "org_id"]],
            "project": projects.loc[projects["is_suspect"], ["wave", "project_id"]]}


def _drop_keys(frame: pd.DataFrame, keys: pd.DataFrame, on: list[str]) -> pd.DataFrame:
    return anti_join(frame, keys, on).reset_index(drop=True)


def load(name: str, wave: int | None = None, include_suspect: bool = False,
         folder: Path | str | None = None) -> pd.DataFrame:
    """One clean table: ``organisations``, ``projects``, ``links``, ``tags``,
    ``ledger`` or ``wave_matches``.

    ``wave`` (2016 or 2017) keeps one wave; ``include_suspect=False`` drops spam
    and test records and the links and tags that hang on them (the ledger and
    wave matches are returned whole). ``folder`` reads tables built elsewhere,
    for example from a researcher's own survey.
    """
    if name not in TABLE_NAMES:
        raise InessError(f"unknown table {name!r}; expected one of {', '.join(TABLE_NAMES)}")
    if wave is not None and wave not in WAVES:
        raise InessError(f"unknown wave {wave!r}; expected one of {WAVES} or None")
    folder = Path(folder or processed_dir())
    frame = _read(name, folder)
    if wave is not None and "wave" in frame:
        frame = frame[frame["wave"] == wave].reset_index(drop=True)
    if include_suspect or name in ("ledger", "wave_matches"):
        return frame
    suspects = suspect_ids(folder)
    orgs, projects = suspects["organisation"], suspects["project"]
    if name in ("organisations", "projects"):
        return frame[~frame["is_suspect"]].reset_index(drop=True)
    if name == "links":
        frame = _drop_keys(frame, orgs, ["wave", "org_id"])
        return _drop_keys(frame, projects, ["wave", "project_id"])
    # tags
    org_keys = orgs.rename(columns={"org_id": "entity_id"}).assign(entity="organisation")
    project_keys = projects.rename(columns={"project_id": "entity_id"}).assign(entity="project")
    return _drop_keys(frame, pd.concat([org_keys, project_keys])[["wave", "entity", "entity_id"]],
                      ["wave", "entity", "entity_id"])

"""The clean tables on disk: written by ``iness build`` and ``iness survey``
(all at once, formulas neutralised in the CSV copies), read by ``iness.load``."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from iness.pipeline.clean.assemble import TABLE_NAMES
from iness import cache, outputs
from iness.outputs import neutralise_formulas
from iness.errors import InessError
from iness.frames import anti_join
from iness.paths import processed_dir
from iness.progress import progress


def _rebuild_hint(folder: Path) -> str:
    """What to run to write ``folder`` again."""
    if folder.resolve() == processed_dir().resolve():
        return "run `iness build` to write the tables again"
    return (f"write it again with `iness survey YOUR_FILE --out {folder}` (or `iness build` "
            "if it held the DSI4EU tables)")


def _read(name: str, folder: Path) -> pd.DataFrame:
    """One table file, checked to be readable Parquet with its schema's columns."""
    from iness.reference.dictionary import table_columns
    path = folder / f"{name}.parquet"
    if not path.is_file():
        outputs.recover_if_interrupted(folder)
    if not path.is_file():
        if folder.resolve() == processed_dir().resolve():
            raise InessError(f"{path} does not exist: run `iness build` first "
                             "(or `iness run` for fetch, build and report)")
        raise InessError(f"{path} does not exist: {_rebuild_hint(folder)}")
    try:
        frame = pd.read_parquet(path)
    except (pa.ArrowException, OSError, ValueError) as error:
        reason = " ".join(str(error).replace(f" '{path}'", "").split())[:160]
        raise InessError(f"{path} is damaged (not readable as Parquet: {reason}): "
                         f"{_rebuild_hint(folder)}") from None
    missing = [column for column in table_columns(name) if column not in frame.columns]
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5
                                          else "")
        raise InessError(f"{path} lacks the column(s) {shown} (damaged, or written by another "
                         f"version of iness): {_rebuild_hint(folder)}")
    return frame


def without_suspects(name: str, frame: pd.DataFrame, organisations: pd.DataFrame,
                     projects: pd.DataFrame) -> pd.DataFrame:
    """A table without spam and test records, nor the links and tags hanging on
    them (the ledger and wave matches are returned whole)."""
    if name in ("ledger", "wave_matches", "codes"):
        return frame  # codes are made for non-suspect projects only
    if name in ("organisations", "projects"):
        return frame[~frame["is_suspect"]].reset_index(drop=True)
    orgs = organisations.loc[organisations["is_suspect"], ["wave", "org_id"]]
    plats = projects.loc[projects["is_suspect"], ["wave", "project_id"]]
    if name == "links":
        frame = anti_join(frame, orgs, ["wave", "org_id"])
        return anti_join(frame, plats, ["wave", "project_id"]).reset_index(drop=True)
    keys = pd.concat([orgs.set_axis(["wave", "entity_id"], axis=1).assign(entity="organisation"),
                      plats.set_axis(["wave", "entity_id"], axis=1).assign(entity="project")])
    return anti_join(frame, keys[["wave", "entity", "entity_id"]],
                     ["wave", "entity", "entity_id"]).reset_index(drop=True)


def _check_request(name: str, wave: int | None) -> None:
    if name not in TABLE_NAMES:
        raise InessError(f"unknown table {name!r}; expected one of {', '.join(TABLE_NAMES)}")
    if wave is not None and not isinstance(wave, int):
        raise InessError(f"wave must be a year (an integer) or None, not {wave!r}")


def load(name: str, wave: int | None = None, include_suspect: bool = False,
         folder: Path | str | None = None) -> pd.DataFrame:
    """One clean table: ``organisations``, ``projects``, ``links``, ``tags``,
    ``ledger``, ``wave_matches`` or ``codes`` (see :mod:`iness.store.codes`).

    ``wave`` (a year the survey holds: 2016 or 2017 for DSI4EU) keeps one wave; ``include_suspect=False`` drops spam
    and test records and the links and tags that hang on them (the ledger and
    wave matches are returned whole). ``folder`` reads tables built elsewhere,
    for example from a researcher's own survey.
    """
    _check_request(name, wave)
    folder = Path(folder or processed_dir())
    frame = _read(name, folder)
    if wave is not None and "wave" in frame:
        held = sorted(_read("projects", folder)["wave"].unique().tolist())
        if wave not in held:
            raise InessError(f"no wave {wave} in {folder}: it holds "
                             f"{', '.join(map(str, held)) or 'no wave'}")
        frame = frame[frame["wave"] == wave].reset_index(drop=True)
    if include_suspect or name in ("ledger", "wave_matches", "codes"):
        return frame
    return without_suspects(name, frame, _read("organisations", folder),
                            _read("projects", folder))


def load_all(folder: Path | str | None = None, include_suspect: bool = False
             ) -> dict[str, pd.DataFrame]:
    """Every table, each file read once."""
    folder = Path(folder or processed_dir())
    tables = {name: _read(name, folder) for name in TABLE_NAMES}
    if include_suspect:
        return tables
    return {name: without_suspects(name, frame, tables["organisations"], tables["projects"])
            for name, frame in tables.items()}


def _write_table(frame: pd.DataFrame, folder: Path, name: str) -> None:
    frame.to_parquet(folder / f"{name}.parquet", index=False, compression="zstd")
    neutralise_formulas(frame).to_csv(folder / f"{name}.csv", index=False,
                                      lineterminator="\n", date_format="%Y-%m-%d")


def write_tables(tables: dict[str, pd.DataFrame], target: Path | str,
                 inputs: dict | None = None) -> Path:
    """Write every table as Parquet and CSV into ``target``, all at once: into a
    staging folder swapped in only when complete, under the folder's lock, and
    only where iness may write (see :mod:`iness.outputs`). ``inputs`` are the
    digests of what made them (:mod:`iness.cache`), kept beside them."""
    with outputs.replacing(target) as staging:
        for name, frame in progress(tables.items(), "writing tables", total=len(tables)):
            _write_table(frame, staging, name)
        if inputs is not None:
            (staging / cache.INPUTS_FILE).write_text(cache.as_text(inputs), encoding="utf-8")
    return Path(target).expanduser().resolve()

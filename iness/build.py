"""``iness build``: raw files -> validated tables in ``data/processed/dsi4eu/``."""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from . import cache, outputs, raw
from .clean.assemble import TABLE_NAMES
from .paths import processed_dir
from .progress import progress

#: characters that make a spreadsheet run a cell as a formula
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as formulas with a quote.

    >>> neutralise_formulas(pd.DataFrame({"a": ["=1+1", "ok", "-x"]}))["a"].tolist()
    ["'=1+1", 'ok', "'-x"]
    """
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(
                lambda value: "'" + value if isinstance(value, str)
                and value.startswith(FORMULA_PREFIXES) else value)
    return out


def survey_tables(records, training: Callable[[dict], pd.DataFrame | None]
                  ) -> tuple[dict, object]:
    """Every table of a survey from its adapter's records
    (:mod:`iness.clean.adapters`), validated, and the quality of the methods
    that measured it: the one pipeline every survey goes through.
    ``training(tables)`` gives the projects the classifier learns from (those
    the coding was made on), or None for no classifier rows."""
    from .clean.assemble import clean_survey
    from .measure import add_codes
    from .schemas import validate_tables
    tables = clean_survey(records)
    tables, quality = add_codes(tables, training=training(tables))
    return validate_tables(tables), quality


def own_projects(tables: dict) -> pd.DataFrame:
    """The survey's own projects: DSI4EU's, on which the coding was made."""
    return tables["projects"]


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


def build_inputs(raw_folder: Path | str | None = None) -> dict:
    """Digests of what the DSI4EU tables are made of: the raw files and iness."""
    paths = [raw.raw_path(name) if raw_folder is None else Path(raw_folder) / name
             for name in raw.RAW_SPECS]
    missing = [path for path in paths if not path.is_file()]
    return {"package": cache.package_digest(),
            "raw": None if missing else cache.digest_files(paths)}


def up_to_date(target: Path, inputs: dict) -> bool:
    """Whether ``target`` holds every table, made from these same inputs."""
    return (inputs["raw"] is not None and cache.recorded(target) == inputs
            and all((target / f"{name}.parquet").is_file() for name in TABLE_NAMES))


def read_all_raw(raw_folder: Path | str | None = None) -> dict[str, pd.DataFrame]:
    """The five raw frames, from the fetched cache or from a folder laid out like it."""
    return {name: raw.read_raw(name, None if raw_folder is None else Path(raw_folder) / name)
            for name in progress(raw.RAW_SPECS, "reading raw files")}


def build(target: Path | None = None, raw_folder: Path | str | None = None,
          force: bool = True) -> dict | None:
    """Read, clean, validate and write; return the tables and the ledger summary.

    Nothing is written unless every step succeeds, and then all tables at once.
    Without ``force``, nothing is done (``None``) when the tables were made from
    the same raw files by the same iness."""
    target = outputs.check_target(target or processed_dir())  # fail before the work
    inputs = build_inputs(raw_folder)
    if not force and up_to_date(target, inputs):
        return None
    # the heavy steps are imported here, so that an up-to-date check starts fast
    from .analysis import ledger_summary
    from .clean import adapters
    frames = read_all_raw(raw_folder)
    # a folder given by hand may differ from the registered files: say how
    warnings = [] if raw_folder is None else [
        note for name, spec in raw.RAW_SPECS.items()
        for note in raw.file_warnings(spec, Path(raw_folder) / name, frames[name])]
    records = adapters.dsi4eu(frames)
    tables, quality = survey_tables(records, training=own_projects)
    row_counts = {name: source.rows for name, source in records.files.items()}
    write_tables({name: tables[name] for name in TABLE_NAMES}, target, inputs)
    return {"tables": tables, "summary": ledger_summary(tables["ledger"], row_counts),
            "quality": quality, "warnings": warnings}


def build_and_print(raw_folder: Path | str | None = None, force: bool = True) -> None:
    started = time.perf_counter()
    result = build(raw_folder=raw_folder, force=force)
    if result is None:
        print(f"Tables in {processed_dir()} are up to date (same raw files, same iness): "
              "nothing to do (--force rebuilds them)")
        return
    tables, summary = result["tables"], result["summary"]
    for note in result["warnings"]:
        print(f"warning: {note}")
    print("Cleaning ledger (raw rows per file):")
    print(summary.to_string())
    ledger = tables["ledger"]
    reasons = (ledger[ledger["outcome"] != "kept"]
               .groupby(["source_file", "outcome", "reason"]).size())
    print("\nMerged and set aside, by reason:")
    print(reasons.to_string())
    suspects = ledger["reason"].dropna()
    suspects = suspects[suspects.str.startswith("suspect: ")].str.removeprefix("suspect: ")
    by_reason = ", ".join(f"{reason} {count}" for reason, count
                          in suspects.value_counts().sort_index().items())
    from .analysis import unread_values
    unread = unread_values(tables)
    if len(unread):
        print("\nValues given but not read as written (kept, flagged in the column named):")
        for row in unread.itertuples():
            print(f"  {row.table}.{row.column} = {row.flag}: {row.records} "
                  f"(e.g. {row.examples})")
    print(f"\nSuspect records kept but flagged: {len(suspects)} ({by_reason})")
    try:
        from .taxonomy import coverage_report
    except ImportError:
        coverage_report = None
    if coverage_report is not None:
        print("\n" + coverage_report(tables).text)
    print("\n" + result["quality"].text)
    print(f"\nTables written to {processed_dir()} in {time.perf_counter() - started:.1f} s")

"""``iness build``: raw files -> validated tables in ``data/processed/dsi4eu/``."""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from iness import cache, outputs
from iness.pipeline import raw
from iness.pipeline.clean.assemble import TABLE_NAMES
from iness.coding.workbench import CODINGS_FILE
from iness.paths import coding_dir, processed_dir
from iness.store.survey import MEASUREMENT_TABLES
from iness.store.tables import write_tables  # noqa: F401  (iness.build.write_tables)
from iness.progress import progress

#: every table a build writes
BUILT_TABLES = (*TABLE_NAMES, *MEASUREMENT_TABLES)


def survey_tables(records, training: Callable[[dict], pd.DataFrame | None],
                  own: pd.DataFrame | None = None, reference: pd.DataFrame | None = None
                  ) -> tuple[dict, object]:
    """Every table of a survey from its adapter's records
    (:mod:`iness.pipeline.clean.adapters`), validated, and the quality of the methods
    that measured it: the one pipeline every survey goes through.
    ``training(tables)`` gives the projects the classifier learns from (those
    the coding was made on), or None for no classifier rows; ``own`` and
    ``reference`` are a researcher's survey's codings and DSI4EU's classifier
    scores (:func:`iness.coding.measure.add_codes`)."""
    from iness.pipeline.clean.assemble import clean_survey
    from iness.coding.measure import add_codes
    from iness.store.schemas import validate_tables
    tables = clean_survey(records)
    tables, quality = add_codes(tables, training=training(tables), own=own,
                                reference=reference)
    return validate_tables(tables), quality


def own_projects(tables: dict) -> pd.DataFrame:
    """The survey's own projects: DSI4EU's, on which the coding was made."""
    return tables["projects"]


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
            and all((target / f"{name}.parquet").is_file() for name in BUILT_TABLES))


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
    from iness.analysis import ledger_summary
    from iness.pipeline.clean import adapters
    frames = read_all_raw(raw_folder)
    # a folder given by hand may differ from the registered files: say how
    warnings = [] if raw_folder is None else [
        note for name, spec in raw.RAW_SPECS.items()
        for note in raw.file_warnings(spec, Path(raw_folder) / name, frames[name])]
    records = adapters.dsi4eu(frames)
    tables, quality = survey_tables(records, training=own_projects)
    row_counts = {name: source.rows for name, source in records.files.items()}
    write_tables({name: tables[name] for name in BUILT_TABLES}, target, inputs)
    return {"tables": tables, "summary": ledger_summary(tables["ledger"], row_counts),
            "quality": quality, "warnings": warnings}


def build_details(result: dict) -> str:
    """Everything a build measured, for the log file and ``--verbose``: the
    ledger per file and per reason, values not read as written, suspect
    records, the taxonomy's coverage and the quality of each measuring method."""
    from iness.analysis import unread_values
    from iness.reference.taxonomy import coverage_report
    tables, summary = result["tables"], result["summary"]
    ledger = tables["ledger"]
    lines = ["Cleaning ledger (raw rows per file):", summary.to_string()]
    reasons = (ledger[ledger["outcome"] != "kept"]
               .groupby(["source_file", "outcome", "reason"]).size())
    lines += ["", "Merged and set aside, by reason:", reasons.to_string()]
    unread = unread_values(tables)
    if len(unread):
        lines += ["", "Values given but not read as written (kept, flagged in the column "
                  "named):"]
        lines += [f"  {row.table}.{row.column} = {row.flag}: {row.records} "
                  f"(e.g. {row.examples})" for row in unread.itertuples()]
    suspects = ledger["reason"].dropna()
    suspects = suspects[suspects.str.startswith("suspect: ")].str.removeprefix("suspect: ")
    by_reason = ", ".join(f"{reason} {count}" for reason, count
                          in suspects.value_counts().sort_index().items())
    lines += ["", f"Suspect records kept but flagged: {len(suspects)} ({by_reason})"]
    lines += ["", coverage_report(tables).text, "", result["quality"].text]
    return "\n".join(lines)


#: what to do after ``iness build`` alone
NEXT_AFTER_BUILD = ("`iness report` writes the report (reports/index.html), or explore the "
                    "tables in JupyterLab: `jupyter lab notebooks/`")


def build_and_print(raw_folder: Path | str | None = None, force: bool = True,
                    verbose: bool = False, next_step: str | None = NEXT_AFTER_BUILD) -> None:
    """Build, then say in a few plain lines what became of the raw rows, where
    the tables are and what to open next; the detailed figures go to a log file
    (printed too with ``verbose``)."""
    from iness.analysis import unread_values
    from iness.summary import build_summary, write_log
    started = time.perf_counter()
    result = build(raw_folder=raw_folder, force=force)
    if result is None:
        print(f"Tables in {processed_dir()} are up to date (same raw files, same iness): "
              "nothing to do (--force rebuilds them)")
        return
    for note in result["warnings"]:
        print(f"warning: {note}")
    details = build_details(result)
    if verbose:
        print(details + "\n")
    log = write_log("build-dsi4eu", details)
    tables = result["tables"]
    print("\n".join(build_summary(result["summary"], tables, unread_values(tables),
                                  result["quality"], processed_dir(), log,
                                  time.perf_counter() - started, next_step)))


def read_survey(path: Path | str, wave: int | None = None, name: str | None = None
                ) -> dict[str, pd.DataFrame]:
    """Validate a survey file in the template (CSV in any common encoding and
    separator, .xlsx or .ods) and return the clean tables. Every bad cell is
    reported in one :class:`iness.SurveyError` (the first 20, and a count).

    The survey's adjudicated coding, when ``iness coding`` wrote one
    (``coding_dir(name)/codings.csv``; ``name`` is the survey's, by default its
    file's name), gives its ``coded`` codes and measures the classifier."""
    from iness.pipeline.clean.adapters import template
    from iness.pipeline.own_survey import DEFAULT_WAVE, checked_survey
    path = Path(path)
    frame = checked_survey(path, wave)
    records = template(frame, path.name, wave or DEFAULT_WAVE)
    training = dsi4eu_projects()
    coding_file = codings_path(path, name)
    own = survey_codings(coding_file)
    tables, _ = survey_tables(records, training=lambda _: training, own=own,
                              reference=None if training is None else dsi4eu_quality())
    elsewhere = units_elsewhere(tables["projects"], own)
    if elsewhere:
        import warnings
        warnings.warn(f"{coding_file}: {elsewhere} coded unit(s) match no description of "
                      f"{path.name} (changed since they were coded?): left out", stacklevel=2)
    return tables


def units_elsewhere(projects: pd.DataFrame, own: pd.DataFrame) -> int:
    """How many units of a survey's settled coding none of its projects has."""
    from iness.reference.codebook import coding_units
    from iness.store.codes import final_of
    return int((~final_of(own)["unit_id"].isin(coding_units(projects)["unit_id"])).sum())


def codings_path(path: Path | str, name: str | None = None) -> Path | None:
    """Where the adjudicated coding of the survey in ``path`` (named ``name``,
    by default after its file) is read from; None for a file whose name cannot
    name a survey's folders (no coding can have been written for it)."""
    from iness.errors import OutputError
    from iness.outputs import survey_name
    try:
        return coding_dir(survey_name(path, name)) / CODINGS_FILE
    except OutputError:
        if name is not None:  # a name given by hand must be a good one
            raise
        return None


def survey_codings(path: Path | None) -> pd.DataFrame:
    """A survey's codings (:func:`iness.store.codes.read_codings`), or none
    when no coding was written for it."""
    from iness.store import codes
    return (codes.read_codings(path) if path is not None and path.is_file()
            else codes.no_codings())


def dsi4eu_projects() -> pd.DataFrame | None:
    """DSI4EU's projects, on which the coding was made and the classifier is
    trained; None (no classifier rows) when DSI4EU has not been built."""
    if not (processed_dir() / "projects.parquet").is_file():
        return None
    return pd.read_parquet(processed_dir() / "projects.parquet")


def dsi4eu_quality() -> pd.DataFrame | None:
    """DSI4EU's classifier_quality table (its classifier measured on its own
    coding), or None when DSI4EU has not been built."""
    if (processed_dir() / "projects.parquet").is_file():
        from iness.store.survey import measurement_tables
        return measurement_tables(processed_dir())["classifier_quality"]
    return None


def survey_inputs(path: Path, wave: int | None, name: str | None) -> dict:
    """Digests of what a survey's tables are made of: its file, its wave, its
    adjudicated coding, DSI4EU's tables the classifier learns from, and iness."""
    coding = codings_path(path, name)
    dsi4eu = [processed_dir() / f"{table}.parquet" for table in ("projects",
                                                                 "classifier_quality")]
    return {"package": cache.package_digest(), "survey": cache.digest_files([path]),
            "wave": wave, "coding": (cache.digest_files([coding])
                                     if coding is not None and coding.is_file() else None),
            "dsi4eu": (cache.digest_files(dsi4eu) if all(p.is_file() for p in dsi4eu)
                       else None)}


def build_survey(path: Path | str, target: Path | str, wave: int | None = None,
                 name: str | None = None, force: bool = False) -> Path:
    """Read a survey and write its tables (Parquet and CSV) into ``target``: a
    new or empty folder, or one iness made for this survey (never the DSI4EU
    tables, nor the folder holding the survey file). Nothing is done when the
    tables there were made from the same inputs (:func:`survey_inputs`:
    a changed file, coding or iness rebuilds them), unless ``force``."""
    from iness.errors import OutputError
    path, folder = Path(path), Path(target).expanduser().resolve()
    if folder == processed_dir().resolve():
        raise OutputError(f"{folder} holds the DSI4EU tables built by `iness build`: "
                          "give another folder for the tables of your survey")
    if folder in path.resolve().parents:
        raise OutputError(f"{folder} holds the survey file {path.name}: give another folder "
                          "for its tables")
    folder = outputs.check_target(folder)  # before reading: refuse without waiting
    inputs = survey_inputs(path, wave, name)
    if not force and cache.recorded(folder) == inputs and all(
            (folder / f"{table}.parquet").is_file() for table in BUILT_TABLES):
        return folder
    return write_tables(read_survey(path, wave, name), folder, inputs)

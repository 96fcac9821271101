"""The shared pipeline: from an adapter's per-wave record frames
(:mod:`iness.pipeline.clean.adapters`) to the canonical tables of a survey, whatever its
source and however many waves it has."""
from __future__ import annotations

import pandas as pd

from iness.errors import ValidationError
from iness.pipeline.clean.adapters import Records, SourceFile
from iness.reference.vocabularies import role_table
from iness.pipeline.clean.match import consecutive_matches
from iness.pipeline.clean.pipeline import (REPEATED_LINK, clean_tags, duplicate_groups,
                                           entity_ledger, merge_duplicates, resolve_links)

ORGANISATION_COLUMNS = [
    "org_id", "wave", "org_name", "org_type", "org_type_flag", "size_band", "size_rank",
    "size_lower", "size_upper", "size_flag", "country_code", "country_flag", "region",
    "city", "latitude", "longitude", "coord_flag", "nearest_country_code",
    "website_domain", "website_flag", "description", "start_date", "start_date_precision",
    "created_date", "is_suspect", "suspect_reason", "source_file", "source_row"]
PROJECT_COLUMNS = [
    "project_id", "wave", "project_name", "project_type", "project_type_raw",
    "country_code", "country_flag", "latitude", "longitude", "coord_flag",
    "nearest_country_code", "website_domain", "website_flag", "description",
    "listed_date", "listed_date_precision", "start_date", "start_date_precision",
    "end_date", "end_date_precision", "created_date", "is_suspect", "suspect_reason",
    "source_file", "source_row"]
#: tables the cleaning makes
CLEAN_TABLE_NAMES = ("organisations", "projects", "links", "tags", "ledger", "wave_matches")
#: every table of a built survey: the clean ones and the codes (:mod:`iness.coding.measure`)
TABLE_NAMES = (*CLEAN_TABLE_NAMES, "codes")
#: columns :mod:`iness.coding.measure` adds to the projects
CODED_PROJECT_COLUMNS = ["is_platform", "primary_category", "coding_status"]


def absent_value(kind: str, allowed: str):
    """What a column of this dictionary kind holds for a source that never asks
    it: missing dates and numbers, ``missing`` flags and precisions, else None."""
    if kind == "date":
        return pd.NaT
    if kind in ("latitude", "longitude"):
        return float("nan")
    if kind == "precision" or (kind == "choice" and "missing" in allowed.split("|")):
        return "missing"
    return None


def with_absent_columns(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """``frame`` with every column of ``table`` it lacks, holding its absent value."""
    from iness.reference.dictionary import dictionary
    columns = dictionary().query("table == @table")
    absent = {row.column: absent_value(row.kind, row.allowed) for row in columns.itertuples()
              if row.column not in frame
              and row.column in (*ORGANISATION_COLUMNS, *PROJECT_COLUMNS)}
    # one value a column, as the record frames were built before (None stays None)
    return pd.concat([frame, pd.DataFrame(absent, index=frame.index)], axis=1)


def no_merges() -> pd.DataFrame:
    return pd.DataFrame(columns=["id", "canonical_id", "merge_rule"])


def clean_wave(wave: dict, merge: bool = True, derived: frozenset = frozenset(),
               repeat_reason: str = REPEATED_LINK) -> dict:
    """Merge duplicates (``merge``), resolve links and canonicalise tags within
    one wave; ledger rows for every record of an entity not ``derived``."""
    orgs = with_absent_columns(wave["organisations"], "organisations")
    projects = with_absent_columns(wave["projects"], "projects")
    org_merges = duplicate_groups(orgs, "org_id", "org_name", use_website=True) \
        if merge else no_merges()
    project_merges = duplicate_groups(projects, "project_id", "project_name",
                                      use_website=False) if merge else no_merges()
    kept_orgs = merge_duplicates(orgs, org_merges, "org_id")
    kept_projects = merge_duplicates(projects, project_merges, "project_id")
    links, link_ledger = resolve_links(
        wave["links"], set(kept_orgs["org_id"]), set(kept_projects["project_id"]),
        org_merges, project_merges, set(role_table()["role"]), repeat_reason)
    ledgers = {"organisation": entity_ledger(orgs, org_merges, "org_id", "organisation"),
               "project": entity_ledger(projects, project_merges, "project_id", "project"),
               "link": link_ledger}
    ledger = pd.concat([rows for entity, rows in ledgers.items() if entity not in derived],
                       ignore_index=True)
    tags = clean_tags(wave["tags"], org_merges, project_merges)
    return {"organisations": kept_orgs[ORGANISATION_COLUMNS],
            "projects": kept_projects[PROJECT_COLUMNS],
            "links": links, "tags": tags, "ledger": ledger}


def check_ledger_complete(ledger: pd.DataFrame, files: dict[str, SourceFile]
                          ) -> pd.DataFrame:
    """Every raw row of every file appears in the ledger exactly once as its
    file's entity; raise otherwise."""
    problems = []
    for name, source in files.items():
        entity, count = source.entity, source.rows
        rows = ledger.loc[(ledger["source_file"] == name) & (ledger["entity"] == entity),
                          "source_row"]
        missing = sorted(source.row_numbers() - set(rows))
        repeated = sorted(rows[rows.duplicated()].unique())
        if missing or repeated or len(rows) != count:
            problems.append(f"{name}: {len(missing)} raw rows unaccounted for "
                            f"(first {missing[:5]}), {len(repeated)} counted twice")
    if problems:
        raise ValidationError("the cleaning ledger does not account for every raw row: "
                              + "; ".join(problems))
    return ledger


def clean_survey(records: Records) -> dict[str, pd.DataFrame]:
    """Every clean table of a survey from its adapter's records (and the codes it
    declares, when it does): each wave cleaned, consecutive waves matched, every
    raw row checked to be in the ledger."""
    cleaned = {year: clean_wave(frames() if callable(frames) else frames,
                                records.merge_duplicates, records.derived,
                                records.repeated_link_reasons.get(year, REPEATED_LINK))
               for year, frames in sorted(records.waves.items())}
    tables = {name: pd.concat([wave[name] for wave in cleaned.values()], ignore_index=True)
              for name in ("organisations", "projects", "links", "tags", "ledger")}
    tables["wave_matches"] = consecutive_matches(cleaned, records.stable_ids)
    check_ledger_complete(tables["ledger"], records.files)
    if tables["tags"].empty:  # a survey without tags: no rows, text columns
        tables["tags"] = tables["tags"].astype(
            {column: object for column in ("facet", "tag", "match_rule")})
    tables = tidy(tables)
    if records.codes is not None:
        tables["codes"] = records.codes
    return tables


def tidy(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Stable row order and dtypes, so that a rebuild writes the same bytes."""
    orders = {"organisations": ["wave", "org_id"], "projects": ["wave", "project_id"],
              "links": ["wave", "project_id", "org_id", "role"],
              "tags": ["wave", "entity", "entity_id", "facet", "tag", "raw_value"],
              "ledger": ["source_file", "source_row", "entity", "entity_id"],
              "wave_matches": ["entity", "wave_from", "wave_to", "id_from", "id_to"]}
    tidied = {}
    for name, frame in tables.items():
        frame = frame.sort_values(orders[name], kind="stable").reset_index(drop=True)
        for column in ("wave", "wave_from", "wave_to"):
            if column in frame:
                frame[column] = frame[column].astype("int16")
        tidied[name] = frame
    return tidied


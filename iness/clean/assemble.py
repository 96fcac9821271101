"""Assemble the canonical tables of both waves from the raw frames."""
from __future__ import annotations

import pandas as pd

from .fields import role_table
from .pipeline import (clean_tags, duplicate_groups, entity_ledger, match_waves,
                       merge_duplicates, resolve_links)
from .waves import extract_wave2016, extract_wave2017

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
#: every table of a built survey: the clean ones and the codes (:mod:`iness.measure`)
TABLE_NAMES = (*CLEAN_TABLE_NAMES, "codes")
#: columns :mod:`iness.measure` adds to the projects
CODED_PROJECT_COLUMNS = ["is_platform", "primary_category", "coding_status"]


def clean_wave(wave: dict) -> dict:
    """Merge duplicates, resolve links and canonicalise tags within one wave."""
    orgs, projects = wave["organisations"], wave["projects"]
    org_merges = duplicate_groups(orgs, "org_id", "org_name", use_website=True)
    project_merges = duplicate_groups(projects, "project_id", "project_name",
                                      use_website=False)
    kept_orgs = merge_duplicates(orgs, org_merges, "org_id")
    kept_projects = merge_duplicates(projects, project_merges, "project_id")
    links, link_ledger = resolve_links(
        wave["links"], set(kept_orgs["org_id"]), set(kept_projects["project_id"]),
        org_merges, project_merges, set(role_table()["role"]))
    ledger = pd.concat([entity_ledger(orgs, org_merges, "org_id", "organisation"),
                        entity_ledger(projects, project_merges, "project_id", "project"),
                        link_ledger], ignore_index=True)
    tags = clean_tags(wave["tags"], org_merges, project_merges)
    return {"organisations": kept_orgs[ORGANISATION_COLUMNS],
            "projects": kept_projects[PROJECT_COLUMNS],
            "links": links, "tags": tags, "ledger": ledger}


def clean_all(raw: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """All canonical tables from the five raw frames (keyed by registry name)."""
    wave2016 = clean_wave(extract_wave2016(raw["wave2016/orgs.csv"],
                                           raw["wave2016/projects.csv"],
                                           raw["wave2016/org-projects.csv"]))
    wave2017 = clean_wave(extract_wave2017(raw["wave2017/organisations2.json"],
                                           raw["wave2017/projects2.json"]))
    tables = {name: pd.concat([wave2016[name], wave2017[name]], ignore_index=True)
              for name in ("organisations", "projects", "links", "tags", "ledger")}
    tables["wave_matches"] = pd.concat([
        match_waves(wave2016["organisations"], wave2017["organisations"], "organisation"),
        match_waves(wave2016["projects"], wave2017["projects"], "project")],
        ignore_index=True)
    return tidy(tables)


def tidy(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Stable row order and dtypes, so that a rebuild writes the same bytes."""
    orders = {"organisations": ["wave", "org_id"], "projects": ["wave", "project_id"],
              "links": ["wave", "project_id", "org_id", "role"],
              "tags": ["wave", "entity", "entity_id", "facet", "tag", "raw_value"],
              "ledger": ["source_file", "source_row", "entity", "entity_id"],
              "wave_matches": ["entity", "id_2016", "id_2017"]}
    tidied = {}
    for name, frame in tables.items():
        frame = frame.sort_values(orders[name], kind="stable").reset_index(drop=True)
        if "wave" in frame:
            frame["wave"] = frame["wave"].astype("int16")
        tidied[name] = frame
    return tidied


"""DSI4EU's raw frames (the 2016 CSV export, the 2017 JSON dump) to record
frames in the canonical columns, one wave at a time. Nothing is merged or
dropped here: that is the shared pipeline's job (:mod:`iness.pipeline.clean.assemble`);
:func:`iness.pipeline.clean.adapters.dsi4eu` hands these frames to it.

Each ``extract_`` function returns a dict of frames: ``organisations``,
``projects``, ``links`` and ``tags``, every row carrying ``source_file`` and
``source_row``; a canonical column a wave never asks is left to the pipeline.
"""
from __future__ import annotations

import json

import pandas as pd

from iness.pipeline.clean.dates import date_columns
from iness.pipeline.clean.fields import org_type_columns, size_columns
from iness.pipeline.clean.records import (key_columns, place_columns, project_type_columns,
                                          source_columns, tags_from_text)
from iness.pipeline.clean.suspect import flag_suspects
from iness.text import blank_to_none, clean_text_series, html_to_text, map_distinct
from iness.pipeline.clean.web import website_columns

ORGS_2016 = "wave2016/orgs.csv"
PROJECTS_2016 = "wave2016/projects.csv"
LINKS_2016 = "wave2016/org-projects.csv"
ORGS_2017 = "wave2017/organisations2.json"
PROJECTS_2017 = "wave2017/projects2.json"

#: 2016 multi-valued columns and the facet each feeds
FACETS_2016 = {"Area of Society": "area", "DSI Areas": "dsi_area",
               "Technology Focus": "tech_focus", "Technology method": "tech_method"}
#: 2017 list columns ({id, name} objects or plain strings) and their facet
FACETS_2017_PROJECTS = {"support_tags": "area", "focus": "tech_focus",
                        "technology": "tech_method", "who_we_help_tags": "free_tag"}
FACETS_2017_ORGS = {"tags": "free_tag", "networkTags": "network"}


def _json_list(value) -> list:
    if value is None or value == "":
        return []
    parsed = json.loads(value) if isinstance(value, str) else value
    return parsed if isinstance(parsed, list) else []


def _label(item) -> str | None:
    if isinstance(item, dict):
        return blank_to_none(item.get("name"))
    return blank_to_none(item)


def tags_from_lists(frame: pd.DataFrame, columns: dict[str, str], entity: str,
                    id_column: str, source_file: str) -> pd.DataFrame:
    """Long raw tags from JSON list columns: entity, entity_id, facet, raw_value."""
    parts = []
    for column, facet in columns.items():
        items = map_distinct(frame[column], _json_list).explode().dropna()
        labels = items.map(_label).dropna()
        parts.append(pd.DataFrame({
            "entity": entity, "entity_id": frame.loc[labels.index, id_column].astype(str)
            .to_numpy(), "facet": facet, "raw_value": labels.to_numpy(),
            "source_file": source_file, "source_row": labels.index.to_numpy()}))
    return pd.concat(parts, ignore_index=True)


def organisations_2016(raw: pd.DataFrame) -> pd.DataFrame:
    frame = pd.concat([
        key_columns(raw, ORGS_2016, "organisation", raw["Organisation ID"], 2016, raw["Name"]),
        org_type_columns(raw["Organisation type"]),
        size_columns(raw["Size of Organisation"]),
        website_columns(raw["Website"]),
        pd.DataFrame({"region": clean_text_series(raw["Region"]),
                      "city": clean_text_series(raw["Location"])}, index=raw.index),
        place_columns(raw["Country"], raw["Region"], raw["Latitude"], raw["Longitude"]),
    ], axis=1)
    suspects = flag_suspects(frame["org_name"], [raw["Website"], raw["Twitter"]], [],
                             [raw["Street Address"], raw["Location"], raw["Region"]])
    return pd.concat([frame, suspects], axis=1)


def projects_2016(raw: pd.DataFrame) -> pd.DataFrame:
    frame = pd.concat([
        key_columns(raw, PROJECTS_2016, "project", raw["Project ID"], 2016,
                    raw["Project Name"]),
        project_type_columns(raw["Project type"]),
        website_columns(raw["Project website"]),
        pd.DataFrame({"description": clean_text_series(raw["Social Impact"])},
                     index=raw.index),
        # 'Date and Time' is month-precise and often in the future: most likely an
        # end date, but undocumented, so it is kept under its own name.
        date_columns(raw["Date and Time"], "listed_date", day_always_first=True),
    ], axis=1)
    suspects = flag_suspects(frame["project_name"],
                             [raw["Project website"], raw["Area of Society"],
                              raw["Technology method"]], [raw["Social Impact"]])
    return pd.concat([frame, suspects], axis=1)


def links_2016(raw: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([
        source_columns(raw, LINKS_2016),
        pd.DataFrame({"link_id": raw["Linking ID"].str.strip(),
                      "org_id": raw["Organisation ID"].str.strip(),
                      "project_id": raw["Project ID"].str.strip(),
                      "role": raw["Role"].str.strip().str.lower(), "wave": 2016},
                     index=raw.index)], axis=1)


def description_2017(raw: pd.DataFrame) -> pd.Series:
    """The long description as plain text, else the short one."""
    long_text = map_distinct(raw["long_description"], html_to_text)
    short_text = map_distinct(raw["short_description"], html_to_text)
    return long_text.where(long_text.notna(), short_text)


def organisations_2017(raw: pd.DataFrame) -> pd.DataFrame:
    frame = pd.concat([
        key_columns(raw, ORGS_2017, "organisation", raw["organisation_id"], 2017,
                    raw["organisation_name"]),
        org_type_columns(raw["organisation_type"]),
        size_columns(raw["organisation_size"]),
        website_columns(raw["website"]),
        # 2017 'region' holds the city; the 2017 dump has no region proper
        pd.DataFrame({"city": clean_text_series(raw["region"]),
                      "description": description_2017(raw)},
                     index=raw.index),
        date_columns(raw["startDate"], "start_date"),
        date_columns(raw["created"], "created_date").drop(columns="created_date_precision"),
        place_columns(raw["country"], pd.Series(None, index=raw.index), raw["latitude"],
                      raw["longitude"]),
    ], axis=1)
    suspects = flag_suspects(frame["org_name"], [raw["website"], raw["tags"]],
                             [raw["short_description"], raw["long_description"]],
                             [raw["address"], raw["region"]])
    return pd.concat([frame, suspects], axis=1)


def projects_2017(raw: pd.DataFrame) -> pd.DataFrame:
    frame = pd.concat([
        key_columns(raw, PROJECTS_2017, "project", raw["project_id"], 2017,
                    raw["project_name"]),
        website_columns(raw["website"]),
        pd.DataFrame({"description": description_2017(raw)}, index=raw.index),
        date_columns(raw["start_date"], "start_date"),
        date_columns(raw["end_date"], "end_date"),
        date_columns(raw["creation_date"], "created_date").drop(
            columns="created_date_precision"),
        place_columns(raw["country"], pd.Series(None, index=raw.index), raw["latitude"],
                      raw["longitude"]),
    ], axis=1)
    suspects = flag_suspects(frame["project_name"], [raw["website"], raw["who_we_help_tags"]],
                             [raw["short_description"], raw["long_description"],
                              raw["social_impact"]])
    return pd.concat([frame, suspects], axis=1)


def links_2017(orgs_raw: pd.DataFrame, projects_raw: pd.DataFrame) -> pd.DataFrame:
    """Links as listed on both sides of the 2017 dump (one row per listing)."""
    rows = []
    for source_row, org_id, linked in zip(orgs_raw.index, orgs_raw["organisation_id"],
                                          orgs_raw["linked_project_ids"]):
        rows += [(ORGS_2017, source_row, str(org_id), str(project), "organisation_side")
                 for project in _json_list(linked)]
    for source_row, project_id, linked in zip(projects_raw.index, projects_raw["project_id"],
                                              projects_raw["linked_organisation_ids"]):
        rows += [(PROJECTS_2017, source_row, str(org), str(project_id), "project_side")
                 for org in _json_list(linked)]
    frame = pd.DataFrame(rows, columns=["source_file", "source_row", "org_id", "project_id",
                                        "listed_on"])
    return frame.assign(role=None, wave=2017, link_id=None)


def extract_wave2016(orgs: pd.DataFrame, projects: pd.DataFrame, links: pd.DataFrame) -> dict:
    return {
        "organisations": organisations_2016(orgs),
        "projects": projects_2016(projects),
        "links": links_2016(links),
        "tags": tags_from_text(projects, FACETS_2016, "project", projects["Project ID"],
                               PROJECTS_2016).assign(wave=2016),
    }


def extract_wave2017(orgs: pd.DataFrame, projects: pd.DataFrame) -> dict:
    tags = pd.concat([
        tags_from_lists(orgs, FACETS_2017_ORGS, "organisation", "organisation_id", ORGS_2017),
        tags_from_lists(projects, FACETS_2017_PROJECTS, "project", "project_id",
                        PROJECTS_2017)], ignore_index=True)
    return {
        "organisations": organisations_2017(orgs),
        "projects": projects_2017(projects),
        "links": links_2017(orgs, projects),
        "tags": tags.assign(wave=2017),
    }

"""A researcher's survey in the project's template (one row per platform, its
cells already checked by :mod:`iness.pipeline.own_survey`) to record frames in the
canonical columns, any number of waves as its ``wave`` column says. Nothing is
merged or dropped here: that is the shared pipeline's job
(:mod:`iness.pipeline.clean.assemble`); :func:`iness.pipeline.clean.adapters.template` hands
these frames to it.

A row is a project; its organisation and the link between them are derived
from it (an organisation named in several rows of a wave is one record, keyed
by its name).
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import pandas as pd

from iness.pipeline.clean.dates import date_columns
from iness.pipeline.clean.fields import org_type_columns, size_columns
from iness.pipeline.clean.records import (key_columns, place_columns, project_type_columns,
                                          source_columns, tags_from_text)
from iness.pipeline.clean.suspect import flag_suspects
from iness.text import (clean_text_series, compact_key, html_to_text, is_missing,
                        normalise_key)
from iness.pipeline.clean.web import website_columns
from iness.paths import PACKAGE_DATA

SURVEY_DIR = PACKAGE_DATA / "survey"
SEPARATOR = ";"
#: survey columns holding ';'-separated labels, and the facet each feeds
TAG_COLUMNS = {"areas": "area", "dsi_areas": "dsi_area", "tech_focus": "tech_focus",
               "tech_methods": "tech_method", "free_tags": "free_tag"}


def template_columns() -> pd.DataFrame:
    """The template's columns: name, required, kind, description, example."""
    return pd.read_csv(SURVEY_DIR / "template_columns.csv", dtype=str)


def organisation_id(name: str | None) -> str | None:
    """A stable id from an organisation's name: its compact key, or, for a name
    with no Latin letter or digit (Cyrillic, Japanese, Arabic), a hash of the
    name itself, so that two such names never share an id.

    >>> organisation_id("Open Food Facts")
    'org-openfoodfacts'
    >>> organisation_id("Мемориал") != organisation_id("Яблоко")
    True
    """
    if not name:
        return None
    key = compact_key(name)
    if key:
        return "org-" + key
    return "org-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]


def _alpha2_name(value):
    """A two-letter ISO code becomes its country name, so that one resolver serves both."""
    if isinstance(value, str) and re.fullmatch(r"\s*[A-Za-z]{2}\s*", value):
        from iness.pipeline.clean.places import country_name
        return country_name(value.strip().upper()) or value.strip().upper()
    return value


def _year_to_date(value):
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*", value):
        return f"{value.strip()}-01-01"
    return value


def waves_of(frame: pd.DataFrame, default_wave: int) -> pd.Series:
    """Each row's wave: its ``wave`` cell, else ``default_wave``."""
    return frame["wave"].map(lambda value: default_wave if is_missing(value) else int(value))


def projects(frame: pd.DataFrame, source: str, wave: pd.Series) -> pd.DataFrame:
    """One project record per row."""
    keys = key_columns(frame, source, "project", frame["platform_id"], wave,
                       frame["platform_name"])
    description = frame["description"].map(html_to_text)
    country = clean_text_series(frame["country"].map(_alpha2_name))
    return pd.concat([
        keys, description.rename("description"),
        project_type_columns(frame["project_type"]),
        website_columns(frame["website"]),
        place_columns(country, pd.Series(None, index=frame.index), frame["latitude"],
                      frame["longitude"]),
        date_columns(frame["start_date"].map(_year_to_date), "start_date"),
        flag_suspects(keys["project_name"], [frame["website"], frame["free_tags"]],
                      [description]),
    ], axis=1)


#: the template's columns naming organisations, and the role an organisation
#: named there has when its entry gives none
ORGANISATION_COLUMNS = {"organisation_name": None, "partner_organisations": "delivery-partner"}
_ROLE_IN_BRACKETS = re.compile(r"^(?P<name>.*\S)\s*[(\[](?P<role>[^()\[\]]+)[)\]]$")


@lru_cache(maxsize=1)
def role_words() -> dict[str, str]:
    """A role as researchers write it (lead, partner, funder...) -> its id in
    ``vocab/roles.csv``; the ids themselves and their labels are words too."""
    from iness.reference.vocabularies import role_table
    words = {normalise_key(row.role): row.role for row in role_table().itertuples()}
    words.update({normalise_key(row.label_en): row.role
                  for row in role_table().itertuples()})
    table = pd.read_csv(PACKAGE_DATA / "vocab" / "role_words.csv", dtype=str)
    words.update(zip(table["word"].map(normalise_key), table["role"]))
    return words


def organisation_entry(text: str, default_role: str | None) -> tuple[str, str | None]:
    """(name, role) of one organisation in a cell: a role in brackets at its end
    when it is a known role word, else the whole text is the name.

    >>> organisation_entry("Waag Society (lead)", None)
    ('Waag Society', 'delivery-lead')
    >>> organisation_entry("Fondazione (Milano)", "delivery-partner")
    ('Fondazione (Milano)', 'delivery-partner')
    """
    match = _ROLE_IN_BRACKETS.match(text.strip())
    role = match and role_words().get(normalise_key(match.group("role")))
    if role:
        return match.group("name").strip(), role
    return text.strip(), default_role


def organisation_entries(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per organisation named in a row (index: the row), with
    ``org_name``, ``org_id``, ``role`` and ``runs`` (named in
    ``organisation_name``: the organisation type and size cells describe it),
    in the order the cells name them; an organisation named twice in a row
    is kept once, with its first role."""
    parts = []
    for column, default_role in ORGANISATION_COLUMNS.items():
        cells = frame[column].map(lambda value: [] if is_missing(value) else [
            organisation_entry(atom, default_role)
            for atom in str(value).split(SEPARATOR) if atom.strip()]).explode().dropna()
        parts.append(pd.DataFrame({
            "org_name": [name for name, _ in cells], "role": [role for _, role in cells],
            "runs": column == "organisation_name"}, index=cells.index))
    entries = pd.concat(parts).sort_index(kind="stable")
    entries["org_name"] = clean_text_series(entries["org_name"])
    entries = entries[entries["org_name"].notna()]
    entries["org_id"] = entries["org_name"].map(organisation_id)
    entries = entries.set_index("org_id", append=True)
    entries = entries[~entries.index.duplicated()].reset_index("org_id")
    return entries.rename_axis(frame.index.name)


def organisations(frame: pd.DataFrame, source: str, wave: pd.Series,
                  places: pd.DataFrame) -> pd.DataFrame:
    """One organisation record per organisation and wave (the first row naming
    it), with that row's place (``places``: the project records); the type and
    size cells describe the organisations the row's ``organisation_name`` names."""
    entries = organisation_entries(frame)
    rows = frame.loc[entries.index]
    runs = entries["runs"].to_numpy()
    found = pd.concat([
        key_columns(rows, source, "organisation", entries["org_id"], wave[entries.index],
                    entries["org_name"]),
        org_type_columns(rows["organisation_type"].where(runs, "")),
        size_columns(rows["organisation_size"].where(runs, "")),
        places.loc[entries.index, ["country_code", "country_flag", "latitude", "longitude",
                                   "coord_flag", "nearest_country_code"]],
        flag_suspects(entries["org_name"]),
    ], axis=1)
    return found.drop_duplicates(subset=["wave", "org_id"])


def links(frame: pd.DataFrame, source: str, wave: pd.Series) -> pd.DataFrame:
    """Each row's project with each organisation it names, and its role."""
    entries = organisation_entries(frame)
    rows = frame.loc[entries.index]
    return pd.concat([source_columns(rows, source), pd.DataFrame({
        "project_id": rows["platform_id"].str.strip(), "org_id": entries["org_id"],
        "wave": wave[entries.index], "role": entries["role"]}, index=entries.index)], axis=1)


def extract_waves(frame: pd.DataFrame, source: str, default_wave: int
                  ) -> dict[int, dict[str, pd.DataFrame]]:
    """Record frames per wave of a checked template frame whose every template
    column is present (index: 1 = first row)."""
    wave = waves_of(frame, default_wave)
    project_records = projects(frame, source, wave)
    tags = tags_from_text(frame, TAG_COLUMNS, "project", project_records["project_id"],
                          source, SEPARATOR)
    records = {
        "organisations": organisations(frame, source, wave, project_records),
        "projects": project_records,
        "links": links(frame, source, wave),
        "tags": tags.assign(wave=wave.loc[tags["source_row"]].to_numpy()),
    }
    return {year: {name: table[table["wave"] == year] for name, table in records.items()}
            for year in sorted(wave.unique())}

"""Pieces every adapter builds its record frames with (see :mod:`iness.pipeline.clean.adapters`):
where a row comes from, its place, its project type, its tags from text cells."""
from __future__ import annotations

import pandas as pd

from iness.pipeline.clean.pipeline import ENTITY_KEYS
from iness.pipeline.clean.places import check_coordinates, resolve_countries
from iness.text import clean_text_series, map_distinct, split_multi


def source_columns(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """``source_file`` and ``source_row`` (the frame's index) of every row."""
    return pd.DataFrame({"source_file": name, "source_row": frame.index.to_numpy()},
                        index=frame.index)


def key_columns(raw: pd.DataFrame, source_file: str, entity: str, ids: pd.Series, wave,
                names: pd.Series) -> pd.DataFrame:
    """Where each record comes from and which it is: source_file, source_row,
    its id (trimmed), wave and name (spaces collapsed), in ``entity``'s columns."""
    id_column, name_column = ENTITY_KEYS[entity]
    return pd.concat([source_columns(raw, source_file), pd.DataFrame(
        {id_column: ids.str.strip(), "wave": wave, name_column: clean_text_series(names)},
        index=raw.index)], axis=1)


def place_columns(country: pd.Series, region: pd.Series, latitude: pd.Series,
                  longitude: pd.Series) -> pd.DataFrame:
    """Country code and checked coordinates, with their flags."""
    countries = resolve_countries(clean_text_series(country), clean_text_series(region))
    coordinates = check_coordinates(latitude, longitude, countries["country_code"])
    return pd.concat([countries, coordinates], axis=1)


def project_type_columns(raw: pd.Series) -> pd.DataFrame:
    """``project_type`` (the DSI4EU vocabulary's tag) and ``project_type_raw``."""
    from iness.pipeline.clean.vocab import match_tag
    type_raw = clean_text_series(raw)
    type_match = map_distinct(type_raw, lambda value: match_tag(value, "project_type").tag
                              if value else None)
    return pd.DataFrame({"project_type": type_match, "project_type_raw": type_raw},
                        index=raw.index)


def tags_from_text(frame: pd.DataFrame, columns: dict[str, str], entity: str,
                   ids: pd.Series, source_file: str, separator: str = ",") -> pd.DataFrame:
    """Long raw tags from multi-valued text cells (``columns``: cell column ->
    facet): entity, entity_id (``ids``, aligned with ``frame``), facet,
    raw_value, source_file, source_row."""
    parts = []
    for column, facet in columns.items():
        atoms = map_distinct(frame[column], lambda value: split_multi(value, separator)
                             ).explode().dropna()
        parts.append(pd.DataFrame({
            "entity": entity, "entity_id": ids.loc[atoms.index].to_numpy(),
            "facet": facet, "raw_value": atoms.to_numpy(), "source_file": source_file,
            "source_row": atoms.index.to_numpy()}))
    return pd.concat(parts, ignore_index=True)

"""Organisation type, size band and role vocabularies (package data)."""
from __future__ import annotations

import json
from functools import lru_cache

import pandas as pd

from iness.reference.vocabularies import org_type_table, size_band_table
from iness.text import frame_of_distinct, is_missing


def org_type_dtype() -> pd.CategoricalDtype:
    return pd.CategoricalDtype(org_type_table()["org_type"].tolist())


def size_band_dtype() -> pd.CategoricalDtype:
    return pd.CategoricalDtype(size_band_table()["size_band"].tolist(), ordered=True)


@lru_cache(maxsize=None)
def _org_type_lookup() -> dict[str, str]:
    table = org_type_table()
    lookup = {}
    for column in ("org_type", "raw_2017", "raw_2016"):
        lookup.update({str(raw).lower(): code for raw, code in zip(table[column],
                                                                    table["org_type"])})
    return lookup


@lru_cache(maxsize=4096)
def org_type_of(raw: str | None) -> str | None:
    """The org_type code of a 2016 slug or a 2017 label (``None`` if blank or unknown).

    >>> org_type_of("grass-roots-organization-or-community-network")
    'grassroots'
    >>> org_type_of('{"id":2,"name":"For-profit business"}')
    'business'
    """
    if is_missing(raw):
        return None
    text = str(raw).strip()
    if text.startswith("{"):
        text = (json.loads(text).get("name") or "").strip()
    return _org_type_lookup().get(text.lower())


def org_type_columns(values: pd.Series) -> pd.DataFrame:
    """org_type (categorical of the five types) and org_type_flag (ok, missing, unknown)."""
    return frame_of_distinct(values, _org_type_columns)


def _org_type_columns(values: pd.Series) -> pd.DataFrame:
    distinct = {value: org_type_of(value) for value in values.dropna().unique()}
    code = values.map(lambda value: distinct.get(value))
    blank = pd.Series([is_missing(value) or (org_type_of(value) is None
                                             and '"name":""' in str(value).replace(" ", ""))
                       for value in values], index=values.index, dtype=bool)
    flag = pd.Series("ok", index=values.index).mask(blank, "missing")
    flag = flag.mask(~blank & code.isna(), "unknown")
    return pd.DataFrame({"org_type": code.astype(org_type_dtype()), "org_type_flag": flag})


def size_columns(values: pd.Series) -> pd.DataFrame:
    """Ordered size band with its rank and lower/upper bounds (upper missing for 1000+)."""
    return frame_of_distinct(values, _size_columns)


def _size_columns(values: pd.Series) -> pd.DataFrame:
    table = size_band_table().set_index("raw")
    key = values.map(lambda value: None if is_missing(value) else str(value).strip().lower())
    band = key.map(table["size_band"])
    out = pd.DataFrame({"size_band": band.astype(size_band_dtype())}, index=values.index)
    by_band = size_band_table().set_index("size_band")
    out["size_rank"] = band.map(by_band["rank"]).astype("Int8")
    out["size_lower"] = band.map(by_band["lower"]).astype("Int32")
    out["size_upper"] = band.map(by_band["upper"]).astype("Int32")
    blank = key.isna()
    out["size_flag"] = pd.Series("ok", index=values.index).mask(blank, "missing").mask(
        ~blank & band.isna(), "unknown")
    return out

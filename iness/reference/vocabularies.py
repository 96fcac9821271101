"""The closed vocabularies of the organisation records: organisation types, size
bands and link roles (package data, ``iness/data/vocab/``)."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from iness.paths import PACKAGE_DATA


@lru_cache(maxsize=None)
def org_type_table() -> pd.DataFrame:
    return pd.read_csv(PACKAGE_DATA / "vocab" / "org_types.csv", dtype=str)


@lru_cache(maxsize=None)
def size_band_table() -> pd.DataFrame:
    return pd.read_csv(PACKAGE_DATA / "vocab" / "size_bands.csv",
                       dtype={"size_band": str, "raw": str, "rank": "int8",
                              "lower": "Int32", "upper": "Int32"})


@lru_cache(maxsize=None)
def role_table() -> pd.DataFrame:
    table = pd.read_csv(PACKAGE_DATA / "vocab" / "roles.csv", dtype=str)
    return table.assign(is_funder=table["is_funder"] == "True")

"""Overseas departments and regions drawn and counted as their country: La
Réunion, Guadeloupe, Martinique, Guyane and Mayotte are France (ISO 3166-1 gives
them codes of their own). Package data: ``iness/data/vocab/overseas_regions.csv``."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from iness.paths import PACKAGE_DATA

OVERSEAS = PACKAGE_DATA / "vocab" / "overseas_regions.csv"


@lru_cache(maxsize=1)
def overseas_regions() -> pd.DataFrame:
    """code, country (the alpha-2 code it belongs to), name_en, name_fr, source."""
    return pd.read_csv(OVERSEAS, dtype=str, keep_default_na=False).set_index("code")


def as_country(codes):
    """Country codes with each overseas department or region replaced by its
    country's; anything else (None included) as it is. A Series stays a Series.

    >>> as_country(["RE", "FR", "DE", None])
    ['FR', 'FR', 'DE', None]
    """
    mapping = overseas_regions()["country"].to_dict()
    if isinstance(codes, pd.Series):
        return codes.replace(mapping)
    return [mapping.get(code, code) for code in codes]

"""Small frame helpers shared by the package."""
from __future__ import annotations

import pandas as pd


def key_mask(frame: pd.DataFrame, keys: pd.DataFrame, on: list[str]) -> pd.Series:
    """True for the rows of ``frame`` whose ``on`` columns appear in ``keys``
    (whose columns are matched to ``on`` by position)."""
    right = keys.drop_duplicates().set_axis(on, axis=1).assign(_hit=True)
    marked = frame[on].merge(right.drop_duplicates(subset=on), how="left", on=on)
    return pd.Series(marked["_hit"].notna().to_numpy(), index=frame.index)


def semi_join(frame: pd.DataFrame, keys: pd.DataFrame, on: list[str]) -> pd.DataFrame:
    """Rows of ``frame`` whose keys are in ``keys``."""
    return frame[key_mask(frame, keys, on)]


def anti_join(frame: pd.DataFrame, keys: pd.DataFrame, on: list[str]) -> pd.DataFrame:
    """Rows of ``frame`` whose keys are not in ``keys``."""
    return frame[~key_mask(frame, keys, on)]

"""Helpers for the notebooks' narrative: sentences whose numbers come from code,
and tables shown the same way on every run."""
from __future__ import annotations

import pandas as pd

#: a fixed id for styled tables, so that their HTML is the same on every run
STYLER_UUID = "iness"


class Say:
    """A sentence (Markdown) built from computed values; shows as Markdown in
    JupyterLab and as the same text in plain-text outputs (which nbval compares)."""

    def __init__(self, text: str):
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def say(text: str) -> Say:
    return Say(text)


def pct(value: float, digits: int = 0) -> str:
    """A share as a percentage string: ``pct(0.4237) == '42%'``."""
    return f"{value * 100:.{digits}f}%"


def show_table(frame: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """A frame with floats rounded, ready to display."""
    return frame.round(digits)


def styled(frame: pd.DataFrame, percent: list[str] | None = None, caption: str | None = None):
    """A styled table (percent columns, caption) with a fixed HTML id."""
    styler = frame.style.set_uuid(STYLER_UUID)
    if percent:
        styler = styler.format({column: "{:.0%}" for column in percent})
    if caption:
        styler = styler.set_caption(caption)
    return styler.hide(axis="index") if frame.index.name is None and \
        isinstance(frame.index, pd.RangeIndex) else styler

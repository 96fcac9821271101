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


class StyledTable:
    """A styled table: styled HTML in JupyterLab and the report, the plain table
    as text (no memory address in the outputs nbval compares)."""

    def __init__(self, frame: pd.DataFrame, styler):
        self.frame = frame
        self.styler = styler

    def _repr_html_(self) -> str:
        return self.styler.to_html()

    def __repr__(self) -> str:
        return self.frame.to_string()


def styled(frame: pd.DataFrame, percent: list[str] | None = None,
           caption: str | None = None) -> StyledTable:
    """A styled table (percent columns, caption) with a fixed HTML id."""
    styler = frame.style.set_uuid(STYLER_UUID)
    if percent:
        styler = styler.format({column: "{:.0%}" for column in percent})
    if caption:
        styler = styler.set_caption(caption)
    if isinstance(frame.index, pd.RangeIndex) and frame.index.name is None:
        styler = styler.hide(axis="index")
    return StyledTable(frame, styler)

"""Helpers for the notebooks' narrative: sentences whose numbers come from code,
and tables shown the same way on every run."""
from __future__ import annotations

import itertools
import os
from pathlib import Path

import pandas as pd

from iness import i18n
from iness.i18n import num, pct  # noqa: F401  (the notebooks' number formats)
from iness.paths import TABLES_DIR_VARIABLE

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
    return Say(i18n.polish(text))


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


#: per folder of result tables (one notebook's, in one run), numbers its
#: unnamed tables in the order shown; a kernel that runs a notebook again for
#: another edition starts again at 1 in that edition's folder
_TABLE_NUMBERS: dict[str, itertools.count] = {}


def styled(frame: pd.DataFrame, percent: list[str] | None = None,
           caption: str | None = None, name: str | None = None) -> StyledTable:
    """A styled table (percent columns, caption) with a fixed HTML id, its
    headers in the language set (:func:`iness.i18n.column`). When the report
    runs the notebook, it is also written for papers as ``name.csv`` and
    ``name.tex`` (LaTeX, booktabs rules); ``name`` defaults to ``table_NN``."""
    years = [i18n.column(column) for column in frame.columns if is_year(frame[column])]
    frame, percent = translated_headers(frame, percent)
    styler = frame.style.set_uuid(STYLER_UUID)
    # the language's decimal mark and grouping, three decimals, a dash for a
    # missing value (never 0, never "nan")
    numbers = [column for column in frame.columns if column not in years]
    styler = styler.format(decimal=i18n.decimal_mark(), thousands=i18n.group_mark(),
                           precision=3, na_rep=MISSING_CELL, subset=numbers)
    if percent:
        styler = styler.format(_percent_cell, subset=percent)
    if caption:
        styler = styler.set_caption(caption)
    if isinstance(frame.index, pd.RangeIndex) and frame.index.name is None:
        styler = styler.hide(axis="index")
    folder = os.environ.get(TABLES_DIR_VARIABLE)
    number = next(_TABLE_NUMBERS.setdefault(folder or "", itertools.count(1)))
    if folder:
        export_table(frame, Path(folder), name or f"table_{number:02d}", percent, caption)
    return StyledTable(frame, styler)


def is_year(column: pd.Series) -> bool:
    """A column of years (a wave), written without a thousands mark: 2016, not 2 016."""
    return (pd.api.types.is_integer_dtype(column) and len(column) > 0
            and column.between(1000, 2999).all()
            and str(column.name).split("_")[0] in ("wave", "year"))


#: how a table shows a missing value
MISSING_CELL = "–"


def _percent_cell(value) -> str:
    return pct(value) if pd.notna(value) else MISSING_CELL


def translated_headers(frame: pd.DataFrame, percent: list[str] | None = None
                       ) -> tuple[pd.DataFrame, list[str] | None]:
    """The frame with its column and index names in the language set, and the
    percent columns renamed alike."""
    names = {column: i18n.column(column) for column in frame.columns}
    out = frame.rename(columns=names).rename_axis(
        [i18n.column(name) for name in frame.index.names])
    return out, [names.get(column, column) for column in percent] if percent else percent


def export_table(frame: pd.DataFrame, folder: Path, name: str,
                 percent: list[str] | None = None, caption: str | None = None) -> list[Path]:
    """Write a result table as CSV (values as computed) and LaTeX (as shown,
    percentages formatted, booktabs rules, special characters escaped)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.csv", folder / f"{name}.tex"]
    keep_index = not (isinstance(frame.index, pd.RangeIndex) and frame.index.name is None)
    frame.to_csv(paths[0], index=keep_index, lineterminator="\n")
    shown = frame.copy()
    for column in percent or []:
        shown[column] = [_percent_cell(value) if pd.notna(value) else "" for value in shown[column]]
    styler = shown.style.format(escape="latex", na_rep="", precision=3).format_index(
        escape="latex", axis=1)
    if not keep_index:
        styler = styler.hide(axis="index")
    if caption:
        styler = styler.set_caption(caption)
    paths[1].write_text(styler.to_latex(hrules=True) + "\n", encoding="utf-8")
    return paths

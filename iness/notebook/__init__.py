"""Helpers for the notebooks' narrative: sentences whose numbers come from code,
and tables shown the same way on every run."""
from __future__ import annotations

import itertools
import os
import re
from pathlib import Path

import pandas as pd

from iness import i18n
from iness.i18n import num, pct  # noqa: F401  (the notebooks' number formats)
from iness.outputs import neutralise_formulas
from iness.paths import TABLES_DIR_VARIABLE

#: a fixed id for styled tables, so that their HTML is the same on every run
STYLER_UUID = "iness"


class Say:
    """A sentence (Markdown) built from computed values; shows as Markdown in
    JupyterLab and as the same text in plain-text outputs (which nbval compares)."""

    def __init__(self, text: str):
        self.text = text

    def _repr_markdown_(self) -> str:
        return markdown_safe(self.text)

    def __repr__(self) -> str:
        return self.text


#: the start of raw HTML in Markdown (a tag, a comment, a declaration), but not
#: an autolink such as <https://example.org>
_RAW_HTML = re.compile(r"<(?=[A-Za-z/!?])(?![A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>)")


def markdown_safe(text: str) -> str:
    """Markdown in which text from data cannot open raw HTML (a tag's ``<`` is
    written ``&lt;``) nor embed an image (``![``); autolinks and comparisons
    (``n < 30``) are kept.

    >>> markdown_safe("<img src=x onerror=alert(1)> n < 30 <https://digitalsocial.eu> ![x](y)")
    '&lt;img src=x onerror=alert(1)> n < 30 <https://digitalsocial.eu> !\\\\[x](y)'
    """
    return _RAW_HTML.sub("&lt;", text).replace("![", "!\\[")


#: where HTML would open a tag, a comment or a declaration: '<' before a
#: letter, '/', '!' or '?' (anywhere else a browser reads '<' as text)
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")


def html_text(value):
    """A table cell or label as HTML text: every '<' that would open markup is
    written ``&lt;`` (``p < 0.05`` stays as it is); other values as they are.

    >>> html_text('<img src=x onerror="alert(1)"> p < 0.05')
    '&lt;img src=x onerror="alert(1)"> p < 0.05'
    """
    return _TAG_OPEN.sub("&lt;", value) if isinstance(value, str) else value


def html_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` for HTML display: its text cells, index and column
    labels escaped (:func:`html_text`)."""
    text = [column for column in frame.columns
            if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column])]
    out = frame.copy()
    for column in text:
        out[column] = out[column].map(html_text)
    if any(isinstance(label, str) for label in out.index.to_flat_index()):
        out = out.rename(index=html_text)
    return out.rename(columns=html_text)


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
    years = [html_text(i18n.column(column)) for column in frame.columns
             if is_year(frame[column])]
    frame, percent = translated_headers(frame, percent)
    # text from data is escaped by construction: the styler shows an escaped copy
    shown = html_safe(frame)
    shown_percent = [html_text(column) for column in percent or []]
    styler = shown.style.set_uuid(STYLER_UUID)
    # the language's decimal mark and grouping, three decimals, a dash for a
    # missing value (never 0, never "nan")
    numbers = [column for column in shown.columns if column not in years]
    styler = styler.format(decimal=i18n.decimal_mark(), thousands=i18n.group_mark(),
                           precision=3, na_rep=MISSING_CELL, subset=numbers)
    if shown_percent:
        styler = styler.format(_percent_cell, subset=shown_percent)
    if caption:
        styler = styler.set_caption(html_text(caption))
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
    neutralise_formulas(frame).to_csv(paths[0], index=keep_index, lineterminator="\n")
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

"""Dates with their precision; the 1970-01-01 placeholder is missing."""
from __future__ import annotations

import re

import pandas as pd

from iness.text import is_missing, map_distinct

EPOCH_PLACEHOLDER = "1970-01-01"
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(value: str | None, *, day_always_first: bool = False
               ) -> tuple[pd.Timestamp | None, str]:
    """(date, precision) of a date cell. Precision is day, month (M/D/YYYY whose
    day is a filler 1), year (ISO dates on 1 January: year-only input padded,
    a guess recorded in the precision), missing, placeholder or unparsed.

    >>> parse_date("12/1/2015", day_always_first=True)
    (Timestamp('2015-12-01 00:00:00'), 'month')
    >>> parse_date("1970-01-01")
    (None, 'placeholder')
    >>> parse_date("2014-01-01")
    (Timestamp('2014-01-01 00:00:00'), 'year')
    """
    if is_missing(value):
        return None, "missing"
    text = str(value).strip()
    if text.startswith(EPOCH_PLACEHOLDER):
        return None, "placeholder"
    iso = _ISO.match(text)
    us = _US.match(text)
    try:
        if iso:
            year, month, day = map(int, iso.groups())
            precision = "year" if (month, day) == (1, 1) else "day"
            return pd.Timestamp(year=year, month=month, day=day), precision
        if us:
            month, day, year = map(int, us.groups())
            precision = "month" if day_always_first and day == 1 else "day"
            return pd.Timestamp(year=year, month=month, day=day), precision
    except ValueError:
        pass
    return None, "unparsed"


def date_columns(values: pd.Series, prefix: str, *, day_always_first: bool = False
                 ) -> pd.DataFrame:
    pairs = map_distinct(values, lambda value: parse_date(
        value, day_always_first=day_always_first)).tolist()
    return pd.DataFrame({
        prefix: pd.to_datetime(pd.Series([pair[0] for pair in pairs], index=values.index,
                                          dtype=object)),
        f"{prefix}_precision": [pair[1] for pair in pairs]}, index=values.index)


#: start dates a survey may give (a year outside is a typo, such as 0000 or 9999)
SURVEY_YEARS = (1800, 2100)
_SURVEY_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})-(\d{1,2}))?")


def survey_date(value: str) -> tuple[str | None, str | None]:
    """(YYYY or YYYY-MM-DD, None) for a date cell of a researcher's survey, or
    (None, what is wrong): impossible days and months, years outside
    :data:`SURVEY_YEARS`, and day/month orders that cannot be told apart.

    >>> [survey_date(v) for v in ("2010", "2020-2-3")]
    [('2010', None), ('2020-02-03', None)]
    >>> survey_date("2020-02-31")[1]
    'is not a date (day is out of range for month); expected YYYY-MM-DD or YYYY'
    """
    text = str(value).strip()
    match = _SURVEY_DATE.fullmatch(text)
    if not match:
        hint = (" (day/month or month/day? write the date as YYYY-MM-DD)"
                if _US.match(text) or re.fullmatch(r"\d{1,2}[./]\d{1,2}[./]\d{4}", text) else "")
        return None, f"expected YYYY-MM-DD or YYYY{hint}"
    year = int(match.group(1))
    if not SURVEY_YEARS[0] <= year <= SURVEY_YEARS[1]:
        return None, (f"has the year {match.group(1)}; expected a year between "
                      f"{SURVEY_YEARS[0]} and {SURVEY_YEARS[1]}")
    if match.group(2) is None:
        return match.group(1), None
    try:
        day = pd.Timestamp(year=year, month=int(match.group(2)), day=int(match.group(3)))
    except ValueError as error:
        return None, f"is not a date ({error}); expected YYYY-MM-DD or YYYY"
    return day.strftime("%Y-%m-%d"), None

"""pandera schemas of the processed tables, validated lazily (every failure at once)."""
from __future__ import annotations

import pandera.pandas as pa

from iness.reference.dictionary import (DICTIONARY, WAVE_RANGE, dictionary,
                                        table_descriptions, vocabulary)
from iness.errors import ValidationError

PRECISIONS = ["day", "month", "year", "missing", "placeholder", "unparsed"]


def _is_text(series) -> bool:
    return series.dropna().map(lambda value: isinstance(value, str)).all()


TEXT = pa.Check(_is_text, element_wise=False, error="values must be strings")
NON_EMPTY = pa.Check(lambda s: s.dropna().str.len() > 0, error="empty string")


def _text(nullable=True, checks=None, unique=False):
    return pa.Column(None, checks=[TEXT, *(checks or [])], nullable=nullable, unique=unique)


def _column(kind: str, nullable: bool, allowed: str) -> pa.Column:
    """A pandera column from its kind in the dictionary."""
    if kind in ("text", "id", "text_nonempty", "country_code", "domain"):
        extra = {"id": [NON_EMPTY], "text_nonempty": [NON_EMPTY],
                 "country_code": [pa.Check.str_matches(r"^[A-Z]{2}$")],
                 "domain": [pa.Check.str_matches(r"^[a-z0-9.-]+\.[a-z]{2,}$")]}.get(kind, [])
        return _text(nullable=nullable, checks=extra)
    if kind == "choice":
        return pa.Column(None, pa.Check.isin(vocabulary(allowed)), nullable=nullable)
    numbers = {"wave": ("int16", pa.Check.in_range(*WAVE_RANGE)),
               "latitude": (float, pa.Check.in_range(-90, 90)),
               "longitude": (float, pa.Check.in_range(-180, 180)),
               "small_int": ("Int8", pa.Check.ge(0)), "int": ("Int32", None),
               "row_number": ("int64", pa.Check.ge(1)),
               "score_1": (float, pa.Check.in_range(0, 1)),
               "score_signed": (float, pa.Check.in_range(-1, 1)),
               "score_100": (float, pa.Check.in_range(0, 100)),
               "date": ("datetime64[ns]", None), "boolean": (bool, None),
               "nullable_boolean": ("boolean", None),
               "precision": (None, pa.Check.isin(PRECISIONS))}
    if kind not in numbers:
        raise ValueError(f"{DICTIONARY.name}: unknown column kind {kind!r}")
    dtype, check = numbers[kind]
    return pa.Column(dtype, check, nullable=nullable)


suspect_has_reason = pa.Check(
    lambda df: df["is_suspect"] == df["suspect_reason"].notna(),
    error="is_suspect must be True exactly when suspect_reason is given")
merged_names_target = pa.Check(
    lambda df: (df["outcome"] == "merged") == df["merged_into"].notna(),
    error="merged rows, and only they, name what they merged into")
#: checks across columns, which a column dictionary cannot say
FRAME_CHECKS = {"organisations": [suspect_has_reason], "projects": [suspect_has_reason],
                "ledger": [merged_names_target]}


def schema(table: str) -> pa.DataFrameSchema:
    """The pandera schema of one processed table, from the dictionary."""
    columns = dictionary().query("table == @table")
    key = table_descriptions().loc[table, "key"]
    return pa.DataFrameSchema(
        {row.column: _column(row.kind, row.nullable == "yes", row.allowed)
         for row in columns.itertuples()},
        checks=FRAME_CHECKS.get(table, []), unique=key.split("|") if key else None,
        strict=True, ordered=False, name=table)


SCHEMAS = {table: schema(table) for table in table_descriptions().index}


def validate_tables(tables: dict) -> dict:
    """Validate every table lazily; raise one ValidationError listing all failures."""
    problems = []
    for name, frame in tables.items():
        try:
            SCHEMAS[name].validate(frame, lazy=True)
        except pa.errors.SchemaErrors as errors:
            # a frame-wide check reports each column of a failing row: keep one
            cases = errors.failure_cases.drop_duplicates(subset=["check", "index"])
            for row in cases.head(20).itertuples():
                problems.append(f"{name}: column {row.column!r}, check {row.check!r}, "
                                f"row {row.index}, value {row.failure_case!r}")
            if len(cases) > 20:
                problems.append(f"{name}: ... and {len(cases) - 20} more failures")
    if problems:
        raise ValidationError("processed tables break their schema:\n  "
                              + "\n  ".join(problems))
    return tables

"""pandera schemas of the processed tables, validated lazily (every failure at once)."""
from __future__ import annotations

import pandera.pandas as pa

from . import codebook
from .clean.fields import org_type_table, role_table, size_band_table
from .codes import CONFIDENCE, METHODS
from .errors import ValidationError

#: survey years: DSI4EU is 2016 and 2017; a researcher's own survey may use any year
WAVE_RANGE = (1990, 2100)
OUTCOMES = ["kept", "merged", "set_aside"]
COORD_FLAGS = ["ok", "missing", "not_numeric", "out_of_range", "zero", "outside_country"]
COUNTRY_FLAGS = ["ok", "missing", "from_region", "region_disagrees", "unknown_name"]
PRECISIONS = ["day", "month", "year", "missing", "placeholder", "unparsed"]
CODING_STATUSES = ["coded", "unusable_text", "no_description", "suspect", "not_coded"]
FACETS = ["area", "dsi_area", "tech_focus", "tech_method", "free_tag", "network"]


def _is_text(series) -> bool:
    return series.dropna().map(lambda value: isinstance(value, str)).all()


TEXT = pa.Check(_is_text, element_wise=False, error="values must be strings")
NON_EMPTY = pa.Check(lambda s: s.dropna().str.len() > 0, error="empty string")


def _text(nullable=True, checks=None, unique=False):
    return pa.Column(None, checks=[TEXT, *(checks or [])], nullable=nullable, unique=unique)


def _flag(values):
    return pa.Column(None, pa.Check.isin(values), nullable=False)


def _latitude():
    return pa.Column(float, pa.Check.in_range(-90, 90), nullable=True)


def _longitude():
    return pa.Column(float, pa.Check.in_range(-180, 180), nullable=True)


def _precision():
    return pa.Column(None, pa.Check.isin(PRECISIONS))


def _date():
    return pa.Column("datetime64[ns]", nullable=True)


COMMON = {
    "wave": pa.Column("int16", pa.Check.in_range(*WAVE_RANGE)),
    "country_code": _text(checks=[pa.Check.str_matches(r"^[A-Z]{2}$")]),
    "country_flag": _flag(COUNTRY_FLAGS),
    "latitude": _latitude(), "longitude": _longitude(), "coord_flag": _flag(COORD_FLAGS),
    "nearest_country_code": _text(),
    "website_domain": _text(checks=[pa.Check.str_matches(r"^[a-z0-9.-]+\.[a-z]{2,}$")]),
    "website_flag": _flag(["ok", "missing", "fragment"]),
    "description": _text(), "start_date": _date(), "start_date_precision": _precision(),
    "created_date": _date(),
    "is_suspect": pa.Column(bool),
    "suspect_reason": _text(),
    "source_file": _text(nullable=False),
    "source_row": pa.Column("int64", pa.Check.ge(1)),
}

suspect_has_reason = pa.Check(
    lambda df: df["is_suspect"] == df["suspect_reason"].notna(),
    error="is_suspect must be True exactly when suspect_reason is given")

ORGANISATIONS = pa.DataFrameSchema({
    "org_id": _text(nullable=False, checks=[NON_EMPTY]),
    "org_name": _text(),
    "org_type": pa.Column(None, pa.Check.isin(org_type_table()["org_type"].tolist()),
                          nullable=True),
    "org_type_flag": _flag(["ok", "missing", "unknown"]),
    "size_band": pa.Column(None, pa.Check.isin(size_band_table()["size_band"].tolist()),
                           nullable=True),
    "size_rank": pa.Column("Int8", pa.Check.in_range(0, 7), nullable=True),
    "size_lower": pa.Column("Int32", nullable=True),
    "size_upper": pa.Column("Int32", nullable=True),
    "size_flag": _flag(["ok", "missing", "unknown"]),
    "region": _text(), "city": _text(),
    **COMMON,
}, checks=[suspect_has_reason], unique=["wave", "org_id"], strict=True, ordered=False,
    name="organisations")

PROJECTS = pa.DataFrameSchema({
    "project_id": _text(nullable=False, checks=[NON_EMPTY]),
    "project_name": _text(),
    "project_type": _text(), "project_type_raw": _text(),
    "listed_date": _date(), "listed_date_precision": _precision(),
    "end_date": _date(), "end_date_precision": _precision(),
    "is_platform": pa.Column("boolean", nullable=True),
    "primary_category": pa.Column(None, pa.Check.isin(codebook.allowed("primary_category")),
                                  nullable=True),
    "coding_status": _flag(CODING_STATUSES),
    **COMMON,
}, checks=[suspect_has_reason], unique=["wave", "project_id"], strict=True, ordered=False,
    name="projects")

LINKS = pa.DataFrameSchema({
    "project_id": _text(nullable=False), "org_id": _text(nullable=False),
    "wave": pa.Column("int16", pa.Check.in_range(*WAVE_RANGE)),
    "role": pa.Column(None, pa.Check.isin(role_table()["role"].tolist()), nullable=True),
}, unique=["wave", "project_id", "org_id", "role"], strict=True, name="links")

TAGS = pa.DataFrameSchema({
    "entity": _flag(["organisation", "project"]),
    "entity_id": _text(nullable=False), "wave": pa.Column("int16", pa.Check.in_range(*WAVE_RANGE)),
    "facet": _flag(FACETS), "tag": _text(nullable=False, checks=[NON_EMPTY]),
    "raw_value": _text(nullable=False), "match_rule": _text(nullable=False),
}, strict=True, name="tags")

LEDGER = pa.DataFrameSchema({
    "source_file": _text(nullable=False), "source_row": pa.Column("int64", pa.Check.ge(1)),
    "outcome": _flag(OUTCOMES), "reason": _text(),
    "entity": _flag(["organisation", "project", "link"]),
    "entity_id": _text(nullable=False), "merged_into": _text(),
}, checks=[pa.Check(lambda df: (df["outcome"] == "merged") == df["merged_into"].notna(),
                    error="merged rows, and only they, name what they merged into")],
    strict=True, name="ledger")

WAVE_MATCHES = pa.DataFrameSchema({
    "id_2016": _text(nullable=False), "id_2017": _text(nullable=False),
    "entity": _flag(["organisation", "project"]),
    "rule": _flag(["name", "website", "fuzzy_name"]),
    "score": pa.Column(float, pa.Check.in_range(0, 100)),
}, unique=["entity", "id_2016"], strict=True, name="wave_matches")

CODES = pa.DataFrameSchema({
    "entity_id": _text(nullable=False), "wave": pa.Column("int16", pa.Check.in_range(*WAVE_RANGE)),
    "framework": _text(nullable=False), "target_id": _text(nullable=False, checks=[NON_EMPTY]),
    "subcategory_id": _text(), "method": _flag(list(METHODS)),
    "confidence": _flag(list(CONFIDENCE)),
    "score": pa.Column(float, pa.Check.in_range(0, 1), nullable=True),
    "evidence": _text(nullable=False),
}, unique=["wave", "entity_id", "framework", "target_id", "subcategory_id", "method"],
    strict=True, name="codes")

SCHEMAS = {"organisations": ORGANISATIONS, "projects": PROJECTS, "links": LINKS,
           "tags": TAGS, "ledger": LEDGER, "wave_matches": WAVE_MATCHES, "codes": CODES}


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

"""A researcher's own platform survey, in the project's template, turned into
the same clean tables as DSI4EU so that every notebook runs on it.

The template (``iness/data/survey/template_columns.csv``, and the blank
``template.csv`` / ``template.xlsx`` written by :func:`write_template`) has one
row per platform. :func:`read_survey` checks every cell, reports every bad row
and column at once in one :class:`iness.SurveyError`, and returns the tables;
:func:`build_survey` also writes them to a folder that ``iness.survey(folder)``
and the notebooks' ``DATA`` parameter read.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

import pandas as pd

from .clean.assemble import ORGANISATION_COLUMNS, PROJECT_COLUMNS, tidy
from .clean.dates import date_columns
from .clean.fields import org_type_columns, org_type_of, size_band_table, size_columns
from .clean.places import check_coordinates, country_code, resolve_countries
from .clean.suspect import flag_suspects
from .clean.text import clean_text_series, compact_key, html_to_text, is_missing
from .clean.pipeline import clean_tags
from .clean.web import website_columns
from .errors import SurveyError
from .measure import add_codes
from .paths import PACKAGE_DATA
from .raw import decode_utf8
from .schemas import validate_tables

SURVEY_DIR = PACKAGE_DATA / "survey"
EXAMPLE_SURVEY = SURVEY_DIR / "example_survey.csv"
DEFAULT_WAVE = 2024
SEPARATOR = ";"
#: survey columns holding ';'-separated labels, and the facet each feeds
TAG_COLUMNS = {"areas": "area", "dsi_areas": "dsi_area", "tech_focus": "tech_focus",
               "tech_methods": "tech_method", "free_tags": "free_tag"}
_FORMULA = re.compile(r"^\s*(=|\+|@|-(?![\d.]))")


def template_columns() -> pd.DataFrame:
    """The template's columns: name, required, kind, description, example."""
    return pd.read_csv(SURVEY_DIR / "template_columns.csv", dtype=str)


def write_template(folder: Path | str) -> list[Path]:
    """Write a blank template (CSV and Excel, with a sheet describing each column)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    columns = template_columns()
    blank = pd.DataFrame([columns["example"].tolist()], columns=columns["column"].tolist())
    csv_path, excel_path = folder / "template.csv", folder / "template.xlsx"
    blank.to_csv(csv_path, index=False, lineterminator="\n")
    with pd.ExcelWriter(excel_path, engine="openpyxl") as writer:
        blank.to_excel(writer, sheet_name="platforms", index=False)
        columns.to_excel(writer, sheet_name="columns", index=False)
    return [csv_path, excel_path]


def _read_table(path: Path) -> pd.DataFrame:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            frame = pd.read_excel(path, sheet_name=0, dtype=str, keep_default_na=False)
        except (ValueError, OSError, KeyError) as error:
            raise SurveyError(f"{path}: not a readable Excel file ({error})") from error
        return frame.astype(object).map(lambda value: "" if value is None else str(value))
    text = decode_utf8(path, path.read_bytes())
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if len(rows) < 2:
        raise SurveyError(f"{path}: no platform rows after the header")
    header, width = rows[0], len(rows[0])
    bad = [number for number, row in enumerate(rows[1:], start=2) if len(row) != width]
    if bad:
        raise SurveyError(f"{path}: rows {bad[:10]} do not have the header's {width} fields "
                          "(an unbalanced quote or a missing separator?)")
    return pd.DataFrame(rows[1:], columns=header, dtype=object)


def _problems(frame: pd.DataFrame) -> list[str]:
    """Every bad cell, as 'row N, column C: ...' (row 1 is the header)."""
    spec = template_columns()
    problems = []
    missing = [c for c in spec.loc[spec["required"] == "yes", "column"] if c not in frame]
    unknown = [c for c in frame.columns if c not in set(spec["column"])]
    if missing or unknown:
        return [f"columns: missing {missing}, unknown {unknown}; expected the template's "
                f"columns {spec['column'].tolist()}"]
    sizes = {value.lower() for value in size_band_table()["raw"]}

    def bad(row, column, value, expected):
        problems.append(f"row {row}, column {column!r}: {value!r} {expected}")

    for position, record in enumerate(frame.to_dict("records"), start=2):
        for column, value in record.items():
            if isinstance(value, str) and _FORMULA.match(value):
                bad(position, column, value, "looks like a spreadsheet formula; "
                    "expected plain text (remove the leading =, +, - or @)")
        for column in ("platform_id", "platform_name"):
            if is_missing(record.get(column)):
                bad(position, column, "", "is empty; expected a value (required)")
        wave = record.get("wave")
        if not is_missing(wave) and not re.fullmatch(r"(19|20)\d\d", str(wave).strip()):
            bad(position, "wave", wave, "expected a year such as 2024")
        for column, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
            value = record.get(column)
            if is_missing(value):
                continue
            try:
                number = float(str(value).strip())
            except ValueError:
                bad(position, column, value, "expected a number in decimal degrees")
                continue
            if not low <= number <= high:
                bad(position, column, value, f"expected a number between {low} and {high}")
        start = record.get("start_date")
        if not is_missing(start) and not re.fullmatch(r"\d{4}(-\d{2}-\d{2})?",
                                                      str(start).strip()):
            bad(position, "start_date", start, "expected YYYY or YYYY-MM-DD")
        org_type = record.get("organisation_type")
        if not is_missing(org_type) and org_type_of(org_type) is None:
            bad(position, "organisation_type", org_type, "expected academia, business, "
                "government, grassroots or social_enterprise")
        size = record.get("organisation_size")
        if not is_missing(size) and str(size).strip().lower() not in sizes:
            bad(position, "organisation_size", size, f"expected one of {sorted(sizes)}")
        country = record.get("country")
        if not is_missing(country) and country_code(country) is None and not re.fullmatch(
                r"[A-Za-z]{2}", str(country).strip()):
            bad(position, "country", country, "expected a country name or ISO code")
    ids = frame["platform_id"].map(lambda value: str(value).strip())
    for value in sorted(ids[ids.duplicated() & (ids != "")].unique()):
        rows = (ids.index[ids == value] + 2).tolist()
        problems.append(f"rows {rows}, column 'platform_id': {value!r} appears "
                        f"{len(rows)} times; expected each id once")
    return problems


def _tables(frame: pd.DataFrame, path: Path, default_wave: int) -> dict[str, pd.DataFrame]:
    frame = frame.copy()
    for column in template_columns()["column"]:
        if column not in frame:
            frame[column] = ""
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="source_row")
    source = str(path.name)
    wave = frame["wave"].map(lambda value: default_wave if is_missing(value) else int(value))
    country = frame["country"].map(lambda v: v.strip().upper() if isinstance(v, str)
                                   and re.fullmatch(r"\s*[A-Za-z]{2}\s*", v) else v)
    places = resolve_countries(clean_text_series(country.map(
        lambda v: _alpha2_name(v))), pd.Series(None, index=frame.index))
    coordinates = check_coordinates(frame["latitude"], frame["longitude"],
                                    places["country_code"])
    names = clean_text_series(frame["platform_name"])
    description = frame["description"].map(html_to_text)
    projects = pd.concat([
        pd.DataFrame({"project_id": frame["platform_id"].str.strip(), "wave": wave,
                      "project_name": names, "source_file": source,
                      "source_row": frame.index.to_numpy(),
                      "project_type_raw": clean_text_series(frame["project_type"]),
                      "description": description}, index=frame.index),
        website_columns(frame["website"]), places, coordinates,
        date_columns(frame["start_date"].map(_year_to_date), "start_date"),
        flag_suspects(names, [frame["website"], frame["free_tags"]], [description]),
    ], axis=1)
    from .clean.vocab import match_tag
    projects["project_type"] = projects["project_type_raw"].map(
        lambda value: match_tag(value, "project_type").tag if value else None)
    for column, value in (("listed_date", pd.NaT), ("listed_date_precision", "missing"),
                          ("end_date", pd.NaT), ("end_date_precision", "missing"),
                          ("created_date", pd.NaT)):
        projects[column] = value
    org_names = clean_text_series(frame["organisation_name"])
    has_org = org_names.notna()
    org_ids = org_names.map(organisation_id)
    org_rows = frame[has_org]
    organisations = pd.concat([
        pd.DataFrame({"org_id": org_ids[has_org], "wave": wave[has_org],
                      "org_name": org_names[has_org], "source_file": source,
                      "source_row": org_rows.index.to_numpy(), "region": None,
                      "city": None, "description": None, "start_date": pd.NaT,
                      "start_date_precision": "missing", "created_date": pd.NaT,
                      "website_domain": None, "website_flag": "missing"}, index=org_rows.index),
        org_type_columns(org_rows["organisation_type"]),
        size_columns(org_rows["organisation_size"]),
        places[has_org], coordinates[has_org],
        flag_suspects(org_names[has_org]),
    ], axis=1).drop_duplicates(subset=["wave", "org_id"])
    links = pd.DataFrame({"project_id": projects.loc[has_org, "project_id"],
                          "org_id": org_ids[has_org], "wave": wave[has_org], "role": None})
    raw_tags = []
    for column, facet in TAG_COLUMNS.items():
        atoms = frame[column].map(lambda value: [] if is_missing(value) else [
            part.strip() for part in str(value).split(SEPARATOR) if part.strip()]).explode()
        atoms = atoms.dropna()
        raw_tags.append(pd.DataFrame({
            "entity": "project", "entity_id": projects.loc[atoms.index, "project_id"].to_numpy(),
            "wave": wave[atoms.index].to_numpy(), "facet": facet,
            "raw_value": atoms.to_numpy()}))
    no_merges = pd.DataFrame(columns=["id", "canonical_id", "merge_rule"])
    tags = clean_tags(pd.concat(raw_tags, ignore_index=True), no_merges, no_merges)
    ledger = pd.DataFrame({
        "source_file": source, "source_row": frame.index.to_numpy(), "outcome": "kept",
        "reason": projects["suspect_reason"].map(
            lambda reason: f"suspect: {reason}" if isinstance(reason, str) else None),
        "entity": "project", "entity_id": projects["project_id"], "merged_into": None})
    wave_matches = pd.DataFrame({"id_2016": pd.Series(dtype=object),
                                 "id_2017": pd.Series(dtype=object),
                                 "entity": pd.Series(dtype=object),
                                 "rule": pd.Series(dtype=object),
                                 "score": pd.Series(dtype=float)})
    return tidy({"organisations": organisations[ORGANISATION_COLUMNS].reset_index(drop=True),
                 "projects": projects[PROJECT_COLUMNS].reset_index(drop=True),
                 "links": links.reset_index(drop=True), "tags": tags.reset_index(drop=True),
                 "ledger": ledger.reset_index(drop=True), "wave_matches": wave_matches})


def organisation_id(name: str | None) -> str | None:
    """A stable id from an organisation's name: its compact key, or, for a name
    with no Latin letter or digit (Cyrillic, Japanese, Arabic), a hash of the
    name itself, so that two such names never share an id.

    >>> organisation_id("Open Food Facts")
    'org-openfoodfacts'
    >>> organisation_id("Мемориал") != organisation_id("Яблоко")
    True
    """
    if not name:
        return None
    key = compact_key(name)
    if key:
        return "org-" + key
    return "org-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]


def _alpha2_name(value):
    """A two-letter ISO code becomes its country name, so that one resolver serves both."""
    if isinstance(value, str) and re.fullmatch(r"[A-Z]{2}", value.strip()):
        from .clean.places import country_name
        return country_name(value.strip()) or value
    return value


def _year_to_date(value):
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*", value):
        return f"{value.strip()}-01-01"
    return value


def read_survey(path: Path | str, wave: int | None = None) -> dict[str, pd.DataFrame]:
    """Validate a survey file in the template (CSV, UTF-8, or Excel) and return
    the clean tables. Every bad row and column is reported at once."""
    path = Path(path)
    if not path.is_file():
        raise SurveyError(f"{path}: no such file")
    frame = _read_table(path)
    problems = _problems(frame)
    if problems:
        listed = "\n  ".join(problems)
        raise SurveyError(f"{path}: {len(problems)} problem(s); nothing was written:\n"
                          f"  {listed}")
    tables, _ = add_codes(_tables(frame, path, wave or DEFAULT_WAVE),
                          training=dsi4eu_projects())
    return validate_tables(tables)


def dsi4eu_projects() -> pd.DataFrame | None:
    """DSI4EU's projects, on which the coding was made and the classifier is
    trained; None (no classifier rows) when DSI4EU has not been built."""
    from .paths import processed_dir
    if not (processed_dir() / "projects.parquet").is_file():
        return None
    return pd.read_parquet(processed_dir() / "projects.parquet")


def build_survey(path: Path | str, target: Path | str, wave: int | None = None) -> Path:
    """Read a survey and write its tables (Parquet and CSV) into ``target``."""
    from .build import write_tables
    return write_tables(read_survey(path, wave), Path(target))

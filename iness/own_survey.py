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

import hashlib
import re
from pathlib import Path

import pandas as pd

from .clean.assemble import ORGANISATION_COLUMNS, PROJECT_COLUMNS, tidy
from .clean.dates import date_columns
from .clean.fields import org_type_columns, org_type_of, size_band_table, size_columns
from .clean.places import check_coordinates, resolve_countries
from .clean.suspect import flag_suspects
from .clean.text import clean_text_series, compact_key, html_to_text, is_missing
from .clean.pipeline import clean_tags
from .clean.web import website_columns
from . import declared
from .errors import SurveyError
from .measure import add_codes
from .paths import PACKAGE_DATA
from .schemas import validate_tables
from .survey_file import SurveyTable, describe_detection, read_survey_table

SURVEY_DIR = PACKAGE_DATA / "survey"
EXAMPLE_SURVEY = SURVEY_DIR / "example_survey.csv"
DEFAULT_WAVE = 2024
SEPARATOR = ";"
#: survey columns holding ';'-separated labels, and the facet each feeds
TAG_COLUMNS = {"areas": "area", "dsi_areas": "dsi_area", "tech_focus": "tech_focus",
               "tech_methods": "tech_method", "free_tags": "free_tag"}


def template_columns() -> pd.DataFrame:
    """The template's columns: name, required, kind, description, example."""
    return pd.read_csv(SURVEY_DIR / "template_columns.csv", dtype=str)


def write_template(folder: Path | str) -> list[Path]:
    """Write a blank template (CSV and Excel). The Excel file also describes
    each column (sheet ``columns``), lists the values of the declared codes
    (``lists``, drop-down lists on the platforms sheet) and gives the codebook
    in English and French (``codebook``)."""
    from .errors import OutputError
    folder = Path(folder)
    csv_path, excel_path = folder / "template.csv", folder / "template.xlsx"
    taken = [path for path in (csv_path, excel_path) if path.exists()]
    if taken:
        raise OutputError(f"{taken[0]} already exists: iness does not overwrite it (it may "
                          "hold your survey); give another folder or move it away")
    folder.mkdir(parents=True, exist_ok=True)
    columns = template_columns()
    blank = pd.DataFrame([columns["example"].tolist()], columns=columns["column"].tolist())
    blank.to_csv(csv_path, index=False, lineterminator="\n")
    with pd.ExcelWriter(excel_path, engine="openpyxl") as writer:
        blank.to_excel(writer, sheet_name="platforms", index=False)
        columns.assign(allowed=columns["column"].map(declared.allowed_text)).to_excel(
            writer, sheet_name="columns", index=False)
        declared.lists_frame().to_excel(writer, sheet_name=declared.LISTS_SHEET, index=False)
        declared.codebook_frame().to_excel(writer, sheet_name="codebook", index=False)
        declared.add_validation(writer.book["platforms"], blank.columns.tolist())
    return [csv_path, excel_path]


def _read_table(path: Path) -> SurveyTable:
    """The file's table, whatever its format (see :mod:`iness.survey_file`)."""
    return read_survey_table(path)


#: how many problems a SurveyError lists (the rest are counted)
MAX_LISTED = 20
#: characters of a bad value shown in a problem
MAX_SHOWN = 60
#: separators a list of labels is sometimes written with instead of ';'
OTHER_SEPARATORS = (",", "|", "\n", "/")


def _shown(value) -> str:
    text = str(value)
    return repr(text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 3] + "...")


def _tag_problem(column: str, value: str) -> str | None:
    """What is wrong with a ';'-separated label cell: labels joined by another
    separator, or a free tag with no letter or digit iness can key it on."""
    from .clean.vocab import match_tag
    facet = TAG_COLUMNS[column]
    for atom in (part.strip() for part in str(value).split(SEPARATOR)):
        if not atom:
            continue
        if facet == "free_tag":
            if not any(character.isalnum() for character in atom):
                return (f"has the keyword {_shown(atom)} with no letter or digit: "
                        "write it in words or leave it out")
            used = [sep for sep in OTHER_SEPARATORS if sep in atom]
            if used:
                return (f"looks like keywords separated by {used[0]!r}; expected ';' "
                        "between keywords")
            continue
        if match_tag(atom, facet).rule != "unmapped":
            continue
        for sep in OTHER_SEPARATORS:
            parts = [part.strip() for part in atom.split(sep) if part.strip()]
            if len(parts) > 1 and any(match_tag(part, facet).rule != "unmapped"
                                      for part in parts):
                return (f"looks like labels separated by {sep!r}; expected ';' between "
                        "labels")
    return None


def _cell_parsers() -> dict:
    """column -> function(value) returning (normalised text, problem or None)."""
    from .clean.dates import survey_date
    from .clean.places import survey_country
    from .schemas import WAVE_RANGE
    from .survey_file import survey_number, survey_wave
    sizes = {value.lower() for value in size_band_table()["raw"]}

    def number(low, high):
        def parse(value):
            found, problem, _ = survey_number(value)
            if problem:
                return None, problem
            if not low <= found <= high:
                return None, f"expected a number between {low} and {high}"
            return repr(found), None
        return parse

    def wave(value):
        year, problem = survey_wave(value, *WAVE_RANGE)
        return (None, problem) if problem else (str(year), None)

    def org_type(value):
        return (value, None) if org_type_of(value) is not None else (None, (
            "expected academia, business, government, grassroots or social_enterprise"))

    def size(value):
        return (value, None) if value.strip().lower() in sizes else (
            None, f"expected one of {sorted(sizes)}")

    def tags(column):
        return lambda value: (value, _tag_problem(column, value))

    return {"wave": wave, "latitude": number(-90, 90), "longitude": number(-180, 180),
            "start_date": survey_date, "organisation_type": org_type,
            "organisation_size": size, "country": survey_country,
            **{column: tags(column) for column in TAG_COLUMNS}}


def _checked(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """(frame with every checked cell in its canonical form, problems as 'row N,
    column C: ...' in row order). The frame's index is the spreadsheet row number."""
    spec = template_columns()
    missing = [c for c in spec.loc[spec["required"] == "yes", "column"] if c not in frame]
    unknown = [c for c in frame.columns if c not in set(spec["column"])]
    if missing or unknown:
        return frame, [f"columns: missing {missing}, unknown {unknown}; expected the "
                       f"template's columns {spec['column'].tolist()}"]
    out = frame.copy()
    found: list[tuple[int, int, str]] = []
    order = {column: position for position, column in enumerate(frame.columns)}
    for column in ("platform_id", "platform_name"):
        for row in frame.index[frame[column].map(is_missing)]:
            found.append((row, order[column], f"row {row}, column {column!r}: is empty; "
                          "expected a value (required)"))
    for column, parse in _cell_parsers().items():
        if column not in frame:
            continue
        filled = frame[column][~frame[column].map(is_missing)]
        results = {value: parse(value) for value in filled.unique()}
        bad = filled.map(lambda value: results[value][1] is not None).astype(bool)
        out.loc[filled.index[~bad], column] = filled[~bad].map(lambda v: results[v][0])
        found += [(row, order[column],
                   f"row {row}, column {column!r}: {_shown(value)} {results[value][1]}")
                  for row, value in filled[bad].items()]
    ids = frame["platform_id"].map(lambda value: str(value).strip())
    for value in sorted(ids[ids.duplicated() & (ids != "")].unique()):
        rows = ids.index[ids == value].tolist()
        found.append((rows[1], order["platform_id"], f"rows {rows}, column 'platform_id': "
                      f"{_shown(value)} appears {len(rows)} times; expected each id once"))
    return out, [message for *_, message in sorted(found, key=lambda item: item[:2])]


def _problems(frame: pd.DataFrame) -> list[str]:
    """Every bad cell, as 'row N, column C: ...' (the frame's index is the row
    as a spreadsheet shows it: the header is row 1)."""
    return _checked(frame)[1]


def problem_report(path: Path, problems: list[str], read_as: str | None = None) -> str:
    """One message for a :class:`SurveyError`: the first :data:`MAX_LISTED`
    problems and how many more."""
    listed = "\n  ".join(problems[:MAX_LISTED])
    rest = len(problems) - MAX_LISTED
    more = f"\n  ... and {rest:,} more" if rest > 0 else ""
    how = f"\n  (read as {read_as})" if read_as else ""
    return (f"{path}: {len(problems):,} problem(s); nothing was written:\n  {listed}"
            f"{more}{how}")


def _tables(frame: pd.DataFrame, path: Path, default_wave: int) -> dict[str, pd.DataFrame]:
    spreadsheet_rows = frame.index.to_numpy()
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
    tables = tidy({"organisations": organisations[ORGANISATION_COLUMNS].reset_index(drop=True),
                   "projects": projects[PROJECT_COLUMNS].reset_index(drop=True),
                   "links": links.reset_index(drop=True), "tags": tags.reset_index(drop=True),
                   "ledger": ledger.reset_index(drop=True), "wave_matches": wave_matches})
    # the survey's own codes; add_codes merges them with the other methods
    tables["codes"] = declared.declared_codes(frame, projects["project_id"], wave, source,
                                              spreadsheet_rows)
    return tables


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
    """Validate a survey file in the template (CSV in any common encoding and
    separator, .xlsx or .ods) and return the clean tables. Every bad cell is
    reported in one :class:`iness.SurveyError` (the first 20, and a count)."""
    path = Path(path)
    table = _read_table(path)
    frame, problems = _checked(table.frame)
    problems = table.problems + problems + declared.problems(frame)
    if problems:
        read_as = describe_detection(table.detection).split(": ", 1)[1]
        raise SurveyError(problem_report(path, problems, read_as))
    tables = _tables(frame, path, wave or DEFAULT_WAVE)
    if tables["tags"].empty:  # a survey without tag columns: no rows, text columns
        tables["tags"] = tables["tags"].astype(
            {column: object for column in ("facet", "tag", "match_rule")})
    tables, _ = add_codes(tables, training=dsi4eu_projects())
    return validate_tables(tables)


def dsi4eu_projects() -> pd.DataFrame | None:
    """DSI4EU's projects, on which the coding was made and the classifier is
    trained; None (no classifier rows) when DSI4EU has not been built."""
    from .paths import processed_dir
    if not (processed_dir() / "projects.parquet").is_file():
        return None
    return pd.read_parquet(processed_dir() / "projects.parquet")


def build_survey(path: Path | str, target: Path | str, wave: int | None = None) -> Path:
    """Read a survey and write its tables (Parquet and CSV) into ``target``: a
    new or empty folder, or one iness made for this survey (never the DSI4EU
    tables, nor the folder holding the survey file)."""
    from . import outputs
    from .build import write_tables
    from .errors import OutputError
    from .paths import processed_dir
    path, folder = Path(path), Path(target).expanduser().resolve()
    if folder == processed_dir().resolve():
        raise OutputError(f"{folder} holds the DSI4EU tables built by `iness build`: "
                          "give another folder for the tables of your survey")
    if folder in path.resolve().parents:
        raise OutputError(f"{folder} holds the survey file {path.name}: give another folder "
                          "for its tables")
    folder = outputs.check_target(folder)  # before reading: refuse without waiting
    return write_tables(read_survey(path, wave), folder)

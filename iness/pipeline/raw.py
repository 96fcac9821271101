"""Raw readers: one getter per DSI4EU file, returning its content as written.

Every getter returns a DataFrame of strings (missing JSON values as ``None``,
JSON lists and objects as compact JSON text) indexed by ``source_row``, the
1-based position of the record in the file (header excluded). Before returning,
it checks the encoding, the shape and the expected columns or keys; any
problem raises :class:`iness.RawDataError` naming the file, where, and what
was expected.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from iness.errors import RawColumnsError, RawEncodingError, RawFormatError
from iness.pipeline.fetch import raw_path


@dataclass(frozen=True)
class RawSpec:
    """What one raw file must look like."""
    name: str            # registry name, e.g. "wave2016/orgs.csv"
    columns: tuple[str, ...]
    id_column: str | None
    #: records in the registered version (the SHA-256 of ``registry.csv``)
    records: int | None = None
    #: latitude, longitude, country and region columns, checked for swaps
    place: tuple[str, str, str, str] | None = None

    @property
    def kind(self) -> str:
        return "json" if self.name.endswith(".json") else "csv"


ORGS_2016 = RawSpec("wave2016/orgs.csv", (
    "Organisation ID", "Name", "Organisation type", "Size of Organisation", "Twitter",
    "Website", "Logo file", "Site ID", "Latitude", "Longitude", "Address ID",
    "Street Address", "Postcode", "Region", "Country", "Location"), "Organisation ID",
    1172, ("Latitude", "Longitude", "Country", "Region"))
PROJECTS_2016 = RawSpec("wave2016/projects.csv", (
    "Project ID", "Project Name", "Project type", "Project website", "Area of Society",
    "DSI Areas", "Social Impact", "Technology Focus", "Technology method",
    "Timestamp ID", "Date and Time"), "Project ID", 738)
LINKS_2016 = RawSpec("wave2016/org-projects.csv", (
    "Linking ID", "Organisation ID", "Project ID", "Role"), "Linking ID", 3600)
ORGS_2017 = RawSpec("wave2017/organisations2.json", (
    "organisation_id", "organisation_name", "website", "short_description",
    "long_description", "country", "region", "latitude", "longitude", "address",
    "organisation_type", "organisation_size", "startDate", "linked_project_ids", "tags",
    "networkTags", "created"), "organisation_id", 1228,
    ("latitude", "longitude", "country", "region"))
PROJECTS_2017 = RawSpec("wave2017/projects2.json", (
    "project_id", "project_name", "website", "short_description", "long_description",
    "social_impact", "start_date", "end_date", "country", "region", "latitude",
    "longitude", "linked_organisation_ids", "who_we_help_tags", "support_tags", "focus",
    "technology", "creation_date"), "project_id", 829,
    ("latitude", "longitude", "country", "region"))

RAW_SPECS = {spec.name: spec for spec in
             (ORGS_2016, PROJECTS_2016, LINKS_2016, ORGS_2017, PROJECTS_2017)}


def decode_utf8(path: Path, data: bytes) -> str:
    """Bytes to text, refusing anything that is not UTF-8 (a BOM is dropped)."""
    if not data.strip():
        raise RawFormatError(path, "the file is empty; expected a header or a JSON list")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise RawEncodingError(
            path, f"byte 0x{data[error.start]:02x} at offset {error.start} is not UTF-8; "
            "expected UTF-8 text (re-save the file as UTF-8)", line=line) from error
    return text.removeprefix("\ufeff")


def check_columns(path: Path, found: list[str], expected: tuple[str, ...], *,
                  row: int | None = None, what: str = "column") -> None:
    missing = [name for name in expected if name not in found]
    if missing:
        unexpected = [name for name in found if name not in expected]
        hint = f"; found instead {unexpected}" if unexpected else ""
        raise RawColumnsError(path, f"missing {what}(s) {missing}; expected {list(expected)}"
                              f"{hint}", row=row, column=missing[0])


def parse_csv_text(path: Path, text: str, spec: RawSpec) -> pd.DataFrame:
    """Parse CSV text strictly: every record must have the header's field count."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        check_columns(path, header, spec.columns)
        width = len(header)
        rows = []
        for row in reader:
            if len(row) != width:
                if not row:
                    continue  # a blank line between records carries no data
                raise RawFormatError(
                    path, f"{len(row)} fields where the header has {width}; the file is "
                    "truncated or a quote is unbalanced", row=len(rows) + 1,
                    line=reader.line_num)
            rows.append(row)
    except csv.Error as error:
        raise RawFormatError(path, f"malformed CSV ({error}); expected comma-separated "
                             "fields with balanced double quotes", row=len(rows) + 1,
                             line=reader.line_num) from error
    if len(set(header)) != width:
        duplicated = sorted({name for name in header if header.count(name) > 1})
        raise RawColumnsError(path, f"duplicated column name(s) {duplicated}",
                              column=duplicated[0])
    return pd.DataFrame(rows, columns=header, dtype=object)


def _json_cell(value):
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def parse_json_text(path: Path, text: str, spec: RawSpec) -> pd.DataFrame:
    """Parse a JSON list of records, each an object with the expected keys."""
    try:
        records = json.loads(text)
    except json.JSONDecodeError as error:
        raise RawFormatError(path, f"malformed or truncated JSON ({error.msg} at column "
                             f"{error.colno}); expected a JSON list of objects",
                             line=error.lineno) from error
    if not isinstance(records, list):
        raise RawFormatError(path, f"top level is a JSON {type(records).__name__}; "
                             "expected a list of records")
    if not records:
        raise RawFormatError(path, "the JSON list is empty; expected records")
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise RawFormatError(path, f"record is a JSON {type(record).__name__}; "
                                 "expected an object", row=number)
        check_columns(path, list(record), spec.columns, row=number, what="key")
    columns = list(spec.columns)
    return pd.DataFrame([[_json_cell(record[key]) for key in columns] for record in records],
                        columns=columns, dtype=object)


def check_unique_ids(path: Path, frame: pd.DataFrame, id_column: str | None) -> None:
    if id_column is None:
        return
    repeated = frame[id_column].duplicated(keep=False)
    if repeated.any():
        rows = (frame.index[repeated]).tolist()
        value = frame.loc[rows[0], id_column]
        raise RawFormatError(path, f"id {value!r} appears in rows {rows[:10]}; expected "
                             "each id once", row=rows[1], column=id_column)


def read_raw(spec: RawSpec | str, path: Path | str | None = None) -> pd.DataFrame:
    """Read one raw file (from the cache, fetched if needed, or from ``path``)."""
    spec = RAW_SPECS[spec] if isinstance(spec, str) else spec
    path = Path(path) if path is not None else raw_path(spec.name)
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise RawFormatError(path, "no such file; run `iness fetch` first") from error
    check_no_nul(path, data)
    text = decode_utf8(path, data)
    parse = parse_json_text if spec.kind == "json" else parse_csv_text
    frame = parse(path, text, spec)
    if frame.empty:
        raise RawFormatError(path, "no data records after the header")
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="source_row")
    check_unique_ids(path, frame, spec.id_column)
    check_coordinate_columns(path, frame, spec)
    return frame


def check_no_nul(path: Path, data: bytes) -> None:
    """Refuse NUL bytes: they are damage, never data, and would reach the tables."""
    if b"\x00" in data:
        first, count = data.index(b"\x00"), data.count(b"\x00")
        raise RawFormatError(path, f"{count:,} NUL byte(s), the first at "
                             f"offset {first:,}; expected text (the file is damaged: fetch "
                             "it again)", line=data[:first].count(b"\n") + 1)


#: fewest located records with a known country on which a swap is judged
MIN_LOCATED = 20
#: records the swap check looks at (every k-th, so that large files stay fast)
SWAP_SAMPLE = 2000


def check_coordinate_columns(path: Path, frame: pd.DataFrame, spec: RawSpec) -> None:
    """Stop on coordinate columns that cannot be what they say: most latitudes
    beyond +-90, or most located records outside their stated country (the
    signature of swapped latitude and longitude headers)."""
    if spec.place is None:
        return
    from iness.pipeline.clean.places import (check_coordinates, parse_coordinate,
                                             resolve_countries)
    from iness.text import clean_text_series
    lat_column, lon_column, country_column, region_column = spec.place
    frame = frame.iloc[::max(1, len(frame) // SWAP_SAMPLE)]
    latitude = frame[lat_column].map(parse_coordinate).astype(float)
    numeric = latitude.dropna()
    if len(numeric) >= MIN_LOCATED and (numeric.abs() > 90).mean() > 0.5:
        raise RawColumnsError(path, f"{int((numeric.abs() > 90).sum()):,} of {len(numeric):,} "
                              "latitudes lie beyond +-90; expected latitudes (are the "
                              "latitude and longitude columns swapped?)", column=lat_column)
    countries = resolve_countries(clean_text_series(frame[country_column]),
                                  clean_text_series(frame[region_column]))["country_code"]

    def outside(lat, lon):
        flags = check_coordinates(lat, lon, countries)["coord_flag"]
        judged = flags.isin(["ok", "outside_country"]) & countries.notna()
        return int((flags[judged] == "outside_country").sum()), int(judged.sum())

    out, judged = outside(frame[lat_column], frame[lon_column])
    if judged >= MIN_LOCATED and out > judged / 2:
        swapped, _ = outside(frame[lon_column], frame[lat_column])
        raise RawColumnsError(
            path, f"{out:,} of {judged:,} located records checked lie outside their "
            f"stated country ({swapped:,} would with the two columns swapped); expected "
            "most inside: are the latitude and longitude columns swapped?", column=lat_column)


def file_warnings(spec: RawSpec | str, path: Path | str, frame: pd.DataFrame) -> list[str]:
    """What is odd but readable in one raw file, one line each naming the file:
    a SHA-256 other than the registered one (with the record counts, so that a
    file cut at a line end shows), no line break after the last record (which
    may then be cut inside its last field), columns or keys that are not read."""
    from iness.pipeline.fetch import registry, sha256_of
    spec = RAW_SPECS[spec] if isinstance(spec, str) else spec
    path = Path(path)
    notes = []
    expected = {entry.name: entry.sha256 for entry in registry()}.get(spec.name)
    actual = sha256_of(path)
    if expected and actual != expected:
        counts = ""
        if spec.records is not None and len(frame) != spec.records:
            gap = spec.records - len(frame)
            counts = (f"; it has {len(frame):,} records where the registered file has "
                      f"{spec.records:,}" + (f" ({gap:,} fewer: cut short?)" if gap > 0 else ""))
        notes.append(f"{path}: not the registered {spec.name} (SHA-256 {actual[:12]}..., "
                     f"registered {expected[:12]}...){counts}; results will differ from "
                     "the published DSI4EU data")
    data = path.read_bytes()
    if spec.kind == "csv" and not data.endswith((b"\n", b"\r")):
        notes.append(f"{path}: no line break after the last record (row {len(frame):,}); "
                     "it may be cut short inside its last field")
    extra = _extra_columns(spec, data)
    if extra:
        notes.append(f"{path}: {spec.kind == 'json' and 'key' or 'column'}(s) {extra} "
                     "not in the expected layout; their values are not read")
    return notes


def _extra_columns(spec: RawSpec, data: bytes) -> list[str]:
    text = data.decode("utf-8").removeprefix("\ufeff")
    if spec.kind == "csv":
        header = next(csv.reader(io.StringIO(text, newline="")), [])
        return [name for name in header if name not in spec.columns]
    keys = {key for record in json.loads(text) if isinstance(record, dict) for key in record}
    return sorted(keys - set(spec.columns))


def folder_warnings(folder: Path | str) -> list[str]:
    """:func:`file_warnings` for the five files of a raw folder (read again)."""
    folder = Path(folder)
    return [note for name, spec in RAW_SPECS.items()
            for note in file_warnings(spec, folder / name, read_raw(spec, folder / name))]


def links_2016(path=None) -> pd.DataFrame:
    """``wave2016/org-projects.csv``: organisation-project links with a role."""
    return read_raw(LINKS_2016, path)


def projects_2017(path=None) -> pd.DataFrame:
    """``wave2017/projects2.json``: one record per project."""
    return read_raw(PROJECTS_2017, path)

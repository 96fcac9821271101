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

from .errors import RawColumnsError, RawEncodingError, RawFormatError
from .fetch import raw_path


@dataclass(frozen=True)
class RawSpec:
    """What one raw file must look like."""
    name: str            # registry name, e.g. "wave2016/orgs.csv"
    columns: tuple[str, ...]
    id_column: str | None

    @property
    def kind(self) -> str:
        return "json" if self.name.endswith(".json") else "csv"


ORGS_2016 = RawSpec("wave2016/orgs.csv", (
    "Organisation ID", "Name", "Organisation type", "Size of Organisation", "Twitter",
    "Website", "Logo file", "Site ID", "Latitude", "Longitude", "Address ID",
    "Street Address", "Postcode", "Region", "Country", "Location"), "Organisation ID")
PROJECTS_2016 = RawSpec("wave2016/projects.csv", (
    "Project ID", "Project Name", "Project type", "Project website", "Area of Society",
    "DSI Areas", "Social Impact", "Technology Focus", "Technology method",
    "Timestamp ID", "Date and Time"), "Project ID")
LINKS_2016 = RawSpec("wave2016/org-projects.csv", (
    "Linking ID", "Organisation ID", "Project ID", "Role"), "Linking ID")
ORGS_2017 = RawSpec("wave2017/organisations2.json", (
    "organisation_id", "organisation_name", "website", "short_description",
    "long_description", "country", "region", "latitude", "longitude", "address",
    "organisation_type", "organisation_size", "startDate", "linked_project_ids", "tags",
    "networkTags", "created"), "organisation_id")
PROJECTS_2017 = RawSpec("wave2017/projects2.json", (
    "project_id", "project_name", "website", "short_description", "long_description",
    "social_impact", "start_date", "end_date", "country", "region", "latitude",
    "longitude", "linked_organisation_ids", "who_we_help_tags", "support_tags", "focus",
    "technology", "creation_date"), "project_id")

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
    text = decode_utf8(path, data)
    parse = parse_json_text if spec.kind == "json" else parse_csv_text
    frame = parse(path, text, spec)
    if frame.empty:
        raise RawFormatError(path, "no data records after the header")
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="source_row")
    check_unique_ids(path, frame, spec.id_column)
    return frame


def orgs_2016(path=None) -> pd.DataFrame:
    """``wave2016/orgs.csv``: one row per organisation, 16 text columns."""
    return read_raw(ORGS_2016, path)


def projects_2016(path=None) -> pd.DataFrame:
    """``wave2016/projects.csv``: one row per project, multi-valued fields as comma text."""
    return read_raw(PROJECTS_2016, path)


def links_2016(path=None) -> pd.DataFrame:
    """``wave2016/org-projects.csv``: organisation-project links with a role."""
    return read_raw(LINKS_2016, path)


def orgs_2017(path=None) -> pd.DataFrame:
    """``wave2017/organisations2.json``: one record per organisation."""
    return read_raw(ORGS_2017, path)


def projects_2017(path=None) -> pd.DataFrame:
    """``wave2017/projects2.json``: one record per project."""
    return read_raw(PROJECTS_2017, path)

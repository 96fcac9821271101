"""A researcher's survey file as she has it, read into one frame of text cells.

The kind of file is recognised by its content, not its name: a zip holding a
workbook is Excel (``.xlsx``) or OpenDocument (``.ods``), an OLE2 file is an old
``.xls``, anything else is CSV text whose encoding (charset-normalizer) and
separator (:class:`csv.Sniffer`) are detected. Empty rows and columns around the
table are skipped, headers are compared without case or spacing, and every row
keeps its number as a spreadsheet shows it (the header row is row 1 when the
table starts at the top). :func:`describe_detection` says in one line what was
read and how.
"""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
import stat
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

import pandas as pd

from iness.errors import SurveyError

#: longest cell accepted: the csv module's default field limit; a longer cell is
#: almost always an unbalanced quote that swallowed the rest of the file
CELL_LIMIT = 131_072
#: most cells a survey table may hold, empty ones inside it included (rows
#: times columns as a spreadsheet lays them out): far above any survey of
#: platforms, far below what would exhaust memory (a few hundred bytes a cell)
MAX_CELLS = 5_000_000
#: largest CSV file, and largest unpacked content of a workbook, read
MAX_BYTES = 256 << 20
#: longest header cell: a column name; longer, the first line is not a header
MAX_HEADER_CELL = 200
#: how many names an error about columns lists (the rest are counted)
MAX_NAMED = 20
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: code pages Excel writes "CSV" in, most common first (ties go to the first)
WINDOWS_CODE_PAGES = ("cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1257",
                      "cp1255", "cp1256")
ENCODING_NAMES = {"utf_8": "UTF-8", "utf_8_sig": "UTF-8 with BOM", "utf_16": "UTF-16",
                  "cp1252": "Windows-1252 (Western European)",
                  "cp1250": "Windows-1250 (Central European)",
                  "cp1251": "Windows-1251 (Cyrillic)", "cp1253": "Windows-1253 (Greek)",
                  "cp1254": "Windows-1254 (Turkish)", "cp1257": "Windows-1257 (Baltic)",
                  "cp1255": "Windows-1255 (Hebrew)", "cp1256": "Windows-1256 (Arabic)"}
SEPARATORS = ",;\t|"
SEPARATOR_NAMES = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}
#: what a spreadsheet shows in a cell whose formula failed
SPREADSHEET_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!",
                                "#NULL!", "#SPILL!", "#CALC!", "Err:502", "Err:504", "#ERR"})


@dataclass
class Detection:
    """How a survey file was read."""
    path: Path
    kind: str                      # "csv", "xlsx" or "ods"
    encoding: str | None = None    # Python codec name, for CSV
    separator: str | None = None   # for CSV
    line_ending: str | None = None  # "LF", "CRLF", "CR" or "mixed", for CSV
    sheet: str | None = None       # for workbooks
    header_row: int = 1
    decimal_commas: int = 0        # number cells written with a decimal comma


@dataclass
class SurveyTable:
    """The table of a survey file: text cells, index = spreadsheet row number,
    columns = header keys (see :func:`column_key`); ``headers`` keeps each
    column's header as written; ``problems`` are cells the reader could not take."""
    frame: pd.DataFrame
    detection: Detection
    headers: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def column_key(header: str) -> str:
    """A header compared without case, accents, spacing or punctuation.

    >>> [column_key(h) for h in (" Platform ID", "PLATFORM-NAME", "start date ")]
    ['platform_id', 'platform_name', 'start_date']
    """
    text = unicodedata.normalize("NFKC", str(header)).replace("\ufeff", "").strip().lower()
    return re.sub(r"[^0-9a-z]+", "_", text).strip("_")


def describe_detection(detection: Detection) -> str:
    """One line saying what was read and how, for the user.

    >>> describe_detection(Detection(Path("s.xlsx"), "xlsx", sheet="Feuil1", header_row=3))
    "s.xlsx: Excel workbook, sheet 'Feuil1', header on row 3"
    """
    path = detection.path
    if detection.kind == "csv":
        parts = ["CSV text", ENCODING_NAMES.get(detection.encoding, detection.encoding),
                 f"{SEPARATOR_NAMES.get(detection.separator, repr(detection.separator))} "
                 "separator", f"{detection.line_ending} line ends"]
    else:
        parts = ["Excel workbook" if detection.kind == "xlsx" else "OpenDocument spreadsheet",
                 f"sheet {detection.sheet!r}"]
    named = path.suffix.lower().lstrip(".")
    if named and named != detection.kind and not (named == "xlsm" and detection.kind == "xlsx"):
        parts[0] += f" (although the file is named .{named})"
    if detection.header_row != 1:
        parts.append(f"header on row {detection.header_row}")
    if detection.decimal_commas:
        parts.append(f"{detection.decimal_commas} number"
                     f"{'s' if detection.decimal_commas > 1 else ''} with a decimal comma")
    return f"{path.name}: " + ", ".join(parts)


def file_kind(path: Path, head: bytes) -> str:
    """'xlsx', 'ods' or 'csv' from the first bytes and, for a zip, its members;
    a :class:`SurveyError` for an old .xls, a damaged zip or another binary file."""
    if head.startswith(OLE_MAGIC):
        raise SurveyError(f"{path}: an old Excel .xls workbook (or a password-protected "
                          "one); expected .xlsx, .ods or CSV: save it again as .xlsx or "
                          "as CSV UTF-8")
    if head.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                mimetype = (archive.read("mimetype").decode("ascii", "replace")
                            if "mimetype" in names else "")
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise SurveyError(f"{path}: a damaged zip archive (a workbook cut short or "
                              f"corrupted: {error}); expected a complete .xlsx or .ods "
                              "file: save it again from the spreadsheet") from error
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "opendocument.spreadsheet" in mimetype:
            return "ods"
        raise SurveyError(f"{path}: a zip archive that is neither an Excel nor an "
                          "OpenDocument spreadsheet; expected .xlsx, .ods or CSV")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "csv"  # UTF-16 text, as Excel's "Unicode text"
    if b"\x00" in head:
        raise SurveyError(f"{path}: a binary file (it holds NUL bytes), not CSV text nor a "
                          "workbook; expected .xlsx, .ods or CSV")
    return "csv"


def _too_many_cells(path: Path, cells: int, where: str = "") -> SurveyError:
    return SurveyError(f"{path}{where}: the table spans {cells:,} cells or more (empty ones "
                       f"inside it included); iness reads at most {MAX_CELLS:,}: delete the "
                       "unused rows and columns, or split the file")


def check_size(path: Path) -> int:
    """The size of a survey file, if it is a regular file iness reads; else a
    one-line error saying what the path is."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise SurveyError(f"{path}: no such file") from None
    except OSError as error:
        raise SurveyError(f"{path}: cannot be read ({error.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        what = ("a folder" if stat.S_ISDIR(info.st_mode) else
                "a named pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else
                "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else
                "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
        raise SurveyError(f"{path}: {what}, not a survey file; expected a .csv, .xlsx or "
                          ".ods file")
    if info.st_size > MAX_BYTES:
        raise SurveyError(f"{path}: {info.st_size:,} bytes; iness reads survey files of at "
                          f"most {MAX_BYTES:,} bytes: split the file or drop unused columns")
    return info.st_size


def check_unpacked(path: Path) -> None:
    """A workbook's members must unpack to at most :data:`MAX_BYTES` (checked
    from the archive's directory, before anything is unpacked)."""
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(member.file_size for member in archive.infolist())
    if unpacked > MAX_BYTES:
        raise SurveyError(f"{path}: the workbook unpacks to {unpacked:,} bytes; iness reads at "
                          f"most {MAX_BYTES:,} (a file this small holding that much is "
                          "damaged or made to exhaust memory): save it again from the "
                          "spreadsheet, or as CSV UTF-8")


def read_survey_table(path: Path | str) -> SurveyTable:
    """The survey table of a CSV, .xlsx or .ods file, whatever its name says."""
    path = existing_path(Path(path))
    check_size(path)
    with open(path, "rb") as handle:
        head = handle.read(8192)
    kind = file_kind(path, head)
    if kind == "csv":
        return _read_csv(path)
    return _read_workbook(path, kind)


def existing_path(path: Path) -> Path:
    """The path as given or, when no such file exists, the same name in the
    other Unicode normal form (macOS writes ``enquête.csv`` decomposed)."""
    if path.exists() or path.is_symlink():
        return path
    for form in ("NFC", "NFD"):
        other = path.with_name(unicodedata.normalize(form, path.name))
        if other.exists():
            return other
    return path


def detect(path: Path | str) -> Detection:
    """How :func:`read_survey_table` reads a file (it reads it)."""
    return read_survey_table(path).detection


# ---------------------------------------------------------------- CSV text

def decode_text(path: Path, data: bytes) -> tuple[str, str]:
    """(text, codec): a BOM decides, else strict UTF-8, else the Windows code
    page charset-normalizer finds most plausible (Windows-1252 on a tie)."""
    if not data.strip():
        raise SurveyError(f"{path}: the file is empty; expected the template's header row "
                          "and one row per platform")
    boms = ((b"\xef\xbb\xbf", "utf_8_sig"), (b"\xff\xfe", "utf_16"), (b"\xfe\xff", "utf_16"))
    for bom, codec in boms:
        if data.startswith(bom):
            try:
                return data.decode(codec).removeprefix("\ufeff"), codec
            except UnicodeDecodeError as error:
                bad = error.object[error.start]
                line = error.object[:error.start].count(b"\n") + 1
                raise SurveyError(f"{path}, line {line}: byte 0x{bad:02x} is "
                                  f"not {ENCODING_NAMES[codec]} although the file starts "
                                  "as such; expected one encoding throughout (save it again "
                                  "as CSV UTF-8)") from error
    try:
        return data.decode("utf-8"), "utf_8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes
    matches = [match for match in from_bytes(data, cp_isolation=list(WINDOWS_CODE_PAGES))
               if match.encoding in WINDOWS_CODE_PAGES]
    if not matches:
        raise SurveyError(f"{path}: text in an encoding iness cannot recognise; expected "
                          "UTF-8 (in Excel: Save As, 'CSV UTF-8')")
    best = min(matches, key=lambda match: (round(match.chaos, 3),
                                           WINDOWS_CODE_PAGES.index(match.encoding)))
    return data.decode(best.encoding), best.encoding


def line_ending(text: str) -> str:
    crlf = text.count("\r\n")
    lf, cr = text.count("\n") - crlf, text.count("\r") - crlf
    kinds = [name for name, count in (("CRLF", crlf), ("LF", lf), ("CR", cr)) if count]
    return kinds[0] if len(kinds) == 1 else ("LF" if not kinds else "mixed")


def sniff_separator(text: str) -> str:
    """The field separator: csv.Sniffer on the first lines, checked against the
    header (the separator that splits it into the most known column names wins)."""
    from iness.pipeline.own_survey import template_columns
    known = set(template_columns()["column"])
    first_line = text.lstrip("\r\n").split("\n", 1)[0].split("\r", 1)[0] if text.strip() else ""

    def known_in_header(separator):
        return len(known & {column_key(h) for h in next(csv.reader([first_line],
                                                                   delimiter=separator))})
    try:
        sniffed = csv.Sniffer().sniff(text[:65536], delimiters=SEPARATORS).delimiter
    except csv.Error:
        sniffed = ","
    best = max(SEPARATORS, key=lambda separator: (known_in_header(separator),
                                                  separator == sniffed))
    return best if known_in_header(best) > known_in_header(sniffed) else sniffed


@contextlib.contextmanager
def _field_limit(limit: int):
    previous = csv.field_size_limit(min(limit, sys.maxsize))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _read_csv(path: Path) -> SurveyTable:
    text, encoding = decode_text(path, path.read_bytes())
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise SurveyError(f"{path}, line {line}: a NUL byte; expected text (is the file "
                          "damaged, or a spreadsheet saved under a .csv name?)")
    with _field_limit(len(text) + 1):
        separator = sniff_separator(text)
        detection = Detection(path, "csv", encoding=encoding, separator=separator,
                              line_ending=line_ending(text))
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        rows, cells = [], 0
        try:
            for row in reader:
                cells += max(len(row), 1)
                if cells > MAX_CELLS:
                    raise _too_many_cells(path, cells, f", line {reader.line_num}")
                rows.append(row)
        except csv.Error as error:
            raise SurveyError(f"{path}, line {reader.line_num}: malformed CSV ({error}); "
                              "expected fields with balanced double quotes") from error
    return _table(path, rows, detection, ragged_is_problem=True)


# ---------------------------------------------------------------- workbooks

def cell_text(value) -> str:
    """A workbook cell as the text a user typed: whole numbers without '.0',
    dates as YYYY-MM-DD (with the time only when it is not midnight)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, pd.Timestamp):
        return cell_text(value.to_pydatetime())
    return str(value)


def _read_workbook(path: Path, kind: str) -> SurveyTable:
    from openpyxl.utils.exceptions import InvalidFileException
    try:
        check_unpacked(path)
        if kind == "xlsx":
            sheet, rows, formulas = _xlsx_rows(path)
        else:
            sheet, rows, formulas = _ods_rows(path)
    except SurveyError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError,
            ParseError, AttributeError, IndexError, InvalidFileException) as error:
        raise SurveyError(f"{path}: the workbook cannot be read ({type(error).__name__}: "
                          f"{str(error)[:120]}); save it again from the spreadsheet, or "
                          "as CSV UTF-8") from error
    detection = Detection(path, kind, sheet=sheet)
    return _table(path, rows, detection, ragged_is_problem=False, formulas=formulas)


def _pick_sheet(names: list[str]) -> str:
    for name in names:
        if column_key(name) == "platforms":
            return name
    return names[0]


def _xlsx_rows(path: Path) -> tuple[str, list[list[str]], list[tuple[int, int]]]:
    """Sheet name, rows of text, and (row, column index) of formula cells that
    have no computed value. The file is opened as a handle so that its name's
    extension does not matter."""
    import openpyxl
    with open(path, "rb") as handle:
        book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        if not book.worksheets:
            raise SurveyError(f"{path}: the workbook has no worksheet; expected a sheet "
                              "with the template's header row")
        sheet = _pick_sheet([ws.title for ws in book.worksheets])
        rows = [[cell_text(value) for value in row]
                for row in _bounded_rows(path, book[sheet])]
        book.close()
    blank = {(r, c) for r, row in enumerate(rows, start=1)
             for c, value in enumerate(row) if value == ""}
    formulas = []
    if blank:
        with open(path, "rb") as handle:
            book = openpyxl.load_workbook(handle, read_only=True, data_only=False)
            for r, row in enumerate(_bounded_rows(path, book[sheet]), start=1):
                formulas += [(r, c) for c, value in enumerate(row)
                             if (r, c) in blank and isinstance(value, str)
                             and value.startswith("=")]
            book.close()
    return sheet, rows, formulas


def _bounded_rows(path: Path, worksheet):
    """The values of a read-only worksheet's rows as stored, at most
    :data:`MAX_CELLS` cells: the sheet's declared dimensions are not trusted
    (a tiny file may declare a million rows of sixteen thousand columns), so
    rows are as long as their last stored cell."""
    worksheet.reset_dimensions()
    cells = 0
    for row in worksheet.iter_rows(values_only=True):
        cells += max(len(row), 1)
        if cells > MAX_CELLS:
            raise _too_many_cells(path, cells, f", sheet {worksheet.title!r}")
        yield row


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def ods_extent(path: Path) -> dict[str, int]:
    """Per sheet of an .ods file, the cells its table takes once repeated rows
    and columns are laid out (as pandas lays them out: up to the last filled
    row, as wide as the widest filled row), read as a stream from the file
    before anything is allocated."""
    from xml.etree.ElementTree import iterparse
    extents, name, rows, width, pending, row_width, filled = {}, None, 0, 0, 0, 0, 0
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
        for event, element in iterparse(content, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{_ODS_TABLE}table":
                    name, rows, width, pending = element.get(f"{_ODS_TABLE}name", ""), 0, 0, 0
                elif tag == f"{_ODS_TABLE}table-row":
                    row_width, filled = 0, 0
                continue
            if tag in (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell"):
                repeat = int(element.get(f"{_ODS_TABLE}number-columns-repeated", "1") or 1)
                row_width += repeat
                if element.get(f"{_ODS_OFFICE}value-type") or "".join(element.itertext()):
                    filled = row_width
                element.clear()
            elif tag == f"{_ODS_TABLE}table-row":
                repeat = int(element.get(f"{_ODS_TABLE}number-rows-repeated", "1") or 1)
                if filled:
                    rows += pending + repeat
                    pending, width = 0, max(width, filled)
                else:
                    pending += repeat
                element.clear()
                if rows * max(width, 1) > MAX_CELLS:
                    raise _too_many_cells(path, rows * max(width, 1), f", sheet {name!r}")
            elif tag == f"{_ODS_TABLE}table":
                extents[name] = rows * width
                element.clear()
    return extents


def _ods_rows(path: Path) -> tuple[str, list[list[str]], list[tuple[int, int]]]:
    extents = ods_extent(path)
    if not extents:
        raise SurveyError(f"{path}: the spreadsheet has no sheet; expected a sheet with "
                          "the template's header row")
    sheet = _pick_sheet(list(extents))
    with open(path, "rb") as handle:
        frame = pd.read_excel(handle, engine="odf", sheet_name=sheet, header=None,
                              dtype=object)
    rows = [[cell_text(None if pd.isna(value) else value) for value in row]
            for row in frame.itertuples(index=False)]
    return sheet, rows, []


# ---------------------------------------------------------------- the table

def _table(path: Path, rows: list[list[str]], detection: Detection, *,
           ragged_is_problem: bool, formulas: list[tuple[int, int]] = ()) -> SurveyTable:
    """Header = first non-empty row; empty rows and empty unnamed columns are
    skipped; rows keep their spreadsheet numbers. ``formulas`` are (row, column
    index) of formula cells with no computed value."""
    filled = [number for number, row in enumerate(rows, start=1)
              if any(str(cell).strip() for cell in row)]
    if not filled:
        raise SurveyError(f"{path}: no header row; expected the template's columns "
                          "(platform_id, platform_name, ...)")
    header_row = filled[0]
    detection.header_row = header_row
    header = [str(cell).replace("\ufeff", "").strip() for cell in rows[header_row - 1]]
    longest = max(header, key=len)
    if len(longest) > MAX_HEADER_CELL:
        raise SurveyError(f"{path}, row {header_row}, column "
                          f"{_letter(header.index(longest))}: a header cell of "
                          f"{len(longest):,} characters; expected the template's column "
                          "names on the first filled row (is this line a header?)")
    data_rows = [number for number in filled[1:]]
    if not data_rows:
        raise SurveyError(f"{path}: no platform rows after the header (row {header_row})")
    width = len(header)
    problems = []
    if ragged_is_problem:
        for number in data_rows:
            row = rows[number - 1]
            if len(row) > width and any(cell.strip() for cell in row[width:]):
                problems.append(f"row {number}: {len(row)} fields where the header has "
                                f"{width}; expected one value per column (an unbalanced quote "
                                "or a separator inside a value?)")
            elif len(row) < width:
                problems.append(f"row {number}: {len(row)} fields where the header has "
                                f"{width}; expected one value per column (an unbalanced quote "
                                "or a missing separator?)")
    body = [(list(rows[n - 1]) + [""] * width)[:width] for n in data_rows]
    for number, i in formulas:
        if number > header_row:
            name = column_key(header[i]) if i < width and header[i] else _letter(i)
            problems.append(f"row {number}, column {name!r}: a formula with no computed "
                            "value (written by a program that does not calculate); open "
                            "the file in Excel or LibreOffice and save it again, or type "
                            "the value")
    keep = [i for i, name in enumerate(header)
            if name or any(row[i].strip() for row in body)]
    unnamed = [i for i in keep if not header[i]]
    for i in unnamed:
        first = next(n for n, row in zip(data_rows, body) if row[i].strip())
        problems.append(f"row {header_row}, column {_letter(i)}: an empty header above values "
                        f"(first in row {first}); expected a column name from the template")
    keep = [i for i in keep if header[i]]
    keys = [column_key(header[i]) for i in keep]
    places: dict[str, list[int]] = {}
    for i, key in zip(keep, keys):
        places.setdefault(key, []).append(i)
    repeated = sorted(key for key, columns in places.items() if len(columns) > 1)
    if repeated:
        where = "; ".join(f"{key!r} in columns " + ", ".join(map(_letter, places[key][:5]))
                          + (f" and {len(places[key]) - 5} more" if len(places[key]) > 5
                             else "") for key in repeated[:MAX_NAMED])
        more = (f"; and {len(repeated) - MAX_NAMED:,} more repeated names"
                if len(repeated) > MAX_NAMED else "")
        raise SurveyError(f"{path}, row {header_row}: repeated column name(s): {where}{more}; "
                          "expected each column once")
    frame = pd.DataFrame([[row[i] for i in keep] for row in body], columns=keys,
                         index=pd.Index(data_rows, name="row"), dtype=object)
    # one pass over all cells (a frame of thousands of columns, column by column,
    # took seconds per thousand)
    values = frame.to_numpy(dtype=object)
    long_cells = [(c, 0, r) for r, row in enumerate(values) for c, value in enumerate(row)
                  if len(value) > CELL_LIMIT]
    error_cells = [(c, 1, r) for r, row in enumerate(values) for c, value in enumerate(row)
                   if value in SPREADSHEET_ERRORS]
    for c, kind, r in sorted(long_cells + error_cells):
        number, column = frame.index[r], frame.columns[c]
        if kind == 0:
            problems.append(f"row {number}, column {column!r}: {len(values[r][c]):,} "
                            f"characters; expected at most {CELL_LIMIT:,} (an unbalanced "
                            "double quote makes one cell swallow the rest of the file)")
            frame.iat[r, c] = ""
        else:
            problems.append(f"row {number}, column {column!r}: "
                            f"{values[r][c]!r} is a spreadsheet error; expected "
                            "a value (fix the formula or type the value)")
    detection.decimal_commas = sum(
        int(survey_number(value)[2]) for column in ("latitude", "longitude") if column in frame
        for value in frame[column] if value.strip())
    return SurveyTable(frame, detection, dict(zip(keys, (header[i] for i in keep))), problems)


def _letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# ---------------------------------------------------------------- cells

_NUMBER = re.compile(r"[+\-\u2212]?(?:\d+(?:([.,])\d*)?|([.,])\d+)")


def survey_number(value: str) -> tuple[float | None, str | None, bool]:
    """(number, problem, written with a decimal comma) of a number cell: plain
    decimals with a point or a comma; no thousands separators, underscores,
    exponents or units (Python would read '1_0' as 10).

    >>> survey_number("48,85"), survey_number("1_0")[1]
    ((48.85, None, True), 'expected a number in decimal degrees such as 48.85')
    """
    text = str(value).strip()
    match = _NUMBER.fullmatch(text)
    if not match:
        return None, "expected a number in decimal degrees such as 48.85", False
    comma = "," in (match.group(1) or match.group(2) or "")
    return float(text.replace(",", ".").replace("\u2212", "-")), None, comma


def survey_wave(value: str, low: int, high: int) -> tuple[int | None, str | None]:
    """(year, problem) of a wave cell: a year between ``low`` and ``high``
    (a whole number written as '2024.0' by a spreadsheet is read as 2024)."""
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})(?:\.0+)?", text)
    if not match:
        return None, f"expected a survey year such as 2024 (between {low} and {high})"
    year = int(match.group(1))
    if not low <= year <= high:
        return None, (f"is outside the survey years iness reads; expected a year between "
                      f"{low} and {high}")
    return year, None

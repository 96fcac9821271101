"""A researcher's own platform survey in the project's template: the template
itself, and every cell of a filled-in one checked.

The template (``iness/data/survey/template_columns.csv``, and the blank
``template.csv`` / ``template.xlsx`` written by :func:`write_template`) has one
row per platform. :func:`checked_survey` checks every cell and reports every
bad row and column at once in one :class:`iness.SurveyError`; ``iness.read_survey``
(:mod:`iness.build`) then turns the rows into tables through the template's
adapter and the pipeline every survey goes through.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pandas as pd

from iness.pipeline.clean.fields import org_type_of
from iness.reference.vocabularies import size_band_table
from iness.pipeline.clean.template import SEPARATOR, SURVEY_DIR, TAG_COLUMNS, template_columns
from iness.text import is_missing
from iness.pipeline import declared
from iness.errors import SurveyError
from iness.pipeline.survey_file import SurveyTable, describe_detection, read_survey_table

EXAMPLE_SURVEY = SURVEY_DIR / "example_survey.csv"
DEFAULT_WAVE = 2024


def write_template(folder: Path | str) -> list[Path]:
    """Write a blank template (CSV and Excel). The Excel file also describes
    each column (sheet ``columns``), lists the values of the declared codes
    (``lists``, drop-down lists on the platforms sheet) and gives the codebook
    in English and French (``codebook``)."""
    from iness.errors import OutputError
    from iness.outputs import neutralise_formulas
    folder = Path(folder)
    csv_path, excel_path = folder / "template.csv", folder / "template.xlsx"
    taken = [path for path in (csv_path, excel_path) if path.exists() or path.is_symlink()]
    if taken:
        raise OutputError(f"{taken[0]} already exists: iness does not overwrite it (it may "
                          "hold your survey); give another folder or move it away")
    folder.mkdir(parents=True, exist_ok=True)
    columns = template_columns()
    blank = pd.DataFrame([columns["example"].tolist()], columns=columns["column"].tolist())
    safe = neutralise_formulas
    # written whole or not at all: a full disk leaves no partial file to refuse later
    with _written_whole(csv_path) as part:
        safe(blank).to_csv(part, index=False, lineterminator="\n")
    with _written_whole(excel_path) as part:
        writer = pd.ExcelWriter(part, engine="openpyxl")
        try:
            safe(blank).to_excel(writer, sheet_name="platforms", index=False)
            safe(columns.assign(allowed=columns["column"].map(declared.allowed_text))
                 ).to_excel(writer, sheet_name="columns", index=False)
            safe(declared.lists_frame()).to_excel(writer, sheet_name=declared.LISTS_SHEET,
                                                  index=False)
            safe(declared.codebook_frame()).to_excel(writer, sheet_name="codebook",
                                                     index=False)
            declared.add_validation(writer.book["platforms"], blank.columns.tolist())
        except BaseException:
            with contextlib.suppress(Exception):  # closing a half-made book fails too
                writer.close()
            raise
        writer.close()
    return [csv_path, excel_path]


@contextlib.contextmanager
def _written_whole(path: Path):
    """A hidden file to write, renamed to ``path`` (never through a symlink)
    only when complete; removed otherwise."""
    part = path.with_name(f".{path.name}.part")
    try:
        yield part
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def _read_table(path: Path) -> SurveyTable:
    """The file's table, whatever its format (see :mod:`iness.pipeline.survey_file`)."""
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
    from iness.pipeline.clean.vocab import match_tag
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
    from iness.pipeline.clean.dates import survey_date
    from iness.pipeline.clean.places import survey_country
    from iness.reference.dictionary import WAVE_RANGE
    from iness.pipeline.survey_file import survey_number, survey_wave
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


def _checked(frame: pd.DataFrame, default_wave: int = DEFAULT_WAVE
             ) -> tuple[pd.DataFrame, list[str]]:
    """(frame with every checked cell in its canonical form, problems as 'row N,
    column C: ...' in row order). The frame's index is the spreadsheet row number;
    a row without a wave is of ``default_wave``."""
    spec = template_columns()
    missing = [c for c in spec.loc[spec["required"] == "yes", "column"] if c not in frame]
    known = set(spec["column"])
    unknown = [c for c in frame.columns if c not in known]
    if missing or unknown:
        more = (f" and {len(unknown) - MAX_LISTED:,} more" if len(unknown) > MAX_LISTED
                else "")
        return frame, [f"columns: missing {missing}, unknown {unknown[:MAX_LISTED]}{more}; "
                       f"expected the template's columns {spec['column'].tolist()}"]
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
    found += _repeated_ids(out, default_wave, order["platform_id"])
    return out, [message for *_, message in sorted(found, key=lambda item: item[:2])]


def _repeated_ids(frame: pd.DataFrame, default_wave: int, position: int
                  ) -> list[tuple[int, int, str]]:
    """An id twice in one wave (the same id in two waves is one platform seen
    twice); ``frame``'s good wave cells are in their canonical form (a year)."""
    ids = frame["platform_id"].map(lambda value: str(value).strip())
    cells = frame["wave"] if "wave" in frame else pd.Series(None, index=frame.index)
    # a bad wave cell (reported as such) counts as the default wave here, so
    # that a repeated id beside it is still reported
    wave = cells.map(lambda value: str(value) if str(value).isdigit() else str(default_wave))
    key = ids + "|" + wave
    found = []
    for value in sorted(key[key.duplicated() & (ids != "")].unique()):
        rows = key.index[key == value].tolist()
        platform, year = value.rsplit("|", 1)
        found.append((rows[1], position, f"rows {rows}, column 'platform_id': "
                      f"{_shown(platform)} appears {len(rows)} times in wave {year}; "
                      "expected each id once a wave"))
    return found


def problem_report(path: Path, problems: list[str], read_as: str | None = None) -> str:
    """One message for a :class:`SurveyError`: the first :data:`MAX_LISTED`
    problems and how many more."""
    listed = "\n  ".join(problems[:MAX_LISTED])
    rest = len(problems) - MAX_LISTED
    more = f"\n  ... and {rest:,} more" if rest > 0 else ""
    how = f"\n  (read as {read_as})" if read_as else ""
    return (f"{path}: {len(problems):,} problem(s); nothing was written:\n  {listed}"
            f"{more}{how}")


def checked_survey(path: Path | str, wave: int | None = None) -> pd.DataFrame:
    """A survey file in the template (CSV in any common encoding and separator,
    .xlsx or .ods), every cell checked and in its canonical form. Every bad
    cell is reported in one :class:`iness.SurveyError` (the first 20, and a
    count)."""
    path = Path(path)
    table = _read_table(path)
    frame, problems = _checked(table.frame, wave or DEFAULT_WAVE)
    problems = table.problems + problems + declared.problems(frame)
    if problems:
        read_as = describe_detection(table.detection).split(": ", 1)[1]
        raise SurveyError(problem_report(path, problems, read_as))
    return frame

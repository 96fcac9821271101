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
import re
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
#: examples a warning quotes
MAX_EXAMPLES = 3
#: separators a list of labels is sometimes written with instead of ';'
#: ('/' and '&' are not among them: they join words inside one sector name,
#: "digital/data/tech", "arts & culture")
OTHER_SEPARATORS = (",", "|", "\n")


class SurveyWarning(UserWarning):
    """Something in a survey file that iness read as written but that may not
    be what the researcher meant (one per column and kind, with a count)."""


def _shown(value) -> str:
    text = str(value)
    return repr(text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 3] + "...")


def _atoms(value: str) -> list[str]:
    return [part.strip() for part in str(value).split(SEPARATOR) if part.strip()]


def _other_separator(atom: str) -> str | None:
    """The first of :data:`OTHER_SEPARATORS` in a keyword, outside any URL in it."""
    bare = re.sub(r"(?:https?://|www\.)\S+", "", atom)
    return next((sep for sep in OTHER_SEPARATORS if sep in bare), None)


def _tag_check(column: str, value: str) -> tuple[str, str | None, str | None]:
    """(cell, problem, note) of a ';'-separated label cell. Only a keyword iness
    cannot key (no letter or digit) is a problem; a cell that seems to join
    labels with another separator gets a note (a warning): inside ';'-separated
    items, commas, slashes, '&' and URLs are part of the keyword."""
    from iness.pipeline.clean.vocab import match_tag
    facet = TAG_COLUMNS[column]
    atoms = _atoms(value)
    for atom in atoms:
        if not any(character.isalnum() for character in atom):
            return value, (f"has the keyword {_shown(atom)} with no letter or digit: "
                           "write it in words or leave it out"), None
    if facet == "free_tag":
        # a cell already using ';' separates its keywords on purpose
        sep = None if len(atoms) > 1 else next(filter(None, map(_other_separator, atoms)),
                                                None)
        return value, None, sep and f"no ';' but {sep!r}"
    for atom in atoms:
        if match_tag(atom, facet).rule != "unmapped":
            continue
        for sep in OTHER_SEPARATORS:
            parts = [part.strip() for part in atom.split(sep) if part.strip()]
            if len(parts) > 1 and any(match_tag(part, facet).rule != "unmapped"
                                      for part in parts):
                return value, None, f"labels joined by {sep!r}"
    return value, None, None


#: what each kind of note tells the researcher, in a warning
NOTE_TEXTS = {
    "no ';' but": "{count} cell(s) hold no ';' but {sep}; each is read as one keyword "
                  "(separate several keywords with ';')",
    "labels joined by": "{count} cell(s) join labels with {sep}; each is kept as one label, "
                        "read as the tag 'other' (separate labels with ';')",
    "city": "{count} cell(s) name a city or region, not a country; kept as written, with "
            "no country code (country_flag 'unknown_name'): write the country",
    "area": "{count} cell(s) name several countries or none ('Europe', 'global'); kept as "
            "written, with no country code (country_flag 'unknown_name')",
}


def warning_lines(notes: list[tuple[int, str, str, str]]) -> list[str]:
    """One line per column and kind of note (row, column, note, value), with
    its count and the first examples; rows as the spreadsheet shows them.

    >>> warning_lines([(4, "country", "city", "Madrid"), (9, "country", "city", "Paris")])
    ["column 'country': 2 cell(s) name a city or region, not a country; kept as written, \
with no country code (country_flag 'unknown_name'): write the country (e.g. row 4: 'Madrid'; \
row 9: 'Paris')"]
    """
    grouped: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for row, column, note, value in sorted(notes, key=lambda item: item[0]):
        grouped.setdefault((column, note), []).append((row, value))
    lines = []
    for (column, note), cells in grouped.items():
        kind = next(kind for kind in NOTE_TEXTS if note.startswith(kind))
        text = NOTE_TEXTS[kind].format(count=f"{len(cells):,}",
                                       sep=note.removeprefix(kind).strip())
        examples = "; ".join(f"row {row}: {_shown(value)}"
                             for row, value in cells[:MAX_EXAMPLES])
        lines.append(f"column {column!r}: {text} (e.g. {examples})")
    return lines


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
        return lambda value: _tag_check(column, value)

    return {"wave": wave, "latitude": number(-90, 90), "longitude": number(-180, 180),
            "start_date": survey_date, "organisation_type": org_type,
            "organisation_size": size, "country": survey_country,
            **{column: tags(column) for column in TAG_COLUMNS}}


def _checked(frame: pd.DataFrame, default_wave: int = DEFAULT_WAVE
             ) -> tuple[pd.DataFrame, list[str], list[tuple[int, str, str, str]]]:
    """(frame with every checked cell in its canonical form, problems as 'row N,
    column C: ...' in row order, notes as (row, column, note, value) for
    :func:`warning_lines`). The frame's index is the spreadsheet row number; a
    row without a wave is of ``default_wave``."""
    spec = template_columns()
    missing = [c for c in spec.loc[spec["required"] == "yes", "column"] if c not in frame]
    known = set(spec["column"])
    unknown = [c for c in frame.columns if c not in known]
    if missing or unknown:
        more = (f" and {len(unknown) - MAX_LISTED:,} more" if len(unknown) > MAX_LISTED
                else "")
        return frame, [f"columns: missing {missing}, unknown {unknown[:MAX_LISTED]}{more}; "
                       f"expected the template's columns {spec['column'].tolist()}"], []
    out = frame.copy()
    found: list[tuple[int, int, str]] = []
    notes: list[tuple[int, str, str, str]] = []
    order = {column: position for position, column in enumerate(frame.columns)}
    for column in ("platform_id", "platform_name"):
        for row in frame.index[frame[column].map(is_missing)]:
            found.append((row, order[column], f"row {row}, column {column!r}: is empty; "
                          "expected a value (required)"))
    found += [(row, 0, message) for row, message in _example_rows(frame, spec)]
    for column, parse in _cell_parsers().items():
        if column not in frame:
            continue
        filled = frame[column][~frame[column].map(is_missing)]
        results = {value: (*parse(value), None)[:3] for value in filled.unique()}
        bad = filled.map(lambda value: results[value][1] is not None).astype(bool)
        out.loc[filled.index[~bad], column] = filled[~bad].map(lambda v: results[v][0])
        found += [(row, order[column],
                   f"row {row}, column {column!r}: {_shown(value)} {results[value][1]}")
                  for row, value in filled[bad].items()]
        notes += [(row, column, results[value][2], value) for row, value in filled.items()
                  if results[value][2]]
    found += _repeated_ids(out, default_wave, order["platform_id"])
    return out, [message for *_, message in sorted(found, key=lambda item: item[:2])], notes


def _example_rows(frame: pd.DataFrame, spec: pd.DataFrame) -> list[tuple[int, str]]:
    """Rows that are still the template's example (same id, name and description)."""
    example = spec.set_index("column")["example"]
    same = pd.Series(True, index=frame.index)
    for column in ("platform_id", "platform_name", "description"):
        if column in frame:
            same &= frame[column].map(lambda value: str(value).strip()) == example[column]
    return [(row, f"row {row}: the template's example row ({example['platform_id']}, "
             f"{example['platform_name']}) is still there; expected your platforms only "
             "(delete the example row)") for row in frame.index[same]]


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
    count); what is read as written but may not be meant so is said in one
    :class:`SurveyWarning` per column and kind."""
    import warnings
    path = Path(path)
    table = _read_table(path)
    frame, problems, notes = _checked(table.frame, wave or DEFAULT_WAVE)
    problems = table.problems + problems + declared.problems(frame)
    if problems:
        read_as = describe_detection(table.detection).split(": ", 1)[1]
        raise SurveyError(problem_report(path, problems, read_as))
    for line in warning_lines(notes):
        warnings.warn(f"{path.name}: {line}", SurveyWarning, stacklevel=2)
    return frame

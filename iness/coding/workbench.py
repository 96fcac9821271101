"""The coding workbench: a survey coded by hand by two (or more) coders, their
agreement, and the settled coding (``iness coding sample`` / ``merge``).

1. :func:`draw_sample` draws a reproducible random sample of coding units
   (:func:`iness.reference.codebook.coding_units`), stratified on request with
   proportional allocation (each stratum gets at least two units when the sample
   is large enough, so that each stratum's share has a variance);
   :func:`sample_files` makes one coding sheet per coder (``.xlsx`` and
   ``.ods``) and ``sample.csv`` (the design: stratum, population, sampled, seed).
2. :func:`read_coding_sheet` reads a filled sheet as any spreadsheet program
   saves it (``.xlsx``, ``.ods`` or CSV; labels in French or English, ``TRUE``,
   ``oui``, ``1``...) into the tidy coding table, and stops at the first value
   outside the codebook with one line naming the file, the row as the
   spreadsheet shows it, the column and the values allowed.
3. :func:`reliability_table`: Krippendorff's alpha per variable (the
   ``krippendorff`` package, compared as :func:`iness.coding.reliability.intercoder`
   compares them) with a percentile bootstrap interval over units (fixed seed).
4. :func:`disagreements` lists what the coders coded differently;
   :func:`settle` applies the adjudication and gives the ``final`` coding.

Sheet design. Multi-valued variables (categories, activities, resources) get
one column per value with a yes/no drop-down: a coder clicks instead of typing
a ``;`` list, a typo cannot hide a value, and an empty cell reads as "no".
Single-valued variables get a drop-down of their values (labels in the sheet's
language; ids and the other language's labels are read too). The ``.ods``
sheets carry the same lists as OpenDocument content validations. A coded
``confidence`` is not adjudicated: the final one is the lowest the coders gave.

Files a person may have edited are never overwritten: every file the workbench
writes is recorded with its SHA-256 in ``hashes.csv``; a recorded file whose
bytes changed since (a sheet filled in place, an adjudication sheet filled) is
kept, and a new sample that would replace it is refused.
"""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd

from iness.errors import InessError
from iness.pipeline import declared
from iness.pipeline.survey_file import read_survey_table
from iness.coding.reliability import PRINCIPLES, principle_of
from iness.reference import codebook
from iness.store import codes
from iness.text import collapse_spaces, is_missing, normalise_key

LANGUAGES = ("en", "fr")
BOOLEAN = ("usable", "is_platform")
MULTI = ("categories", "activities", "resources")
SINGLE = ("primary_category", "scope", "confidence")
#: variables compared between coders and adjudicated (confidence: the lowest is kept)
COMPARED = ("usable", "is_platform", "categories", "primary_category", "activities",
            "resources", "scope")
#: the columns of a coding table (``iness/data/coding/codings.csv``)
CODING_COLUMNS = list(codes.CODING_COLUMNS)
#: what a coder reads, in the sheet before the codes
READ_COLUMNS = ["unit_id", "coder", "project_name", "website", "description"]
SAMPLE_COLUMNS = ["unit_id", "platform_id", "stratum", "population", "sampled", "seed"]
FINAL = "final"
DEFAULT_SEED = 1
REPLICATES = 1000
BOOTSTRAP_SEED = 20231103
SAMPLE_FILE, RELIABILITY_FILE, CODINGS_FILE = "sample.csv", "reliability.csv", "codings.csv"
#: the stratum of every codable unit when the sample was drawn (the frame a
#: stratified estimate weights by; sample.csv lists only the units drawn)
STRATA_FILE = "strata.csv"
ADJUDICATION_FILE, HASHES_FILE = "adjudication.xlsx", "hashes.csv"
CODING_SHEET, ABOUT_SHEET, LISTS_SHEET = "coding", "about", "lists"
SUGGESTION_PREFIX = "CLASSIFIER GUESS"
#: a fixed time for every member of the workbooks written, so that reruns give the same bytes
ZIP_TIME = (2020, 1, 1, 0, 0, 0)
#: what a coder may type instead of yes in a one-column-per-value variable
TICKS = ("x", "X", "\u2713", "\u2714")
_HEADER_ID = re.compile(r"\[(\w+):(\w+)\]\s*$")
_SAFE_CODER = re.compile(r"[A-Za-z0-9][\w-]{0,31}")

WORDS = {
    "en": {"yes": "yes", "no": "no", "suggest": "CLASSIFIER GUESS (not a coding; trained on "
           "DSI4EU)", "none": "none",
           "instructions": [
               "Coding sheet of survey {survey}, sample {sample_id} ({n} units), coder {coder}.",
               "Code each row of the 'coding' sheet from its name, website and description "
               "only, with the codebook (sheet 'codebook'). Do not look at another coder's "
               "sheet.",
               "usable: yes when the text says what the project does; when no, leave every "
               "other code empty except confidence and reason.",
               "is_platform, primary_category, scope: pick one value from the drop-down list.",
               "Categories, activities and resources have one column per value: yes for each "
               "value the text states; an empty cell reads as no. Activities only for "
               "platforms. primary_category is one of the categories marked yes, or 'None "
               "of the eight' when none is.",
               "confidence for every row; reason: one line quoting the words the codes rest on.",
               "Do not change the columns unit_id, coder, project_name, website, description, "
               "nor the headers; save as .xlsx, .ods or CSV, then: iness coding merge SHEET...",
           ]},
    "fr": {"yes": "oui", "no": "non", "suggest": "SUGGESTION DU CLASSIFIEUR (pas un codage ; "
           "entraîné sur DSI4EU)", "none": "aucune",
           "instructions": [
               "Feuille de codage de l'enquête {survey}, échantillon {sample_id} ({n} unités), "
               "codeur {coder}.",
               "Coder chaque ligne de la feuille « coding » à partir de son nom, de son site "
               "et de sa description seulement, avec la grille (feuille « codebook »). Ne pas "
               "regarder la feuille d'un autre codeur.",
               "usable : oui si le texte dit ce que fait le projet ; si non, laisser vides tous "
               "les autres codes sauf confidence et reason.",
               "is_platform, primary_category, scope : choisir une valeur dans la liste "
               "déroulante.",
               "Catégories, activités et ressources ont une colonne par valeur : oui pour chaque "
               "valeur que le texte énonce ; une cellule vide vaut non. Les activités seulement "
               "pour les plateformes. primary_category est une des catégories marquées oui, ou "
               "« Aucune des huit » si aucune ne l'est.",
               "confidence pour chaque ligne ; reason : une ligne citant les mots sur lesquels "
               "reposent les codes.",
               "Ne pas modifier les colonnes unit_id, coder, project_name, website, description "
               "ni les en-têtes ; enregistrer en .xlsx, .ods ou CSV, puis : iness coding merge "
               "FEUILLE...",
           ]},
}
CODEBOOK_HEADER = {"en": ["variable", "value", "label", "question or definition", "includes",
                          "excludes", "the talk's examples"],
                   "fr": ["variable", "valeur", "libellé", "question ou définition", "comprend",
                          "ne comprend pas", "exemples de l'exposé"]}


class CodingSheetError(InessError):
    """A coding or adjudication sheet that cannot be read as the codebook allows."""


# ---------------------------------------------------------------- values and labels

def _definition(variable: str, value_id: str, lang: str) -> str:
    table = codebook.values()
    source = "categories" if variable == "primary_category" and value_id != codebook.NONE \
        else variable
    found = table[(table["variable_id"] == source) & (table["value_id"] == value_id)]
    return found[f"definition_{lang}"].iloc[0].rstrip(". ") if len(found) else ""


@lru_cache(maxsize=None)
def display(variable: str, value_id: str, lang: str) -> str:
    """How a value shows in a sheet's drop-down or header: the framework's label
    for categories and activities, the definition for resources, the id and its
    definition for scope and confidence, yes/no (oui/non) for booleans.

    >>> display("scope", "national", "fr"), display("usable", "true", "fr")
    ('national (Un pays)', 'oui')
    """
    if variable in BOOLEAN:
        return WORDS[lang]["yes" if value_id == "true" else "no"]
    if variable in ("categories", "activities", "primary_category"):
        return codebook.value_label(variable, value_id, lang)
    if variable == "resources":
        return _definition(variable, value_id, lang)
    return f"{value_id} ({_definition(variable, value_id, lang)})"


def allowed(variable: str) -> list[str]:
    """Value ids of a variable (``true``/``false`` for booleans)."""
    return list(_allowed(variable))


@lru_cache(maxsize=None)
def _allowed(variable: str) -> tuple[str, ...]:
    return ("true", "false") if variable in BOOLEAN else tuple(codebook.allowed(variable))


@lru_cache(maxsize=None)
def vocabulary(variable: str) -> dict[str, str]:
    """Normalised spelling -> value id: ids, both languages' drop-down texts and,
    for the declared columns, every spelling the survey template accepts."""
    words: dict[str, str] = {}
    if variable in BOOLEAN:
        words.update({normalise_key(word): value_id for value_id, spellings
                      in declared.BOOLEAN_WORDS.items() for word in spellings})
    elif variable in declared.COLUMNS:
        words.update(declared.vocabulary(variable))
    for value_id in allowed(variable):
        for spelling in (value_id, *(display(variable, value_id, lang) for lang in LANGUAGES)):
            words.setdefault(normalise_key(spelling), value_id)
    if variable in MULTI:
        words.update({normalise_key(word): codebook.NONE for word in declared.NONE_WORDS})
    return words


def expected(variable: str) -> str:
    """The values allowed, for an error message."""
    ids = allowed(variable)
    if variable in BOOLEAN:
        return "expected yes or no (oui/non, true/false, 1/0)"
    several = ("; several separated by ';', or none" if variable in MULTI else "")
    return f"expected one of {', '.join(ids)} (or their labels in the drop-down list){several}"


@lru_cache(maxsize=None)
def value_columns(lang: str) -> list[tuple[str, str, str]]:
    """(variable, value id, header) of the one-column-per-value variables."""
    return [(variable, value_id, f"{display(variable, value_id, lang)} [{variable}:{value_id}]")
            for variable in MULTI for value_id in allowed(variable)]


def code_headers(lang: str) -> list[str]:
    """The coding columns of a sheet, in codebook order."""
    multi = {variable: [header for v, _, header in value_columns(lang) if v == variable]
             for variable in MULTI}
    out = []
    for variable in codebook.variables()["variable_id"]:
        out += multi.get(variable, [variable])
    return out


# ---------------------------------------------------------------- units and the sample

def _first_projects(projects: pd.DataFrame) -> pd.DataFrame:
    """One project per coding unit (the first by wave and id), with ``unit_id``;
    suspect projects and projects without description are never coded."""
    projects = projects[~projects["is_suspect"].astype(bool)] if "is_suspect" in projects \
        else projects
    units = codebook.coding_units(projects)
    frame = projects.reset_index(drop=True).assign(unit_id=units["unit_id"].to_numpy())
    frame = frame[units["has_description"].to_numpy()]
    return (frame.sort_values(["unit_id", "wave", "project_id"], kind="stable")
            .drop_duplicates("unit_id").reset_index(drop=True))


def coding_units(projects: pd.DataFrame, coding: pd.DataFrame | None = None) -> pd.DataFrame:
    """The codable units of a survey, one row each: ``unit_id``, ``platform_id``
    (the first project's id), ``project_name``, ``website``, ``description`` and
    every project column (for ``--stratify``). With ``coding`` (DSI4EU's final
    coding), only its units, with their ``confidence``."""
    first = _first_projects(projects)
    website = first["website_domain"] if "website_domain" in first else pd.Series(
        "", index=first.index)
    out = first.assign(platform_id=first["project_id"].astype(str),
                       website=website.fillna("").astype(str),
                       description=first["description"].map(collapse_spaces))
    if coding is not None:
        out = out.merge(coding[["unit_id", "confidence"]], on="unit_id", how="inner")
    return out.sort_values("unit_id", kind="stable").reset_index(drop=True)


def allocate(population: pd.Series, n: int) -> pd.Series:
    """Units drawn per stratum: proportional to its population (largest
    remainder), at least two (or all it has) when the sample can afford it.

    >>> allocate(pd.Series({"a": 300, "b": 100}), 40).tolist()
    [30, 10]
    >>> allocate(pd.Series({"a": 97, "b": 2, "c": 1}), 10).tolist()
    [7, 2, 1]
    """
    population = population.astype(int)
    if n >= population.sum():
        return population.copy()
    quota = n * population / population.sum()
    out = np.floor(quota).astype(int)
    extra = int(n - out.sum())
    order = (quota - out).sort_values(ascending=False, kind="stable").index[:extra]
    out[order] += 1
    least = population.clip(upper=2)
    if least.sum() <= n:
        while (out < least).any():
            short = (out < least).idxmax()
            spare = (out - quota)[out > least]
            out[spare.idxmax()] -= 1
            out[short] += 1
    return out


def stratum_values(units: pd.DataFrame, column: str | None) -> pd.Series:
    """Each unit's stratum: the value of ``column`` (``all`` without one)."""
    if column is None:
        return pd.Series("all", index=units.index)
    if column not in units:
        usable = sorted(c for c in units.columns if c not in ("unit_id", "description"))
        raise CodingSheetError(f"--stratify {column}: no such column; expected one of "
                               f"{', '.join(usable)}")
    values = units[column].astype(object).map(lambda v: "(missing)" if is_missing(v) else str(v))
    return values


def draw_sample(units: pd.DataFrame, n: int, stratify: str | None = None,
                seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """A random sample of ``units`` (:func:`coding_units`), reproducible with
    ``seed``: the rows of ``sample.csv`` (:data:`SAMPLE_COLUMNS`) with the
    units' texts, in unit_id order."""
    if n < 1:
        raise CodingSheetError(f"--n {n}: expected a positive number of units")
    if units.empty:
        raise CodingSheetError("the survey has no codable unit (no project with a "
                               "description): nothing to sample")
    # the same units in any order give the same sample
    units = units.sort_values("unit_id", kind="stable").reset_index(drop=True)
    strata = stratum_values(units, stratify)
    population = strata.value_counts().sort_index()
    sizes = allocate(population, n)
    rng = np.random.default_rng(seed)
    chosen = []
    for stratum, size in sizes.items():
        members = units.index[(strata == stratum).to_numpy()]
        picked = rng.choice(len(members), size=int(size), replace=False)
        chosen += [(index, stratum) for index in members[np.sort(picked)]]
    rows = units.loc[[index for index, _ in chosen]].assign(
        stratum=[stratum for _, stratum in chosen])
    rows = rows.assign(population=rows["stratum"].map(population).astype(int),
                       sampled=rows["stratum"].map(sizes).astype(int), seed=seed)
    return rows.sort_values("unit_id", kind="stable").reset_index(drop=True)


def sample_id(sample: pd.DataFrame) -> str:
    """A short digest of the units sampled: sheets of one sample share it."""
    text = "\n".join(sorted(sample["unit_id"]))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def coder_names(coders: list[str]) -> list[str]:
    """``['2']`` -> ``['a', 'b']``; names as given otherwise (checked).

    >>> coder_names(["3"]), coder_names(["Ana", "Ben"])
    (['a', 'b', 'c'], ['Ana', 'Ben'])
    """
    if len(coders) == 1 and coders[0].isdigit():
        count = int(coders[0])
        if not 2 <= count <= 26:
            raise CodingSheetError(f"--coders {count}: expected 2 to 26 coders")
        return [chr(ord("a") + i) for i in range(count)]
    bad = [name for name in coders if not _SAFE_CODER.fullmatch(name) or name == FINAL]
    if bad:
        raise CodingSheetError(f"--coders {bad[0]!r}: expected a name of letters, digits, "
                               f"'-' or '_' (other than {FINAL!r})")
    if len(set(coders)) != len(coders) or len(coders) < 2:
        raise CodingSheetError("--coders: expected at least two different names")
    return list(coders)


# ---------------------------------------------------------------- suggestions

def suggestions(codes: pd.DataFrame, projects: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The classifier's guesses per unit (``unit_id`` and one column per
    variable, as labels in ``lang``), from a codes table's ``classifier`` rows."""
    found = codes[codes["method"] == "classifier"]
    units = codebook.coding_units(projects).rename(columns={"project_id": "entity_id"})
    found = found.merge(units[["wave", "entity_id", "unit_id"]], on=["wave", "entity_id"])
    variables = {"is_platform": "is_platform", "category": "categories",
                 "primary_category": "primary_category", "activity": "activities"}
    out = {}
    for framework, variable in variables.items():
        rows = found[found["framework"] == framework].drop_duplicates(["unit_id", "target_id"])
        texts = rows.groupby("unit_id")["target_id"].agg(
            lambda ids: "; ".join(display(variable, i, lang) if i != codebook.NONE
                                  or variable == "primary_category" else WORDS[lang]["none"]
                                  for i in sorted(ids)))
        out[f"{SUGGESTION_PREFIX}: {variable}"] = texts
    return pd.DataFrame(out).rename_axis("unit_id").reset_index()


# ---------------------------------------------------------------- writing workbooks

def stable_zip(data: bytes) -> bytes:
    """A zip archive (``.xlsx``, ``.ods``) with fixed member times and document
    dates, so that the same content gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*",
                                 rb"\g<1>2020-01-01T00:00:00Z", content)
            member = zipfile.ZipInfo(info.filename, ZIP_TIME)
            member.compress_type = info.compress_type
            member.external_attr = 0o644 << 16
            target.writestr(member, content)
    return buffer.getvalue()


@dataclass
class Workbook:
    """Sheets to write, each a list of rows (the first its header), and the
    drop-down lists: (sheet, column header) -> allowed texts."""
    sheets: dict[str, list[list[str]]]
    lists: dict[tuple[str, str], list[str]]
    prompts: dict[tuple[str, str], str]
    rows_validated: dict[str, int]


def _safe_text(value) -> str:
    return "" if is_missing(value) else str(value)


def xlsx_bytes(book: Workbook) -> bytes:
    """The workbook as ``.xlsx`` (openpyxl), drop-downs read from a ``lists`` sheet."""
    from openpyxl import Workbook as Book
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    workbook = Book()
    workbook.remove(workbook.active)
    columns_of_lists: dict[tuple[str, ...], str] = {}
    list_sheet_rows: list[list[str]] = []
    for values in book.lists.values():
        key = tuple(values)
        if key not in columns_of_lists:
            columns_of_lists[key] = get_column_letter(len(columns_of_lists) + 1)
            list_sheet_rows.append(list(values))
    for name, rows in book.sheets.items():
        sheet = workbook.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(r, c, _safe_text(value))
                cell.data_type = "s"  # text as typed: never run as a formula
                if r == 1:
                    cell.font = Font(bold=True)
                if str(rows[0][c - 1]).startswith(SUGGESTION_PREFIX):
                    cell.fill = PatternFill("solid", fgColor="FFE0B2")
        header = rows[0] if rows else []
        for c, title in enumerate(header, start=1):
            width = 60 if title in ("description", "reason") else min(max(len(title), 8), 28)
            sheet.column_dimensions[get_column_letter(c)].width = width
            if title == "description":
                for r in range(2, len(rows) + 1):
                    sheet.cell(r, c).alignment = Alignment(wrap_text=True, vertical="top")
        if name in book.rows_validated:
            sheet.freeze_panes = "C2"
    if list_sheet_rows:
        lists = workbook.create_sheet(LISTS_SHEET)
        for c, values in enumerate(list_sheet_rows, start=1):
            for r, value in enumerate(values, start=1):
                lists.cell(r, c, value).data_type = "s"
        lists.sheet_state = "hidden"
    for (name, title), values in book.lists.items():
        rows = book.sheets[name]
        c = rows[0].index(title) + 1
        letter = columns_of_lists[tuple(values)]
        rule = DataValidation(type="list", formula1=f"={LISTS_SHEET}!${letter}$1:${letter}$"
                              f"{len(values)}", allow_blank=True, showErrorMessage=True,
                              errorStyle="warning", showInputMessage=True)
        rule.promptTitle = title[:32]
        rule.prompt = book.prompts.get((name, title), "")[:255]
        rule.error = "Not in the codebook's list: see the codebook sheet."
        target = get_column_letter(c)
        rule.add(f"{target}2:{target}{book.rows_validated[name] + 1}")
        workbook[name].add_data_validation(rule)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return stable_zip(buffer.getvalue())


def ods_bytes(book: Workbook) -> bytes:
    """The workbook as ``.ods`` (odfpy), drop-downs as OpenDocument content
    validations with the values listed in the condition; one validation per
    list and prompt, and runs of empty cells with the same one written once
    (repeated), which keeps odfpy fast on large samples."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import (ContentValidation, ContentValidations, ErrorMessage, HelpMessage,
                           Table, TableCell, TableRow)
    from odf.text import P
    document = OpenDocumentSpreadsheet()
    validations = ContentValidations()
    names: dict[tuple[str, str], str] = {}
    made: dict[tuple, str] = {}
    for (sheet, title), values in book.lists.items():
        prompt = book.prompts.get((sheet, title), "")
        key = (tuple(values), prompt)
        if key not in made:
            made[key] = f"list{len(made) + 1}"
            quoted = ";".join('"' + value.replace('"', '""') + '"' for value in values)
            rule = ContentValidation(name=made[key], allowemptycell="true",
                                     displaylist="unsorted", basecelladdress=f"{sheet}.A1",
                                     condition=f"of:cell-content-is-in-list({quoted})")
            help_message = HelpMessage(display="true")
            help_message.addElement(P(text=prompt))
            rule.addElement(help_message)
            rule.addElement(ErrorMessage(display="true", messagetype="warning"))
            validations.addElement(rule)
        names[(sheet, title)] = made[key]
    if names:
        document.spreadsheet.addElement(validations)
    for name, rows in book.sheets.items():
        table = Table(name=name)
        header = rows[0] if rows else []
        for r, row in enumerate(rows):
            table_row = TableRow()
            cells = [(_safe_text(value), names.get((name, header[c])) if r else None)
                     for c, value in enumerate(row)]
            c = 0
            while c < len(cells):
                text, rule = cells[c]
                run = 1
                while (not text and c + run < len(cells) and cells[c + run] == (text, rule)):
                    run += 1
                attributes = {"contentvalidationname": rule} if rule else {}
                if run > 1:
                    attributes["numbercolumnsrepeated"] = run
                cell = TableCell(valuetype="string", **attributes) if text else \
                    TableCell(**attributes)
                if text:
                    cell.addElement(P(text=text))
                table_row.addElement(cell)
                c += run
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return stable_zip(buffer.getvalue())


@lru_cache(maxsize=None)
def codebook_rows(lang: str) -> list[list[str]]:
    """The ``codebook`` sheet: each variable's question and instruction, each
    value's label, definition, includes, excludes and the talk's examples, then
    the decision rules (from :mod:`iness.reference.codebook`)."""
    rows = [CODEBOOK_HEADER[lang]]
    values = codebook.values()
    for variable in codebook.variables().itertuples():
        var_id = variable.variable_id
        rows.append([var_id, "", "", f"{getattr(variable, f'question_{lang}')} "
                     f"{getattr(variable, f'instruction_{lang}')}", "", "", ""])
        if variable.kind == "text" or var_id in BOOLEAN:
            continue
        listed = [codebook.NONE] if var_id == "primary_category" else allowed(var_id)
        for value_id in listed:
            source = var_id if var_id != "primary_category" else "primary_category"
            found = values[(values["variable_id"].isin([source, "categories"]))
                           & (values["value_id"] == value_id)].iloc[0]
            framework = codebook.FRAMEWORK_OF.get(var_id)
            rows.append([var_id, value_id, display(var_id, value_id, lang),
                         found[f"definition_{lang}"], found[f"include_{lang}"],
                         found[f"exclude_{lang}"],
                         codebook._examples(framework, value_id) if framework else ""])
    heading = codebook.HEADINGS[lang]["rules"]
    for rule in codebook.rules().itertuples():
        rows.append([heading, rule.rule_id, getattr(rule, f"case_{lang}"),
                     getattr(rule, f"rule_{lang}"), "", "", ""])
    return rows


def _prompt(variable: str, lang: str) -> str:
    question = codebook.variables().set_index("variable_id").loc[variable, f"question_{lang}"]
    return question


def coded_cells(record: dict, lang: str) -> list[str]:
    """A coded unit (a row of a coding table) as the cells of the sheet's coding
    columns, as a coder picks them from the drop-downs."""
    cells = []
    for variable in codebook.variables()["variable_id"]:
        value = record.get(variable)
        if variable in MULTI:
            chosen = value or []
            cells += [display("usable", "true", lang) if value_id in chosen else ""
                      for value_id in allowed(variable)]
        elif variable == "reason":
            cells.append(value or "")
        elif value is None or (not isinstance(value, bool) and is_missing(value)):
            cells.append("")
        elif variable in BOOLEAN:
            cells.append(display(variable, "true" if value else "false", lang))
        else:
            cells.append(display(variable, value, lang))
    return cells


def coding_workbook(sample: pd.DataFrame, coder: str, survey: str, lang: str,
                    suggested: pd.DataFrame | None = None,
                    filled: pd.DataFrame | None = None) -> Workbook:
    """One coder's workbook: the ``coding`` sheet (what to read, empty codes,
    ``reason``; the classifier's guesses at the right only with ``suggested``),
    ``instructions``, ``codebook`` and ``about`` (what identifies the sample).
    ``filled`` (a coding table of this coder, by unit_id) writes the codes of a
    coding made elsewhere into the sheet, as the coder would have picked them."""
    codes = code_headers(lang)
    header = READ_COLUMNS + codes
    frame = sample.assign(coder=coder)
    extra: list[str] = []
    if suggested is not None:
        frame = frame.merge(suggested, on="unit_id", how="left")
        extra = [column for column in suggested.columns if column != "unit_id"]
    rows = [header + [column.replace(SUGGESTION_PREFIX, WORDS[lang]["suggest"])
                      for column in extra]]
    coded = {} if filled is None else {
        record["unit_id"]: record for record in filled.to_dict("records")}
    for record in frame.to_dict("records"):
        cells = (coded_cells(coded[record["unit_id"]], lang) if record["unit_id"] in coded
                 else [""] * len(codes))
        rows.append([record[c] for c in READ_COLUMNS] + cells
                    + [record.get(c, "") for c in extra])
    lists, prompts = {}, {}
    yes_no = [display("usable", value, lang) for value in ("true", "false")]
    for variable in (*BOOLEAN, *SINGLE):
        lists[(CODING_SHEET, variable)] = (yes_no if variable in BOOLEAN else
                                           [display(variable, v, lang) for v in allowed(variable)])
        prompts[(CODING_SHEET, variable)] = _prompt(variable, lang)
    for variable, value_id, title in value_columns(lang):
        lists[(CODING_SHEET, title)] = yes_no
        prompts[(CODING_SHEET, title)] = _prompt(variable, lang)
    identity = sample_id(sample)
    instructions = [[line.format(survey=survey, sample_id=identity, n=len(sample), coder=coder)]
                    for line in WORDS[lang]["instructions"]]
    about = [["key", "value"], ["survey", survey], ["sample_id", identity], ["coder", coder],
             ["units", str(len(sample))], ["seed", str(int(sample["seed"].iloc[0]))],
             ["language", lang], ["codebook_version", codebook.version()]]
    sheets = {CODING_SHEET: rows, "instructions": [["instructions"], *instructions],
              "codebook": codebook_rows(lang), ABOUT_SHEET: about}
    return Workbook(sheets, lists, prompts, {CODING_SHEET: len(sample)})


# ---------------------------------------------------------------- reading coding sheets

def _about(path: Path) -> dict[str, str]:
    """The ``about`` sheet of a workbook (empty for CSV or when missing)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4)
        if head != b"PK\x03\x04":
            return {}
        with open(path, "rb") as handle:
            sheets = pd.read_excel(handle, sheet_name=None, header=None, dtype=str)
    except (ValueError, OSError, KeyError, zipfile.BadZipFile) as error:
        raise CodingSheetError(f"{path}: the workbook cannot be read ({error}); save it "
                               "again from the spreadsheet") from error
    frame = sheets.get(ABOUT_SHEET)
    if frame is None or frame.shape[1] < 2:
        return {}
    return {str(k).strip(): str(v).strip() for k, v in zip(frame[0], frame[1])
            if not is_missing(k) and not is_missing(v)}


@dataclass
class CodingSheet:
    path: Path
    coder: str
    about: dict[str, str]
    codings: pd.DataFrame   # CODING_COLUMNS, lists as Python lists, booleans as bool/None
    rows: dict[str, int]    # unit_id -> row as the spreadsheet shows it
    descriptions: dict[str, str]


def _columns_of(path: Path, headers: dict[str, str]) -> dict[str, object]:
    """Column key of each fixed column and of each (variable, value) column."""
    found: dict[str, object] = {}
    for key, written in headers.items():
        match = _HEADER_ID.search(written)
        if match and match.group(1) in MULTI:
            found[(match.group(1), match.group(2))] = key
        elif key in (*READ_COLUMNS, *BOOLEAN, *SINGLE, "reason"):
            found[key] = key
    needed = [*READ_COLUMNS, *BOOLEAN, *SINGLE, "reason"] + [
        (variable, value_id) for variable, value_id, _ in value_columns("en")]
    missing = [item for item in needed if item not in found]
    if missing:
        name = missing[0] if isinstance(missing[0], str) else \
            f"{missing[0][1]} [{missing[0][0]}:{missing[0][1]}]"
        raise CodingSheetError(f"{path}, row 1: no column {name!r}; expected the coding "
                               f"sheet as iness coding sample wrote it (its headers unchanged)")
    return found


def _problem(path: Path, row: int, column: str, value: str, why: str) -> str:
    return f"{path}, row {row}, column {column!r}: {value!r} {why}"


def parse_value(variable: str, text: str) -> tuple[object, bool]:
    """(value id, or a sorted id list for multi-valued variables, or None when
    empty; whether the text is allowed)."""
    if is_missing(text):
        return ([] if variable in MULTI else None), True
    words = vocabulary(variable)
    if variable in MULTI:
        ids = [words.get(normalise_key(part)) for part in str(text).split(";") if part.strip()]
        if None in ids:
            return None, False
        ids = sorted({i for i in ids if i != codebook.NONE})
        return ids, True
    found = words.get(normalise_key(text))
    return found, found is not None


def record_problems(record: dict) -> list[tuple[str, str]]:
    """What breaks the codebook's rules in one coded unit: (column, why)."""
    found = []
    if record["usable"] is None:
        return [("usable", f"is empty; {expected('usable')} (every unit is coded)")]
    if record["confidence"] is None:
        found.append(("confidence", f"is empty; {expected('confidence')}"))
    if not record["usable"]:
        for variable in ("is_platform", "primary_category", "scope", *MULTI):
            if record[variable]:
                found.append((variable, "is coded for a unit whose usable is no; expected "
                              "empty (an unusable text gets no other code)"))
        return found
    for variable in ("is_platform", "primary_category", "scope"):
        if record[variable] is None:
            found.append((variable, f"is empty; {expected(variable)}"))
    primary, categories = record["primary_category"], record["categories"]
    if primary is not None:
        if primary == codebook.NONE and categories:
            found.append(("primary_category", f"is none while the row codes "
                          f"{', '.join(categories)}; expected one of them"))
        elif primary != codebook.NONE and primary not in categories:
            found.append(("primary_category", "is not among the categories coded in this row "
                          f"({', '.join(categories) or 'none'}); expected one of them"))
    if record["is_platform"] is False and record["activities"]:
        found.append(("activities", "are coded for a unit that is not a platform; key "
                      "activities apply to platforms only"))
    return found


def tidy_record(record: dict) -> dict:
    """A unit's codes as the coding table holds them: nothing but confidence and
    reason when the text is unusable; activities only for platforms."""
    out = dict(record)
    if out["usable"] is False:
        out.update(is_platform=None, primary_category="", scope="", categories=[],
                   activities=[], resources=[])
    elif out["is_platform"] is False:
        out["activities"] = []
    out["primary_category"] = out["primary_category"] or ""
    out["scope"] = out["scope"] or ""
    out["confidence"] = out["confidence"] or ""
    return out


def read_coding_sheet(path: Path | str) -> CodingSheet:
    """A filled coding sheet (``.xlsx``, ``.ods`` or CSV, the ``coding`` sheet
    first) as the tidy coding table; a :class:`CodingSheetError` naming the
    file, row, column and the values allowed at the first value outside the
    codebook (with a count of the others)."""
    path = Path(path)
    try:
        table = read_survey_table(path)
    except InessError as error:
        raise CodingSheetError(str(error)) from error
    if table.problems:
        raise CodingSheetError(f"{path}, {table.problems[0]}")
    columns = _columns_of(path, table.headers)
    frame = table.frame
    problems, records, rows, descriptions = [], [], {}, {}
    coders = {str(v).strip() for v in frame[columns["coder"]] if not is_missing(v)}
    if len(coders) != 1:
        raise CodingSheetError(f"{path}, column 'coder': {sorted(coders)} expected one coder's "
                               "name in every row (one sheet per coder)")
    coder = coders.pop()
    for row, cells in zip(frame.index, frame.to_dict("records")):
        unit = str(cells[columns["unit_id"]]).strip()
        if not unit:
            problems.append(_problem(path, row, "unit_id", "", "is empty; expected the unit "
                                     "id the sample wrote (do not add rows)"))
            continue
        if unit in rows:
            problems.append(_problem(path, row, "unit_id", unit, f"repeats row {rows[unit]}; "
                                     "expected each unit once"))
            continue
        rows[unit] = row
        descriptions[unit] = str(cells[columns["description"]])
        record = {"unit_id": unit, "project_name": str(cells[columns["project_name"]]).strip(),
                  "coder": coder, "reason": collapse_spaces(cells[columns["reason"]]) or ""}
        for variable in (*BOOLEAN, *SINGLE):
            text = cells[columns[variable]]
            value, ok = parse_value(variable, text)
            if not ok:
                problems.append(_problem(path, row, variable, text, f"is not in the codebook; "
                                         f"{expected(variable)}"))
            record[variable] = (value == "true") if variable in BOOLEAN and value else value
        for variable in MULTI:
            chosen = []
            for value_id in allowed(variable):
                key = columns[(variable, value_id)]
                text = cells[key]
                value, ok = ("true", True) if str(text).strip() in TICKS else \
                    parse_value("usable", text)
                if not ok:
                    problems.append(_problem(path, row, table.headers[key], text,
                                             "is not in the codebook; expected yes, no, x or "
                                             "empty (no)"))
                elif value == "true":
                    chosen.append(value_id)
            record[variable] = sorted(chosen)
        if not problems:
            problems += [_problem(path, row, column, _shown(record[column]), why)
                         for column, why in record_problems(record)]
        records.append(tidy_record(record))
    if problems:
        more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" \
            if len(problems) > 1 else ""
        raise CodingSheetError(problems[0] + more)
    return CodingSheet(path, coder, _about(path), pd.DataFrame(records, columns=CODING_COLUMNS),
                       rows, descriptions)


def _shown(value) -> str:
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def same_sample(sheets: list[CodingSheet], sample: pd.DataFrame | None = None) -> None:
    """Stop unless the sheets are of one sample (same ``sample_id`` where the
    workbook says it, same units, each coder once) and of ``sample`` when given."""
    coders = [sheet.coder for sheet in sheets]
    if len(sheets) < 2:
        raise CodingSheetError("expected at least two coders' sheets to merge")
    repeated = sorted({c for c in coders if coders.count(c) > 1})
    if repeated:
        paths = [str(s.path) for s in sheets if s.coder == repeated[0]]
        raise CodingSheetError(f"coder {repeated[0]!r} has several sheets ({', '.join(paths)}); "
                               "expected one sheet per coder")
    ids = {sheet.about["sample_id"] for sheet in sheets if "sample_id" in sheet.about}
    if len(ids) > 1:
        raise CodingSheetError(f"the sheets come from different samples ({', '.join(sorted(ids))}"
                               "); expected the sheets of one `iness coding sample`")
    reference = set(sample["unit_id"]) if sample is not None else set(sheets[0].rows)
    where = "the sample (sample.csv)" if sample is not None else str(sheets[0].path)
    for sheet in sheets:
        units = set(sheet.rows)
        if units != reference:
            extra, missing = sorted(units - reference), sorted(reference - units)
            what = (f"unit {extra[0]} (row {sheet.rows[extra[0]]}) is not in {where}" if extra
                    else f"unit {missing[0]} of {where} is missing")
            raise CodingSheetError(f"{sheet.path}: {what}; expected the units of one sample")


# ---------------------------------------------------------------- reliability

def comparisons(codings: pd.DataFrame, coders: list[str]) -> list[tuple[str, str, list, np.ndarray]]:
    """What is compared, as :func:`iness.coding.reliability.intercoder` compares
    two coders: (variable, target, unit of each item, coders x items values).
    Categories, primary category, resources (by principle) and scope on units
    every coder found usable; activities on units every coder called platforms;
    multi-valued variables per target (0/1) and pooled over targets (``all``)."""
    frames = [codings[codings["coder"] == c].set_index("unit_id") for c in coders]
    units = sorted(set.intersection(*(set(f.index) for f in frames)))
    frames = [f.loc[units] for f in frames]
    position = np.arange(len(units))
    out = []

    def add(variable, target, mask, values):
        out.append((variable, target, position[mask],
                    np.array([[str(v) for v in np.asarray(column, dtype=object)[mask]]
                              for column in values])))

    everyone = np.ones(len(units), dtype=bool)
    add("usable", "", everyone, [f["usable"] for f in frames])
    usable = np.logical_and.reduce([f["usable"].fillna(False).astype(bool).to_numpy()
                                    for f in frames])
    add("is_platform", "", usable, [f["is_platform"] for f in frames])
    add("primary_category", "", usable, [f["primary_category"] for f in frames])
    add("scope", "", usable, [f["scope"] for f in frames])
    platform = usable & np.logical_and.reduce(
        [f["is_platform"].fillna(False).astype(bool).to_numpy() for f in frames])
    multi = {"categories": (usable, [f["categories"] for f in frames],
                            codebook.allowed("categories"), lambda labels: labels),
             "activities": (platform, [f["activities"] for f in frames],
                            codebook.allowed("activities"), lambda labels: labels),
             "resources": (usable, [f["resources"] for f in frames], list(PRINCIPLES),
                           lambda labels: {principle_of(x) for x in labels})}
    for variable, (mask, lists, targets, mapped) in multi.items():
        pooled_units, pooled = [], []
        for target in targets:
            values = [[int(target in mapped(labels)) for labels in column] for column in lists]
            add(variable, target, mask, values)
            pooled_units.append(out[-1][2])
            pooled.append(out[-1][3])
        out.append((variable, "all", np.concatenate(pooled_units),
                    np.concatenate(pooled, axis=1)))
    return out


def nominal_alpha(values: np.ndarray) -> float:
    """Krippendorff's alpha (nominal) of coders x items values (``krippendorff``);
    NaN when no item is compared or every value is the same."""
    distinct = sorted(set(values.ravel()))
    if values.shape[1] == 0 or len(distinct) < 2:
        return float("nan")
    index = {value: number for number, value in enumerate(distinct)}
    data = np.vectorize(index.get, otypes=[float])(values)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def bootstrap_alpha(values: np.ndarray, item_units: np.ndarray, weights: np.ndarray
                    ) -> np.ndarray:
    """Nominal alpha for each row of unit ``weights`` (replicates x units: how
    often each unit is drawn), from the weighted coincidence matrix
    (Krippendorff 2011, every item coded by every coder); NaN where undefined."""
    coders = values.shape[0]
    distinct = sorted(set(values.ravel()))
    if values.shape[1] == 0 or len(distinct) < 2:
        return np.full(len(weights), np.nan)
    index = {value: number for number, value in enumerate(distinct)}
    codes = np.vectorize(index.get)(values)
    counts = np.stack([(codes == k).sum(axis=0) for k in range(len(distinct))], axis=1)
    pairs = counts[:, :, None] * counts[:, None, :] - np.einsum(
        "ik,kl->ikl", counts, np.eye(len(distinct), dtype=int))
    item_weights = weights[:, item_units].astype(float)
    coincidence = np.einsum("ri,ikl->rkl", item_weights, pairs) / (coders - 1)
    marginals = coincidence.sum(axis=2)
    total = marginals.sum(axis=1)
    observed = total - np.trace(coincidence, axis1=1, axis2=2)
    expected_ = total ** 2 - (marginals ** 2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1 - (total - 1) * observed / expected_
    return np.where(expected_ > 0, alpha, np.nan)


def reliability_table(codings: pd.DataFrame, coders: list[str], replicates: int = REPLICATES,
                      seed: int = BOOTSTRAP_SEED) -> pd.DataFrame:
    """Alpha per variable and target with its 95 % percentile bootstrap interval
    (units resampled with replacement, ``replicates`` times, fixed ``seed``)."""
    units = codings.loc[codings["coder"] == coders[0], "unit_id"].nunique()
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(units, np.full(units, 1 / units), size=replicates)
    rows = []
    for variable, target, item_units, values in comparisons(codings, coders):
        boot = bootstrap_alpha(values, item_units, weights)
        kept = boot[~np.isnan(boot)]
        low, high = (np.percentile(kept, [2.5, 97.5]) if len(kept) else (np.nan, np.nan))
        agree = (values == values[0]).all(axis=0)
        rows.append({"variable": variable, "target": target, "n": values.shape[1],
                     "agreement": float(agree.mean()) if len(agree) else np.nan,
                     "alpha": nominal_alpha(values), "alpha_low": float(low),
                     "alpha_high": float(high), "replicates": len(kept), "seed": seed})
    return pd.DataFrame(rows)


def reliability_text(table: pd.DataFrame) -> str:
    """The lines ``merge`` prints: each variable, multi-valued ones pooled."""
    lines = ["Krippendorff's alpha (nominal), 95 % bootstrap interval over units:"]
    for row in table[table["target"].isin(["", "all"])].itertuples():
        name = row.variable + (" (pooled over targets)" if row.target == "all" else "")
        interval = ("not measurable" if row.alpha != row.alpha else
                    f"alpha={row.alpha:.2f} [{row.alpha_low:.2f}, {row.alpha_high:.2f}]")
        lines.append(f"  {name:<36} n={row.n:<5} {interval} agreement={row.agreement:.1%}")
    return "\n".join(lines)


# ---------------------------------------------------------------- disagreements, settling

def canonical(variable: str, value) -> str:
    """A coded value as text: ids ``;``-joined and sorted, ``true``/``false``, or ''."""
    if isinstance(value, (list, tuple)):
        return ";".join(sorted(value))
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    return "" if value is None or value != value else str(value)


def disagreements(codings: pd.DataFrame, coders: list[str], texts: dict[str, str]
                  ) -> pd.DataFrame:
    """One row per unit and variable the coders coded differently, every coding
    and reason side by side, an empty ``final`` and ``final_reason``."""
    frames = {c: codings[codings["coder"] == c].set_index("unit_id") for c in coders}
    units = sorted(frames[coders[0]].index)
    rows = []
    for unit in units:
        for variable in COMPARED:
            values = [canonical(variable, frames[c].at[unit, variable]) for c in coders]
            if len(set(values)) > 1:
                rows.append({"unit_id": unit,
                             "project_name": frames[coders[0]].at[unit, "project_name"],
                             "description": texts.get(unit, ""), "variable": variable,
                             **dict(zip(coders, values)),
                             **{f"reason_{c}": frames[c].at[unit, "reason"] for c in coders},
                             "final": "", "final_reason": ""})
    columns = ["unit_id", "project_name", "description", "variable", *coders,
               *(f"reason_{c}" for c in coders), "final", "final_reason"]
    return pd.DataFrame(rows, columns=columns)


def adjudication_workbook(table: pd.DataFrame, lang: str = "en") -> Workbook:
    """The adjudication sheet (first), instructions and the codebook. ``final``
    has no drop-down: its variable changes from row to row, and merge checks it."""
    rows = [list(table.columns)] + table.astype(object).where(table.notna(), "").values.tolist()
    text = ("One row per unit and variable the coders coded differently. Write the settled "
            "value in 'final' (ids or labels; several separated by ';' for categories, "
            "activities and resources, 'none' for none) and why in 'final_reason'; leave "
            "'final' empty only where the settled usable is no (or is_platform is no, for "
            "activities). Then: iness coding merge SHEETS... --final THIS_FILE")
    return Workbook({"adjudication": rows, "instructions": [["instructions"], [text]],
                     "codebook": codebook_rows(lang)}, {}, {}, {})


def read_adjudication(path: Path | str, expected_rows: pd.DataFrame) -> pd.DataFrame:
    """The filled adjudication sheet: unit_id, variable, final (parsed), final_reason,
    row; checked to cover exactly the disagreements of these sheets."""
    path = Path(path)
    try:
        table = read_survey_table(path)
    except InessError as error:
        raise CodingSheetError(str(error)) from error
    frame = table.frame
    missing = [c for c in ("unit_id", "variable", "final", "final_reason") if c not in frame]
    if missing:
        raise CodingSheetError(f"{path}, row {table.detection.header_row}: no column "
                               f"{missing[0]!r}; expected the adjudication sheet merge wrote")
    rows = []
    for row, cells in zip(frame.index, frame.to_dict("records")):
        variable = str(cells["variable"]).strip()
        if variable not in COMPARED:
            raise CodingSheetError(_problem(path, row, "variable", variable, "is not a variable "
                                            f"coders settle; expected one of {', '.join(COMPARED)}"))
        value, ok = parse_value(variable, cells["final"])
        if not ok:
            raise CodingSheetError(_problem(path, row, "final", cells["final"],
                                            f"is not in the codebook for {variable}; "
                                            f"{expected(variable)}"))
        filled = not is_missing(cells["final"])
        if variable in BOOLEAN and value is not None:
            value = value == "true"
        rows.append({"unit_id": str(cells["unit_id"]).strip(), "variable": variable,
                     "final": value, "filled": filled,
                     "final_reason": collapse_spaces(cells["final_reason"]) or "", "row": row})
    found = pd.DataFrame(rows, columns=["unit_id", "variable", "final", "filled",
                                        "final_reason", "row"])
    keys = set(zip(found["unit_id"], found["variable"]))
    wanted = set(zip(expected_rows["unit_id"], expected_rows["variable"]))
    if keys - wanted:
        unit, variable = sorted(keys - wanted)[0]
        row = found[(found["unit_id"] == unit) & (found["variable"] == variable)]["row"].iloc[0]
        raise CodingSheetError(f"{path}, row {row}: unit {unit}, {variable} is not a "
                               "disagreement of these sheets; expected the adjudication "
                               "sheet of this merge (run merge without --final for a new one)")
    if wanted - keys:
        unit, variable = sorted(wanted - keys)[0]
        raise CodingSheetError(f"{path}: no row for unit {unit}, {variable}, where the coders "
                               "disagree; expected the adjudication sheet of this merge")
    return found


def settle(codings: pd.DataFrame, coders: list[str], adjudication: pd.DataFrame,
           path: Path | str = "adjudication") -> pd.DataFrame:
    """The ``final`` coding: the agreed value where the coders agree, the
    adjudicated one elsewhere, the lowest confidence; a one-line error naming
    the adjudication row for a final left empty or breaking the codebook."""
    frames = {c: codings[codings["coder"] == c].set_index("unit_id") for c in coders}
    first = frames[coders[0]]
    settled = {unit: group.set_index("variable") for unit, group in
               adjudication.groupby("unit_id")}
    rank = {level: number for number, level in enumerate(codebook.CONFIDENCE)}
    out = []
    for unit in sorted(first.index):
        record = first.loc[unit].to_dict() | {"unit_id": unit, "coder": FINAL}
        record.update({variable: None if is_missing(record[variable]) else bool(record[variable])
                       for variable in BOOLEAN})
        decided = settled.get(unit)
        if decided is None:
            record["reason"] = (f"{'both' if len(coders) == 2 else 'all'} coders agree; "
                                f"{coders[0]}: {record['reason']}")
        else:
            for variable, row in decided.iterrows():
                record[variable] = row["final"]
            record = _checked_final(record, decided, path)
            reasons = [r for r in decided["final_reason"] if r]
            record["reason"] = (f"settled ({', '.join(decided.index)})"
                                + (f": {'; '.join(dict.fromkeys(reasons))}" if reasons else ""))
        levels = [frames[c].at[unit, "confidence"] for c in coders]
        record["confidence"] = max(levels, key=lambda level: rank.get(level, -1))
        out.append(tidy_record(record))
    return pd.DataFrame(out, columns=CODING_COLUMNS)


def _checked_final(record: dict, decided: pd.DataFrame, path) -> dict:
    """A settled unit: no final left empty that the codebook needs, and codes
    that agree with each other (the first problem, naming its row)."""
    needed = {"usable"} if record["usable"] is None else set()
    if record["usable"]:
        needed |= {"is_platform", "primary_category", "scope", "categories", "resources"}
        if record["is_platform"]:
            needed.add("activities")
    for variable, row in decided.iterrows():
        if variable in needed and not row["filled"]:
            raise CodingSheetError(f"{path}, row {row['row']}, column 'final': empty for unit "
                                   f"{record['unit_id']}, {variable}; {expected(variable)} "
                                   "(an adjudicated final is never left empty)")
    checked = dict(record)
    for variable in MULTI:
        checked[variable] = checked[variable] or []
    if checked["confidence"] in (None, ""):
        checked["confidence"] = codebook.CONFIDENCE[-1]
    for column, why in record_problems(checked):
        row = decided["row"].iloc[0] if column not in decided.index else \
            decided.at[column, "row"]
        raise CodingSheetError(f"{path}, row {row}, column 'final': unit {record['unit_id']}, "
                               f"{column} {why}")
    return checked


def codings_csv(frame: pd.DataFrame) -> bytes:
    """A coding table in the format of ``iness/data/coding/codings.csv``."""
    out = frame.copy()
    for variable in MULTI:
        out[variable] = out[variable].map(lambda ids: ";".join(sorted(ids or [])))
    for variable in BOOLEAN:
        out[variable] = out[variable].map(lambda v: "" if v is None or v != v
                                          else "true" if v else "false")
    return out[CODING_COLUMNS].to_csv(index=False, lineterminator="\n").encode("utf-8")


def ordered_codings(sheets: list[CodingSheet], final: pd.DataFrame | None = None
                    ) -> pd.DataFrame:
    """Every coder's rows, then ``final``, per unit in unit_id order."""
    parts = [sheet.codings for sheet in sheets] + ([final] if final is not None else [])
    order = {sheet.coder: n for n, sheet in enumerate(sheets)} | {FINAL: len(sheets)}
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.assign(_order=frame["coder"].map(order))
    return frame.sort_values(["unit_id", "_order"], kind="stable").drop(
        columns="_order").reset_index(drop=True)


# ---------------------------------------------------------------- writing, safely

def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def recorded_hashes(folder: Path) -> dict[str, str]:
    path = folder / HASHES_FILE
    if not path.is_file():
        return {}
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return dict(zip(frame["file"], frame["sha256"]))


def edited_files(folder: Path, names) -> list[str]:
    """Which of ``names`` exist in ``folder`` with bytes other than those the
    workbench recorded writing (edited by a person, or not written by iness)."""
    recorded = recorded_hashes(folder)
    return [name for name in names if (folder / name).is_file()
            and recorded.get(name) != sha256((folder / name).read_bytes())]


def write_files(folder: Path | str, files: dict[str, bytes], keep_edited: bool) -> list[str]:
    """Write ``files`` into an iness output folder at once (staged and swapped,
    :func:`iness.outputs.replacing`), with ``hashes.csv``. A file edited since
    the workbench wrote it is kept (``keep_edited``) or stops the run. Returns
    the names kept."""
    from iness.errors import OutputError
    from iness.outputs import check_target, replacing
    folder = check_target(folder)
    edited = edited_files(folder, files)
    if edited and not keep_edited:
        raise OutputError(f"{folder / edited[0]} differs from what iness wrote there (a sheet "
                          "filled in place?): iness does not overwrite it; move it away or "
                          "give another --out")
    files = {name: data for name, data in files.items() if name not in edited}
    recorded = {name: digest for name, digest in recorded_hashes(folder).items()
                if (folder / name).is_file()}
    recorded.update({name: sha256(data) for name, data in files.items()})
    manifest = pd.DataFrame(sorted(recorded.items()), columns=["file", "sha256"])
    files[HASHES_FILE] = manifest.to_csv(index=False, lineterminator="\n").encode("utf-8")
    with replacing(folder, replaces=lambda relative: relative in files) as staging:
        for name, data in files.items():
            (staging / name).write_bytes(data)
    return edited


def frame_strata(units: pd.DataFrame, stratify: str | None = None) -> pd.DataFrame:
    """Every codable unit and its stratum (``strata.csv``), in unit_id order."""
    return (pd.DataFrame({"unit_id": units["unit_id"].to_numpy(),
                          "stratum": stratum_values(units, stratify).to_numpy()})
            .sort_values("unit_id", kind="stable").reset_index(drop=True))


def sample_files(sample: pd.DataFrame, coders: list[str], survey: str, lang: str,
                 suggested: pd.DataFrame | None = None,
                 strata: pd.DataFrame | None = None) -> dict[str, bytes]:
    """``sample.csv``, ``strata.csv`` (when given: :func:`frame_strata`) and each
    coder's ``coding_<coder>.xlsx`` and ``.ods``."""
    files = {SAMPLE_FILE: sample[SAMPLE_COLUMNS].to_csv(index=False, lineterminator="\n")
             .encode("utf-8")}
    if strata is not None:
        files[STRATA_FILE] = strata.to_csv(index=False, lineterminator="\n").encode("utf-8")
    for coder in coders:
        book = coding_workbook(sample, coder, survey, lang, suggested)
        files[f"coding_{coder}.xlsx"] = xlsx_bytes(book)
        files[f"coding_{coder}.ods"] = ods_bytes(book)
    return files


@dataclass
class Merged:
    """What ``merge`` computed: the sheets, the reliability table, the
    disagreements and, with an adjudication, the settled coding."""
    sheets: list[CodingSheet]
    reliability: pd.DataFrame
    disagreements: pd.DataFrame
    codings: pd.DataFrame | None

    @property
    def language(self) -> str:
        """The language the sheets were written in (their ``about`` sheet), else English."""
        found = self.sheets[0].about.get("language", "en")
        return found if found in LANGUAGES else "en"


def merge_sheets(paths: list[Path | str], adjudicated: Path | str | None = None,
                 sample: pd.DataFrame | None = None, replicates: int = REPLICATES) -> Merged:
    """Read the coders' sheets (never written to), measure their agreement,
    list the disagreements and, with ``adjudicated``, settle them."""
    sheets = [read_coding_sheet(path) for path in paths]
    same_sample(sheets, sample)
    coders = [sheet.coder for sheet in sheets]
    codings = ordered_codings(sheets)
    table = reliability_table(codings, coders, replicates)
    found = disagreements(codings, coders, sheets[0].descriptions)
    final = None
    if adjudicated is not None:
        decided = read_adjudication(adjudicated, found)
        final = ordered_codings(sheets, settle(codings, coders, decided, adjudicated))
    return Merged(sheets, table, found, final)


def merge_files(merged: Merged) -> dict[str, bytes]:
    """reliability.csv, the adjudication sheet and, when settled, codings.csv."""
    files = {RELIABILITY_FILE: merged.reliability.to_csv(index=False, lineterminator="\n",
                                                         float_format="%.4f").encode("utf-8"),
             ADJUDICATION_FILE: xlsx_bytes(adjudication_workbook(merged.disagreements,
                                                                 merged.language))}
    if merged.codings is not None:
        files[CODINGS_FILE] = codings_csv(merged.codings)
    return files

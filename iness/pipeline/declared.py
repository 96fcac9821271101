"""Codes a survey declares itself, in the talk's scheme: the ``declared`` method
of the codes table (:mod:`iness.store.codes`).

A survey in the template may carry, per platform, optional columns
(:data:`COLUMNS`): ``categories``, ``primary_category``, ``activities``,
``is_platform``, ``resources``, ``scaling_strategies`` and ``practices``. A
cell holds ids of the talk's frameworks or of the codebook, or their French or
English labels (any case, accents or spacing), several of them separated by
``;`` in the multi-valued columns. ``none`` says "declared, and none of them"
(a measurement, as in the coding); an empty cell says nothing (not declared:
the classifier and the crosswalk may fill in). An optional ``source`` column
says where the codes come from and becomes their ``evidence``.

The values allowed are read from the codebook (:func:`iness.reference.codebook.allowed`)
and the frameworks (:mod:`iness.reference.taxonomy`), never listed here.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd

from iness.reference import codebook, taxonomy
from iness.reference.codebook import CODES_COLUMNS, LIST_SEPARATOR, NONE
from iness.text import is_missing, normalise_key

METHOD = "declared"
#: a declaration states what the survey says outright: nothing to grade
CONFIDENCE = "high"
SOURCE_COLUMN = "source"
#: spellings of the two answers of ``is_platform``, in English and French
BOOLEAN_WORDS = {"true": ("true", "yes", "oui", "vrai", "1"),
                 "false": ("false", "no", "non", "faux", "0")}
NONE_WORDS = (NONE, "aucune", "aucun")


@dataclass(frozen=True)
class Column:
    """One declared column: the framework of the codes table it feeds, where its
    values come from, and whether a cell may hold several."""
    framework: str
    source: str        # a codebook variable, or a framework of iness.reference.taxonomy
    multi: bool


COLUMNS = {
    "categories": Column("category", "categories", True),
    "primary_category": Column("primary_category", "primary_category", False),
    "activities": Column("activity", "activities", True),
    "is_platform": Column("is_platform", "is_platform", False),
    "resources": Column("resource", "resources", True),
    "scaling_strategies": Column("strategy", "strategy", True),
    "practices": Column("practice", "practice", True),
}


def allowed_ids(column: str) -> list[str]:
    """The ids a cell of ``column`` may hold, in codebook or framework order
    (``none`` included where it is a value).

    >>> allowed_ids("is_platform")
    ['true', 'false']
    >>> allowed_ids("categories")[-1], allowed_ids("practices")[0]
    ('none', 'blogs_broadcasting')
    """
    source = COLUMNS[column].source
    if source == "is_platform":
        return list(BOOLEAN_WORDS)
    if source in taxonomy.FRAMEWORKS:
        ids = taxonomy.targets(source)["target_id"].tolist()
    else:
        ids = codebook.allowed(source)
    return ids if NONE in ids or column == "primary_category" else ids + [NONE]


def _spellings(column: str, value_id: str) -> set[str]:
    """Every accepted spelling of one value: its id, its English and French
    labels (for codebook values without a label, their definition)."""
    source = COLUMNS[column].source
    if value_id == NONE:
        if source not in ("categories", "primary_category"):
            return set(NONE_WORDS)
        return {*NONE_WORDS, *(codebook.value_label(source, NONE, language)
                               for language in ("en", "fr"))}
    if source == "is_platform":
        return set(BOOLEAN_WORDS[value_id])
    if source in taxonomy.FRAMEWORKS:
        frame = taxonomy.targets(source).set_index("target_id")
        return {value_id, frame.loc[value_id, "label_en"], frame.loc[value_id, "label_fr"]}
    words = {value_id}
    for language in ("en", "fr"):
        label = codebook.value_label(source, value_id, language)
        if label != value_id:
            words.add(label)
        else:
            values = codebook.values()
            found = values[(values["variable_id"] == source) & (values["value_id"] == value_id)]
            words.update(found[f"definition_{language}"].str.rstrip(". "))
    return words


@cache
def vocabulary(column: str) -> dict[str, str]:
    """Normalised spelling (:func:`iness.text.normalise_key`) -> value id."""
    found: dict[str, str] = {}
    for value_id in allowed_ids(column):
        for spelling in _spellings(column, value_id):
            key = normalise_key(spelling)
            if found.setdefault(key, value_id) != value_id:
                raise ValueError(f"declared column {column!r}: {spelling!r} names both "
                                 f"{found[key]!r} and {value_id!r}")
    return found


def parse_cell(column: str, value) -> tuple[list[str] | None, list[str]]:
    """The ids of one cell (None when empty: not declared) and the parts that
    are not allowed values.

    >>> parse_cell("categories", "Données et transparence ; civic_engagement")
    (['data_transparency', 'civic_engagement'], [])
    >>> parse_cell("activities", "  "), parse_cell("is_platform", "Oui")
    ((None, []), (['true'], []))
    """
    if is_missing(value):
        return None, []
    text = str(value)
    parts = [part.strip() for part in text.split(LIST_SEPARATOR)] if COLUMNS[column].multi \
        else [text.strip()]
    words = vocabulary(column)
    ids, bad = [], []
    for part in parts:
        if not part:
            continue
        found = words.get(normalise_key(part))
        if found is None:
            bad.append(part)
        elif found not in ids:
            ids.append(found)
    return (ids or None), bad


def _expected(column: str) -> str:
    listed = ", ".join(allowed_ids(column))
    several = "; several separated by ';'" if COLUMNS[column].multi else ""
    labels = "" if column == "is_platform" else " (or their French or English labels)"
    return f"expected one of {listed}{labels}{several}"


def _row_problems(record: dict, parsed: dict) -> list[tuple[str, str, str]]:
    """Disagreements between the cells of one row: (column, value, expectation)."""
    found = []
    for column, ids in parsed.items():
        if ids and NONE in ids and len(ids) > 1:
            found.append((column, record[column], "mixes none with values; expected none "
                          "alone or values without none"))
    categories, primary = parsed.get("categories"), parsed.get("primary_category")
    if categories and primary:
        if primary == [NONE] and categories != [NONE]:
            found.append(("primary_category", record["primary_category"],
                          f"is none while categories declares {', '.join(categories)}; "
                          "expected one of them"))
        elif primary != [NONE] and primary[0] not in categories:
            found.append(("primary_category", record["primary_category"],
                          f"is not among the categories declared in this row "
                          f"({', '.join(categories)}); expected one of them"))
    if parsed.get("is_platform") == ["false"] and parsed.get("activities") not in (None, [NONE]):
        found.append(("activities", record["activities"], "is declared for a platform whose "
                      "is_platform is false; key activities apply to platforms only"))
    practices, strategies = parsed.get("practices"), parsed.get("scaling_strategies")
    if strategies == [NONE] and practices and practices != [NONE]:
        found.append(("scaling_strategies", record["scaling_strategies"],
                      f"is none while practices declares {', '.join(practices)}, which fill "
                      "levers of direct user-based growth; expected the strategies, or empty"))
    return found


def problems(frame: pd.DataFrame) -> list[str]:
    """Every bad declared cell, as 'row N, column C: ...'; the frame's index is
    the row as a spreadsheet shows it (the header is row 1)."""
    out = []
    present = [column for column in COLUMNS if column in frame]
    for row, record in zip(frame.index, frame[present].to_dict("records")):
        parsed, found = {}, []
        for column in present:
            ids, bad = parse_cell(column, record[column])
            parsed[column] = ids
            cell = str(record[column]).strip()
            found += [f"row {row}, column {column!r}: {part!r}"
                      + ("" if part == cell else f" (in {cell!r})") + f" {_expected(column)}"
                      for part in bad]
        if not found:  # rows whose values are all allowed: do their cells agree?
            found = [f"row {row}, column {column!r}: {value!r} {expected}"
                     for column, value, expected in _row_problems(record, parsed)]
        out += found
    return out


def declared_values(record: dict) -> dict[str, list[str]]:
    """framework -> ids declared in one valid row. ``primary_category`` follows
    from ``categories`` when it is empty and categories name one value (or
    none); strategies include the levers of the declared practices."""
    out = {}
    for column, spec in COLUMNS.items():
        ids, _ = parse_cell(column, record.get(column))
        if ids is not None:
            out[spec.framework] = ids
    categories = out.get("category")
    if "primary_category" not in out and categories is not None and len(categories) == 1:
        out["primary_category"] = categories
    return out


def _levers(practices: list[list[str]]) -> list[dict[str, str]]:
    """Per row of declared practices, the levers a, b, c they fill, and scaling
    deep when all three (:func:`iness.reference.taxonomy.lever_memberships`,
    called once for all rows), each with what it follows from."""
    frame = pd.DataFrame([(row, practice) for row, ids in enumerate(practices)
                          for practice in ids if practice != NONE],
                         columns=["entity_id", "target_id"])
    found = taxonomy.lever_memberships(frame.assign(entity="project", wave=0))
    # sort=False keeps each row's levers, and the practices each follows from, in
    # the order of its practices; scaling deep comes after the levers
    joined = found.groupby(["entity_id", "target_id"], sort=False)["via_tag"].agg(", ".join)
    out: list[dict[str, str]] = [{} for _ in practices]
    for (row, target), via in joined.items():
        out[row][target] = via
    return out


def declared_codes(frame: pd.DataFrame, project_ids, waves, source_name: str,
                   rows) -> pd.DataFrame:
    """Rows of the codes table (method ``declared``) of a valid survey frame;
    ``project_ids``, ``waves`` and ``rows`` (as a spreadsheet numbers them) are
    aligned with its rows. The evidence names the file and row, and the
    ``source`` cell when there is one."""
    out = []
    sources = frame[SOURCE_COLUMN] if SOURCE_COLUMN in frame else [""] * len(frame)
    declared = [declared_values(record) for record in frame.to_dict("records")]
    filled = _levers([values.get("practice", []) for values in declared])
    for position, values, levers, entity_id, wave, source in zip(
            rows, declared, filled, project_ids, waves, sources):
        if not values:
            continue
        where = f"{source_name} row {position}"
        evidence = where if is_missing(source) else f"{where}: {str(source).strip()}"
        if levers:
            values["strategy"] = [*(t for t in values.get("strategy", []) if t != NONE),
                                  *(t for t in levers if t not in values.get("strategy", []))]
        for framework, targets in values.items():
            for target in targets:
                via = f"; follows from {levers[target]}" if (
                    framework == "strategy" and target in levers) else ""
                out.append({"entity_id": entity_id, "wave": wave, "framework": framework,
                             "target_id": target, "subcategory_id": None, "method": METHOD,
                             "confidence": CONFIDENCE, "score": None,
                             "evidence": evidence + via})
    return pd.DataFrame(out, columns=CODES_COLUMNS)


def lists_frame() -> pd.DataFrame:
    """One column per declared column with its allowed ids (the template's
    drop-down lists), padded with empty cells."""
    lists = {column: allowed_ids(column) for column in COLUMNS}
    height = max(len(ids) for ids in lists.values())
    return pd.DataFrame({column: ids + [""] * (height - len(ids))
                         for column, ids in lists.items()})


#: the question of the two declared columns that are frameworks, not codebook variables
FRAMEWORK_QUESTIONS = {
    "practice": {"en": "Which DSI practices of the talk's back-up matrix does it use?",
                 "fr": "Quelles pratiques de la matrice de l'exposé (diapositives annexes) "
                       "utilise-t-elle ?"},
    "strategy": {"en": "Which of the talk's scaling strategies does it follow? The levers a, "
                       "b, c and scaling deep also follow from its practices.",
                 "fr": "Quelles stratégies de passage à l'échelle de l'exposé suit-elle ? Les "
                       "leviers a, b, c et le scaling deep découlent aussi de ses pratiques."}}


def codebook_frame() -> pd.DataFrame:
    """The template's ``codebook`` sheet: per declared column, its question
    (the codebook's, in English and French), then each allowed value with its
    labels and definition."""
    variables = codebook.variables().set_index("variable_id")
    rows = []
    for column, spec in COLUMNS.items():
        if spec.source in variables.index:
            variable = variables.loc[spec.source]
            question = {lang: f"{variable[f'question_{lang}']} {variable[f'instruction_{lang}']}"
                        for lang in ("en", "fr")}
        else:
            question = FRAMEWORK_QUESTIONS[spec.source]
        rows.append({"column": column, "value": "", "label_en": "", "label_fr": "",
                     "definition_en": question["en"], "definition_fr": question["fr"]})
        rows += [{"column": column, "value": value_id, **_value_texts(spec.source, value_id)}
                 for value_id in allowed_ids(column)]
    return pd.DataFrame(rows, columns=["column", "value", "label_en", "label_fr",
                                       "definition_en", "definition_fr"])


def _value_texts(source: str, value_id: str) -> dict[str, str]:
    """Labels and definition of one value, in English and French (frameworks
    without a French definition leave it empty)."""
    if value_id == NONE:
        eight = source in ("categories", "primary_category")
        return {"label_en": codebook.value_label(source, NONE, "en") if eight else "None",
                "label_fr": codebook.value_label(source, NONE, "fr") if eight else "Aucune",
                "definition_en": "Declared, and none of these values.",
                "definition_fr": "Déclaré, et aucune de ces valeurs."}
    if source == "is_platform":
        english, french = BOOLEAN_WORDS[value_id][:2], BOOLEAN_WORDS[value_id][2:4]
        return {"label_en": " / ".join(english), "label_fr": " / ".join(french),
                "definition_en": "", "definition_fr": ""}
    if source in taxonomy.FRAMEWORKS:
        labels = taxonomy.targets(source).set_index("target_id").loc[value_id]
        if source == "practice":
            described = taxonomy.scaling_matrix().set_index("practice_id").loc[value_id,
                                                                               "description_en"]
        else:
            described = taxonomy.scaling_strategies().set_index("strategy_id").loc[value_id,
                                                                                   "talk_wording"]
        return {"label_en": labels["label_en"], "label_fr": labels["label_fr"],
                "definition_en": described or "", "definition_fr": ""}
    values = codebook.values()
    variable = "categories" if source == "primary_category" else source
    found = values[(values["variable_id"] == variable) & (values["value_id"] == value_id)]
    return {"label_en": codebook.value_label(source, value_id, "en"),
            "label_fr": codebook.value_label(source, value_id, "fr"),
            "definition_en": found["definition_en"].iloc[0],
            "definition_fr": found["definition_fr"].iloc[0]}


LISTS_SHEET = "lists"
#: rows of the platforms sheet that get the drop-down lists
VALIDATED_ROWS = 2000


def allowed_text(column: str) -> str:
    """The allowed ids of a declared column as one line ('' for other columns)."""
    return ", ".join(allowed_ids(column)) if column in COLUMNS else ""


def add_validation(sheet, header: list[str]) -> None:
    """Drop-down lists on the declared columns of an openpyxl ``sheet`` whose
    first row is ``header``; the lists are read from the ``lists`` sheet
    (:func:`lists_frame`). Single-valued columns warn on a value outside the
    list; multi-valued ones take any text, with an input message on ';'."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    for position, column in enumerate(lists_frame().columns, start=1):
        if column not in header:
            continue
        letter = get_column_letter(position)
        source = f"{LISTS_SHEET}!${letter}$2:${letter}${1 + len(allowed_ids(column))}"
        multi = COLUMNS[column].multi
        rule = DataValidation(type="list", formula1=f"={source}", allow_blank=True,
                              showDropDown=False, showErrorMessage=not multi,
                              errorStyle="warning", showInputMessage=True)
        rule.promptTitle = column[:32]
        rule.prompt = (("Pick one value, or type several separated by ';' "
                        "(e.g. education; health). " if multi else "Pick one value. ")
                       + "Labels in French or English are accepted too; empty = not "
                       "declared. See the codebook sheet.")[:255]
        rule.errorTitle = column[:32]
        rule.error = (f"Not in the list of {column}; a French or English label is "
                      "accepted too (see the codebook sheet).")[:255]
        target = get_column_letter(header.index(column) + 1)
        rule.add(f"{target}2:{target}{VALIDATED_ROWS}")
        sheet.add_data_validation(rule)

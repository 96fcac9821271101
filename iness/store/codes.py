"""The ``codes`` table: which platform has which category, activity, resource
and scope, and how we know.

Four methods, best first (:data:`METHODS`):

- ``coded``: read and coded by hand with the codebook (:mod:`iness.reference.codebook`):
  two independent codings, disagreements settled with a written reason; the
  settled coding is package data (``iness/data/coding/codings.csv``), and a
  researcher's survey's is its ``data/coding/<name>/codings.csv`` (same format,
  written by ``iness coding``; its rows' evidence names the coders and reason);
- ``declared``: given by the survey itself in the talk's scheme (its optional
  columns ``categories``, ``activities``, ... read by :mod:`iness.pipeline.declared`);
- ``classifier``: predicted from the description by a text model trained on the
  coding (:mod:`iness.coding.classifier`); for DSI4EU's coded projects, the
  prediction is out of fold, so that its agreement with the coding is honest;
- ``crosswalk``: inferred from survey tags through ``crosswalk.csv``.

Long form, one row per (wave, entity_id, framework, target_id, subcategory_id,
method). A platform coded with no category has one row with target ``none``, so
that "none of the eight" is a measurement, never a missing value.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from iness.reference import codebook, taxonomy
from iness.reference.codebook import CODES_COLUMNS, CONFIDENCE, LIST_SEPARATOR, METHODS, NONE  # noqa: F401
from iness.paths import PACKAGE_DATA

CODING_FILE = PACKAGE_DATA / "coding" / "codings.csv"
#: framework of the codes table -> variable of the codebook
CODED_FRAMEWORKS = {"category": "categories", "activity": "activities",
                    "primary_category": "primary_category", "is_platform": "is_platform",
                    "resource": "resources", "scope": "scope"}


#: the columns of a codings file, in order (``iness/data/coding/codings.csv``)
CODING_COLUMNS = ("unit_id", "project_name", "coder", "usable", "is_platform", "categories",
                  "primary_category", "activities", "resources", "scope", "confidence",
                  "reason")
#: the coder whose rows are the settled (adjudicated) coding
FINAL = "final"
#: list variables of a codings file (their values come from the codebook)
LIST_VARIABLES = ("categories", "activities", "resources")
BOOLEAN_TEXT = {"true": True, "false": False, "": None}


@lru_cache(maxsize=None)
def codings() -> pd.DataFrame:
    """Every coding of DSI4EU, one row per unit and coder (``a``, ``b`` and the
    settled ``final``); list variables as Python lists."""
    return read_codings(CODING_FILE)


def read_codings(path) -> pd.DataFrame:
    """A codings file (the format of ``iness/data/coding/codings.csv``: one row
    per unit and coder), list variables as Python lists and booleans as
    True/False/None. A value outside the codebook is a one-line
    :class:`iness.errors.InessError` naming the file, row and column."""
    from iness.errors import InessError
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [column for column in CODING_COLUMNS if column not in frame.columns]
    if missing:
        raise InessError(f"{path}: missing column(s) {', '.join(missing)} (expected the "
                         f"columns {', '.join(CODING_COLUMNS)})")
    problem = first_bad_coding_value(frame)
    if problem is not None:
        row, column, value, expected = problem
        raise InessError(f"{path}, row {row + 2}, column {column}: {value!r} is not "
                         f"{expected}")
    duplicated = frame.duplicated(["unit_id", "coder"], keep="first")
    if duplicated.any():
        row = int(duplicated.to_numpy().argmax())
        raise InessError(f"{path}, row {row + 2}, column unit_id: unit "
                         f"{frame['unit_id'].iloc[row]!r} is coded twice by coder "
                         f"{frame['coder'].iloc[row]!r} (expected one row per unit and coder)")
    for variable in LIST_VARIABLES:
        frame[variable] = frame[variable].map(
            lambda text: [part for part in text.split(LIST_SEPARATOR) if part])
    for variable in ("usable", "is_platform"):
        frame[variable] = frame[variable].map(BOOLEAN_TEXT)
    return frame


def first_bad_coding_value(frame: pd.DataFrame) -> tuple[int, str, str, str] | None:
    """(row, column, value, what was expected) of the first cell of a codings
    file (as text) that the codebook does not allow, or None."""
    allowed = {variable: codebook.allowed(variable)
               for variable in (*LIST_VARIABLES, "primary_category", "scope")}
    for row, record in enumerate(frame[list(CODING_COLUMNS)].to_dict("records")):
        for column in ("unit_id", "coder"):
            if not record[column]:
                return row, column, "", "a non-empty id"
        for column in ("usable", "is_platform"):
            if record[column] not in BOOLEAN_TEXT:
                return row, column, record[column], "true, false or empty"
        for column in ("primary_category", "scope"):
            if record[column] and record[column] not in allowed[column]:
                return row, column, record[column], "one of " + ", ".join(allowed[column])
        for column in LIST_VARIABLES:
            wrong = [part for part in record[column].split(LIST_SEPARATOR)
                     if part and part not in allowed[column]]
            if wrong:
                expected = (f"one of {', '.join(allowed[column])} "
                            f"(several separated by {LIST_SEPARATOR!r})")
                return row, column, wrong[0], expected
        if record["confidence"] and record["confidence"] not in CONFIDENCE:
            return row, "confidence", record["confidence"], "one of " + ", ".join(CONFIDENCE)
    return None


def no_codings() -> pd.DataFrame:
    """A survey's codings when no coder has read it: no row."""
    return pd.DataFrame({column: pd.Series(dtype=object) for column in CODING_COLUMNS})


def final_codings() -> pd.DataFrame:
    return final_of(codings())


def final_of(found: pd.DataFrame) -> pd.DataFrame:
    """The settled coding: the rows of coder ``final``."""
    return found[found["coder"] == FINAL].reset_index(drop=True)


def coding_evidence(found: pd.DataFrame) -> dict[str, str]:
    """Per unit with a settled coding, what its ``coded`` rows rest on: the unit,
    the coders whose passes were settled and the adjudication's reason."""
    passes = found[found["coder"] != FINAL]
    coders = passes.groupby("unit_id")["coder"].agg(lambda names: ", ".join(sorted(set(names))))
    settled = final_of(found)
    return {unit: f"unit {unit}; coders {coders.get(unit, 'none recorded')}"
                  + (f"; final: {reason}" if reason else "")
            for unit, reason in zip(settled["unit_id"], settled["reason"])}


def _rows(entity_id, wave, framework, target_id, method, confidence, evidence,
          score=None, subcategory_id=None) -> dict:
    return {"entity_id": entity_id, "wave": wave, "framework": framework,
            "target_id": target_id, "subcategory_id": subcategory_id, "method": method,
            "confidence": confidence, "score": score, "evidence": evidence}


def coded_codes(projects: pd.DataFrame, coding: pd.DataFrame, method: str = "coded",
                evidence: dict[str, str] | None = None) -> pd.DataFrame:
    """Codes of each project whose coding unit was coded and usable.

    Categories, activities and resources get a ``none`` row when coded empty
    (activities only for platforms); ``is_platform`` is ``true`` or ``false``.
    ``evidence`` gives a unit's own evidence (coders and reason, see
    :func:`coding_evidence`); by default it is ``unit <id>``."""
    units = codebook.coding_units(projects)
    if units.empty or coding.empty:  # nothing to join (and no key dtype to agree on)
        return pd.DataFrame(columns=CODES_COLUMNS)
    joined = units.merge(coding, on="unit_id", how="inner")
    joined = joined[joined["usable"] == True]  # noqa: E712  (nullable column)
    rows = []
    for record in joined.itertuples():
        base = (record.project_id, record.wave)
        said = (evidence or {}).get(record.unit_id, f"unit {record.unit_id}")
        rows.append(_rows(*base, "is_platform", str(bool(record.is_platform)).lower(), method,
                          record.confidence, said))
        rows.append(_rows(*base, "primary_category", record.primary_category, method,
                          record.confidence, said))
        rows.append(_rows(*base, "scope", record.scope, method, record.confidence, said))
        lists = {"category": record.categories, "resource": record.resources}
        if record.is_platform:
            lists["activity"] = record.activities
        for framework, targets in lists.items():
            for target in targets or [NONE]:
                rows.append(_rows(*base, framework, target, method, record.confidence,
                                  said))
    return pd.DataFrame(rows, columns=CODES_COLUMNS)


def crosswalk_codes(tags: pd.DataFrame, projects: pd.DataFrame,
                    precision: dict[tuple[str, str], float] | None = None,
                    table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Crosswalk memberships of every framework, one row per platform, target and
    sub-category, the tags that led there as ``evidence``; ``score`` is the
    crosswalk's measured precision for that target when known."""
    found = taxonomy.all_memberships(tags, projects, table)
    found = found[found["entity"] == "project"]
    if found.empty:
        return pd.DataFrame(columns=CODES_COLUMNS)
    found = found.assign(evidence=found["via_facet"] + ":" + found["via_tag"],
                         subcategory_id=found["subcategory_id"].fillna(""))
    grouped = joined_evidence(found, ["entity_id", "wave", "framework", "target_id",
                                      "subcategory_id"])
    rows = grouped.assign(subcategory_id=grouped["subcategory_id"].replace({"": None}),
                          method="crosswalk", score=None, confidence=None)[CODES_COLUMNS]
    return with_precision(rows, precision or {})


def joined_evidence(found: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per ``keys``, in their order, with its distinct ``evidence``
    sorted and joined by ``; `` (a pandas groupby calling Python per group is
    most of a large survey's crosswalk time)."""
    from itertools import groupby
    ordered = found[[*keys, "evidence"]].drop_duplicates().sort_values([*keys, "evidence"],
                                                                       kind="stable")
    records = zip(zip(*(ordered[key].tolist() for key in keys)), ordered["evidence"].tolist())
    rows = [(*key, "; ".join(part for _, part in parts))
            for key, parts in groupby(records, key=lambda record: record[0])]
    frame = pd.DataFrame(rows, columns=[*keys, "evidence"])
    return frame.astype({key: ordered[key].dtype for key in keys})


def with_precision(rows: pd.DataFrame, precision: dict[tuple[str, str], float]
                   ) -> pd.DataFrame:
    """Crosswalk rows scored with the crosswalk's measured precision per
    (framework, target), and their confidence from it."""
    scores = [precision.get((framework, target)) for framework, target
              in zip(rows["framework"], rows["target_id"])]
    return rows.assign(score=scores, confidence=[confidence_of(score) for score in scores])


def confidence_of(score: float | None) -> str:
    """A probability or a measured precision as high (≥ 0.8), medium (≥ 0.6) or low.

    >>> confidence_of(0.83), confidence_of(0.6), confidence_of(None)
    ('high', 'medium', 'low')
    """
    if score is None or score != score:
        return "low"
    return "high" if score >= 0.8 else "medium" if score >= 0.6 else "low"


def tidy_codes(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """One codes table in a stable order and with stable dtypes."""
    parts = [part for part in parts if not part.empty]
    if not parts:
        frame = pd.DataFrame({column: pd.Series(dtype=object) for column in CODES_COLUMNS})
    else:
        frame = pd.concat(parts, ignore_index=True)
    frame["wave"] = frame["wave"].astype("int16")
    frame["score"] = pd.to_numeric(frame["score"]).astype(float).round(3)
    order = {method: rank for rank, method in enumerate(METHODS)}
    frame = frame.assign(_method=frame["method"].map(order))
    frame = frame.sort_values(["wave", "entity_id", "framework", "_method", "target_id",
                               "subcategory_id"], kind="stable", na_position="first")
    return frame.drop(columns="_method").reset_index(drop=True)[CODES_COLUMNS]


def best_method(codes: pd.DataFrame) -> pd.DataFrame:
    """Per platform and framework, the best method that measured it (wave,
    entity_id, framework, method)."""
    order = {method: rank for rank, method in enumerate(METHODS)}
    ranked = codes[["wave", "entity_id", "framework", "method"]].drop_duplicates()
    ranked = ranked.assign(_rank=ranked["method"].map(order))
    best = ranked.sort_values("_rank", kind="stable").drop_duplicates(
        ["wave", "entity_id", "framework"])
    return best.drop(columns="_rank")


def select(codes: pd.DataFrame, framework: str, method: str | None = None) -> pd.DataFrame:
    """The codes of one framework from ``method``, or from the best method
    available for each platform (``coded``, then ``declared``, ``classifier``,
    ``crosswalk``). Rows with target ``none`` are kept: they say a platform was
    measured and has no target."""
    if method is not None and method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
    found = codes[codes["framework"] == framework]
    if method is not None:
        return found[found["method"] == method].reset_index(drop=True)
    best = best_method(found)
    return found.merge(best, on=["wave", "entity_id", "framework", "method"]
                       ).reset_index(drop=True)


def as_memberships(selected: pd.DataFrame) -> pd.DataFrame:
    """Codes in the long membership form the analyses use (entity, entity_id, wave,
    target_id, subcategory_id, via_facet, via_tag, framework, method,
    confidence), without the ``none`` rows."""
    kept = selected[selected["target_id"] != NONE]
    return pd.DataFrame({
        "entity": "project", "entity_id": kept["entity_id"], "wave": kept["wave"],
        "target_id": kept["target_id"], "subcategory_id": kept["subcategory_id"],
        "via_facet": kept["method"], "via_tag": kept["evidence"],
        "framework": kept["framework"], "method": kept["method"],
        "confidence": kept["confidence"]}).reset_index(drop=True)


def measured_platforms(codes: pd.DataFrame, framework: str, method: str | None = None
                       ) -> pd.DataFrame:
    """wave, entity_id and method of every platform measured for ``framework``
    (the denominator of its shares)."""
    chosen = select(codes, framework, method)
    return chosen[["wave", "entity_id", "method"]].drop_duplicates().reset_index(drop=True)


def project_columns(projects: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """``is_platform`` (nullable boolean), ``primary_category`` and
    ``coding_status`` of each project, from its best method."""
    keys = projects[["wave", "project_id"]].rename(columns={"project_id": "entity_id"})
    platform = select(codes, "is_platform")[["wave", "entity_id", "target_id"]]
    primary = select(codes, "primary_category")[["wave", "entity_id", "target_id"]]
    out = keys.merge(platform.rename(columns={"target_id": "_platform"}), how="left",
                     on=["wave", "entity_id"])
    out = out.merge(primary.rename(columns={"target_id": "primary_category"}), how="left",
                    on=["wave", "entity_id"])
    is_platform = pd.Series(out["_platform"].map({"true": True, "false": False}).to_numpy(),
                            index=projects.index, dtype="boolean")
    primary = pd.Series(out["primary_category"].to_numpy(), index=projects.index,
                        dtype=object)
    return pd.DataFrame({"is_platform": is_platform, "primary_category": primary})


def coding_status(projects: pd.DataFrame, coding: pd.DataFrame) -> pd.Series:
    """Why each project is or is not coded: ``coded``, ``unusable_text`` (read,
    but the text does not say what it does), ``no_description``, ``suspect`` or
    ``not_coded`` (a description no coder has read, e.g. another survey)."""
    units = codebook.coding_units(projects)
    usable = dict(zip(coding["unit_id"], coding["usable"]))
    status = []
    for unit, has_text, suspect in zip(units["unit_id"], units["has_description"],
                                       projects["is_suspect"]):
        if suspect:
            status.append("suspect")
        elif not has_text:
            status.append("no_description")
        elif unit not in usable:
            status.append("not_coded")
        else:
            status.append("coded" if usable[unit] else "unusable_text")
    return pd.Series(status, index=projects.index, name="coding_status")

"""The measured answers of notebooks 02 and 03, and the checks behind them.

One estimate per question (the coding), then how far it moves when only the
coders' high- or medium-confidence readings count, when the coder prompt lacks
its base-rate sentence, against the talk's own placement of its examples, and
against a human validation coding; associations compare a group with its
complement, corrected for multiplicity, leaving out pairs that overlap by the
codebook's definitions (``iness/data/codebook/overlaps.csv``).
"""
from __future__ import annotations

import dataclasses
import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from iness.analysis import (PLATFORM, _platform_members, measured_platforms, wilson_intervals,
                            with_intervals)
from iness.paths import PACKAGE_DATA
from iness.reference import codebook, taxonomy

#: the coders' own confidence levels kept in the "high or medium only" view
CONFIDENT = ("high", "medium")
OVERLAPS_FILE = PACKAGE_DATA / "codebook" / "overlaps.csv"
EXAMPLE_SURVEY = PACKAGE_DATA / "survey" / "example_survey.csv"
EXAMPLE_CODINGS = PACKAGE_DATA / "coding" / "example_codings.csv"
RECODE_NO_BASE_RATE = PACKAGE_DATA / "coding" / "recode_no_base_rate.csv"
#: the list variables of a coding file, and its boolean ones
LIST_VARIABLES = ("categories", "activities", "resources")
BOOLEAN_VARIABLES = ("usable", "is_platform")
#: the classifier's scores on the survey's own coded units, and on DSI4EU's
ON_SURVEY, ON_DSI4EU = "survey", "dsi4eu"


# --- reading coding files ---------------------------------------------------

def read_codings(path: Path | str) -> pd.DataFrame:
    """A coding file in the format of ``iness/data/coding/codings.csv``, checked
    against the codebook (:func:`iness.store.codes.read_codings`)."""
    from iness.store import codes
    return codes.read_codings(Path(path))


def coder_rows(codings: pd.DataFrame, coder: str = "final") -> pd.DataFrame:
    """One coder's rows, indexed by unit."""
    return codings[codings["coder"] == coder].set_index("unit_id")


# --- confidence -------------------------------------------------------------

def confident_only(survey):
    """The survey with its coding restricted to units the coders rated high or
    medium confidence (other methods untouched): every analysis run on it gives
    the confident-only view of the same estimate."""
    codes = survey.codes
    dropped = (codes["method"] == "coded") & ~codes["confidence"].isin(CONFIDENT)
    return dataclasses.replace(survey, codes=codes[~dropped].reset_index(drop=True))


def beside_confident(full: pd.DataFrame, confident: pd.DataFrame,
                     key: str = "target_id") -> pd.DataFrame:
    """Two share tables of one estimate (all codings; high or medium only) side by
    side: label, then platforms, n, share and interval of each."""
    columns = ["platforms", "n", "share", "ci_low", "ci_high"]
    left = full.set_index(key)[["label", *columns]]
    right = confident.set_index(key)[columns].add_suffix("_confident")
    return left.join(right).reset_index()


# --- shares with a "none" row -----------------------------------------------

def with_none_row(shares: pd.DataFrame, survey, framework: str, method: str,
                  label: str) -> pd.DataFrame:
    """A multi-label share table (:func:`iness.analysis.multilabel_shares`) with
    a last row for the measured platforms that have none of the targets, so
    that "none" is a measurement and never missing."""
    base = measured_platforms(survey, framework, method)
    members = _platform_members(survey.members(framework, method)).merge(base, on=PLATFORM)
    with_any = len(members.drop_duplicates(PLATFORM))
    none = pd.DataFrame({"target_id": [codebook.NONE], "label": [label],
                         "platforms": [len(base) - with_any], "n": [len(base)]})
    none = with_intervals(none, "platforms", "n")
    return pd.concat([shares, none[shares.columns]], ignore_index=True)


# --- associations: a group against its complement ---------------------------

@lru_cache(maxsize=None)
def overlaps() -> pd.DataFrame:
    """Pairs of codebook values that overlap by definition (variable and value of
    each side, reason in English and French)."""
    return pd.read_csv(OVERLAPS_FILE, dtype=str, keep_default_na=False)


def overlapping(variable_a: str, value_a: str, variable_b: str, value_b: str) -> bool:
    """Whether two codebook values overlap by definition (either order)."""
    table = overlaps()
    forward = ((table["variable_a"] == variable_a) & (table["value_a"] == value_a)
               & (table["variable_b"] == variable_b) & (table["value_b"] == value_b))
    backward = ((table["variable_a"] == variable_b) & (table["value_a"] == value_b)
                & (table["variable_b"] == variable_a) & (table["value_b"] == value_a))
    return bool((forward | backward).any())


def newcombe_interval(k1, n1, k0, n0) -> tuple[np.ndarray, np.ndarray]:
    """95 % interval of the difference of two independent proportions k1/n1 -
    k0/n0 (Newcombe 1998, method 10: from the two Wilson intervals)."""
    k1, n1, k0, n0 = (np.asarray(value, dtype=float) for value in (k1, n1, k0, n0))
    low1, high1 = wilson_intervals(k1, n1)
    low0, high0 = wilson_intervals(k0, n0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p0 = k1 / n1, k0 / n0
    difference = p1 - p0
    low = difference - np.sqrt((p1 - low1) ** 2 + (high0 - p0) ** 2)
    high = difference + np.sqrt((high1 - p1) ** 2 + (p0 - low0) ** 2)
    return low, high


def score_test(k1: int, n1: int, k0: int, n0: int) -> float:
    """Two-sided p-value of the score (pooled) test that two independent
    proportions are equal; 1 when the pooled share is 0 or 1 (nothing to test)."""
    pooled = (k1 + k0) / (n1 + n0)
    if pooled in (0.0, 1.0):
        return 1.0
    z = (k1 / n1 - k0 / n0) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    return math.erfc(abs(z) / math.sqrt(2))


def risk_differences(survey, lang: str = "en", method: str = "coded",
                     correction: str = "holm", min_group: int = 1) -> pd.DataFrame:
    """For the platforms ``method`` measured on both frameworks (pooled over
    waves, once per coding unit): for each category and activity, the share of
    the category's platforms running the activity against the share among the
    other platforms, their difference with its 95 % Newcombe interval, the
    score-test p-value and its ``correction`` (statsmodels: ``holm`` or
    ``fdr_bh``) across the tested pairs. Pairs that overlap by definition, or
    whose group or complement is smaller than ``min_group``, are not tested
    (``tested`` False, ``overlap`` True for the former)."""
    from statsmodels.stats.multitest import multipletests
    base = measured_platforms(survey, "activity", method).merge(
        measured_platforms(survey, "category", method), on=PLATFORM)
    total = len(base)

    def chosen(framework):
        return _platform_members(survey.members(framework, method)).merge(
            base, on=PLATFORM).drop_duplicates(PLATFORM + ["target_id"])

    categories, activities = chosen("category"), chosen("activity")
    rows = []
    for category in codebook.allowed("categories"):
        group = categories.loc[categories["target_id"] == category, PLATFORM]
        n1 = len(group)
        for activity in codebook.allowed("activities"):
            running = activities.loc[activities["target_id"] == activity, PLATFORM]
            k1 = len(group.merge(running, on=PLATFORM))
            rows.append({"category_id": category, "activity_id": activity, "in_group": k1,
                         "n_group": n1, "in_rest": len(running) - k1, "n_rest": total - n1,
                         "overlap": overlapping("categories", category, "activities",
                                                activity)})
    table = pd.DataFrame(rows)
    table["share_group"] = table["in_group"] / table["n_group"].replace(0, np.nan)
    table["share_rest"] = table["in_rest"] / table["n_rest"].replace(0, np.nan)
    table["difference"] = table["share_group"] - table["share_rest"]
    low, high = newcombe_interval(table["in_group"], table["n_group"], table["in_rest"],
                                  table["n_rest"])
    table["ci_low"], table["ci_high"] = low, high
    table["tested"] = (~table["overlap"] & (table["n_group"] >= min_group)
                       & (table["n_rest"] >= min_group))
    table["p_value"] = [score_test(*row) if tested else np.nan for tested, row in zip(
        table["tested"], table[["in_group", "n_group", "in_rest", "n_rest"]].itertuples(
            index=False))]
    table["p_adjusted"] = np.nan
    if table["tested"].any():
        tested = table["tested"]
        table.loc[tested, "p_adjusted"] = multipletests(table.loc[tested, "p_value"],
                                                        method=correction)[1]
    table["category"] = [codebook.value_label("categories", c, lang) for c in table["category_id"]]
    table["activity"] = [codebook.value_label("activities", a, lang)
                         for a in table["activity_id"]]
    table.attrs.update(n=total, correction=correction, tests=int(table["tested"].sum()))
    return table


# --- a coding against another ------------------------------------------------

def _indicator(rows: pd.DataFrame, variable: str, value: str) -> pd.Series:
    """Whether each unit's coding holds ``value`` (list variables) or equals it."""
    column = rows[variable]
    if variable in LIST_VARIABLES:
        return column.map(lambda values: value in values)
    if variable in BOOLEAN_VARIABLES:
        return column.map(lambda flag: str(bool(flag)).lower() == value)
    return column == value


def paired_difference(first: pd.Series, second: pd.Series) -> tuple[float, float, float]:
    """Difference of two paired proportions (second minus first) with its 95 %
    interval (Newcombe 1998, method 10 for paired data, from Wilson intervals
    with the phi correction)."""
    first, second = first.astype(bool).to_numpy(), second.astype(bool).to_numpy()
    n = len(first)
    if n == 0:
        return (np.nan, np.nan, np.nan)
    a = int((first & second).sum())
    b = int((~first & second).sum())
    c = int((first & ~second).sum())
    d = n - a - b - c
    p2, p1 = (a + b) / n, (a + c) / n
    low2, high2 = (float(v) for v in wilson_intervals(a + b, n))
    low1, high1 = (float(v) for v in wilson_intervals(a + c, n))
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    phi = 0.0 if margins == 0 else max(a * d - b * c, 0) / math.sqrt(margins)
    difference = p2 - p1
    low = difference - math.sqrt(max((p2 - low2) ** 2 - 2 * phi * (p2 - low2) * (high1 - p1)
                                     + (high1 - p1) ** 2, 0.0))
    high = difference + math.sqrt(max((high2 - p2) ** 2 - 2 * phi * (high2 - p2) * (p1 - low1)
                                      + (p1 - low1) ** 2, 0.0))
    return (difference, max(low, -1.0), min(high, 1.0))


def compared_targets() -> list[tuple[str, str]]:
    """The (variable, value) pairs two codings are compared on: platform or not,
    no category, each category, and each activity."""
    return ([("is_platform", "true"), ("primary_category", codebook.NONE)]
            + [("categories", value) for value in codebook.allowed("categories")]
            + [("activities", value) for value in codebook.allowed("activities")])


def _true(flag) -> bool:
    """A coding's boolean (True, numpy's True or a nullable one) is true; missing is not."""
    return flag is not None and not pd.isna(flag) and bool(flag)


def coding_difference(reference: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """Two codings of the same units (each indexed by unit_id, usable ones
    compared): per target, the share coded by each, the paired difference
    (other minus reference) with its 95 % interval, the share of units on which
    they agree, and n. Activities and categories are compared on units both call
    platforms, the platform flag on units both found usable."""
    shared = reference.index.intersection(other.index)
    usable = [unit for unit in shared
              if _true(reference.loc[unit, "usable"]) and _true(other.loc[unit, "usable"])]
    platforms = [unit for unit in usable if _true(reference.loc[unit, "is_platform"])
                 and _true(other.loc[unit, "is_platform"])]
    rows = []
    for variable, value in compared_targets():
        units = usable if variable == "is_platform" else platforms
        first = _indicator(reference.loc[units], variable, value)
        second = _indicator(other.loc[units], variable, value)
        difference, low, high = paired_difference(first, second)
        rows.append({"variable": variable, "target_id": value, "n": len(units),
                     "share_reference": first.mean() if len(units) else np.nan,
                     "share_other": second.mean() if len(units) else np.nan,
                     "difference": difference, "ci_low": low, "ci_high": high,
                     "agreement": (first == second).mean() if len(units) else np.nan})
    return pd.DataFrame(rows)


def recode_comparison(path: Path | str = RECODE_NO_BASE_RATE,
                      reference: pd.DataFrame | None = None) -> pd.DataFrame:
    """The recoding without the prompt's base-rate sentence (coder ``c``) against
    the settled coding of the same units (:func:`coding_difference`)."""
    from iness.store import codes
    recode = coder_rows(read_codings(path), "c")
    if reference is None:
        reference = codes.final_codings().set_index("unit_id")
    return coding_difference(reference, recode)


# --- criterion validity: the talk's examples ---------------------------------

def talk_placements(path: Path | str = EXAMPLE_SURVEY) -> pd.DataFrame:
    """The talk's placement of its named examples (the example survey's declared
    columns), indexed by platform_id: categories and activities as lists."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).set_index("platform_id")
    placed = pd.DataFrame(index=frame.index)
    for variable in ("categories", "activities"):
        placed[variable] = frame[variable].map(
            lambda text: [part.strip() for part in text.split(codebook.LIST_SEPARATOR)
                          if part.strip()])
    placed["platform_name"] = frame["platform_name"]
    return placed


def criterion_validity(coding: pd.DataFrame, placements: pd.DataFrame,
                       variable: str) -> pd.DataFrame:
    """Per example the talk places under ``variable`` (categories or activities):
    whether the blind coding (indexed by unit_id = platform_id) gives it at least
    one of the talk's values. An example the coding found unusable, or (for
    activities) not a platform, counts as a disagreement."""
    placed = placements[placements[variable].map(len) > 0]
    rows = []
    for unit, talk in placed[variable].items():
        coded = coding.loc[unit, variable] if unit in coding.index else None
        rows.append({"unit_id": unit, "platform_name": placed.loc[unit, "platform_name"],
                     "talk": talk, "coded": coded if coded is not None else [],
                     "found": coded is not None,
                     "agrees": bool(coded) and bool(set(talk) & set(coded))})
    return pd.DataFrame(rows)


def agreement_share(table: pd.DataFrame) -> dict:
    """How many rows agree, of how many, with the share and its 95 % Wilson interval."""
    agrees, n = int(table["agrees"].sum()), len(table)
    low, high = wilson_intervals(agrees, n)
    return {"agrees": agrees, "n": n, "share": agrees / n if n else np.nan,
            "ci_low": float(low), "ci_high": float(high)}


# --- the tag profile of unread projects ---------------------------------------

def unread_tag_profile(survey, wave: int, lang: str = "en") -> pd.DataFrame:
    """The groups outside the talk's eight as what they are: the share of one
    wave's projects that nobody could read (no usable coding) whose tags the
    crosswalk maps to each group, with 95 % intervals."""
    projects = survey.projects[survey.projects["wave"] == wave]
    unread = projects.loc[projects["coding_status"] != "coded", ["wave", "project_id"]]
    outside = taxonomy.categories().query("not in_talk")["category_id"].tolist()
    members = _platform_members(survey.members("category", "crosswalk"))
    members = members[members["target_id"].isin(outside)].merge(unread, on=PLATFORM)
    counts = (members.drop_duplicates(PLATFORM + ["target_id"])["target_id"]
              .value_counts().reindex(outside, fill_value=0))
    table = pd.DataFrame({"target_id": outside, "projects": counts.to_numpy(),
                          "n": len(unread)})
    table = with_intervals(table, "projects", "n")
    table["label"] = table["target_id"].map(taxonomy.label_of("category", lang))
    return table[["target_id", "label", "projects", "n", "share", "ci_low", "ci_high"]]


# --- which data, and its human validation --------------------------------------

def is_dsi4eu(survey) -> bool:
    """Whether the survey is DSI4EU itself: every project comes from one of the
    DSI4EU files the registry pins (prose about DSI4EU is shown only then)."""
    registry = pd.read_csv(PACKAGE_DATA / "registry.csv", dtype=str)
    files = set(registry.loc[registry["source"] == "dsi4eu", "name"])
    sources = set(survey.projects["source_file"].dropna())
    return bool(sources) and sources <= files


def human_validation_file(name: str = "dsi4eu") -> Path:
    """Where the adjudicated human validation coding of a survey is written by the
    coding workbench (``iness coding merge ... --final``)."""
    from iness.paths import coding_dir
    return coding_dir(name) / "codings.csv"


def model_against_human(human: pd.DataFrame, model: pd.DataFrame) -> pd.DataFrame:
    """The model's coding scored against a human coding of the same units (both
    indexed by unit_id): per target, n, the share each gives, and the model's
    precision, recall and F1 taking the human coding as the truth, with the
    share of units on which they agree (:func:`coding_difference`)."""
    table = coding_difference(human, model).rename(
        columns={"share_reference": "share_human", "share_other": "share_model"})
    shared = human.index.intersection(model.index)
    scores = []
    for row in table.itertuples():
        usable = [unit for unit in shared
                  if _true(human.loc[unit, "usable"]) and _true(model.loc[unit, "usable"])]
        units = usable if row.variable == "is_platform" else [
            unit for unit in usable if _true(human.loc[unit, "is_platform"])
            and _true(model.loc[unit, "is_platform"])]
        truth = _indicator(human.loc[units], row.variable, row.target_id).astype(bool)
        guess = _indicator(model.loc[units], row.variable, row.target_id).astype(bool)
        tp, fp, fn = (int((truth & guess).sum()), int((~truth & guess).sum()),
                      int((truth & ~guess).sum()))
        precision = tp / (tp + fp) if tp + fp else np.nan
        recall = tp / (tp + fn) if tp + fn else np.nan
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else np.nan
        scores.append({"precision": precision, "recall": recall, "f1": f1})
    return pd.concat([table, pd.DataFrame(scores)], axis=1)


def human_validation(name: str = "dsi4eu") -> pd.DataFrame | None:
    """The language model's settled coding against the adjudicated human
    validation coding, where one has been filled (None until then)."""
    from iness.store import codes
    path = human_validation_file(name)
    if not path.exists():
        return None
    human = coder_rows(read_codings(path), "final")
    return model_against_human(human, codes.final_codings().set_index("unit_id"))


def codebook_release() -> dict:
    """The codebook's version and the date it was used for the coding (its
    ``version.csv``, last row)."""
    table = pd.read_csv(PACKAGE_DATA / "codebook" / "version.csv", dtype=str)
    return {"version": table["version"].iloc[-1], "date": table["date"].iloc[-1]}


# --- the classifier where it is used ------------------------------------------

def classifier_scores(survey, framework: str) -> tuple[str, pd.DataFrame]:
    """The classifier's cross-validated precision, recall and F1 per target of
    ``framework``: measured on this survey's own coded units where it has some
    (``"survey"``), else DSI4EU's scores (``"dsi4eu"``: then the classifier is
    unvalidated on this survey). Where the scores come from, and the rows."""
    table = survey.classifier_quality
    rows = table[table["framework"] == framework]
    for measured_on in (ON_SURVEY, ON_DSI4EU):
        found = rows[(rows["measured_on"] == measured_on) & rows["n"].fillna(0).gt(0)]
        if len(found):
            return measured_on, found.reset_index(drop=True)
    return ON_DSI4EU, rows.iloc[0:0]


def micro_f1(rows: pd.DataFrame) -> float:
    """The micro-averaged F1 of per-target scores (precision, recall, positives):
    true positives, false positives and false negatives pooled."""
    rows = rows.dropna(subset=["precision", "recall", "positives"])
    positives = rows["positives"].astype(float).to_numpy()
    hits = rows["recall"].astype(float).to_numpy() * positives
    precision = rows["precision"].astype(float).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        predicted = np.where(precision > 0, hits / precision, 0.0)
    tp, fn, fp = hits.sum(), (positives - hits).sum(), (predicted - hits).sum()
    return float(2 * tp / (2 * tp + fp + fn)) if (2 * tp + fp + fn) else float("nan")


# --- prediction-powered shares --------------------------------------------------

def survey_name(data) -> str:
    """The name a built survey's coding is kept under (:func:`iness.paths.coding_dir`):
    its folder's name, DSI4EU's when the notebook reads the default tables."""
    return Path(data).name if data else "dsi4eu"


def partly_coded(survey) -> bool:
    """Whether some, not all, of the survey's described units were coded by
    reading: then a coded sample can correct the classifier for the rest."""
    status = survey.projects["coding_status"]
    described = status.isin(["coded", "unusable_text", "not_coded"])
    read = status.isin(["coded", "unusable_text"])
    return bool(read.any() and (described & ~read).any())


def ppi_shares(survey, name: str) -> pd.DataFrame | None:
    """The survey's prediction-powered shares (:func:`iness.analysis.ppi.survey_shares`)
    where a coded sample stands beside classifier predictions for the rest;
    None where every unit or none was coded."""
    if not partly_coded(survey):
        return None
    import warnings

    from iness.analysis import ppi
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # the design's absence is said in the notebook
        return ppi.survey_shares(survey, name)


def human_ppi_shares(survey, human: pd.DataFrame, design: pd.DataFrame | None = None
                     ) -> pd.DataFrame:
    """Prediction-powered shares of a survey the language model coded whole, from
    a human validation coding of a sample of its units (``human``: one row per
    unit, the codings format): people's codes are the truth on the sample and the
    model's codes stand where :func:`iness.analysis.ppi.share_table` takes a
    classifier's, so the shares carry the model's error against people."""
    from iness.analysis import ppi
    from iness.store import codes as code_table
    model = survey.codes[survey.codes["method"] == "coded"].assign(method="classifier")
    people = code_table.coded_codes(survey.projects, human)
    projects = survey.projects.assign(
        coding_status=code_table.coding_status(survey.projects, human).to_numpy())
    strata = None
    if design is not None and set(design["stratum"]) != {ppi.ALL}:
        final = code_table.final_codings().set_index("unit_id")["confidence"]
        strata = final
    units = ppi.survey_units(pd.concat([people, model], ignore_index=True), projects, design,
                             strata)
    if design is None:
        design = ppi.simple_design(units)
    return ppi.share_table(units, design)


def coding_indicators(rows: pd.DataFrame) -> pd.DataFrame:
    """Codings (indexed by unit_id) as the 0/1 indicators the prediction-powered
    estimator reads, one column per ``framework:target``
    (:func:`iness.analysis.ppi.indicator_columns`) and ``usable``; an unusable
    unit is 0 everywhere."""
    from iness.analysis import ppi
    out = {}
    usable = rows["usable"].map(_true)
    platform = rows["is_platform"].map(_true) & usable
    for column in ppi.indicator_columns():
        framework, _, target = column.partition(":")
        if framework == "is_platform":
            values = platform
        elif framework == "primary_category":
            values = usable & (rows["primary_category"] == target)
        else:
            variable = ppi.FRAMEWORK_VARIABLES[framework]
            values = usable & rows[variable].map(
                lambda found: (not found) if target == codebook.NONE else target in found)
            if framework == "activity":
                values &= platform
        out[column] = values.astype(float)
    out[ppi.USABLE] = usable.astype(float)
    return pd.DataFrame(out, index=rows.index)


def ppi_units(truth: pd.DataFrame, predicted: pd.DataFrame) -> pd.DataFrame:
    """The units frame of :func:`iness.analysis.ppi.share_table` from two
    codings indexed by unit_id: ``truth`` for the read sample, ``predicted`` for
    every unit (a unit the prediction misses counts 0 everywhere but usable)."""
    ids = sorted(set(predicted.index) | set(truth.index))
    y = coding_indicators(truth).reindex(ids)
    f = coding_indicators(predicted).reindex(ids, fill_value=0.0)
    f["usable"] = 1.0
    units = pd.concat([y.add_prefix("y_"), f.add_prefix("f_")], axis=1)
    units = units.rename_axis("unit_id").reset_index()
    units.insert(1, "coded", units["unit_id"].isin(truth.index))
    units.insert(1, "stratum", "all")
    return units


def own_coders(name: str) -> pd.DataFrame | None:
    """A researcher's survey's coding by reading (``coding_dir(name)/codings.csv``)
    with the rows of its first two coders, for their agreement; None where it
    has no such file or fewer than two coders besides the settled ``final``."""
    path = human_validation_file(name)
    if not path.exists():
        return None
    found = read_codings(path)
    coders = [coder for coder in dict.fromkeys(found["coder"]) if coder != "final"]
    if len(coders) < 2:
        return None
    return found[found["coder"].isin(coders[:2])].assign(
        coder=lambda frame: frame["coder"].map({coders[0]: "a", coders[1]: "b"}))

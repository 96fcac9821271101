"""Exercises of the students' tutorial (notebook 00): each answer is checked
against a value computed from the data, never typed in.

Exercises 1 to 4 are on the survey the notebook reads; 5 to 7 walk through the
coding workbench on the shipped example survey (the talk's named examples),
whose two coders' sheets and adjudication are ``iness/data/coding/example_codings.csv``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from iness import analysis
from iness.analysis import findings
from iness.reference import taxonomy
from iness.i18n import label as text
from iness.notebook import say

#: the workbench walk-through: how many of the example's units are sampled, and the seed
SAMPLE_SIZE = 20
SEED = 2020


def reference_method(survey) -> str:
    """The method the tutorial counts categories by: 02's reference (the coding,
    else the survey's declaration), else the classifier."""
    return analysis.reference_method(survey, "category") or "classifier"


def overcounted_target(members: pd.DataFrame) -> str | None:
    """The target whose rows most exceed its distinct projects (a project
    reached by several tags), or None where no row repeats a project."""
    per_target = members.groupby("target_id").agg(rows=("entity_id", "size"),
                                                  projects=("entity_id", "nunique"))
    excess = per_target["rows"] - per_target["projects"]
    return excess.idxmax() if len(excess) and excess.max() > 0 else None


def expected_answers(survey) -> dict[int, object]:
    """The answer of each exercise on the survey, computed from it."""
    wave = survey.waves[0]
    projects = survey.projects[survey.projects["wave"] == wave]
    method = reference_method(survey)
    shares = analysis.multilabel_shares(survey, "category", method=method).set_index("target_id")
    talk = set(taxonomy.categories().query("in_talk")["category_id"])
    members = survey.members("category", method="crosswalk")
    in_any = members[(members["wave"] == wave) & members["target_id"].isin(talk)]
    return {
        1: len(projects),
        2: float(shares.loc["health", "share"]) if shares["n"].iloc[0] else float("nan"),
        3: int(in_any["entity_id"].nunique()),
        4: shares["platforms"].idxmax(),
        **workbench_answers(),
    }


# --- the coding workbench on the example survey ------------------------------

def example_sample(size: int = SAMPLE_SIZE, seed: int = SEED) -> list[str]:
    """A reproducible simple random sample of the example survey's units (its
    platform ids), in id order."""
    units = sorted(findings.talk_placements().index)
    chosen = np.random.default_rng(seed).choice(len(units), size=size, replace=False)
    return sorted(units[i] for i in chosen)


def example_sheets(sample: list[str]) -> dict[str, pd.DataFrame]:
    """The two coders' filled sheets (``a``, ``b``) and the adjudicated
    ``final`` for the sampled units, from the shipped example coding (a
    language model's two blind passes and its adjudication)."""
    codings = findings.read_codings(findings.EXAMPLE_CODINGS)
    codings = codings[codings["unit_id"].isin(sample)]
    return {coder: codings[codings["coder"] == coder].reset_index(drop=True)
            for coder in ("a", "b", "final")}


def disagreements(first: pd.DataFrame, second: pd.DataFrame,
                  variables=("is_platform", "categories", "primary_category", "activities")
                  ) -> pd.DataFrame:
    """The units two coders coded differently on any of ``variables``, both
    codings side by side (the adjudication sheet's rows)."""
    joined = first.set_index("unit_id")[list(variables)].add_suffix("_a").join(
        second.set_index("unit_id")[list(variables)].add_suffix("_b"))
    differ = np.zeros(len(joined), dtype=bool)
    for variable in variables:
        left, right = joined[f"{variable}_a"], joined[f"{variable}_b"]
        differ |= [(sorted(x) if isinstance(x, list) else x)
                   != (sorted(y) if isinstance(y, list) else y) for x, y in zip(left, right)]
    return joined[differ].reset_index()


def talk_predictions() -> pd.DataFrame:
    """The talk's own placement of every example as a coding (indexed by
    unit_id): the cheap prediction available for every unit, which the read
    sample corrects."""
    frame = pd.read_csv(findings.EXAMPLE_SURVEY, dtype=str, keep_default_na=False)
    split = lambda text: [part.strip() for part in text.split(";") if part.strip()]  # noqa: E731
    return pd.DataFrame({
        "usable": True, "is_platform": frame["is_platform"].str.lower().eq("true").to_numpy(),
        "categories": frame["categories"].map(split).to_numpy(),
        "primary_category": frame["primary_category"].replace("", "none").to_numpy(),
        "activities": frame["activities"].map(split).to_numpy()},
        index=frame["platform_id"].rename("unit_id"))


def example_ppi(sample: list[str]) -> pd.DataFrame:
    """Prediction-powered shares of the 43 examples: the adjudicated reading of
    the sample corrects the talk's placement of every example."""
    from iness.analysis import ppi
    final = example_sheets(sample)["final"].set_index("unit_id")
    units = findings.ppi_units(final, talk_predictions())
    return ppi.share_table(units, ppi.simple_design(units))


def workbench_answers(sample: list[str] | None = None) -> dict[int, object]:
    """Exercises 5 to 7: Krippendorff's alpha of the two coders on the
    categories (all targets pooled, 2 decimals), how many
    sampled units the adjudication had to settle, and the prediction-powered
    share of sharing platforms among the 43 examples (3 decimals)."""
    from iness.coding import reliability
    sample = example_sample() if sample is None else sample
    sheets = example_sheets(sample)
    both = pd.concat([sheets["a"], sheets["b"]], ignore_index=True)
    alpha = reliability.intercoder(both).set_index(["variable", "target"])
    shares = example_ppi(sample).set_index(["framework", "target_id"])
    return {5: round(float(alpha.loc[("categories", "all"), "alpha"]), 2),
            6: len(disagreements(sheets["a"], sheets["b"])),
            7: round(float(shares.loc[("category", "sharing"), "estimate"]), 3)}


def check(number: int, answer, survey):
    """Say whether an exercise's answer is right, in the language set; ``None``
    means not tried yet. A wrong answer fails the cell (an ``AssertionError``
    with a hint)."""
    if answer is None:
        return say(text("tutorial_not_answered").format(number=number))
    expected = expected_answers(survey)[number]
    if isinstance(expected, float):
        tolerance = 0.01 if number == 5 else 0.001
        assert abs(float(answer) - expected) < tolerance, \
            text("tutorial_wrong_share").format(number=number, answer=repr(answer))
    else:
        assert answer == expected, text("tutorial_wrong").format(number=number,
                                                                  answer=repr(answer))
    return say(text("tutorial_correct").format(number=number))

"""How far two measurements of the same platforms agree.

- :func:`intercoder`: the two independent codings of the codebook, variable
  by variable: Krippendorff's alpha (``krippendorff``) and Cohen's kappa
  (scikit-learn), with raw agreement and n;
- :func:`method_agreement`: a cheaper method (crosswalk, classifier) against
  the coding: precision, recall and F1 per target, and micro-averaged.
"""
from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from iness.reference import codebook

PRINCIPLES = ("market", "redistribution", "reciprocity")


def _alpha(first: list, second: list) -> float:
    """Nominal Krippendorff's alpha of two coders; NaN when every value is the same."""
    values = sorted({*first, *second}, key=str)
    if len(values) < 2:
        return float("nan")
    index = {value: number for number, value in enumerate(values)}
    data = np.array([[index[v] for v in first], [index[v] for v in second]], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def _kappa(first: list, second: list) -> float:
    if len({*first, *second}) < 2:
        return float("nan")
    return float(cohen_kappa_score([str(v) for v in first], [str(v) for v in second]))


def _row(variable: str, target: str, first: list, second: list) -> dict:
    first, second = list(first), list(second)
    agree = float(np.mean([a == b for a, b in zip(first, second)])) if first else np.nan
    binary = {*first, *second} <= {0, 1}
    return {"variable": variable, "target": target, "n": len(first),
            "positives_a": int(sum(first)) if binary else np.nan,
            "positives_b": int(sum(second)) if binary else np.nan,
            "agreement": agree, "kappa": _kappa(first, second),
            "alpha": _alpha(first, second)}


def principle_of(resource: str) -> str:
    """``market_fees`` -> ``market``."""
    return resource.split("_", 1)[0]


def intercoder(codings: pd.DataFrame, first: str = "a", second: str = "b") -> pd.DataFrame:
    """Agreement of two codings, per variable and target. Categories, primary
    category, resources and scope are compared on units both coders found
    usable; activities on units both coded as platforms; multi-label variables
    per target (binary) and pooled over targets (``all``)."""
    a = codings[codings["coder"] == first].set_index("unit_id")
    b = codings[codings["coder"] == second].set_index("unit_id")
    units = a.index.intersection(b.index)
    a, b = a.loc[units], b.loc[units]
    rows = [_row("usable", "", a["usable"].astype(int), b["usable"].astype(int))]
    both = (a["usable"] == True) & (b["usable"] == True)  # noqa: E712
    ua, ub = a[both], b[both]
    rows.append(_row("is_platform", "", ua["is_platform"].astype(int),
                     ub["is_platform"].astype(int)))
    rows.append(_row("primary_category", "", ua["primary_category"], ub["primary_category"]))
    rows.append(_row("scope", "", ua["scope"], ub["scope"]))
    platforms = (ua["is_platform"] == True) & (ub["is_platform"] == True)  # noqa: E712
    multi = {
        "categories": (ua["categories"], ub["categories"], codebook.allowed("categories")),
        "activities": (ua.loc[platforms, "activities"], ub.loc[platforms, "activities"],
                       codebook.allowed("activities")),
        "resources": (ua["resources"].map(lambda r: sorted({principle_of(x) for x in r})),
                      ub["resources"].map(lambda r: sorted({principle_of(x) for x in r})),
                      list(PRINCIPLES)),
    }
    for variable, (left, right, targets) in multi.items():
        pooled_left, pooled_right = [], []
        for target in targets:
            x = [int(target in labels) for labels in left]
            y = [int(target in labels) for labels in right]
            rows.append(_row(variable, target, x, y))
            pooled_left += x
            pooled_right += y
        rows.append(_row(variable, "all", pooled_left, pooled_right))
    return pd.DataFrame(rows)


def method_agreement(predicted: pd.DataFrame, reference: pd.DataFrame,
                     targets: list[str]) -> pd.DataFrame:
    """Precision, recall and F1 of ``predicted`` against ``reference``, per target
    and micro-averaged (``all``), over the platforms both measured.

    Both frames hold (wave, entity_id, target_id) rows, ``none`` rows included,
    so that a platform measured with no target counts in the denominator."""
    keys = ["wave", "entity_id"]
    common = (predicted[keys].drop_duplicates()
              .merge(reference[keys].drop_duplicates(), on=keys))
    rows = []
    totals = np.zeros(3, dtype=int)
    for target in targets:
        p = predicted.loc[predicted["target_id"] == target, keys].drop_duplicates()
        r = reference.loc[reference["target_id"] == target, keys].drop_duplicates()
        p, r = p.merge(common, on=keys), r.merge(common, on=keys)
        tp = len(p.merge(r, on=keys))
        counts = np.array([tp, len(p) - tp, len(r) - tp])
        totals += counts
        rows.append(_scores(target, len(common), *counts))
    rows.append(_scores("all", len(common), *totals))
    return pd.DataFrame(rows)


def _scores(target: str, n: int, tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else np.nan
    recall = tp / (tp + fn) if tp + fn else np.nan
    f1 = (2 * tp / (2 * tp + fp + fn)) if tp + fp + fn else np.nan
    return {"target": target, "n": n, "predicted": tp + fp, "reference": tp + fn,
            "true_positives": tp, "precision": precision, "recall": recall, "f1": f1}

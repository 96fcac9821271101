#!/usr/bin/env python3
"""Revise ``crosswalk.csv`` against the coding: measured, not by hand.

    python coding/revise_crosswalk.py          # after `iness build`

For each crosswalk row into the category or activity framework, precision is
the share of coded DSI4EU projects carrying the term (activities: coded
platforms) that the coding puts in the row's target. A row is dropped when

- ``low precision``: at least MIN_SUPPORT coded projects carry the term and
  fewer than MIN_PRECISION of them are in its target;
- ``near-universal``: more than MAX_COVERAGE of coded projects carry the term
  and its precision is under 0.5 (a tick-box that nearly everyone ticked);
- ``feeds two frameworks``: the same term also feeds the other framework
  (category and activity), whose association notebook 03 reports; the row with
  the lower precision goes.

Rows of other frameworks, rows into targets outside the codebook (the DSI4EU
groups kept outside the eight), and rows whose term too few coded projects
carry, are kept as they were.

To keep the revision honest, it is measured on the coded units of one half
(unit ids starting with 0-7) and its effect is printed on the other half. Each dropped row says why, with its figures, in
``revision_note``; ``status`` is ``kept`` or ``dropped``.
"""
from __future__ import annotations

import pandas as pd

import iness
import iness.codes
from iness import codebook, taxonomy
from iness.measure import crosswalk_quality, genuine

MIN_SUPPORT = 10
MIN_PRECISION = 0.2
MAX_COVERAGE = 0.25
PATH = taxonomy.FRAMEWORK_DIR / "crosswalk.csv"


def row_precision() -> pd.DataFrame:
    tables = {name: iness.load(name, include_suspect=True) for name in ("projects", "tags")}
    projects, tags = genuine(tables)
    coded = iness.load("codes")
    coded = coded[(coded["method"] == "coded") & in_revision_half(coded["evidence"])]
    terms = taxonomy.platform_terms(tags, projects)
    terms = terms[terms["entity"] == "project"].rename(columns={"entity_id": "entity_id"})
    table = taxonomy.crosswalk(include_dropped=True).reset_index().rename(
        columns={"index": "row"})
    out = []
    for framework in ("category", "activity"):
        measured = coded[coded["framework"] == framework][["wave", "entity_id"]].drop_duplicates()
        truth = coded[coded["framework"] == framework][["wave", "entity_id", "target_id"]]
        carried = terms.merge(measured, on=["wave", "entity_id"])
        allowed = codebook.allowed("categories" if framework == "category" else "activities")
        rows = table[(table["framework"] == framework) & table["target_id"].isin(allowed)]
        joined = rows.merge(carried, on=["facet", "tag"])
        hits = joined.merge(truth, on=["wave", "entity_id", "target_id"], how="left",
                            indicator=True)
        hits["hit"] = hits["_merge"] == "both"
        stats = hits.groupby("row").agg(support=("entity_id", "size"), hits=("hit", "sum"))
        stats["coverage"] = stats["support"] / len(measured)
        out.append(stats)
    stats = pd.concat(out)
    stats["precision"] = stats["hits"] / stats["support"]
    return table.join(stats, on="row")


def in_revision_half(evidence: pd.Series) -> pd.Series:
    """Coded rows whose unit id (``unit 3fa9...``) starts with 0-7."""
    return evidence.str.removeprefix("unit ").str[0].isin(list("01234567"))


def held_out_f1(revised: pd.DataFrame) -> pd.DataFrame:
    """Crosswalk micro-F1 before and after the revision on the other half."""
    tables = {name: iness.load(name, include_suspect=True) for name in ("projects", "tags")}
    projects, tags = genuine(tables)
    coded = iness.load("codes")
    coded = coded[(coded["method"] == "coded") & ~in_revision_half(coded["evidence"])]
    out = []
    for label, table in (("before", revised),
                         ("after", revised[revised["status"] == "kept"])):
        rows = iness.codes.crosswalk_codes(tags, projects, table=table)
        quality = crosswalk_quality(rows, coded)
        out.append(quality[quality["target"] == "all"].assign(revision=label))
    return pd.concat(out)[["revision", "framework", "n", "precision", "recall", "f1"]]


def revise(table: pd.DataFrame) -> pd.DataFrame:
    table = table.copy()
    table["status"], table["revision_note"] = "kept", ""
    measured = table["support"].notna()

    def drop(mask, note):
        for index in table.index[mask & (table["status"] == "kept")]:
            row = table.loc[index]
            table.loc[index, "status"] = "dropped"
            figures = ("no coded project carries the term" if row.support != row.support
                       else f"precision {row.precision:.2f} on {int(row.support)} coded "
                            f"projects ({row.coverage:.0%} of them carry the term)")
            table.loc[index, "revision_note"] = f"{note}: {figures}"

    drop(measured & (table["support"] >= MIN_SUPPORT) & (table["precision"] < MIN_PRECISION),
         "low precision")
    drop(measured & (table["coverage"] > MAX_COVERAGE) & (table["precision"] < 0.5),
         "near-universal")
    kept = table[(table["status"] == "kept") & table["framework"].isin(["category", "activity"])]
    for (facet, tag), group in kept.groupby(["facet", "tag"]):
        if group["framework"].nunique() > 1:
            loser = group.sort_values("precision", na_position="first").index[0]
            others = group[group["framework"] != group.loc[loser, "framework"]]
            drop(table.index == loser, f"feeds two frameworks (also {', '.join(others['framework'] + ':' + others['target_id'])})")
    return table


def main() -> None:
    revised = revise(row_precision())
    columns = ["facet", "tag", "framework", "target_id", "subcategory_id", "justification",
               "status", "revision_note"]
    revised[columns].to_csv(PATH, index=False, lineterminator="\n")
    dropped = revised[revised["status"] == "dropped"]
    print(f"{len(dropped)} of {len(revised)} rows dropped; written to {PATH}")
    print(dropped[["facet", "tag", "framework", "target_id", "revision_note"]].to_string())
    print("\nOn the held-out half of the coded units:")
    print(held_out_f1(revised).round(3).to_string(index=False))


if __name__ == "__main__":
    main()

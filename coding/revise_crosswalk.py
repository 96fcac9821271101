#!/usr/bin/env python3
"""Revise ``crosswalk.csv`` against the coding: measured, not by hand.

For each crosswalk row into the category or activity framework, precision is
the share of coded DSI4EU projects carrying the term (activities: coded
platforms) that the coding puts in the row's target. A row is dropped when

- ``low precision``: at least MIN_SUPPORT coded projects carry the term and
  fewer than MIN_PRECISION of them are in its target;
- ``near-universal``: more than MAX_COVERAGE of coded projects carry the term
  and its precision is under NEAR_UNIVERSAL_PRECISION (a tick-box that nearly
  everyone ticked);
- ``feeds two frameworks``: the same term also feeds the other framework
  (category and activity), whose association notebook 03 reports; the row with
  the lower precision goes.

Rows of other frameworks, rows into targets outside the codebook (the DSI4EU
groups kept outside the eight), and rows whose term too few coded projects
carry, are kept as they were.

To keep the revision honest, it is measured on the coded units of one half
(unit ids starting with 0-7) and its effect is printed on the other half. Each
dropped row says why, with its figures, in ``revision_note``; ``status`` is
``kept`` or ``dropped``. Every row of the input is reconsidered, dropped ones
included, so that running it again on the same coding gives the same file.

Run it after ``iness build`` (it reads the DSI4EU tables, the codes table
included). The file is written whole or not at all, and never with fewer rows
than it has unless ``--force`` is given.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from guard import write_csv_text  # noqa: E402  (the sibling module of the coding scripts)

from iness.coding.measure import crosswalk_quality, genuine  # noqa: E402
from iness.reference import codebook, taxonomy  # noqa: E402
from iness.store import codes as codes_table  # noqa: E402
from iness.store.tables import load  # noqa: E402

MIN_SUPPORT = 10
MIN_PRECISION = 0.2
MAX_COVERAGE = 0.25
NEAR_UNIVERSAL_PRECISION = 0.5
PATH = taxonomy.FRAMEWORK_DIR / "crosswalk.csv"
COLUMNS = [
    "facet",
    "tag",
    "framework",
    "target_id",
    "subcategory_id",
    "justification",
    "status",
    "revision_note",
]
#: the frameworks the coding measures, with the codebook variable of each
MEASURED = {"category": "categories", "activity": "activities"}


def read_crosswalk(path: Path) -> pd.DataFrame:
    """Every row of a crosswalk file, dropped ones included, as the package reads it."""
    return pd.read_csv(path, dtype=str, keep_default_na=False).replace({"": None})


def read_tables(folder: Path | None) -> dict[str, pd.DataFrame]:
    """Projects and tags (suspect ones included, for :func:`genuine`) and the codes."""
    tables = {
        name: load(name, include_suspect=True, folder=folder) for name in ("projects", "tags")
    }
    return {**tables, "codes": load("codes", folder=folder)}


def in_revision_half(evidence: pd.Series) -> pd.Series:
    """Coded rows whose unit id (``unit 3fa9...``) starts with 0-7."""
    return evidence.str.removeprefix("unit ").str[0].isin(list("01234567"))


def coded_rows(tables: dict[str, pd.DataFrame], revision_half: bool) -> pd.DataFrame:
    codes = tables["codes"]
    half = in_revision_half(codes["evidence"])
    return codes[(codes["method"] == "coded") & (half if revision_half else ~half)]


def row_precision(tables: dict[str, pd.DataFrame], table: pd.DataFrame) -> pd.DataFrame:
    """The crosswalk ``table`` with each measured row's support, hits, coverage and
    precision on the revision half of the coded units."""
    projects, tags = genuine(tables)
    coded = coded_rows(tables, revision_half=True)
    terms = taxonomy.platform_terms(tags, projects)
    terms = terms[terms["entity"] == "project"]
    table = table.reset_index(drop=True).reset_index().rename(columns={"index": "row"})
    out = []
    for framework, variable in MEASURED.items():
        mine = coded[coded["framework"] == framework]
        measured = mine[["wave", "entity_id"]].drop_duplicates()
        truth = mine[["wave", "entity_id", "target_id"]]
        carried = terms.merge(measured, on=["wave", "entity_id"])
        rows = table[
            (table["framework"] == framework) & table["target_id"].isin(codebook.allowed(variable))
        ]
        joined = rows.merge(carried, on=["facet", "tag"])
        hits = joined.merge(
            truth, on=["wave", "entity_id", "target_id"], how="left", indicator=True
        )
        hits["hit"] = hits["_merge"] == "both"
        stats = hits.groupby("row").agg(support=("entity_id", "size"), hits=("hit", "sum"))
        stats["coverage"] = stats["support"] / len(measured)
        out.append(stats)
    stats = pd.concat(out)
    stats["precision"] = stats["hits"] / stats["support"]
    return table.join(stats, on="row")


def held_out_f1(tables: dict[str, pd.DataFrame], revised: pd.DataFrame) -> pd.DataFrame:
    """Crosswalk micro-F1 before and after the revision on the other half."""
    projects, tags = genuine(tables)
    coded = coded_rows(tables, revision_half=False)
    out = []
    for label, table in (("before", revised), ("after", revised[revised["status"] == "kept"])):
        rows = codes_table.crosswalk_codes(tags, projects, table=table[COLUMNS])
        quality = crosswalk_quality(rows, coded)
        out.append(quality[quality["target"] == "all"].assign(revision=label))
    return pd.concat(out)[["revision", "framework", "n", "precision", "recall", "f1"]]


def revise(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (from :func:`row_precision`) with ``status`` and ``revision_note``
    set afresh by the three rules of the module's docstring."""
    table = table.copy()
    table["status"], table["revision_note"] = "kept", ""
    measured = table["support"].notna()

    def drop(mask, note):
        for index in table.index[mask & (table["status"] == "kept")]:
            row = table.loc[index]
            table.loc[index, "status"] = "dropped"
            figures = (
                "no coded project carries the term"
                if row.support != row.support
                else f"precision {row.precision:.2f} on {int(row.support)} coded "
                f"projects ({row.coverage:.0%} of them carry the term)"
            )
            table.loc[index, "revision_note"] = f"{note}: {figures}"

    drop(
        measured & (table["support"] >= MIN_SUPPORT) & (table["precision"] < MIN_PRECISION),
        "low precision",
    )
    drop(
        measured
        & (table["coverage"] > MAX_COVERAGE)
        & (table["precision"] < NEAR_UNIVERSAL_PRECISION),
        "near-universal",
    )
    kept = table[(table["status"] == "kept") & table["framework"].isin(list(MEASURED))]
    for _, group in kept.groupby(["facet", "tag"]):
        if group["framework"].nunique() > 1:
            loser = group.sort_values("precision", na_position="first").index[0]
            others = group[group["framework"] != group.loc[loser, "framework"]]
            also = ", ".join(others["framework"] + ":" + others["target_id"])
            drop(table.index == loser, f"feeds two frameworks (also {also})")
    return table


def revised_crosswalk(tables: dict[str, pd.DataFrame], table: pd.DataFrame) -> pd.DataFrame:
    """The crosswalk revised against the coding in ``tables``: every row, its
    measured figures, ``status`` and ``revision_note``."""
    return revise(row_precision(tables, table))


def as_csv(revised: pd.DataFrame) -> str:
    return revised[COLUMNS].to_csv(index=False, lineterminator="\n")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Revise the crosswalk against the coding by reading (run after "
        "`iness build`): drop rows of low precision, near-universal terms and "
        "terms feeding two frameworks; print the effect on the held-out half."
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="folder of clean tables (default: this project's DSI4EU tables)",
    )
    parser.add_argument(
        "--crosswalk", type=Path, default=PATH, help=f"the crosswalk to revise (default: {PATH})"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="where to write the revised crosswalk (default: --crosswalk)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="write even if the result has no rows or fewer rows than --out",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out = args.out or args.crosswalk
    tables = read_tables(args.data)
    revised = revised_crosswalk(tables, read_crosswalk(args.crosswalk))
    write_csv_text(out, as_csv(revised), force=args.force)
    dropped = revised[revised["status"] == "dropped"]
    print(f"{len(dropped)} of {len(revised)} rows dropped; written to {out}")
    print(dropped[["facet", "tag", "framework", "target_id", "revision_note"]].to_string())
    print("\nOn the held-out half of the coded units:")
    print(held_out_f1(tables, revised).round(3).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How much of the published DSI4EU mapping the data holds (notebooks 01 and
04): the counts Nesta published (``iness/data/published_counts.csv``, each with
its reference, page and quote) beside the records of each wave."""
from __future__ import annotations

import pandas as pd

from iness.paths import PACKAGE_DATA

PUBLISHED = PACKAGE_DATA / "published_counts.csv"


def published_counts() -> pd.DataFrame:
    """The published counts: reference, page, entity, country_code (empty for a
    total), count, qualifier (exact, almost, over) and the quote."""
    return pd.read_csv(PUBLISHED, dtype={"country_code": str, "page": str},
                       keep_default_na=False)


def coverage(organisations: pd.DataFrame, projects: pd.DataFrame,
             published: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per published count: the records of each wave for the same
    entity and country (all countries for a total), and each wave's records as
    a share of the published count (``held_<wave>``)."""
    published = published_counts() if published is None else published
    tables = {"organisation": (organisations, "country_code"), "project": (projects, None)}
    waves = sorted(set(organisations["wave"]) | set(projects["wave"]))
    rows = []
    for row in published.itertuples(index=False):
        table, country = tables[row.entity]
        entry = {"entity": row.entity, "country_code": row.country_code,
                 "published": int(row.count), "qualifier": row.qualifier,
                 "reference": row.reference, "page": row.page}
        for wave in waves:
            records = table[table["wave"] == wave]
            if row.country_code:
                records = records[records[country] == row.country_code]
            entry[f"records_{wave}"] = len(records)
            entry[f"held_{wave}"] = round(len(records) / int(row.count), 3)
        rows.append(entry)
    return pd.DataFrame(rows)


def links_lost(ledger: pd.DataFrame) -> pd.DataFrame:
    """Per raw file that lists links: its link rows, those set aside (an
    organisation or project missing from the export) and their share, for the
    files that lost any; analyses on links rest on the rest."""
    links = ledger[ledger["entity"] == "link"]
    table = (links.assign(lost=links["outcome"] == "set_aside")
             .groupby("source_file")["lost"].agg(links="size", set_aside="sum").reset_index()
             .astype({"set_aside": int}))
    table = table[table["set_aside"] > 0]
    return table.assign(share=(table["set_aside"] / table["links"]).round(3)).reset_index(
        drop=True)

"""One canonical vocabulary per facet, shared by both waves.

A raw tag is matched on its normalised key (see :func:`normalise_key`) against,
in order: the facet's canonical labels, its listed variants (typos, plurals,
spacing, translations, the 2016->2017 method recoding), the canonical labels of
another facet (a tag filed in the wrong field moves to its own facet), and a
fuzzy match on canonical labels. Anything else is kept as the tag ``other``
with its raw value.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from rapidfuzz import fuzz, process

from iness.paths import PACKAGE_DATA
from iness.text import normalise_key

VOCAB_DIR = PACKAGE_DATA / "vocab"
OTHER = "other"
#: rapidfuzz ratio (0-100) above which a tag is read as a typo of a canonical label.
#: 92 admits 'energy and enviroment' (98) and refuses 'social investors' ->
#: 'social networks' (84) and 'smart citizens' -> 'smart cities'.
FUZZY_THRESHOLD = 92.0
#: facets whose tags can be re-filed when they carry another facet's label
CONTROLLED_FACETS = ("area", "dsi_area", "tech_focus", "tech_method")


@dataclass(frozen=True)
class TagMatch:
    facet: str
    tag: str
    rule: str  # canonical, variant:<kind>, moved_from:<facet>, fuzzy, unmapped


def _read_csv(name: str) -> list[dict]:
    with open(VOCAB_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=None)
def facet_labels() -> pd.DataFrame:
    """Canonical tags with English and French labels: facet, tag, label_en, label_fr."""
    return pd.DataFrame(_read_csv("facets.csv"))


@lru_cache(maxsize=None)
def variant_table() -> pd.DataFrame:
    """Listed variants: facet, variant (normalised key), tag, kind, note."""
    return pd.DataFrame(_read_csv("variants.csv"))


@lru_cache(maxsize=None)
def _lookup() -> dict[str, dict[str, TagMatch]]:
    by_facet: dict[str, dict[str, TagMatch]] = {}
    for row in facet_labels().itertuples():
        by_facet.setdefault(row.facet, {})[normalise_key(row.tag)] = TagMatch(
            row.facet, row.tag, "canonical")
    for row in variant_table().itertuples():
        key = normalise_key(row.variant)
        by_facet.setdefault(row.facet, {}).setdefault(
            key, TagMatch(row.facet, row.tag, f"variant:{row.kind}"))
    return by_facet


def canonical_tags(facet: str) -> list[str]:
    labels = facet_labels()
    return labels.loc[labels["facet"] == facet, "tag"].tolist()


def match_tag(raw: str, facet: str) -> TagMatch:
    """Canonical tag of one raw value within a facet.

    >>> match_tag("p2p   distributed exchange networks", "tech_method").tag
    'peer-to-peer networks'
    >>> match_tag("Culture and arts", "tech_method")
    TagMatch(facet='area', tag='culture and arts', rule='moved_from:tech_method')
    >>> match_tag("raspberry pi", "tech_method").rule
    'unmapped'
    """
    key = normalise_key(raw)
    lookup = _lookup()
    found = lookup.get(facet, {}).get(key)
    if found:
        return found
    if facet in CONTROLLED_FACETS:
        for other_facet in CONTROLLED_FACETS:
            other = lookup.get(other_facet, {}).get(key)
            if other_facet != facet and other and other.rule == "canonical":
                return TagMatch(other_facet, other.tag, f"moved_from:{facet}")
    choices = {normalise_key(tag): tag for tag in canonical_tags(facet)}
    if choices and len(key) >= 6:
        best = process.extractOne(key, list(choices), scorer=fuzz.ratio,
                                  score_cutoff=FUZZY_THRESHOLD)
        if best:
            return TagMatch(facet, choices[best[0]], "fuzzy")
    return TagMatch(facet, OTHER, "unmapped")


def canonicalise_tags(raw_tags: pd.DataFrame) -> pd.DataFrame:
    """Map a long frame of raw tags (columns facet, raw_value, ...) to canonical
    ones, adding ``tag`` and ``match_rule`` and possibly re-filing ``facet``.

    Each distinct (facet, raw value) is matched once, so the cost grows with the
    vocabulary, not with the number of rows.
    """
    pairs = raw_tags[["facet", "raw_value"]].drop_duplicates()
    matches = [match_tag(raw, facet) for facet, raw in pairs.itertuples(index=False)]
    mapping = pairs.assign(
        new_facet=[match.facet for match in matches],
        tag=[match.tag for match in matches],
        match_rule=[match.rule for match in matches])
    merged = raw_tags.merge(mapping, on=["facet", "raw_value"], how="left", validate="m:1")
    return merged.drop(columns="facet").rename(columns={"new_facet": "facet"})

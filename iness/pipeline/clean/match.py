"""Which record of one wave is which record of the next: the ``wave_matches``
table, in long form (entity, wave_from, id_from, wave_to, id_to, rule, score),
one-to-one for every pair of consecutive waves."""
from __future__ import annotations

import pandas as pd
from rapidfuzz import fuzz, process

from iness.pipeline.clean.pipeline import ENTITY_KEYS, SHARED_HOSTS, is_in
from iness.text import compact_keys, normalise_keys

#: rapidfuzz ratio (0-100) for a fuzzy name match between waves
WAVE_FUZZY_THRESHOLD = 90.0
MATCH_COLUMNS = ["entity", "wave_from", "id_from", "wave_to", "id_to", "rule", "score"]
#: the exact rules, in the order they are tried, each a key of a frame of
#: records (``_id``, ``_name``, ``website_domain``)
EXACT_RULES = {
    "same_id": lambda frame: frame["_id"],
    "name": lambda frame: compact_keys(frame["_name"]),
    "website": lambda frame: frame["website_domain"].where(
        ~frame["website_domain"].isin(SHARED_HOSTS)),
}


def fuzzy_pairs(old: pd.DataFrame, new: pd.DataFrame, id_column: str, name_column: str
                ) -> pd.DataFrame:
    """Best fuzzy name match (ratio >= WAVE_FUZZY_THRESHOLD) of each old record
    among new records sharing the first three characters of its compact name
    (blocking keeps the cost near linear: typos rarely hit the first letters).
    Returns id_from, id_to, score, best first."""
    def keyed(frame):
        names = normalise_keys(frame[name_column])
        return frame.assign(_name=names, _block=names.str.replace(" ", "").str[:3])
    old, new = keyed(old), keyed(new)
    found = []
    for block, candidates in new.groupby("_block"):
        if not block:
            continue
        queries = old[old["_block"] == block]
        choices = candidates["_name"].tolist()
        for old_id, name in zip(queries[id_column], queries["_name"]):
            best = process.extractOne(name, choices, scorer=fuzz.ratio,
                                      score_cutoff=WAVE_FUZZY_THRESHOLD)
            if best:
                found.append((old_id, candidates[id_column].iloc[best[2]], round(best[1], 1)))
    return pd.DataFrame(found, columns=["id_from", "id_to", "score"]
                        ).sort_values(["score", "id_from"], ascending=[False, True])


def exact_pairs(old: pd.DataFrame, new: pd.DataFrame, key) -> pd.DataFrame:
    """id_from, id_to of the records whose ``key`` (a function of a frame) is
    filled and equal."""
    def keyed(frame):
        frame = frame.assign(_key=key(frame)).dropna(subset="_key")
        return frame.loc[frame["_key"] != "", ["_id", "_key"]]
    return keyed(old).merge(keyed(new), on="_key", suffixes=("_from", "_to")).rename(
        columns={"_id_from": "id_from", "_id_to": "id_to"})


def match_waves(old: pd.DataFrame, new: pd.DataFrame, entity: str, same_id: bool = False
                ) -> pd.DataFrame:
    """Which ``old`` record is which ``new`` record: the same id (``same_id``:
    a source whose ids are stable across waves), else the same compact name,
    else the same website host, else a fuzzy name (rapidfuzz ratio >=
    WAVE_FUZZY_THRESHOLD). One-to-one: each record is matched at most once,
    exact rules first. Returns entity, id_from, id_to, rule, score."""
    id_column, name_column = ENTITY_KEYS[entity]

    def records(frame):
        return frame[[id_column, name_column, "website_domain"]].set_axis(
            ["_id", "_name", "website_domain"], axis=1)
    old_left, new_left = records(old), records(new)
    taken = []

    def take(pairs: pd.DataFrame, rule: str) -> None:
        nonlocal old_left, new_left
        pairs = pairs.drop_duplicates(subset="id_from").drop_duplicates(subset="id_to")
        taken.append(pairs[["id_from", "id_to"]].assign(
            rule=rule, score=pairs["score"] if "score" in pairs else 100.0))
        old_left = old_left[~is_in(old_left["_id"], pairs["id_from"])]
        new_left = new_left[~is_in(new_left["_id"], pairs["id_to"])]

    for rule, key in EXACT_RULES.items():
        if same_id or rule != "same_id":
            take(exact_pairs(old_left, new_left, key), rule)
    if len(old_left) and len(new_left):
        take(fuzzy_pairs(old_left, new_left, "_id", "_name"), "fuzzy_name")
    return pd.concat(taken, ignore_index=True).assign(entity=entity).astype(
        {"score": float})[["entity", "id_from", "id_to", "rule", "score"]]


def consecutive_matches(waves: dict[int, dict[str, pd.DataFrame]], same_id: bool
                        ) -> pd.DataFrame:
    """``wave_matches`` for every pair of consecutive waves (``waves``: year ->
    clean ``organisations`` and ``projects``)."""
    years = sorted(waves)
    parts = [match_waves(waves[old][table], waves[new][table], entity, same_id)
             .assign(wave_from=old, wave_to=new)
             for old, new in zip(years, years[1:])
             for entity, table in (("organisation", "organisations"), ("project", "projects"))]
    if not parts:
        return pd.DataFrame({column: pd.Series(dtype=float if column == "score" else
                                               "int16" if column.startswith("wave") else object)
                             for column in MATCH_COLUMNS})
    return pd.concat(parts, ignore_index=True)[MATCH_COLUMNS]

"""Comparing the waves of a survey the only ways its design allows.

DSI4EU is one wave plus its entrants: most projects of the later wave are the
earlier wave's projects carried over, and a carried text was read once and its
code carried to both waves. So a comparison of waves is a comparison of two
independent groups within the later wave, **entrants** (no match in the wave
before) against **incumbents** (matched): the difference of their shares with
its 95 % Newcombe interval. Paired methods (McNemar) apply only to carried
projects whose measurement was redone, that is read again from a different text.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from iness.analysis import PLATFORM, _platform_members, platforms_by_wave
from iness.analysis.findings import newcombe_interval, score_test
from iness.reference import codebook

GROUPS = ("entrants", "incumbents")


def carried_ids(wave_matches: pd.DataFrame, wave: int) -> set[str]:
    """Projects of ``wave`` matched to a project of an earlier wave."""
    matched = wave_matches.loc[(wave_matches["entity"] == "project")
                               & (wave_matches["wave_to"] == wave)]
    return set(matched["id_to"])


def is_entrant(project_ids: pd.Series, wave_matches: pd.DataFrame, wave: int) -> pd.Series:
    """For each project of ``wave``: True for an entrant (no earlier match)."""
    carried = carried_ids(wave_matches, wave)
    return ~project_ids.isin(carried)


def compare_groups(flags: pd.DataFrame, entrant: pd.Series, labels: dict[str, str]
                   ) -> pd.DataFrame:
    """Per boolean column of ``flags`` (a frame or a dict of columns, one row per
    unit; ``entrant`` aligned with it): the share among entrants and among incumbents with their n, the
    difference (entrants minus incumbents) with its 95 % Newcombe interval, and
    the score-test p-value with Holm's correction across the columns tested
    (statsmodels). Labels name the columns in the reader's language."""
    from statsmodels.stats.multitest import multipletests
    entrant = entrant.astype(bool).to_numpy()
    n1, n0 = int(entrant.sum()), int((~entrant).sum())
    rows = []
    for column, name in labels.items():
        values = flags[column].astype(bool).to_numpy()
        k1, k0 = int((values & entrant).sum()), int((values & ~entrant).sum())
        rows.append({"indicator": column, "label": name, "entrants": k1, "n_entrants": n1,
                     "incumbents": k0, "n_incumbents": n0})
    table = pd.DataFrame(rows, columns=["indicator", "label", "entrants", "n_entrants",
                                        "incumbents", "n_incumbents"])
    with np.errstate(divide="ignore", invalid="ignore"):
        table["share_entrants"] = table["entrants"] / table["n_entrants"].replace(0, np.nan)
        table["share_incumbents"] = (table["incumbents"]
                                     / table["n_incumbents"].replace(0, np.nan))
    table["difference"] = table["share_entrants"] - table["share_incumbents"]
    low, high = newcombe_interval(table["entrants"], table["n_entrants"],
                                  table["incumbents"], table["n_incumbents"])
    table["ci_low"], table["ci_high"] = low, high
    table["p_value"] = [score_test(*row) if row[1] and row[3] else np.nan
                        for row in table[["entrants", "n_entrants", "incumbents",
                                          "n_incumbents"]].itertuples(index=False)]
    table["p_holm"] = np.nan
    tested = table["p_value"].notna()
    if tested.any():
        table.loc[tested, "p_holm"] = multipletests(table.loc[tested, "p_value"],
                                                    method="holm")[1]
    return table


def coded_flags(survey, framework: str, method: str, wave: int) -> pd.DataFrame:
    """One row per platform ``method`` measured for ``framework`` in ``wave``:
    project_id and one boolean column per target of the codebook."""
    base = platforms_by_wave(survey, framework, method)
    base = base[base["wave"] == wave].reset_index(drop=True)
    members = _platform_members(survey.members(framework, method)).merge(base, on=PLATFORM)
    variable = "categories" if framework == "category" else "activities"
    flags = base[["project_id"]].copy()
    for target in codebook.allowed(variable):
        ids = set(members.loc[members["target_id"] == target, "project_id"])
        flags[target] = flags["project_id"].isin(ids)
    return flags


def entrants_vs_incumbents(survey, framework: str, method: str, lang: str = "en",
                           wave: int | None = None) -> pd.DataFrame:
    """The coded shares of each category (or activity) among the entrants and
    the incumbents of ``wave`` (default: the last), with their difference and
    its interval. Empty when the survey has one wave."""
    wave = survey.waves[-1] if wave is None else wave
    if wave == survey.waves[0]:
        return compare_groups(pd.DataFrame(), pd.Series(dtype=bool), {})
    flags = coded_flags(survey, framework, method, wave)
    variable = "categories" if framework == "category" else "activities"
    labels = {t: codebook.value_label(variable, t, lang) for t in codebook.allowed(variable)}
    table = compare_groups(flags, is_entrant(flags["project_id"], survey.wave_matches, wave),
                           labels)
    return table.assign(wave=wave)


def carried_measurement(survey, framework: str, method: str, wave: int | None = None
                        ) -> dict:
    """Carried projects of ``wave`` that ``method`` measured in both waves:
    how many (``pairs``), how many were measured once and carried (the same
    coding unit in both waves, ``carried_once``), how many were measured again
    (``remeasured``), and, for those remeasured, how many kept every code
    (``same_codes``). A paired test is meaningful only on ``remeasured``."""
    wave = survey.waves[-1] if wave is None else wave
    first = survey.waves[survey.waves.index(wave) - 1]
    matches = survey.wave_matches
    pairs = matches.loc[(matches["entity"] == "project") & (matches["wave_from"] == first)
                        & (matches["wave_to"] == wave), ["id_from", "id_to"]]
    rows = survey.codes[(survey.codes["method"] == method)
                        & (survey.codes["framework"] == framework)]
    units = rows.groupby(["wave", "entity_id"])["evidence"].first()
    codes = rows.groupby(["wave", "entity_id"])["target_id"].agg(frozenset)
    measured = [(a, b) for a, b in pairs.itertuples(index=False)
                if (first, a) in units.index and (wave, b) in units.index]
    again = [(a, b) for a, b in measured if units[(first, a)] != units[(wave, b)]]
    same = sum(codes[(first, a)] == codes[(wave, b)] for a, b in again)
    return {"wave": wave, "before": first, "pairs": len(measured),
            "carried_once": len(measured) - len(again), "remeasured": len(again),
            "same_codes": int(same), "remeasured_pairs": again}


def mcnemar_remeasured(survey, framework: str, method: str, lang: str = "en",
                       wave: int | None = None) -> pd.DataFrame:
    """McNemar's exact test (statsmodels) per target on the carried projects
    measured again in ``wave``: the pairs with the code only before (b) and
    only after (c), and the p-value. Empty when no pair was measured again."""
    from statsmodels.stats.contingency_tables import mcnemar
    found = carried_measurement(survey, framework, method, wave)
    variable = "categories" if framework == "category" else "activities"
    rows = survey.codes[(survey.codes["method"] == method)
                        & (survey.codes["framework"] == framework)]
    codes = rows.groupby(["wave", "entity_id"])["target_id"].agg(frozenset)
    out = []
    if not found["remeasured"]:
        return pd.DataFrame(columns=["target_id", "label", "only_before", "only_after",
                                     "n", "p_value"])
    for target in codebook.allowed(variable):
        before = np.array([target in codes[(found["before"], a)]
                           for a, _ in found["remeasured_pairs"]])
        after = np.array([target in codes[(found["wave"], b)]
                          for _, b in found["remeasured_pairs"]])
        table = [[int((before & after).sum()), int((before & ~after).sum())],
                 [int((~before & after).sum()), int((~before & ~after).sum())]]
        out.append({"target_id": target, "label": codebook.value_label(variable, target, lang),
                    "only_before": table[0][1], "only_after": table[1][0],
                    "n": len(before), "p_value": float(mcnemar(table, exact=True).pvalue)})
    return pd.DataFrame(out)


def differing(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of a :func:`compare_groups` table whose interval excludes 0."""
    return table[(table["ci_low"] > 0) | (table["ci_high"] < 0)]


def points(value: float, lang: str | None = None) -> str:
    """A difference of shares in percentage points, signed: ``+7.2`` or ``−5.4``."""
    from iness.i18n import num
    return ("+" if value > 0 else "−" if value < 0 else "") + num(abs(value) * 100, 1, lang)


def readable(table: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """A :func:`compare_groups` table in words: each group's share with k and n,
    the difference in points with its 95 % interval, and Holm's p-value.
    Column keys are English; the notebook names them in the reader's language."""
    from iness.i18n import num, pct

    def group(k, n):
        return f"{pct(k / n, 1, lang)} ({num(k, 0, lang)}/{num(n, 0, lang)})" if n else "–"

    return pd.DataFrame({
        "label": table["label"],
        "entrants": [group(k, n) for k, n in zip(table["entrants"], table["n_entrants"])],
        "incumbents": [group(k, n) for k, n in zip(table["incumbents"],
                                                   table["n_incumbents"])],
        "difference": [f"{points(d, lang)} [{points(lo, lang)}; {points(hi, lang)}]"
                       if pd.notna(d) else "–" for d, lo, hi in
                       zip(table["difference"], table["ci_low"], table["ci_high"])],
        "p_holm": table["p_holm"].round(3)})


def carried_tags_changed(tags: pd.DataFrame, wave_matches: pd.DataFrame, before: int,
                         wave: int, fields: set[str]) -> tuple[int, int]:
    """Carried project pairs (``before`` → ``wave``) whose set of tags in
    ``fields`` differs between the waves, and the number of pairs: the same
    records re-tagged, so a change of a tag-based share between the waves is a
    change of tagging, not of the projects."""
    rows = tags[(tags["entity"] == "project") & tags["facet"].isin(fields)]
    sets = rows.groupby(["wave", "entity_id"]).apply(
        lambda group: frozenset(zip(group["facet"], group["tag"])))
    pairs = wave_matches.loc[(wave_matches["entity"] == "project")
                             & (wave_matches["wave_from"] == before)
                             & (wave_matches["wave_to"] == wave), ["id_from", "id_to"]]
    empty = frozenset()
    changed = sum(sets.get((before, a), empty) != sets.get((wave, b), empty)
                  for a, b in pairs.itertuples(index=False))
    return int(changed), len(pairs)

"""Scaling strategies, levers and matrix practices (notebook 05).

Every indicator here comes from the crosswalk of survey tags (``practice`` and
``strategy`` codes have no other method): it says a platform carries a survey
term the crosswalk maps to a practice or strategy, not that someone read the
platform and found it. A platform is a project of one wave, keyed by
(wave, project_id); shares are of all projects of the wave.

Rules decided here, once:

- a practice or strategy is *not measurable* in a wave when none of the survey
  fields its crosswalk terms come from is present in that wave (a field is
  present when at least :data:`FIELD_MIN_SHARE` of the wave's projects use it);
  it is then reported in words, never as 0;
- an indicator is *saturated* (share ≥ :data:`SATURATED`) or *empty* (no
  platform) and then uninformative;
- two indicators whose platform sets overlap with a Jaccard index of at least
  :data:`SAME_EVIDENCE_JACCARD` are one piece of evidence and are merged.
"""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from iness.reference import taxonomy
from iness.analysis import PLATFORM, SMALL_GROUP, share, wilson_interval
from iness.analysis.findings import newcombe_interval
from iness.i18n import pct

#: a share at or above this says nothing about differences between platforms
SATURATED = 0.95
#: a survey field used by fewer projects of a wave than this share is treated as absent
FIELD_MIN_SHARE = 0.05
#: platform sets this similar are one indicator (identical vectors give 1.0)
SAME_EVIDENCE_JACCARD = 0.95
#: the survey facets that are free text: they feed the crosswalk's ``free`` terms
FREE_TEXT_FACETS = ("free_tag", "network")
#: the three strategies of the talk, as columns of :func:`scaling_indicators`
STRATEGIES = {"scaling_out": "technology_replication",
              "geographical": "geographical_implantation",
              "user_growth": "direct_user_growth"}
LEVERS = ("lever_a", "lever_b", "lever_c")
#: the two readings of « les 3 à la fois »: column of :func:`scaling_indicators`
#: and the indicators it needs all at once
READINGS = {"three_levers": LEVERS, "three_strategies": tuple(STRATEGIES)}


# --- indicators -------------------------------------------------------------

def _has(members: pd.DataFrame, projects: pd.DataFrame, wanted) -> pd.DataFrame:
    """Platforms (all projects, in order) × wanted targets, True when present."""
    members = members.rename(columns={"entity_id": "project_id"})
    index = pd.MultiIndex.from_frame(projects[PLATFORM])
    if members.empty:
        return pd.DataFrame(False, index=index, columns=list(wanted))
    has = pd.crosstab([members["wave"], members["project_id"]], members["target_id"]
                      ).clip(upper=1).astype(bool)
    return has.reindex(index, fill_value=False).reindex(columns=list(wanted), fill_value=False)


def multi_country(countries: pd.DataFrame, projects: pd.DataFrame) -> pd.Series:
    """Platforms whose organisations are in two or more countries (True/False),
    aligned with ``projects``."""
    spread = countries.groupby(PLATFORM)["country_code"].nunique()
    index = pd.MultiIndex.from_frame(projects[PLATFORM])
    return (spread.reindex(index, fill_value=0) >= 2).rename("multi_country")


def scaling_indicators(members_strategy: pd.DataFrame, projects: pd.DataFrame,
                       countries: pd.DataFrame) -> pd.DataFrame:
    """One row per platform: scaling out (technology replication), geographical
    implantation (a replication network, or organisations in two or more
    countries), the three levers of user-based growth, user growth (any lever)
    and both readings of « les 3 à la fois »: ``three_levers`` (levers a, b and
    c) and ``three_strategies`` (the three strategies)."""
    has = _has(members_strategy, projects,
               ["technology_replication", "geographical_implantation", *LEVERS])
    table = pd.DataFrame({
        "scaling_out": has["technology_replication"],
        "geographical": has["geographical_implantation"]
        | multi_country(countries, projects).to_numpy(),
        **{lever: has[lever] for lever in LEVERS}})
    table["user_growth"] = table[list(LEVERS)].any(axis=1)
    for reading, needed in READINGS.items():
        table[reading] = table[list(needed)].all(axis=1)
    return table.reset_index()


def practice_matrix(members_practice: pd.DataFrame, projects: pd.DataFrame,
                    wave: int) -> pd.DataFrame:
    """The wave's platforms × the matrix's practices (in the talk's order), True
    when the crosswalk finds the practice."""
    order = taxonomy.scaling_matrix().sort_values("order")["practice_id"]
    wave_projects = projects[projects["wave"] == wave]
    return _has(members_practice[members_practice["wave"] == wave], wave_projects, order)


# --- what each wave's survey can show ---------------------------------------

def project_fields(tags: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """wave, project_id and field: each field the crosswalk reads (``free`` for
    the free-text fields) that each project uses, once."""
    tags = tags[tags["entity"] == "project"]
    field = tags["facet"].where(~tags["facet"].isin(FREE_TEXT_FACETS), taxonomy.FREE)
    used = pd.DataFrame({"wave": tags["wave"], "project_id": tags["entity_id"],
                         "field": field})
    if "project_type" in projects:
        typed = projects.dropna(subset=["project_type"])
        used = pd.concat([used, typed[PLATFORM].assign(field="project_type")])
    return used.drop_duplicates().reset_index(drop=True)


def survey_fields(tags: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """Share of each wave's projects that use each field the crosswalk reads
    (``area``, ``tech_method``, ..., ``project_type``, and ``free`` for the
    free-text fields), one row per wave and field. Unmapped values written in a
    closed field do not make a free-text field."""
    counts = project_fields(tags, projects).groupby(["wave", "field"]).size().rename(
        "projects")
    totals = projects.groupby("wave").size().rename("n")
    table = counts.reset_index().merge(totals.reset_index(), on="wave")
    return table.assign(share=table["projects"] / table["n"])


def fields_present(fields: pd.DataFrame, wave: int) -> set[str]:
    """Fields used by at least :data:`FIELD_MIN_SHARE` of the wave's projects."""
    rows = fields[(fields["wave"] == wave) & (fields["share"] >= FIELD_MIN_SHARE)]
    return set(rows["field"])


def common_fields(fields: pd.DataFrame, waves) -> set[str]:
    """Fields present in every one of ``waves``: the only ones a comparison
    between waves may rest on."""
    sets = [fields_present(fields, wave) for wave in waves]
    return set.intersection(*sets) if sets else set()


def term_fields(framework: str, crosswalk: pd.DataFrame | None = None) -> dict[str, set]:
    """Per target of ``framework``, the survey fields its crosswalk terms come from."""
    crosswalk = taxonomy.crosswalk() if crosswalk is None else crosswalk
    rows = crosswalk[crosswalk["framework"] == framework]
    return rows.groupby("target_id")["facet"].agg(set).to_dict()


def measurable_practices(present: set[str], crosswalk: pd.DataFrame | None = None
                         ) -> dict[str, bool]:
    """Per practice of the matrix: can a survey with these fields show it at all?"""
    fields = term_fields("practice", crosswalk)
    return {practice: bool(fields.get(practice, set()) & present)
            for practice in taxonomy.scaling_matrix()["practice_id"]}


def measurable_indicators(present: set[str], has_organisation_pairs: bool,
                          crosswalk: pd.DataFrame | None = None) -> dict[str, bool]:
    """Per column of :func:`scaling_indicators`: can the survey show it at all?
    Geographical implantation is also seen through organisations in two
    countries, so it needs projects with two or more organisations."""
    practices = measurable_practices(present, crosswalk)
    fields = term_fields("strategy", crosswalk)
    matrix = taxonomy.scaling_matrix().set_index("practice_id")
    out = {"scaling_out": bool(fields.get("technology_replication", set()) & present),
           "geographical": bool(fields.get("geographical_implantation", set()) & present)
           or has_organisation_pairs}
    for column, lever in taxonomy.MATRIX_COLUMNS.items():
        out[lever] = any(practices[p] for p in matrix.index[matrix[column].notna()])
    out["user_growth"] = any(out[lever] for lever in LEVERS)
    for reading, needed in READINGS.items():
        out[reading] = all(out[k] for k in needed)
    return out


def restricted_crosswalk(fields: set[str], crosswalk: pd.DataFrame | None = None
                         ) -> pd.DataFrame:
    """The crosswalk's rows whose terms come from one of ``fields``."""
    crosswalk = taxonomy.crosswalk() if crosswalk is None else crosswalk
    return crosswalk[crosswalk["facet"].isin(fields)].reset_index(drop=True)


# --- shares, intervals, status ----------------------------------------------

def status_of(platforms: int, n: int, measurable: bool) -> str:
    """measured, saturated (share ≥ SATURATED), empty (no platform) or not_measurable.

    >>> status_of(0, 10, False), status_of(0, 10, True), status_of(10, 10, True)
    ('not_measurable', 'empty', 'saturated')
    """
    if not measurable:
        return "not_measurable"
    if n == 0 or platforms == 0:
        return "empty"
    return "saturated" if platforms / n >= SATURATED else "measured"


def shares(table: pd.DataFrame, measurable: dict[str, bool], labels: dict[str, str]
           ) -> pd.DataFrame:
    """For each True/False column of ``table`` named in ``labels``: platforms, n,
    share with its 95 % Wilson interval, status and a small-group mark. A column
    that is not measurable has no number (NaN), never 0."""
    n = len(table)
    rows = []
    for column, label in labels.items():
        count = int(table[column].sum())
        status = status_of(count, n, measurable.get(column, True))
        low, high = wilson_interval(count, n)
        number = status != "not_measurable"
        rows.append({"indicator": column, "label": label,
                     "platforms": count if number else np.nan, "n": n,
                     "share": share(count, n) if number and n else np.nan,
                     "ci_low": low if number else np.nan,
                     "ci_high": high if number else np.nan,
                     "status": status, "small_group": n < SMALL_GROUP})
    return pd.DataFrame(rows)


def readings(indicators: pd.DataFrame, wave: int, measurable: dict[str, bool],
             lang: str = "en") -> pd.DataFrame:
    """Both readings of « les 3 à la fois » side by side for one wave."""
    from iness.i18n import label as text
    subset = indicators[indicators["wave"] == wave]
    labels = {reading: text(f"reading_{reading}", lang) for reading in READINGS}
    return shares(subset, measurable, labels)


# --- one indicator per piece of evidence ------------------------------------

def jaccard(a: pd.Series, b: pd.Series) -> float:
    """Platforms in both over platforms in either (NaN when both are empty).

    >>> jaccard(pd.Series([True, True, False]), pd.Series([True, False, False]))
    0.5
    """
    either = int((a | b).sum())
    return float((a & b).sum() / either) if either else float("nan")


def same_evidence_groups(table: pd.DataFrame, columns,
                         terms: dict[str, set[str]] | None = None) -> list[list[str]]:
    """Groups (two or more, in the given order) of non-empty columns that rest on
    the same survey terms: their platform sets have a Jaccard index ≥
    SAME_EVIDENCE_JACCARD and the crosswalk gives them at least one term in
    common (so that columns equal by chance in a tiny survey stay apart). Pairs
    are joined transitively; empty and saturated columns are never grouped
    (they are reported as uninformative)."""
    terms = indicator_terms() if terms is None else terms
    columns = [c for c in columns if 0 < table[c].mean() < SATURATED]
    parent = {c: c for c in columns}

    def root(c):
        while parent[c] != c:
            c = parent[c]
        return c

    for a, b in itertools.combinations(columns, 2):
        if (terms.get(a, set()) & terms.get(b, set())
                and jaccard(table[a], table[b]) >= SAME_EVIDENCE_JACCARD):
            parent[root(b)] = root(a)
    groups: dict[str, list[str]] = {}
    for c in columns:
        groups.setdefault(root(c), []).append(c)
    return [members for members in groups.values() if len(members) > 1]


def indicator_labels(lang: str = "en") -> dict[str, str]:
    """Labels of the strategy columns of :func:`scaling_indicators`, numbered as
    in the talk (1, 2, 3 and its levers 3a, 3b, 3c)."""
    labels = taxonomy.label_of("strategy", lang)
    numbered = {"scaling_out": ("1", "technology_replication"),
                "geographical": ("2", "geographical_implantation"),
                "user_growth": ("3", "direct_user_growth"),
                "lever_a": ("3a", "lever_a"), "lever_b": ("3b", "lever_b"),
                "lever_c": ("3c", "lever_c")}
    return {column: f"{number}. {labels[target]}"
            for column, (number, target) in numbered.items()}


def pair_overlaps(table: pd.DataFrame, groups: list[list[str]], labels: dict[str, str]
                  ) -> pd.DataFrame:
    """For each pair inside a group: their platforms, those in both, the Jaccard
    index and the crosswalk terms they share."""
    terms = indicator_terms()
    rows = []
    for group in groups:
        for a, b in itertools.combinations(group, 2):
            rows.append({"first": labels[a], "second": labels[b],
                         "platforms_first": int(table[a].sum()),
                         "platforms_second": int(table[b].sum()),
                         "in_both": int((table[a] & table[b]).sum()),
                         "jaccard": round(jaccard(table[a], table[b]), 3),
                         "shared_terms": "; ".join(sorted(terms.get(a, set())
                                                          & terms.get(b, set())))})
    return pd.DataFrame(rows, columns=["first", "second", "platforms_first",
                                       "platforms_second", "in_both", "jaccard",
                                       "shared_terms"])


def merge_groups(table: pd.DataFrame, groups: list[list[str]], labels: dict[str, str]
                 ) -> tuple[pd.DataFrame, dict[str, str]]:
    """One column per group (a platform has it when it has any member), named
    ``a+b`` and labelled "A = B"; other columns unchanged, in their order."""
    grouped = {c: group for group in groups for c in group}
    out, names = {}, {}
    for column, label in labels.items():
        group = grouped.get(column)
        if group is None:
            out[column], names[column] = table[column], label
        elif column == group[0]:
            key = "+".join(group)
            out[key] = table[group].any(axis=1)
            names[key] = " = ".join(labels[c] for c in group)
    return pd.DataFrame(out, index=table.index), names


def indicator_terms(crosswalk: pd.DataFrame | None = None) -> dict[str, set[str]]:
    """The crosswalk terms ("field:term") behind each practice, each lever (its
    column's practices), each strategy column of :func:`scaling_indicators` and
    both readings. Geographical implantation also rests on organisations'
    countries (``organisations:two countries``)."""
    crosswalk = taxonomy.crosswalk() if crosswalk is None else crosswalk
    rows = crosswalk.assign(term=crosswalk["facet"] + ":" + crosswalk["tag"])
    terms = rows.groupby(["framework", "target_id"])["term"].agg(set).to_dict()
    matrix = taxonomy.scaling_matrix().set_index("practice_id")
    out = {p: terms.get(("practice", p), set()) for p in matrix.index}
    for column, lever in taxonomy.MATRIX_COLUMNS.items():
        out[lever] = set().union(*(out[p] for p in matrix.index[matrix[column].notna()]))
    out["scaling_out"] = terms.get(("strategy", "technology_replication"), set())
    out["geographical"] = terms.get(("strategy", "geographical_implantation"), set()) | {
        "organisations:two countries"}
    out["user_growth"] = set().union(*(out[lever] for lever in LEVERS))
    for reading, needed in READINGS.items():
        out[reading] = set().union(*(out[k] for k in needed))
    return out


def associations(table: pd.DataFrame, columns, labels: dict[str, str],
                 usable: dict[str, bool]) -> pd.DataFrame:
    """For each pair of columns: the crosswalk terms they share and, only when
    they share none and both are ``usable`` (measured, not saturated or empty),
    the share of platforms with the second among those with and without the
    first, each with its 95 % interval and n, and their difference with its 95 %
    Newcombe interval. Shared terms make an association a product of the
    crosswalk, so none is computed for them."""
    terms = indicator_terms()
    rows = []
    for a, b in itertools.combinations(columns, 2):
        shared = sorted(terms.get(a, set()) & terms.get(b, set()))
        row = {"first": labels[a], "second": labels[b], "shared_terms": len(shared),
               "example_shared": "; ".join(shared[:3])}
        if not shared and usable.get(a) and usable.get(b):
            for side, mask in (("with", table[a]), ("without", ~table[a])):
                k, n = int((table[b] & mask).sum()), int(mask.sum())
                low, high = wilson_interval(k, n)
                row.update({f"share_{side}": share(k, n) if n else np.nan,
                            f"ci_low_{side}": low, f"ci_high_{side}": high, f"n_{side}": n,
                            f"k_{side}": k})
            low, high = newcombe_interval(row["k_with"], row["n_with"], row["k_without"],
                                          row["n_without"])
            row.update({"difference": row["share_with"] - row["share_without"],
                        "ci_low_difference": float(low), "ci_high_difference": float(high)})
        rows.append(row)
    columns_out = ["first", "second", "shared_terms", "example_shared",
                   *[f"{p}_{s}" for s in ("with", "without")
                     for p in ("share", "ci_low", "ci_high", "n")],
                   "difference", "ci_low_difference", "ci_high_difference"]
    return pd.DataFrame(rows).reindex(columns=columns_out)


def readable_associations(pairs: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """:func:`associations` in words: the shared terms, and each share as
    "40.4 % [28.2–53.9 %] (n = 52)", or "built in by the crosswalk" where the
    two sides share terms."""
    from iness.i18n import label as text

    def cell(row, side):
        if row["shared_terms"]:
            return text("built_in", lang)
        if pd.isna(row[f"share_{side}"]):
            return text("not_compared", lang)
        return (f"{pct(row[f'share_{side}'], 1, lang)} [{pct(row[f'ci_low_{side}'], 1, lang)}–"
                f"{pct(row[f'ci_high_{side}'], 1, lang)}] (n = {int(row[f'n_{side}'])})")

    return pd.DataFrame({
        text("first_indicator", lang): pairs["first"],
        text("second_indicator", lang): pairs["second"],
        text("shared_terms", lang): [f"{k}: {e}" + (" …" if k > 3 else "") if k else "0"
                                     for k, e in zip(pairs["shared_terms"],
                                                     pairs["example_shared"])],
        text("second_with_first", lang): pairs.apply(cell, axis=1, side="with"),
        text("second_without_first", lang): pairs.apply(cell, axis=1, side="without")})


# --- combinations -------------------------------------------------------------

def shared_term_pairs(columns=tuple(STRATEGIES), crosswalk: pd.DataFrame | None = None
                      ) -> list[tuple[str, str]]:
    """Pairs of indicator columns whose crosswalk terms intersect: one tag gives
    both, so their co-occurrence is built into the crosswalk."""
    terms = indicator_terms(crosswalk)
    return [(a, b) for a, b in itertools.combinations(columns, 2)
            if terms.get(a, set()) & terms.get(b, set())]


def strategy_combinations(indicators: pd.DataFrame, wave: int, lang: str = "en"
                          ) -> pd.DataFrame:
    """Platforms per combination of the three strategies (one wave), largest
    first, with n, the share's 95 % interval, a small-group mark and
    ``forced``: the combination holds two strategies that share crosswalk terms
    (:func:`shared_term_pairs`), so it may be produced by one tag."""
    from iness.i18n import label as text
    labels = taxonomy.label_of("strategy", lang)
    names = {column: labels[target] for column, target in STRATEGIES.items()}
    subset = indicators[indicators["wave"] == wave]
    nothing = text("none", lang)
    combo = subset[list(names)].apply(
        lambda row: " + ".join(names[k] for k in names if row[k]) or nothing, axis=1)
    table = combo.value_counts().rename_axis("combination").rename("platforms").reset_index()
    table = table.assign(n=len(subset), small_group=len(subset) < SMALL_GROUP)
    bounds = [wilson_interval(k, n) for k, n in zip(table["platforms"], table["n"])]
    forced_names = [(names[a], names[b]) for a, b in shared_term_pairs(tuple(names))]
    table = table.assign(share=[share(k, n) for k, n in zip(table["platforms"], table["n"])],
                         ci_low=[b[0] for b in bounds], ci_high=[b[1] for b in bounds],
                         forced=[any(a in c.split(" + ") and b in c.split(" + ")
                                     for a, b in forced_names) for c in table["combination"]])
    return table.sort_values(["platforms", "combination"], ascending=[False, True]
                             ).reset_index(drop=True)


# --- the matrix with its shares ---------------------------------------------

def practice_prevalence(matrix: pd.DataFrame, measurable: dict[str, bool],
                        groups: list[list[str]], lang: str = "en") -> pd.DataFrame:
    """The scaling matrix's practices (index ``practice_id``, the talk's order)
    with platforms, n, share, 95 % interval, status, small-group mark and, for a
    practice merged with others, ``same_as``: the label of its group's first
    member (its numbers are then the group's)."""
    labels = taxonomy.label_of("practice", lang)
    merged, names = merge_groups(matrix, groups, labels)
    table = shares(merged, {k: all(measurable[c] for c in k.split("+")) for k in names},
                   names).set_index("indicator")
    rows = []
    for practice in matrix.columns:
        group = next((g for g in groups if practice in g), [practice])
        row = table.loc["+".join(group)].to_dict()
        row.update(practice_id=practice, label=labels[practice],
                   same_as=labels[group[0]] if practice != group[0] else None,
                   group_label=row["label"])
        rows.append(row)
    return pd.DataFrame(rows).set_index("practice_id")


def readable(table: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """A shares table in words: "42.1% [38.6%–45.8%]", "not measurable" instead
    of a number, the status in words, "small group" marks, and for a row merged
    into another (``same_as``) "same evidence as ..." instead of its numbers."""
    from iness.i18n import label as text
    same = table["same_as"] if "same_as" in table else pd.Series(None, index=table.index)
    head = table["group_label"] if "group_label" in table else table["label"]

    def label(row, other, group):
        return row["label"] if isinstance(other, str) else group

    def platforms(row, other):
        if isinstance(other, str):
            return ""
        if row["status"] == "not_measurable":
            return text("not_measurable", lang)
        return str(int(row["platforms"]))

    def interval(row, other):
        if isinstance(other, str):
            return f"{text('same_platforms_as', lang)} {other}"
        if row["status"] == "not_measurable":
            return text("not_measurable", lang)
        return (f"{pct(row['share'], 1, lang)} [{pct(row['ci_low'], 1, lang)}–"
                f"{pct(row['ci_high'], 1, lang)}]")

    rows = [(row, other, group) for (_, row), other, group
            in zip(table.iterrows(), same, head)]
    small = text("small_group", lang)
    return pd.DataFrame({
        text("indicator", lang): [label(*r) for r in rows],
        text("platforms", lang): [platforms(row, other) for row, other, _ in rows],
        "n": [f"{int(row['n'])} ({small})" if row["small_group"] else str(int(row["n"]))
              for row, _, _ in rows],
        text("share_with_interval", lang): [interval(row, other) for row, other, _ in rows],
        text("status", lang): ["" if isinstance(other, str)
                               else text(f"status_{row['status']}", lang)
                               for row, other, _ in rows]})


# --- waves compared ---------------------------------------------------------

def has_organisation_pairs(links: pd.DataFrame, wave: int) -> bool:
    """Does any project of the wave list two or more organisations (so that
    organisations in two countries can be seen at all)?"""
    wave_links = links[links["wave"] == wave]
    return bool((wave_links.groupby("project_id")["org_id"].nunique() >= 2).any())


def comparable_indicators(tags: pd.DataFrame, projects: pd.DataFrame,
                          countries: pd.DataFrame, fields: set[str]) -> pd.DataFrame:
    """:func:`scaling_indicators` rebuilt from the crosswalk rows of ``fields``
    only (the fields every compared wave has), so that a difference between
    waves is not a difference between questionnaires."""
    found = taxonomy.all_memberships(tags, projects, restricted_crosswalk(fields))
    return scaling_indicators(found[found["framework"] == "strategy"], projects, countries)


"""Analyses behind the notebooks: tidy frames in, tidy frames out.

A platform is a project of one wave, keyed by (wave, project_id). Memberships
are long (one row per platform, target and term), so every count below is a
count of distinct platforms, and shares are of all platforms of the wave.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from scipy.stats import binomtest

from . import codebook, codes, taxonomy
from .clean.fields import role_table

PLATFORM = ["wave", "project_id"]


def _platform_members(members: pd.DataFrame) -> pd.DataFrame:
    return members.rename(columns={"entity_id": "project_id"})


def platform_totals(projects: pd.DataFrame) -> pd.Series:
    """Number of platforms per wave."""
    return projects.groupby("wave").size().rename("total")


def count_by_target(members: pd.DataFrame, projects: pd.DataFrame, framework: str,
                    lang: str = "en") -> pd.DataFrame:
    """Platforms per target and wave: count, share of the wave's platforms, label,
    and (for categories) whether the target is one of the talk's 8."""
    members = _platform_members(members)
    counts = (members.drop_duplicates(subset=["wave", "project_id", "target_id"])
              .groupby(["wave", "target_id"]).size().rename("platforms").reset_index())
    order = taxonomy.targets(framework)
    grid = pd.MultiIndex.from_product([sorted(projects["wave"].unique()), order["target_id"]],
                                      names=["wave", "target_id"]).to_frame(index=False)
    out = grid.merge(counts, how="left").fillna({"platforms": 0})
    out["platforms"] = out["platforms"].astype(int)
    out = out.merge(platform_totals(projects), left_on="wave", right_index=True)
    out["share"] = (out["platforms"] / out["total"]).round(3)
    out["label"] = out["target_id"].map(taxonomy.label_of(framework, lang))
    if framework == "category":
        in_talk = taxonomy.categories().set_index("category_id")["in_talk"]
        out["in_talk"] = out["target_id"].map(in_talk)
    return out.drop(columns="total")


def labels_per_platform(members: pd.DataFrame, projects: pd.DataFrame,
                        only_talk_categories: bool = True) -> pd.DataFrame:
    """How many categories each platform has: platforms per (wave, number)."""
    members = _platform_members(members)
    if only_talk_categories:
        talk = set(taxonomy.categories().query("in_talk")["category_id"])
        members = members[members["target_id"].isin(talk)]
    per_platform = members.groupby(PLATFORM)["target_id"].nunique()
    per_platform = per_platform.reindex(
        pd.MultiIndex.from_frame(projects[PLATFORM]), fill_value=0)
    table = per_platform.rename("categories").reset_index().groupby(
        ["wave", "categories"]).size().rename("platforms").reset_index()
    table["share"] = (table["platforms"] / table.groupby("wave")["platforms"].transform("sum")
                      ).round(3)
    return table


def subcategory_counts(members: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Platforms per sub-category (only memberships that name one)."""
    members = _platform_members(members).dropna(subset=["subcategory_id"])
    counts = (members.drop_duplicates(subset=["wave", "project_id", "target_id",
                                              "subcategory_id"])
              .groupby(["wave", "target_id", "subcategory_id"]).size().rename("platforms")
              .reset_index())
    labels = taxonomy.subcategories().set_index(["category_id", "subcategory_id"])[
        f"label_{lang}"]
    counts["platforms"] = counts["platforms"].astype(int)
    counts["subcategory"] = [labels.get((c, s)) for c, s in
                             zip(counts["target_id"], counts["subcategory_id"])]
    counts["category"] = counts["target_id"].map(taxonomy.label_of("category", lang))
    return counts.sort_values(["wave", "target_id", "platforms"], ascending=[True, True, False])


def cooccurrence(members: pd.DataFrame, wave: int, only_talk_categories: bool = True
                 ) -> pd.DataFrame:
    """Square table: platforms of one wave in both row and column category
    (the diagonal is the category's own count)."""
    members = _platform_members(members)
    members = members[members["wave"] == wave].drop_duplicates(subset=PLATFORM + ["target_id"])
    order = taxonomy.targets("category")
    if only_talk_categories:
        talk = taxonomy.categories().query("in_talk")["category_id"]
        order = order[order["target_id"].isin(talk)]
    indicator = pd.crosstab(members["project_id"], members["target_id"]).reindex(
        columns=order["target_id"], fill_value=0).clip(upper=1)
    return indicator.T.dot(indicator)


def project_attribute(links: pd.DataFrame, organisations: pd.DataFrame,
                      attribute: str) -> pd.DataFrame:
    """Distinct values of an organisation attribute (country_code, org_type...)
    over the organisations linked to each project, any role."""
    joined = links.merge(organisations[["wave", "org_id", attribute]], on=["wave", "org_id"])
    joined = joined.dropna(subset=[attribute])
    joined[attribute] = joined[attribute].astype(str)
    return joined[PLATFORM + [attribute]].drop_duplicates().reset_index(drop=True)


def share_by_group(members: pd.DataFrame, groups: pd.DataFrame, group_column: str,
                   wave: int, min_platforms: int = 10, lang: str = "en") -> pd.DataFrame:
    """Share of each group's platforms (one wave) in each category; groups with
    fewer than ``min_platforms`` platforms are left out. Rows: groups; columns:
    category labels; plus the group's platform count."""
    members = _platform_members(members)
    members = members[members["wave"] == wave].drop_duplicates(subset=PLATFORM + ["target_id"])
    groups = groups[groups["wave"] == wave]
    sizes = groups.groupby(group_column)["project_id"].nunique()
    kept = sizes[sizes >= min_platforms].index
    joined = groups[groups[group_column].isin(kept)].merge(members, on=PLATFORM)
    counts = joined.groupby([group_column, "target_id"])["project_id"].nunique().unstack(
        fill_value=0)
    order = [target for target in taxonomy.targets("category")["target_id"]
             if target in counts.columns]
    shares = counts[order].div(sizes[kept], axis=0).round(3)
    shares.columns = [taxonomy.label_of("category", lang)[target] for target in order]
    shares.insert(0, "platforms", sizes[kept])
    return shares.sort_values("platforms", ascending=False)


def activity_by_category(members_activity: pd.DataFrame, members_category: pd.DataFrame,
                         wave: int, lang: str = "en") -> pd.DataFrame:
    """Share of each category's platforms (one wave) that run each key activity."""
    activities = _platform_members(members_activity)
    categories = _platform_members(members_category)
    activities = activities[activities["wave"] == wave].drop_duplicates(PLATFORM + ["target_id"])
    categories = categories[categories["wave"] == wave].drop_duplicates(PLATFORM + ["target_id"])
    sizes = categories.groupby("target_id")["project_id"].nunique()
    joined = categories.merge(activities, on=PLATFORM, suffixes=("_category", "_activity"))
    counts = joined.groupby(["target_id_category", "target_id_activity"])[
        "project_id"].nunique().unstack(fill_value=0)
    category_order = [c for c in taxonomy.targets("category")["target_id"] if c in counts.index]
    activity_order = [a for a in taxonomy.targets("activity")["target_id"]
                      if a in counts.columns]
    shares = counts.loc[category_order, activity_order].div(sizes[category_order], axis=0)
    shares.index = [taxonomy.label_of("category", lang)[c] for c in category_order]
    shares.columns = [taxonomy.label_of("activity", lang)[a] for a in activity_order]
    return shares.round(3)


# --- hybrid economic models -------------------------------------------------

#: organisation types -> economic principle (Polanyi's three, as used in the French
#: ESS literature); social enterprises, charities and foundations mix market income,
#: grants and gifts, so their type alone says nothing.
PRINCIPLE_OF_ORG_TYPE = {"business": "market", "government": "redistribution",
                         "academia": "redistribution", "grassroots": "reciprocity"}
#: survey terms -> principle
PRINCIPLE_OF_TERM = {
    ("tech_method", "online marketplaces and noticeboards"): "market",
    ("project_type", "research project"): "redistribution",
    ("tech_method", "peer-to-peer networks"): "reciprocity",
    ("free", "crowdfunding"): "reciprocity",
    ("raw_2016", "crowdfunding"): "reciprocity",
    ("free", "volunteering"): "reciprocity",
}
PRINCIPLES = ("market", "redistribution", "reciprocity")


def economic_principles(projects: pd.DataFrame, links: pd.DataFrame,
                        organisations: pd.DataFrame, tags: pd.DataFrame) -> pd.DataFrame:
    """Which principles each platform draws on, and from what: the types of the
    organisations linked to it (any role) and its methods and type. Long:
    wave, project_id, principle, via."""
    types = project_attribute(links, organisations, "org_type")
    from_orgs = types.assign(principle=types["org_type"].map(PRINCIPLE_OF_ORG_TYPE),
                             via="organisation type: " + types["org_type"])
    terms = taxonomy.platform_terms(tags[tags["entity"] == "project"], projects).rename(
        columns={"entity_id": "project_id"})
    # 2016 kept 'crowdfunding' apart from crowdsourcing before the 2017 recoding
    raw_crowdfunding = tags[(tags["entity"] == "project") & (tags["facet"] == "tech_method")
                            & (tags["raw_value"].str.lower() == "crowdfunding")]
    terms = pd.concat([terms, pd.DataFrame({
        "entity": "project", "project_id": raw_crowdfunding["entity_id"],
        "wave": raw_crowdfunding["wave"], "facet": "raw_2016", "tag": "crowdfunding"})])
    keys = list(zip(terms["facet"], terms["tag"]))
    from_terms = terms.assign(principle=[PRINCIPLE_OF_TERM.get(key) for key in keys],
                              via=[f"{facet}: {tag}" for facet, tag in keys])
    found = pd.concat([from_orgs, from_terms])[PLATFORM + ["principle", "via"]]
    found = found.dropna(subset=["principle"]).drop_duplicates()
    return semi_platforms(found, projects).sort_values(PLATFORM + ["principle", "via"]
                                                       ).reset_index(drop=True)


def semi_platforms(frame: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    from .frames import semi_join
    return semi_join(frame, projects[PLATFORM], PLATFORM)


def principle_profile(principles: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """One row per platform: a boolean per principle, their number, and is_hybrid
    (two principles or more)."""
    table = pd.crosstab([principles["wave"], principles["project_id"]],
                        principles["principle"]).clip(upper=1).astype(bool)
    table = table.reindex(columns=list(PRINCIPLES), fill_value=False)
    table = table.reindex(pd.MultiIndex.from_frame(projects[PLATFORM]), fill_value=False)
    table["principles"] = table[list(PRINCIPLES)].sum(axis=1)
    table["is_hybrid"] = table["principles"] >= 2
    return table.reset_index()


def hybrid_by_category(profile: pd.DataFrame, members_category: pd.DataFrame, wave: int,
                       lang: str = "en") -> pd.DataFrame:
    """Per category (one wave): platforms, share drawing on each principle, share hybrid."""
    categories = _platform_members(members_category)
    categories = categories[categories["wave"] == wave].drop_duplicates(PLATFORM + ["target_id"])
    joined = categories.merge(profile, on=PLATFORM)
    grouped = joined.groupby("target_id")
    table = pd.DataFrame({"platforms": grouped.size()})
    for column in (*PRINCIPLES, "is_hybrid"):
        table[column] = grouped[column].mean().round(3)
    order = [c for c in taxonomy.targets("category")["target_id"] if c in table.index]
    table = table.loc[order]
    table.index = [taxonomy.label_of("category", lang)[c] for c in order]
    return table


def funder_structure(links: pd.DataFrame, organisations: pd.DataFrame) -> pd.DataFrame:
    """Per 2016 platform with a funder link: distinct funder organisations, distinct
    known funder sectors, and whether its roles mix 'sole-funder' with 'co-funder'."""
    funder_roles = set(role_table().query("is_funder")["role"])
    funders = links[links["role"].isin(funder_roles)].merge(
        organisations[["wave", "org_id", "org_type"]], on=["wave", "org_id"], how="left")
    columns = PLATFORM + ["funder_organisations", "funder_sectors", "mixes_sole_and_co",
                          "only_one_co_funder"]
    if funders.empty:
        return pd.DataFrame(columns=columns)
    grouped = funders.groupby(PLATFORM)
    return pd.DataFrame({
        "funder_organisations": grouped["org_id"].nunique(),
        "funder_sectors": grouped["org_type"].nunique(),
        "mixes_sole_and_co": grouped["role"].agg(lambda r: {"sole-funder", "co-funder"}
                                                 <= set(r)),
        "only_one_co_funder": grouped.apply(
            lambda g: g["org_id"].nunique() == 1 and set(g["role"]) == {"co-funder"},
            include_groups=False),
    }).reset_index()


# --- scaling ---------------------------------------------------------------

def scaling_indicators(members_strategy: pd.DataFrame, projects: pd.DataFrame,
                       countries: pd.DataFrame) -> pd.DataFrame:
    """One row per platform: scaling out (technology replication), geographical
    implantation (a replication network, or organisations in two or more
    countries), the three levers of user-based growth and scaling deep."""
    members = _platform_members(members_strategy)
    has = pd.crosstab([members["wave"], members["project_id"]], members["target_id"]
                      ).clip(upper=1).astype(bool)
    has = has.reindex(pd.MultiIndex.from_frame(projects[PLATFORM]), fill_value=False)
    wanted = ["technology_replication", "geographical_implantation", "lever_a", "lever_b",
              "lever_c", "scaling_deep"]
    has = has.reindex(columns=wanted, fill_value=False)
    spread = countries.groupby(PLATFORM)["country_code"].nunique()
    multi_country = spread.reindex(has.index, fill_value=0) >= 2
    table = pd.DataFrame({
        "scaling_out": has["technology_replication"],
        "geographical": has["geographical_implantation"] | multi_country.to_numpy(),
        "lever_a": has["lever_a"], "lever_b": has["lever_b"], "lever_c": has["lever_c"],
        "scaling_deep": has["scaling_deep"]})
    table["user_growth"] = table[["lever_a", "lever_b", "lever_c"]].any(axis=1)
    return table.reset_index()


def strategy_combinations(indicators: pd.DataFrame, wave: int, lang: str = "en"
                          ) -> pd.DataFrame:
    """Platforms per combination of the three strategies (one wave), largest first."""
    names = {"scaling_out": taxonomy.label_of("strategy", lang)["technology_replication"],
             "geographical": taxonomy.label_of("strategy", lang)["geographical_implantation"],
             "user_growth": taxonomy.label_of("strategy", lang)["direct_user_growth"]}
    subset = indicators[indicators["wave"] == wave]
    from .figures import text
    nothing = text("none", lang)
    combo = subset[list(names)].apply(
        lambda row: " + ".join(names[k] for k in names if row[k]) or nothing, axis=1)
    table = combo.value_counts().rename_axis("combination").rename("platforms").reset_index()
    table["share"] = (table["platforms"] / len(subset)).round(3)
    return table.sort_values(["platforms", "combination"], ascending=[False, True]
                             ).reset_index(drop=True)


def practice_prevalence(members_practice: pd.DataFrame, projects: pd.DataFrame, wave: int,
                        lang: str = "en") -> pd.DataFrame:
    """The scaling matrix with, for each practice, the share of the wave's platforms
    that show it, and whether any survey term can show it at all (``measurable``)."""
    counts = count_by_target(members_practice, projects, "practice", lang)
    counts = counts[counts["wave"] == wave].set_index("target_id")
    matrix = taxonomy.scaling_matrix().set_index("practice_id")
    table = matrix[["label_en", "label_fr", "managing_expectations", "community_agency",
                    "network_management"]].copy()
    table["platforms"] = counts["platforms"]
    table["share"] = counts["share"]
    walk = taxonomy.crosswalk()
    table["measurable"] = table.index.isin(walk.loc[walk["framework"] == "practice",
                                                    "target_id"])
    table["label"] = table[f"label_{lang}"]
    return table.drop(columns=["label_en", "label_fr"])


def share(numerator: int, denominator: int) -> float:
    """A share rounded to 3 decimals (0 when there is nothing to divide)."""
    return round(numerator / denominator, 3) if denominator else 0.0


def wilson_interval(successes: int, trials: int) -> tuple[float, float]:
    """95 % Wilson score interval of a proportion (scipy's ``binomtest``).

    >>> wilson_interval(5, 10)
    (0.237, 0.763)
    """
    if trials == 0:
        return (np.nan, np.nan)
    interval = binomtest(int(successes), int(trials)).proportion_ci(0.95, method="wilson")
    return (round(float(interval.low), 3), round(float(interval.high), 3))


def with_intervals(table: pd.DataFrame, count: str, total: str) -> pd.DataFrame:
    """Add ``share``, ``ci_low`` and ``ci_high`` (95 % Wilson) to a table of counts."""
    bounds = [wilson_interval(k, n) for k, n in zip(table[count], table[total])]
    return table.assign(
        share=[share(k, n) for k, n in zip(table[count], table[total])],
        ci_low=[low for low, _ in bounds], ci_high=[high for _, high in bounds])


# --- measured codes (notebooks 02 and 03) ----------------------------------

#: how a sentence names each method
METHOD_WORDS = {"coded": "the coding", "declared": "the survey's own declaration",
                "classifier": "the text classifier", "crosswalk": "the tag crosswalk"}


def measured_platforms(survey, framework: str, method: str | None = "coded",
                       platforms_only: bool = True) -> pd.DataFrame:
    """wave and project_id of the projects ``method`` measured for ``framework``;
    with ``platforms_only``, those the same method says are platforms. Coded
    projects count once per coding unit (one text read), not once per wave."""
    measured = survey.measured(framework, method)[["wave", "entity_id"]]
    if method == "coded":
        # a project listed in both waves with the same text was read once: count it once
        units = survey.codes.loc[(survey.codes["method"] == "coded")
                                 & (survey.codes["framework"] == framework),
                                 ["wave", "entity_id", "evidence"]].drop_duplicates()
        measured = measured.merge(units, on=["wave", "entity_id"]).drop_duplicates(
            "evidence")[["wave", "entity_id"]]
    if platforms_only:
        platforms = survey.members("is_platform", method)
        platforms = platforms.loc[platforms["target_id"] == "true", ["wave", "entity_id"]]
        measured = measured.merge(platforms, on=["wave", "entity_id"])
    return measured.rename(columns={"entity_id": "project_id"}).drop_duplicates()


def primary_partition(survey, lang: str = "en", method: str = "coded",
                      platforms_only: bool = True) -> pd.DataFrame:
    """The talk's table as a partition: platforms per primary category (the eight
    and "none of the eight"), both waves together, with 95 % intervals. Counts
    sum to the number of measured platforms."""
    base = measured_platforms(survey, "primary_category", method, platforms_only)
    primary = codes.select(survey.codes, "primary_category", method)
    primary = primary.rename(columns={"entity_id": "project_id"}).merge(
        base, on=["wave", "project_id"])
    order = codebook.allowed("primary_category")
    counts = primary["target_id"].value_counts().reindex(order, fill_value=0)
    table = pd.DataFrame({"target_id": order, "platforms": counts.to_numpy(),
                          "n": len(base)})
    table = with_intervals(table, "platforms", "n")
    table["label"] = [codebook.value_label("primary_category", t, lang) for t in order]
    return table[["target_id", "label", "platforms", "n", "share", "ci_low", "ci_high"]]


def multilabel_shares(survey, framework: str, lang: str = "en", method: str = "coded",
                      platforms_only: bool = True) -> pd.DataFrame:
    """Share of measured platforms in each target (several per platform allowed),
    pooled over waves, with 95 % intervals."""
    base = measured_platforms(survey, framework, method, platforms_only)
    members = _platform_members(survey.members(framework, method)).merge(
        base, on=["wave", "project_id"]).drop_duplicates(["wave", "project_id", "target_id"])
    variable = "categories" if framework == "category" else "activities"
    order = codebook.allowed(variable)
    counts = members["target_id"].value_counts().reindex(order, fill_value=0)
    table = pd.DataFrame({"target_id": order, "platforms": counts.to_numpy(), "n": len(base)})
    table = with_intervals(table, "platforms", "n")
    table["label"] = [codebook.value_label(variable, t, lang) for t in order]
    return table[["target_id", "label", "platforms", "n", "share", "ci_low", "ci_high"]]


def method_comparison(survey, framework: str, lang: str = "en") -> pd.DataFrame:
    """On the coded platforms: each target's share by the coding, the classifier
    (out of fold) and the crosswalk, and each method's F1 against the coding."""
    from .reliability import method_agreement
    base = measured_platforms(survey, framework, "coded", platforms_only=True)
    keys = base.rename(columns={"project_id": "entity_id"})
    variable = "categories" if framework == "category" else "activities"
    targets = codebook.allowed(variable)
    rows = {}
    for method in ("coded", "classifier", "crosswalk"):
        chosen = codes.select(survey.codes, framework, method).merge(keys, on=["wave",
                                                                               "entity_id"])
        # a coded platform a method says nothing about was measured by it, with no target
        chosen = pd.concat([chosen, keys.assign(target_id=codes.NONE)])
        counts = chosen.drop_duplicates(["wave", "entity_id", "target_id"])["target_id"]
        rows[method] = (counts.value_counts().reindex(targets, fill_value=0) / len(keys))
        if method != "coded":
            reference = codes.select(survey.codes, framework, "coded").merge(
                keys, on=["wave", "entity_id"])
            agreement = method_agreement(chosen, reference, targets).set_index("target")
            rows[f"{method}_f1"] = agreement["f1"]
    table = pd.DataFrame(rows).reindex([*targets, "all"]).round(3)
    micro = "all (micro-F1)" if lang == "en" else "toutes (F1 micro)"
    table.index = [micro if t == "all" else codebook.value_label(variable, t, lang)
                   for t in table.index]
    return table.assign(n=len(keys))


# --- the data (notebook 01) ------------------------------------------------

def ledger_summary(ledger: pd.DataFrame, row_counts: dict[str, int] | None = None
                   ) -> pd.DataFrame:
    """Per raw file: rows in, kept, merged, set aside. ``rows_in`` defaults to the
    ledger's own count of records per file."""
    records = ledger[(ledger["entity"] != "link")
                     | (ledger["source_file"] == "wave2016/org-projects.csv")]
    if row_counts is None:
        row_counts = records.groupby("source_file").size().to_dict()
    counts = records.pivot_table(index="source_file", columns="outcome", values="source_row",
                                 aggfunc="count", fill_value=0)
    counts = counts.reindex(columns=["kept", "merged", "set_aside"], fill_value=0)
    counts.insert(0, "rows_in", pd.Series(row_counts))
    return counts.astype(int)


def wave_sizes(clean, everything) -> pd.DataFrame:
    """Per wave: organisations, projects and links after cleaning, and the
    suspect records left out (``clean`` and ``everything`` are Surveys)."""
    def per_wave(frame):
        return frame.groupby("wave").size()
    table = pd.DataFrame({
        "organisations": per_wave(clean.organisations),
        "projects": per_wave(clean.projects),
        "links": per_wave(clean.links),
        "suspect_organisations": per_wave(everything.organisations[
            everything.organisations["is_suspect"]]),
        "suspect_projects": per_wave(everything.projects[everything.projects["is_suspect"]]),
    }).fillna(0).astype(int)
    table.index.name = "wave"
    return table


def ledger_reasons(ledger: pd.DataFrame) -> pd.DataFrame:
    """Raw rows merged or set aside, by file, outcome and reason."""
    moved = ledger[ledger["outcome"] != "kept"]
    return (moved.groupby(["source_file", "outcome", "reason"]).size().rename("rows")
            .reset_index().sort_values(["source_file", "outcome", "rows"],
                                       ascending=[True, True, False]).reset_index(drop=True))


def suspect_summary(everything) -> pd.DataFrame:
    """Suspect organisations and projects per reason and wave, with examples."""
    frames = [everything.organisations.rename(columns={"org_name": "name"}).assign(
                  entity="organisation"),
              everything.projects.rename(columns={"project_name": "name"}).assign(
                  entity="project")]
    rows = pd.concat([frame.loc[frame["is_suspect"], ["entity", "wave", "suspect_reason",
                                                      "name"]] for frame in frames])
    grouped = rows.groupby(["suspect_reason", "entity", "wave"])
    return pd.DataFrame({
        "records": grouped.size(),
        "examples": grouped["name"].agg(lambda names: ", ".join(
            sorted({str(n)[:24] for n in names if isinstance(n, str) and n})[:4]))}
    ).reset_index()


def merged_records(everything) -> pd.DataFrame:
    """Every duplicate merged: file, the merged record's raw name, its canonical record."""
    ledger = everything.ledger
    merged = ledger[(ledger["outcome"] == "merged") & (ledger["entity"] != "link")]
    names = pd.concat([
        everything.organisations[["wave", "org_id", "org_name"]].set_axis(
            ["wave", "entity_id", "canonical_name"], axis=1),
        everything.projects[["wave", "project_id", "project_name"]].set_axis(
            ["wave", "entity_id", "canonical_name"], axis=1)])
    merged = merged.assign(wave=merged["source_file"].str[4:8].astype("int16"))
    table = merged.merge(names, left_on=["wave", "merged_into"],
                         right_on=["wave", "entity_id"], how="left")
    return (table[["source_file", "source_row", "entity", "reason", "canonical_name"]]
            .sort_values(["source_file", "source_row"]).reset_index(drop=True))


def flag_counts(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Records per flag value and wave."""
    return frame.groupby(["wave", column]).size().unstack(fill_value=0)


def wave_match_summary(clean) -> pd.DataFrame:
    """Matches between waves per entity and rule, with the share of 2016 records matched."""
    matches = clean.wave_matches
    totals = {"organisation": (clean.organisations["wave"] == 2016).sum(),
              "project": (clean.projects["wave"] == 2016).sum()}
    table = matches.groupby(["entity", "rule"]).size().rename("matches").reset_index()
    table["share_of_2016"] = [share(count, totals[entity]) for entity, count
                              in zip(table["entity"], table["matches"])]
    return table


# --- the talk's tables and examples ---------------------------------------

def talk_category_table(lang: str = "en") -> pd.DataFrame:
    """The talk's table 'Nature of social issue addressed and sub-categories'."""
    categories = taxonomy.categories().query("in_talk").sort_values("order")
    subs = taxonomy.subcategories().groupby("category_id")[f"label_{lang}"].agg(", ".join)
    examples = taxonomy.examples().query("framework == 'category'").groupby("target_id")[
        "platform"].agg(", ".join)
    head = {"en": ("Social issue", "Sub-categories", "Explanation", "Examples"),
            "fr": ("Enjeu social", "Sous-catégories", "Explication", "Exemples")}[lang]
    return pd.DataFrame({
        head[0]: categories[f"label_{lang}"].to_numpy(),
        head[1]: categories["category_id"].map(subs).fillna("").to_numpy(),
        head[2]: categories[f"explanation_{lang}"].to_numpy(),
        head[3]: categories["category_id"].map(examples).fillna("").to_numpy()})


def find_platforms(names: pd.Series, platform: str) -> pd.Series:
    """Which names are the platform: same compact name, or (for names of 6+
    characters) the compact name contained in it ('Wheelmap' in 'Wheelmap.org')."""
    from .clean.text import compact_key
    key = compact_key(platform)
    keys = names.map(compact_key)
    if len(key) < 6:
        return keys == key
    return keys.str.contains(key, regex=False)


def talk_examples_in_data(clean, framework: str = "category", lang: str = "en"
                          ) -> pd.DataFrame:
    """The talk's example platforms of one framework: found in DSI4EU or not, as a
    project or organisation, and where the data puts them (both waves)."""
    members = clean.members(framework)
    from .taxonomy import organisation_memberships
    org_members = organisation_memberships(clean.memberships, clean.links)
    org_members = org_members[org_members["framework"] == framework]
    labels = taxonomy.label_of(framework, lang)
    rows = []
    for example in taxonomy.examples().query("framework == @framework").itertuples():
        found = []
        for entity, table, name_column, id_column, table_members in (
                ("project", clean.projects, "project_name", "project_id", members),
                ("organisation", clean.organisations, "org_name", "org_id", org_members)):
            hits = table[find_platforms(table[name_column], example.platform)]
            for hit in hits.itertuples():
                record_id = getattr(hit, id_column)
                targets = table_members[(table_members["wave"] == hit.wave)
                                        & (table_members["entity_id"] == record_id)]
                found.append((entity, hit.wave, getattr(hit, name_column),
                              sorted(set(targets["target_id"]))))
        in_talk = labels[example.target_id]
        if not found:
            rows.append((example.platform, in_talk, "—", None, "", None))
        for entity, wave, name, targets in found:
            rows.append((example.platform, in_talk, entity, wave, name,
                         example.target_id in targets))
    table = pd.DataFrame(rows, columns=["platform", "talk_puts_it_in", "found_as", "wave",
                                        "name_in_data", "data_agrees"])
    return table.astype({"wave": "Int16"})


def top_pairs(together: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Pairs of distinct categories by number of platforms in both, largest first."""
    names = taxonomy.label_of("category", lang)
    rows = [(names[a], names[b], int(together.loc[a, b]))
            for i, a in enumerate(together.index) for b in together.columns[i + 1:]]
    return pd.DataFrame(rows, columns=["first", "second", "platforms"]).sort_values(
        ["platforms", "first", "second"], ascending=[False, True, True]).reset_index(drop=True)


def activity_lift(members_activity: pd.DataFrame, members_category: pd.DataFrame, wave: int,
                  lang: str = "en", min_platforms: int = 20) -> pd.DataFrame:
    """Activity shares within each category against the activity's overall share
    (lift = within / overall), for categories with ``min_platforms`` or more."""
    activities = _platform_members(members_activity)
    activities = activities[activities["wave"] == wave].drop_duplicates(PLATFORM + ["target_id"])
    categories = _platform_members(members_category)
    categories = categories[categories["wave"] == wave].drop_duplicates(PLATFORM + ["target_id"])
    platforms = pd.concat([activities, categories])["project_id"].nunique()
    overall = activities.groupby("target_id")["project_id"].nunique() / platforms
    sizes = categories.groupby("target_id")["project_id"].nunique()
    joined = categories.merge(activities, on=PLATFORM, suffixes=("_category", "_activity"))
    within = joined.groupby(["target_id_category", "target_id_activity"])["project_id"].nunique()
    table = within.rename("platforms").reset_index()
    table = table[table["target_id_category"].map(sizes) >= min_platforms]
    table["share_in_category"] = (table["platforms"]
                                  / table["target_id_category"].map(sizes)).round(3)
    table["share_overall"] = table["target_id_activity"].map(overall).round(3)
    table["lift"] = (table["share_in_category"] / table["share_overall"]).round(2)
    table["category"] = table["target_id_category"].map(taxonomy.label_of("category", lang))
    table["activity"] = table["target_id_activity"].map(taxonomy.label_of("activity", lang))
    return (table[["category", "activity", "platforms", "share_in_category", "share_overall",
                   "lift"]].sort_values(["lift", "category", "activity"],
                                        ascending=[False, True, True]).reset_index(drop=True))


def org_type_labels(lang: str = "en") -> dict[str, str]:
    """Organisation type codes to their labels in one language."""
    from .clean.fields import org_type_table
    table = org_type_table()
    return dict(zip(table["org_type"], table[f"label_{lang}"]))

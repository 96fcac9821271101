"""Analyses behind the notebooks: tidy frames in, tidy frames out.

A platform is a project of one wave, keyed by (wave, project_id). Memberships
are long (one row per platform, target and term), so every count below is a
count of distinct platforms, and shares are of all platforms of the wave.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import taxonomy
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
    combo = subset[list(names)].apply(
        lambda row: " + ".join(names[k] for k in names if row[k]) or "—", axis=1)
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


def wilson_interval(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson score interval of a proportion.

    >>> wilson_interval(5, 10)
    (0.237, 0.763)
    """
    if trials == 0:
        return (np.nan, np.nan)
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * np.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return (round(float(centre - half), 3), round(float(centre + half), 3))

"""Analyses behind the notebooks: tidy frames in, tidy frames out.

A platform is a project of one wave, keyed by (wave, project_id). Memberships
are long (one row per platform, target and term), so every count below is a
count of distinct platforms, and shares are of all platforms of the wave.
"""
from __future__ import annotations

import numpy as np
import pandas as pd


from iness.reference import codebook, taxonomy
from iness.store import codes

PLATFORM = ["wave", "project_id"]
#: groups smaller than this are marked in tables and figures: a 95 % interval on
#: fewer than 30 platforms is wider than about ±18 points
SMALL_GROUP = 30


def _platform_members(members: pd.DataFrame) -> pd.DataFrame:
    return members.rename(columns={"entity_id": "project_id"})


def platform_totals(projects: pd.DataFrame) -> pd.Series:
    """Number of platforms per wave."""
    return projects.groupby("wave").size().rename("total")


def count_by_target(members: pd.DataFrame, projects: pd.DataFrame, framework: str,
                    lang: str = "en") -> pd.DataFrame:
    """Platforms per target and wave: count, n (the wave's platforms), share with
    its 95 % interval, label, and (for categories) whether the target is one of
    the talk's 8."""
    members = _platform_members(members)
    counts = (members.drop_duplicates(subset=["wave", "project_id", "target_id"])
              .groupby(["wave", "target_id"]).size().rename("platforms").reset_index())
    order = taxonomy.targets(framework)
    grid = pd.MultiIndex.from_product([sorted(projects["wave"].unique()), order["target_id"]],
                                      names=["wave", "target_id"]).to_frame(index=False)
    out = grid.merge(counts, how="left").fillna({"platforms": 0})
    out["platforms"] = out["platforms"].astype(int)
    out = out.merge(platform_totals(projects).rename("n"), left_on="wave", right_index=True)
    out = with_intervals(out, "platforms", "n")
    out["label"] = out["target_id"].map(taxonomy.label_of(framework, lang))
    if framework == "category":
        in_talk = taxonomy.categories().set_index("category_id")["in_talk"]
        out["in_talk"] = out["target_id"].map(in_talk)
    return out


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
        fill_value=0).reindex(kept, fill_value=0)  # a group with no member: zeros, not NaN
    order = [target for target in taxonomy.targets("category")["target_id"]
             if target in counts.columns]
    shares = counts[order].div(sizes[kept], axis=0).round(3)
    shares.columns = [taxonomy.label_of("category", lang)[target] for target in order]
    shares.insert(0, "platforms", sizes[kept])
    return shares.sort_values("platforms", ascending=False)


def share(numerator: int, denominator: int) -> float:
    """A share rounded to 3 decimals (0 when there is nothing to divide)."""
    return round(numerator / denominator, 3) if denominator else 0.0


#: the normal quantile of a two-sided 95 % interval (``scipy.special.ndtri(0.975)``)
Z_95 = 1.959963984540054


def wilson_intervals(successes, trials) -> tuple[np.ndarray, np.ndarray]:
    """95 % Wilson score intervals of proportions, unrounded; NaN where there
    are no trials. scipy's ``binomtest(k, n).proportion_ci(method="wilson")``,
    operation for operation (the same floats), without importing scipy.stats
    (half a second in every notebook) or computing a p-value per share."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denominator = 2 * (n + Z_95 ** 2)
        centre = (2 * n * p + Z_95 ** 2) / denominator
        delta = Z_95 / denominator * np.sqrt(4 * n * p * (1 - p) + Z_95 ** 2)
    low = np.where(k == 0, 0.0, centre - delta)
    high = np.where(k == n, 1.0, centre + delta)
    none = n == 0
    return np.where(none, np.nan, low), np.where(none, np.nan, high)


def wilson_interval(successes: int, trials: int) -> tuple[float, float]:
    """95 % Wilson score interval of a proportion, rounded to 3 decimals.

    >>> wilson_interval(5, 10), wilson_interval(0, 4), wilson_interval(0, 0)
    ((0.237, 0.763), (0.0, 0.49), (nan, nan))
    """
    low, high = wilson_intervals(successes, trials)
    return (round(float(low), 3), round(float(high), 3))


def with_intervals(table: pd.DataFrame, count: str, total: str) -> pd.DataFrame:
    """Add ``share``, ``ci_low`` and ``ci_high`` (95 % Wilson) to a table of counts."""
    low, high = wilson_intervals(table[count].to_numpy(), table[total].to_numpy())
    return table.assign(
        share=[share(k, n) for k, n in zip(table[count], table[total])],
        ci_low=[round(float(value), 3) for value in low],
        ci_high=[round(float(value), 3) for value in high])


# --- measured codes (notebooks 02 and 03) ----------------------------------

def method_words(method: str, lang: str | None = None) -> str:
    """How a sentence names a method ("the coding"), in the language set (or
    ``lang``): the ``method_words_<method>`` keys of ``labels.csv``; a method
    with no key is named by its id."""
    from iness.i18n import label
    return label(f"method_words_{method}", lang, default=method)


def measured_platforms(survey, framework: str, method: str | None = "coded",
                       platforms_only: bool = True) -> pd.DataFrame:
    """wave and project_id of the projects ``method`` measured for ``framework``;
    with ``platforms_only``, those the same method says are platforms. Coded
    projects count once per coding unit (one text read), not once per wave."""
    measured = platforms_by_wave(survey, framework, method, platforms_only)
    if method == "coded":
        # a project listed in both waves with the same text was read once: count it once
        units = survey.codes.loc[(survey.codes["method"] == "coded")
                                 & (survey.codes["framework"] == framework),
                                 ["wave", "entity_id", "evidence"]].drop_duplicates()
        measured = measured.merge(units.rename(columns={"entity_id": "project_id"}),
                                  on=PLATFORM).drop_duplicates("evidence")[PLATFORM]
    return measured.reset_index(drop=True)


def _platform_keys(survey, method: str | None) -> pd.DataFrame:
    """wave and entity_id of the projects ``method`` says are platforms (the
    best method's word where this one says nothing about platforms)."""
    platforms = survey.members("is_platform", method)
    if platforms.empty:
        platforms = survey.members("is_platform")
    return platforms.loc[platforms["target_id"] == "true", ["wave", "entity_id"]]


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
    from iness.coding.reliability import method_agreement
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
    from iness.i18n import label
    micro = label("all_micro_f1", lang)
    table.index = [micro if t == "all" else codebook.value_label(variable, t, lang)
                   for t in table.index]
    return table.assign(n=len(keys))


# --- the data (notebook 01) ------------------------------------------------

def data_word(value, lang: str = "en"):
    """A word of the data (a ledger outcome or reason, an entity, a suspect
    reason, a matching rule) in the language: as it is in English, else the
    ``data_<word>`` row of labels.csv (a word with none stays as it is, or
    raises in strict mode)."""
    import re

    from iness import i18n
    if lang == i18n.SOURCE_LANGUAGE or not isinstance(value, str):
        return value
    key = "data_" + re.sub(r"\W+", "_", value).strip("_")
    labels = i18n.labels()
    if key in labels.index and labels.loc[key, "en"] == value:
        return labels.loc[key, lang]
    if i18n.strict():
        raise i18n.MissingTranslation(f"no {lang} word for {value!r}: add a {key} row "
                                      "to iness/data/labels.csv")
    return value


def _data_words(table: pd.DataFrame, columns: list[str], lang: str) -> pd.DataFrame:
    """The table with the words of these columns in the language."""
    if lang == "en":
        return table
    return table.assign(**{column: [data_word(value, lang) for value in table[column]]
                           for column in columns})


def raw_rows(ledger: pd.DataFrame) -> pd.Series:
    """Which ledger rows are a file's raw rows: its organisations or projects, or
    its links for a file of links only (the other link rows are listings inside
    an organisation's or a project's row)."""
    links_only = ledger.groupby("source_file")["entity"].transform(
        lambda entity: (entity == "link").all())
    return (ledger["entity"] != "link") | links_only


def ledger_summary(ledger: pd.DataFrame, row_counts: dict[str, int] | None = None
                   ) -> pd.DataFrame:
    """Per raw file: rows in, kept, merged, set aside. ``rows_in`` defaults to the
    ledger's own count of records per file."""
    records = ledger[raw_rows(ledger)]
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


def ledger_reasons(ledger: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Raw rows merged or set aside, by file, outcome and reason."""
    moved = ledger[ledger["outcome"] != "kept"]
    table = (moved.groupby(["source_file", "outcome", "reason"]).size().rename("rows")
             .reset_index().sort_values(["source_file", "outcome", "rows"],
                                        ascending=[True, True, False]).reset_index(drop=True))
    return _data_words(table, ["outcome", "reason"], lang)


def suspect_summary(everything, lang: str = "en") -> pd.DataFrame:
    """Suspect organisations and projects per reason and wave, with examples."""
    frames = [everything.organisations.rename(columns={"org_name": "name"}).assign(
                  entity="organisation"),
              everything.projects.rename(columns={"project_name": "name"}).assign(
                  entity="project")]
    rows = pd.concat([frame.loc[frame["is_suspect"], ["entity", "wave", "suspect_reason",
                                                      "name"]] for frame in frames])
    grouped = rows.groupby(["suspect_reason", "entity", "wave"])
    table = pd.DataFrame({
        "records": grouped.size(),
        "examples": grouped["name"].agg(lambda names: ", ".join(
            sorted({str(n)[:24] for n in names if isinstance(n, str) and n})[:4]))}
    ).reset_index()
    return _data_words(table, ["suspect_reason", "entity"], lang)


def merged_records(everything, lang: str = "en") -> pd.DataFrame:
    """Every duplicate merged: file, the merged record's raw name, its canonical record
    (of the same entity: an organisation and a project may share an id)."""
    ledger = everything.ledger
    merged = ledger[(ledger["outcome"] == "merged") & (ledger["entity"] != "link")]
    names = pd.concat([
        everything.organisations[["wave", "org_id", "org_name"]].set_axis(
            ["wave", "entity_id", "canonical_name"], axis=1).assign(entity="organisation"),
        everything.projects[["wave", "project_id", "project_name"]].set_axis(
            ["wave", "entity_id", "canonical_name"], axis=1).assign(entity="project")])
    merged = merged.assign(wave=merged["source_file"].str[4:8].astype("int16"))
    table = merged.merge(names, left_on=["wave", "entity", "merged_into"],
                         right_on=["wave", "entity", "entity_id"], how="left")
    table = (table[["source_file", "source_row", "entity", "reason", "canonical_name"]]
             .sort_values(["source_file", "source_row"]).reset_index(drop=True))
    return _data_words(table, ["entity", "reason"], lang)


def flag_counts(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Records per flag value and wave."""
    return frame.groupby(["wave", column]).size().unstack(fill_value=0)


def wave_match_summary(clean, lang: str = "en") -> pd.DataFrame:
    """Matches between consecutive waves per entity and rule, with the share of
    the earlier wave's records matched (``share_of_from``); words in ``lang``."""
    matches = clean.wave_matches
    tables = {"organisation": clean.organisations, "project": clean.projects}
    table = (matches.groupby(["entity", "wave_from", "wave_to", "rule"]).size()
             .rename("matches").reset_index())
    table["share_of_from"] = [
        share(count, (tables[entity]["wave"] == wave).sum())
        for entity, wave, count in zip(table["entity"], table["wave_from"], table["matches"])]
    return _data_words(table, ["entity", "rule"], lang)


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
    from iness.text import compact_key
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
    from iness.reference.taxonomy import organisation_memberships
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


def org_type_labels(lang: str = "en") -> dict[str, str]:
    """Organisation type codes to their labels in one language."""
    from iness.reference.vocabularies import org_type_table
    table = org_type_table()
    return dict(zip(table["org_type"], table[f"label_{lang}"]))


# --- measured method, waves and countries (notebooks 01 to 03) -------------

def reference_method(survey, framework: str) -> str | None:
    """The measurement the notebooks report as the reference: the coding by
    reading where the survey has one, else the survey's own declaration; None
    when it has neither (then only the classifier and the crosswalk remain)."""
    present = set(survey.codes.loc[survey.codes["framework"] == framework, "method"])
    return next((method for method in ("coded", "declared") if method in present), None)


def platforms_by_wave(survey, framework: str, method: str,
                      platforms_only: bool = True) -> pd.DataFrame:
    """wave and project_id of the projects ``method`` measured for ``framework``
    in each wave (a project listed in both waves counts in each)."""
    measured = survey.measured(framework, method)[["wave", "entity_id"]]
    if platforms_only:
        measured = measured.merge(_platform_keys(survey, method), on=["wave", "entity_id"])
    return measured.rename(columns={"entity_id": "project_id"}).drop_duplicates()


def shares_by_wave(survey, framework: str, lang: str = "en", method: str = "coded",
                   platforms_only: bool = True) -> pd.DataFrame:
    """Share of each wave's measured platforms in each target (several per
    platform allowed), with 95 % intervals. The coding reads each text with the
    same codebook in every wave, so its shares compare across waves; tag-based
    shares do not (see :func:`facets_by_wave`)."""
    base = platforms_by_wave(survey, framework, method, platforms_only)
    members = _platform_members(survey.members(framework, method)).merge(
        base, on=PLATFORM).drop_duplicates(PLATFORM + ["target_id"])
    variable = "categories" if framework == "category" else "activities"
    order = codebook.allowed(variable)
    waves = sorted(survey.projects["wave"].unique())
    grid = pd.MultiIndex.from_product([waves, order], names=["wave", "target_id"])
    counts = members.groupby(["wave", "target_id"]).size().reindex(grid, fill_value=0)
    table = counts.rename("platforms").reset_index()
    table["n"] = table["wave"].map(base.groupby("wave").size()).fillna(0).astype(int)
    table = with_intervals(table, "platforms", "n")
    table["label"] = [codebook.value_label(variable, t, lang) for t in table["target_id"]]
    return table[["wave", "target_id", "label", "platforms", "n", "share", "ci_low",
                  "ci_high"]]


def facets_by_wave(tags: pd.DataFrame, min_coverage: float = 0.05) -> pd.DataFrame:
    """Share of each wave's tagged projects carrying each survey facet, and
    whether the facet was asked in every wave (carried by at least
    ``min_coverage`` of the tagged projects of each wave): tag-based shares
    compare across waves only on those facets."""
    projects = tags[tags["entity"] == "project"]
    tagged = projects.groupby("wave")["entity_id"].nunique()
    table = (projects.groupby(["facet", "wave"])["entity_id"].nunique()
             .unstack(fill_value=0))
    coverage = table.div(tagged, axis=1).round(3)
    coverage.columns = [str(wave) for wave in coverage.columns]
    coverage["in_every_wave"] = (coverage >= min_coverage).all(axis=1)
    return coverage


#: common names where ISO 3166's are formal ("Korea, Republic of"), (English, French)
COMMON_COUNTRY_NAMES = {"GB": ("United Kingdom", "Royaume-Uni"), "XK": ("Kosovo", "Kosovo"),
                        "IR": ("Iran", "Iran"), "KR": ("South Korea", "Corée du Sud"),
                        "KP": ("North Korea", "Corée du Nord"), "MD": ("Moldova", "Moldavie"),
                        "RU": ("Russia", "Russie"), "RE": ("Réunion", "La Réunion"),
                        "BY": ("Belarus", "Biélorussie"), "SY": ("Syria", "Syrie"),
                        "TW": ("Taiwan", "Taïwan"), "VN": ("Vietnam", "Viêt Nam"),
                        "BO": ("Bolivia", "Bolivie"), "VE": ("Venezuela", "Venezuela"),
                        "TZ": ("Tanzania", "Tanzanie"), "LA": ("Laos", "Laos"),
                        "PS": ("Palestine", "Palestine"),
                        "CD": ("Democratic Republic of the Congo",
                               "République démocratique du Congo")}


def country_label(code: str, lang: str = "en") -> str:
    """A country's common name in English or French, from its ISO alpha-2 code."""
    import gettext

    import pycountry
    if code in COMMON_COUNTRY_NAMES:
        return COMMON_COUNTRY_NAMES[code][lang != "en"]
    name = getattr(pycountry.countries.get(alpha_2=code), "name", code)
    if lang == "en":
        return name
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"],
                                 fallback=True)
    return french.gettext(name)


def country_shares(organisations: pd.DataFrame, wave: int, lang: str = "en") -> pd.DataFrame:
    """Organisations of one wave per country, as a share of those whose country
    is known (n), with 95 % intervals; the unknown ones are counted apart."""
    year = organisations[organisations["wave"] == wave]
    known = year["country_code"].dropna().astype(str)
    table = known.value_counts().rename_axis("country_code").rename("organisations")
    table = table.reset_index().assign(n=len(known))
    table = with_intervals(table, "organisations", "n")
    table.insert(1, "country", [country_label(code, lang) for code in table["country_code"]])
    table.attrs["unknown"] = int(year["country_code"].isna().sum())
    return table


def activities_within_categories(survey, lang: str = "en", method: str | None = "coded"
                                 ) -> pd.DataFrame:
    """For the platforms one method measured on both frameworks (pooled over
    waves, once per coding unit): the share of each category's platforms that
    run each activity, with its 95 % interval, the activity's share over all
    those platforms, and the lift (within / overall)."""
    base = measured_platforms(survey, "activity", method).merge(
        measured_platforms(survey, "category", method), on=PLATFORM)
    def chosen(framework):
        return _platform_members(survey.members(framework, method)).merge(
            base, on=PLATFORM).drop_duplicates(PLATFORM + ["target_id"])
    activities, categories = chosen("activity"), chosen("category")
    joined = categories.merge(activities, on=PLATFORM, suffixes=("_category", "_activity"))
    category_order = codebook.allowed("categories")
    activity_order = codebook.allowed("activities")
    grid = pd.MultiIndex.from_product([category_order, activity_order],
                                      names=["category_id", "activity_id"])
    table = (joined.groupby(["target_id_category", "target_id_activity"]).size()
             .rename_axis(["category_id", "activity_id"]).reindex(grid, fill_value=0)
             .rename("platforms").reset_index())
    sizes = categories.groupby("target_id").size()
    table["n"] = table["category_id"].map(sizes).fillna(0).astype(int)
    table = with_intervals(table, "platforms", "n")
    overall = activities.groupby("target_id").size() / max(len(base), 1)
    table["share_overall"] = table["activity_id"].map(overall).fillna(0).round(3)
    table["lift"] = (table["share"] / table["share_overall"].replace(0, np.nan)).round(2)
    table["category"] = [codebook.value_label("categories", c, lang) for c in table["category_id"]]
    table["activity"] = [codebook.value_label("activities", a, lang) for a in table["activity_id"]]
    table.attrs["n"] = len(base)
    return table


def within_matrix(table: pd.DataFrame) -> pd.DataFrame:
    """The heatmap view of :func:`activities_within_categories`: categories x
    activities shares, with each category's n in a ``platforms`` column."""
    matrix = table.pivot(index="category", columns="activity", values="share")
    matrix = matrix.loc[table["category"].unique(), table["activity"].unique()]
    sizes = table.drop_duplicates("category").set_index("category")["n"]
    matrix.insert(0, "platforms", sizes)
    return matrix[matrix["platforms"] > 0]


def projects_carried_over(survey, wave: int) -> tuple[int, int]:
    """Projects of ``wave`` matched to a project of the wave before, and the
    number of projects of ``wave``."""
    total = int((survey.projects["wave"] == wave).sum())
    matches = survey.wave_matches
    matched = matches.loc[(matches["entity"] == "project") & (matches["wave_to"] == wave),
                          "id_to"]
    return int(matched.nunique()), total


# --- a survey's own platforms in the talk's tables (iness survey, notebooks 02 and 03) --

def _framework_targets(framework: str) -> list[str]:
    """A framework's targets in the talk's order (the eight categories only)."""
    if framework in ("category", "activity", "resource"):
        variable = {"category": "categories", "activity": "activities",
                    "resource": "resources"}[framework]
        return codebook.allowed(variable)
    return taxonomy.targets(framework)["target_id"].tolist()


def survey_examples(survey, framework: str, lang: str = "en", method: str | None = None
                    ) -> pd.DataFrame:
    """Each target of one framework, in the talk's order, with the survey's
    platforms ``method`` puts there (names in the survey's row order):
    target_id, label, platforms, n. ``method`` defaults to the reference
    measurement (:func:`reference_method`: coded, else declared), else to each
    platform's best method."""
    method = method or reference_method(survey, framework)
    members = _platform_members(survey.members(framework, method))
    projects = survey.projects.sort_values(["wave", "source_row", "project_id"])
    order = {key: rank for rank, key in enumerate(zip(projects["wave"], projects["project_id"]))}
    names = dict(zip(zip(projects["wave"], projects["project_id"]), projects["project_name"]))
    members = members.assign(_rank=[order.get(key) for key in
                                    zip(members["wave"], members["project_id"])])
    members = members.dropna(subset=["_rank"]).drop_duplicates(PLATFORM + ["target_id"])
    rows = []
    for target in _framework_targets(framework):
        found = members[members["target_id"] == target].sort_values("_rank")
        label = (codebook.value_label("resources", target, lang) if framework == "resource"
                 else taxonomy.label_of(framework, lang).get(target, target))
        rows.append((target, label, ", ".join(names[key] for key in
                                              zip(found["wave"], found["project_id"])),
                     len(found)))
    return pd.DataFrame(rows, columns=["target_id", "label", "platforms", "n"])


def survey_category_table(survey, lang: str = "en", method: str | None = None
                          ) -> pd.DataFrame:
    """The talk's table of eight social issues (:func:`talk_category_table`)
    with the survey's own platforms as its examples (:func:`survey_examples`).
    On the shipped example survey, declared from the talk, it is the talk's table."""
    table = talk_category_table(lang)
    examples = survey_examples(survey, "category", lang, method)
    examples = examples[examples["target_id"] != codes.NONE]
    table[table.columns[-1]] = examples["platforms"].to_numpy()
    return table


def per_country(survey, wave: int) -> pd.DataFrame:
    """Per country (alpha-2) in one wave: its organisations, and the platforms
    linked to at least one of them."""
    organisations = survey.organisations[survey.organisations["wave"] == wave]
    counts = organisations["country_code"].dropna().value_counts().rename("organisations")
    linked = project_attribute(survey.links, survey.organisations, "country_code")
    platforms = linked[linked["wave"] == wave].groupby("country_code")["project_id"].nunique()
    table = pd.concat([counts, platforms.rename("platforms")], axis=1).fillna(0).astype(int)
    return table.rename_axis("country_code").reset_index()


#: flag values saying that a value was given but could not be read as written
UNREAD_FLAGS = {"unknown_name", "region_disagrees", "not_numeric", "out_of_range", "zero",
                "outside_country", "fragment", "unknown", "unparsed", "placeholder"}


def unread_values(tables: dict, examples: int = 3) -> pd.DataFrame:
    """Per table, flag column and flag: how many records carry a value that
    could not be read as written (kept empty or flagged, never dropped), with a
    few of their names."""
    rows = []
    for table, name_column in (("organisations", "org_name"), ("projects", "project_name")):
        frame = tables[table]
        for column in [c for c in frame.columns if c.endswith(("_flag", "_precision"))]:
            flagged = frame[frame[column].isin(UNREAD_FLAGS)]
            for flag, group in flagged.groupby(column):
                names = group[name_column].dropna().astype(str).head(examples).tolist()
                rows.append({"table": table, "column": column, "flag": flag,
                             "records": len(group), "examples": "; ".join(names)})
    return pd.DataFrame(rows, columns=["table", "column", "flag", "records", "examples"])

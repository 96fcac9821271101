"""From per-wave record frames to the canonical tables and the ledger.

Steps, each a pure function: merge duplicate records, resolve and collapse
links, canonicalise tags, and account for every raw row in the ledger (the
matching across waves is :mod:`iness.pipeline.clean.match`).
"""
from __future__ import annotations

import pandas as pd

from iness.text import compact_keys, normalise_key
from iness.pipeline.clean.vocab import canonicalise_tags

#: website hosts shared by unrelated organisations: never a reason to merge
SHARED_HOSTS = frozenset({
    "facebook.com", "twitter.com", "linkedin.com", "github.com", "github.io",
    "google.com", "sites.google.com", "wordpress.com", "blogspot.com", "wix.com",
    "youtube.com", "medium.com", "tumblr.com", "meetup.com", "instagram.com",
    "eventbrite.com", "kickstarter.com", "indiegogo.com", "europa.eu", "ec.europa.eu",
    "digitalsocial.eu", "nesta.org.uk", "bit.ly",
})
#: why a repeated link is merged, unless its source says better
#: (:attr:`iness.pipeline.clean.adapters.Records.repeated_link_reasons`)
REPEATED_LINK = "repeated link (same organisation, project and role)"

ENTITY_KEYS = {"organisation": ("org_id", "org_name"),
               "project": ("project_id", "project_name")}


def _merge_key_columns(frame: pd.DataFrame, name_column: str, use_website: bool
                       ) -> list[pd.Series]:
    keys = [compact_keys(frame[name_column]).rename("name")]
    if use_website and "website_domain" in frame:
        domain = frame["website_domain"].where(~frame["website_domain"].isin(SHARED_HOSTS))
        keys.append(domain.rename("website"))
    return keys


def duplicate_groups(frame: pd.DataFrame, id_column: str, name_column: str,
                     use_website: bool) -> pd.DataFrame:
    """Which records are one entity: same compact name, or (organisations) same
    website host. Returns id, canonical_id and merge_rule for every record that
    joins another; the canonical record is the non-suspect one with the most
    filled fields, then the first in the file.

    Groups are closed transitively (A~B by name, B~C by website: one group);
    suspect and genuine records are never grouped together.
    """
    ids = frame[id_column].tolist()
    parent = {record_id: record_id for record_id in ids}

    def find(record_id):
        while parent[record_id] != record_id:
            parent[record_id] = parent[parent[record_id]]
            record_id = parent[record_id]
        return record_id

    rule_of: dict[str, str] = {}
    for key in _merge_key_columns(frame, name_column, use_website):
        usable = key.notna() & (key != "")
        # a spam record never merges into a genuine one (nor the reverse), even
        # when it borrowed the genuine record's website
        pair = key.astype(str) + "|" + frame["is_suspect"].astype(str)
        usable &= pair.duplicated(keep=False)  # only keys shared by two records or more
        grouping = [key[usable], frame.loc[usable, "is_suspect"]]
        for _, members in frame.loc[usable, id_column].groupby(grouping):
            members = members.tolist()
            for other in members[1:]:
                root_a, root_b = find(members[0]), find(other)
                if root_a != root_b:
                    parent[root_b] = root_a
                rule_of.setdefault(other, f"same {key.name}")
                rule_of.setdefault(members[0], f"same {key.name}")
    group = pd.Series([find(record_id) for record_id in ids], index=frame.index)
    sizes = group.map(group.value_counts())
    in_group = frame[sizes > 1]
    if in_group.empty:
        return pd.DataFrame(columns=["id", "canonical_id", "merge_rule"])
    ranked = in_group.assign(
        _group=group[sizes > 1], _filled=in_group.notna().sum(axis=1),
        _order=range(len(in_group))
    ).sort_values(["_group", "is_suspect", "_filled", "_order"],
                  ascending=[True, True, False, True])
    canonical = ranked.groupby("_group")[id_column].transform("first")
    return pd.DataFrame({"id": ranked[id_column], "canonical_id": canonical,
                         "merge_rule": ranked[id_column].map(rule_of)}
                        ).query("id != canonical_id").reset_index(drop=True)


def merge_duplicates(frame: pd.DataFrame, merges: pd.DataFrame, id_column: str
                     ) -> pd.DataFrame:
    """Keep canonical records only, filling their blanks from the records merged
    into them (the first non-blank value in file order)."""
    if merges.empty:
        return frame.copy()
    merged_away = frame[id_column].isin(merges["id"])
    kept = frame[~merged_away]
    donors = frame[merged_away].assign(
        **{id_column: frame.loc[merged_away, id_column].map(
            merges.set_index("id")["canonical_id"])})
    fill = donors.groupby(id_column, sort=False).first()
    protected = {id_column, "source_file", "source_row"}
    columns = [column for column in frame.columns if column not in protected]
    filled = kept.set_index(id_column)
    donors = fill.reindex(filled.index)
    # combine_first would also widen dtypes; fill column by column instead
    for column in columns:
        donor = donors[column]
        blank = filled[column].isna() & donor.notna()
        if blank.any():
            filled.loc[blank, column] = donor[blank]
    return filled.reset_index()[frame.columns].reset_index(drop=True)


def is_in(values: pd.Series, members) -> pd.Series:
    """``values.isin(members)`` through a hash table of Python objects: pandas'
    Arrow-string ``isin`` builds one Arrow scalar per member, slow for many ids."""
    return values.astype(object).isin(members)


def redirect(ids: pd.Series, merges: pd.DataFrame) -> pd.Series:
    """Replace merged ids by their canonical id (in the canonical ids' dtype)."""
    if merges.empty:
        return ids
    canonical = merges.set_index("id")["canonical_id"]
    merged = is_in(ids, canonical.index).to_numpy()
    redirected = ids.astype(canonical.dtype)
    if merged.any():
        redirected[merged] = canonical.reindex(ids[merged]).to_numpy()
    return redirected


def resolve_links(links: pd.DataFrame, org_ids: set, project_ids: set,
                  org_merges: pd.DataFrame, project_merges: pd.DataFrame,
                  known_roles: set, repeat_reason: str = REPEATED_LINK
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Links re-pointed at canonical ids, dangling ones set aside, repeats
    collapsed (merged for ``repeat_reason``). Returns (links, link ledger rows)."""
    links = links.assign(org_id=redirect(links["org_id"], org_merges),
                         project_id=redirect(links["project_id"], project_merges))
    reason = pd.Series(None, index=links.index, dtype=object)
    has_role = links["role"].notna()
    reason[has_role & ~links["role"].isin(known_roles)] = "unknown role"
    reason[reason.isna() & ~is_in(links["project_id"], project_ids)] = \
        "project id not in the project file"
    reason[reason.isna() & ~is_in(links["org_id"], org_ids)] = \
        "organisation id not in the organisation file"
    usable = links[reason.isna()]
    key = ["wave", "org_id", "project_id", "role"]
    first = usable.drop_duplicates(subset=key, keep="first")
    repeated = usable[~usable.index.isin(first.index)]
    kept_row = first[key + ["source_file", "source_row"]].rename(
        columns={"source_file": "_file", "source_row": "_row"})
    located = repeated[key].merge(kept_row, on=key, how="left")
    merged_into = (located["_file"] + "#" + located["_row"].astype(str)).tolist()
    ledger = pd.concat([
        pd.DataFrame({"source_file": first["source_file"], "source_row": first["source_row"],
                      "outcome": "kept", "reason": None, "entity": "link",
                      "entity_id": first["org_id"] + "|" + first["project_id"],
                      "merged_into": None}),
        pd.DataFrame({"source_file": repeated["source_file"],
                      "source_row": repeated["source_row"], "outcome": "merged",
                      "reason": repeat_reason,
                      "entity": "link",
                      "entity_id": repeated["org_id"] + "|" + repeated["project_id"],
                      "merged_into": merged_into}),
        pd.DataFrame({"source_file": links.loc[reason.notna(), "source_file"],
                      "source_row": links.loc[reason.notna(), "source_row"],
                      "outcome": "set_aside", "reason": reason[reason.notna()],
                      "entity": "link",
                      "entity_id": links.loc[reason.notna(), "org_id"] + "|"
                      + links.loc[reason.notna(), "project_id"],
                      "merged_into": None}),
    ], ignore_index=True)
    return first[["project_id", "org_id", "wave", "role"]].reset_index(drop=True), ledger


def entity_ledger(frame: pd.DataFrame, merges: pd.DataFrame, id_column: str,
                  entity: str) -> pd.DataFrame:
    """One ledger row per raw record of an organisation or project file."""
    ids = frame[id_column]
    info = merges.set_index("id") if not merges.empty else pd.DataFrame(
        columns=["canonical_id", "merge_rule"])
    merged_into = ids.map(info["canonical_id"])
    is_merged = merged_into.notna()
    suspect = frame["suspect_reason"].where(frame["is_suspect"])
    reason = ("duplicate: " + ids.map(info["merge_rule"]).astype(object)).where(
        is_merged, ("suspect: " + suspect.astype(object)).where(suspect.notna()))
    return pd.DataFrame({
        "source_file": frame["source_file"].to_numpy(),
        "source_row": frame["source_row"].to_numpy(),
        "outcome": is_merged.map({True: "merged", False: "kept"}).to_numpy(),
        "reason": reason.astype(object).where(reason.notna(), None).to_numpy(),
        "entity": entity, "entity_id": ids.to_numpy(),
        "merged_into": merged_into.astype(object).where(is_merged, None).to_numpy()})


def free_tag_key(value: str) -> str:
    """A free tag's key: its Latin letters and digits, normalised; a tag written
    in another script (Cyrillic, Hebrew, Japanese) keeps its own letters,
    case-folded, rather than becoming empty.

    >>> free_tag_key("Économie Sociale"), free_tag_key("Экономика")
    ('economie sociale', 'экономика')
    """
    return normalise_key(value) or " ".join(str(value).casefold().split())


def clean_tags(raw_tags: pd.DataFrame, org_merges: pd.DataFrame,
               project_merges: pd.DataFrame) -> pd.DataFrame:
    """Canonical long tags, on canonical ids, one row per (entity, id, facet, tag,
    raw value)."""
    tags = canonicalise_tags(raw_tags)
    is_org = tags["entity"] == "organisation"
    tags.loc[is_org, "entity_id"] = redirect(tags.loc[is_org, "entity_id"], org_merges)
    tags.loc[~is_org, "entity_id"] = redirect(tags.loc[~is_org, "entity_id"], project_merges)
    free = tags["facet"].isin(["free_tag", "network"])
    tags.loc[free, "tag"] = tags.loc[free, "raw_value"].map(free_tag_key)
    tags.loc[free, "match_rule"] = "free"
    columns = ["entity", "entity_id", "wave", "facet", "tag", "raw_value", "match_rule"]
    return (tags[columns].drop_duplicates(subset=columns[:6])
            .sort_values(columns[:6]).reset_index(drop=True))

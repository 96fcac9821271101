"""The talk's frameworks as data, and crosswalks from survey tags to them.

Frameworks (``iness/data/frameworks/*.csv``), each in French and English:
the eight social-issue categories (plus DSI4EU areas kept outside them), the
five key activities with their network patterns, the scaling strategies with
their levers, the scaling matrix of the back-up slides, and the weaknesses.

A crosswalk row maps a survey term (a canonical tag of a facet, a project
type, or a free term: the normalised raw text of a free or unmapped tag) to a
target of one framework, with a one-line justification. Memberships are the
join of a platform's terms with the crosswalk: long form, one row per
(platform, target, term), so that multi-label counts stay explicit.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from iness.text import normalise_key
from iness.frames import anti_join, semi_join
from iness.paths import PACKAGE_DATA

FRAMEWORK_DIR = PACKAGE_DATA / "frameworks"
FRAMEWORKS = ("category", "activity", "practice", "strategy")
FREE = "free"
MATRIX_COLUMNS = {"managing_expectations": "lever_a", "community_agency": "lever_b",
                  "network_management": "lever_c"}


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(FRAMEWORK_DIR / f"{name}.csv", dtype=str, keep_default_na=False
                       ).replace({"": None})


@lru_cache(maxsize=None)
def categories() -> pd.DataFrame:
    """The talk's 8 categories (``in_talk``) and the DSI4EU groups kept outside them."""
    frame = _read("categories")
    return frame.assign(order=frame["order"].astype(int), in_talk=frame["in_talk"] == "True")


@lru_cache(maxsize=None)
def subcategories() -> pd.DataFrame:
    return _read("subcategories")


@lru_cache(maxsize=None)
def examples() -> pd.DataFrame:
    """Platforms the talk names, per framework target."""
    return _read("examples")


@lru_cache(maxsize=None)
def activities() -> pd.DataFrame:
    frame = _read("activities")
    return frame.assign(order=frame["order"].astype(int))


@lru_cache(maxsize=None)
def activity_patterns() -> pd.DataFrame:
    """Edges of the small network each key activity is drawn as."""
    return _read("activity_patterns")


@lru_cache(maxsize=None)
def scaling_strategies() -> pd.DataFrame:
    frame = _read("scaling_strategies")
    return frame.assign(order=frame["order"].astype(int))


@lru_cache(maxsize=None)
def scaling_matrix() -> pd.DataFrame:
    """The back-up slides' matrix: one row per DSI practice, a cell per lever."""
    frame = _read("scaling_matrix")
    return frame.assign(order=frame["order"].astype(int))


@lru_cache(maxsize=None)
def weaknesses() -> pd.DataFrame:
    frame = _read("weaknesses")
    return frame.assign(order=frame["order"].astype(int), testable=frame["testable"] == "True")


@lru_cache(maxsize=None)
def _crosswalk_rows() -> pd.DataFrame:
    return _read("crosswalk")


def crosswalk(include_dropped: bool = False) -> pd.DataFrame:
    """facet, tag, framework, target_id, subcategory_id, justification, status
    and revision note. Rows dropped by the revision against the coding
    (``status == "dropped"``) are left out unless asked for: with them, the
    crosswalk is as it was before its accuracy was measured. Its justifications
    and revision notes are in the language set (:mod:`iness.reference.crosswalk_fr`)."""
    from iness.reference.crosswalk_fr import localised
    rows = localised(_crosswalk_rows())
    if include_dropped:
        return rows
    return rows[rows["status"] != "dropped"].reset_index(drop=True)


def targets(framework: str) -> pd.DataFrame:
    """target_id, label_en, label_fr and order of one framework's targets."""
    source = {"category": categories(), "activity": activities(),
              "practice": scaling_matrix().rename(columns={"practice_id": "target_id"}),
              "strategy": scaling_strategies().rename(columns={"strategy_id": "target_id"})}
    frame = source[framework]
    frame = frame.rename(columns={f"{framework}_id": "target_id"})
    return frame[["target_id", "label_en", "label_fr", "order"]].sort_values("order")


def label_of(framework: str, language: str = "en") -> dict[str, str]:
    frame = targets(framework)
    return dict(zip(frame["target_id"], frame[f"label_{language}"]))


def platform_terms(tags: pd.DataFrame, projects: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every survey term of every entity: canonical tags as (facet, tag); free and
    unmapped tags as (``free``, normalised raw text); project types as
    (``project_type``, type)."""
    is_free = (tags["tag"] == "other") | tags["facet"].isin(["free_tag", "network"])
    terms = pd.DataFrame({
        "entity": tags["entity"], "entity_id": tags["entity_id"], "wave": tags["wave"],
        "facet": tags["facet"].where(~is_free, FREE),
        "tag": tags["tag"].where(~is_free, tags["raw_value"].map(normalise_key))})
    if projects is not None and "project_type" in projects:
        typed = projects.dropna(subset=["project_type"])
        terms = pd.concat([terms, pd.DataFrame({
            "entity": "project", "entity_id": typed["project_id"], "wave": typed["wave"],
            "facet": "project_type", "tag": typed["project_type"]})], ignore_index=True)
    return terms[terms["tag"] != ""].drop_duplicates().reset_index(drop=True)


def memberships(terms: pd.DataFrame, framework: str,
                table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Long memberships of one framework: entity, entity_id, wave, target_id,
    subcategory_id, via_facet, via_tag."""
    table = crosswalk() if table is None else table
    rows = table[table["framework"] == framework]
    joined = terms.merge(rows, on=["facet", "tag"], how="inner")
    out = joined.rename(columns={"facet": "via_facet", "tag": "via_tag"})[
        ["entity", "entity_id", "wave", "target_id", "subcategory_id", "via_facet", "via_tag"]]
    return out.sort_values(["wave", "entity_id", "target_id", "via_facet", "via_tag"]
                           ).reset_index(drop=True)


def lever_memberships(practices: pd.DataFrame) -> pd.DataFrame:
    """Levers a, b, c of direct user-based growth from practice memberships (a
    practice counts for a lever when its matrix cell under that lever is filled),
    and scaling deep for platforms with all three."""
    matrix = scaling_matrix()
    cells = matrix.melt(id_vars="practice_id", value_vars=list(MATRIX_COLUMNS),
                        var_name="column", value_name="cell").dropna(subset=["cell"])
    cells["lever"] = cells["column"].map(MATRIX_COLUMNS)
    joined = practices.merge(cells, left_on="target_id", right_on="practice_id")
    levers = joined.assign(target_id=joined["lever"], subcategory_id=None,
                           via_facet="practice", via_tag=joined["practice_id"])[
        ["entity", "entity_id", "wave", "target_id", "subcategory_id", "via_facet", "via_tag"]]
    counts = levers.groupby(["entity", "entity_id", "wave"])["target_id"].nunique()
    deep = counts[counts == len(MATRIX_COLUMNS)].reset_index()[["entity", "entity_id", "wave"]]
    deep = deep.assign(target_id="scaling_deep", subcategory_id=None, via_facet="lever",
                       via_tag="lever_a+lever_b+lever_c")
    return pd.concat([levers.drop_duplicates(), deep], ignore_index=True)


def all_memberships(tags: pd.DataFrame, projects: pd.DataFrame,
                    table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Crosswalk memberships of every framework for projects, with a
    ``framework`` column; strategies include the derived levers and scaling deep.
    ``table`` is another crosswalk (the unrevised one, say)."""
    terms = platform_terms(tags, projects)
    terms = terms[terms["entity"] == "project"]
    parts = []
    for framework in FRAMEWORKS:
        found = memberships(terms, framework, table)
        if framework == "strategy":
            practices = memberships(terms, "practice", table)
            found = pd.concat([found, lever_memberships(practices)], ignore_index=True)
        parts.append(found.assign(framework=framework))
    return pd.concat(parts, ignore_index=True)


@dataclass
class Coverage:
    shares: pd.DataFrame           # framework, platforms, with_membership, share
    uncategorised: pd.DataFrame    # platforms without a category, with their terms
    unmapped_terms: pd.DataFrame   # facet, tag: terms no kept crosswalk row maps; counts

    @property
    def text(self) -> str:
        lines = ["Taxonomy coverage (non-suspect projects with at least one membership):"]
        for row in self.shares.itertuples():
            lines.append(f"  {row.framework:<22} {row.with_membership:>5} of {row.platforms}"
                         f"  ({row.share:.1%})")
        lines.append(f"  projects without any of the 8 categories: {len(self.uncategorised)}")
        # one term may be a tag of two facets (``open data``: a technology focus
        # and a technology method), so each is named with its facet
        top = self.unmapped_terms.head(10)
        lines.append(f"  terms no kept crosswalk row maps: {len(self.unmapped_terms)} "
                     "(facet: term, projects); most used:")
        lines += [f"    {r.facet}: {r.tag} ({r.platforms})" for r in top.itertuples()]
        return "\n".join(lines)


def coverage_report(tables: dict[str, pd.DataFrame]) -> Coverage:
    """Share of non-suspect projects with at least one category (of the 8), one
    activity, one practice and one strategy; platforms left out, with their
    terms; and the terms no crosswalk row names, with their counts."""
    projects = tables["projects"]
    projects = projects[~projects["is_suspect"]]
    tags = tables["tags"]
    tags = semi_join(tags[tags["entity"] == "project"], projects[["wave", "project_id"]],
                     ["wave", "entity_id"])
    found = all_memberships(tags, projects)
    in_talk = set(categories().query("in_talk")["category_id"])
    total = len(projects)
    rows = []
    for framework, label in (("category", "category (the 8)"), ("category", "category or group"),
                             ("activity", "key activity"), ("practice", "matrix practice"),
                             ("strategy", "scaling strategy")):
        members = found[found["framework"] == framework]
        if label == "category (the 8)":
            members = members[members["target_id"].isin(in_talk)]
        count = members[["wave", "entity_id"]].drop_duplicates().shape[0]
        rows.append((label, total, count, round(count / total, 3) if total else 0.0))
    shares = pd.DataFrame(rows, columns=["framework", "platforms", "with_membership", "share"])
    categorised = found[(found["framework"] == "category") & found["target_id"].isin(in_talk)]
    terms = platform_terms(tags, projects)
    left = anti_join(projects, categorised[["wave", "entity_id"]], ["wave", "project_id"])
    listed = terms.groupby(["wave", "entity_id"])["tag"].agg(lambda s: "; ".join(sorted(s)))
    uncategorised = left[["wave", "project_id", "project_name"]].assign(
        terms=[listed.get((w, i), "") for w, i in zip(left["wave"], left["project_id"])])
    known = crosswalk()[["facet", "tag"]].drop_duplicates().assign(_known=True)
    marked = terms.merge(known, on=["facet", "tag"], how="left")
    unmapped = (marked[marked["_known"].isna()]
                .groupby(["facet", "tag"]).size().rename("platforms").reset_index()
                .sort_values(["platforms", "facet", "tag"], ascending=[False, True, True])
                .reset_index(drop=True))
    return Coverage(shares, uncategorised.reset_index(drop=True), unmapped)


def organisation_memberships(project_memberships: pd.DataFrame,
                             links: pd.DataFrame) -> pd.DataFrame:
    """An organisation belongs where the projects it is linked to belong (any role)."""
    joined = project_memberships.merge(
        links[["wave", "project_id", "org_id"]].drop_duplicates(),
        left_on=["wave", "entity_id"], right_on=["wave", "project_id"])
    return (joined.assign(entity="organisation", entity_id=joined["org_id"],
                          via_facet="project", via_tag=joined["project_id"])
            [["entity", "entity_id", "wave", "target_id", "subcategory_id", "via_facet",
              "via_tag", "framework"]]
            .drop_duplicates().reset_index(drop=True))

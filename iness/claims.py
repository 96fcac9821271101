"""The talk's concluding claims about digital ESS innovators, each turned into a
test on the two waves (notebook 06). Tidy frames in, tidy frames out."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from . import taxonomy
from .analysis import PLATFORM, wilson_interval

OPEN_SOURCE_TERMS = {("tech_method", "open-source technologies"),
                     ("tech_focus", "open hardware")}
ONLINE_FACETS = ("tech_method",)
OFFLINE_TERMS = {("project_type", "maker and hacker spaces"), ("project_type", "event"),
                 ("dsi_area", "new ways of making"), ("free", "events"),
                 ("free", "hackathons"), ("free", "workshops"), ("free", "fablab"),
                 ("free", "fab lab"), ("free", "makers"), ("free", "co working"),
                 ("free", "coworking"), ("free", "local community")}


# --- "taux d'échecs élevé" ---------------------------------------------------

def attrition(projects: pd.DataFrame, matches: pd.DataFrame, first: int = 2016
              ) -> pd.DataFrame:
    """Every platform of the first wave, with ``in_next_wave``: whether a record
    of the next wave was matched to it (``wave_matches`` pairs 2016 with 2017)."""
    older = projects[projects["wave"] == first][["wave", "project_id", "project_name"]]
    matched = set(matches.loc[matches["entity"] == "project", f"id_{first}"])
    return older.assign(in_next_wave=older["project_id"].isin(matched)).reset_index(drop=True)


def rate_by(table: pd.DataFrame, groups: pd.DataFrame, column: str,
            outcome: str = "gone") -> pd.DataFrame:
    """Share of platforms with ``outcome`` True per group, with a 95 % Wilson
    interval; a platform in several groups counts in each."""
    joined = table.merge(groups, on=PLATFORM)
    rows = []
    for value, group in joined.groupby(column, observed=True):
        hits, size = int(group[outcome].sum()), group["project_id"].nunique()
        low, high = wilson_interval(hits, size)
        rows.append((value, size, hits, round(hits / size, 3), low, high))
    return pd.DataFrame(rows, columns=[column, "platforms", outcome, "share", "ci_low",
                                       "ci_high"]).sort_values(["platforms", column],
                                                               ascending=[False, True])


# --- "redondance d'acteurs" ---------------------------------------------------

def near_duplicates(projects: pd.DataFrame, members_category: pd.DataFrame,
                    countries: pd.DataFrame, wave: int, threshold: float = 0.5
                    ) -> pd.DataFrame:
    """Pairs of platforms of one wave in the same category and country whose
    descriptions are similar (TF-IDF cosine >= ``threshold``)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity
    texts = projects[(projects["wave"] == wave) & projects["description"].notna()]
    texts = texts[texts["description"].str.len() >= 40].reset_index(drop=True)
    if len(texts) < 2:
        return pd.DataFrame(columns=["project_a", "project_b", "name_a", "name_b",
                                     "similarity", "categories", "country_code"])
    matrix = TfidfVectorizer(stop_words="english", min_df=2, sublinear_tf=True
                             ).fit_transform(texts["description"])
    similarity = cosine_similarity(matrix)
    position = {pid: i for i, pid in enumerate(texts["project_id"])}
    members = members_category[members_category["wave"] == wave]
    place = countries[countries["wave"] == wave]
    groups = members.rename(columns={"entity_id": "project_id"})[["project_id", "target_id"]]
    groups = groups.merge(place[["project_id", "country_code"]], on="project_id")
    groups = groups[groups["project_id"].isin(position)]
    pairs = {}
    for (category, country), group in groups.groupby(["target_id", "country_code"]):
        ids = sorted(set(group["project_id"]))
        index = [position[i] for i in ids]
        block = similarity[np.ix_(index, index)]
        first, second = np.where(np.triu(block, k=1) >= threshold)
        for i, j in zip(first, second):
            key = (ids[i], ids[j])
            entry = pairs.setdefault(key, {"similarity": round(float(block[i, j]), 3),
                                           "categories": set(), "country_code": country})
            entry["categories"].add(category)
    names = texts.set_index("project_id")["project_name"]
    rows = [(a, b, names[a], names[b], v["similarity"], ", ".join(sorted(v["categories"])),
             v["country_code"]) for (a, b), v in pairs.items()]
    return pd.DataFrame(rows, columns=["project_a", "project_b", "name_a", "name_b",
                                       "similarity", "categories", "country_code"]
                        ).sort_values(["similarity", "project_a"], ascending=[False, True]
                                      ).reset_index(drop=True)


# --- "open source en forte croissance mais peu nombreuses" -------------------

def open_source_flags(tags: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """One row per platform: ``is_open_source`` (open-source technologies or open
    hardware) and its start year where known."""
    terms = taxonomy.platform_terms(tags[tags["entity"] == "project"], projects)
    hits = terms[[(f, t) in OPEN_SOURCE_TERMS for f, t in zip(terms["facet"], terms["tag"])]]
    flagged = set(zip(hits["wave"], hits["entity_id"]))
    table = projects[PLATFORM + ["start_date", "start_date_precision"]].copy()
    table["is_open_source"] = [(w, p) in flagged for w, p in
                               zip(table["wave"], table["project_id"])]
    table["start_year"] = table["start_date"].dt.year.astype("Int32")
    return table.drop(columns=["start_date"])


# --- "bulles sectorielles sans interaction entre elles" ----------------------

def collaboration_graph(links: pd.DataFrame, organisations: pd.DataFrame,
                        members_category: pd.DataFrame, wave: int) -> nx.Graph:
    """Bipartite organisation-project graph of one wave; organisations carry
    their type, projects their categories."""
    links = links[links["wave"] == wave].drop_duplicates(subset=["project_id", "org_id"])
    graph = nx.Graph()
    types = organisations[organisations["wave"] == wave].set_index("org_id")["org_type"]
    categories = (members_category[members_category["wave"] == wave]
                  .groupby("entity_id")["target_id"].agg(lambda s: sorted(set(s))))
    for org in links["org_id"].unique():
        value = types.get(org)
        graph.add_node(("o", org), kind="organisation",
                       org_type=str(value) if isinstance(value, str) else "unknown")
    for project in links["project_id"].unique():
        graph.add_node(("p", project), kind="project", categories=categories.get(project, []))
    graph.add_edges_from((("o", o), ("p", p)) for o, p in zip(links["org_id"],
                                                               links["project_id"]))
    return graph


def organisation_projection(graph: nx.Graph) -> nx.Graph:
    """Organisations joined when they share a project."""
    orgs = [node for node, data in graph.nodes(data=True) if data["kind"] == "organisation"]
    return nx.bipartite.projected_graph(graph, orgs)


def network_summary(graph: nx.Graph) -> dict:
    """Collaboration in numbers: projects with 2+ organisations, components,
    organisations connected to another through a shared project, and how much
    ties stay inside an organisation type (assortativity, modularity)."""
    projects = [n for n, d in graph.nodes(data=True) if d["kind"] == "project"]
    multi = sum(1 for p in projects if graph.degree(p) >= 2)
    components = list(nx.connected_components(graph))
    projection = organisation_projection(graph)
    connected = sum(1 for n in projection if projection.degree(n) > 0)
    summary = {
        "projects": len(projects), "projects_with_2plus_orgs": multi,
        "organisations": projection.number_of_nodes(),
        "organisations_tied_to_another": connected,
        "components": len(components),
        "largest_component_nodes": max((len(c) for c in components), default=0),
        "org_ties": projection.number_of_edges(),
    }
    known = projection.subgraph([n for n, d in projection.nodes(data=True)
                                 if d["org_type"] != "unknown"]).copy()
    if known.number_of_edges():
        summary["org_type_assortativity"] = round(
            nx.attribute_assortativity_coefficient(known, "org_type"), 3)
        partition = {}
        for node, data in known.nodes(data=True):
            partition.setdefault(data["org_type"], set()).add(node)
        summary["org_type_modularity"] = round(
            nx.community.modularity(known, list(partition.values())), 3)
        same = sum(1 for a, b in known.edges() if known.nodes[a]["org_type"]
                   == known.nodes[b]["org_type"])
        summary["ties_within_org_type"] = round(same / known.number_of_edges(), 3)
    return summary


def category_mixing(graph: nx.Graph) -> pd.DataFrame:
    """For organisations tied through shared projects: how often both ends work
    in a category (per category), against what random pairing would give."""
    rows = []
    projection = organisation_projection(graph)
    org_categories = {}
    for org in projection:
        cats = set()
        for project in graph.neighbors(org):
            cats.update(graph.nodes[project]["categories"])
        org_categories[org] = cats
    edges = list(projection.edges())
    if not edges:
        return pd.DataFrame(columns=["target_id", "share_of_orgs", "both_ends", "expected"])
    for category in taxonomy.targets("category")["target_id"]:
        share = np.mean([category in cats for cats in org_categories.values()])
        both = np.mean([category in org_categories[a] and category in org_categories[b]
                        for a, b in edges])
        rows.append((category, round(float(share), 3), round(float(both), 3),
                     round(float(share * share), 3)))
    return pd.DataFrame(rows, columns=["target_id", "share_of_orgs", "both_ends", "expected"])


# --- "faibles interactions entre organisations en ligne / hors ligne" --------

def online_offline(tags: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """One row per platform: declares an online method, an offline form (maker
    spaces, events, fab labs, local community), or both."""
    terms = taxonomy.platform_terms(tags[tags["entity"] == "project"], projects)
    online = set(zip(terms.loc[terms["facet"].isin(ONLINE_FACETS), "wave"],
                     terms.loc[terms["facet"].isin(ONLINE_FACETS), "entity_id"]))
    offline_rows = terms[[(f, t) in OFFLINE_TERMS for f, t in zip(terms["facet"], terms["tag"])]]
    offline = set(zip(offline_rows["wave"], offline_rows["entity_id"]))
    table = projects[PLATFORM].copy()
    keys = list(zip(table["wave"], table["project_id"]))
    table["online"] = [key in online for key in keys]
    table["offline"] = [key in offline for key in keys]
    table["both"] = table["online"] & table["offline"]
    return table


"""The talk's concluding claims about digital ESS innovators, each turned into a
test on the two waves (notebook 06), and the rule that turns a test into a
verdict. Tidy frames in, tidy frames out; nothing here builds an n × n object."""
from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pandas as pd

from iness.reference import taxonomy
from iness.analysis import PLATFORM, SMALL_GROUP, wilson_interval, with_intervals
from iness.pipeline.clean.pipeline import duplicate_groups
from iness.text import normalise_key

OPEN_SOURCE_TERMS = {("tech_method", "open-source technologies"),
                     ("tech_focus", "open hardware")}
ONLINE_FACETS = ("tech_method",)
OFFLINE_TERMS = {("project_type", "maker and hacker spaces"), ("project_type", "event"),
                 ("dsi_area", "new ways of making"), ("free", "events"),
                 ("free", "hackathons"), ("free", "workshops"), ("free", "fablab"),
                 ("free", "fab lab"), ("free", "makers"), ("free", "co working"),
                 ("free", "coworking"), ("free", "local community")}


# --- "taux d'échecs élevé" ---------------------------------------------------

def waves_matched(matches: pd.DataFrame, first: int, later: int) -> bool:
    """Whether records were matched between these two waves: every survey
    built by iness matches each pair of consecutive waves, so any two waves
    (``first`` before ``later``) are, through the waves between them; a frame
    without the long-form columns (made by hand) is not."""
    return first < later and {"wave_from", "id_from", "wave_to", "id_to"} <= set(matches.columns)


def matched_projects(matches: pd.DataFrame, first: int, later: int) -> pd.DataFrame:
    """Project pairs (id_first, id_later) matched across two waves: the matches
    of consecutive waves chained from ``first`` to ``later`` (a project missing
    from a wave between them is not followed past it). The only place that
    reads ``wave_matches``' ids."""
    projects = matches[matches["entity"] == "project"]
    pairs = pd.DataFrame({"id_first": pd.Series(dtype=object),
                          "id_later": pd.Series(dtype=object)})
    hop = projects[projects["wave_from"] == first]
    chain = hop[["id_from", "id_to"]].set_axis(["id_first", "id_later"], axis=1)
    while len(hop) and hop["wave_to"].iloc[0] < later:
        wave = hop["wave_to"].iloc[0]
        hop = projects[projects["wave_from"] == wave]
        chain = chain.merge(hop[["id_from", "id_to"]], left_on="id_later", right_on="id_from")
        chain = chain[["id_first", "id_to"]].set_axis(["id_first", "id_later"], axis=1)
    if len(hop) and hop["wave_to"].iloc[0] == later:
        pairs = chain
    return pairs.reset_index(drop=True)


def attrition(projects: pd.DataFrame, matches: pd.DataFrame, first: int, later: int
              ) -> pd.DataFrame:
    """Every platform of the first wave, with ``in_next_wave``: whether a record
    of the later wave was matched to it."""
    older = projects[projects["wave"] == first][["wave", "project_id", "project_name"]]
    matched = set(matched_projects(matches, first, later)["id_first"])
    return older.assign(in_next_wave=older["project_id"].isin(matched)).reset_index(drop=True)


def wave_date(projects: pd.DataFrame, wave: int) -> pd.Timestamp:
    """When a wave was taken: its latest record date (created or listed), else
    1 January of its year."""
    records = projects[projects["wave"] == wave]
    dates = pd.concat([records[c] for c in ("created_date", "listed_date") if c in records])
    dates = pd.to_datetime(dates, errors="coerce").dropna()
    return dates.max() if len(dates) else pd.Timestamp(year=int(wave), month=1, day=1)


def failure_detectability(projects: pd.DataFrame, matches: pd.DataFrame, first: int,
                          later: int) -> dict:
    """Can absence from the later wave see failure? A positive control: of the
    first wave's platforms known to have ended before the later wave was taken
    (an end date on either wave's record), how many are missing from it.

    ``can_see`` needs at least ``SMALL_GROUP`` such platforms and a 95 % interval
    of their missing share wholly above one half (ended platforms do drop out)."""
    pairs = matched_projects(matches, first, later)
    later_ends = projects.loc[projects["wave"] == later, ["project_id", "end_date"]].rename(
        columns={"project_id": "id_later", "end_date": "later_end"})
    older = (projects.loc[projects["wave"] == first, ["project_id", "end_date"]]
             .merge(pairs, left_on="project_id", right_on="id_first", how="left")
             .merge(later_ends, on="id_later", how="left"))
    end = older["end_date"].fillna(older["later_end"])
    cutoff = wave_date(projects, later)
    ended = older[end.notna() & (end < cutoff)]
    missing = int(ended["id_later"].isna().sum())
    low, high = wilson_interval(missing, len(ended))
    return {"cutoff": cutoff.date().isoformat(), "reappear": int(older["id_later"].notna().sum()),
            "platforms": len(older), "ended": len(ended), "ended_missing": missing,
            "ci_low": low, "ci_high": high,
            "can_see": len(ended) >= SMALL_GROUP and bool(low > 0.5)}


def rate_by(table: pd.DataFrame, groups: pd.DataFrame, column: str,
            outcome: str = "gone") -> pd.DataFrame:
    """Share of platforms with ``outcome`` True per group, with a 95 % Wilson
    interval; a platform in several groups counts in each; ``small`` marks groups
    under ``SMALL_GROUP`` platforms."""
    joined = table.merge(groups, on=PLATFORM)
    rows = []
    for value, group in joined.groupby(column, observed=True):
        hits, size = int(group[outcome].sum()), group["project_id"].nunique()
        low, high = wilson_interval(hits, size)
        rows.append((value, size, hits, round(hits / size, 3), low, high,
                     size < SMALL_GROUP))
    return pd.DataFrame(rows, columns=[column, "platforms", outcome, "share", "ci_low",
                                       "ci_high", "small"]).sort_values(
        ["platforms", column], ascending=[False, True])


# --- "open source en forte croissance mais peu nombreuses" -------------------

def terms_among(terms: pd.DataFrame, wanted) -> pd.DataFrame:
    """The rows of ``terms`` whose (facet, tag) is one of ``wanted`` (a boolean
    mask, so that no terms at all still gives a frame with every column)."""
    mask = pd.Series([(f, t) in wanted for f, t in zip(terms["facet"], terms["tag"])],
                     index=terms.index, dtype=bool)
    return terms[mask]


def open_source_flags(tags: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """One row per platform: ``is_open_source`` (open-source technologies or open
    hardware) and its start year where known."""
    terms = taxonomy.platform_terms(tags[tags["entity"] == "project"], projects)
    hits = terms_among(terms, OPEN_SOURCE_TERMS)
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
        summary["typed_ties"] = known.number_of_edges()
    return summary


def project_projection(graph: nx.Graph) -> nx.Graph:
    """Platforms joined when an organisation works on both (their categories are
    their own, not inherited from the tie, unlike organisations tied by a project)."""
    projects = [node for node, data in graph.nodes(data=True) if data["kind"] == "project"]
    return nx.bipartite.projected_graph(graph, projects)


def project_categories(graph: nx.Graph) -> dict:
    """Each platform node of a collaboration graph with its set of categories."""
    return {node: set(data["categories"]) for node, data in graph.nodes(data=True)
            if data["kind"] == "project"}


# --- "faibles interactions entre organisations en ligne / hors ligne" --------

def online_offline(tags: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """One row per platform: declares an online method, an offline form (maker
    spaces, events, fab labs, local community), or both."""
    terms = taxonomy.platform_terms(tags[tags["entity"] == "project"], projects)
    online = set(zip(terms.loc[terms["facet"].isin(ONLINE_FACETS), "wave"],
                     terms.loc[terms["facet"].isin(ONLINE_FACETS), "entity_id"]))
    offline_rows = terms_among(terms, OFFLINE_TERMS)
    offline = set(zip(offline_rows["wave"], offline_rows["entity_id"]))
    table = projects[PLATFORM].copy()
    keys = list(zip(table["wave"], table["project_id"]))
    table["online"] = [key in online for key in keys]
    table["offline"] = [key in offline for key in keys]
    table["both"] = table["online"] & table["offline"]
    return table


# --- verdicts, derived by rule ------------------------------------------------

VERDICTS = ("supported", "weak", "not supported", "not testable")

#: the rule, checked in this order: (condition, verdict)
VERDICT_RULES = (
    ("the data cannot see the effect (its computed ability to detect it is false)",
     "not testable"),
    ("fewer units than the test needs (n below its minimum)", "not testable"),
    ("the estimate points the claim's way and its uncertainty excludes the reference "
     "(95 % interval beyond it, or permutation p < 0.05)", "supported"),
    ("the estimate points the claim's way but its uncertainty includes the reference",
     "weak"),
    ("the estimate does not point the claim's way", "not supported"),
)

#: what each claim is measured against; the talk gives no number, so these are
#: our readings of its words: (reference, direction the claim points)
CLAIM_REFERENCES = {
    "failure": (0.2, "above"),        # "high": more than one platform in five gone
    "redundancy": (0.1, "above"),     # more than one platform in ten has a near-twin
    "open_source_rare": (0.5, "below"),  # "peu nombreuses": a minority
    "open_source_growth": (0.0, "above"),  # later cohorts more open source than earlier
    "bubbles": (None, "above"),       # ties stay inside categories more than by chance
    "online_offline": (None, "above"),  # ties stay inside online / offline more than by chance
}


def verdict(can_see: bool, n: int, min_n: int, toward_claim: bool, clear: bool) -> str:
    """A claim's verdict from its test, by ``VERDICT_RULES``.

    >>> verdict(True, 100, 30, toward_claim=True, clear=True)
    'supported'
    >>> verdict(False, 700, 30, toward_claim=True, clear=True)
    'not testable'
    """
    if not can_see or n < min_n:
        return "not testable"
    if toward_claim:
        return "supported" if clear else "weak"
    return "not supported"


def verdict_rules(lang: str | None = None) -> pd.DataFrame:
    """The verdict rule as a table (condition → verdict), in the order it is applied,
    in the language set (or ``lang``; ``labels.csv`` keys ``verdict_rule_<n>``)."""
    from iness.i18n import label as text
    return pd.DataFrame([(text(f"verdict_rule_{number}", lang), verdict_word(result, lang))
                         for number, (_, result) in enumerate(VERDICT_RULES, start=1)],
                        columns=["condition", "verdict"])


def verdict_word(result: str, lang: str | None = None) -> str:
    """A verdict (one of ``VERDICTS``) as a reader sees it, in the language set
    (or ``lang``): ``labels.csv`` keys ``verdict_<verdict>``."""
    from iness.i18n import label as text
    return text("verdict_" + result.replace(" ", "_"), lang)


def word(prefix: str, value: str, lang: str | None = None) -> str:
    """A value this module writes (a duplicate rule, an online/offline form, a
    claim's test or direction) in the language set: the ``labels.csv`` key
    ``<prefix>_<value>`` (spaces as underscores); a value with no key as it is."""
    from iness.i18n import label
    return label(f"{prefix}_{value}".replace(" ", "_"), lang, default=value)


def share_evidence(estimate: float, low: float, high: float, reference: float,
                   direction: str) -> tuple[bool, bool]:
    """(toward_claim, clear) for a share against a reference: the claim says the
    share is ``above`` or ``below`` it; clear when the 95 % interval excludes it."""
    if direction == "above":
        return bool(estimate > reference), bool(low > reference)
    if direction == "below":
        return bool(estimate < reference), bool(high < reference)
    raise ValueError(f"direction: expected 'above' or 'below', got {direction!r}")


def null_evidence(test: dict, alpha: float = 0.05) -> tuple[bool, bool]:
    """(toward_claim, clear) for a permutation test: observed above the null
    mean; clear when the permutation p-value is under ``alpha``."""
    return bool(test["observed"] > test["null_mean"]), bool(test["p_value"] < alpha)


# --- open source: share and growth -------------------------------------------

def open_source_share(flags: pd.DataFrame) -> pd.DataFrame:
    """Open-source platforms per wave with n and a 95 % interval."""
    table = (flags.groupby("wave")["is_open_source"].agg(open_source="sum", n="size")
             .reset_index().astype({"open_source": int}))
    return with_intervals(table, "open_source", "n")


def open_source_growth(flags: pd.DataFrame) -> pd.DataFrame:
    """Open-source share of platforms started before and from the median start
    year (dated platforms only), each with n and a 95 % interval; the cohorts
    are named in the language set."""
    from iness.i18n import label as text
    dated = flags.dropna(subset=["start_year"])
    columns = ["cohort", "open_source", "n", "share", "ci_low", "ci_high"]
    if dated["start_year"].nunique() < 2:
        return pd.DataFrame(columns=columns)
    split = int(dated["start_year"].median())
    if split == int(dated["start_year"].min()):
        split += 1
    recent = dated["start_year"] >= split
    table = pd.DataFrame({
        "cohort": [text("cohort_before").format(year=split),
                   text("cohort_from").format(year=split)],
        "open_source": [int(dated.loc[~recent, "is_open_source"].sum()),
                        int(dated.loc[recent, "is_open_source"].sum())],
        "n": [int((~recent).sum()), int(recent.sum())]})
    return with_intervals(table, "open_source", "n")[columns]


# --- redundancy: near-duplicate actors ----------------------------------------

#: a description shorter than this (characters) says too little to compare
MIN_DESCRIPTION = 40
#: an n-gram shared by more descriptions than this is too common to propose pairs
MAX_SHARED = 50
#: candidate neighbours kept per description
NEIGHBOURS = 10
#: thresholds of the sweep
THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)


def similar_pairs(texts: list[str], min_similarity: float = 0.5, neighbours: int = NEIGHBOURS,
                  max_shared: int = MAX_SHARED, chunk: int = 1000) -> pd.DataFrame:
    """Pairs (i, j, similarity), i < j, of texts whose cosine similarity of
    character n-gram TF-IDF (3-5 characters within words, no stop-word list, so
    any language) is at least ``min_similarity``.

    Never builds an n × n matrix: candidates are texts sharing an n-gram found in
    at most ``max_shared`` texts (blocking), the ``neighbours`` with most such
    n-grams in common are kept per text, and only those pairs are scored. Cost
    and memory grow linearly with the number of texts."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    columns = ["i", "j", "similarity"]
    if len(texts) < 2:
        return pd.DataFrame(columns=columns)
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                              dtype=np.float32).fit_transform(texts).tocsr()
    spread = np.bincount(vectors.indices, minlength=vectors.shape[1])
    rare = np.flatnonzero((spread >= 2) & (spread <= max_shared))
    blocks = vectors[:, rare]
    blocks.data[:] = 1
    blocks_t = blocks.T.tocsr()
    found = []
    for start in range(0, vectors.shape[0], chunk):
        shared = (blocks[start:start + chunk] @ blocks_t).tocsr()
        rows, cols = [], []
        for r in range(shared.shape[0]):
            lo, hi = shared.indptr[r], shared.indptr[r + 1]
            cand, count = shared.indices[lo:hi], shared.data[lo:hi]
            keep = cand != start + r
            cand, count = cand[keep], count[keep]
            if len(cand) > neighbours:
                cand = cand[np.argpartition(-count, neighbours - 1)[:neighbours]]
            rows.append(np.full(len(cand), start + r))
            cols.append(cand)
        if not rows:
            continue
        i, j = np.concatenate(rows), np.concatenate(cols)
        score = np.asarray(vectors[i].multiply(vectors[j]).sum(axis=1)).ravel()
        keep = score >= min_similarity - 1e-6
        found.append(np.column_stack([np.minimum(i, j)[keep], np.maximum(i, j)[keep],
                                      score[keep]]))
    if not found:
        return pd.DataFrame(columns=columns)
    pairs = pd.DataFrame(np.vstack(found), columns=columns).astype({"i": int, "j": int})
    pairs["similarity"] = pairs["similarity"].round(3)
    return pairs.drop_duplicates(["i", "j"]).sort_values(["i", "j"]).reset_index(drop=True)


def described(projects: pd.DataFrame, wave: int) -> pd.DataFrame:
    """The platforms of one wave whose description is long enough to compare."""
    records = projects[(projects["wave"] == wave) & projects["description"].notna()]
    return records[records["description"].str.len() >= MIN_DESCRIPTION].reset_index(drop=True)


def cleaning_duplicates(projects: pd.DataFrame, wave: int) -> pd.DataFrame:
    """Pairs of one wave's platforms that the cleaning's own merge rules join
    (same compact name, or same website host outside shared hosts: the rules
    applied to organisations), with the rule. The cleaning merges projects by
    name only, so website pairs are duplicates it left."""
    records = projects[projects["wave"] == wave]
    if "is_suspect" not in records:
        records = records.assign(is_suspect=False)
    merges = duplicate_groups(records, "project_id", "project_name", use_website=True)
    return pd.DataFrame({"project_a": merges["canonical_id"], "project_b": merges["id"],
                         "duplicate_rule": merges["merge_rule"]})


def text_rule(a: str, b: str) -> str | None:
    """Whether two descriptions are one text: equal once normalised as the
    cleaning normalises names, or one contained in the other."""
    a, b = normalise_key(a), normalise_key(b)
    if not a or not b:
        return None
    if a == b:
        return "same description"
    if a in b or b in a:
        return "one description contains the other"
    return None


def near_duplicates(projects: pd.DataFrame, members_category: pd.DataFrame,
                    countries: pd.DataFrame, wave: int, links: pd.DataFrame | None = None,
                    min_similarity: float = min(THRESHOLDS)) -> pd.DataFrame:
    """Pairs of one wave's platforms with similar descriptions (``similar_pairs``)
    or joined by the cleaning's merge rules, with their similarity, the
    ``duplicate_rule`` that makes them one record or one actor (the cleaning's
    rules, then the same text, then a shared organisation in ``links``; empty
    when none does) and whether they share a category and a country
    (``same_category_country``)."""
    texts = described(projects, wave)
    found = similar_pairs(texts["description"].tolist(), min_similarity)
    ids = texts["project_id"].to_numpy()
    pairs = pd.DataFrame({"project_a": ids[found["i"].to_numpy(dtype=int)],
                          "project_b": ids[found["j"].to_numpy(dtype=int)],
                          "similarity": found["similarity"].to_numpy(dtype=float)})
    by_rule = cleaning_duplicates(projects, wave)
    pairs = _ordered(pd.concat([pairs, by_rule[["project_a", "project_b"]]], ignore_index=True)
                     ).drop_duplicates(["project_a", "project_b"])
    rules = _ordered(by_rule).drop_duplicates(["project_a", "project_b"])
    pairs = pairs.merge(rules, on=["project_a", "project_b"], how="left")
    records = projects[projects["wave"] == wave].set_index("project_id")
    text = records["description"]
    organisations = ({} if links is None else links[links["wave"] == wave]
                     .groupby("project_id")["org_id"].agg(set).to_dict())
    pairs["duplicate_rule"] = [
        rule if isinstance(rule, str) else
        (text_rule(text.get(a), text.get(b))
         or ("same organisation" if organisations.get(a, set()) & organisations.get(b, set())
             else ""))
        for a, b, rule in zip(pairs["project_a"], pairs["project_b"], pairs["duplicate_rule"])]
    pairs["name_a"] = pairs["project_a"].map(records["project_name"])
    pairs["name_b"] = pairs["project_b"].map(records["project_name"])
    pairs["same_category_country"] = _share_groups(pairs, members_category, countries, wave)
    return pairs.sort_values(["similarity", "project_a", "project_b"],
                             ascending=[False, True, True], na_position="last"
                             ).reset_index(drop=True)


def _ordered(pairs: pd.DataFrame) -> pd.DataFrame:
    """Each pair with project_a < project_b."""
    a, b = pairs["project_a"].astype(str), pairs["project_b"].astype(str)
    return pairs.assign(project_a=np.where(a < b, a, b), project_b=np.where(a < b, b, a))


def _share_groups(pairs: pd.DataFrame, members_category: pd.DataFrame,
                  countries: pd.DataFrame, wave: int) -> list[bool]:
    members = members_category[members_category["wave"] == wave]
    category = members.groupby("entity_id")["target_id"].agg(set)
    place = countries[countries["wave"] == wave].groupby("project_id")["country_code"].agg(set)
    empty = set()
    return [bool(category.get(a, empty) & category.get(b, empty))
            and bool(place.get(a, empty) & place.get(b, empty))
            for a, b in zip(pairs["project_a"], pairs["project_b"])]


def redundancy_sweep(pairs: pd.DataFrame, described_count: int,
                     thresholds=THRESHOLDS) -> pd.DataFrame:
    """At each threshold: similar pairs, those that are one record or one actor
    (a ``duplicate_rule``), redundant pairs (no such rule, same category and country) and the
    platforms involved in one, as a share of described platforms with its 95 %
    interval and n."""
    rows = []
    for threshold in thresholds:
        above = pairs[pairs["similarity"].fillna(0) >= threshold - 1e-9]
        redundant = above[(above["duplicate_rule"] == "") & above["same_category_country"]]
        involved = len(set(redundant["project_a"]) | set(redundant["project_b"]))
        rows.append((threshold, len(above), int((above["duplicate_rule"] != "").sum()),
                     len(redundant), involved, described_count))
    table = pd.DataFrame(rows, columns=["threshold", "similar_pairs", "duplicate_pairs",
                                        "redundant_pairs", "platforms_involved", "n"])
    return with_intervals(table, "platforms_involved", "n")


# --- sectoral bubbles: a label-permutation null model -------------------------

def mixing_null(projection: nx.Graph, labels: dict, permutations: int = 200, seed: int = 0
                ) -> dict:
    """Share of ties whose two ends share a label (labels: node → set), against a
    null that shuffles the label sets across the tied, labelled nodes (fixed
    seed). Returns observed, null mean, 95 % null
    interval, permutation p-value (one-sided: observed at least as high), the
    ties and nodes counted, and the null values."""
    nodes = [n for n in projection if projection.degree(n) > 0 and labels.get(n)]
    tied = projection.subgraph(nodes)
    result = {"ties": tied.number_of_edges(), "nodes": len(nodes)}
    if result["ties"] == 0:
        return {**result, "observed": np.nan, "null_mean": np.nan, "null_low": np.nan,
                "null_high": np.nan, "p_value": np.nan, "null": np.array([])}
    vocabulary = sorted(set().union(*[labels[n] for n in nodes]))
    column = {label: k for k, label in enumerate(vocabulary)}
    indicator = np.zeros((len(nodes), len(vocabulary)), dtype=bool)
    for row, node in enumerate(nodes):
        indicator[row, [column[label] for label in labels[node]]] = True
    position = {node: k for k, node in enumerate(nodes)}
    ends = np.array([(position[a], position[b]) for a, b in tied.edges()])

    def within(table):
        return float((table[ends[:, 0]] & table[ends[:, 1]]).any(axis=1).mean())

    rng = np.random.default_rng(seed)
    null = np.array([within(indicator[rng.permutation(len(nodes))])
                     for _ in range(permutations)])
    observed = within(indicator)
    return {**result, "observed": round(observed, 3), "null_mean": round(float(null.mean()), 3),
            "null_low": round(float(np.quantile(null, 0.025)), 3),
            "null_high": round(float(np.quantile(null, 0.975)), 3),
            "p_value": round(float((1 + (null >= observed).sum()) / (1 + permutations)), 4),
            "null": null}


def mode_labels(modes: pd.DataFrame, wave: int) -> dict:
    """Each platform node ("p", id) of one wave as {"online"}, {"offline"}, both,
    or neither (empty: not measured), from :func:`online_offline`."""
    modes = modes[modes["wave"] == wave]
    return {("p", pid): {name for name, flag in (("online", on), ("offline", off)) if flag}
            for pid, on, off in zip(modes["project_id"], modes["online"], modes["offline"])}


def online_offline_ability(projection: nx.Graph, labels: dict) -> dict:
    """Can the network see ties between online and offline platforms? Tied
    platforms that are online only and offline only; ``can_see`` needs at least
    ``SMALL_GROUP`` of each."""
    tied = [labels.get(n, set()) for n in projection if projection.degree(n) > 0]
    online = sum(1 for label in tied if label == {"online"})
    offline = sum(1 for label in tied if label == {"offline"})
    return {"tied": len(tied), "online_only": online, "offline_only": offline,
            "can_see": online >= SMALL_GROUP and offline >= SMALL_GROUP}


# --- what a survey can support -------------------------------------------------

#: methods whose codes no reading of this survey has checked
UNVALIDATED_METHODS = {"classifier", "crosswalk"}
#: frameworks whose codes a verdict, typology or association here rests on
CODED_FRAMEWORKS = ("category", "activity", "is_platform")


def unvalidated_classifier(survey, frameworks=CODED_FRAMEWORKS) -> list[str]:
    """The frameworks among ``frameworks`` whose codes in the survey come only
    from machine methods, the text classifier among them (the tag crosswalk
    may fill in): no coded or declared unit measures their error on this
    survey, so no verdict, typology or association is drawn from them."""
    codes = survey.codes
    found = []
    for framework in frameworks:
        methods = set(codes.loc[codes["framework"] == framework, "method"])
        if "classifier" in methods and methods <= UNVALIDATED_METHODS:
            found.append(framework)
    return found


#: what each claim's test needs of a survey, checked by :func:`missing_fields`:
#: ("waves", n) at least n matched waves; ("column", c) a projects column with
#: values; ("facets", (f, ...)) project tags of one of these facets; ("table", t) a
#: non-empty table; ("codes", framework) codes not only from an unvalidated classifier
CLAIM_NEEDS = {
    "failure": (("waves", 2),),
    "redundancy": (("column", "description"), ("codes", "category")),
    "open_source": (("facets", ("tech_method", "tech_focus")), ("codes", "is_platform")),
    "bubbles": (("table", "links"), ("codes", "category")),
    "online_offline": (("facets", ONLINE_FACETS), ("table", "links")),
}


def missing_fields(survey, claim: str, wave: int | None = None) -> list[str]:
    """What the survey lacks for ``claim``'s test (:data:`CLAIM_NEEDS`), as
    ``labels.csv`` keys ``needs_<kind>_<name>``: empty when it can be tested."""
    lacking = []
    projects = survey.projects if wave is None else \
        survey.projects[survey.projects["wave"] == wave]
    for kind, name in CLAIM_NEEDS[claim]:
        if kind == "waves":
            ok = len(survey.waves) >= name and waves_matched(
                survey.wave_matches, survey.waves[0], survey.waves[-1])
            key = "needs_waves"
        elif kind == "column":
            ok = name in projects and projects[name].notna().any()
            key = f"needs_column_{name}"
        elif kind == "facets":
            tags = survey.tags
            ok = len(tags) > 0 and bool(((tags["entity"] == "project")
                                         & tags["facet"].isin(name)).any())
            key = f"needs_facets_{'_'.join(name)}"
        elif kind == "table":
            ok = len(getattr(survey, name)) > 0
            key = f"needs_table_{name}"
        else:
            ok = name not in unvalidated_classifier(survey, (name,))
            key = f"needs_codes_{name}"
        if not ok:
            lacking.append(key)
    return lacking


def not_testable_reason(lacking: list[str], lang: str | None = None) -> str:
    """"not testable: the survey has no ..." for what :func:`missing_fields`
    found lacking, in the language set (or ``lang``)."""
    from iness.i18n import label as text
    return text("not_testable_because", lang).format(
        what=text("list_and", lang).join(text(key, lang) for key in lacking))


# --- redundancy: can the similarity see near-copies? --------------------------

#: descriptions copied, altered and planted to measure the similarity's recall
PLANTED = 60
#: every how many words the planted copy drops one
DROP_EVERY = 4


def paraphrase(text: str) -> str:
    """A planted near-copy of a description: its sentences in reverse order and
    one word in :data:`DROP_EVERY` dropped (a rewording that keeps the content)."""
    import re
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
    words = " ".join(reversed(sentences)).split()
    return " ".join(w for k, w in enumerate(words, start=1) if k % DROP_EVERY)


def planted_recall(texts: list[str], thresholds=None, planted: int = PLANTED,
                   seed: int = 0) -> pd.DataFrame:
    """A positive control for :func:`similar_pairs`: ``planted`` descriptions
    (fixed seed) get a :func:`paraphrase` added to the corpus; at each threshold,
    the share of planted pairs found (recall) with its 95 % interval and n."""
    thresholds = THRESHOLDS if thresholds is None else thresholds
    rng = np.random.default_rng(seed)
    chosen = np.sort(rng.choice(len(texts), size=min(planted, len(texts)), replace=False)) \
        if len(texts) else np.array([], dtype=int)
    corpus = list(texts) + [paraphrase(texts[i]) for i in chosen]
    found = similar_pairs(corpus, min(thresholds))
    copies = {(int(i), len(texts) + k) for k, i in enumerate(chosen)}
    score = {(int(i), int(j)): s for i, j, s in zip(found["i"], found["j"], found["similarity"])}
    rows = [(t, sum(score.get(pair, 0) >= t - 1e-9 for pair in copies), len(copies))
            for t in thresholds]
    table = pd.DataFrame(rows, columns=["threshold", "found", "n"])
    return with_intervals(table, "found", "n")


def eligible_for_redundancy(texts: pd.DataFrame, members_category: pd.DataFrame,
                            countries: pd.DataFrame, wave: int) -> int:
    """Described platforms that could be redundant at all: with a category and a
    country (the test's two conditions)."""
    categorised = set(members_category.loc[members_category["wave"] == wave, "entity_id"])
    placed = set(countries.loc[countries["wave"] == wave, "project_id"])
    return int(texts["project_id"].isin(categorised & placed).sum())


# --- sectoral bubbles at organisation level ---------------------------------------
#: an organisation that alone gives at least this share of the evaluable ties is a hub
HUB_SHARE = 0.10
#: swaps per edge in one degree-preserving rewiring
SWAPS_PER_EDGE = 5


def deduplicated_edges(links: pd.DataFrame, duplicates: pd.DataFrame, wave: int
                       ) -> list[tuple[str, str]]:
    """(organisation, project) edges of one wave, each duplicate project
    (``project_b`` of :func:`cleaning_duplicates`) folded into the one it repeats."""
    links = links[links["wave"] == wave]
    same = dict(zip(duplicates["project_b"], duplicates["project_a"]))
    edges = {(org, same.get(project, project))
             for org, project in zip(links["org_id"], links["project_id"])}
    return sorted(edges)


def codelivery_pairs(edges) -> tuple[dict, set]:
    """Each organisation's projects, and the pairs of organisations that
    co-deliver at least one project."""
    projects_of: dict = {}
    orgs_of: dict = {}
    for org, project in edges:
        projects_of.setdefault(org, set()).add(project)
        orgs_of.setdefault(project, set()).add(org)
    pairs = {tuple(sorted((a, b))) for members in orgs_of.values()
             for a, b in itertools.combinations(members, 2)}
    return projects_of, pairs


def organisation_ties(edges, categories: dict) -> list[tuple[str, str, bool]]:
    """Pairs of organisations that co-deliver a project, each with whether they
    share a category **outside** the projects they share (an organisation's
    sectors are its other projects' categories, so the tie itself gives none).
    Only pairs where both have such categories are returned."""
    projects_of, pairs = codelivery_pairs(edges)
    ties = []
    for a, b in sorted(pairs):
        shared = projects_of[a] & projects_of[b]
        cats_a = set().union(*(categories.get(p, set()) for p in projects_of[a] - shared))
        cats_b = set().union(*(categories.get(p, set()) for p in projects_of[b] - shared))
        if cats_a and cats_b:
            ties.append((a, b, bool(cats_a & cats_b)))
    return ties


def hub_organisations(edges, share: float = HUB_SHARE) -> tuple[set, int]:
    """Organisations that alone take part in at least ``share`` of all
    co-delivery pairs, and the number of pairs."""
    _, pairs = codelivery_pairs(edges)
    if not pairs:
        return set(), 0
    counts = pd.Series([org for pair in pairs for org in pair]).value_counts()
    return set(counts.index[counts >= share * len(pairs)]), len(pairs)


def bipartite_rewiring(edges, swaps: int, rng: np.random.Generator):
    """A degree-preserving rewiring of an organisation-project graph: ``swaps``
    attempts to exchange the projects of two edges, refused when it would
    duplicate an edge. Every organisation and project keeps its degree."""
    edges = list(edges)
    present = set(edges)
    for _ in range(swaps):
        i, j = rng.integers(len(edges), size=2)
        (o1, p1), (o2, p2) = edges[i], edges[j]
        if o1 == o2 or p1 == p2 or (o1, p2) in present or (o2, p1) in present:
            continue
        present -= {(o1, p1), (o2, p2)}
        present |= {(o1, p2), (o2, p1)}
        edges[i], edges[j] = (o1, p2), (o2, p1)
    return edges


def organisation_mixing(edges, categories: dict, permutations: int = 200, seed: int = 0,
                        without: set | None = None) -> dict:
    """Do organisations active in the same category (outside their joint
    projects) co-deliver projects more than a degree-preserving null predicts?
    Observed share of within-category ties, the null's mean and 95 % range over
    ``permutations`` seeded rewirings, the one-sided p-value (at least
    1/(permutations + 1)), and the ties and organisations it rests on.
    ``without``: organisations removed first (hubs)."""
    edges = [(o, p) for o, p in edges if not without or o not in without]
    ties = organisation_ties(edges, categories)
    observed = float(np.mean([w for _, _, w in ties])) if ties else float("nan")
    rng = np.random.default_rng(seed)
    null = []
    for _ in range(permutations if ties else 0):
        rewired = organisation_ties(
            bipartite_rewiring(edges, SWAPS_PER_EDGE * len(edges), rng), categories)
        if rewired:
            null.append(float(np.mean([w for _, _, w in rewired])))
    null = np.array(null)
    above = int((null >= observed).sum()) if len(null) else 0
    return {"ties": len(ties), "within": int(sum(w for _, _, w in ties)),
            "organisations": len({o for a, b, _ in ties for o in (a, b)}),
            "observed": observed, "null": null,
            "null_mean": float(null.mean()) if len(null) else float("nan"),
            "null_low": float(np.quantile(null, 0.025)) if len(null) else float("nan"),
            "null_high": float(np.quantile(null, 0.975)) if len(null) else float("nan"),
            "p_value": (above + 1) / (len(null) + 1), "permutations": len(null)}

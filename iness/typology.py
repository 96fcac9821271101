"""A typology of platforms from their key activities and scaling practices
(notebook 07): hierarchical clustering on binary indicators, the number of
clusters chosen by silhouette, stability measured under resampling.

Ward linkage on the 0/1 indicators: average or complete linkage on Jaccard
distances chain this data into one giant cluster and a few singletons (tried
on DSI4EU 2016: 704 of 707 platforms in one cluster at k = 3), whereas Ward
gives clusters of usable size. Silhouettes are measured with Jaccard distances.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import pdist, squareform

from . import taxonomy

FRAMEWORKS = ("activity", "practice")
LINKAGE = "ward"
METRIC = "jaccard"   # for the silhouette
#: the smallest cluster accepted when choosing k, as a share of platforms
MIN_CLUSTER_SHARE = 0.05


def indicator_matrix(memberships: pd.DataFrame, wave: int) -> pd.DataFrame:
    """Platforms of one wave (rows) by activity and practice (columns), 0/1; platforms
    with no indicator at all are left out (they cannot be placed)."""
    rows = memberships[(memberships["wave"] == wave)
                       & memberships["framework"].isin(FRAMEWORKS)]
    columns = [f"{f}:{t}" for f in FRAMEWORKS for t in taxonomy.targets(f)["target_id"]]
    table = pd.crosstab(rows["entity_id"], rows["framework"] + ":" + rows["target_id"])
    table = table.reindex(columns=columns, fill_value=0).clip(upper=1).astype(np.int8)
    table = table.loc[:, table.sum() > 0]
    return table.sort_index()


def cluster(matrix: pd.DataFrame, clusters: int) -> np.ndarray:
    """Cluster labels 1..k: Ward hierarchical clustering of the 0/1 indicators."""
    tree = linkage(matrix.to_numpy(dtype=float), method=LINKAGE)
    return fcluster(tree, t=clusters, criterion="maxclust")


def choose_clusters(matrix: pd.DataFrame, candidates=range(2, 9)) -> pd.DataFrame:
    """Silhouette (Jaccard) and smallest cluster size for each number of clusters."""
    from sklearn.metrics import silhouette_score
    distances = squareform(pdist(matrix.to_numpy(dtype=bool), metric=METRIC))
    rows = []
    for k in candidates:
        labels = cluster(matrix, k)
        found = len(set(labels))
        score = silhouette_score(distances, labels, metric="precomputed") if found > 1 \
            else np.nan
        rows.append((k, found, round(float(score), 3),
                     int(pd.Series(labels).value_counts().min())))
    return pd.DataFrame(rows, columns=["clusters", "found", "silhouette", "smallest"])


def best_k(choices: pd.DataFrame, platforms: int, minimum: int = 3) -> int:
    """The k with the highest silhouette among k >= ``minimum`` whose smallest
    cluster holds at least MIN_CLUSTER_SHARE of the platforms."""
    usable = choices[(choices["clusters"] >= minimum)
                     & (choices["smallest"] >= MIN_CLUSTER_SHARE * platforms)]
    if usable.empty:
        return minimum
    return int(usable.sort_values(["silhouette", "clusters"], ascending=[False, True])
               .iloc[0]["clusters"])


def describe(matrix: pd.DataFrame, labels: np.ndarray, lang: str = "en") -> pd.DataFrame:
    """Share of each cluster's platforms showing each indicator (columns: clusters)."""
    names = {**{f"activity:{k}": v for k, v in taxonomy.label_of("activity", lang).items()},
             **{f"practice:{k}": v for k, v in taxonomy.label_of("practice", lang).items()}}
    table = matrix.groupby(labels).mean().T.round(2)
    table.index = [names.get(i, i) for i in table.index]
    table.columns = [f"cluster {c}" for c in table.columns]
    return table


def distinctive(profile: pd.DataFrame, top: int = 4) -> pd.Series:
    """For each cluster, the indicators most above the other clusters' average."""
    out = {}
    for column in profile.columns:
        others = profile.drop(columns=column).mean(axis=1)
        lift = (profile[column] - others).sort_values(ascending=False)
        out[column] = ", ".join(lift.index[:top])
    return pd.Series(out, name="most distinctive")


def stability(matrix: pd.DataFrame, clusters: int, resamples: int = 30, fraction: float = 0.8,
              seed: int = 0) -> pd.DataFrame:
    """Re-cluster random 80 % subsamples; adjusted Rand index against the full
    clustering on the platforms they share (1 = identical partitions)."""
    from sklearn.metrics import adjusted_rand_score
    reference = pd.Series(cluster(matrix, clusters), index=matrix.index)
    rng = np.random.default_rng(seed)
    scores = []
    for run in range(resamples):
        chosen = np.sort(rng.choice(len(matrix), size=int(len(matrix) * fraction),
                                    replace=False))
        sample = matrix.iloc[chosen]
        labels = cluster(sample, clusters)
        scores.append((run, round(adjusted_rand_score(reference.iloc[chosen], labels), 3)))
    return pd.DataFrame(scores, columns=["resample", "adjusted_rand"])

"""Sectoral bubbles at organisation level: ties, hubs, degree-preserving null."""
from collections import Counter

import numpy as np

from iness.analysis import claims

EDGES = [("A", "p1"), ("B", "p1"), ("A", "p2"), ("B", "p3"), ("C", "p4"), ("D", "p4"),
         ("C", "p5"), ("D", "p6"), ("E", "p7")]


def test_a_tie_shares_a_category_only_outside_the_joint_project():
    categories = {"p1": {"health"}, "p2": {"health"}, "p3": {"health"}, "p4": {"finance"},
                  "p5": {"science"}, "p6": {"education"}}
    ties = claims.organisation_ties(EDGES, categories)
    assert ("A", "B", True) in ties and ("C", "D", False) in ties
    # the joint project's own category gives nothing: without p2/p3, A–B is not evaluable
    assert claims.organisation_ties([("A", "p1"), ("B", "p1")], categories) == []


def test_rewiring_keeps_every_degree():
    rewired = claims.bipartite_rewiring(EDGES, 200, np.random.default_rng(0))
    for side in (0, 1):
        assert Counter(e[side] for e in rewired) == Counter(e[side] for e in EDGES)
    assert len(set(rewired)) == len(EDGES)


def test_a_hub_is_in_a_tenth_of_the_pairs_and_p_is_never_below_one_over_n_plus_one():
    star = [("H", f"p{i}") for i in range(12)] + [(f"o{i}", f"p{i}") for i in range(12)]
    hubs, pairs = claims.hub_organisations(star)
    assert hubs == {"H"} and pairs == 12
    categories = {f"p{i}": {"health" if i % 2 else "finance"} for i in range(12)}
    result = claims.organisation_mixing(EDGES + star, categories, permutations=20, seed=1)
    assert result["p_value"] >= 1 / 21

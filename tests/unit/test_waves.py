"""Entrants against incumbents: independent groups, Newcombe interval, Holm."""
import pandas as pd
import pytest

from iness.analysis import waves


def _matches(carried):
    return pd.DataFrame({"entity": "project", "wave_from": 2016, "id_from": carried,
                         "wave_to": 2017, "id_to": carried, "rule": "name", "score": 100.0})


def test_entrants_are_the_projects_with_no_earlier_match():
    ids = pd.Series(["a", "b", "c"])
    assert waves.is_entrant(ids, _matches(["a"]), 2017).tolist() == [False, True, True]


def test_compare_groups_gives_the_difference_and_an_interval_around_it():
    flags = pd.DataFrame({"x": [True] * 8 + [False] * 2 + [True] * 2 + [False] * 18})
    entrant = pd.Series([True] * 10 + [False] * 20)
    row = waves.compare_groups(flags, entrant, {"x": "X"}).iloc[0]
    assert (row.entrants, row.n_entrants, row.incumbents, row.n_incumbents) == (8, 10, 2, 20)
    assert row.difference == pytest.approx(0.8 - 0.1)
    assert row.ci_low < row.difference < row.ci_high and row.ci_low > 0
    assert len(waves.differing(waves.compare_groups(flags, entrant, {"x": "X"}))) == 1


def test_equal_groups_do_not_differ_and_holm_is_at_least_the_raw_p():
    flags = pd.DataFrame({"x": [True, False] * 10, "y": [True, True, False, False] * 5})
    entrant = pd.Series([True] * 4 + [False] * 16)
    table = waves.compare_groups(flags, entrant, {"x": "X", "y": "Y"})
    assert waves.differing(table).empty
    assert (table["p_holm"] >= table["p_value"]).all()

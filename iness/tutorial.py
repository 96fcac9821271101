"""Exercises of the students' tutorial (notebook 00): each answer is checked
against a value computed from the data, never typed in."""
from __future__ import annotations

from . import analysis, taxonomy
from .notebook import say


def expected_answers(survey) -> dict[int, object]:
    """The answer of each exercise, computed from the survey."""
    wave = survey.waves[0]
    projects = survey.projects[survey.projects["wave"] == wave]
    counts = analysis.count_by_target(survey.members("category"), survey.projects, "category")
    counts = counts[counts["wave"] == wave].set_index("target_id")
    talk = set(taxonomy.categories().query("in_talk")["category_id"])
    members = survey.members("category")
    in_any = members[(members["wave"] == wave) & members["target_id"].isin(talk)]
    return {
        1: len(projects),
        2: float(counts.loc["health", "share"]),
        3: int(in_any["entity_id"].nunique()),
        4: counts[counts["in_talk"]]["platforms"].idxmax(),
    }


def check(number: int, answer, survey):
    """Say whether an exercise's answer is right; ``None`` means not tried yet.
    A wrong answer fails the cell (an ``AssertionError`` with a hint)."""
    if answer is None:
        return say(f"Exercise {number}: not answered yet (the solution is at the end).")
    expected = expected_answers(survey)[number]
    if isinstance(expected, float):
        assert abs(float(answer) - expected) < 0.001, \
            f"Exercise {number}: {answer!r} is not right; a share is a number between 0 and 1"
    else:
        assert answer == expected, f"Exercise {number}: {answer!r} is not right; try again"
    return say(f"Exercise {number}: correct.")

"""Exercises of the students' tutorial (notebook 00): each answer is checked
against a value computed from the data, never typed in."""
from __future__ import annotations

from iness import analysis
from iness.reference import taxonomy
from iness.i18n import label as text
from iness.notebook import say


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
    """Say whether an exercise's answer is right, in the language set; ``None``
    means not tried yet. A wrong answer fails the cell (an ``AssertionError``
    with a hint)."""
    if answer is None:
        return say(text("tutorial_not_answered").format(number=number))
    expected = expected_answers(survey)[number]
    if isinstance(expected, float):
        assert abs(float(answer) - expected) < 0.001, \
            text("tutorial_wrong_share").format(number=number, answer=repr(answer))
    else:
        assert answer == expected, text("tutorial_wrong").format(number=number,
                                                                  answer=repr(answer))
    return say(text("tutorial_correct").format(number=number))

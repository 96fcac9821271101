"""The explorer's filters and the tutorial's checks, on the shipped example survey."""
import matplotlib
import pytest

import iness
from iness import tutorial
from iness.notebook import explore
from iness.pipeline import own_survey


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    folder = tmp_path_factory.mktemp("example")
    iness.build_survey(own_survey.EXAMPLE_SURVEY, folder)
    return iness.survey(folder)


def test_filters_combine(example):
    french = explore.filter_platforms(example, country="FR")
    french_health = explore.filter_platforms(example, category="health", country="FR")
    assert 0 < len(french_health) < len(french) < len(example.projects)
    assert set(french_health["project_name"]) <= set(french["project_name"])
    assert set(french["country_code"]) == {"FR"}
    grassroots = explore.filter_platforms(example, org_type="grassroots")
    assert "Open Food Facts" in set(grassroots["project_name"])


def test_filtered_figure_names_the_filter(example):
    fig = explore.filtered_figure(example, "activity", country="FR", lang="en")
    assert isinstance(fig, matplotlib.figure.Figure)
    title = fig.axes[0].get_title(loc="left")
    assert title.endswith("\nFrance") and "n 2024 = " in title


def test_explorer_offers_the_data_choices(example):
    choices = explore.options(example)
    assert choices["category"][0] == ("(all)", None) and ("Health", "health") in choices["category"]
    assert ("France", "FR") in choices["country"]
    assert "grassroots" in dict(choices["org_type"]).values()


def test_explorer_menus_start_unfiltered_and_redraw_in_place(example):
    box = explore.explorer(example, "category", "test_explorer")
    menus = box.children
    assert [menu.value for menu in menus] == [None, None, None]
    assert menus[0].label == "(all)"
    menus[1].value = "FR"           # redraws through the display handle, no error


def test_tutorial_checks_answers_against_the_data(example):
    answers = tutorial.expected_answers(example)
    assert answers[1] == len(example.projects) == 43    # the example's 43 platforms
    assert "not answered" in repr(tutorial.check(1, None, example))
    assert "correct" in repr(tutorial.check(1, 43, example))
    with pytest.raises(AssertionError, match="Exercise 1"):
        tutorial.check(1, 42, example)
    with pytest.raises(AssertionError, match="between 0 and 1"):
        tutorial.check(2, answers[2] * 100, example)

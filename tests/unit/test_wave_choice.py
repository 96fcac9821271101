"""The wave a notebook analyses in detail and the sentence that says so (issue 21, item 6)."""
from types import SimpleNamespace

import pandas as pd
import pytest

from iness.analysis import wave_choice
from iness.errors import InessError


def own_survey(waves):
    """A survey that is not DSI4EU: its projects come from a researcher's file."""
    projects = pd.DataFrame({"source_file": ["mine.csv"] * len(waves), "wave": list(waves)})
    return SimpleNamespace(waves=tuple(waves), projects=projects)


def test_an_own_survey_is_analysed_in_its_latest_wave_unless_another_is_asked():
    survey = own_survey([2020, 2022, 2024])
    assert wave_choice.analysed_wave(survey) == 2024
    assert wave_choice.analysed_wave(survey, 2022) == 2022


def test_a_wave_the_survey_lacks_is_a_one_line_error_naming_its_waves():
    with pytest.raises(InessError, match="wave 2019 is not in the survey; its waves are 2020, 2022"):
        wave_choice.analysed_wave(own_survey([2020, 2022]), 2019)


def test_the_sentence_names_the_wave_why_and_the_other_waves_in_both_languages():
    survey = own_survey([2020, 2022, 2024])
    latest = wave_choice.wave_sentence(survey, None, "en")
    assert "wave 2024, the survey's latest" in latest and "(2020, 2022)" in latest
    assert "2024" in wave_choice.wave_sentence(survey, 2024, "en")
    assert "latest" in wave_choice.wave_sentence(survey, 2024, "en")
    asked = wave_choice.wave_sentence(survey, 2020, "fr")
    assert "vague 2020, comme demandé" in asked and "2022, 2024" in asked
    assert "DSI4EU" not in latest + asked
    assert "one wave, 2021" in wave_choice.wave_sentence(own_survey([2021]), None, "en")


def test_dsi4eu_keeps_its_first_wave_and_says_why():
    import iness
    from iness.paths import processed_dir
    if not any(processed_dir().glob("projects.*")):
        pytest.skip("the DSI4EU tables are not built (iness build)")
    survey = iness.survey()
    assert wave_choice.analysed_wave(survey) == survey.waves[0]
    assert "DSI4EU's first" in wave_choice.wave_sentence(survey, None, "en")

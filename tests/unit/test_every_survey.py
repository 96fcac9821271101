"""Every notebook runs on every valid survey (issue 12): hypothesis generates
small surveys in the template (one wave or two, with or without organisations,
coordinates, descriptions, tags or declared codes, 1 to 8 platforms), iness
builds them, and each notebook's code cells run on them in this process (no
kernel, no nbval: what matters is that nothing raises)."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import iness
from iness import build

NAMES = ["Goteo", "Wikirate", "Open Food Facts", "Decidim", "Wheelmap.org", "Fairphone",
         "Mapillary", "Helpfreely"]
DESCRIPTIONS = ["Crowdfunding platform for civic projects with volunteers",
                "Open database of food products collected by volunteers",
                "Matching refugees with hosts in their city", ""]
COUNTRIES = ["France", "DE", "Royaume-Uni", "Democratic Republic of the Congo", ""]
AREAS = ["health and wellbeing", "education and skills; participation and democracy", ""]
CATEGORIES = ["civic_engagement", "finance; sharing", "Santé", "none", ""]
ACTIVITIES = ["matching", "crowdsourcing_crowdfunding; alerting", "none", ""]


@st.composite
def surveys(draw) -> pd.DataFrame:
    """A valid survey: required columns always, the others drawn in or out."""
    size = draw(st.integers(min_value=1, max_value=8))
    waves = draw(st.sampled_from([[2024], [2021, 2024]]))
    frame = pd.DataFrame({
        "platform_id": [f"P{i}" for i in range(size)],
        "platform_name": NAMES[:size],
        "wave": [str(waves[i % len(waves)]) for i in range(size)],
    })
    row = st.integers(min_value=0, max_value=100)
    pick = lambda values: [values[draw(row) % len(values)] for _ in range(size)]  # noqa: E731
    if draw(st.booleans()):
        frame["description"] = pick(DESCRIPTIONS)
    if draw(st.booleans()):
        frame["country"] = pick(COUNTRIES)
        if draw(st.booleans()):
            frame["latitude"] = [f"{45 + draw(row) / 20:.2f}" for _ in range(size)]
            frame["longitude"] = [f"{draw(row) / 10:.2f}" for _ in range(size)]
    if draw(st.booleans()):
        frame["organisation_name"] = pick(["Sozialhelden e.V.", "Platoniq", ""])
        frame["organisation_type"] = pick(["grassroots", "business", ""])
    if draw(st.booleans()):
        frame["areas"] = pick(AREAS)
    if draw(st.booleans()):
        frame["is_platform"] = pick(["true", "true", "false"])
        frame["categories"] = pick(CATEGORIES)
        frame["activities"] = [value if platform == "true" else "" for value, platform
                               in zip(pick(ACTIVITIES), frame["is_platform"])]
    return frame


@pytest.fixture(autouse=True)
def no_classifier(monkeypatch):
    """The DSI4EU classifier is left out (it is slow to fit and tested elsewhere)."""
    monkeypatch.setattr(build, "dsi4eu_projects", lambda: None)


@settings(max_examples=12, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(frame=surveys())
def test_every_notebook_runs_on_a_generated_survey(frame, run_notebooks):
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "survey.csv"
        frame.to_csv(source, index=False)
        folder = iness.build_survey(source, Path(scratch) / "tables")
        survey = iness.survey(folder)
        assert len(survey.projects) == len(frame)
        run_notebooks(folder, f"a survey of {len(frame)} platforms ({', '.join(frame.columns)})")

"""The tutorial's workbench walk-through on the shipped example survey: a
reproducible sample, the coders' sheets, the adjudication and PPI shares."""
import pytest

from iness.analysis import findings
from iness.notebook import tutorial


def test_sample_is_reproducible_and_seeded():
    assert tutorial.example_sample() == tutorial.example_sample()
    assert tutorial.example_sample(seed=1) != tutorial.example_sample()
    assert len(tutorial.example_sample(10)) == 10


def test_sheets_and_disagreements_come_from_the_two_coders():
    sample = tutorial.example_sample()
    sheets = tutorial.example_sheets(sample)
    assert all(sorted(sheet["unit_id"]) == sample for sheet in sheets.values())
    settled = tutorial.disagreements(sheets["a"], sheets["b"])
    assert len(settled) < len(sample)
    # a coder compared with herself has nothing to settle
    assert tutorial.disagreements(sheets["a"], sheets["a"]).empty


def test_ppi_on_the_whole_example_equals_reading_it_all():
    """With every unit read, the prediction-powered share is the read share."""
    every = sorted(findings.talk_placements().index)
    shares = tutorial.example_ppi(every).set_index(["framework", "target_id"])
    final = findings.coder_rows(findings.read_codings(findings.EXAMPLE_CODINGS))
    platforms = final[final["usable"].map(bool) & final["is_platform"].map(bool)]
    read = platforms["categories"].map(lambda found: "sharing" in found).mean()
    assert shares.loc[("category", "sharing"), "estimate"] == pytest.approx(read)


def test_workbench_answers_are_checked():
    answers = tutorial.workbench_answers()
    assert -1 <= answers[5] <= 1 and answers[6] >= 0 and 0 <= answers[7] <= 1

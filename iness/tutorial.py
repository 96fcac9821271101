"""Exercises of the students' tutorial (notebook 00): each answer is checked
against a value computed from the data, never typed in.

Exercises 1 to 4 are on the survey the notebook reads; 5 to 7 walk through the
coding workbench (:mod:`iness.coding.workbench`, the functions ``iness coding
sample`` and ``iness coding merge`` call) on the shipped example survey (the
talk's named examples) and its shipped filled sheets,
``iness/data/survey/example_coding/`` (a language model's two blind passes and
its adjudication, written by ``coding/example_sheets.py``).
"""
from __future__ import annotations

import functools
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from iness import analysis
from iness.analysis import findings
from iness.i18n import label as text
from iness.notebook import say
from iness.paths import PACKAGE_DATA, coding_dir
from iness.reference import taxonomy

#: the workbench walk-through: how many of the example's units are sampled, and the seed
SAMPLE_SIZE = 20
SEED = 2020


def reference_method(survey) -> str:
    """The method the tutorial counts categories by: 02's reference (the coding,
    else the survey's declaration), else the classifier."""
    return analysis.reference_method(survey, "category") or "classifier"


def overcounted_target(members: pd.DataFrame) -> str | None:
    """The target whose rows most exceed its distinct projects (a project
    reached by several tags), or None where no row repeats a project."""
    per_target = members.groupby("target_id").agg(rows=("entity_id", "size"),
                                                  projects=("entity_id", "nunique"))
    excess = per_target["rows"] - per_target["projects"]
    return excess.idxmax() if len(excess) and excess.max() > 0 else None


def expected_answers(survey) -> dict[int, object]:
    """The answer of exercises 1 to 4 on the survey, computed from it (5 to 7:
    :func:`workbench_answers`, on the example survey whatever the notebook reads)."""
    wave = survey.waves[0]
    projects = survey.projects[survey.projects["wave"] == wave]
    method = reference_method(survey)
    shares = analysis.multilabel_shares(survey, "category", method=method).set_index("target_id")
    talk = set(taxonomy.categories().query("in_talk")["category_id"])
    members = survey.members("category", method="crosswalk")
    in_any = members[(members["wave"] == wave) & members["target_id"].isin(talk)]
    return {
        1: len(projects),
        2: float(shares.loc["health", "share"]) if shares["n"].iloc[0] else float("nan"),
        3: int(in_any["entity_id"].nunique()),
        4: shares["platforms"].idxmax(),
    }


# --- the coding workbench on the example survey ------------------------------

#: the example survey's name (its folder under data/coding/ when the student keeps the files)
EXAMPLE_NAME = findings.EXAMPLE_SURVEY.stem
#: the shipped filled sheets of the tutorial's sample, and who filled them
EXAMPLE_SHEETS = PACKAGE_DATA / "survey" / "example_coding"
CODERS = ("a", "b")


def example_records():
    """The example survey's records, as ``iness survey`` and ``iness coding sample`` read them."""
    from iness.pipeline.clean.adapters import template
    from iness.pipeline.own_survey import DEFAULT_WAVE, checked_survey
    return template(checked_survey(findings.EXAMPLE_SURVEY), findings.EXAMPLE_SURVEY.name,
                    DEFAULT_WAVE)


@functools.lru_cache(maxsize=1)
def _units() -> pd.DataFrame:
    from iness.coding import workbench
    from iness.pipeline.clean.assemble import clean_survey
    # the clean projects are all a sample needs (the build's codes add no row)
    return workbench.coding_units(clean_survey(example_records())["projects"])


def example_units() -> pd.DataFrame:
    """The example survey's codable units (one per description), as
    ``iness coding sample`` finds them."""
    return _units().copy()


def example_sample(size: int = SAMPLE_SIZE, seed: int = SEED) -> pd.DataFrame:
    """``iness coding sample iness/data/survey/example_survey.csv --n SIZE --seed SEED``'s
    simple random sample (one row per unit, with the design's columns)."""
    from iness.coding import workbench
    return workbench.draw_sample(example_units(), size, None, seed)


def shipped_sheets() -> list[Path]:
    """The coders' filled sheets of the tutorial's sample, as shipped."""
    return [EXAMPLE_SHEETS / f"coding_{coder}.xlsx" for coder in CODERS]


def shipped_adjudication() -> Path:
    """The shipped adjudication sheet, its ``final`` column filled."""
    return EXAMPLE_SHEETS / "adjudication.xlsx"


#: the temporary folders handed out, removed when Python exits
_SCRATCH: list[tempfile.TemporaryDirectory] = []


def workbench_folder(keep: bool = False) -> Path:
    """Where the walk-through writes: a new temporary folder (removed when the
    kernel stops), or, only when the student asks to ``keep`` the files,
    ``data/coding/example_survey/`` (where ``iness survey`` reads the settled coding)."""
    if keep:
        return coding_dir(EXAMPLE_NAME)
    _SCRATCH.append(tempfile.TemporaryDirectory(prefix="iness-tutorial-",
                                                ignore_cleanup_errors=True))
    return Path(_SCRATCH[-1].name)


def write_sample(sample: pd.DataFrame, folder: Path) -> list[str]:
    """What ``iness coding sample`` writes (the design, the strata, one blind
    sheet per coder) into ``folder``; the names written, sorted."""
    from iness.coding import workbench
    files = workbench.sample_files(sample, list(CODERS), EXAMPLE_NAME, "en",
                                   strata=workbench.frame_strata(example_units()))
    workbench.write_files(folder, files, keep_edited=False)
    return sorted(files)


def merge(sample: pd.DataFrame, folder: Path, adjudicated: Path | None = None):
    """``iness coding merge`` of the shipped sheets (``--final adjudicated``
    when given): the :class:`iness.coding.workbench.Merged`, its files written
    into ``folder`` (a file the student edited there is kept)."""
    from iness.coding import workbench
    merged = workbench.merge_sheets(shipped_sheets(), adjudicated, sample)
    workbench.write_files(folder, workbench.merge_files(merged), keep_edited=True)
    return merged


@functools.lru_cache(maxsize=2)
def _settled_tables(codings: bytes, home: str) -> tuple[dict, object]:
    """(cached by the coding's bytes and the project home DSI4EU is read from)"""
    from iness.build import dsi4eu_projects, dsi4eu_quality, survey_tables
    from iness.store import codes
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "codings.csv"
        path.write_bytes(codings)
        own = codes.read_codings(path)
    training = dsi4eu_projects()
    return survey_tables(example_records(), training=lambda _: training, own=own,
                         reference=None if training is None else dsi4eu_quality())


def settled_survey(codings: Path) -> tuple[dict, object]:
    """The example survey's tables and measurement quality with the settled
    coding ``codings`` (a ``codings.csv`` merge wrote), as ``iness survey``
    builds them: the classifier trained on DSI4EU's coding and the survey's
    coded units, measured on those units out of fold (none where DSI4EU is
    not built)."""
    from iness.paths import processed_dir
    return _settled_tables(Path(codings).read_bytes(), str(processed_dir()))


def example_shares(tables: dict, sample: pd.DataFrame) -> pd.DataFrame:
    """Every share of the whole example survey: prediction-powered (the settled
    sample corrects the classifier) beside the sample alone and the classifier alone."""
    from iness.analysis import ppi
    units = ppi.survey_units(tables["codes"], tables["projects"], sample)
    return ppi.share_table(units, ppi.checked_design(units, sample))


@dataclass
class Walkthrough:
    """Every step's result: the sample, the merge, the settled merge, the shares."""
    sample: pd.DataFrame
    merged: object
    settled: object
    shares: pd.DataFrame


def walk(folder: Path) -> Walkthrough:
    """sample -> merge -> merge --final -> shares, writing into ``folder``."""
    sample = example_sample()
    write_sample(sample, folder)
    merged = merge(sample, folder)
    settled = merge(sample, folder, shipped_adjudication())
    tables, _ = settled_survey(folder / "codings.csv")
    return Walkthrough(sample, merged, settled, example_shares(tables, sample))


@functools.lru_cache(maxsize=1)
def walkthrough() -> Walkthrough:
    """The whole walk-through, done once in a temporary folder (removed)."""
    with tempfile.TemporaryDirectory(prefix="iness-tutorial-") as scratch:
        return walk(Path(scratch))


def pooled_alpha(reliability: pd.DataFrame, variable: str = "categories") -> float:
    """Krippendorff's alpha of a variable, every target pooled (a single-valued
    variable has one row)."""
    rows = reliability[(reliability["variable"] == variable)
                       & reliability["target"].isin(["", "all"])]
    return float(rows["alpha"].iloc[0])


def workbench_answers() -> dict[int, object]:
    """Exercises 5 to 7: Krippendorff's alpha of the two coders on the
    categories (all targets pooled, 2 decimals), how many sampled units the
    adjudication had to settle, and the prediction-powered share of sharing
    platforms in the whole example survey (3 decimals)."""
    done = walkthrough()
    sharing = done.shares.set_index(["framework", "target_id"]).loc[("category", "sharing")]
    return {5: round(pooled_alpha(done.merged.reliability), 2),
            6: int(done.merged.disagreements["unit_id"].nunique()),
            7: round(float(sharing["estimate"]), 3)}


def check(number: int, answer, survey):
    """Say whether an exercise's answer is right, in the language set; ``None``
    means not tried yet. A wrong answer fails the cell (an ``AssertionError``
    with a hint)."""
    if answer is None:
        return say(text("tutorial_not_answered").format(number=number))
    expected = (expected_answers(survey) if number <= 4 else workbench_answers())[number]
    if isinstance(expected, float):
        tolerance = 0.01 if number == 5 else 0.001
        assert abs(float(answer) - expected) < tolerance, \
            text("tutorial_wrong_share").format(number=number, answer=repr(answer))
    else:
        assert answer == expected, text("tutorial_wrong").format(number=number,
                                                                  answer=repr(answer))
    return say(text("tutorial_correct").format(number=number))

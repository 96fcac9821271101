"""One adapter per source: it turns the source's raw records into the same
per-wave record frames (``organisations``, ``projects``, ``links``, ``tags``,
every row with ``source_file`` and ``source_row``) and says what the shared
pipeline (:func:`iness.pipeline.clean.assemble.clean_survey`) must know of the source.
Everything after the adapter is the same for every survey.

- :func:`dsi4eu`: the DSI4EU 2016 CSV export and 2017 JSON dump (:mod:`.waves`);
- :func:`template`: a researcher's survey in the project's template, any
  number of waves (:mod:`.template`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, NamedTuple

import pandas as pd

from iness.pipeline.clean import template as survey_template
from iness.pipeline.clean import waves as dsi4eu_waves


class SourceFile(NamedTuple):
    """A raw file: the entity its rows are (each row must be in the ledger once
    as that entity), how many rows it has and, when they are not numbered 1 to
    ``rows``, their numbers (a spreadsheet's: the header is row 1, empty rows
    are skipped)."""
    entity: str
    rows: int
    numbers: tuple[int, ...] | None = None

    def row_numbers(self) -> set[int]:
        return set(self.numbers) if self.numbers is not None else set(range(1, self.rows + 1))


@dataclass(frozen=True)
class Records:
    """What an adapter hands the shared pipeline."""
    #: year -> record frames of that wave, or a function making them (then the
    #: pipeline extracts one wave at a time and keeps only its clean tables)
    waves: dict[int, dict[str, pd.DataFrame] | Callable[[], dict[str, pd.DataFrame]]]
    #: every raw file (its name as ``source_file`` says it) and what its rows are
    files: dict[str, SourceFile]
    #: one id in two waves is one record: waves are matched by id first
    stable_ids: bool
    #: records of a wave with the same compact name (organisations: or website)
    #: are one record, merged
    merge_duplicates: bool
    #: entities whose records are derived from another entity's rows, not raw
    #: rows: they get no ledger rows of their own
    derived: frozenset = frozenset()
    #: year -> why a repeated link is merged in that wave (else the default)
    repeated_link_reasons: dict[int, str] = field(default_factory=dict)
    #: codes the source declares (rows of the ``codes`` table), or None
    codes: pd.DataFrame | None = None


def dsi4eu(raw: dict[str, pd.DataFrame]) -> Records:
    """DSI4EU from its five raw frames (keyed by registry name). Its 2017 ids
    are not its 2016 ones, and it holds duplicate records to merge."""
    w = dsi4eu_waves
    files = {w.ORGS_2016: "organisation", w.PROJECTS_2016: "project", w.LINKS_2016: "link",
             w.ORGS_2017: "organisation", w.PROJECTS_2017: "project"}
    return Records(
        waves={2016: lambda: w.extract_wave2016(raw[w.ORGS_2016], raw[w.PROJECTS_2016],
                                                raw[w.LINKS_2016]),
               2017: lambda: w.extract_wave2017(raw[w.ORGS_2017], raw[w.PROJECTS_2017])},
        files={name: SourceFile(entity, len(raw[name])) for name, entity in files.items()},
        stable_ids=False, merge_duplicates=True,
        # 2017 lists each link on both of its sides
        repeated_link_reasons={2017: "link listed again on its other side"})


def template(frame: pd.DataFrame, source: str, default_wave: int) -> Records:
    """A researcher's survey from its checked template frame (index: the rows as
    a spreadsheet numbers them, which the ledger keeps). Its rows are projects
    whose ids are unique in a wave and stable across waves: two ids are two
    platforms, even of one name, so nothing is merged; organisations and links
    are derived from the rows."""
    from iness.pipeline.declared import declared_codes
    columns = survey_template.template_columns()["column"]
    frame = frame.assign(**{column: "" for column in columns if column not in frame})
    # rows keep the numbers the spreadsheet shows, as the problems reported name them
    rows = frame.rename_axis("source_row")
    waves = survey_template.extract_waves(rows, source, default_wave)
    wave = survey_template.waves_of(rows, default_wave)
    return Records(
        waves=waves, files={source: SourceFile("project", len(frame),
                                               tuple(int(row) for row in frame.index))},
        stable_ids=True, merge_duplicates=False,
        derived=frozenset({"organisation", "link"}),
        codes=declared_codes(frame, rows["platform_id"].str.strip(), wave, source,
                             frame.index.to_numpy()))

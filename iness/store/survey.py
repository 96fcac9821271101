"""``iness.survey()``: the clean tables of one survey, with their memberships."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from iness.store import codes as code_table
from iness.reference import taxonomy
from iness.frames import semi_join
from iness.store.tables import load_all

#: tables a build writes beside the clean ones and the codes: how good the
#: methods are on this survey (:mod:`iness.coding.measure`)
MEASUREMENT_TABLES = ("classifier_quality", "declared_agreement")


@dataclass
class Survey:
    """The clean tables (suspect records left out unless asked) and the talk's
    frameworks joined to them. ``platforms`` are the projects."""
    organisations: pd.DataFrame
    projects: pd.DataFrame
    links: pd.DataFrame
    tags: pd.DataFrame
    ledger: pd.DataFrame
    wave_matches: pd.DataFrame
    codes: pd.DataFrame
    waves: tuple | None = None
    #: the classifier's scores, on this survey's coded units and on DSI4EU's
    classifier_quality: pd.DataFrame | None = None
    #: declared codes against the coding by reading, per framework
    declared_agreement: pd.DataFrame | None = None

    def __post_init__(self):
        if self.waves is None:  # the years its projects hold
            self.waves = waves_of(self.projects)
        for name in MEASUREMENT_TABLES:
            if getattr(self, name) is None:  # tables made by hand: nothing measured
                setattr(self, name, empty_table(name))

    @cached_property
    def memberships(self) -> pd.DataFrame:
        """Memberships of every framework, each platform by its best method."""
        frameworks = [*code_table.CODED_FRAMEWORKS, *taxonomy.FRAMEWORKS]
        return pd.concat([self.members(name) for name in dict.fromkeys(frameworks)],
                         ignore_index=True)

    def members(self, framework: str, method: str | None = None) -> pd.DataFrame:
        """Long memberships of one framework (entity, entity_id, wave, target_id,
        subcategory_id, via_facet, via_tag, framework, method, confidence).

        By default each platform is measured by the best method available for
        it: ``coded``, then ``declared``, ``classifier``, ``crosswalk``;
        ``method=`` asks for one. A platform measured with no target has no row:
        use :meth:`measured` for the denominator."""
        return code_table.as_memberships(code_table.select(self.codes, framework, method))

    def measured(self, framework: str, method: str | None = None) -> pd.DataFrame:
        """wave, entity_id and method of every platform measured for
        ``framework``: the denominator of its shares."""
        return code_table.measured_platforms(self.codes, framework, method)

    @property
    def platforms(self) -> pd.DataFrame:
        """wave, project_id and project_name of every platform."""
        return self.projects[["wave", "project_id", "project_name"]]


def survey(folder: Path | str | None = None, include_suspect: bool = False) -> Survey:
    """Load every clean table of a built survey (DSI4EU by default, or a folder
    written by ``iness build`` or :func:`iness.read_survey`)."""
    tables = load_all(folder, include_suspect)
    if not include_suspect:
        tables["wave_matches"] = clean_matches(tables)
    return Survey(**tables, **measurement_tables(folder))


def measurement_tables(folder: Path | str | None = None) -> dict[str, pd.DataFrame]:
    """The :data:`MEASUREMENT_TABLES` of a built survey (DSI4EU by default)."""
    from iness.paths import processed_dir
    from iness.store.tables import _read
    return {name: _read(name, Path(folder or processed_dir())) for name in MEASUREMENT_TABLES}


def empty_table(name: str) -> pd.DataFrame:
    """A table of the dictionary with its columns and no row."""
    from iness.reference.dictionary import table_columns
    return pd.DataFrame({column: pd.Series(dtype=object) for column in table_columns(name)})


def waves_of(projects: pd.DataFrame) -> tuple:
    """The survey years its projects hold, in order."""
    return tuple(sorted(projects["wave"].unique().tolist()))


def clean_matches(tables: dict) -> pd.DataFrame:
    """Wave matches whose two records are both in the (non-suspect) tables."""
    matches = tables["wave_matches"]
    keep = []
    for entity, table, id_column in (("organisation", tables["organisations"], "org_id"),
                                     ("project", tables["projects"], "project_id")):
        pairs = matches[matches["entity"] == entity]
        for side in ("from", "to"):
            records = table[["wave", id_column]].set_axis([f"wave_{side}", f"id_{side}"],
                                                          axis=1)
            pairs = semi_join(pairs, records, [f"wave_{side}", f"id_{side}"])
        keep.append(pairs)
    return pd.concat(keep, ignore_index=True)

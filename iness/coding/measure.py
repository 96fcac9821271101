"""Measure the talk's frameworks on a survey: the ``codes`` table, and how good
each method is.

:func:`add_codes` takes the clean tables of a survey and returns them with a
``codes`` table (coded, declared, classifier and crosswalk rows; see
:mod:`iness.store.codes`) and three project columns: ``is_platform``,
``primary_category`` and ``coding_status``. :func:`quality` measures the
methods: the intercoder reliability of the coding, the classifier's
cross-validated scores, and the crosswalk's agreement with the coding before
and after its revision.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from iness.coding import classifier, reliability
from iness.reference import codebook, taxonomy
from iness.store import codes
from iness.frames import semi_join

#: frameworks whose crosswalk is compared with the coding
COMPARED = ("category", "activity")
#: fewest coded units the classifier is trained on (else no classifier rows)
MIN_TRAINING_UNITS = 100


@dataclass
class Quality:
    intercoder: pd.DataFrame
    classifier_cv: pd.DataFrame
    crosswalk_before: pd.DataFrame = field(default_factory=pd.DataFrame)
    crosswalk_after: pd.DataFrame = field(default_factory=pd.DataFrame)
    status: pd.Series = field(default_factory=pd.Series)

    @property
    def text(self) -> str:
        """What ``iness build`` prints."""
        lines = ["Coding of DSI4EU (codebook version " + codebook.version() + "):"]
        lines.append("  projects by coding status: " + ", ".join(
            f"{name} {count}" for name, count in self.status.items()))
        lines.append("  intercoder reliability (two independent codings):")
        for row in self.intercoder.itertuples():
            if row.target in ("", "all"):
                name = row.variable + (" (pooled over targets)" if row.target == "all" else "")
                lines.append(f"    {name:<36} n={row.n:<5} alpha={row.alpha:.2f} "
                             f"kappa={row.kappa:.2f} agreement={row.agreement:.1%}")
        if not self.classifier_cv.empty:
            lines.append(f"  classifier, {classifier.FOLDS}-fold cross-validated F1 on coded "
                         "units:")
            lines.append("    " + ", ".join(f"{r.target} {r.f1:.2f}"
                                           for r in self.classifier_cv.itertuples()))
        for label, table in (("before", self.crosswalk_before), ("after", self.crosswalk_after)):
            if table.empty:
                continue
            micro = table[table["target"] == "all"].set_index("framework")
            lines.append(f"  crosswalk against the coding, {label} revision: " + "; ".join(
                f"{framework} micro-F1 {row.f1:.2f} (precision {row.precision:.2f}, "
                f"recall {row.recall:.2f})" for framework, row in micro.iterrows()))
        return "\n".join(lines)


def genuine(tables: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Non-suspect projects and their tags."""
    projects = tables["projects"]
    projects = projects[~projects["is_suspect"]]
    tags = tables["tags"]
    tags = semi_join(tags[tags["entity"] == "project"], projects[["wave", "project_id"]],
                     ["wave", "entity_id"])
    return projects, tags


def classifier_codes(projects: pd.DataFrame, coding: pd.DataFrame,
                     training: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Classifier rows for ``projects`` and the cross-validated scores.

    Coded units get their out-of-fold prediction; descriptions no coder read get
    the prediction of a model fitted on every coded unit; texts the coders
    found unusable, and projects without description, get none."""
    texts = None if training is None else classifier.unit_texts(training)
    if texts is None or texts["unit_id"].isin(coding["unit_id"]).sum() < MIN_TRAINING_UNITS:
        return pd.DataFrame(columns=codes.CODES_COLUMNS), pd.DataFrame()
    units = codebook.coding_units(projects)
    status = codes.coding_status(projects, coding)
    fresh = units[(status == "not_coded").to_numpy()]
    predicted, scores = [], pd.DataFrame()
    training = _training_set(texts, coding)
    # out-of-fold predictions (and the scores they give) only for surveys whose
    # texts were coded: a researcher's survey needs one fitted model, not the CV
    if units["unit_id"].isin(coding["unit_id"]).any():
        validation = classifier.cross_validate(texts, coding, with_model=not fresh.empty)
        predicted.append(validation.predictions)
        scores = validation.scores
        if validation.model is not None:
            _FITTED.setdefault(_digest(*training), validation.model)
    if not fresh.empty:
        model = fitted_model(*training)
        new_texts = classifier.unit_texts(projects)
        new_texts = new_texts[new_texts["unit_id"].isin(fresh["unit_id"])]
        predicted.append(model.predict(new_texts["text"].tolist())
                         .assign(unit_id=new_texts["unit_id"].to_numpy()))
    if not predicted:
        return pd.DataFrame(columns=codes.CODES_COLUMNS), scores
    rows = classifier.codes_from_predictions(pd.concat(predicted, ignore_index=True),
                                             units[["wave", "project_id", "unit_id"]])
    return rows, scores


#: models fitted in this process, by a digest of what they learnt from: every
#: researcher's survey read after DSI4EU's build learns from the same coding
_FITTED: dict[str, object] = {}


def _digest(texts: list[str], labels: pd.DataFrame) -> str:
    """What a model learns from, as a key of :data:`_FITTED`."""
    import hashlib
    return hashlib.sha256("\x1f".join(texts).encode("utf-8")
                          + pd.util.hash_pandas_object(labels, index=True).to_numpy()
                          .tobytes() + "|".join(labels.columns).encode("utf-8")).hexdigest()


def fitted_model(texts: list[str], labels: pd.DataFrame):
    """:func:`iness.coding.classifier.fit`, once per training set in a process."""
    digest = _digest(texts, labels)
    if digest not in _FITTED:
        _FITTED[digest] = classifier.fit(texts, labels)
    return _FITTED[digest]


def _training_set(texts: pd.DataFrame, coding: pd.DataFrame) -> tuple[list, pd.DataFrame]:
    labels = classifier.label_matrix(coding)
    data = labels.merge(texts, on="unit_id", how="inner")
    return data["text"].tolist(), data[labels.columns].reset_index(drop=True)


def crosswalk_quality(crosswalk_rows: pd.DataFrame, coded_rows: pd.DataFrame
                      ) -> pd.DataFrame:
    """Precision, recall and F1 of the crosswalk against the coding, for
    categories (all usable coded projects) and activities (coded platforms)."""
    parts = []
    for framework in COMPARED:
        reference = coded_rows[coded_rows["framework"] == framework]
        predicted = crosswalk_rows[crosswalk_rows["framework"] == framework]
        # a coded project the crosswalk gives nothing was still measured by it
        measured = reference[["wave", "entity_id"]].drop_duplicates()
        predicted = pd.concat([predicted, measured.assign(target_id=codes.NONE)])
        targets = codebook.allowed("categories" if framework == "category" else "activities")
        parts.append(reliability.method_agreement(predicted, reference, targets)
                     .assign(framework=framework))
    return pd.concat(parts, ignore_index=True)


def precision_by_target(table: pd.DataFrame) -> dict[tuple[str, str], float]:
    return {(row.framework, row.target): row.precision for row in table.itertuples()
            if row.target != "all" and row.precision == row.precision}


def declared_codes(tables: dict, projects: pd.DataFrame) -> pd.DataFrame:
    """The ``declared`` rows a survey brought in its ``codes`` table (see
    :mod:`iness.pipeline.declared`), for its non-suspect ``projects``."""
    found = tables.get("codes")
    if found is None or found.empty:
        return pd.DataFrame(columns=codes.CODES_COLUMNS)
    found = found[found["method"] == "declared"]
    return semi_join(found, projects[["wave", "project_id"]].rename(
        columns={"project_id": "entity_id"}), ["wave", "entity_id"])[codes.CODES_COLUMNS]


def add_codes(tables: dict, training: pd.DataFrame | None = None,
              coding: pd.DataFrame | None = None) -> tuple[dict, Quality]:
    """The tables with ``codes`` and the three project columns, and the quality
    of each method. ``training`` holds the projects the coding was made on
    (DSI4EU's); without it no classifier rows are made. The ``declared`` rows
    of a ``codes`` table already in ``tables`` (a survey's own codes) are kept."""
    coding = codes.final_codings() if coding is None else coding
    projects, tags = genuine(tables)
    coded_rows = codes.coded_codes(projects, coding)
    declared_rows = declared_codes(tables, projects)
    predicted_rows, cv_scores = classifier_codes(projects, coding, training)
    before = crosswalk_quality(
        codes.crosswalk_codes(tags, projects, table=taxonomy.crosswalk(include_dropped=True)),
        coded_rows)
    crosswalk_rows = codes.crosswalk_codes(tags, projects)
    after = crosswalk_quality(crosswalk_rows, coded_rows)
    crosswalk_rows = codes.with_precision(crosswalk_rows, precision_by_target(after))
    table = codes.tidy_codes([coded_rows, declared_rows, predicted_rows, crosswalk_rows])
    status = codes.coding_status(tables["projects"], coding)
    extra = codes.project_columns(tables["projects"], table)
    out = dict(tables)
    out["projects"] = pd.concat([tables["projects"], extra,
                                 status.astype(object).rename("coding_status")], axis=1)
    out["codes"] = table
    has_coding = not coded_rows.empty
    quality = Quality(
        intercoder=reliability.intercoder(codes.codings()),
        classifier_cv=cv_scores,
        crosswalk_before=before if has_coding else pd.DataFrame(),
        crosswalk_after=after if has_coding else pd.DataFrame(),
        status=status[~tables["projects"]["is_suspect"]].value_counts().sort_index())
    return out, quality

"""Measure the talk's frameworks on a survey: the ``codes`` table, and how good
each method is.

:func:`add_codes` takes the clean tables of a survey and returns them with a
``codes`` table (coded, declared, classifier and crosswalk rows; see
:mod:`iness.store.codes`) and three project columns: ``is_platform``,
``primary_category`` and ``coding_status``. :func:`quality` measures the
methods: the intercoder reliability of the coding, the classifier's
cross-validated scores, and the crosswalk's agreement with the coding before
and after its revision.

A researcher's survey with its own coding (:func:`survey_classifier_codes`)
gets the classifier measured on its own coded units, out of fold, and two
tables: ``classifier_quality`` (its scores on this survey, and DSI4EU's) and
``declared_agreement`` (declared codes against the coding).
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


def survey_classifier_codes(projects: pd.DataFrame, coding: pd.DataFrame,
                            training: pd.DataFrame | None, own: pd.DataFrame
                            ) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Classifier rows for a survey other than the one ``coding`` was made on
    (``training``'s projects), the scores on the survey's own coded units and
    the number of folds they were measured in.

    ``own`` is the survey's settled coding. Its usable coded units are split in
    folds: each fold is predicted by a model that learnt ``coding`` and the
    other folds, never the fold's own coding (``coding``'s rows for the same
    texts are left out too). Units no coder read get a model that learnt
    ``coding`` and every coded unit of the survey."""
    empty = pd.DataFrame(columns=codes.CODES_COLUMNS)
    texts = None if training is None else classifier.unit_texts(training)
    if texts is None or texts["unit_id"].isin(coding["unit_id"]).sum() < MIN_TRAINING_UNITS:
        return empty, pd.DataFrame(), 0
    units = codebook.coding_units(projects)
    status = codes.coding_status(projects, own)
    fresh = set(units.loc[(status == "not_coded").to_numpy(), "unit_id"])
    survey_texts = classifier.unit_texts(projects)
    usable = own.loc[own["usable"] == True, "unit_id"]  # noqa: E712  (nullable column)
    scored = survey_texts[survey_texts["unit_id"].isin(usable)]
    base = _training_set(texts, coding[~coding["unit_id"].isin(own["unit_id"])])
    predicted, scores, folds, model = [], pd.DataFrame(), 0, None
    if not scored.empty:
        validation = classifier.cross_validate(
            scored, own, with_model=bool(fresh),
            base=classifier.Training(read_once(base[0]), base[1]))
        predicted.append(validation.predictions)
        scores, folds, model = validation.scores, validation.folds, validation.model
    elif fresh:
        model = fitted_model(*base)
    if fresh:
        new_texts = survey_texts[survey_texts["unit_id"].isin(fresh)]
        predicted.append(model.predict(new_texts["text"].tolist())
                         .assign(unit_id=new_texts["unit_id"].to_numpy()))
    if not predicted:
        return empty, scores, folds
    rows = classifier.codes_from_predictions(pd.concat(predicted, ignore_index=True),
                                             units[["wave", "project_id", "unit_id"]])
    return rows, scores, folds


#: texts' n-grams read in this process, by a digest of the texts: every survey
#: read after DSI4EU's build learns from the same texts
_READ: dict[str, list] = {}


def read_once(texts: list[str]) -> list:
    """:func:`iness.coding.classifier.read`, once per list of texts in a process."""
    import hashlib
    digest = hashlib.sha256("\x1f".join(texts).encode("utf-8")).hexdigest()
    if digest not in _READ:
        _READ[digest] = classifier.read(texts)
    return _READ[digest]


#: the classifier_quality table's columns (``measured_on``: ``survey`` for the
#: survey's own coded units, ``dsi4eu`` for DSI4EU's coding)
QUALITY_COLUMNS = ["measured_on", "framework", "target", "folds", "n", "positives",
                   "precision", "recall", "f1", "accuracy"]


def quality_table(scores: pd.DataFrame, folds: int, measured_on: str = "survey"
                  ) -> pd.DataFrame:
    """Cross-validated scores (:func:`iness.coding.classifier.scores`) as rows
    of the ``classifier_quality`` table: framework and target apart, and the
    primary category's accuracy in its own column."""
    if scores.empty:
        return empty_quality()
    rows = []
    for row in scores.itertuples():
        if row.target.startswith("primary_category"):
            rows.append(("primary_category", "all", row.n, None, None, None, None, row.f1))
            continue
        framework, _, target = row.target.partition(":")
        rows.append((framework, target or "true", row.n, row.positives, row.precision,
                     row.recall, row.f1, None))
    frame = pd.DataFrame(rows, columns=["framework", "target", "n", "positives",
                                        "precision", "recall", "f1", "accuracy"])
    return tidy_quality(frame.assign(measured_on=measured_on, folds=folds))


def empty_quality() -> pd.DataFrame:
    return tidy_quality(pd.DataFrame(columns=QUALITY_COLUMNS))


def tidy_quality(frame: pd.DataFrame) -> pd.DataFrame:
    """The classifier_quality table's columns in order, with their dtypes."""
    out = frame[QUALITY_COLUMNS].copy()
    for column in ("measured_on", "framework", "target"):
        out[column] = out[column].astype(object)
    for column in ("folds", "n", "positives"):
        out[column] = pd.to_numeric(out[column]).astype("Int32")
    for column in ("precision", "recall", "f1", "accuracy"):
        out[column] = pd.to_numeric(out[column]).astype(float)
    return out.reset_index(drop=True)


def reference_quality(table: pd.DataFrame | None) -> pd.DataFrame:
    """DSI4EU's own scores (the rows its build measured on itself), as
    ``dsi4eu`` rows of another survey's classifier_quality table."""
    if table is None or table.empty:
        return empty_quality()
    own = table[table["measured_on"] == "survey"]
    return tidy_quality(own.assign(measured_on="dsi4eu"))


#: frameworks that can be both declared by a survey and coded by reading, and
#: whether a platform may have several targets
DECLARED_AND_CODED = {"is_platform": False, "primary_category": False, "category": True,
                      "activity": True, "resource": True}
AGREEMENT_COLUMNS = ["framework", "units", "comparisons", "agreement", "alpha"]


def declared_agreement(table: pd.DataFrame) -> pd.DataFrame:
    """How far a survey's ``declared`` codes agree with its ``coded`` ones, per
    framework, over the platforms measured both ways: percent agreement and
    Krippendorff's alpha (nominal; several-target frameworks as one yes/no per
    platform and codebook target, pooled). No row where no platform has both."""
    rows = []
    for framework, multi in DECLARED_AND_CODED.items():
        found = table[(table["framework"] == framework)
                      & table["method"].isin(["declared", "coded"])]
        sets = (found.groupby(["wave", "entity_id", "method"])["target_id"]
                .agg(lambda targets: frozenset(targets) - {codes.NONE}).unstack("method"))
        if not {"declared", "coded"} <= set(sets.columns):
            continue
        both = sets.dropna(subset=["declared", "coded"])
        if both.empty:
            continue
        if multi:
            targets = codebook.allowed(codes.CODED_FRAMEWORKS[framework])
            first = [int(t in said) for said in both["declared"] for t in targets]
            second = [int(t in said) for said in both["coded"] for t in targets]
        else:  # one target each: none, when measured with no target
            first = [min(said, default=codes.NONE) for said in both["declared"]]
            second = [min(said, default=codes.NONE) for said in both["coded"]]
        measured = reliability._row(framework, "", first, second)
        rows.append((framework, len(both), measured["n"], measured["agreement"],
                     measured["alpha"]))
    frame = pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
    frame["units"] = frame["units"].astype("Int32")
    frame["comparisons"] = frame["comparisons"].astype("Int32")
    for column in ("agreement", "alpha"):
        frame[column] = pd.to_numeric(frame[column]).astype(float).round(3)
    frame["framework"] = frame["framework"].astype(object)
    return frame


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
              coding: pd.DataFrame | None = None, own: pd.DataFrame | None = None,
              reference: pd.DataFrame | None = None) -> tuple[dict, Quality]:
    """The tables with ``codes``, the three project columns,
    ``classifier_quality`` and ``declared_agreement``, and the quality of each
    method. ``training`` holds the projects the coding was made on (DSI4EU's);
    without it no classifier rows are made. The ``declared`` rows of a
    ``codes`` table already in ``tables`` (a survey's own codes) are kept.

    ``own`` (a survey other than DSI4EU, even with no coding: an empty frame)
    is the survey's codings (:func:`iness.store.codes.read_codings`): its
    settled rows become ``coded`` codes, beside DSI4EU's for texts DSI4EU's
    coders read, and the classifier is measured on them out of fold
    (:func:`survey_classifier_codes`). ``reference`` is DSI4EU's
    classifier_quality table, kept as this survey's ``dsi4eu`` rows."""
    coding = codes.final_codings() if coding is None else coding
    projects, tags = genuine(tables)
    if own is None:  # DSI4EU itself: its coding, its cross-validation
        survey_coding, evidence = coding, None
        predicted_rows, cv_scores = classifier_codes(projects, coding, training)
        folds = classifier.FOLDS
    else:
        settled = codes.final_of(own)
        # texts of this survey DSI4EU's coders read are coded units of it too
        read_here = coding["unit_id"].isin(codebook.coding_units(tables["projects"])["unit_id"])
        survey_coding = pd.concat([settled, coding[read_here & ~coding["unit_id"].isin(
            settled["unit_id"])]], ignore_index=True)
        evidence = codes.coding_evidence(own)
        predicted_rows, cv_scores, folds = survey_classifier_codes(
            projects, coding, training, survey_coding)
    coded_rows = codes.coded_codes(projects, survey_coding, evidence=evidence)
    declared_rows = declared_codes(tables, projects)
    before = crosswalk_quality(
        codes.crosswalk_codes(tags, projects, table=taxonomy.crosswalk(include_dropped=True)),
        coded_rows)
    crosswalk_rows = codes.crosswalk_codes(tags, projects)
    after = crosswalk_quality(crosswalk_rows, coded_rows)
    crosswalk_rows = codes.with_precision(crosswalk_rows, precision_by_target(after))
    table = codes.tidy_codes([coded_rows, declared_rows, predicted_rows, crosswalk_rows])
    status = codes.coding_status(tables["projects"], survey_coding)
    extra = codes.project_columns(tables["projects"], table)
    out = dict(tables)
    out["projects"] = pd.concat([tables["projects"], extra,
                                 status.astype(object).rename("coding_status")], axis=1)
    out["codes"] = table
    out["classifier_quality"] = tidy_quality(pd.concat(
        [quality_table(cv_scores, folds),
         # DSI4EU's scores speak of this survey's classifier codes only where there are some
         reference_quality(None if predicted_rows.empty else reference)], ignore_index=True))
    out["declared_agreement"] = declared_agreement(table)
    has_coding = not coded_rows.empty
    quality = Quality(
        intercoder=reliability.intercoder(codes.codings()),
        classifier_cv=cv_scores,
        crosswalk_before=before if has_coding else pd.DataFrame(),
        crosswalk_after=after if has_coding else pd.DataFrame(),
        status=status[~tables["projects"]["is_suspect"]].value_counts().sort_index())
    return out, quality

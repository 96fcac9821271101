"""A text classifier for surveys nobody has coded, trained on the DSI4EU coding.

TF-IDF on word (1-2) and character (2-5, within word bounds) n-grams, so that
the seven languages of the descriptions share features, then one balanced
logistic regression per target (one-vs-rest). Targets: ``is_platform``, each
of the eight categories (the primary category is the most probable of them)
and, trained on platforms only, each of the five key activities. Resources and scope are not
predicted: the coding states them too rarely to learn them.

Every fit is seeded, and probabilities are rounded, so a rebuild writes the
same bytes. Its quality is measured by 5-fold cross-validation on the coded
units (:func:`cross_validate`); the out-of-fold predictions are what the
``codes`` table holds as ``classifier`` for DSI4EU, so that the agreement shown
between classifier and coding is never measured on training data.
"""
from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import KFold
from sklearn.pipeline import FeatureUnion
from threadpoolctl import threadpool_limits

from iness.reference import codebook
from iness.store.codes import CODES_COLUMNS, NONE, confidence_of

SEED = 0
FOLDS = 5
THRESHOLD = 0.5
INNER_FOLDS = 3
THRESHOLD_GRID = np.round(np.arange(0.1, 0.91, 0.05), 2)
#: fewest positive examples a binary target needs to be learned
MIN_POSITIVES = 5


def unit_texts(projects: pd.DataFrame) -> pd.DataFrame:
    """unit_id and the text a coder read (name, then description), one row per unit."""
    units = codebook.coding_units(projects)
    frame = pd.DataFrame({"unit_id": units["unit_id"].to_numpy(),
                          "text": (projects["project_name"].fillna("") + ". "
                                   + projects["description"].fillna("")).to_numpy()})
    return frame.dropna(subset=["unit_id"]).drop_duplicates("unit_id").reset_index(drop=True)


def label_matrix(coding: pd.DataFrame) -> pd.DataFrame:
    """One row per usable coded unit: is_platform, one 0/1 column per category
    and activity (activities missing for non-platforms) and primary_category."""
    usable = coding[coding["usable"] == True].reset_index(drop=True)  # noqa: E712
    labels = pd.DataFrame({"unit_id": usable["unit_id"],
                           "is_platform": usable["is_platform"].astype(int),
                           "primary_category": usable["primary_category"]})
    for category in codebook.allowed("categories"):
        labels[f"category:{category}"] = usable["categories"].map(lambda c: int(category in c))
    for activity in codebook.allowed("activities"):
        labels[f"activity:{activity}"] = [
            float(activity in acts) if platform else np.nan
            for acts, platform in zip(usable["activities"], usable["is_platform"])]
    return labels


#: how each half of the features reads a text: word (1-2) and character (2-5) n-grams
READING = {"words": {"analyzer": "word", "ngram_range": (1, 2), "strip_accents": "unicode"},
           "chars": {"analyzer": "char_wb", "ngram_range": (2, 5)}}
#: how each half weighs the n-grams read
WEIGHTING = {"words": {"min_df": 2, "sublinear_tf": True},
             "chars": {"min_df": 2, "sublinear_tf": True, "max_features": 60000}}


def read(texts: list[str]) -> list[tuple[list[str], list[str]]]:
    """Each text's word and character n-grams. Reading is most of a vectoriser's
    work, so a cross-validation reads every text once and its fits share them."""
    words, chars = (TfidfVectorizer(**READING[half]).build_analyzer()
                    for half in ("words", "chars"))
    return [(words(text), chars(text)) for text in texts]


def _vectoriser() -> FeatureUnion:
    """TF-IDF of texts already :func:`read`: the same features as vectorisers
    reading the texts themselves."""
    return FeatureUnion([
        (half, TfidfVectorizer(analyzer=itemgetter(position), **WEIGHTING[half]))
        for position, half in enumerate(("words", "chars"))])


def _binary_model() -> LogisticRegression:
    return LogisticRegression(C=4.0, class_weight="balanced", solver="liblinear",
                              random_state=SEED)


@dataclass
class Fitted:
    vectoriser: FeatureUnion
    models: dict  # target -> fitted model, or a constant probability
    thresholds: dict  # target -> probability from which a target is predicted

    def predict(self, texts: list[str]) -> pd.DataFrame:
        """Probabilities per binary target, and the primary category."""
        return self.predict_read(read(texts))

    def predict_read(self, documents: list) -> pd.DataFrame:
        """:meth:`predict` for texts already :func:`read`."""
        if not documents:
            return pd.DataFrame()
        return self.predict_features(self.vectoriser.transform(documents))

    def predict_features(self, features) -> pd.DataFrame:
        """:meth:`predict` for texts already turned into this model's features."""
        out = {}
        for target, model in self.models.items():
            if isinstance(model, float):
                out[target] = np.full(features.shape[0], model)
            else:
                out[target] = model.predict_proba(features)[:, 1]
        # rescale so that each target's own threshold sits at THRESHOLD
        out = pd.DataFrame({target: rescale(values, self.thresholds[target])
                            for target, values in out.items()})
        return out.assign(primary_category=primary_from(out))


def rescale(probability: np.ndarray, threshold: float) -> np.ndarray:
    """Map [0, threshold] to [0, 0.5] and [threshold, 1] to [0.5, 1] (monotone).

    >>> rescale(np.array([0.0, 0.2, 0.6, 1.0]), 0.2).round(2).tolist()
    [0.0, 0.5, 0.75, 1.0]
    """
    low = probability / threshold * THRESHOLD
    high = THRESHOLD + (probability - threshold) / (1 - threshold) * (1 - THRESHOLD)
    return np.where(probability < threshold, low, high)


def tuned_thresholds(documents: list, labels: pd.DataFrame) -> dict[str, float]:
    """Per target, the threshold that maximises F1 in an inner cross-validation
    of the training units (texts already :func:`read`; balanced logistic models
    rank well but are shy of predicting rare targets at 0.5)."""
    return thresholds_from(labels, lambda train, test: fit_read(
        _subset(documents, train), labels.iloc[train], tune=False
    ).predict_read(_subset(documents, test)))


def tuned_on_features(features, labels: pd.DataFrame) -> dict[str, float]:
    """:func:`tuned_thresholds` for units already turned into features (rows)."""
    return thresholds_from(labels, lambda train, test: fit_features(
        features[train], labels.iloc[train], tune=False).predict_features(features[test]))


def thresholds_from(labels: pd.DataFrame, fit_predict) -> dict[str, float]:
    """Per target, the threshold that maximises F1 over the predictions
    ``fit_predict(train, test)`` makes for each inner fold's held-out rows."""
    inner = KFold(n_splits=INNER_FOLDS, shuffle=True, random_state=SEED)
    targets = labels.columns.drop(["unit_id", "primary_category"])
    collected = pd.DataFrame(index=labels.index, columns=targets, dtype=float)
    for train, test in inner.split(labels):
        collected.iloc[test] = fit_predict(train, test)[targets].to_numpy()
    thresholds = {}
    for target in targets:
        known = labels[target].notna().to_numpy()
        truth = labels.loc[known, target].astype(int).to_numpy()
        scores = collected.loc[known, target].to_numpy()
        f1 = f1_at_cuts(truth, scores, THRESHOLD_GRID)
        thresholds[target] = float(THRESHOLD_GRID[int(np.argmax(f1))])
    return thresholds


def f1_at_cuts(truth: np.ndarray, scores: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """F1 of predicting ``scores >= cut``, for every cut at once; 0 where nothing
    is true or predicted. The same arithmetic as scikit-learn's binary F1 with
    ``zero_division=0``, so that ties between cuts fall the same way.

    >>> f1_at_cuts(np.array([1, 0, 1, 0]), np.array([0.9, 0.6, 0.4, 0.1]),
    ...            np.array([0.5, 0.95])).tolist()
    [0.5, 0.0]
    """
    guess = scores[:, None] >= cuts[None, :]
    true_positives = (guess & (truth[:, None] == 1)).sum(axis=0).astype(float)
    denominator = float((truth == 1).sum()) + guess.sum(axis=0).astype(float)
    safe = np.where(denominator > 0, denominator, 1.0)
    return np.where(denominator > 0, 2.0 * true_positives / safe, 0.0)


def _subset(documents: list, rows: np.ndarray) -> list:
    return [documents[row] for row in rows]


def fit(texts: list[str], labels: pd.DataFrame, tune: bool = True) -> Fitted:
    """Fit the vectoriser and one model per target on the given units; with
    ``tune``, each target's threshold comes from an inner cross-validation."""
    return fit_read(read(texts), labels, tune)


def fit_read(documents: list, labels: pd.DataFrame, tune: bool = True) -> Fitted:
    """:func:`fit` on texts already :func:`read`."""
    thresholds = (tuned_thresholds(documents, labels) if tune
                  else dict.fromkeys(labels.columns, THRESHOLD))
    vectoriser = _vectoriser()
    features = vectoriser.fit_transform(documents)
    return Fitted(vectoriser, fit_models(features, labels), thresholds)


def fit_features(features, labels: pd.DataFrame, tune: bool = True,
                 vectoriser: FeatureUnion | None = None) -> Fitted:
    """:func:`fit` on units already turned into features by ``vectoriser``
    (learnt from texts alone), one row per row of ``labels``."""
    thresholds = (tuned_on_features(features, labels) if tune
                  else dict.fromkeys(labels.columns, THRESHOLD))
    return Fitted(vectoriser, fit_models(features, labels), thresholds)


def fit_models(features, labels: pd.DataFrame) -> dict:
    """One model per target on the units whose target is known, or the share of
    positives for a target with too few of either to learn."""
    models: dict = {}
    # sorted once here rather than once per target: LogisticRegression sorts the
    # rows it is given (np.max on them) before liblinear reads them, the same order
    features = features.sorted_indices()
    # liblinear's solver calls BLAS on vectors as long as the vocabulary, where
    # OpenBLAS's threads cost more than they save (three times slower on two cores)
    with threadpool_limits(limits=1, user_api="blas"):
        for target in labels.columns.drop(["unit_id", "primary_category"]):
            known = labels[target].notna().to_numpy()
            y = labels.loc[known, target].astype(int).to_numpy()
            if y.sum() < MIN_POSITIVES or y.sum() == len(y):
                models[target] = float(y.mean()) if len(y) else 0.0  # too few to learn
                continue
            models[target] = _binary_model().fit(features[known], y)
    return models


def primary_from(probabilities: pd.DataFrame) -> np.ndarray:
    """The most probable category when it passes :data:`THRESHOLD`, else ``none``,
    so that the primary category is always one of the predicted categories."""
    columns = [f"category:{category}" for category in codebook.allowed("categories")]
    values = probabilities[columns].to_numpy()
    names = np.array(codebook.allowed("categories"), dtype=object)[values.argmax(axis=1)]
    return np.where(values.max(axis=1) >= THRESHOLD, names, NONE)


@dataclass
class CrossValidation:
    predictions: pd.DataFrame  # out-of-fold, one row per usable coded unit
    scores: pd.DataFrame  # per target, from the out-of-fold predictions
    model: Fitted | None  # fitted on every unit, when asked for
    folds: int = FOLDS  # how many folds the units were split into


@dataclass
class Training:
    """Units every model of a cross-validation learns from besides the folds'
    own (another survey's coding): texts already :func:`read`, and their
    :func:`label_matrix` rows in the same order."""
    documents: list
    labels: pd.DataFrame


def with_training(base: Training, documents: list, labels: pd.DataFrame
                  ) -> tuple[list, pd.DataFrame]:
    """The units a model learns from: ``base``'s, then these."""
    return base.documents + documents, pd.concat([base.labels, labels], ignore_index=True)


def fold_splits(count: int, folds: int = FOLDS) -> list[tuple[np.ndarray, np.ndarray]]:
    """(training, held-out) positions of ``count`` units in ``folds`` seeded
    folds (fewer when there are fewer units; one unit is held out alone)."""
    if count < 2:
        return [(np.arange(0), np.arange(count))]
    splitter = KFold(n_splits=min(folds, count), shuffle=True, random_state=SEED)
    return list(splitter.split(np.arange(count)))


#: what forked workers read instead of receiving it pickled (every text's n-grams
#: are large); set only while :func:`cross_validate` runs
_SHARED: dict = {}


def _fold_predictions(fold: tuple[np.ndarray, np.ndarray]) -> pd.DataFrame:
    """Worker: fit on a fold's training units, predict its test units."""
    documents, labels = _SHARED["documents"], _SHARED["labels"]
    train, test = fold
    model = fit_read(_subset(documents, train), labels.iloc[train])
    return model.predict_read(_subset(documents, test))


def _fold_on_features(fold: tuple[np.ndarray, np.ndarray]) -> pd.DataFrame:
    """Worker: fit on the base units and a fold's training units, predict its
    test units, all rows of one feature matrix (the base's rows first)."""
    features, labels, offset = _SHARED["features"], _SHARED["labels"], _SHARED["offset"]
    train, test = fold
    rows = np.concatenate([np.arange(offset), offset + train])
    model = fit_features(features[rows], labels.iloc[rows], vectoriser=_SHARED["vectoriser"])
    return model.predict_features(features[offset + test])


def cross_validate(texts: pd.DataFrame, coding: pd.DataFrame, with_model: bool = False,
                   base: Training | None = None, folds: int = FOLDS) -> CrossValidation:
    """Out-of-fold predictions for every usable coded unit, and the scores per
    target (n, positives, precision, recall, F1), from ``folds``-fold CV;
    ``with_model`` also fits the model on every unit (as :func:`fit` would).
    With ``base``, every model also learns from its units (never scored): a
    unit's prediction comes from a model that learnt ``base``'s and the other
    folds' codings, never the unit's own. The vectoriser (vocabulary and
    weights, learnt from texts alone, no coding) is then fitted once on every
    unit's text and shared by the folds, so that the folds cost model fits only.

    The folds run in forked worker processes, one per core, while this process
    runs the first fold and fits the whole model (three processes on two cores
    finish five folds sooner than two do): each fit is seeded, so the results
    do not depend on where it ran."""
    import os
    from concurrent.futures import ProcessPoolExecutor
    labels = label_matrix(coding)
    data = labels.merge(texts, on="unit_id", how="inner")
    labels = data[labels.columns]
    splits = fold_splits(len(data), folds)
    documents = read(data["text"].tolist())
    if base is None:
        _SHARED.update(documents=documents, labels=labels)
        worker = _fold_predictions
    else:
        every, every_labels = with_training(base, documents, labels)
        vectoriser = _vectoriser()
        _SHARED.update(features=vectoriser.fit_transform(every).tocsr(), labels=every_labels,
                       offset=len(base.documents), vectoriser=vectoriser)
        worker = _fold_on_features

    def whole() -> Fitted:
        """The model of every unit (``base``'s too)."""
        if base is None:
            return fit_read(documents, labels)
        return fit_features(_SHARED["features"], _SHARED["labels"],
                            vectoriser=_SHARED["vectoriser"])

    try:
        workers = min(len(splits), os.cpu_count() or 1)
        if workers > 1:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                pending = [pool.submit(worker, fold) for fold in splits[1:]]
                first = worker(splits[0])
                model = whole() if with_model else None
                predicted = [first] + [future.result() for future in pending]
        else:
            predicted = [worker(fold) for fold in splits]
            model = whole() if with_model else None
    finally:
        _SHARED.clear()
    oof = pd.concat([frame.assign(unit_id=data["unit_id"].iloc[test].to_numpy())
                     for frame, (_, test) in zip(predicted, splits)], ignore_index=True)
    oof = oof.set_index("unit_id").loc[data["unit_id"]].reset_index()
    return CrossValidation(oof, scores(labels, oof), model, len(splits))


def scores(labels: pd.DataFrame, predicted: pd.DataFrame) -> pd.DataFrame:
    """Precision, recall and F1 of each binary target at :data:`THRESHOLD`, and
    the accuracy of the primary category."""
    rows = []
    for target in labels.columns.drop(["unit_id", "primary_category"]):
        known = labels[target].notna().to_numpy()
        truth = labels.loc[known, target].astype(int).to_numpy()
        guess = (predicted.loc[known, target].to_numpy() >= THRESHOLD).astype(int)
        if not known.any():  # e.g. activities where no scored unit is a platform
            rows.append((target, 0, 0, np.nan, np.nan, np.nan))
            continue
        # not measurable (nothing true, or nothing predicted) is NaN, never 0
        precision, recall, f1, _ = precision_recall_fscore_support(
            truth, guess, average="binary", zero_division=np.nan)
        rows.append((target, int(known.sum()), int(truth.sum()), precision, recall, f1))
    frame = pd.DataFrame(rows, columns=["target", "n", "positives", "precision", "recall",
                                        "f1"])
    accuracy = float((labels["primary_category"].to_numpy()
                      == predicted["primary_category"].to_numpy()).mean())
    primary = pd.DataFrame([("primary_category (accuracy)", len(labels), np.nan, np.nan,
                             np.nan, accuracy)], columns=frame.columns)
    return pd.concat([frame, primary], ignore_index=True).round(3)


def codes_from_predictions(predicted: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """``classifier`` rows of the codes table for each project of ``units``
    (wave, project_id, unit_id) with a prediction."""
    joined = units.merge(predicted, on="unit_id", how="inner")
    rows = []
    categories = codebook.allowed("categories")
    activities = codebook.allowed("activities")

    def add(record, framework, target, score):
        rows.append({"entity_id": record["project_id"], "wave": record["wave"],
                     "framework": framework, "target_id": target, "subcategory_id": None,
                     "method": "classifier", "confidence": confidence_of(score),
                     "score": None if score is None else round(float(score), 3),
                     "evidence": "description"})

    for record in joined.to_dict("records"):
        platform = record["is_platform"] >= THRESHOLD
        add(record, "is_platform", str(platform).lower(),
            record["is_platform"] if platform else 1 - record["is_platform"])
        add(record, "primary_category", record["primary_category"], None)
        found = [c for c in categories if record[f"category:{c}"] >= THRESHOLD]
        for category in found:
            add(record, "category", category, record[f"category:{category}"])
        if not found:
            add(record, "category", NONE, None)
        if platform:
            found = [a for a in activities if record[f"activity:{a}"] >= THRESHOLD]
            for activity in found:
                add(record, "activity", activity, record[f"activity:{activity}"])
            if not found:
                add(record, "activity", NONE, None)
    return pd.DataFrame(rows, columns=CODES_COLUMNS)

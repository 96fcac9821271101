"""A typology of platforms, or none (notebook 07): latent class analysis of
their measured categories, key activities, resources and scope, tested
against data shuffled under the same margins.

- **Indicators** (:func:`indicator_table`): one 0/1 column per category,
  activity and resource (several per platform), one categorical column for the
  scope (one per platform), each platform by its best method (the coding, then
  the classifier, then the tag crosswalk); the tag-based scaling practices only
  when asked. :func:`screen` drops indicators held by too few or too many
  platforms and, of two near-duplicates (``|phi| >= DUPLICATE_PHI``), keeps one.
- **Model** (:func:`fit_classes`): a latent class model (Lazarsfeld and Henry,
  1968) fitted by ``stepmix`` with a categorical measurement model, for
  ``k = 1, 2, ...`` classes (at most ``MAX_CLASSES``; the search stops once
  ``PATIENCE`` successive k have not lowered the BIC); ``k = 1`` is the "no
  typology" model.
- **Criterion, fixed before looking** (:func:`choose`): the ``k`` with the lowest
  BIC found. The real data's gain ``BIC(1) - BIC(best k)`` must exceed the gain of
  every one of ``SHUFFLES`` copies of the data whose columns were permuted
  independently (same margins, no association): otherwise there is no typology.
- **Scale**: at most ``SAMPLE_CAP`` platforms are fitted (a fixed-seed sample);
  the others are assigned by the fitted model. Nothing is n x n.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from iness.reference import codebook, taxonomy
from iness.analysis import wilson_interval

#: framework of the codes table -> how its indicators are shaped
MULTI_LABEL = {"category": "categories", "activity": "activities", "resource": "resources"}
SINGLE_VALUED = {"scope": "scope"}
#: frameworks measured from the survey's tags only (the crosswalk)
TAG_FRAMEWORKS = ("practice",)
CODED_FRAMEWORKS = (*MULTI_LABEL, *SINGLE_VALUED)
#: an indicator held by fewer than this share of platforms, or by more than 1 minus it, is left out
RARE_SHARE = 0.05
#: two 0/1 indicators with |phi| at least this are near-duplicates: one is kept
DUPLICATE_PHI = 0.9
MAX_CLASSES = 8
#: the search over k stops once this many successive k have not lowered the BIC
PATIENCE = 2
SHUFFLES = 20
SAMPLE_CAP = 5000
#: fewer platforms than this and no model is fitted
MIN_PLATFORMS = 20
SEED = 0
#: a refit on a resample reproduces the partition when their adjusted Rand index is at least this
STABLE_RAND = 0.8
N_INIT = 2
MAX_ITER = 300
TOLERANCE = 1e-5   # on the average log-likelihood per platform


# --- indicators ---------------------------------------------------------------

def platform_ids(survey, wave: int) -> pd.Index:
    """Projects of ``wave`` that their best method says are platforms."""
    found = survey.members("is_platform")
    found = found[(found["wave"] == wave) & (found["target_id"] == "true")]
    return pd.Index(sorted(found["entity_id"].unique()), name="entity_id")


def indicator_table(survey, wave: int, frameworks=CODED_FRAMEWORKS
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The platforms of ``wave`` measured for every framework used, by indicator,
    and a table of where each indicator comes from (framework, methods, tags).

    Multi-label frameworks give one 0/1 column per target (``category:health``);
    single-valued ones one column of category names (``scope``). A framework no
    platform was measured for is left out (its row says so)."""
    ids = platform_ids(survey, wave)
    used, notes = [], []
    for framework in frameworks:
        measured = survey.measured(framework)
        measured = measured[(measured["wave"] == wave) & measured["entity_id"].isin(ids)]
        if measured.empty:
            notes.append({"framework": framework, "methods": "", "from_tags": False,
                          "platforms": 0, "used": False})
            continue
        methods = sorted(measured["method"].unique())
        notes.append({"framework": framework, "methods": ", ".join(methods),
                      "from_tags": "crosswalk" in methods, "platforms": len(measured),
                      "used": True})
        used.append((framework, pd.Index(measured["entity_id"].unique())))
    for _, measured_ids in used:
        ids = ids.intersection(measured_ids)
    columns = {}
    for framework, _ in used:
        found = survey.members(framework)
        found = found[(found["wave"] == wave) & found["entity_id"].isin(ids)]
        if framework in SINGLE_VALUED:
            columns[framework] = (found.drop_duplicates("entity_id").set_index("entity_id")
                                  ["target_id"].reindex(ids).astype(object))
            continue
        for target in _targets(framework):
            held = set(found.loc[found["target_id"] == target, "entity_id"])
            columns[f"{framework}:{target}"] = pd.Series(ids.isin(list(held)).astype(np.int8),
                                                         index=ids)
    table = pd.DataFrame(columns, index=ids)
    return table, pd.DataFrame(notes)


def _targets(framework: str) -> list[str]:
    if framework in MULTI_LABEL:
        return codebook.allowed(MULTI_LABEL[framework])
    return taxonomy.targets(framework)["target_id"].tolist()


def indicator_label(column: str, level: str | None = None, lang: str = "en") -> str:
    """A readable name for an indicator (``category:health`` -> "Category: Health"),
    or for one value of a categorical column (``scope``, ``local``)."""
    from iness.i18n import labels, label as text
    framework, _, target = column.partition(":")
    value = target or level
    if value is None:
        return text(framework, lang)
    if f"value_{framework}_{value}" in labels().index:   # short names of resources, scopes
        name = text(f"value_{framework}_{value}", lang)
    elif framework in MULTI_LABEL:
        name = codebook.value_label(MULTI_LABEL[framework], value, lang)
    elif framework in SINGLE_VALUED:
        name = codebook.value_label(SINGLE_VALUED[framework], value, lang)
    else:
        name = taxonomy.label_of(framework, lang).get(value, value)
    colon = "\u00a0: " if lang == "fr" else ": "
    return f"{text(framework, lang)}{colon}{name}"


def decision_word(decision: str, lang: str | None = None) -> str:
    """A decision of :func:`screen` as a reader sees it, in the language set (or
    ``lang``): ``labels.csv`` keys ``decision_*``; the indicator a near-duplicate
    duplicates keeps its id."""
    from iness.i18n import label as text
    from iness.i18n import num
    found = re.fullmatch(r"left out: near-duplicate of (\S+) \(phi (-?[0-9.]+)\)", decision)
    if found:
        return text("decision_near_duplicate_of", lang).format(
            twin=found.group(1), phi=num(float(found.group(2)), 2, lang=lang))
    keys = {"kept": "decision_kept", "left out: too rare": "decision_too_rare",
            "left out: saturated": "decision_saturated",
            "left out: near-duplicate": "decision_near_duplicate"}
    return text(keys[decision], lang) if decision in keys else decision


def class_name(number: int, lang: str | None = None) -> str:
    """The name of latent class ``number`` (1 for the largest) in the language set."""
    from iness.i18n import label as text
    return text("latent_class", lang).format(number=number)


def _categorical(values: pd.Series) -> bool:
    """A column of category names (``scope``), not 0/1."""
    return not pd.api.types.is_numeric_dtype(values)


def phi(binary: pd.DataFrame) -> pd.DataFrame:
    """Phi coefficients (Pearson correlation of 0/1 columns); p x p, never n x n.
    A constant column has no phi (NaN)."""
    values = binary.to_numpy(dtype=float)
    centred = values - values.mean(axis=0)
    spread = np.sqrt((centred ** 2).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        matrix = (centred.T @ centred) / np.outer(spread, spread)
    return pd.DataFrame(matrix, index=binary.columns, columns=binary.columns)


def screen(table: pd.DataFrame, from_tags: set[str] = frozenset(),
           rare: float = RARE_SHARE, duplicate: float = DUPLICATE_PHI) -> pd.DataFrame:
    """One row per indicator: its share of platforms (the commonest value for a
    categorical column), whether it comes from tags, and the decision.

    Rules, in order: held by fewer than ``rare`` of the platforms, or by more
    than ``1 - rare``: left out (too rare, saturated). Then, going through the
    indicators not from tags first and the commonest first, an indicator whose
    |phi| with one already kept is at least ``duplicate`` is left out as a
    near-duplicate of it."""
    rows = []
    for column in table.columns:
        values = table[column]
        if _categorical(values):
            share = float(values.value_counts(normalize=True).max()) if len(values) else 0.0
        else:
            share = float(values.mean()) if len(values) else 0.0
        framework = column.partition(":")[0]
        rows.append({"indicator": column, "framework": framework,
                     "from_tags": framework in from_tags, "share": round(share, 3),
                     "platforms": int(round(share * len(values))), "n": len(values)})
    out = pd.DataFrame(rows, columns=["indicator", "framework", "from_tags", "share",
                                      "platforms", "n"])
    decisions = {}
    for row in out.itertuples():
        categorical = _categorical(table[row.indicator])
        if not categorical and row.share < rare:
            decisions[row.indicator] = "left out: too rare"
        elif row.share > 1 - rare:
            decisions[row.indicator] = "left out: saturated"
    candidates = out[~out["indicator"].isin(decisions)
                     & (out["indicator"].map(lambda c: not _categorical(table[c])))]
    candidates = candidates.sort_values(["from_tags", "share", "indicator"],
                                        ascending=[True, False, True])
    coefficients = phi(table[candidates["indicator"].tolist()]) if len(candidates) else None
    kept: list[str] = []
    for column in candidates["indicator"]:
        twin = next((other for other in kept
                     if abs(coefficients.loc[column, other]) >= duplicate), None)
        if twin is None:
            kept.append(column)
        else:
            decisions[column] = (f"left out: near-duplicate of {twin} "
                                 f"(phi {coefficients.loc[column, twin]:.2f})")
    out["decision"] = [decisions.get(c, "kept") for c in out["indicator"]]
    return out


def top_pairs(table: pd.DataFrame, columns: list[str], top: int = 5) -> pd.DataFrame:
    """The ``top`` pairs of 0/1 indicators with the largest |phi|, to show the rule."""
    binary = [c for c in columns if not _categorical(table[c])]
    if len(binary) < 2:
        return pd.DataFrame(columns=["first", "second", "phi"])
    matrix = phi(table[binary])
    upper = np.triu(np.ones(matrix.shape, dtype=bool), k=1)
    pairs = matrix.where(upper).stack().dropna().rename("phi").reset_index()
    pairs.columns = ["first", "second", "phi"]
    pairs = pairs.assign(size=pairs["phi"].abs()).sort_values(
        ["size", "first", "second"], ascending=[False, True, True]).head(top)
    return pairs.drop(columns="size").assign(phi=lambda f: f["phi"].round(2)
                                             ).reset_index(drop=True)


def encode(table: pd.DataFrame) -> np.ndarray:
    """Integer codes 0, 1, ... per column (the categories of a categorical column
    in sorted order), as the latent class model takes them."""
    columns = []
    for column in table.columns:
        values = table[column]
        if _categorical(values):
            levels = sorted(values.unique())
            columns.append(values.map({v: i for i, v in enumerate(levels)}).to_numpy())
        else:
            columns.append(values.to_numpy())
    return np.column_stack(columns).astype(np.int64) if columns else \
        np.empty((len(table), 0), dtype=np.int64)


# --- the model ----------------------------------------------------------------

@dataclass
class Classes:
    """A fitted latent class model and the one-hot layout it was fitted on; its
    methods take integer codes like those it was fitted on."""
    model: object
    outcomes: int

    @property
    def n_components(self) -> int:
        return self.model.n_components

    def encoded(self, data: np.ndarray) -> np.ndarray:
        return one_hot(data, self.outcomes)[0]

    def predict(self, data: np.ndarray) -> np.ndarray:
        return self.model.predict(self.encoded(data))

    def bic(self, data: np.ndarray) -> float:
        return float(self.model.bic(self.encoded(data)))

    def log_likelihood(self, data: np.ndarray) -> float:
        return float(self.model.score(self.encoded(data))) * len(data)

    def entropy(self, data: np.ndarray) -> float:
        return float(self.model.entropy(self.encoded(data)))

    def relative_entropy(self, data: np.ndarray) -> float:
        return float(self.model.relative_entropy(self.encoded(data)))


def fit_classes(data: np.ndarray, k: int, seed: int = SEED, n_init: int = N_INIT) -> Classes:
    """A latent class model with ``k`` classes (stepmix, categorical measurement)
    on integer codes."""
    from stepmix.stepmix import StepMix
    encoded, outcomes, total = one_hot(data)
    model = StepMix(n_components=k, measurement="categorical", n_init=n_init,
                    random_state=seed, max_iter=MAX_ITER, abs_tol=TOLERANCE,
                    progress_bar=0, verbose=0,
                    measurement_params={"integer_codes": False, "max_n_outcomes": outcomes,
                                        "total_outcomes": total})
    with warnings.catch_warnings():
        # EM stopped by MAX_ITER is rare here and changes BIC little; no warning in the notebook
        warnings.simplefilter("ignore")
        model.fit(encoded)
    return Classes(model, outcomes)


def one_hot(data: np.ndarray, outcomes: int | None = None) -> tuple[np.ndarray, int, int]:
    """Integer codes as stepmix's padded one-hot layout (``outcomes`` columns per
    indicator), with the number of outcomes per column and in all. Encoding once
    per fit, not once per EM step, is what makes the fits fast."""
    levels = data.max(axis=0) + 1 if data.size else np.zeros(data.shape[1], dtype=int)
    outcomes = int(outcomes or max(2, int(levels.max(initial=1))))
    encoded = np.zeros((len(data), data.shape[1] * outcomes))
    rows = np.arange(len(data))
    for j in range(data.shape[1]):
        encoded[rows, j * outcomes + data[:, j]] = 1.0
    return encoded, outcomes, int(np.maximum(levels, 2).sum())


def criteria(data: np.ndarray, classes=range(1, MAX_CLASSES + 1), seed: int = SEED,
             n_init: int = N_INIT, patience: int = PATIENCE) -> pd.DataFrame:
    """For each number of classes, in increasing order: log-likelihood, free
    parameters, BIC, ICL (BIC plus twice the classification entropy), relative
    entropy (1 = crisp classes; undefined for one class) and the smallest class
    (modal assignment). The search stops once ``patience`` successive k have
    not lowered the lowest BIC found."""
    rows, lowest, worse = [], np.inf, 0
    for k in classes:
        if k > len(data) or worse >= patience:
            break
        model = fit_classes(data, k, seed, n_init)
        bic = model.bic(data)
        entropy = model.entropy(data) if k > 1 else 0.0
        labels = model.predict(data)
        rows.append({"classes": k, "log_likelihood": round(model.log_likelihood(data), 1),
                     "parameters": int(model.model.n_parameters), "bic": round(bic, 1),
                     "icl": round(bic + 2 * entropy, 1),
                     "relative_entropy": round(model.relative_entropy(data), 3)
                     if k > 1 else np.nan,
                     "smallest_class": int(np.bincount(labels, minlength=k).min())})
        worse = 0 if bic < lowest else worse + 1
        lowest = min(lowest, bic)
    return pd.DataFrame(rows)


def gain(table: pd.DataFrame) -> tuple[int, float]:
    """The k with the lowest BIC (the fewest classes on a tie), and how much
    lower its BIC is than the one-class model's."""
    best = table.sort_values(["bic", "classes"]).iloc[0]
    one = table.loc[table["classes"] == 1, "bic"].iloc[0]
    return int(best["classes"]), round(float(one - best["bic"]), 1)


def shuffle_columns(data: np.ndarray, seed: int) -> np.ndarray:
    """Each column permuted independently: same margins, no association."""
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.permutation(data[:, j]) for j in range(data.shape[1])])


def null_gains(data: np.ndarray, shuffles: int = SHUFFLES, seed: int = SEED,
               classes=range(1, MAX_CLASSES + 1), n_init: int = N_INIT) -> pd.DataFrame:
    """The same criterion on ``shuffles`` shuffled copies (seeds ``seed + 1 ..``):
    best k and BIC gain over one class, and each k's BIC minus the one-class BIC
    (missing where the search had stopped)."""
    rows = []
    for shuffle in range(1, shuffles + 1):
        table = criteria(shuffle_columns(data, seed + shuffle), classes, seed, n_init)
        best, amount = gain(table)
        one = table["bic"].iloc[0]
        rows.append({"shuffle": shuffle, "seed": seed + shuffle, "best_classes": best,
                     "gain": amount,
                     **{f"bic_{k}": round(b - one, 1) for k, b in
                        zip(table["classes"], table["bic"])}})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Verdict:
    """The outcome of the null comparison."""
    best_classes: int
    gain: float
    null_best_gain: float
    null_gains_zero: int     # shuffles whose best model is one class
    shuffles: int

    @property
    def typology(self) -> bool:
        """A typology exists when the best k has two classes or more and beats
        one class by more than every shuffled copy's best k does."""
        return self.best_classes >= 2 and self.gain > self.null_best_gain


def choose(real: pd.DataFrame, null: pd.DataFrame) -> Verdict:
    """Compare the real data's criterion with the shuffled copies'."""
    best, amount = gain(real)
    return Verdict(best, amount, float(null["gain"].max()),
                   int((null["best_classes"] == 1).sum()), len(null))


# --- scale and assignment -----------------------------------------------------

def sample_rows(rows: int, cap: int = SAMPLE_CAP, seed: int = SEED) -> np.ndarray:
    """Row positions to fit on: all when there are at most ``cap``, else a sorted
    random sample of ``cap`` (fixed seed)."""
    if rows <= cap:
        return np.arange(rows)
    return np.sort(np.random.default_rng(seed).choice(rows, size=cap, replace=False))


def enough_platforms(rows: int, minimum: int = MIN_PLATFORMS) -> bool:
    return rows >= minimum


@dataclass
class Typology:
    """The fitted criterion, the null comparison and, for the chosen k, the model
    and every platform's class (modal assignment; classes ordered by size)."""
    real: pd.DataFrame
    null: pd.DataFrame
    verdict: Verdict
    fitted_rows: int
    model: object
    classes: np.ndarray


#: typologies computed in this process, by a digest of their data and settings:
#: a kernel that runs notebook 07 for a second edition fits nothing again
_RUNS: dict[str, Typology] = {}


def run(data: np.ndarray, shuffles: int = SHUFFLES, cap: int = SAMPLE_CAP,
        seed: int = SEED, classes=range(1, MAX_CLASSES + 1), n_init: int = N_INIT
        ) -> Typology:
    """Criterion on a sample of at most ``cap`` platforms, the null comparison on
    the same sample, then every platform assigned by the chosen model (a copy
    of the one computed before, for the same data and settings)."""
    import copy
    import hashlib
    data = np.ascontiguousarray(data)
    key = hashlib.sha256(data.tobytes() + repr((data.shape, str(data.dtype), shuffles, cap,
                                                seed, tuple(classes), n_init)).encode()
                         ).hexdigest()
    if key not in _RUNS:
        _RUNS[key] = _run(data, shuffles, cap, seed, classes, n_init)
    return copy.deepcopy(_RUNS[key])


def _run(data: np.ndarray, shuffles: int, cap: int, seed: int, classes, n_init: int
         ) -> Typology:
    if len(data) < 2:
        raise ValueError(f"a latent class model needs at least 2 platforms, got {len(data)}")
    chosen = sample_rows(len(data), cap, seed)
    fitted = data[chosen]
    real = criteria(fitted, classes, seed, n_init)
    null = null_gains(fitted, shuffles, seed, classes, n_init)
    verdict = choose(real, null)
    model = fit_classes(fitted, verdict.best_classes, seed, n_init)
    labels = assign(model, data)
    return Typology(real, null, verdict, len(chosen), model, labels)


def assign(model, data: np.ndarray, chunk: int = 100_000) -> np.ndarray:
    """Each platform's most likely class, 0 for the largest class, 1 for the next...
    (computed in chunks: memory linear in the chunk, not in n squared)."""
    parts = [model.predict(data[start:start + chunk]) for start in range(0, len(data), chunk)]
    raw = np.concatenate(parts) if parts else np.empty(0, dtype=int)
    counts = np.bincount(raw, minlength=model.n_components)
    order = np.argsort(-counts, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[raw]


# --- describing classes -----------------------------------------------------------

def class_sizes(classes: np.ndarray) -> pd.DataFrame:
    """Platforms per class with its share of all platforms and 95 % interval."""
    counts = np.bincount(classes) if len(classes) else np.array([], dtype=int)
    table = pd.DataFrame({"class": [class_name(c + 1) for c in range(len(counts))],
                          "platforms": counts, "n": len(classes)})
    return _with_intervals(table)


def profiles(table: pd.DataFrame, classes: np.ndarray, lang: str = "en") -> pd.DataFrame:
    """For each class and indicator value (each 0/1 indicator's 1, each category of
    a categorical column), the share of the class's platforms holding it, with
    its 95 % interval and n (the class's size)."""
    rows = []
    for c in sorted(set(classes.tolist())):
        members = table[classes == c]
        for column in table.columns:
            values = members[column]
            levels = sorted(table[column].unique()) if _categorical(values) else [1]
            for level in levels:
                held = int((values == level).sum())
                label = indicator_label(column, level if _categorical(values) else None,
                                        lang)
                rows.append({"class": class_name(c + 1, lang), "indicator": column,
                             "value": level,
                             "label": label, "platforms": held, "n": len(members)})
    return _with_intervals(pd.DataFrame(rows))


def _with_intervals(table: pd.DataFrame) -> pd.DataFrame:
    bounds = [wilson_interval(k, n) for k, n in zip(table["platforms"], table["n"])]
    return table.assign(share=[round(k / n, 3) if n else np.nan
                               for k, n in zip(table["platforms"], table["n"])],
                        ci_low=[low for low, _ in bounds], ci_high=[high for _, high in bounds])


def stability(data: np.ndarray, model, resamples: int = 20, seed: int = SEED,
              n_init: int = N_INIT) -> pd.DataFrame:
    """Refit the chosen model on bootstrap resamples (fixed seeds) and compare
    each refit's assignment of every platform with the original one: adjusted
    Rand index (Hubert and Arabie, 1985; 1 = the same partition, 0 = chance)."""
    from sklearn.metrics import adjusted_rand_score
    reference = model.predict(data)
    rows = []
    for resample in range(1, resamples + 1):
        rng = np.random.default_rng(seed + resample)
        chosen = rng.integers(0, len(data), size=len(data))
        refit = fit_classes(data[chosen], model.n_components, seed + resample, n_init)
        rows.append({"resample": resample,
                     "adjusted_rand": round(float(adjusted_rand_score(reference,
                                                                      refit.predict(data))), 3)})
    return pd.DataFrame(rows)


def distinctive(profile: pd.DataFrame, table: pd.DataFrame, classes: np.ndarray,
                top: int = 3) -> pd.DataFrame:
    """For each class, the ``top`` indicator values whose share in the class is
    furthest from their share among all other platforms, both with 95 %
    intervals and n."""
    rows = []
    for row in profile.itertuples(index=False):
        number = int(row[0].split()[-1]) - 1
        others = table[classes != number][row.indicator]
        held = int((others == row.value).sum())
        low, high = wilson_interval(held, len(others))
        rows.append({"class": row[0], "label": row.label, "platforms": row.platforms,
                     "n": row.n, "share": row.share, "ci_low": row.ci_low,
                     "ci_high": row.ci_high, "others_platforms": held,
                     "others_n": len(others),
                     "others_share": round(held / len(others), 3) if len(others) else np.nan,
                     "others_ci_low": low, "others_ci_high": high})
    out = pd.DataFrame(rows)
    out = out.assign(difference=(out["share"] - out["others_share"]).round(3))
    out = out.assign(size=out["difference"].abs()).sort_values(
        ["class", "size", "label"], ascending=[True, False, True])
    return out.groupby("class", sort=False).head(top).drop(columns="size").reset_index(drop=True)

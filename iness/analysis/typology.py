"""A typology of platforms, or none (notebook 07): latent class analysis of
their coded categories, key activities, resources and scope, with a verdict
that needs a better fit, a bootstrap likelihood-ratio test and stable classes.

- **Indicators** (:func:`indicator_table`): one 0/1 column per category,
  activity and resource (several per platform), one categorical column for the
  scope (one per platform), each platform by its best method (the coding, then
  the classifier, then the tag crosswalk); the tag-based scaling practices only
  when asked. A value that says the text is silent (:data:`MISSING_VALUES`,
  scope "not stated") is missing, not a category. Pairs the codebook makes
  overlap by definition (``codebook/overlaps.csv``) are merged into one
  indicator (:func:`merge_overlaps`). :func:`screen` drops indicators held by
  too few or too many platforms and, of two near-duplicates
  (``|phi| >= DUPLICATE_PHI``), keeps one.
- **Model** (:func:`fit_classes`): a latent class model (Lazarsfeld and Henry,
  1968) fitted by ``stepmix`` with a categorical measurement model (full
  information likelihood where values are missing), ``N_INIT`` random starts,
  for ``k = 1, 2, ...`` classes (at most ``MAX_CLASSES``; the search stops once
  ``PATIENCE`` successive k have not lowered the BIC); ``k = 1`` is the "no
  typology" model.
- **Verdict, fixed before looking** (:func:`decide`): the ``k`` with the lowest
  BIC is a typology only if it has two classes or more, a parametric bootstrap
  likelihood-ratio test of k against k - 1 (Nylund et al., 2007;
  ``BLRT_REPLICATES`` replicates) rejects k - 1 at ``BLRT_ALPHA``, and refits on
  bootstrap resamples reproduce its partition (median adjusted Rand index at
  least ``STABLE_RAND``). ICL and the relative entropy are reported beside it.
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
SAMPLE_CAP = 5000
#: fewer platforms than this and no model is fitted
MIN_PLATFORMS = 20
SEED = 0
#: classes are stable when the median adjusted Rand index between the model's partition
#: and refits on bootstrap resamples is at least this (0.8: Steinley, 2004, "good" recovery)
STABLE_RAND = 0.8
#: bootstrap resamples refitted to measure stability
STABILITY_RESAMPLES = 20
#: random starts of every fit on the data (Nylund et al., 2007, use 50 to 500)
N_INIT = 50
#: random starts of each fit on a bootstrap replicate (the test and the stability refits),
#: fewer to keep the notebook's run short; their number is said in the notebook
REPLICATE_STARTS = 5
#: replicates of the bootstrap likelihood-ratio test (the p-value's resolution is 1/(B+1))
BLRT_REPLICATES = 39
BLRT_ALPHA = 0.05
#: values that say the text is silent: missing, not a category of their own
MISSING_VALUES = {"scope": "not_stated"}
#: the codebook's pairs of values that overlap by definition
OVERLAPS_FILE = "overlaps.csv"
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
    or for one value of a categorical column (``scope``, ``local``); a merged
    pair (``a|b``, :func:`merge_overlaps`) as both names joined by " or "."""
    from iness.i18n import labels, label as text
    if "|" in column:
        return text("typology_merged_pair", lang).format(
            first=indicator_label(column.partition("|")[0], None, lang),
            second=indicator_label(column.partition("|")[2], None, lang))
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


def missing_mask(table: pd.DataFrame) -> pd.DataFrame:
    """True where a value is missing: empty, or a value that says the text is
    silent (:data:`MISSING_VALUES`, by framework)."""
    mask = table.isna()
    for column in table.columns:
        silent = MISSING_VALUES.get(column.partition(":")[0])
        if silent is not None:
            mask[column] |= table[column].astype(object) == silent
    return mask


def encode(table: pd.DataFrame) -> np.ndarray:
    """Integer codes 0, 1, ... per column (the categories of a categorical column
    in sorted order), as the latent class model takes them; -1 where the value
    is missing (:func:`missing_mask`)."""
    missing = missing_mask(table)
    columns = []
    for column in table.columns:
        values = table[column].where(~missing[column])
        if _categorical(table[column]):
            levels = sorted(values.dropna().unique())
            codes = values.map({v: i for i, v in enumerate(levels)})
        else:
            codes = values
        columns.append(codes.fillna(-1).to_numpy())
    return np.column_stack(columns).astype(np.int64) if columns else \
        np.empty((len(table), 0), dtype=np.int64)


def definitional_overlaps() -> pd.DataFrame:
    """The codebook's pairs of values that overlap by definition, with the
    indicator columns they are here (``category:finance``) and the reason."""
    from iness.reference.codebook import CODEBOOK_DIR
    pairs = pd.read_csv(CODEBOOK_DIR / OVERLAPS_FILE, dtype=str, keep_default_na=False)
    framework = {variable: name for name, variable in MULTI_LABEL.items()}
    return pairs.assign(
        column_a=[f"{framework[v]}:{x}" for v, x in zip(pairs["variable_a"], pairs["value_a"])],
        column_b=[f"{framework[v]}:{x}" for v, x in zip(pairs["variable_b"], pairs["value_b"])])


def merge_overlaps(table: pd.DataFrame, overlaps: pd.DataFrame | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``table`` with each pair of 0/1 indicators that overlap by definition
    merged into one (held when either is: ``category:finance|activity:...``),
    and one row per merged pair (the two columns, the platforms holding each and
    both)."""
    overlaps = definitional_overlaps() if overlaps is None else overlaps
    merged, rows = table.copy(), []
    for a, b in zip(overlaps["column_a"], overlaps["column_b"]):
        if a not in merged or b not in merged:
            continue
        rows.append({"first": a, "second": b, "first_platforms": int(merged[a].sum()),
                     "second_platforms": int(merged[b].sum()),
                     "both": int((merged[a] & merged[b]).sum()), "n": len(merged)})
        position = list(merged.columns).index(a)
        joined = (merged[a] | merged[b]).astype(np.int8)
        merged = merged.drop(columns=[a, b])
        merged.insert(min(position, merged.shape[1]), f"{a}|{b}", joined)
    return merged, pd.DataFrame(rows, columns=["first", "second", "first_platforms",
                                               "second_platforms", "both", "n"])


# --- the model ----------------------------------------------------------------

@dataclass
class Classes:
    """A fitted latent class model: class weights and, per class, each
    indicator's outcome probabilities in a padded one-hot layout (``outcomes``
    columns per indicator). Its methods take integer codes like those it was
    fitted on (-1: missing, left out of the likelihood)."""
    weights: np.ndarray          # (k,)
    pis: np.ndarray              # (k, indicators * outcomes)
    outcomes: int
    n_parameters: int

    @property
    def n_components(self) -> int:
        return len(self.weights)

    def _log_joint(self, data: np.ndarray) -> np.ndarray:
        encoded = np.nan_to_num(one_hot(data, self.outcomes)[0])
        return np.log(self.weights) + encoded @ np.log(np.clip(self.pis, 1e-15, 1)).T

    def _responsibilities(self, data: np.ndarray) -> np.ndarray:
        joint = self._log_joint(data)
        return np.exp(joint - _logsumexp(joint))

    def predict(self, data: np.ndarray) -> np.ndarray:
        return self._log_joint(data).argmax(axis=1)

    def log_likelihood(self, data: np.ndarray) -> float:
        return float(_logsumexp(self._log_joint(data)).sum())

    def bic(self, data: np.ndarray) -> float:
        return -2 * self.log_likelihood(data) + self.n_parameters * np.log(len(data))

    def entropy(self, data: np.ndarray) -> float:
        resp = self._responsibilities(data)
        return float(-(resp * np.log(np.clip(resp, 1e-300, 1))).sum())

    def relative_entropy(self, data: np.ndarray) -> float:
        """1 - entropy / (n log k): 1 = every platform clearly in one class."""
        if self.n_components < 2:
            return np.nan
        return 1 - self.entropy(data) / (len(data) * np.log(self.n_components))

    def simulate(self, rows: int, rng: np.random.Generator) -> np.ndarray:
        """``rows`` platforms drawn from the model (integer codes): a class by the
        class weights, then each indicator by its class's probabilities."""
        features = self.pis.shape[1] // self.outcomes
        drawn = rng.choice(len(self.weights), size=rows, p=self.weights / self.weights.sum())
        out = np.empty((rows, features), dtype=np.int64)
        for j in range(features):
            probs = self.pis[drawn, j * self.outcomes:(j + 1) * self.outcomes]
            cumulative = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
            out[:, j] = (rng.random((rows, 1)) > cumulative).sum(axis=1).clip(
                0, self.outcomes - 1)
        return out


def _logsumexp(values: np.ndarray) -> np.ndarray:
    """log of the sum of exp over each row, as a column (n, 1)."""
    top = values.max(axis=1, keepdims=True)
    return top + np.log(np.exp(values - top).sum(axis=1, keepdims=True))


#: fits on the data in this process, by digest (the criterion, the test and the final
#: model fit the same k on the same data)
_FITS: dict[tuple, Classes] = {}


def fit_classes(data: np.ndarray, k: int, seed: int = SEED, n_init: int = N_INIT) -> Classes:
    """:func:`fit_latent_classes`, once per data, k, seed and starts in a process."""
    import hashlib
    key = (hashlib.sha256(np.ascontiguousarray(data).tobytes()).hexdigest(), data.shape,
           k, seed, n_init)
    if key not in _FITS:
        if len(_FITS) > 256:
            _FITS.clear()
        _FITS[key] = fit_latent_classes(data, k, seed, n_init)
    return _FITS[key]


def fit_latent_classes(data: np.ndarray, k: int, seed: int = SEED, n_init: int = N_INIT
                       ) -> Classes:
    """A latent class model with ``k`` classes on integer codes, by maximum
    likelihood: EM (Dempster, Laird and Rubin, 1977) from ``n_init`` random
    starts run side by side as one array (the best kept), a missing value left
    out of the likelihood of its indicator (full information). The same model
    as stepmix's categorical measurement (the unit tests compare them), fast
    enough for 50 starts and a bootstrap test."""
    encoded, outcomes, _ = one_hot(data)
    observed = ~np.isnan(encoded)
    values = np.nan_to_num(encoded)
    features = data.shape[1]
    levels = np.maximum(data.max(axis=0) + 1, 2) if data.size else np.zeros(0, dtype=int)
    allowed = np.zeros(features * outcomes, dtype=bool)
    for j, count in enumerate(levels):
        allowed[j * outcomes:j * outcomes + count] = True
    rng = np.random.default_rng(seed)
    pis = rng.dirichlet(np.ones(outcomes), size=(n_init, k, features)).reshape(
        n_init, k, features * outcomes) * allowed
    pis /= _block_sums(pis, outcomes)
    weights = np.full((n_init, k), 1.0 / k)
    previous = np.full(n_init, -np.inf)
    done_weights, done_pis, done_fit = [], [], []
    for step in range(MAX_ITER):
        joint = np.log(weights)[:, None, :] + values @ np.log(np.clip(pis, 1e-15, 1)
                                                             ).transpose(0, 2, 1)
        top = joint.max(axis=2, keepdims=True)
        total = top[..., 0] + np.log(np.exp(joint - top).sum(axis=2))
        resp = np.exp(joint - total[..., None])
        average = total.mean(axis=1)
        # a start whose fit no longer moves is set aside; the others go on
        settled = (np.abs(average - previous) < TOLERANCE) | (step == MAX_ITER - 1)
        if settled.any():
            done_weights.append(weights[settled])
            done_pis.append(pis[settled])
            done_fit.append(average[settled])
            keep = ~settled
            if not keep.any():
                break
            resp, average = resp[keep], average[keep]
        weights = np.clip(resp.mean(axis=1), 1e-12, None)
        counts = resp.transpose(0, 2, 1) @ values
        seen = resp.transpose(0, 2, 1) @ observed.astype(float)
        pis = np.where(seen > 0, counts / np.maximum(seen, 1e-300), 1.0 / outcomes) * allowed
        pis /= _block_sums(pis, outcomes)
        previous = average
    fits = np.concatenate(done_fit)
    best = int(np.argmax(fits))
    weights, pis = np.concatenate(done_weights)[best], np.concatenate(done_pis)[best]
    parameters = (k - 1) + k * int((levels - 1).sum())
    return Classes(weights / weights.sum(), pis, outcomes, parameters)


def _block_sums(pis: np.ndarray, outcomes: int) -> np.ndarray:
    """Each indicator's probabilities summed over its outcomes, repeated over them."""
    shape = pis.shape
    blocks = pis.reshape(*shape[:-1], shape[-1] // outcomes, outcomes)
    return np.maximum(np.repeat(blocks.sum(axis=-1), outcomes, axis=-1), 1e-300)


def one_hot(data: np.ndarray, outcomes: int | None = None) -> tuple[np.ndarray, int, int]:
    """Integer codes as stepmix's padded one-hot layout (``outcomes`` columns per
    indicator; a missing value, -1, is a block of NaN), with the number of
    outcomes per column and in all. Encoding once per fit, not once per EM
    step, is what makes the fits fast."""
    levels = data.max(axis=0) + 1 if data.size else np.zeros(data.shape[1], dtype=int)
    outcomes = int(outcomes or max(2, int(levels.max(initial=1))))
    encoded = np.zeros((len(data), data.shape[1] * outcomes))
    rows = np.arange(len(data))
    for j in range(data.shape[1]):
        known = data[:, j] >= 0
        encoded[rows[known], j * outcomes + data[known, j]] = 1.0
        encoded[np.ix_(~known, np.arange(j * outcomes, (j + 1) * outcomes))] = np.nan
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
                     "parameters": int(model.n_parameters), "bic": round(bic, 1),
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


def blrt(data: np.ndarray, k: int, replicates: int = BLRT_REPLICATES, seed: int = SEED,
         n_init: int = N_INIT, replicate_starts: int = REPLICATE_STARTS) -> dict:
    """Parametric bootstrap likelihood-ratio test of ``k`` classes against
    ``k - 1`` (McLachlan, 1987; Nylund et al., 2007): the statistic
    2 (logL_k - logL_{k-1}) on the data, against its distribution on
    ``replicates`` data sets drawn from the fitted ``k - 1`` model (with the
    data's pattern of missing values), each fitted with ``k - 1`` and ``k``
    classes. p = (1 + replicates at least as large) / (1 + replicates)."""
    if k < 2:
        raise ValueError(f"the test compares k with k - 1 classes: k must be 2 or more, got {k}")
    null = fit_classes(data, k - 1, seed, n_init)
    statistic = 2 * (fit_classes(data, k, seed, n_init).log_likelihood(data)
                     - null.log_likelihood(data))
    rng = np.random.default_rng(seed)
    missing = data < 0
    values = []
    for replicate in range(replicates):
        drawn = null.simulate(len(data), rng)
        drawn[missing] = -1
        fewer = fit_classes(drawn, k - 1, seed + replicate + 1, replicate_starts)
        more = fit_classes(drawn, k, seed + replicate + 1, replicate_starts)
        values.append(max(0.0, 2 * (more.log_likelihood(drawn) - fewer.log_likelihood(drawn))))
    values = np.array(values)
    return {"classes": k, "statistic": round(float(statistic), 2),
            "p_value": round(float((1 + (values >= statistic - 1e-9).sum()) / (1 + replicates)), 4),
            "replicates": replicates, "null": values}


@dataclass(frozen=True)
class Verdict:
    """The three conditions of a typology and the numbers behind them."""
    best_classes: int
    gain: float
    icl_classes: int
    blrt_p: float | None         # None when the best k is one class (nothing to test)
    blrt_replicates: int
    stability: float | None      # median adjusted Rand index; None when not measured

    @property
    def better_fit(self) -> bool:
        return self.best_classes >= 2

    @property
    def test_passed(self) -> bool:
        return self.blrt_p is not None and self.blrt_p < BLRT_ALPHA

    @property
    def stable(self) -> bool:
        return self.stability is not None and self.stability >= STABLE_RAND

    @property
    def typology(self) -> bool:
        """A typology: a best k of two classes or more whose bootstrap test
        rejects k - 1 classes and whose classes are stable."""
        return self.better_fit and self.test_passed and self.stable

    def failed(self) -> list[str]:
        """The conditions not met, in order (``labels.csv`` keys ``typology_failed_*``)."""
        return [name for name, met in (("fit", self.better_fit), ("test", self.test_passed),
                                       ("stability", self.stable)) if not met]


def decide(real: pd.DataFrame, test: dict | None, rand: pd.Series | None) -> Verdict:
    """The verdict from the criterion table, the bootstrap test (or None) and
    the stability refits' adjusted Rand indices (or None)."""
    best, amount = gain(real)
    icl = int(real.sort_values(["icl", "classes"]).iloc[0]["classes"])
    return Verdict(best, amount, icl, None if test is None else test["p_value"],
                   0 if test is None else test["replicates"],
                   None if rand is None or not len(rand) else round(float(rand.median()), 3))


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
    """The fitted criterion, the bootstrap test and the stability of the best
    k, the verdict and, for the best k, the model and every platform's class
    (modal assignment; classes ordered by size)."""
    real: pd.DataFrame
    test: dict | None
    rand: pd.DataFrame
    verdict: Verdict
    fitted_rows: int
    model: object
    classes: np.ndarray


#: typologies computed in this process, by a digest of their data and settings:
#: a kernel that runs notebook 07 for a second edition fits nothing again
_RUNS: dict[str, Typology] = {}


def run(data: np.ndarray, replicates: int = BLRT_REPLICATES, cap: int = SAMPLE_CAP,
        seed: int = SEED, classes=range(1, MAX_CLASSES + 1), n_init: int = N_INIT,
        resamples: int = STABILITY_RESAMPLES) -> Typology:
    """Criterion on a sample of at most ``cap`` platforms; for its best k (two
    classes or more) the bootstrap test and the stability refits on the same
    sample; then every platform assigned by the best model (a copy of the one
    computed before, for the same data and settings)."""
    import copy
    import hashlib
    data = np.ascontiguousarray(data)
    key = hashlib.sha256(data.tobytes() + repr((data.shape, str(data.dtype), replicates, cap,
                                                seed, tuple(classes), n_init, resamples)
                                               ).encode()).hexdigest()
    if key not in _RUNS:
        _RUNS[key] = _run(data, replicates, cap, seed, classes, n_init, resamples)
    return copy.deepcopy(_RUNS[key])


def _run(data: np.ndarray, replicates: int, cap: int, seed: int, classes, n_init: int,
         resamples: int) -> Typology:
    if len(data) < 2:
        raise ValueError(f"a latent class model needs at least 2 platforms, got {len(data)}")
    chosen = sample_rows(len(data), cap, seed)
    fitted = data[chosen]
    real = criteria(fitted, classes, seed, n_init)
    best, _ = gain(real)
    model = fit_classes(fitted, best, seed, n_init)
    test, rand = None, pd.DataFrame(columns=["resample", "adjusted_rand"])
    if best >= 2:
        test = blrt(fitted, best, replicates, seed, n_init)
        rand = stability(fitted, model, resamples, seed)
    verdict = decide(real, test, rand["adjusted_rand"] if len(rand) else None)
    return Typology(real, test, rand, verdict, len(chosen), model, assign(model, data))


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


def stability(data: np.ndarray, model, resamples: int = STABILITY_RESAMPLES,
              seed: int = SEED, n_init: int = REPLICATE_STARTS) -> pd.DataFrame:
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

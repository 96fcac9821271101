"""Shares that carry the classifier's error: prediction-powered inference.

A survey has ``N`` coding units; a random sample of them was coded by reading
(``y``, method ``coded``) and the classifier predicts every unit (``f``, method
``classifier``; out of fold on coded units, so that no unit is scored by a model
that saw its coding: cross-prediction, Zrnic & Candes 2024, *PNAS* 121). The share of a target is
estimated as the classifier's share over the whole survey plus the mean error
of the classifier measured on the coded sample (Angelopoulos et al. 2023,
*Science* 382: 669-674):

    theta = lam * mean_N(f) + mean_n(y - lam * f)

``lam = 1`` is the paper's estimator, ``lam = 0`` the coded sample alone;
power tuning (PPI++, Angelopoulos, Duchi & Zrnic 2023, arXiv:2311.01453) picks the ``lam`` of
least variance. Here the coded units are part of the ``N`` units predicted
(the paper's labelled and unlabelled sets are disjoint), so the estimator is
the survey-sampling difference (``lam = 1``) or regression estimator (Cochran
1977, *Sampling Techniques*, ch. 7; Sarndal, Swensson & Wretman 1992, ch. 6),
and its variance, for the share in the population the survey's units are drawn
from (the target of the Wilson intervals shown everywhere else), is

    V = var(y) / N + (1 - n / N) * var(y - lam * f) / n

(the survey's own share varies around the population's as ``var(y) / N``;
the coded sample estimates the survey's share with the finite-population
variance of its residuals). With ``lam = 0`` it is ``var(y) / n``, the plain
sample's; the ``lam`` of least variance is the regression coefficient
``cov(y, f) / var(f)``, clipped to [0, 1]. ``ppi-python``'s ``ppi_mean_ci``
assumes disjoint sets and has no strata nor ratios, hence this module; the
tests check it against ``ppi_py`` where their settings meet.

Stratified designs: each stratum ``h`` (``population`` N_h units, ``n_h``
coded) is estimated as above and the strata are combined with weights
``W_h = N_h / N``, variances ``sum W_h^2 V_h`` (the stratified estimator,
Cochran 1977, ch. 5; strata are sampled independently).

Shares of platforms are ratios ``P(target and platform) / P(platform)``, both
estimated so; the variance is the delta method's, by linearisation (Sarndal
et al. 1992, ch. 5): the estimator above applied to ``z = a - theta * b``
(``a`` the target-and-platform indicator, ``b`` the platform one) with the
predictions ``a_hat - theta * b_hat``, divided by ``P(platform)^2``; this
carries the covariance of the two estimates. The platform share is a ratio
too, over the units whose text could be coded (a sampled unit the coders
found unusable is measured: neither usable nor a platform); a ratio whose
denominator is 1 for every unit is a plain share.

Intervals are Wilson score intervals at Kish's effective sample size
``theta (1 - theta) / V`` (Kish 1965, *Survey Sampling*; the design-effect
Wilson interval of survey statistics), so that a share near 0 keeps an
asymmetric interval inside [0, 1]; the effective size is at most the survey's
(no sample knows more than coding every unit). The coded-sample-only estimate
is the same estimator with ``lam = 0`` drawn the same way: exactly the Wilson
interval of ``k`` out of ``n`` for a simple random sample, design-weighted for
a stratified one.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from iness.analysis import Z_95, wilson_intervals
from iness.reference import codebook
from iness.store.codes import NONE

#: the frameworks whose shares are estimated, and the codebook list of each
FRAMEWORK_VARIABLES = {"is_platform": None, "category": "categories",
                       "primary_category": "primary_category", "activity": "activities"}
#: the columns of a sampling design (``sample.csv`` of ``iness coding sample``)
DESIGN_COLUMNS = ["unit_id", "platform_id", "stratum", "population", "sampled", "seed"]
#: the stratum of an unstratified design
ALL = "all"


def targets(framework: str) -> list[str]:
    """The targets whose share is estimated: ``true`` for ``is_platform``; each
    value of the codebook and ``none`` (measured, with no target) otherwise.

    >>> targets("is_platform"), targets("activity")[-1]
    (['true'], 'none')
    """
    variable = FRAMEWORK_VARIABLES[framework]
    if variable is None:
        return ["true"]
    values = codebook.allowed(variable)
    return values if NONE in values else values + [NONE]


# --- the estimator -----------------------------------------------------------

@dataclass(frozen=True)
class Stratum:
    """One stratum's units: ``weight`` = N_h / N, ``population`` = N_h, the
    coded units' indicators (``y_a``, ``y_b``) and predictions (``f_a``,
    ``f_b``), and the predictions of every unit of the stratum (``all_a``, ``all_b``)."""
    weight: float
    population: int
    y_a: np.ndarray
    y_b: np.ndarray
    f_a: np.ndarray
    f_b: np.ndarray
    all_a: np.ndarray
    all_b: np.ndarray

    @property
    def n(self) -> int:
        return len(self.y_a)


def tuned_lambda(z: np.ndarray, g: np.ndarray) -> float:
    """The ``lam`` of least variance for outcome ``z`` and prediction ``g`` on
    the coded units: the regression coefficient, clipped to [0, 1] (0 when
    the predictions do not vary).

    >>> tuned_lambda(np.array([0., 1, 1, 0]), np.array([0., 1, 1, 0]))
    1.0
    """
    spread = float(np.var(g))
    if spread == 0:
        return 0.0
    slope = float(np.mean((z - z.mean()) * (g - g.mean()))) / spread
    return float(np.clip(slope, 0.0, 1.0))


def _means(stratum: Stratum, lam: float) -> tuple[float, float]:
    """The stratum's estimates of the mean of ``a`` and of ``b``."""
    a = lam * stratum.all_a.mean() + np.mean(stratum.y_a - lam * stratum.f_a)
    b = lam * stratum.all_b.mean() + np.mean(stratum.y_b - lam * stratum.f_b)
    return float(a), float(b)


def _ratio(strata: list[Stratum], lams: list[float]) -> tuple[float, float]:
    """The combined estimates of the ratio and of its denominator."""
    a = b = 0.0
    for stratum, lam in zip(strata, lams):
        mean_a, mean_b = _means(stratum, lam)
        a += stratum.weight * mean_a
        b += stratum.weight * mean_b
    return (a / b if b > 0 else float("nan")), b


def stratum_variance(stratum: Stratum, theta: float, lam: float) -> float:
    """The variance of the stratum's linearised estimate (module docstring)."""
    z = stratum.y_a - theta * stratum.y_b
    residual = z - lam * (stratum.f_a - theta * stratum.f_b)
    n, population = stratum.n, stratum.population
    return float(np.var(z) / population
                 + (1 - n / population) * np.var(residual) / n)


@dataclass(frozen=True)
class Estimate:
    """A share, its variance and the estimated mean of its denominator."""
    share: float
    variance: float
    denominator: float


def ratio_estimate(strata: list[Stratum], lam: float | None = None) -> Estimate:
    """The estimate of ``mean(a) / mean(b)`` over the strata; ``lam`` fixed
    (1: PPI; 0: coded sample only) or, when None, tuned per stratum."""
    if (not strata or any(stratum.n == 0 for stratum in strata)
            or not any(stratum.y_b.any() for stratum in strata)):
        # a stratum not sampled, or no coded unit in the denominator: not measurable
        return Estimate(float("nan"), float("nan"), float("nan"))
    if lam is None:
        first, _ = _ratio(strata, [1.0] * len(strata))
        lams = [tuned_lambda(s.y_a - first * s.y_b, s.f_a - first * s.f_b)
                if first == first else 1.0 for s in strata]
    else:
        lams = [float(lam)] * len(strata)
    theta, denominator = _ratio(strata, lams)
    if theta != theta:
        return Estimate(theta, float("nan"), denominator)
    variance = sum(s.weight ** 2 * stratum_variance(s, theta, lam_h)
                   for s, lam_h in zip(strata, lams)) / denominator ** 2
    return Estimate(theta, variance, denominator)


def ppi_interval(estimate: Estimate, units: float) -> tuple[float, float, float]:
    """Point estimate and 95 % interval in [0, 1]: the Wilson interval at the
    effective sample size ``share (1 - share) / variance``, at most ``units``
    (no sample knows more than coding every unit). An estimate on or past a
    bound of [0, 1] with a variance gets the normal interval instead, widened
    where needed to that of ``units`` coded units."""
    if estimate.share != estimate.share:
        return (float("nan"),) * 3
    share = float(np.clip(estimate.share, 0.0, 1.0))
    spread, variance = share * (1 - share), max(estimate.variance, 0.0)
    if spread > 0 or variance == 0:
        size = min(spread / variance, units) if variance > 0 else units
        low, high = wilson_intervals(share * size, size)
        return share, float(low), float(high)
    half = Z_95 * np.sqrt(variance)
    whole_low, whole_high = wilson_intervals(share * units, units)
    low = min(estimate.share - half, float(whole_low))
    high = max(estimate.share + half, float(whole_high))
    return share, float(np.clip(low, 0.0, 1.0)), float(np.clip(high, 0.0, 1.0))


def effective_wilson(estimate: Estimate, coded: float) -> tuple[float, float, float]:
    """Share and Wilson interval at Kish's effective sample size
    ``share (1 - share) / variance`` (``coded`` where that is undefined: a
    share of 0 or 1)."""
    share = estimate.share
    if share != share:
        return (float("nan"),) * 3
    spread = share * (1 - share)
    size = spread / estimate.variance if spread > 0 and estimate.variance > 0 else coded
    low, high = wilson_intervals(share * size, size)
    return share, float(low), float(high)


# --- a survey's units --------------------------------------------------------

def strata_of(design: pd.DataFrame) -> pd.DataFrame:
    """One row per stratum of the design: stratum, population, sampled."""
    return design.groupby("stratum", sort=True).agg(
        population=("population", "first"), sampled=("sampled", "first")).reset_index()


def build_strata(units: pd.DataFrame, design_strata: pd.DataFrame,
                 numerator: str, denominator: str) -> list[Stratum]:
    """The strata of one share. ``units`` has one row per unit of the survey:
    ``stratum``, ``coded`` (bool) and, per indicator column ``c``, ``y_c`` (the
    coding; NaN where not coded) and ``f_c`` (the classifier's prediction);
    ``denominator`` None means every unit."""
    total = float(design_strata["population"].sum())
    strata = []
    for row in design_strata.itertuples():
        part = units[units["stratum"] == row.stratum]
        coded = part[part["coded"]]
        ones_all, ones_coded = np.ones(len(part)), np.ones(len(coded))
        strata.append(Stratum(
            weight=row.population / total, population=int(row.population),
            y_a=coded[f"y_{numerator}"].to_numpy(float),
            y_b=coded[f"y_{denominator}"].to_numpy(float) if denominator else ones_coded,
            f_a=coded[f"f_{numerator}"].to_numpy(float),
            f_b=coded[f"f_{denominator}"].to_numpy(float) if denominator else ones_coded,
            all_a=part[f"f_{numerator}"].to_numpy(float),
            all_b=part[f"f_{denominator}"].to_numpy(float) if denominator else ones_all))
    return strata


PLATFORM_COLUMN = "is_platform:true"
#: the indicator of a unit whose text could be coded (the platform share's denominator)
USABLE = "usable"


def share_row(units: pd.DataFrame, design_strata: pd.DataFrame, framework: str,
              target: str, tuned: bool = True) -> dict:
    """One share by the three methods: PPI (estimate, ci_low, ci_high), the
    coded sample alone (sample_*) and the classifier alone (classifier_*);
    ``n`` coded units in the share's denominator, ``N`` units of the survey."""
    column = f"{framework}:{target}"
    among_platforms = framework != "is_platform"
    if among_platforms:  # the target and being a platform, over being a platform
        units = units.assign(**{
            f"{kind}_{column}": units[f"{kind}_{column}"] * units[f"{kind}_{PLATFORM_COLUMN}"]
            for kind in ("y", "f")})
    denominator = (PLATFORM_COLUMN if among_platforms
                   else USABLE if f"y_{USABLE}" in units else None)
    strata = build_strata(units, design_strata, column, denominator)
    coded = units[units["coded"]]
    n = int(coded[f"y_{denominator}"].sum()) if denominator else len(coded)
    total = int(design_strata["population"].sum())
    ppi = ratio_estimate(strata, None if tuned else 1.0)
    share, low, high = ppi_interval(ppi, ppi.denominator * total)
    sample = ratio_estimate(strata, 0.0)
    sample_share, sample_low, sample_high = effective_wilson(sample, n)
    count = int(units[f"f_{column}"].sum())
    predicted = int(units[f"f_{denominator}"].sum()) if denominator else len(units)
    c_low, c_high = wilson_intervals(count, predicted)
    return {"framework": framework, "target_id": target, "n": n, "N": total,
            "estimate": share, "ci_low": low, "ci_high": high,
            "sample_count": int(coded[f"y_{column}"].sum()), "sample_share": sample_share,
            "sample_low": sample_low, "sample_high": sample_high,
            "classifier_count": count, "classifier_n": predicted,
            "classifier_share": count / predicted if predicted else float("nan"),
            "classifier_low": float(c_low), "classifier_high": float(c_high)}


SHARE_COLUMNS = ["framework", "target_id", "n", "N", "estimate", "ci_low", "ci_high",
                 "sample_count", "sample_share", "sample_low", "sample_high",
                 "classifier_count", "classifier_n", "classifier_share", "classifier_low",
                 "classifier_high"]


def share_table(units: pd.DataFrame, design: pd.DataFrame, tuned: bool = True
                ) -> pd.DataFrame:
    """Every share of :data:`FRAMEWORK_VARIABLES`, one row each (columns
    :data:`SHARE_COLUMNS`); empty where no unit is coded (the caller then says
    the classifier is unvalidated). ``units`` as :func:`survey_units` makes it."""
    if not units["coded"].any():
        return pd.DataFrame(columns=SHARE_COLUMNS)
    design_strata = strata_of(design)
    rows = [share_row(units, design_strata, framework, target, tuned)
            for framework in FRAMEWORK_VARIABLES for target in targets(framework)]
    return pd.DataFrame(rows, columns=SHARE_COLUMNS)


def indicator_columns() -> list[str]:
    """``framework:target`` of every share, in order."""
    return [f"{framework}:{target}" for framework in FRAMEWORK_VARIABLES
            for target in targets(framework)]


def _wide(keyed: pd.DataFrame, method: str) -> pd.DataFrame:
    """Units (rows) by ``framework:target`` (columns): 1 where ``method`` gives it."""
    part = keyed[keyed["method"] == method]
    return (pd.crosstab(part["unit_id"], part["column"]).clip(upper=1)
            .reindex(columns=indicator_columns(), fill_value=0).astype(float))


def survey_units(codes: pd.DataFrame, projects: pd.DataFrame,
                 design: pd.DataFrame | None = None,
                 strata: pd.Series | None = None) -> pd.DataFrame:
    """One row per coding unit of the survey (projects with a description;
    a text in both waves is one unit): ``unit_id``, ``stratum``, ``coded``, and
    ``y_<framework:target>`` (the coding; NaN where not coded) and
    ``f_<framework:target>`` (the classifier; 0 for a unit it did not predict:
    PPI stays valid for any predictor applied alike to every unit).

    A unit is coded when the coders read it (``coding_status`` ``coded`` or
    ``unusable_text``) and, if the design lists its units, it is among them (a
    coded unit outside the sample is not part of it: warned, and taken as
    uncoded). A unit read but found unusable is in the sample with every
    indicator 0 and ``y_usable`` 0: the platform share is of usable units (the
    classifier's ``f_usable`` is 1 for every unit). ``strata`` gives the stratum
    of every unit (a Series indexed by unit_id) for a stratified design."""
    found = codebook.coding_units(projects)
    found = found.assign(status=projects["coding_status"].to_numpy())
    found = found[found["has_description"]]
    keyed = codes.merge(found[["wave", "project_id", "unit_id"]].rename(
        columns={"project_id": "entity_id"}), on=["wave", "entity_id"])
    keyed = keyed[keyed["framework"].isin(list(FRAMEWORK_VARIABLES))]
    keyed = keyed.assign(column=keyed["framework"] + ":" + keyed["target_id"].astype(str))
    ids = sorted(found["unit_id"].unique())
    usable_ids = set(keyed.loc[(keyed["method"] == "coded")
                               & (keyed["framework"] == "is_platform"), "unit_id"])
    read_ids = usable_ids | set(found.loc[found["status"] == "unusable_text", "unit_id"])
    if design is not None and not design["unit_id"].isna().all():
        outside = read_ids - set(design["unit_id"])
        if outside:
            warnings.warn(f"{len(outside)} coded units are not in the sampling design: "
                          "they are not part of its random sample and count as uncoded",
                          stacklevel=2)
        read_ids &= set(design["unit_id"])
    y = _wide(keyed[keyed["unit_id"].isin(read_ids)], "coded").reindex(ids)
    y.loc[sorted(read_ids - usable_ids)] = 0.0   # read, unusable: nothing
    y[USABLE] = [1.0 if unit in usable_ids else 0.0 if unit in read_ids else np.nan
                 for unit in ids]
    f = _wide(keyed, "classifier").reindex(ids, fill_value=0.0)
    f[USABLE] = 1.0
    units = pd.concat([y.add_prefix("y_"), f.add_prefix("f_")], axis=1)
    units = units.rename_axis("unit_id").reset_index()
    units.insert(1, "coded", units["unit_id"].isin(read_ids))
    units.insert(1, "stratum", _unit_strata(units["unit_id"], design, strata))
    return units


def _unit_strata(unit_ids: pd.Series, design: pd.DataFrame | None,
                 strata: pd.Series | None) -> pd.Series:
    """The stratum of each unit: :data:`ALL` for an unstratified design, else
    from ``strata`` (every unit must have one)."""
    names = set(design["stratum"]) if design is not None else {ALL}
    if names == {ALL}:
        return pd.Series(ALL, index=unit_ids.index)
    if strata is None:
        raise ValueError(f"the sampling design has {len(names)} strata: give the stratum "
                         "of every unit (strata=, a Series indexed by unit_id)")
    found = unit_ids.map(strata)
    if found.isna().any():
        raise ValueError(f"{int(found.isna().sum())} units have no stratum in strata= "
                         f"(first: {unit_ids[found.isna()].iloc[0]})")
    return found


def simple_design(units: pd.DataFrame) -> pd.DataFrame:
    """The design of coded units taken as a simple random sample of the whole
    survey (one stratum :data:`ALL`), for a survey coded without ``iness coding sample``."""
    return pd.DataFrame({"unit_id": units.loc[units["coded"], "unit_id"].to_numpy(),
                         "platform_id": None, "stratum": ALL, "population": len(units),
                         "sampled": int(units["coded"].sum()), "seed": None})


def checked_design(units: pd.DataFrame, design: pd.DataFrame) -> pd.DataFrame:
    """The design, checked against the survey's units: a unit in a stratum the
    design does not have, or a stratum given two populations, is an error; a
    stratum whose units or coded units the design counts otherwise (a design
    drawn from another version of the survey, a coding not finished) is warned."""
    unknown = sorted(set(units["stratum"]) - set(design["stratum"]))
    if unknown:
        raise ValueError(f"the sampling design has no stratum {unknown[0]!r}, which "
                         f"{int(units['stratum'].isin(unknown).sum())} units of the survey are in")
    twice = design.groupby("stratum")["population"].nunique()
    if (twice > 1).any():
        raise ValueError(f"the sampling design gives stratum {twice[twice > 1].index[0]!r} "
                         "more than one population")
    found = units.groupby("stratum").size()
    read = units[units["coded"]].groupby("stratum").size()
    for row in strata_of(design).itertuples():
        if found.get(row.stratum, 0) != row.population:
            warnings.warn(f"stratum {row.stratum!r}: the design counts {row.population} units, "
                          f"the survey has {found.get(row.stratum, 0)}", stacklevel=2)
        if read.get(row.stratum, 0) != row.sampled:
            warnings.warn(f"stratum {row.stratum!r}: {row.sampled} units sampled, "
                          f"{read.get(row.stratum, 0)} coded (the others are taken as missing "
                          "at random)", stacklevel=2)
    return design


def read_design(path) -> pd.DataFrame:
    """A sampling design (``sample.csv``), checked: the columns of
    :data:`DESIGN_COLUMNS`, whole numbers in ``population`` and ``sampled``."""
    from iness.errors import RawDataError
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [column for column in DESIGN_COLUMNS if column not in frame.columns]
    if missing:
        raise RawDataError(path, f"expected the columns {', '.join(DESIGN_COLUMNS)}",
                           column=missing[0])
    for column in ("population", "sampled"):
        numbers = pd.to_numeric(frame[column], errors="coerce")
        bad = numbers.isna() | (numbers < 0) | (numbers % 1 != 0)
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise RawDataError(path, f"{frame[column].iloc[row]!r} expected a whole number "
                               "of units", row=row + 1, column=column)
        frame[column] = numbers.astype(int)
    return frame


def read_strata(path) -> pd.Series:
    """The stratum of every codable unit when the sample was drawn
    (``strata.csv`` written by ``iness coding sample``), indexed by unit_id."""
    from iness.errors import RawDataError
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [column for column in ("unit_id", "stratum") if column not in frame.columns]
    if missing:
        raise RawDataError(path, "expected the columns unit_id, stratum", column=missing[0])
    return pd.Series(frame["stratum"].to_numpy(), index=frame["unit_id"].to_numpy())


def survey_shares(survey, name: str, strata: pd.Series | None = None,
                  tuned: bool = True) -> pd.DataFrame:
    """:func:`share_table` of a built survey, with its design
    (``iness.paths.coding_dir(name)/sample.csv``) or, where there is none, its
    coded units taken as a simple random sample (warned when it is not all of them)."""
    from iness.paths import coding_dir
    path = coding_dir(name) / "sample.csv"
    design = read_design(path) if path.exists() else None
    if strata is None and (coding_dir(name) / "strata.csv").exists():
        strata = read_strata(coding_dir(name) / "strata.csv")
    units = survey_units(survey.codes, survey.projects, design, strata)
    if design is None:
        design = simple_design(units)
        if 0 < units["coded"].sum() < len(units):
            warnings.warn(f"no sampling design in {path}: the coded units are taken as a "
                          "simple random sample of the survey", stacklevel=2)
    return share_table(units, checked_design(units, design), tuned)


def target_label(framework: str, target: str, lang: str | None = None) -> str:
    """A target's words in a table or figure (labels.csv and the codebook)."""
    from iness.i18n import label, language
    lang = language(lang)
    if framework == "is_platform":
        return label("ppi_platforms_of_units", lang)
    if framework == "activity" and target == NONE:
        return label("ppi_no_activity", lang)
    return codebook.value_label(FRAMEWORK_VARIABLES[framework], target, lang)


def labelled(table: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """The share table with a ``label`` column, for :func:`iness.notebook.figures.ppi_figure`."""
    return table.assign(label=[target_label(framework, target, lang) for framework, target
                               in zip(table["framework"], table["target_id"])])


#: the three methods of a share: (labels.csv key of its name, its columns, its n)
METHOD_COLUMNS = (("ppi_method_id_ppi", ("estimate", "ci_low", "ci_high"), "n"),
                  ("ppi_method_id_sample", ("sample_share", "sample_low", "sample_high"), "n"),
                  ("ppi_method_id_classifier",
                   ("classifier_share", "classifier_low", "classifier_high"), "classifier_n"))


def display_table(table: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """One line per target and method: label, method, estimate, ci_low,
    ci_high, n (coded units; for the classifier, the units it counted), for
    ``styled(..., percent=["estimate", "ci_low", "ci_high"])``."""
    from iness.i18n import label
    table = labelled(table, lang)
    parts = []
    for order, (key, (share, low, high), n) in enumerate(METHOD_COLUMNS):
        parts.append(pd.DataFrame({
            "label": table["label"].to_numpy(), "method": label(key, lang),
            "estimate": table[share].to_numpy(float), "ci_low": table[low].to_numpy(float),
            "ci_high": table[high].to_numpy(float), "n": table[n].to_numpy(int),
            "_target": np.arange(len(table)), "_method": order}))
    out = pd.concat(parts, ignore_index=True).sort_values(["_target", "_method"])
    return out.drop(columns=["_target", "_method"]).reset_index(drop=True)

"""Drift methods: small registered units, each with the column kinds it accepts and a threshold.

A method turns two :class:`~mlops_notebooks.drift.summaries.ColumnSummary` objects (and, for
tests that need every value, the two samples) into a statistic and, for hypothesis tests, a
p-value. Tests (``score="p_value"``) flag drift when ``p_value < threshold``; distances
(``score="distance"``) when ``statistic >= threshold``.

Register your own with :func:`register_method`::

    def mean_shift(inputs):
        ref, cur = inputs.reference, inputs.current
        return MethodScore(abs(cur.mean - ref.mean) / max(ref.std, 1e-3))

    register_method("mean_shift", mean_shift, kinds=("numeric",), threshold=0.2)
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from mlops_notebooks._kinds import ColumnKind
from mlops_notebooks.drift.summaries import ColumnSummary, align, binned_frequencies
from mlops_notebooks.errors import InvalidInputError, UnknownNameError

__all__ = [
    "DriftMethod",
    "MethodInput",
    "MethodScore",
    "available_methods",
    "default_method_name",
    "get_method",
    "register_method",
]

ScoreType = Literal["p_value", "distance"]
# Reference sizes up to this use hypothesis tests by default; larger ones use distances.
SMALL_SAMPLE_ROWS = 1_000
# Numeric columns with at most this many distinct values are treated as categories by default.
FEW_DISTINCT_VALUES = 5
# Wasserstein is divided by the reference standard deviation, but never by less than this.
MIN_NORMALIZING_STD = 0.001

UNKNOWN_METHOD = "unknown drift method {name!r}; valid methods: {valid}"
METHOD_KIND_MISMATCH = "drift method {name!r} does not accept {kind} columns (accepts: {kinds})"
TWO_CATEGORIES_ONLY = "the z-test compares two categories; this column has {count}"
DUPLICATE_METHOD = "a drift method named {name!r} is already registered; pass replace=True"


@dataclass(frozen=True)
class MethodInput:
    """What a method receives for one column.

    Attributes
    ----------
    reference, current : ColumnSummary
        Summaries of the column in each data set.
    reference_sample, current_sample : numpy.ndarray or None
        Every usable value, for methods registered with ``uses_samples=True``; None otherwise.
    """

    reference: ColumnSummary
    current: ColumnSummary
    reference_sample: np.ndarray | None = None
    current_sample: np.ndarray | None = None

    def samples(self) -> tuple[np.ndarray, np.ndarray]:
        """Return both samples, rebuilt from exact summaries when they were not passed."""
        if self.reference_sample is not None and self.current_sample is not None:
            return self.reference_sample, self.current_sample
        return self.reference.sample(), self.current.sample()


@dataclass(frozen=True)
class MethodScore:
    """A method's output: a statistic and, for hypothesis tests, a p-value.

    ``error_bound`` is set when the statistic comes from sketches (beyond memory): it is then
    within that much of the exact statistic.
    """

    statistic: float
    p_value: float | None = None
    error_bound: float | None = None


MethodFunction = Callable[[MethodInput], MethodScore]


@dataclass(frozen=True)
class DriftMethod:
    """A registered drift method.

    Attributes
    ----------
    name : str
        Registry key, used in configs and reports.
    function : callable
        ``function(MethodInput) -> MethodScore``.
    kinds : frozenset of ColumnKind
        Column kinds the method accepts.
    threshold : float
        Default threshold (a p-value level for tests, a distance for distances).
    score : {"p_value", "distance"}
        What the threshold applies to.
    uses_samples : bool
        Whether the method needs every value rather than the summary.
    description : str
        One line shown in reports.
    """

    name: str
    function: MethodFunction
    kinds: frozenset[ColumnKind]
    threshold: float
    score: ScoreType
    uses_samples: bool = False
    description: str = ""

    def is_drift(self, score: MethodScore, threshold: float) -> bool:
        """Apply ``threshold`` to ``score`` the way this method's score type says."""
        if self.score == "p_value":
            return bool(score.p_value is not None and score.p_value < threshold)
        return bool(score.statistic >= threshold)

    def compute(self, inputs: MethodInput) -> MethodScore:
        """Run the method on one column, checking the column kind first."""
        kind = inputs.reference.kind
        if kind not in self.kinds:
            raise InvalidInputError(
                METHOD_KIND_MISMATCH.format(
                    name=self.name, kind=kind, kinds=", ".join(sorted(self.kinds))
                )
            )
        return self.function(inputs)


_REGISTRY: dict[str, DriftMethod] = {}


def register_method(
    name: str,
    function: MethodFunction,
    *,
    kinds: Iterable[str | ColumnKind],
    threshold: float,
    score: ScoreType = "distance",
    uses_samples: bool = False,
    description: str = "",
    replace: bool = False,
) -> DriftMethod:
    """Register a drift method under ``name`` and return it.

    Parameters
    ----------
    name : str
        Key used in ``methods=`` mappings and configs.
    function : callable
        ``function(MethodInput) -> MethodScore``.
    kinds : iterable of str
        Column kinds accepted: ``"numeric"``, ``"categorical"``, ``"boolean"``, ``"datetime"``.
    threshold : float
        Default threshold.
    score : {"distance", "p_value"}, default "distance"
        ``"p_value"``: drift when the p-value is below the threshold; ``"distance"``: drift when
        the statistic reaches it.
    uses_samples : bool, default False
        Pass every value to the method (slower at millions of rows).
    description : str, optional
        One line for reports.
    replace : bool, default False
        Allow replacing a method already registered under ``name``.

    Raises
    ------
    InvalidInputError
        When ``name`` is taken and ``replace`` is False, or a kind is unknown.
    """
    if name in _REGISTRY and not replace:
        raise InvalidInputError(DUPLICATE_METHOD.format(name=name))
    try:
        accepted = frozenset(ColumnKind(kind) for kind in kinds)
    except ValueError as err:
        raise InvalidInputError(f"unknown column kind in {list(kinds)}: {err}") from err
    method = DriftMethod(name, function, accepted, threshold, score, uses_samples, description)
    _REGISTRY[name] = method
    return method


def get_method(name: str) -> DriftMethod:
    """Return the method registered as ``name``; the error lists the valid names."""
    try:
        return _REGISTRY[name]
    except KeyError:
        valid = ", ".join(sorted(_REGISTRY))
        raise UnknownNameError(
            name, tuple(valid), message=UNKNOWN_METHOD.format(name=name, valid=valid)
        ) from None


def available_methods() -> tuple[str, ...]:
    """Names of every registered method, sorted."""
    return tuple(sorted(_REGISTRY))


def default_method_name(kind: ColumnKind, reference_count: int, distinct_values: int) -> str:
    """The method used when none is configured, following Evidently's defaults.

    Up to 1,000 reference values: Kolmogorov–Smirnov for numeric columns with more than five
    distinct values, chi-square for other columns with more than two, the two-proportion z-test
    for two. Larger references: normalized Wasserstein for numeric columns with more than five
    distinct values, Jensen–Shannon distance otherwise. P-value tests flag negligible
    differences at millions of rows, which is why distances take over for large samples.
    """
    continuous = kind in (ColumnKind.NUMERIC, ColumnKind.DATETIME) and (
        distinct_values > FEW_DISTINCT_VALUES
    )
    if reference_count <= SMALL_SAMPLE_ROWS:
        if continuous:
            return "ks"
        return "chisquare" if distinct_values > 2 else "z"
    return "wasserstein" if continuous else "jensenshannon"


# --- the built-in methods ------------------------------------------------------------------


def _ks(inputs: MethodInput) -> MethodScore:
    from scipy.stats import ks_2samp

    reference, current = inputs.samples()
    result = ks_2samp(reference, current)
    return MethodScore(float(result.statistic), float(result.pvalue))


def _chisquare(inputs: MethodInput) -> MethodScore:
    from scipy.stats import chi2_contingency

    _, ref_counts, cur_counts = align(inputs.reference, inputs.current)
    table = np.vstack([ref_counts, cur_counts])
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2:
        return MethodScore(0.0, 1.0)
    result = chi2_contingency(table, correction=False)
    return MethodScore(float(result.statistic), float(result.pvalue))


def _z(inputs: MethodInput) -> MethodScore:
    from statsmodels.stats.proportion import proportions_ztest

    support, ref_counts, cur_counts = align(inputs.reference, inputs.current)
    if len(support) > 2:
        raise InvalidInputError(TWO_CATEGORIES_ONLY.format(count=len(support)))
    n_ref, n_cur = int(ref_counts.sum()), int(cur_counts.sum())
    pooled = (ref_counts[0] + cur_counts[0]) / (n_ref + n_cur)
    if len(support) < 2 or pooled in (0.0, 1.0):
        return MethodScore(0.0, 1.0)
    statistic, p_value = proportions_ztest([ref_counts[0], cur_counts[0]], [n_ref, n_cur])
    return MethodScore(float(statistic), float(p_value))


def _wasserstein(inputs: MethodInput) -> MethodScore:
    support, ref_counts, cur_counts = align(inputs.reference, inputs.current)
    gap = np.cumsum(ref_counts)[:-1] / ref_counts.sum() - np.cumsum(cur_counts)[:-1] / (
        cur_counts.sum()
    )
    distance = float(np.sum(np.abs(gap) * np.diff(support.astype(np.float64))))
    return MethodScore(distance / max(inputs.reference.std, MIN_NORMALIZING_STD))


def _jensenshannon(inputs: MethodInput) -> MethodScore:
    # Same formula as scipy.spatial.distance.jensenshannon (natural log), without importing
    # scipy.spatial (~0.3 s) for the default large-sample method; tests check equality.
    reference, current = binned_frequencies(inputs.reference, inputs.current, fill_zeros=False)
    p, q = reference / reference.sum(), current / current.sum()
    m = (p + q) / 2
    divergence = np.sum(_relative_entropy(p, m)) + np.sum(_relative_entropy(q, m))
    return MethodScore(float(np.sqrt(max(divergence / 2, 0.0))))


def _relative_entropy(p: np.ndarray, m: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(p > 0, p * np.log(p / np.where(m > 0, m, 1.0)), 0.0)


def _psi(inputs: MethodInput) -> MethodScore:
    reference, current = binned_frequencies(inputs.reference, inputs.current, fill_zeros=True)
    return MethodScore(float(np.sum((reference - current) * np.log(reference / current))))


def _hellinger(inputs: MethodInput) -> MethodScore:
    reference, current = binned_frequencies(inputs.reference, inputs.current, fill_zeros=False)
    reference, current = reference / reference.sum(), current / current.sum()
    return MethodScore(float(np.sqrt(0.5 * np.sum((np.sqrt(reference) - np.sqrt(current)) ** 2))))


def _tvd(inputs: MethodInput) -> MethodScore:
    reference, current = binned_frequencies(inputs.reference, inputs.current, fill_zeros=False)
    return MethodScore(
        float(0.5 * np.sum(np.abs(reference / reference.sum() - current / current.sum())))
    )


def _anderson(inputs: MethodInput) -> MethodScore:
    from scipy.stats import anderson_ksamp

    reference, current = inputs.samples()
    with warnings.catch_warnings():
        # scipy caps the p-value to [0.001, 0.25] and warns each time; the cap is documented.
        warnings.filterwarnings("ignore", message="p-value (capped|floored)", category=UserWarning)
        result = anderson_ksamp([reference, current], variant="midrank")
    return MethodScore(float(result.statistic), float(result.pvalue))


def _cramervonmises(inputs: MethodInput) -> MethodScore:
    from scipy.stats import cramervonmises_2samp

    reference, current = inputs.samples()
    result = cramervonmises_2samp(reference, current)
    return MethodScore(float(result.statistic), float(result.pvalue))


def _energy(inputs: MethodInput) -> MethodScore:
    from scipy.stats import energy_distance

    reference, current = inputs.samples()
    return MethodScore(float(energy_distance(reference, current)))


_NUMERIC = ("numeric", "datetime")
_ANY = ("numeric", "datetime", "categorical", "boolean")
_BUILT_INS: tuple[tuple[str, MethodFunction, tuple[str, ...], float, ScoreType, bool, str], ...] = (
    ("ks", _ks, _NUMERIC, 0.05, "p_value", True, "Kolmogorov–Smirnov two-sample test"),
    ("chisquare", _chisquare, _ANY, 0.05, "p_value", False, "chi-square test of homogeneity"),
    ("z", _z, _ANY, 0.05, "p_value", False, "two-proportion z-test (two categories)"),
    (
        "wasserstein",
        _wasserstein,
        _NUMERIC,
        0.1,
        "distance",
        False,
        "Wasserstein distance divided by the reference standard deviation",
    ),
    (
        "jensenshannon",
        _jensenshannon,
        _ANY,
        0.1,
        "distance",
        False,
        "Jensen–Shannon distance of binned or categorical shares",
    ),
    ("psi", _psi, _ANY, 0.1, "distance", False, "population stability index"),
    ("hellinger", _hellinger, _ANY, 0.1, "distance", False, "Hellinger distance"),
    ("tvd", _tvd, _ANY, 0.1, "distance", False, "total variation distance"),
    ("anderson", _anderson, _NUMERIC, 0.05, "p_value", True, "Anderson–Darling k-sample test"),
    (
        "cramervonmises",
        _cramervonmises,
        _NUMERIC,
        0.05,
        "p_value",
        True,
        "Cramér–von Mises two-sample test",
    ),
    ("energy", _energy, _NUMERIC, 0.1, "distance", True, "energy distance"),
)

for _name, _function, _kinds, _threshold, _score, _samples, _text in _BUILT_INS:
    register_method(
        _name,
        _function,
        kinds=_kinds,
        threshold=_threshold,
        score=_score,
        uses_samples=_samples,
        description=_text,
    )

"""Every built-in method against scipy/statsmodels, and the method registry."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy import stats
from scipy.spatial.distance import jensenshannon
from statsmodels.stats.proportion import proportions_ztest

from mlops_notebooks._kinds import ColumnKind
from mlops_notebooks.drift import methods as m
from mlops_notebooks.drift.summaries import ColumnPlan, summarize
from mlops_notebooks.errors import InvalidInputError


def _inputs(a: np.ndarray, b: np.ndarray, kind: ColumnKind = ColumnKind.NUMERIC) -> m.MethodInput:
    plan = ColumnPlan("x", kind)
    return m.MethodInput(summarize(pl.Series("x", a), plan), summarize(pl.Series("x", b), plan))


@pytest.fixture
def samples(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return rng.normal(0, 1, 400).round(2), rng.normal(0.3, 1.2, 300).round(2)


def test_ks_equals_scipy(samples: tuple[np.ndarray, np.ndarray]) -> None:
    score = m.get_method("ks").compute(_inputs(*samples))
    expected = stats.ks_2samp(*samples)
    assert score.statistic == pytest.approx(expected.statistic, abs=1e-9)
    assert score.p_value == pytest.approx(expected.pvalue, abs=1e-9)


def test_wasserstein_equals_scipy_divided_by_reference_std(
    samples: tuple[np.ndarray, np.ndarray],
) -> None:
    a, b = samples
    score = m.get_method("wasserstein").compute(_inputs(a, b))
    assert score.statistic == pytest.approx(stats.wasserstein_distance(a, b) / np.std(a), abs=1e-9)


@pytest.mark.parametrize(
    ("name", "function"),
    [
        ("anderson", lambda a, b: stats.anderson_ksamp([a, b], variant="midrank")),
        ("cramervonmises", stats.cramervonmises_2samp),
    ],
)
def test_sample_tests_equal_scipy(name: str, function, samples) -> None:  # type: ignore[no-untyped-def]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        expected = function(*samples)
    score = m.get_method(name).compute(_inputs(*samples))
    assert score.statistic == pytest.approx(expected.statistic, abs=1e-9)
    assert score.p_value == pytest.approx(expected.pvalue, abs=1e-9)


def test_energy_equals_scipy(samples: tuple[np.ndarray, np.ndarray]) -> None:
    score = m.get_method("energy").compute(_inputs(*samples))
    assert score.statistic == pytest.approx(stats.energy_distance(*samples), abs=1e-9)


def test_chisquare_equals_chi2_contingency_with_new_category() -> None:
    a = np.array(["a"] * 50 + ["b"] * 30 + ["c"] * 20, dtype=object)
    b = np.array(["a"] * 20 + ["b"] * 30 + ["d"] * 10, dtype=object)
    score = m.get_method("chisquare").compute(_inputs(a, b, ColumnKind.CATEGORICAL))
    table = np.array([[50, 30, 20, 0], [20, 30, 0, 10]])
    expected = stats.chi2_contingency(table, correction=False)
    assert score.statistic == pytest.approx(expected.statistic, abs=1e-9)
    assert score.p_value == pytest.approx(expected.pvalue, abs=1e-9)


def test_z_equals_statsmodels() -> None:
    a = np.array([True] * 30 + [False] * 70)
    b = np.array([True] * 45 + [False] * 55)
    score = m.get_method("z").compute(_inputs(a, b, ColumnKind.BOOLEAN))
    statistic, p_value = proportions_ztest([70, 55], [100, 100])  # "false" sorts first
    assert score.statistic == pytest.approx(statistic, abs=1e-9)
    assert score.p_value == pytest.approx(p_value, abs=1e-9)


def test_z_on_identical_constant_column_is_no_drift() -> None:
    a = np.array([True] * 10)
    score = m.get_method("z").compute(_inputs(a, a, ColumnKind.BOOLEAN))
    assert (score.statistic, score.p_value) == (0.0, 1.0)


def test_z_rejects_three_categories() -> None:
    a = np.array(["a", "b", "c"], dtype=object)
    with pytest.raises(InvalidInputError, match="two categories; this column has 3"):
        m.get_method("z").compute(_inputs(a, a, ColumnKind.CATEGORICAL))


def _evidently_binned(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    bins = np.histogram_bin_edges(np.concatenate([a, b]), bins="sturges")
    return np.histogram(a, bins)[0] / len(a), np.histogram(b, bins)[0] / len(b)


def test_binned_distances_equal_reference_formulas(samples: tuple[np.ndarray, np.ndarray]) -> None:
    a, b = samples
    p, q = _evidently_binned(a, b)
    inputs = _inputs(a, b)
    assert m.get_method("jensenshannon").compute(inputs).statistic == pytest.approx(
        jensenshannon(p, q), abs=1e-9
    )
    assert m.get_method("tvd").compute(inputs).statistic == pytest.approx(
        0.5 * np.abs(p - q).sum(), abs=1e-9
    )
    hellinger = np.sqrt(0.5 * np.sum((np.sqrt(p) - np.sqrt(q)) ** 2))
    assert m.get_method("hellinger").compute(inputs).statistic == pytest.approx(hellinger, abs=1e-9)
    pf, qf = np.where(p == 0, 1e-4, p), np.where(q == 0, 1e-4, q)
    assert m.get_method("psi").compute(inputs).statistic == pytest.approx(
        np.sum((pf - qf) * np.log(pf / qf)), abs=1e-9
    )


def test_jensenshannon_on_categories_equals_scipy() -> None:
    a = np.array(["x"] * 60 + ["y"] * 40, dtype=object)
    b = np.array(["x"] * 30 + ["y"] * 50 + ["z"] * 20, dtype=object)
    score = m.get_method("jensenshannon").compute(_inputs(a, b, ColumnKind.CATEGORICAL))
    assert score.statistic == pytest.approx(
        jensenshannon([0.6, 0.4, 0.0], [0.3, 0.5, 0.2]), abs=1e-9
    )


def test_unknown_method_lists_valid_names() -> None:
    with pytest.raises(InvalidInputError) as err:
        m.get_method("nope")
    assert str(err.value) == m.UNKNOWN_METHOD.format(
        name="nope", valid=", ".join(m.available_methods())
    )
    for name in (
        "ks",
        "chisquare",
        "z",
        "psi",
        "wasserstein",
        "jensenshannon",
        "hellinger",
        "tvd",
        "anderson",
        "cramervonmises",
        "energy",
    ):
        assert name in str(err.value)


def test_register_custom_method_and_reject_duplicates() -> None:
    def mean_shift(inputs: m.MethodInput) -> m.MethodScore:
        return m.MethodScore(abs(inputs.current.mean - inputs.reference.mean))

    method = m.register_method("test_mean_shift", mean_shift, kinds=["numeric"], threshold=0.5)
    try:
        score = method.compute(_inputs(np.zeros(5), np.ones(5)))
        assert score.statistic == 1.0 and method.is_drift(score, 0.5)
        with pytest.raises(InvalidInputError, match="already registered"):
            m.register_method("test_mean_shift", mean_shift, kinds=["numeric"], threshold=0.5)
    finally:
        m._REGISTRY.pop("test_mean_shift")


def test_method_rejects_wrong_kind() -> None:
    a = np.array(["a", "b"], dtype=object)
    with pytest.raises(InvalidInputError, match="does not accept categorical"):
        m.get_method("ks").compute(_inputs(a, a, ColumnKind.CATEGORICAL))


@pytest.mark.parametrize(
    ("kind", "rows", "distinct", "expected"),
    [
        (ColumnKind.NUMERIC, 500, 100, "ks"),
        (ColumnKind.NUMERIC, 500, 4, "chisquare"),
        (ColumnKind.CATEGORICAL, 500, 2, "z"),
        (ColumnKind.BOOLEAN, 500, 2, "z"),
        (ColumnKind.NUMERIC, 5000, 100, "wasserstein"),
        (ColumnKind.NUMERIC, 5000, 3, "jensenshannon"),
        (ColumnKind.CATEGORICAL, 5000, 30, "jensenshannon"),
    ],
)
def test_default_methods_follow_kind_and_size(kind, rows, distinct, expected) -> None:  # type: ignore[no-untyped-def]
    assert m.default_method_name(kind, rows, distinct) == expected

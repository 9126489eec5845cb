"""Correlations equal pandas / scipy and a reference Cramér's V; planted associations found."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest
from scipy import stats

from mlops_notebooks.eda import correlations
from mlops_notebooks.eda._pairwise import cramers_v
from mlops_notebooks.eda.association import UNKNOWN_TARGET, UNUSABLE_TARGET
from mlops_notebooks.errors import InvalidInputError, UnknownNameError


@pytest.fixture
def planted(rng: np.random.Generator) -> pd.DataFrame:
    n = 3_000
    x = rng.normal(size=n)
    group = rng.choice(["a", "b", "c", "d"], n)
    shift = pd.Series(group).map({"a": 0.0, "b": 1.0, "c": 2.0, "d": 3.0}).to_numpy()
    follower = np.where(rng.random(n) < 0.8, group, rng.choice(["a", "b", "c", "d"], n))
    y = 2 * x + rng.normal(size=n)
    y[rng.random(n) < 0.1] = np.nan
    return pd.DataFrame(
        {
            "x": x,
            "y": y,
            "z": np.exp(x) + rng.normal(scale=0.1, size=n),
            "by_group": shift + rng.normal(scale=0.5, size=n),
            "group": group,
            "follower": pd.Series(follower).where(rng.random(n) > 0.05, None),
        }
    )


def _reference_cramers_v(a: pd.Series, b: pd.Series) -> float:
    """Bergsma's bias-corrected V written out from a pandas crosstab."""
    table = pd.crosstab(a, b).to_numpy()
    n = table.sum()
    chi2 = stats.chi2_contingency(table, correction=False)[0]
    r, k = table.shape
    phi2 = max(0.0, chi2 / n - (k - 1) * (r - 1) / (n - 1))
    r_c, k_c = r - (r - 1) ** 2 / (n - 1), k - (k - 1) ** 2 / (n - 1)
    return float(np.sqrt(phi2 / min(k_c - 1, r_c - 1)))


def _reference_eta(values: pd.Series, groups: pd.Series) -> float:
    keep = values.notna() & groups.notna()
    v, g = values[keep], groups[keep]
    means = v.groupby(g).transform("mean")
    return float(np.sqrt(((means - v.mean()) ** 2).sum() / ((v - v.mean()) ** 2).sum()))


def test_pearson_equals_pandas_pairwise(planted: pd.DataFrame, as_input) -> None:  # type: ignore[no-untyped-def]
    report = correlations(as_input(planted))
    numeric = list(report.numeric_columns)
    assert numeric == ["x", "y", "z", "by_group"]
    expected = planted[numeric].corr().to_numpy()
    np.testing.assert_allclose(report.pearson, expected, rtol=0, atol=1e-12)


def test_spearman_equals_scipy_without_missing_values(planted: pd.DataFrame) -> None:
    complete = planted[["x", "z", "by_group"]]
    report = correlations(complete, spearman_rows=None)
    expected = stats.spearmanr(complete.to_numpy()).statistic
    np.testing.assert_allclose(report.spearman, expected, rtol=0, atol=1e-9)
    assert report.spearman[0, 1] > 0.99  # z is a monotone function of x plus noise


def test_spearman_sample_is_seeded_and_bounded(planted: pd.DataFrame) -> None:
    first = correlations(planted[["x", "z"]], spearman_rows=500, seed=3)
    second = correlations(planted[["x", "z"]], spearman_rows=500, seed=3)
    assert first.spearman_rows == 500
    np.testing.assert_array_equal(first.spearman, second.spearman)


def test_cramers_v_matches_reference_formula(planted: pd.DataFrame) -> None:
    report = correlations(planted)
    assert list(report.categorical_columns) == ["group", "follower"]
    expected = _reference_cramers_v(planted["group"], planted["follower"])
    assert report.cramers_v[0, 1] == pytest.approx(expected, abs=1e-12)
    assert report.cramers_v[0, 1] > 0.7


def test_cramers_v_is_near_zero_for_independent_columns(rng: np.random.Generator) -> None:
    table = np.histogram2d(rng.integers(0, 5, 20_000), rng.integers(0, 7, 20_000), bins=(5, 7))[0]
    assert cramers_v(table) < 0.02


def test_correlation_ratio_matches_reference(planted: pd.DataFrame) -> None:
    report = correlations(planted)
    frame = report.matrix("correlation_ratio")
    for numeric in report.numeric_columns:
        for group in report.categorical_columns:
            expected = _reference_eta(planted[numeric], planted[group])
            assert frame.loc[numeric, group] == pytest.approx(expected, abs=1e-12)
    assert frame.loc["by_group", "group"] > 0.8


def test_top_pairs_and_target(planted: pd.DataFrame) -> None:
    report = correlations(planted, target="y")
    top = report.top_pairs(3)
    assert {tuple(r[:2]) for r in top.iter_rows()} & {("x", "y"), ("x", "z")}
    with_target = report.with_target()
    best = with_target.row(0, named=True)
    assert best["column"] == "x" and best["method"] == "pearson"
    assert set(with_target.get_column("column")) == {"x", "z", "by_group", "group", "follower"}


def test_constant_column_gives_nan_not_a_number(rng: np.random.Generator) -> None:
    frame = pl.DataFrame({"a": rng.normal(size=50), "b": np.ones(50), "c": ["u", "v"] * 25})
    report = correlations(frame)
    assert np.isnan(report.pearson[0, 1])
    assert np.isnan(report.correlation_ratio[1, 0])
    assert report.to_dict()["pearson"][0][1] is None


def test_high_cardinality_columns_are_skipped_with_reason(rng: np.random.Generator) -> None:
    frame = pl.DataFrame({"x": rng.normal(size=3_000), "c": [f"v{i % 1500}" for i in range(3_000)]})
    report = correlations(frame)
    assert report.categorical_columns == ()
    assert "c" in report.skipped


def test_errors_are_typed(planted: pd.DataFrame) -> None:
    with pytest.raises(InvalidInputError) as error:
        correlations(planted, target="nope")
    assert str(error.value) == UNKNOWN_TARGET.format(target="nope")
    frame = planted.assign(when=pd.date_range("2024-01-01", periods=len(planted), freq="min"))
    with pytest.raises(InvalidInputError) as error:
        correlations(frame, target="when")
    assert str(error.value) == UNUSABLE_TARGET.format(target="when", kind="datetime")
    with pytest.raises(UnknownNameError) as unknown:
        correlations(planted).matrix("kendall")  # type: ignore[arg-type]
    assert unknown.value.valid == ("pearson", "spearman", "cramers_v", "correlation_ratio")


def test_chunked_sums_equal_one_pass(
    planted: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = correlations(planted)
    monkeypatch.setattr("mlops_notebooks.eda.association.CHUNK_ROWS", 700)
    chunked = correlations(planted)
    np.testing.assert_allclose(chunked.pearson, whole.pearson, atol=1e-12)
    np.testing.assert_allclose(chunked.correlation_ratio, whole.correlation_ratio, atol=1e-12)


def test_pearson_chi2_equals_scipy(rng: np.random.Generator) -> None:
    from mlops_notebooks.eda._pairwise import pearson_chi2

    table = rng.integers(1, 50, size=(6, 4)).astype(float)
    expected = stats.chi2_contingency(table, correction=False).statistic
    assert pearson_chi2(table) == pytest.approx(expected, rel=1e-12)


def test_large_data_uses_a_seeded_row_sample(planted: pd.DataFrame) -> None:
    first = correlations(planted, sample_rows=1_000, seed=5)
    second = correlations(planted, sample_rows=1_000, seed=5)
    assert (first.rows, first.total_rows) == (1_000, len(planted))
    np.testing.assert_array_equal(first.pearson, second.pearson)
    everything = correlations(planted, sample_rows=None)
    assert everything.rows == len(planted)
    # The planted x ~ y correlation is estimated within a few standard errors.
    assert abs(first.pearson[0, 1] - everything.pearson[0, 1]) < 4 / np.sqrt(1_000)

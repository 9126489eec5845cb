"""Domain classifier and PCA reconstruction: a planted change in correlation only."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mlops_notebooks.drift import compare, domain_classifier_drift, reconstruction_drift
from mlops_notebooks.drift.domain import NO_FEATURES
from mlops_notebooks.drift.multivariate import NO_NUMERIC, _hanley_mcneil_se
from mlops_notebooks.errors import InvalidInputError
from tests.drift.conftest import as_backend


def _correlated(rng: np.random.Generator, rows: int, rho: float) -> pl.DataFrame:
    x1 = rng.normal(size=rows)
    x2 = rho * x1 + np.sqrt(1 - rho**2) * rng.normal(size=rows)
    return pl.DataFrame(
        {
            "x1": x1,
            "x2": x2,
            "noise": rng.normal(size=rows),
            "group": rng.choice(["a", "b", "c"], rows),
            "row_id": np.arange(rows),
        }
    )


@pytest.fixture
def flipped(rng: np.random.Generator) -> tuple[pl.DataFrame, pl.DataFrame]:
    return _correlated(rng, 1500, 0.9), _correlated(rng, 1500, -0.9)


def test_correlation_flip_is_invisible_per_column(flipped) -> None:  # type: ignore[no-untyped-def]
    report = compare(*flipped)
    assert report.drifted_columns == ()


def test_domain_classifier_finds_the_flip_and_its_drivers(flipped, backend) -> None:  # type: ignore[no-untyped-def]
    reference, current = (as_backend(f, backend) for f in flipped)
    result = domain_classifier_drift(reference, current, folds=3, n_repeats=2)
    assert result.drift and result.auc > 0.8
    assert result.auc_low < result.auc < result.auc_high
    assert len(result.fold_aucs) == 3
    assert set(result.drivers) == {"x1", "x2"}
    assert "row_id" in result.skipped
    assert result.to_frame().iloc[0]["feature"] in {"x1", "x2"}


def test_domain_classifier_same_distribution_no_drift(rng: np.random.Generator) -> None:
    result = domain_classifier_drift(
        _correlated(rng, 1500, 0.5), _correlated(rng, 1500, 0.5), folds=3, n_repeats=1
    )
    assert not result.drift and abs(result.auc - 0.5) < 0.05


def test_reconstruction_error_rises_after_the_flip(flipped) -> None:  # type: ignore[no-untyped-def]
    result = reconstruction_drift(*flipped)
    assert result.drift and result.ratio > 1.5
    assert {result.column_errors[0][0], result.column_errors[1][0]} == {"x1", "x2"}


def test_reconstruction_same_distribution(rng: np.random.Generator) -> None:
    result = reconstruction_drift(_correlated(rng, 3000, 0.9), _correlated(rng, 3000, 0.9))
    assert not result.drift


def test_hanley_mcneil_standard_error_matches_simulation(rng: np.random.Generator) -> None:
    from scipy.stats import mannwhitneyu, norm

    shift = np.sqrt(2) * norm.ppf(0.8)  # binormal scores with a true AUC of 0.8
    negatives, positives = rng.normal(size=(2000, 60)), rng.normal(shift, 1.0, (2000, 40))
    aucs = mannwhitneyu(positives, negatives, axis=1).statistic / (40 * 60)
    assert _hanley_mcneil_se(0.8, 40, 60) == pytest.approx(np.std(aucs), rel=0.1)


def test_no_usable_features() -> None:
    frame = pl.DataFrame({"t": ["a long free text value that goes on and on and on"] * 60})
    with pytest.raises(InvalidInputError) as err:
        domain_classifier_drift(frame, frame)
    assert str(err.value) == NO_FEATURES
    with pytest.raises(InvalidInputError) as err:
        reconstruction_drift(frame, frame)
    assert str(err.value) == NO_NUMERIC

"""Missing value checks: counts, co-missingness, over time, planted associations."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import polars as pl
import pytest

from mlops_notebooks.eda import missing_values
from mlops_notebooks.eda.missing import MISSING_COLUMN, NOT_TEMPORAL
from mlops_notebooks.errors import InvalidInputError, UnknownNameError


@pytest.fixture
def planted(rng: np.random.Generator) -> pd.DataFrame:
    """income goes missing for old people (not at random); phone and email go missing together."""
    n = 4_000
    age = rng.uniform(18, 90, n)
    income = rng.normal(50, 10, n)
    income[age > 70] = np.nan
    contact_missing = rng.random(n) < 0.2
    noise = rng.normal(size=n)
    noise[rng.random(n) < 0.1] = np.nan  # missing completely at random
    return pd.DataFrame(
        {
            "age": age,
            "income": income,
            "phone": np.where(contact_missing, None, "555"),
            "email": np.where(contact_missing, None, "a@b"),
            "noise": noise,
            "segment": rng.choice(["x", "y"], n),
            "day": pd.date_range("2024-01-01", periods=n, freq="h"),
        }
    )


def test_counts_per_column_and_row(planted: pd.DataFrame, as_input) -> None:  # type: ignore[no-untyped-def]
    report = missing_values(as_input(planted))
    counts = dict(report.per_column.select("column", "missing").iter_rows())
    assert counts == planted.isna().sum().to_dict()
    per_row = dict(report.per_row.iter_rows())
    expected = planted.isna().sum(axis=1).value_counts().to_dict()
    assert per_row == expected
    assert report.to_polars() is report.per_column


def test_co_missing_columns_go_together(planted: pd.DataFrame) -> None:
    report = missing_values(planted)
    assert report.co_missing.loc["phone", "email"] == pytest.approx(1.0)
    assert abs(report.co_missing.loc["phone", "noise"]) < 0.1


def test_missingness_associated_with_age_is_flagged(planted: pd.DataFrame) -> None:
    report = missing_values(planted, target="age")
    flagged = report.associations.filter(pl.col("flagged"))
    income_age = flagged.filter(
        (pl.col("missing_column") == "income") & (pl.col("other_column") == "age")
    )
    assert income_age.height == 1 and income_age.get_column("value").item() > 0.5
    assert income_age.get_column("is_target").item()
    # Missing completely at random: nothing strong.
    noise = report.associations.filter(pl.col("missing_column") == "noise")
    assert noise.get_column("value").max() < 0.1  # type: ignore[operator]


def test_over_time_share(planted: pd.DataFrame) -> None:
    report = missing_values(planted, time_column="day", frequency="1w")
    assert report.over_time is not None
    assert report.over_time.get_column("rows").sum() == len(planted)
    overall = report.over_time.select(
        (pl.col("income") * pl.col("rows")).sum() / pl.col("rows").sum()
    ).item()
    assert overall == pytest.approx(planted["income"].isna().mean())


def test_matrix_sample_is_time_ordered(planted: pd.DataFrame) -> None:
    # "late" is missing exactly in the second half of the time span: in time order its
    # indicator is all False, then all True, whatever the order of the rows given.
    late = planted["day"] > planted["day"].iloc[len(planted) // 2]
    frame = planted.assign(late=np.where(late, np.nan, 1.0))
    report = missing_values(
        frame.sample(frac=1.0, random_state=1), time_column="day", matrix_rows=300
    )
    assert report.matrix_sample.shape == (300, frame.shape[1])
    indicator = report.matrix_sample.get_column("late").to_numpy()
    assert 0 < indicator.sum() < 300
    assert (np.diff(indicator.astype(int)) >= 0).all()
    # without a time column the sample keeps the given (shuffled) order: not monotone
    unordered = missing_values(frame.sample(frac=1.0, random_state=1), matrix_rows=300)
    assert (np.diff(unordered.matrix_sample.get_column("late").to_numpy().astype(int)) < 0).any()


def test_no_missing_values_at_all() -> None:
    report = missing_values(pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]}))
    assert report.per_column.get_column("missing").sum() == 0
    assert report.co_missing.empty and report.associations.is_empty()
    document = json.loads(report.to_json())
    assert document["per_column"] == [
        {"column": "a", "missing": 0, "share": 0.0},
        {"column": "b", "missing": 0, "share": 0.0},
    ]
    assert document["associations"] == [] and document["over_time"] is None


def test_errors_are_typed(planted: pd.DataFrame) -> None:
    with pytest.raises(InvalidInputError) as error:
        missing_values(planted, time_column="nope")
    assert str(error.value) == MISSING_COLUMN.format(column="nope")
    with pytest.raises(InvalidInputError) as error:
        missing_values(planted, time_column="age")
    assert str(error.value) == NOT_TEMPORAL.format(column="age", dtype="Float64")
    with pytest.raises(UnknownNameError) as unknown:
        missing_values(planted).plot("pie")  # type: ignore[arg-type]
    assert unknown.value.valid == ("bar", "matrix", "co_missing", "over_time")


def test_plots_show_the_report(planted: pd.DataFrame) -> None:
    report = missing_values(planted, time_column="day", frequency="1w")
    missing = report.per_column.filter(pl.col("missing") > 0)
    bars = report.plot("bar").axes[0]
    assert [t.get_text() for t in bars.get_yticklabels()] == missing["column"].to_list()
    assert [p.get_width() for p in bars.patches] == pytest.approx(missing["share"].to_list())
    matrix = report.plot("matrix").axes[0].images[0].get_array()
    np.testing.assert_array_equal(matrix, report.matrix_sample.to_numpy().astype(float))
    co_missing = report.plot("co_missing").axes[0]
    assert co_missing.images[0].get_array().shape == report.co_missing.shape
    assert [t.get_text() for t in co_missing.get_xticklabels()] == list(report.co_missing.columns)
    lines = report.plot("over_time").axes[0].lines
    assert report.over_time is not None
    assert {line.get_label() for line in lines} == set(missing["column"].to_list())
    income = next(line for line in lines if line.get_label() == "income")
    np.testing.assert_allclose(income.get_ydata(), report.over_time["income"].to_numpy())
    assert "income" in report._repr_html_()

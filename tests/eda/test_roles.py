"""infer_roles: planted identifiers, calendar parts, leaks and features are found."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import polars as pl
import pytest
from sklearn.metrics import roc_auc_score

from mlops_notebooks.eda import ColumnRoles, infer_roles
from mlops_notebooks.errors import UnknownNameError


@pytest.fixture
def events(rng: np.random.Generator) -> pd.DataFrame:
    """3,000 hourly events over four months, with every role planted.

    The time column is UTC; ``local hour`` and ``local day`` are New York wall-clock parts (a shift
    of 4 or 5 hours), ``weekday (0=Mon)`` counts from 0 like pandas.
    """
    n = 3_000
    when = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(
        np.sort(rng.integers(0, 24 * 120, n)), unit="h"
    )
    local = when.tz_convert("America/New_York")
    signal = rng.normal(0.0, 1.0, n)
    label = signal + rng.normal(0.0, 1.0, n) > 0.5
    return pd.DataFrame(
        {
            "event id": rng.permutation(n) + 10_000,  # unique per row, named like a key
            "at": when,
            "year": when.year,
            "month": when.month,
            "local day": local.day,
            "weekday (0=Mon)": when.day_of_week,
            "local hour": local.hour,
            "signal": signal,  # related to the label
            "noise": rng.normal(0.0, 5.0, n),
            "score used for the label": signal * 10 + np.where(label, 1_000, 0),  # a leak
            "region": rng.choice(["north", "south", "east"], n),
            "plan": rng.choice(["free", "pro"], n),
            "city": rng.choice([f"city {i}" for i in range(60)], n),  # too many levels to group
            "label": label,
            "predicted": rng.random(n) < 0.4,
            "probability": rng.random(n),
        }
    )


def test_roles_of_planted_columns(events, as_input):
    roles = infer_roles(
        as_input(events), time_column="auto", target="label", outputs=["predicted", "probability"]
    )
    assert isinstance(roles, ColumnRoles)
    assert roles.time_column == "at"
    assert roles.calendar == {
        "year": "year",
        "month": "month",
        "local day": "day",
        "weekday (0=Mon)": "weekday",
        "local hour": "hour",
    }
    assert roles.identifiers == ("event id",)
    assert roles.target == "label"
    assert roles.outputs == ("predicted", "probability")
    assert roles.leaks == ("score used for the label",)
    assert roles.numeric == ("signal", "noise")  # most related to the label first
    assert roles.categorical == ("region", "plan", "city")
    assert roles.groups == ("plan", "region")  # fewest levels first; city has 60
    assert roles.drift_ignore == ["event id", "at", *roles.calendar]
    assert set(roles.model_ignore) == {
        "event id", "at", *roles.calendar, "label", "predicted", "probability",
        "score used for the label",
    }  # fmt: skip


def test_target_auc_is_scikit_learns(events):
    roles = infer_roles(events, time_column=None, target="label")
    expected = roc_auc_score(events["label"], events["signal"])
    assert roles.column("signal")["target_auc"] == pytest.approx(expected, abs=1e-12)
    noise = roc_auc_score(events["label"], events["noise"])
    assert roles.column("noise")["target_auc"] == pytest.approx(max(noise, 1 - noise), abs=1e-12)
    assert roles.column("region")["target_auc"] is None  # only numeric columns are scored


def test_facts_in_the_table(events):
    frame = pl.from_pandas(events).with_columns(
        pl.when(pl.col("noise") > 0).then(None).otherwise(pl.col("signal")).alias("signal")
    )
    roles = infer_roles(frame, time_column="at")
    row = roles.column("signal")
    assert row["missing_share"] == pytest.approx(frame["signal"].null_count() / frame.height)
    assert row["distinct"] == frame["signal"].drop_nulls().n_unique()
    values = frame["noise"].to_numpy()
    std = values.std(ddof=1)
    expected = std / (abs(values.mean()) + std)
    assert roles.column("noise")["variability"] == pytest.approx(expected, rel=1e-9)


def test_defaults_for_plots_and_features(events):
    frame = events.assign(noise=events["noise"].where(events["noise"] > 0))  # half missing
    roles = infer_roles(frame, time_column="at", target="label", outputs=["predicted"])
    # leaks first, then the most missing, then the most related to the target
    assert roles.columns_to_plot(top_k=3) == [
        "score used for the label", "noise", "signal", "region",
    ]  # fmt: skip
    assert roles.features(top_k=4) == ["plan", "region", "signal", "noise"]
    assert roles.value_column == "score used for the label"
    assert roles.group_column == "plan"


def test_without_a_target_numeric_columns_rank_by_variability(events):
    roles = infer_roles(events.drop(columns=["label"]), time_column="at", target="label")
    assert roles.target is None and roles.leaks == ()
    variability = {c: roles.column(c)["variability"] for c in roles.numeric}
    assert list(roles.numeric) == sorted(variability, key=lambda c: -variability[c])


def test_string_time_column_is_parsed_for_calendar_parts():
    when = pl.datetime_range(
        pl.datetime(2013, 1, 1), pl.datetime(2013, 3, 1), "1h", eager=True, time_zone="UTC"
    )
    frame = pl.DataFrame(
        {
            "time_hour": when.dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "month": when.dt.month().cast(pl.Int64),
            "hour": when.dt.convert_time_zone("America/New_York").dt.hour().cast(pl.Int64),
            "reading": np.arange(when.len()) % 13,
        }
    )
    roles = infer_roles(frame, time_column="time_hour")
    assert roles.calendar == {"month": "month", "hour": "hour"}
    assert roles.numeric == ("reading",)


def test_no_time_column():
    frame = pl.DataFrame({"a": [1, 2, 3] * 30, "b": ["x", "y", "z"] * 30})
    for time_column in (None, "", "auto"):
        roles = infer_roles(frame, time_column=time_column)
        assert roles.time_column is None and roles.calendar == {}
    assert roles.summary() == "Left out of drift: nothing."


def test_unknown_time_column_lists_the_columns():
    frame = pl.DataFrame({"when": [1, 2], "value": [1.0, 2.0]})
    with pytest.raises(UnknownNameError, match="time column 'time'"):
        infer_roles(frame, time_column="time")
    roles = infer_roles(frame, time_column=None)
    with pytest.raises(UnknownNameError):
        roles.column("nope")


def test_summary_and_serialisation(events):
    roles = infer_roles(events, time_column="at", target="label")
    assert roles.summary() == (
        "Left out of drift: time column `at`; its calendar parts `year` (year), `month` (month), "
        "`local day` (day), `weekday (0=Mon)` (weekday), `local hour` (hour); identifiers "
        "`event id`. Left out of models as target leaks: `score used for the label`."
    )
    data = json.loads(roles.to_json())
    assert data["identifiers"] == ["event id"]
    assert data["calendar"]["local hour"] == "hour"
    assert [row["column"] for row in data["columns"]] == list(events.columns)
    assert roles.to_frame().shape == (len(events.columns), 8)
    assert "score used for the label" in roles._repr_html_()


def test_a_float_column_with_distinct_values_is_not_an_identifier(rng):
    frame = pl.DataFrame({"measurement": rng.normal(0, 1, 500), "n": np.arange(500) % 7})
    roles = infer_roles(frame)
    assert roles.identifiers == () and roles.numeric[0] in ("measurement", "n")


def test_a_single_month_is_named_month_not_quarter():
    when = pl.datetime_range(
        pl.datetime(2013, 1, 1), pl.datetime(2013, 1, 31), "1h", eager=True, time_zone="UTC"
    )
    frame = pl.DataFrame(
        {
            "time_hour": when,
            "month": when.dt.month().cast(pl.Int64),  # 1 throughout: also the quarter
            "period": when.dt.quarter().cast(pl.Int64),
            "reading": np.arange(when.len()) % 13,
        }
    )
    roles = infer_roles(frame, time_column="time_hour")
    assert roles.calendar == {"month": "month", "period": "quarter"}

"""Metrics per period: values per month, ISO strings accepted, bad inputs rejected."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from sklearn import metrics as skm

from mlops_notebooks._frequency import BAD_FREQUENCY, UNITS
from mlops_notebooks.errors import FrequencyError, InvalidInputError
from mlops_notebooks.evaluation import evaluate
from mlops_notebooks.evaluation import over_time as messages


def _frame(rng: np.random.Generator) -> pl.DataFrame:
    n = 1200
    day = rng.integers(0, 90, n)
    probability = rng.random(n)
    return pl.DataFrame(
        {
            "time": [f"2013-{1 + d // 30:02d}-{1 + d % 28:02d}T10:00:00" for d in day],
            "target": rng.random(n) < probability,
            "probability": probability,
        }
    )


def test_iso_strings_and_auc_per_month(rng):
    frame = _frame(rng)
    report = evaluate(
        frame, target="target", probabilities="probability", time_column="time", n_bootstrap=0
    )
    table = report.over_time
    assert table["n_rows"].to_list() == [
        int((frame["time"].str.slice(5, 2) == m).sum()) for m in ("01", "02", "03")
    ]
    march = frame.filter(pl.col("time").str.starts_with("2013-03"))
    assert table["roc_auc"][2] == pytest.approx(
        skm.roc_auc_score(march["target"], march["probability"]), abs=1e-12
    )


def test_bad_time_inputs(rng):
    frame = _frame(rng)
    with pytest.raises(InvalidInputError) as caught:
        evaluate(frame, target="target", probabilities="probability", time_column="probability")
    assert str(caught.value) == messages.NOT_A_TIME.format(name="probability", dtype="Float64")
    with pytest.raises(FrequencyError) as caught:
        evaluate(
            frame,
            target="target",
            probabilities="probability",
            time_column="time",
            frequency="often",
        )
    assert str(caught.value) == BAD_FREQUENCY.format(value="often", units=", ".join(UNITS))


def test_every_is_the_deprecated_name_of_frequency(rng):
    frame = _frame(rng)
    new = evaluate(
        frame, target="target", probabilities="probability", time_column="time", frequency="1w"
    )
    with pytest.warns(DeprecationWarning, match="'every' is deprecated"):
        old = evaluate(
            frame, target="target", probabilities="probability", time_column="time", every="1w"
        )
    assert old.over_time is not None and new.over_time is not None
    assert old.over_time.equals(new.over_time)

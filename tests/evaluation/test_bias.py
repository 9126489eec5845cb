"""Group metrics equal fairlearn's MetricFrame; planted gaps are flagged."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    equalized_odds_difference,
    selection_rate,
)
from matplotlib.figure import Figure
from sklearn.metrics import accuracy_score

from mlops_notebooks.evaluation import assess_bias

from .conftest import binary_frame


def test_group_metrics_equal_fairlearn(rng, to_frame):
    frame = binary_frame(rng, 4000)
    report = assess_bias(
        to_frame(frame),
        target="target",
        prediction="prediction",
        groups=["origin", "carrier"],
        n_bootstrap=20,
    )
    y, yhat = frame["target"].to_numpy(), frame["prediction"].to_numpy()
    reference = MetricFrame(
        metrics={"accuracy": accuracy_score, "selection_rate": selection_rate},
        y_true=y,
        y_pred=yhat,
        sensitive_features=frame["origin"].to_numpy(),
    )
    rows = report.by_group.filter(pl.col("grouping") == "origin")
    for metric in ("accuracy", "selection_rate"):
        for group, value in reference.by_group[metric].items():
            ours = rows.filter((pl.col("metric") == metric) & (pl.col("group") == group))["value"][
                0
            ]
            assert ours == pytest.approx(value, abs=1e-12)
    summary = report.summary.filter(pl.col("grouping") == "origin").row(0, named=True)
    assert summary["demographic_parity_difference"] == pytest.approx(
        demographic_parity_difference(y, yhat, sensitive_features=frame["origin"].to_numpy()),
        abs=1e-12,
    )
    assert summary["equalized_odds_difference"] == pytest.approx(
        equalized_odds_difference(y, yhat, sensitive_features=frame["origin"].to_numpy()), abs=1e-12
    )
    intersections = report.by_group.filter(pl.col("grouping") == "origin × carrier")
    assert intersections.filter(pl.col("metric") == "accuracy").height == 12
    assert (intersections["ci_low"] <= intersections["ci_high"]).all()


def test_planted_gap_is_flagged(rng):
    n = 6000
    group = rng.choice(["a", "b", "c"], n)
    y = rng.integers(0, 2, n)
    wrong = rng.random(n) < np.where(group == "c", 0.4, 0.1)
    report = assess_bias(
        target=y,
        prediction=np.where(wrong, 1 - y, y),
        groups=[group],
        n_bootstrap=0,
        metrics=["accuracy"],
    )
    flagged = report.flagged
    assert flagged["group"].to_list() == ["c"]
    assert flagged["difference_to_best"][0] == pytest.approx(-0.3, abs=0.04)
    figure = report.plot(metric="accuracy")
    assert isinstance(figure, Figure)
    assert [t.get_text() for t in figure.axes[0].get_yticklabels()] == ["a", "b", "c"]
    with pytest.warns(DeprecationWarning, match=r"plot\(metric\) is deprecated"):
        report.plot("accuracy")
    assert (
        len(figure.axes[0].patches) == report.by_group.filter(pl.col("metric") == "accuracy").height
    )  # one bar per group


def test_small_groups_neither_define_best_nor_get_flagged(rng):
    n = 5000
    group = np.where(np.arange(n) < 20, "tiny", rng.choice(["a", "b"], n))
    y = rng.integers(0, 2, n)
    wrong = rng.random(n) < np.where(group == "tiny", 0.0, np.where(group == "b", 0.35, 0.1))
    report = assess_bias(
        target=y,
        prediction=np.where(wrong, 1 - y, y),
        groups=[group],
        metrics=["accuracy"],
        n_bootstrap=50,
        min_group_size=100,
    )
    rows = {r["group"]: r for r in report.by_group.iter_rows(named=True)}
    assert rows["tiny"]["value"] == 1.0 and not rows["tiny"]["flagged"]
    assert rows["a"]["difference_to_best"] == 0.0
    assert rows["b"]["flagged"]
    assert rows["b"]["ci_low"] < rows["b"]["value"] < rows["b"]["ci_high"]
    assert report.by_group["grouping"][0] == "group_0"


def test_vectorized_bootstrap_equals_metric_frame_per_resample(rng):
    from mlops_notebooks.evaluation import bias as module
    from mlops_notebooks.evaluation._inputs import prepare_outputs

    frame = binary_frame(rng, 3000)
    outputs = prepare_outputs(frame, target="target", prediction="prediction")
    metrics = module._bias_metrics(outputs, None)
    sensitive = {"origin": frame["origin"].to_numpy(), "carrier": frame["carrier"].to_numpy()}
    data = module._compress(outputs, sensitive)
    index = module._metric_frame(metrics, data, data.weight).by_group.index
    draws = rng.multinomial(3000, data.weight / 3000, size=3).astype(float)
    fast = module._vectorized_draws(metrics, data, index, draws)
    slow = module._metric_frame_draws(metrics, data, index, draws)
    np.testing.assert_allclose(fast, slow, atol=1e-12, equal_nan=True)

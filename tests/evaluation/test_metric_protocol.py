"""One metric protocol: one registration serves evaluate, assess_bias, drift and sentiment."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from fairlearn.metrics import MetricFrame, selection_rate, true_positive_rate
from sklearn import metrics as skm

from mlops_notebooks.drift.performance import performance_change
from mlops_notebooks.evaluation import METRICS, Metric, assess_bias, evaluate, register_metric
from mlops_notebooks.sentiment import compare_models, paired_bootstrap
from tests.evaluation.conftest import binary_frame


def _false_discovery_rate(y_true, y_pred, sample_weight=None):  # type: ignore[no-untyped-def]
    predicted = y_pred == 1
    weights = np.ones(len(y_true)) if sample_weight is None else np.asarray(sample_weight)
    return float(np.sum(weights * (predicted & (y_true == 0))) / np.sum(weights * predicted))


def _miss_rate(y_true, y_pred):  # type: ignore[no-untyped-def]
    positive = y_true == 1
    return float(np.mean(y_pred[positive] == 0))


@pytest.fixture
def user_metrics():  # type: ignore[no-untyped-def]
    added = [
        register_metric(
            Metric(
                "false_discovery_rate",
                frozenset({"binary"}),
                _false_discovery_rate,
                greater_is_better=False,
            )
        ),
        register_metric(
            Metric("miss_rate", frozenset({"binary"}), _miss_rate, greater_is_better=False)
        ),
    ]
    yield added
    for metric in added:
        del METRICS[metric.name]


def _arrays(frame: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return frame["target"].to_numpy().astype(int), frame["prediction"].to_numpy().astype(int)


def test_a_user_metric_gets_an_interval_from_evaluate(rng, user_metrics) -> None:  # type: ignore[no-untyped-def]
    frame = binary_frame(rng, 2000)
    y, p = _arrays(frame)
    report = evaluate(
        frame,
        target="target",
        prediction="prediction",
        metrics=["accuracy", "false_discovery_rate", "miss_rate"],
        n_bootstrap=200,
    )
    table = {row["metric"]: row for row in report.metrics.iter_rows(named=True)}
    assert table["false_discovery_rate"]["value"] == pytest.approx(
        1 - skm.precision_score(y, p), abs=1e-12
    )
    assert table["miss_rate"]["value"] == pytest.approx(1 - skm.recall_score(y, p), abs=1e-12)
    for name in ("false_discovery_rate", "miss_rate"):
        row = table[name]
        assert row["ci_low"] < row["value"] < row["ci_high"]
        assert row["ci_high"] - row["ci_low"] < 0.1
        assert row["greater_is_better"] is False
    # the default headline set includes a registered metric that applies
    assert (
        "miss_rate"
        in evaluate(frame, target="target", prediction="prediction", n_bootstrap=0)
        .metrics["metric"]
        .to_list()
    )


def test_a_user_metric_gets_values_per_group(rng, user_metrics) -> None:  # type: ignore[no-untyped-def]
    frame = binary_frame(rng, 3000)
    y, p = _arrays(frame)
    groups = frame["carrier"].to_numpy()
    report = assess_bias(
        frame,
        target="target",
        prediction="prediction",
        groups="carrier",
        metrics=["false_discovery_rate", "miss_rate", "selection_rate"],
        n_bootstrap=20,
    )
    expected = MetricFrame(
        metrics={
            "false_discovery_rate": _false_discovery_rate,
            "miss_rate": _miss_rate,
            "selection_rate": selection_rate,
        },
        y_true=y,
        y_pred=p,
        sensitive_features=groups,
    ).by_group
    for row in report.by_group.iter_rows(named=True):
        assert row["value"] == pytest.approx(expected.loc[row["group"], row["metric"]], abs=1e-12)
        assert row["ci_low"] <= row["value"] <= row["ci_high"]


def test_builtin_values_equal_scikit_learn_and_fairlearn(rng) -> None:  # type: ignore[no-untyped-def]
    frame = binary_frame(rng, 2000)
    y, p = _arrays(frame)
    score = frame["probability"].to_numpy()
    report = evaluate(
        frame,
        target="target",
        prediction="prediction",
        probabilities="probability",
        n_bootstrap=0,
    )
    expected = {
        "accuracy": skm.accuracy_score(y, p),
        "balanced_accuracy": skm.balanced_accuracy_score(y, p),
        "f1": skm.f1_score(y, p),
        "roc_auc": skm.roc_auc_score(y, score),
        "pr_auc": skm.average_precision_score(y, score),
        "log_loss": skm.log_loss(y, np.column_stack([1 - score, score])),
        "brier": skm.brier_score_loss(y, score),
    }
    for name, value in expected.items():
        assert report[name] == pytest.approx(value, abs=1e-12), name
    bias = assess_bias(
        frame, target="target", prediction="prediction", groups="origin", n_bootstrap=0
    )
    tpr = MetricFrame(
        metrics=true_positive_rate,
        y_true=y,
        y_pred=p,
        sensitive_features=frame["origin"].to_numpy(),
    ).by_group
    rows = bias.by_group.filter(pl.col("metric") == "true_positive_rate")
    for group, value in rows.select("group", "value").iter_rows():
        assert value == pytest.approx(tpr[group], abs=1e-12)


def test_drift_and_sentiment_use_the_registry(rng, user_metrics) -> None:  # type: ignore[no-untyped-def]
    frame = binary_frame(rng, 1000).with_columns(
        pl.col("target").cast(pl.Int64), pl.col("prediction").cast(pl.Int64)
    )
    y, p = _arrays(frame)
    change = performance_change(
        frame, frame.head(600), "target", "prediction", metrics=("accuracy", "miss_rate")
    )
    assert change.reference == pytest.approx(
        {"accuracy": skm.accuracy_score(y, p), "miss_rate": _miss_rate(y, p)}, abs=1e-12
    )
    other = np.where(rng.random(len(y)) < 0.2, 1 - p, p)
    difference, low, high = paired_bootstrap(y, p, other, metric="miss_rate", n_bootstrap=50)
    assert difference == pytest.approx(_miss_rate(y, p) - _miss_rate(y, other), abs=1e-12)
    assert low <= difference <= high


def test_compare_models_accepts_any_label_metric(user_metrics) -> None:  # type: ignore[no-untyped-def]
    from mlops_notebooks.sentiment import join_predictions
    from tests.sentiment.conftest import MODELS, PROBABILITIES, make_predictions, make_texts

    rng = np.random.default_rng(1)
    texts = make_texts(rng, 300)
    data = join_predictions(
        texts,
        make_predictions(rng, texts),
        models=MODELS,
        probabilities=PROBABILITIES,
        label_names=["negative", "positive"],
    )
    result = compare_models(data, metric="false_discovery_rate", n_bootstrap=30)
    first = result.pairs.row(0, named=True)
    y = data.y_true
    assert first["metric_a"] == pytest.approx(
        _false_discovery_rate(y, data.predicted[first["model_a"]]), abs=1e-12
    )

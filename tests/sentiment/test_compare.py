from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import bootstrap
from sklearn.metrics import accuracy_score, balanced_accuracy_score, cohen_kappa_score, f1_score
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests

from mlops_notebooks.errors import InvalidInputError, UnknownNameError
from mlops_notebooks.sentiment import (
    PAIRED_METRICS,
    agreement,
    compare_models,
    evaluate_models,
    mcnemar_test,
    paired_bootstrap,
    wins_and_losses,
)


@pytest.mark.parametrize("n", [40, 2000])  # exact binomial (few discordant) and chi-square
def test_mcnemar_equals_statsmodels_on_the_crosstab(rng, n):
    a = rng.random(n) < 0.8
    b = np.where(rng.random(n) < 0.7, a, rng.random(n) < 0.6)
    table, statistic, p_value = mcnemar_test(a, b)
    crosstab = pd.crosstab(pd.Series(~a), pd.Series(~b)).to_numpy()  # rows a right, wrong
    assert np.array_equal(table, crosstab)
    exact = crosstab[0, 1] + crosstab[1, 0] < 25
    expected = mcnemar(crosstab, exact=exact, correction=True)
    assert statistic == pytest.approx(expected.statistic, abs=1e-12)
    assert p_value == pytest.approx(expected.pvalue, abs=1e-12)
    assert exact == (n == 40)


@pytest.mark.parametrize("metric", ["accuracy", "balanced_accuracy", "macro_f1"])
def test_paired_bootstrap_equals_scipy(rng, metric):
    y = rng.integers(0, 3, 500)
    a = np.where(rng.random(500) < 0.8, y, rng.integers(0, 3, 500))
    b = np.where(rng.random(500) < 0.7, y, rng.integers(0, 3, 500))
    function = PAIRED_METRICS[metric]

    def statistic(y_, a_, b_, axis=-1):
        return function(y_, a_, 3) - function(y_, b_, 3)

    expected = bootstrap(
        (y, a, b),
        statistic,
        paired=True,
        vectorized=True,
        n_resamples=500,
        method="percentile",
        rng=np.random.default_rng(7),
    ).confidence_interval
    difference, low, high = paired_bootstrap(
        y, a, b, metric=metric, n_labels=3, n_bootstrap=500, seed=7
    )
    assert low == pytest.approx(expected.low, abs=1e-12)
    assert high == pytest.approx(expected.high, abs=1e-12)
    sklearn_metric = {
        "accuracy": accuracy_score,
        "balanced_accuracy": balanced_accuracy_score,
        "macro_f1": lambda t, p: f1_score(t, p, average="macro"),
    }[metric]
    assert difference == pytest.approx(sklearn_metric(y, a) - sklearn_metric(y, b), abs=1e-12)
    assert low < difference < high


def test_compare_models_finds_the_planted_difference(data):
    result = compare_models(data, n_bootstrap=300)
    pairs = result.to_polars()
    row = pairs.filter((pairs["model_a"] == "good") & (pairs["model_b"] == "noisy")).row(
        0, named=True
    )
    correct_good, correct_noisy = data.correct("good"), data.correct("noisy")
    assert row["only_a_correct"] == int(np.sum(correct_good & ~correct_noisy))
    assert row["metric_a"] == pytest.approx(correct_good.mean(), abs=1e-12)
    assert row["difference"] == pytest.approx(correct_good.mean() - correct_noisy.mean(), abs=1e-12)
    assert row["ci_low"] > 0  # "good" is really better
    assert row["mcnemar_p_value"] < 1e-6
    holm = multipletests(pairs["mcnemar_p_value"].to_numpy(), method="holm")[1]
    assert np.allclose(pairs["p_value_holm"].to_numpy(), holm, atol=1e-12)
    assert "McNemar" in result._repr_html_()


def test_compare_models_rejects_bad_requests(data):
    with pytest.raises(UnknownNameError, match="unknown metric 'auc'") as unknown:
        compare_models(data, metric="auc")
    assert {"accuracy", "macro_f1", "f1", "balanced_accuracy"} <= set(unknown.value.valid)
    assert "roc_auc" not in unknown.value.valid  # needs probabilities, not paired labels
    with pytest.raises(InvalidInputError, match="compare two different models"):
        compare_models(data, pairs=[("good", "good")])
    with pytest.raises(InvalidInputError, match="needs at least two"):
        compare_models(
            data.__class__(
                data.table,
                data.label_names,
                data.y_true,
                {"good": data.predicted["good"]},
                {"good": None},
            )
        )


def test_evaluate_models_reuses_evaluation_and_ranks(data):
    result = evaluate_models(data, n_bootstrap=200)
    board = result.to_polars()
    assert board["model"].to_list() == ["good", "planted", "noisy"]
    for model in data.models:
        row = board.filter(board["model"] == model).row(0, named=True)
        assert row["accuracy"] == pytest.approx(data.correct(model).mean(), abs=1e-12)
        assert row["accuracy_ci_low"] < row["accuracy"] < row["accuracy_ci_high"]
        assert result.reports[model].confusion.sum() == data.n_texts
    assert board["rank"].to_list() == [1, 2, 3]
    with pytest.raises(InvalidInputError, match="metric 'kappa' is not among"):
        evaluate_models(data, metric="kappa", n_bootstrap=0)


def test_agreement_equals_sklearn(data):
    result = agreement(data)
    good, noisy = data.predicted["good"], data.predicted["noisy"]
    assert result.share[0, 1] == pytest.approx(np.mean(good == noisy), abs=1e-12)
    assert result.kappa[1, 0] == pytest.approx(cohen_kappa_score(good, noisy), abs=1e-12)
    assert np.allclose(np.diag(result.share), 1.0)
    assert result.to_polars().height == 9


def test_wins_and_losses_counts_and_examples(data):
    result = wins_and_losses(data, "good", "noisy", n_examples=3)
    good, noisy = data.correct("good"), data.correct("noisy")
    counts = dict(result.counts.select("outcome", "n_texts").iter_rows())
    assert counts["only good right"] == int(np.sum(good & ~noisy))
    assert counts["both wrong"] == int(np.sum(~good & ~noisy))
    examples = result.a_wins.table
    assert examples.height == 3
    assert (examples["noisy label"] != examples["gold label"]).all()
    assert (examples["good label"] == examples["gold label"]).all()
    confidence = examples["noisy confidence"].to_numpy()
    assert np.all(np.diff(confidence) <= 0)  # most confident loser first

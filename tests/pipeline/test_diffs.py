"""Parameter and metric diffs equal DVC's, and each metric change is related to its causes."""

from __future__ import annotations

import pytest

from mlops_notebooks.pipeline import UnknownRevisionError
from tests.pipeline.conftest import dvc_json


@pytest.mark.parametrize(("rev_a", "rev_b"), [("v1", "v2"), ("v2", "v3"), ("v1", "v3")])
def test_diffs_equal_dvc(shared, rev_a, rev_b):
    params = shared.params_diff(rev_a, rev_b)
    metrics = shared.metrics_diff(rev_a, rev_b)
    assert params.to_dict()["changes"] == dvc_json(shared.folder, "params", "diff", rev_a, rev_b)
    assert metrics.to_dict()["changes"] == dvc_json(shared.folder, "metrics", "diff", rev_a, rev_b)
    table = metrics.to_polars()
    expected = dvc_json(shared.folder, "metrics", "diff", rev_a, rev_b)
    assert table.height == sum(len(v) for v in expected.values())


def test_parameter_change_explains_every_metric(shared):
    explanation = shared.explain_changes("v1", "v2")
    causes = explanation.causes_of("train_roc_auc")
    assert [(c.kind, c.name, c.old, c.new, c.stages) for c in causes] == [
        ("parameter", "train.max_iter", 200, 50, ("train",))
    ]
    predict = explanation.causes_of("metrics/predict.json:current.roc_auc")
    assert [(c.kind, c.name) for c in predict] == [
        ("parameter", "train.max_iter"),
        ("upstream output", "models/model.joblib"),
    ]
    assert set(explanation.to_polars()["stage"]) == {"train", "predict"}


def test_code_change_explains_without_parameters(shared):
    explanation = shared.explain_changes("v2", "v3")
    causes = explanation.causes_of("train_roc_auc")
    assert [(c.kind, c.name, c.stages) for c in causes] == [("code", "src/features.py", ("train",))]
    assert "src/features.py" in explanation.changed_files


def test_unknown_revision_in_diff(shared):
    with pytest.raises(UnknownRevisionError, match="'nope'"):
        shared.params_diff("nope", "v2")


def test_plot_has_one_bar_per_numeric_change(shared):
    diff = shared.metrics_diff("v1", "v2")
    figure = diff.plot()
    assert len(figure.axes[0].patches) == diff.to_polars()["diff"].is_not_null().sum()

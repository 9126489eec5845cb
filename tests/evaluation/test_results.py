"""Reports serialise to JSON, escape HTML, draw every plot, and save atomically."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest

from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.evaluation import evaluate

from .conftest import binary_frame, regression_frame


def test_binary_report_outputs(rng, tmp_path):
    frame = binary_frame(rng, 2000).with_columns(pl.col("target").alias("<b>target</b>"))
    report = evaluate(
        frame,
        target="<b>target</b>",
        prediction="prediction",
        probabilities="probability",
        n_bootstrap=50,
    )
    payload = json.loads(report.to_json(tmp_path / "report.json"))
    assert payload["metrics"][0]["metric"] == "accuracy"
    assert (tmp_path / "report.json").exists()
    assert "&lt;b&gt;target&lt;/b&gt;" in report._repr_html_()
    assert "<b>target</b>" not in report._repr_html_()
    assert report.available_plots() == ["metrics", "calibration", "thresholds", "confusion"]
    metrics = report.plot("metrics").axes[0]
    assert [t.get_text() for t in metrics.get_yticklabels()] == report.metrics["metric"].to_list()
    assert [p.get_width() for p in metrics.patches] == pytest.approx(
        report.metrics["value"].to_list()
    )
    assert report.calibration is not None
    model = report.plot("calibration").axes[0].lines[1]
    np.testing.assert_allclose(model.get_xdata(), report.calibration.bins["mean_predicted"])
    np.testing.assert_allclose(model.get_ydata(), report.calibration.bins["observed"])
    assert report.thresholds is not None
    recall = next(
        line for line in report.plot("thresholds").axes[0].lines if line.get_label() == "recall"
    )
    np.testing.assert_allclose(recall.get_ydata(), report.thresholds["recall"].to_numpy())
    assert report.confusion is not None
    confusion = report.plot("confusion").axes[0]
    np.testing.assert_array_equal(confusion.images[0].get_array(), report.confusion)
    path = report.save_html(tmp_path / "report.html")
    page = path.read_text()
    # The headline metrics are an SVG chart with one dot per metric; the other views are PNGs.
    assert page.count("<img") == len(report.available_plots()) - 1
    chart = page[page.index("aria-label='headline metrics'") :]
    chart = chart[: chart.index("</svg>")]
    assert chart.count("<circle") == report.metrics.height


def test_regression_report_plots(rng):
    report = evaluate(
        regression_frame(rng, 500), target="target", prediction="prediction", n_bootstrap=20
    )
    assert report.available_plots() == ["metrics", "residuals"]
    with pytest.raises(InvalidInputError, match="plot 'calibration' is not available"):
        report.plot("calibration")

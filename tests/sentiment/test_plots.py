from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from mlops_notebooks.errors import UnknownNameError
from mlops_notebooks.sentiment import (
    agreement,
    compare_models,
    compare_texts,
    error_slices,
    errors_by,
    evaluate_models,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_every_view_draws_its_data(data):
    evaluations = evaluate_models(data, n_bootstrap=20)
    metrics = evaluations.plot("metrics").axes[0]
    assert [t.get_text() for t in metrics.get_legend().get_texts()] == list(data.models)
    accuracy = evaluations.metrics().filter(metric="accuracy")["value"].to_list()
    from matplotlib.container import BarContainer

    bars = [c for c in metrics.containers if isinstance(c, BarContainer)]
    assert [c.patches[0].get_height() for c in bars] == pytest.approx(accuracy)
    calibration = evaluations.plot("calibration").axes[0]
    assert len(calibration.lines) == 1 + len(data.models)  # the diagonal and one per model
    assert len(evaluations.plot("confusion").axes) == 3  # one confusion matrix per model

    comparison = compare_models(data, n_bootstrap=20)
    line = comparison.plot().axes[0].lines[0]
    assert list(line.get_xdata()) == comparison.pairs["difference"].to_list()

    image = agreement(data).plot().axes[0].images[0]
    assert image.get_array().shape == (3, 3)

    breakdown = errors_by(data, "length")
    bars = breakdown.plot().axes[0].patches
    assert sorted(p.get_height() for p in bars) == sorted(breakdown.table["error_rate"].to_list())

    slices = error_slices(data, min_texts=5)
    ax = slices.plot(model="planted", top_k=5).axes[0]
    assert ax.get_yticklabels()[0].get_text().startswith("zeppelin")
    assert len(ax.patches) == slices.top("planted", top_k=5).table.height
    with pytest.warns(DeprecationWarning, match="'n' is deprecated"):
        old = slices.plot(model="planted", n=5)
    assert len(old.axes[0].patches) == len(ax.patches)

    drift = compare_texts(data.texts(), data.texts().reverse())
    lengths = drift.plot("lengths").axes[0]
    assert [t.get_text() for t in lengths.get_legend().get_texts()] == ["reference", "current"]
    terms = drift.plot("terms").axes[0]
    assert len(terms.patches) == drift.terms.height


def test_unknown_kinds(data):
    with pytest.raises(UnknownNameError, match="unknown evaluation plot kind 'roc'"):
        evaluate_models(data, n_bootstrap=0).plot("roc")
    with pytest.raises(UnknownNameError, match="unknown text drift plot kind 'words'"):
        compare_texts(data.texts(), data.texts()).plot("words")

"""Charts draw on Agg without pyplot state (the HTML report is tested in test_html.py)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.figure import Figure

from mlops_notebooks.drift import compare, drift_over_time
from mlops_notebooks.drift.plots import plot_overlay
from tests.drift.conftest import make_frame


@pytest.fixture
def report(rng: np.random.Generator):  # type: ignore[no-untyped-def]
    return compare(make_frame(rng, 1500), make_frame(rng, 1500, shift=1.0))


def test_ranked_bar_chart_orders_by_strength(report) -> None:  # type: ignore[no-untyped-def]
    figure = report.plot()
    assert isinstance(figure, Figure)
    (ax,) = figure.axes
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1].split(" ")[0] == report.ranked()[0].column  # most drifted at the top
    assert len(ax.patches) == 6


def test_distribution_overlays(report) -> None:  # type: ignore[no-untyped-def]
    figure = report.plot("distributions", top_k=3)
    visible = [ax for ax in figure.axes if ax.get_visible()]
    expected = [r.column for r in report.ranked() if r.reference is not None][:3]
    assert [ax.get_title().split(":")[0] for ax in visible] == expected
    with pytest.warns(DeprecationWarning, match="'top' is deprecated"):
        old = report.plot_distributions(top=3)
    assert len([ax for ax in old.axes if ax.get_visible()]) == 3
    ax = plot_overlay(report["c_shifted"].reference, report["c_shifted"].current)
    heights = [p.get_height() for p in ax.patches]
    assert sum(heights) == pytest.approx(2.0)  # two sets of shares, each summing to 1


def test_heatmap(rng: np.random.Generator) -> None:
    result = drift_over_time(
        make_frame(rng, 3000), make_frame(rng, 3000, shift=1.0), frequency=1000
    )
    ax = result.plot().axes[0]
    assert ax.images[0].get_array().shape == (len(result.columns), 3)

"""Distribution plots and heatmaps render with Agg and show what they claim."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlops_notebooks.eda import (
    correlations,
    plot_box,
    plot_distributions,
    plot_heatmap,
    plot_top_categories,
    profile,
)
from mlops_notebooks.eda.plots import MISSING_COLUMN, NOT_NUMERIC
from mlops_notebooks.errors import InvalidInputError


def test_distributions_one_panel_per_column_and_log_scale(
    mixed_frame: pd.DataFrame, as_input
) -> None:  # type: ignore[no-untyped-def]
    figure = plot_distributions(as_input(mixed_frame), ["skewed", "normal", "colour"])
    axes = [axis for axis in figure.axes if axis.get_visible()]
    assert [axis.get_title() for axis in axes] == ["skewed", "normal", "colour"]
    assert axes[0].get_xscale() == "log"  # lognormal, skewness ~6
    assert axes[1].get_xscale() == "linear"


def test_overlay_of_two_data_sets(mixed_frame: pd.DataFrame) -> None:
    current = mixed_frame.assign(normal=mixed_frame["normal"] + 3)
    figure = plot_distributions(
        current, ["normal", "colour"], reference=mixed_frame, labels=("current", "reference")
    )
    legend = figure.axes[0].get_legend()
    assert [text.get_text() for text in legend.get_texts()] == ["current", "reference"]


def test_box_violin_and_top_categories(mixed_frame: pd.DataFrame) -> None:
    box = plot_box(mixed_frame, "normal", "colour")
    labels = [tick.get_text() for tick in box.axes[0].get_xticklabels()]
    assert labels == ["red", "green", "blue"]  # most frequent first
    violin = plot_box(mixed_frame, "normal", "colour", kind="violin").axes[0]
    assert [t.get_text() for t in violin.get_xticklabels()] == ["red", "green", "blue"]
    assert len(violin.collections) >= 3  # one body per group
    bars = plot_top_categories(mixed_frame, "colour", top_k=2, reference=mixed_frame)
    assert len(bars.axes[0].patches) == 4  # 2 values x 2 data sets


def test_heatmap_and_profile_plot(mixed_frame: pd.DataFrame) -> None:
    report = correlations(mixed_frame)
    figure = report.plot()
    assert figure.axes[0].get_title() == "associations"
    matrix = report.matrix("pearson")
    assert plot_heatmap(matrix, title="p").axes[0].get_title() == "p"
    result = profile(mixed_frame, correlations=False)
    panels = [a for a in result.plot().axes if a.get_visible()]
    drawable = [c.name for c in result.columns if c.numeric or c.categorical]
    assert [a.get_title() for a in panels] == drawable
    assert "when" not in drawable and "colour" in drawable
    colour = panels[drawable.index("colour")]
    assert [t.get_text() for t in colour.get_yticklabels()] == ["red", "green", "blue"]


def test_errors_are_typed(mixed_frame: pd.DataFrame) -> None:
    with pytest.raises(InvalidInputError) as error:
        plot_distributions(mixed_frame, ["nope"])
    assert str(error.value) == MISSING_COLUMN.format(column="nope")
    with pytest.raises(InvalidInputError) as error:
        plot_box(mixed_frame, "colour", "flag")
    assert str(error.value) == NOT_NUMERIC.format(column="colour")


def test_all_missing_numeric_column_draws_a_note() -> None:
    frame = pd.DataFrame({"x": [np.nan] * 5 + [1.0], "y": [np.inf] * 6})
    (axis,) = [a for a in plot_distributions(frame, ["y"]).axes if a.get_visible()]
    assert axis.get_title() == "y"
    assert not axis.patches and not axis.lines  # nothing finite to draw
    assert any(text.get_text() for text in axis.texts)  # a note says why


def test_density_curve_follows_the_histogram_of_sorted_data():
    # Sorted values: a curve fitted to the first rows only would sit entirely on the left.
    import polars as pl

    from mlops_notebooks.eda import plot_distributions

    values = np.sort(np.random.default_rng(3).normal(50.0, 10.0, 50_000))
    figure = plot_distributions(pl.DataFrame({"temp": values}), ["temp"], log_scale=False)
    line = figure.axes[0].get_lines()[0]
    peak = line.get_xdata()[np.argmax(line.get_ydata())]
    assert abs(peak - 50.0) < 3.0

"""The profile report: histograms read off the percentile sketch, cards, contents, no images."""

from __future__ import annotations

import re

import numpy as np
import polars as pl
import pytest

from mlops_notebooks.eda import profile
from mlops_notebooks.eda.html import HISTOGRAM_BINS, numeric_histogram


def test_histogram_from_the_sketch_matches_numpy_on_the_same_bins(
    rng: np.random.Generator,
) -> None:
    values = rng.normal(10.0, 2.0, 20_000)
    summary = profile(pl.DataFrame({"x": values}), correlations=False).column("x").numeric
    assert summary is not None
    edges, counts, note = numeric_histogram(summary)
    assert len(edges) == HISTOGRAM_BINS + 1 and "sketch" in note
    exact, _ = np.histogram(values, bins=np.asarray(edges))
    assert sum(counts) == pytest.approx(len(values))
    # The sketch holds every percentile, so each bin is off by at most about one percentile.
    assert np.max(np.abs(np.asarray(counts) - exact)) < 0.012 * len(values)


def test_integer_columns_with_few_values_get_one_bar_per_value(
    rng: np.random.Generator,
) -> None:
    values = rng.choice([1, 2, 3, 4], 10_000, p=[0.1, 0.2, 0.3, 0.4])
    summary = profile(pl.DataFrame({"k": values}), correlations=False).column("k").numeric
    assert summary is not None
    edges, counts, note = numeric_histogram(summary)
    assert edges == [0.5, 1.5, 2.5, 3.5, 4.5] and note.startswith("one bar per value")
    shares = np.asarray(counts) / len(values)
    np.testing.assert_allclose(shares, [0.1, 0.2, 0.3, 0.4], atol=0.011)


def test_a_few_extreme_values_do_not_squash_the_histogram(rng: np.random.Generator) -> None:
    values = np.concatenate([rng.normal(0.0, 1.0, 10_000), [1e6, 2e6]])
    summary = profile(pl.DataFrame({"x": values}), correlations=False).column("x").numeric
    assert summary is not None
    edges, _, note = numeric_histogram(summary)
    assert edges[-1] < 10 and "1st to 99th percentile" in note


def test_report_cards_charts_and_contents(rng: np.random.Generator) -> None:
    frame = pl.DataFrame(
        {
            "x": rng.normal(size=500),
            "city": rng.choice(["Oslo", "Lima", "Pune"], 500),
            "constant": [1] * 500,
        }
    )
    result = profile(frame)
    page = result.to_html()
    assert page.count("<article class='mlnb-card'>") == 3
    assert "aria-label='distribution of x'" in page
    bars = re.search(r"aria-label='most frequent values of city'.*?</svg>", page, re.DOTALL)
    assert bars is not None and bars.group(0).count("<rect") == 3
    assert "<span class='mlnb-badge warn'>constant</span>" in page
    assert "aria-label='association matrix'" in page
    contents = re.findall(r"<a href='#([^']+)'>", page)
    assert contents == ["overview", "warnings-1", "columns", "column-details", "correlations"]
    assert "data:image/png" not in page and "<script" not in page
    assert result._repr_html_().startswith("<div class='mlnb mlnb-result'><style>")
    assert result.to_html(figures=False).count("<svg") == 0

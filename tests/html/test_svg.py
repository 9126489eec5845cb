"""SVG charts hold the data they were given: bar heights, order, colours, hover texts."""

from __future__ import annotations

import re

import pytest

from mlops_notebooks._html import svg


def _rects(chart: str) -> list[dict[str, str]]:
    pattern = r"<rect x='([^']*)' y='([^']*)' width='([^']*)' height='([^']*)' fill='([^']*)'"
    return [
        dict(zip(("x", "y", "width", "height", "fill"), found, strict=True))
        for found in re.findall(pattern, chart)
    ]


def test_histogram_bar_heights_are_proportional_to_counts() -> None:
    chart = svg.histogram([0.0, 1.0, 2.0, 3.0], [10, 5, 0], height=90)
    bars = _rects(chart)
    assert len(bars) == 3
    heights = [float(b["height"]) for b in bars]
    assert heights[0] == pytest.approx(2 * heights[1], abs=0.1)
    assert heights[2] == 0
    assert "0 to 1: 10 (66.7%)" in chart
    assert ">0</text>" in chart and ">3</text>" in chart  # the two ends are labelled


def test_bar_chart_keeps_order_and_escapes_labels() -> None:
    chart = svg.bar_chart(["<b>x</b>", "y"], [4, 2], share_of=8)
    assert "<b>" not in chart and "&lt;b&gt;x&lt;/b&gt;: 4 (50.0%)" in chart
    widths = [float(b["width"]) for b in _rects(chart)]
    assert widths[0] == pytest.approx(2 * widths[1], abs=0.1)


def test_overlay_has_two_bars_per_point() -> None:
    chart = svg.overlay_chart(["a", "b"], [0.75, 0.25], [0.5, 0.5])
    bars = _rects(chart)
    assert len(bars) == 4
    assert "a: reference 75.00%" in chart and "b: current 50.00%" in chart


def test_ranked_chart_caps_and_flags() -> None:
    chart = svg.ranked_chart(["a", "b"], [float("inf"), 0.5], [True, False], cap=10)
    fills = [b["fill"] for b in _rects(chart)]
    assert fills == [svg.FLAG_COLOR, svg.BAR_COLOR]
    assert "a: 10" in chart and "threshold = 1" in chart


def test_heatmap_has_one_cell_per_pair_and_grey_for_missing() -> None:
    chart = svg.heatmap(["a", "b"], [[1.0, float("nan")], [-1.0, 0.0]])
    cells = _rects(chart)
    assert len(cells) == 4
    assert [c["fill"] for c in cells] == ["#c44e52", "#eeeeee", "#3b6eb4", "#ffffff"]
    assert "a ~ b: missing" in chart


def test_interval_chart_places_dots_in_order_of_value() -> None:
    chart = svg.interval_chart(["low", "high"], [0.2, 0.8], [0.1, 0.7], [0.3, 0.9], reference=0.5)
    xs = [float(x) for x in re.findall(r"<circle cx='([^']*)'", chart)]
    assert len(xs) == 2 and xs[0] < xs[1]
    assert "overall 0.5" in chart
    assert "high: 0.8 [0.7, 0.9]" in chart

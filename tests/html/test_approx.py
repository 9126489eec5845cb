"""Approximate values in facts, tiles and the legend: the sign, the bound, nothing when exact."""

from __future__ import annotations

from mlops_notebooks._html.approx import Approximate, legend
from mlops_notebooks._html.page import facts, tiles


def test_facts_and_tiles_mark_approximate_values_only() -> None:
    items = [("median", Approximate(12.5, "KLL: rank ±0.28%")), ("mean", 12.25), ("none", None)]
    listed = facts(items)
    assert (
        "<dt>median</dt><dd><span class='mlnb-approx' title='KLL: rank ±0.28%'>≈\u00a012.5</span>"
        "</dd>" in listed
    )
    assert "<dt>mean</dt><dd>12.25</dd>" in listed and "none" not in listed
    assert "<strong><span class='mlnb-approx' title='b'>≈\u00a01,000,000</span></strong>" in tiles(
        [("rows", Approximate(1_000_000, "b"))]
    )
    # An approximate value that is missing is left out like any missing value.
    assert "median" not in facts([("median", Approximate(None, "b"))])


def test_legend_lists_each_line_once_and_is_empty_when_exact() -> None:
    assert legend([]) == ""
    text = legend(["quantiles: KLL <k=1000>", "quantiles: KLL <k=1000>", "distinct: HLL"])
    assert text.count("<li>") == 2 and "KLL &lt;k=1000&gt;" in text
    assert "≈</b> marks a value computed from a sketch" in text

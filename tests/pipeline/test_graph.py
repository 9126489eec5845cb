"""Graph layout: each stage one layer right of its deepest parent; skip edges bent."""

from __future__ import annotations

from mlops_notebooks.pipeline.graph import draw_nodes, layers


def test_layers_follow_the_longest_path():
    edges = [("a", "b"), ("b", "c"), ("a", "c"), ("x", "c")]
    assert layers(["a", "b", "c", "x"], edges) == [["a", "x"], ["b"], ["c"]]


def test_a_cycle_does_not_hang():
    assert layers(["a", "b"], [("a", "b"), ("b", "a")])


def test_edge_skipping_a_layer_is_bent():
    figure = draw_nodes(["a", "b", "c"], [("a", "b"), ("b", "c"), ("a", "c")], {"a": "changed"})
    arrows = [t for t in figure.axes[0].texts if not t.get_text()]
    styles = sorted(float(a.arrow_patch.get_connectionstyle().rad) for a in arrows)
    assert styles == [-0.25, 0.0, 0.0]
    legend = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert legend == ["changed"]

"""Draw the stage graph, each stage coloured by its state (matplotlib, no pyplot)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from mlops_notebooks._render import figure_of, new_axes

if TYPE_CHECKING:
    from mlops_notebooks.pipeline.project import Pipeline

__all__ = ["STATE_COLOURS", "draw_graph", "draw_nodes", "layers"]

STATE_COLOURS = {
    "up to date": "#8fd19e",
    "changed": "#f5a65b",
    "stale upstream": "#f7e07e",
    "never ran": "#c8c8c8",
    "frozen": "#9ec5fe",
    "failed": "#e8767b",
    "ran": "#5fb3e0",
    "done": "#8fd19e",
    "pending": "#e6eef7",
    "": "#e6eef7",
}


def layers(names: Sequence[str], edges: Sequence[tuple[str, str]]) -> list[list[str]]:
    """Nodes grouped by depth: a node sits one layer right of its deepest parent."""
    parents: dict[str, set[str]] = {name: set() for name in names}
    for producer, consumer in edges:
        parents[consumer].add(producer)
    depth: dict[str, int] = {}

    def depth_of(name: str, seen: frozenset[str] = frozenset()) -> int:
        if name not in depth:
            if name in seen:  # DVC refuses cycles; stay finite on a hand-edited file anyway
                return 0
            depth[name] = 1 + max((depth_of(p, seen | {name}) for p in parents[name]), default=-1)
        return depth[name]

    grouped: dict[int, list[str]] = {}
    for name in names:
        grouped.setdefault(depth_of(name), []).append(name)
    return [grouped[level] for level in sorted(grouped)]


def draw_graph(pipeline: Pipeline, states: Mapping[str, str], *, ax: Any = None) -> Any:
    """The stage graph left to right; ``states`` maps stage → a key of :data:`STATE_COLOURS`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    edges = [(producer, consumer) for producer, consumer, _ in pipeline.edges()]
    return draw_nodes(pipeline.names, edges, states, ax=ax, title="Stages (arrows: data flow)")


def draw_nodes(
    names: Sequence[str],
    edges: Sequence[tuple[str, str]],
    states: Mapping[str, str],
    *,
    ax: Any = None,
    title: str = "",
) -> Any:
    """Draw any small DAG: ``names`` as coloured boxes, ``edges`` as arrows, in layers."""
    from matplotlib.patches import Patch

    grouped = layers(names, edges)
    tallest = max((len(group) for group in grouped), default=1)
    ax = new_axes(ax, size=(max(6.0, 2.4 * len(grouped)), max(2.5, 1.1 * tallest + 1)))
    position = {
        name: (float(level), (len(group) - 1) / 2 - row)
        for level, group in enumerate(grouped)
        for row, name in enumerate(group)
    }
    drawn = set()
    for producer, consumer in edges:
        if (producer, consumer) in drawn:
            continue
        drawn.add((producer, consumer))
        skips = position[consumer][0] - position[producer][0] > 1
        ax.annotate(
            "",
            xy=position[consumer],
            xytext=position[producer],
            arrowprops={
                "arrowstyle": "-|>",
                "color": "#555",
                "shrinkA": 28,
                "shrinkB": 28,
                # an edge skipping a layer would hide behind the nodes in between: bend it
                "connectionstyle": "arc3,rad=-0.25" if skips else "arc3,rad=0",
            },
        )
    for name, (x, y) in position.items():
        state = states.get(name, "")
        ax.text(
            x,
            y,
            name,
            ha="center",
            va="center",
            fontsize=10,
            bbox={
                "boxstyle": "round,pad=0.5",
                "facecolor": STATE_COLOURS.get(state, STATE_COLOURS[""]),
                "edgecolor": "#333",
            },
        )
    ax.set_xlim(-0.6, len(grouped) - 0.4)
    ax.set_ylim(-tallest / 2 - 0.3, tallest / 2 + 0.6)
    ax.set_axis_off()
    shown = [s for s in STATE_COLOURS if s and s in set(states.values())]
    if shown:
        handles = [Patch(facecolor=STATE_COLOURS[s], edgecolor="#333", label=s) for s in shown]
        ax.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, 0.0),
            ncol=len(shown),
            frameon=False,
        )
    ax.set_title(title)
    return figure_of(ax)

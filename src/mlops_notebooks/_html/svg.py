"""Small inline SVG charts drawn straight from summaries: crisp at any zoom, no matplotlib.

Each function returns one ``<svg class="mlnb-chart">`` element sized by its ``viewBox`` (it
shrinks with its container, never overflows it). Every label is escaped; each bar carries a
``<title>`` so hovering shows its exact value. Nothing here scripts or loads anything.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from mlops_notebooks._html.style import CURRENT_COLOR, REFERENCE_COLOR
from mlops_notebooks._html.tables import format_number

__all__ = [
    "bar_chart",
    "heatmap",
    "histogram",
    "interval_chart",
    "overlay_chart",
    "ranked_chart",
]

BAR_COLOR = "#4c72b0"
FLAG_COLOR = "#c44e52"
GRID_COLOR = "#d1d9e0"
# Average width of one 10px label character, used to cut labels to the space they have.
CHAR_WIDTH = 5.6


def _n(value: float) -> str:
    """A coordinate with one decimal, without a trailing ``.0``."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _svg(width: float, height: float, body: str, label: str) -> str:
    return (
        f"<svg class='mlnb-chart' role='img' aria-label='{html.escape(label)}' "
        f"viewBox='0 0 {_n(width)} {_n(height)}' width='{_n(width)}' height='{_n(height)}' "
        f"xmlns='http://www.w3.org/2000/svg'>{body}</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", extra: str = "") -> str:
    return f"<text x='{_n(x)}' y='{_n(y)}' text-anchor='{anchor}'{extra}>{html.escape(text)}</text>"


def _rect(x: float, y: float, w: float, h: float, color: str, title: str, extra: str = "") -> str:
    return (
        f"<rect x='{_n(x)}' y='{_n(y)}' width='{_n(max(w, 0.0))}' height='{_n(max(h, 0.0))}' "
        f"fill='{color}'{extra}><title>{html.escape(title)}</title></rect>"
    )


def _fit(text: str, width: float) -> str:
    room = max(int(width / CHAR_WIDTH), 3)
    return text if len(text) <= room else text[: room - 1] + "…"


def _finite(values: Sequence[float]) -> list[float]:
    return [float(v) if v is not None and math.isfinite(v) else 0.0 for v in values]


def histogram(
    edges: Sequence[float],
    counts: Sequence[float],
    *,
    width: float = 300,
    height: float = 90,
    color: str = BAR_COLOR,
    label: str = "histogram",
) -> str:
    """Bars of ``counts`` over the bins ``edges`` (one more edge than counts), ends labelled.

    Examples
    --------
    >>> histogram([0, 1, 2], [3, 1]).count("<rect")
    2
    """
    values = _finite(counts)
    total = sum(values) or 1.0
    top = max(values, default=0.0) or 1.0
    plot_height = height - 14
    low, high = float(edges[0]), float(edges[-1])
    span = (high - low) or 1.0
    bars = []
    for left, right, count in zip(edges[:-1], edges[1:], values, strict=True):
        x = (float(left) - low) / span * width
        w = max((float(right) - float(left)) / span * width - 1.0, 0.8)
        h = count / top * (plot_height - 2)
        title = (
            f"{format_number(float(left))} to {format_number(float(right))}: "
            f"{format_number(count)} ({count / total:.1%})"
        )
        bars.append(_rect(x, plot_height - h, w, h, color, title))
    axis = (
        f"<line x1='0' x2='{_n(width)}' y1='{_n(plot_height)}' y2='{_n(plot_height)}' "
        f"stroke='{GRID_COLOR}'/>"
        + _text(0, height - 2, format_number(low))
        + _text(width, height - 2, format_number(high), anchor="end")
    )
    return _svg(width, height, "".join(bars) + axis, label)


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    width: float = 300,
    bar_height: float = 14,
    color: str = BAR_COLOR,
    share_of: float | None = None,
    label: str = "bar chart",
) -> str:
    """Horizontal bars, one per label, longest first as given; values written at the right.

    ``share_of`` (a total) adds each value's share to its hover text.

    Examples
    --------
    >>> bar_chart(["a", "b"], [2, 1]).count("<rect")
    2
    """
    numbers = _finite(values)
    top = max(numbers, default=0.0) or 1.0
    label_width, value_width = width * 0.36, 52.0
    bar_room = width - label_width - value_width
    step = bar_height + 4
    parts = []
    for row, (name, value) in enumerate(zip(labels, numbers, strict=True)):
        y = row * step
        share = f" ({value / share_of:.1%})" if share_of else ""
        parts.append(
            _text(label_width - 4, y + bar_height - 3, _fit(name, label_width), anchor="end")
        )
        parts.append(
            _rect(
                label_width,
                y,
                value / top * bar_room,
                bar_height,
                color,
                f"{name}: {format_number(value)}{share}",
            )
        )
        parts.append(_text(width, y + bar_height - 3, format_number(value), anchor="end"))
    return _svg(width, max(len(numbers), 1) * step, "".join(parts), label)


def overlay_chart(
    points: Sequence[str],
    reference: Sequence[float],
    current: Sequence[float],
    *,
    width: float = 420,
    height: float = 120,
    label: str = "reference and current distributions",
) -> str:
    """Reference and current shares side by side on shared bins; first and last bins labelled."""
    ref, cur = _finite(reference), _finite(current)
    top = max([*ref, *cur], default=0.0) or 1.0
    plot_height = height - 14
    slot = width / max(len(ref), 1)
    bar = max(slot / 2 - 0.6, 0.6)
    parts = []
    for index, (point, a, b) in enumerate(zip(points, ref, cur, strict=True)):
        x = index * slot
        for offset, value, color, name in (
            (0.0, a, REFERENCE_COLOR, "reference"),
            (bar, b, CURRENT_COLOR, "current"),
        ):
            h = value / top * (plot_height - 2)
            parts.append(
                _rect(x + offset, plot_height - h, bar, h, color, f"{point}: {name} {value:.2%}")
            )
    parts.append(
        f"<line x1='0' x2='{_n(width)}' y1='{_n(plot_height)}' y2='{_n(plot_height)}' "
        f"stroke='{GRID_COLOR}'/>"
    )
    if points:
        parts.append(_text(0, height - 2, _fit(str(points[0]), width / 2 - 4)))
        if len(points) > 1:
            parts.append(
                _text(width, height - 2, _fit(str(points[-1]), width / 2 - 4), anchor="end")
            )
    return _svg(width, height, "".join(parts), label)


def ranked_chart(
    labels: Sequence[str],
    strengths: Sequence[float],
    flags: Sequence[bool],
    *,
    width: float = 640,
    bar_height: float = 14,
    cap: float = 10.0,
    label: str = "drift by column",
) -> str:
    """Horizontal bars of each strength (statistic relative to threshold) with a line at 1."""
    numbers = [min(v, cap) if math.isfinite(v) else cap for v in _finite_keep_inf(strengths)]
    top = max([*numbers, 1.5])
    label_width, value_width = min(width * 0.34, 220.0), 44.0
    room = width - label_width - value_width
    step = bar_height + 4
    parts = []
    for row, (name, value, flag) in enumerate(zip(labels, numbers, flags, strict=True)):
        y = row * step
        color = FLAG_COLOR if flag else BAR_COLOR
        parts.append(
            _text(label_width - 4, y + bar_height - 3, _fit(name, label_width), anchor="end")
        )
        parts.append(
            _rect(label_width, y, value / top * room, bar_height, color, f"{name}: {value:.3g}")
        )
        parts.append(_text(width, y + bar_height - 3, f"{value:.2f}", anchor="end"))
    total = max(len(numbers), 1) * step
    x_one = label_width + room / top
    parts.append(
        f"<line x1='{_n(x_one)}' x2='{_n(x_one)}' y1='0' y2='{_n(total)}' stroke='#1f2328' "
        "stroke-dasharray='4 3'/>"
    )
    parts.append(_text(x_one, total + 11, "threshold = 1", anchor="middle"))
    return _svg(width, total + 14, "".join(parts), label)


def _finite_keep_inf(values: Sequence[float]) -> list[float]:
    return [0.0 if v is None or math.isnan(v) else max(float(v), 0.0) for v in values]


def _diverging(value: float) -> str:
    """Blue (−1) through white (0) to red (+1)."""
    if not math.isfinite(value):
        return "#eeeeee"
    v = max(-1.0, min(1.0, value))
    low, high = (59, 110, 180), (196, 78, 82)
    end = high if v > 0 else low
    mix = [round(255 + (channel - 255) * abs(v)) for channel in end]
    return "#{:02x}{:02x}{:02x}".format(*mix)


def heatmap(
    names: Sequence[str],
    matrix: Sequence[Sequence[float]],
    *,
    cell: float = 16,
    label_width: float = 120,
    label: str = "association matrix",
) -> str:
    """A square matrix of values in [−1, 1] (diverging colours; missing values grey)."""
    size = len(names)
    side = label_width + size * cell
    parts = []
    for row, name in enumerate(names):
        y = label_width + row * cell
        parts.append(_text(label_width - 4, y + cell - 4, _fit(name, label_width), anchor="end"))
        x_label = label_width + row * cell + cell - 4
        parts.append(
            _text(
                x_label,
                label_width - 4,
                _fit(name, label_width),
                extra=f" transform='rotate(-90 {_n(x_label)} {_n(label_width - 4)})'",
            )
        )
        for col in range(size):
            value = matrix[row][col]
            number = float(value) if value is not None else math.nan
            text = "missing" if not math.isfinite(number) else f"{number:.3f}"
            parts.append(
                _rect(
                    label_width + col * cell,
                    y,
                    cell - 1,
                    cell - 1,
                    _diverging(number),
                    f"{name} ~ {names[col]}: {text}",
                )
            )
    return _svg(side, side, "".join(parts), label)


def interval_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    lows: Sequence[float | None],
    highs: Sequence[float | None],
    *,
    reference: float | None = None,
    reference_label: str = "overall",
    flags: Sequence[bool] | None = None,
    width: float = 640,
    row_height: float = 18,
    label: str = "values with intervals",
) -> str:
    """A dot per row with its interval as a whisker, and an optional dashed reference line."""
    known = [v for v in (*values, *lows, *highs, reference) if v is not None and math.isfinite(v)]
    low_end, high_end = (min(known), max(known)) if known else (0.0, 1.0)
    pad = (high_end - low_end) * 0.05 or 0.5
    low_end, high_end = low_end - pad, high_end + pad
    label_width, value_width = min(width * 0.36, 240.0), 56.0
    room = width - label_width - value_width

    def x_of(value: float) -> float:
        return label_width + (value - low_end) / (high_end - low_end) * room

    top = 14.0 if reference is not None else 0.0
    parts = []
    for row, name in enumerate(labels):
        y = top + row * row_height + row_height / 2
        value, low, high = values[row], lows[row], highs[row]
        color = FLAG_COLOR if flags is not None and flags[row] else BAR_COLOR
        parts.append(_text(label_width - 6, y + 3.5, _fit(name, label_width), anchor="end"))
        if low is not None and high is not None and math.isfinite(low) and math.isfinite(high):
            parts.append(
                f"<line x1='{_n(x_of(low))}' x2='{_n(x_of(high))}' y1='{_n(y)}' y2='{_n(y)}' "
                f"stroke='{color}' stroke-width='2'/>"
            )
        if value is not None and math.isfinite(value):
            interval = (
                f" [{format_number(low)}, {format_number(high)}]"
                if low is not None and high is not None
                else ""
            )
            tip = html.escape(f"{name}: {format_number(value)}{interval}")
            parts.append(
                f"<circle cx='{_n(x_of(value))}' cy='{_n(y)}' r='4' fill='{color}'>"
                f"<title>{tip}</title></circle>"
            )
            parts.append(_text(width, y + 3.5, format_number(value), anchor="end"))
    total = top + max(len(labels), 1) * row_height
    if reference is not None and math.isfinite(reference):
        x_ref = x_of(reference)
        parts.append(
            f"<line x1='{_n(x_ref)}' x2='{_n(x_ref)}' y1='{_n(top - 2)}' y2='{_n(total)}' "
            "stroke='#59636e' stroke-dasharray='4 3'/>"
        )
        caption = f"{reference_label} {format_number(reference)}"
        parts.append(_text(x_ref, top - 4, caption, anchor="middle"))
    parts.append(
        f"<line x1='{_n(label_width)}' x2='{_n(label_width + room)}' y1='{_n(total + 1)}' "
        f"y2='{_n(total + 1)}' stroke='{GRID_COLOR}'/>"
    )
    parts.append(_text(label_width, total + 12, format_number(low_end)))
    parts.append(_text(label_width + room, total + 12, format_number(high_end), anchor="end"))
    return _svg(width, total + 14, "".join(parts), label)

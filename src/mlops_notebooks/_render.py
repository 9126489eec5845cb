"""HTML rendering shared by every result's `_repr_html_`: escaped tables, truncated texts, images.

Every value and every column name goes through :func:`html.escape`: data and texts are user
content and may contain markup or scripts.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import sys
from typing import Any

import numpy as np
import polars as pl

__all__ = [
    "dumps",
    "figure_to_img_tag",
    "frame_to_html",
    "jsonable",
    "page",
    "paragraph",
    "section",
    "truncate",
]

MAX_HTML_ROWS = 30
MAX_TEXT_CHARS = 300


def truncate(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cell(value: Any, text_limit: int) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            text = ""
        elif value.is_integer() and abs(value) >= 1000:
            text = f"{int(value):,}"
        else:
            text = f"{value:.4g}"
    elif value is None:
        text = ""
    elif isinstance(value, str):
        text = truncate(value, text_limit)
    else:
        text = str(value)
    return html.escape(text)


def frame_to_html(
    frame: pl.DataFrame, max_rows: int = MAX_HTML_ROWS, text_limit: int = MAX_TEXT_CHARS
) -> str:
    """``frame`` as an HTML table; every name and value escaped, long texts truncated."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(v, text_limit)}</td>" for v in row) + "</tr>"
        for row in frame.head(max_rows).iter_rows()
    )
    more = (
        f"<p><em>{frame.height - max_rows:,} more rows not shown</em></p>"
        if frame.height > max_rows
        else ""
    )
    return (
        "<table style='text-align:left'>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"
    )


def section(title: str, body: str) -> str:
    """A titled block; ``title`` is escaped, ``body`` must already be safe HTML."""
    return f"<h4>{html.escape(title)}</h4>{body}"


def paragraph(text: str) -> str:
    """An escaped paragraph."""
    return f"<p>{html.escape(text)}</p>"


def figure_to_img_tag(figure: Any) -> str:
    """Encode a matplotlib figure as an inline PNG ``<img>`` tag and close it."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(figure)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="figure" src="data:image/png;base64,{encoded}"/>'


def jsonable(value: Any) -> Any:
    """``value`` with numpy scalars, NaN, tuples and dates turned into plain JSON values.

    The one JSON policy of the package: NaN and ±infinity become ``None`` (``null``).
    """
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        return jsonable(value.item())
    if isinstance(value, pl.DataFrame):
        return jsonable(value.to_dicts())
    if hasattr(value, "isoformat"):  # datetime, date, time, pandas Timestamp
        return value.isoformat()
    return value


def dumps(value: Any) -> str:
    """JSON text of :func:`jsonable` ``(value)``."""
    return json.dumps(jsonable(value), indent=2, allow_nan=False)


def page(title: str, body: str, *, provenance: list[dict[str, Any]] | None = None) -> str:
    """A self-contained HTML document: ``title`` (escaped) over ``body`` (already safe HTML).

    ``provenance`` records (source, rows, content hash, …) are listed in the header.
    """
    records = "".join(
        "<li>" + html.escape(", ".join(f"{k}: {v}" for k, v in record.items())) + "</li>"
        for record in provenance or []
    )
    header = f"<ul class='provenance'>{records}</ul>" if records else ""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head>"
        f"<body><h1>{html.escape(title)}</h1>{header}{body}</body></html>"
    )


def new_figure(size: tuple[float, float] = (6, 4)) -> Any:
    """Return a new :class:`matplotlib.figure.Figure`, made without pyplot.

    Every ``plot()`` in the package returns a figure built this way: no global pyplot state and
    nothing left open in long-running processes; a notebook cell that returns it shows it once;
    ``figure.savefig(path)`` writes it.
    """
    _enable_notebook_display()
    from matplotlib.figure import Figure

    return Figure(figsize=size, layout="constrained")


def new_axes(ax: Any = None, size: tuple[float, float] = (6, 4)) -> Any:
    """Return ``ax``, or the single Axes of a :func:`new_figure`."""
    if ax is not None:
        return ax
    return new_figure(size).add_subplot()


def _enable_notebook_display() -> None:
    """Let an IPython kernel show pyplot-free figures, whatever the matplotlib backend.

    The inline backend registers its PNG formatter for figures only when its module is imported,
    which pyplot does lazily, and never under ``MPLBACKEND=Agg`` (CI, ``mlops-nb run``). So:
    when the inline backend is active, import it (it registers its own formatter); otherwise
    register a PNG formatter for :class:`~matplotlib.figure.Figure` ourselves, once. IPython
    keeps one formatter per type, so a figure is shown exactly once. Outside IPython nothing
    happens: scripts stay headless.
    """
    if "IPython" not in sys.modules:
        return
    from IPython import get_ipython

    shell = get_ipython()
    formatter = getattr(getattr(shell, "display_formatter", None), "formatters", {}).get(
        "image/png"
    )
    if formatter is None:
        return
    from matplotlib.figure import Figure

    if _has_formatter(formatter, Figure):
        return
    if _backend_is_inline():
        # It registers its own formatter and honours `%config InlineBackend.figure_formats`
        # (a user who chose SVG gets SVG only).
        import matplotlib_inline.backend_inline  # noqa: F401
    else:
        formatter.for_type(Figure, _figure_png)


def _has_formatter(formatter: Any, cls: type) -> bool:
    try:
        formatter.lookup_by_type(cls)
    except KeyError:
        return False
    return True


def _backend_is_inline() -> bool:
    import matplotlib

    try:
        backend = str(matplotlib.get_backend(auto_select=False))
    except TypeError:  # matplotlib < 3.10
        backend = str(matplotlib.rcParams["backend"])
    return backend in ("inline", "module://matplotlib_inline.backend_inline")


def _figure_png(figure: Any) -> bytes | None:
    """PNG bytes of ``figure`` as the inline backend would draw it (``None`` when empty)."""
    from IPython.core.pylabtools import print_figure

    data: bytes | None = print_figure(figure, "png", bbox_inches="tight")
    return data


def figure_of(ax: Any) -> Any:
    """The top-level :class:`~matplotlib.figure.Figure` that ``ax`` is drawn on."""
    figure = ax.get_figure(root=True)
    if figure is None:  # an Axes always belongs to a figure once created
        raise RuntimeError("the Axes is not attached to a figure")
    return figure

"""Rendering shared by every result: the JSON encoder, HTML pages and tables, figures.

The HTML parts live in :mod:`mlops_notebooks._html` (one stylesheet, one table renderer, SVG
charts, the page with its header and contents) and are re-exported here. Every value and every
column name goes through :func:`html.escape`: data and texts are user content and may contain
markup or scripts.
"""

from __future__ import annotations

import base64
import enum
import io
import json
import math
import os
import sys
from typing import Any

import numpy as np
import polars as pl

from mlops_notebooks._html.page import facts, figure, fragment, page, paragraph, section, tiles
from mlops_notebooks._html.tables import (
    MAX_HTML_ROWS,
    MAX_TEXT_CHARS,
    format_number,
    frame_to_html,
    truncate,
)

__all__ = [
    "MAX_HTML_ROWS",
    "MAX_TEXT_CHARS",
    "dumps",
    "facts",
    "figure",
    "figure_to_img_tag",
    "format_number",
    "fragment",
    "frame_to_html",
    "jsonable",
    "page",
    "paragraph",
    "section",
    "tiles",
    "truncate",
]


def figure_to_img_tag(figure: Any) -> str:
    """Encode a matplotlib figure as an inline PNG ``<img>`` tag and close it."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:  # figures made by pyplot are released; new_figure ones need not be
        pyplot.close(figure)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="figure" src="data:image/png;base64,{encoded}"/>'


def jsonable(value: Any) -> Any:
    """``value`` with numpy scalars, NaN, tuples and dates turned into plain JSON values.

    The one JSON policy of the package: NaN and ±infinity become ``None`` (``null``); numpy
    scalars and arrays become Python numbers and lists; dates and times become ISO 8601
    strings; tuples and sets become lists; polars frames become lists of row objects; paths
    become strings and enumerations their values.

    Examples
    --------
    >>> jsonable({"a": float("nan"), "b": (1, 2.5)})
    {'a': None, 'b': [1, 2.5]}
    """
    if isinstance(value, np.generic):  # before the builtins: np.float64 is a float subclass
        return jsonable(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((jsonable(v) for v in value), key=str)
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, pl.DataFrame):
        return jsonable(value.to_dicts())
    if isinstance(value, pl.Series):
        return jsonable(value.to_list())
    if hasattr(value, "isoformat"):  # datetime, date, time, pandas Timestamp
        return value.isoformat()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return value


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """JSON text of :func:`jsonable` ``(value)``: the one JSON encoder of the package.

    Strict JSON (``allow_nan=False``): NaN and ±infinity are written as ``null``; non-ASCII
    text is kept as is (UTF-8).

    Examples
    --------
    >>> dumps({"x": float("inf")}, indent=None)
    '{"x": null}'
    """
    return json.dumps(jsonable(value), indent=indent, allow_nan=False, ensure_ascii=False)


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

"""Small HTML helpers shared by every result's ``_repr_html_``: escaped tables and images."""

from __future__ import annotations

import base64
import html
import io
from typing import Any

import polars as pl

__all__ = ["figure_to_img_tag", "frame_to_html", "section"]

MAX_HTML_ROWS = 50


def _cell(value: Any) -> str:
    if isinstance(value, float):
        text = "" if value != value else f"{value:.4g}"
    elif value is None:
        text = ""
    else:
        text = str(value)
    return html.escape(text)


def frame_to_html(frame: pl.DataFrame, max_rows: int = MAX_HTML_ROWS) -> str:
    """Render ``frame`` as an escaped HTML table, first ``max_rows`` rows."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>"
        for row in frame.head(max_rows).iter_rows()
    )
    more = (
        f"<p><em>{frame.height - max_rows} more rows not shown</em></p>"
        if frame.height > max_rows
        else ""
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def section(title: str, body: str) -> str:
    """A titled block; ``title`` is escaped, ``body`` must already be safe HTML."""
    return f"<h4>{html.escape(title)}</h4>{body}"


def figure_to_img_tag(figure: Any) -> str:
    """Encode a matplotlib figure as an inline PNG ``<img>`` tag and close the figure."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(figure)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="figure" src="data:image/png;base64,{encoded}"/>'

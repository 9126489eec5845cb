"""Approximate values: shown as ``≈ value``, with the sketch's error bound on hover.

Statistics computed beyond memory (the ``stream``, ``dask`` and ``spark`` engines) partly come
from sketches (KLL quantiles, HyperLogLog distinct counts, frequent items). A report marks each
of them with :data:`APPROX_SIGN` and a tooltip stating the bound, and :func:`legend` says once
what the sign means. Exact values are never marked, so an in-memory report has no sign at all.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["APPROX_SIGN", "Approximate", "approx_html", "legend"]

APPROX_SIGN = "≈"


@dataclass(frozen=True)
class Approximate:
    """A value computed from a sketch; ``bound`` says how far it can be from the exact one.

    :func:`~mlops_notebooks._html.page.facts` and :func:`~mlops_notebooks._html.page.tiles`
    render it as ``≈ value`` with ``bound`` as the tooltip.
    """

    value: Any
    bound: str


def approx_html(text: str, bound: str) -> str:
    """``text`` (already safe HTML) marked approximate, with ``bound`` as its tooltip.

    Examples
    --------
    >>> marked = approx_html("1,024", "HyperLogLog: relative standard error 0.81%")
    >>> marked.startswith("<span class='mlnb-approx' title='HyperLogLog: relative"), "≈" in marked
    (True, True)
    """
    title = html.escape(bound, quote=True)
    return f"<span class='mlnb-approx' title='{title}'>{APPROX_SIGN}\u00a0{text}</span>"


def legend(lines: Iterable[str]) -> str:
    """One note saying what ``≈`` means, then each kind of approximation in the report.

    Empty when ``lines`` is empty (an exact report shows no legend).
    """
    items = list(dict.fromkeys(lines))
    if not items:
        return ""
    entries = "".join(f"<li>{html.escape(line)}</li>" for line in items)
    return (
        f"<div class='mlnb-note mlnb-approx-legend'><b>{APPROX_SIGN}</b> marks a value computed "
        "from a sketch (data summarised beyond memory); hover over it for its error bound."
        f"<ul>{entries}</ul></div>"
    )

"""``record(name, value)``: named results a notebook leaves for its run history.

In a notebook::

    from mlops_notebooks import record
    record("share_of_drifted_columns", report.share_of_drifted_columns)

The cell shows the value; executed by ``mlops-nb run``, the value also goes to the run's
``results.json`` and ``run.json``, and ``mlops-nb reports`` lists it. In plain Jupyter the values
are kept in memory (:func:`recorded`). This replaces papermill's unmaintained scrapbook ``glue``.
"""

from __future__ import annotations

import html
import json
import sys
from typing import Any

from mlops_notebooks._run_context import write_results
from mlops_notebooks.errors import InvalidInputError

__all__ = ["RECORD_MIME_TYPE", "record", "recorded"]

#: The display's machine-readable part; front ends without a renderer for it show the HTML.
RECORD_MIME_TYPE = "application/vnd.mlops-notebooks.record+json"
BAD_NAME = "record() needs a non-empty string name, got {value!r}"
NOT_JSON = (
    "record({name!r}, ...) takes numbers, strings, booleans, None, lists and dicts of them; "
    "got {type}: record a summary value instead (for a result, one of its fields)"
)

_results: dict[str, Any] = {}


def record(name: str, value: Any) -> None:
    """Record a named result of this notebook and show it in the cell.

    Parameters
    ----------
    name : str
        What the value is, e.g. ``"share_of_drifted_columns"``. Recording a name again
        replaces its value.
    value : number, str, bool, None, list or dict
        A JSON value; numpy scalars and arrays are converted, NaN and ±infinity become
        ``None`` (the package's JSON policy).

    Raises
    ------
    InvalidInputError
        When ``name`` is empty or ``value`` cannot be written as JSON.

    Examples
    --------
    >>> record("share_of_drifted_columns", 0.25)
    >>> recorded()["share_of_drifted_columns"]
    0.25
    """
    if not isinstance(name, str) or not name.strip():
        raise InvalidInputError(BAD_NAME.format(value=name))
    plain = _plain(name, value)
    _results[name] = plain
    write_results(json.dumps(_results, indent=2, allow_nan=False))
    _display(name, plain)


def recorded() -> dict[str, Any]:
    """A copy of every value recorded in this process, in recording order.

    Examples
    --------
    >>> record("rows_checked", 1000)
    >>> recorded()["rows_checked"]
    1000
    """
    return dict(_results)


def _plain(name: str, value: Any) -> Any:
    from mlops_notebooks._render import jsonable

    plain = jsonable(value)
    try:
        json.dumps(plain, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise InvalidInputError(NOT_JSON.format(name=name, type=type(value).__name__)) from err
    return plain


def _display(name: str, value: Any) -> None:
    """Show ``name = value`` in a notebook cell (nothing outside IPython)."""
    if "IPython" not in sys.modules:
        return
    from IPython import get_ipython
    from IPython.display import display

    if get_ipython() is None:
        return
    text = json.dumps(value, allow_nan=False)
    shown = text if len(text) <= 200 else text[:199] + "…"
    bundle = {
        RECORD_MIME_TYPE: {"name": name, "value": value},
        "text/plain": f"{name} = {shown}",
        "text/html": (
            "<div class='mlops-record' style='font-family:monospace'>"
            f"<span style='color:#555'>recorded</span> <b>{html.escape(name)}</b> = "
            f"<code>{html.escape(shown)}</code></div>"
        ),
    }
    display(bundle, raw=True)

"""The result protocol every public result type follows (see ``docs/protocol.md``).

A result is a frozen dataclass that inherits :class:`Result` and implements two methods:

- ``to_polars()`` — its main table as a polars DataFrame;
- ``to_dict()`` — everything it holds as plain Python values (JSON-safe after :func:`jsonable`).

It gets from :class:`Result`:

- ``to_frame()`` — the same table as pandas;
- ``to_json(path=None)`` — JSON text (one policy: NaN and ±infinity become ``null``), written
  atomically to ``path`` when given;
- ``save_html(path) -> Path`` — a self-contained HTML report (the shared page: stylesheet,
  header, provenance) written atomically;
- ``_repr_html_()`` — the readable table a notebook shows; override ``_html_body`` to change it.

Results that draw override ``plot(kind=None, *, ax=None) -> Figure`` and list their kinds in
``plot_kinds``; an unknown kind raises :class:`~mlops_notebooks.errors.UnknownNameError`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from mlops_notebooks.errors import InvalidInputError, UnknownNameError

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

__all__ = ["Result", "check_kind", "lookup", "refuse_axes"]


class Result:
    """Mixin with the protocol methods derived from ``to_polars`` and ``to_dict``."""

    #: Names accepted by ``plot(kind=...)``; the first is the default.
    plot_kinds: ClassVar[tuple[str, ...]] = ()
    #: Title of the HTML report and of the notebook display.
    report_title: ClassVar[str] = "Report"

    def to_polars(self) -> pl.DataFrame:
        """The result's main table as a polars DataFrame."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """Everything the result holds, as plain Python values."""
        raise NotImplementedError

    def to_frame(self) -> pd.DataFrame:
        """The result's main table as a pandas DataFrame (``to_polars()`` converted)."""
        return self.to_polars().to_pandas()

    def to_json(self, path: str | os.PathLike[str] | None = None) -> str:
        """JSON text of :meth:`to_dict`; also written atomically to ``path`` when given.

        NaN and ±infinity become ``null``; dates and times are ISO 8601 strings.
        """
        from mlops_notebooks._io import write_text_atomic
        from mlops_notebooks._render import dumps

        text = dumps(self.to_dict())
        if path is not None:
            write_text_atomic(path, text)
        return text

    def _html_body(self) -> str:
        """Safe HTML of the result without page chrome (default: its table)."""
        from mlops_notebooks._render import frame_to_html

        return frame_to_html(self.to_polars())

    def _repr_html_(self) -> str:
        from mlops_notebooks._render import fragment

        return fragment(self._html_body())

    def _provenance(self) -> list[dict[str, Any]]:
        """Provenance records of the data behind the result, shown in the report header."""
        return []

    def save_html(self, path: str | os.PathLike[str]) -> Path:
        """Write a self-contained HTML report atomically and return its path."""
        from mlops_notebooks._io import write_text_atomic
        from mlops_notebooks._render import page

        text = page(self.report_title, self._html_body(), provenance=self._provenance())
        return write_text_atomic(path, text)

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """Draw the result; see ``plot_kinds`` for the kinds it offers."""
        check_kind(kind, self.plot_kinds, what=f"{type(self).__name__} plot kind")
        raise NotImplementedError


def check_kind(kind: str | None, valid: Iterable[str], *, what: str = "kind") -> str:
    """Return ``kind`` (or the first of ``valid`` when ``None``) if it is one of ``valid``.

    Raises
    ------
    UnknownNameError
        ``kind`` is not valid; the message lists the valid names.
    """
    names = tuple(valid)
    if kind is None and names:
        return names[0]
    if kind not in names:
        raise UnknownNameError(str(kind), names, what=what)
    return kind


def lookup(mapping: dict[str, Any], name: str, *, what: str) -> Any:
    """``mapping[name]``, or an :class:`UnknownNameError` listing the valid names."""
    try:
        return mapping[name]
    except KeyError:
        raise UnknownNameError(name, tuple(mapping), what=what) from None


MULTI_PANEL = "plot kind {kind!r} draws several panels on its own figure; call it without ax"


def refuse_axes(ax: Any, kind: str) -> None:
    """Raise :class:`InvalidInputError` when ``ax`` is given to a plot that needs its own figure."""
    if ax is not None:
        raise InvalidInputError(MULTI_PANEL.format(kind=kind))

"""Results of a load: :class:`Provenance` (where the data came from) and :class:`Dataset`."""

from __future__ import annotations

import dataclasses
import html
import os
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from mlops_notebooks._protocol import Result

if TYPE_CHECKING:
    import polars as pl

__all__ = ["Dataset", "Provenance", "provenance_table"]

_HEAD_ROWS = 5


@dataclass(frozen=True)
class Provenance(Result):
    """Where a loaded data set came from; holds no secret (passwords are masked).

    Attributes
    ----------
    ref : str
        The ref passed to ``load`` (catalog name, path or URL; passwords masked).
    source : str
        The resolved path or URL, passwords masked.
    format : str
        Reader format (``parquet``, ``csv``, ``sql``, …).
    layer : str
        Catalog layer (``raw``, ``processed``, ``model_outputs``, …); empty outside the catalog.
    catalog_name : str or None
        The catalog entry's name when the ref was one.
    dvc_rev : str or None
        Git revision the data was read at (DVC sources).
    content_hash : str or None
        DVC content hash (md5) of the file or folder, where known.
    query : str or None
        The SQL query (parameters bound separately, listed in ``query_params`` names only).
    rows, columns : int
        Shape of the returned frame.
    column_names : tuple of str
        The returned columns.
    sample : str or None
        How rows were selected (``"limit 100"``, ``"random 5000 of 336776, seed 42"``).
    loaded_at : datetime
        UTC time the load finished.
    duration_seconds : float
        Wall-clock time the load took.
    """

    ref: str
    source: str
    format: str
    layer: str
    catalog_name: str | None
    dvc_rev: str | None
    content_hash: str | None
    query: str | None
    rows: int
    columns: int
    column_names: tuple[str, ...]
    sample: str | None
    loaded_at: datetime
    duration_seconds: float

    report_title: ClassVar[str] = "Provenance"

    def to_dict(self) -> dict[str, Any]:
        """Every field, JSON-ready (time as ISO 8601 UTC)."""
        record = dataclasses.asdict(self)
        record["loaded_at"] = self.loaded_at.isoformat()
        record["column_names"] = list(self.column_names)
        return record

    def to_frame(self) -> Any:
        """One row per field (``field``, ``value``) as a pandas DataFrame (values as they are)."""
        import pandas as pd

        items = [(k, v) for k, v in self.to_dict().items() if k != "column_names"]
        return pd.DataFrame(items, columns=["field", "value"])

    def to_polars(self) -> pl.DataFrame:
        """One row per field (``field``, ``value``); values as text, missing ones null."""
        import polars as pl

        items = [(k, v) for k, v in self.to_dict().items() if k != "column_names"]
        return pl.DataFrame(
            {
                "field": [k for k, _ in items],
                "value": [None if v is None else str(v) for _, v in items],
            },
            schema={"field": pl.String, "value": pl.String},
        )

    def summary(self) -> list[tuple[str, str]]:
        """Field/value pairs worth showing to a reader (empty fields left out)."""
        pairs = [
            ("ref", self.ref),
            ("source", self.source),
            ("layer", self.layer),
            ("format", self.format),
            ("DVC revision", self.dvc_rev),
            ("content hash", self.content_hash),
            ("query", self.query),
            ("rows selected", self.sample),
            ("shape", f"{_count(self.rows, 'row')} × {_count(self.columns, 'column')}"),
            ("loaded at", self.loaded_at.strftime("%Y-%m-%d %H:%M:%S UTC")),
            ("load time", f"{self.duration_seconds:.3f} s"),
        ]
        return [(k, str(v)) for k, v in pairs if v]

    def _html_body(self) -> str:
        from mlops_notebooks._render import facts

        return f"<div class='mlnb-source'>{facts(self.summary())}</div>"

    def _repr_html_(self) -> str:
        from mlops_notebooks._render import fragment

        return fragment(self._html_body())


@dataclass(frozen=True, eq=False)  # frames do not compare to one bool
class Dataset:
    """A loaded data frame with its :class:`Provenance`.

    A container of data, not an analysis result: ``to_frame()`` returns the data itself, in the
    backend it was loaded in; ``to_dict()``/``to_json()`` give the provenance record.

    Attributes
    ----------
    frame : pandas.DataFrame or polars.DataFrame
        The data, in the backend asked for.
    provenance : Provenance
        Where it came from.
    """

    frame: Any
    provenance: Provenance

    def to_frame(self) -> Any:
        """The data frame itself."""
        return self.frame

    def to_dict(self) -> dict[str, Any]:
        """The provenance record (the data is not serialised)."""
        return self.provenance.to_dict()

    def to_json(self, path: str | os.PathLike[str] | None = None) -> str:
        """The provenance record as JSON; also written atomically to ``path`` when given."""
        return self.provenance.to_json(path)

    def _repr_html_(self) -> str:
        from mlops_notebooks._render import fragment, frame_to_html

        head = self.frame.head(_HEAD_ROWS)
        title = html.escape(self.provenance.catalog_name or self.provenance.ref)
        return fragment(
            f"<p><b>Dataset</b> <code>{title}</code></p>"
            f"{self.provenance._html_body()}"
            f"<p>First {len(head)} rows:</p>"
            f"{frame_to_html(head, max_rows=_HEAD_ROWS)}"
        )


def provenance_table(*datasets: Dataset) -> Any:
    """One row per data set: where each came from, side by side (a pandas DataFrame).

    Columns: ``ref``, ``layer``, ``source``, ``dvc_rev``, ``content_hash``, ``rows``,
    ``columns``, ``sample``, ``loaded_at``. Two loads with the same ``content_hash`` read the
    same bytes.

    Examples
    --------
    >>> from mlops_notebooks.data import load_dataset
    >>> table = provenance_table(load_dataset("flights_processed"), load_dataset("flights_current"))
    >>> table[["ref", "rows"]].values.tolist()
    [['flights_processed', 327346], ['flights_current', 166668]]
    """
    import pandas as pd

    columns = ["ref", "layer", "source", "dvc_rev", "content_hash", "rows", "columns", "sample"]
    records = [d.provenance.to_dict() for d in datasets]
    return pd.DataFrame(records, columns=[*columns, "loaded_at"])


def _count(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"

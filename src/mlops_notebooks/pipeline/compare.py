"""Compare a stage output between two revisions: schema, row counts, drift, rows changed by key.

Both versions are read through the data layer (``dvc://…?rev=``), the per-column drift is the
drift package's :func:`~mlops_notebooks.drift.compare`, and rows are matched on a key column
(detected, or given) to count the rows added, removed and changed, column by column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import polars as pl

from mlops_notebooks._protocol import Result, check_kind
from mlops_notebooks._render import figure_of, new_axes
from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.pipeline.inputs import load_output, resolve_output

if TYPE_CHECKING:
    from mlops_notebooks.pipeline.project import Pipeline

__all__ = ["OutputComparison", "compare_output", "detect_key"]

BAD_KEY = "key column {key!r} must be in both versions and unique in each: {reason}"


@dataclass(frozen=True)
class OutputComparison(Result):
    """How one output differs between two versions.

    Attributes
    ----------
    path : str
        The output, relative to the pipeline folder.
    rev_a, rev_b : str
        The two versions (``"workspace"`` for the files on disk).
    rows_a, rows_b : int
    added_columns, removed_columns : tuple of str
    retyped_columns : dict of str to tuple of str
        Column → (type before, type after).
    key : str or None
        Column the rows were matched on.
    rows_added, rows_removed, rows_changed : int or None
        Keys only in ``rev_b``, only in ``rev_a``, and in both with any value changed.
    changed_by_column : dict of str to int
        Matched rows whose value differs, per common column.
    drift : DriftReport or None
        Per-column drift of ``rev_b`` against ``rev_a`` (common columns).
    """

    path: str
    rev_a: str
    rev_b: str
    rows_a: int
    rows_b: int
    added_columns: tuple[str, ...]
    removed_columns: tuple[str, ...]
    retyped_columns: dict[str, tuple[str, str]]
    key: str | None
    rows_added: int | None
    rows_removed: int | None
    rows_changed: int | None
    changed_by_column: dict[str, int]
    drift: Any = field(default=None, repr=False)
    report_title: ClassVar[str] = "Output comparison"
    plot_kinds: ClassVar[tuple[str, ...]] = ("changes", "drift")

    @property
    def schema_changed(self) -> bool:
        """True when a column was added, removed or changed type."""
        return bool(self.added_columns or self.removed_columns or self.retyped_columns)

    def summary_line(self) -> str:
        """The comparison in one sentence."""
        parts = [f"{self.path}: {self.rows_a:,} → {self.rows_b:,} rows"]
        if self.added_columns:
            parts.append(f"added columns {', '.join(self.added_columns)}")
        if self.removed_columns:
            parts.append(f"removed columns {', '.join(self.removed_columns)}")
        if self.retyped_columns:
            parts.append(f"retyped {', '.join(self.retyped_columns)}")
        if self.key is not None:
            parts.append(
                f"by {self.key}: {self.rows_changed:,} rows changed, "
                f"{self.rows_added:,} added, {self.rows_removed:,} removed"
            )
        if self.drift is not None:
            parts.append(f"drifted: {', '.join(self.drift.drifted_columns) or 'none'}")
        return "; ".join(parts)

    def to_polars(self) -> pl.DataFrame:
        """One row per column: change, types, drift and rows changed (by key)."""
        drift = {c.column: c for c in self.drift.columns} if self.drift is not None else {}
        # what changed first: schema, then most rows changed, then drifted, then the rest
        ranked = sorted(self.changed_by_column, key=lambda c: -self.changed_by_column[c])
        names = [*self.removed_columns, *self.added_columns, *self.retyped_columns]
        names += [c for c in ranked if self.changed_by_column[c] > 0]
        names += [c for c, column in drift.items() if column.drift]
        names += [*ranked, *drift]
        names = list(dict.fromkeys(names))
        rows = []
        for name in names:
            column = drift.get(name)
            rows.append(
                {
                    "column": name,
                    "change": _change(self, name),
                    "type_a": self.retyped_columns.get(name, ("", ""))[0] or None,
                    "type_b": self.retyped_columns.get(name, ("", ""))[1] or None,
                    "rows_changed": self.changed_by_column.get(name),
                    "drift_method": column.method if column else None,
                    "drift_statistic": column.statistic if column else None,
                    "drifted": column.drift if column else None,
                }
            )
        schema = {
            "column": pl.String,
            "change": pl.String,
            "type_a": pl.String,
            "type_b": pl.String,
            "rows_changed": pl.Int64,
            "drift_method": pl.String,
            "drift_statistic": pl.Float64,
            "drifted": pl.Boolean,
        }
        return pl.DataFrame(rows, schema=schema)

    def to_dict(self) -> dict[str, Any]:
        """Everything but the drift summaries; the drift report as ``mlops-nb drift --json``."""
        return {
            "path": self.path,
            "rev_a": self.rev_a,
            "rev_b": self.rev_b,
            "rows_a": self.rows_a,
            "rows_b": self.rows_b,
            "added_columns": list(self.added_columns),
            "removed_columns": list(self.removed_columns),
            "retyped_columns": {k: list(v) for k, v in self.retyped_columns.items()},
            "key": self.key,
            "rows_added": self.rows_added,
            "rows_removed": self.rows_removed,
            "rows_changed": self.rows_changed,
            "changed_by_column": self.changed_by_column,
            "drift": self.drift.to_dict() if self.drift is not None else None,
        }

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """``"changes"``: rows changed per column (by key); ``"drift"``: the drift ranking."""
        kind = check_kind(kind, self.plot_kinds, what="comparison plot kind")
        if kind == "drift":
            if self.drift is None:
                raise InvalidInputError("no drift to plot: the two versions share no column")
            return self.drift.plot(ax=ax)
        counts = sorted(self.changed_by_column.items(), key=lambda item: item[1])
        shown = [(name, count) for name, count in counts if count > 0][-20:]
        ax = new_axes(ax, size=(7, max(2.5, 0.3 * len(shown) + 1.2)))
        if shown:
            ax.barh([n for n, _ in shown], [c for _, c in shown], color="#4c78a8")
            ax.set_xlabel(f"rows changed (matched on {self.key})")
        else:
            ax.text(0.5, 0.5, "no matched row changed", ha="center", va="center")
            ax.set_axis_off()
        ax.set_title(f"{self.path}: {self.rev_a} → {self.rev_b}")
        return figure_of(ax)

    def _html_body(self) -> str:
        from mlops_notebooks._render import figure_to_img_tag, frame_to_html, paragraph

        picture = figure_to_img_tag(self.plot()) if self.key is not None else ""
        return paragraph(self.summary_line()) + picture + frame_to_html(self.to_polars())


def detect_key(a: pl.DataFrame, b: pl.DataFrame) -> str | None:
    """A column named like an identifier (``id``, ``*_id``), unique and non-null in both."""
    common = [c for c in a.columns if c in b.columns]
    named = [c for c in common if c.lower() == "id" or c.lower().endswith(("_id", "id_"))]
    for column in named:
        if _unique(a, column) and _unique(b, column):
            return column
    return None


def compare_output(
    pipeline: Pipeline,
    target: str,
    rev_a: str,
    rev_b: str | None = None,
    *,
    key: str | None = None,
    drift: bool = True,
) -> OutputComparison:
    """Compare a stage output between ``rev_a`` and ``rev_b`` (default: the workspace).

    Parameters
    ----------
    pipeline : Pipeline
    target : str
        An output path relative to the pipeline folder, or a stage (its first data output).
    rev_a : str
        The earlier git revision.
    rev_b : str, optional
        The later revision; default the workspace (the output as the last run left it).
    key : str, optional
        Column identifying a row (default: detected, see :func:`detect_key`).
    drift : bool, default True
        Also run the drift comparison on the common columns.

    Returns
    -------
    OutputComparison

    Raises
    ------
    UnknownRevisionError
        A revision does not exist.
    InvalidInputError
        ``key`` is missing from a version or not unique.

    Examples
    --------
    >>> from mlops_notebooks.pipeline import make_sandbox, open_pipeline
    >>> from mlops_notebooks.pipeline.compare import compare_output
    >>> pipeline = open_pipeline(make_sandbox())
    >>> comparison = compare_output(pipeline, "predict", "v1", "v2")  # v2: max_iter 200 -> 50
    >>> comparison.key, comparison.rows_a, comparison.rows_changed
    ('flight_id', 32081, 32081)
    >>> {name: rows for name, rows in comparison.changed_by_column.items() if rows}
    {'predicted_probability': 32081, 'predicted_delayed': 986}
    >>> comparison.schema_changed, comparison.drift.drifted_columns
    (False, ('predicted_probability',))
    """
    path = resolve_output(pipeline, target)
    a = load_output(pipeline, path, rev=rev_a, backend="polars")
    b = load_output(pipeline, path, rev=rev_b, backend="polars")
    key = _check_key(a, b, key) if key is not None else detect_key(a, b)
    common = [c for c in a.columns if c in b.columns]
    retyped = {
        c: (str(a.schema[c]), str(b.schema[c])) for c in common if a.schema[c] != b.schema[c]
    }
    counts = _row_changes(a, b, key, [c for c in common if c != key and c not in retyped])
    report = None
    if drift and [c for c in common if c != key]:
        from mlops_notebooks.drift import compare

        report = compare(a.select(common), b.select(common), ignore=[key] if key else ())
    return OutputComparison(
        path=path,
        rev_a=rev_a,
        rev_b=rev_b or "workspace",
        rows_a=a.height,
        rows_b=b.height,
        added_columns=tuple(c for c in b.columns if c not in a.columns),
        removed_columns=tuple(c for c in a.columns if c not in b.columns),
        retyped_columns=retyped,
        key=key,
        rows_added=counts[0],
        rows_removed=counts[1],
        rows_changed=counts[2],
        changed_by_column=counts[3],
        drift=report,
    )


def _unique(frame: pl.DataFrame, column: str) -> bool:
    series = frame[column]
    return series.null_count() == 0 and series.n_unique() == frame.height


def _check_key(a: pl.DataFrame, b: pl.DataFrame, key: str) -> str:
    for name, frame in (("first", a), ("second", b)):
        if key not in frame.columns:
            raise InvalidInputError(
                BAD_KEY.format(key=key, reason=f"missing from the {name} version")
            )
        if not _unique(frame, key):
            raise InvalidInputError(
                BAD_KEY.format(key=key, reason=f"repeated in the {name} version")
            )
    return key


def _row_changes(
    a: pl.DataFrame, b: pl.DataFrame, key: str | None, columns: list[str]
) -> tuple[int | None, int | None, int | None, dict[str, int]]:
    if key is None:
        return None, None, None, {}
    joined = a.select(key, *columns).join(
        b.select(key, *columns), on=key, how="inner", suffix="__b"
    )
    flags = joined.select([pl.col(c).ne_missing(pl.col(f"{c}__b")).alias(c) for c in columns])
    by_column = {c: int(v) for c, v in flags.sum().row(0, named=True).items()} if columns else {}
    changed = int(flags.select(pl.any_horizontal(pl.all()).sum()).item()) if columns else 0
    added = int(b.height - joined.height)
    removed = int(a.height - joined.height)
    return added, removed, changed, by_column


def _change(comparison: OutputComparison, name: str) -> str:
    if name in comparison.added_columns:
        return "added"
    if name in comparison.removed_columns:
        return "removed"
    if name in comparison.retyped_columns:
        return "retyped"
    return "changed" if comparison.changed_by_column.get(name) else "same"

"""``compare``: per-column and data-set drift between a reference and a current data set."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from mlops_notebooks._deprecation import renamed
from mlops_notebooks._frames import FrameLike, to_polars
from mlops_notebooks._kinds import ColumnKind
from mlops_notebooks.drift._columns import (
    _evaluate,
    _inferred_exclusions,
    _kind,
    _Options,
    _select_columns,
    _unusable,
)
from mlops_notebooks.drift.methods import (
    get_method,
)
from mlops_notebooks.drift.report import (
    ColumnDrift,
    DriftReport,
)
from mlops_notebooks.drift.summaries import (
    plan_column,
    summarize,
)
from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.summaries.engines import Engine

if TYPE_CHECKING:
    import polars as pl


__all__ = ["Correction", "compare", "read_input"]

Correction = Literal["bonferroni", "bh"]
CORRECTIONS: dict[str, str] = {"bonferroni": "bonferroni", "bh": "fdr_bh"}

EMPTY_DATA = "{name} data has no rows; pass a data set with at least one row"
BAD_DRIFT_SHARE = "drift_share must be in (0, 1], got {value}"
MIXED_ENGINES = (
    "reference and current must run on the same engine (both Dask, both Spark, or both "
    "Parquet/in memory)"
)
BAD_CORRECTION = "correction must be one of {valid} or None, got {value!r}"


@renamed(
    columns="features",
    target_column="target",
    prediction_column="prediction",
    probability_column="probabilities",
)
def compare(
    reference: FrameLike,
    current: FrameLike,
    *,
    features: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    methods: Mapping[str, str] | None = None,
    kind_methods: Mapping[str, str] | None = None,
    thresholds: Mapping[str, float] | None = None,
    drift_share: float = 0.5,
    correction: Correction | None = None,
    target: str | None = None,
    prediction: str | None = None,
    probabilities: str | None = None,
    engine: Engine = "auto",
    progress: bool | None = None,
    exclude_inferred: bool = False,
) -> DriftReport:
    """Compare ``current`` with ``reference`` column by column and decide data-set drift.

    Parameters
    ----------
    reference, current : pandas.DataFrame, polars.DataFrame, polars.LazyFrame or str
        The data sets, or data refs (file path, catalog name, ``dvc://…``).
    features : sequence of str, optional
        Columns to compare (default: every column present in both). Identifier and free-text
        columns are reported as skipped; datetime columns too, unless ``methods`` names one
        for them (two periods always differ in time).
    ignore : sequence of str, default ()
        Columns to leave out.
    methods : mapping of str to str, optional
        Method per column name, e.g. ``{"distance": "psi"}``.
    kind_methods : mapping of str to str, optional
        Method per column kind, e.g. ``{"numeric": "ks", "categorical": "chisquare"}``.
    thresholds : mapping of str to float, optional
        Threshold per column name or per method name (column names win).
    drift_share : float, default 0.5
        The data set drifts when at least this share of compared feature columns drifted.
    correction : {"bonferroni", "bh"}, optional
        Multiple-testing correction of p-values across columns (Benjamini–Hochberg for "bh").
    target, prediction, probabilities : str, optional
        Label, predicted label and predicted probability columns. They are compared too but
        reported separately (not counted in the share); with labels and predictions in both
        data sets the report carries the performance change. (Deprecated old names:
        ``columns``, ``target_column``, ``prediction_column``, ``probability_column``.)
    engine : {"auto", "local", "stream", "dask", "spark"}, default "auto"
        Where the summaries are computed: ``local`` loads both data sets; ``stream`` scans
        Parquet in batches (bounded memory); ``dask``/``spark`` take Dask/Spark DataFrames.
        ``auto`` follows the data's type (and streams Parquet over 20 million rows). Histogram
        methods give the in-memory result on every engine; KS on a column with many distinct
        values comes from KLL sketches; methods that need every value (Anderson–Darling,
        Cramér–von Mises, energy) are reported as failed there. See ``docs/scale.md``.
    progress : bool or None, default None
        Progress bar on stderr while streaming (``None``: only when stderr is a terminal).
    exclude_inferred : bool, default False
        Without ``features``, leave out the identifier, time and calendar columns (year, month,
        day, hour, … of the time column) that :func:`mlops_notebooks.eda.infer_roles` finds in
        the reference: they differ between two periods by construction. The report lists them
        in ``excluded_columns`` with the reason. ``check_drift`` and ``mlops-nb drift`` do this
        by default.

    Returns
    -------
    DriftReport

    Raises
    ------
    InvalidInputError
        Empty data, no common columns, unknown columns, methods or options.

    Notes
    -----
    Default methods follow Evidently's: hypothesis tests up to 1,000 reference values,
    distances above (normalized Wasserstein, Jensen–Shannon), because at hundreds of thousands
    of rows a p-value flags differences too small to matter.

    Examples
    --------
    >>> report = compare("flights_reference", "flights_current")
    >>> report.dataset_drift, len(report.drifted_columns)
    (False, 9)
    """
    if not 0 < drift_share <= 1:
        raise InvalidInputError(BAD_DRIFT_SHARE.format(value=drift_share))
    if correction is not None and correction not in CORRECTIONS:
        raise InvalidInputError(BAD_CORRECTION.format(valid=sorted(CORRECTIONS), value=correction))
    from mlops_notebooks.summaries.engines import resolve_engine

    resolved = resolve_engine(reference, engine)
    if resolved != resolve_engine(current, engine if engine != "auto" else resolved):
        raise InvalidInputError(MIXED_ENGINES)
    roles = {
        c: r
        for c, r in (
            (target, "target"),
            (prediction, "prediction"),
            (probabilities, "prediction"),
        )
        if c
    }
    options = _Options(methods or {}, kind_methods or {}, thresholds or {}, roles)
    for method_name in [*options.methods.values(), *options.kind_methods.values()]:
        get_method(method_name)  # fail fast, listing valid names
    if resolved != "local":
        from mlops_notebooks.drift._compare_scale import compare_at_scale

        results, rows, only, excluded = compare_at_scale(
            reference, current, resolved, features, ignore, options, progress, exclude_inferred
        )
        return _report(results, correction, drift_share, rows, only, excluded_columns=excluded)
    ref_frame, ref_provenance = read_input(reference, "reference")
    cur_frame, cur_provenance = read_input(current, "current")
    names = _select_columns(ref_frame, cur_frame, features, ignore)
    left_out: dict[str, str] = {}
    if exclude_inferred and features is None:
        left_out = _inferred_exclusions(ref_frame, names, options)
        names = [n for n in names if n not in left_out]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        results = list(pool.map(lambda c: _compare_column(ref_frame, cur_frame, c, options), names))
    return _report(
        results,
        correction,
        drift_share,
        (ref_frame.height, cur_frame.height),
        (
            tuple(c for c in ref_frame.columns if c not in cur_frame.columns),
            tuple(c for c in cur_frame.columns if c not in ref_frame.columns),
        ),
        reference_provenance=ref_provenance,
        current_provenance=cur_provenance,
        excluded_columns=left_out,
        performance=_performance(ref_frame, cur_frame, target, prediction, probabilities),
    )


def _report(
    results: list[ColumnDrift],
    correction: Correction | None,
    drift_share: float,
    rows: tuple[int, int],
    only: tuple[tuple[str, ...], tuple[str, ...]],
    **extra: Any,
) -> DriftReport:
    """The report over ``results``: correction applied, share and verdict from the features."""
    results = _apply_correction(results, correction)
    features = [r for r in results if r.compared and r.role == "feature"]
    share = sum(r.drift for r in features) / len(features) if features else 0.0
    return DriftReport(
        columns=tuple(results),
        dataset_drift=bool(features) and share >= drift_share,
        share_of_drifted_columns=share,
        drift_share=drift_share,
        reference_rows=rows[0],
        current_rows=rows[1],
        correction=correction,
        only_in_reference=only[0],
        only_in_current=only[1],
        **extra,
    )


def read_input(data: FrameLike, name: str) -> tuple[pl.DataFrame, dict[str, Any] | None]:
    """Return ``data`` as polars plus its provenance record when it has one.

    Data refs are loaded with :func:`mlops_notebooks.data.load_dataset`; a
    :class:`~mlops_notebooks.data.Dataset` already loaded keeps its provenance; plain frames
    have none.
    """
    from mlops_notebooks.data import Dataset, load_dataset

    provenance = None
    if isinstance(data, str | os.PathLike):
        data = load_dataset(os.fspath(data), backend="polars")
    if isinstance(data, Dataset):
        provenance = data.provenance.to_dict()
    frame = to_polars(data, name=name)
    if frame.height == 0:
        raise InvalidInputError(EMPTY_DATA.format(name=name.capitalize()))
    return frame, provenance


def _compare_column(
    reference: pl.DataFrame, current: pl.DataFrame, column: str, options: _Options
) -> ColumnDrift:
    ref_series, cur_series = reference.get_column(column), current.get_column(column)
    role = options.roles.get(column, "feature")
    ref_kind, cur_kind = _kind(ref_series), _kind(cur_series)
    base: dict[str, Any] = {
        "column": column,
        "role": role,
        "missing_share_reference": _missing_share(ref_series),
        "missing_share_current": _missing_share(cur_series),
    }
    unusable = _unusable(ref_kind, cur_kind, column in options.methods)
    if unusable is not None:
        return ColumnDrift(**base, **unusable)
    kind = ref_kind if ref_kind != ColumnKind.EMPTY else cur_kind
    plan = plan_column(column, kind, ref_series, cur_series)
    ref_summary, cur_summary = summarize(ref_series, plan), summarize(cur_series, plan)
    return _evaluate(base, plan, ref_summary, cur_summary, options, (ref_series, cur_series))


def _missing_share(series: pl.Series) -> float:
    missing = series.null_count() + (int(series.is_nan().sum()) if series.dtype.is_float() else 0)
    return missing / series.len() if series.len() else 0.0


def _apply_correction(results: list[ColumnDrift], correction: str | None) -> list[ColumnDrift]:
    if correction is None:
        return results
    from dataclasses import replace

    from statsmodels.stats.multitest import multipletests

    tested = [i for i, r in enumerate(results) if r.raw_p_value is not None]
    if not tested:
        return results
    raw = np.array([results[i].raw_p_value for i in tested], dtype=np.float64)
    adjusted = multipletests(raw, method=CORRECTIONS[correction])[1]
    out = list(results)
    for i, p_value in zip(tested, adjusted, strict=True):
        threshold = results[i].threshold
        out[i] = replace(
            results[i],
            p_value=float(p_value),
            drift=bool(threshold is not None and p_value < threshold),
        )
    return out


def _performance(
    reference: pl.DataFrame,
    current: pl.DataFrame,
    target: str | None,
    prediction: str | None,
    probability: str | None,
) -> Any:
    if not target or not (prediction or probability):
        return None
    needed = [c for c in (target, prediction, probability) if c]
    if any(c not in reference.columns or c not in current.columns for c in needed):
        return None
    from mlops_notebooks.drift.performance import performance_change

    return performance_change(reference, current, target, prediction, probability)

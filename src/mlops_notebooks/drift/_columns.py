"""Column checks shared by the in-memory and the at-scale comparison (no data loading here)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from mlops_notebooks._kinds import ColumnKind, infer_kind
from mlops_notebooks.drift.methods import (
    FEW_DISTINCT_VALUES,
    DriftMethod,
    MethodInput,
    MethodScore,
    default_method_name,
    get_method,
)
from mlops_notebooks.drift.report import MAX_LISTED_CATEGORIES, ColumnDrift, ColumnStatus
from mlops_notebooks.drift.summaries import ColumnPlan, ColumnSummary, finite_values
from mlops_notebooks.errors import InvalidInputError

if TYPE_CHECKING:
    import polars as pl

    from mlops_notebooks.summaries.sketches import QuantileSketch

# Kinds are inferred from at most this many non-null values per column.
KIND_SAMPLE_ROWS = 50_000
COMPARABLE_KINDS = frozenset(
    {ColumnKind.NUMERIC, ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN, ColumnKind.DATETIME}
)
NO_COMMON_COLUMNS = (
    "reference and current have no column in common; check that they hold the same table"
)
UNKNOWN_COLUMNS = "columns {names} are not in both reference and current"
ALL_EXCLUDED = (
    "every column to compare was left out as an identifier, time or calendar column ({names}); "
    "name the columns to compare (features, --columns) or compare all (--all-columns)"
)
# Rows of the reference on which identifier, time and calendar columns are inferred.
ROLE_SAMPLE_ROWS = 50_000
NEEDS_EVERY_VALUE = (
    "{name} needs every value, which this engine does not hold in memory; "
    "use ks or a histogram method (wasserstein, jensenshannon, psi)"
)


@dataclass(frozen=True)
class _Options:
    methods: Mapping[str, str]
    kind_methods: Mapping[str, str]
    thresholds: Mapping[str, float]
    roles: Mapping[str, str]


def _select_columns(
    reference: pl.DataFrame,
    current: pl.DataFrame,
    columns: Sequence[str] | None,
    ignore: Sequence[str],
) -> list[str]:
    common = [c for c in reference.columns if c in set(current.columns)]
    if not common:
        raise InvalidInputError(NO_COMMON_COLUMNS)
    if columns is not None:
        unknown = [c for c in columns if c not in common]
        if unknown:
            raise InvalidInputError(UNKNOWN_COLUMNS.format(names=unknown))
        common = list(columns)
    selected = [c for c in common if c not in set(ignore)]
    if not selected:
        raise InvalidInputError(NO_COMMON_COLUMNS)
    return selected


def _inferred_exclusions(
    reference: pl.DataFrame, selected: Sequence[str], options: _Options
) -> dict[str, str]:
    """Identifier, time and calendar columns among ``selected``, with the reason for each.

    Roles come from :func:`mlops_notebooks.eda.infer_roles` on (a seeded sample of) the
    reference. Targets, predictions and columns given an explicit method are kept.
    """
    from mlops_notebooks.eda.roles import infer_roles

    if reference.height > ROLE_SAMPLE_ROWS:
        reference = reference.sample(ROLE_SAMPLE_ROWS, seed=0)
    roles = infer_roles(reference.select(list(selected)))
    reasons = dict.fromkeys(roles.identifiers, "identifier: unique per row")
    if roles.time_column:
        reasons[roles.time_column] = "time column"
        reasons.update(dict.fromkeys(roles.calendar, f"calendar part of {roles.time_column}"))
    keep = {*options.roles, *options.methods}
    excluded = {c: reason for c, reason in reasons.items() if c not in keep}
    if excluded and len(excluded) == len(selected):
        raise InvalidInputError(ALL_EXCLUDED.format(names=", ".join(excluded)))
    return excluded


def _kind(series: pl.Series) -> ColumnKind:
    values = series.drop_nulls()
    if series.dtype.is_float():
        values = values.filter(~values.is_nan())
    return infer_kind(values.head(KIND_SAMPLE_ROWS)) if values.len() else ColumnKind.EMPTY


def _unusable(ref: ColumnKind, cur: ColumnKind, forced: bool) -> dict[str, Any] | None:
    """Status fields for a column that cannot be compared, or None when it can."""
    if ref == ColumnKind.EMPTY and cur == ColumnKind.EMPTY:
        return _not_compared(ref, "empty", False, "all values missing in both data sets")
    if ColumnKind.EMPTY in (ref, cur):
        which = "reference" if ref == ColumnKind.EMPTY else "current"
        kind = cur if ref == ColumnKind.EMPTY else ref
        return _not_compared(kind, "kind_mismatch", True, f"all values missing in {which}")
    numeric = {ColumnKind.NUMERIC, ColumnKind.IDENTIFIER}
    if ref != cur and not {ref, cur} <= numeric:
        return _not_compared(ref, "kind_mismatch", True, f"kind changed from {ref} to {cur}")
    if ref not in COMPARABLE_KINDS or (ref == ColumnKind.DATETIME and not forced):
        return _not_compared(ref, "skipped", False, f"{ref} column: not compared")
    return None


def _not_compared(kind: ColumnKind, status: str, drift: bool, note: str) -> dict[str, Any]:
    return {
        "kind": str(kind),
        "method": None,
        "statistic": None,
        "p_value": None,
        "threshold": None,
        "drift": drift,
        "status": status,
        "note": note,
    }


def _evaluate(
    base: dict[str, Any],
    plan: ColumnPlan,
    ref: ColumnSummary,
    cur: ColumnSummary,
    options: _Options,
    series: tuple[pl.Series, pl.Series] | None,
    sketches: tuple[QuantileSketch, QuantileSketch] | None = None,
) -> ColumnDrift:
    """Score one column; without ``series`` (beyond memory) KS reads the KLL ``sketches``."""
    column, kind = plan.column, plan.kind
    distinct = _distinct_values(ref, cur)
    name = (
        options.methods.get(column)
        or options.kind_methods.get(str(kind))
        or (default_method_name(kind, ref.count, distinct))
    )
    method = get_method(name)
    threshold = float(
        options.thresholds.get(column, options.thresholds.get(name, method.threshold))
    )
    notes = _notes(ref, cur)
    new, vanished = _category_changes(ref, cur)
    fields = {
        **base,
        "kind": str(kind),
        "method": name,
        "threshold": threshold,
        "new_categories": new,
        "vanished_categories": vanished,
        "reference": ref,
        "current": cur,
    }
    if ref.count == 0 or cur.count == 0:
        which = "reference" if ref.count == 0 else "current"
        return _unscored(fields, [*notes, f"no finite value in {which}"], "kind_mismatch")
    try:
        score = _score(method, plan, ref, cur, series, sketches)
    except InvalidInputError as err:
        return _unscored(fields, [*notes, str(err)], "failed")
    finite = np.isfinite(score.statistic) and (score.p_value is None or np.isfinite(score.p_value))
    if not finite:
        return _unscored(fields, [*notes, f"{name} returned a non-finite value"], "failed")
    if score.error_bound is not None:
        notes.append(f"{name} statistic from quantile sketches (±{score.error_bound:.2g})")
    return ColumnDrift(
        **fields,
        statistic=score.statistic,
        p_value=score.p_value,
        raw_p_value=score.p_value,
        drift=method.is_drift(score, threshold),
        note="; ".join(notes),
        error_bound=score.error_bound,
    )


def _distinct_values(ref: ColumnSummary, cur: ColumnSummary) -> int:
    """Distinct values in both data sets; exact only when small (that is all defaults need)."""
    larger = max(len(ref.support), len(cur.support))
    return larger if larger > FEW_DISTINCT_VALUES else len(np.union1d(ref.support, cur.support))


def _unscored(fields: dict[str, Any], notes: list[str], status: ColumnStatus) -> ColumnDrift:
    """A column with no statistic: drifted when its values vanished, not when a method failed."""
    return ColumnDrift(
        **fields,
        statistic=None,
        p_value=None,
        drift=status == "kind_mismatch",
        status=status,
        note="; ".join(notes),
    )


def _score(
    method: DriftMethod,
    plan: ColumnPlan,
    ref: ColumnSummary,
    cur: ColumnSummary,
    series: tuple[pl.Series, pl.Series] | None,
    sketches: tuple[QuantileSketch, QuantileSketch] | None,
) -> MethodScore:
    if series is not None or not method.uses_samples or plan.exact:
        return method.compute(_inputs(method.uses_samples, plan, ref, cur, series))
    if method.name == "ks" and sketches is not None:
        from mlops_notebooks.summaries.sketches import ks_from_sketches

        result = ks_from_sketches(*sketches)
        return MethodScore(result.statistic, result.p_value, result.error_bound)
    raise InvalidInputError(NEEDS_EVERY_VALUE.format(name=method.name))


def _inputs(
    uses_samples: bool,
    plan: ColumnPlan,
    ref: ColumnSummary,
    cur: ColumnSummary,
    series: tuple[pl.Series, pl.Series] | None,
) -> MethodInput:
    if not uses_samples or plan.exact or series is None:
        return MethodInput(ref, cur)
    return MethodInput(
        ref, cur, finite_values(series[0]).to_numpy(), finite_values(series[1]).to_numpy()
    )


def _notes(ref: ColumnSummary, cur: ColumnSummary) -> list[str]:
    notes = []
    for summary, which in ((ref, "reference"), (cur, "current")):
        if summary.infinite:
            notes.append(f"{summary.infinite} infinite values in {which} left out")
    if ref.is_numeric and ref.count and ref.std == 0:
        notes.append("constant in reference")
    if not ref.exact:
        notes.append("computed on a fine histogram")
    return notes


def _category_changes(ref: ColumnSummary, cur: ColumnSummary) -> tuple[tuple[str, ...], ...]:
    if ref.is_numeric:
        return (), ()
    new = np.setdiff1d(cur.support, ref.support)
    vanished = np.setdiff1d(ref.support, cur.support)
    return (
        tuple(str(v) for v in new[:MAX_LISTED_CATEGORIES]),
        tuple(str(v) for v in vanished[:MAX_LISTED_CATEGORIES]),
    )

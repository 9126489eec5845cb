"""What role each column plays in an analysis, inferred so that a template runs on any schema.

:func:`infer_roles` looks at a frame once (one polars ``select`` for the facts, one for the
calendar checks, one for leak checks) and sorts every column into a role:

- ``time`` — the time column (given, or the first date/time column with ``"auto"``);
- ``calendar`` — integer columns that are parts of the time column (year, month, day, weekday,
  hour, …), also when stored in another time zone than the time column;
- ``identifier`` — unique per row (keys, row numbers, free-form ids);
- ``target`` and ``model_output`` — the label and the model's predictions or scores;
- ``leak`` — a numeric column that alone separates a two-class target almost perfectly (ROC AUC
  ≥ 0.99 either way), such as the delay a "delayed" label was computed from;
- ``numeric``, ``categorical`` (booleans too), ``text``, ``empty`` — the features.

Drift leaves out identifiers and calendar columns (they differ by construction); models and
segment searches also leave out the target, the model outputs and leaks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from mlops_notebooks._frames import FrameLike, to_polars
from mlops_notebooks._kinds import ColumnKind, infer_kinds
from mlops_notebooks._protocol import Result
from mlops_notebooks.errors import UnknownNameError

if TYPE_CHECKING:
    import polars as pl

__all__ = ["ColumnRoles", "infer_roles"]

# Share of rows on which an integer column must equal a calendar part of the time column.
CALENDAR_MATCH_SHARE = 0.8
# For the hour, the column may be in another time zone: a shift by one of at most two
# constant amounts (standard and daylight-saving time) on this share of rows.
SHIFTED_MATCH_SHARE = 0.99
# A numeric column is a leak when it ranks a two-class target with a ROC AUC this far from 0.5.
LEAK_AUC = 0.99
# Calendar parts and leaks are checked on a seeded sample of at most this many rows.
CHECK_ROWS = 50_000
# Bias groups: categorical columns with at least 2 and at most this many distinct values.
MAX_GROUP_LEVELS = 20

_PARTS: dict[str, tuple[str, int]] = {  # name: (polars dt method, period for shifted matching)
    "year": ("year", 0),
    "quarter": ("quarter", 0),
    "month": ("month", 0),
    "week": ("week", 0),
    "day": ("day", 0),
    "ordinal_day": ("ordinal_day", 0),
    "weekday": ("weekday", 0),  # Monday = 1
    "hour": ("hour", 24),
    "minute": ("minute", 0),
}


@dataclass(frozen=True)
class ColumnRoles(Result):
    """The role of every column of a frame; see :func:`infer_roles`.

    Attributes
    ----------
    time_column, target : str or None
        The time column and the target column, when present.
    calendar : dict of str to str
        Calendar columns and the part of the time column each one is (``{"month": "month"}``).
    identifiers, outputs, leaks, numeric, categorical, text, empty : tuple of str
        Columns in each role, in frame order; ``numeric`` most related to the target first
        (ROC AUC), or most variable first without a two-class target.
    groups : tuple of str
        Categorical columns with 2 … ``max_group_levels`` distinct values, fewest levels first:
        default grouping columns for bias.
    table : polars.DataFrame
        One row per column: ``column``, ``kind``, ``role``, ``reason``, ``missing_share``,
        ``distinct``, ``variability`` (std / (|mean| + std), numeric columns) and
        ``target_auc`` (ROC AUC of the column alone against a two-class target, ≥ 0.5).
    """

    time_column: str | None
    target: str | None
    calendar: dict[str, str]
    identifiers: tuple[str, ...]
    outputs: tuple[str, ...]
    leaks: tuple[str, ...]
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    text: tuple[str, ...]
    empty: tuple[str, ...]
    groups: tuple[str, ...]
    table: pl.DataFrame

    report_title: ClassVar[str] = "Column roles"

    @property
    def drift_ignore(self) -> list[str]:
        """Columns drift leaves out: identifiers, the time column and its calendar parts."""
        time = [self.time_column] if self.time_column else []
        return [*self.identifiers, *time, *self.calendar]

    @property
    def model_ignore(self) -> list[str]:
        """Columns a model must not use: :attr:`drift_ignore`, target, outputs and leaks."""
        target = [self.target] if self.target else []
        return [*self.drift_ignore, *target, *self.outputs, *self.leaks]

    @property
    def value_column(self) -> str | None:
        """The numeric column to follow in box plots and time series: the first leak (the
        quantity a label was computed from) or else the top-ranked numeric feature."""
        return next(iter((*self.leaks, *self.numeric)), None)

    @property
    def group_column(self) -> str | None:
        """The grouping column with the fewest levels (first of :attr:`groups`)."""
        return next(iter(self.groups), None)

    def columns_to_plot(self, top_k: int = 8) -> list[str]:
        """Columns worth a picture first: leaks, then the numeric columns with the most missing
        values, then the most related to the target (or most variable without one), ``top_k``
        in all; then at most ``top_k // 2`` (at least one) categorical columns ranked alike."""
        numeric = [*self.leaks, *self._ranked(self.numeric)][:top_k]
        categorical = self._ranked(self.categorical)[: max(1, top_k // 2)]
        return [*numeric, *categorical]

    def features(self, top_k: int = 4) -> list[str]:
        """Default features for error analysis and segments, ``top_k`` in all: up to half are
        bias groups (fewest levels first), the rest the numeric features most related to the
        target (by ROC AUC on their own) or, without a target, the most variable."""
        groups = list(self.groups[: max(1, top_k // 2)])
        return [*groups, *self.numeric[: top_k - len(groups)]]

    def column(self, name: str) -> dict[str, Any]:
        """The row of :attr:`table` for column ``name``."""
        rows = self.table.filter(self.table["column"] == name).to_dicts()
        if not rows:
            raise UnknownNameError(name, tuple(self.table["column"]), what="column")
        return rows[0]

    def summary(self) -> str:
        """Markdown: which columns are left out of drift and models, and why."""
        parts = []
        if self.time_column:
            parts.append(f"time column `{self.time_column}`")
        if self.calendar:
            listed = ", ".join(f"`{c}` ({p})" for c, p in self.calendar.items())
            parts.append(f"its calendar parts {listed}")
        if self.identifiers:
            parts.append("identifiers " + ", ".join(f"`{c}`" for c in self.identifiers))
        line = "Left out of drift: " + ("; ".join(parts) if parts else "nothing") + "."
        if self.leaks:
            leaks = ", ".join(f"`{c}`" for c in self.leaks)
            line += f" Left out of models as target leaks: {leaks}."
        return line

    def to_polars(self) -> pl.DataFrame:
        """:attr:`table`."""
        return self.table

    def to_dict(self) -> dict[str, Any]:
        """Every role as lists of column names, and the table's rows."""
        return {
            "time_column": self.time_column,
            "target": self.target,
            "calendar": dict(self.calendar),
            "identifiers": list(self.identifiers),
            "outputs": list(self.outputs),
            "leaks": list(self.leaks),
            "numeric": list(self.numeric),
            "categorical": list(self.categorical),
            "text": list(self.text),
            "empty": list(self.empty),
            "groups": list(self.groups),
            "columns": self.table.to_dicts(),
        }

    def _ranked(self, names: Sequence[str]) -> list[str]:
        facts = self.table.filter(self.table["column"].is_in(list(names)))
        ranking = ["missing_share", "target_auc", "variability"]
        order = facts.sort(ranking, descending=True, nulls_last=True, maintain_order=True)
        return order["column"].to_list()


def infer_roles(
    data: FrameLike,
    *,
    time_column: str | None = "auto",
    target: str | None = None,
    outputs: Sequence[str] = (),
    max_group_levels: int = MAX_GROUP_LEVELS,
) -> ColumnRoles:
    """Infer the role of every column of ``data``.

    Parameters
    ----------
    data : frame, Dataset or data ref
        The data set.
    time_column : str or None, default "auto"
        The time column; ``"auto"``: the first date/time column, if any; ``None`` or ``""``: none.
        A string column is parsed as ISO 8601 to find its calendar parts.
    target : str, optional
        The label column; ignored when absent from ``data`` (raw data has no label).
    outputs : sequence of str
        Model output columns (predictions, probabilities); those absent are ignored.
    max_group_levels : int, default 20
        Most distinct values of a default bias grouping column.

    Returns
    -------
    ColumnRoles

    Raises
    ------
    UnknownNameError
        When ``time_column`` names a column that ``data`` does not have.

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"id": range(100), "x": [i % 7 for i in range(100)]})
    >>> infer_roles(frame).identifiers
    ('id',)
    """
    frame = to_polars(data)
    kinds = infer_kinds(frame)
    time = _time_column(frame, kinds, time_column)
    facts = _facts(frame, kinds)
    roles: dict[str, tuple[str, str]] = {}
    if time is not None:
        roles[time] = ("time", "the time column")
        calendar = _calendar_parts(frame, time, kinds, facts)
        roles.update({c: ("calendar", f"{part} of {time}") for c, part in calendar.items()})
    if target is not None and target in frame.columns:
        roles[target] = ("target", "the label")
    for name in outputs:
        if name in frame.columns:
            roles[name] = ("model_output", "a model output")
    for name, kind in kinds.items():
        if name not in roles and kind == ColumnKind.IDENTIFIER:
            roles[name] = ("identifier", "unique per row")
    if target in roles and roles[target][0] == "target":
        numeric = [n for n, k in kinds.items() if k == ColumnKind.NUMERIC and n not in roles]
        aucs = _target_aucs(frame, target, numeric)
        for name, auc in aucs.items():
            facts[name]["target_auc"] = auc
            if auc >= LEAK_AUC:
                roles[name] = ("leak", f"alone ranks {target} with ROC AUC {auc:.3f}")
    for name, kind in kinds.items():
        roles.setdefault(name, (_FEATURE_ROLE[kind], f"{kind} feature"))
    return _build(frame, kinds, facts, roles, time, target, max_group_levels)


_FEATURE_ROLE = {
    ColumnKind.NUMERIC: "numeric",
    ColumnKind.CATEGORICAL: "categorical",
    ColumnKind.BOOLEAN: "categorical",
    ColumnKind.DATETIME: "datetime",
    ColumnKind.TEXT: "text",
    ColumnKind.IDENTIFIER: "identifier",
    ColumnKind.EMPTY: "empty",
}


def _time_column(
    frame: pl.DataFrame, kinds: dict[str, ColumnKind], time_column: str | None
) -> str | None:
    if not time_column:
        return None
    if time_column == "auto":
        return next((n for n, k in kinds.items() if k == ColumnKind.DATETIME), None)
    if time_column not in frame.columns:
        raise UnknownNameError(time_column, tuple(frame.columns), what="time column")
    return time_column


def _facts(frame: pl.DataFrame, kinds: dict[str, ColumnKind]) -> dict[str, dict[str, Any]]:
    """Missing share, distinct count and variability (std / (|mean| + std)) of each column."""
    import polars as pl

    expressions: list[pl.Expr] = []
    for i, name in enumerate(frame.columns):
        column = pl.col(name)
        expressions += [column.null_count().alias(f"{i}n"), column.n_unique().alias(f"{i}d")]
        if kinds[name] == ColumnKind.NUMERIC and frame.schema[name].is_numeric():
            values = column.cast(pl.Float64)
            std, mean = values.std(), values.mean().abs()
            expressions.append((std / (mean + std)).fill_nan(0.0).alias(f"{i}v"))
    row = frame.select(expressions).row(0, named=True) if expressions else {}
    height = max(frame.height, 1)
    return {
        name: {
            "missing_share": row[f"{i}n"] / height,
            "distinct": row[f"{i}d"] - (1 if row[f"{i}n"] else 0),
            "variability": row.get(f"{i}v"),
            "target_auc": None,
        }
        for i, name in enumerate(frame.columns)
    }


def _calendar_parts(
    frame: pl.DataFrame,
    time: str,
    kinds: dict[str, ColumnKind],
    facts: dict[str, dict[str, Any]],
) -> dict[str, str]:
    """Integer columns equal to a part of ``time`` (possibly shifted by a time zone)."""
    import polars as pl

    if frame.height > CHECK_ROWS:  # shares of matching rows: a seeded sample is plenty
        frame = frame.sample(CHECK_ROWS, seed=0)
    moment = pl.col(time)
    if frame.schema[time] == pl.String:
        moment = moment.str.to_datetime(strict=False, time_zone="UTC")
    elif frame.schema[time] == pl.Date:
        moment = moment.cast(pl.Datetime)
    moments = frame.select(moment.alias("t")).to_series()  # parsed once, not once per part
    if getattr(moments.dtype, "time_zone", None):
        moments = moments.dt.replace_time_zone(None)  # the same wall clock, cheaper parts
    parts = pl.DataFrame(
        getattr(moments.dt, method)().cast(pl.Int64).alias(f"\x00{part}")
        for part, (method, _) in _PARTS.items()
    )
    part_distinct = {part: parts[f"\x00{part}"].n_unique() for part in _PARTS}
    pairs = [
        (name, part)
        for name in frame.columns
        if name != time and frame.schema[name].is_integer()
        for part in _PARTS
        if facts[name]["distinct"] <= part_distinct[part] + 1
    ]
    if not pairs:
        return {}
    joined = pl.concat([frame.select(sorted({n for n, _ in pairs})), parts], how="horizontal")
    expressions: list[pl.Expr] = []
    for i, (name, part) in enumerate(pairs):
        column, value = pl.col(name).cast(pl.Int64), pl.col(f"\x00{part}")
        expressions.append((column == value).mean().alias(f"{i}|exact"))
        expressions.append((column + 1 == value).mean().alias(f"{i}|minus"))
        period = _PARTS[part][1]
        if period and part_distinct[part] > 2:
            shift = ((column - value) % period).drop_nulls()
            top_two = shift.value_counts(sort=True).struct.field("count").head(2).sum()
            expressions.append((top_two / shift.len()).alias(f"{i}|shifted"))
    row = joined.select(expressions).row(0, named=True)
    matches: dict[str, list[str]] = {}
    for i, (name, part) in enumerate(pairs):
        if _is_part(row, str(i)):
            matches.setdefault(name, []).append(part)
    # A column matching several parts (a single month equals its quarter too) is named after
    # the part its name mentions, else the first in calendar order.
    return {
        name: next((part for part in parts if part in name.lower()), parts[0])
        for name, parts in matches.items()
    }


def _is_part(row: dict[str, Any], key: str) -> bool:
    # weekday may count from 0 (pandas) or 1 (ISO): `minus` compares column + 1 with the part.
    exact = max(row[f"{key}|exact"] or 0.0, row[f"{key}|minus"] or 0.0)
    if exact >= CALENDAR_MATCH_SHARE:
        return True
    shifted = row.get(f"{key}|shifted")
    return shifted is not None and shifted >= SHIFTED_MATCH_SHARE


def _target_aucs(frame: pl.DataFrame, target: str, numeric: list[str]) -> dict[str, float]:
    """ROC AUC of each numeric column alone against a two-class ``target``, folded to ≥ 0.5.

    The Mann–Whitney form (rank sums), so one polars ``select`` scores every column.
    """
    import polars as pl

    if frame.height > CHECK_ROWS:
        frame = frame.sample(CHECK_ROWS, seed=0)
    labels = frame[target].drop_nulls().unique()
    if labels.len() != 2 or not numeric:
        return {}
    positive = pl.col(target) == labels.sort()[1]
    expressions = []
    for i, name in enumerate(numeric):
        kept = pl.col(target).is_not_null() & pl.col(name).is_not_null()
        rank = pl.col(name).filter(kept).rank("average")
        is_positive = positive.filter(kept)
        n_pos = is_positive.sum().cast(pl.Float64)
        n_neg = is_positive.len().cast(pl.Float64) - n_pos
        rank_sum = rank.filter(is_positive).sum()
        auc = (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
        expressions.append(auc.cast(pl.Float64).alias(str(i)))
    row = frame.select(expressions).row(0)
    return {
        name: max(auc, 1 - auc)
        for name, auc in zip(numeric, row, strict=True)
        if auc is not None and math.isfinite(auc)
    }


def _build(
    frame: pl.DataFrame,
    kinds: dict[str, ColumnKind],
    facts: dict[str, dict[str, Any]],
    roles: dict[str, tuple[str, str]],
    time: str | None,
    target: str | None,
    max_group_levels: int,
) -> ColumnRoles:
    import polars as pl

    table = pl.DataFrame(
        [
            {
                "column": name,
                "kind": str(kinds[name]),
                "role": roles[name][0],
                "reason": roles[name][1],
                **facts[name],
            }
            for name in frame.columns
        ],
        schema={
            "column": pl.String,
            "kind": pl.String,
            "role": pl.String,
            "reason": pl.String,
            "missing_share": pl.Float64,
            "distinct": pl.Int64,
            "variability": pl.Float64,
            "target_auc": pl.Float64,
        },
    )

    def named(role: str) -> tuple[str, ...]:
        return tuple(n for n in frame.columns if roles[n][0] == role)

    ranking = ["target_auc", "variability"]
    ranked = table.sort(ranking, descending=True, nulls_last=True, maintain_order=True)
    numeric = tuple(n for n in ranked["column"] if roles[n][0] == "numeric")
    categorical = named("categorical")
    groups = tuple(
        sorted(
            (n for n in categorical if 2 <= facts[n]["distinct"] <= max_group_levels),
            key=lambda n: facts[n]["distinct"],
        )
    )
    return ColumnRoles(
        time_column=time,
        target=target if target in roles and roles[target][0] == "target" else None,
        calendar={n: roles[n][1].split(" of ")[0] for n in named("calendar")},
        identifiers=named("identifier"),
        outputs=named("model_output"),
        leaks=named("leak"),
        numeric=numeric,
        categorical=categorical,
        text=named("text"),
        empty=named("empty"),
        groups=groups,
        table=table,
    )

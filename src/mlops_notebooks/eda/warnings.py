"""Data-quality warnings: small rules registered by code, each reporting the threshold it used.

Add a rule of your own with :func:`register_warning`::

    @register_warning("negative_price")
    def _negative_price(column, overview, thresholds):
        if column.name == "price" and column.numeric and column.numeric.negatives:
            return ProfileWarning("negative_price", column.name, "price below zero",
                                  column.numeric.negatives, 0)
        return None
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mlops_notebooks.eda.summaries import ColumnProfile
from mlops_notebooks.errors import InvalidInputError

__all__ = [
    "WARNING_RULES",
    "DatasetOverview",
    "ProfileWarning",
    "WarningThresholds",
    "collect_warnings",
    "register_warning",
]


@dataclass(frozen=True)
class DatasetOverview:
    """Shape, memory, duplicated rows and column kinds of a data set.

    ``duplicate_rows_error`` is None when ``duplicate_rows`` is exact, else the standard error
    (in rows) of its HyperLogLog estimate (data sets beyond 20 million rows on the streaming
    and Dask engines).
    """

    rows: int
    columns: int
    memory_bytes: int
    duplicate_rows: int
    kinds: dict[str, int]
    duplicate_rows_error: float | None = None

    @property
    def duplicate_share(self) -> float:
        """Duplicated rows as a share of all rows."""
        return self.duplicate_rows / self.rows if self.rows else 0.0


@dataclass(frozen=True)
class WarningThresholds:
    """Thresholds of the built-in rules (shares are between 0 and 1).

    Attributes
    ----------
    missing_share : float, default 0.2
        Warn when more than this share of a column is missing.
    dominant_share : float, default 0.95
        Near-constant: the most frequent value covers more than this share of non-missing rows.
    high_cardinality : int, default 50
        Warn when a categorical column has more distinct values than this.
    skewness : float, default 2.0
        Warn when ``|skewness|`` exceeds this.
    duplicate_share : float, default 0.0
        Warn when the share of duplicated rows exceeds this.
    """

    missing_share: float = 0.2
    dominant_share: float = 0.95
    high_cardinality: int = 50
    skewness: float = 2.0
    duplicate_share: float = 0.0


@dataclass(frozen=True)
class ProfileWarning:
    """One finding: rule code, column (``None`` for the data set), value and threshold used."""

    code: str
    column: str | None
    message: str
    value: float
    threshold: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dict(vars(self))


Rule = Callable[[ColumnProfile, WarningThresholds], ProfileWarning | None]
WARNING_RULES: dict[str, Rule] = {}
DUPLICATE_RULE = "duplicate warning rule {code!r}: pick another code"


def register_warning(code: str) -> Callable[[Rule], Rule]:
    """Register a per-column rule under ``code``; it returns a warning or ``None``."""

    def decorate(rule: Rule) -> Rule:
        if code in WARNING_RULES:
            raise InvalidInputError(DUPLICATE_RULE.format(code=code))
        WARNING_RULES[code] = rule
        return rule

    return decorate


def collect_warnings(
    overview: DatasetOverview, columns: list[ColumnProfile], thresholds: WarningThresholds
) -> list[ProfileWarning]:
    """Run the data-set rule and every registered column rule, in registry order."""
    found: list[ProfileWarning] = []
    if overview.duplicate_rows and overview.duplicate_share > thresholds.duplicate_share:
        found.append(
            ProfileWarning(
                "duplicate_rows",
                None,
                f"{overview.duplicate_rows:,} duplicated rows "
                f"({overview.duplicate_share:.1%} > {thresholds.duplicate_share:.1%})",
                overview.duplicate_share,
                thresholds.duplicate_share,
            )
        )
    for column in columns:
        for rule in WARNING_RULES.values():
            warning = rule(column, thresholds)
            if warning is not None:
                found.append(warning)
    return found


@register_warning("high_missing")
def _high_missing(column: ColumnProfile, thresholds: WarningThresholds) -> ProfileWarning | None:
    share, limit = column.missing_share, thresholds.missing_share
    if column.count and share > limit:
        return ProfileWarning(
            "high_missing", column.name, f"{share:.1%} missing (> {limit:.0%})", share, limit
        )
    return None


@register_warning("constant")
def _constant(column: ColumnProfile, thresholds: WarningThresholds) -> ProfileWarning | None:
    if column.kind != "empty" and column.distinct == 1 and column.count:
        return ProfileWarning("constant", column.name, "a single distinct value", 1, 1)
    return None


@register_warning("near_constant")
def _near_constant(column: ColumnProfile, thresholds: WarningThresholds) -> ProfileWarning | None:
    if column.categorical is None or column.distinct < 2:
        return None
    total = sum(column.categorical.counts.values())
    value, count = column.categorical.top(1)[0]
    share, limit = count / total, thresholds.dominant_share
    if share > limit:
        message = f"{value!r} covers {share:.1%} of values (> {limit:.0%})"
        return ProfileWarning("near_constant", column.name, message, share, limit)
    return None


@register_warning("high_cardinality")
def _high_cardinality(
    column: ColumnProfile, thresholds: WarningThresholds
) -> ProfileWarning | None:
    limit = thresholds.high_cardinality
    if column.kind == "categorical" and column.distinct > limit:
        message = f"{column.distinct:,} distinct values (> {limit})"
        return ProfileWarning("high_cardinality", column.name, message, column.distinct, limit)
    return None


@register_warning("skewed")
def _skewed(column: ColumnProfile, thresholds: WarningThresholds) -> ProfileWarning | None:
    if column.numeric is None:
        return None
    skewness, limit = column.numeric.moments.skewness, thresholds.skewness
    if skewness is not None and abs(skewness) > limit:
        positive = (column.numeric.minimum or 0) > 0
        hint = "; consider a log scale" if skewness > 0 and positive else ""
        message = f"skewness {skewness:.2f} (|skew| > {limit}){hint}"
        return ProfileWarning("skewed", column.name, message, skewness, limit)
    return None


@register_warning("identifier")
def _identifier(column: ColumnProfile, thresholds: WarningThresholds) -> ProfileWarning | None:
    if column.kind == "identifier":
        share = column.distinct / max(1, column.count - column.missing)
        message = f"identifier-like: {share:.1%} distinct values; exclude it from models"
        return ProfileWarning("identifier", column.name, message, share, 0.95)
    return None


@register_warning("mixed_types")
def _mixed(column: ColumnProfile, thresholds: WarningThresholds) -> ProfileWarning | None:
    if column.mixed_types:
        types = ", ".join(column.mixed_types)
        message = f"mixed value types in one column ({types}); profiled as text"
        return ProfileWarning("mixed_types", column.name, message, len(column.mixed_types), 1)
    return None


@register_warning("infinities")
def _infinities(column: ColumnProfile, thresholds: WarningThresholds) -> ProfileWarning | None:
    count = column.numeric.infinities if column.numeric else 0
    if count:
        message = f"{count:,} infinite values (excluded from statistics)"
        return ProfileWarning("infinities", column.name, message, count, 0)
    return None

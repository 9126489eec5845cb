"""Multivariate drift: a domain classifier and PCA reconstruction error.

Per-column tests miss changes in how columns relate to each other. A classifier that tells
reference rows from current rows measures any change it can exploit: a cross-validated ROC AUC
near 0.5 means the data sets are indistinguishable; the features it relies on are the drivers.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from mlops_notebooks._deprecation import renamed
from mlops_notebooks._frames import FrameLike
from mlops_notebooks._kinds import ColumnKind
from mlops_notebooks._protocol import Result, check_kind
from mlops_notebooks._render import figure_of
from mlops_notebooks.drift.comparison import read_input
from mlops_notebooks.drift.domain import (
    _encode,
    _feature_columns,
    _sample,
    domain_classifier_scores,
)
from mlops_notebooks.errors import InvalidInputError

if TYPE_CHECKING:
    import polars as pl
    from matplotlib.figure import Figure

__all__ = [
    "DomainClassifierDrift",
    "ReconstructionDrift",
    "domain_classifier_drift",
    "reconstruction_drift",
]

Z_95 = 1.959963984540054
# A feature drives the drift when shuffling it lowers the ROC AUC by at least this much.
DRIVER_MIN_IMPORTANCE = 0.01
NO_NUMERIC = "reconstruction drift needs at least two numeric columns present in both data sets"


@dataclass(frozen=True)
class DomainClassifierDrift(Result):
    """How well a classifier tells current rows from reference rows.

    Attributes
    ----------
    auc : float
        Cross-validated (out-of-fold) ROC AUC; 0.5 = indistinguishable.
    auc_low, auc_high : float
        95 % interval (Hanley–McNeil standard error).
    fold_aucs : tuple of float
        ROC AUC of each fold.
    threshold : float
        Drift when ``auc_low`` exceeds it.
    drift : bool
        Whether the data sets are distinguishable beyond the threshold.
    importances : tuple of (str, float, float)
        (feature, mean drop in ROC AUC when permuted, its std), largest first.
    rows_reference, rows_current : int
        Rows used from each data set.
    skipped : tuple of str
        Columns left out (identifiers, text, datetimes, kind changes).
    """

    auc: float
    auc_low: float
    auc_high: float
    fold_aucs: tuple[float, ...]
    threshold: float
    drift: bool
    importances: tuple[tuple[str, float, float], ...] = field(repr=False)
    rows_reference: int = 0
    rows_current: int = 0
    skipped: tuple[str, ...] = ()

    plot_kinds: ClassVar[tuple[str, ...]] = ("importances",)
    report_title: ClassVar[str] = "Domain classifier drift"

    @property
    def drivers(self) -> tuple[str, ...]:
        """Features whose shuffling lowers the AUC by ≥ 0.01 and by twice its std, largest first."""
        return tuple(
            name
            for name, mean, std in self.importances
            if mean >= DRIVER_MIN_IMPORTANCE and mean > 2 * std
        )

    def to_polars(self) -> pl.DataFrame:
        """Feature importances, largest first."""
        import polars as pl

        return pl.DataFrame(
            list(self.importances),
            schema={"feature": pl.String, "importance": pl.Float64, "std": pl.Float64},
            orient="row",
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form."""
        return {
            "auc": self.auc,
            "auc_low": self.auc_low,
            "auc_high": self.auc_high,
            "fold_aucs": list(self.fold_aucs),
            "threshold": self.threshold,
            "drift": self.drift,
            "drivers": list(self.drivers),
            "importances": [list(i) for i in self.importances],
            "rows_reference": self.rows_reference,
            "rows_current": self.rows_current,
            "skipped": list(self.skipped),
        }

    def _html_body(self) -> str:
        verdict = "drift" if self.drift else "no drift"
        import polars as pl

        from mlops_notebooks._render import frame_to_html

        importances = pl.DataFrame(
            [(name, float(mean), float(std)) for name, mean, std in self.importances[:15]],
            schema=["feature", "AUC drop when permuted", "std"],
            orient="row",
        )
        line = (
            f"Domain classifier: {verdict} — ROC AUC {self.auc:.3f} "
            f"(95% {self.auc_low:.3f}–{self.auc_high:.3f}; threshold {self.threshold:.2f})"
        )
        return f"<p><b>{html.escape(line)}</b></p>" + frame_to_html(importances, max_rows=15)

    @renamed(top="top_k")
    def plot(self, kind: str | None = None, *, ax: Any = None, top_k: int = 15) -> Figure:
        """Bar chart of the ``top_k`` permutation importances (drop in ROC AUC)."""
        from mlops_notebooks.drift.plots import new_figure

        check_kind(kind, self.plot_kinds, what="domain classifier plot kind")
        if ax is None:
            _, ax = new_figure(7, max(2.5, 0.3 * top_k))
        shown = self.importances[:top_k][::-1]
        ax.barh([s[0] for s in shown], [s[1] for s in shown], xerr=[s[2] for s in shown])
        ax.set_xlabel("drop in ROC AUC when the feature is shuffled")
        ax.set_title(f"What tells current from reference (AUC {self.auc:.3f})")
        return figure_of(ax)


@dataclass(frozen=True)
class ReconstructionDrift(Result):
    """PCA fitted on reference data; drift when current rows reconstruct worse.

    Attributes
    ----------
    reference_error, current_error : float
        Mean squared reconstruction error (standardized units) on held-out reference rows and
        on current rows.
    ratio : float
        ``current_error / reference_error``.
    threshold : float
        Drift when ``ratio >= 1 + threshold``.
    drift : bool
        The decision.
    components : int
        Principal components kept.
    column_errors : tuple of (str, float, float)
        (column, reference error, current error) per column, largest increase first.
    """

    reference_error: float
    current_error: float
    ratio: float
    threshold: float
    drift: bool
    components: int
    column_errors: tuple[tuple[str, float, float], ...] = field(repr=False)

    plot_kinds: ClassVar[tuple[str, ...]] = ("columns",)
    report_title: ClassVar[str] = "Reconstruction drift"

    def to_polars(self) -> pl.DataFrame:
        """Reconstruction error per column in each data set."""
        import polars as pl

        return pl.DataFrame(
            list(self.column_errors),
            schema={
                "column": pl.String,
                "reference_error": pl.Float64,
                "current_error": pl.Float64,
            },
            orient="row",
        )

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Figure:
        """Reconstruction error of each column on held-out reference rows and current rows."""
        from mlops_notebooks._render import new_axes

        check_kind(kind, self.plot_kinds, what="reconstruction plot kind")
        axis = new_axes(ax, (7, max(2.5, 0.35 * len(self.column_errors) + 1)))
        positions = np.arange(len(self.column_errors))
        names = [c[0] for c in self.column_errors]
        axis.barh(
            positions - 0.2,
            [c[1] for c in self.column_errors],
            height=0.4,
            label="reference (held out)",
        )
        axis.barh(positions + 0.2, [c[2] for c in self.column_errors], height=0.4, label="current")
        axis.set_yticks(positions, names)
        axis.invert_yaxis()
        axis.set_xlabel("mean squared reconstruction error (standardized)")
        axis.set_title(f"PCA reconstruction ({self.components} components, ratio {self.ratio:.3f})")
        axis.legend(loc="best")
        return figure_of(axis)

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form."""
        return {
            "reference_error": self.reference_error,
            "current_error": self.current_error,
            "ratio": self.ratio,
            "threshold": self.threshold,
            "drift": self.drift,
            "components": self.components,
            "column_errors": [list(c) for c in self.column_errors],
        }

    def _html_body(self) -> str:
        verdict = "drift" if self.drift else "no drift"
        return (
            f"<p><b>PCA reconstruction: {verdict}</b> — error {self.current_error:.4f} vs "
            f"{self.reference_error:.4f} on held-out reference (ratio {self.ratio:.3f}, "
            f"{self.components} components)</p>"
        )


@renamed(columns="features", random_state="seed")
def domain_classifier_drift(
    reference: FrameLike,
    current: FrameLike,
    *,
    features: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    sample_size: int = 10_000,
    folds: int = 3,
    threshold: float = 0.55,
    n_repeats: int = 3,
    seed: int = 0,
) -> DomainClassifierDrift:
    """Train gradient boosting to tell current rows from reference rows.

    Parameters
    ----------
    reference, current : frame or data ref
        The two data sets.
    features, ignore : sequence of str, optional
        Features to use / leave out (identifiers, text and datetimes are always left out;
        ``columns`` is the deprecated old name of ``features``).
    sample_size : int, default 10,000
        Rows sampled from each data set (0: all).
    folds : int, default 3
        Cross-validation folds for the out-of-fold ROC AUC.
    threshold : float, default 0.55
        Drift when the lower end of the 95 % AUC interval exceeds it.
    n_repeats : int, default 3
        Shuffles per feature for permutation importance (on the first fold's held-out rows).
    seed : int, default 0
        Seed for sampling, folds and the model (``random_state`` is its deprecated old name).

    Returns
    -------
    DomainClassifierDrift
    """
    from sklearn.metrics import roc_auc_score

    domain = domain_classifier_scores(
        reference,
        current,
        features=features,
        ignore=ignore,
        sample_size=sample_size,
        folds=folds,
        n_repeats=n_repeats,
        seed=seed,
    )
    y = domain.is_current
    auc = float(roc_auc_score(y, domain.scores))
    half_width = Z_95 * _hanley_mcneil_se(auc, int(y.sum()), int((~y).sum()))
    low = max(0.0, auc - half_width)
    return DomainClassifierDrift(
        auc=auc,
        auc_low=low,
        auc_high=min(1.0, auc + half_width),
        fold_aucs=domain.fold_aucs,
        threshold=threshold,
        drift=bool(low > threshold),
        importances=domain.importances,
        rows_reference=int((~y).sum()),
        rows_current=int(y.sum()),
        skipped=domain.skipped,
    )


def _hanley_mcneil_se(auc: float, positives: int, negatives: int) -> float:
    """Standard error of a ROC AUC (Hanley & McNeil, 1982)."""
    q1 = auc / (2 - auc)
    q2 = 2 * auc**2 / (1 + auc)
    variance = (
        auc * (1 - auc) + (positives - 1) * (q1 - auc**2) + (negatives - 1) * (q2 - auc**2)
    ) / (positives * negatives)
    return math.sqrt(max(variance, 0.0))


@renamed(columns="features", random_state="seed")
def reconstruction_drift(
    reference: FrameLike,
    current: FrameLike,
    *,
    features: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    variance: float = 0.9,
    sample_size: int = 50_000,
    threshold: float = 0.1,
    seed: int = 0,
) -> ReconstructionDrift:
    """Fit PCA on half the reference; compare reconstruction error on the rest and on current.

    Numeric columns are standardized with reference statistics and missing values set to the
    reference median. Drift when the current error is at least ``1 + threshold`` times the
    held-out reference error.
    """
    from sklearn.decomposition import PCA

    ref_frame, _ = read_input(reference, "reference")
    cur_frame, _ = read_input(current, "current")
    used, _ = _feature_columns(ref_frame, cur_frame, features, ignore)
    numeric: list[tuple[str, ColumnKind]] = [
        (n, k) for n, k in used if k in (ColumnKind.NUMERIC, ColumnKind.BOOLEAN)
    ]
    if len(numeric) < 2:
        raise InvalidInputError(NO_NUMERIC)
    ref = _encode(_sample(ref_frame, sample_size, seed), numeric, {})
    cur = _encode(_sample(cur_frame, sample_size, seed + 1), numeric, {})
    rng = np.random.default_rng(seed)
    fit_rows = rng.permutation(len(ref)) < len(ref) // 2
    median, mean = np.nanmedian(ref[fit_rows], axis=0), np.nanmean(ref[fit_rows], axis=0)
    scale = np.nanstd(ref[fit_rows], axis=0)
    scale[~(scale > 0)] = 1.0

    def standardize(values: np.ndarray) -> np.ndarray:
        filled = np.where(np.isnan(values), median, values)
        return np.nan_to_num((filled - mean) / scale)

    pca = PCA(n_components=variance, random_state=seed).fit(standardize(ref[fit_rows]))

    def squared_errors(values: np.ndarray) -> np.ndarray:
        z = standardize(values)
        return np.asarray((z - pca.inverse_transform(pca.transform(z))) ** 2)

    ref_errors, cur_errors = squared_errors(ref[~fit_rows]), squared_errors(cur)
    ref_error, cur_error = float(ref_errors.mean()), float(cur_errors.mean())
    ratio = cur_error / ref_error if ref_error > 0 else (math.inf if cur_error > 0 else 1.0)
    per_column = sorted(
        zip([n for n, _ in numeric], ref_errors.mean(axis=0), cur_errors.mean(axis=0), strict=True),
        key=lambda t: t[1] - t[2],
    )
    return ReconstructionDrift(
        reference_error=ref_error,
        current_error=cur_error,
        ratio=float(ratio),
        threshold=threshold,
        drift=bool(ratio >= 1 + threshold),
        components=int(pca.n_components_),
        column_errors=tuple((n, float(r), float(c)) for n, r, c in per_column),
    )

"""The result of :func:`mlops_notebooks.segments.find_segments`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import polars as pl

from mlops_notebooks._html import svg
from mlops_notebooks._html.page import verdict
from mlops_notebooks._io import write_text_atomic
from mlops_notebooks._protocol import Result, check_kind
from mlops_notebooks._render import (
    figure,
    figure_of,
    fragment,
    frame_to_html,
    new_axes,
    page,
    paragraph,
    section,
)

__all__ = ["SegmentReport"]


@dataclass(frozen=True, eq=False)
class SegmentReport(Result):
    """The segments where a per-row score is significantly worse than overall.

    Attributes
    ----------
    segments : polars.DataFrame
        One row per segment, best first: ``rank, segment`` (readable conjunction),
        ``n_predicates, size, share, mean_score, ci_low, ci_high`` (interval of the mean
        score), ``lift`` (mean / overall mean), ``excess`` (size × (mean − overall)), ``z``,
        ``p_value`` and ``p_adjusted`` (after the multiple-testing correction).
    score : str
    overall_mean : float
    n_rows : int
    n_tested : int
        Segments tested, the size of the multiple-testing family.
    features : tuple of str
    alpha : float
    correction : str
    min_support : int
    confidence : float
    """

    segments: pl.DataFrame
    score: str
    overall_mean: float
    n_rows: int
    n_tested: int
    features: tuple[str, ...]
    alpha: float
    correction: str
    min_support: int
    confidence: float

    plot_kinds: ClassVar[tuple[str, ...]] = ("segments",)
    report_title: ClassVar[str] = "Problem segments"

    def __len__(self) -> int:
        return self.segments.height

    def to_polars(self) -> pl.DataFrame:
        """One row per segment, best first (see ``segments``)."""
        return self.segments

    def to_dict(self) -> dict[str, Any]:
        """The settings and the segments as plain JSON-compatible values."""
        return {
            "score": self.score,
            "overall_mean": self.overall_mean,
            "n_rows": self.n_rows,
            "n_tested": self.n_tested,
            "features": list(self.features),
            "alpha": self.alpha,
            "correction": self.correction,
            "min_support": self.min_support,
            "confidence": self.confidence,
            "segments": [
                {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
                for row in self.segments.to_dicts()
            ],
        }

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """Mean score of each segment with its interval, against the overall mean."""
        import numpy as np

        check_kind(kind, self.plot_kinds, what="segment plot kind")
        ax = new_axes(ax, (7, 0.5 * max(self.segments.height, 2) + 1))
        frame = self.segments
        positions = np.arange(frame.height)
        mean = frame["mean_score"].to_numpy()
        errors = np.vstack([mean - frame["ci_low"].to_numpy(), frame["ci_high"].to_numpy() - mean])
        ax.barh(positions, mean, xerr=errors, color="#c44e52", capsize=3)
        ax.set_yticks(positions, frame["segment"].to_list(), fontsize=8)
        ax.invert_yaxis()
        ax.axvline(self.overall_mean, color="grey", linestyle="--", label="overall")
        ax.set_xlabel(f"mean {self.score} ({self.confidence:.0%} interval)")
        ax.set_title("Problem segments" if frame.height else "No significant segment")
        ax.legend(loc="best")
        return figure_of(ax)

    def _summary_line(self) -> str:
        count = self.segments.height
        return (
            f"{count} segment{'' if count == 1 else 's'} where mean {self.score} is "
            "significantly above "
            f"the overall {self.overall_mean:.4g} ({self.n_rows:,} rows, {self.n_tested:,} "
            f"segments tested, {self.correction}-corrected alpha {self.alpha:g}, "
            f"min support {self.min_support:,})"
        )

    def _chart(self) -> str:
        frame = self.segments
        if frame.height == 0:
            return ""
        chart = svg.interval_chart(
            frame["segment"].to_list(),
            frame["mean_score"].to_list(),
            frame["ci_low"].to_list(),
            frame["ci_high"].to_list(),
            reference=self.overall_mean,
            flags=[True] * frame.height,
            width=760,
            label="mean score per segment",
        )
        caption = f"Mean {self.score} per segment with its {self.confidence:.0%} interval"
        return figure(chart, caption + "; dashed: overall mean")

    def _html_body(self) -> str:
        summary = verdict(self._summary_line(), bad=self.segments.height > 0)
        features = paragraph("Features searched: " + ", ".join(self.features), css="mlnb-note")
        return section("Summary", summary + features) + section(
            "Segments", self._chart() + frame_to_html(self.segments, percent=("share",))
        )

    def _repr_html_(self) -> str:
        summary = verdict(self._summary_line(), bad=self.segments.height > 0)
        return fragment(summary + frame_to_html(self.segments, percent=("share",)))

    def save_html(
        self, path: str | os.PathLike[str], *, provenance: list[dict[str, Any]] | None = None
    ) -> Path:
        """Write a standalone HTML report atomically and return its path.

        ``provenance`` records of the data (source, rows, content hash) go in the header.
        """
        description = "The readable segments of the data where a per-row score is worse."
        text = page(
            "Problem segments", self._html_body(), provenance=provenance, description=description
        )
        return write_text_atomic(path, text)

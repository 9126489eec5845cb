"""Problem segments: readable conjunctions of feature conditions where a score is worse.

:func:`find_segments` takes any per-row score (misclassification, loss, absolute error, or a
reference-vs-current classifier's probability to explain drift) and returns a
:class:`SegmentReport`.
"""

from .drift import drift_scores, explain_drift
from .results import SegmentReport
from .search import RANKINGS, find_segments

__all__ = ["RANKINGS", "SegmentReport", "drift_scores", "explain_drift", "find_segments"]

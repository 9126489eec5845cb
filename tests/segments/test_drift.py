"""explain_drift finds the planted shift and nothing when there is none."""

from __future__ import annotations

import numpy as np
import polars as pl

from mlops_notebooks.segments import explain_drift


def _flights(rng: np.random.Generator, n: int, b6_share: float) -> pl.DataFrame:
    others = (1 - b6_share) / 3
    return pl.DataFrame(
        {
            "carrier": rng.choice(
                ["AA", "B6", "UA", "DL"], n, p=[others, b6_share, others, others]
            ),
            "origin": rng.choice(["EWR", "JFK", "LGA"], n),
            "distance": rng.lognormal(6, 0.5, n),
        }
    )


def test_planted_shift_is_the_top_segment(rng, to_frame):
    reference = _flights(rng, 4000, 0.25)
    current = _flights(rng, 4000, 0.5)
    report = explain_drift(to_frame(reference), to_frame(current), top_k=3)
    assert report.score == "is_current"
    assert report.segments["segment"][0] == 'carrier == "B6"'


def test_no_segment_without_drift():
    rng = np.random.default_rng(7)
    report = explain_drift(_flights(rng, 3000, 0.25), _flights(rng, 3000, 0.25))
    assert len(report) == 0


def test_classifier_scores_rank_the_shifted_carrier_first(rng):
    from mlops_notebooks.segments import drift_scores

    reference = _flights(rng, 3000, 0.25)
    current = _flights(rng, 3000, 0.5)
    scores = drift_scores(reference, current)
    b6 = (current["carrier"] == "B6").to_numpy()
    assert scores.shape == (3000,)
    assert scores[b6].mean() > scores[~b6].mean() + 0.1
